//! Locks through the real binary: concurrent backups share, a live exclusive
//! lock refuses with a clear error, a stale one is ignored.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

#[test]
fn two_concurrent_backups_into_one_repository_both_succeed() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let (a, b) = (env.path("a"), env.path("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    // Large enough that the two runs overlap; partly shared so both dedup the same blobs.
    let shared = noise(6_000_000, 7);
    std::fs::write(a.join("shared"), &shared).unwrap();
    std::fs::write(b.join("shared"), &shared).unwrap();
    std::fs::write(a.join("own"), noise(4_000_000, 1)).unwrap();
    std::fs::write(b.join("own"), noise(4_000_000, 2)).unwrap();
    let spawn = |src: &std::path::Path| {
        env.cmd()
            .arg("-r")
            .arg(&repo)
            .args(["backup", "-q"])
            .arg(src)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (pa, pb) = (spawn(&a), spawn(&b));
    for p in [pa, pb] {
        let o = p.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let list = env.repo(&repo, &["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    env.repo(&repo, &["verify", "--read-data"]).ok();
    assert_eq!(std::fs::read_dir(repo.join("locks")).unwrap().count(), 0);
    for (src, t) in [(&a, "ra"), (&b, "rb")] {
        let snap = list
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["paths"][0].as_str().unwrap() == src.to_str().unwrap())
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let target = env.path(t);
        env.repo(&repo, &["restore", &snap, "-t", target.to_str().unwrap()])
            .ok();
        assert_eq!(all_files(&target), all_files(src));
    }
}

fn plant_lock(repo: &std::path::Path, mode: &str, expires: &str) {
    std::fs::create_dir_all(repo.join("locks")).unwrap();
    let body = serde_json::json!({
        "version": 1, "mode": mode, "purpose": "prune", "host": "otherhost",
        "pid": 4242, "created": "2026-01-01T00:00:00Z", "expires": expires,
    });
    std::fs::write(
        repo.join("locks/000000000001-00000000000000aa"),
        serde_json::to_vec(&body).unwrap(),
    )
    .unwrap();
}

#[test]
fn a_live_exclusive_lock_refuses_clearly_and_a_stale_one_is_ignored() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    // Written a moment ago: live, whatever its record says of its expiry.
    plant_lock(&repo, "exclusive", "2020-01-01T00:00:00Z");
    let r = env.repo(&repo, &["backup", src.to_str().unwrap()]).code(7);
    assert!(r.stderr.contains("locked"), "{}", r.stderr);
    assert!(
        r.stderr.contains("otherhost") && r.stderr.contains("4242"),
        "{}",
        r.stderr
    );
    let t = std::time::Instant::now();
    env.repo(&repo, &["--wait", "1s", "list"]).code(7);
    assert!(t.elapsed() >= std::time::Duration::from_secs(1));
    // Nothing was left behind by the refused runs.
    assert_eq!(std::fs::read_dir(repo.join("locks")).unwrap().count(), 1);
    assert_eq!(env.repo(&repo, &["list", "--json"]).code, 7);

    // The holder died long ago: by the storage's clock (the file's mtime) its
    // lock has lapsed, and it is ignored.
    plant_lock(&repo, "exclusive", "2020-01-01T00:00:00Z");
    let planted = std::fs::File::options()
        .write(true)
        .open(repo.join("locks/000000000001-00000000000000aa"))
        .unwrap();
    planted
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let r = env.repo(&repo, &["list", "--json"]).ok();
    assert_eq!(r.json().as_array().unwrap().len(), 2);
}
