//! A backup lists every pack (to adopt those no index names) only when a
//! writer that stopped left a sign of it under `locks/` (docs/FORMAT.md
//! §16): the listing is the one step of a backup's start that grows with
//! the repository. These tests are the two sides of that trade: no sign,
//! no listing; and every way a writer can stop with packs stored but not
//! indexed leaves a sign that makes the next backup adopt them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backup::{backup, BackupOutcome, Progress};
use cairn_core::clock::{parse_rfc3339, FixedClock};
use cairn_core::lock::{list_locks, Holder, LockMode, LockOptions, LockRecord, RepoLock};
use cairn_core::{Backend, Error, ErrorKind, ObjectKind, Repository, Result};
use cairn_test_support::{backup_options, Hooked, MemoryBackend, TestRepo, When};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn now() -> time::OffsetDateTime {
    parse_rfc3339("2026-11-27T00:00:00Z").unwrap()
}

fn source(dir: &Path) -> std::path::PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("f"), cairn_test_support::noise(300_000, 1)).unwrap();
    src
}

fn take(b: &Arc<dyn Backend>, mode: LockMode, purpose: &str) -> RepoLock {
    RepoLock::acquire(
        b.clone(),
        mode,
        purpose,
        Arc::new(FixedClock(now())),
        &LockOptions::default(),
    )
    .unwrap()
}

/// A backup of `src` as the binary runs one: under a shared lock.
fn locked_backup(b: &Arc<dyn Backend>, src: &Path) -> Result<BackupOutcome> {
    let lock = take(b, LockMode::Shared, "backup");
    let mut repo = Repository::open(b.clone(), &TestRepo::credential()).unwrap();
    repo.guard_writes(lock.lease());
    backup(
        &mut repo,
        &backup_options(&[src.to_path_buf()], now()),
        &Progress::default(),
    )
}

/// A new repository in memory: the store itself (to look inside) and the
/// same store as a backend.
fn new_repo() -> (MemoryBackend, Arc<dyn Backend>) {
    let mem = MemoryBackend::new();
    let b: Arc<dyn Backend> = Arc::new(mem.clone());
    drop(TestRepo::on(b.clone()).init());
    (mem, b)
}

fn notes(b: &dyn Backend) -> Vec<String> {
    list_locks(b)
        .unwrap()
        .into_iter()
        .map(|l| {
            let r = l.record.expect("a readable record");
            assert!(r.is_note(), "a lock was left: {r:?}");
            r.stopped.unwrap()
        })
        .collect()
}

/// A backup that stored its packs and then failed to write its index (a
/// full disk, a dead server that came back for the lock) leaves a stop
/// note; the next backup adopts the packs instead of storing the data
/// again, and removes the note.
#[test]
fn a_backup_that_stopped_before_its_index_leaves_a_note_and_the_next_adopts() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());
    let mem = MemoryBackend::new();
    let fail_index = Arc::new(AtomicBool::new(true));
    let fail = fail_index.clone();
    let b: Arc<dyn Backend> = Arc::new(Hooked::new(Arc::new(mem.clone()), move |when, k, _, _| {
        if when == When::Before && k == ObjectKind::Index && fail.load(Ordering::SeqCst) {
            return Err(Error::new(ErrorKind::Io, "no space left on device"));
        }
        Ok(())
    }));
    drop(TestRepo::on(b.clone()).init());
    let e = locked_backup(&b, &src).expect_err("the index write was refused");
    assert!(e.to_string().contains("no space"), "{e}");
    let stored = mem.list(ObjectKind::Pack).unwrap().len();
    assert_eq!(stored, 2, "a data pack and a tree pack");
    let said = notes(&mem);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("2 pack(s) stored that no index names"),
        "{said:?}"
    );

    fail_index.store(false, Ordering::SeqCst);
    let again = locked_backup(&b, &src).unwrap();
    assert_eq!(again.packs_adopted, stored);
    assert_eq!(again.meta.stats.bytes_added, 0, "the data was stored again");
    assert!(notes(&mem).is_empty(), "the note outlived the adoption");
}

/// Without a sign, a backup does not read the list of packs: packs that
/// no index names and no writer claims (their sign removed by hand) are
/// not looked for, and their data is stored again. With one, they are
/// adopted.
#[test]
fn without_a_sign_a_backup_does_not_look_for_unindexed_packs() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());
    let (mem, b) = new_repo();
    let first = locked_backup(&b, &src).unwrap();
    unindex(&mem);
    let listed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = listed.clone();
    let watched: Arc<dyn Backend> = Arc::new(Hooked::watching_lists(b.clone(), move |k| {
        if k == ObjectKind::Pack {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    }));
    let again = locked_backup(&watched, &src).unwrap();
    assert_eq!(again.packs_adopted, 0);
    assert_eq!(listed.load(Ordering::SeqCst), 0, "the packs were listed");
    assert!(
        again.meta.stats.bytes_added > 0,
        "stored again, not adopted"
    );
    assert_eq!(again.meta.tree, first.meta.tree);

    // The lock of a backup that died on this machine (kill -9) is a sign:
    // the next backup lists the packs once, adopts the two it left, and
    // removes the lock.
    unindex(&mem);
    plant(&mem, &dead_backup());
    let adopted = locked_backup(&watched, &src).unwrap();
    assert_eq!(listed.load(Ordering::SeqCst), 1);
    assert_eq!(adopted.packs_adopted, 2);
    assert_eq!(adopted.meta.stats.bytes_added, 0);
    assert!(list_locks(&mem).unwrap().is_empty());
}

