//! Restore by selector: pick the snapshot, plan, then (unless a dry run) act.
//! The caller has checked the target against its allowed roots (the CLI's
//! `CAIRN_RESTORE_ALLOW`, the server's `restore.allow-roots`) and put the
//! checked path in the options.

use super::select::{select, Selector};
use crate::error::Result;
use cairn_core::restore::{
    self, PlanTotals, Restoration, RestoreOptions, RestorePlan, RestoreProgress,
};
use cairn_core::snapshot::SnapshotMeta;
use cairn_core::{Repository, SnapshotId};

/// What a restore did, or would do.
pub struct Restored {
    pub id: SnapshotId,
    pub meta: SnapshotMeta,
    pub outcome: Outcome,
}

/// A dry run's whole plan, or what a restore that ran planned and did (it
/// planned and acted a batch at a time, so no whole plan exists).
pub enum Outcome {
    Planned(RestorePlan),
    Done(Restoration),
}

impl Restored {
    /// The plan's counts.
    pub fn totals(&self) -> &PlanTotals {
        match &self.outcome {
            Outcome::Planned(p) => &p.totals,
            Outcome::Done(d) => &d.totals,
        }
    }
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
    let outcome = if dry_run {
        Outcome::Planned(restore::plan(repo, id, &meta.tree, opts)?)
    } else {
        Outcome::Done(restore::restore(repo, id, &meta.tree, opts, progress)?)
    };
    Ok(Restored { id, meta, outcome })
}
