//! `cairn mount` on the real binary, mounted for real through /dev/fuse:
//! a snapshot compares equal to its source with `diff -r`, files read back
//! byte for byte (at any offset), `latest` links resolve, hostile host and
//! tag names show as one inert name each, and SIGTERM or SIGINT unmounts
//! and exits 0.
//!
//! These tests need /dev/fuse and the right to mount (root, as in CI). A
//! machine without FUSE fails them, saying what to install: they never
//! pass by skipping.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `cairn mount`; dropping it kills the process and detaches
/// the mount, so a failing test leaves nothing mounted.
struct Mount {
    child: Child,
    at: PathBuf,
    stderr: PathBuf,
}

impl Mount {
    fn start(env: &Env, repo: &Path, args: &[&str]) -> Mount {
        Mount::start_as(env, repo, args, "test passphrase")
    }

    /// As [`Mount::start`], unlocking with `password`.
    fn start_as(env: &Env, repo: &Path, args: &[&str], password: &str) -> Mount {
        assert!(
            Path::new("/dev/fuse").exists(),
            "/dev/fuse is missing: these tests mount a FUSE file system. Install the \
             `fuse3` package (Debian) and load the module (`modprobe fuse`); in a container, \
             pass `--device /dev/fuse --cap-add SYS_ADMIN`"
        );
        let at = env.path("mnt");
        std::fs::create_dir_all(&at).unwrap();
        let stderr = env.path("mount.stderr");
        let child = env
            .cmd()
            .env("CAIRN_PASSWORD", password)
            .arg("-r")
            .arg(repo)
            .arg("mount")
            .arg(&at)
            .args(args)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let mut m = Mount { child, at, stderr };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !mounted(&m.at) {
            if let Some(status) = m.child.try_wait().unwrap() {
                panic!(
                    "cairn mount exited ({status}) before mounting:\n{}",
                    m.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "not mounted after 60 s:\n{}",
                m.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        m
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Sends `signal`, waits for the exit, and returns its code.
    fn stop(&mut self, signal: &str) -> i32 {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s
                    .code()
                    .unwrap_or_else(|| panic!("killed by a signal: {s}\n{}", self.log()));
            }
            assert!(
                Instant::now() < deadline,
                "still running 30 s after {signal}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if mounted(&self.at) {
            let _ = Command::new("umount").arg("-l").arg(&self.at).status();
        }
    }
}

/// Whether `at` is a mount point now, by the kernel's own table.
fn mounted(at: &Path) -> bool {
    let table = std::fs::read_to_string("/proc/mounts").unwrap();
    let at = at.to_str().unwrap();
    table.lines().any(|l| l.split(' ').nth(1) == Some(at))
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn backup(env: &Env, repo: &Path, src: &Path, extra: &[&str]) -> String {
    let mut args = vec!["backup", src.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    env.repo(repo, &args).ok().json()["snapshot_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_mounted_snapshot_is_its_source_and_sigterm_unmounts() {
    use std::io::{Read, Seek, SeekFrom};
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    // Names a file system allows and a terminal fears, and the longest name.
    std::fs::write(src.join("bell\u{7}esc\u{1b}[2J"), b"hostile").unwrap();
    std::fs::write(src.join("n".repeat(255)), b"long").unwrap();
    let large = noise(5 << 20, 7);
    std::fs::write(src.join("large.bin"), &large).unwrap();
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    let first = backup(&env, &repo, &src, &["--host", "web", "--tag", "daily"]);
    std::fs::write(src.join("added.txt"), b"second").unwrap();
    let evil = "../../etc/\n\u{1b}]0;owned\u{7}";
    let second = backup(&env, &repo, &src, &["--host", evil, "--tag", "Daily"]);

    let mut m = Mount::start(&env, &repo, &[]);
    let at = m.at.clone();
    assert_eq!(names(&at), ["hosts", "ids", "snapshots", "tags"]);
    let ids = names(&at.join("ids"));
    assert!(ids.contains(&first) && ids.contains(&second), "{ids:?}");

    // The latest snapshot is the source now: `diff -r` (links compared as
    // links) finds nothing, hostile and 255-byte names included.
    assert_diff_r(&at.join("snapshots/latest/"), &src, &["--no-dereference"]);
    assert!(!at.join("ids").join(&first).join("added.txt").exists());

    // Reads: whole, and from an offset inside a later blob.
    let snap = at.join("ids").join(&second);
    assert_eq!(std::fs::read(snap.join("large.bin")).unwrap(), large);
    let mut f = std::fs::File::open(snap.join("large.bin")).unwrap();
    f.seek(SeekFrom::Start(3_000_001)).unwrap();
    let mut part = vec![0u8; 1000];
    f.read_exact(&mut part).unwrap();
    assert_eq!(part, large[3_000_001..3_001_001]);
    assert_eq!(
        std::fs::read(snap.join("hello.txt")).unwrap(),
        b"hello world\n"
    );
    assert!(
        std::fs::write(snap.join("hello.txt"), b"x").is_err(),
        "read-only"
    );

    // `latest` is a relative link to the newest time, per directory.
    let times = names(&at.join("snapshots"));
    assert_eq!(times.len(), 3, "{times:?}");
    let latest = std::fs::read_link(at.join("snapshots/latest")).unwrap();
    assert_eq!(latest, PathBuf::from(&times[1]));
    assert_eq!(
        std::fs::read(at.join("hosts/web/latest/hello.txt")).unwrap(),
        b"hello world\n"
    );
    assert!(!at.join("hosts/web/latest/added.txt").exists());
    assert!(at.join("tags/Daily/latest/added.txt").exists());
    assert!(!at.join("tags/daily/latest/added.txt").exists());

    // A hostile host is one inert name in hosts/, never a path.
    let hosts = names(&at.join("hosts"));
    assert_eq!(hosts.len(), 2, "{hosts:?}");
    let shown = hosts.iter().find(|h| *h != "web").unwrap();
    assert_eq!(
        shown,
        "..\\u{2f}..\\u{2f}etc\\u{2f}\\n\\u{1b}]0;owned\\u{7}"
    );
    assert!(at
        .join("hosts")
        .join(shown)
        .join("latest/added.txt")
        .exists());
    assert!(!Path::new("/etc/latest").exists());

    // SIGTERM while a file is still open in the mount: it cannot be
    // unmounted outright, so it is detached; either way it is gone.
    assert_eq!(m.stop("-TERM"), 0, "{}", m.log());
    assert!(!mounted(&at), "still in /proc/mounts after SIGTERM");
    assert!(m.log().contains("unmounted"), "{}", m.log());
    assert!(m.log().contains("in use; detached"), "{}", m.log());
    drop(f);
    // The repository's read lock went with it: prune may run.
    env.repo(&repo, &["prune"]).ok();
}

#[test]
fn filters_choose_the_snapshots_and_sigint_unmounts() {
    let env = Env::new();
    let src = env.path("src");
    make_tree(&src);
    let repo = env.path("repo");
    env.repo(&repo, &["init"]).ok();
    backup(&env, &repo, &src, &["--host", "a"]);
    let kept = backup(&env, &repo, &src, &["--host", "b", "--tag", "keep"]);
    let mut m = Mount::start(&env, &repo, &["--host", "b", "--tag", "keep"]);
    assert_eq!(names(&m.at.join("ids")), [kept]);
    assert_eq!(names(&m.at.join("hosts")), ["b"]);
    // `ls -l` asks for extended attributes, `cat` flushes on close: each
    // has its answer, and nothing lands on stderr as a warning.
    let ls = Command::new("ls").arg("-laR").arg(&m.at).output().unwrap();
    assert!(
        ls.status.success(),
        "{}",
        String::from_utf8_lossy(&ls.stderr)
    );
    let cat = Command::new("cat")
        .arg(m.at.join("snapshots/latest/hello.txt"))
        .output()
        .unwrap();
    assert_eq!(cat.stdout, b"hello world\n");
    assert!(!m.log().contains("WARN"), "{}", m.log());
    assert_eq!(m.stop("-INT"), 0, "{}", m.log());
    assert!(!mounted(&m.at));
}

#[test]
fn a_mount_point_that_is_not_a_directory_is_refused() {
    let env = Env::new();
    let (_, repo) = backed_up(&env);
    let file = env.path("file");
    std::fs::write(&file, b"").unwrap();
    let r = env.repo(&repo, &["mount", file.to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("is not a directory"), "{}", r.stderr);
    assert!(!mounted(&file));
}

/// A snapshot written by someone with the key: a file whose blob list is
/// another file's (every blob authentic, the whole-file SHA-256 wrong), and
/// a name no Linux file system can hold. The forged file reads as EIO,
/// never as content; the long name is cut to 255 bytes and still reads.
#[test]
fn a_forged_file_reads_as_eio_and_an_overlong_name_is_cut() {
    use cairn_core::crypto::SealKind;
    use cairn_core::tree::{Node, NodeType};
    use cairn_test_support::{store_pack, store_snapshot, FsBackend, TestRepo};
    use sha2::Digest;
    let env = Env::new();
    let dir = env.path("repo");
    let mut repo = TestRepo::on(std::sync::Arc::new(FsBackend::new(dir.clone()))).init();
    let (_, data) = store_pack(
        &mut repo,
        &[(SealKind::Data, b"hello"), (SealKind::Data, b"WORLD")],
    );
    let file = |name: &[u8], blob| {
        let mut n = Node::bare(name, NodeType::File, 0o644);
        n.size = 5;
        n.sha256 = Some(hex::encode(sha2::Sha256::digest(b"hello")));
        n.content = vec![blob];
        n
    };
    let long = vec![b'L'; 300];
    let mut nodes = vec![
        file(&long, data[0]),
        file(b"forged", data[1]),
        file(b"good", data[0]),
    ];
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    let tree = serde_json::to_vec(&serde_json::json!({ "nodes": nodes })).unwrap();
    let (_, root) = store_pack(&mut repo, &[(SealKind::Tree, &tree)]);
    let id = store_snapshot(&repo, root[0], "2026-11-27T00:00:00Z", "evil");
    drop(repo);

    let m = Mount::start_as(&env, &dir, &[], "pw");
    let snap = m.at.join("ids").join(id.to_hex());
    assert_eq!(std::fs::read(snap.join("good")).unwrap(), b"hello");
    let e = std::fs::read(snap.join("forged")).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(5), "EIO: {e}");
    assert!(
        m.log().contains("does not match the SHA-256"),
        "{}",
        m.log()
    );
    let listed = names(&snap);
    assert_eq!(listed.len(), 3, "{listed:?}");
    let cut = listed.iter().find(|n| n.starts_with('L')).unwrap();
    assert_eq!(cut.len(), 255);
    assert!(cut.contains('~'), "{cut}");
    assert_eq!(std::fs::read(snap.join(cut)).unwrap(), b"hello");
}
