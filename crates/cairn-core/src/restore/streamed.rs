//! Restore without holding the whole plan: plan a batch, carry it out, plan
//! the next. Memory is per batch and per directory, so a snapshot of ten
//! million files restores in what one of a thousand needs.
//!
//! Planning a batch after earlier ones were carried out sees the target as
//! they left it, which changes no decision: each entry is planned once,
//! before it is acted on; a directory restore creates has no target to
//! compare below it (its entries are all creations, as in a whole plan); a
//! batch's temporaries are renamed or removed before the next is planned,
//! so the check for entries the snapshot lacks finds only what it would
//! have found before.

use super::exec::Executor;
use super::plan::plan_streamed;
use super::{Action, PlanTotals, RestoreOptions, RestoreProgress, RestoreReport};
use crate::error::Result;
use crate::ids::{BlobId, SnapshotId};
use crate::repo::Repository;
use serde::Serialize;

/// Plan entries carried out together: their files are written pack by pack
/// as one schedule (a blob shared by two files of a batch is read once).
/// Small files of a few KiB fill a 16 MiB pack by the thousands, so batches
/// of 8,192 mostly spanned one or two packs, and a worker idled (issue 19;
/// large packs are now also cut into runs, `schedule::spread`); fewer, larger
/// batches also mean fewer ends of a batch, where one worker finishes alone
/// and then the next batch is planned on one thread. At about 1 KiB of plan
/// and schedule per entry, this is some 32 MiB, whatever the number of files.
pub const BATCH: usize = 32_768;

/// An entry the plan refused, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Refusal {
    /// Where; in JSON its path. A place, not a path: a hostile snapshot can
    /// hold a hundred thousand refused folders 1,024 deep.
    #[serde(rename = "path")]
    pub place: super::Place,
    pub reason: String,
}

/// What a restore planned and did.
#[derive(Debug, Clone)]
pub struct Restoration {
    /// The plan's counts.
    pub totals: PlanTotals,
    /// Entries the plan would not touch.
    pub refused: Vec<Refusal>,
    pub report: RestoreReport,
}

/// Restores snapshot `id` (root tree `root`) as `opts` says, planning and
/// carrying out [`BATCH`] entries at a time; `progress`' totals grow with
/// each batch.
pub fn restore(
    repo: &Repository,
    id: SnapshotId,
    root: &BlobId,
    opts: &RestoreOptions,
    progress: &RestoreProgress,
) -> Result<Restoration> {
    restore_in_batches_of(repo, id, root, opts, progress, BATCH)
}

/// As [`restore`], with batches of `batch` entries (tests cut a small tree
/// at every place a batch can end).
#[doc(hidden)]
pub fn restore_in_batches_of(
    repo: &Repository,
    id: SnapshotId,
    root: &BlobId,
    opts: &RestoreOptions,
    progress: &RestoreProgress,
    batch: usize,
) -> Result<Restoration> {
    let mut exec: Option<Executor<'_>> = None;
    let mut refused = Vec::new();
    let planned = plan_streamed(repo, id, root, opts, batch, &mut |batch| {
        refused.extend(batch.iter().filter_map(|e| match &e.action {
            Action::Refuse(why) => Some(Refusal {
                place: e.place.clone(),
                reason: why.clone(),
            }),
            _ => None,
        }));
        // The target is made on the first batch: a plan that fails before
        // it has written nothing (after it, the error says how far it got).
        let x = match &mut exec {
            Some(x) => x,
            None => exec.insert(Executor::new(repo, &opts.target, opts.workers, progress)?),
        };
        x.batch(&batch);
        Ok(())
    });
    let report = match exec {
        Some(x) => x.finish()?,
        None => RestoreReport::default(),
    };
    // A later batch's planning failed (a damaged subtree, say) after earlier
    // batches were written: say how far it got, so nobody takes the target
    // for a whole restore; a rerun after the repair finishes it.
    let totals = planned.map_err(|e| match report.files_written + report.dirs_created {
        0 => e,
        n => e.context(format!(
            "restore stopped partway ({n} files and folders were restored into {}; the rest were not)",
            opts.target.display()
        )),
    })?;
    Ok(Restoration {
        totals,
        refused,
        report,
    })
}
