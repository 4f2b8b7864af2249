//! `cairn ls`, `cat`, `diff` and `find` on the real binary: getting at a
//! snapshot's data without restoring it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;

fn sha256(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

#[test]
fn ls_lists_a_directory_its_subtree_and_escapes_hostile_names() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    let root = env.repo(&repo, &["ls", "latest"]).ok().stdout;
    let lines: Vec<&str> = root.lines().collect();
    assert_eq!(lines.len(), 8, "{root}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("dir") && l.ends_with("  docs/")),
        "{root}"
    );
    assert!(
        lines.iter().any(|l| l.ends_with("link -> hello.txt")),
        "{root}"
    );
    // The name with a newline stays on one line, escaped.
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("name with spaces\\nand newline")),
        "{root}"
    );

    let long = env
        .repo(&repo, &["ls", "latest", "/docs/", "-lR"])
        .ok()
        .stdout;
    let note = long
        .lines()
        .find(|l| l.ends_with("docs/deep/er/note"))
        .unwrap();
    assert!(note.starts_with("-rw"), "{note}");
    assert!(note.contains(&sha256(b"deep note")), "{note}");
    assert_eq!(long.lines().count(), 4, "{long}"); // readme.md, deep, deep/er, deep/er/note

    // JSON keeps the raw name; one file lists as itself.
    let j = env.repo(&repo, &["ls", "latest", "--json"]).ok().json();
    let names = json_paths(&j["entries"]);
    assert!(
        names.contains(&"name with spaces\nand newline"),
        "{names:?}"
    );
    let one = env
        .repo(&repo, &["ls", "latest", "hello.txt", "--json"])
        .ok()
        .json();
    assert_eq!(one["entries"][0]["size"], 12);
    assert_eq!(one["entries"][0]["sha256"], sha256(b"hello world\n"));

    let missing = env.repo(&repo, &["ls", "latest", "docs/nope"]).code(1);
    assert!(
        missing.stderr.contains("docs/nope is not in the snapshot"),
        "{}",
        missing.stderr
    );
    env.repo(&repo, &["ls", "deadbeef"]).code(1);
    env.repo(&repo, &["ls", "latest", "../etc"]).code(2);
}

#[test]
fn ls_of_a_tree_deeper_than_the_limit_lists_down_to_it() {
    // 1,030 levels on disk: backup records the part below 1,024 as an
    // error (exit 3); listing the rest must neither overflow nor fail.
    let env = Env::new();
    let src = env.path("src");
    let mut deep = src.clone();
    for _ in 0..1030 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).code(3);
    let listed = env
        .repo(&repo, &["ls", "latest", "--recursive"])
        .ok()
        .stdout;
    assert!(
        listed.lines().count() >= 1024,
        "{} lines",
        listed.lines().count()
    );
}

#[test]
fn cat_prints_a_file_byte_for_byte_and_refuses_what_is_not_one() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    let out = output_ok(
        env.cmd()
            .arg("-r")
            .arg(&repo)
            .args(["cat", "latest", "big.bin"]),
    );
    assert_eq!(out.stdout, std::fs::read(src.join("big.bin")).unwrap());
    let r = env
        .repo(&repo, &["dump", "latest", "docs/deep/er/note"])
        .ok();
    assert_eq!(r.stdout, "deep note");
    let empty = env.repo(&repo, &["cat", "latest", "empty.txt"]).ok();
    assert_eq!(empty.stdout, "");

    let dir = env.repo(&repo, &["cat", "latest", "docs"]).code(2);
    assert!(
        dir.stderr.contains("docs is not a regular file"),
        "{}",
        dir.stderr
    );
    env.repo(&repo, &["cat", "latest", "link"]).code(2);
    env.repo(&repo, &["cat", "latest", "nope"]).code(1);
}

