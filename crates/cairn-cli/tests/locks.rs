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
        assert_same_tree(src, &target);
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

/// This machine's identity as lock records carry it, for `pid` started at `start`.
/// The id of a process of this machine that has exited.
fn dead_pid() -> u32 {
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    pid
}

fn holder_here(start: u64) -> serde_json::Value {
    let read = |p: &str| std::fs::read_to_string(p).unwrap().trim().to_string();
    serde_json::json!({
        "machine": read("/etc/machine-id"),
        "boot": read("/proc/sys/kernel/random/boot_id"),
        "pidns": std::fs::read_link("/proc/self/ns/pid").unwrap().to_string_lossy(),
        "start": start,
    })
}

fn start_of(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let rest = &stat[stat.rfind(')').unwrap() + 1..];
    rest.split_whitespace().nth(19).unwrap().parse().unwrap()
}

/// A fresh exclusive lock held by `pid` on this machine, valid for 30 minutes.
fn plant_local_lock(repo: &std::path::Path, name: &str, pid: u32, start: u64) {
    std::fs::create_dir_all(repo.join("locks")).unwrap();
    let body = serde_json::json!({
        "version": 1, "mode": "exclusive", "purpose": "prune", "host": "here",
        "pid": pid, "created": "2026-01-01T00:00:00Z", "expires": "2099-01-01T00:00:00Z",
        "ttl_secs": 1800, "holder": holder_here(start),
    });
    std::fs::write(
        repo.join("locks").join(name),
        serde_json::to_vec(&body).unwrap(),
    )
    .unwrap();
}

#[test]
fn a_lock_whose_holder_died_on_this_machine_is_ignored_at_once() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    // A holder that exited (and was reaped): its pid runs no more.
    let pid = dead_pid();
    plant_local_lock(&repo, "000000000001-00000000000000aa", pid, 12345);
    env.repo(&repo, &["forget", "--keep-last", "1"]).ok();
    // A reused pid: this very test process, but not with the recorded start time.
    let me = std::process::id();
    plant_local_lock(&repo, "000000000001-00000000000000bb", me, start_of(me) + 1);
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    env.repo(&repo, &["prune"]).ok();
    assert_eq!(std::fs::read_dir(repo.join("locks")).unwrap().count(), 0);
}

#[test]
fn unlock_removes_dead_and_lapsed_locks_keeps_live_ones_and_force_removes_those() {
    let env = Env::new();
    let (_src, repo) = backed_up(&env);
    let pid = dead_pid();
    // Lapsed by the storage's clock (written an hour ago, from another host).
    plant_lock(&repo, "exclusive", "2020-01-01T00:00:00Z");
    std::fs::rename(
        repo.join("locks/000000000001-00000000000000aa"),
        repo.join("locks/000000000001-00000000000000cc"),
    )
    .unwrap();
    std::fs::File::options()
        .write(true)
        .open(repo.join("locks/000000000001-00000000000000cc"))
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    // Dead on this machine.
    plant_local_lock(&repo, "000000000001-00000000000000aa", pid, 1);
    // Live: this test process, with its real start time.
    let me = std::process::id();
    plant_local_lock(&repo, "000000000001-00000000000000dd", me, start_of(me));

    let j = env.repo(&repo, &["unlock", "--json"]).ok().json();
    let names = |j: &serde_json::Value, k: &str| -> Vec<String> {
        let mut v: Vec<String> = j[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&j, "removed"),
        [
            "000000000001-00000000000000aa",
            "000000000001-00000000000000cc"
        ],
        "{j}"
    );
    assert_eq!(names(&j, "kept"), ["000000000001-00000000000000dd"], "{j}");
    // Each removed lock is replaced by a stop note (its writer may have
    // stored packs no index names); a second unlock keeps the notes.
    let j = env.repo(&repo, &["unlock", "--json"]).ok().json();
    assert_eq!(j["removed"], serde_json::json!([]), "{j}");
    assert_eq!(names(&j, "notes").len(), 2, "{j}");
    env.repo(&repo, &["prune"]).code(7);
    let r = env.repo(&repo, &["unlock", "--force"]).ok();
    assert!(r.stdout.contains("forced"), "{}", r.stdout);
    env.repo(&repo, &["prune"]).ok();
    assert_eq!(std::fs::read_dir(repo.join("locks")).unwrap().count(), 0);
}

