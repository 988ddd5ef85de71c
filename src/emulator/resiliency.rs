//! Resiliency groups and their connections: CreateResiliencyGroup, GetResiliencyGroup,
//! UpdateResiliencyGroup, DeleteResiliencyGroup, ListResiliencyGroups,
//! AssociateConnectionsToResiliencyGroup, DisassociateConnectionsFromResiliencyGroup,
//! ListResiliencyGroupAssociations.
//!
//! Rules (API reference): a group is the caller's, global (its ARN has no region:
//! `arn:aws:directconnect::<account>:dx-resiliency-group/dxrg-<17 characters>`, [spec]
//! ResiliencyGroupArn); a new group is `pending` ⇢ `available` or `available` at once
//! (the state a new group is answered in is not documented: half of each); "Deletion is asynchronous: the resiliency group
//! transitions through the deleting state before it reaches the deleted state" and the
//! answer shows the group (deleted groups stay listed, as `deleted`); associating and
//! disassociating connections (named by id or ARN) is "atomic: either all of the
//! specified connections are associated, or the operation fails and no changes are
//! made". Here a connection must be the caller's and live, and a connection already in
//! the group, or not in it, is refused; an association is `associating` ⇢ `associated`;
//! a disassociated connection leaves the list at once (answered `disassociating`).

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::arn::{partition, Arn};
use super::dispatch::{Call, Handler, Outcome};
use super::progress::{self, Progress, ASSOCIATING, DELETING};
use super::tags::{tags_in_field, Tags};
use super::world::Deletable;
use super::{paging, ApiError, World};

/// Operations answered by this file.
pub(super) const OPERATIONS: &[(&str, Handler)] = &[
    ("CreateResiliencyGroup", create_group),
    ("GetResiliencyGroup", get_group),
    ("UpdateResiliencyGroup", update_group),
    ("DeleteResiliencyGroup", delete_group),
    ("ListResiliencyGroups", list_groups),
    ("AssociateConnectionsToResiliencyGroup", associate),
    ("DisassociateConnectionsFromResiliencyGroup", disassociate),
    ("ListResiliencyGroupAssociations", list_associations),
];

/// A resiliency group.
#[derive(Debug, Clone)]
pub(super) struct ResiliencyGroup {
    id: String,
    arn: String,
    owner: String,
    pub(super) name: String,
    progress: Progress,
    tags: Tags,
    /// Associated connections: (connection id, connection ARN, progress).
    connections: Vec<(String, String, Progress)>,
}

tags_in_field!(ResiliencyGroup, tags);

impl Deletable for ResiliencyGroup {
    fn gone(&self, now: Duration, delay: Duration) -> bool {
        DELETING.contains(&self.progress.current(now, delay))
    }
}

impl ResiliencyGroup {
    fn render(&self, state: &str, tags: bool) -> Value {
        let mut out = Map::new();
        out.insert("resiliencyGroupId".into(), json!(self.id));
        out.insert("resiliencyGroupArn".into(), json!(self.arn));
        out.insert("resiliencyGroupName".into(), json!(self.name));
        out.insert("resiliencyGroupType".into(), json!("Managed"));
        out.insert("ownerAccount".into(), json!(self.owner));
        out.insert("state".into(), json!(state));
        if tags {
            self.tags.render_into(&mut out);
        }
        Value::Object(out)
    }

    fn association(&self, arn: &str, state: &str) -> Value {
        json!({"resiliencyGroupId": self.id, "connectionArn": arn, "state": state})
    }
}

/// A connection's ARN.
fn connection_arn(region: &str, account: &str, id: &str) -> String {
    format!(
        "arn:{}:directconnect:{region}:{account}:dxcon/{id}",
        partition(region)
    )
}

/// CreateResiliencyGroup: a new group of the caller, `pending` or `available`.
fn create_group(world: &mut World, call: &Call<'_>) -> Outcome {
    let name = call.required_string("resiliencyGroupName")?.to_owned();
    let tags = Tags::from_request(call.list("tags"))?;
    // [spec] ResiliencyGroupId: `dxrg-` and 17 characters; the id generator's 8 are
    // padded, keeping the id (and its account-free form) unique.
    let base = world.ids.next(call.account, "dxrg");
    let canonical = world.ids.canonical(&base);
    let id = format!("{base}000000000");
    world
        .ids
        .alias(&id, call.account, format!("{canonical}000000000"));
    let seed = world.ids.seed(&id);
    let arn = format!(
        "arn:{}:directconnect::{}:dx-resiliency-group/{id}",
        partition(world.region()),
        call.account
    );
    // Which state a new group is answered in is not documented: half the groups
    // (by seed) are answered `pending`, the others `available`, so harnesses see both.
    let chain = progress::pending_one_in(2, seed);
    let group = ResiliencyGroup {
        id: id.clone(),
        arn,
        owner: call.account.to_owned(),
        name,
        progress: Progress::new(chain, call.now, seed),
        tags,
        connections: Vec::new(),
    };
    let out = group.render(chain[0], true);
    world
        .account_mut(call.account)
        .resiliency_groups
        .insert(id, group);
    Ok(json!({ "resiliencyGroup": out }))
}

