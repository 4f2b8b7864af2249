//! `cairn restore` on the real binary: round trip, idempotence, dry run, safety.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

/// Every entry with type, mode, size, mtime and link target, as `find -printf` would list them.
fn listing(root: &Path) -> Vec<String> {
    let out = std::process::Command::new("find")
        .arg(".")
        .args(["-mindepth", "1", "-printf", "%y %m %s %T@ %P %l\\n"])
        .current_dir(root)
        .output()
        .unwrap();
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            // Directory sizes are filesystem-specific.
            if l.starts_with("d ") {
                let mut p: Vec<&str> = l.splitn(4, ' ').collect();
                p[2] = "-";
                p.join(" ")
            } else {
                l.to_string()
            }
        })
        .collect();
    lines.sort();
    lines
}

fn rich_tree(src: &Path) {
    make_tree(src);
    use std::os::unix::fs::symlink;
    symlink("/etc/hostname", src.join("absolute-link")).unwrap();
    symlink("does/not/exist", src.join("dangling-link")).unwrap();
    std::fs::write(src.join("ünïcödé — 文件.txt"), "unicode").unwrap();
    std::fs::write(src.join("x".repeat(250)), "long name").unwrap();
    let f = std::fs::File::create(src.join("sparse.img")).unwrap();
    f.set_len(20 * 1024 * 1024).unwrap();
    std::fs::set_permissions(src.join("docs"), std::fs::Permissions::from_mode(0o750)).unwrap();
    std::fs::set_permissions(
        src.join("hello.txt"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
}

/// Flips `bit` in the byte at 1/`part` of the repository's only data pack:
/// a small backup writes two packs, its data and its trees (docs/FORMAT.md
/// §6), and the trees of these small sources are far smaller.
fn damage_the_only_data_pack(repo: &Path, part: usize, bit: u8) {
    let packs = all_files(&repo.join("data"));
    assert_eq!(packs.len(), 2);
    let (rel, mut bytes) = packs.into_iter().max_by_key(|(_, b)| b.len()).unwrap();
    let at = bytes.len() / part;
    bytes[at] ^= bit;
    let path = repo.join("data").join(&rel);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&path, &bytes).unwrap();
}

/// Restores the latest snapshot into `out`, expecting exit code 3 (incomplete).
fn restore_expecting_errors(env: &Env, repo: &Path, out: &Path) -> Run {
    let target = out.to_str().unwrap();
    env.repo(repo, &["restore", "latest", "--target", target, "--json"])
        .code(3)
}

#[test]
fn round_trip_of_every_kind_of_entry_then_rerun_writes_nothing() {
    let env = Env::new();
    let src = env.path("src");
    rich_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let out = env.path("out");
    let j = env
        .repo(
            &repo,
            &[
                "restore",
                "latest",
                "--target",
                out.to_str().unwrap(),
                "--json",
            ],
        )
        .ok()
        .json();
    assert_eq!(j["report"]["errors"].as_array().unwrap().len(), 0);
    let diff = std::process::Command::new("diff")
        .args(["-r", "--no-dereference"])
        .arg(&src)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        diff.status.success(),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
    assert_eq!(listing(&src), listing(&out));
    // Hard links are links again; the sparse file has holes.
    assert_eq!(
        std::fs::metadata(out.join("hard.txt")).unwrap().ino(),
        std::fs::metadata(out.join("hello.txt")).unwrap().ino()
    );
    assert!(std::fs::metadata(out.join("sparse.img")).unwrap().blocks() < 1024);
    // sha256sum -c of the manifest passes inside the restored tree.
    let m = env.repo(&repo, &["manifest", "latest"]).ok();
    assert_sha256sum_ok(&env, &m.stdout, &out);
    // Again: nothing is written.
    let again = env
        .repo(
            &repo,
            &[
                "restore",
                "latest",
                "--target",
                out.to_str().unwrap(),
                "--json",
            ],
        )
        .ok()
        .json();
    assert_eq!(again["report"]["files_written"], 0);
    assert_eq!(again["report"]["others_created"], 0);
    assert_eq!(again["report"]["dirs_created"], 0);
    assert_eq!(listing(&src), listing(&out));
}

#[test]
fn dry_run_changes_nothing_and_plans_overwrites() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    let out = env.path("out");
    let p = env
        .repo(
            &repo,
            &[
                "restore",
                "latest",
                "--target",
                out.to_str().unwrap(),
                "--dry-run",
                "--json",
            ],
        )
        .ok()
        .json();
    assert_eq!(p["totals"]["create"], 12);
    assert!(!out.exists(), "dry run created the target");
    env.repo(
        &repo,
        &["restore", "latest", "--target", out.to_str().unwrap()],
    )
    .ok();
    std::fs::write(out.join("docs/readme.md"), "local edit").unwrap();
    std::fs::write(out.join("extra.txt"), "not in snapshot").unwrap();
    let p = env
        .repo(
            &repo,
            &[
                "restore",
                "latest",
                "--target",
                out.to_str().unwrap(),
                "--dry-run",
                "--delete",
                "--json",
            ],
        )
        .ok()
        .json();
    assert_eq!(p["totals"]["overwrite"], 1);
    assert_eq!(p["totals"]["delete"], 1);
    assert_eq!(
        std::fs::read_to_string(out.join("docs/readme.md")).unwrap(),
        "local edit"
    );
    assert!(out.join("extra.txt").exists());
    // Acting on it: the edit is undone, the extra file removed.
    env.repo(
        &repo,
        &[
            "restore",
            "latest",
            "--target",
            out.to_str().unwrap(),
            "--delete",
        ],
    )
    .ok();
    assert_eq!(
        std::fs::read(out.join("docs/readme.md")).unwrap(),
        std::fs::read(src.join("docs/readme.md")).unwrap()
    );
    assert!(!out.join("extra.txt").exists());
    // Include narrows the restore.
    let only = env.path("only");
    env.repo(
        &repo,
        &[
            "restore",
            "latest",
            "--target",
            only.to_str().unwrap(),
            "--include",
            "docs/**",
        ],
    )
    .ok();
    assert!(only.join("docs/deep/er/note").exists());
    assert!(!only.join("hello.txt").exists());
}

