//! `cairn copy`: a second repository with its own keys ends up with the
//! same snapshots (same manifests, restorable), a rerun copies nothing,
//! and the destination's credentials are its own.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

/// A destination repository under the passphrase "other", and the file holding it.
fn destination(env: &Env) -> (std::path::PathBuf, std::path::PathBuf) {
    let dst = env.path("second");
    let pw = env.path("second.pass");
    std::fs::write(&pw, "other\n").unwrap();
    run(env
        .cmd()
        .env("CAIRN_PASSWORD", "other")
        .arg("-r")
        .arg(&dst)
        .arg("init"))
    .ok();
    (dst, pw)
}

/// `cairn ARGS` on the destination, under its own passphrase.
fn on(env: &Env, dst: &std::path::Path, args: &[&str]) -> Run {
    run(env
        .cmd()
        .env("CAIRN_PASSWORD", "other")
        .arg("-r")
        .arg(dst)
        .args(args))
}

#[test]
fn copy_makes_the_same_snapshots_under_other_keys_and_a_rerun_copies_nothing() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    let (dst, pw) = destination(&env);
    let copy = |extra: &[&str]| {
        let mut args = vec!["copy", "--to", dst.to_str().unwrap(), "--to-password-file"];
        args.push(pw.to_str().unwrap());
        args.extend_from_slice(extra);
        args.push("--json");
        env.repo(&repo, &args).ok().json()
    };
    let first = copy(&[]);
    assert_eq!(first["copied"].as_array().unwrap().len(), 1, "{first}");
    assert!(first["blobs_stored"].as_u64().unwrap() > 0);

    // Same files, same SHA-256s: the manifests are identical.
    let on_dst = |args: &[&str]| on(&env, &dst, args).ok();
    let manifest = env.repo(&repo, &["manifest", "latest"]).ok().stdout;
    assert_eq!(on_dst(&["manifest", "latest"]).stdout, manifest);
    let target = env.path("restored");
    on_dst(&["restore", "latest", "--target", target.to_str().unwrap()]);
    assert_same_tree(&src, &target);

    let again = copy(&[]);
    assert_eq!(again["copied"], serde_json::json!([]));
    assert_eq!(again["present"].as_array().unwrap().len(), 1);
    assert_eq!(again["blobs_stored"], 0);

    // A new snapshot: only it is copied, and only its new data stored.
    std::fs::write(src.join("added.txt"), "a new file").unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let latest = copy(&["latest"]);
    assert_eq!(latest["copied"].as_array().unwrap().len(), 1);
    assert!(latest["blobs_stored"].as_u64().unwrap() <= 3, "{latest}");
    assert_eq!(snapshot_ids(&env, &repo).len(), 2);
    let listed = on_dst(&["list", "--json"]).json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

/// Several workers and writers: every copied snapshot has its source's
/// manifest (every path, type, size, mode, time and SHA-256), a second
/// snapshot that shares most subtrees with the first included, and the
/// destination verifies with its data read.
#[test]
fn a_copy_with_several_workers_keeps_every_snapshot_the_same() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    for d in 0..4 {
        let sub = src.join(format!("many/{d}"));
        std::fs::create_dir_all(&sub).unwrap();
        for f in 0..150 {
            std::fs::write(sub.join(f.to_string()), format!("{d}/{f}\n").repeat(f)).unwrap();
        }
    }
    std::fs::write(src.join("noise.bin"), noise(3 << 20, 5)).unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    std::fs::write(src.join("many/2/new"), "one more").unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let (dst, pw) = destination(&env);
    let (d, p) = (dst.to_str().unwrap(), pw.to_str().unwrap());
    let args = ["copy", "--to", d, "--to-password-file", p];
    let r = env
        .repo(
            &repo,
            &[&args[..], &["--workers", "4", "--uploads", "3", "--json"]].concat(),
        )
        .ok()
        .json();
    let pairs = r["copied"].as_array().unwrap();
    assert_eq!(pairs.len(), 3, "{r}");
    for pair in pairs {
        let (a, b) = (
            pair["source"].as_str().unwrap(),
            pair["destination"].as_str().unwrap(),
        );
        let theirs = on(&env, &dst, &["manifest", b]).ok().stdout;
        assert_eq!(
            env.repo(&repo, &["manifest", a]).ok().stdout,
            theirs,
            "{a} -> {b}"
        );
    }
    on(&env, &dst, &["verify", "--read-data"]).ok();
    let again = env
        .repo(&repo, &[&args[..], &["--json"]].concat())
        .ok()
        .json();
    assert_eq!(again["blobs_stored"], 0, "{again}");
}

