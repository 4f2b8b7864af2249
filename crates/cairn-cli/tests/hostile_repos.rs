//! Every reader of the real binary against every hostile repository shape
//! (`cairn_test_support::hostile`): list, ls, find, diff, manifest, export,
//! cat, restore and verify, each under a time cap and a 2 GiB address-space
//! limit. Whatever the repository holds: no panic, no hang, bounded memory,
//! a designed exit code, a named cause on failure, and nothing outside the
//! command's own target created or changed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use cairn_test_support::hostile::{tree_cases, Impostor};
use cairn_test_support::{FsBackend, TestRepo};
use common::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Exit codes a reader may end with (README): success, failure, partly
/// done (a restore that restored everything but some entries), no key slot
/// opens, no repository, damage.
const DESIGNED: [i32; 6] = [0, 1, 3, 4, 5, 6];

/// Runs `cairn -r REPO args` (passphrase of the test repository) under a
/// 2 GiB address-space limit; fails the test on a hang, a panic, an
/// undesigned exit code or a failure without a message. Returns the run.
fn reader(env: &Env, repo: &Path, what: &str, args: &[&str]) -> Run {
    let mut c =
        cairn_test_support::crash::under("prlimit", &["--as=2147483648".into()], &env.cmd());
    c.env("CAIRN_PASSWORD", "pw")
        .arg("-r")
        .arg(repo)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("prlimit (util-linux)");
    // Drain the pipes on threads, or a chatty reader would block on them.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut v).unwrap();
        v.len()
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut se, &mut s).unwrap();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!(
                "{what}: `cairn {}` hung (killed after 120 s)",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout_len = out.join().unwrap();
    let stderr = err.join().unwrap();
    let code = status.code().unwrap_or(-1);
    let shown = format!("{what}: `cairn {}` exit {code}\n{stderr}", args.join(" "));
    assert!(!stderr.contains("panicked"), "panic: {shown}");
    assert!(DESIGNED.contains(&code), "undesigned exit: {shown}");
    if code != 0 {
        let cause = stderr.lines().rev().find(|l| !l.trim().is_empty());
        assert!(
            cause.is_some_and(|l| l.len() > 20),
            "no named cause: {shown}"
        );
    }
    Run {
        code,
        stdout: format!("{stdout_len} bytes"),
        stderr,
    }
}

/// Every file below `dir` with its bytes (links as their targets).
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let m = std::fs::symlink_metadata(&p).unwrap();
        if m.is_dir() {
            out.extend(contents(&p));
        } else if m.is_symlink() {
            out.push((
                p.clone(),
                std::fs::read_link(&p)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes(),
            ));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
}

/// The test's folder: `outside/` with a file no reader may touch.
struct World {
    env: Env,
    repo: PathBuf,
    good: String,
}

impl World {
    /// A repository with one good backup, and every hostile tree if asked.
    fn new(hostile: bool) -> (World, Vec<cairn_test_support::hostile::Case>) {
        let env = Env::new();
        std::fs::create_dir_all(env.path("outside")).unwrap();
        std::fs::write(env.path("outside/keep"), b"precious").unwrap();
        let repo = env.path("repo");
        let mut r = TestRepo::on(Arc::new(FsBackend::new(&repo))).init();
        let cases = if hostile { tree_cases(&mut r) } else { vec![] };
        drop(r);
        let src = env.path("src");
        make_tree(&src);
        let mut c = env.cmd();
        c.env("CAIRN_PASSWORD", "pw");
        run(c
            .args(["-r", repo.to_str().unwrap(), "backup", "--tag", "good"])
            .arg(&src))
        .ok();
        let mut c = env.cmd();
        c.env("CAIRN_PASSWORD", "pw");
        let list = run(c.args([
            "-r",
            repo.to_str().unwrap(),
            "list",
            "--json",
            "--tag",
            "good",
        ]))
        .ok()
        .json();
        let good = list[0]["id"].as_str().unwrap().to_string();
        (World { env, repo, good }, cases)
    }

