//! Where the repository is and how to unlock it.
//!
//! Precedence for the location: `-r/--repo`, `CAIRN_REPO`, then the embedded
//! default `$XDG_DATA_HOME/cairn/default` (usually `~/.local/share/cairn/default`).
//! Precedence for the credential: `--key-file`/`CAIRN_KEY_FILE`,
//! `CAIRN_PASSWORD`, `--password-file`, `--password-command`, the default
//! repository's key file, and last a prompt when stdin is a terminal.
//! Outside credentials (`--age-identity`, VAULT_TOKEN, a PKCS#11 module and
//! PIN, `--key-command`, AWS credentials for KMS) are tried too, each against
//! the slots of its kind.
//! The default key file and the prompt are used only when no key file or
//! passphrase was given and no outside credential fits a slot: a key file or
//! passphrase given on purpose that does not open the repository is an
//! error, never silently replaced by another credential. (Outside
//! credentials do not count as given on purpose: VAULT_TOKEN and the like
//! are often in the environment for other reasons.)

use crate::cli::Global;
use crate::location::Location;
use crate::wallclock::WallClock;
use anyhow::{anyhow, bail, Context, Result};
pub use cairn_app::session::{Access, Session};
use cairn_app::session::{LockSpec, OpenOptions, Pinning};
use cairn_core::keyslot::unlock::Unlock;
use cairn_core::keyslot::Credential;
use cairn_core::lock::RepoLock;
use cairn_core::Backend;
use std::io::{IsTerminal, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;

const KEYFILE_HEADER: &str =
    "# cairn key file: it unlocks the repository below. Keep a copy somewhere safe and offline.";

/// Reads a key file: comment lines, then 64 hex digits.
pub fn read_key_file(path: &Path) -> Result<Vec<u8>> {
    Ok(cairn_app::credentials::read_key_file(path)?)
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

/// The credential the user supplied, if any (without prompting).
pub fn supplied_credential(g: &Global) -> Result<Option<Credential>> {
    crate::keys::sources(g).primary().map_err(|e| match e {
        // The CLI's words for where else a passphrase can come from.
        cairn_app::Error::Credential(m) if m.starts_with("the password command failed") => {
            anyhow!(
                "{}",
                m.replace(
                    "give the passphrase another way",
                    "use CAIRN_PASSWORD / --password-file"
                )
            )
        }
        e => e.into(),
    })
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
    let primary = supplied_credential(g)?;
    let given = primary.is_some();
    creds.extend(primary);
    creds.extend(crate::keys::external_credentials(g)?);
    let slots = cairn_core::keyslot::list_slots(backend)?;
    // AWS credentials are in the environment for S3 as often as for KMS:
    // without an aws-kms slot they were not given to unlock, and must not
    // stand in the way of the passphrase prompt or its "no passphrase" error.
    creds.retain(|c| c.describe() != "aws-kms" || slots.iter().any(|s| c.fits(s)));
    let fits_any = creds.iter().any(|c| slots.iter().any(|s| c.fits(s)));
    if !given && !fits_any {
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

/// Takes the lock `access` needs. A reader goes on without a lock when the
/// storage cannot take the lock object: a backup disk that cannot be written
/// must still be restorable.
pub fn lock(
    g: &Global,
    backend: &Arc<dyn Backend>,
    access: Access,
    purpose: &str,
) -> Result<Option<RepoLock>> {
    Ok(cairn_app::session::lock(
        backend,
        access,
        purpose,
        Arc::new(WallClock),
        &lock_spec(g),
    )?)
}

fn lock_spec(g: &Global) -> LockSpec {
    LockSpec {
        wait: g.wait.unwrap_or_default(),
        host: hostname(),
        read_without_if_unwritable: true,
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
    let loc = Location::resolve(g)?;
    let pin = crate::pinning::pinning(&loc)?;
    let (session, u) = open_at(g, &loc, access, purpose, Some(pin))?;
    crate::pinning::note(g, &loc, session.pin.as_ref());
    Ok((session, u))
}

/// The destination of a copy at `to`, for adding data: pinned like any
/// repository, unlocked by the passphrase in `password_file` when given
/// (and by nothing else, so the source's CAIRN_PASSWORD cannot stand in
/// for it), else by the same credentials as the source.
pub fn open_destination(
    g: &Global,
    to: &Path,
    password_file: Option<&Path>,
    purpose: &str,
) -> Result<Session> {
    let loc = Location {
        path: to.to_path_buf(),
        is_default: false,
    };
    let pin = crate::pinning::pinning(&loc)?;
    let backend = loc.backend(g)?;
    cairn_core::config::read_config(backend.as_ref())?;
    let u = match password_file {
        Some(f) => {
            let mut s = crate::keys::sources(g);
            (s.key_file, s.passphrase, s.password_command) = (None, None, None);
            s.password_file = Some(f.to_path_buf());
            Unlock {
                credentials: s.primary()?.into_iter().collect(),
                slot: None,
            }
        }
        None => unlock(g, &loc, backend.as_ref())?,
    };
    let opts = OpenOptions {
        access: Access::Append,
        lock: Some(lock_spec(g)),
        purpose: purpose.to_string(),
        pin: Some(pin),
        clock: Arc::new(WallClock),
    };
    let session = cairn_app::session::open(backend, &u, &opts).map_err(crate::pinning::explain)?;
    crate::pinning::note(g, &loc, session.pin.as_ref());
    Ok(session)
}

/// As [`open_keeping_credentials`], without comparing the repository with
/// its pin: only for `cairn trust`, which shows or replaces the pin.
pub fn open_unpinned(g: &Global, access: Access, purpose: &str) -> Result<(Session, Unlock)> {
    open_at(g, &Location::resolve(g)?, access, purpose, None)
}

fn open_at(
    g: &Global,
    loc: &Location,
    access: Access,
    purpose: &str,
    pin: Option<Pinning>,
) -> Result<(Session, Unlock)> {
    let backend = loc.backend(g)?;
    if loc.is_default && !backend.exists()? {
        bail!(
            "the default repository {} does not exist yet: run `cairn backup DIR` to create it, or pass -r",
            loc.path.display()
        );
    }
    // The config first: "no repository here" before any prompt for a passphrase.
    cairn_core::config::read_config(backend.as_ref())?;
    let u = unlock(g, loc, backend.as_ref())?;
    let opts = OpenOptions {
        access,
        lock: Some(lock_spec(g)),
        purpose: purpose.to_string(),
        pin,
        clock: Arc::new(WallClock),
    };
    let session = cairn_app::session::open(backend, &u, &opts).map_err(crate::pinning::explain)?;
    Ok((session, u))
}

/// This machine's host name.
pub use cairn_app::spec::hostname;
