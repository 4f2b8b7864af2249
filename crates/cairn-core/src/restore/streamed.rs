//! Restore without holding the whole plan: plan a batch, carry it out, plan
//! the next. Memory is per batch and per directory, so a snapshot of ten
//! million files restores in what one of a thousand needs.
//!
//! The walk plans the next batch on its own thread while the batch before
//! is carried out (issue 19: planning alone between batches left a core
//! idle for a tenth of a restore). That changes no decision: each entry is
//! planned once, before it is acted on, and what an earlier batch does
//! cannot change what the walk sees of a later entry's path (a batch
//! touches only its own entries' paths, and its removals are names the
//! snapshot lacks); a directory restore creates has no target to compare
//! below it (its entries are all creations, as in a whole plan). The one
//! exception is the listing of a target folder for entries the snapshot
//! lacks, which would see the temporaries of files still being written: the
//! walk waits for every batch handed on to be carried out before it lists
//! (`PlanSink::catch_up`), so it finds only what a plan made before the
//! restore would have found. Into a new folder the walk never waits.

use super::exec::Executor;
use super::plan::plan_streamed;
use super::plan::PlanSink;
use super::{Action, PlanEntry, PlanTotals, RestoreOptions, RestoreProgress, RestoreReport};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{BlobId, SnapshotId};
use crate::repo::Repository;
use serde::Serialize;
use std::sync::mpsc::SyncSender;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

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
    let flight = Flight::default();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<PlanEntry>>(0);
    let mut refused = Vec::new();
    let mut exec: Option<Executor<'_>> = None;
    // The walk plans on its own thread while this one carries out the batch
    // before (the channel holds none: at most two batches are alive).
    let (planned, carried) = std::thread::scope(|s| {
        let planner = s.spawn(|| {
            let mut ahead = Ahead {
                tx,
                flight: &flight,
            };
            plan_streamed(repo, id, root, opts, batch, &mut ahead)
        });
        let carried = (|| {
            let _closing = Closing(&flight);
            for batch in rx {
                refused.extend(batch.iter().filter_map(|e| match &e.action {
                    Action::Refuse(why) => Some(Refusal {
                        place: e.place.clone(),
                        reason: why.clone(),
                    }),
                    _ => None,
                }));
                // The target is made on the first batch: a plan that fails
                // before it has written nothing (after it, the error says how
                // far it got).
                let x = match &mut exec {
                    Some(x) => x,
                    None => exec.insert(Executor::new(repo, &opts.target, opts.workers, progress)?),
                };
                x.batch(&batch);
                flight.carried();
            }
            Ok(())
        })();
        let planned = planner
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (planned, carried)
    });
    // Not carrying on stops the walk too; its error then only says so.
    carried?;
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

/// Batches handed to the executor and carried out, shared by the planning
/// thread and the executing one.
#[derive(Default)]
struct Flight {
    state: Mutex<Counts>,
    changed: Condvar,
}

#[derive(Default)]
struct Counts {
    handed: usize,
    carried: usize,
    /// The executor stopped (done, failed or panicked): nothing more is
    /// carried out.
    closed: bool,
}

impl Flight {
    fn counts(&self) -> MutexGuard<'_, Counts> {
        // Counters only: a panic while one was held leaves them usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn carried(&self) {
        self.counts().carried += 1;
        self.changed.notify_all();
    }
}

/// Marks the executor stopped however it leaves, so a walk waiting for the
/// writing to catch up wakes up.
struct Closing<'f>(&'f Flight);

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        self.0.counts().closed = true;
        self.0.changed.notify_all();
    }
}

/// The planning thread's sink: hands each batch to the executor.
struct Ahead<'f> {
    tx: SyncSender<Vec<PlanEntry>>,
    flight: &'f Flight,
}

fn stopped() -> Error {
    Error::new(
        ErrorKind::Io,
        "restore stopped before the plan was carried out",
    )
}

impl PlanSink for Ahead<'_> {
    fn hand(&mut self, entries: Vec<PlanEntry>) -> Result<()> {
        self.flight.counts().handed += 1;
        self.tx.send(entries).map_err(|_| stopped())
    }

    fn catch_up(&mut self) -> Result<()> {
        let mut c = self.flight.counts();
        while c.carried < c.handed && !c.closed {
            c = self
                .flight
                .changed
                .wait(c)
                .unwrap_or_else(PoisonError::into_inner);
        }
        match c.carried < c.handed {
            true => Err(stopped()),
            false => Ok(()),
        }
    }
}
