//! Each bad input gets a one-line error that says what to do, a non-zero exit,
//! and leaves a repository that later commands can open.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

#[test]
fn wrong_passphrase() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let r = run(env
        .cmd()
        .env("CAIRN_PASSWORD", "nope")
        .arg("-r")
        .arg(&repo)
        .arg("list"))
    .code(4);
    assert!(
        error_line(&r.stderr).contains("wrong passphrase"),
        "{}",
        r.stderr
    );
    env.repo(&repo, &["list"]).ok();
}

#[test]
fn missing_repository_and_folder_that_is_not_one() {
    let env = Env::new();
    let r = env.repo(&env.path("nothing"), &["list"]).code(5);
    assert!(error_line(&r.stderr).contains("cairn init"), "{}", r.stderr);
    let plain = env.path("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("file"), "x").unwrap();
    env.repo(&plain, &["list"]).code(5);
    // A folder with a foreign `config` file is not taken for a repository.
    std::fs::write(plain.join("config"), "[core]\nbare = false\n").unwrap();
    let r = env.repo(&plain, &["list"]);
    assert_ne!(r.code, 0);
    assert!(
        error_line(&r.stderr).contains("not valid JSON")
            || r.stderr.contains("not a cairn repository"),
        "{}",
        r.stderr
    );
}

#[test]
fn corrupted_and_tampered_config() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let cfg = std::fs::read_to_string(repo.join("config")).unwrap();
    // Tampered (valid JSON, changed field): detected by the MAC after unlock.
    edit_config(&repo, "\"compression\": 3", "\"compression\": 5");
    let r = env.repo(&repo, &["list"]).code(6);
    assert!(error_line(&r.stderr).contains("MAC"), "{}", r.stderr);
    // Truncated garbage.
    std::fs::write(repo.join("config"), &cfg[..20]).unwrap();
    let r = env.repo(&repo, &["list"]).code(6);
    assert!(error_line(&r.stderr).contains("config"), "{}", r.stderr);
    // Restoring the original makes it work again: nothing else was damaged.
    std::fs::write(repo.join("config"), &cfg).unwrap();
    env.repo(&repo, &["list"]).ok();
}

#[test]
fn newer_format_version_is_refused_with_upgrade_hint() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    edit_config(&repo, "\"version\": 3", "\"version\": 4");
    let r = env.repo(&repo, &["list"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        error_line(&r.stderr).contains("newer than this cairn supports")
            && r.stderr.contains("upgrade"),
        "{}",
        r.stderr
    );
}

#[test]
fn init_refuses_an_existing_repository() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let before = all_files(&repo);
    let r = env.repo(&repo, &["init"]);
    assert_ne!(r.code, 0);
    assert!(
        error_line(&r.stderr).contains("already exists"),
        "{}",
        r.stderr
    );
    assert_eq!(all_files(&repo), before);
}

