//! Many clients on one repository, through the real binary: clients backing
//! up at once all succeed and deduplicate against each other, and the many
//! small index files their backups leave are consolidated by prune, with
//! every snapshot still restoring and the data verifying.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn index_files(repo: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo.join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    v.sort();
    v
}

fn bytes_under(dir: &Path) -> u64 {
    all_files(dir).iter().map(|(_, b)| b.len() as u64).sum()
}

/// Every listed snapshot restores to the tree its tag names.
fn assert_restores(env: &Env, repo: &Path, tree_of: impl Fn(&str) -> PathBuf) {
    let list = env.repo(repo, &["list", "--json"]).ok().json();
    for (i, s) in list.as_array().unwrap().iter().enumerate() {
        let out = env.path(&format!("out-{i}"));
        env.repo(
            repo,
            &[
                "restore",
                s["id"].as_str().unwrap(),
                "-t",
                out.to_str().unwrap(),
            ],
        )
        .ok();
        assert_same_tree(&tree_of(s["tags"][0].as_str().unwrap()), &out);
        std::fs::remove_dir_all(&out).unwrap();
    }
}

#[test]
fn many_small_index_files_are_consolidated_by_prune_and_every_snapshot_restores() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    // Each backup adds one small new file, so each writes one pack and one
    // index file: the shape of a long history of small backups.
    let n = 24;
    for i in 0..n {
        let t = env.path(&format!("t{i}"));
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(t.join("shared.bin"), noise(300_000, 1)).unwrap();
        std::fs::write(t.join("own.bin"), noise(20_000, 100 + i as u64)).unwrap();
        let tag = format!("t{i}");
        env.repo(&repo, &["backup", "-q", "--tag", &tag, t.to_str().unwrap()])
            .ok();
    }
    let before = index_files(&repo);
    assert_eq!(before.len(), n, "one index file per backup");
    let saved = env.path("old-index");
    std::fs::create_dir_all(&saved).unwrap();
    for f in &before {
        std::fs::copy(f, saved.join(f.file_name().unwrap())).unwrap();
    }

    // A dry run says so and changes nothing.
    let d = env
        .repo(&repo, &["prune", "--dry-run", "--json"])
        .ok()
        .json();
    assert_eq!(d["totals"]["consolidate_index"], true, "{d}");
    assert_eq!(d["totals"]["index_files"], n, "{d}");
    assert_eq!(index_files(&repo).len(), n);

    // Nothing to remove, but the index is rewritten into one file.
    let p = env.repo(&repo, &["prune", "--json"]).ok().json();
    assert_eq!(p["totals"]["delete_packs"], 0, "{p}");
    assert_eq!(p["outcome"]["index_files_written"], 1, "{p}");
    assert_eq!(p["outcome"]["index_files_deleted"], n, "{p}");
    assert_eq!(index_files(&repo).len(), 1);
    let r = env.repo(&repo, &["prune"]).ok();
    assert!(r.stdout.contains("nothing to prune"), "{}", r.stdout);
    assert_restores(&env, &repo, |tag| env.path(tag));
    env.repo(&repo, &["verify", "--read-data"]).ok();

    // Killed between writing the new index and deleting the old ones: both
    // list the same packs. Readers take the duplicates in their stride, and
    // the next prune finishes the job.
    for f in std::fs::read_dir(&saved).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, repo.join("index").join(f.file_name().unwrap())).unwrap();
    }
    assert_eq!(index_files(&repo).len(), n + 1);
    env.repo(&repo, &["verify", "--read-data"]).ok();
    assert_eq!(snapshot_ids(&env, &repo).len(), n);
    env.repo(&repo, &["prune"]).ok();
    assert_eq!(index_files(&repo).len(), 1);
    env.repo(&repo, &["verify"]).ok();
}

#[test]
fn clients_backing_up_at_once_all_succeed_and_deduplicate_against_each_other() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let clients = 4;
    let shared = noise(1_500_000, 7);
    let mut inputs = 0u64;
    for i in 0..clients {
        let t = env.path(&format!("c{i}"));
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(t.join("shared.bin"), &shared).unwrap();
        std::fs::write(t.join("own.bin"), noise(300_000, 50 + i as u64)).unwrap();
        inputs += bytes_under(&t);
    }
    // Round 1: every client at once, each its own tree. All take the
    // shared lock; none waits for another.
    let at_once = |round: usize, tree: &dyn Fn(usize) -> usize| {
        let kids: Vec<_> = (0..clients)
            .map(|i| {
                let t = env.path(&format!("c{}", tree(i)));
                let tag = format!("c{}", tree(i));
                let mut c = env.cmd();
                c.arg("-r").arg(&repo).args(["backup", "-q", "--tag", &tag]);
                c.arg(&t)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped());
                c.spawn().unwrap()
            })
            .collect();
        for (i, k) in kids.into_iter().enumerate() {
            let o = k.wait_with_output().unwrap();
            assert!(
                o.status.success(),
                "round {round} client {i}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    };
    at_once(1, &|i| i);
    let after_first = bytes_under(&repo.join("data"));
    // Clients that started together could not see each other's packs: the
    // shared data is stored at most once per client, never more.
    assert!(after_first < inputs + 200_000, "{after_first} vs {inputs}");

    // Round 2: each client backs up another's tree; every chunk is already
    // stored by someone, so almost nothing is added (trees only).
    at_once(2, &|i| (i + 1) % clients);
    let grown = bytes_under(&repo.join("data")) - after_first;
    assert!(grown < 50_000, "round 2 stored {grown} bytes");
    assert_eq!(snapshot_ids(&env, &repo).len(), 2 * clients);

    // Prune keeps one copy of each chunk: the repository then holds the
    // shared data once and each client's own data once.
    env.repo(&repo, &["prune", "--max-unused", "0"]).ok();
    let stored = bytes_under(&repo.join("data"));
    let once = shared.len() as u64 + clients as u64 * 300_000;
    assert!(
        stored < once + once / 20,
        "{stored} stored for {once} distinct"
    );
    assert_restores(&env, &repo, |tag| env.path(tag));
    env.repo(&repo, &["verify", "--read-data"]).ok();
}
