use crate::cli::{Global, PruneArgs};
use crate::context::{self, Access};
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_core::leftovers::Leftovers;
use cairn_core::prune::{self, PackAction, PackPlan, PlanTotals, PruneOptions, PruneOutcome};
use cairn_core::Repository;
use cairn_core::{epochs, leftovers};
use serde::Serialize;
use std::io;

pub fn run(g: &Global, a: &PruneArgs) -> Result<u8> {
    let access = if a.dry_run {
        Access::Read
    } else {
        Access::Delete
    };
    let mut repo = context::open(g, access, "prune")?;
    if a.rewrite_old_epochs {
        return rewrite_old_epochs(g, a, &mut repo);
    }
    let opts = PruneOptions {
        max_unused_percent: a.max_unused,
        now: crate::wallclock::now(None)?,
    };
    let plan = prune::plan(&repo, &opts)?;
    let t = plan.totals();
    let outcome = if a.dry_run {
        None
    } else {
        let progress = cairn_core::progress::WorkProgress::default();
        let done = crate::progress::watching(g, &progress, ("prune", "pruning", "packs"), || {
            prune::execute_watched(&mut repo, &plan, &progress)
        })?;
        // Nothing to do reports no outcome, as a dry run does.
        (!plan.is_noop()).then_some(done)
    };
    let leftovers = if a.dry_run {
        leftovers::survey(repo.backend().as_ref())?
    } else {
        leftovers::sweep(repo.backend().as_ref(), &crate::wallclock::WallClock)?
    };
    let (removed, found) = if a.dry_run {
        (None, Some(leftovers))
    } else {
        (Some(leftovers), None)
    };
    emit(
        g,
        &Pruned {
            dry_run: a.dry_run,
            snapshots: plan.snapshots,
            used_blobs: plan.used_blobs,
            totals: t,
            packs: plan
                .packs
                .into_iter()
                .filter(|p| p.action != PackAction::Keep)
                .collect(),
            unreadable_packs: plan.unreadable,
            outcome,
            partial_objects_removed: removed,
            partial_objects: found,
        },
    )
}

/// What `cairn prune` planned and did: the packs it touches (kept ones
/// left out), and the partial objects it found (dry run) or removed.
#[derive(Serialize)]
struct Pruned {
    dry_run: bool,
    snapshots: usize,
    used_blobs: usize,
    totals: PlanTotals,
    packs: Vec<PackPlan>,
    unreadable_packs: Vec<(String, String)>,
    outcome: Option<PruneOutcome>,
    partial_objects_removed: Option<Leftovers>,
    partial_objects: Option<Leftovers>,
}

impl Render for Pruned {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        let n = &self.totals;
        if !g.quiet {
            if let Some(l) = self
                .partial_objects
                .or(self.partial_objects_removed)
                .filter(|l| l.count > 0)
            {
                writeln!(
                    t.err,
                    "{} {} partial object(s) left by killed runs ({})",
                    if self.dry_run { "found" } else { "removed" },
                    l.count,
                    crate::render::human_bytes(l.bytes)
                )?;
            }
            writeln!(
                t.err,
                "{} snapshot(s) use {} blob(s); packs: {} kept, {} to delete, {} to repack, {} retained by WORM",
                self.snapshots, self.used_blobs, n.keep_packs, n.delete_packs, n.repack_packs, n.retained_packs
            )?;
            for p in self
                .packs
                .iter()
                .filter(|p| p.action == PackAction::Retained)
            {
                writeln!(
                    t.err,
                    "retained: pack {} until {} (removed by a later prune)",
                    p.pack.short(),
                    p.retained_until.as_deref().unwrap_or("?")
                )?;
            }
            for (name, why) in &self.unreadable_packs {
                writeln!(
                    t.err,
                    "warning: unindexed pack {name} is unreadable and was left alone: {why}"
                )?;
            }
            writeln!(
                t.err,
                "{} {} ({} repacked); {} unused left in kept packs",
                if self.dry_run { "would free" } else { "frees" },
                crate::render::human_bytes(n.bytes_freed),
                crate::render::human_bytes(n.bytes_repacked),
                crate::render::human_bytes(n.bytes_unused_left)
            )?;
            index_text(t, n, self.outcome.as_ref())?;
        }
        match &self.outcome {
            Some(o) => writeln!(
                t.out,
                "pruned: {} pack(s) removed ({}), {} written",
                o.packs_deleted,
                crate::render::human_bytes(o.bytes_deleted),
                o.packs_written
            ),
            None if self.dry_run => writeln!(t.out, "dry run: nothing changed"),
            None => writeln!(t.out, "nothing to prune"),
        }
    }
}

/// The index line: how many files, whether they are consolidated, and
/// how many WORM keeps.
fn index_text(t: &mut Term, n: &PlanTotals, done: Option<&PruneOutcome>) -> io::Result<()> {
    if n.index_files_retained > 0 {
        writeln!(
            t.err,
            "{} index file(s) retained by WORM stay as they are, and so do the packs they list",
            n.index_files_retained
        )?;
    }
    match done {
        Some(o) if o.index_files_deleted > 0 || o.index_files_written > 0 => writeln!(
            t.err,
            "index: {} file(s) replaced by {}",
            o.index_files_deleted, o.index_files_written
        ),
        None if n.consolidate_index => writeln!(
            t.err,
            "index: {} file(s), to be consolidated into few",
            n.index_files
        ),
        _ => Ok(()),
    }
}

/// `prune --rewrite-old-epochs`: copy old-epoch snapshots under the current
/// key epoch, prune everything old, drop the retired secrets.
fn rewrite_old_epochs(g: &Global, a: &PruneArgs, repo: &mut Repository) -> Result<u8> {
    let now = crate::wallclock::now(None)?;
    let plan = epochs::plan(repo, now)?;
    let outcome = if a.dry_run {
        None
    } else {
        Some(epochs::rewrite(repo, &plan, now)?)
    };
    emit(
        g,
        &Rewritten {
            dry_run: a.dry_run,
            plan,
            outcome,
        },
    )
}

/// What `prune --rewrite-old-epochs` planned and, unless a dry run, did.
#[derive(Serialize)]
struct Rewritten {
    dry_run: bool,
    plan: epochs::EpochPlan,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<epochs::RewriteOutcome>,
}

impl Render for Rewritten {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        let plan = &self.plan;
        if !g.quiet {
            writeln!(
                t.err,
                "key epoch {}; retired epochs {:?}: {} snapshot(s) to re-encrypt, {} retained by WORM, {} index file(s) to re-seal",
                plan.current,
                plan.retired,
                plan.old_snapshots.len(),
                plan.retained.len(),
                plan.old_index_files.len()
            )?;
        }
        let Some(out) = &self.outcome else {
            return writeln!(t.out, "dry run: nothing changed");
        };
        for (old, new) in &out.snapshots {
            writeln!(
                t.err,
                "re-encrypted snapshot {} as {}",
                old.short(),
                new.short()
            )?;
        }
        for why in &out.kept_because {
            writeln!(t.err, "retired secrets kept: {why}")?;
        }
        writeln!(
            t.out,
            "rewrote {} snapshot(s) ({} blob(s)); pruned {} pack(s); re-sealed {} index file(s); dropped retired epochs {:?}",
            out.snapshots.len(),
            out.blobs_written,
            out.prune.as_ref().map(|p| p.packs_deleted).unwrap_or(0),
            out.index_files_resealed,
            out.dropped_epochs
        )
    }
}
