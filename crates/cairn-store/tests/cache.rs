//! The local cache of snapshot objects and index files (src/cache.rs):
//! it passes the conformance suite, answers only names the storage lists,
//! and a damaged or swapped entry costs a read of the storage, never a
//! healthy object reported damaged.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backend::WormMode;
use cairn_core::clock::FixedClock;
use cairn_core::guard::AppendOnly;
use cairn_core::worm::{Worm, WormConfig};
use cairn_core::{Backend, ErrorKind, ObjectKind, Repository, SnapshotId};
use cairn_store::{CachedBackend, MemoryBackend};
use cairn_test_support::{conformance, forwarding, store_snapshot, Hooked, TestRepo};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Storage that counts whole-object reads of snapshot objects and index
/// files, with a cache over it in `dir`.
struct Counted {
    reads: Arc<Mutex<Vec<(ObjectKind, String)>>>,
    cache: Arc<CachedBackend>,
}

impl Counted {
    fn new(storage: MemoryBackend, dir: &Path) -> Self {
        let reads: Arc<Mutex<Vec<(ObjectKind, String)>>> = Arc::default();
        let seen = reads.clone();
        let watched = Hooked::watching_reads(Arc::new(storage.clone()), move |r| {
            if matches!(r.kind, ObjectKind::Snapshot | ObjectKind::Index) {
                seen.lock().unwrap().push((r.kind, r.name));
            }
        });
        let cache = Arc::new(CachedBackend::new(Arc::new(watched), dir.to_path_buf()));
        Counted { reads, cache }
    }

    /// The snapshot and index reads that reached the storage since the last call.
    fn take(&self) -> Vec<(ObjectKind, String)> {
        std::mem::take(&mut *self.reads.lock().unwrap())
    }
}

fn id(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_cache_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    conformance::run(|| {
        n += 1;
        CachedBackend::new(
            Arc::new(MemoryBackend::new()),
            dir.path().join(format!("c{n}")),
        )
    });
}

/// Every call the cache does not answer itself reaches the storage, and
/// those it answers (a first read) answer what the storage said: above all
/// `reread`, which a guard wrapping the cache must pass on too (checked in
/// cairn-core's tests/forwarding.rs).
#[test]
fn the_cache_passes_on_every_call_it_does_not_answer() {
    let dir = tempfile::tempdir().unwrap();
    let n = std::sync::atomic::AtomicUsize::new(0);
    forwarding::check(
        "the cache",
        |b| {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Arc::new(CachedBackend::new(b, dir.path().join(format!("c{i}"))))
        },
        forwarding::refuses_nothing,
    );
    let i = std::sync::atomic::AtomicUsize::new(0);
    forwarding::shares_writes("the cache", |b| {
        let i = i.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Arc::new(CachedBackend::new(b, dir.path().join(format!("s{i}"))))
    });
}

#[test]
fn a_listed_name_is_read_once_and_an_unlisted_one_always_from_the_storage() {
    let dir = tempfile::tempdir().unwrap();
    let storage = MemoryBackend::new();
    storage
        .write_new(ObjectKind::Snapshot, &id(1), b"one")
        .unwrap();
    let c = Counted::new(storage.clone(), dir.path());

    // Nothing listed yet: every read goes to the storage (and fills the cache).
    assert_eq!(c.cache.read(ObjectKind::Snapshot, &id(1)).unwrap(), b"one");
    assert_eq!(c.cache.read(ObjectKind::Snapshot, &id(1)).unwrap(), b"one");
    assert_eq!(c.take().len(), 2);

    c.cache.list(ObjectKind::Snapshot).unwrap();
    assert_eq!(c.cache.read(ObjectKind::Snapshot, &id(1)).unwrap(), b"one");
    assert_eq!(c.cache.read(ObjectKind::Snapshot, &id(1)).unwrap(), b"one");
    assert_eq!(c.take(), vec![], "a listed, cached name is not fetched");

    // Another process (here: the storage directly) deletes it: the next
    // listing drops the entry, and a read asks the storage, which says so.
    storage.delete(ObjectKind::Snapshot, &id(1)).unwrap();
    assert!(c.cache.list(ObjectKind::Snapshot).unwrap().is_empty());
    assert!(!c.cache.dir().join("snapshots").join(id(1)).exists());
    let e = c.cache.read(ObjectKind::Snapshot, &id(1)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);

    // Other kinds are never kept.
    storage
        .write_new(ObjectKind::Key, &id(2)[..32], b"k")
        .unwrap();
    c.cache.list(ObjectKind::Key).unwrap();
    c.cache.read(ObjectKind::Key, &id(2)[..32]).unwrap();
    assert!(!c.cache.dir().join("keys").exists());
}

