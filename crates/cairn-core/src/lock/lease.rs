//! The holder's side of a lock: what it wrote, and whether it still holds it.

use crate::backend::{Backend, ObjectKind};
use crate::error::{Error, ErrorKind, Result};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a holder knows about its lock, shared with its refresher and its leases.
pub(super) struct Held {
    /// The current object's name and bytes.
    pub(super) name: String,
    pub(super) body: Vec<u8>,
    /// When it was last written successfully (monotonic, this host).
    pub(super) written: Instant,
    /// Why the lock is lost, once it is.
    pub(super) lost: Option<String>,
}

pub(super) struct Shared {
    pub(super) backend: Arc<dyn Backend>,
    pub(super) held: Mutex<Held>,
    pub(super) ttl: Duration,
}

impl Shared {
    pub(super) fn held(&self) -> Result<std::sync::MutexGuard<'_, Held>> {
        self.held
            .lock()
            .map_err(|_| Error::new(ErrorKind::Io, "repository lock state poisoned by a panic"))
    }
}

/// A handle on a held lock for the code that writes under it: [`LockLease::check`]
/// says whether the lock is still this holder's.
#[derive(Clone)]
pub struct LockLease(pub(super) Arc<Shared>);

impl std::fmt::Debug for LockLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockLease").finish_non_exhaustive()
    }
}

impl LockLease {
    /// Fails (`Locked`) unless the lock object is still there, still this
    /// holder's, and was written less than its validity ago. Call it right
    /// before a write that must not happen without the lock.
    pub fn check(&self) -> Result<()> {
        let sh = &self.0;
        let mut h = sh.held()?;
        if h.lost.is_none() && h.written.elapsed() > sh.ttl {
            h.lost = Some(format!(
                "it could not be refreshed for {} s, longer than its validity",
                h.written.elapsed().as_secs()
            ));
        }
        if h.lost.is_none() {
            match sh.backend.read(ObjectKind::Lock, &h.name) {
                Ok(b) if b == h.body => return Ok(()),
                Ok(_) => h.lost = Some(format!("its object {} holds another record", h.name)),
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    h.lost = Some(format!(
                        "its object {} is gone (another client judged it stale)",
                        h.name
                    ))
                }
                Err(e) => return Err(e.context("cannot confirm the repository lock is still held")),
            }
        }
        Err(lost_error(
            &sh.backend.location(),
            h.lost.as_deref().unwrap_or("?"),
        ))
    }
}

fn lost_error(location: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::Locked,
        format!("the lock on the repository at {location} was lost: {why}; stopped before writing an index or snapshot"),
    )
    .hint("run the operation again (data already stored is reused); if it recurs, check the storage is reachable and that no other client's clock or lock is misbehaving")
}
