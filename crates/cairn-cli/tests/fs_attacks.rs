//! A local user racing Cairn in the source tree: what backup reads is what it
//! stat'ed, a deep tree costs only itself, and nothing outside is read in.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A new repository `repo` and a backup of `src` into it that must end
/// incomplete (exit code 3); its JSON.
fn back_up_incomplete(env: &Env, src: &Path) -> (std::path::PathBuf, serde_json::Value) {
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let r = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "--json"])
        .code(3)
        .json();
    assert_eq!(r["incomplete"], true);
    (repo, r)
}

/// `src` with `top.txt` and 1,024 folders of 255-byte names below it
/// (paths past what one system call takes); the deepest, open.
fn deep_source(env: &Env) -> (std::path::PathBuf, rustix::fd::OwnedFd) {
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("top.txt"), b"top").unwrap();
    let bottom = cairn_test_support::deep_chain(&src, &"d".repeat(255), 1024);
    (src, bottom)
}

/// Restores the latest snapshot of `repo` into `restored`, which must
/// then hold `top.txt`; the target.
fn restore_latest(env: &Env, repo: &Path) -> std::path::PathBuf {
    let target = env.path("restored");
    env.repo(
        repo,
        &["restore", "latest", "--target", target.to_str().unwrap()],
    )
    .ok();
    assert_eq!(std::fs::read(target.join("top.txt")).unwrap(), b"top");
    target
}

#[test]
fn a_directory_deeper_than_the_limit_is_named_and_the_rest_restores() {
    let env = Env::new();
    let src = env.path("src");
    let deep: std::path::PathBuf = std::iter::repeat_n("d", 1030).collect();
    std::fs::create_dir_all(src.join(&deep)).unwrap();
    std::fs::write(src.join(&deep).join("bottom"), b"too deep").unwrap();
    std::fs::write(src.join("top.txt"), b"top").unwrap();
    let (repo, r) = back_up_incomplete(&env, &src);
    assert!(r.to_string().contains("nested deeper than 1024"), "{r}");
    let target = restore_latest(&env, &repo);
    let limit: std::path::PathBuf = std::iter::repeat_n("d", 1024).collect();
    assert!(target.join(&limit).is_dir());
    assert!(!target.join(limit.join("d")).exists());
    env.repo(&repo, &["verify"]).ok();
}

#[test]
fn files_below_the_deepest_legal_folders_back_up_restore_and_pass_the_smoke_test() {
    // 1,024 folders of 255-byte names: the files at the bottom have paths
    // of 262 KB, 64 times what one system call opens. Every step works a
    // folder at a time; the smoke test re-hashed by path and called each
    // such file damaged ("File name too long").
    let env = Env::new();
    let (src, bottom) = deep_source(&env);
    for name in ["a", "b"] {
        let flags = rustix::fs::OFlags::WRONLY | rustix::fs::OFlags::CREATE;
        let f = rustix::fs::openat(&bottom, name, flags, rustix::fs::Mode::from_raw_mode(0o644))
            .unwrap();
        rustix::io::write(&f, format!("at the bottom: {name}").as_bytes()).unwrap();
    }
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let j = env
        .repo(&repo, &["verify", "--smoke", "--json"])
        .ok()
        .json();
    assert_eq!(j["ok"], true, "{j}");
    restore_latest(&env, &repo);
}

