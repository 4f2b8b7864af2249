//! Trees in packs of their own (issue 19): backup, copy and prune's repack
//! (and the epoch rewrite, through the same `SplitPacks`) put tree blobs and
//! data blobs in separate packs, so a
//! restore's plan reads tree packs only and its writes read each byte of a
//! data pack once; a repository an older writer left with mixed packs still
//! restores, verifies and prunes (readers never required the split).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backup::{backup, Progress};
use cairn_core::copy::copy;
use cairn_core::crypto::SealKind;
use cairn_core::prune::{self, PackAction, PruneOptions};
use cairn_core::restore::{self, RestoreProgress};
use cairn_core::tree::{Node, NodeType, Tree};
use cairn_core::{BlobId, ObjectKind, PackId, Repository};
use cairn_test_support::{
    assert_latest_restores_and_verifies, assert_same_tree, backup_options, make_tree, noise,
    restore_options, store_pack, store_snapshot, Hooked, MemoryBackend, Read, TestRepo,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

fn now() -> time::OffsetDateTime {
    cairn_core::clock::parse_rfc3339("2026-11-27T00:00:00Z").unwrap()
}

/// A tree with folders of small files and two 9 MB files of noise: more
/// than one default (16 MiB) data pack, and a tree pack beside them.
fn source(root: &Path) {
    make_tree(root);
    for d in 0..5 {
        let dir = root.join(format!("dir{d}/sub"));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..20 {
            std::fs::write(dir.join(format!("f{i}")), format!("{d} {i}\n").repeat(i)).unwrap();
        }
    }
    std::fs::write(root.join("dir0/noise1"), noise(9_000_000, 1)).unwrap();
    std::fs::write(root.join("dir3/noise2"), noise(9_000_000, 2)).unwrap();
}

fn back_up(repo: &mut Repository, src: &Path) -> cairn_core::backup::BackupOutcome {
    backup(
        repo,
        &backup_options(&[src.to_path_buf()], now()),
        &Progress::default(),
    )
    .unwrap()
}

/// Packs by what they hold: (tree-only, data-only, mixed).
fn pack_kinds(repo: &Repository) -> (Vec<PackId>, Vec<PackId>, Vec<PackId>) {
    let (mut trees, mut data, mut mixed) = (vec![], vec![], vec![]);
    for (pack, entries) in repo.index().by_pack() {
        let tree = entries.iter().filter(|e| e.kind == SealKind::Tree).count();
        match (tree, entries.len() - tree) {
            (_, 0) => trees.push(pack),
            (0, _) => data.push(pack),
            _ => mixed.push(pack),
        }
    }
    (trees, data, mixed)
}

fn assert_split(repo: &Repository, what: &str) {
    let (trees, data, mixed) = pack_kinds(repo);
    assert!(
        mixed.is_empty(),
        "{what}: packs holding trees and data: {mixed:?}"
    );
    assert!(
        !trees.is_empty() && !data.is_empty(),
        "{what}: {trees:?} {data:?}"
    );
}

fn check_restores_and_verifies(repo: &Repository, src: &Path, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    assert_latest_restores_and_verifies(repo, src, &dir.path().join("out"), what);
}

#[test]
fn backup_and_copy_keep_trees_and_data_in_packs_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    source(&src);
    let mut repo = TestRepo::memory().init();
    back_up(&mut repo, &src);
    assert_split(&repo, "backup");
    let (_, data, _) = pack_kinds(&repo);
    assert!(data.len() >= 2, "the source fills more than one data pack");
    check_restores_and_verifies(&repo, &src, "backup");

    // A second backup with one file changed adds a small data pack and a
    // small tree pack (the changed folder and its parents).
    std::fs::write(src.join("dir4/sub/f3"), b"changed").unwrap();
    let before = repo.index().packs().len();
    // An hour later, so it is the latest snapshot (ties go by id).
    let later = backup_options(std::slice::from_ref(&src), now() + time::Duration::hours(1));
    backup(&mut repo, &later, &Progress::default()).unwrap();
    assert_eq!(repo.index().packs().len(), before + 2);
    assert_split(&repo, "incremental backup");

    let mut dst = TestRepo::memory().init();
    copy(&repo, &mut dst, &repo.snapshots().unwrap()).unwrap();
    assert_split(&dst, "copy");
    check_restores_and_verifies(&dst, &src, "copy");
}

/// A file node whose content is `blobs`, in a repository whose keys name them.
fn file(repo: &Repository, name: &str, blobs: &[&[u8]]) -> Node {
    let mut n = Node::bare(name.as_bytes(), NodeType::File, 0o644);
    n.mtime_ns = 1_700_000_000_000_000_000;
    let data = blobs.concat();
    n.size = data.len() as u64;
    n.sha256 = Some(hex::encode(Sha256::digest(&data)));
    n.content = blobs
        .iter()
        .map(|b| BlobId(repo.keys().id(SealKind::Data, b)))
        .collect();
    n
}

fn dir(repo: &Repository, name: &str, tree: &[u8]) -> Node {
    let mut n = Node::bare(name.as_bytes(), NodeType::Dir, 0o755);
    n.mtime_ns = 1_700_000_000_000_000_000;
    n.subtree = Some(BlobId(repo.keys().id(SealKind::Tree, tree)));
    n
}

fn encode(mut nodes: Vec<Node>) -> Vec<u8> {
    nodes.sort_by(|a, b| a.name.0.cmp(&b.name.0));
    Tree { nodes }.encode()
}

