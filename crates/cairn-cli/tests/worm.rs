//! WORM through the real binary: what is retained cannot be forgotten or
//! pruned until its time passes, maintenance extends what is still needed,
//! and the grade in force is reported truthfully.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::Path;

fn two_snapshots(env: &Env, repo: &Path) -> Vec<String> {
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("shared"), noise(1_200_000, 5)).unwrap();
    std::fs::write(src.join("old"), noise(900_000, 6)).unwrap();
    env.repo(
        repo,
        &[
            "backup",
            "-q",
            "--now",
            "2026-11-01T00:00:00Z",
            src.to_str().unwrap(),
        ],
    )
    .ok();
    std::fs::remove_file(src.join("old")).unwrap();
    std::fs::write(src.join("new"), noise(800_000, 7)).unwrap();
    env.repo(
        repo,
        &[
            "backup",
            "-q",
            "--now",
            "2026-11-02T00:00:00Z",
            src.to_str().unwrap(),
        ],
    )
    .ok();
    snapshot_ids(env, repo)
}

/// Sleeps until a moment (RFC 3339) has passed by half a second.
fn sleep_past(t: &str) {
    sleep_until_offset(t, time::Duration::milliseconds(500));
}

/// Sleeps until `t + offset` (RFC 3339 `t`).
fn sleep_until_offset(t: &str, offset: time::Duration) {
    let at =
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap();
    let left = at - time::OffsetDateTime::now_utc() + offset;
    if left.is_positive() {
        std::thread::sleep(left.unsigned_abs());
    }
}

fn retained_then_released(mode: &str) {
    let env = Env::new();
    let repo = env.path("repo");
    let _thaw = Unfreeze(&repo);
    let r = env.repo(&repo, &["init", "--worm", mode, "--worm-retention", "10s"]);
    if mode == "governance" && r.code != 0 {
        // Not root, or a filesystem without the immutable flag: the refusal must say so.
        assert!(r.stderr.contains("immutable"), "{}", r.stderr);
        return;
    }
    let r = r.ok();
    assert!(r.stderr.contains(&format!("WORM: {mode}")), "{}", r.stderr);
    let status = env.repo(&repo, &["keys", "status", "--json"]).ok().json();
    assert!(
        status["worm"].as_str().unwrap().starts_with(mode),
        "{status}"
    );
    assert!(!status["worm"].as_str().unwrap().contains("NOT IN FORCE"));
    let ids = two_snapshots(&env, &repo);
    let listed = env.repo(&repo, &["list", "--json"]).ok().json();
    assert!(listed[0]["worm"].as_str().unwrap().starts_with(mode));
    assert!(listed[0]["retained_until"].is_string(), "{listed}");

    // Retained: forget reports it and keeps it; prune deletes nothing.
    let r = env.repo(&repo, &["forget", &ids[0]]).ok();
    assert!(r.stderr.contains("retained until"), "{}", r.stderr);
    assert_eq!(snapshot_ids(&env, &repo).len(), 2);
    if mode == "governance" {
        let pack = std::fs::read_dir(repo.join("data"))
            .unwrap()
            .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
            .next()
            .unwrap()
            .unwrap()
            .path();
        assert!(
            std::fs::remove_file(&pack).is_err(),
            "an immutable pack was removable"
        );
    }

    // Maintenance extends what the retained snapshots need: both packs (one
    // holds the chunk the newer snapshot shares with the older) and the index files.
    // Run it once every object's retain-until is within the horizon (two
    // thirds of the 10 s period): timed from the newest snapshot's own hold,
    // so a slow machine only shifts the test, never breaks it.
    let snap0_until = listed[0]["retained_until"].as_str().unwrap().to_string();
    let snap1_until = listed[1]["retained_until"].as_str().unwrap().to_string();
    sleep_until_offset(&snap1_until, time::Duration::milliseconds(-6_000));
    let m = env.repo(&repo, &["maintenance", "--json"]).ok().json();
    // Two packs and two index files are needed, and all are due.
    assert!(m["extended"].as_u64().unwrap() >= 4, "{m}");
    assert_eq!(m["retained_snapshots"], 2, "{m}");

    // The old snapshot's own retention lapses: forget removes it. Its pack is
    // still held by the extension (the newer snapshot needs part of it), so
    // prune reports it as retained and removes nothing.
    let ext_until = m["until"].as_str().unwrap().to_string();
    sleep_past(&snap0_until);
    let r = env.repo(&repo, &["forget", &ids[0]]).ok();
    assert!(!r.stderr.contains("retained until"), "{}", r.stderr);
    assert_eq!(snapshot_ids(&env, &repo), vec![ids[1].clone()]);
    let p = env
        .repo(&repo, &["prune", "--max-unused", "0", "--json"])
        .ok()
        .json();
    assert!(p["totals"]["retained_packs"].as_u64().unwrap() >= 1, "{p}");
    assert_eq!(p["totals"]["repack_packs"], 0, "{p}");

    // Once the extension lapses too, prune frees what only the old snapshot used.
    sleep_past(&ext_until);
    let p = env
        .repo(&repo, &["prune", "--max-unused", "0", "--json"])
        .ok()
        .json();
    let t = &p["totals"];
    assert_eq!(t["retained_packs"], 0, "{p}");
    assert!(
        t["repack_packs"].as_u64().unwrap() + t["delete_packs"].as_u64().unwrap() >= 1,
        "{p}"
    );
    env.repo(&repo, &["verify", "--read-data"]).ok();
    let t = env.path("restored");
    env.repo(&repo, &["restore", &ids[1], "-t", t.to_str().unwrap()])
        .ok();
    assert_same_tree(&env.path("src"), &t);
}

