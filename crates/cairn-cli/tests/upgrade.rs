//! `cairn upgrade`: a repository made by an older release (format version 1,
//! whole trees) is raised to version 3 on request only; its old snapshots
//! still restore, and the next backup stores its large folder in parts
//! (FORMAT.md §10.1, §14).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use cairn_core::tree::Stored;
use cairn_core::Repository;
use cairn_test_support::{make_tree, FsBackend, TestRepo};
use common::*;
use std::path::Path;
use std::sync::Arc;

fn cairn(env: &Env, repo: &Path, args: &[&str]) -> Run {
    let mut c = env.cmd();
    run(c.env("CAIRN_PASSWORD", "pw").arg("-r").arg(repo).args(args))
}

/// How the latest snapshot stores `big/`, read through the library.
fn big(repo: &Path) -> Stored {
    let r = Repository::open(Arc::new(FsBackend::new(repo)), &TestRepo::credential()).unwrap();
    let (_, latest) = r.snapshots().unwrap().pop().unwrap();
    let root = r.load_tree(&latest.tree).unwrap();
    let node = root.nodes.iter().find(|n| n.name.0 == b"big").unwrap();
    r.load_stored(&node.subtree.unwrap()).unwrap()
}

#[test]
fn upgrade_raises_the_version_on_request_and_the_next_backup_splits_large_folders() {
    let env = Env::new();
    let repo = env.path("repo");
    drop(TestRepo::on(Arc::new(FsBackend::new(&repo))).init_at_version(1));
    let src = env.path("src");
    make_tree(&src);
    std::fs::create_dir(src.join("big")).unwrap();
    for i in 0..600 {
        std::fs::write(src.join(format!("big/{i:03}")), format!("{i}\n")).unwrap();
    }
    let s = src.to_str().unwrap();
    cairn(&env, &repo, &["backup", s]).ok();
    assert!(matches!(big(&repo), Stored::Nodes(_)), "version 1: whole");
    let version = || {
        cairn(&env, &repo, &["keys", "status", "--json"])
            .ok()
            .json()["format_version"]
            .clone()
    };

    let dry = cairn(&env, &repo, &["upgrade", "--dry-run", "--json"])
        .ok()
        .json();
    assert_eq!(
        dry,
        serde_json::json!({"dry_run": true, "from": 1, "to": 3})
    );
    assert_eq!(version(), 1, "a dry run changes nothing");
    let done = cairn(&env, &repo, &["upgrade"]).ok();
    assert!(
        done.stdout.contains("format version 1 -> 3"),
        "{}",
        done.stdout
    );
    assert_eq!(version(), 3);
    let again = cairn(&env, &repo, &["upgrade"]).ok();
    assert!(again.stdout.contains("already current"), "{}", again.stdout);

    let first = env.path("first");
    std::process::Command::new("cp")
        .arg("-a")
        .arg(&src)
        .arg(&first)
        .status()
        .unwrap();
    std::fs::write(src.join("big/300"), b"after the upgrade\n").unwrap();
    cairn(&env, &repo, &["backup", s]).ok();
    assert!(
        matches!(big(&repo), Stored::Parts(_)),
        "version 3: in parts"
    );
    cairn(&env, &repo, &["verify", "--read-data"]).ok();
    let out = env.path("out");
    cairn(
        &env,
        &repo,
        &["restore", "latest", "--target", out.to_str().unwrap()],
    )
    .ok();
    assert_diff_r(&src, &out, &["--no-dereference"]);
    let ids = cairn(&env, &repo, &["list", "--json"]).ok().json();
    let old = ids[0]["id"].as_str().unwrap();
    let out = env.path("out-first");
    cairn(
        &env,
        &repo,
        &["restore", old, "--target", out.to_str().unwrap()],
    )
    .ok();
    assert_diff_r(&first, &out, &["--no-dereference"]);
}

/// An upgrade started while a master-key rotation runs (and the other way
/// round): both replace the config, so each takes the exclusive lock and
/// reads the config under it. Were either to write a config read before the
/// other's replace, the rotation's new key epoch or the upgrade's version
/// would be undone, silently. Both finish, and both changes stay.
#[test]
fn an_upgrade_racing_a_key_rotation_keeps_both_changes() {
    let env = Env::new();
    for (round, rotation_first) in [true, false, true].into_iter().enumerate() {
        let repo = env.path(&format!("repo{round}"));
        drop(TestRepo::on(Arc::new(FsBackend::new(&repo))).init_at_version(1));
        let src = env.path("src");
        if !src.exists() {
            make_tree(&src);
        }
        cairn(&env, &repo, &["backup", src.to_str().unwrap()]).ok();
        let start = |args: &[&str]| {
            let mut c = env.cmd();
            c.env("CAIRN_PASSWORD", "pw")
                .arg("--wait")
                .arg("120s")
                .arg("-r")
                .arg(&repo)
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            c.spawn().unwrap()
        };
        let (a, b) = if rotation_first {
            let r = start(&["keys", "rotate-master"]);
            (r, start(&["upgrade"]))
        } else {
            let u = start(&["upgrade"]);
            (u, start(&["keys", "rotate-master"]))
        };
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let st = cairn(&env, &repo, &["keys", "status", "--json"])
            .ok()
            .json();
        assert_eq!(
            st["format_version"], 3,
            "round {round}: the upgrade was undone"
        );
        assert_eq!(st["key_epoch"], 2, "round {round}: the rotation was undone");
        cairn(&env, &repo, &["verify", "--read-data"]).ok();
    }
}
