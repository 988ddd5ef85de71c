//! Malformed steps: read-only calls with broken framing (sent raw), calls with an
//! unknown member, and calls on one resource with its id mangled.

use proptest::prelude::*;

use super::common::{handle, principal};
use crate::model::{ConnectionStep, Malformed, MalformedStep, MangledId, Step, VifStep};
use crate::vocab::Malformation;

/// Malformed steps.
pub fn malformed(two_accounts: bool) -> impl Strategy<Value = Step> {
    let by = move || principal(two_accounts);
    let describe_all = by()
        .prop_map(|by| Step::Connection(ConnectionStep::DescribeConnections { by, target: None }));
    let wire = (
        describe_all.clone(),
        prop::sample::select(Malformation::ALL.to_vec()),
    )
        .prop_map(|(base, m)| (base, Malformed::Wire(m)));
    let unknown = crate::weighted![
        describe_all,
        by().prop_map(|by| Step::Connection(ConnectionStep::DescribeLocations { by })),
    ]
    .prop_map(|base| (base, Malformed::UnknownMember));
    let named = crate::weighted![
        (by(), handle()).prop_map(|(by, t)| Step::Connection(
            ConnectionStep::DescribeConnections {
                by,
                target: Some(t)
            }
        )),
        (by(), handle()).prop_map(|(by, target)| Step::Connection(
            ConnectionStep::DeleteConnection { by, target }
        )),
        (by(), handle()).prop_map(|(by, target)| Step::Connection(
            ConnectionStep::UpdateConnection {
                by,
                target,
                name: "dx-mangled".into()
            }
        )),
        (by(), handle()).prop_map(|(by, t)| Step::Vif(VifStep::DescribeVirtualInterfaces {
            by,
            target: Some(t)
        })),
        (by(), handle())
            .prop_map(|(by, target)| Step::Vif(VifStep::DeleteVirtualInterface { by, target })),
    ];
    let mangled = (named, prop::sample::select(MangledId::ALL.to_vec()))
        .prop_map(|(base, how)| (base, Malformed::MangledId(how)));
    crate::weighted![3 => wire, 1 => unknown, 3 => mangled].prop_map(|(base, malformed)| {
        Step::Malformed(MalformedStep {
            base: Box::new(base),
            malformed,
        })
    })
}
