//! The one way to open a repository: location + credentials + access mode +
//! clock → an unlocked repository under the lock its work needs, checked
//! against the identity pinned for its location. The CLI, the server's jobs,
//! its snapshot listing, the gate and the scheduler all come through here,
//! so a lock or pin rule changed here changes for all of them.
//!
//! Order matters: the lock is taken before the repository is opened (so no
//! delete can start between reading the index and using it), every index and
//! snapshot write is then bound to that lock's lease, and the pin is compared
//! last, before the caller can write anything.

use crate::config::ServerConfig;
use crate::error::{Error, Result};
use cairn_core::clock::Clock;
use cairn_core::guard::AppendOnly;
use cairn_core::keyslot::unlock::Unlock;
use cairn_core::lock::{LockMode, LockOptions, RepoLock};
use cairn_core::pin::{PinCheck, PinStore};
use cairn_core::{Backend, ErrorKind, Repository};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What the work does to the repository, which decides its lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only: a shared lock.
    Read,
    /// Adds data: a shared lock.
    Append,
    /// Deletes: the exclusive lock.
    Delete,
}

/// How to take the lock.
#[derive(Debug, Clone)]
pub struct LockSpec {
    /// How long to wait for a conflicting lock to go.
    pub wait: Duration,
    /// The host name recorded in the lock object.
    pub host: String,
    /// Whether a reader goes on without a lock when the storage cannot take
    /// the lock object for any reason (full, read-only, no permission): a
    /// backup disk that cannot be written must still be restorable. Only
    /// another process's exclusive lock stops it then.
    pub read_without_if_unwritable: bool,
}

/// Where pins are kept and the name of this location in them.
#[derive(Debug, Clone)]
pub struct Pinning {
    pub store: PinStore,
    pub location: String,
}

/// How to open: everything except the storage and the credentials.
pub struct OpenOptions {
    pub access: Access,
    /// None: no lock (reading snapshot objects only, which are never half-written).
    pub lock: Option<LockSpec>,
    /// What the lock says the work is ("backup", "forget", ...).
    pub purpose: String,
    /// None: the identity is not compared (only `cairn trust`, which shows or replaces the pin).
    pub pin: Option<Pinning>,
    pub clock: Arc<dyn Clock>,
}

/// An open repository and the lock held for it (released on drop).
pub struct Session {
    pub repo: Repository,
    /// What the pin comparison found (None when not compared).
    pub pin: Option<PinCheck>,
    lock: Option<RepoLock>,
}

impl Session {
    /// Pairs a repository with its lock; index and snapshot writes then
    /// stop once the lock is lost.
    pub fn new(mut repo: Repository, lock: Option<RepoLock>) -> Self {
        if let Some(l) = &lock {
            repo.guard_writes(l.lease());
        }
        Session {
            repo,
            pin: None,
            lock,
        }
    }

    /// Whether a lock is held (a reader on unwritable storage has none).
    pub fn is_locked(&self) -> bool {
        self.lock.is_some()
    }

    /// The repository, giving up the lock.
    pub fn into_repo(self) -> Repository {
        self.repo
    }
}

impl std::ops::Deref for Session {
    type Target = Repository;
    fn deref(&self) -> &Repository {
        &self.repo
    }
}

impl std::ops::DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Repository {
        &mut self.repo
    }
}

/// The storage at `location` (`s3:...` or a folder), append-only when asked:
/// an append-only session cannot delete or overwrite whatever its caller does.
/// With `cache` (a cache root folder), snapshot objects and index files of
/// remote storage are kept there (docs/STORAGE.md, "The local cache").
pub fn storage(
    location: &str,
    append_only: bool,
    cache: Option<&Path>,
) -> Result<Arc<dyn Backend>> {
    let b = cairn_store::backend_for(location)?;
    let b = match cache {
        Some(root) => cairn_store::cached(b, root, location),
        None => b,
    };
    #[cfg(feature = "fault-injection")]
    let b = crate::fault::maybe_wrap(b);
    Ok(if append_only { AppendOnly::wrap(b) } else { b })
}