#[test]
fn cat_of_damaged_data_fails_with_one_line_and_exit_6() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    // Flip a byte in the middle of every pack: the blobs of big.bin no
    // longer authenticate.
    let mut packs = Vec::new();
    let mut dirs = vec![repo.join("data")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p)
            } else {
                packs.push(p)
            }
        }
    }
    assert!(!packs.is_empty());
    for p in &packs {
        let mut b = std::fs::read(p).unwrap();
        let mid = b.len() / 3;
        b[mid] ^= 0xff;
        std::fs::write(p, b).unwrap();
    }
    let r = env.repo(&repo, &["cat", "latest", "big.bin"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert_eq!(
        r.stderr
            .lines()
            .filter(|l| l.starts_with("cairn: error:"))
            .count(),
        1,
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.len() < 3_000_000,
        "a damaged file is never printed whole"
    );
}

#[test]
fn cat_into_a_closed_pipe_exits_quietly_with_141() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    let out = with_stdout_closed(&env, &repo, &["cat", "latest", "big.bin"], 16);
    assert_eq!(out.status.code(), Some(141));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// A thousand small files under `many/`: enough entries that the text
/// outgrows a pipe's buffer (64 KiB).
fn many_files(src: &std::path::Path) {
    std::fs::create_dir(src.join("many")).unwrap();
    for i in 0..1000 {
        std::fs::write(src.join(format!("many/file-{i:04}.txt")), "x").unwrap();
    }
}

#[test]
fn find_writes_snapshot_by_snapshot_and_ends_quietly_in_a_closed_pipe() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    many_files(&src);
    for _ in 0..3 {
        env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    }
    // Streamed, the document is still one JSON value with every snapshot.
    let j = env.repo(&repo, &["find", "*", "--json"]).ok().json();
    let snaps = j["snapshots"].as_array().unwrap();
    assert_eq!(snaps.len(), 4, "{j}");
    assert!(snaps[1]["entries"].as_array().unwrap().len() > 1000);
    assert!(snaps[2..]
        .iter()
        .all(|s| s["entries"] == snaps[1]["entries"]));
    let out = with_stdout_closed(&env, &repo, &["find", "*"], 16);
    assert_eq!(out.status.code(), Some(141));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    // No snapshot at all: an empty list, still valid JSON.
    let empty = env.path("empty");
    env.repo(&empty, &["init"]).ok();
    let j = env.repo(&empty, &["find", "*", "--json"]).ok().json();
    assert_eq!(j, serde_json::json!({"pattern": "*", "snapshots": []}));
}

/// `ls -r` and `diff` write each entry as they meet it: the documents are
/// still whole JSON values, a closed pipe ends them quietly, and a path
/// that is not there prints nothing on standard output.
#[test]
fn ls_and_diff_write_as_they_go_and_end_quietly_in_a_closed_pipe() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    many_files(&src);
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let ids = snapshot_ids(&env, &repo);
    let (a, b) = (&ids[0][..8], &ids[1][..8]);

    let j = env
        .repo(&repo, &["ls", b, "--recursive", "--json"])
        .ok()
        .json();
    let listed = j["entries"].as_array().unwrap();
    assert!(listed.len() > 1001, "{}", listed.len());
    assert_eq!(j["snapshot"], ids[1].as_str());
    let j = env.repo(&repo, &["diff", a, b, "--json"]).ok().json();
    assert_eq!(j["changes"].as_array().unwrap().len(), 1001, "{j}");
    assert_eq!(j["totals"]["added"], 1001, "{j}");
    assert_eq!(
        (j["a"].as_str(), j["b"].as_str()),
        (Some(&*ids[0]), Some(&*ids[1]))
    );

    for args in [&["ls", b, "--recursive"][..], &["diff", a, b]] {
        let out = with_stdout_closed(&env, &repo, args, 16);
        assert_eq!(out.status.code(), Some(141), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
    for args in [
        &["ls", b, "docs/nope", "--json"][..],
        &["diff", a, b, "nope", "--json"],
    ] {
        let r = env.repo(&repo, args).code(1);
        assert_eq!(r.stdout, "", "{args:?}");
    }
}

#[test]
fn diff_shows_added_removed_and_modified_with_byte_totals() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    std::fs::write(src.join("docs/readme.md"), "changed\n").unwrap();
    std::fs::remove_dir_all(src.join("docs/deep")).unwrap();
    std::fs::write(src.join("new.txt"), "0123456789").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        src.join("empty.txt"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let ids = snapshot_ids(&env, &repo);
    let (a, b) = (&ids[0][..8], &ids[1][..8]);

    let text = env.repo(&repo, &["diff", a, b]).ok();
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "-  docs/deep/",
            "-  docs/deep/er/",
            "-  docs/deep/er/note",
            "M  docs/readme.md  (content, 900 B -> 8 B)",
            "M  empty.txt  (mode)",
            "+  new.txt",
        ],
        "{}",
        text.stdout
    );
    assert!(
        text.stderr
            .contains("1 added (10 B), 3 removed (9 B), 2 modified"),
        "{}",
        text.stderr
    );

    let j = env.repo(&repo, &["diff", a, b, "--json"]).ok().json();
    assert_eq!(j["totals"]["added_bytes"], 10);
    assert_eq!(j["totals"]["removed"], 3);
    assert_eq!(j["changes"][3]["what"], serde_json::json!(["content"]));

    let under = env.repo(&repo, &["diff", a, b, "docs/deep"]).ok();
    assert_eq!(under.stdout.lines().count(), 3, "{}", under.stdout);
    let same = env.repo(&repo, &["diff", a, a]).ok();
    assert_eq!(same.stdout, "");
    env.repo(&repo, &["diff", a, "deadbeef"]).code(1);
}

