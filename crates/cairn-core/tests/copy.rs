//! Copying snapshots into a repository with other keys: the copy holds the
//! same files (diff across the two repositories finds nothing), a rerun
//! stores nothing, and a copy killed before its snapshot object resumes
//! without storing any data again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backup::{backup, BackupOptions, Progress};
use cairn_core::browse::cat::cat;
use cairn_core::browse::diff::{diff, Side};
use cairn_core::copy::copy;
use cairn_core::{ObjectKind, Repository};
use cairn_test_support::{make_tree, TestRepo};
use std::path::Path;

fn back_up(repo: &mut Repository, src: &Path, now: &str) {
    let opts = BackupOptions {
        paths: vec![src.to_path_buf()],
        tags: vec!["t".into()],
        host: "h".into(),
        excludes: vec![],
        one_file_system: false,
        spec: None,
        now: cairn_core::clock::parse_rfc3339(now).unwrap(),
        workers: 2,
        force: false,
        uploads: 2,
    };
    backup(repo, &opts, &Progress::default()).unwrap();
}

fn assert_same(src: &Repository, dst: &Repository) {
    let (a, b) = (src.snapshots().unwrap(), dst.snapshots().unwrap());
    assert_eq!(a.len(), b.len());
    for ((_, ma), (_, mb)) in a.iter().zip(&b) {
        assert_eq!(
            (&ma.time, &ma.paths, &ma.tags),
            (&mb.time, &mb.paths, &mb.tags)
        );
        assert_ne!(ma.tree, mb.tree, "ids are the destination's own");
        let d = diff(
            Side {
                src,
                root: &ma.tree,
            },
            Side {
                src: dst,
                root: &mb.tree,
            },
            "",
        )
        .unwrap();
        assert!(d.changes.is_empty(), "{:?}", d.changes);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        cat(src, &ma.tree, "big.bin", &mut x).unwrap();
        cat(dst, &mb.tree, "big.bin", &mut y).unwrap();
        assert_eq!(x, y);
    }
}

/// A source repository with one backup of `make_tree` in `DIR/src`.
fn one_backup() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    make_tree(&dir.path().join("src"));
    let mut src = TestRepo::memory().init();
    back_up(&mut src, &dir.path().join("src"), "2026-12-01T00:00:00Z");
    (dir, src)
}

#[test]
fn a_copy_is_the_same_snapshots_under_other_keys_and_a_rerun_stores_nothing() {
    let (dir, mut src) = one_backup();
    let src_dir = dir.path().join("src");
    std::fs::write(src_dir.join("docs/new.txt"), "new").unwrap();
    back_up(&mut src, &src_dir, "2026-12-02T00:00:00Z");
    let mut dst = TestRepo::memory().init();

    let all = src.snapshots().unwrap();
    let first = copy(&src, &mut dst, &all[..1]).unwrap();
    assert_eq!(first.copied.len(), 1);
    let second = copy(&src, &mut dst, &all).unwrap();
    assert_eq!((second.copied.len(), second.present.len()), (1, 1));
    assert!(
        second.blobs_stored < first.blobs_stored,
        "the second snapshot's unchanged data is not stored again"
    );
    assert_same(&src, &dst);
    // The copied child names the copied parent.
    let copied = dst.snapshots().unwrap();
    assert_eq!(copied[1].1.parent, Some(copied[0].0));

    let again = copy(&src, &mut dst, &all).unwrap();
    assert!(again.copied.is_empty());
    assert_eq!((again.present.len(), again.blobs_stored), (2, 0));
}

#[test]
fn a_copy_killed_before_its_snapshot_resumes_without_storing_data_again() {
    let (_dir, src) = one_backup();
    let mut dst = TestRepo::memory().init();
    let all = src.snapshots().unwrap();
    let done = copy(&src, &mut dst, &all).unwrap();
    // What a kill between the index and the snapshot object leaves: packs
    // and index, no snapshot.
    let dst_id = done.copied[0].1;
    dst.backend()
        .delete(ObjectKind::Snapshot, &dst_id.to_hex())
        .unwrap();
    assert!(dst.snapshots().unwrap().is_empty());
    let resumed = copy(&src, &mut dst, &all).unwrap();
    assert_eq!(resumed.copied.len(), 1);
    assert_eq!(resumed.blobs_stored, 0, "every blob was already there");
    assert_eq!(resumed.copied[0].1, dst_id, "the same snapshot id again");
    assert_same(&src, &dst);
}