#[test]
fn the_destination_needs_its_own_credentials() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    let (dst, _) = destination(&env);
    let wrong = env.path("wrong.pass");
    std::fs::write(&wrong, "not it\n").unwrap();
    let d = dst.to_str().unwrap();
    // The source's CAIRN_PASSWORD does not open it, with or without a file.
    env.repo(&repo, &["copy", "--to", d]).code(4);
    let w = wrong.to_str().unwrap();
    env.repo(&repo, &["copy", "--to", d, "--to-password-file", w])
        .code(4);
    let nowhere = env.path("nowhere");
    std::fs::create_dir_all(&nowhere).unwrap();
    env.repo(&repo, &["copy", "--to", nowhere.to_str().unwrap()])
        .code(5);
    assert!(snapshot_ids(&env, &repo).len() == 1);
}

/// Copy reports its progress like the other long commands: here as JSON
/// lines (`--progress json`), the last one with every snapshot counted.
#[test]
fn copy_reports_progress_per_snapshot() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    // A second snapshot sharing every subtree but one with the first: the
    // shared ones are not walked again, and the bytes still end at the total.
    std::fs::write(src.join("docs/new.txt"), b"one more file").unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let (dst, pw) = destination(&env);
    let r = env
        .repo(
            &repo,
            &[
                "--progress",
                "json",
                "copy",
                "--to",
                dst.to_str().unwrap(),
                "--to-password-file",
                pw.to_str().unwrap(),
            ],
        )
        .ok();
    let lines = progress_lines(&r.stderr);
    let last = lines.last().expect("a progress line");
    assert_eq!(last["progress"], "copy", "{last}");
    assert_eq!(last["unit"], "snapshots", "{last}");
    assert_eq!(last["done"], true, "{last}");
    assert_eq!(last["items"], 2, "{last}");
    assert_eq!(last["items"], last["total_items"], "{last}");
    assert_eq!(last["bytes"], last["total_bytes"], "{last}");
}

/// A copy killed at every write it makes to the destination (the fault
/// hook aborts the process right before its N+1-th write: no unwinding, no
/// lock released, as with `kill -9`) leaves a destination that lists no
/// snapshot without its data: `verify --read-data` passes and every
/// snapshot it lists has a source snapshot's manifest. A rerun then
/// completes and copies what is missing, and nothing more.
#[test]
fn a_copy_killed_at_any_write_leaves_no_snapshot_without_data_and_resumes() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    std::fs::write(src.join("second.bin"), noise(2 << 20, 2)).unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    std::fs::write(src.join("third.bin"), noise(1 << 20, 3)).unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let source: Vec<String> = snapshot_ids(&env, &repo)
        .iter()
        .map(|id| env.repo(&repo, &["manifest", id]).ok().stdout)
        .collect();
    assert_eq!(source.len(), 3);
    let (dst, pw) = destination(&env);
    let on_dst = |args: &[&str]| on(&env, &dst, args);
    let copy = |fault: Option<u64>| {
        let mut c = env.cmd();
        if let Some(n) = fault {
            c.env("CAIRN_FAULT_ABORT_AFTER", n.to_string());
        }
        run(c.arg("-r").arg(&repo).args([
            "copy",
            "--to",
            dst.to_str().unwrap(),
            "--to-password-file",
            pw.to_str().unwrap(),
            "--json",
        ]))
    };
    let mut kills = 0;
    for n in 0..60 {
        // Each round starts from what the rounds before left (`n` is
        // counted from this run's first write), so the kills land at
        // ever later points of one interrupted, resumed copy.
        let r = copy(Some(n));
        if r.code == 0 {
            // The run that got through: what earlier rounds left is
            // "present", the rest copied.
            let j = r.json();
            let seen =
                j["copied"].as_array().unwrap().len() + j["present"].as_array().unwrap().len();
            assert_eq!(seen, 3, "{j}");
            break;
        }
        kills += 1;
        assert!(r.stderr.contains("aborting"), "step {n}: {}", r.stderr);
        // The killed copy's lock on the destination is left behind; an
        // operator removes it once the process is gone.
        let _ = std::fs::remove_dir_all(dst.join("locks"));
        on_dst(&["verify", "--read-data"]).ok();
        for id in on_dst(&["list", "--json"]).ok().json().as_array().unwrap() {
            let m = on_dst(&["manifest", id["id"].as_str().unwrap()])
                .ok()
                .stdout;
            assert!(
                source.contains(&m),
                "step {n}: a copied snapshot's manifest is not a source's"
            );
        }
    }
    assert!(
        kills >= 3,
        "the copy made only {kills} writes to kill it at"
    );
    // Everything is there now, and a rerun has nothing left to do.
    let listed = on_dst(&["list", "--json"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed}");
    let again = copy(None).ok().json();
    assert_eq!(again["copied"], serde_json::json!([]), "{again}");
    assert_eq!(again["blobs_stored"], 0, "{again}");
    on_dst(&["verify", "--read-data"]).ok();
    let target = env.path("restored");
    on_dst(&["restore", "latest", "--target", target.to_str().unwrap()]).ok();
    assert_same_tree(&src, &target);
}
