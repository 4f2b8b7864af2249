//! Opening the configured repositories for the server: credentials from the
//! config, the same locks as the CLI, and append-only storage for every
//! session that does not act as admin.

use crate::config::{RepositoryConfig, ServerConfig};
use crate::error::{Error, Result};
use cairn_core::clock::Clock;
use cairn_core::guard::AppendOnly;
use cairn_core::keyslot::Credential;
use cairn_core::lock::{LockMode, LockOptions, RepoLock};
use cairn_core::pin::PinStore;
use cairn_core::Repository;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// An open repository and its lock.
pub struct Session {
    pub repo: Repository,
    _lock: RepoLock,
}

fn credential(name: &str, r: &RepositoryConfig) -> Result<Credential> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| {
            Error::Config(format!(
                "repository {name}: cannot read {}: {e}",
                p.display()
            ))
        })
    };
    if let Some(k) = &r.key_file {
        let key = cairn_core::keyslot::parse_key_file(&read(k)?).ok_or_else(|| {
            Error::Config(format!(
                "repository {name}: key file {} is malformed",
                k.display()
            ))
        })?;
        return Ok(Credential::KeyFile(key));
    }
    if let Some(p) = &r.password_file {
        return Ok(Credential::Passphrase(
            read(p)?.lines().next().unwrap_or("").to_string(),
        ));
    }
    Err(Error::Config(format!(
        "repository {name} has neither password-file nor key-file"
    )))
}

/// Opens repository `name`, taking a lock (exclusive when `delete`), waiting
/// up to `wait` for it. Non-admin sessions (`append_only`) cannot delete.
pub fn open(
    cfg: &ServerConfig,
    name: &str,
    clock: Arc<dyn Clock>,
    delete: bool,
    append_only: bool,
    purpose: &str,
    wait: Duration,
) -> Result<Session> {
    let r = cfg
        .repository
        .get(name)
        .ok_or_else(|| Error::NotFound(format!("no repository {name:?} in the config")))?;
    let mut backend = cairn_store::backend_for(&r.location)?;
    if append_only {
        backend = AppendOnly::wrap(backend);
    }
    let cred = credential(name, r)?;
    let opts = LockOptions {
        wait,
        host: "cairn-serve".into(),
        ..LockOptions::default()
    };
    let mode = if delete {
        LockMode::Exclusive
    } else {
        LockMode::Shared
    };
    let lock = RepoLock::acquire(backend.clone(), mode, purpose, clock.clone(), &opts)?;
    let mut repo = Repository::open_with(backend, &cred, clock.clone())?;
    repo.guard_writes(lock.lease());
    check_pin(cfg, r, &repo, clock.as_ref())?;
    Ok(Session { repo, _lock: lock })
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

/// Compares the repository just opened with the server's pin for its
/// location (docs/KEYS.md, "Repository identity and pinning").
fn check_pin(
    cfg: &ServerConfig,
    r: &RepositoryConfig,
    repo: &Repository,
    clock: &dyn Clock,
) -> Result<()> {
    let store = pin_store(cfg);
    let now = cairn_core::clock::rfc3339(clock.now());
    match store.check(&r.location, repo.keys(), &now) {
        Ok(_) => Ok(()),
        Err(e) if e.message().starts_with(cairn_core::pin::MISMATCH) => {
            let file = store.file_for(&r.location);
            Err(e
                .hint(format!(
                    "nothing was written; if the change is legitimate, check it, then remove the pin file {} so the server records the repository anew",
                    file.display()
                ))
                .into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens repository `name` for reading snapshot objects only: append-only
/// storage, no lock (nothing it reads can be half-written).
pub fn open_unlocked(cfg: &ServerConfig, name: &str, clock: Arc<dyn Clock>) -> Result<Repository> {
    let r = cfg
        .repository
        .get(name)
        .ok_or_else(|| Error::NotFound(format!("no repository {name:?} in the config")))?;
    let backend = AppendOnly::wrap(cairn_store::backend_for(&r.location)?);
    let repo = Repository::open_with(backend, &credential(name, r)?, clock.clone())?;
    check_pin(cfg, r, &repo, clock.as_ref())?;
    Ok(repo)
}
