use crate::cli::{Global, OverwriteArg, RestoreArgs};
use crate::context::{self, Access};
use crate::exit;
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_app::usecase::restore::Outcome;
use cairn_app::usecase::select::Selector;
use cairn_core::escape::one_line;
use cairn_core::restore::{self, Action, Overwrite, RestoreOptions, RestorePlan, RestoreReport};
use cairn_core::SnapshotId;
use serde::Serialize;
use std::io;
use std::path::PathBuf;

/// Allowed restore roots from `CAIRN_RESTORE_ALLOW` (colon-separated); empty = anywhere.
fn allow_roots() -> Vec<PathBuf> {
    std::env::var_os("CAIRN_RESTORE_ALLOW")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

pub fn run(g: &Global, a: &RestoreArgs) -> Result<u8> {
    let target = restore::check_allowed(&a.target, &allow_roots())?;
    let repo = context::open(g, Access::Read, "restore")?;
    let sel = Selector {
        what: &a.snapshot,
        spec: None,
        host: a.host.as_deref(),
        tags: &a.tags,
    };
    let opts = RestoreOptions {
        target,
        include: a.include.clone(),
        exclude: a.exclude.clone(),
        overwrite: match a.overwrite {
            OverwriteArg::Never => Overwrite::Never,
            OverwriteArg::IfChanged => Overwrite::IfChanged,
            OverwriteArg::Always => Overwrite::Always,
        },
        delete: a.delete,
        workers: a.workers.unwrap_or_else(cairn_app::spec::default_workers),
        special: !a.no_special,
    };
    let started = std::time::Instant::now();
    let progress = cairn_core::restore::RestoreProgress::default();
    let r = crate::progress::watching(g, &progress, ("restore", "planning", "files"), || {
        cairn_app::usecase::restore::restore_watched(&repo, &sel, &opts, a.dry_run, &progress)
    })?;
    let done = match r.outcome {
        Outcome::Planned(plan) => return emit(g, &Planned(plan)),
        Outcome::Done(d) => d,
    };
    let refused = done
        .refused
        .into_iter()
        .map(|e| Refused {
            path: e.place,
            error: e.reason,
        })
        .collect();
    emit(
        g,
        &Done {
            snapshot_id: r.id,
            target: opts.target.display().to_string(),
            report: done.report,
            refused,
            duration_s: started.elapsed().as_secs_f64(),
        },
    )
}

/// `restore --dry-run`: the plan, whose JSON is the core's `RestorePlan`.
#[derive(Serialize)]
#[serde(transparent)]
struct Planned(RestorePlan);

impl Render for Planned {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        let plan = &self.0;
        for e in &plan.entries {
            let (verb, why) = match &e.action {
                Action::Create => ("create", String::new()),
                Action::Overwrite => ("overwrite", String::new()),
                Action::Skip(r) => ("skip", format!(" ({r})")),
                Action::FixMetadata(r) => ("metadata", format!(" ({r})")),
                Action::Refuse(r) => ("refuse", format!(" ({r})")),
                Action::Delete => ("delete", String::new()),
            };
            writeln!(t.out, "{verb:<9} {}{}", one_line(&e.path()), one_line(&why))?;
        }
        let n = &plan.totals;
        writeln!(
            t.err,
            "plan for snapshot {} into {}: {} create, {} overwrite, {} metadata only, {} skip, {} refuse, {} delete, {} to write (dry run: nothing changed)",
            plan.snapshot.short(),
            plan.target.display(),
            n.create,
            n.overwrite,
            n.fix_metadata,
            n.skip,
            n.refuse,
            n.delete,
            crate::render::human_bytes(n.bytes)
        )
    }

    fn exit_code(&self) -> u8 {
        if self.0.totals.refuse > 0 {
            exit::INCOMPLETE
        } else {
            0
        }
    }
}

/// An entry the plan refused to restore.
#[derive(Serialize)]
struct Refused {
    path: cairn_core::place::Place,
    error: String,
}

/// A restore that ran.
#[derive(Serialize)]
struct Done {
    snapshot_id: SnapshotId,
    target: String,
    report: RestoreReport,
    refused: Vec<Refused>,
    duration_s: f64,
}

impl Render for Done {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        let report = &self.report;
        for e in &report.errors {
            writeln!(t.err, "{}", crate::render::problem("error", e))?;
        }
        for r in &self.refused {
            writeln!(
                t.err,
                "refused: {}: {}",
                one_line(&r.path.path()),
                one_line(&r.error)
            )?;
        }
        if !g.quiet {
            writeln!(
                t.err,
                "restored snapshot {} into {}: {} files ({}) written and verified, {} dirs, {} links/specials, {} metadata fixed, {} unchanged, {} deleted in {:.1}s",
                self.snapshot_id.short(),
                self.target,
                report.files_written,
                crate::render::human_bytes(report.bytes_written),
                report.dirs_created,
                report.others_created + report.hardlinks,
                report.metadata_fixed,
                report.skipped,
                report.deleted,
                self.duration_s
            )?;
        }
        if self.exit_code() != 0 {
            writeln!(
                t.err,
                "{} entr(ies) could not be restored; everything else was (exit code 3)",
                report.errors.len() + self.refused.len()
            )?;
        }
        Ok(())
    }

    fn exit_code(&self) -> u8 {
        if self.report.errors.is_empty() && self.refused.is_empty() {
            0
        } else {
            exit::INCOMPLETE
        }
    }
}
