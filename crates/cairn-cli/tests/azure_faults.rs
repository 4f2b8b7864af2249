//! Azure Blob Storage faults, through the real `cairn` binary: Azurite
//! stopped in the middle of a backup, then started again on the same data;
//! the failed backup is one clear line, and the rerun completes, reusing
//! the packs that made it, and restores bit-exact.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use cairn_core::{Backend, ObjectKind};
use cairn_store::{AzureLocation, RemoteBackend};
use cairn_test_support::Azurite;
use common::*;

/// `cairn` with Azurite's account key (the test command sets it too).
fn azure_cmd(env: &Env) -> std::process::Command {
    let mut c = env.cmd();
    c.env("AZURE_STORAGE_KEY", cairn_test_support::AZURITE_KEY);
    c
}

fn packs(loc: &str) -> Vec<String> {
    std::env::set_var("AZURE_STORAGE_KEY", cairn_test_support::AZURITE_KEY);
    let b = RemoteBackend::azure(AzureLocation::parse(loc).unwrap()).unwrap();
    let mut names: Vec<String> = b
        .list(ObjectKind::Pack)
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    names.sort();
    names
}

#[test]
fn azure_server_stopped_mid_backup_then_started_again_reuses_the_uploaded_packs() {
    let env = Env::new();
    let src = env.path("src");
    interrupted_backup_source(&src);
    let port = free_port();
    let mut server = Azurite::start(&env.path("azurite"), port);
    let loc = format!("{}/repo", server.container("bkt"));
    let r = |args: &[&str]| run(azure_cmd(&env).args(["-r", &loc]).args(args));
    r(&["init"]).ok();

    let (failed, gave_up_after) = backup_until_stopped(
        &env,
        azure_cmd(&env).args(["-r", &loc, "backup", src.to_str().unwrap(), "--json"]),
        || !packs(&loc).is_empty(),
        || server.stop(),
    );
    let line = error_line(&failed.stderr);
    assert!(
        line.contains(&format!(
            "Azure Blob Storage server at http://127.0.0.1:{port}"
        )) && line.contains("unreachable"),
        "{line}"
    );

    // Started again on the same data.
    let _server = Azurite::start(server.dir(), port);
    let stored = packs(&loc);
    assert!(!stored.is_empty());
    let (adopted, added, total) = rerun_reuses_stored_packs(&env, r, &src, stored.len());
    eprintln!(
        "stopped after {} pack(s); the backup gave up {gave_up_after:?} after the stop; the rerun adopted {adopted} and added {added} of {total} bytes",
        stored.len()
    );
}
