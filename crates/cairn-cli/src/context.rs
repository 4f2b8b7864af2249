//! Where the repository is and how to unlock it.
//!
//! Precedence for the location: `-r/--repo`, `CAIRN_REPO`, then the embedded
//! default `$XDG_DATA_HOME/cairn/default` (usually `~/.local/share/cairn/default`).
//! Precedence for the credential: `--key-file`/`CAIRN_KEY_FILE`,
//! `CAIRN_PASSWORD`, `--password-file`, `--password-command`, the default
//! repository's key file, and last a prompt when stdin is a terminal.
//! Outside credentials (`--age-identity`, VAULT_TOKEN, a PKCS#11 module and
//! PIN, `--key-command`) are tried too, each against the slots of its kind;
//! the default key file and the prompt are used only when nothing the user
//! gave fits any slot of the repository.

use crate::cli::Global;
use anyhow::{anyhow, bail, Context, Result};
use cairn_core::clock::Clock;
use cairn_core::guard::AppendOnly;
use cairn_core::keyslot::unlock::Unlock;
use cairn_core::keyslot::Credential;
use cairn_core::lock::{LockMode, LockOptions, RepoLock};
use cairn_core::{Backend, ErrorKind, Repository};
use std::io::{IsTerminal, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A resolved repository location.
pub struct Location {
    pub path: PathBuf,
    /// True for the embedded default (key file next to it, created on first backup).
    pub is_default: bool,
}

impl Location {
    pub fn resolve(g: &Global) -> Result<Self> {
        if let Some(p) = &g.repo {
            return Ok(Location {
                path: p.clone(),
                is_default: false,
            });
        }
        let base = dirs::data_dir().ok_or_else(|| {
            anyhow!("cannot find the user's data directory; set HOME or XDG_DATA_HOME, or pass -r")
        })?;
        Ok(Location {
            path: base.join("cairn").join("default"),
            is_default: true,
        })
    }

    /// The storage: `s3:...` locations go to S3, anything else is a folder.
    pub fn backend(&self, g: &Global) -> Result<Arc<dyn Backend>> {
        let b = cairn_store::backend_for(&self.path.to_string_lossy())?;
        let b = crate::fault::maybe_wrap(b);
        Ok(if g.append_only {
            AppendOnly::wrap(b)
        } else {
            b
        })
    }

    /// The key file of the default repository.
    pub fn default_key_file(&self) -> PathBuf {
        self.path.with_extension("key")
    }
}

const KEYFILE_HEADER: &str =
    "# cairn key file: it unlocks the repository below. Keep a copy somewhere safe and offline.";

/// Reads a key file: comment lines, then 64 hex digits.
pub fn read_key_file(path: &Path) -> Result<Vec<u8>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read key file {}", path.display()))?;
    cairn_core::keyslot::parse_key_file(&text).ok_or_else(|| {
        anyhow!(
            "key file {} is malformed: expected comment lines, then 64 hex digits",
            path.display()
        )
    })
}

/// Creates a new key file readable only by the user; refuses to replace one.
pub fn create_key_file(path: &Path, repo: &Path) -> Result<Vec<u8>> {
    let key: [u8; 32] = cairn_core::crypto::random_array()?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| {
            format!(
                "cannot create key file {} (it may already exist: never overwritten)",
                path.display()
            )
        })?;
    writeln!(
        f,
        "{KEYFILE_HEADER}\n# repository: {}\n{}",
        repo.display(),
        hex::encode(key)
    )?;
    f.sync_all()?;
    Ok(key.to_vec())
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// The credential the user supplied, if any (without prompting).
pub fn supplied_credential(g: &Global) -> Result<Option<Credential>> {
    if let Some(k) = &g.key_file {
        return Ok(Some(Credential::KeyFile(read_key_file(k)?)));
    }
    if let Ok(p) = std::env::var("CAIRN_PASSWORD") {
        return Ok(Some(Credential::Passphrase(p)));
    }
    if let Some(f) = &g.password_file {
        let s = std::fs::read_to_string(f)
            .with_context(|| format!("cannot read password file {}", f.display()))?;
        return Ok(Some(Credential::Passphrase(first_line(&s))));
    }
    if let Some(cmd) = &g.password_command {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .stderr(std::process::Stdio::inherit())
            .output()
            .context("cannot run the password command")?;
        if !out.status.success() {
            bail!(
                "the password command failed ({}); fix it or use CAIRN_PASSWORD / --password-file",
                out.status
            );
        }
        return Ok(Some(Credential::Passphrase(first_line(
            &String::from_utf8_lossy(&out.stdout),
        ))));
    }
    Ok(None)
}

/// Prompts on the terminal (twice when `confirm`).
pub fn prompt(confirm: bool) -> Result<Credential> {
    if !std::io::stdin().is_terminal() {
        bail!("no passphrase given: set CAIRN_PASSWORD, --password-file, --password-command or --key-file");
    }
    let p = rpassword::prompt_password("repository passphrase: ")?;
    if confirm && rpassword::prompt_password("repeat passphrase: ")? != p {
        bail!("the passphrases did not match; nothing was created");
    }
    Ok(Credential::Passphrase(p))
}

