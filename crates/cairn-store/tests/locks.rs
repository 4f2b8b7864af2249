//! Repository locks behave the same on every backend.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::clock::{parse_rfc3339, Clock, FixedClock};
use cairn_core::lock::{LockMode, LockOptions, RepoLock};
use cairn_core::{Backend, ErrorKind, ObjectKind};
use cairn_store::{AzureLocation, FsBackend, MemoryBackend, RemoteBackend, S3Backend, S3Location};
use cairn_test_support::conformance;
use std::sync::Arc;
use std::time::Duration;

fn clock(s: &str) -> Arc<dyn Clock> {
    Arc::new(FixedClock(parse_rfc3339(s).unwrap()))
}

fn locks(b: &Arc<dyn Backend>) -> usize {
    b.list(ObjectKind::Lock).unwrap().len()
}

fn shared_and_exclusive(b: Arc<dyn Backend>) {
    let c = clock("2026-11-27T10:00:00Z");
    let o = LockOptions::default();
    let s1 = RepoLock::acquire(b.clone(), LockMode::Shared, "backup", c.clone(), &o).unwrap();
    let s2 = RepoLock::acquire(b.clone(), LockMode::Shared, "backup", c.clone(), &o).unwrap();
    let e = RepoLock::acquire(b.clone(), LockMode::Exclusive, "prune", c.clone(), &o).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Locked);
    assert!(e.to_string().contains("backup"), "{e}");
    // The refused taker removed its own object.
    assert_eq!(locks(&b), 2);
    drop((s1, s2));
    assert_eq!(locks(&b), 0);
    let x = RepoLock::acquire(b.clone(), LockMode::Exclusive, "prune", c.clone(), &o).unwrap();
    let e = RepoLock::acquire(b.clone(), LockMode::Shared, "backup", c.clone(), &o).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Locked);
    assert!(e.to_string().contains("prune"), "{e}");
    drop(x);

    // A holder that dies leaves its object; once the storage's clock says it
    // is older than its validity it is ignored, and an exclusive taker
    // replaces it with a stop note (the dead writer may have stored packs no
    // index names), which locks nothing.
    // (Its record claims validity far into the future by its own clock: only
    // the storage's clock counts.)
    let dead = serde_json::json!({
        "version": 1, "mode": "exclusive", "purpose": "prune", "host": "dead",
        "pid": 1, "created": "2026-11-27T10:00:00Z", "expires": "2999-01-01T00:00:00Z",
        "ttl_secs": 1,
    });
    b.write_new(
        ObjectKind::Lock,
        "000000000001-00000000000000aa",
        dead.to_string().as_bytes(),
    )
    .unwrap();
    // S3 keeps LastModified to the second.
    std::thread::sleep(Duration::from_millis(2500));
    drop(RepoLock::acquire(b.clone(), LockMode::Shared, "backup", c.clone(), &o).unwrap());
    let x = RepoLock::acquire(b.clone(), LockMode::Exclusive, "prune", c.clone(), &o).unwrap();
    assert_eq!(locks(&b), 2);
    drop(x);
    let left = cairn_core::lock::list_locks(b.as_ref()).unwrap();
    assert_eq!(left.len(), 1);
    let note = left[0].record.as_ref().unwrap();
    assert!(note.is_note(), "{note:?}");
    assert!(note
        .describe(&left[0].name)
        .contains("000000000001-00000000000000aa"));
    b.delete(ObjectKind::Lock, &left[0].name).unwrap();

    // --wait retries, then gives up with the same clear error.
    let _x = RepoLock::acquire(b.clone(), LockMode::Exclusive, "prune", c.clone(), &o).unwrap();
    let waiting = LockOptions {
        wait: Duration::from_millis(400),
        ..LockOptions::default()
    };
    let t = std::time::Instant::now();
    let e = RepoLock::acquire(b.clone(), LockMode::Shared, "backup", c, &waiting).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Locked);
    assert!(t.elapsed() >= Duration::from_millis(400));
}

/// The attack: a prune whose clock runs 20 minutes ahead finds a backup's
/// lock, taken a moment ago with a 15-minute validity. By its own clock the
/// lock expired 5 minutes ago; by the storage's it was written just now.
fn a_fast_clock_cannot_steal_a_live_lock(b: Arc<dyn Backend>) {
    let wall = time::OffsetDateTime::now_utc();
    let right: Arc<dyn Clock> = Arc::new(FixedClock(wall));
    let ahead: Arc<dyn Clock> = Arc::new(FixedClock(wall + time::Duration::minutes(20)));
    let o = LockOptions {
        ttl: Duration::from_secs(15 * 60),
        ..LockOptions::default()
    };
    let backup = RepoLock::acquire(b.clone(), LockMode::Shared, "backup", right, &o).unwrap();
    let e = RepoLock::acquire(b.clone(), LockMode::Exclusive, "prune", ahead.clone(), &o)
        .expect_err("a client with a fast clock took the exclusive lock under a running backup");
    assert_eq!(e.kind(), ErrorKind::Locked, "{e}");
    // The backup's lock object is still there and still its own.
    assert_eq!(locks(&b), 1);
    backup.lease().check().unwrap();
    drop(backup);
    drop(RepoLock::acquire(b.clone(), LockMode::Exclusive, "prune", ahead, &o).unwrap());
}