#[test]
fn find_tells_which_snapshots_hold_a_path() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    std::fs::remove_file(src.join("docs/readme.md")).unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let ids = snapshot_ids(&env, &repo);

    let j = env
        .repo(&repo, &["find", "readme.md", "--json"])
        .ok()
        .json();
    let snaps = j["snapshots"].as_array().unwrap();
    assert_eq!(snaps.len(), 2);
    assert_eq!(snaps[0]["id"], ids[0].as_str());
    assert_eq!(snaps[0]["entries"][0]["path"], "docs/readme.md");
    assert_eq!(snaps[0]["entries"][0]["size"], 900);
    assert_eq!(
        snaps[1]["entries"],
        serde_json::json!([]),
        "gone in the second"
    );

    let text = env.repo(&repo, &["find", "docs/**/note"]).ok();
    assert_eq!(text.stdout.lines().count(), 2, "{}", text.stdout);
    assert!(
        text.stderr.contains("2 of 2 snapshot(s) hold a match"),
        "{}",
        text.stderr
    );
    let one = env
        .repo(&repo, &["find", "*.md", "--snapshot", &ids[1][..8]])
        .ok();
    assert_eq!(one.stdout, "");
    let later = env
        .repo(&repo, &["find", "*", "--newer", "2999-01-01T00:00:00Z"])
        .ok();
    assert_eq!(later.stdout, "");

    env.repo(&repo, &["find", "["]).code(2);
    env.repo(&repo, &["find", "*", "--newer", "yesterday"])
        .code(2);
}

#[test]
fn names_with_terminal_escapes_are_shown_inert_by_ls_find_and_diff() {
    let env = Env::new();
    let (src, repo) = backed_up(&env);
    std::fs::write(src.join("evil\u{1b}]0;owned\u{7}\u{1b}[2J"), "x").unwrap();
    env.repo(&repo, &["backup", src.to_str().unwrap()]).ok();
    let ids = snapshot_ids(&env, &repo);
    let shown = "evil\\u{1b}]0;owned\\u{7}\\u{1b}[2J";
    for args in [
        vec!["ls", "latest"],
        vec!["find", "evil*"],
        vec!["diff", &ids[0], &ids[1]],
    ] {
        let r = env.repo(&repo, &args).ok();
        assert!(!r.stdout.contains('\u{1b}'), "{args:?} printed an escape");
        assert!(r.stdout.contains(shown), "{args:?}: {}", r.stdout);
    }
}