/// GetResiliencyGroup: the caller's group, observed.
fn get_group(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("resiliencyGroupId")?;
    let group = world.owned::<ResiliencyGroup>(call.account, id)?;
    let state = group.progress.observe(call.now, delay, false);
    Ok(json!({ "resiliencyGroup": group.render(state, true) }))
}

/// UpdateResiliencyGroup: rename the caller's live group.
fn update_group(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("resiliencyGroupId")?;
    let name = call.required_string("resiliencyGroupName")?;
    let group = world.owned_live::<ResiliencyGroup>(call, id, |_| {
        format!("Resiliency group {id} is deleted and cannot be updated")
    })?;
    group.name = name.to_owned();
    let state = group.progress.current(call.now, delay);
    Ok(json!({ "resiliencyGroup": group.render(state, true) }))
}

/// DeleteResiliencyGroup: the group is `deleting` ⇢ `deleted`.
fn delete_group(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("resiliencyGroupId")?;
    let group = world.owned_live::<ResiliencyGroup>(call, id, |_| {
        format!("Resiliency group {id} is already deleted")
    })?;
    group.progress.restart(DELETING, call.now);
    group.connections.clear();
    Ok(json!({ "resiliencyGroup": group.render(DELETING[0], false) }))
}

/// ListResiliencyGroups: one page of the caller's groups (summaries, without tags).
fn list_groups(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    world.account_mut(call.account).resiliency_groups.describe(
        call,
        "items",
        ("resiliencyGroupId", "ResiliencyGroup"),
        |group| {
            let state = group.progress.observe(call.now, delay, false);
            group.render(state, false)
        },
    )
}

/// The caller's live group `id` and the ids of the caller's live connections named by
/// `connectionIdentifiers` (ids or ARNs), with their ARNs; any other is refused.
fn resolve(
    world: &mut World,
    call: &Call<'_>,
) -> Result<(String, Vec<(String, String)>), ApiError> {
    let region = world.region().to_owned();
    let id = call.required_string("resiliencyGroupId")?.to_owned();
    world.owned_live::<ResiliencyGroup>(call, &id, |_| {
        format!("Resiliency group {id} is deleted")
    })?;
    let mut connections: Vec<(String, String)> = Vec::new();
    for identifier in call.strings("connectionIdentifiers") {
        let connection_id = match Arn::parse(identifier) {
            Some(arn) if arn.resource_type == "dxcon" && arn.account == call.account => {
                arn.resource_id
            }
            Some(_) => return Err(ApiError::not_found("Connection", identifier)),
            None => identifier.to_owned(),
        };
        let connection = world
            .account_mut(call.account)
            .connections
            .require_mut("Connection", &connection_id)?;
        connection
            .port
            .refuse_if_deleted("Connection", &connection_id, "grouped")?;
        if !connections.iter().any(|(c, _)| *c == connection_id) {
            let arn = connection_arn(&region, call.account, &connection_id);
            connections.push((connection_id, arn));
        }
    }
    Ok((id, connections))
}

/// AssociateConnectionsToResiliencyGroup: all the connections, or none.
fn associate(world: &mut World, call: &Call<'_>) -> Outcome {
    let (id, connections) = resolve(world, call)?;
    let group = world.owned::<ResiliencyGroup>(call.account, &id)?;
    if let Some((c, _)) = connections
        .iter()
        .find(|(c, _)| group.connections.iter().any(|(g, _, _)| g == c))
    {
        return Err(ApiError::client(format!(
            "Connection {c} is already associated with resiliency group {id}"
        )));
    }
    let mut answered = Vec::new();
    for (c, arn) in connections {
        let seed = crate::emulator::ids::seed(&c);
        answered.push(group.association(&arn, ASSOCIATING[0]));
        group
            .connections
            .push((c, arn, Progress::new(ASSOCIATING, call.now, seed)));
    }
    Ok(json!({ "resiliencyGroupAssociations": answered }))
}

/// DisassociateConnectionsFromResiliencyGroup: all the connections, or none.
fn disassociate(world: &mut World, call: &Call<'_>) -> Outcome {
    let (id, connections) = resolve(world, call)?;
    let group = world.owned::<ResiliencyGroup>(call.account, &id)?;
    if let Some((c, _)) = connections
        .iter()
        .find(|(c, _)| !group.connections.iter().any(|(g, _, _)| g == c))
    {
        return Err(ApiError::client(format!(
            "Connection {c} is not associated with resiliency group {id}"
        )));
    }
    let mut answered = Vec::new();
    for (c, arn) in connections {
        group.connections.retain(|(g, _, _)| *g != c);
        answered.push(group.association(&arn, "disassociating"));
    }
    Ok(json!({ "resiliencyGroupAssociations": answered }))
}