fn every_rule(b: Arc<dyn Backend>) {
    a_fast_clock_cannot_steal_a_live_lock(b.clone());
    shared_and_exclusive(b);
}

#[test]
fn memory_locks() {
    every_rule(Arc::new(MemoryBackend::new()));
}

#[test]
fn fs_locks() {
    let dir = tempfile::tempdir().unwrap();
    every_rule(Arc::new(FsBackend::new(dir.path())));
}

#[test]
fn s3_locks() {
    let loc = conformance::s3_test_bucket();
    every_rule(Arc::new(
        S3Backend::new(S3Location::parse(&format!("{loc}/locks")).unwrap()).unwrap(),
    ));
}

#[test]
fn azure_locks() {
    let loc = cairn_test_support::azure_test_container();
    every_rule(Arc::new(
        RemoteBackend::azure(AzureLocation::parse(&format!("{loc}/locks")).unwrap()).unwrap(),
    ));
}

#[test]
fn a_lock_removed_as_stale_is_lost_and_never_recreated() {
    let b: Arc<dyn Backend> = Arc::new(MemoryBackend::new());
    let o = LockOptions {
        ttl: Duration::from_millis(600),
        ..LockOptions::default()
    };
    let c = clock("2026-11-27T10:00:00Z");
    let l = RepoLock::acquire(b.clone(), LockMode::Shared, "backup", c, &o).unwrap();
    l.lease().check().unwrap();
    // Another client removes it, judging it stale.
    for x in b.list(ObjectKind::Lock).unwrap() {
        b.delete(ObjectKind::Lock, &x.name).unwrap();
    }
    let e = l.lease().check().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Locked, "{e}");
    assert!(e.to_string().contains("lost"), "{e}");
    // The refresher does not bring it back.
    std::thread::sleep(Duration::from_millis(900));
    assert_eq!(locks(&b), 0);
    drop(l);
}

#[test]
fn a_holder_whose_refreshes_fail_past_its_validity_loses_the_lock() {
    use cairn_core::Error;
    /// Storage that starts refusing lock writes after the first.
    struct NoRefresh(MemoryBackend, std::sync::atomic::AtomicUsize);
    impl cairn_core::Wrapper for NoRefresh {
        fn inner(&self) -> &dyn Backend {
            &self.0
        }
        fn write_new(&self, k: ObjectKind, n: &str, d: &[u8]) -> cairn_core::Result<()> {
            if k == ObjectKind::Lock && self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0
            {
                return Err(Error::new(ErrorKind::Transient, "storage unreachable"));
            }
            self.0.write_new(k, n, d)
        }
    }
    let b: Arc<dyn Backend> = Arc::new(NoRefresh(MemoryBackend::new(), Default::default()));
    let o = LockOptions {
        ttl: Duration::from_millis(600),
        ..LockOptions::default()
    };
    let l = RepoLock::acquire(
        b.clone(),
        LockMode::Shared,
        "backup",
        clock("2026-11-27T10:00:00Z"),
        &o,
    )
    .unwrap();
    l.lease().check().unwrap();
    std::thread::sleep(Duration::from_millis(900));
    let e = l.lease().check().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Locked, "{e}");
    assert!(e.to_string().contains("could not be refreshed"), "{e}");
}

#[test]
fn a_held_lock_is_refreshed_before_it_expires() {
    struct Wall;
    impl Clock for Wall {
        fn now(&self) -> time::OffsetDateTime {
            time::OffsetDateTime::now_utc()
        }
    }
    let b: Arc<dyn Backend> = Arc::new(MemoryBackend::new());
    let o = LockOptions {
        ttl: Duration::from_millis(600),
        ..LockOptions::default()
    };
    let l = RepoLock::acquire(b.clone(), LockMode::Shared, "backup", Arc::new(Wall), &o).unwrap();
    let first = b.list(ObjectKind::Lock).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // Still one lock object, a newer one, and an exclusive taker still sees it live.
    let now = b.list(ObjectKind::Lock).unwrap();
    assert_eq!(now.len(), 1);
    assert_ne!(now[0].name, first[0].name);
    let e =
        RepoLock::acquire(b.clone(), LockMode::Exclusive, "prune", Arc::new(Wall), &o).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Locked);
    drop(l);
    assert_eq!(locks(&b), 0);
}
