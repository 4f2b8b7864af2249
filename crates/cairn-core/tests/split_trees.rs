//! Large directories in parts (FORMAT.md §10.1, issue 19): a backup into a
//! format version 3 repository cuts a large directory's tree into parts, an
//! edit stores one part and the list again, and every walker that keeps
//! blobs alive (prune, verify, copy, the epoch rewrite) counts the parts; a
//! repository of an older version keeps whole trees, and copy writes what
//! its destination's version reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backup::{backup, Progress};
use cairn_core::copy::copy;
use cairn_core::crypto::SealKind;
use cairn_core::prune::{self, PruneOptions};
use cairn_core::restore::{self, RestoreProgress};
use cairn_core::tree::{Stored, Tree};
use cairn_core::verify::{verify, DataCheck};
use cairn_core::{Backend, BlobId, ObjectKind, Repository};
use cairn_test_support::{
    assert_latest_restores_and_verifies, backup_options, make_tree, restore_options, MemoryBackend,
    TestRepo,
};
use std::path::Path;
use std::sync::Arc;

fn at(hours: i64) -> time::OffsetDateTime {
    cairn_core::clock::parse_rfc3339("2026-11-27T00:00:00Z").unwrap() + time::Duration::hours(hours)
}

/// A small tree with `big/`, a folder of 2,000 small files.
fn source(root: &Path) {
    make_tree(root);
    let big = root.join("big");
    std::fs::create_dir_all(&big).unwrap();
    for i in 0..2_000 {
        std::fs::write(big.join(format!("file-{i:04}.txt")), format!("{i}\n")).unwrap();
    }
}

fn back_up(repo: &mut Repository, src: &Path, hours: i64) {
    let opts = backup_options(&[src.to_path_buf()], at(hours));
    backup(repo, &opts, &Progress::default()).unwrap();
}

/// How the latest snapshot stores `big/`.
fn big(repo: &Repository) -> Stored {
    let (_, latest) = repo.snapshots().unwrap().pop().unwrap();
    let root: Tree = repo.load_tree(&latest.tree).unwrap();
    let node = root.nodes.iter().find(|n| n.name.0 == b"big").unwrap();
    repo.load_stored(&node.subtree.unwrap()).unwrap()
}

fn tree_blobs(repo: &Repository) -> usize {
    let index = repo.index();
    index
        .by_pack()
        .into_iter()
        .flat_map(|(_, entries)| entries)
        .filter(|e| e.kind == SealKind::Tree)
        .count()
}

fn restores_and_verifies(repo: &Repository, src: &Path, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    assert_latest_restores_and_verifies(repo, src, &dir.path().join("out"), what);
}

#[test]
fn an_edit_in_a_large_directory_stores_one_part_and_prune_keeps_every_part() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    source(&src);
    let mut repo = TestRepo::memory().init();
    assert_eq!(repo.config().version, 3);
    back_up(&mut repo, &src, 0);
    let Stored::Parts(first) = big(&repo) else {
        panic!("2,000 entries are stored in parts")
    };
    assert!(
        (2_000 / 256..2_000 / 16).contains(&first.len()),
        "{} parts",
        first.len()
    );
    restores_and_verifies(&repo, &src, "first backup");

    // One edited file: its part, the list, and the folders above it (root).
    std::fs::write(src.join("big/file-1234.txt"), b"edited\n").unwrap();
    let before = tree_blobs(&repo);
    back_up(&mut repo, &src, 1);
    assert_eq!(
        tree_blobs(&repo) - before,
        3,
        "one part, the list, the root"
    );
    let Stored::Parts(second) = big(&repo) else {
        panic!("still in parts")
    };
    assert_eq!(second.len(), first.len());
    let changed = second.iter().filter(|p| !first.contains(p)).count();
    assert_eq!(changed, 1, "{first:?} vs {second:?}");

    // Forget the first snapshot and prune: the parts both snapshots share
    // and the second's own part stay, the first's own part goes.
    let (old, _) = repo.snapshots().unwrap().remove(0);
    repo.delete_snapshot(&old).unwrap();
    let opts = PruneOptions {
        max_unused_percent: 0.0,
        now: at(2),
    };
    let plan = prune::plan(&repo, &opts).unwrap();
    prune::execute(&mut repo, &plan).unwrap();
    for p in &second {
        assert!(repo.index().contains(p), "part {} was pruned", p.short());
    }
    let gone = first.iter().find(|p| !second.contains(p)).unwrap();
    assert!(!repo.index().contains(gone), "the old part stayed");
    restores_and_verifies(&repo, &src, "after prune");
}

