//! Restore by selector: pick the snapshot, plan, then (unless a dry run) act.
//! The caller has checked the target against its allowed roots (the CLI's
//! `CAIRN_RESTORE_ALLOW`, the server's `restore.allow-roots`) and put the
//! checked path in the options.

use super::select::{select, Selector};
use crate::error::Result;
use cairn_core::restore::{self, RestoreOptions, RestorePlan, RestoreProgress, RestoreReport};
use cairn_core::snapshot::SnapshotMeta;
use cairn_core::{Repository, SnapshotId};

/// What a restore did, or would do.
pub struct Restored {
    pub id: SnapshotId,
    pub meta: SnapshotMeta,
    pub plan: RestorePlan,
    /// None for a dry run.
    pub report: Option<RestoreReport>,
}

/// Restores the snapshot `sel` names as `opts` says.
pub fn restore(
    repo: &Repository,
    sel: &Selector<'_>,
    opts: &RestoreOptions,
    dry_run: bool,
) -> Result<Restored> {
    restore_watched(repo, sel, opts, dry_run, &RestoreProgress::default())
}

/// As [`restore`], counting what lands into `progress` (for a progress bar).
pub fn restore_watched(
    repo: &Repository,
    sel: &Selector<'_>,
    opts: &RestoreOptions,
    dry_run: bool,
    progress: &RestoreProgress,
) -> Result<Restored> {
    let (id, meta) = select(repo, sel)?;
    let plan = restore::plan(repo, id, &meta.tree, opts)?;
    let report = if dry_run {
        None
    } else {
        Some(restore::execute_watched(
            repo,
            &plan,
            opts.workers,
            progress,
        )?)
    };
    Ok(Restored {
        id,
        meta,
        plan,
        report,
    })
}