#[test]
fn a_symlink_planted_in_the_target_is_never_followed() {
    let env = Env::new();
    let (_src, repo) = backed_up(&env);
    let out = env.path("out");
    let outside = env.path("outside");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("docs")).unwrap();
    let r = env
        .repo(
            &repo,
            &["restore", "latest", "--target", out.to_str().unwrap()],
        )
        .code(3);
    assert!(r.stderr.contains("docs"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "wrote outside the target"
    );
    // Everything else was restored.
    assert!(out.join("hello.txt").exists());
    assert!(out.join("big.bin").exists());
}

#[test]
fn targets_outside_the_allowlist_are_refused() {
    let env = Env::new();
    let (_src, repo) = backed_up(&env);
    let allowed = env.path("allowed");
    std::fs::create_dir_all(&allowed).unwrap();
    std::os::unix::fs::symlink(env.path("elsewhere"), allowed.join("escape")).unwrap();
    std::fs::create_dir_all(env.path("elsewhere")).unwrap();
    let run_with = |t: &Path| {
        run(env
            .cmd()
            .env("CAIRN_RESTORE_ALLOW", &allowed)
            .arg("-r")
            .arg(&repo)
            .args(["restore", "latest", "--target"])
            .arg(t))
    };
    run_with(&allowed.join("ok")).ok();
    let r = run_with(&env.path("forbidden"));
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("outside the allowed roots"),
        "{}",
        r.stderr
    );
    // A symlink inside the allowed root that points outside does not count as inside.
    let r = run_with(&allowed.join("escape/sub"));
    assert_ne!(r.code, 0);
    assert_eq!(std::fs::read_dir(env.path("elsewhere")).unwrap().count(), 0);
    let r = run_with(&allowed.join("../forbidden2"));
    assert_ne!(r.code, 0);
    assert!(!env.path("forbidden2").exists());
}

