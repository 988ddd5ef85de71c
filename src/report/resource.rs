//! Which resource type an operation acts on, for grouping reports (the chart of
//! conformance per resource type). Derived from the operation name alone, so a
//! report of any run, old or new, groups the same way.

use crate::model::ResourceKind;

/// Name fragments and the resource type they denote, most specific first:
/// `DescribeDirectConnectGatewayAssociations` is a gateway operation even though
/// it mentions no connection, `DescribeConnectionsOnInterconnect` an interconnect one.
const FRAGMENTS: &[(&str, Group)] = &[
    ("TagResource", Other("tag")),
    ("UntagResource", Other("tag")),
    ("DescribeTags", Other("tag")),
    ("ResiliencyGroup", Other("resiliency group")),
    ("VirtualInterface", Kind(ResourceKind::VirtualInterface)),
    (
        "DirectConnectGateway",
        Kind(ResourceKind::DirectConnectGateway),
    ),
    ("VirtualGateway", Kind(ResourceKind::DirectConnectGateway)),
    ("Lag", Kind(ResourceKind::Lag)),
    ("Interconnect", Kind(ResourceKind::Interconnect)),
    ("Bgp", Kind(ResourceKind::VirtualInterface)),
    ("BGP", Kind(ResourceKind::VirtualInterface)),
    ("MacSec", Kind(ResourceKind::Connection)),
    ("Loa", Kind(ResourceKind::Connection)),
    ("Connection", Kind(ResourceKind::Connection)),
    ("Location", Other("location")),
    ("RouterConfiguration", Kind(ResourceKind::VirtualInterface)),
    ("Customer", Other("account")),
];

/// What a fragment denotes: a resource kind (named by its descriptor's display name;
/// BGP peers, gateway associations and proposals group with the kind they belong
/// to) or something that is not a resource kind of the model.
#[derive(Clone, Copy)]
enum Group {
    Kind(ResourceKind),
    Other(&'static str),
}
use Group::{Kind, Other};

/// The resource type of `operation` (`CreateConnection` → `connection`), `other` when unknown.
pub fn resource_type(operation: &str) -> &'static str {
    FRAGMENTS
        .iter()
        .find(|(fragment, _)| operation.contains(fragment))
        .map_or("other", |(_, group)| match group {
            Kind(kind) => kind.display_name(),
            Other(name) => name,
        })
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
