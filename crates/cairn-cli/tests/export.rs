//! `cairn export` writes archives that GNU tar reads back as the source tree.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::os::unix::fs::MetadataExt;

fn export(env: &Env, repo: &std::path::Path, args: &[&str], file: &str) -> std::path::PathBuf {
    let out = env.path(file);
    let f = std::fs::File::create(&out).unwrap();
    let mut c = env.cmd();
    c.arg("-r").arg(repo).arg("export").args(args).stdout(f);
    let s = c.status().unwrap();
    assert!(s.success(), "export {args:?} failed");
    out
}

#[test]
fn tar_round_trip_in_three_formats() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    for (fmt, flag) in [
        ("tar", "-xf"),
        ("tar.gz", "-xzf"),
        ("tar.zst", "--zstd -xf"),
    ] {
        let archive = export(
            &env,
            &repo,
            &["latest", "--format", fmt],
            &format!("s.{fmt}"),
        );
        let dest = env.path(&format!("x-{fmt}"));
        std::fs::create_dir_all(&dest).unwrap();
        let mut c = std::process::Command::new("tar");
        c.args(flag.split(' ')).arg(&archive).arg("-C").arg(&dest);
        if fmt == "tar.zst"
            && std::process::Command::new("zstd")
                .arg("--version")
                .output()
                .is_err()
        {
            continue; // GNU tar needs the zstd program for --zstd
        }
        let o = c.output().unwrap();
        assert!(
            o.status.success(),
            "tar {fmt}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let diff = std::process::Command::new("diff")
            .args(["-r", "--no-dereference"])
            .arg(&src)
            .arg(&dest)
            .output()
            .unwrap();
        assert!(
            diff.status.success(),
            "{fmt}: {}",
            String::from_utf8_lossy(&diff.stdout)
        );
        assert_eq!(
            std::fs::metadata(dest.join("hard.txt")).unwrap().ino(),
            std::fs::metadata(dest.join("hello.txt")).unwrap().ino()
        );
        assert_eq!(
            std::fs::metadata(dest.join("docs/readme.md"))
                .unwrap()
                .mtime(),
            std::fs::metadata(src.join("docs/readme.md"))
                .unwrap()
                .mtime()
        );
    }
    // tar -tvf lists the symlink with its target.
    let archive = env.path("s.tar");
    let list = std::process::Command::new("tar")
        .arg("-tvf")
        .arg(&archive)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("link -> hello.txt"), "{text}");
}

#[test]
fn a_path_inside_the_snapshot_and_a_missing_one() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let archive = export(&env, &repo, &["latest", "docs"], "docs.tar");
    let list = std::process::Command::new("tar")
        .arg("-tf")
        .arg(&archive)
        .output()
        .unwrap();
    let names: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(names.iter().all(|n| n.starts_with("docs")), "{names:?}");
    assert!(names.iter().any(|n| n == "docs/deep/er/note"), "{names:?}");
    let f = std::fs::File::create(env.path("none.tar")).unwrap();
    let r = run(env
        .cmd()
        .arg("-r")
        .arg(&repo)
        .args(["export", "latest", "nope"])
        .stdout(f));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not in the snapshot"), "{}", r.stderr);
}

#[test]
fn an_export_shows_progress_on_a_terminal_and_nothing_otherwise() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    std::fs::write(src.join("big.bin"), noise(24 << 20, 3)).unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    // Piped stderr: nothing but what went wrong (here nothing).
    let piped = env.path("piped.tar");
    let f = std::fs::File::create(&piped).unwrap();
    let o = env
        .cmd()
        .arg("-r")
        .arg(&repo)
        .args(["export", "latest"])
        .stdout(f)
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!shows_bar(&err, "files"), "{err}");
    // Stderr on a terminal, the archive to a file: a bar with its counts,
    // and the archive is whole.
    let archive = env.path("tty.tar");
    let r = on_terminal_stdout_to(
        &env,
        &["-r", repo.to_str().unwrap(), "export", "latest"],
        &archive,
    )
    .ok();
    assert!(shows_bar(&r.stdout, "files"), "{:?}", r.stdout);
    assert_eq!(
        std::fs::read(&archive).unwrap(),
        std::fs::read(&piped).unwrap()
    );
}