    /// Every reader on snapshot `s`; nothing outside the targets changes.
    /// Each reader's name, exit code and stderr.
    fn read_all(&self, what: &str, repo: &Path, s: &str, file: &str) -> Vec<(String, i32, String)> {
        let before = contents(&self.env.path("outside"));
        let target = self.env.path(&format!("target-{what}"));
        let t = target.to_str().unwrap();
        let runs: Vec<(&str, Vec<&str>)> = vec![
            ("list", vec!["list"]),
            ("ls", vec!["ls", s, "--recursive", "--long"]),
            ("find", vec!["find", "*", "--snapshot", s]),
            ("diff", vec!["diff", &self.good, s]),
            ("manifest", vec!["manifest", s]),
            ("export", vec!["export", s]),
            ("cat", vec!["cat", s, file]),
            ("restore", vec!["restore", s, "--target", t]),
        ];
        let mut codes = Vec::new();
        for (name, args) in runs {
            let r = reader(&self.env, repo, what, &args);
            let last = r.stderr.lines().rev().find(|l| !l.trim().is_empty());
            eprintln!("  {what} {name}: exit {}: {}", r.code, last.unwrap_or(""));
            codes.push((name.to_string(), r.code, r.stderr));
        }
        assert_eq!(
            contents(&self.env.path("outside")),
            before,
            "{what}: outside changed"
        );
        let _ = std::fs::remove_dir_all(&target);
        codes
    }
}

#[test]
fn every_reader_refuses_every_hostile_tree_by_name_in_bounded_time_and_memory() {
    let (w, cases) = World::new(true);
    for c in &cases {
        let s = c.snapshot.to_hex();
        let codes = w.read_all(c.name, &w.repo, &s, "f");
        let exits: Vec<_> = codes.iter().map(|r| (&r.0, r.1)).collect();
        eprintln!("hostile tree {}: {exits:?}", c.name);
        if c.name == "deep" {
            // Readers that hand over the whole tree fail as for damage,
            // naming the folder they could not enter (FORMAT.md §10).
            for (name, code, err) in codes
                .iter()
                .filter(|r| ["ls", "manifest", "export"].contains(&r.0.as_str()))
            {
                assert_eq!(*code, 6, "deep: {name}: {err}");
                assert!(
                    err.contains("nested deeper than 1024") && err.contains("d/d/d"),
                    "deep: {name}: {err}"
                );
            }
        }
        let (_, restore, err) = codes.iter().find(|(n, _, _)| n == "restore").unwrap();
        let restore = *restore;
        if c.name.starts_with("split-") {
            // A list of parts a backup never writes is refused as what it is.
            assert!(
                err.contains("part") || err.contains("stored as data"),
                "{}: {err}",
                c.name
            );
        }
        let benign = [
            "case-variants",
            "wide",
            "hard-links-disagree",
            "split",
            "deep-long-names",
        ];
        if c.name == "deep-long-names" {
            // Legal, only deep: every reader but `cat` (of a name not
            // there) reads it whole.
            for (name, code, err) in &codes {
                assert_eq!(*code, if name == "cat" { 1 } else { 0 }, "{name}: {err}");
            }
        }
        assert_eq!(
            restore == 0,
            benign.contains(&c.name),
            "{}: restore exit {restore}",
            c.name
        );
    }
    // Verify reads every snapshot at once and names the damage.
    let v = reader(&w.env, &w.repo, "verify", &["verify", "--read-data"]);
    assert_eq!(v.code, 6, "{}", v.stderr);
}

#[test]
fn impostors_in_place_of_objects_are_named_errors_not_hangs() {
    let (w, _) = World::new(false);
    let base = w.env.path("base");
    copy_dir(&w.repo, &base);
    let first = |kind: &str| -> PathBuf {
        let mut files: Vec<PathBuf> = all_files(&w.repo.join(kind))
            .into_iter()
            .map(|(p, _)| w.repo.join(kind).join(p))
            .collect();
        files.sort();
        files.into_iter().next().unwrap()
    };
    for kind in ["data", "index", "snapshots", "keys"] {
        for imp in Impostor::ALL {
            copy_dir(&base, &w.repo);
            let victim = first(kind);
            imp.plant(&victim, &w.env.path("outside/keep"));
            let what = format!("{kind}-{imp:?}");
            let codes = w.read_all(&what, &w.repo, &w.good, "hello.txt");
            let v = reader(&w.env, &w.repo, &what, &["verify", "--read-data"]);
            let exits: Vec<_> = codes.iter().map(|r| (&r.0, r.1)).collect();
            eprintln!("impostor {what}: {exits:?}, verify {}", v.code);
            assert_ne!(v.code, 0, "{what}: verify passed over an impostor");
            // Named by its path, not only missed (FORMAT.md §1, listing).
            let name = victim.file_name().unwrap().to_str().unwrap();
            assert!(
                v.stderr.contains(name),
                "{what}: verify does not name {name}: {}",
                v.stderr
            );
            // The one copy of the data, its index, snapshot or key slot is
            // gone: a restore cannot succeed, and must say so.
            let restore = codes.iter().find(|(n, _, _)| n == "restore").unwrap().1;
            assert_ne!(restore, 0, "{what}: restore succeeded over an impostor");
        }
    }
}
