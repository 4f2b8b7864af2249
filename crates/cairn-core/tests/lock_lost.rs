//! The attack: a backup's lock object is removed in the middle of its run (a
//! prune on another host judged it stale and took the repository). The backup
//! must stop before writing an index or its snapshot, not warn and go on
//! committing data the prune may be deleting.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backup::{backup, BackupOptions, Progress};
use cairn_core::clock::{parse_rfc3339, FixedClock};
use cairn_core::lock::{LockMode, LockOptions, RepoLock};
use cairn_core::{Backend, ErrorKind, ObjectKind, Repository};
use cairn_test_support::{backup_options, Hooked, MemoryBackend, TestRepo, When};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[test]
fn a_backup_whose_lock_was_taken_away_does_not_write_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("f"), vec![7u8; 300_000]).unwrap();
    // As the first pack lands (once armed), every lock object disappears.
    let mem = MemoryBackend::new();
    let armed = Arc::new(AtomicBool::new(false));
    let trigger = armed.clone();
    let b: Arc<dyn Backend> = Arc::new(Hooked::new(
        Arc::new(mem.clone()),
        move |when, k, _, inner| {
            if when == When::After && k == ObjectKind::Pack && trigger.swap(false, Ordering::SeqCst)
            {
                for l in inner.list(ObjectKind::Lock)? {
                    inner.delete(ObjectKind::Lock, &l.name)?;
                }
            }
            Ok(())
        },
    ));
    let cred = TestRepo::credential();
    drop(TestRepo::on(b.clone()).init());
    let now = parse_rfc3339("2026-11-27T00:00:00Z").unwrap();
    let lock = RepoLock::acquire(
        b.clone(),
        LockMode::Shared,
        "backup",
        Arc::new(FixedClock(now)),
        &LockOptions::default(),
    )
    .unwrap();
    let mut repo = Repository::open(b.clone(), &cred).unwrap();
    repo.guard_writes(lock.lease());
    armed.store(true, Ordering::SeqCst);
    let opts = BackupOptions {
        workers: 1,
        uploads: 1,
        ..backup_options(std::slice::from_ref(&src), now)
    };
    let e = backup(&mut repo, &opts, &Progress::default())
        .expect_err("a backup that lost its lock went on to write its snapshot");
    assert_eq!(e.kind(), ErrorKind::Locked, "{e}");
    assert!(e.to_string().contains("lost"), "{e}");
    // Its data and its trees, each in a pack of their own (FORMAT §6).
    assert_eq!(
        mem.list(ObjectKind::Pack).unwrap().len(),
        2,
        "the data pack and the tree pack were written"
    );
    assert!(
        mem.list(ObjectKind::Index).unwrap().is_empty(),
        "an index was written"
    );
    assert!(
        mem.list(ObjectKind::Snapshot).unwrap().is_empty(),
        "a snapshot was written"
    );
    // And the lock is not re-created behind the taker's back: what stays is
    // a stop note (a record that locks nothing) naming the two packs, so
    // the next backup adopts them.
    drop(lock);
    let left = cairn_core::lock::list_locks(&mem).unwrap();
    assert_eq!(left.len(), 1);
    let note = left[0].record.as_ref().unwrap();
    assert!(note.is_note(), "{note:?}");
    assert!(
        note.describe(&left[0].name).contains("2 pack(s)"),
        "{note:?}"
    );
}
