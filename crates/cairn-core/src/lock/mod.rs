//! Repository locks: shared for anything that adds or reads data (backup,
//! restore, verify), exclusive for anything that deletes (prune, forget,
//! maintenance), so prune never removes a pack a running backup relies on.
//!
//! A lock is an object under `locks/` holding who took it and for how long
//! (`ttl_secs`) it is valid after its last write. Object stores have no
//! compare-and-swap across objects, so taking a lock is "write mine, then
//! look": if a conflicting live lock is visible after my write, I remove mine
//! and back off. Two racing takers may both back off, never both proceed. A
//! holder refreshes its lock every third of its validity (writing a new
//! object, then removing the old one).
//!
//! Staleness is judged by the storage's clock, never the taker's: a lock is
//! stale when the storage's modification time of its object is older than
//! its validity, compared with the modification time of the taker's own lock
//! object written a moment ago. A client whose clock runs ahead cannot make a
//! live lock look expired. Only a storage that reports no modification times
//! falls back to the record's `expires` against the local clock.
//!
//! A holder that loses its lock (its refreshes failed for longer than the
//! validity, or its object was removed as stale by another client) learns it
//! through its [`LockLease`]: [`LockLease::check`] fails, and the repository
//! checks it right before writing an index or a snapshot.
//!
//! A writer that stops with packs stored but not yet named by an index
//! leaves a sign of it under `locks/`: its own lock, if it was killed, or a
//! *stop note* (a record with `stopped` set, which locks nothing) if it
//! released its lock on an error or a signal. Whoever removes a stopped
//! writer's lock without indexing its packs replaces it with a note. So a
//! backup reads the list of every pack, to adopt the unindexed ones, only
//! when it finds such a sign on taking its lock: the listing grows with the
//! repository (20,000 packs: 21 listing requests), and without a sign there
//! is nothing to adopt.

use crate::backend::{Backend, ObjectKind};
use crate::clock::{rfc3339, Clock};
use crate::crypto::random_array;
use crate::error::{Error, ErrorKind, Result};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

mod holder;
mod lease;
mod record;
mod unlock;
pub use holder::Holder;
pub use lease::LockLease;
use lease::{Held, Shared, Sign};
use record::{remove_quietly, write_record};
pub use record::{LockMode, LockRecord, DEFAULT_TTL};
pub use unlock::{storage_now, unlock, Removal, UnlockReport};

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
    /// Recorded in the lock; also who judges whether other holders on this
    /// machine have died.
    pub holder: Option<Holder>,
}

impl Default for LockOptions {
    fn default() -> Self {
        LockOptions {
            ttl: Duration::from_secs(30 * 60),
            wait: Duration::ZERO,
            host: "localhost".into(),
            pid: std::process::id(),
            holder: Holder::this_process(),
        }
    }
}

/// One lock object as found in the repository.
#[derive(Debug, Clone)]
pub struct FoundLock {
    /// Its object name.
    pub name: String,
    /// Its record; None when unreadable.
    pub record: Option<LockRecord>,
    /// When the storage last wrote it.
    pub modified: Option<OffsetDateTime>,
}