/// As a crash after the packs and before the index: every index file and
/// snapshot gone, the packs stay.
fn unindex(mem: &MemoryBackend) {
    for kind in [ObjectKind::Index, ObjectKind::Snapshot] {
        for o in mem.list(kind).unwrap() {
            mem.delete(kind, &o.name).unwrap();
        }
    }
}

/// A backup's lock whose holder (a process of this machine) has exited.
fn dead_backup() -> LockRecord {
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    LockRecord {
        version: 1,
        mode: LockMode::Shared,
        purpose: "backup".into(),
        host: "here".into(),
        pid,
        created: "2026-11-27T00:00:00Z".into(),
        expires: "2026-11-27T00:30:00Z".into(),
        ttl_secs: None,
        holder: Holder::this_process(),
        stopped: None,
    }
}

fn plant(mem: &MemoryBackend, rec: &LockRecord) {
    let body = serde_json::to_vec(rec).unwrap();
    mem.write_new(ObjectKind::Lock, "000000000001-00000000000000aa", &body)
        .unwrap();
}

/// An exclusive taker (forget, maintenance) that removes a stopped
/// writer's lock does not index its packs, so it leaves a note in its
/// place; a shared taker leaves the lock for whoever deals with its packs.
#[test]
fn an_exclusive_taker_replaces_a_stale_lock_with_a_note() {
    let (mem, b) = new_repo();
    plant(&mem, &dead_backup());
    drop(take(&b, LockMode::Shared, "restore"));
    assert_eq!(list_locks(&mem).unwrap().len(), 1);
    drop(take(&b, LockMode::Exclusive, "forget"));
    let said = notes(&mem);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("000000000001-00000000000000aa"),
        "{said:?}"
    );
    // A note locks nothing: an exclusive taker proceeds beside it.
    drop(take(&b, LockMode::Exclusive, "prune"));
    assert_eq!(
        notes(&mem).len(),
        1,
        "only adoption or prune removes a note"
    );
}

/// A whole prune under its lock: whether its plan had nothing to do, and
/// what it did.
fn prune(b: &Arc<dyn Backend>) -> (bool, cairn_core::prune::PruneOutcome) {
    let lock = take(b, LockMode::Exclusive, "prune");
    let mut repo = Repository::open(b.clone(), &TestRepo::credential()).unwrap();
    repo.guard_writes(lock.lease());
    let opts = cairn_core::prune::PruneOptions {
        max_unused_percent: 0.0,
        now: now(),
    };
    let plan = cairn_core::prune::plan(&repo, &opts).unwrap();
    let out = cairn_core::prune::execute(&mut repo, &plan).unwrap();
    (plan.is_noop(), out)
}

/// A prune deals with every unindexed pack itself (keeps the used, removes
/// the rest), so when it finishes it removes the signs it saw too.
#[test]
fn a_prune_removes_the_unindexed_packs_and_then_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());
    let (mem, b) = new_repo();
    let refused: Arc<dyn Backend> = Arc::new(Hooked::new(b.clone(), |when, k, _, _| {
        if when == When::Before && k == ObjectKind::Index {
            return Err(Error::new(ErrorKind::Io, "no space left on device"));
        }
        Ok(())
    }));
    locked_backup(&refused, &src).expect_err("the index write was refused");
    assert_eq!(notes(&mem).len(), 1);
    assert_eq!(mem.list(ObjectKind::Pack).unwrap().len(), 2);

    let (_, out) = prune(&b);
    assert_eq!(out.packs_deleted, 2, "{out:?}");
    assert!(mem.list(ObjectKind::Pack).unwrap().is_empty());
    assert!(notes(&mem).is_empty(), "the note outlived the prune");
}

/// A prune with nothing to delete or rewrite (the stopped writer had stored
/// no pack) still finishes by removing the note it saw: the rule is the
/// prune's, whichever command runs it (`prune`, `forget --prune`, the key
/// epoch rewrite).
#[test]
fn a_prune_with_nothing_to_do_removes_the_note_too() {
    let (mem, b) = new_repo();
    plant(&mem, &dead_backup());
    drop(take(&b, LockMode::Exclusive, "forget"));
    assert_eq!(notes(&mem).len(), 1);

    let (noop, out) = prune(&b);
    assert!(noop);
    assert_eq!((out.packs_deleted, out.index_files_written), (0, 0));
    assert!(notes(&mem).is_empty(), "the note outlived the prune");
}
