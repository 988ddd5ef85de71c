//! The aws CLI form of a reproduction: a bash script with one
//! `aws directconnect <command> --cli-input-json '…'` per step of the minimal
//! plan, acting as each principal's account, with shell variables for the ids
//! the target generates (`CONNECTION_1=$(id_of connectionId 1)`), so the script
//! runs against a fresh target whose ids differ from the run's.

use std::fmt::Write as _;

use std::collections::BTreeSet;

use serde_json::Value;

use super::curl::{curl_arguments, wire_malformation};
use super::replay_command;
use super::reproduction::{
    bucket_title, default_endpoint, finding_in_bucket, found_on, one_line, push_lines,
    repro_buckets, reset_path, sibling_file, step_findings, steps_sent, CURL_EXTENSION,
};
use crate::run::{Repro, RunReport, StepRecord, REDACTED};
use crate::spec::{Spec, ViolationKind};
use crate::target::TargetKind;
use crate::vocab::{AccountSelector, Principal};

/// The aws CLI command of an operation, as botocore derives it:
/// `CreateConnection` → `create-connection`, `CreateBGPPeer` → `create-bgp-peer`.
pub fn cli_command(operation: &str) -> String {
    let chars: Vec<char> = operation.chars().collect();
    let mut out = String::with_capacity(operation.len() + 4);
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// An id the target generated in one step and later steps send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdVariable {
    /// The id as the run saw it.
    pub value: String,
    /// Shell variable (`CONNECTION_1`).
    pub name: String,
    /// Answer member that carried it (`connectionId`).
    pub member: String,
    /// Which of the distinct values of `member` in the answer, in answer order (1-based).
    pub occurrence: usize,
    /// Step whose answer carried it.
    pub step: usize,
}

/// The variables defined by the steps before step `index`: the ones its request may use.
pub fn defined_before(variables: &[IdVariable], index: usize) -> Vec<&IdVariable> {
    variables.iter().filter(|v| v.step < index).collect()
}

/// The variables step `index`'s answer defines.
pub fn defined_by(variables: &[IdVariable], index: usize) -> impl Iterator<Item = &IdVariable> {
    variables.iter().filter(move |v| v.step == index)
}

/// The shell lines that read the ids step `index`'s answer carries into their variables
/// (`CONNECTION_1=$(id_of connectionId 1)`), in the aws CLI script and the curl transcript.
pub(super) fn write_id_assignments(out: &mut String, variables: &[IdVariable], index: usize) {
    for v in defined_by(variables, index) {
        let _ = writeln!(
            out,
            "{}=$(id_of {} {})  # dxconform's run got {}",
            v.name,
            v.member,
            v.occurrence,
            one_line(&v.value)
        );
    }
}

/// The comment above the shell function `id_of`.
pub(super) const ID_OF_COMMENT: &str =
    "# id_of MEMBER N: the N-th distinct value of \"MEMBER\" in the last answer (an id the target generated).";

/// The comment that stands for a step dxconform did not send.
pub(super) fn write_skipped(out: &mut String, s: &StepRecord) {
    let _ = writeln!(
        out,
        "# #{} {} {}: skipped by dxconform (its resource did not exist in this case)",
        s.index, s.principal, s.operation
    );
}

