//! Root causes: the defects a maintainer fixes, above the buckets a run finds.
//!
//! A bucket is one (check, operation, JSON path, status); one defect of a target
//! shows in many of them: a timestamp type wrong in every answer that carries it,
//! undeclared error names behind every failing call, input validation missing for a
//! whole family of rules. The rules below group buckets by what they share — the
//! same check and member across operations, the same rule family, the same wire
//! fault on every operation, the same value class — and never by a particular
//! target. A finding that another one explains (the SDK failing to parse a body
//! whose member has the wrong type; an error type check failing because the name is
//! undeclared) joins the root cause that explains it. Every bucket belongs to
//! exactly one root cause; none is dropped. docs/root-causes.md gives the reasoning.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::root_cause_key::BaselineStatus;
use super::{Bucket, BucketRef, OperationStats};
use crate::check::Severity;

/// One defect: the buckets it explains, in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RootCause {
    /// Stable key: the grouping rule and what it grouped by (`wrong-type:loaIssueTime:string`).
    /// It names no operation where the rule spans operations, so it survives a new
    /// operation being modelled, another seed or a reordered run.
    pub key: String,
    /// What is wrong, in plain words.
    pub title: String,
    /// The worst severity of its buckets.
    pub severity: Severity,
    /// Operations whose answers show it.
    pub operations: Vec<String>,
    /// Members (the last part of the JSON paths) it shows at, where it shows at a member.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// Occurrences during the search, over all its buckets.
    pub count: u64,
    /// The buckets it explains, in report order.
    pub buckets: Vec<BucketRef>,
    /// The shortest reproduction among its buckets, if any was shrunk: the bucket
    /// whose repro it is (its replay file and scripts are that bucket's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortest: Option<BucketRef>,
    /// What a `--baseline` file says of it (failing root causes only, and only in a
    /// run given one): known, new, or known but past its `expires` date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineStatus>,
}

/// The last member name of a JSON path (`$.connections[*].loaIssueTime` →
/// `loaIssueTime`); `None` for the whole body.
fn leaf_member(path: &str) -> Option<&str> {
    let last = path.rsplit('.').next()?;
    let name = last.split('[').next().unwrap_or(last);
    (name != "$" && !name.is_empty()).then_some(name)
}

/// The text before the first `: ` (what an actual says, without the body it quotes).
fn head(text: &str) -> &str {
    text.split(": ").next().unwrap_or(text).trim()
}

/// A class of actual values that one defect produces wherever it strikes: ids
/// answered as ARNs, values upper-cased, empty strings.
fn value_class(actual: &str) -> Option<&'static str> {
    let quoted = actual.strip_prefix('"')?.strip_suffix('"')?;
    if quoted.starts_with("arn:") {
        Some("arn")
    } else if quoted.is_empty() {
        Some("empty")
    } else if quoted.chars().any(|c| c.is_ascii_uppercase())
        && !quoted.chars().any(|c| c.is_ascii_lowercase())
    {
        Some("upper-case")
    } else {
        None
    }
}

/// The input rule a negative expectation names (`… (rule required:location: …)` →
/// `required:location`).
fn broken_rule(expected: &str) -> Option<&str> {
    let at = expected.find("(rule ")? + "(rule ".len();
    let rest = &expected[at..];
    let end = rest.find(": ").or_else(|| rest.find(')'))?;
    Some(&rest[..end])
}

/// The family of a rule: `required:location` → `required`, `bandwidth.dedicated` →
/// `bandwidth`; the tag rules (`tags.count`, `tag-key.length`, `tag-value.alphabet`)
/// are one family, as an emulator validates tags in one place.
fn rule_family(rule: &str) -> &str {
    match rule.split([':', '.']).next().unwrap_or(rule) {
        "tag-key" | "tag-value" => "tags",
        family => family,
    }
}

/// Plain words for a rule family.
fn family_words(family: &str) -> String {
    match family {
        "required" => "requests missing required members".to_owned(),
        "type" => "members of the wrong JSON type".to_owned(),
        "enum" => "values outside their enum".to_owned(),
        "tags" => {
            "tags that break the tag rules (count, key and value length and alphabet)".to_owned()
        }
        other => format!("values that break the documented {other} rule"),
    }
}

/// The error type an actual starts with (`ConnectionNotFound: …`, `unhandled error LagNotFound`).
fn error_name(actual: &str) -> &str {
    let text = actual.strip_prefix("unhandled error ").unwrap_or(actual);
    head(text)
}

