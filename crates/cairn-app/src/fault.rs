//! Crash injection for tests: with `CAIRN_FAULT_ABORT_AFTER=N`, the process
//! aborts (as if killed) right before its (N+1)-th write or delete of a
//! repository object, so a test can stop a command at every point where the
//! repository changes and check that it is still consistent. Lock objects are
//! not counted: they are not data. Unset, this wrapper is never installed.
//!
//! Built only with the `fault-injection` feature, which the CLI's tests turn
//! on (a dev-dependency): a release binary has no variable that aborts it.

use cairn_core::{Backend, ObjectInfo, ObjectKind, ObjectVersion, Result};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub struct AbortAfter {
    inner: Arc<dyn Backend>,
    left: AtomicU64,
}

/// Wraps `b` when the variable is set.
pub fn maybe_wrap(b: Arc<dyn Backend>) -> Arc<dyn Backend> {
    match std::env::var("CAIRN_FAULT_ABORT_AFTER")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(n) => Arc::new(AbortAfter {
            inner: b,
            left: AtomicU64::new(n),
        }),
        None => b,
    }
}

impl AbortAfter {
    fn step(&self, kind: ObjectKind) {
        if kind == ObjectKind::Lock {
            return;
        }
        let before = self.left.fetch_sub(1, Ordering::SeqCst);
        if before == 0 {
            eprintln!("cairn: CAIRN_FAULT_ABORT_AFTER reached: aborting");
            std::process::abort();
        }
    }
}

impl Backend for AbortAfter {
    fn location(&self) -> String {
        self.inner.location()
    }
    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        self.inner.read(kind, name)
    }
    fn reread(&self, kind: ObjectKind, name: &str) -> Result<Option<Vec<u8>>> {
        self.inner.reread(kind, name)
    }
    fn read_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        self.inner.read_range(kind, name, offset, len)
    }
    fn read_span(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        self.inner.read_span(kind, name, offset, len)
    }
    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.step(kind);
        self.inner.write_new(kind, name, data)
    }
    fn replace_config(&self, data: &[u8]) -> Result<()> {
        self.step(ObjectKind::Config);
        self.inner.replace_config(data)
    }
    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.step(kind);
        self.inner.replace(kind, name, data)
    }
    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        self.inner.list_all(kind)
    }
    fn leftovers(&self) -> Result<Vec<cairn_core::Leftover>> {
        self.inner.leftovers()
    }
    fn remove_leftover(&self, l: &cairn_core::Leftover) -> Result<()> {
        self.inner.remove_leftover(l)
    }
    fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo> {
        self.inner.stat(kind, name)
    }
    fn versions_survive_delete(&self) -> bool {
        self.inner.versions_survive_delete()
    }
    fn list_versions(&self, kind: ObjectKind) -> Result<Vec<ObjectVersion>> {
        self.inner.list_versions(kind)
    }
    fn read_version(&self, kind: ObjectKind, name: &str, version: &str) -> Result<Vec<u8>> {
        self.inner.read_version(kind, name, version)
    }
    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        self.step(kind);
        self.inner.delete(kind, name)
    }
    fn exists(&self) -> Result<bool> {
        self.inner.exists()
    }
    fn retained_until(&self, kind: ObjectKind, name: &str) -> Result<Option<time::OffsetDateTime>> {
        self.inner.retained_until(kind, name)
    }

    fn hold(
        &self,
        kind: ObjectKind,
        name: &str,
        mode: cairn_core::backend::WormMode,
        until: time::OffsetDateTime,
    ) -> Result<()> {
        self.inner.hold(kind, name, mode, until)
    }
    fn worm_support(&self, mode: cairn_core::backend::WormMode) -> Result<String> {
        self.inner.worm_support(mode)
    }
}
