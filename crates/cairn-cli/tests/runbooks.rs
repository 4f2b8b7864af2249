//! The DR runbooks in docs/ops/ are commands an operator runs under stress, so
//! they are tested like code: `scripts/runbooks.sh` builds a scratch repository
//! per scenario (lost host, ransomware, lost passphrase, corrupted repository,
//! lapsed WORM, a dropped PostgreSQL database, a lost primary with a replica),
//! causes the disaster, runs each runbook's `sh runbook` blocks as written
//! with this build's `cairn`, and checks the outcome. A runbook that drifts from the CLI fails here. The
//! script runs every `cairn` with a clean environment, so nothing of the
//! caller's `CAIRN_*` settings leaks in. The database runbook needs Debian's
//! PostgreSQL binaries (scripts/test.sh installs them) and fails without them.

#![allow(clippy::expect_used)] // tests fail loudly by design

use std::process::Command;

#[test]
fn every_runbook_in_docs_ops_runs_and_recovers() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = Command::new("bash")
        .arg("scripts/runbooks.sh")
        .arg(env!("CARGO_BIN_EXE_cairn"))
        .current_dir(root)
        .output()
        .expect("run bash scripts/runbooks.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scripts/runbooks.sh failed ({})\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    for name in [
        "lost-host",
        "ransomware",
        "lost-passphrase",
        "corrupted-repository",
        "expired-worm",
        "restore-a-database",
        "restore-from-replica",
    ] {
        assert!(
            stdout.contains(&format!("runbook {name}: ok")),
            "runbook {name} did not report ok\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
    }
}
