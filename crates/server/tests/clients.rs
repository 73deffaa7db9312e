//! Real client libraries, unmodified, against the real server.

mod common;

use std::path::PathBuf;

/// The Python with Mastodon.py installed: `NOTEBRIDGE_TEST_PYTHON`, else the workspace's
/// `.venv` that `scripts/test` makes.
fn python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("NOTEBRIDGE_TEST_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    venv.exists().then_some(venv)
}

#[tokio::test]
async fn mastodon_py_smoke() {
    let Some(python) = python() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no Python with Mastodon.py: scripts/test installs it"
        );
        eprintln!("SKIPPED: no .venv with Mastodon.py; run scripts/test to install it");
        return;
    };
    let app = common::spawn_app().await;
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/clients/mastodon_py_smoke.py");
    let out = tokio::process::Command::new(&python)
        .arg(&script)
        .arg(&app.base)
        .output()
        .await
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "Mastodon.py smoke test failed\n{stdout}\n{stderr}");
    assert!(stdout.contains("all checks passed"), "{stdout}");
}
