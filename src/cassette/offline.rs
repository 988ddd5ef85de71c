//! Offline checks (`dxconform check`): captured exchanges validated without a target.
//! Every check that needs no live target runs: wire, shape, enum, `sdk.parse`, the
//! error contract and, for [`crate::model::SINGLE_OPERATIONS`], the model's prediction
//! of the call's own synchronous answer from its request. Inputs: a single answer,
//! a cassette folder, NDJSON lines `{operation, request, status, headers, body}`, or
//! a HAR 1.2 file.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde_json::Value;

use super::{materialize, Cassette, CassetteError, CASSETTE_FILE};
use crate::check::{CheckCtx, CheckSet, Finding, Scope, SdkParser, CHECKS};
use crate::model::{Basis, Env, Expect, Model, Prediction};
use crate::vocab::{classify, Accounts, CheckId, Exchange, Outcome, Principal};

/// Checks that need no live target and no case: the registry's checks of scope
/// [`Scope::Exchange`], in registry order (the others read a case's history or a world).
pub static OFFLINE_CHECKS: LazyLock<Vec<CheckId>> = LazyLock::new(|| {
    CHECKS
        .iter()
        .filter(|c| c.scope == Scope::Exchange)
        .map(|c| c.id)
        .collect()
});

const JSON_CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// One captured exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct Captured {
    /// Where it came from (`file`, `file:3`), for messages.
    pub source: String,
    /// Operation.
    pub operation: String,
    /// Request body (`{}` when unknown).
    pub request: Value,
    /// HTTP status.
    pub status: u16,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Raw response body.
    pub body: Vec<u8>,
    /// The caller's account, when the capture says (cassettes do).
    pub account: Option<String>,
}

/// What `dxconform check` reads.
#[derive(Debug, Clone)]
pub enum OfflineInput {
    /// One response file with its operation (and optionally the request and status).
    Single {
        /// Operation.
        operation: String,
        /// Response body file.
        response: PathBuf,
        /// Request body file.
        request: Option<PathBuf>,
        /// Status (default: 400 when the body has `__type`, else 200).
        status: Option<u16>,
    },
    /// A cassette folder, an NDJSON file or a HAR file (detected from the content).
    Path(PathBuf),
}

/// The result of an offline check.
#[derive(Debug, Clone, Default)]
pub struct OfflineOutcome {
    /// Exchanges checked.
    pub exchanges: usize,
    /// Of those, how many the model predicted (the others: specification only).
    pub predicted: usize,
    /// Findings, with the source of each exchange.
    pub findings: Vec<(String, Finding)>,
}

fn read(path: &Path) -> Result<String, CassetteError> {
    std::fs::read_to_string(path).map_err(|e| CassetteError::io(path, e))
}

fn json(path: &Path, text: &str) -> Result<Value, CassetteError> {
    serde_json::from_str(text).map_err(|e| CassetteError::invalid(path, e.to_string()))
}

fn default_status(body: &[u8]) -> u16 {
    let error = serde_json::from_slice::<Value>(body)
        .ok()
        .is_some_and(|v| v.get("__type").is_some());
    if error {
        400
    } else {
        200
    }
}

fn json_headers() -> Vec<(String, String)> {
    vec![("content-type".to_owned(), JSON_CONTENT_TYPE.to_owned())]
}

impl OfflineInput {
    /// The captured exchanges of this input.
    pub fn captured(&self, accounts: &Accounts) -> Result<Vec<Captured>, CassetteError> {
        match self {
            OfflineInput::Single {
                operation,
                response,
                request,
                status,
            } => {
                let body = std::fs::read(response).map_err(|e| CassetteError::io(response, e))?;
                let request = match request {
                    Some(p) => json(p, &read(p)?)?,
                    None => Value::Object(Default::default()),
                };
                Ok(vec![Captured {
                    source: response.display().to_string(),
                    operation: operation.clone(),
                    request,
                    status: status.unwrap_or_else(|| default_status(&body)),
                    headers: json_headers(),
                    body,
                    account: None,
                }])
            }
            OfflineInput::Path(path) if path.is_dir() || path.ends_with(CASSETTE_FILE) => {
                from_cassette(&Cassette::load(path)?, path, accounts)
            }
            OfflineInput::Path(path) => {
                let text = read(path)?;
                let whole: Option<Value> = serde_json::from_str(&text).ok();
                match whole {
                    Some(v) if v.get("log").is_some() => from_har(path, &v),
                    Some(v) if v.get("format").is_some() && v.get("cases").is_some() => {
                        let cassette: Cassette = serde_json::from_value(v)
                            .map_err(|e| CassetteError::invalid(path, e.to_string()))?;
                        from_cassette(&cassette, path, accounts)
                    }
                    _ => from_ndjson(path, &text),
                }
            }
        }
    }
}