/// Every lock object now in the repository, with unreadable ones as None.
pub fn list_locks(backend: &dyn Backend) -> Result<Vec<FoundLock>> {
    let mut out = Vec::new();
    for o in backend.list(ObjectKind::Lock)? {
        let record = match backend.read(ObjectKind::Lock, &o.name) {
            Ok(b) => serde_json::from_slice::<LockRecord>(&b).ok(),
            // Released between list and read.
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        out.push(FoundLock {
            name: o.name,
            record,
            modified: o.modified,
        });
    }
    Ok(out)
}

/// Every lock this process holds, so an interrupt can release them.
static HELD: Mutex<Vec<std::sync::Weak<Shared>>> = Mutex::new(Vec::new());

/// Removes the object of every lock this process holds and marks each one
/// lost, so nothing more is written under it. For a handler of SIGINT or
/// SIGTERM, right before the process exits: an interrupted backup must not
/// leave the repository locked until the lock lapses. Returns how many
/// locks were released.
pub fn release_all_held() -> usize {
    let held: Vec<Arc<Shared>> = match HELD.lock() {
        Ok(mut g) => g.drain(..).filter_map(|w| w.upgrade()).collect(),
        Err(_) => return 0,
    };
    let mut n = 0;
    for sh in held {
        let Ok(mut h) = sh.held() else { continue };
        if h.lost.is_none() {
            h.lost = Some("released when the process was interrupted".into());
            sh.release(&mut h, "interrupted");
            n += 1;
        }
    }
    n
}

/// Removes the lock `found` of a writer judged gone, first writing a stop
/// note in its place: it may have stored packs no index names.
fn retire(
    backend: &dyn Backend,
    found: &FoundLock,
    rec: &LockRecord,
    now: OffsetDateTime,
) -> Result<String> {
    let why = format!("its lock {} was removed as stale", found.name);
    let (note, _) = write_record(backend, &rec.note(why, now), now)?;
    remove_quietly(backend, &found.name);
    Ok(note)
}

/// What taking a lock found: the object written, and the signs of stopped
/// writers it saw.
struct Taken {
    name: String,
    body: Vec<u8>,
    signs: Vec<Sign>,
}

/// A held lock; released (its object removed) on drop.
pub struct RepoLock {
    shared: Arc<Shared>,
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

fn record(mode: LockMode, purpose: &str, opts: &LockOptions, now: OffsetDateTime) -> LockRecord {
    let ttl = time::Duration::try_from(opts.ttl).unwrap_or(time::Duration::HOUR);
    LockRecord {
        version: 1,
        mode,
        purpose: purpose.to_string(),
        host: opts.host.clone(),
        pid: opts.pid,
        created: rfc3339(now),
        expires: rfc3339(now + ttl),
        ttl_secs: Some(opts.ttl.as_secs().max(1)),
        holder: opts.holder.clone(),
        stopped: None,
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
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            let rec = record(mode, purpose, opts, clock.now());
            match Self::try_once(&backend, &rec, clock.now()) {
                Ok(took) => return Ok(Self::hold(backend, rec, took, clock, opts)),
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
        rec: &LockRecord,
        now: OffsetDateTime,
    ) -> Result<Taken> {
        let (mine, body) = write_record(backend.as_ref(), rec, now)?;
        let result = (|| {
            // The storage's "now": when it wrote the object just written.
            let storage_now = backend.stat(ObjectKind::Lock, &mine)?.modified;
            let mut signs = Vec::new();
            for found in list_locks(backend.as_ref())? {
                if found.name == mine {
                    continue;
                }
                let Some(other) = &found.record else {
                    tracing::warn!(lock = %found.name, "unreadable lock object ignored");
                    signs.push(Sign {
                        name: found.name,
                        removable: false,
                    });
                    continue;
                };
                let dead = other.holder_is_gone(rec.holder.as_ref());
                let stale = dead || other.is_stale_on_storage(found.modified, storage_now, now);
                if other.is_note() || stale {
                    // A stale lock removed without indexing its writer's
                    // packs is replaced by a note; a note stays as it is.
                    let name = if !other.is_note() && rec.mode == LockMode::Exclusive {
                        tracing::info!(lock = %found.name, dead, "removing stale lock");
                        retire(backend.as_ref(), &found, other, now)?
                    } else {
                        found.name.clone()
                    };
                    signs.push(Sign {
                        name,
                        removable: true,
                    });
                    continue;
                }
                if rec.mode == LockMode::Exclusive || other.mode == LockMode::Exclusive {
                    return Err(Error::new(
                        ErrorKind::Locked,
                        format!(
                            "the repository at {} is locked: {}",
                            backend.location(),
                            other.describe(&found.name)
                        ),
                    )
                    .hint("wait for it to finish, or let the command wait for it; a lock whose holder died on this machine is ignored at once, one from elsewhere at its expiry, and unlocking removes it sooner"));
                }
            }
            Ok(signs)
        })();
        match result {
            Ok(signs) => Ok(Taken {
                name: mine,
                body,
                signs,
            }),
            Err(e) => {
                remove_quietly(backend.as_ref(), &mine);
                Err(e)
            }
        }
    }

    fn hold(
        backend: Arc<dyn Backend>,
        rec: LockRecord,
        took: Taken,
        clock: Arc<dyn Clock>,
        opts: &LockOptions,
    ) -> RepoLock {
        let shared = Arc::new(Shared {
            backend,
            held: Mutex::new(Held {
                name: took.name,
                body: took.body,
                written: Instant::now(),
                lost: None,
                noted: false,
                unindexed: Default::default(),
                signs: took.signs,
            }),
            ttl: opts.ttl,
            record: rec.clone(),
            clock: clock.clone(),
        });
        if let Ok(mut g) = HELD.lock() {
            g.retain(|w| w.strong_count() > 0);
            g.push(Arc::downgrade(&shared));
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let every = opts.ttl / 3;
        let ttl = time::Duration::try_from(opts.ttl).unwrap_or(time::Duration::HOUR);
        let sh = shared.clone();
        let mode = rec.mode;
        let refresher = std::thread::spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                // A lock already lost is never re-created: another client may
                // be deleting data on the strength of its absence.
                if let Err(e) = LockLease(sh.clone()).check() {
                    if e.kind() == ErrorKind::Locked {
                        tracing::error!(error = %e, "repository lock lost; not refreshing it");
                        return;
                    }
                }
                let now = clock.now();
                let rec = LockRecord {
                    expires: rfc3339(now + ttl),
                    ..rec.clone()
                };
                match write_record(sh.backend.as_ref(), &rec, now) {
                    Ok((new, body)) => {
                        let old = match sh.held() {
                            Ok(mut h) => {
                                h.body = body;
                                h.written = Instant::now();
                                std::mem::replace(&mut h.name, new)
                            }
                            Err(_) => return,
                        };
                        remove_quietly(sh.backend.as_ref(), &old);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "could not refresh the repository lock")
                    }
                }
            }
        });
        RepoLock {
            shared,
            stop: Some(stop),
            refresher: Some(refresher),
            mode,
        }
    }

    /// The lock's mode.
    pub fn mode(&self) -> LockMode {
        self.mode
    }

    /// A handle for checking, before a write, that the lock is still held.
    pub fn lease(&self) -> LockLease {
        LockLease(self.shared.clone())
    }
}

impl Drop for RepoLock {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.refresher.take() {
            let _ = t.join();
        }
        if let Ok(mut h) = self.shared.held() {
            self.shared.release(&mut h, "stopped");
        }
    }
}