/// Takes the lock `access` needs.
pub fn lock(
    backend: &Arc<dyn Backend>,
    access: Access,
    purpose: &str,
    clock: Arc<dyn Clock>,
    spec: &LockSpec,
) -> Result<Option<RepoLock>> {
    let mode = if access == Access::Delete {
        LockMode::Exclusive
    } else {
        LockMode::Shared
    };
    let opts = LockOptions {
        wait: spec.wait,
        host: spec.host.clone(),
        ..LockOptions::default()
    };
    match RepoLock::acquire(backend.clone(), mode, purpose, clock, &opts) {
        Ok(l) => Ok(Some(l)),
        Err(e)
            if spec.read_without_if_unwritable
                && access == Access::Read
                && e.kind() != ErrorKind::Locked =>
        {
            tracing::warn!(error = %e, "cannot write a lock; reading without one");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens the repository on `backend` with `unlock`, as `o` says.
pub fn open(backend: Arc<dyn Backend>, unlock: &Unlock, o: &OpenOptions) -> Result<Session> {
    let lock = match &o.lock {
        Some(spec) => lock(&backend, o.access, &o.purpose, o.clock.clone(), spec)?,
        None => None,
    };
    let repo = Repository::open_unlock(backend, unlock, o.clock.clone())?;
    let mut session = Session::new(repo, lock);
    if let Some(p) = &o.pin {
        session.pin = Some(check_pin(p, &session.repo, o.clock.as_ref())?);
        // Beside the pin, the record of snapshots this client writes and
        // removes, so that verify can name those the storage deletes.
        session
            .repo
            .keep_written_record(p.store.written(&p.location));
    }
    Ok(session)
}

/// Compares the repository just unlocked with its pin (recording it on
/// first use). A changed identity is [`Error::PinMismatch`].
pub fn check_pin(p: &Pinning, repo: &Repository, clock: &dyn Clock) -> Result<PinCheck> {
    match p.store.check(&p.location, repo.keys(), clock.now()) {
        Ok(c) => Ok(c),
        Err(e) if e.message().starts_with(cairn_core::pin::MISMATCH) => Err(Error::PinMismatch {
            pin_file: p.store.file_for(&p.location),
            source: e,
        }),
        Err(e) => Err(e.into()),
    }
}

/// How a configured repository is opened for a job.
pub struct Job<'a> {
    pub access: Access,
    /// Whether the caller may only add data (every role but admin): its
    /// storage is then append-only. A delete is never append-only.
    pub append_only: bool,
    pub purpose: &'a str,
    /// How long to wait for the lock.
    pub wait: Duration,
    pub clock: Arc<dyn Clock>,
}

/// The host name the server's locks record.
pub const SERVER_LOCK_HOST: &str = "cairn-serve";

/// Opens repository `name` of the config for a job, under its lock.
pub fn open_configured(cfg: &ServerConfig, name: &str, job: Job<'_>) -> Result<Session> {
    let (backend, unlock, mut opts, pin) = configured(cfg, name, job)?;
    opts.pin = Some(pin);
    open(backend, &unlock, &opts)
}

/// As [`open_configured`] without comparing the pin, for accepting a
/// changed identity only; also returns where the pin is kept.
pub fn open_configured_unpinned(
    cfg: &ServerConfig,
    name: &str,
    job: Job<'_>,
) -> Result<(Session, Pinning)> {
    let (backend, unlock, opts, pin) = configured(cfg, name, job)?;
    Ok((open(backend, &unlock, &opts)?, pin))
}

/// The storage, credentials, options (without the pin) and pin place for
/// repository `name` of the config.
fn configured(
    cfg: &ServerConfig,
    name: &str,
    job: Job<'_>,
) -> Result<(Arc<dyn Backend>, Unlock, OpenOptions, Pinning)> {
    let r = cfg.repository(name)?;
    let append_only = job.append_only && job.access != Access::Delete;
    // Verify checks the storage itself, never a local copy of it.
    let cache = match job.purpose {
        VERIFY_PURPOSE => None,
        _ => cache_root(cfg),
    };
    let backend = storage(&r.location, append_only, cache.as_deref())?;
    let opts = OpenOptions {
        access: job.access,
        lock: Some(LockSpec {
            wait: job.wait,
            host: SERVER_LOCK_HOST.into(),
            read_without_if_unwritable: false,
        }),
        purpose: job.purpose.to_string(),
        pin: None,
        clock: job.clock,
    };
    let pin = Pinning {
        store: pin_store(cfg),
        location: r.location.clone(),
    };
    Ok((backend, configured_unlock(name, r)?, opts, pin))
}

/// Opens repository `name` of the config for reading snapshot objects only:
/// append-only storage, no lock (nothing it reads can be half-written).
pub fn open_configured_unlocked(
    cfg: &ServerConfig,
    name: &str,
    clock: Arc<dyn Clock>,
) -> Result<Repository> {
    open_unlocked_with(cfg, name, clock, cache_root(cfg).as_deref())
}

/// As [`open_configured_unlocked`], reading the storage itself and never
/// the local cache: for the recovery gate, which proves what a machine
/// without this one's cache could restore.
pub fn open_configured_uncached(
    cfg: &ServerConfig,
    name: &str,
    clock: Arc<dyn Clock>,
) -> Result<Repository> {
    open_unlocked_with(cfg, name, clock, None)
}

fn open_unlocked_with(
    cfg: &ServerConfig,
    name: &str,
    clock: Arc<dyn Clock>,
    cache: Option<&Path>,
) -> Result<Repository> {
    let r = cfg.repository(name)?;
    let opts = OpenOptions {
        access: Access::Read,
        lock: None,
        purpose: String::new(),
        pin: Some(Pinning {
            store: pin_store(cfg),
            location: r.location.clone(),
        }),
        clock,
    };
    Ok(open(
        storage(&r.location, true, cache)?,
        &configured_unlock(name, r)?,
        &opts,
    )?
    .into_repo())
}

fn configured_unlock(name: &str, r: &crate::config::RepositoryConfig) -> Result<Unlock> {
    let credentials = r.sources().all().map_err(|e| match e {
        Error::Credential(m) => Error::Config(format!("repository {name}: {m}")),
        e => e,
    })?;
    Ok(Unlock {
        credentials,
        slot: None,
    })
}

/// Where the server keeps repository pins: `pins/` beside its audit log.
pub fn pin_store(cfg: &ServerConfig) -> PinStore {
    let dir = cfg
        .audit_log
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    PinStore::new(dir.join("pins"))
}

/// The lock purpose of a verify job: it reads the storage, never the cache.
pub const VERIFY_PURPOSE: &str = "verify";

/// Where the server caches remote repositories' snapshot objects and index
/// files: `cache-dir`, else `cache/` beside the audit log (as pins are);
/// none with `no-cache`.
pub fn cache_root(cfg: &ServerConfig) -> Option<PathBuf> {
    if cfg.no_cache {
        return None;
    }
    Some(cfg.cache_dir.clone().unwrap_or_else(|| {
        cfg.audit_log
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join("cache")
    }))
}
