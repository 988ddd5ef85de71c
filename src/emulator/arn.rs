//! Direct Connect ARNs: `arn:<partition>:directconnect:<region>:<account>:<type>/<id>`,
//! e.g. `arn:aws:directconnect:us-east-1:111111111111:dxcon/dxcon-fg5678gh`.
//! (Gateways, which are global and have no region in their ARN, come later.)

/// The partition of a region (`aws`, `aws-cn`, `aws-us-gov`).
pub(super) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// A parsed Direct Connect resource ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Arn {
    /// `aws`, `aws-cn`, ...
    pub partition: String,
    /// Region of the resource.
    pub region: String,
    /// Owning account.
    pub account: String,
    /// Resource type, e.g. `dxcon`.
    pub resource_type: String,
    /// Resource id, e.g. `dxcon-fg5678gh`.
    pub resource_id: String,
}

impl Arn {
    /// The ARN of a regional resource (no resource renders its ARN yet; tests
    /// build ARNs with it).
    #[cfg(test)]
    pub(super) fn regional(region: &str, account: &str, resource_type: &str, id: &str) -> String {
        format!(
            "arn:{}:directconnect:{region}:{account}:{resource_type}/{id}",
            partition(region)
        )
    }

    /// Parse a Direct Connect ARN; `None` when it is not one.
    pub(super) fn parse(text: &str) -> Option<Arn> {
        let parts: Vec<&str> = text.split(':').collect();
        let [arn, partition, service, region, account, resource] = parts[..] else {
            return None;
        };
        if arn != "arn" || service != "directconnect" || partition.is_empty() {
            return None;
        }
        let (resource_type, resource_id) = resource.split_once('/')?;
        if resource_type.is_empty() || resource_id.is_empty() || resource_id.contains('/') {
            return None;
        }
        Some(Arn {
            partition: partition.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource_type: resource_type.to_owned(),
            resource_id: resource_id.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_connection_arn() {
        let text = Arn::regional("us-east-1", "111111111111", "dxcon", "dxcon-fg5678gh");
        assert_eq!(
            text,
            "arn:aws:directconnect:us-east-1:111111111111:dxcon/dxcon-fg5678gh"
        );
        let arn = Arn::parse(&text).unwrap();
        assert_eq!(arn.resource_type, "dxcon");
        assert_eq!(arn.resource_id, "dxcon-fg5678gh");
        assert_eq!(arn.account, "111111111111");
    }

    #[test]
    fn rejects_non_directconnect_arns() {
        assert_eq!(Arn::parse("dxcon-fg5678gh"), None);
        assert_eq!(
            Arn::parse("arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1"),
            None
        );
        assert_eq!(
            Arn::parse("arn:aws:directconnect:us-east-1:111111111111:dxcon"),
            None
        );
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
    }
}
