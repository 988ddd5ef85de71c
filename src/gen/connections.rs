//! Connection steps.

use proptest::prelude::*;

use super::common::{handle, maybe, name, principal, tags};
use crate::model::{ConnectionStep, Step};

/// Weighted connection steps.
pub fn steps(two_accounts: bool) -> impl Strategy<Value = Step> {
    let by = move || principal(two_accounts);
    crate::weighted![
        4 => (by(), any::<u8>(), prop::sample::select(vec!["1Gbps", "10Gbps"]), name(), tags(3)).prop_map(
            |(by, location, bandwidth, name, tags)| ConnectionStep::CreateConnection {
                by,
                location,
                bandwidth: bandwidth.to_owned(),
                name,
                tags,
            }
        ),
        4 => (by(), maybe(handle())).prop_map(|(by, target)| ConnectionStep::DescribeConnections { by, target }),
        2 => (by(), handle(), name()).prop_map(|(by, target, name)| ConnectionStep::UpdateConnection { by, target, name }),
        2 => (by(), handle()).prop_map(|(by, target)| ConnectionStep::DeleteConnection { by, target }),
        1 => by().prop_map(|by| ConnectionStep::DescribeLocations { by }),
    ]
    .prop_map(Step::Connection)
}
