//! The CI recipe for emulator repositories (docs/ci-recipe.md): its GitHub Actions
//! workflow is valid YAML with the jobs and steps the recipe describes, and every
//! `dxconform` command line in it parses with dxconform's own argument parser, so
//! the recipe cannot name a flag or a value dxconform does not accept.

use clap::Parser;
use serde_yaml::Value;

const WORKFLOW: &str = include_str!("../docs/examples/dxconform-emulator.yml");

fn workflow() -> Value {
    serde_yaml::from_str(WORKFLOW).expect("the workflow is YAML")
}

/// The `run:` scripts of a job's steps.
fn scripts(job: &Value) -> Vec<String> {
    job["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|step| step["run"].as_str().map(str::to_owned))
        .collect()
}

/// `text` with `${{ matrix.share }}` and `$NAME`/`${NAME}` of the workflow's `env`
/// replaced by the values a job would see (share 1).
fn expand(text: &str, env: &Value) -> String {
    let text = text.replace("${{ matrix.share }}", "1");
    assert!(
        !text.contains("${{"),
        "an expression the test does not expand: {text}"
    );
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, tail) = match after.strip_prefix('{') {
            Some(braced) => {
                let end = braced.find('}').expect("closing brace");
                (&braced[..end], &braced[end + 1..])
            }
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        let value = env[name]
            .as_str()
            .unwrap_or_else(|| panic!("${name} is not in the workflow's env"));
        out.push_str(value);
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The words of a shell command line up to its first unquoted operator (`|`, `;`,
/// `&`, `>`, `<`), with quotes removed (variables are expanded per word after).
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, '|' | ';' | '&' | '>' | '<') => break,
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "unclosed quote in {line}");
    words.extend(word);
    words
}

/// Every `dxconform …` command line of `job`, as argument vectors.
fn dxconform_commands(job: &Value, env: &Value) -> Vec<Vec<String>> {
    scripts(job)
        .iter()
        .flat_map(|script| {
            let joined = script.replace("\\\n", " ");
            joined
                .lines()
                .map(str::trim)
                .filter(|line| line.starts_with("dxconform "))
                .map(|line| {
                    words(&line.replace("${{ matrix.share }}", "1"))
                        .iter()
                        .map(|w| expand(w, env))
                        .collect()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_workflow_runs_dxconform_with_flags_it_has() {
    let workflow = workflow();
    let env = &workflow["env"];
    let jobs = workflow["jobs"].as_mapping().expect("jobs");
    let mut commands = Vec::new();
    for (name, job) in jobs {
        for args in dxconform_commands(job, env) {
            if let Err(e) = dxconform::cli::Cli::try_parse_from(&args) {
                panic!("job {name:?}: {args:?} does not parse:\n{e}");
            }
            commands.push(args.join(" "));
        }
    }
    let has = |needle: &str| commands.iter().any(|c| c.contains(needle));
    assert!(
        has("dxconform run") && has("--baseline .dxconform/baseline.json"),
        "{commands:#?}"
    );
    assert!(has("--fail-fast"), "{commands:#?}");
    assert!(has("--partition 1/4"), "{commands:#?}");
    assert!(
        has("dxconform merge shares/share-*/report.json --baseline"),
        "{commands:#?}"
    );
    assert!(commands.len() >= 3, "{commands:#?}");
}

#[test]
fn the_workflow_starts_the_emulator_and_uploads_the_reports() {
    let workflow = workflow();
    for (name, job) in workflow["jobs"].as_mapping().expect("jobs") {
        let steps = job["steps"].as_sequence().expect("steps");
        let runs_dxconform = scripts(job)
            .iter()
            .any(|s| s.lines().any(|l| l.trim().starts_with("dxconform ")));
        if !runs_dxconform {
            continue;
        }
        assert!(
            scripts(job)
                .iter()
                .any(|s| s.contains("cargo install --locked")),
            "{name:?} does not install dxconform"
        );
        let uploads: Vec<&str> = steps
            .iter()
            .filter(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
            })
            .filter_map(|s| s["with"]["path"].as_str())
            .collect();
        assert!(!uploads.is_empty(), "{name:?} uploads nothing");
        let runs_a_target = dxconform_commands(job, &workflow["env"])
            .iter()
            .any(|args| args[1] == "run");
        if runs_a_target {
            assert!(
                scripts(job)
                    .iter()
                    .any(|s| s.contains("moto_server") && s.contains('&')),
                "{name:?} does not start the emulator"
            );
        }
    }
    // The reports people open are uploaded whether the run passed or not.
    for file in [
        "dxconform-out/report.html",
        "dxconform-out/junit.xml",
        "merged/report.html",
        "merged/junit.xml",
    ] {
        assert!(WORKFLOW.contains(file), "{file} is not uploaded");
    }
    assert_eq!(WORKFLOW.matches("if: always()").count(), 3);
}

#[test]
fn the_command_line_reader_splits_like_a_shell() {
    assert_eq!(
        words(r#"dxconform run --out "a b" --seed '7' || status=$?"#),
        ["dxconform", "run", "--out", "a b", "--seed", "7"]
    );
    let env: Value = serde_yaml::from_str("SEED: \"9\"").unwrap();
    assert_eq!(
        expand("--seed \"$SEED\" --partition ${{ matrix.share }}/4", &env),
        "--seed \"9\" --partition 1/4"
    );
    // A flag dxconform lacks is refused by the parser the test uses.
    assert!(dxconform::cli::Cli::try_parse_from(["dxconform", "run", "--no-such-flag"]).is_err());
}
