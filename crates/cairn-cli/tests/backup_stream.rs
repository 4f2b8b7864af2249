//! `backup --stdin-from-command` and `--stdin`: a dump command's output (or
//! a pipe) stored as one file, chunked and deduplicated; a command that
//! fails stores no snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::process::Stdio;

#[test]
fn a_command_output_is_stored_as_one_file_and_restores_bit_exact() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let dump = env.path("dump.bin");
    std::fs::write(&dump, noise(5 << 20, 11)).unwrap();
    let cmd = format!("cat '{}'", dump.display());
    let args = [
        "backup",
        "--stdin-from-command",
        &cmd,
        "--stdin-filename",
        "db.dump",
        "--json",
    ];
    let first = env.repo(&repo, &args).ok().json();
    assert_eq!(first["total_files"], 1, "{first}");
    // The same dump again: its 5 MiB deduplicated; only the new tree (the
    // file's time is the backup's) is stored.
    let again = env.repo(&repo, &args).ok().json();
    assert!(again["bytes_added"].as_u64().unwrap() < 4096, "{again}");
    assert_eq!(again["bytes_read"], 5 << 20, "{again}");
    let target = env.path("t");
    env.repo(
        &repo,
        &["restore", "latest", "--target", target.to_str().unwrap()],
    )
    .ok();
    assert_eq!(
        std::fs::read(target.join("db.dump")).unwrap(),
        std::fs::read(&dump).unwrap()
    );
    let list = env.repo(&repo, &["list", "--json"]).ok().json();
    assert_eq!(list[0]["paths"][0], "db.dump", "{list}");
}

#[test]
fn a_failing_command_stores_no_snapshot_and_says_why() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    // Output first, then the failure: a dump that broke half way.
    let r = env.repo(
        &repo,
        &[
            "backup",
            "--stdin-from-command",
            "head -c 300000 /dev/zero; exit 3",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let line = error_line(&r.stderr);
    assert!(
        line.contains("exit status: 3") && line.contains("no snapshot"),
        "{line}"
    );
    assert!(snapshot_ids(&env, &repo).is_empty());
}

#[test]
fn stdin_is_stored_under_its_name_and_a_path_name_is_refused() {
    let env = Env::new();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let data = env.path("in.txt");
    std::fs::write(&data, "piped in\n").unwrap();
    output_ok(
        env.cmd()
            .arg("-r")
            .arg(&repo)
            .args(["backup", "--stdin", "--stdin-filename", "notes.txt"])
            .stdin(Stdio::from(std::fs::File::open(&data).unwrap())),
    );
    let cat = env.repo(&repo, &["cat", "latest", "notes.txt"]).ok();
    assert_eq!(cat.stdout, "piped in\n");
    let bad = env.repo(
        &repo,
        &[
            "backup",
            "--stdin-from-command",
            "true",
            "--stdin-filename",
            "../x",
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    // Paths and a stream do not mix.
    let both = env.repo(&repo, &["backup", "--stdin", data.to_str().unwrap()]);
    assert_eq!(both.code, 2, "{}", both.stderr);
}