fn from_cassette(
    cassette: &Cassette,
    path: &Path,
    accounts: &Accounts,
) -> Result<Vec<Captured>, CassetteError> {
    let mut out = Vec::new();
    for case in &cassette.cases {
        for e in case
            .exchanges
            .iter()
            .filter(|e| !e.skipped && e.status != 0)
        {
            let body = match (&e.body, &e.body_text) {
                (Some(b), _) => materialize(b, accounts).to_string().into_bytes(),
                (None, Some(t)) => t.clone().into_bytes(),
                (None, None) => Vec::new(),
            };
            out.push(Captured {
                source: format!("{} case {} step {}", path.display(), case.case, e.step),
                operation: e.operation.clone(),
                request: materialize(&e.request, accounts),
                status: e.status,
                headers: e.headers.clone(),
                body,
                account: Some(accounts.of(e.principal).to_owned()),
            });
        }
    }
    Ok(out)
}

fn headers_of(v: Option<&Value>) -> Vec<(String, String)> {
    match v {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| (k.to_lowercase(), v.as_str().unwrap_or_default().to_owned()))
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|h| match h {
                Value::Array(pair) => Some((
                    pair.first()?.as_str()?.to_lowercase(),
                    pair.get(1)?.as_str()?.to_owned(),
                )),
                Value::Object(_) => Some((
                    h.get("name")?.as_str()?.to_lowercase(),
                    h.get("value")?.as_str()?.to_owned(),
                )),
                _ => None,
            })
            .collect(),
        _ => json_headers(),
    }
}

fn from_ndjson(path: &Path, text: &str) -> Result<Vec<Captured>, CassetteError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let where_ = || format!("{}:{}", path.display(), n + 1);
        let v: Value = serde_json::from_str(line)
            .map_err(|e| CassetteError::invalid(path, format!("line {}: {e}", n + 1)))?;
        let Some(operation) = v.get("operation").and_then(Value::as_str) else {
            // Lines of other streams (e.g. `--events` run events without bodies) are not exchanges.
            continue;
        };
        let body = match v.get("body") {
            Some(Value::String(s)) => s.clone().into_bytes(),
            Some(Value::Null) | None => {
                if v.get("event").is_some() {
                    continue;
                }
                Vec::new()
            }
            Some(other) => other.to_string().into_bytes(),
        };
        let status = v
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or_else(|| default_status(&body));
        out.push(Captured {
            source: where_(),
            operation: operation.to_owned(),
            request: v
                .get("request")
                .cloned()
                .unwrap_or_else(|| Value::Object(Default::default())),
            status,
            headers: headers_of(v.get("headers")),
            body,
            account: None,
        });
    }
    Ok(out)
}

