use crate::cli::{Global, OverwriteArg, RestoreArgs};
use crate::context::{self, Access};
use crate::exit;
use anyhow::Result;
use cairn_app::usecase::select::Selector;
use cairn_core::escape::one_line;
use cairn_core::restore::{self, Action, Overwrite, RestoreOptions};
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
    let r = cairn_app::usecase::restore::restore(&repo, &sel, &opts, a.dry_run)?;
    let (id, plan) = (r.id, &r.plan);
    let Some(report) = r.report else {
        if g.json {
            super::print_json(plan)?;
        } else {
            for e in &plan.entries {
                let (verb, why) = match &e.action {
                    Action::Create => ("create", String::new()),
                    Action::Overwrite => ("overwrite", String::new()),
                    Action::Skip(r) => ("skip", format!(" ({r})")),
                    Action::FixMetadata(r) => ("metadata", format!(" ({r})")),
                    Action::Refuse(r) => ("refuse", format!(" ({r})")),
                    Action::Delete => ("delete", String::new()),
                };
                println!("{verb:<9} {}{}", one_line(&e.path), one_line(&why));
            }
            let t = &plan.totals;
            eprintln!(
                "plan for snapshot {} into {}: {} create, {} overwrite, {} metadata only, {} skip, {} refuse, {} delete, {} to write (dry run: nothing changed)",
                id.short(),
                plan.target.display(),
                t.create,
                t.overwrite,
                t.fix_metadata,
                t.skip,
                t.refuse,
                t.delete,
                super::human_bytes(t.bytes)
            );
        }
        return Ok(if plan.totals.refuse > 0 {
            exit::INCOMPLETE
        } else {
            0
        });
    };
    let refused: Vec<_> = plan
        .entries
        .iter()
        .filter_map(|e| match &e.action {
            Action::Refuse(why) => Some(serde_json::json!({"path": e.path, "error": why})),
            _ => None,
        })
        .collect();
    let failed = !report.errors.is_empty() || !refused.is_empty();
    if g.json {
        super::print_json(&serde_json::json!({
            "snapshot_id": id.to_hex(),
            "target": plan.target.display().to_string(),
            "report": report,
            "refused": refused,
            "duration_s": started.elapsed().as_secs_f64(),
        }))?;
    } else {
        for e in &report.errors {
            eprintln!("error: {}: {}", one_line(&e.path), one_line(&e.error));
        }
        for r in &refused {
            eprintln!(
                "refused: {}: {}",
                one_line(r["path"].as_str().unwrap_or("")),
                one_line(r["error"].as_str().unwrap_or(""))
            );
        }
        if !g.quiet {
            eprintln!(
                "restored snapshot {} into {}: {} files ({}) written and verified, {} dirs, {} links/specials, {} metadata fixed, {} unchanged, {} deleted in {:.1}s",
                id.short(),
                plan.target.display(),
                report.files_written,
                super::human_bytes(report.bytes_written),
                report.dirs_created,
                report.others_created + report.hardlinks,
                report.metadata_fixed,
                report.skipped,
                report.deleted,
                started.elapsed().as_secs_f64()
            );
        }
    }
    if failed {
        if !g.json {
            eprintln!(
                "{} entr(ies) could not be restored; everything else was (exit code 3)",
                report.errors.len() + refused.len()
            );
        }
        return Ok(exit::INCOMPLETE);
    }
    Ok(0)
}