/// Everything the user gave to unlock an existing repository, checked
/// against its slots (which hold no secret) to decide whether to fall back
/// to the default key file or a prompt.
pub fn unlock(g: &Global, loc: &Location, backend: &dyn Backend) -> Result<Unlock> {
    let mut creds: Vec<Credential> = Vec::new();
    creds.extend(supplied_credential(g)?);
    creds.extend(crate::keys::external_credentials(g)?);
    let slots = cairn_core::repo::list_slots(backend)?;
    let fits_any = creds.iter().any(|c| slots.iter().any(|s| c.fits(s)));
    if !fits_any {
        let kf = loc.default_key_file();
        if loc.is_default && kf.exists() {
            creds.push(Credential::KeyFile(read_key_file(&kf)?));
        } else if creds.is_empty() || std::io::stdin().is_terminal() {
            creds.push(prompt(false)?);
        }
    }
    Ok(Unlock {
        credentials: creds,
        slot: g.slot.clone(),
    })
}

/// What a command does to the repository, which decides its lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only: a shared lock, skipped (with a warning) on read-only storage.
    Read,
    /// Adds data: a shared lock.
    Append,
    /// Deletes: the exclusive lock.
    Delete,
}

/// An open repository and the lock held for it (released on drop).
pub struct Session {
    pub repo: Repository,
    _lock: Option<RepoLock>,
}

impl Session {
    /// Pairs a repository with its lock; index and snapshot writes then
    /// stop once the lock is lost.
    pub fn new(mut repo: Repository, lock: Option<RepoLock>) -> Self {
        if let Some(l) = &lock {
            repo.guard_writes(l.lease());
        }
        Session { repo, _lock: lock }
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

/// The wall clock, for the CLI and for lock expiry.
pub struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc()
    }
}

/// Takes the lock `access` needs.
pub fn lock(
    g: &Global,
    backend: &Arc<dyn Backend>,
    access: Access,
    purpose: &str,
) -> Result<Option<RepoLock>> {
    let mode = if access == Access::Delete {
        LockMode::Exclusive
    } else {
        LockMode::Shared
    };
    let opts = LockOptions {
        wait: g.wait.unwrap_or_default(),
        host: hostname(),
        ..LockOptions::default()
    };
    match RepoLock::acquire(backend.clone(), mode, purpose, Arc::new(WallClock), &opts) {
        Ok(l) => Ok(Some(l)),
        // A reader goes on without a lock when the storage cannot take the
        // lock object for any reason (full, read-only, no permission, ...):
        // a backup disk that cannot be written must still be restorable.
        // Only another process's exclusive lock stops it.
        Err(e) if access == Access::Read && e.kind() != ErrorKind::Locked => {
            tracing::warn!(error = %e, "cannot write a lock; reading without one");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens the repository at the resolved location, under the lock `access` needs.
pub fn open(g: &Global, access: Access, purpose: &str) -> Result<Session> {
    Ok(open_keeping_credentials(g, access, purpose)?.0)
}

/// As [`open`], also returning the credentials it was given (for
/// `keys rotate-master`, which re-wraps every slot they open), so nothing
/// is prompted for twice.
pub fn open_keeping_credentials(
    g: &Global,
    access: Access,
    purpose: &str,
) -> Result<(Session, Unlock)> {
    let (mut session, u) = open_unpinned(g, access, purpose)?;
    let loc = Location::resolve(g)?;
    crate::pinning::check(g, &loc, &session.repo)?;
    session
        .repo
        .keep_written_record(crate::pinning::written(&loc)?);
    Ok((session, u))
}

/// As [`open_keeping_credentials`], without comparing the repository with
/// its pin: only for `cairn trust`, which shows or replaces the pin.
pub fn open_unpinned(g: &Global, access: Access, purpose: &str) -> Result<(Session, Unlock)> {
    let loc = Location::resolve(g)?;
    let backend = loc.backend(g)?;
    if loc.is_default && !backend.exists()? {
        bail!(
            "the default repository {} does not exist yet: run `cairn backup DIR` to create it, or pass -r",
            loc.path.display()
        );
    }
    cairn_core::repo::read_config(backend.as_ref())?;
    let u = unlock(g, &loc, backend.as_ref())?;
    let lock = lock(g, &backend, access, purpose)?;
    let repo = Repository::open_unlock(backend, &u, Arc::new(WallClock))?;
    let session = Session::new(repo, lock);
    Ok((session, u))
}

/// "Now" for the CLI: `--now` or the wall clock (the core never reads it).
pub fn now(arg: Option<&str>) -> Result<time::OffsetDateTime> {
    Ok(match arg {
        Some(s) => cairn_core::clock::parse_rfc3339(s)?,
        None => time::OffsetDateTime::now_utc(),
    })
}

/// This machine's host name.
pub use cairn_server::jobs::hostname;
