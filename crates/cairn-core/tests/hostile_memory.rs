//! What a hostile snapshot, or a source tree a local user made, can make
//! Cairn hold. The repeat budget bounds the entries a reader visits; this
//! bounds what each one costs. Folders nested to the depth limit with
//! 255-byte names put entries at the bottom whose paths are 262 KB each: a
//! reader that kept a whole path (or a vector of its components) per entry
//! held gigabytes for a few MB of trees (the `restore_plan` fuzz target
//! found it with a 15-byte input), and a backup that kept a path per open
//! folder held 134 MB for one such chain.
//!
//! The same for `ls -r` and `diff`, which handed back every entry they
//! listed in one vector: whatever the depth, they now hold one at a time.
//!
//! Heap bytes are counted by the allocator, so the bound is exact and
//! deterministic, not a noisy RSS reading. One test in this binary: tests
//! running beside it would count in its peak.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::crypto::SealKind;
use cairn_core::manifest::{manifest_and_not_entered, MAX_DEPTH};
use cairn_core::restore::{plan, restore, Action};
use cairn_core::tree::NodeType;
use cairn_core::BlobId;
use cairn_test_support::hostile::{file_node, hostile_snapshot, node, raw_tree};
use cairn_test_support::{backup_options, deep_chain, restore_options, FsBackend, TestRepo};
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

/// The most heap a backup of `FILES` files below `levels` folders of
/// 255-byte names (made on disk, in `dir/name`) held.
fn back_up(repo: &mut cairn_core::Repository, dir: &std::path::Path, levels: usize) -> usize {
    use rustix::fs::{openat, Mode, OFlags};
    let src = dir.join(format!("src-{levels}"));
    std::fs::create_dir(&src).unwrap();
    let bottom = deep_chain(&src, &"d".repeat(255), levels);
    for i in 0..FILES {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC;
        let f = openat(&bottom, name(i), flags, Mode::from_raw_mode(0o644)).unwrap();
        rustix::io::write(&f, b"at the bottom").unwrap();
    }
    let now = cairn_core::clock::parse_rfc3339("2026-12-06T00:00:00Z").unwrap();
    let opts = backup_options(&[src], now);
    let (out, held) =
        peak_of(|| cairn_core::backup::backup(repo, &opts, &Default::default()).unwrap());
    assert!(!out.meta.incomplete, "{:?}", &out.meta.errors[..1]);
    assert_eq!(out.meta.stats.files, FILES as u64);
    assert_eq!(out.meta.stats.dirs, levels as u64);
    held
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
    let opts = restore_options(&dir.path().join("target"));

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

    // `ls -r`: each entry handed on as the walk meets it (the CLI writes it
    // out), not held; a list of them holds 2,000 paths of 262 KB.
    let ((listed, end), held) = peak_of(|| {
        let mut n = 0;
        let end = cairn_core::browse::ls::list_each(&repo, &root, "", true, &mut |_| {
            n += 1;
            Ok(())
        });
        (n, end)
    });
    assert_eq!(listed, MAX_DEPTH + FILES + TOO_DEEP);
    let e = end.expect_err("the folders left out are an error at the end");
    assert!(e.to_string().contains("were not entered"), "{e}");
    assert!(held < BOUND, "listing held {held} bytes");

    // `diff` against an empty snapshot: every entry a difference, handed
    // on as found.
    let side = |root| cairn_core::browse::diff::Side { src: &repo, root };
    let ((found, totals), held) = peak_of(|| {
        let mut n = 0;
        let totals =
            cairn_core::browse::diff::diff_each(side(&root), side(&empty_id), "", &mut |_| {
                n += 1;
                Ok(())
            })
            .unwrap();
        (n, totals)
    });
    assert_eq!(found, MAX_DEPTH + FILES + TOO_DEEP);
    assert_eq!(totals.removed, found as u64);
    assert!(held < BOUND, "comparing held {held} bytes");

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

    // A backup: whatever it holds for its own work (packs, compressors,
    // queues: 64 MB here), the depth of its source adds next to nothing.
    // Keeping a path per open folder added 116 MB.
    let flat = back_up(&mut repo, dir.path(), 0);
    let deep = back_up(&mut repo, dir.path(), MAX_DEPTH);
    assert!(
        deep < flat + (8 << 20),
        "the backup held {deep} bytes, {flat} at the top"
    );
}
