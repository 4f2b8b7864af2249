//! The lock record: what a lock (or a stop note) object holds, and how
//! it is written and removed.

use super::holder::Holder;
use crate::backend::{Backend, ObjectKind};
use crate::clock::{parse_rfc3339, rfc3339};
use crate::crypto::random_array;
use crate::error::{ErrorKind, Result};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// How a lock shares the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LockMode {
    /// Many holders at once; excludes only exclusive locks.
    Shared,
    /// One holder; excludes every other lock.
    Exclusive,
}

/// The validity assumed for a record that does not say (written before `ttl_secs`).
pub const DEFAULT_TTL: time::Duration = time::Duration::minutes(30);
/// The longest validity a record may claim: a planted lock with a huge one
/// must not block the repository for ever.
const MAX_TTL: time::Duration = time::Duration::hours(24);

/// The body of a lock object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockRecord {
    /// Lock format version (1).
    pub version: u32,
    /// Shared or exclusive.
    pub mode: LockMode,
    /// What the holder is doing ("backup", "prune", ...).
    pub purpose: String,
    /// Holder's host name.
    pub host: String,
    /// Holder's process id.
    pub pid: u32,
    /// When the lock was first taken (RFC 3339, the holder's clock; informative).
    pub created: String,
    /// When it lapses unless refreshed (RFC 3339, the holder's clock; informative,
    /// used only where the storage reports no modification times).
    pub expires: String,
    /// How long the object stays valid after the storage wrote it, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_secs: Option<u64>,
    /// The holding process, precisely (machine, boot, pid namespace, start
    /// time), so a client on the same machine can tell it has died.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder>,
    /// Set on a stop note, which is not a lock: why a writer stopped before
    /// an index named every pack it stored. Its `ttl_secs` is 1, so a
    /// program that does not know the field sees a lapsed lock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl LockRecord {
    /// Whether this is a stop note rather than a lock.
    pub fn is_note(&self) -> bool {
        self.stopped.is_some()
    }

    /// A stop note for this lock's writer, saying `why`.
    pub(super) fn note(&self, why: String, now: OffsetDateTime) -> LockRecord {
        LockRecord {
            created: rfc3339(now),
            expires: rfc3339(now),
            ttl_secs: Some(1),
            holder: None,
            stopped: Some(why),
            ..self.clone()
        }
    }

    /// Whether the lock is past its recorded expiry at `now` (unparseable
    /// counts as stale). Only for storage that reports no modification times.
    pub fn is_stale(&self, now: OffsetDateTime) -> bool {
        parse_rfc3339(&self.expires).map_or(true, |e| e < now)
    }

    /// The validity the holder asked for, at most a day.
    pub fn ttl(&self) -> time::Duration {
        self.ttl_secs
            .and_then(|s| i64::try_from(s).ok())
            .map_or(DEFAULT_TTL, time::Duration::seconds)
            .min(MAX_TTL)
    }

    /// Whether the lock is stale, by the storage's clock: its object was last
    /// written (`modified`) longer than its validity before `storage_now`.
    pub fn is_stale_on_storage(
        &self,
        modified: Option<OffsetDateTime>,
        storage_now: Option<OffsetDateTime>,
        local_now: OffsetDateTime,
    ) -> bool {
        match (modified, storage_now) {
            (Some(m), Some(n)) => n - m > self.ttl(),
            _ => self.is_stale(local_now),
        }
    }

    /// Whether the process that wrote this record certainly no longer runs
    /// (same machine and pid namespace as `me`; see [`Holder`]).
    pub fn holder_is_gone(&self, me: Option<&Holder>) -> bool {
        match (&self.holder, me) {
            (Some(h), Some(me)) => h.is_gone(self.pid, me),
            _ => false,
        }
    }

    /// One line for people: mode and purpose, holder, times as written.
    pub fn describe(&self, name: &str) -> String {
        if let Some(why) = &self.stopped {
            return format!(
                "stop note {name} ({}): {} by pid {} on {}, written {}",
                crate::escape::one_line(why),
                crate::escape::one_line(&self.purpose),
                self.pid,
                crate::escape::one_line(&self.host),
                crate::escape::one_line(&self.created),
            );
        }
        let mode = match self.mode {
            LockMode::Shared => "shared",
            LockMode::Exclusive => "exclusive",
        };
        format!(
            "{mode} lock {name} for {} by pid {} on {}, taken {}, valid until {}",
            crate::escape::one_line(&self.purpose),
            self.pid,
            crate::escape::one_line(&self.host),
            crate::escape::one_line(&self.created),
            crate::escape::one_line(&self.expires)
        )
    }
}

pub(super) fn new_name(now: OffsetDateTime) -> Result<String> {
    let r: [u8; 8] = random_array()?;
    Ok(format!(
        "{:012}-{}",
        now.unix_timestamp().max(0),
        hex::encode(r)
    ))
}

pub(super) fn write_record(
    backend: &dyn Backend,
    rec: &LockRecord,
    now: OffsetDateTime,
) -> Result<(String, Vec<u8>)> {
    let name = new_name(now)?;
    #[allow(clippy::expect_used)] // plain data always serialises
    let body = serde_json::to_vec_pretty(rec).expect("lock serialises");
    backend.write_new(ObjectKind::Lock, &name, &body)?;
    Ok((name, body))
}

pub(super) fn remove_quietly(backend: &dyn Backend, name: &str) {
    if let Err(e) = backend.delete(ObjectKind::Lock, name) {
        if e.kind() != ErrorKind::NotFound {
            tracing::warn!(lock = %name, error = %e, "could not remove lock object; it lapses at its expiry");
        }
    }
}
