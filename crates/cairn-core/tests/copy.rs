//! Copying snapshots into a repository with other keys: the copy holds the
//! same files (diff across the two repositories finds nothing), a rerun
//! stores nothing, and a copy killed before its snapshot object resumes
//! without storing any data again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backup::{backup, BackupOptions, Progress};
use cairn_core::browse::cat::cat;
use cairn_core::browse::diff::{diff, Side};
use cairn_core::copy::{copy, copy_watched, CopyOptions};
use cairn_core::crypto::{SealKind, TAG_LEN};
use cairn_core::keyslot::Argon2Params;
use cairn_core::progress::WorkProgress;
use cairn_core::repo::InitOptions;
use cairn_core::{ObjectKind, Repository};
use cairn_test_support::{make_tree, noise, FsBackend, MemoryBackend, TestRepo};
use std::path::Path;
use std::sync::Arc;

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
    assert_same_files(src, dst);
    let (a, b) = (src.snapshots().unwrap(), dst.snapshots().unwrap());
    for ((_, ma), (_, mb)) in a.iter().zip(&b) {
        assert_eq!(
            (&ma.time, &ma.paths, &ma.tags),
            (&mb.time, &mb.paths, &mb.tags)
        );
        assert_ne!(ma.tree, mb.tree, "ids are the destination's own");
        let (mut x, mut y) = (Vec::new(), Vec::new());
        cat(src, &ma.tree, "big.bin", &mut x).unwrap();
        cat(dst, &mb.tree, "big.bin", &mut y).unwrap();
        assert_eq!(x, y);
    }
}

