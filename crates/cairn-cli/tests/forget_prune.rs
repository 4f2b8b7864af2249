//! forget, protect and prune through the real binary: what remains restores
//! bit-exact, a killed prune never loses a snapshot, append-only refuses.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// A repository with `n` daily snapshots of a changing tree; returns the
/// snapshot ids (oldest first) and each one's sha256sum manifest.
fn history(env: &Env, n: usize) -> (PathBuf, Vec<(String, String)>) {
    let src = env.path("src");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::write(src.join("stable.bin"), noise(1_500_000, 99)).unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let mut out = Vec::new();
    for i in 0..n {
        // Each day: one new file, one rewritten, one removed.
        std::fs::write(
            src.join(format!("sub/day{i}")),
            noise(700_000, i as u64 + 1),
        )
        .unwrap();
        std::fs::write(src.join("changing.bin"), noise(900_000, 1000 + i as u64)).unwrap();
        if i >= 2 {
            let _ = std::fs::remove_file(src.join(format!("sub/day{}", i - 2)));
        }
        let now = format!("2026-11-{:02}T10:00:00Z", i + 1);
        let r = env
            .repo(
                &repo,
                &["backup", "--json", "--now", &now, src.to_str().unwrap()],
            )
            .ok();
        let id = r.json()["snapshot_id"].as_str().unwrap().to_string();
        let m = env.repo(&repo, &["manifest", &id]).ok().stdout;
        out.push((id, m));
    }
    (repo, out)
}

/// Every snapshot still listed restores and matches the manifest taken at backup time.
fn assert_all_restore(env: &Env, repo: &Path, manifests: &[(String, String)], tag: &str) {
    for id in snapshot_ids(env, repo) {
        let m = &manifests.iter().find(|(i, _)| *i == id).unwrap().1;
        let t = env.path(&format!("restore-{tag}-{}", &id[..8]));
        env.repo(repo, &["restore", &id, "-t", t.to_str().unwrap()])
            .ok();
        assert_sha256sum_ok(env, m, &t);
        std::fs::remove_dir_all(&t).unwrap();
    }
}

fn repo_bytes(repo: &Path) -> u64 {
    let out = std::process::Command::new("du")
        .args(["-sb"])
        .arg(repo)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn forget_by_policy_then_prune_keeps_every_remaining_snapshot_bit_exact() {
    let env = Env::new();
    let (repo, snaps) = history(&env, 6);
    let now = "2026-11-06T12:00:00Z";
    let plan = env
        .repo(
            &repo,
            &[
                "forget",
                "--keep-last",
                "2",
                "--keep-tag",
                "none",
                "--tz",
                "UTC",
                "--now",
                now,
                "--dry-run",
                "--json",
            ],
        )
        .ok()
        .json();
    assert_eq!(plan["remove"].as_array().unwrap().len(), 4);
    assert_eq!(
        snapshot_ids(&env, &repo).len(),
        6,
        "a dry run changes nothing"
    );
    let before = repo_bytes(&repo);
    env.repo(
        &repo,
        &["forget", "--keep-last", "2", "--tz", "UTC", "--now", now],
    )
    .ok();
    let left = snapshot_ids(&env, &repo);
    assert_eq!(left, vec![snaps[4].0.clone(), snaps[5].0.clone()]);
    let dry = env
        .repo(&repo, &["prune", "--dry-run", "--json"])
        .ok()
        .json();
    assert!(
        dry["totals"]["bytes_freed"].as_u64().unwrap() > 1_000_000,
        "{dry}"
    );
    env.repo(&repo, &["prune", "--max-unused", "0"]).ok();
    let after = repo_bytes(&repo);
    assert!(
        after < before * 7 / 10,
        "prune freed too little: {before} -> {after}"
    );
    env.repo(&repo, &["verify", "--read-data"]).ok();
    assert_all_restore(&env, &repo, &snaps, "a");
    // A second prune finds nothing to do.
    let again = env.repo(&repo, &["prune", "--json"]).ok().json();
    assert_eq!(again["outcome"], serde_json::Value::Null, "{again}");
}

#[test]
fn protected_snapshots_survive_forget_and_empty_groups_are_refused() {
    let env = Env::new();
    let (repo, snaps) = history(&env, 4);
    let oldest = &snaps[0].0;
    env.repo(&repo, &["protect", &oldest[..10], "--note", "known good"])
        .ok();
    let r = env.repo(&repo, &["forget", oldest]).code(2);
    assert!(r.stderr.contains("protected"), "{}", r.stderr);
    env.repo(
        &repo,
        &[
            "forget",
            "--keep-last",
            "1",
            "--now",
            "2026-11-05T00:00:00Z",
        ],
    )
    .ok();
    assert_eq!(
        snapshot_ids(&env, &repo),
        vec![snaps[0].0.clone(), snaps[3].0.clone()]
    );
    let listed = env.repo(&repo, &["list", "--json"]).ok().json();
    assert_eq!(listed[0]["protected"], true);

    // keep-within measured from a "now" after a long outage keeps nothing: refused.
    env.repo(&repo, &["unprotect", &oldest[..10]]).ok();
    let r = env
        .repo(
            &repo,
            &[
                "forget",
                "--keep-within",
                "2d",
                "--now",
                "2027-03-01T00:00:00Z",
            ],
        )
        .code(2);
    assert!(r.stderr.contains("would remove all"), "{}", r.stderr);
    assert_eq!(snapshot_ids(&env, &repo).len(), 2);
    env.repo(
        &repo,
        &[
            "forget",
            "--keep-within",
            "2d",
            "--now",
            "2027-03-01T00:00:00Z",
            "--allow-empty",
            "--prune",
        ],
    )
    .ok();
    assert!(snapshot_ids(&env, &repo).is_empty());
    env.repo(&repo, &["verify", "--read-data"]).ok();
    let packs = walk(&repo.join("data")).len();
    assert_eq!(packs, 0, "no snapshot left, no data left");
}

#[test]
fn bad_forget_and_prune_input_is_refused_clearly() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    for (args, needle) in [
        (vec!["forget", "--keep-within", "7x"], "7x"),
        (vec!["forget", "--keep-last", "-1"], "-1"),
        (vec!["forget"], "no retention rule"),
        (vec!["forget", "--keep-last", "0"], "no retention rule"),
        (vec!["forget", "deadbeef"], "no snapshot"),
        (
            vec!["forget", "--tz", "Mars/Olympus", "--keep-last", "1"],
            "time zone",
        ),
        (vec!["prune", "--max-unused", "150"], "outside"),
        (vec!["init", "--worm", "software"], "worm-retention"),
    ] {
        let r = env.repo(&repo, &args);
        assert_ne!(r.code, 0, "{args:?} succeeded");
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
    }
    assert_eq!(snapshot_ids(&env, &repo).len(), 1);
}