#[test]
fn what_this_process_writes_is_kept_and_what_it_deletes_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let c = Counted::new(MemoryBackend::new(), dir.path());
    c.cache.list(ObjectKind::Index).unwrap();
    c.cache
        .write_new(ObjectKind::Index, &id(3), b"idx")
        .unwrap();
    assert_eq!(c.cache.read(ObjectKind::Index, &id(3)).unwrap(), b"idx");
    assert_eq!(c.take(), vec![]);
    c.cache.delete(ObjectKind::Index, &id(3)).unwrap();
    assert!(!c.cache.dir().join("index").join(id(3)).exists());
    assert_eq!(
        c.cache.read(ObjectKind::Index, &id(3)).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn a_damaged_or_truncated_entry_is_read_from_the_storage_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let storage = MemoryBackend::new();
    let body = b"snapshot bytes".repeat(100);
    storage
        .write_new(ObjectKind::Snapshot, &id(4), &body)
        .unwrap();
    let c = Counted::new(storage, dir.path());
    c.cache.list(ObjectKind::Snapshot).unwrap();
    c.cache.read(ObjectKind::Snapshot, &id(4)).unwrap();
    c.take();
    let entry = c.cache.dir().join("snapshots").join(id(4));
    let good = std::fs::read(&entry).unwrap();

    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    for bad in [flipped, good[..good.len() / 2].to_vec(), vec![]] {
        std::fs::write(&entry, &bad).unwrap();
        assert_eq!(c.cache.read(ObjectKind::Snapshot, &id(4)).unwrap(), body);
        assert_eq!(c.take().len(), 1, "the storage was read");
        assert_eq!(
            std::fs::read(&entry).unwrap(),
            good,
            "the entry was replaced"
        );
    }
    // A symlink to a device in its place is not followed (no endless read).
    std::fs::remove_file(&entry).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &entry).unwrap();
    assert_eq!(c.cache.read(ObjectKind::Snapshot, &id(4)).unwrap(), body);
    assert_eq!(c.take().len(), 1);
    assert_eq!(std::fs::read(&entry).unwrap(), good);
    // An entry copied to another name does not pass for it either.
    c.cache
        .write_new(ObjectKind::Snapshot, &id(5), b"other")
        .unwrap();
    std::fs::copy(c.cache.dir().join("snapshots").join(id(5)), &entry).unwrap();
    assert_eq!(c.cache.read(ObjectKind::Snapshot, &id(4)).unwrap(), body);
    assert_eq!(c.take().len(), 1);
}

#[test]
fn the_folder_is_private_and_no_temporary_file_stays() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cache");
    let c = Counted::new(MemoryBackend::new(), &root);
    c.cache.list(ObjectKind::Snapshot).unwrap();
    c.cache
        .write_new(ObjectKind::Snapshot, &id(6), b"s")
        .unwrap();
    assert_eq!(mode(&root), 0o700);
    assert_eq!(mode(&root.join("snapshots")), 0o700);
    let entries: Vec<_> = std::fs::read_dir(root.join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].file_name().to_str().unwrap(), id(6));
    assert_eq!(mode(&entries[0].path()), 0o600);

    // cached(): one folder per location, none for a local folder.
    let store: Arc<dyn Backend> = Arc::new(MemoryBackend::new());
    let local = cairn_store::cached(store.clone(), &root, "/srv/repo");
    assert!(Arc::ptr_eq(&local, &store));
    let a = cairn_store::cache_dir_for(&root, "s3:http://h/b");
    assert_eq!(a, cairn_store::cache_dir_for(&root, "s3:http://h/b/"));
    assert_ne!(a, cairn_store::cache_dir_for(&root, "s3:http://h/c"));
    let b = cairn_store::cached(store, &root, "s3:http://h/b");
    b.list(ObjectKind::Index).unwrap();
    assert!(!a.exists(), "nothing is made before an entry is written");
    b.write_new(ObjectKind::Index, &id(7), b"i").unwrap();
    assert_eq!(mode(&a), 0o700);
    assert_eq!(mode(&a.join("index").join(id(7))), 0o600);
}

#[test]
fn two_processes_sharing_the_folder_never_read_half_an_entry() {
    let dir = tempfile::tempdir().unwrap();
    let storage = MemoryBackend::new();
    let body = |i: u8| vec![i; 200_000 + i as usize];
    for i in 0..8 {
        storage
            .write_new(ObjectKind::Snapshot, &id(i), &body(i))
            .unwrap();
    }
    let a = Counted::new(storage.clone(), dir.path());
    let b = Counted::new(storage, dir.path());
    std::thread::scope(|s| {
        for c in [&a, &b, &a, &b] {
            s.spawn(move || {
                for _ in 0..20 {
                    c.cache.list(ObjectKind::Snapshot).unwrap();
                    for i in 0..8 {
                        assert_eq!(c.cache.read(ObjectKind::Snapshot, &id(i)).unwrap(), body(i));
                    }
                }
            });
        }
    });
    // Each object was fetched a few times at most (races of first reads).
    assert!(a.take().len() + b.take().len() < 8 * 20 * 4);
}

/// How a session wraps the cache (a guard), or leaves it bare.
type Guard = fn(Arc<dyn Backend>) -> Arc<dyn Backend>;

fn bare(b: Arc<dyn Backend>) -> Arc<dyn Backend> {
    b
}