/// The values the negative suite sends (`model::rules`: `12345` for a string
/// member, `"bad#key"` for a tag key, …), each with the family of the rule that
/// sends it. A finding whose actual value is one of them shows the target storing
/// and echoing input it should have rejected: it joins that rule family's root cause.
/// Only distinctive values count (numbers of 4 digits or more, strings of 3
/// characters or more), so an ordinary answer does not match by accident.
fn probe_values() -> &'static [(String, String)] {
    static PROBES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    PROBES.get_or_init(|| {
        let mut probes: BTreeMap<String, String> = BTreeMap::new();
        for operation in crate::spec::Spec::builtin().operations.keys() {
            for rule in crate::model::rules(operation) {
                for edit in &rule.edits {
                    if let crate::model::Edit::Set { value, .. } = edit {
                        let mut scalars = Vec::new();
                        distinctive_scalars(value, &mut scalars);
                        for rendered in scalars {
                            probes
                                .entry(rendered)
                                .or_insert_with(|| rule_family(&rule.name).to_owned());
                        }
                    }
                }
            }
        }
        probes.into_iter().collect()
    })
}

/// The distinctive scalars of a probe value, as findings quote them (numbers bare,
/// strings from their opening quote, cut where a finding may cut a long value).
fn distinctive_scalars(value: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.to_string().trim_start_matches('-').len() >= 4 => {
            out.push(n.to_string());
        }
        Value::String(s) if s.chars().count() >= 3 => {
            out.push(format!("\"{}", s.chars().take(16).collect::<String>()));
        }
        Value::Array(items) => items.iter().for_each(|v| distinctive_scalars(v, out)),
        Value::Object(members) => members.values().for_each(|v| distinctive_scalars(v, out)),
        _ => {}
    }
}

/// The rule family whose probe value `actual` quotes, if any.
fn echoed_probe(actual: &str) -> Option<&'static str> {
    let word = |c: char| c.is_ascii_alphanumeric();
    probe_values().iter().find_map(|(rendered, family)| {
        actual.match_indices(rendered.as_str()).find_map(|(at, _)| {
            let before = actual[..at].chars().next_back();
            let after = actual[at + rendered.len()..].chars().next();
            // A quoted string may be cut short in a finding: only its start is bounded.
            let bounded = !before.is_some_and(word)
                && (!after.is_some_and(word) || rendered.starts_with('"'));
            bounded.then_some(family.as_str())
        })
    })
}

/// How one bucket is grouped.
#[derive(Debug, Clone)]
struct Grouping {
    key: String,
    title: String,
}

fn grouping(key: String, title: String) -> Grouping {
    Grouping { key, title }
}

