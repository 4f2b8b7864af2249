//! Write-once (WORM) retention, in three honest grades:
//!
//! - `compliance`: S3 Object Lock COMPLIANCE: nobody, not even the bucket's
//!   root account, deletes a held object version early;
//! - `governance`: S3 Object Lock GOVERNANCE (a privileged bypass exists), or
//!   on a local filesystem, files made immutable (`chattr +i`), which only
//!   root can undo;
//! - `software`: Cairn itself refuses to delete before retain-until, on any
//!   storage. A guard against mistakes and against a Cairn session with
//!   reduced rights, not against whoever holds the storage credentials.
//!
//! Every grade keeps the same ledger: before an object that snapshots depend
//! on (pack, index, snapshot, protection marker) is written, a ledger record
//! `retention/<until>-<kind>-<name>` is written, whose *name* carries the
//! retain-until, so loading the ledger is one listing, no reads. Deleting an
//! object, or a record, before its time is refused here, whatever the storage
//! would allow. `cairn maintenance` extends records (and storage holds) of
//! objects still needed; see docs/WORM.md for the horizon rule.

use crate::backend::{held, parse_record, record_name, Backend, ObjectKind, WormMode};
use crate::clock::{rfc3339, Clock};
use crate::error::{Error, ErrorKind, Result};
use crate::wrapper::Wrapper;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// WORM settings stored (and MAC-protected) in the repository config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WormConfig {
    /// The grade.
    pub mode: WormMode,
    /// How long each object is retained after it is written or extended, in seconds.
    pub retention_secs: u64,
}

impl WormConfig {
    /// The retention as a duration.
    pub fn retention(&self) -> time::Duration {
        time::Duration::seconds(i64::try_from(self.retention_secs).unwrap_or(i64::MAX / 2))
    }
}

type Ledger = HashMap<(ObjectKind, String), OffsetDateTime>;

/// The WORM guard around a repository's storage.
pub struct Worm {
    inner: Arc<dyn Backend>,
    cfg: WormConfig,
    clock: Arc<dyn Clock>,
    ledger: Mutex<Ledger>,
}

impl Worm {
    /// Wraps `inner`, loading the ledger (one listing).
    pub fn open(
        inner: Arc<dyn Backend>,
        cfg: WormConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Worm>> {
        let mut ledger = Ledger::new();
        for o in inner.list(ObjectKind::Retention)? {
            match parse_record(&o.name) {
                Some((k, n, until)) => {
                    let e = ledger.entry((k, n)).or_insert(until);
                    *e = (*e).max(until);
                }
                None => tracing::warn!(record = %o.name, "unrecognised WORM ledger record ignored"),
            }
        }
        Ok(Arc::new(Worm {
            inner,
            cfg,
            clock,
            ledger: Mutex::new(ledger),
        }))
    }

    /// The settings.
    pub fn config(&self) -> WormConfig {
        self.cfg
    }

    /// Whether objects of `kind` are retained here. The config and key slots
    /// are held only below software grade: under software WORM, removing a
    /// slot stays the way to revoke a leaked credential.
    pub fn covers(&self, kind: ObjectKind) -> bool {
        match kind {
            ObjectKind::Key | ObjectKind::Config => self.cfg.mode != WormMode::Software,
            k => held(k).is_some(),
        }
    }

    /// A new object: recorded in the ledger before `write` stores it (an
    /// object never exists unrecorded), then held by the storage below
    /// software grade. `write` is the one storing call, borrowed or shared.
    fn write_held(
        &self,
        kind: ObjectKind,
        name: &str,
        write: &dyn Fn(&dyn Backend) -> Result<()>,
    ) -> Result<()> {
        if !self.covers(kind) {
            return write(self.inner.as_ref());
        }
        let until = self.clock.now() + self.cfg.retention();
        self.record(kind, name, until)?;
        let written = write(self.inner.as_ref());
        if self.cfg.mode != WormMode::Software {
            // Also after AlreadyExists: a rerun re-holds what a killed run wrote.
            match &written {
                Ok(()) => self.inner.hold(kind, name, self.cfg.mode, until)?,
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    self.inner.hold(kind, name, self.cfg.mode, until)?
                }
                Err(_) => {}
            }
        }
        written
    }