/// A repository over a cache in `dir` (wrapped by `guard`) with two
/// snapshots (hosts "one" and "two"), listed once.
fn two_snapshots(
    dir: &Path,
    guard: Guard,
) -> (MemoryBackend, Counted, Repository, SnapshotId, SnapshotId) {
    let storage = MemoryBackend::new();
    let c = Counted::new(storage.clone(), dir);
    let repo = TestRepo::on(guard(c.cache.clone())).init();
    let root = cairn_core::BlobId([7; 32]);
    let s1 = store_snapshot(&repo, root, "2026-01-01T00:00:00Z", "one");
    let s2 = store_snapshot(&repo, root, "2026-01-02T00:00:00Z", "two");
    assert_eq!(repo.snapshots().unwrap().len(), 2);
    (storage, c, repo, s1, s2)
}

/// The core's open path over the cache: bytes from the cache are opened by
/// the same code as fetched bytes, and a copy that does not open is fetched
/// again.
#[test]
fn a_swapped_entry_is_refused_by_the_keyed_id_and_fixed() {
    a_swapped_entry_is_fixed(bare);
}

/// The same with a guard over the cache, as append-only and WORM sessions
/// have: the guard passes `reread` on to the cache (cairn_core::wrapper), or
/// the swapped entry would be reported damaged.
#[test]
fn a_swapped_entry_is_fixed_through_the_guards_too() {
    a_swapped_entry_is_fixed(AppendOnly::wrap);
    a_swapped_entry_is_fixed(|b| {
        let cfg = WormConfig {
            mode: WormMode::Software,
            retention_secs: 86_400,
        };
        let now = time::OffsetDateTime::from_unix_timestamp(1_796_544_000).unwrap();
        Worm::open(b, cfg, Arc::new(FixedClock(now))).unwrap()
    });
}

fn a_swapped_entry_is_fixed(guard: Guard) {
    let dir = tempfile::tempdir().unwrap();
    let (storage, c, repo, s1, s2) = two_snapshots(dir.path(), guard);
    c.take();
    assert_eq!(repo.snapshots().unwrap().len(), 2);
    assert_eq!(
        c.take(),
        vec![],
        "the second listing is answered by the cache"
    );

    // Someone who can write the folder puts snapshot 2's (valid, encrypted)
    // bytes under snapshot 1's name, with a checksum that passes: here
    // through a second cache over hostile storage that serves them so.
    let hostile = MemoryBackend::new();
    let two = storage.read(ObjectKind::Snapshot, &s2.to_hex()).unwrap();
    hostile
        .write_new(ObjectKind::Snapshot, &s1.to_hex(), &two)
        .unwrap();
    std::fs::remove_file(c.cache.dir().join("snapshots").join(s1.to_hex())).unwrap();
    let meddler = CachedBackend::new(Arc::new(hostile), c.cache.dir().to_path_buf());
    meddler.read(ObjectKind::Snapshot, &s1.to_hex()).unwrap();

    let all = repo.snapshots().unwrap();
    let hosts: Vec<_> = all.iter().map(|(i, m)| (*i, m.host.as_str())).collect();
    assert_eq!(hosts, vec![(s1, "one"), (s2, "two")]);
    assert_eq!(
        c.take(),
        vec![(ObjectKind::Snapshot, s1.to_hex())],
        "only the swapped entry was fetched again"
    );
    assert_eq!(repo.snapshots().unwrap().len(), 2);
    assert_eq!(c.take(), vec![], "and the entry was fixed");
}

#[test]
fn a_forgotten_snapshot_does_not_come_back_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let (storage, c, repo, s1, s2) = two_snapshots(dir.path(), bare);
    let entry = c.cache.dir().join("snapshots").join(s1.to_hex());
    let kept = std::fs::read(&entry).unwrap();

    // Another client forgets snapshot 1 on the storage; this cache still
    // has it (and someone puts the entry back after the listing pruned it).
    storage.delete(ObjectKind::Snapshot, &s1.to_hex()).unwrap();
    let ids: Vec<_> = repo.snapshots().unwrap().into_iter().map(|s| s.0).collect();
    assert_eq!(ids, vec![s2]);
    assert!(!entry.exists(), "the listing dropped the entry");
    std::fs::write(&entry, &kept).unwrap();
    let ids: Vec<_> = repo.snapshots().unwrap().into_iter().map(|s| s.0).collect();
    assert_eq!(ids, vec![s2]);
    let e = repo.find_snapshot(&s1.to_hex()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
}

#[test]
fn a_hostile_name_never_removes_a_file_outside_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, b"keep me").unwrap();
    // <cache>/snapshots/../../victim is the victim.
    let cache = CachedBackend::new(Arc::new(MemoryBackend::new()), dir.path().join("c"));
    // An entry, so that the cache's folders exist.
    cache.write_new(ObjectKind::Snapshot, &id(1), b"s").unwrap();
    for name in ["../../victim", "../../victim/"] {
        let _ = cache.replace(ObjectKind::Snapshot, name, b"x");
        let _ = cache.delete(ObjectKind::Snapshot, name);
        let _ = cache.reread(ObjectKind::Snapshot, name);
    }
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
}
