//! The opt-in guard for real AWS and `--dry-run`. Nothing here sends a request:
//! every refused run stops before the target is launched, and a dry run sends nothing.

use std::process::Command;

fn dxconform(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dxconform"))
        .args(args)
        .current_dir(dir)
        .env_remove("DXCONFORM_CONFIG")
        .env_remove("DXCONFORM_ENDPOINT")
        .env_remove("DXCONFORM_TARGET_KIND")
        .output()
        .expect("run dxconform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const AWS: &[&str] = &["run", "--target", "aws", "--cases", "8", "--seed", "3"];

#[test]
fn real_aws_needs_the_flag_and_an_allow_list() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = dxconform(dir.path(), AWS);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--allow-real-aws"), "{err}");

    let with_flag = [AWS, &["--allow-real-aws"]].concat();
    let (code, _, err) = dxconform(dir.path(), &with_flag);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("allow-list"), "{err}");

    let owner_only = [&with_flag[..], &["--allow-account", "111111111111"]].concat();
    let (code, _, err) = dxconform(dir.path(), &owner_only);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("partner account 222222222222"), "{err}");

    // A non-loopback endpoint is real too.
    let (code, _, err) = dxconform(
        dir.path(),
        &[
            "run",
            "--endpoint",
            "https://directconnect.example.invalid",
            "--allow-real-aws",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("allow-list"), "{err}");
}

#[test]
fn allow_list_from_flags_or_dxconform_toml_admits_a_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let both = [
        AWS,
        &[
            "--allow-real-aws",
            "--allow-account",
            "111111111111",
            "--allow-account",
            "222222222222",
            "--dry-run",
        ],
    ]
    .concat();
    let (code, out, err) = dxconform(dir.path(), &both);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("dry run: nothing is sent"), "{out}");
    assert!(out.contains("most resources alive at once"), "{out}");
    assert!(out.contains("CreateConnection"), "{out}");
    assert!(
        !dir.path().join("dxconform-out").exists(),
        "a dry run writes no report"
    );

    std::fs::write(
        dir.path().join("dxconform.toml"),
        "allowed_accounts = [\"111111111111\"]\n",
    )
    .unwrap();
    let one = [AWS, &["--allow-real-aws", "--one-account", "--dry-run"]].concat();
    let (code, out, err) = dxconform(dir.path(), &one);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("needs a second account"), "{out}");
    // Two accounts need the partner in the file too.
    let two = [AWS, &["--allow-real-aws", "--dry-run"]].concat();
    let (code, _, err) = dxconform(dir.path(), &two);
    assert_eq!(code, 2, "{err}");
}
