//! `cairn init` / `backup` / `list` / `manifest` / `keys status` on the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn backup_list_manifest_round_trip_and_sha256sum_checks_the_source() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let r = env
        .repo(
            &repo,
            &["backup", src.to_str().unwrap(), "--tag", "t1", "--json"],
        )
        .ok()
        .json();
    assert_eq!(r["total_files"], 7);
    assert_eq!(r["files_new"], 7);
    assert_eq!(r["incomplete"], false);
    let id = r["snapshot_id"].as_str().unwrap().to_string();

    let list = env.repo(&repo, &["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["tags"][0], "t1");
    assert_eq!(
        env.repo(&repo, &["list", "--tag", "other", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // The sha256sum manifest checks out inside the source tree with coreutils alone.
    let m = env.repo(&repo, &["manifest", &id[..10]]).ok();
    assert_sha256sum_ok(&env, &m.stdout, &src);
    assert_eq!(m.stdout.lines().count(), 7);

    let j = env
        .repo(&repo, &["manifest", "latest", "--format", "json"])
        .ok()
        .json();
    let entries = j["entries"].as_array().unwrap();
    let find = |p: &str| {
        entries
            .iter()
            .find(|e| e["path"] == p)
            .unwrap_or_else(|| panic!("{p} missing"))
    };
    assert_eq!(find("link")["type"], "symlink");
    assert_eq!(find("link")["target"], "hello.txt");
    assert_eq!(find("empty")["type"], "dir");
    assert_eq!(find("docs/deep/er/note")["size"], 9);
}

#[test]
fn incremental_backup_reads_only_what_changed() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let first = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "--json"])
        .ok()
        .json();
    let second = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(second["files_unchanged"], 7);
    assert_eq!(second["bytes_read"], 0);
    assert_eq!(second["bytes_added"], 0);
    assert_eq!(second["parent"], first["snapshot_id"]);
    std::fs::write(src.join("docs/readme.md"), b"changed").unwrap();
    std::fs::write(src.join("new.txt"), b"new").unwrap();
    let third = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(third["files_changed"], 1);
    assert_eq!(third["files_new"], 1);
    assert_eq!(third["files_unchanged"], 6);
    assert_eq!(third["bytes_read"], 10);
}

#[test]
fn plaintext_never_reaches_the_repository() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    let marker = "CAIRN-PLAINTEXT-MARKER-7f3a9c";
    std::fs::write(src.join("secret.txt"), format!("{marker}\n").repeat(50)).unwrap();
    std::fs::write(src.join(format!("{marker}.name")), b"x").unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init", "--compression", "0"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap(), "--tag", "tagged"])
        .ok();
    let files = all_files(&repo);
    assert!(files.len() >= 5);
    for (p, bytes) in files {
        let hay = String::from_utf8_lossy(&bytes);
        assert!(!hay.contains(marker), "marker found in {}", p.display());
        assert!(
            !hay.contains("secret.txt"),
            "file name found in {}",
            p.display()
        );
        assert!(!hay.contains("tagged"), "tag found in {}", p.display());
    }
}

#[test]
fn same_tree_key_and_time_give_the_same_snapshot_and_bytes() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let a = env.path("a");
    env.repo(&a, &["init"]).ok();
    let b = env.path("b");
    let cp = std::process::Command::new("cp")
        .arg("-a")
        .arg(&a)
        .arg(&b)
        .status()
        .unwrap();
    assert!(cp.success());
    let now = "2026-11-27T05:30:00Z";
    let args = |r: &std::path::Path| {
        env.repo(
            r,
            &[
                "backup",
                src.to_str().unwrap(),
                "--now",
                now,
                "--host",
                "h",
                "--json",
            ],
        )
        .ok()
        .json()
    };
    let ra = args(&a);
    let rb = args(&b);
    assert_eq!(ra["snapshot_id"], rb["snapshot_id"]);
    let fa = all_files(&a);
    let fb = all_files(&b);
    assert_eq!(fa.len(), fb.len());
    for ((pa, ba), (pb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{} differs", pa.display());
    }
}

