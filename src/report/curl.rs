//! The wire form of a reproduction: each request of the minimal plan as the curl
//! command that sends the same bytes with the awsJson headers, followed by the
//! answer the target gave (status, headers, body) as `# <` lines.
//!
//! The awsJson target prefix and content type come from the compiled-in
//! specification: they are protocol constants, not run output, and the run does
//! not record request headers.

use std::fmt::Write as _;

use super::awscli::{
    defined_before, id_variables, shell_json, shell_quote, write_id_assignments, write_skipped,
    IdVariable, ID_OF_COMMENT,
};
use super::reproduction::{
    bucket_title, found_on, one_line, push_lines, repro_buckets, reset_path,
};
use crate::model::{Malformed, MalformedStep, Step};
use crate::run::{Repro, RunReport, StepRecord, REDACTED};
use crate::spec::Spec;
use crate::vocab::{AccountSelector, Malformation, Signature};

/// The access key a signed request to an emulator carries where the key does not
/// select the account (the target checks no signature).
const DUMMY_ACCESS_KEY: &str = "testing";
/// The secret of every signed request a reproduction sends to an emulator.
const DUMMY_SECRET: &str = "dxconform";

/// Headers of an answer not worth showing (they change on every call and say nothing about conformance).
const NOISY_HEADERS: &[&str] = &["date", "server", "connection", "keep-alive"];

/// The curl transcript of `repro`.
pub fn curl_transcript(report: &RunReport, repro: &Repro) -> String {
    let spec = Spec::builtin();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# dxconform wire transcript: the exact requests and answers of a minimal sequence, as re-run"
    );
    let _ = writeln!(
        out,
        "# after shrinking on {}. It shows:",
        found_on(report, repro)
    );
    for b in repro_buckets(report, repro) {
        let _ = writeln!(
            out,
            "#   {}: expected {}, got {}",
            bucket_title(b),
            one_line(&b.expected),
            one_line(&b.actual)
        );
    }
    push_lines(
        &mut out,
        &[
            "# Run it as a script (`ENDPOINT=URL bash THIS_FILE`): each step prints the answer it gets now; the `# <` lines",
            "# below it are the bytes dxconform's run received. Ids the target generates are read from the answers into",
            "# variables (`CONNECTION_1`), so the sequence runs against a fresh target; the comments keep the run's values.",
            "# Signature headers (authorization, x-amz-date, x-amz-security-token) are omitted: dxconform signs every",
        ],
    );
    match &report.target.accounts {
        AccountSelector::AccessKey => {
            push_lines(
                &mut out,
                &[
                    "# request with SigV4. This target needs a signature and reads the caller's account from the access key id,",
                    "# so each command signs with curl's --aws-sigv4 (the target does not check the secret).",
                ],
            );
        }
        AccountSelector::Header(header) => {
            let _ = writeln!(
                out,
                "# request with SigV4. The {header} header selects the account; the target checks no signature but"
            );
            let _ = writeln!(
                out,
                "# routes by its credential scope, so each command signs with curl's --aws-sigv4 and a dummy key."
            );
        }
        AccountSelector::Credentials => {
            let _ = writeln!(
                out,
                "# request with SigV4. Real AWS needs a signature: add --aws-sigv4 'aws:amz:{}:{}' --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\"",
                report.target.region, spec.source.signing_name
            );
        }
    }
    if repro
        .steps
        .iter()
        .any(|s| s.request.to_string().contains(REDACTED) || s.response.contains(REDACTED))
    {
        let _ = writeln!(out, "# Secrets are redacted as {REDACTED}.");
    }
    push_lines(
        &mut out,
        &[
            "\n# The run's endpoint (an ephemeral port when dxconform started the target): set ENDPOINT to yours.",
            "set -u",
        ],
    );
    let _ = writeln!(
        out,
        "ENDPOINT=\"${{ENDPOINT:-{}}}\"",
        report.target.endpoint.replace(['"', '$', '`', '\\'], "")
    );
    let _ = writeln!(out, "ENDPOINT=\"${{ENDPOINT%/}}\"");
    if let Some(path) = reset_path(report) {
        let _ = writeln!(
            out,
            "# Start from an empty target, as every dxconform case does (RESET=0 skips this)."
        );
        let _ = writeln!(
            out,
            "if [ \"${{RESET:-1}}\" = 1 ]; then curl -fsS -X POST \"$ENDPOINT{path}\" >/dev/null || echo \"warning: could not reset the target\" >&2; fi"
        );
    }
    push_lines(
        &mut out,
        &[
            "# step LABEL COMMAND…: one request of the sequence; prints the answer (status line, headers, body).",
            "step() { printf '\\n--- %s\\n' \"$1\"; shift; ANSWER=$(\"$@\" 2>&1) || echo \"(curl exited $?)\"; printf '%s\\n' \"$ANSWER\"; }",
        ],
    );
    let _ = writeln!(out, "{ID_OF_COMMENT}");
    let _ = writeln!(
        out,
        "id_of() {{ printf '%s\\n' \"$ANSWER\" | grep -o '\"'\"$1\"'\" *: *\"[^\"]*\"' | sed 's/.*\"\\([^\"]*\\)\"$/\\1/' | awk '!seen[$0]++' | sed -n \"${{2:-1}}p\"; }}"
    );
    let variables = id_variables(&repro.steps);
    for s in &repro.steps {
        let _ = writeln!(out);
        if s.skipped {
            write_skipped(&mut out, s);
            continue;
        }
        let label = format!("#{} {} {}", s.index, s.principal, s.operation);
        let _ = writeln!(out, "# {label}");
        let _ = writeln!(
            out,
            "step {} curl -sS -i -X POST \"$ENDPOINT\" \\",
            shell_quote(&label)
        );
        let defined = defined_before(&variables, s.index);
        let args = curl_arguments(report, s, &defined);
        for (n, arg) in args.iter().enumerate() {
            let more = if n + 1 < args.len() { " \\" } else { "" };
            let _ = writeln!(out, "  {arg}{more}");
        }
        write_id_assignments(&mut out, &variables, s.index);
        if s.status == 0 {
            let _ = writeln!(out, "# < no HTTP answer: {}", one_line(&s.response));
            continue;
        }
        let _ = writeln!(out, "# < HTTP {}", s.status);
        for (name, value) in &s.response_headers {
            if !NOISY_HEADERS.contains(&name.as_str()) {
                let _ = writeln!(out, "# < {name}: {}", one_line(value));
            }
        }
        let _ = writeln!(out, "# <");
        for line in s.response.lines() {
            let _ = writeln!(out, "# < {line}");
        }
    }
    out
}

