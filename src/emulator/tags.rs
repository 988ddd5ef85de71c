//! Tags: the per-resource tag set and its rules, and TagResource, UntagResource
//! and DescribeTags over resource ARNs.
//!
//! Rules (LIFECYCLE.md, service model): at most 50 tags per resource
//! (`TooManyTagsException`); a key repeated within one request
//! (`DuplicateTagKeysException`); key 1–128 and value 0–256 characters matching
//! the model's TagKey/TagValue patterns (checked by input validation). Tagging an
//! existing key replaces its value; untagging an absent key is not an error.
//! An empty tag set is never rendered as `"tags": []` (TagList has min 1): the
//! member is omitted.

use serde_json::{json, Map, Value};

use super::arn::{partition, Arn};
use super::dispatch::{Call, Handler, Outcome};
use super::store::Store;
use super::{ApiError, World};

/// Operations answered by this file.
pub(super) const OPERATIONS: &[(&str, Handler)] = &[
    ("TagResource", tag_resource),
    ("UntagResource", untag_resource),
    ("DescribeTags", describe_tags),
];

/// Most tags one resource may carry.
pub(super) const MAX_TAGS: usize = 50;

/// One tag. The model makes `value` optional; an absent value stays absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value, if one was given.
    pub value: Option<String>,
}

/// A resource's tags, in the order their keys were first set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Tags(Vec<Tag>);

/// A resource that carries tags.
pub(super) trait Tagged {
    /// The resource's tags.
    fn tags(&self) -> &Tags;
    /// The resource's tags, for change.
    fn tags_mut(&mut self) -> &mut Tags;
}

/// Implements [`Tagged`] for resources that keep their tags in a field (`tags`, or a
/// path such as `port.tags`).
macro_rules! tags_in_field {
    ($resource:ty, $($field:ident).+) => {
        impl $crate::emulator::tags::Tagged for $resource {
            fn tags(&self) -> &$crate::emulator::tags::Tags {
                &self.$($field).+
            }

            fn tags_mut(&mut self) -> &mut $crate::emulator::tags::Tags {
                &mut self.$($field).+
            }
        }
    };
}
pub(super) use tags_in_field;

impl Tags {
    /// The tags of a request's `tags` member (shape-validated already): rejects a
    /// repeated key and more than 50 tags.
    pub(super) fn from_request(list: Option<&Vec<Value>>) -> Result<Tags, ApiError> {
        let mut tags: Vec<Tag> = Vec::new();
        for item in list.into_iter().flatten() {
            let key = item.get("key").and_then(Value::as_str).unwrap_or_default();
            if tags.iter().any(|t| t.key == key) {
                return Err(ApiError::duplicate_tag_keys(format!(
                    "Duplicate tag key in request: {key}. Tag keys must be unique."
                )));
            }
            tags.push(Tag {
                key: key.to_owned(),
                value: item.get("value").and_then(Value::as_str).map(str::to_owned),
            });
        }
        if tags.len() > MAX_TAGS {
            return Err(too_many(tags.len()));
        }
        Ok(Tags(tags))
    }

    /// Add or replace `incoming`; nothing changes if the result would exceed 50.
    pub(super) fn merge(&mut self, incoming: &Tags) -> Result<(), ApiError> {
        let added = incoming
            .0
            .iter()
            .filter(|t| self.get(&t.key).is_none())
            .count();
        if self.0.len() + added > MAX_TAGS {
            return Err(too_many(self.0.len() + added));
        }
        for tag in &incoming.0 {
            match self.0.iter_mut().find(|t| t.key == tag.key) {
                Some(existing) => existing.value = tag.value.clone(),
                None => self.0.push(tag.clone()),
            }
        }
        Ok(())
    }

    /// Remove the tags with these keys (absent keys are ignored).
    pub(super) fn remove(&mut self, keys: &[&str]) {
        self.0.retain(|t| !keys.contains(&t.key.as_str()));
    }

    /// The tag with `key`.
    pub(super) fn get(&self, key: &str) -> Option<&Tag> {
        self.0.iter().find(|t| t.key == key)
    }

    /// Whether there are none.
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Add `"tags": [...]` to `object` unless there are none.
    pub(super) fn render_into(&self, object: &mut Map<String, Value>) {
        if self.is_empty() {
            return;
        }
        let list = self
            .0
            .iter()
            .map(|t| match &t.value {
                Some(value) => json!({"key": t.key, "value": value}),
                None => json!({"key": t.key}),
            })
            .collect();
        object.insert("tags".to_owned(), Value::Array(list));
    }
}