fn from_har(path: &Path, har: &Value) -> Result<Vec<Captured>, CassetteError> {
    let entries = har
        .pointer("/log/entries")
        .and_then(Value::as_array)
        .ok_or_else(|| CassetteError::invalid(path, "HAR without log.entries"))?;
    let mut out = Vec::new();
    for (n, entry) in entries.iter().enumerate() {
        let request_headers = headers_of(entry.pointer("/request/headers"));
        let Some(operation) = request_headers
            .iter()
            .find(|(k, _)| k == "x-amz-target")
            .and_then(|(_, v)| v.rsplit('.').next())
        else {
            continue;
        };
        let request = entry
            .pointer("/request/postData/text")
            .and_then(Value::as_str)
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_else(|| Value::Object(Default::default()));
        let text = entry
            .pointer("/response/content/text")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let body = if entry
            .pointer("/response/content/encoding")
            .and_then(Value::as_str)
            == Some("base64")
        {
            return Err(CassetteError::invalid(
                path,
                format!("entry {n}: base64 response bodies are not supported; export the HAR with text content"),
            ));
        } else {
            text.as_bytes().to_vec()
        };
        out.push(Captured {
            source: format!("{} entry {n}", path.display()),
            operation: operation.to_owned(),
            request,
            status: entry
                .pointer("/response/status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(0),
            headers: headers_of(entry.pointer("/response/headers")),
            body,
            account: None,
        });
    }
    Ok(out)
}

/// The prediction for one captured exchange: the model's when it predicts the
/// operation offline, otherwise none beyond the specification.
fn prediction(env: &Env, owner_account: Option<&str>, c: &Captured) -> Option<Prediction> {
    let mut env = env.clone();
    let account = c.account.as_deref().or(owner_account);
    if let Some(account) = account {
        env.accounts.owner = account.to_owned();
    }
    let mut p = Model::predict_single(&env, &c.operation, &c.request)?;
    if account.is_none() {
        for e in &mut p.resources {
            e.echo.retain(|(member, _)| *member != "ownerAccount");
        }
    }
    Some(p)
}

fn spec_only() -> Prediction {
    let mut p = Prediction::succeed(Basis::Spec);
    p.expect = Expect::Either {
        error_types: Vec::new(),
        reason: "offline: no model prediction for this operation".to_owned(),
    };
    p
}

/// Check captured exchanges. `owner_account`: the caller's account, when known (else
/// the owner account is not compared); `region`: the region answers must echo.
pub fn check_offline(
    captured: &[Captured],
    region: &str,
    owner_account: Option<&str>,
    include: &[String],
    exclude: &[String],
) -> Result<OfflineOutcome, CassetteError> {
    let checks = CheckSet::select(include, exclude)?.only(&OFFLINE_CHECKS);
    let env = Env {
        region: region.to_owned(),
        accounts: Accounts {
            owner: owner_account.unwrap_or("111111111111").to_owned(),
            ..Accounts::default()
        },
        locations: Vec::new(),
        virtual_gateways: Default::default(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CassetteError::Runtime)?;
    let sdk = SdkParser::new();
    let spec = crate::spec::Spec::builtin();
    let mut out = OfflineOutcome::default();
    for (index, c) in captured.iter().enumerate() {
        let exchange = Exchange {
            operation: c.operation.clone(),
            principal: Principal::Owner,
            request: c.request.clone(),
            status: c.status,
            headers: c.headers.clone(),
            body: bytes::Bytes::from(c.body.clone()),
            latency: std::time::Duration::ZERO,
            outcome: classify(c.status, &c.body),
        };
        let predicted = prediction(&env, owner_account, c);
        out.predicted += usize::from(predicted.is_some());
        let mut prediction = predicted.unwrap_or_else(spec_only);
        // A request the input shape rejects may meet the awsJson front end's own error.
        let malformed = spec
            .operation(&c.operation)
            .and_then(|op| op.input.as_deref())
            .is_some_and(|shape| !spec.validate(shape, &c.request).is_empty());
        if malformed {
            prediction.protocol_errors.push("SerializationException");
        }
        let verdict = (checks.enabled(CheckId::SdkParse)
            && matches!(
                exchange.outcome,
                Outcome::Success(_) | Outcome::ServiceError { .. }
            ))
        .then(|| runtime.block_on(sdk.parse(&c.operation, c.status, &c.headers, &c.body)));
        let ctx = CheckCtx::new(spec, &prediction, verdict.as_ref(), index);
        out.exchanges += 1;
        out.findings.extend(
            checks
                .run(&ctx, &exchange)
                .into_iter()
                .map(|f| (c.source.clone(), f)),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_checks_are_the_list_they_replaced() {
        // The hand-written list `dxconform check` ran before the registry knew scopes.
        let before = [
            "op.implemented",
            "wire.protocol",
            "wire.status",
            "shape.type",
            "shape.required",
            "shape.enum",
            "shape.range",
            "shape.pattern",
            "shape.unknown-member",
            // Added after the list was derived: values AWS is documented to answer.
            "shape.documented-deviation",
            "sdk.parse",
            "error.type",
            "model.state",
            "model.echo",
        ];
        let derived: Vec<&str> = OFFLINE_CHECKS.iter().map(|c| c.as_str()).collect();
        assert_eq!(derived, before);
    }

    #[test]
    fn a_selection_without_offline_checks_runs_none() {
        let checks = CheckSet::select(&["model.unique".into()], &[])
            .unwrap()
            .only(&OFFLINE_CHECKS);
        assert!(checks.ids().is_empty());
        let some = CheckSet::select(&["model".into()], &["model.echo".into()])
            .unwrap()
            .only(&OFFLINE_CHECKS);
        assert_eq!(some.ids(), [CheckId::ModelState]);
    }
}