/// Both repositories' snapshots hold the same files (diff across them).
fn assert_same_files(src: &Repository, dst: &Repository) {
    let (a, b) = (src.snapshots().unwrap(), dst.snapshots().unwrap());
    assert_eq!(a.len(), b.len());
    for ((_, ma), (_, mb)) in a.iter().zip(&b) {
        let (x, y) = (
            Side {
                src,
                root: &ma.tree,
            },
            Side {
                src: dst,
                root: &mb.tree,
            },
        );
        let d = diff(x, y, "").unwrap();
        assert!(d.changes.is_empty(), "{:?}", d.changes);
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

/// The copy's threads change its speed, never its output: one worker and
/// one writer, or four workers and three writers, write the same objects,
/// byte for byte, into two clones of one empty destination (its blobs in
/// walk order, whichever worker finished first), and both copies hold the
/// source's files. The source has hundreds of small files (many batches,
/// finished out of order), several packs of data, and a second snapshot
/// sharing most subtrees with the first.
#[test]
fn a_copy_writes_the_same_objects_whatever_its_threads() {
    let dir = tempfile::tempdir().unwrap();
    let src_dir = dir.path().join("src");
    make_tree(&src_dir);
    for d in 0..6 {
        let sub = src_dir.join(format!("many/{d}"));
        std::fs::create_dir_all(&sub).unwrap();
        for f in 0..100 {
            std::fs::write(sub.join(f.to_string()), format!("file {d}/{f}\n").repeat(f)).unwrap();
        }
    }
    std::fs::write(src_dir.join("noise.bin"), noise(18 << 20, 7)).unwrap();
    let mut src = TestRepo::memory().init();
    back_up(&mut src, &src_dir, "2026-12-01T00:00:00Z");
    std::fs::write(src_dir.join("many/3/new"), "one more").unwrap();
    back_up(&mut src, &src_dir, "2026-12-02T00:00:00Z");
    let all = src.snapshots().unwrap();

    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    TestRepo::on(Arc::new(FsBackend::new(&a))).init();
    let cloned = std::process::Command::new("cp")
        .arg("-a")
        .arg(&a)
        .arg(&b)
        .status();
    assert!(cloned.unwrap().success());
    let open =
        |p: &Path| Repository::open(Arc::new(FsBackend::new(p)), &TestRepo::credential()).unwrap();
    let (mut ra, mut rb) = (open(&a), open(&b));
    let run = |dst: &mut Repository, workers, uploads| {
        let opts = CopyOptions { workers, uploads };
        copy_watched(&src, dst, &all, &opts, &WorkProgress::default()).unwrap()
    };
    // One worker and no writer thread (the collector stores the packs)
    // against four workers and three writers.
    let one = run(&mut ra, 1, 0);
    let four = run(&mut rb, 4, 3);
    assert_eq!(one.copied, four.copied);
    assert_eq!(
        (one.blobs_stored, one.bytes_stored, one.blobs_present),
        (four.blobs_stored, four.bytes_stored, four.blobs_present)
    );
    let packs = ra.backend().list(ObjectKind::Pack).unwrap().len();
    assert!(
        packs >= 4,
        "only {packs} packs: the writers had too little to do"
    );
    for kind in [ObjectKind::Snapshot, ObjectKind::Index, ObjectKind::Pack] {
        let objects = |r: &Repository| {
            let mut l: Vec<_> = r
                .backend()
                .list(kind)
                .unwrap()
                .into_iter()
                .map(|o| o.name)
                .collect();
            l.sort();
            l.iter()
                .map(|n| (n.clone(), r.backend().read(kind, n).unwrap()))
                .collect::<Vec<_>>()
        };
        assert!(objects(&ra) == objects(&rb), "{kind:?} objects differ");
    }
    assert_same(&src, &rb);
}

/// Data is stored at the destination's compression level. At the source's
/// level each blob takes the bytes it took there (the source's frame is
/// sealed again as it is, or compressed alike); at level 0 each is stored
/// uncompressed, though the source compressed some.
#[test]
fn a_copy_compresses_data_at_the_destination_level() {
    let (_dir, src) = one_backup();
    let all = src.snapshots().unwrap();
    // (plaintext length, stored length) of every data blob, sorted.
    let data = |r: &Repository| {
        let mut v: Vec<(u32, u32)> = r
            .index()
            .by_pack()
            .into_iter()
            .flat_map(|(_, es)| es)
            .filter(|e| e.kind == SealKind::Data)
            .map(|e| (e.raw_len, e.stored_len))
            .collect();
        v.sort();
        v
    };
    let mut same = TestRepo::memory().init();
    copy(&src, &mut same, &all).unwrap();
    assert_eq!(data(&same), data(&src));

    let opts = InitOptions {
        compression: 0,
        argon2: Argon2Params::INSECURE_FOR_TESTS,
        worm: None,
    };
    let created = cairn_core::clock::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let backend = Arc::new(MemoryBackend::new());
    let mut plain = Repository::init(backend, &TestRepo::credential(), opts, created).unwrap();
    copy(&src, &mut plain, &all).unwrap();
    assert!(data(&src).iter().any(|(raw, stored)| stored < raw));
    let framed = |raw: u32| raw + 1 + TAG_LEN as u32;
    assert!(data(&plain)
        .iter()
        .all(|&(raw, stored)| stored == framed(raw)));
    assert_same(&src, &plain);
}

/// A source of 2,000 small files, each its own data blob: many more batches
/// of the copy's pipeline than it lets be in flight.
fn small_files() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    let src_dir = dir.path().join("src");
    for d in 0..20 {
        let sub = src_dir.join(format!("many/{d}"));
        std::fs::create_dir_all(&sub).unwrap();
        for f in 0..100 {
            std::fs::write(sub.join(f.to_string()), format!("file {d}/{f}\n")).unwrap();
        }
    }
    let mut src = TestRepo::memory().init();
    back_up(&mut src, &src_dir, "2026-12-01T00:00:00Z");
    (dir, src)
}

/// The names of the packs holding data blobs.
fn data_packs(repo: &Repository) -> Vec<(String, Vec<cairn_core::pack::BlobEntry>)> {
    repo.index()
        .by_pack()
        .into_iter()
        .filter(|(_, e)| e.iter().any(|e| e.kind == SealKind::Data))
        .map(|(p, e)| (p.to_hex(), e))
        .collect()
}

/// While one worker is stalled on a slow source read, the others go on only
/// as far as the pipeline's credits allow: their finished batches cannot be
/// taken before the stalled one, and without the bound they piled up in
/// memory, every later batch of the snapshot (here: nearly all 2,000 blobs
/// read during the stall; with it, a few batches' worth).
#[test]
fn a_stalled_read_holds_the_other_workers_to_a_few_batches() {
    let (_dir, src) = small_files();
    let packs: std::collections::HashSet<String> =
        data_packs(&src).into_iter().map(|(n, _)| n).collect();
    let reads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let during = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (r, d) = (reads.clone(), during.clone());
    let hooked = cairn_test_support::Hooked::watching_reads(src.backend().clone(), move |read| {
        use std::sync::atomic::Ordering::SeqCst;
        if read.kind != ObjectKind::Pack || !packs.contains(&read.name) {
            return;
        }
        if r.fetch_add(1, SeqCst) == 0 {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            d.store(r.load(SeqCst) - 1, SeqCst);
        }
    });
    let src = Repository::open(Arc::new(hooked), &TestRepo::credential()).unwrap();
    let all = src.snapshots().unwrap();
    let mut dst = TestRepo::memory().init();
    let opts = CopyOptions {
        workers: 2,
        uploads: 1,
    };
    copy_watched(&src, &mut dst, &all, &opts, &WorkProgress::default()).unwrap();
    let (reads, during) = (
        reads.load(std::sync::atomic::Ordering::SeqCst),
        during.load(std::sync::atomic::Ordering::SeqCst),
    );
    assert!(
        reads >= 2000,
        "{reads} data reads: every file's blob is read"
    );
    assert!(
        during < 1000,
        "{during} of {reads} data reads happened while the first one was stalled"
    );
    assert_same_files(&src, &dst);
}

/// A source whose data is damaged fails the copy with the damage named, and
/// the copy's threads stop: the walker, out of credits for the batches the
/// collector cannot take in order (the failed one never comes), sees the
/// failure instead of waiting forever. Nothing is left as a snapshot.
#[test]
fn a_copy_of_damaged_data_stops_every_thread_and_names_the_damage() {
    let (_dir, src) = small_files();
    for (name, entries) in data_packs(&src) {
        let mut bytes = src.backend().read(ObjectKind::Pack, &name).unwrap();
        for e in entries.iter().filter(|e| e.kind == SealKind::Data) {
            bytes[e.offset as usize + TAG_LEN] ^= 0x40;
        }
        src.backend()
            .replace(ObjectKind::Pack, &name, &bytes)
            .unwrap();
    }
    let all = src.snapshots().unwrap();
    let mut dst = TestRepo::memory().init();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| {
            let opts = CopyOptions {
                workers: 2,
                uploads: 1,
            };
            let r = copy_watched(&src, &mut dst, &all, &opts, &WorkProgress::default());
            tx.send(r.map(|_| ()).map_err(|e| e.to_string())).unwrap();
        });
        let r = rx
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("the copy stopped within two minutes");
        let e = r.expect_err("damaged data is not copied");
        assert!(e.contains("failed authentication"), "{e}");
    });
    assert!(dst.snapshots().unwrap().is_empty());
}
