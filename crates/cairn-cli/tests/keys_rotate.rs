//! Master-secret rotation through the binary: `keys rotate-master` seals new
//! data under a new key epoch and re-wraps every slot; `prune
//! --rewrite-old-epochs` re-encrypts the old data, after which a copy of an
//! old slot with its passphrase reads nothing in the repository.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// The repository as someone holding the pre-rotation config and slots sees
/// it: today's data, yesterday's keys (an old backup of the storage, or a
/// leaked passphrase plus an old copy of the slot).
fn with_old_keys(env: &Env, before: &Path, repo: &Path, name: &str) -> PathBuf {
    let franken = env.path(name);
    copy_dir(repo, &franken);
    let keys = franken.join("keys");
    std::process::Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(&franken)
        .status()
        .unwrap();
    std::fs::remove_dir_all(&keys).unwrap();
    copy_dir(&before.join("keys"), &keys);
    std::fs::remove_file(franken.join("config")).unwrap();
    std::fs::copy(before.join("config"), franken.join("config")).unwrap();
    franken
}

fn restore_equals(env: &Env, repo: &Path, snap: &str, want: &[(PathBuf, Vec<u8>)], name: &str) {
    let out = env.path(name);
    env.repo(repo, &["restore", snap, "--target", out.to_str().unwrap()])
        .ok();
    assert_eq!(
        all_files(&out),
        want,
        "snapshot {snap} restored differently"
    );
}

#[test]
fn rotation_then_rewrite_leaves_nothing_the_old_secret_can_read() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    let first = all_files(&src);
    let old_snap = snapshot_ids(&env, &repo)[0].clone();

    // An escrow slot whose identity stays offline, and a colleague's passphrase.
    let (identity, recipient) = age_identity(&env, "escrow.txt");
    env.repo(&repo, &["keys", "add", "--age-recipient", &recipient])
        .ok();
    let colleague = run(env
        .cmd()
        .env("CAIRN_NEW_PASSWORD", "colleague")
        .arg("-r")
        .arg(&repo)
        .args(["keys", "add", "--passphrase", "--json"]))
    .ok()
    .json()["added"]
        .as_str()
        .unwrap()
        .to_string();
    let before = env.path("before");
    copy_dir(&repo, &before);

    // No credential opens the colleague's slot: the plan says so, and the
    // rotation refuses without touching a thing.
    let plan = env
        .repo(&repo, &["keys", "rotate-master", "--dry-run", "--json"])
        .ok()
        .json();
    assert_eq!(plan["plan"]["carried"].as_array().unwrap().len(), 1);
    assert_eq!(plan["plan"]["remade"][0]["kind"], "age");
    assert_eq!(plan["plan"]["blocked"][0]["id"], colleague.as_str());
    let r = env.repo(&repo, &["keys", "rotate-master"]).code(4);
    assert!(
        r.stderr.contains(&colleague) && r.stderr.contains("nothing was changed"),
        "{}",
        r.stderr
    );
    assert_eq!(
        all_files(&repo.join("keys")),
        all_files(&before.join("keys"))
    );
    assert_eq!(
        std::fs::read(repo.join("config")).unwrap(),
        std::fs::read(before.join("config")).unwrap()
    );

    env.repo(&repo, &["keys", "remove", &colleague]).ok();
    let old_slots = slot_ids(&env, &repo);
    let out = env
        .repo(&repo, &["keys", "rotate-master", "--json"])
        .ok()
        .json();
    assert_eq!(out["outcome"]["epoch"], 2);
    let st = env.repo(&repo, &["keys", "status", "--json"]).ok().json();
    // Key epochs need version 2; a repository made at version 3 stays 3.
    assert_eq!(st["format_version"], 3);
    assert_eq!(st["key_epoch"], 2);
    assert_eq!(st["retired_epochs"], serde_json::json!([1]));
    let new_slots = slot_ids(&env, &repo);
    assert_eq!(new_slots.len(), 2);
    assert!(
        new_slots.iter().all(|s| !old_slots.contains(s)),
        "every slot was replaced"
    );

    // New data under epoch 2: nothing is deduplicated against epoch 1.
    std::fs::write(src.join("new.txt"), b"written after the rotation").unwrap();
    let second = all_files(&src);
    let b = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "--json"])
        .ok()
        .json();
    let total: u64 = second.iter().map(|(_, d)| d.len() as u64).sum();
    assert_eq!(b["bytes_read"], total, "every file read again: {b}");
    let new_snap = snapshot_ids(&env, &repo)
        .into_iter()
        .find(|s| *s != old_snap)
        .unwrap();

    // An old slot with its passphrase does not open the rotated repository.
    let old_pass = &old_slots.iter().find(|(_, k)| k == "passphrase").unwrap().0;
    let stale = repo.join("keys").join(old_pass);
    std::fs::copy(before.join("keys").join(old_pass), &stale).unwrap();
    let r = env.repo(&repo, &["--slot", old_pass, "list"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("predates a master-key rotation"),
        "{}",
        r.stderr
    );
    std::fs::remove_file(&stale).unwrap();

    // Both epochs read with the current keys, and with the escrow alone.
    restore_equals(&env, &repo, &old_snap[..8], &first, "r1");
    restore_equals(&env, &repo, &new_snap[..8], &second, "r2");
    let mut c = env.cmd();
    c.env_remove("CAIRN_PASSWORD")
        .env("CAIRN_AGE_IDENTITY", &identity)
        .arg("-r")
        .arg(&repo)
        .args(["list", "--json"]);
    assert_eq!(run(&mut c).ok().json().as_array().unwrap().len(), 2);

    // Control: before the rewrite, the old keys still read the old snapshot
    // (and only it).
    let franken = with_old_keys(&env, &before, &repo, "old-keys-1");
    assert_eq!(snapshot_ids(&env, &franken), vec![old_snap.clone()]);

    let out = env
        .repo(&repo, &["prune", "--rewrite-old-epochs", "--json"])
        .ok()
        .json();
    assert_eq!(
        out["outcome"]["dropped_epochs"],
        serde_json::json!([1]),
        "{out}"
    );
    assert_eq!(out["outcome"]["snapshots"].as_array().unwrap().len(), 1);
    let st = env.repo(&repo, &["keys", "status", "--json"]).ok().json();
    assert_eq!(st["retired_epochs"], serde_json::json!([]));
    env.repo(&repo, &["verify", "--read-data"]).ok();
    let ids = snapshot_ids(&env, &repo);
    assert_eq!(ids.len(), 2);
    assert!(!ids.contains(&old_snap), "the old snapshot object is gone");
    let rewritten = ids.iter().find(|s| **s != new_snap).unwrap();
    restore_equals(&env, &repo, &rewritten[..8], &first, "r3");
    restore_equals(&env, &repo, &new_snap[..8], &second, "r4");

    // After the rewrite, the old keys read nothing at all.
    let franken = with_old_keys(&env, &before, &repo, "old-keys-2");
    assert!(snapshot_ids(&env, &franken).is_empty());
    let v = env.repo(&franken, &["verify"]);
    assert_ne!(v.code, 0, "the old keys open no index, snapshot or pack");
}

