//! The attack on a crash window: a stored copy of an index is damaged, and
//! the session that writes the good bytes dies (or its storage fails)
//! between removing the damaged copy and storing the good one. The object
//! must never be deleted before its replacement is durable.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::repo::write_idempotent;
use cairn_core::{Backend, Error, ErrorKind, ObjectKind};
use cairn_test_support::{FsBackend, Hooked, MemoryBackend, When};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// `inner`, failing every write after the first attempt (as a process
/// killed mid-way would never get to make it).
fn dies_after_first_attempt(inner: Arc<dyn Backend>) -> Hooked {
    let tried = AtomicBool::new(false);
    Hooked::new(inner, move |when, _, _, _| {
        if when == When::Before && tried.swap(true, Ordering::SeqCst) {
            return Err(Error::new(ErrorKind::Transient, "the session died here"));
        }
        Ok(())
    })
}

fn never_left_without_a_copy(inner: Arc<dyn Backend>) {
    let name = "ab".repeat(32);
    inner
        .write_new(ObjectKind::Index, &name, b"damaged")
        .unwrap();
    let dying = dies_after_first_attempt(inner.clone());
    write_idempotent(&dying, ObjectKind::Index, &name, b"good bytes").unwrap_err();
    // The damaged copy is still there: nothing was deleted before a
    // replacement was stored.
    assert_eq!(inner.read(ObjectKind::Index, &name).unwrap(), b"damaged");
    // A healthy session replaces it in one step.
    write_idempotent(inner.as_ref(), ObjectKind::Index, &name, b"good bytes").unwrap();
    assert_eq!(inner.read(ObjectKind::Index, &name).unwrap(), b"good bytes");
    assert_eq!(inner.list(ObjectKind::Index).unwrap().len(), 1);
}

#[test]
fn a_damaged_copy_is_replaced_without_a_moment_with_neither() {
    never_left_without_a_copy(Arc::new(MemoryBackend::new()));
    let dir = tempfile::tempdir().unwrap();
    never_left_without_a_copy(Arc::new(FsBackend::new(dir.path())));
}
