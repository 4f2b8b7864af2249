//! The core's backup pipeline over real backends: content round trip, dedup,
//! and output that does not depend on thread timing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backup::{backup, BackupOptions, Progress};
use cairn_core::keyslot::Credential;
use cairn_core::manifest::walk;
use cairn_core::tree::NodeType;
use cairn_core::{Backend, Repository};
use cairn_test_support::{FsBackend, MemoryBackend, TestRepo};
use std::path::Path;
use std::sync::Arc;

fn cred() -> Credential {
    TestRepo::credential()
}

fn init(b: Arc<dyn Backend>) -> Repository {
    TestRepo::on(b).init()
}

fn opts(src: &Path, workers: usize) -> BackupOptions {
    BackupOptions {
        paths: vec![src.to_path_buf()],
        tags: vec![],
        host: "h".into(),
        excludes: vec!["*.skip".into()],
        one_file_system: false,
        spec: None,
        now: cairn_core::clock::parse_rfc3339("2026-11-27T00:00:00Z").unwrap(),
        workers,
        force: false,
        uploads: 2,
    }
}

fn tree(src: &Path) {
    std::fs::create_dir_all(src.join("a/b")).unwrap();
    let big: Vec<u8> = (0..6_000_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 9) as u8)
        .collect();
    std::fs::write(src.join("a/big1"), &big).unwrap();
    std::fs::write(src.join("a/b/big2"), &big).unwrap(); // a duplicate
    for i in 0..300 {
        std::fs::write(
            src.join(format!("a/small{i:03}")),
            format!("file {i}\n").repeat(i + 1),
        )
        .unwrap();
    }
    std::fs::write(src.join("ignored.skip"), b"x").unwrap();
}

#[test]
fn content_round_trips_and_duplicates_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    tree(&src);
    let mut repo = init(Arc::new(MemoryBackend::new()));
    let out = backup(&mut repo, &opts(&src, 2), &Progress::default()).unwrap();
    assert_eq!(out.meta.stats.files, 302);
    assert!(
        out.meta.stats.bytes_added < 7_000_000,
        "duplicate stored twice: {}",
        out.meta.stats.bytes_added
    );
    let mut seen = 0;
    walk(&repo, &out.meta.tree, &mut |path, n| {
        let p = std::str::from_utf8(path).unwrap();
        assert!(!p.ends_with(".skip"));
        if n.kind == NodeType::File {
            let mut data = Vec::new();
            for c in &n.content {
                data.extend(repo.load_blob(c).unwrap());
            }
            assert_eq!(data, std::fs::read(src.join(p)).unwrap(), "{p}");
            seen += 1;
        }
        Ok(())
    })
    .unwrap()
    .check()
    .unwrap();
    assert_eq!(seen, 302);
    // Reopening with the same credential sees the same index and snapshot.
    let b = repo.backend().clone();
    let again = Repository::open(b, &cred()).unwrap();
    assert_eq!(again.find_snapshot("latest").unwrap().0, out.id);
}

#[test]
fn output_does_not_depend_on_the_number_of_workers() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    tree(&src);
    let a = dir.path().join("a");
    init(Arc::new(FsBackend::new(&a)));
    let b = dir.path().join("b");
    assert!(std::process::Command::new("cp")
        .arg("-a")
        .arg(&a)
        .arg(&b)
        .status()
        .unwrap()
        .success());
    let mut ra = Repository::open(Arc::new(FsBackend::new(&a)), &cred()).unwrap();
    let mut rb = Repository::open(Arc::new(FsBackend::new(&b)), &cred()).unwrap();
    let oa = backup(&mut ra, &opts(&src, 1), &Progress::default()).unwrap();
    let ob = backup(&mut rb, &opts(&src, 4), &Progress::default()).unwrap();
    assert_eq!(oa.id, ob.id);
    for kind in cairn_core::ObjectKind::ALL {
        let mut la = ra.backend().list(kind).unwrap();
        let mut lb = rb.backend().list(kind).unwrap();
        la.sort_by(|x, y| x.name.cmp(&y.name));
        lb.sort_by(|x, y| x.name.cmp(&y.name));
        // Names and sizes; modification times differ between the two runs.
        let names = |l: Vec<cairn_core::ObjectInfo>| {
            l.into_iter().map(|o| (o.name, o.size)).collect::<Vec<_>>()
        };
        assert_eq!(names(la), names(lb), "{kind:?} objects differ");
    }
}

#[test]
fn a_wrong_passphrase_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let b: Arc<dyn Backend> = Arc::new(FsBackend::new(dir.path()));
    init(b.clone());
    let e = Repository::open(b.clone(), &Credential::Passphrase("nope".into())).unwrap_err();
    assert_eq!(e.kind(), cairn_core::ErrorKind::WrongKey);
    Repository::open(b, &cred()).unwrap();
}

#[test]
fn a_file_growing_while_read_is_kept_and_reported() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let path = src.join("growing.log");
    std::fs::write(&path, vec![b'x'; 8_000_000]).unwrap();
    std::fs::write(src.join("stable"), b"stable").unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, path) = (stop.clone(), path.clone());
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                f.write_all(b"appended line\n").unwrap();
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut repo = init(Arc::new(MemoryBackend::new()));
    let out = backup(&mut repo, &opts(&src, 2), &Progress::default());
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    let out = out.unwrap();
    assert!(out.meta.incomplete);
    assert!(
        out.meta
            .errors
            .iter()
            .any(|e| e.path.ends_with("growing.log")
                && e.error.contains("changed while it was read")),
        "{:?}",
        out.meta.errors
    );
    assert_eq!(out.meta.stats.files, 2);
    // What was read is stored consistently: its recorded hash matches its blobs.
    walk(&repo, &out.meta.tree, &mut |_, n| {
        if n.kind == NodeType::File {
            let mut data = Vec::new();
            for c in &n.content {
                data.extend(repo.load_blob(c).unwrap());
            }
            assert_eq!(data.len() as u64, n.size);
            use sha2::Digest;
            assert_eq!(
                hex::encode(sha2::Sha256::digest(&data)),
                n.sha256.clone().unwrap()
            );
        }
        Ok(())
    })
    .unwrap()
    .check()
    .unwrap();
}

#[test]
fn packs_of_an_interrupted_backup_are_adopted_not_stored_again() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    tree(&src);
    let mem = MemoryBackend::new();
    let mut repo = init(Arc::new(mem.clone()));
    let first = backup(&mut repo, &opts(&src, 2), &Progress::default()).unwrap();
    assert!(first.meta.stats.bytes_added > 0);
    // Simulate a crash after the packs were written: no index, no snapshot.
    for kind in [
        cairn_core::ObjectKind::Index,
        cairn_core::ObjectKind::Snapshot,
    ] {
        for o in mem.list(kind).unwrap() {
            mem.delete(kind, &o.name).unwrap();
        }
    }
    let mut repo = Repository::open(Arc::new(mem.clone()), &cred()).unwrap();
    assert!(repo.index().is_empty());
    let again = backup(&mut repo, &opts(&src, 2), &Progress::default()).unwrap();
    assert_eq!(again.packs_adopted, first.packs);
    assert_eq!(again.meta.stats.bytes_added, 0, "data was stored again");
    assert_eq!(again.meta.tree, first.meta.tree);
}