/// A prune that finds nothing to delete or rewrite still removes the stop
/// notes it saw, however it is run: `forget --prune` as `prune` does.
#[test]
fn forget_with_prune_and_nothing_to_prune_removes_the_notes() {
    let env = Env::new();
    let (_src, repo) = backed_up(&env);
    let pid = dead_pid();
    plant_local_lock(&repo, "000000000001-00000000000000aa", pid, 1);
    env.repo(&repo, &["unlock"]).ok();
    let records = lock_records(&repo);
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(records[0]["stopped"].is_string(), "{records:?}");
    let j = env
        .repo(&repo, &["forget", "--keep-last", "5", "--prune", "--json"])
        .ok()
        .json();
    assert_eq!(j["prune"]["packs_deleted"], 0, "{j}");
    assert_eq!(lock_records(&repo), Vec::<serde_json::Value>::new());
}

/// An interrupted backup releases its lock (SIGINT, SIGTERM) or cannot
/// (SIGKILL); either way it leaves a sign of the packs it stored before
/// its index: a stop note, or its dead lock. The next backup adopts every
/// one of them and removes the sign; prune runs at once.
#[test]
fn an_interrupted_backup_releases_its_lock_and_the_next_adopts_its_packs() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..40 {
        std::fs::write(src.join(format!("f{i}")), noise(4_000_000, i)).unwrap();
    }
    for signal in ["INT", "TERM", "KILL"] {
        let repo = env.path(&format!("repo-{signal}"));
        env.repo(&repo, &["init"]).ok();
        let Some((code, stderr)) = interrupt_backup(&env, &repo, &src, signal) else {
            // Finished before the signal landed: nothing to prove this round.
            eprintln!("backup finished before SIG{signal}");
            continue;
        };
        let locks = lock_records(&repo);
        if signal == "KILL" {
            assert_eq!(locks.len(), 1, "{locks:?}");
            assert!(locks[0].get("stopped").is_none(), "{locks:?}");
        } else {
            assert_eq!(code, Some(130), "{stderr}");
            assert!(stderr.contains("released the repository lock"), "{stderr}");
            // No lock; one note, since a pack was stored before the signal.
            assert_eq!(locks.len(), 1, "{locks:?}");
            let note = locks[0]["stopped"].as_str().unwrap();
            assert!(note.contains("that no index names"), "{note}");
        }
        let stored = packs(&repo) as u64;
        assert!(stored >= 1);
        let b = env
            .repo(&repo, &["backup", "--json", src.to_str().unwrap()])
            .ok()
            .json();
        assert_eq!(b["packs_adopted"], stored, "SIG{signal}: {b}");
        assert!(lock_records(&repo).is_empty(), "SIG{signal}");
        env.repo(&repo, &["prune"]).ok();
    }
}

/// Runs a backup of `src` into `repo` and sends it SIG`signal` once its
/// first pack is stored. Its exit code and stderr, or None if it finished
/// first.
fn interrupt_backup(
    env: &Env,
    repo: &std::path::Path,
    src: &std::path::Path,
    signal: &str,
) -> Option<(Option<i32>, String)> {
    let child = env
        .cmd()
        .arg("-r")
        .arg(repo)
        .args(["backup", "-q", "--force"])
        .arg(src)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t = std::time::Instant::now();
    while packs(repo) == 0 {
        assert!(t.elapsed().as_secs() < 60, "the backup never stored a pack");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let killed = std::process::Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    (o.status.code() != Some(0)).then_some((o.status.code(), stderr))
}

/// How many packs are stored (not the partial `.tmp-*` files).
fn packs(repo: &std::path::Path) -> usize {
    let Ok(dirs) = std::fs::read_dir(repo.join("data")) else {
        return 0;
    };
    dirs.flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .filter(|f| {
            !f.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".tmp-")
        })
        .count()
}

/// Every object under `locks/`, parsed.
fn lock_records(repo: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_dir(repo.join("locks"))
        .unwrap()
        .map(|e| serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap())
        .collect()
}
