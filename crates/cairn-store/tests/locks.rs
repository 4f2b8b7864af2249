//! Repository locks behave the same on every backend.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::clock::{parse_rfc3339, Clock, FixedClock};
use cairn_core::lock::{LockMode, LockOptions, RepoLock};
use cairn_core::{Backend, ErrorKind, ObjectKind};
use cairn_store::{conformance, FsBackend, MemoryBackend, S3Backend, S3Location};
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

    // A holder that dies leaves its object; after its expiry it is ignored,
    // and an exclusive taker removes it.
    let dead = RepoLock::acquire(b.clone(), LockMode::Exclusive, "prune", c.clone(), &o).unwrap();
    std::mem::forget(dead);
    let later = clock("2026-11-27T11:00:00Z");
    drop(RepoLock::acquire(b.clone(), LockMode::Shared, "backup", later.clone(), &o).unwrap());
    let x = RepoLock::acquire(b.clone(), LockMode::Exclusive, "prune", later.clone(), &o).unwrap();
    assert_eq!(locks(&b), 1);
    drop(x);
    assert_eq!(locks(&b), 0);

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

#[test]
fn memory_locks() {
    shared_and_exclusive(Arc::new(MemoryBackend::new()));
}

#[test]
fn fs_locks() {
    let dir = tempfile::tempdir().unwrap();
    shared_and_exclusive(Arc::new(FsBackend::new(dir.path())));
}

#[test]
fn s3_locks() {
    let loc = conformance::s3_test_bucket();
    shared_and_exclusive(Arc::new(
        S3Backend::new(S3Location::parse(&format!("{loc}/locks")).unwrap()).unwrap(),
    ));
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
