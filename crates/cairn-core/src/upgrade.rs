//! `upgrade`: raises a repository's format version to the newest this build
//! writes (FORMAT.md §14), so that new backups use what that version adds
//! (version 3: large directories in parts, §10.1). Only the config changes:
//! every object already stored stays as it is and reads as before, and new
//! trees of large directories are cut into parts from then on. A cairn older
//! than the new version then refuses the repository with "upgrade cairn",
//! which is why this is an explicit step and never a side effect of a backup.

use crate::error::Result;
use crate::repo::Repository;
use serde::Serialize;

/// What an upgrade would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpgradePlan {
    /// The repository's format version now.
    pub from: u32,
    /// The version it will have (the same when it is current).
    pub to: u32,
}

impl UpgradePlan {
    /// Whether the config changes.
    pub fn changes(&self) -> bool {
        self.from < self.to
    }
}

/// Plans the upgrade to [`crate::FORMAT_VERSION`]; reads nothing.
pub fn plan(repo: &Repository) -> UpgradePlan {
    let from = repo.config().version;
    UpgradePlan {
        from,
        to: from.max(crate::FORMAT_VERSION),
    }
}

/// Rewrites the config with the planned version, sealed under the current
/// key epoch, in one atomic replace. Run it under the exclusive lock: a key
/// rotation also replaces the config, and the later replace would undo the
/// other's change.
pub fn execute(repo: &mut Repository, plan: &UpgradePlan) -> Result<()> {
    if !plan.changes() {
        return Ok(());
    }
    let mut config = repo.config().clone();
    config.version = plan.to;
    config.seal(repo.keys());
    repo.write_config(config)
}
