//! Which resource type an operation acts on, for grouping reports (the chart of
//! conformance per resource type). Derived from the operation name alone, so a
//! report of any run, old or new, groups the same way.

/// Name fragments and the resource type they denote, most specific first:
/// `DescribeDirectConnectGatewayAssociations` is a gateway operation even though
/// it mentions no connection, `DescribeConnectionsOnInterconnect` an interconnect one.
const FRAGMENTS: &[(&str, &str)] = &[
    ("TagResource", "tag"),
    ("UntagResource", "tag"),
    ("DescribeTags", "tag"),
    ("ResiliencyGroup", "resiliency group"),
    ("VirtualInterface", "virtual interface"),
    ("DirectConnectGateway", "gateway"),
    ("VirtualGateway", "gateway"),
    ("Lag", "lag"),
    ("Interconnect", "interconnect"),
    ("Bgp", "virtual interface"),
    ("BGP", "virtual interface"),
    ("MacSec", "connection"),
    ("Loa", "connection"),
    ("Connection", "connection"),
    ("Location", "location"),
    ("RouterConfiguration", "virtual interface"),
    ("Customer", "account"),
];

/// The resource type of `operation` (`CreateConnection` → `connection`), `other` when unknown.
pub fn resource_type(operation: &str) -> &'static str {
    FRAGMENTS
        .iter()
        .find(|(fragment, _)| operation.contains(fragment))
        .map_or("other", |(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modelled_operations_group_by_the_resource_they_act_on() {
        for (op, kind) in [
            ("CreateConnection", "connection"),
            ("DescribeConnections", "connection"),
            ("DeleteConnection", "connection"),
            ("DescribeLocations", "location"),
            ("TagResource", "tag"),
            ("DescribeTags", "tag"),
            ("CreateLag", "lag"),
            ("DescribeConnectionsOnInterconnect", "interconnect"),
            ("DescribeDirectConnectGatewayAssociations", "gateway"),
            ("CreateBGPPeer", "virtual interface"),
            ("NoSuchThing", "other"),
        ] {
            assert_eq!(resource_type(op), kind, "{op}");
        }
    }

    #[test]
    fn every_spec_operation_has_a_resource_type() {
        let spec = crate::spec::Spec::builtin();
        let unknown: Vec<&String> = spec
            .operations
            .keys()
            .filter(|op| resource_type(op) == "other")
            .collect();
        assert!(unknown.is_empty(), "{unknown:?}");
    }
}