/// The grouping of a bucket on its own (before findings another one explains move
/// to the root cause that explains them).
fn classify(b: &Bucket, undeclared: &BTreeSet<&str>) -> Grouping {
    let member = leaf_member(&b.path);
    let member_or_body = member.unwrap_or("the body");
    let accepted = b.actual.starts_with("accepted");
    let echoes_input = matches!(
        b.check.as_str(),
        "shape.type" | "shape.range" | "shape.pattern" | "shape.enum" | "model.echo"
    );
    if let Some(family) = echoes_input.then(|| echoed_probe(&b.actual)).flatten() {
        return grouping(
            format!("accepts-invalid:{family}"),
            format!("accepts {}", family_words(family)),
        );
    }
    match b.check.as_str() {
        "op.implemented" => not_implemented(head(&b.actual)),
        "transport.fault" => grouping(
            format!("transport:{}", head(&b.actual)),
            format!("requests get no HTTP answer ({})", head(&b.actual)),
        ),
        "wire.protocol" => {
            let class = if b.status < 300 {
                "successes"
            } else {
                "errors"
            };
            let what = head(&b.actual);
            grouping(
                format!("wire-protocol:{class}:{what}"),
                format!(
                    "{class} come back as {what} instead of {}",
                    head(&b.expected)
                ),
            )
        }
        "wire.status" => grouping(
            format!("wire-status:{}:{}", head(&b.expected), head(&b.actual)),
            format!(
                "answers carry {} where AWS answers {}",
                head(&b.actual),
                head(&b.expected)
            ),
        ),
        "error.type" => grouping(
            "undeclared-error-types".to_owned(),
            format!(
                "errors carry __type names Direct Connect does not declare ({})",
                undeclared.iter().copied().collect::<Vec<_>>().join(", ")
            ),
        ),
        "error.accepted-invalid" | "error.expected" if accepted => match broken_rule(&b.expected) {
            Some(rule) => {
                let family = rule_family(rule);
                grouping(
                    format!("accepts-invalid:{family}"),
                    format!("accepts {}", family_words(family)),
                )
            }
            None => {
                let reason = b.expected.find('(').map_or(b.expected.as_str(), |at| {
                    b.expected[at + 1..].trim_end_matches(')')
                });
                grouping(
                    format!("not-enforced:{reason}"),
                    format!("accepts what AWS rejects: {reason}"),
                )
            }
        },
        "shape.type" => {
            let actual_type = b.actual.split_whitespace().next().unwrap_or("");
            grouping(
                format!("wrong-type:{member_or_body}:{actual_type}"),
                format!(
                    "{member_or_body} is a JSON {actual_type} where the specification says {}",
                    b.expected
                ),
            )
        }
        "shape.required" => grouping(
            format!("missing-member:{member_or_body}"),
            format!("answers leave out {member_or_body}"),
        ),
        "shape.pattern" => match value_class(&b.actual) {
            Some(class) => grouping(
                format!("pattern:{class}"),
                format!("ids and names come back {class}-shaped instead of their documented form"),
            ),
            None => grouping(
                format!("pattern:{member_or_body}"),
                format!("{member_or_body} does not have its documented form"),
            ),
        },
        "shape.enum" => grouping(
            format!("enum:{member_or_body}:{}", b.actual),
            format!("{member_or_body} is {}, a value outside its enum", b.actual),
        ),
        "shape.range" => grouping(
            format!("range:{member_or_body}"),
            format!(
                "{member_or_body} breaks its declared bounds ({})",
                b.expected
            ),
        ),
        "shape.unknown-member" => grouping(
            format!("unknown-member:{member_or_body}"),
            format!("answers carry {member_or_body}, which the specification does not declare"),
        ),
        "sdk.parse" => grouping(
            format!("sdk-parse:{}", head(&b.actual)),
            format!("the SDK cannot read the answers: {}", head(&b.actual)),
        ),
        // The lifecycle checks (CheckId::is_lifecycle): one state machine, one wrong state.
        id if crate::vocab::CheckId::lookup(id)
            .is_some_and(crate::vocab::CheckId::is_lifecycle) =>
        {
            grouping(
                format!("{}:{member_or_body}:{}", b.check, b.actual),
                format!(
                    "{member_or_body} is {} where AWS answers {}",
                    b.actual, b.expected
                ),
            )
        }
        "model.unique" => ids_collide(),
        // A warning, not a defect: the target answers as real AWS is documented to.
        "shape.documented-deviation" => grouping(
            format!("{}:{member_or_body}", b.check),
            format!(
                "{member_or_body} carries {}, a value real AWS is documented to answer outside its specification",
                b.actual.split(',').next().unwrap_or(&b.actual)
            ),
        ),
        "error.unexpected" => grouping(
            format!("error.unexpected:{member_or_body}"),
            format!(
                "refuses calls AWS accepts (answers {})",
                error_name(&b.actual)
            ),
        ),
        "model.ownership" if accepted => grouping(
            "ownership:accepted".to_owned(),
            "another account may act on resources it does not own".to_owned(),
        ),
        other => grouping(
            format!("{other}:{member_or_body}"),
            format!("{other} fails at {member_or_body}"),
        ),
    }
}

/// The key of the root cause that explains `b` through another finding, if any: an
/// error whose type is undeclared fails every type comparison because of that name;
/// the SDK fails to parse a body whose members have the wrong type or are missing.
fn explained_by(
    b: &Bucket,
    undeclared: &BTreeSet<&str>,
    own: &[(usize, Grouping)],
    buckets: &[Bucket],
) -> Option<String> {
    let undeclared_error = b.status >= 400 && undeclared.contains(error_name(&b.actual));
    match b.check.as_str() {
        "error.expected" | "model.ownership" | "sdk.parse" if undeclared_error => {
            Some("undeclared-error-types".to_owned())
        }
        "sdk.parse" if b.status < 300 => own
            .iter()
            .filter(|(i, _)| {
                let other = &buckets[*i];
                other.operation == b.operation
                    && other.status == b.status
                    && matches!(
                        other.check.as_str(),
                        "shape.type" | "shape.enum" | "shape.required"
                    )
            })
            .max_by_key(|(i, _)| buckets[*i].count)
            .map(|(_, g)| g.key.clone()),
        _ => None,
    }
}

