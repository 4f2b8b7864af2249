//! Repository locks: shared for anything that adds or reads data (backup,
//! restore, verify), exclusive for anything that deletes (prune, forget,
//! maintenance), so prune never removes a pack a running backup relies on.
//!
//! A lock is an object under `locks/` holding who took it and until when it is
//! valid. Object stores have no compare-and-swap across objects, so taking a
//! lock is "write mine, then look": if a conflicting live lock is visible after
//! my write, I remove mine and back off. Two racing takers may both back off,
//! never both proceed. A holder refreshes its lock well before it expires
//! (writing a new object, then removing the old one), so a lock whose expiry
//! has passed belongs to a process that died or lost the storage: it is stale,
//! ignored, and removed by the next exclusive taker.

use crate::backend::{Backend, ObjectKind};
use crate::clock::{parse_rfc3339, rfc3339, Clock};
use crate::crypto::random_array;
use crate::error::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// How a lock shares the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LockMode {
    /// Many holders at once; excludes only exclusive locks.
    Shared,
    /// One holder; excludes every other lock.
    Exclusive,
}

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
    /// When the lock was first taken (RFC 3339).
    pub created: String,
    /// When it lapses unless refreshed (RFC 3339).
    pub expires: String,
}

impl LockRecord {
    /// Whether the lock is past its expiry at `now` (unparseable counts as stale).
    pub fn is_stale(&self, now: time::OffsetDateTime) -> bool {
        parse_rfc3339(&self.expires).map_or(true, |e| e < now)
    }

    fn describe(&self, name: &str) -> String {
        format!(
            "{:?} lock {name} for {} by pid {} on {}, taken {}, valid until {}",
            self.mode, self.purpose, self.pid, self.host, self.created, self.expires
        )
        .to_lowercase()
    }
}

/// How to take a lock.
#[derive(Debug, Clone)]
pub struct LockOptions {
    /// Validity of one lock object; refreshed every third of it.
    pub ttl: Duration,
    /// How long to keep retrying while another holder has the repository (zero: fail at once).
    pub wait: Duration,
    /// Recorded in the lock.
    pub host: String,
    /// Recorded in the lock.
    pub pid: u32,
}

impl Default for LockOptions {
    fn default() -> Self {
        LockOptions {
            ttl: Duration::from_secs(30 * 60),
            wait: Duration::ZERO,
            host: "localhost".into(),
            pid: std::process::id(),
        }
    }
}

