//! What dedicated connections, interconnects and LAGs have in common: a port (or a
//! bundle of ports) of one bandwidth on one AWS device at one location, with a name,
//! a provisioning chain, tags, and a deletion that is final at once.

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::dispatch::Call;
use super::progress::Progress;
use super::tags::Tags;
use super::{ids, locations, ApiError, World};

/// The part of a connection, interconnect or LAG that is the same for all three.
#[derive(Debug, Clone)]
pub(super) struct Port {
    /// `dxcon-` or `dxlag-` id.
    pub id: String,
    pub name: String,
    pub region: String,
    pub location: String,
    pub bandwidth: String,
    pub aws_device: String,
    pub progress: Progress,
    pub deleted: bool,
    pub tags: Tags,
}

/// Port speeds of dedicated connections (LIFECYCLE.md; hosted speeds such as
/// 50Mbps are for partner-allocated hosted connections only).
pub(super) const DEDICATED_BANDWIDTHS: &[&str] = &["1Gbps", "10Gbps", "100Gbps", "400Gbps"];

/// The provisioning chain of a dedicated connection or an interconnect [api
/// Connection.connectionState: "requested: the initial state of a standard connection …
/// pending: approved and being initialized … available"]. Deletion is final and
/// answered `deleted` at once.
pub(super) const CHAIN: &[&str] = &["requested", "pending", "available"];

/// How a create request of one kind names its dedicated port.
pub(super) struct DedicatedRequest {
    /// The member with the new resource's name (`connectionName`, …).
    pub name_field: &'static str,
    /// The resource in error messages ("a dedicated connection").
    pub what: &'static str,
    /// Said after an unknown location (empty for nothing).
    pub location_hint: &'static str,
}

/// Refuses `bandwidth` unless it is a dedicated port speed; `what` names the resource
/// being created ("a dedicated connection", "an interconnect", "a LAG").
pub(super) fn require_dedicated_bandwidth(bandwidth: &str, what: &str) -> Result<(), ApiError> {
    if DEDICATED_BANDWIDTHS.contains(&bandwidth) {
        return Ok(());
    }
    Err(ApiError::client(format!(
        "Bandwidth {bandwidth} is not valid for {what}. Valid values: {}",
        DEDICATED_BANDWIDTHS.join(", ")
    )))
}

impl Port {
    /// A new port of `account` with a fresh `prefix-` id, on the port device at
    /// `location` in `world`'s region, starting on `chain` at `now`, without tags.
    pub(super) fn new(
        world: &mut World,
        call: &Call<'_>,
        prefix: &'static str,
        chain: &'static [&'static str],
        name: &str,
        location: &str,
        bandwidth: &str,
    ) -> Port {
        let id = world.ids.next(call.account, prefix);
        Port {
            progress: Progress::new(chain, call.now, world.ids.seed(&id)),
            id,
            name: name.to_owned(),
            region: world.region().to_owned(),
            location: location.to_owned(),
            bandwidth: bandwidth.to_owned(),
            aws_device: ids::device(location, "port"),
            deleted: false,
            tags: Tags::default(),
        }
    }

    /// The same port with `tags`.
    pub(super) fn with_tags(self, tags: Tags) -> Port {
        Port { tags, ..self }
    }

    /// The `dxcon-` port a CreateConnection or CreateInterconnect asks for, `requested`:
    /// refused for an unknown location, a speed that is not a dedicated port speed, a
    /// `lagId` (the reference target creates into no existing LAG), or bad tags.
    pub(super) fn create_dedicated(
        world: &mut World,
        call: &Call<'_>,
        request: DedicatedRequest,
    ) -> Result<Port, ApiError> {
        let code = call.required_string("location")?;
        let bandwidth = call.required_string("bandwidth")?;
        let name = call.required_string(request.name_field)?;
        let location = locations::require(world.region(), code, request.location_hint)?;
        require_dedicated_bandwidth(bandwidth, request.what)?;
        if let Some(lag_id) = call.string("lagId") {
            return Err(ApiError::not_found("Lag", lag_id));
        }
        let tags = Tags::from_request(call.list("tags"))?;
        let port = Port::new(world, call, "dxcon", CHAIN, name, &location.code, bandwidth);
        Ok(port.with_tags(tags))
    }

    /// Refuse `action` on this port once deleted, naming it `kind` `id` as the request did.
    pub(super) fn refuse_if_deleted(
        &self,
        kind: &str,
        id: &str,
        action: &str,
    ) -> Result<(), ApiError> {
        if self.deleted {
            return Err(ApiError::client(format!(
                "{kind} {id} is in the deleted state and cannot be {action}"
            )));
        }
        Ok(())
    }

    /// `deleted` once deleted; otherwise the state a Describe `observe`s (and may
    /// advance) or the current state a write answers.
    pub(super) fn state(&mut self, now: Duration, delay: Duration, observe: bool) -> &'static str {
        self.progress
            .state_unless_deleted(self.deleted, now, delay, observe)
    }

    /// The members every port document has (the bandwidth's key differs by kind, so
    /// the caller puts it).
    pub(super) fn render_into(&self, out: &mut Map<String, Value>) {
        out.insert("region".to_owned(), json!(self.region));
        out.insert("location".to_owned(), json!(self.location));
        out.insert("awsDevice".to_owned(), json!(self.aws_device));
        out.insert("awsDeviceV2".to_owned(), json!(self.aws_device));
        out.insert("jumboFrameCapable".to_owned(), json!(false));
        out.insert("hasLogicalRedundancy".to_owned(), json!("unknown"));
        self.tags.render_into(out);
    }
}
