//! What a hostile snapshot can make a reader hold. The repeat budget bounds
//! the entries a reader visits; this bounds what each one costs. A snapshot
//! nesting folders to the depth limit with 255-byte names puts entries at
//! the bottom whose paths are 260 KB each: a reader that kept a whole path
//! (or a vector of its components) per entry held gigabytes for a few MB of
//! trees (the `restore_plan` fuzz target found it with a 15-byte input).
//!
//! Heap bytes are counted by the allocator, so the bound is exact and
//! deterministic, not a noisy RSS reading. One test in this binary: tests
//! running beside it would count in its peak.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::crypto::SealKind;
use cairn_core::manifest::{manifest_and_not_entered, MAX_DEPTH};
use cairn_core::restore::{plan, restore, Action, Overwrite, RestoreOptions};
use cairn_core::tree::NodeType;
use cairn_core::BlobId;
use cairn_test_support::hostile::{file_node, hostile_snapshot, node, raw_tree};
use cairn_test_support::{FsBackend, TestRepo};
use peak_alloc::PeakAlloc;
use std::sync::Arc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// Files, and folders too deep to enter, at the bottom of the chain.
const FILES: usize = 1500;
const TOO_DEEP: usize = 500;
/// What any of the readers below may hold above what was live before it.
/// Whole paths took about 0.5 MB per entry, over 1 GB here.
const BOUND: usize = 32 << 20;

/// The most heap `f` held at once, above what was live before it.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    HEAP.reset_peak_usage();
    let before = HEAP.current_usage();
    let out = f();
    (out, HEAP.peak_usage().saturating_sub(before))
}

fn name(i: usize) -> Vec<u8> {
    format!("{i:0>255}").into_bytes()
}

#[test]
fn entries_at_the_depth_limit_with_the_longest_names_cost_their_names_not_their_paths() {
    let dir = tempfile::tempdir().unwrap();
    let mut repo = TestRepo::on(Arc::new(FsBackend::new(dir.path().join("repo")))).init();
    let data = b"at the bottom".as_slice();
    let mut bottom: Vec<_> = (0..FILES)
        .map(|i| file_node(&repo, &name(i), data))
        .collect();
    let empty = raw_tree(&[]);
    let empty_id = BlobId(repo.keys().id(SealKind::Tree, &empty));
    bottom.extend((FILES..FILES + TOO_DEEP).map(|i| {
        let mut d = node(&name(i), NodeType::Dir);
        d.subtree = Some(empty_id);
        d
    }));
    // MAX_DEPTH folders of one 255-byte name each, the bottom tree inside.
    let mut trees = vec![empty, raw_tree(&bottom)];
    for _ in 0..MAX_DEPTH {
        let mut d = node(&name(0), NodeType::Dir);
        d.subtree = Some(BlobId(
            repo.keys().id(SealKind::Tree, trees.last().unwrap()),
        ));
        trees.push(raw_tree(&[d]));
    }
    let (id, root) = hostile_snapshot(&mut repo, &trees, trees.len() - 1, &[data], "evil");
    let target = dir.path().join("target");
    let opts = RestoreOptions {
        target: target.clone(),
        include: vec![],
        exclude: vec![],
        overwrite: Overwrite::IfChanged,
        delete: false,
        workers: 2,
        special: false,
    };

    // The whole plan (a dry run).
    let (p, held) = peak_of(|| plan(&repo, id, &root, &opts).unwrap());
    assert_eq!(p.entries.len(), MAX_DEPTH + FILES + TOO_DEEP);
    let deepest = p.entries.last().unwrap();
    assert_eq!(deepest.place.depth(), MAX_DEPTH + 1);
    assert_eq!(deepest.path().len(), (MAX_DEPTH + 1) * 256 - 1);
    assert!(matches!(deepest.action, Action::Refuse(_)));
    assert!(held < BOUND, "planning held {held} bytes");
    drop(p);

    // The manifest (verify's smoke test and the gate walk it).
    let ((m, left_out), held) = peak_of(|| manifest_and_not_entered(&repo, &root).unwrap());
    assert_eq!(m.len(), MAX_DEPTH + FILES + TOO_DEEP);
    assert_eq!(left_out.count, TOO_DEEP);
    assert!(held < BOUND, "the manifest held {held} bytes");
    drop(m);

    // The restore itself: plan, folders opened 1,024 deep, files written,
    // the too-deep folders refused.
    let (r, held) = peak_of(|| restore(&repo, id, &root, &opts, &Default::default()).unwrap());
    assert!(r.report.errors.is_empty(), "{:?}", &r.report.errors[..1]);
    assert_eq!(r.report.files_written, FILES as u64);
    assert_eq!(r.refused.len(), TOO_DEEP);
    assert!(held < BOUND, "restoring held {held} bytes");
    drop(r);
    // Again, over what it restored: every folder is there now, open in
    // the plan's walk as well as the executor's.
    let (r, held) = peak_of(|| restore(&repo, id, &root, &opts, &Default::default()).unwrap());
    assert!(r.report.errors.is_empty(), "{:?}", &r.report.errors[..1]);
    assert_eq!(r.report.files_written, 0);
    assert!(held < BOUND, "restoring again held {held} bytes");
}
