//! Removing locks by hand, for the operator: the stale ones (lapsed by the
//! storage's clock, or held by a process on this machine that has died),
//! or, when forced, every one.

use super::{list_locks, remove_quietly, retire, write_record, Holder, LockMode, LockRecord};
use crate::backend::{Backend, ObjectKind};
use crate::clock::{rfc3339, Clock};
use crate::error::Result;
use serde::Serialize;
use time::OffsetDateTime;

/// One lock object, and why it was removed or kept.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Removal {
    /// Its object name.
    pub name: String,
    /// Who holds it and since when (the record, for people).
    pub lock: String,
    /// Why it was removed or kept.
    pub why: String,
}

/// What an unlock did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnlockReport {
    /// Lock objects removed.
    pub removed: Vec<Removal>,
    /// Live locks left in place.
    pub kept: Vec<Removal>,
    /// Stop notes left in place: not locks, they exclude no one; the next
    /// backup indexes the packs they speak of (or prune removes those) and
    /// removes them.
    pub notes: Vec<Removal>,
}

/// The storage's "now": the modification time of a probe object written
/// and removed at once (None where the storage reports no times).
pub fn storage_now(backend: &dyn Backend, clock: &dyn Clock) -> Result<Option<OffsetDateTime>> {
    let now = clock.now();
    let probe = LockRecord {
        version: 1,
        mode: LockMode::Shared,
        purpose: "probe of the storage's clock".into(),
        host: String::new(),
        pid: std::process::id(),
        created: rfc3339(now),
        expires: rfc3339(now),
        ttl_secs: Some(1),
        holder: None,
        stopped: None,
    };
    let (mine, _) = write_record(backend, &probe, now)?;
    let modified = backend.stat(ObjectKind::Lock, &mine).map(|o| o.modified);
    remove_quietly(backend, &mine);
    modified
}

/// Removes stale locks (every lock with `force`). Staleness is judged as a
/// taker judges it: by the storage's clock, against a probe object written
/// now, and by whether a holder on this machine (`me`) still runs. Each
/// lock removed is replaced by a stop note (its writer may have stored
/// packs no index names; the next backup adopts them); notes stay.
pub fn unlock(
    backend: &dyn Backend,
    clock: &dyn Clock,
    me: Option<&Holder>,
    force: bool,
) -> Result<UnlockReport> {
    let now = clock.now();
    let storage_now = storage_now(backend, clock)?;
    let mut report = UnlockReport::default();
    for found in list_locks(backend)? {
        let (lock, why) = match &found.record {
            None => ("unreadable".to_string(), Some("not a lock record")),
            Some(r) if r.is_note() => {
                report.notes.push(Removal {
                    name: found.name.clone(),
                    lock: r.describe(&found.name),
                    why: "not a lock".into(),
                });
                continue;
            }
            Some(r) => {
                let why = if r.holder_is_gone(me) {
                    Some("its holder no longer runs on this machine")
                } else if r.is_stale_on_storage(found.modified, storage_now, now) {
                    Some("lapsed: not refreshed within its validity")
                } else if force {
                    Some("forced: its holder may still be running")
                } else {
                    None
                };
                (r.describe(&found.name), why)
            }
        };
        let entry = |why: &str| Removal {
            name: found.name.clone(),
            lock: lock.clone(),
            why: why.to_string(),
        };
        match why {
            Some(why) => {
                match &found.record {
                    Some(r) => {
                        retire(backend, &found, r, now)?;
                    }
                    None => remove_quietly(backend, &found.name),
                }
                tracing::info!(lock = %found.name, why, "lock removed");
                report.removed.push(entry(why));
            }
            None => report.kept.push(entry("live")),
        }
    }
    Ok(report)
}