#[test]
fn software_worm_refuses_early_deletes_and_maintenance_extends() {
    retained_then_released("software");
}

#[test]
fn governance_worm_on_a_local_disk_uses_immutable_files() {
    retained_then_released("governance");
}

#[test]
fn compliance_is_refused_on_a_local_disk_and_a_removed_guard_is_detected() {
    let env = Env::new();
    let repo = env.path("repo");
    let r = env
        .repo(
            &repo,
            &["init", "--worm", "compliance", "--worm-retention", "1d"],
        )
        .code(1);
    assert!(
        r.stderr.contains("cannot enforce compliance"),
        "{}",
        r.stderr
    );
    assert!(!repo.join("config").exists(), "nothing was created");
    // Stripping the WORM rule from the config is caught by its MAC.
    env.repo(
        &repo,
        &["init", "--worm", "software", "--worm-retention", "1d"],
    )
    .ok();
    let cfg = std::fs::read_to_string(repo.join("config")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&cfg).unwrap();
    let mut v2 = v.clone();
    v2.as_object_mut().unwrap().remove("worm");
    std::fs::remove_file(repo.join("config")).unwrap();
    std::fs::write(repo.join("config"), serde_json::to_vec(&v2).unwrap()).unwrap();
    let r = env.repo(&repo, &["list"]).code(6);
    assert!(r.stderr.contains("MAC"), "{}", r.stderr);
}

#[test]
fn held_index_files_stay_until_their_retention_lapses_then_prune_consolidates_them() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(
        &repo,
        &["init", "--worm", "software", "--worm-retention", "12s"],
    )
    .ok();
    // More small index files than prune tolerates, one per backup.
    let n = 12;
    for i in 0..n {
        let t = env.path(&format!("t{i}"));
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(t.join("own.bin"), noise(10_000, 300 + i as u64)).unwrap();
        env.repo(&repo, &["backup", "-q", t.to_str().unwrap()]).ok();
    }
    let index_files = || std::fs::read_dir(repo.join("index")).unwrap().count();
    assert_eq!(index_files(), n);
    // Held: not deleted, so a rewrite would mostly add a file. (The
    // first few may have lapsed already on a slow machine.)
    let p = env.repo(&repo, &["prune", "--json"]).ok().json();
    assert!(
        p["totals"]["index_files_retained"].as_u64().unwrap() >= 4,
        "{p}"
    );
    assert_eq!(p["totals"]["consolidate_index"], false, "{p}");
    assert_eq!(index_files(), n);
    // Once their retention lapses, prune consolidates them.
    let listed = env.repo(&repo, &["list", "--json"]).ok().json();
    let last = listed.as_array().unwrap().last().unwrap()["retained_until"]
        .as_str()
        .unwrap()
        .to_string();
    sleep_past(&last);
    let p = env.repo(&repo, &["prune", "--json"]).ok().json();
    assert_eq!(p["totals"]["index_files_retained"], 0, "{p}");
    assert_eq!(p["outcome"]["index_files_deleted"], n, "{p}");
    assert_eq!(index_files(), 1);
    env.repo(&repo, &["verify", "--read-data"]).ok();
    assert_eq!(snapshot_ids(&env, &repo).len(), n);
}
