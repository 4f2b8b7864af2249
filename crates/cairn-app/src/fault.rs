//! Crash injection for tests: with `CAIRN_FAULT_ABORT_AFTER=N`, the process
//! aborts (as if killed) right before its (N+1)-th write or delete of a
//! repository object, so a test can stop a command at every point where the
//! repository changes and check that it is still consistent. Lock objects are
//! not counted: they are not data. Unset, this wrapper is never installed.
//!
//! Built only with the `fault-injection` feature, which the CLI's tests turn
//! on (a dev-dependency): a release binary has no variable that aborts it.

use cairn_core::{Backend, Bytes, ObjectKind, Result, Wrapper};
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

// Only the calls that change the repository are counted; everything else
// passes on (cairn_core::wrapper).
impl Wrapper for AbortAfter {
    fn inner(&self) -> &dyn Backend {
        self.inner.as_ref()
    }
    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.step(kind);
        self.inner.write_new(kind, name, data)
    }
    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        self.step(kind);
        self.inner.write_new_shared(kind, name, data)
    }
    fn replace_config(&self, data: &[u8]) -> Result<()> {
        self.step(ObjectKind::Config);
        self.inner.replace_config(data)
    }
    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.step(kind);
        self.inner.replace(kind, name, data)
    }
    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        self.step(kind);
        self.inner.delete(kind, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_test_support::forwarding;

    /// Short of its count the injector changes nothing: every call reaches
    /// the storage and answers what the storage said.
    #[test]
    fn the_crash_injector_passes_every_call_on() {
        forwarding::check(
            "the crash injector",
            |b| {
                Arc::new(AbortAfter {
                    inner: b,
                    left: AtomicU64::new(u64::MAX),
                })
            },
            forwarding::refuses_nothing,
        );
        forwarding::shares_writes("the crash injector", |b| {
            Arc::new(AbortAfter {
                inner: b,
                left: AtomicU64::new(u64::MAX),
            })
        });
    }
}
