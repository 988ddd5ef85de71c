//! Steps of the connection family: connections and locations.

use serde::{Deserialize, Serialize};

use super::operations_by_variant;
use crate::model::{HandleRef, Tag};
use crate::vocab::Principal;

/// Steps of the connection family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "PascalCase")]
pub enum ConnectionStep {
    /// CreateConnection at the `location`-th location of the run's pool.
    CreateConnection {
        /// Caller.
        by: Principal,
        /// Index into the location pool (modulo its size).
        location: u8,
        /// Bandwidth, e.g. `1Gbps`.
        bandwidth: String,
        /// Connection name.
        name: String,
        /// Tags given at creation.
        tags: Vec<Tag>,
    },
    /// DescribeConnections, of one connection or all.
    DescribeConnections {
        /// Caller.
        by: Principal,
        /// One connection, or `None` for all.
        target: Option<HandleRef>,
    },
    /// UpdateConnection renaming a connection.
    UpdateConnection {
        /// Caller.
        by: Principal,
        /// The connection.
        target: HandleRef,
        /// New name.
        name: String,
    },
    /// DeleteConnection.
    DeleteConnection {
        /// Caller.
        by: Principal,
        /// The connection.
        target: HandleRef,
    },
    /// DescribeLocations.
    DescribeLocations {
        /// Caller.
        by: Principal,
    },
    /// UpdateConnectionsBillingMode of one or more connections.
    UpdateConnectionsBillingMode {
        /// Caller.
        by: Principal,
        /// The connections (distinct ones are sent once each).
        targets: Vec<HandleRef>,
        /// The billing mode (a `RequestBillingMode` value).
        billing_mode: String,
    },
}

operations_by_variant!(
    ConnectionStep:
    CreateConnection,
    DescribeConnections,
    UpdateConnection,
    DeleteConnection,
    DescribeLocations,
    UpdateConnectionsBillingMode,
);
