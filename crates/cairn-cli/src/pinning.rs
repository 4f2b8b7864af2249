//! Where the CLI keeps repository pins (docs/KEYS.md, "Repository identity
//! and pinning"), and the check every open makes. The pin logic itself is
//! `cairn_core::pin`.

use crate::cli::Global;
use crate::location::Location;
use anyhow::{anyhow, Result};
use cairn_core::pin::{PinCheck, PinStore};
use cairn_core::Repository;
use std::path::PathBuf;

/// What the CLI tells the user to do when the identity changed.
const RESET_HINT: &str = "nothing was written; if the change is legitimate (the repository was re-created, or restored from an older copy on purpose), run `cairn trust --reset` with its credentials to accept it, and `cairn trust` shows what is pinned";

/// `$CAIRN_STATE_DIR/pins`, else `$XDG_STATE_HOME/cairn/pins` (usually
/// `~/.local/state/cairn/pins`), else the cache directory's `cairn/pins`.
pub fn dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("CAIRN_STATE_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d).join("pins"));
    }
    let base = dirs::state_dir().or_else(dirs::cache_dir).ok_or_else(|| {
        anyhow!("cannot find a state directory for repository pins; set CAIRN_STATE_DIR or HOME")
    })?;
    Ok(base.join("cairn").join("pins"))
}

/// The pin store.
pub fn store() -> Result<PinStore> {
    Ok(PinStore::new(dir()?))
}

/// Where the pin for `loc` is kept, and its name there.
pub fn pinning(loc: &Location) -> Result<cairn_app::session::Pinning> {
    Ok(cairn_app::session::Pinning {
        store: store()?,
        location: location_key(loc),
    })
}

/// The location as pins name it: object-store locations as given, folders as an
/// absolute path with symbolic links resolved when the folder exists.
pub fn location_key(loc: &Location) -> String {
    let s = loc.path.to_string_lossy();
    if cairn_store::is_remote(&s) {
        return s.into_owned();
    }
    std::fs::canonicalize(&loc.path)
        .or_else(|_| std::path::absolute(&loc.path))
        .unwrap_or_else(|_| loc.path.clone())
        .to_string_lossy()
        .into_owned()
}

/// Compares the repository just unlocked with its pin (recording it on
/// first use). A changed identity is refused with the way to accept it.
pub fn check(g: &Global, loc: &Location, repo: &Repository) -> Result<()> {
    let c = cairn_app::session::check_pin(&pinning(loc)?, repo, &crate::wallclock::WallClock)
        .map_err(explain)?;
    note(g, loc, Some(&c));
    Ok(())
}

/// Tells the user when the pin followed a master-key rotation.
pub fn note(g: &Global, loc: &Location, c: Option<&PinCheck>) {
    if let Some(PinCheck::Advanced { from, to }) = c {
        if !g.quiet && !g.json {
            let key = location_key(loc);
            eprintln!("note: the repository at {key} moved from key epoch {from} to {to} (a master-key rotation); its pin follows");
        }
    }
}

/// The CLI's words for an application error: a changed identity gets the
/// way to accept it with `cairn trust`.
pub fn explain(e: cairn_app::Error) -> anyhow::Error {
    match e {
        cairn_app::Error::PinMismatch { source, .. } => source.hint(RESET_HINT).into(),
        e => e.into(),
    }
}

/// Records the repository this client just created or accepted, replacing
/// any earlier pin for the location (kept in the pin's history).
pub fn accept(
    loc: &Location,
    repo: &Repository,
) -> Result<(Option<cairn_core::pin::Pin>, cairn_core::pin::Pin)> {
    Ok(store()?.accept(
        &location_key(loc),
        repo.keys(),
        crate::wallclock::now(None)?,
    )?)
}

/// The record of the snapshots this client wrote at the location (see
/// `cairn_core::written`).
pub fn written(loc: &Location) -> Result<cairn_core::written::Written> {
    Ok(store()?.written(&location_key(loc)))
}
