//! The pytest form of a reproduction: a self-contained Python file in the test idiom
//! of Python emulator projects (moto, LocalStack-style). It performs the minimal
//! sequence with boto3 (steps boto3 cannot send, broken framing or members of the
//! wrong JSON type, are sent as raw signed requests), captures each answer as it
//! came, and asserts what AWS answers where dxconform saw the target deviate. It
//! fails against the target for the reason the report gives and passes against
//! the reference target. Endpoint, region and accounts come from environment
//! variables, with the run's values as defaults.

use std::fmt::Write as _;

use serde_json::Value;

use super::awscli::{
    cli_sends_as_is, defined_before, defined_by, id_variables, mark_ids, IdVariable, MARK,
};
use super::curl::{protocol_headers, wire_malformation};
use super::reproduction::{
    default_endpoint, finding_in_bucket, found_on, one_line, repro_buckets, reset_path, steps_sent,
};
use crate::check::{bucket_path, Finding};
use crate::run::{Repro, RunReport, StepRecord};
use crate::spec::{Spec, ViolationKind};
use crate::vocab::{AccountSelector, CheckId, Malformation, Principal, Signature};

/// Extension of the pytest file.
pub const PYTEST_EXTENSION: &str = "py";

/// What every generated file shares: the target, the answer, the rules that read
/// an expectation (`deviation`), the `target` fixture.
const SUPPORT: &str = include_str!("pytest_support.py");