#[test]
fn missing_source_path() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let r = env.repo(
        &repo,
        &["backup", env.path("does-not-exist").to_str().unwrap()],
    );
    assert_ne!(r.code, 0);
    assert!(
        error_line(&r.stderr).contains("does-not-exist"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was backed up"));
    assert_eq!(
        env.repo(&repo, &["list", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn malformed_exclude_and_now() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let src = env.path("repo");
    let r = env
        .repo(
            &repo,
            &["backup", src.to_str().unwrap(), "--exclude", "a[b"],
        )
        .code(2);
    assert!(error_line(&r.stderr).contains("exclude pattern"));
    let r = env
        .repo(
            &repo,
            &["backup", src.to_str().unwrap(), "--now", "yesterday"],
        )
        .code(2);
    assert!(error_line(&r.stderr).contains("RFC 3339"));
}

#[test]
fn unreadable_file_marks_the_snapshot_incomplete_with_exit_3() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    std::fs::write(src.join("locked"), b"private").unwrap();
    std::fs::set_permissions(
        src.join("locked"),
        std::os::unix::fs::PermissionsExt::from_mode(0o000),
    )
    .unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    // Root reads everything: drop to an unprivileged user for this run when we are root.
    let mut c = env.cmd();
    let is_root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    if is_root {
        for p in [env.dir.path().to_path_buf(), src.clone(), repo.clone()] {
            std::process::Command::new("chmod")
                .arg("-R")
                .arg("a+rwX")
                .arg(&p)
                .status()
                .unwrap();
        }
        std::fs::set_permissions(
            src.join("locked"),
            std::os::unix::fs::PermissionsExt::from_mode(0o000),
        )
        .unwrap();
        c = std::process::Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_cairn"),
        ])
        .env_clear()
        .env("CAIRN_PASSWORD", "test passphrase")
        .env("HOME", env.path("home"));
    }
    let r = run(c
        .arg("-r")
        .arg(&repo)
        .args(["backup", src.to_str().unwrap(), "--json"]))
    .code(3);
    let j = r.json();
    assert_eq!(j["incomplete"], true);
    assert_eq!(j["total_files"], 7);
    assert!(j["errors"][0]["path"].as_str().unwrap().ends_with("locked"));
    let list = env.repo(&repo, &["list", "--json"]).ok().json();
    assert_eq!(list[0]["incomplete"], true);
}

#[test]
fn full_disk_fails_cleanly_and_loses_nothing() {
    let env = Env::new();
    let Some(disk) = SmallDisk::mount(&env.path("disk"), "2m") else {
        eprintln!("SKIPPED full_disk_fails_cleanly_and_loses_nothing: mounting a tmpfs needs root");
        return;
    };
    let repo = env.path("disk/repo");
    env.repo(&repo, &["init"]).ok();
    let src = env.path("src");
    make_tree(&src);
    // Incompressible data larger than the disk.
    let noise = noise(6_000_000, 0x2545_f491_4f6c_dd1d);
    std::fs::write(src.join("noise.bin"), &noise).unwrap();
    let r = env.repo(&repo, &["backup", src.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(error_line(&r.stderr).contains("free space"), "{}", r.stderr);
    // The repository still opens, holds no snapshot, and works once there is room.
    assert_eq!(
        env.repo(&repo, &["list", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    disk.resize("64m");
    let j = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(j["total_files"], 8);
    let m = env.repo(&repo, &["manifest", "latest"]).ok();
    assert_sha256sum_ok(&env, &m.stdout, &src);
}

#[test]
fn one_file_system_stays_on_the_source_filesystem() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let Some(_disk) = SmallDisk::mount(&src.join("mnt"), "1m") else {
        eprintln!(
            "SKIPPED one_file_system_stays_on_the_source_filesystem: mounting a tmpfs needs root"
        );
        return;
    };
    std::fs::write(src.join("mnt/other-fs.txt"), b"elsewhere").unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let all = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(all["total_files"], 8);
    let one = env
        .repo(&repo, &["backup", src.to_str().unwrap(), "-x", "--json"])
        .ok()
        .json();
    assert_eq!(one["total_files"], 7);
    let m = env
        .repo(&repo, &["manifest", "latest", "--format", "json"])
        .ok()
        .json();
    // The mount point itself is kept (empty), so a restore recreates it.
    assert!(m["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["path"] == "mnt" && e["type"] == "dir"));
}

#[test]
fn a_full_or_read_only_backup_disk_can_still_be_restored_from() {
    let env = Env::new();
    let Some(disk) = SmallDisk::mount(&env.path("disk"), "16m") else {
        eprintln!("SKIPPED a_full_or_read_only_backup_disk_can_still_be_restored_from: mounting a tmpfs needs root");
        return;
    };
    let repo = env.path("disk/repo");
    env.repo(&repo, &["init"]).ok();
    let src = env.path("src");
    make_tree(&src);
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    // Fill the disk to the last byte: no lock object fits.
    let filler = env.path("disk/filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0x5au8; 1 << 16];
    while std::io::Write::write_all(&mut f, &block).is_ok() {}
    drop(f);
    let check = |what: &str| {
        let target = env.path(what);
        let r = env
            .repo(
                &repo,
                &["restore", "latest", "--target", target.to_str().unwrap()],
            )
            .ok();
        assert!(r.stderr.contains("reading without one"), "{}", r.stderr);
        assert_same_tree(&src, &target);
        env.repo(&repo, &["list", "--json"]).ok();
        env.repo(&repo, &["verify"]).ok();
    };
    check("restored-full");
    disk.read_only(true);
    check("restored-ro");
    disk.read_only(false);
}
