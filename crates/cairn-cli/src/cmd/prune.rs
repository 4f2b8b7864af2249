use crate::cli::{Global, PruneArgs};
use crate::context::{self, Access};
use anyhow::Result;
use cairn_core::prune::{self, PackAction, PruneOptions};
use serde_json::json;

pub fn run(g: &Global, a: &PruneArgs) -> Result<u8> {
    let access = if a.dry_run {
        Access::Read
    } else {
        Access::Delete
    };
    let mut repo = context::open(g, access, "prune")?;
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
        }))?;
        return Ok(0);
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
