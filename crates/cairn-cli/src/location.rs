//! Where the repository is: `-r/--repo`, `CAIRN_REPO`, then the embedded
//! default `$XDG_DATA_HOME/cairn/default` (usually `~/.local/share/cairn/default`).

use crate::cli::Global;
use anyhow::{anyhow, Result};
use cairn_core::Backend;
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
        let default = || -> Result<PathBuf> {
            let base = dirs::data_dir().ok_or_else(|| {
                anyhow!(
                    "cannot find the user's data directory; set HOME or XDG_DATA_HOME, or pass -r"
                )
            })?;
            Ok(base.join("cairn").join("default"))
        };
        if let Some(p) = &g.repo {
            // `-r` naming the default repository (by any path) is the
            // default repository: the key file beside it unlocks it.
            let canon = |p: &Path| std::fs::canonicalize(p).ok();
            if let Some(d) = default()
                .ok()
                .filter(|d| canon(p).is_some() && canon(p) == canon(d))
            {
                return Ok(Location {
                    path: d,
                    is_default: true,
                });
            }
            return Ok(Location {
                path: p.clone(),
                is_default: false,
            });
        }
        Ok(Location {
            path: default()?,
            is_default: true,
        })
    }

    /// The storage: `s3:...` locations go to S3, anything else is a folder.
    /// Remote storage keeps its snapshot objects and index files in the
    /// local cache unless `--no-cache`.
    pub fn backend(&self, g: &Global) -> Result<Arc<dyn Backend>> {
        Ok(cairn_app::session::storage(
            &self.path.to_string_lossy(),
            g.append_only,
            cache_root(g).as_deref(),
        )?)
    }

    /// The key file of the default repository.
    pub fn default_key_file(&self) -> PathBuf {
        self.path.with_extension("key")
    }
}

/// The local cache's root: none with `--no-cache`, else `$CAIRN_CACHE_DIR`,
/// else the user's cache directory's `cairn/` (usually `~/.cache/cairn`);
/// none when there is no such directory (reads then go to the storage).
pub fn cache_root(g: &Global) -> Option<PathBuf> {
    if g.no_cache {
        return None;
    }
    if let Some(d) = std::env::var_os("CAIRN_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    dirs::cache_dir().map(|d| d.join("cairn"))
}