#[test]
fn default_repository_is_created_with_a_private_key_file() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let mut c = env.cmd();
    c.env_remove("CAIRN_PASSWORD")
        .args(["backup", src.to_str().unwrap()]);
    let r = run(&mut c).ok();
    let key = env.path("home/data/cairn/default.key");
    assert!(r.stderr.contains(key.to_str().unwrap()), "{}", r.stderr);
    assert!(r.stderr.contains("copy that key file somewhere safe"));
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(env.path("home/data/cairn/default/config").exists());
    // Second run reuses it; list works without any credential flags.
    let mut c = env.cmd();
    c.env_remove("CAIRN_PASSWORD")
        .args(["backup", src.to_str().unwrap(), "--json"]);
    assert_eq!(run(&mut c).ok().json()["files_unchanged"], 7);
    let mut c = env.cmd();
    c.env_remove("CAIRN_PASSWORD").args(["list", "--json"]);
    assert_eq!(run(&mut c).ok().json().as_array().unwrap().len(), 2);
    let mut c = env.cmd();
    c.env_remove("CAIRN_PASSWORD")
        .args(["keys", "status", "--json"]);
    let st = run(&mut c).ok().json();
    assert_eq!(st["slots"][0]["kind"], "keyfile");
    assert!(st["warnings"][0]
        .as_str()
        .unwrap()
        .contains("only 1 key slot"));
    assert!(!st.to_string().contains(
        &std::fs::read_to_string(&key)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .to_string()
    ));
}

#[test]
fn password_file_and_command_unlock() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    std::fs::write(env.path("pw"), "test passphrase\n").unwrap();
    let mut c = env.cmd();
    c.env_remove("CAIRN_PASSWORD")
        .arg("-r")
        .arg(&repo)
        .arg("--password-file")
        .arg(env.path("pw"))
        .args(["backup", src.to_str().unwrap()]);
    run(&mut c).ok();
    let mut c = env.cmd();
    c.env_remove("CAIRN_PASSWORD").arg("-r").arg(&repo).args([
        "--password-command",
        "echo 'test passphrase'",
        "list",
    ]);
    run(&mut c).ok();
}

#[test]
fn excludes_from_flags_and_files() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    std::fs::write(src.join("scratch.tmp"), b"tmp").unwrap();
    std::fs::create_dir_all(src.join("cache/sub")).unwrap();
    std::fs::write(src.join("cache/sub/x"), b"x").unwrap();
    std::fs::write(env.path("excludes"), "# comment\n\ncache\n").unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let ef = env.path("excludes");
    let j = env
        .repo(
            &repo,
            &[
                "backup",
                src.to_str().unwrap(),
                "--exclude",
                "*.tmp",
                "--exclude-file",
                ef.to_str().unwrap(),
                "--json",
            ],
        )
        .ok()
        .json();
    assert_eq!(j["total_files"], 7);
    let m = env
        .repo(&repo, &["manifest", "latest", "--format", "json"])
        .ok()
        .json();
    let paths = json_paths(&m["entries"]);
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("tmp") || p.starts_with("cache")),
        "{paths:?}"
    );
}

#[test]
fn a_killed_backup_leaves_a_repository_that_works() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let noise = noise(48_000_000, 0x9e37_79b9_7f4a_7c15);
    std::fs::write(src.join("noise.bin"), &noise).unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    for delay_ms in [50u64, 150, 400] {
        let mut child = env
            .cmd()
            .arg("-r")
            .arg(&repo)
            .args(["backup", "-q", "--workers", "1", src.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever point it died at, the repository opens and lists.
        env.repo(&repo, &["list", "--json"]).ok();
    }
    let j = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(j["total_files"], 8);
    let m = env.repo(&repo, &["manifest", "latest"]).ok();
    assert_sha256sum_ok(&env, &m.stdout, &src);
    // No temporary file was left under a real name: every pack's name is its SHA-256.
    for (p, bytes) in all_files(&repo.join("data")) {
        use std::io::Write;
        let mut h = std::process::Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        h.stdin.take().unwrap().write_all(&bytes).unwrap();
        let out = String::from_utf8(h.wait_with_output().unwrap().stdout).unwrap();
        assert_eq!(
            out.split_whitespace().next().unwrap(),
            p.file_name().unwrap().to_str().unwrap()
        );
    }
}

#[test]
fn a_backup_shows_progress_on_a_terminal_and_nothing_otherwise() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    std::fs::write(src.join("big.bin"), noise(32 << 20, 5)).unwrap();
    let piped = env.path("piped");
    env.repo(&piped, &["init"]).ok();
    let r = env.repo(&piped, &["backup", src.to_str().unwrap()]).ok();
    assert!(!shows_bar(&r.stderr, "files"), "{}", r.stderr);
    let tty = env.path("tty");
    env.repo(&tty, &["init"]).ok();
    let r = on_terminal(
        &env,
        &["-r", tty.to_str().unwrap(), "backup", src.to_str().unwrap()],
    )
    .ok();
    assert!(shows_bar(&r.stdout, "files"), "{:?}", r.stdout);
}