/// The wire malformation a step was sent with, if any.
pub(super) fn wire_malformation(s: &StepRecord) -> Option<Malformation> {
    match &s.step {
        Step::Malformed(MalformedStep {
            malformed: Malformed::Wire(m),
            ..
        }) => Some(*m),
        _ => None,
    }
}

/// The protocol headers a step sent (the content type, and the operation's target
/// unless the malformation leaves it out) and how it was signed, each as the step's
/// malformation (if any) broke it: the one account of them every reproduction form uses.
pub(super) fn protocol_headers(s: &StepRecord) -> (Vec<(&'static str, String)>, Signature) {
    let spec = Spec::builtin();
    let malformation = wire_malformation(s);
    let protocol = spec.content_type();
    let content_type =
        malformation.map_or(protocol.clone(), |m| m.content_type(&protocol).to_owned());
    let mut headers = vec![("content-type", content_type)];
    let target = match malformation {
        Some(m) => m.target_header(&spec.source.target_prefix, &s.operation),
        None => Some(spec.target_header(&s.operation)),
    };
    if let Some(target) = target {
        headers.push(("x-amz-target", target));
    }
    let signature = malformation.map_or(Signature::SigV4, Malformation::signature);
    (headers, signature)
}

/// curl's arguments (shell words) after `curl -X POST "$ENDPOINT"` that send the
/// very bytes and headers a step sent: the awsJson headers, the account, the body,
/// each as the step's malformation (if any) broke it. Signature headers are left out.
pub(super) fn curl_arguments(
    report: &RunReport,
    s: &StepRecord,
    variables: &[&IdVariable],
) -> Vec<String> {
    let spec = Spec::builtin();
    let malformation = wire_malformation(s);
    let (headers, signature) = protocol_headers(s);
    let mut args: Vec<String> = headers
        .iter()
        .map(|(name, value)| format!("-H {}", shell_quote(&format!("{name}: {value}"))))
        .collect();
    let account = report.config.accounts.of(s.principal);
    let sigv4 = |key: &str| {
        format!(
            "--aws-sigv4 {} --user {}",
            shell_quote(&format!(
                "aws:amz:{}:{}",
                report.target.region, spec.source.signing_name
            )),
            shell_quote(&format!("{key}:{DUMMY_SECRET}"))
        )
    };
    match &report.target.accounts {
        AccountSelector::Header(header) => {
            args.push(format!(
                "-H {}",
                shell_quote(&format!("{}: {account}", header.to_ascii_lowercase()))
            ));
            // The header selects the account, but such targets (moto) still route by the
            // signature's credential scope: unsigned, moto answers HTTP 500.
            if signature == Signature::SigV4 {
                args.push(sigv4(DUMMY_ACCESS_KEY));
            }
        }
        AccountSelector::AccessKey if signature == Signature::SigV4 => {
            args.push(sigv4(account));
        }
        AccountSelector::AccessKey | AccountSelector::Credentials => {}
    }
    if let Signature::Garbage(authorization) = signature {
        args.push(format!(
            "-H {}",
            shell_quote(&format!("authorization: {authorization}"))
        ));
    }
    let body = match malformation {
        Some(m @ (Malformation::InvalidJson | Malformation::StringBody)) => {
            shell_quote(&String::from_utf8_lossy(&m.bytes_of_recorded(&s.request)))
        }
        _ => shell_json(&s.request, variables),
    };
    args.push(format!("--data-raw {body}"));
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn each_step_is_a_curl_command_with_the_awsjson_headers_and_its_answer() {
        let report = sample_report();
        let repro = report.buckets[0].repro.as_ref().unwrap();
        let text = curl_transcript(&report, repro);
        assert_eq!(text.matches("curl -sS -i -X POST").count(), 3);
        assert!(text.contains("-H 'content-type: application/x-amz-json-1.1'"));
        assert!(text.contains("-H 'x-amz-target: OvertureService.CreateConnection'"));
        assert!(text.contains("-H 'x-moto-account-id: 222222222222'"));
        assert!(text.contains("# < content-type: text/html; charset=utf-8"));
        assert!(text.contains("# < HTTP 400"));
        assert!(text.contains("Signature headers"));
        assert!(!text.to_lowercase().contains("authorization:"));
        // moto routes by the signature's scope: unsigned requests get HTTP 500.
        assert_eq!(
            text.matches(
                "--aws-sigv4 'aws:amz:us-east-1:directconnect' --user 'testing:dxconform'"
            )
            .count(),
            3,
            "{text}"
        );
    }

    #[test]
    fn the_transcript_runs_with_the_ids_of_the_target_it_runs_against() {
        let report = sample_report();
        let repro = report.buckets[0].repro.as_ref().unwrap();
        let text = curl_transcript(&report, repro);
        assert!(text.contains("set -u\n"), "{text}");
        assert!(text.contains("step '#0 owner CreateConnection' curl -sS -i -X POST"));
        assert!(
            text.contains("CONNECTION_1=$(id_of connectionId 1)"),
            "{text}"
        );
        assert!(
            text.contains(r#"--data-raw '{"connectionId":"'"$CONNECTION_1"'"}'"#),
            "the later step uses the variable, not the run's id: {text}"
        );
        // The run's id stays only in comments (what the run got and received).
        let code: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(
            code.iter()
                .all(|l| !l.contains("dxcon-fg5abc12") || l.contains("# dxconform's run got")),
            "{text}"
        );
        assert!(text.contains("/moto-api/reset"));
    }

    #[test]
    fn id_of_reads_compact_json_answers_with_headers() {
        // The id_of the transcript defines, run by bash on an answer as `curl -i` prints it.
        let text = curl_transcript(
            &sample_report(),
            sample_report().buckets[0].repro.as_ref().unwrap(),
        );
        let id_of = text
            .lines()
            .find(|l| l.starts_with("id_of() "))
            .expect("the transcript defines id_of");
        let script = format!(
            "{id_of}\nANSWER=$'HTTP/1.1 200 OK\\r\\ncontent-type: x\\r\\n\\r\\n{{\"lagId\":\"dxlag-1\",\"connections\":[{{\"connectionId\":\"dxcon-a\"}},{{\"connectionId\": \"dxcon-b\"}},{{\"connectionId\":\"dxcon-a\"}}]}}'\nid_of connectionId 2\nid_of lagId 1\n"
        );
        let output = std::process::Command::new("bash")
            .args(["-u", "-c", &script])
            .output()
            .expect("bash runs");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "dxcon-b\ndxlag-1\n"
        );
    }

    #[test]
    fn a_malformed_step_is_sent_as_it_was_broken() {
        use crate::report::test_support::with_malformed_first_step;
        let report = with_malformed_first_step("unknown-operation");
        let repro = report.buckets[0].repro.as_ref().unwrap();
        let text = curl_transcript(&report, repro);
        assert!(
            text.contains("-H 'x-amz-target: OvertureService.CreateConnectionNonexistent'"),
            "{text}"
        );
        let script = crate::report::aws_cli_script(&report, repro);
        assert!(
            script.contains("curl -sS -i -X POST \"$ENDPOINT\" -H 'content-type: application/x-amz-json-1.1' -H 'x-amz-target: OvertureService.CreateConnectionNonexistent'"),
            "{script}"
        );
        assert!(
            !script.contains("directconnect create-connection"),
            "{script}"
        );

        let report = with_malformed_first_step("missing-target");
        let repro = report.buckets[0].repro.as_ref().unwrap();
        let text = curl_transcript(&report, repro);
        assert_eq!(
            text.matches("x-amz-target:").count(),
            2,
            "only the two valid steps: {text}"
        );

        let report = with_malformed_first_step("invalid-json");
        let repro = report.buckets[0].repro.as_ref().unwrap();
        let text = curl_transcript(&report, repro);
        assert!(text.contains(r#"--data-raw '{"connectionId": '"#), "{text}");
    }
}