#[test]
fn a_rotation_killed_at_any_step_leaves_a_working_repository_and_a_rerun_finishes() {
    let env = Env::new();
    let (src, base) = backed_up(&env);
    let want = all_files(&src);
    let (identity, recipient) = age_identity(&env, "escrow.txt");
    env.repo(&base, &["keys", "add", "--age-recipient", &recipient])
        .ok();
    let mut completed = false;
    for n in 0..12 {
        // A fresh location each step: putting the pre-rotation copy back
        // where this client saw a rotation is a rollback, and its pin says so.
        let repo = env.path(&format!("repo-under-test-{n}"));
        copy_dir(&base, &repo);
        let r = run(env
            .cmd()
            .env("CAIRN_FAULT_ABORT_AFTER", n.to_string())
            .arg("-r")
            .arg(&repo)
            .args(["keys", "rotate-master"]));
        if r.code == 0 {
            completed = true;
            break;
        }
        assert!(r.stderr.contains("aborting"), "step {n}: {}", r.stderr);
        // The killed holder's lock is left behind (stale only at its expiry).
        let _ = std::fs::remove_dir_all(repo.join("locks"));
        // The passphrase and the escrow identity both still open it.
        restore_equals(&env, &repo, "latest", &want, &format!("k{n}"));
        let mut c = env.cmd();
        c.env_remove("CAIRN_PASSWORD")
            .env("CAIRN_AGE_IDENTITY", &identity)
            .arg("-r")
            .arg(&repo)
            .args(["list"]);
        run(&mut c).ok();
        // A rerun finishes: exactly one passphrase and one age slot remain.
        env.repo(&repo, &["keys", "rotate-master"]).ok();
        let mut kinds: Vec<String> = slot_ids(&env, &repo).into_iter().map(|(_, k)| k).collect();
        kinds.sort();
        assert_eq!(kinds, ["age", "passphrase"], "step {n}");
        restore_equals(&env, &repo, "latest", &want, &format!("d{n}"));
    }
    assert!(completed, "rotate-master never completed within 12 steps");
}

#[test]
fn append_only_sessions_cannot_rotate_and_worm_keeps_retired_secrets_while_it_holds_old_data() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(
        &repo,
        &["init", "--worm", "software", "--worm-retention", "1d"],
    )
    .ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let keys_before = all_files(&repo.join("keys"));
    let r = run(env
        .cmd()
        .env("CAIRN_APPEND_ONLY", "1")
        .arg("-r")
        .arg(&repo)
        .args(["keys", "rotate-master"]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("append-only"), "{}", r.stderr);
    assert_eq!(
        all_files(&repo.join("keys")),
        keys_before,
        "nothing was written"
    );

    env.repo(&repo, &["keys", "rotate-master"]).ok();
    let out = env
        .repo(&repo, &["prune", "--rewrite-old-epochs", "--json"])
        .ok()
        .json();
    assert_eq!(
        out["plan"]["retained"].as_array().unwrap().len(),
        1,
        "{out}"
    );
    assert_eq!(out["outcome"]["dropped_epochs"], serde_json::json!([]));
    assert!(out["outcome"]["kept_because"][0]
        .as_str()
        .unwrap()
        .contains("retained by WORM"));
    let st = env.repo(&repo, &["keys", "status", "--json"]).ok().json();
    assert_eq!(st["retired_epochs"], serde_json::json!([1]));
    restore_equals(&env, &repo, "latest", &all_files(&src), "out");
}
