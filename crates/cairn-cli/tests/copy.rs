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
    let on_dst = |args: &[&str]| {
        run(env
            .cmd()
            .env("CAIRN_PASSWORD", "other")
            .arg("-r")
            .arg(&dst)
            .args(args))
        .ok()
    };
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
