//! The aws CLI reproductions work: the scripts written for moto's findings run
//! with the real aws CLI (installed from PyPI into `.venv` by `.ci/run`) against
//! a moto server this test starts on loopback, and show the deviation they
//! describe. Only loopback is contacted; credentials are dummies.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dxconform::run::{run, RunConfig};
use dxconform::target::{TargetConfig, TargetKind};

fn venv_tool(name: &str, variable: &str) -> PathBuf {
    let candidates: Vec<PathBuf> = std::env::var_os(variable)
        .map(PathBuf::from)
        .into_iter()
        .chain([Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".venv/bin")
            .join(name)])
        .collect();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!("{name} not found (tried {candidates:?}): run `bash .ci/run`, which installs it into .venv")
        })
}

/// A moto server on a free loopback port, killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(venv_tool("moto_server", "DXCONFORM_MOTO_SERVER"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = stream.write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
                let mut answer = String::new();
                let _ = stream.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200") {
                    return moto;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("moto_server did not answer on {}", moto.endpoint);
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run one script against `endpoint` with the venv's aws CLI; returns (success, stdout, stderr).
fn run_script(script: &Path, endpoint: &str, home: &Path) -> (bool, String, String) {
    let aws = venv_tool("aws", "DXCONFORM_AWS_CLI");
    let output = Command::new("bash")
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("ENDPOINT", endpoint)
        .env("AWS", &aws)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("bash runs the script");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The answer the script printed for step `index` (the text after its `--- #index` header).
fn answer_of(stdout: &str, index: usize) -> &str {
    let header = format!("--- #{index} ");
    let start = stdout
        .find(&header)
        .unwrap_or_else(|| panic!("no step #{index} in the output:\n{stdout}"));
    let rest = &stdout[start + header.len()..];
    rest.find("\n--- #").map_or(rest, |end| &rest[..end])
}

#[test]
fn aws_cli_scripts_of_moto_findings_reproduce_them_against_moto() {
    let out = tempfile::tempdir().unwrap();
    let mut report = run(&RunConfig {
        target: TargetConfig {
            kind: TargetKind::Moto,
            ..TargetConfig::default()
        },
        // Few cases suffice: moto answers every CreateConnection `available`.
        cases: 10,
        seed: 7,
        out: out.path().to_owned(),
        ..RunConfig::default()
    })
    .expect("the run against moto completes");
    dxconform::report::write_all(&mut report, out.path()).unwrap();

    // Documented: a new dedicated connection is `requested`; moto answers `available`.
    let bucket = report
        .buckets
        .iter()
        .find(|b| b.check == "model.state" && b.operation == "CreateConnection")
        .expect("moto shows model.state on CreateConnection");
    let repro = bucket.repro.as_ref().expect("the bucket was shrunk");
    let replay = repro
        .replay_file
        .as_deref()
        .expect("a replay file was written");
    let script = out
        .path()
        .join(dxconform::report::sibling_file(replay, "sh"));
    let finding = repro
        .findings
        .iter()
        .find(|f| f.key() == bucket.key())
        .expect("the re-run shows the finding");

    let moto = Moto::start();
    let home = tempfile::tempdir().unwrap();
    let (ok, stdout, stderr) = run_script(&script, &moto.endpoint, home.path());
    assert!(ok, "the script failed:\n{stdout}\n{stderr}");
    let answer = answer_of(&stdout, finding.step);
    assert!(
        answer.contains("\"connectionState\": \"available\""),
        "the aws CLI does not show the deviation (expected {}, dxconform saw {}):\n{answer}\n--- whole output:\n{stdout}\n{stderr}",
        bucket.expected,
        bucket.actual
    );
    assert!(!answer.contains("\"connectionState\": \"requested\""));

    // Every script of the run is valid bash; the first few also drive the aws CLI to the end
    // (each aws call starts a Python interpreter, so all of them would take minutes).
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(out.path().join("replays"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty());
    for script in &scripts {
        let syntax = Command::new("bash").arg("-n").arg(script).output().unwrap();
        assert!(
            syntax.status.success(),
            "{}: {}",
            script.display(),
            String::from_utf8_lossy(&syntax.stderr)
        );
    }
    for script in scripts.iter().take(8) {
        let (ok, stdout, stderr) = run_script(script, &moto.endpoint, home.path());
        assert!(ok, "{} failed:\n{stdout}\n{stderr}", script.display());
        for problem in [
            "command not found",
            "syntax error",
            "unbound variable",
            "Unknown options",
        ] {
            assert!(
                !stderr.contains(problem) && !stdout.contains(problem),
                "{}: {problem}:\n{stdout}\n{stderr}",
                script.display()
            );
        }
        assert!(
            stdout.contains("--- #0 "),
            "{}: no step ran:\n{stdout}",
            script.display()
        );
    }
}