#[test]
fn verify_names_the_folder_of_a_damaged_part() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    source(&src);
    let backend = Arc::new(MemoryBackend::new());
    let mut repo = TestRepo::on(backend.clone()).init();
    back_up(&mut repo, &src, 0);
    let Stored::Parts(parts) = big(&repo) else {
        panic!("in parts")
    };
    // Flip a byte of one part where its pack holds it.
    let (pack, entry) = repo.index().get(&parts[1]).unwrap();
    let name = pack.to_hex();
    let mut bytes = backend.read(ObjectKind::Pack, &name).unwrap();
    bytes[entry.offset as usize + 20] ^= 1;
    backend.replace(ObjectKind::Pack, &name, &bytes).unwrap();
    // The damage names `big/` among what it affects (the pack holds the
    // root's tree too, so `/` may be named beside it).
    let v = verify(&repo, &[], DataCheck::All, 2).unwrap();
    assert!(
        v.damage
            .iter()
            .any(|d| d.affects.iter().any(|a| a.ends_with(":big"))),
        "{:?}",
        v.damage
    );
}

#[test]
fn an_older_repository_keeps_whole_trees_and_copy_writes_what_its_destination_reads() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    source(&src);
    let mut old = TestRepo::memory().init_at_version(1);
    back_up(&mut old, &src, 0);
    assert!(matches!(big(&old), Stored::Nodes(_)), "version 1: whole");
    restores_and_verifies(&old, &src, "version 1");

    // Version 1 into version 3: cut into parts there.
    let mut new = TestRepo::memory().init();
    copy(&old, &mut new, &old.snapshots().unwrap()).unwrap();
    assert!(matches!(big(&new), Stored::Parts(_)));
    restores_and_verifies(&new, &src, "copied into version 3");

    // And back into another version 1 repository: whole again, as many
    // blobs as the first (the parts and their list are not carried over).
    let mut again = TestRepo::memory().init_at_version(1);
    copy(&new, &mut again, &new.snapshots().unwrap()).unwrap();
    let Stored::Nodes(whole) = big(&again) else {
        panic!("copied into version 1: whole")
    };
    assert_eq!(whole.nodes.len(), 2_000);
    restores_and_verifies(&again, &src, "copied back into version 1");
    let ids = |r: &Repository| -> Vec<BlobId> {
        let mut v: Vec<BlobId> = (r.index().by_pack().into_iter())
            .flat_map(|(_, entries)| entries)
            .map(|e| e.id)
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&again).len(), ids(&old).len());
}

#[test]
fn an_upgraded_repository_cuts_the_next_backup_and_reads_the_old_trees() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    source(&src);
    let mut repo = TestRepo::memory().init_at_version(1);
    back_up(&mut repo, &src, 0);
    assert!(matches!(big(&repo), Stored::Nodes(_)));
    let plan = cairn_core::upgrade::plan(&repo);
    assert_eq!((plan.from, plan.to), (1, 3));
    cairn_core::upgrade::execute(&mut repo, &plan).unwrap();
    let backend = repo.backend().clone();
    drop(repo);
    let mut repo = Repository::open(backend, &TestRepo::credential()).unwrap();
    assert_eq!(repo.config().version, 3);
    // Nothing left to do, and doing it again changes nothing.
    let again = cairn_core::upgrade::plan(&repo);
    assert!(!again.changes());
    cairn_core::upgrade::execute(&mut repo, &again).unwrap();

    std::fs::write(src.join("big/file-0007.txt"), b"after the upgrade\n").unwrap();
    back_up(&mut repo, &src, 1);
    assert!(matches!(big(&repo), Stored::Parts(_)));
    restores_and_verifies(&repo, &src, "after the upgrade");
    // The snapshot from before still restores from its whole tree.
    let (first, meta) = repo.snapshots().unwrap().remove(0);
    let out = dir.path().join("first");
    let r = restore::restore(
        &repo,
        first,
        &meta.tree,
        &restore_options(&out),
        &RestoreProgress::default(),
    )
    .unwrap();
    assert!(r.report.errors.is_empty());
    assert_eq!(
        std::fs::read(out.join("big/file-0007.txt")).unwrap(),
        b"7\n"
    );
}