#[test]
fn every_deleting_command_refuses_in_append_only_mode() {
    let env = Env::new();
    let (repo, snaps) = history(&env, 3);
    env.repo(&repo, &["protect", &snaps[1].0]).ok();
    let snapshot_of = |repo: &Path| {
        let mut v: Vec<(PathBuf, u64)> = walk(repo);
        v.retain(|(p, _)| !p.starts_with(repo.join("locks")));
        v
    };
    let before = snapshot_of(&repo);
    let cases: Vec<Vec<&str>> = vec![
        vec!["forget", &snaps[0].0],
        vec![
            "forget",
            "--keep-last",
            "1",
            "--now",
            "2026-11-05T00:00:00Z",
        ],
        vec![
            "forget",
            "--keep-last",
            "1",
            "--now",
            "2026-11-05T00:00:00Z",
            "--prune",
        ],
        vec!["unprotect", &snaps[1].0],
    ];
    for args in &cases {
        let mut full = vec!["--append-only"];
        full.extend(args.iter().copied());
        let r = env.repo(&repo, &full);
        assert_ne!(r.code, 0, "{args:?} succeeded in append-only mode");
        assert!(r.stderr.contains("append-only"), "{args:?}: {}", r.stderr);
    }
    // Prune needs something to delete to reach a delete: forget first (as admin).
    env.repo(&repo, &["forget", &snaps[0].0]).ok();
    let before_prune = snapshot_of(&repo);
    let r = env.repo(&repo, &["--append-only", "prune", "--max-unused", "0"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("append-only"), "{}", r.stderr);
    // A refused prune may have written new packs and index files (that is
    // adding), but it removed nothing.
    let after = snapshot_of(&repo);
    for (p, _) in &before_prune {
        assert!(
            after.iter().any(|(q, _)| q == p),
            "{} was removed",
            p.display()
        );
    }
    // The environment switch, in the spellings operators write.
    for v in ["1", "true", "yes", "on"] {
        let mut c = env.cmd();
        c.env("CAIRN_APPEND_ONLY", v)
            .arg("-r")
            .arg(&repo)
            .args(["prune", "--max-unused", "0"]);
        let r = run(&mut c);
        assert!(r.stderr.contains("append-only"), "{v}: {}", r.stderr);
    }
    // Backups still work in append-only mode.
    env.repo(
        &repo,
        &["--append-only", "backup", env.path("src").to_str().unwrap()],
    )
    .ok();
    assert!(before.len() <= snapshot_of(&repo).len());
    env.repo(&repo, &["verify", "--read-data"]).ok();
}

fn walk(root: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push((e.path(), e.metadata().unwrap().len()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn prune_killed_at_every_step_leaves_a_repository_that_verifies_and_restores() {
    let env = Env::new();
    let (repo, snaps) = history(&env, 5);
    env.repo(&repo, &["forget", &snaps[0].0, &snaps[2].0]).ok();
    let base = env.path("base");
    assert!(std::process::Command::new("cp")
        .args(["-a"])
        .arg(&repo)
        .arg(&base)
        .status()
        .unwrap()
        .success());
    let mut completed = false;
    for n in 0..40 {
        let _ = std::fs::remove_dir_all(&repo);
        assert!(std::process::Command::new("cp")
            .args(["-a"])
            .arg(&base)
            .arg(&repo)
            .status()
            .unwrap()
            .success());
        let r = run(env
            .cmd()
            .env("CAIRN_FAULT_ABORT_AFTER", n.to_string())
            .arg("-r")
            .arg(&repo)
            .args(["prune", "--max-unused", "0"]));
        if r.code == 0 {
            completed = true;
            break;
        }
        assert!(r.stderr.contains("aborting"), "step {n}: {}", r.stderr);
        // The killed holder's lock is left behind; it is stale only after its
        // expiry, so remove it as an operator would after checking the process is gone.
        let _ = std::fs::remove_dir_all(repo.join("locks"));
        env.repo(&repo, &["verify", "--read-data"]).ok();
        assert_all_restore(&env, &repo, &snaps, &format!("k{n}"));
        // And a rerun finishes the job.
        env.repo(&repo, &["prune", "--max-unused", "0"]).ok();
        env.repo(&repo, &["verify", "--read-data"]).ok();
        let again = env.repo(&repo, &["prune", "--json"]).ok().json();
        assert_eq!(
            again["outcome"],
            serde_json::Value::Null,
            "step {n}: {again}"
        );
    }
    assert!(completed, "prune never completed within 40 steps");
    assert_all_restore(&env, &repo, &snaps, "done");
}

#[test]
fn prune_stops_on_a_damaged_pack_and_deletes_nothing() {
    let env = Env::new();
    let (repo, snaps) = history(&env, 3);
    env.repo(&repo, &["forget", &snaps[0].0]).ok();
    // Damage the middle of every pack: whatever prune must copy is unreadable.
    for (p, len) in walk(&repo.join("data")) {
        let mut b = std::fs::read(&p).unwrap();
        b[(len / 2) as usize] ^= 0x40;
        std::fs::write(&p, b).unwrap();
    }
    let before = walk(&repo);
    let r = env.repo(&repo, &["prune", "--max-unused", "0"]);
    assert_ne!(r.code, 0, "prune went on over damage");
    assert!(
        r.stderr.contains("prune stopped") || r.stderr.contains("cannot be read"),
        "{}",
        r.stderr
    );
    let after = walk(&repo);
    for (p, _) in &before {
        assert!(
            after.iter().any(|(q, _)| q == p),
            "{} was removed",
            p.display()
        );
    }
}

/// Partial objects killed runs leave (`.tmp-*`): verify counts them, prune
/// removes those older than a lock's validity and keeps a fresh one (a
/// writer may still be at work on it).
#[test]
fn partial_objects_left_by_killed_runs_are_counted_and_old_ones_pruned() {
    let env = Env::new();
    let (_src, repo) = backed_up(&env);
    let shard = std::fs::read_dir(repo.join("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let plant = |p: std::path::PathBuf, len: usize, old: bool| {
        std::fs::write(&p, vec![7u8; len]).unwrap();
        if old {
            std::fs::File::options()
                .write(true)
                .open(&p)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        }
    };
    plant(shard.join(".tmp-abcd-0123456789abcdef"), 1 << 20, true);
    plant(repo.join(".tmp-config-0123456789abcdef"), 100, true);
    plant(repo.join("keys/.tmp-slot-0123456789abcdef"), 100, false);
    let j = env.repo(&repo, &["verify", "--json"]).ok().json();
    assert_eq!(j["partial_objects"]["count"], 3, "{j}");
    assert_eq!(j["partial_objects"]["bytes"], (1 << 20) + 200, "{j}");
    env.repo(&repo, &["prune"]).ok();
    let j = env.repo(&repo, &["verify", "--json"]).ok().json();
    assert_eq!(j["partial_objects"]["count"], 1, "{j}");
    assert!(repo.join("keys/.tmp-slot-0123456789abcdef").exists());
    assert!(!repo.join(".tmp-config-0123456789abcdef").exists());
}

#[test]
fn prune_shows_repack_progress_on_a_terminal_and_nothing_otherwise() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    // Two files whose chunks share packs; dropping one leaves packs half
    // used, which `--max-unused 0` repacks.
    let half_used = |name: &str| {
        std::fs::write(src.join("a.bin"), noise(12 << 20, 1)).unwrap();
        std::fs::write(src.join("b.bin"), noise(12 << 20, 2)).unwrap();
        let repo = env.path(name);
        env.repo(&repo, &["init"]).ok();
        env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
        std::fs::remove_file(src.join("a.bin")).unwrap();
        env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
        env.repo(&repo, &["forget", "--keep-last", "1"]).ok();
        repo
    };
    let piped = half_used("piped");
    let r = env.repo(&piped, &["prune", "--max-unused", "0"]).ok();
    assert!(!shows_bar(&r.stderr, "packs"), "{}", r.stderr);
    let tty = half_used("tty");
    let r = on_terminal(
        &env,
        &["-r", tty.to_str().unwrap(), "prune", "--max-unused", "0"],
    )
    .ok();
    assert!(shows_bar(&r.stdout, "packs"), "{:?}", r.stdout);
    env.repo(&tty, &["verify", "--read-data"]).ok();
}