/// The key and title of the root cause "these operations are not implemented: they
/// answer `signature`", whether the signature is an explicit refusal (`op.implemented`)
/// or a uniform non-answer ([`super::uniformly_unanswered`]).
fn not_implemented(signature: &str) -> Grouping {
    grouping(
        format!("not-implemented:{signature}"),
        format!("operations are not implemented: they answer {signature}"),
    )
}

/// The non-answer that explains a lifecycle finding: one whose minimal sequence
/// sent, before the step that shows it, a call of an operation the target answers
/// with a uniform non-answer (the model took the non-answer for the documented
/// success, e.g. a DeleteBGPPeer answered by an empty 200, and then expects the peer
/// gone). Other checks judge the answer of their own step and keep their cause.
fn after_unanswered_call<'u>(
    b: &Bucket,
    unanswered: &'u BTreeMap<String, String>,
) -> Option<&'u str> {
    let lifecycle =
        crate::vocab::CheckId::lookup(&b.check).is_some_and(crate::vocab::CheckId::is_lifecycle);
    let repro = b.repro.as_ref().filter(|_| lifecycle)?;
    let shown_at = repro
        .findings
        .iter()
        .find(|f| f.key() == b.key())
        .map(|f| f.step)?;
    repro
        .steps
        .iter()
        .filter(|s| !s.skipped && s.index < shown_at)
        .find_map(|s| unanswered.get(&s.operation))
        .map(String::as_str)
}

/// The grouping of ids that collide: two creates answered with the same id (by
/// `model.unique`), whatever kind of resource, as one id scheme mints them.
fn ids_collide() -> Grouping {
    grouping(
        "ids-collide".to_owned(),
        "two creates get the same id, and the second overwrites the first".to_owned(),
    )
}

/// The root cause a finding follows from through an earlier finding of its minimal
/// sequence, for findings that judge what an answer or a later state shows (shape,
/// echo, lifecycle, SDK) rather than whether one call was accepted:
/// - the target *accepted* a request AWS rejects (an invalid input, a broken
///   documented limit) at or before the finding's step: the finding shows what the
///   target stored (an empty tag key listed, a LAG the model never expected to
///   exist); accepting the request is the defect, so the finding joins its cause;
/// - two creates were answered with the same id (`model.unique`) before it: what
///   the model expects of the first resource the target lost to the second.
fn earlier_cause(b: &Bucket, own: &[(usize, Grouping)], buckets: &[Bucket]) -> Option<Grouping> {
    let family = b.check.split('.').next().unwrap_or_default();
    if !matches!(family, "shape" | "model" | "sdk") || b.check == "model.unique" {
        return None;
    }
    let repro = b.repro.as_ref()?;
    let shown_at = repro
        .findings
        .iter()
        .find(|f| f.key() == b.key())
        .map(|f| f.step)?;
    // On the finding's own step, an accepted invalid input explains only what the
    // answer shows of the member it broke (an empty tag key echoed), not the rest of
    // the answer (the new connection's id).
    let shows_broken_member = |step: usize| {
        let Some(crate::model::Step::Invalid(invalid)) = repro
            .steps
            .iter()
            .find(|s| s.index == step)
            .map(|s| &s.step)
        else {
            return false;
        };
        let shown = member_names(&b.path);
        invalid.invalid.edits.iter().any(|edit| {
            let edited = member_names(edit.path());
            let within = !edited.is_empty() && shown.windows(edited.len()).any(|w| w == edited);
            let quoted = match edit {
                crate::model::Edit::Set { value, .. } => {
                    let mut sent = Vec::new();
                    quoted_strings(value, &mut sent);
                    sent.iter().any(|q| b.actual.contains(q.as_str()))
                }
                _ => false,
            };
            within || quoted
        })
    };
    repro
        .findings
        .iter()
        .filter(|f| f.step < shown_at || (f.step == shown_at && shows_broken_member(f.step)))
        .find_map(|f| match f.check.as_str() {
            "error.expected" | "error.accepted-invalid" if f.actual.starts_with("accepted") => own
                .iter()
                .find(|(i, _)| buckets[*i].key() == f.key())
                .map(|(_, g)| g.clone()),
            "model.unique" if f.step < shown_at => Some(ids_collide()),
            _ => None,
        })
}