#[test]
fn more_problems_than_a_snapshot_can_list_still_make_a_snapshot_that_reads_back() {
    // 80 folders past the depth limit, below 1,024 levels of 255-byte
    // names: 80 problems whose paths are 262 KB each, 21 MB in all, more
    // than the 16 MiB a snapshot may hold (a local user can make a million
    // unreadable files as well). The snapshot lists the first 4 MiB of them
    // and counts the rest; before, it was written and never read again.
    let env = Env::new();
    let (src, bottom) = deep_source(&env);
    for i in 0..80 {
        let name = format!("{i:0>255}");
        rustix::fs::mkdirat(
            &bottom,
            name.as_str(),
            rustix::fs::Mode::from_raw_mode(0o755),
        )
        .unwrap();
    }
    let (repo, r) = back_up_incomplete(&env, &src);
    let errors = r["errors"].as_array().unwrap();
    let (last, listed) = errors.split_last().unwrap();
    assert!((10..80).contains(&listed.len()), "{} listed", listed.len());
    assert!(listed.iter().all(|e| e["error"]
        .as_str()
        .unwrap()
        .contains("nested deeper than 1024")));
    assert_eq!(last["path"], "");
    let more = 80 - listed.len();
    assert!(
        last["error"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{more} more problem(s) not listed")),
        "{last}"
    );
    // The snapshot reads back: listed, restored, verified.
    let list = env.repo(&repo, &["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    restore_latest(&env, &repo);
    env.repo(&repo, &["verify"]).ok();
}

/// Swaps files `v00`..`v99` in `dir` for symlinks to `secret` and back (and
/// now and then for a fifo) until told to stop.
fn racer(dir: &Path, secret: &Path, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    let (dir, secret) = (dir.to_path_buf(), secret.to_path_buf());
    std::thread::spawn(move || {
        let mut swaps = 0u64;
        let tmp = dir.join(".swap");
        while !stop.load(Ordering::Relaxed) && swaps < 20_000_000 {
            let victim = dir.join(format!("v{:02}", swaps % 100));
            let _ = std::fs::remove_file(&tmp);
            if swaps.is_multiple_of(997) {
                let _ = std::process::Command::new("mkfifo").arg(&tmp).status();
            } else if swaps.is_multiple_of(2) {
                std::os::unix::fs::symlink(&secret, &tmp).unwrap();
            } else {
                std::fs::write(&tmp, b"mine").unwrap();
            }
            let _ = std::fs::rename(&tmp, &victim);
            swaps += 1;
        }
        swaps
    })
}

/// A race, so it proves little alone (the window between `lstat` and `open`
/// is microseconds); the unit tests of `backup::scan` swap deterministically.
/// This one proves the whole binary never hangs, crashes or stores the
/// secret under load.
#[test]
fn a_file_swapped_for_a_symlink_or_fifo_while_backed_up_never_stores_what_it_points_at() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..100 {
        std::fs::write(src.join(format!("v{i:02}")), b"mine").unwrap();
    }
    let secret = env.path("secret");
    std::fs::write(&secret, b"root's secret, never in a user's snapshot").unwrap();
    let secret_sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        std::fs::read(&secret).unwrap(),
    ));
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let stop = Arc::new(AtomicBool::new(false));
    let t = racer(&src, &secret, stop.clone());
    for _ in 0..25 {
        // Exit 0 or 3 (a swapped entry is reported); never a hang or a crash.
        let r = env.repo(&repo, &["backup", src.to_str().unwrap(), "--force"]);
        assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
    }
    stop.store(true, Ordering::Relaxed);
    assert!(t.join().unwrap() > 0);
    let list = env.repo(&repo, &["list", "--json"]).ok().json();
    for s in list.as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let m = env.repo(&repo, &["manifest", id]).ok();
        assert!(
            !m.stdout.contains(&secret_sha),
            "snapshot {id} holds the secret"
        );
    }
}

/// Mode, owner, mtime and content of every entry under `root` (not following symlinks).
fn fingerprint(root: &Path) -> Vec<(std::path::PathBuf, u32, u32, i64, Vec<u8>)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let md = std::fs::symlink_metadata(&p).unwrap();
        let content = if md.is_file() {
            std::fs::read(&p).unwrap()
        } else {
            Vec::new()
        };
        if md.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        }
        out.push((p, md.mode(), md.uid(), md.mtime(), content));
    }
    out.sort();
    out
}

#[test]
fn a_local_user_swapping_restored_folders_for_symlinks_changes_nothing_outside() {
    let env = Env::new();
    let src = env.path("src");
    for i in 0..60 {
        let d = src.join(format!("d{i:02}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("f"), format!("file {i}")).unwrap();
        std::fs::set_permissions(&d, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
        std::fs::set_permissions(
            d.join("f"),
            std::os::unix::fs::PermissionsExt::from_mode(0o666),
        )
        .unwrap();
    }
    let canary = env.path("canary");
    std::fs::create_dir_all(canary.join("sub")).unwrap();
    std::fs::write(canary.join("secret"), b"do not touch").unwrap();
    std::fs::write(canary.join("sub/f"), b"nor this").unwrap();
    std::fs::set_permissions(
        canary.join("secret"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let before = fingerprint(&canary);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let target = env.path("target");
    let stop = Arc::new(AtomicBool::new(false));
    let racer = {
        let (target, canary, stop) = (target.clone(), canary.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) && n < 5_000_000 {
                let i = n % 60;
                let d = target.join(format!("d{i:02}"));
                let aside = target.join(format!("aside{n}"));
                if std::fs::rename(&d, &aside).is_ok() {
                    let to = if n.is_multiple_of(2) {
                        canary.join("secret")
                    } else {
                        canary.join("sub")
                    };
                    let _ = std::os::unix::fs::symlink(&to, &d);
                }
                // Only through a real folder: the racer must not write
                // through its own symlinks (only it turns folders into links).
                let d = target.join(format!("d{:02}", (n + 7) % 60));
                let real = std::fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir());
                let f = d.join("f");
                if real && std::fs::remove_file(&f).is_ok() {
                    let _ = std::os::unix::fs::symlink(canary.join("secret"), &f);
                }
                n += 1;
            }
            n
        })
    };
    for _ in 0..15 {
        let r = env.repo(
            &repo,
            &[
                "restore",
                "latest",
                "--target",
                target.to_str().unwrap(),
                "--overwrite",
                "always",
            ],
        );
        assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
    }
    stop.store(true, Ordering::Relaxed);
    assert!(racer.join().unwrap() > 0);
    assert_eq!(
        fingerprint(&canary),
        before,
        "something outside the target changed"
    );
}
