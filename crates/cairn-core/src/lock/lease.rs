//! The holder's side of a lock: what it wrote, and whether it still holds it.

use super::record::{remove_quietly, write_record, LockRecord};
use crate::backend::{Backend, ObjectKind};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::PackId;
use std::collections::HashSet;
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
    /// Whether a stop note was written for it (one is enough: the backup
    /// that finds it adopts every unindexed pack, stored before or after).
    pub(super) noted: bool,
    /// Packs this holder stored (or began to) that no index names yet.
    pub(super) unindexed: HashSet<PackId>,
    /// Objects found when the lock was taken that say another writer
    /// stopped and may have left packs no index names: stop notes, locks
    /// whose holders are gone, unreadable lock objects (never removed).
    pub(super) signs: Vec<Sign>,
}

/// One object found under `locks/` that a writer's stop may have left behind.
#[derive(Debug, Clone)]
pub(super) struct Sign {
    pub(super) name: String,
    /// Whether whoever indexes the packs may remove it (not an unreadable
    /// object, which is no one's to judge).
    pub(super) removable: bool,
}

pub(super) struct Shared {
    pub(super) backend: Arc<dyn Backend>,
    pub(super) held: Mutex<Held>,
    pub(super) ttl: Duration,
    /// The record as first written: what a stop note says about its writer.
    pub(super) record: LockRecord,
    pub(super) clock: Arc<dyn crate::clock::Clock>,
}

impl Shared {
    /// Removes a holder's lock object; first, if it stored packs no index names
    /// yet, writes a stop note saying so, so the next backup adopts them.
    pub(super) fn release(&self, h: &mut Held, how: &str) {
        if !h.unindexed.is_empty() && !h.noted {
            let why = format!(
                "{how} with {} pack(s) stored that no index names",
                h.unindexed.len()
            );
            let now = self.clock.now();
            match write_record(self.backend.as_ref(), &self.record.note(why, now), now) {
                Ok(_) => h.noted = true,
                Err(e) => {
                    tracing::warn!(error = %e, "could not leave a note of the packs not indexed; prune removes them")
                }
            }
        }
        remove_quietly(self.backend.as_ref(), &h.name);
    }

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
    /// Records that `pack` is about to be stored under this lock; until an
    /// index names it ([`LockLease::indexed`]), releasing the lock leaves a
    /// stop note instead of nothing.
    pub fn storing(&self, pack: PackId) {
        if let Ok(mut h) = self.0.held() {
            h.unindexed.insert(pack);
        }
    }

    /// Records that an index file now names `packs`.
    pub fn indexed(&self, packs: impl IntoIterator<Item = PackId>) {
        if let Ok(mut h) = self.0.held() {
            for p in packs {
                h.unindexed.remove(&p);
            }
        }
    }

    /// Whether, when this lock was taken, another writer had left a sign that
    /// it stopped with packs no index may name (docs/FORMAT.md §16).
    pub fn others_stopped(&self) -> bool {
        self.0.held().is_ok_and(|h| !h.signs.is_empty())
    }

    /// Removes the stop notes and stopped writers' locks seen when this lock
    /// was taken, once every pack stored before then is indexed (a backup
    /// that adopted them, a prune that kept or removed them).
    pub fn settle_others(&self) {
        let gone = match self.0.held() {
            Ok(mut h) => std::mem::take(&mut h.signs),
            Err(_) => return,
        };
        for l in gone.into_iter().filter(|l| l.removable) {
            remove_quietly(self.0.backend.as_ref(), &l.name);
        }
    }

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
