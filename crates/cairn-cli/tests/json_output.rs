//! The `--json` shapes scripts rely on, pinned by snapshot tests: each test
//! runs the real binary and compares its JSON, with what varies from run to
//! run (ids, times, durations, temporary paths, sizes that depend on
//! compression and encryption) replaced by placeholders, against a
//! committed `tests/snapshots/*.snap`.
//!
//! A changed or missing snapshot fails the test: insta writes the new
//! output beside the old one as `.snap.new` (or nothing, when `CI` is set)
//! and never passes on it. To accept a deliberate change, review the diff
//! and run `cargo insta review` (or `INSTA_UPDATE=always cargo test -p
//! cairn-cli --test json_output`), then commit the `.snap` files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use serde_json::Value;
use std::path::PathBuf;

/// Keys whose values differ between runs or machines. A redacted value
/// keeps its kind visible: `null` stays `null`, anything else becomes
/// `"[key]"`, so a snapshot still shows which fields are optional.
const VARYING: &[&str] = &[
    // ids (random repository keys make every object id differ)
    "id",
    "short_id",
    "snapshot_id",
    "snapshot",
    "parent",
    "repository_id",
    "stored_repository_id",
    "tree",
    "pack",
    "mac_commitment",
    // named by a hash of the (temporary) location
    "pin_file",
    // times and durations
    "time",
    "created",
    "first_seen",
    "updated",
    "duration_s",
    "seed",
    // this machine
    "host",
    "hostname",
    "username",
    "user",
    "group",
    "uid",
    "gid",
    "mtime",
    "ctime",
    "atime",
    "inode",
    "device",
    // sizes after compression and encryption, and what depends on where
    // the keyed chunker cuts (each repository's chunker seed differs) or on
    // the size of encoded trees (which hold mtimes and inodes)
    "bytes_stored",
    "bytes_added",
    "size",
    "blobs",
    "used_blobs",
];

const NOW: &str = "2026-01-02T03:04:05Z";

/// `v` with every `VARYING` (or `also`) value replaced, full object ids
/// (64 hex digits, wherever they stand) written as `[hex id]`, and the
/// test's temporary directory written as `[tmp]`.
fn redact(v: &Value, tmp: &str, also: &[&str]) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let varies = VARYING.contains(&k.as_str()) || also.contains(&k.as_str());
                    let x = if varies && !x.is_null() {
                        Value::String(format!("[{k}]"))
                    } else {
                        redact(x, tmp, also)
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| redact(x, tmp, also)).collect()),
        Value::String(s) if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Value::String("[hex id]".into())
        }
        Value::String(s) => Value::String(s.replace(tmp, "[tmp]")),
        x => x.clone(),
    }
}

/// Snapshots `run`'s stdout, which must be JSON, redacted (`also`: keys
/// that vary in this command's output only).
fn assert_json(name: &str, env: &Env, run: &Run, also: &[&str]) {
    let tmp = env.dir.path().to_str().unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_json_snapshot!(name, redact(&run.json(), tmp, also)));
}

/// A repository with two backups of the shared test tree, made at fixed
/// times on a fixed host.
fn two_backups(env: &Env) -> (PathBuf, PathBuf, Run) {
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let backup = |now: &str, tag: &str| {
        env.repo(
            &repo,
            &[
                "backup",
                src.to_str().unwrap(),
                "--host",
                "snaphost",
                "--tag",
                tag,
                "--now",
                now,
                "--json",
            ],
        )
        .ok()
    };
    backup("2026-01-01T03:04:05Z", "one");
    std::fs::write(src.join("second.txt"), "second snapshot").unwrap();
    let second = backup(NOW, "two");
    (src, repo, second)
}

/// Snapshots `cairn -r REPO ARGS` after `two_backups`; `{target}` in
/// `args` stands for a fresh directory to restore into.
fn snapshot_after_two_backups(name: &str, args: &[&str], also: &[&str]) {
    let env = Env::new();
    let (_, repo, _) = two_backups(&env);
    let target = env.path("target");
    let args: Vec<&str> = args
        .iter()
        .map(|a| match *a {
            "{target}" => target.to_str().unwrap(),
            a => a,
        })
        .collect();
    assert_json(name, &env, &env.repo(&repo, &args).ok(), also);
}