/// The member names of a JSON path of an answer (`$.tags[*].key`) or of an edited
/// request member (`tags.0.key`), without indices: `["tags", "key"]`.
fn member_names(path: &str) -> Vec<&str> {
    path.split(['.', '[', ']'])
        .filter(|n| {
            !n.is_empty() && *n != "$" && *n != "*" && !n.bytes().all(|c| c.is_ascii_digit())
        })
        .collect()
}

/// The strings of a value a request sent, as findings quote them: whole when short
/// (`""`, `"bad#key"`), from the opening quote where a finding may cut a long one.
fn quoted_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::String(s) if s.chars().count() <= 16 => out.push(format!("\"{s}\"")),
        Value::String(s) => out.push(format!("\"{}", s.chars().take(16).collect::<String>())),
        Value::Array(items) => items.iter().for_each(|v| quoted_strings(v, out)),
        Value::Object(members) => members.values().for_each(|v| quoted_strings(v, out)),
        _ => {}
    }
}

/// The grouping with `key` among the buckets' own groupings (an empty title when
/// none has it).
fn grouping_of(own: &[(usize, Grouping)], key: String) -> Grouping {
    let title = own
        .iter()
        .find(|(_, g)| g.key == key)
        .map(|(_, g)| g.title.clone())
        .unwrap_or_default();
    Grouping { key, title }
}

/// Whether a bucket is one of the ways a target that cannot tell accounts apart
/// shows it: a resource answered with another account as its owner, a call of one
/// account on another's resource accepted, another account's resource listed.
fn shows_accounts_mixed(b: &Bucket) -> bool {
    match b.check.as_str() {
        "model.echo" => leaf_member(&b.path) == Some("ownerAccount"),
        "model.ownership" => b.actual.starts_with("accepted"),
        "model.visible" => b.actual == "listed",
        _ => false,
    }
}

/// The one account a target acts as whatever account a call selects, when the run
/// shows it: every `ownerAccount` echo finding answers the same account, and calls
/// on another account's resources are accepted or its resources listed. Then those
/// findings are one defect (the target ignores account selection), not one per call.
fn one_account(buckets: &[Bucket]) -> Option<String> {
    let echoed: BTreeSet<&str> = buckets
        .iter()
        .filter(|b| b.check == "model.echo" && leaf_member(&b.path) == Some("ownerAccount"))
        .map(|b| b.actual.as_str())
        .collect();
    let crossed = buckets
        .iter()
        .any(|b| b.check != "model.echo" && shows_accounts_mixed(b));
    match (echoed.len(), crossed) {
        (1, true) => echoed.into_iter().next().map(str::to_owned),
        _ => None,
    }
}

/// The grouping of a target that ignores account selection.
fn ignores_accounts(account: &str) -> Grouping {
    grouping(
        "ignores-accounts".to_owned(),
        format!(
            "the target cannot tell accounts apart: every call acts as account {account} \
             (select accounts as the target documents, or run with --one-account)"
        ),
    )
}