/// `text` as a Python string literal (JSON's escapes are Python's).
fn py_string(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// `value` as a Python expression; strings holding an id of `variables` become
/// concatenations with the variable (`"arn:…/" + CONNECTION_1`).
fn py_value(value: &Value, variables: &[&IdVariable]) -> String {
    py_literal(&mark_ids(value, variables))
}

fn py_literal(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.contains(MARK) => {
            let parts: Vec<String> = s
                .split(MARK)
                .enumerate()
                .filter(|(_, part)| !part.is_empty())
                // Between two marks stands a variable's name; elsewhere, literal text.
                .map(|(i, part)| {
                    if i % 2 == 1 {
                        part.to_owned()
                    } else {
                        py_string(part)
                    }
                })
                .collect();
            parts.join(" + ")
        }
        Value::String(s) => py_string(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(py_literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!("{}: {}", py_string(k), py_literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The bytes a step sent, as a Python bytes expression.
fn py_body(
    s: &StepRecord,
    malformation: Option<Malformation>,
    variables: &[&IdVariable],
) -> String {
    match malformation {
        Some(m @ (Malformation::InvalidJson | Malformation::StringBody)) => {
            let bytes = m.bytes_of_recorded(&s.request);
            format!("{}.encode()", py_string(&String::from_utf8_lossy(&bytes)))
        }
        _ => format!("json.dumps({}).encode()", py_value(&s.request, variables)),
    }
}

/// The findings the file asserts: for each bucket the plan stands for, the first
/// finding of the re-run in that bucket.
fn asserted_findings<'a>(report: &RunReport, repro: &'a Repro) -> Vec<&'a Finding> {
    let mut out: Vec<&Finding> = Vec::new();
    for bucket in repro_buckets(report, repro) {
        if let Some(f) = repro.findings.iter().find(|f| finding_in_bucket(f, bucket)) {
            if !out.iter().any(|o| std::ptr::eq(*o, f)) {
                out.push(f);
            }
        }
    }
    out.sort_by_key(|f| f.step);
    out
}

/// The output members of `operation`, for telling an answer from a non-answer.
fn output_members(operation: &str) -> Vec<String> {
    let spec = Spec::builtin();
    spec.operation(operation)
        .and_then(|o| o.output.as_deref())
        .and_then(|shape| spec.shape(shape))
        .map(|shape| shape.members.keys().cloned().collect())
        .unwrap_or_default()
}

/// The error types `operation` declares.
fn declared_errors(operation: &str) -> Vec<String> {
    Spec::builtin()
        .operation(operation)
        .map(|o| o.errors.clone())
        .unwrap_or_default()
}

/// Where the answer the run received at `finding`'s step breaks a member's JSON
/// type, as `[path, expected]` pairs (`[*]` for any item): what a strictly typed
/// SDK fails to parse, and a lenient one (boto3) reads without complaint.
fn wrong_types(repro: &Repro, finding: &Finding) -> Value {
    let spec = Spec::builtin();
    let Some(step) = repro.steps.iter().find(|s| s.index == finding.step) else {
        return Value::Array(Vec::new());
    };
    let (Some(output), Ok(answer)) = (
        spec.operation(&step.operation)
            .and_then(|o| o.output.as_deref()),
        serde_json::from_str::<Value>(&step.response),
    ) else {
        return Value::Array(Vec::new());
    };
    let mut pairs: Vec<Value> = Vec::new();
    for v in spec.validate(output, &answer) {
        let pair = Value::from(vec![bucket_path(&v.path), v.expected]);
        if v.kind == ViolationKind::Type && !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    Value::Array(pairs)
}

/// A Python identifier from a replay file name (`replays/003-model.state-CreateLag.json`
/// → `test_003_model_state_CreateLag`).
fn test_name(replay_file: &str) -> String {
    let stem = replay_file
        .rsplit('/')
        .next()
        .unwrap_or(replay_file)
        .trim_end_matches(".json");
    let body: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("test_{body}")
}

/// The pytest file that reproduces `repro` (every bucket it stands for).
pub fn pytest_file(report: &RunReport, repro: &Repro) -> String {
    let spec = Spec::builtin();
    let mut out = String::new();
    let variables = id_variables(&repro.steps);
    let findings = asserted_findings(report, repro);
    let sent: Vec<&StepRecord> = repro.steps.iter().filter(|s| !s.skipped).collect();
    let _ = writeln!(
        out,
        "\"\"\"dxconform reproduction as a pytest test: the minimal sequence ({}) found on\n{},\nwith what AWS answers where the target deviated:",
        steps_sent(repro),
        found_on(report, repro)
    );
    for f in &findings {
        let _ = writeln!(
            out,
            "  step {}: {} on {} at {} (HTTP {})\n    AWS: {}\n    target: {}",
            f.step + 1,
            f.check,
            f.operation,
            f.path,
            f.status,
            one_line(&f.expected).replace('\\', "\\\\"),
            one_line(&f.actual).replace('\\', "\\\\")
        );
    }
    let (endpoint, start) = default_endpoint(report);
    let _ = writeln!(out);
    if let Some(start) = &start {
        let _ = writeln!(out, "Start the target (`{start}`), then:");
    }
    let _ = writeln!(
        out,
        "    DXCONFORM_ENDPOINT={} pytest --import-mode=importlib THIS_FILE",
        endpoint.as_deref().unwrap_or("URL")
    );
    let _ = writeln!(
        out,
        "Needs boto3 and pytest. Environment: DXCONFORM_ENDPOINT, DXCONFORM_REGION, DXCONFORM_OWNER_ACCOUNT,"
    );
    let _ = writeln!(
        out,
        "DXCONFORM_PARTNER_ACCOUNT, DXCONFORM_ACCOUNT_HEADER (header that selects the account; empty: the"
    );
    let _ = writeln!(
        out,
        "access key id does), DXCONFORM_RESET_PATH (POSTed before the test; empty: no reset)."
    );
    if repro
        .steps
        .iter()
        .any(|s| s.request.to_string().contains(crate::run::REDACTED))
    {
        let _ = writeln!(
            out,
            "Secrets are redacted: replace {} with a value of your own.",
            crate::run::REDACTED
        );
    }
    let _ = writeln!(out, "\"\"\"\n");
    let _ = writeln!(
        out,
        "DEFAULT_ENDPOINT = {}",
        py_string(endpoint.as_deref().unwrap_or(""))
    );
    let _ = writeln!(out, "DEFAULT_REGION = {}", py_string(&report.target.region));
    let accounts = &report.config.accounts;
    let _ = writeln!(
        out,
        "DEFAULT_ACCOUNTS = {{\"owner\": {}, \"partner\": {}}}",
        py_string(accounts.of(Principal::Owner)),
        py_string(accounts.of(Principal::Partner))
    );
    let header = match &report.target.accounts {
        AccountSelector::Header(name) => name.to_ascii_lowercase(),
        AccountSelector::AccessKey | AccountSelector::Credentials => String::new(),
    };
    let _ = writeln!(out, "DEFAULT_ACCOUNT_HEADER = {}", py_string(&header));
    let _ = writeln!(
        out,
        "DEFAULT_RESET_PATH = {}",
        py_string(reset_path(report).unwrap_or(""))
    );
    let _ = writeln!(
        out,
        "PROTOCOL_CONTENT_TYPE = {}",
        py_string(&spec.content_type())
    );
    let _ = writeln!(
        out,
        "SIGNING_NAME = {}\n",
        py_string(&spec.source.signing_name)
    );
    out.push_str(SUPPORT);
    let name = test_name(repro.replay_file.as_deref().unwrap_or("reproduction"));
    let _ = writeln!(out, "\n\n# ---- the sequence ----");
    let _ = writeln!(out, "def {name}(target):");
    let _ = writeln!(out, "    answers = {{}}");
    for s in &sent {
        let defined = defined_before(&variables, s.index);
        let malformation = wire_malformation(s);
        let call = if malformation.is_none() && cli_sends_as_is(s) {
            format!(
                "target.call({}, {}, {})",
                py_string(s.principal.name()),
                py_string(&s.operation),
                py_value(&s.request, &defined)
            )
        } else {
            let (headers, signature) = protocol_headers(s);
            let headers = headers
                .iter()
                .map(|(name, value)| format!("{}: {}", py_string(name), py_string(value)))
                .collect::<Vec<_>>()
                .join(", ");
            let signature = match signature {
                Signature::SigV4 => "SIGV4".to_owned(),
                Signature::Absent => "None".to_owned(),
                Signature::Garbage(authorization) => py_string(authorization),
            };
            format!(
                "target.send_raw({}, {}, {}, {{{headers}}}, {signature})",
                py_string(s.principal.name()),
                py_string(&s.operation),
                py_body(s, malformation, &defined),
            )
        };
        let _ = writeln!(out, "    # step {} as {}", s.index + 1, s.principal.name());
        let _ = writeln!(out, "    answers[{}] = {call}", s.index);
        for v in defined_by(&variables, s.index) {
            let (name, index, member, n) = (&v.name, s.index, py_string(&v.member), v.occurrence);
            let _ = writeln!(out, "    {name} = answers[{index}].id({member}, {n})");
        }
    }
    let _ = writeln!(out, "    findings = [");
    for f in &findings {
        let mut extra = String::new();
        if f.check == CheckId::SdkParse.as_str() {
            let _ = write!(
                extra,
                ", \"errors\": {}, \"types\": {}",
                py_literal(&Value::from(declared_errors(&f.operation))),
                py_literal(&wrong_types(repro, f))
            );
        }
        let _ = writeln!(
            out,
            "        {{\"step\": {}, \"check\": {}, \"operation\": {}, \"path\": {}, \"status\": {}, \"expected\": {}, \"output_members\": {}{extra}}},",
            f.step,
            py_string(&f.check),
            py_string(&f.operation),
            py_string(&f.path),
            f.status,
            py_string(&f.expected),
            py_literal(&Value::from(output_members(&f.operation)))
        );
    }
    let _ = writeln!(out, "    ]");
    let _ = writeln!(out, "    check(target, answers, findings)");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{sample_report, with_malformed_first_step};

    #[test]
    fn python_literals_keep_ids_as_variables() {
        let variable = IdVariable {
            value: "dxcon-abc123".into(),
            name: "CONNECTION_1".into(),
            member: "connectionId".into(),
            occurrence: 1,
            step: 0,
        };
        let request = serde_json::json!({
            "connectionId": "dxcon-abc123",
            "resourceArn": "arn:aws:directconnect:us-east-1:111111111111:dxcon/dxcon-abc123",
            "n": 3, "ok": true, "none": null, "tags": [{"key": "dxcon-abc123x"}]
        });
        let text = py_value(&request, &[&variable]);
        assert!(text.contains("\"connectionId\": CONNECTION_1"), "{text}");
        assert!(
            text.contains("\"arn:aws:directconnect:us-east-1:111111111111:dxcon/\" + CONNECTION_1"),
            "{text}"
        );
        // A longer token that merely contains the id stays literal.
        assert!(text.contains("\"dxcon-abc123x\""), "{text}");
        assert!(text.contains("True") && text.contains("None"), "{text}");
    }

    #[test]
    fn a_file_defines_the_test_and_asserts_each_finding() {
        let report = sample_report();
        let file = pytest_file(&report, report.buckets[0].repro.as_ref().unwrap());
        assert!(file.contains("def test_"), "{file}");
        assert!(
            file.contains("DEFAULT_RESET_PATH = \"/moto-api/reset\""),
            "{file}"
        );
        assert!(file.contains("\"check\": \"model.state\""), "{file}");
        assert!(file.contains("check(target, answers, findings)"), "{file}");
        assert_eq!(
            test_name("replays/003-model.state-CreateLag.json"),
            "test_003_model_state_CreateLag"
        );
    }

    #[test]
    fn a_malformed_step_is_sent_with_the_headers_and_signature_dxconform_sent() {
        let sent = |how: &str| {
            let report = with_malformed_first_step(how);
            let file = pytest_file(&report, report.buckets[0].repro.as_ref().unwrap());
            file.lines()
                .find(|line| line.contains("answers[0] = "))
                .expect("the first step is sent")
                .to_owned()
        };
        let line = sent("wrong-content-type");
        assert!(
            line.contains(r#"{"content-type": "text/plain", "x-amz-target": "OvertureService.CreateConnection"}, SIGV4)"#),
            "{line}"
        );
        let line = sent("missing-target");
        assert!(
            line.contains(r#"{"content-type": "application/x-amz-json-1.1"}, SIGV4)"#),
            "{line}"
        );
        assert!(sent("missing-signature").ends_with(", None)"));
        let Signature::Garbage(authorization) = Malformation::MalformedSignature.signature() else {
            panic!("a malformed signature is a garbage Authorization header");
        };
        let line = sent("malformed-signature");
        assert!(
            line.ends_with(&format!(", {})", py_string(authorization))),
            "{line}"
        );
        let line = sent("invalid-json");
        assert!(line.contains(r#""{\"connectionId\": ".encode()"#), "{line}");
    }
}
