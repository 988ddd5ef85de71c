//! The HTML report in a real browser: Debian's headless Chromium (installed by
//! `.ci/run`; `DXCONFORM_CHROMIUM` names another binary) renders the embedded
//! target's report from a `file://` URL with networking off. The page must load
//! without console errors, contain the chart and the coverage table, and yield a
//! screenshot (left in `target/tmp/report_html/report.png` for a look).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dxconform::run::{run, RunConfig};

fn chromium() -> PathBuf {
    let candidates: Vec<PathBuf> = std::env::var_os("DXCONFORM_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from))
        .collect();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "headless Chromium not found (tried {candidates:?}): run `bash .ci/run` or `apt-get install -y chromium`"
            )
        })
}

/// Run Chromium headless on `page` with a fresh profile and no network features.
fn headless(page: &Path, profile: &Path, extra: &[String]) -> Output {
    let url = format!("file://{}", page.display());
    Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium starts")
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG file");
    let word =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (word(16), word(20))
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_html");
    let _ = std::fs::remove_dir_all(&out);
    let mut report = run(&RunConfig {
        cases: 24,
        seed: 2026,
        out: out.clone(),
        ..RunConfig::default()
    })
    .expect("the embedded run completes");
    let written = dxconform::report::write_all(&mut report, &out).unwrap();
    let page = std::fs::canonicalize(&written.html).unwrap();
    let profile = tempfile::tempdir().unwrap();

    // The DOM as the browser built it: the chart and the table are there.
    let dom = headless(
        &page,
        profile.path(),
        &[
            "--dump-dom".to_owned(),
            "--enable-logging=stderr".to_owned(),
            "--v=0".to_owned(),
        ],
    );
    let stderr = String::from_utf8_lossy(&dom.stderr);
    assert!(dom.status.success(), "chromium --dump-dom failed: {stderr}");
    let html = String::from_utf8_lossy(&dom.stdout);
    assert!(
        html.contains("<svg class=\"chart\" id=\"resource-chart\""),
        "no chart in the DOM"
    );
    assert!(
        html.contains("<rect class=\"bar pass\""),
        "the chart has no bars"
    );
    assert!(
        html.contains("<table id=\"coverage\">"),
        "no coverage table in the DOM"
    );
    assert!(
        html.contains("CreateConnection"),
        "the table lists no operation"
    );
    // Loads without errors: no script error and nothing it tried to fetch.
    for line in stderr.lines() {
        let lower = line.to_lowercase();
        assert!(
            !(lower.contains("uncaught")
                || (lower.contains("console") && lower.contains("error"))
                || lower.contains("failed to load resource")
                || lower.contains("err_file_not_found")),
            "console error while loading the report: {line}"
        );
    }

    // A screenshot of the first 2000 pixels, next to the report.
    let png = out.join("report.png");
    let shot = headless(
        &page,
        profile.path(),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".to_owned(),
            "--hide-scrollbars".to_owned(),
        ],
    );
    assert!(
        shot.status.success(),
        "chromium --screenshot failed: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).expect("the screenshot exists");
    assert_eq!(png_size(&bytes), (1280, 2000));
    // A blank page compresses to a few kilobytes; the rendered report does not.
    assert!(
        bytes.len() > 40_000,
        "the screenshot looks empty ({} bytes)",
        bytes.len()
    );
}