    /// Holds the config and every key slot until now plus the retention
    /// (at `init`, and for repositories created before they were held).
    pub fn retain_keys(&self) -> Result<()> {
        if !self.covers(ObjectKind::Key) {
            return Ok(());
        }
        let until = self.clock.now() + self.cfg.retention();
        self.retain(ObjectKind::Config, "config", until)?;
        for o in self.inner.list(ObjectKind::Key)? {
            self.retain(ObjectKind::Key, &o.name, until)?;
        }
        Ok(())
    }

    fn ledger(&self) -> Result<std::sync::MutexGuard<'_, Ledger>> {
        self.ledger
            .lock()
            .map_err(|_| Error::new(ErrorKind::Io, "WORM ledger poisoned by a panic"))
    }

    /// The retain-until the ledger records for an object.
    pub fn until(&self, kind: ObjectKind, name: &str) -> Result<Option<OffsetDateTime>> {
        Ok(self.ledger()?.get(&(kind, name.to_string())).copied())
    }

    /// Records (and, below software grade, holds) an existing `kind/name`
    /// until `until`. Never shortens: a later record only adds.
    pub fn retain(&self, kind: ObjectKind, name: &str, until: OffsetDateTime) -> Result<()> {
        self.record(kind, name, until)?;
        if self.cfg.mode != WormMode::Software {
            self.inner.hold(kind, name, self.cfg.mode, until)?;
        }
        Ok(())
    }

    /// Writes the ledger record only.
    fn record(&self, kind: ObjectKind, name: &str, until: OffsetDateTime) -> Result<()> {
        let Some(rec) = record_name(kind, name, until) else {
            return Ok(());
        };
        match self.inner.write_new(ObjectKind::Retention, &rec, b"") {
            Err(e) if e.kind() != ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        let mut l = self.ledger()?;
        let e = l.entry((kind, name.to_string())).or_insert(until);
        *e = (*e).max(until);
        Ok(())
    }

    /// Ledger records whose time has passed (they protect nothing any more).
    pub fn lapsed_records(&self) -> Result<Vec<String>> {
        let now = self.clock.now();
        Ok(self
            .inner
            .list(ObjectKind::Retention)?
            .into_iter()
            .filter(|o| parse_record(&o.name).is_some_and(|(_, _, u)| u < now))
            .map(|o| o.name)
            .collect())
    }

    fn refuse(&self, kind: ObjectKind, name: &str, until: OffsetDateTime) -> Error {
        Error::new(
            ErrorKind::WormLocked,
            format!(
                "{} is retained until {} ({} WORM): it cannot be deleted before then",
                kind.path(name),
                rfc3339(until),
                self.cfg.mode
            ),
        )
        .hint(if kind == ObjectKind::Key {
            "a key slot is held like the data it opens; to lock a leaked credential out of new data, rotate the master secret (the old slot keeps opening older data until its retention lapses)"
        } else {
            "prune reports such data as retained and removes it once retention lapses"
        })
    }
}