/// `connectionId` → `CONNECTION`, `virtualInterfaceId` → `VIRTUAL_INTERFACE`.
fn variable_stem(member: &str) -> String {
    let base = member.strip_suffix("Id").unwrap_or(member);
    let mut out = String::new();
    for (i, c) in base.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The (member, value) pairs of `answer` whose member is an id shape callers send
/// back ([`Spec::input_id_shapes`]), at any depth, in answer order.
fn answer_ids<'a>(
    spec: &Spec,
    id_shapes: &BTreeSet<&str>,
    shape: &str,
    answer: &'a Value,
    out: &mut Vec<(String, &'a str)>,
) {
    let Some(found) = spec.shape(shape) else {
        return;
    };
    match answer {
        Value::Object(members) => {
            for (name, member) in &found.members {
                let Some(value) = members.get(name) else {
                    continue;
                };
                match value.as_str() {
                    Some(id) if id_shapes.contains(member.shape.as_str()) => {
                        out.push((name.clone(), id));
                    }
                    _ => answer_ids(spec, id_shapes, &member.shape, value, out),
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = &found.member {
                for value in items {
                    answer_ids(spec, id_shapes, &item.shape, value, out);
                }
            }
        }
        _ => {}
    }
}

/// Whether `text` holds `id` as a whole token (alone, or as the last part of an ARN).
fn holds_id(text: &str, id: &str) -> bool {
    token_positions(text, id).next().is_some()
}

/// Where `id` stands in `text` as a whole token: not inside a longer word.
fn token_positions<'a>(text: &'a str, id: &'a str) -> impl Iterator<Item = usize> + 'a {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(id).map(|(at, _)| at).filter(move |&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + id.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// Every string value of a request body (never its member names).
fn string_values<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| string_values(v, out)),
        Value::Object(members) => members.values().for_each(|v| string_values(v, out)),
        _ => {}
    }
}

/// The ids of a sequence that later requests reuse. An id is a value of an output
/// member whose shape is a resource id callers send back (the specification says
/// which), first seen in a success answer — a value some earlier request already
/// sent is the harness's own and stays literal — and sent again, as a whole string
/// value or the end of an ARN, by a later request. The variable is defined by the
/// step whose answer carried it and used only after it.
pub fn id_variables(steps: &[StepRecord]) -> Vec<IdVariable> {
    let spec = Spec::builtin();
    let id_shapes = spec.input_id_shapes();
    let sent: Vec<&StepRecord> = steps.iter().filter(|s| !s.skipped).collect();
    let request_values: Vec<(usize, Vec<&str>)> = sent
        .iter()
        .map(|s| {
            let mut values = Vec::new();
            string_values(&s.request, &mut values);
            (s.index, values)
        })
        .collect();
    let mut out: Vec<IdVariable> = Vec::new();
    for s in sent.iter().filter(|s| s.outcome == "success") {
        let Ok(answer) = serde_json::from_str::<Value>(&s.response) else {
            continue;
        };
        let Some(output) = spec
            .operation(&s.operation)
            .and_then(|o| o.output.as_deref())
        else {
            continue;
        };
        let mut ids = Vec::new();
        answer_ids(spec, &id_shapes, output, &answer, &mut ids);
        // The order of distinct values per member, as the answer lists them.
        let mut distinct: Vec<(&str, Vec<&str>)> = Vec::new();
        for (member, value) in &ids {
            match distinct.iter_mut().find(|(m, _)| m == member) {
                Some((_, values)) if !values.contains(value) => values.push(value),
                Some(_) => {}
                None => distinct.push((member, vec![value])),
            }
        }
        for (member, value) in &ids {
            let sent_by = |keep: &dyn Fn(usize) -> bool| {
                request_values
                    .iter()
                    .filter(|(index, _)| keep(*index))
                    .any(|(_, values)| values.iter().any(|v| holds_id(v, value)))
            };
            if value.is_empty()
                || *value == REDACTED
                || out.iter().any(|v| v.value == *value)
                || sent_by(&|index| index <= s.index)
                || !sent_by(&|index| index > s.index)
            {
                continue;
            }
            let occurrence = distinct
                .iter()
                .find(|(m, _)| m == member)
                .and_then(|(_, values)| values.iter().position(|v| v == value))
                .map_or(1, |at| at + 1);
            let stem = variable_stem(member);
            let n = out
                .iter()
                .filter(|v| variable_stem(&v.member) == stem)
                .count()
                + 1;
            out.push(IdVariable {
                value: (*value).to_owned(),
                name: format!("{stem}_{n}"),
                member: member.clone(),
                occurrence,
                step: s.index,
            });
        }
    }
    out
}

/// `text` as one single-quoted shell word.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Marks a variable's place in serialized JSON: a private-use character, which
/// serde_json writes as it is and no request contains.
pub(super) const MARK: char = '\u{E000}';

/// `value` as compact JSON in one shell word, with each id of `variables` replaced
/// by its variable where it stands in a string value (never in a member name):
/// `'{"connectionId":"'"$CONNECTION_1"'"}'`. Pass only the variables defined by
/// earlier steps.
pub fn shell_json(value: &Value, variables: &[&IdVariable]) -> String {
    let marked = mark_ids(value, variables);
    let text = marked.to_string();
    let mut word = String::new();
    let mut parts = text.split(MARK);
    let mut literal = parts.next().unwrap_or_default().to_owned();
    while let (Some(name), Some(rest)) = (parts.next(), parts.next()) {
        if !literal.is_empty() {
            word.push_str(&shell_quote(&literal));
        }
        let _ = write!(word, "\"${name}\"");
        literal = rest.to_owned();
    }
    if !literal.is_empty() || word.is_empty() {
        word.push_str(&shell_quote(&literal));
    }
    word
}

/// A copy of `value` with every id of `variables` in a string value replaced by
/// `MARK name MARK`; the longest id wins where one contains another.
pub(super) fn mark_ids(value: &Value, variables: &[&IdVariable]) -> Value {
    match value {
        Value::String(s) => {
            let mut text = s.clone();
            let mut longest_first: Vec<&&IdVariable> = variables.iter().collect();
            longest_first.sort_by_key(|v| std::cmp::Reverse(v.value.len()));
            for variable in longest_first {
                let positions: Vec<usize> = token_positions(&text, &variable.value).collect();
                for at in positions.into_iter().rev() {
                    text.replace_range(
                        at..at + variable.value.len(),
                        &format!("{MARK}{}{MARK}", variable.name),
                    );
                }
            }
            Value::String(text)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| mark_ids(v, variables)).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), mark_ids(v, variables)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// How the script acts as each principal.
fn principal_setup(report: &RunReport, principals: &[Principal], out: &mut String) {
    let accounts = &report.config.accounts;
    let endpoint_flag = r#"--endpoint-url "$ENDPOINT""#;
    match (&report.target.accounts, report.target.kind) {
        (_, TargetKind::Moto) => {
            push_lines(
                out,
                &[
                    "# moto takes the caller's account from its credentials: assume a role in each principal's account.",
                    "credentials_for() {",
                ],
            );
            let _ = writeln!(
                out,
                "  \"$AWS\" {endpoint_flag} sts assume-role --role-arn \"arn:aws:iam::$1:role/dxconform\" \\"
            );
            push_lines(
                out,
                &[
                    "    --role-session-name dxconform --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text",
                    "}",
                ],
            );
            for p in principals {
                let upper = p.name().to_uppercase();
                let _ = writeln!(
                    out,
                    "read -r {upper}_KEY {upper}_SECRET {upper}_TOKEN <<<\"$(credentials_for {})\"",
                    accounts.of(*p)
                );
                let _ = writeln!(
                    out,
                    "[ -n \"${upper}_KEY\" ] || echo \"warning: no credentials for account {} (is $ENDPOINT a moto server?)\" >&2",
                    accounts.of(*p)
                );
                let credentials = format!("AWS_ACCESS_KEY_ID=\"${upper}_KEY\" AWS_SECRET_ACCESS_KEY=\"${upper}_SECRET\" AWS_SESSION_TOKEN=\"${upper}_TOKEN\" ");
                define_as(out, *p, &credentials, endpoint_flag);
            }
        }
        (AccountSelector::AccessKey, _) => {
            let _ = writeln!(
                out,
                "# The target takes the caller's account from the SigV4 access key id (it does not check the secret)."
            );
            for p in principals {
                let key = format!(
                    "AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY=dxconform ",
                    accounts.of(*p)
                );
                define_as(out, *p, &key, endpoint_flag);
            }
        }
        (AccountSelector::Header(header), _) => {
            let _ = writeln!(
                out,
                "# This target selects the caller's account with the request header {header}, which the aws CLI"
            );
            let _ = writeln!(
                out,
                "# cannot send: every step runs as the target's default account (the curl transcript sends the header)."
            );
            for p in principals {
                define_as(out, *p, "", endpoint_flag);
            }
        }
        (AccountSelector::Credentials, _) => {
            push_lines(
                out,
                &[
                    "# Real AWS: each principal uses its own profile (OWNER_PROFILE, PARTNER_PROFILE; default: the standard chain).",
                    "# WARNING: this creates real Direct Connect resources, which cost money; delete them afterwards.",
                ],
            );
            for p in principals {
                let upper = p.name().to_uppercase();
                let flags = format!("${{{upper}_PROFILE:+--profile \"${upper}_PROFILE\"}} ${{ENDPOINT:+--endpoint-url \"$ENDPOINT\"}}");
                define_as(out, *p, "", &flags);
            }
        }
    }
}

/// The script's `as_owner`/`as_partner` function: the aws CLI as principal `p`, with
/// `environment` (variable assignments, each followed by a space) and `flags` before
/// the call's own arguments, answering JSON.
fn define_as(out: &mut String, p: Principal, environment: &str, flags: &str) {
    let _ = writeln!(
        out,
        "as_{}() {{ {environment}\"$AWS\" {flags} --output json \"$@\"; }}",
        p.name()
    );
}

/// Operations the aws CLI `.ci/run` pins (aws-cli 1.46.3, botocore 1.43.62) does not
/// know (`aws directconnect help` lists none of them; newer releases add them): their
/// steps are sent with curl, so a script runs with that CLI too.
const NEWER_THAN_THE_PINNED_CLI: &[&str] = &[
    "AssociateConnectionsToResiliencyGroup",
    "CreateResiliencyGroup",
    "DeleteResiliencyGroup",
    "DisassociateConnectionsFromResiliencyGroup",
    "GetResiliencyGroup",
    "ListResiliencyGroupAssociations",
    "ListResiliencyGroups",
    "ListVirtualInterfaceRoutes",
    "UpdateConnectionsBillingMode",
    "UpdateResiliencyGroup",
];

/// Whether the aws CLI sends `s`'s request as dxconform sent it. It cannot send broken
/// framing (a wire malformation), and its serializer walks the input shape: a member
/// of the wrong JSON type (a string where a list belongs) stops it before sending
/// (`'str' object has no attribute 'items'`), a member the shape does not declare is
/// dropped; an operation the CLI does not know it cannot send at all. Such steps are
/// sent with curl.
pub fn cli_sends_as_is(s: &StepRecord) -> bool {
    if wire_malformation(s).is_some() || NEWER_THAN_THE_PINNED_CLI.contains(&s.operation.as_str()) {
        return false;
    }
    let spec = Spec::builtin();
    let Some(input) = spec
        .operation(&s.operation)
        .and_then(|o| o.input.as_deref())
    else {
        return true;
    };
    !spec
        .validate(input, &s.request)
        .iter()
        .any(|v| matches!(v.kind, ViolationKind::Type | ViolationKind::UnknownMember))
}

/// The aws CLI script that reproduces `repro` (every bucket it stands for).
pub fn aws_cli_script(report: &RunReport, repro: &Repro) -> String {
    let mut out = String::new();
    let buckets = repro_buckets(report, repro);
    let variables = id_variables(&repro.steps);
    let emulator = report.target.kind != TargetKind::Aws;
    let sent: Vec<&StepRecord> = repro.steps.iter().filter(|s| !s.skipped).collect();
    let _ = writeln!(out, "#!/usr/bin/env bash");
    let _ = writeln!(
        out,
        "# dxconform reproduction with the aws CLI: one call per step of a minimal sequence ({}).",
        steps_sent(repro)
    );
    let flaky = if repro.reproduced {
        ""
    } else {
        " FLAKY: the re-run did not show it again."
    };
    let _ = writeln!(
        out,
        "# Found on {}.{flaky} It shows:",
        found_on(report, repro)
    );
    for b in &buckets {
        let _ = writeln!(out, "#   {}", bucket_title(b));
        let _ = writeln!(out, "#     expected: {}", one_line(&b.expected));
        let _ = writeln!(out, "#     actual:   {}", one_line(&b.actual));
    }
    if let Some(file) = &repro.replay_file {
        let _ = writeln!(
            out,
            "# Also: `{}`; the exact wire requests and answers: {}",
            replay_command(report, file),
            sibling_file(file, CURL_EXTENSION)
        );
    }
    let _ = writeln!(out, "#");
    let (endpoint, start) = default_endpoint(report);
    match &start {
        Some(start) => {
            let _ = writeln!(out, "# Usage: start the target (`{start}`), then");
            let _ = writeln!(
                out,
                "#   ENDPOINT={} bash THIS_SCRIPT",
                endpoint.as_deref().unwrap_or("URL")
            );
        }
        None => {
            let _ = writeln!(out, "# Usage: ENDPOINT=URL bash THIS_SCRIPT");
        }
    }
    push_lines(
        &mut out,
        &[
            "# Each step prints the target's answer; the comment above it says what dxconform saw. The aws CLI",
            "# parses answers before printing them: raw-byte deviations (content type, JSON types) show in the curl transcript.",
        ],
    );
    if sent
        .iter()
        .any(|s| s.request.to_string().contains(REDACTED))
    {
        let _ = writeln!(
            out,
            "# Secrets are redacted: replace {REDACTED} with a value of your own."
        );
    }
    let _ = writeln!(out, "set -u\n");
    match &endpoint {
        Some(e) => {
            let _ = writeln!(out, "ENDPOINT=\"${{ENDPOINT:-{e}}}\"");
        }
        None => {
            let _ = writeln!(out, "ENDPOINT=\"${{ENDPOINT:-}}\"");
        }
    }
    push_lines(
        &mut out,
        &["ENDPOINT=\"${ENDPOINT%/}\"", "AWS=\"${AWS:-aws}\""],
    );
    let _ = writeln!(
        out,
        "export AWS_DEFAULT_REGION=\"${{AWS_DEFAULT_REGION:-{}}}\"",
        report.target.region
    );
    let _ = writeln!(out, "export AWS_PAGER=\"\"");
    if emulator {
        push_lines(
            &mut out,
            &[
                "# One request per step, sent as dxconform sent it: no retries, no client-side validation.",
                "AWS_CONFIG_FILE=\"$(mktemp)\"",
                "export AWS_CONFIG_FILE",
                "trap 'rm -f \"$AWS_CONFIG_FILE\"' EXIT",
                "printf '[default]\\nmax_attempts = 1\\nretry_mode = legacy\\nparameter_validation = false\\n' >\"$AWS_CONFIG_FILE\"",
                "unset AWS_PROFILE AWS_SESSION_TOKEN",
                "export AWS_ACCESS_KEY_ID=\"${AWS_ACCESS_KEY_ID:-testing}\" AWS_SECRET_ACCESS_KEY=\"${AWS_SECRET_ACCESS_KEY:-testing}\"",
            ],
        );
    }
    if let Some(path) = reset_path(report) {
        push_lines(
            &mut out,
            &[
                "\n# Start from an empty target, as every dxconform case does (RESET=0 skips this).",
                "if [ \"${RESET:-1}\" = 1 ]; then",
            ],
        );
        let _ = writeln!(
            out,
            "  curl -fsS -X POST \"$ENDPOINT{path}\" >/dev/null || echo \"warning: could not reset the target\" >&2"
        );
        let _ = writeln!(out, "fi");
    }
    let mut principals: Vec<Principal> = sent.iter().map(|s| s.principal).collect();
    principals.sort();
    principals.dedup();
    if principals.is_empty() {
        principals.push(Principal::Owner);
    }
    let _ = writeln!(out);
    principal_setup(report, &principals, &mut out);
    push_lines(
        &mut out,
        &[
            "\n# step LABEL COMMAND…: one call of the sequence; prints the HTTP status (read from the aws CLI's --debug",
            "# log: the CLI parses answers and would hide an error answered with HTTP 200) and the target's answer, or",
            "# the CLI's error. A step sent with curl prints curl -i's answer.",
            "step() {",
            "  printf '\\n--- %s\\n' \"$1\"; shift",
            "  if [ \"$1\" = curl ]; then ANSWER=$(\"$@\" 2>&1) || echo \"(curl exited $?)\"; printf '%s\\n' \"$ANSWER\"; return; fi",
            "  local log status=0; log=$(mktemp)",
            "  ANSWER=$(\"$@\" --debug 2>\"$log\") || status=$?",
            "  printf '(HTTP %s)\\n' \"$(sed -n 's/.*\"POST [^\"]*\" \\([0-9][0-9]*\\) .*/\\1/p' \"$log\" | tail -n 1)\"",
            "  if [ \"$status\" != 0 ]; then echo \"(rejected: the aws CLI exited $status)\"; ANSWER=$(grep -v '^[0-9]\\{4\\}-[0-9][0-9]-[0-9][0-9] ' \"$log\" | grep -v '^[[:space:]]*$' | tail -n 3); fi",
            "  rm -f \"$log\"",
            "  printf '%s\\n' \"${ANSWER:-(accepted: an empty answer)}\"",
            "}",
        ],
    );
    let _ = writeln!(out, "{ID_OF_COMMENT}");
    let _ = writeln!(
        out,
        "id_of() {{ printf '%s\\n' \"$ANSWER\" | sed -n 's/^ *\"'\"$1\"'\": \"\\([^\"]*\\)\".*/\\1/p' | awk '!seen[$0]++' | sed -n \"${{2:-1}}p\"; }}"
    );
    for s in &repro.steps {
        let _ = writeln!(out);
        if s.skipped {
            write_skipped(&mut out, s);
            continue;
        }
        let saw = if s.status == 0 {
            format!("no HTTP answer ({})", one_line(&s.response))
        } else {
            match &s.error_type {
                Some(t) => format!("HTTP {} {t}", s.status),
                None => format!("HTTP {} {}", s.status, s.outcome),
            }
        };
        let _ = writeln!(
            out,
            "# #{} {} {}; dxconform saw {saw}",
            s.index, s.principal, s.operation
        );
        for f in step_findings(repro, s.index) {
            let mark = if buckets.iter().any(|b| finding_in_bucket(f, b)) {
                "   <- reproduced here"
            } else {
                ""
            };
            let (check, path) = (&f.check, &f.path);
            let (expected, actual) = (one_line(&f.expected), one_line(&f.actual));
            let _ = writeln!(
                out,
                "#    finding {check} at {path}: expected {expected}, got {actual}{mark}"
            );
        }
        let label = format!("#{} {} {}", s.index, s.principal, s.operation);
        let defined = defined_before(&variables, s.index);
        if !cli_sends_as_is(s) {
            // The aws CLI always frames requests correctly and serializes bodies by the
            // model: curl sends the broken framing (target header, content type, body,
            // signature) or the ill-typed body dxconform sent;
            // `-i` prints the status line, which is what such a step is about (an empty
            // 4xx body alone would read as an accepted call).
            let _ = writeln!(
                out,
                "step {} curl -sS -i -X POST \"$ENDPOINT\" {}",
                shell_quote(&label),
                curl_arguments(report, s, &defined).join(" ")
            );
        } else {
            let _ = writeln!(
                out,
                "step {} as_{} directconnect {} --cli-input-json {}",
                shell_quote(&label),
                s.principal.name(),
                cli_command(&s.operation),
                shell_json(&s.request, &defined)
            );
        }
        write_id_assignments(&mut out, &variables, s.index);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;
    use rstest::rstest;
    use serde_json::json;

    #[test]
    fn operation_names_become_cli_commands() {
        for (op, cmd) in [
            ("CreateConnection", "create-connection"),
            ("DescribeConnections", "describe-connections"),
            ("CreateBGPPeer", "create-bgp-peer"),
            ("AssociateMacSecKey", "associate-mac-sec-key"),
            ("DescribeLoa", "describe-loa"),
            ("TagResource", "tag-resource"),
        ] {
            assert_eq!(cli_command(op), cmd);
        }
    }

    #[test]
    fn generated_ids_become_variables_inside_quoted_json() {
        let report = sample_report();
        let repro = report.buckets[0].repro.as_ref().unwrap();
        let vars = id_variables(&repro.steps);
        assert_eq!(vars.len(), 1, "{vars:?}");
        assert_eq!(vars[0].name, "CONNECTION_1");
        assert_eq!(vars[0].member, "connectionId");
        assert_eq!(vars[0].occurrence, 1);
        let defined: Vec<&IdVariable> = vars.iter().collect();
        let word = shell_json(&json!({"connectionId": "dxcon-fg5abc12"}), &defined);
        assert_eq!(word, r#"'{"connectionId":"'"$CONNECTION_1"'"}'"#);
        let arn = shell_json(
            &json!({"resourceArn": "arn:aws:directconnect:us-east-1:1:dxcon/dxcon-fg5abc12"}),
            &defined,
        );
        assert_eq!(
            arn,
            r#"'{"resourceArn":"arn:aws:directconnect:us-east-1:1:dxcon/'"$CONNECTION_1"'"}'"#
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    /// A step record for the id tests.
    fn step(index: usize, operation: &str, request: Value, response: Value) -> StepRecord {
        serde_json::from_value(json!({
            "index": index, "step": {"op": "DescribeLocations", "by": "owner"}, "skipped": false,
            "operation": operation, "principal": "owner", "request": request, "status": 200,
            "outcome": "success", "error_type": null, "response": response.to_string(),
            "latency_us": 1
        }))
        .unwrap()
    }

    #[test]
    fn output_only_id_members_and_member_names_are_never_variables() {
        // awsLogicalDeviceId is an output-only `…Id`: its value "virtual" is no id a
        // caller sends back, and must not turn `"virtualInterfaceId"` into a variable.
        let steps = vec![
            step(
                0,
                "CreateConnection",
                json!({"location": "EqDC2"}),
                json!({"connectionId": "dxcon-aaaa1111", "awsLogicalDeviceId": "virtual"}),
            ),
            step(
                1,
                "DescribeVirtualInterfaces",
                json!({"connectionId": "dxcon-aaaa1111", "virtualInterfaceId": "dxvif-virtual"}),
                json!({"virtualInterfaces": []}),
            ),
        ];
        let vars = id_variables(&steps);
        let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["CONNECTION_1"]);
        let defined: Vec<&IdVariable> = vars.iter().collect();
        let word = shell_json(&steps[1].request, &defined);
        assert_eq!(
            word,
            r#"'{"connectionId":"'"$CONNECTION_1"'","virtualInterfaceId":"dxvif-virtual"}'"#
        );
    }

    #[test]
    fn nested_ids_are_captured_and_used_only_after_their_step() {
        let gateway = "5f4e3d2c-0000-4000-8000-00000000abcd";
        let steps = vec![
            step(
                0,
                "CreateDirectConnectGateway",
                json!({"directConnectGatewayName": "gw", "amazonSideAsn": 64512}),
                json!({"directConnectGateway": {"directConnectGatewayId": gateway, "directConnectGatewayState": "pending"}}),
            ),
            step(
                1,
                "DescribeDirectConnectGateways",
                json!({"directConnectGatewayId": gateway}),
                json!({"directConnectGateways": [{"directConnectGatewayId": gateway}]}),
            ),
        ];
        let vars = id_variables(&steps);
        assert_eq!(vars.len(), 1, "{vars:?}");
        assert_eq!(vars[0].name, "DIRECT_CONNECT_GATEWAY_1");
        assert_eq!(vars[0].step, 0, "defined by the create's nested member");
        // A value an earlier request already sent is the harness's own: never a variable.
        let harness_chosen = vec![
            step(
                0,
                "DescribeConnections",
                json!({"connectionId": "dxcon-ffffffff"}),
                json!({"connections": [{"connectionId": "dxcon-ffffffff"}]}),
            ),
            step(
                1,
                "DeleteConnection",
                json!({"connectionId": "dxcon-ffffffff"}),
                json!({"connectionId": "dxcon-ffffffff"}),
            ),
        ];
        assert!(id_variables(&harness_chosen).is_empty());
    }

    #[test]
    fn an_id_listed_after_others_is_taken_by_its_place_among_distinct_values() {
        let steps = vec![
            step(
                0,
                "CreateLag",
                json!({"lagName": "l", "numberOfConnections": 2}),
                json!({"lagId": "dxlag-aaaa1111", "connections": [
                    {"connectionId": "dxcon-first111", "lagId": "dxlag-aaaa1111"},
                    {"connectionId": "dxcon-second22", "lagId": "dxlag-aaaa1111"}
                ]}),
            ),
            step(
                1,
                "DeleteConnection",
                json!({"connectionId": "dxcon-second22"}),
                json!({}),
            ),
        ];
        let vars = id_variables(&steps);
        assert_eq!(vars.len(), 1, "{vars:?}");
        assert_eq!(
            (vars[0].member.as_str(), vars[0].occurrence),
            ("connectionId", 2)
        );
    }

    /// The `step` function of a script, run by bash on `command`'s output.
    fn run_step(command: &str) -> String {
        let report = sample_report();
        let script = aws_cli_script(&report, report.buckets[0].repro.as_ref().unwrap());
        let start = script.find("step() {").expect("the script defines step");
        let end = start + script[start..].find("\n}\n").expect("step ends") + 3;
        let program = format!(
            "{}\n{command}\nstep '#0 x' fake_aws directconnect x\n",
            &script[start..end]
        );
        let output = std::process::Command::new("bash")
            .args(["-u", "-c", &program])
            .output()
            .expect("bash runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    #[test]
    fn each_step_prints_the_http_status_the_aws_cli_hides() {
        let log = r#"2026-01-01 00:00:00,000 - MainThread - urllib3.connectionpool - DEBUG - http://127.0.0.1:1 \"POST / HTTP/1.1\" 200 42"#;
        // An error document under HTTP 200: the CLI reports an error.
        let printed = run_step(&format!(
            "fake_aws() {{ echo \"{log}\" >&2; printf '\\nAn error occurred (DirectConnectClientException) when calling the X operation: no\\n' >&2; return 254; }}"
        ));
        assert_eq!(
            printed,
            "\n--- #0 x\n(HTTP 200)\n(rejected: the aws CLI exited 254)\nAn error occurred (DirectConnectClientException) when calling the X operation: no\n"
        );
        let printed = run_step(&format!(
            "fake_aws() {{ echo \"{log}\" >&2; printf '{{\\n  \"connectionId\": \"dxcon-1\"\\n}}\\n'; }}"
        ));
        assert_eq!(
            printed,
            "\n--- #0 x\n(HTTP 200)\n{\n  \"connectionId\": \"dxcon-1\"\n}\n"
        );
    }

    #[rstest]
    #[case::valid("DescribeConnections", json!({"connectionId": "dxcon-aaaa1111"}), true)]
    // `tags` must be a list: the aws CLI's serializer fails on a string.
    #[case::ill_typed(
        "CreateConnection",
        json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "c", "tags": "k=v"}),
        false
    )]
    #[case::undeclared(
        "DescribeConnections",
        json!({"connectionId": "dxcon-aaaa1111", "extra": 1}),
        false
    )]
    // Missing members and broken patterns the CLI sends as they are (no validation).
    #[case::incomplete("CreateConnection", json!({"location": "EqDC2"}), true)]
    // An operation newer than the pinned CLI.
    #[case::newer(
        "GetResiliencyGroup",
        json!({"resiliencyGroupId": "dxrg-aaaaaaaaaaaaaaaaa"}),
        false
    )]
    fn the_cli_sends_well_typed_declared_members_of_operations_it_knows(
        #[case] operation: &str,
        #[case] request: Value,
        #[case] as_is: bool,
    ) {
        let sent = step(0, operation, request, json!({}));
        assert_eq!(cli_sends_as_is(&sent), as_is);
    }

    #[test]
    fn ill_typed_members_are_sent_with_curl() {
        let mut report = sample_report();
        let repro = report.buckets[0].repro.as_mut().unwrap();
        repro.steps[0].request = json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "c", "tags": "k=v"});
        let repro = report.buckets[0].repro.as_ref().unwrap();
        let script = aws_cli_script(&report, repro);
        assert!(
            script.contains(r#"curl -sS -i -X POST "$ENDPOINT" -H 'content-type: application/x-amz-json-1.1' -H 'x-amz-target: OvertureService.CreateConnection'"#),
            "{script}"
        );
        assert!(script.contains(r#""tags":"k=v""#), "{script}");
        assert!(
            !script.contains("directconnect create-connection"),
            "{script}"
        );
    }

    #[test]
    fn the_script_acts_as_each_principal_and_marks_the_reproduced_finding() {
        let report = sample_report();
        let repro = report.buckets[0].repro.as_ref().unwrap();
        let script = aws_cli_script(&report, repro);
        assert!(script.starts_with("#!/usr/bin/env bash\n"));
        assert!(script.lines().any(|line| line
            .contains("directconnect create-connection --cli-input-json '{")
            && line.contains("\"location\":\"EqDC2\"")));
        assert!(script.contains("CONNECTION_1=$(id_of connectionId 1)"));
        assert!(script.contains("directconnect describe-connections --cli-input-json '{\"connectionId\":\"'\"$CONNECTION_1\"'\"}'"));
        assert!(script.contains("credentials_for 111111111111"));
        assert!(script.contains("credentials_for 222222222222"));
        assert!(script.contains("as_partner directconnect describe-connections"));
        assert!(script.contains("<- reproduced here"));
        assert!(script.contains("/moto-api/reset"));
        assert!(
            script.contains("it'\\''s <ops>"),
            "quotes inside values survive"
        );
    }
}