#[test]
fn a_damaged_pack_fails_only_the_files_it_holds() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init", "--compression", "0"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    // Flip one byte inside big.bin's data: find the pack holding it.
    damage_the_only_data_pack(&repo, 2, 0x40);
    let out = env.path("out");
    let r = restore_expecting_errors(&env, &repo, &out);
    let j = r.json();
    let errors = j["report"]["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    // The damaged file is not in the target, not even partly; no temporary is left.
    for e in errors {
        let p = out.join(e["path"].as_str().unwrap());
        assert!(!p.exists(), "{} written despite damage", p.display());
    }
    assert!(
        out.join("docs/deep/er/note").exists()
            || errors.iter().any(|e| e["path"] == "docs/deep/er/note")
    );
    let leftovers = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".cairn-tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn a_killed_restore_completes_on_rerun_without_rewriting_finished_files() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    for i in 0..40 {
        std::fs::write(src.join(format!("blob{i:02}.bin")), noise(1_500_000, i + 1)).unwrap();
    }
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let out = env.path("out");
    let mut child = env
        .cmd()
        .arg("-r")
        .arg(&repo)
        .args(["restore", "latest", "--workers", "1", "--target"])
        .arg(&out)
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    let j = env
        .repo(
            &repo,
            &[
                "restore",
                "latest",
                "--target",
                out.to_str().unwrap(),
                "--json",
            ],
        )
        .ok()
        .json();
    let diff = std::process::Command::new("diff")
        .args(["-r", "--no-dereference"])
        .arg(&src)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        diff.status.success(),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
    assert_eq!(listing(&src), listing(&out));
    // Whatever the first run finished was not written again.
    assert!(j["report"]["files_written"].as_u64().unwrap() <= 47);
    assert_eq!(j["report"]["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn a_full_target_disk_fails_the_files_that_do_not_fit_and_nothing_else() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    std::fs::write(src.join("zz-large.bin"), noise(3_000_000, 5)).unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let Some(disk) = SmallDisk::mount(&env.path("small"), "4m") else {
        eprintln!("SKIPPED a_full_target_disk_fails_the_files_that_do_not_fit_and_nothing_else: mounting a tmpfs needs root");
        return;
    };
    let out = env.path("small/out");
    let r = env
        .repo(
            &repo,
            &[
                "restore",
                "latest",
                "--target",
                out.to_str().unwrap(),
                "--workers",
                "1",
            ],
        )
        .code(3);
    assert!(
        r.stderr.contains("free space") || r.stderr.contains("No space"),
        "{}",
        r.stderr
    );
    // Small files made it; no temporary is left behind.
    assert_eq!(
        std::fs::read(out.join("hello.txt")).unwrap(),
        b"hello world\n"
    );
    disk.resize("64m");
    env.repo(
        &repo,
        &["restore", "latest", "--target", out.to_str().unwrap()],
    )
    .ok();
    let diff = std::process::Command::new("diff")
        .args(["-r", "--no-dereference"])
        .arg(&src)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        diff.status.success(),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
}

#[test]
fn shared_chunks_reach_every_file_and_damage_fails_identical_files_together() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(src.join("copies")).unwrap();
    let (a, b, c) = (noise(3 << 20, 11), noise(3 << 20, 12), noise(3 << 20, 13));
    for i in 0..30 {
        std::fs::write(src.join(format!("copies/a{i:02}")), &a).unwrap();
    }
    std::fs::write(src.join("ab"), [a.as_slice(), b.as_slice()].concat()).unwrap();
    std::fs::write(src.join("ba"), [b.as_slice(), a.as_slice()].concat()).unwrap();
    std::fs::write(src.join("c"), &c).unwrap();
    std::fs::write(src.join("empty"), b"").unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init", "--compression", "0"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let want = all_files(&src);
    let out = env.path("out");
    env.repo(
        &repo,
        &["restore", "latest", "--target", out.to_str().unwrap()],
    )
    .ok();
    assert_eq!(all_files(&out), want);

    // Damage one blob: the 30 identical copies share every chunk, so they
    // fail or restore together, and whatever restores is exact.
    damage_the_only_data_pack(&repo, 3, 0x01);
    let out = env.path("out-damaged");
    let r = restore_expecting_errors(&env, &repo, &out);
    let failed: Vec<String> = r.json()["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert!(!failed.is_empty());
    let copies_failed = failed.iter().filter(|p| p.starts_with("copies/")).count();
    assert!(copies_failed == 0 || copies_failed == 30, "{failed:?}");
    let got = all_files(&out);
    assert!(got.len() + failed.len() == want.len(), "{failed:?}");
    for (p, data) in &got {
        let orig = want.iter().find(|(q, _)| q == p).unwrap();
        assert_eq!(&orig.1, data, "{} restored differently", p.display());
    }
}

#[test]
fn a_restore_shows_progress_on_a_terminal_and_nothing_otherwise() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    std::fs::write(src.join("big.bin"), noise(24 << 20, 7)).unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    // Piped stderr (scripts, logs): the summary line only.
    let piped = env.path("piped");
    let r = env
        .repo(
            &repo,
            &["restore", "latest", "--target", piped.to_str().unwrap()],
        )
        .ok();
    assert!(!shows_bar(&r.stderr, "files"), "{}", r.stderr);
    // On a terminal: a bar with its counts.
    let tty = env.path("tty");
    let r = on_terminal(
        &env,
        &[
            "-r",
            repo.to_str().unwrap(),
            "restore",
            "latest",
            "--target",
            tty.to_str().unwrap(),
        ],
    )
    .ok();
    assert!(shows_bar(&r.stdout, "files"), "{:?}", r.stdout);
    assert_same_tree(&src, &tty);
}