/// Group `buckets` into root causes: failures first, then the widest (most buckets,
/// then most occurrences), then by key. Every finding of an operation the target
/// answers with a uniform non-answer (`operations`' stats) belongs to the one root
/// cause "not implemented", which also names such operations without findings.
pub fn root_causes(
    buckets: &[Bucket],
    operations: &BTreeMap<String, OperationStats>,
) -> Vec<RootCause> {
    let unanswered = super::uniformly_unanswered(operations);
    let one_account = one_account(buckets);
    let undeclared: BTreeSet<&str> = buckets
        .iter()
        .filter(|b| b.check == "error.type")
        .map(|b| head(&b.actual))
        .collect();
    let own: Vec<(usize, Grouping)> = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let grouping = match (unanswered.get(&b.operation), &one_account) {
                (Some(signature), _) => not_implemented(signature),
                (None, Some(account)) if shows_accounts_mixed(b) => ignores_accounts(account),
                _ => classify(b, &undeclared),
            };
            (i, grouping)
        })
        .collect();
    let mut groups: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, grouping) in &own {
        let b = &buckets[*i];
        let chosen = if unanswered.contains_key(&b.operation)
            || (one_account.is_some() && shows_accounts_mixed(b))
        {
            grouping.clone()
        } else if let Some(signature) = after_unanswered_call(b, &unanswered) {
            not_implemented(signature)
        } else if let Some(earlier) = earlier_cause(b, &own, buckets) {
            earlier
        } else {
            explained_by(b, &undeclared, &own, buckets)
                .map_or_else(|| grouping.clone(), |key| grouping_of(&own, key))
        };
        // Every bucket of one key shows the title its own grouping gives, where one does.
        let Grouping { key, title } = grouping_of(&own, chosen.key.clone());
        let title = if title.is_empty() {
            chosen.title
        } else {
            title
        };
        groups
            .entry(key)
            .or_insert_with(|| (title, Vec::new()))
            .1
            .push(*i);
    }
    let mut causes: Vec<RootCause> = groups
        .into_iter()
        .map(|(key, (title, members))| {
            let of = |i: &usize| &buckets[*i];
            let operations: BTreeSet<&str> =
                members.iter().map(|i| of(i).operation.as_str()).collect();
            let leaves: BTreeSet<&str> = members
                .iter()
                .filter_map(|i| leaf_member(&of(i).path))
                .collect();
            let shortest = members
                .iter()
                .filter_map(|i| {
                    let repro = of(i).repro.as_ref()?;
                    let sent = repro.steps.iter().filter(|s| !s.skipped).count();
                    Some((sent, repro.round, *i))
                })
                .min()
                .map(|(_, _, i)| BucketRef::of(of(&i)));
            RootCause {
                key,
                title,
                severity: members
                    .iter()
                    .map(|i| of(i).severity)
                    .min()
                    .unwrap_or(Severity::Warning),
                operations: operations.into_iter().map(str::to_owned).collect(),
                members: leaves.into_iter().map(str::to_owned).collect(),
                count: members.iter().map(|i| of(i).count).sum(),
                buckets: members.iter().map(|i| BucketRef::of(of(i))).collect(),
                shortest,
                baseline: None,
            }
        })
        .collect();
    // Operations answered with a uniform non-answer are not implemented: a failure,
    // as `op.implemented` is, and named also where they showed no finding.
    for (operation, signature) in &unanswered {
        let Grouping { key, title } = not_implemented(signature);
        let at = match causes.iter().position(|c| c.key == key) {
            Some(at) => at,
            None => {
                causes.push(RootCause {
                    key,
                    title,
                    severity: Severity::Failure,
                    operations: Vec::new(),
                    members: Vec::new(),
                    count: 0,
                    buckets: Vec::new(),
                    shortest: None,
                    baseline: None,
                });
                causes.len() - 1
            }
        };
        let cause = &mut causes[at];
        cause.severity = Severity::Failure;
        // An operation without findings counts its calls as the cause's occurrences.
        if let Err(place) = cause.operations.binary_search(operation) {
            cause.operations.insert(place, operation.clone());
            cause.count += operations.get(operation).map_or(0, |s| s.calls);
        }
    }
    causes.sort_by(|a, b| {
        (
            a.severity,
            std::cmp::Reverse(a.buckets.len()),
            std::cmp::Reverse(a.count),
            &a.key,
        )
            .cmp(&(
                b.severity,
                std::cmp::Reverse(b.buckets.len()),
                std::cmp::Reverse(b.count),
                &b.key,
            ))
    });
    causes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{key_kind, KEY_KINDS};

    /// The buckets of the committed report of moto `version`.
    fn committed_moto_buckets(version: &str) -> Vec<Bucket> {
        let path = format!(
            "{}/reports/moto-{version}/report.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        serde_json::from_value(report["buckets"].clone()).unwrap()
    }

    fn moto_buckets() -> Vec<Bucket> {
        committed_moto_buckets("5.2.5")
    }

    fn moto_5_2_6_buckets() -> Vec<Bucket> {
        committed_moto_buckets("5.2.6")
    }

    /// docs/moto-5.2.6-notes.md lists 15 defects read from moto 5.2.6's source; the
    /// committed run shows each as exactly one root cause.
    #[test]
    fn each_defect_of_moto_5_2_6_is_one_root_cause() {
        let causes = root_causes(&moto_5_2_6_buckets(), &BTreeMap::new());
        let keys: BTreeSet<&str> = causes.iter().map(|c| c.key.as_str()).collect();
        let defects: BTreeSet<&str> = [
            "not-implemented:HTTP 500 with an HTML body",
            "accepts-invalid:tags",
            "accepts-invalid:type",
            "pattern:arn",
            "accepts-invalid:required",
            "missing-member:ownerAccount",
            "ids-collide",
            "not-enforced:a 100Gbps LAG has at most 2 connections",
            "accepts-invalid:bandwidth",
            "ownership:accepted",
            "model.state:connectionState:\"available\"",
            "wire-protocol:errors:HTTP 404 without an error type",
            "accepts-invalid:encryptionMode",
            "error.unexpected:the body",
            "not-enforced:awsJson: the request body is one JSON object",
        ]
        .into_iter()
        .collect();
        assert_eq!(keys, defects);
    }

    fn cause<'a>(causes: &'a [RootCause], key: &str) -> &'a RootCause {
        causes.iter().find(|c| c.key == key).unwrap_or_else(|| {
            panic!(
                "no root cause {key}: {:?}",
                causes.iter().map(|c| &c.key).collect::<Vec<_>>()
            )
        })
    }

    #[test]
    fn every_bucket_belongs_to_exactly_one_root_cause() {
        let buckets = moto_buckets();
        let causes = root_causes(&buckets, &BTreeMap::new());
        let mut seen: Vec<&BucketRef> = causes.iter().flat_map(|c| &c.buckets).collect();
        assert_eq!(seen.len(), buckets.len());
        seen.sort_by_key(|b| (&b.check, &b.operation, &b.path, b.status));
        seen.dedup();
        assert_eq!(seen.len(), buckets.len(), "a bucket in two root causes");
        assert!(
            causes.len() * 4 < buckets.len(),
            "{} root causes for {} buckets",
            causes.len(),
            buckets.len()
        );
    }

    #[test]
    fn every_finding_of_uniformly_unanswered_operations_is_one_root_cause() {
        let buckets = moto_buckets();
        let mut answered: Vec<&str> = buckets.iter().map(|b| b.operation.as_str()).collect();
        answered.sort_unstable();
        answered.dedup();
        // Three operations with findings and one without answer `{}` on every call.
        let unrouted = [answered[0], answered[1], answered[2], "NoFindingsOperation"];
        let operations: BTreeMap<String, OperationStats> = unrouted
            .iter()
            .map(|op| {
                let stats = OperationStats {
                    calls: 4,
                    answers: super::super::Answers::Uniform("HTTP 200 with {}".to_owned()),
                    ..OperationStats::default()
                };
                ((*op).to_owned(), stats)
            })
            .collect();
        let causes = root_causes(&buckets, &operations);
        let not_implemented = cause(&causes, "not-implemented:HTTP 200 with {}");
        let mut expected = unrouted.to_vec();
        expected.sort_unstable();
        assert_eq!(not_implemented.operations, expected);
        assert_eq!(not_implemented.severity, Severity::Failure);
        let theirs = buckets
            .iter()
            .filter(|b| unrouted.contains(&b.operation.as_str()))
            .count();
        assert_eq!(not_implemented.buckets.len(), theirs);
        for other in causes.iter().filter(|c| c.key != not_implemented.key) {
            assert!(
                other
                    .buckets
                    .iter()
                    .all(|b| !unrouted.contains(&b.operation.as_str())),
                "{} holds a finding of an unimplemented operation",
                other.key
            );
        }
        let all: usize = causes.iter().map(|c| c.buckets.len()).sum();
        assert_eq!(all, buckets.len(), "nothing dropped, nothing counted twice");
    }

    #[test]
    fn one_defect_across_operations_is_one_root_cause() {
        let causes = root_causes(&moto_buckets(), &BTreeMap::new());
        let not_implemented = cause(&causes, "not-implemented:HTTP 500 with an HTML body");
        assert!(not_implemented.operations.len() > 20, "{not_implemented:?}");
        let timestamps = cause(&causes, "wrong-type:loaIssueTime:string");
        assert!(timestamps
            .operations
            .contains(&"CreateConnection".to_owned()));
        assert!(timestamps.operations.contains(&"DescribeLags".to_owned()));
        // The undeclared names explain the type checks, the SDK's failures to model
        // the error and the ownership checks that compare types.
        let undeclared = cause(&causes, "undeclared-error-types");
        assert!(
            undeclared.title.contains("ConnectionNotFound")
                && undeclared.title.contains("LagNotFound")
        );
        for check in [
            "error.type",
            "sdk.parse",
            "error.expected",
            "model.ownership",
        ] {
            assert!(
                undeclared.buckets.iter().any(|b| b.check == check),
                "{check} not explained: {undeclared:?}"
            );
        }
        let required = cause(&causes, "accepts-invalid:required");
        assert!(required.operations.len() >= 3, "{required:?}");
        assert!(
            cause(&causes, "missing-member:ownerAccount")
                .operations
                .len()
                >= 4
        );
    }

    #[test]
    fn sdk_parse_failures_join_the_wrong_type_that_explains_them() {
        let causes = root_causes(&moto_buckets(), &BTreeMap::new());
        assert!(
            causes.iter().all(|c| !c.key.starts_with("sdk-parse:")),
            "{:?}",
            causes
                .iter()
                .filter(|c| c.key.starts_with("sdk-parse"))
                .collect::<Vec<_>>()
        );
    }

    /// Every key the rules make is of a kind `KEY_KINDS` lists (and so docs/root-causes.md
    /// and `dxconform explain` know it), or named by its check: for every check's
    /// buckets, with accepted and refused actuals, and every key of the committed runs.
    #[test]
    fn every_key_is_of_a_listed_kind_or_named_by_its_check() {
        let mut buckets = moto_buckets();
        buckets.extend(moto_5_2_6_buckets());
        let template = buckets[0].clone();
        for id in crate::vocab::CheckId::ALL {
            for (actual, expected, status) in [
                (
                    "accepted (HTTP 200)",
                    "rejected (rule tags.count: at most 50)",
                    200,
                ),
                ("accepted (HTTP 200)", "rejected (a documented limit)", 200),
                ("\"arn:aws:x\"", "matches ^dxcon-", 200),
                ("string \"x\"", "number", 200),
                (
                    "ConnectionNotFound: gone",
                    "DirectConnectClientException",
                    400,
                ),
                ("Timeout: operation timed out", "an HTTP answer", 200),
            ] {
                buckets.push(Bucket {
                    check: id.as_str().to_owned(),
                    actual: actual.to_owned(),
                    expected: expected.to_owned(),
                    status,
                    path: "$.connectionId".to_owned(),
                    repro: None,
                    ..template.clone()
                });
            }
        }
        for cause in root_causes(&buckets, &BTreeMap::new()) {
            let kind = key_kind(&cause.key);
            assert!(
                KEY_KINDS.contains(&kind) || crate::vocab::CheckId::lookup(kind).is_some(),
                "{} is of no listed kind",
                cause.key
            );
        }
    }

    #[rstest::rstest]
    #[case("$.connections[*].loaIssueTime", Some("loaIssueTime"))]
    #[case("$.lagId", Some("lagId"))]
    #[case("$", None)]
    #[case("$.tags[*].key", Some("key"))]
    fn leaf_members(#[case] path: &str, #[case] leaf: Option<&str>) {
        assert_eq!(leaf_member(path), leaf);
    }

    #[test]
    fn echoes_of_the_negative_suites_values_join_their_rule_family() {
        assert_eq!(echoed_probe("integer 12345"), Some("type"));
        assert_eq!(echoed_probe("string \"yes\""), Some("type"));
        assert_eq!(echoed_probe("\"bad#key\""), Some("tags"));
        assert_eq!(echoed_probe("integer 123456789"), None);
        assert_eq!(echoed_probe("\"dx-alpha\""), None);
        let causes = root_causes(&moto_buckets(), &BTreeMap::new());
        assert!(
            causes.iter().all(|c| !c.key.ends_with(":integer")),
            "{:?}",
            causes.iter().map(|c| &c.key).collect::<Vec<_>>()
        );
    }

    #[test]
    fn rules_and_their_families() {
        let expected = "rejected with DirectConnectClientException (rule required:location: location is required (CreateLagRequest))";
        assert_eq!(broken_rule(expected), Some("required:location"));
        assert_eq!(rule_family("bandwidth.dedicated"), "bandwidth");
        assert_eq!(
            broken_rule("rejected with X (a 100Gbps LAG has at most 2 connections)"),
            None
        );
        assert_eq!(
            value_class("\"arn:aws:directconnect:us-east-1:1:dxcon/x\""),
            Some("arn")
        );
        assert_eq!(value_class("\"DXCON-AB12CD34\""), Some("upper-case"));
        assert_eq!(value_class("\"dxcon-ab12cd34\""), None);
    }
}