fn too_many(count: usize) -> ApiError {
    ApiError::too_many_tags(format!(
        "A resource can have at most {MAX_TAGS} tags; this request would leave {count}."
    ))
}

/// The kind name used in "Could not find <Kind> with ID" for an ARN resource type.
fn kind_name(resource_type: &str) -> Option<&'static str> {
    match resource_type {
        "dxcon" => Some("Connection"),
        "dxlag" => Some("Lag"),
        "dxvif" => Some("VirtualInterface"),
        "dx-gateway" => Some("DirectConnectGateway"),
        "dx-resiliency-group" => Some("ResiliencyGroup"),
        _ => None,
    }
}

/// The resource `id` of `store`, as something with tags.
fn tagged<'s, T: Tagged + 's>(store: &'s mut Store<T>, id: &str) -> Option<&'s mut dyn Tagged> {
    store.get_mut(id).map(|r| r as &mut dyn Tagged)
}

/// The caller's resource named by `arn`. An ARN of another account, region or
/// partition names nothing the caller may see: same answer as a missing id.
fn resource<'w>(
    world: &'w mut World,
    call: &Call<'_>,
    arn: &str,
) -> Result<&'w mut dyn Tagged, ApiError> {
    let invalid = || ApiError::client(format!("Invalid resource ARN: {arn}"));
    let parsed = Arn::parse(arn).ok_or_else(invalid)?;
    let kind = kind_name(&parsed.resource_type).ok_or_else(invalid)?;
    let not_found = || ApiError::not_found(kind, &parsed.resource_id);
    let region = world.region();
    let visible = parsed.partition == partition(region)
        // Gateways and resiliency groups are global: their ARNs carry no region.
        && (parsed.region == region
            || (matches!(parsed.resource_type.as_str(), "dx-gateway" | "dx-resiliency-group")
                && parsed.region.is_empty()))
        && parsed.account == call.account;
    if !visible {
        return Err(not_found());
    }
    let account = world.account_mut(call.account);
    let id = parsed.resource_id.as_str();
    let found = match parsed.resource_type.as_str() {
        // Interconnects have `dxcon-` ids and ARNs too.
        "dxcon" if account.connections.get(id).is_some() => tagged(&mut account.connections, id),
        "dxcon" => tagged(&mut account.interconnects, id),
        "dxlag" => tagged(&mut account.lags, id),
        "dxvif" => tagged(&mut account.virtual_interfaces, id),
        "dx-gateway" => tagged(&mut account.gateways, id),
        "dx-resiliency-group" => tagged(&mut account.resiliency_groups, id),
        _ => None,
    };
    found.ok_or_else(not_found)
}

/// TagResource: add or replace tags on one of the caller's resources.
fn tag_resource(world: &mut World, call: &Call<'_>) -> Outcome {
    let arn = call.required_string("resourceArn")?;
    let incoming = Tags::from_request(call.list("tags"))?;
    resource(world, call, arn)?.tags_mut().merge(&incoming)?;
    Ok(json!({}))
}

/// UntagResource: remove tags by key from one of the caller's resources.
fn untag_resource(world: &mut World, call: &Call<'_>) -> Outcome {
    let arn = call.required_string("resourceArn")?;
    let keys = call.strings("tagKeys");
    resource(world, call, arn)?.tags_mut().remove(&keys);
    Ok(json!({}))
}

