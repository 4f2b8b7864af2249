//! The attack on a crash window: a stored copy of an index is damaged, and
//! the session that writes the good bytes dies (or its storage fails)
//! between removing the damaged copy and storing the good one. The object
//! must never be deleted before its replacement is durable.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::repo::write_idempotent;
use cairn_core::{Backend, Error, ErrorKind, ObjectInfo, ObjectKind, Result};
use cairn_test_support::{FsBackend, MemoryBackend};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Storage that fails every write after the first attempt to store `name`
/// (as a process killed mid-way would never get to make it).
struct DiesAfterFirstAttempt {
    inner: Arc<dyn Backend>,
    tried: AtomicBool,
}

impl DiesAfterFirstAttempt {
    fn dead(&self) -> Result<()> {
        if self.tried.swap(true, Ordering::SeqCst) {
            return Err(Error::new(ErrorKind::Transient, "the session died here"));
        }
        Ok(())
    }
}

impl Backend for DiesAfterFirstAttempt {
    fn location(&self) -> String {
        self.inner.location()
    }
    fn read(&self, k: ObjectKind, n: &str) -> Result<Vec<u8>> {
        self.inner.read(k, n)
    }
    fn read_range(&self, k: ObjectKind, n: &str, o: u64, l: u64) -> Result<Vec<u8>> {
        self.inner.read_range(k, n, o, l)
    }
    fn write_new(&self, k: ObjectKind, n: &str, d: &[u8]) -> Result<()> {
        self.dead()?;
        self.inner.write_new(k, n, d)
    }
    fn replace(&self, k: ObjectKind, n: &str, d: &[u8]) -> Result<()> {
        self.dead()?;
        self.inner.replace(k, n, d)
    }
    fn replace_config(&self, d: &[u8]) -> Result<()> {
        self.inner.replace_config(d)
    }
    fn list_all(&self, k: ObjectKind) -> Result<Vec<ObjectInfo>> {
        self.inner.list_all(k)
    }
    fn stat(&self, k: ObjectKind, n: &str) -> Result<ObjectInfo> {
        self.inner.stat(k, n)
    }
    fn delete(&self, k: ObjectKind, n: &str) -> Result<()> {
        self.inner.delete(k, n)
    }
    fn exists(&self) -> Result<bool> {
        self.inner.exists()
    }
}

fn never_left_without_a_copy(inner: Arc<dyn Backend>) {
    let name = "ab".repeat(32);
    inner
        .write_new(ObjectKind::Index, &name, b"damaged")
        .unwrap();
    let dying = DiesAfterFirstAttempt {
        inner: inner.clone(),
        tried: AtomicBool::new(false),
    };
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