#[test]
fn backup_json() {
    let env = Env::new();
    let (_, _, second) = two_backups(&env);
    assert_json("backup", &env, &second, &[]);
}

#[test]
fn list_json() {
    snapshot_after_two_backups("list", &["list", "--json"], &[]);
}

#[test]
fn restore_dry_run_json() {
    let args = [
        "restore",
        "latest",
        "--target",
        "{target}",
        "--dry-run",
        "--json",
    ];
    snapshot_after_two_backups("restore_dry_run", &args, &[]);
}

#[test]
fn restore_json() {
    let args = ["restore", "latest", "--target", "{target}", "--json"];
    snapshot_after_two_backups("restore", &args, &[]);
}

#[test]
fn verify_json() {
    // Packs are read whole: their size follows compression and the chunker.
    let args = ["verify", "--read-data", "--json"];
    snapshot_after_two_backups("verify", &args, &["bytes_read"]);
}

#[test]
fn keys_status_json() {
    snapshot_after_two_backups("keys_status", &["keys", "status", "--json"], &[]);
}

#[test]
fn forget_dry_run_json() {
    let args = [
        "forget",
        "--keep-last",
        "1",
        "--now",
        NOW,
        "--tz",
        "UTC",
        "--dry-run",
        "--json",
    ];
    snapshot_after_two_backups("forget_dry_run", &args, &[]);
}

#[test]
fn prune_dry_run_json() {
    snapshot_after_two_backups("prune_dry_run", &["prune", "--dry-run", "--json"], &[]);
}

#[test]
fn trust_json() {
    snapshot_after_two_backups("trust", &["trust", "--json"], &[]);
}

#[test]
fn unlock_json() {
    snapshot_after_two_backups("unlock", &["unlock", "--json"], &[]);
}

#[test]
fn init_json() {
    let env = Env::new();
    let repo = env.path("repo");
    let r = env.repo(&repo, &["init", "--json"]).ok();
    assert_json("init", &env, &r, &[]);
}

#[test]
fn keys_add_and_test_json() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let age = age_identity(&env, "escrow").1;
    let added = env
        .repo(&repo, &["keys", "add", "--age-recipient", &age, "--json"])
        .ok();
    assert_json("keys_add", &env, &added, &["added"]);
    let id = slot_ids(&env, &repo)[0].0.clone();
    let tested = env.repo(&repo, &["keys", "test", &id, "--json"]).ok();
    assert_json("keys_test", &env, &tested, &["slot"]);
}

#[test]
fn keys_rotate_master_dry_run_json() {
    let args = ["keys", "rotate-master", "--dry-run", "--json"];
    snapshot_after_two_backups("keys_rotate_master_dry_run", &args, &[]);
}

#[test]
fn maintenance_json() {
    snapshot_after_two_backups("maintenance", &["maintenance", "--json"], &[]);
}

#[test]
fn ls_json() {
    let args = ["ls", "latest", "docs", "--recursive", "--json"];
    snapshot_after_two_backups("ls", &args, &[]);
}

#[test]
fn find_json() {
    snapshot_after_two_backups("find", &["find", "*.txt", "--json"], &[]);
}

#[test]
fn diff_json() {
    let env = Env::new();
    let (_, repo, _) = two_backups(&env);
    let list = env.repo(&repo, &["list", "--json"]).ok().json();
    let first = list[0]["id"].as_str().unwrap();
    let run = env.repo(&repo, &["diff", first, "latest", "--json"]).ok();
    assert_json("diff", &env, &run, &[]);
}

#[test]
fn copy_json() {
    let env = Env::new();
    let (_, repo, _) = two_backups(&env);
    let dst = env.path("second");
    env.repo(&dst, &["init"]).ok();
    let run = env
        .repo(&repo, &["copy", "--to", dst.to_str().unwrap(), "--json"])
        .ok();
    // How many blobs the chunker cut depends on each repository's seed.
    assert_json("copy", &env, &run, &["blobs_stored", "blobs_present"]);
}

#[test]
fn prune_rewrite_old_epochs_dry_run_json() {
    let args = ["prune", "--rewrite-old-epochs", "--dry-run", "--json"];
    snapshot_after_two_backups("prune_rewrite_dry_run", &args, &[]);
}