/// DescribeTags: the tags of each named resource, in request order.
fn describe_tags(world: &mut World, call: &Call<'_>) -> Outcome {
    let arns = call.strings("resourceArns");
    let mut resource_tags = Vec::with_capacity(arns.len());
    for arn in arns {
        let mut entry = Map::new();
        entry.insert("resourceArn".to_owned(), json!(arn));
        resource(world, call, arn)?.tags().render_into(&mut entry);
        resource_tags.push(Value::Object(entry));
    }
    Ok(json!({ "resourceTags": resource_tags }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::{world, Calls, OTHER, OWNER};

    fn tag_list(n: usize) -> Value {
        Value::Array(
            (0..n)
                .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
                .collect(),
        )
    }

    fn connection(world: &mut World, account: &str) -> String {
        let out = world.ok(
            account,
            "CreateConnection",
            json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"c"}),
        );
        let id = out["connectionId"].as_str().unwrap();
        Arn::regional("us-east-1", account, "dxcon", id)
    }

    #[test]
    fn tag_replace_untag_describe() {
        let mut w = world();
        let arn = connection(&mut w, OWNER);
        w.ok(
            OWNER,
            "TagResource",
            json!({"resourceArn": arn, "tags":[{"key":"a","value":"1"},{"key":"b"}]}),
        );
        w.ok(
            OWNER,
            "TagResource",
            json!({"resourceArn": arn, "tags":[{"key":"a","value":"2"}]}),
        );
        let out = w.ok(OWNER, "DescribeTags", json!({"resourceArns":[arn]}));
        assert_eq!(
            out,
            json!({"resourceTags":[{"resourceArn": arn, "tags":[{"key":"a","value":"2"},{"key":"b"}]}]})
        );
        w.ok(
            OWNER,
            "UntagResource",
            json!({"resourceArn": arn, "tagKeys":["a","b","absent"]}),
        );
        let out = w.ok(OWNER, "DescribeTags", json!({"resourceArns":[arn]}));
        assert_eq!(out, json!({"resourceTags":[{"resourceArn": arn}]}));
    }

    #[test]
    fn duplicate_keys_and_too_many_tags() {
        let mut w = world();
        let arn = connection(&mut w, OWNER);
        let err = w.refused(
            OWNER,
            "TagResource",
            json!({"resourceArn": arn, "tags":[{"key":"a"},{"key":"a"}]}),
        );
        assert_eq!(err.error_type, "DuplicateTagKeysException");
        let err = w.refused(
            OWNER,
            "TagResource",
            json!({"resourceArn": arn, "tags": tag_list(51)}),
        );
        assert_eq!(err.error_type, "TooManyTagsException");
        w.ok(
            OWNER,
            "TagResource",
            json!({"resourceArn": arn, "tags": tag_list(50)}),
        );
        // Replacing existing keys keeps the count at 50; one new key is too many.
        w.ok(
            OWNER,
            "TagResource",
            json!({"resourceArn": arn, "tags": tag_list(50)}),
        );
        let err = w.refused(
            OWNER,
            "TagResource",
            json!({"resourceArn": arn, "tags":[{"key":"new"}]}),
        );
        assert_eq!(err.error_type, "TooManyTagsException");
    }

    #[test]
    fn foreign_unknown_and_malformed_arns_are_client_errors() {
        let mut w = world();
        let arn = connection(&mut w, OWNER);
        let id = arn.rsplit('/').next().unwrap().to_owned();
        let err = w.refused(OTHER, "DescribeTags", json!({"resourceArns":[arn]}));
        assert_eq!(
            err.message,
            format!("Could not find Connection with ID {id}")
        );
        let forged = Arn::regional("us-east-1", OTHER, "dxcon", &id);
        let err = w.refused(
            OTHER,
            "TagResource",
            json!({"resourceArn": forged, "tags":[{"key":"a"}]}),
        );
        assert_eq!(
            err.message,
            format!("Could not find Connection with ID {id}")
        );
        let other_region = Arn::regional("us-west-2", OWNER, "dxcon", &id);
        w.refused(
            OWNER,
            "DescribeTags",
            json!({"resourceArns":[other_region]}),
        );
        let err = w.refused(
            OWNER,
            "UntagResource",
            json!({"resourceArn":"nonsense","tagKeys":["a"]}),
        );
        assert_eq!(err.error_type, "DirectConnectClientException");
        let lag = Arn::regional("us-east-1", OWNER, "dxlag", "dxlag-abcd1234");
        let err = w.refused(OWNER, "DescribeTags", json!({"resourceArns":[lag]}));
        assert_eq!(err.message, "Could not find Lag with ID dxlag-abcd1234");
    }

    #[test]
    fn describe_tags_keeps_request_order() {
        let mut w = world();
        let first = connection(&mut w, OWNER);
        let second = connection(&mut w, OWNER);
        w.ok(
            OWNER,
            "TagResource",
            json!({"resourceArn": first, "tags":[{"key":"n","value":"1"}]}),
        );
        let out = w.ok(
            OWNER,
            "DescribeTags",
            json!({"resourceArns":[second, first]}),
        );
        assert_eq!(out["resourceTags"][0]["resourceArn"], json!(second));
        assert_eq!(
            out["resourceTags"][1]["tags"],
            json!([{"key":"n","value":"1"}])
        );
    }

    #[test]
    fn tags_type_rules() {
        let list = vec![json!({"key":"a","value":"1"})];
        let mut tags = Tags::from_request(Some(&list)).unwrap();
        assert_eq!(tags.get("a").unwrap().value.as_deref(), Some("1"));
        tags.remove(&["a"]);
        assert!(tags.is_empty());
        let mut object = Map::new();
        tags.render_into(&mut object);
        assert!(object.is_empty());
    }
}