// The ledger's concerns only (writes, replaces, deletes, what is held):
// everything else passes on (crate::wrapper).
impl Wrapper for Worm {
    fn inner(&self) -> &dyn Backend {
        self.inner.as_ref()
    }
    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.write_held(kind, name, &|b| b.write_new(kind, name, data))
    }
    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        self.write_held(kind, name, &|b| b.write_new_shared(kind, name, data))
    }
    fn replace_config(&self, data: &[u8]) -> Result<()> {
        // Below software grade every version of the config is held: the
        // storage keeps the earlier ones (S3 versions, a folder's
        // config-history), and the new one is held from now.
        self.inner.replace_config(data)?;
        if self.covers(ObjectKind::Config) {
            let until = self.clock.now() + self.cfg.retention();
            self.retain(ObjectKind::Config, "config", until)?;
        }
        Ok(())
    }
    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        // Replacing destroys the held copy (on a folder) or hides it: refused
        // while held, like a delete; the replacement is held like a write.
        if let Some(until) = self.until(kind, name)? {
            if until >= self.clock.now() {
                return Err(self.refuse(kind, name, until));
            }
        }
        if !self.covers(kind) {
            return self.inner.replace(kind, name, data);
        }
        let until = self.clock.now() + self.cfg.retention();
        self.record(kind, name, until)?;
        self.inner.replace(kind, name, data)?;
        if self.cfg.mode != WormMode::Software {
            self.inner.hold(kind, name, self.cfg.mode, until)?;
        }
        Ok(())
    }
    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        let now = self.clock.now();
        if kind == ObjectKind::Retention {
            match parse_record(name) {
                Some((k, n, until)) if until >= now => return Err(self.refuse(k, &n, until)),
                _ => return self.inner.delete(kind, name),
            }
        }
        if let Some(until) = self.until(kind, name)? {
            if until >= now {
                if kind == ObjectKind::Key && self.inner.versions_survive_delete() {
                    // Revocation: the slot disappears from listings, its held
                    // version stays for its retention (`keys recover`).
                    return self.inner.delete(kind, name);
                }
                return Err(self.refuse(kind, name, until));
            }
        }
        self.inner.delete(kind, name)?;
        self.ledger()?.remove(&(kind, name.to_string()));
        Ok(())
    }
    fn retained_until(&self, kind: ObjectKind, name: &str) -> Result<Option<OffsetDateTime>> {
        let own = self.until(kind, name)?;
        let below = self.inner.retained_until(kind, name)?;
        Ok(own.max(below))
    }
}

/// A retention in words: whole days as such, shorter spans in hours,
/// minutes or seconds (a 90 s test retention is not "0.0 days").
fn retention_text(secs: u64) -> String {
    match secs {
        s if s >= 86_400 && s % 86_400 == 0 => format!("{} days", s / 86_400),
        s if s >= 86_400 => format!("{:.1} days", s as f64 / 86_400.0),
        s if s >= 3_600 && s % 3_600 == 0 => format!("{} h", s / 3_600),
        s if s >= 60 && s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// The grade in force, said plainly, for `keys status`, `list --json` and the gate.
pub fn describe(cfg: Option<&WormConfig>, backend: &dyn Backend) -> String {
    match cfg {
        None => "none (objects can be deleted by anyone with write access to the storage)".into(),
        Some(c) => {
            let span = retention_text(c.retention_secs);
            let how = match c.mode {
                WormMode::Software => {
                    "Cairn refuses early deletes; the storage itself does not".to_string()
                }
                m => backend
                    .worm_support(m)
                    .unwrap_or_else(|e| format!("NOT IN FORCE: {e}")),
            };
            format!("{} ({span}): {how}", c.mode)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn retentions_read_as_spans_not_fractions_of_days() {
        assert_eq!(super::retention_text(90), "90 s");
        assert_eq!(super::retention_text(300), "5 min");
        assert_eq!(super::retention_text(7_200), "2 h");
        assert_eq!(super::retention_text(86_400 * 30), "30 days");
        assert_eq!(super::retention_text(86_400 + 43_200), "1.5 days");
    }

    use super::*;

    #[test]
    fn record_names_round_trip_and_carry_the_time() {
        let t = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let name = "ab".repeat(32);
        let r = record_name(ObjectKind::Pack, &name, t).unwrap();
        assert_eq!(r, format!("001800000000-p-{name}"));
        assert_eq!(parse_record(&r), Some((ObjectKind::Pack, name, t)));
        assert!(record_name(ObjectKind::Lock, "x", t).is_none());
        assert!(parse_record("garbage").is_none());
        assert!(parse_record("001800000000-z-x").is_none());
    }
}
