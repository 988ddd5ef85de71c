//! The specification and the official SDK cannot drift apart silently: every enum
//! of `specs/directconnect.json` equals the `values()` of the aws-sdk-directconnect
//! type generated from the same service model, and every spec enum is listed here.

use std::collections::BTreeMap;

use aws_sdk_directconnect::types;
use dxconform::spec::Spec;

/// Spec shape name → the SDK's values for it. The SDK renames `BGP` to `Bgp`.
fn sdk_enums() -> BTreeMap<&'static str, &'static [&'static str]> {
    macro_rules! enums {
        ($($spec:literal => $sdk:ident),* $(,)?) => {
            BTreeMap::from([$(($spec, types::$sdk::values())),*])
        };
    }
    enums! {
        "AddressFamily" => AddressFamily,
        "AsPathType" => AsPathType,
        "BGPPeerState" => BgpPeerState,
        "BGPStatus" => BgpStatus,
        "BillingMode" => BillingMode,
        "ConnectionState" => ConnectionState,
        "DirectConnectGatewayAssociationProposalState" => DirectConnectGatewayAssociationProposalState,
        "DirectConnectGatewayAssociationState" => DirectConnectGatewayAssociationState,
        "DirectConnectGatewayAttachmentState" => DirectConnectGatewayAttachmentState,
        "DirectConnectGatewayAttachmentType" => DirectConnectGatewayAttachmentType,
        "DirectConnectGatewayState" => DirectConnectGatewayState,
        "GatewayType" => GatewayType,
        "HasLogicalRedundancy" => HasLogicalRedundancy,
        "InterconnectState" => InterconnectState,
        "LagState" => LagState,
        "LoaContentType" => LoaContentType,
        "NniPartnerType" => NniPartnerType,
        "RequestBillingMode" => RequestBillingMode,
        "ResiliencyGroupAssociationState" => ResiliencyGroupAssociationState,
        "ResiliencyGroupState" => ResiliencyGroupState,
        "ResiliencyGroupType" => ResiliencyGroupType,
        "ResiliencyModel" => ResiliencyModel,
        "RouteDirection" => RouteDirection,
        "VirtualInterfaceState" => VirtualInterfaceState,
    }
}

#[test]
fn every_spec_enum_equals_the_sdk_values() {
    let sdk = sdk_enums();
    let spec = Spec::builtin();
    let mut checked = 0;
    for (name, values) in spec.enums() {
        let sdk_values = sdk.get(name).unwrap_or_else(|| {
            panic!("spec enum {name} has no SDK counterpart listed in this test")
        });
        let mut a: Vec<&str> = values.iter().map(String::as_str).collect();
        let mut b: Vec<&str> = sdk_values.to_vec();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(
            a, b,
            "enum {name}: spec (botocore {}) and SDK differ",
            spec.source.version
        );
        checked += 1;
    }
    assert_eq!(
        checked,
        sdk.len(),
        "the SDK list names enums the spec does not have"
    );
}

#[test]
fn the_spec_has_the_sdks_73_operations() {
    let spec = Spec::builtin();
    let spec_ops: Vec<&str> = spec.operations.keys().map(String::as_str).collect();
    let mut sdk_ops: Vec<&str> = dxconform::check::SDK_OPERATIONS.to_vec();
    sdk_ops.sort_unstable();
    assert_eq!(spec_ops, sdk_ops);
}