#[test]
fn a_repository_of_mixed_packs_restores_verifies_and_prune_splits_them() {
    // What an older writer left: trees between the data they describe, in
    // the same packs, and a blob no snapshot uses (so prune repacks).
    let mut repo = TestRepo::memory().init();
    let (a, b, c, unused) = (
        noise(300_000, 3),
        noise(5_000, 4),
        noise(70_000, 5),
        noise(90_000, 6),
    );
    let sub = encode(vec![file(&repo, "c", &[&c, &a])]);
    let root = encode(vec![
        file(&repo, "a", &[&a, &b]),
        file(&repo, "b", &[&b]),
        dir(&repo, "sub", &sub),
    ]);
    store_pack(
        &mut repo,
        &[
            (SealKind::Data, &a),
            (SealKind::Tree, &sub),
            (SealKind::Data, &unused),
            (SealKind::Data, &b),
        ],
    );
    let (_, ids) = store_pack(&mut repo, &[(SealKind::Data, &c), (SealKind::Tree, &root)]);
    store_snapshot(&repo, ids[1], "2026-11-27T00:00:00Z", "h");
    let (_, _, mixed) = pack_kinds(&repo);
    assert_eq!(mixed.len(), 2);

    let dir = tempfile::tempdir().unwrap();
    let expect = dir.path().join("expect");
    std::fs::create_dir_all(expect.join("sub")).unwrap();
    std::fs::write(expect.join("a"), [&a[..], &b].concat()).unwrap();
    std::fs::write(expect.join("b"), &b).unwrap();
    std::fs::write(expect.join("sub/c"), [&c[..], &a].concat()).unwrap();
    check_restores_and_verifies(&repo, &expect, "mixed packs");

    let plan = prune::plan(
        &repo,
        &PruneOptions {
            max_unused_percent: 5.0,
            now: now(),
        },
    )
    .unwrap();
    assert!(
        plan.packs.iter().any(|p| p.action == PackAction::Repack),
        "{plan:?}"
    );
    prune::execute(&mut repo, &plan).unwrap();
    let (trees, data, mixed) = pack_kinds(&repo);
    // The repacked pack's tree and data went to packs of their own; the
    // pack that was kept stays mixed (prune moves only what it repacks).
    assert_eq!(
        (trees.len(), data.len(), mixed.len()),
        (1, 1, 1),
        "{plan:?}"
    );
    check_restores_and_verifies(&repo, &expect, "after prune");
}

/// Every read the storage served, in order.
type Reads = Arc<Mutex<Vec<Read>>>;

fn watched() -> (Arc<dyn cairn_core::Backend>, Reads) {
    let reads: Reads = Arc::default();
    let log = reads.clone();
    let b = Hooked::watching_reads(Arc::new(MemoryBackend::new()), move |r| {
        log.lock().unwrap().push(r)
    });
    (Arc::new(b), reads)
}

/// The pack reads among `reads`: pack -> its ranges.
fn pack_reads(reads: &[Read]) -> BTreeMap<String, Vec<(u64, u64)>> {
    let mut out: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    for r in reads.iter().filter(|r| r.kind == ObjectKind::Pack) {
        let range = r.range.expect("restore reads packs by range, never whole");
        out.entry(r.name.clone()).or_default().push(range);
    }
    out
}

#[test]
fn planning_a_restore_reads_only_tree_packs_and_the_writes_read_data_once() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    source(&src);
    let (backend, reads) = watched();
    let mut repo = TestRepo::on(backend).init();
    let out = back_up(&mut repo, &src);
    let (trees, data, _) = pack_kinds(&repo);
    let trees: HashSet<String> = trees.iter().map(PackId::to_hex).collect();
    let sizes: HashMap<String, u64> = repo
        .index()
        .by_pack()
        .into_iter()
        .map(|(p, e)| (p.to_hex(), e.iter().map(|e| u64::from(e.stored_len)).sum()))
        .collect();

    // The plan alone (a dry run).
    reads.lock().unwrap().clear();
    let target = dir.path().join("out");
    let plan = restore::plan(&repo, out.id, &out.meta.tree, &restore_options(&target)).unwrap();
    assert!(plan.entries.len() > 100);
    let planned = pack_reads(&reads.lock().unwrap());
    assert!(!planned.is_empty());
    for pack in planned.keys() {
        assert!(trees.contains(pack), "the plan read data pack {pack}");
    }

    // The whole restore: every data pack read in spans (exactly the bytes
    // needed, which S3 fetches without its read-ahead windows), and no byte
    // of one read twice.
    reads.lock().unwrap().clear();
    let r = restore::restore(
        &repo,
        out.id,
        &out.meta.tree,
        &restore_options(&target),
        &RestoreProgress::default(),
    )
    .unwrap();
    assert!(r.report.errors.is_empty(), "{:?}", r.report.errors);
    assert_same_tree(&src, &target);
    let done = reads.lock().unwrap().clone();
    let all = pack_reads(&done);
    for r in done.iter().filter(|r| r.kind == ObjectKind::Pack) {
        assert_eq!(r.span, !trees.contains(&r.name), "{r:?}");
    }
    for pack in &data {
        let mut ranges = all[&pack.to_hex()].clone();
        ranges.sort();
        let read: u64 = ranges.iter().map(|r| r.1).sum();
        for w in ranges.windows(2) {
            assert!(
                w[0].0 + w[0].1 <= w[1].0,
                "pack {pack} read twice: {ranges:?}"
            );
        }
        assert!(read <= sizes[&pack.to_hex()], "pack {pack}: {ranges:?}");
    }
    for pack in all.keys().filter(|p| !trees.contains(*p)) {
        assert!(data.iter().any(|d| d.to_hex() == *pack));
    }
}
