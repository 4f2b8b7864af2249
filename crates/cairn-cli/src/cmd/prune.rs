use crate::cli::{Global, PruneArgs};
use crate::context::{self, Access};
use anyhow::Result;
use cairn_core::prune::{self, PackAction, PruneOptions};
use cairn_core::Repository;
use cairn_core::{epochs, leftovers};
use serde_json::json;

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
        now: context::now(None)?,
    };
    let plan = prune::plan(&repo, &opts)?;
    let t = plan.totals();
    let outcome = if a.dry_run || plan.is_noop() {
        None
    } else {
        Some(prune::execute(&mut repo, &plan)?)
    };
    let leftovers = if a.dry_run {
        leftovers::survey(repo.backend().as_ref())?
    } else {
        leftovers::sweep(repo.backend().as_ref(), &context::WallClock)?
    };
    if g.json {
        let packs: Vec<_> = plan
            .packs
            .iter()
            .filter(|p| p.action != PackAction::Keep)
            .collect();
        super::print_json(&json!({
            "dry_run": a.dry_run,
            "snapshots": plan.snapshots,
            "used_blobs": plan.used_blobs,
            "totals": t,
            "packs": packs,
            "unreadable_packs": plan.unreadable,
            "outcome": outcome,
            "partial_objects_removed": if a.dry_run { None } else { Some(leftovers) },
            "partial_objects": if a.dry_run { Some(leftovers) } else { None },
        }))?;
        return Ok(0);
    }
    if leftovers.count > 0 && !g.quiet {
        eprintln!(
            "{} {} partial object(s) left by killed runs ({})",
            if a.dry_run { "found" } else { "removed" },
            leftovers.count,
            super::human_bytes(leftovers.bytes)
        );
    }
    if !g.quiet {
        eprintln!(
            "{} snapshot(s) use {} blob(s); packs: {} kept, {} to delete, {} to repack, {} retained by WORM",
            plan.snapshots, plan.used_blobs, t.keep_packs, t.delete_packs, t.repack_packs, t.retained_packs
        );
        for p in plan
            .packs
            .iter()
            .filter(|p| p.action == PackAction::Retained)
        {
            eprintln!(
                "retained: pack {} until {} (removed by a later prune)",
                p.pack.short(),
                p.retained_until.as_deref().unwrap_or("?")
            );
        }
        for (name, why) in &plan.unreadable {
            eprintln!("warning: unindexed pack {name} is unreadable and was left alone: {why}");
        }
        eprintln!(
            "{} {} ({} repacked); {} unused left in kept packs",
            if a.dry_run { "would free" } else { "frees" },
            super::human_bytes(t.bytes_freed),
            super::human_bytes(t.bytes_repacked),
            super::human_bytes(t.bytes_unused_left)
        );
    }
    match outcome {
        Some(o) => println!(
            "pruned: {} pack(s) removed ({}), {} written",
            o.packs_deleted,
            super::human_bytes(o.bytes_deleted),
            o.packs_written
        ),
        None if a.dry_run => println!("dry run: nothing changed"),
        None => println!("nothing to prune"),
    }
    Ok(0)
}

/// `prune --rewrite-old-epochs`: copy old-epoch snapshots under the current
/// key epoch, prune everything old, drop the retired secrets.
fn rewrite_old_epochs(g: &Global, a: &PruneArgs, repo: &mut Repository) -> Result<u8> {
    let now = context::now(None)?;
    let plan = epochs::plan(repo, now)?;
    if !g.quiet && !g.json {
        eprintln!(
            "key epoch {}; retired epochs {:?}: {} snapshot(s) to re-encrypt, {} retained by WORM, {} index file(s) to re-seal",
            plan.current,
            plan.retired,
            plan.old_snapshots.len(),
            plan.retained.len(),
            plan.old_index_files.len()
        );
    }
    if a.dry_run {
        if g.json {
            super::print_json(&json!({ "dry_run": true, "plan": plan }))?;
        } else {
            println!("dry run: nothing changed");
        }
        return Ok(0);
    }
    let out = epochs::rewrite(repo, &plan, now, &cairn_core::clock::rfc3339(now))?;
    if g.json {
        super::print_json(&json!({ "dry_run": false, "plan": plan, "outcome": out }))?;
        return Ok(0);
    }
    for (old, new) in &out.snapshots {
        eprintln!("re-encrypted snapshot {} as {}", old.short(), new.short());
    }
    for why in &out.kept_because {
        eprintln!("retired secrets kept: {why}");
    }
    println!(
        "rewrote {} snapshot(s) ({} blob(s)); pruned {} pack(s); re-sealed {} index file(s); dropped retired epochs {:?}",
        out.snapshots.len(),
        out.blobs_written,
        out.prune.as_ref().map(|p| p.packs_deleted).unwrap_or(0),
        out.index_files_resealed,
        out.dropped_epochs
    );
    Ok(0)
}