/// `--progress json`: one JSON object per line on stderr for scripts, the
/// last one saying the work is done with every planned file counted.
#[test]
fn progress_json_lines_end_with_the_totals_reached() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    let t = env.path("t");
    let r = env
        .repo(
            &repo,
            &[
                "--progress",
                "json",
                "restore",
                "latest",
                "--target",
                t.to_str().unwrap(),
            ],
        )
        .ok();
    let lines = progress_lines(&r.stderr);
    let last = lines.last().expect("a progress line");
    assert_eq!(last["progress"], "restore");
    assert_eq!(last["done"], true);
    assert_eq!(last["unit"], "files");
    assert!(last["items"].as_u64().unwrap() > 0, "{last}");
    assert_eq!(last["items"], last["total_items"]);
    assert_eq!(last["bytes"], last["total_bytes"]);
    // --quiet wins: nothing.
    let r = env
        .repo(
            &repo,
            &[
                "-q",
                "--progress",
                "json",
                "restore",
                "latest",
                "--target",
                env.path("q").to_str().unwrap(),
            ],
        )
        .ok();
    assert!(!r.stderr.contains("\"progress\""), "{}", r.stderr);
}

/// Files are created with most of their mode (restore then sets it only when
/// the umask or the owner interfered): whatever the umask, whatever was at
/// the name before (another file with another mode and owner, the same
/// content with other metadata, a symlink to a file outside), every mode,
/// owner and time comes out exact, nothing outside changes, and a rerun
/// writes nothing.
#[test]
fn modes_and_owners_are_exact_under_umask_077_over_whatever_was_there() {
    let env = Env::new();
    let src = env.path("src");
    std::fs::create_dir_all(&src).unwrap();
    let modes = [
        0o644, 0o755, 0o664, 0o640, 0o604, 0o444, 0o600, 0o777, 0o666, 0o4755, 0o2755, 0o1644,
    ];
    std::fs::write(src.join("probe"), b"").unwrap();
    let root = std::fs::metadata(src.join("probe")).unwrap().uid() == 0;
    std::fs::remove_file(src.join("probe")).unwrap();
    for m in modes {
        let p = src.join(format!("m{m:o}"));
        std::fs::write(&p, format!("content of {m:o}\n")).unwrap();
        if root {
            std::os::unix::fs::chown(&p, Some(1234), Some(5678)).unwrap();
        }
        // After the owner: a chown clears setuid and setgid.
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
    }
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();

    let out = env.path("out");
    let outside = env.path("outside");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    // Another file, with another mode (and owner): overwritten.
    std::fs::write(out.join("m644"), b"old and longer content\n").unwrap();
    std::fs::set_permissions(out.join("m644"), std::fs::Permissions::from_mode(0o600)).unwrap();
    // The same content with other metadata: only the metadata is set.
    std::fs::write(out.join("m640"), b"content of 640\n").unwrap();
    std::fs::set_permissions(out.join("m640"), std::fs::Permissions::from_mode(0o666)).unwrap();
    // A symlink to a file outside: replaced, never followed.
    let secret = outside.join("secret");
    std::fs::write(&secret, b"outside\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink(&secret, out.join("m755")).unwrap();
    let secret_before = std::fs::metadata(&secret).unwrap();

    let restore_under_umask_077 = || {
        let base = env.cmd();
        let mut c = std::process::Command::new("sh");
        c.env_clear();
        for (k, v) in base.get_envs() {
            if let Some(v) = v {
                c.env(k, v);
            }
        }
        c.args(["-c", "umask 077 && exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_cairn"))
            .arg("-r")
            .arg(&repo)
            .args(["restore", "latest", "--json", "--target"])
            .arg(&out);
        run(&mut c).ok().json()
    };
    let j = restore_under_umask_077();
    assert_eq!(j["report"]["errors"].as_array().unwrap().len(), 0, "{j}");
    assert_eq!(j["report"]["metadata_fixed"], 1, "{j}");
    assert_eq!(listing(&src), listing(&out));
    assert_diff_r(&src, &out, &[]);
    for m in modes {
        let name = format!("m{m:o}");
        let (a, b) = (
            std::fs::symlink_metadata(src.join(&name)).unwrap(),
            std::fs::symlink_metadata(out.join(&name)).unwrap(),
        );
        assert_eq!(b.mode() & 0o7777, m, "{name}");
        assert!(b.file_type().is_file(), "{name}");
        assert_eq!((a.uid(), a.gid()), (b.uid(), b.gid()), "{name}");
    }
    let secret_after = std::fs::metadata(&secret).unwrap();
    assert_eq!(std::fs::read(&secret).unwrap(), b"outside\n");
    assert_eq!(secret_after.mode(), secret_before.mode());
    assert_eq!(
        (secret_after.uid(), secret_after.gid(), secret_after.mtime()),
        (
            secret_before.uid(),
            secret_before.gid(),
            secret_before.mtime()
        )
    );
    // No temporary is left behind, and a rerun writes nothing.
    assert!(std::fs::read_dir(&out).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with(".cairn-tmp-")));
    let again = restore_under_umask_077();
    assert_eq!(again["report"]["files_written"], 0, "{again}");
    assert_eq!(again["report"]["metadata_fixed"], 0, "{again}");
    assert_eq!(listing(&src), listing(&out));
}
