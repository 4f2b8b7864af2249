//! Kill -9 matrix: every command that changes a repository, killed before
//! each of its writes or deletes in turn (the fault hook aborts the process
//! there, as SIGKILL would), and restore and backup also killed at times.
//! After every kill: every listed snapshot restores bit-exact, `verify
//! --read-data` passes, the credential still opens the repository, the
//! killed holder's lock does not block the next command, and a rerun
//! completes.
//!
//! CI runs a sample of the kill points (a few minutes); `CAIRN_KILL_MATRIX=full`
//! runs every point (scripts/kill-matrix.sh; docs/TESTING.md).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

fn full() -> bool {
    std::env::var("CAIRN_KILL_MATRIX").is_ok_and(|v| v == "full")
}

/// Kill points to try, in order: every one in the full run, a spread of
/// early and late ones otherwise.
fn points() -> Vec<u64> {
    if full() {
        (0..200).collect()
    } else {
        vec![0, 1, 2, 3, 5, 8, 13, 21, 34, 55]
    }
}

impl World {
    /// Runs `args` from a copy of the repository as it is now, killed
    /// before each kill point in turn; checks after each kill, then that a
    /// rerun completes. Returns how many kills were made.
    fn matrix(&self, what: &str, args: &[&str], env: &[(&str, &str)]) -> usize {
        // The client's own state (what it wrote, the pinned config) goes
        // back with the repository, or the next trial would rightly report
        // the previous trial's snapshot as deleted by the storage.
        let state = self.env.path("home/state");
        let base = self.env.path(&format!("base-{what}"));
        let base_state = self.env.path(&format!("base-{what}-state"));
        copy_dir(&self.repo, &base);
        copy_dir(&state, &base_state);
        let mut kills = 0;
        for n in points() {
            copy_dir(&base, &self.repo);
            copy_dir(&base_state, &state);
            let mut c = self.env.cmd();
            c.envs(env.iter().copied())
                .env("CAIRN_FAULT_ABORT_AFTER", n.to_string())
                .arg("-r")
                .arg(&self.repo)
                .args(args);
            let r = run(&mut c);
            if r.code == 0 {
                eprintln!("kill matrix: {what}: killed at {kills} points, then completed");
                return kills;
            }
            assert!(r.stderr.contains("aborting"), "{what} at {n}: {}", r.stderr);
            kills += 1;
            self.check(&format!("{what}{n}"));
            // The killed holder left its lock; on this host it is stale at
            // once, so the rerun is not blocked (no --wait, no unlock).
            let mut c = self.env.cmd();
            c.envs(env.iter().copied())
                .arg("-r")
                .arg(&self.repo)
                .args(args);
            run(&mut c).ok();
            self.check(&format!("{what}{n}-rerun"));
        }
        assert!(
            !full(),
            "{what} never completed within {} kill points",
            points().len()
        );
        kills
    }
}

#[test]
fn backup_forget_and_prune_killed_at_every_write() {
    let w = World::new();
    let kills = w.matrix(
        "backup",
        &["backup", "--tag", "v2", w.source("v2").to_str().unwrap()],
        &[],
    );
    assert!(kills >= 3, "backup was killed only {kills} times");
    w.backup("v2");
    w.backup("v1");
    let kills = w.matrix(
        "forget",
        &["forget", "--keep-last", "1", "--group-by", "host"],
        &[],
    );
    assert!(kills >= 2, "forget was killed only {kills} times");
    let kills = w.matrix("prune", &["prune", "--max-unused", "0"], &[]);
    assert!(kills >= 3, "prune was killed only {kills} times");
}

#[test]
fn prune_consolidating_the_index_killed_at_every_write() {
    // More small index files than prune tolerates, and nothing to delete:
    // the prune only writes the merged index and deletes the old files.
    let mut w = World::new();
    for i in 0..10 {
        w.add_small_version(&format!("s{i}"));
    }
    let kills = w.matrix("consolidate", &["prune"], &[]);
    assert!(kills >= 3, "prune was killed only {kills} times");
    let files = std::fs::read_dir(w.repo.join("index")).unwrap().count();
    assert_eq!(files, 1, "the completed prune left {files} index files");
}

#[test]
fn key_changes_killed_at_every_write() {
    let w = World::new();
    let kills = w.matrix(
        "keys-add",
        &["keys", "add", "--passphrase"],
        &[("CAIRN_NEW_PASSWORD", "second passphrase")],
    );
    assert!(kills >= 1);
    // The second passphrase, added, opens the repository.
    let mut c = w.env.cmd();
    c.env("CAIRN_PASSWORD", "second passphrase");
    run(c.arg("-r").arg(&w.repo).arg("list")).ok();

    // A rotation needs every slot's credential: a world with one slot.
    let w = World::new();
    let kills = w.matrix("rotate", &["keys", "rotate-master"], &[]);
    assert!(kills >= 3, "rotate-master was killed only {kills} times");
    w.env.repo(&w.repo, &["keys", "rotate-master"]).ok();
    w.backup("v2");
    let kills = w.matrix("rewrite", &["prune", "--rewrite-old-epochs"], &[]);
    assert!(
        kills >= 3,
        "prune --rewrite-old-epochs was killed only {kills} times"
    );
}

#[test]
fn restore_and_backup_killed_at_random_times_leave_nothing_half_done() {
    let w = World::new();
    // A fixed seed: the same times each run, spread over the command.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let delays: Vec<u64> = (0..if full() { 40 } else { 6 })
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % 400
        })
        .collect();
    let target = w.env.path("target");
    for (i, ms) in delays.iter().enumerate() {
        let mut c = w.env.cmd();
        c.arg("-r").arg(&w.repo);
        if i % 2 == 0 {
            c.args(["restore", "latest", "--target", target.to_str().unwrap()]);
        } else {
            c.args(["backup", "--tag", "v2", w.source("v2").to_str().unwrap()]);
        }
        let mut child = c
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(*ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        w.check(&format!("t{i}"));
        if i % 2 == 0 {
            // The rerun finishes what the killed restore left, and the
            // target ends up exactly the snapshot.
            w.env
                .repo(
                    &w.repo,
                    &["restore", "latest", "--target", target.to_str().unwrap()],
                )
                .ok();
            let latest = w.env.repo(&w.repo, &["list", "--json"]).ok().json();
            let tag = latest.as_array().unwrap().last().unwrap()["tags"][0]
                .as_str()
                .unwrap()
                .to_string();
            assert_same_tree(w.source(&tag), &target);
            std::fs::remove_dir_all(&target).unwrap();
        }
    }
}
