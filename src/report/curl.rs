//! The wire form of a reproduction: each request of the minimal plan as the curl
//! command that sends the same bytes with the awsJson headers, followed by the
//! answer the target gave (status, headers, body) as `# <` lines.
//!
//! The awsJson target prefix and content type come from the compiled-in
//! specification: they are protocol constants, not run output, and the run does
//! not record request headers.

use std::fmt::Write as _;

use super::awscli::shell_quote;
use super::reproduction::{one_line, repro_buckets, target_name};
use crate::run::{Repro, RunReport, REDACTED};
use crate::spec::Spec;
use crate::vocab::AccountSelector;

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
        "# after shrinking on {} (seed {}, round {}). It shows:",
        target_name(report),
        repro.seed,
        repro.round
    );
    for b in repro_buckets(report, repro) {
        let _ = writeln!(
            out,
            "#   {} on {} at {} (HTTP {}): expected {}, got {}",
            b.check,
            b.operation,
            b.path,
            b.status,
            one_line(&b.expected),
            one_line(&b.actual)
        );
    }
    let _ = writeln!(
        out,
        "# Ids are those the target generated in that run; the .sh script beside this file uses variables instead."
    );
    let _ = writeln!(
        out,
        "# Signature headers (authorization, x-amz-date, x-amz-security-token) are omitted: dxconform signs every"
    );
    match &report.target.accounts {
        AccountSelector::AccessKey => {
            let _ = writeln!(
                out,
                "# request with SigV4. This target needs a signature and reads the caller's account from the access key id,"
            );
            let _ = writeln!(
                out,
                "# so each command signs with curl's --aws-sigv4 (the target does not check the secret)."
            );
        }
        AccountSelector::Header(header) => {
            let _ = writeln!(
                out,
                "# request with SigV4. This target does not check signatures; the {header} header selects the account."
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
    let _ = writeln!(
        out,
        "\n# The run's endpoint (an ephemeral port when dxconform started the target): set ENDPOINT to yours."
    );
    let _ = writeln!(
        out,
        "ENDPOINT=\"${{ENDPOINT:-{}}}\"",
        report.target.endpoint.replace(['"', '$', '`', '\\'], "")
    );
    for s in &repro.steps {
        let _ = writeln!(out);
        if s.skipped {
            let _ = writeln!(
                out,
                "# #{} {} {}: skipped (its resource did not exist in this case)",
                s.index, s.principal, s.operation
            );
            continue;
        }
        let _ = writeln!(out, "# #{} {} {}", s.index, s.principal, s.operation);
        let _ = writeln!(out, "curl -sS -i -X POST \"$ENDPOINT\" \\");
        let _ = writeln!(
            out,
            "  -H {} \\",
            shell_quote(&format!("content-type: {}", spec.content_type()))
        );
        let _ = writeln!(
            out,
            "  -H {} \\",
            shell_quote(&format!(
                "x-amz-target: {}.{}",
                spec.source.target_prefix, s.operation
            ))
        );
        let account = report.config.accounts.of(s.principal);
        match &report.target.accounts {
            AccountSelector::Header(header) => {
                let _ = writeln!(
                    out,
                    "  -H {} \\",
                    shell_quote(&format!("{}: {account}", header.to_ascii_lowercase()))
                );
            }
            AccountSelector::AccessKey => {
                let _ = writeln!(
                    out,
                    "  --aws-sigv4 {} --user {} \\",
                    shell_quote(&format!(
                        "aws:amz:{}:{}",
                        report.target.region, spec.source.signing_name
                    )),
                    shell_quote(&format!("{account}:dxconform"))
                );
            }
            AccountSelector::Credentials => {}
        }
        let _ = writeln!(out, "  --data-raw {}", shell_quote(&s.request.to_string()));
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
    }
}