/// Every lock object now in the repository, with unreadable ones as None.
pub fn list_locks(backend: &dyn Backend) -> Result<Vec<(String, Option<LockRecord>)>> {
    let mut out = Vec::new();
    for o in backend.list(ObjectKind::Lock)? {
        let rec = match backend.read(ObjectKind::Lock, &o.name) {
            Ok(b) => serde_json::from_slice::<LockRecord>(&b).ok(),
            // Released between list and read.
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        out.push((o.name, rec));
    }
    Ok(out)
}

/// A held lock; released (its object removed) on drop.
pub struct RepoLock {
    backend: Arc<dyn Backend>,
    current: Arc<std::sync::Mutex<String>>,
    stop: Option<mpsc::Sender<()>>,
    refresher: Option<std::thread::JoinHandle<()>>,
    mode: LockMode,
}

impl std::fmt::Debug for RepoLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepoLock")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

fn new_name(now: time::OffsetDateTime) -> Result<String> {
    let r: [u8; 8] = random_array()?;
    Ok(format!("{:012}-{}", now.unix_timestamp(), hex::encode(r)))
}

fn write_record(
    backend: &dyn Backend,
    rec: &LockRecord,
    now: time::OffsetDateTime,
) -> Result<String> {
    let name = new_name(now)?;
    #[allow(clippy::expect_used)] // plain data always serialises
    let body = serde_json::to_vec_pretty(rec).expect("lock serialises");
    backend.write_new(ObjectKind::Lock, &name, &body)?;
    Ok(name)
}

fn remove_quietly(backend: &dyn Backend, name: &str) {
    if let Err(e) = backend.delete(ObjectKind::Lock, name) {
        if e.kind() != ErrorKind::NotFound {
            tracing::warn!(lock = %name, error = %e, "could not remove lock object; it lapses at its expiry");
        }
    }
}

impl RepoLock {
    /// Takes a lock, retrying with jitter for up to `opts.wait`.
    pub fn acquire(
        backend: Arc<dyn Backend>,
        mode: LockMode,
        purpose: &str,
        clock: Arc<dyn Clock>,
        opts: &LockOptions,
    ) -> Result<RepoLock> {
        let started = std::time::Instant::now();
        let mut attempt = 0u32;
        loop {
            match Self::try_once(&backend, mode, purpose, clock.as_ref(), opts) {
                Ok(name) => return Ok(Self::hold(backend, mode, name, purpose, clock, opts)),
                Err(e) if e.kind() == ErrorKind::Locked && started.elapsed() < opts.wait => {
                    attempt += 1;
                    let jitter = u64::from(random_array::<1>()?[0]) * 4;
                    let base = 200u64.saturating_mul(1 << attempt.min(5));
                    let pause = Duration::from_millis(base + jitter)
                        .min(opts.wait.saturating_sub(started.elapsed()));
                    tracing::info!(error = %e, "repository locked; waiting");
                    std::thread::sleep(pause);
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn try_once(
        backend: &Arc<dyn Backend>,
        mode: LockMode,
        purpose: &str,
        clock: &dyn Clock,
        opts: &LockOptions,
    ) -> Result<String> {
        let now = clock.now();
        let ttl = time::Duration::try_from(opts.ttl).unwrap_or(time::Duration::HOUR);
        let rec = LockRecord {
            version: 1,
            mode,
            purpose: purpose.to_string(),
            host: opts.host.clone(),
            pid: opts.pid,
            created: rfc3339(now),
            expires: rfc3339(now + ttl),
        };
        let mine = write_record(backend.as_ref(), &rec, now)?;
        let result = (|| {
            for (name, other) in list_locks(backend.as_ref())? {
                if name == mine {
                    continue;
                }
                let Some(other) = other else {
                    tracing::warn!(lock = %name, "unreadable lock object ignored");
                    continue;
                };
                if other.is_stale(now) {
                    if mode == LockMode::Exclusive {
                        tracing::info!(lock = %name, "removing stale lock");
                        remove_quietly(backend.as_ref(), &name);
                    }
                    continue;
                }
                if mode == LockMode::Exclusive || other.mode == LockMode::Exclusive {
                    return Err(Error::new(
                        ErrorKind::Locked,
                        format!(
                            "the repository at {} is locked: {}",
                            backend.location(),
                            other.describe(&name)
                        ),
                    )
                    .hint("wait for it to finish (or pass --wait DURATION); a lock whose holder died lapses at its expiry and is then ignored"));
                }
            }
            Ok(())
        })();
        match result {
            Ok(()) => Ok(mine),
            Err(e) => {
                remove_quietly(backend.as_ref(), &mine);
                Err(e)
            }
        }
    }

    fn hold(
        backend: Arc<dyn Backend>,
        mode: LockMode,
        name: String,
        purpose: &str,
        clock: Arc<dyn Clock>,
        opts: &LockOptions,
    ) -> RepoLock {
        let current = Arc::new(std::sync::Mutex::new(name));
        let (stop, stopped) = mpsc::channel::<()>();
        let every = opts.ttl / 3;
        let ttl = time::Duration::try_from(opts.ttl).unwrap_or(time::Duration::HOUR);
        let (b, cur) = (backend.clone(), current.clone());
        let created = rfc3339(clock.now());
        let rec = LockRecord {
            version: 1,
            mode,
            purpose: purpose.to_string(),
            host: opts.host.clone(),
            pid: opts.pid,
            created,
            expires: String::new(),
        };
        let refresher = std::thread::spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                let now = clock.now();
                let rec = LockRecord {
                    expires: rfc3339(now + ttl),
                    ..rec.clone()
                };
                match write_record(b.as_ref(), &rec, now) {
                    Ok(new) => {
                        let old = match cur.lock() {
                            Ok(mut g) => std::mem::replace(&mut *g, new),
                            Err(_) => return,
                        };
                        remove_quietly(b.as_ref(), &old);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "could not refresh the repository lock")
                    }
                }
            }
        });
        RepoLock {
            backend,
            current,
            stop: Some(stop),
            refresher: Some(refresher),
            mode,
        }
    }

    /// The lock's mode.
    pub fn mode(&self) -> LockMode {
        self.mode
    }
}

impl Drop for RepoLock {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.refresher.take() {
            let _ = t.join();
        }
        if let Ok(name) = self.current.lock() {
            remove_quietly(self.backend.as_ref(), &name);
        }
    }
}