/// ListResiliencyGroupAssociations: one page of the group's connections, observed.
fn list_associations(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("resiliencyGroupId")?;
    let group = world.owned::<ResiliencyGroup>(call.account, id)?;
    let mut items = Vec::new();
    for i in 0..group.connections.len() {
        let state = group.connections[i].2.observe(call.now, delay, false);
        items.push(group.association(&group.connections[i].1, state));
    }
    paging::answer_page("items", &items, call)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::{assert_says, owned_connection, world, Calls, OTHER, OWNER};

    /// The owner's new group, as CreateResiliencyGroup answers it.
    fn create_group(w: &mut World, request: Value) -> Value {
        w.ok(OWNER, "CreateResiliencyGroup", request)["resiliencyGroup"].clone()
    }

    #[test]
    fn a_group_is_created_pending_renamed_listed_and_deleted_through_deleting() {
        let mut w = world();
        let out = create_group(
            &mut w,
            json!({"resiliencyGroupName": "g-1", "intendedResiliencyModel": "high-resiliency",
                "tags": [{"key": "k", "value": "v"}]}),
        );
        let id = out["resiliencyGroupId"].as_str().unwrap().to_owned();
        assert!(
            regex::Regex::new("^dxrg-[0-9a-z]{17}$")
                .unwrap()
                .is_match(&id),
            "{id}"
        );
        assert_eq!(
            out["resiliencyGroupArn"],
            format!("arn:aws:directconnect::{OWNER}:dx-resiliency-group/{id}")
        );
        assert!(["pending", "available"].contains(&out["state"].as_str().unwrap()));
        let got = w.ok(
            OWNER,
            "GetResiliencyGroup",
            json!({"resiliencyGroupId": id}),
        );
        assert_eq!(got["resiliencyGroup"]["state"], "available");
        assert_eq!(
            got["resiliencyGroup"]["tags"],
            json!([{"key": "k", "value": "v"}])
        );
        let err = w.refused(
            OTHER,
            "GetResiliencyGroup",
            json!({"resiliencyGroupId": id}),
        );
        assert_says(&err, "Could not find");
        w.ok(
            OWNER,
            "UpdateResiliencyGroup",
            json!({"resiliencyGroupId": id, "resiliencyGroupName": "g-2"}),
        );
        let listed = w.ok(OWNER, "ListResiliencyGroups", json!({}));
        assert_eq!(listed["items"][0]["resiliencyGroupName"], "g-2");
        assert!(
            listed["items"][0].get("tags").is_none(),
            "summaries carry no tags"
        );
        assert_eq!(
            w.ok(OTHER, "ListResiliencyGroups", json!({}))["items"],
            json!([])
        );
        let deleted = w.ok(
            OWNER,
            "DeleteResiliencyGroup",
            json!({"resiliencyGroupId": id}),
        );
        assert_eq!(deleted["resiliencyGroup"]["state"], "deleting");
        let got = w.ok(
            OWNER,
            "GetResiliencyGroup",
            json!({"resiliencyGroupId": id}),
        );
        assert_eq!(got["resiliencyGroup"]["state"], "deleted");
    }

    #[test]
    fn connections_are_associated_all_or_nothing_by_id_or_arn() {
        let mut w = world();
        let id = create_group(
            &mut w,
            json!({"resiliencyGroupName": "g", "intendedResiliencyModel": "basic-resiliency"}),
        )["resiliencyGroupId"]
            .clone();
        let (a, b) = (owned_connection(&mut w), owned_connection(&mut w));
        let arn_b = connection_arn("us-east-1", OWNER, b.as_str().unwrap());
        let out = w.ok(
            OWNER,
            "AssociateConnectionsToResiliencyGroup",
            json!({"resiliencyGroupId": id, "connectionIdentifiers": [a, arn_b]}),
        );
        let associations = out["resiliencyGroupAssociations"].as_array().unwrap();
        assert_eq!(associations.len(), 2);
        assert_eq!(associations[1]["connectionArn"], arn_b);
        assert_eq!(associations[0]["state"], "associating");
        let err = w.refused(
            OWNER,
            "AssociateConnectionsToResiliencyGroup",
            json!({"resiliencyGroupId": id, "connectionIdentifiers": [b]}),
        );
        assert_says(&err, "already associated");
        let listed = w.ok(
            OWNER,
            "ListResiliencyGroupAssociations",
            json!({"resiliencyGroupId": id}),
        );
        assert_eq!(listed["items"][0]["state"], "associated");
        w.ok(
            OWNER,
            "DisassociateConnectionsFromResiliencyGroup",
            json!({"resiliencyGroupId": id, "connectionIdentifiers": [a]}),
        );
        let err = w.refused(
            OWNER,
            "DisassociateConnectionsFromResiliencyGroup",
            json!({"resiliencyGroupId": id, "connectionIdentifiers": [a, b]}),
        );
        assert_says(&err, "not associated");
        let listed = w.ok(
            OWNER,
            "ListResiliencyGroupAssociations",
            json!({"resiliencyGroupId": id}),
        );
        assert_eq!(
            listed["items"].as_array().unwrap().len(),
            1,
            "all or nothing"
        );
        assert_eq!(listed["items"][0]["connectionArn"], arn_b);
    }
}
