use crate::cli::{Global, MaintenanceArgs};
use crate::context::{self, Access};
use anyhow::Result;
use cairn_core::maintenance;

pub fn run(g: &Global, a: &MaintenanceArgs) -> Result<u8> {
    let access = if a.dry_run {
        Access::Read
    } else {
        Access::Delete
    };
    // Taking the exclusive lock also removes stale locks.
    let repo = context::open(g, access, "maintenance")?;
    if !a.dry_run {
        let swept =
            cairn_core::leftovers::sweep(repo.backend().as_ref(), &crate::wallclock::WallClock)?;
        if swept.count > 0 && !g.quiet {
            eprintln!(
                "removed {} partial object(s) left by killed runs ({})",
                swept.count,
                crate::render::human_bytes(swept.bytes)
            );
        }
    }
    if repo.worm().is_none() {
        if g.json {
            crate::render::print_json(&serde_json::json!({"worm": null, "extended": 0}))?;
        } else {
            println!("no WORM rules: nothing to extend");
        }
        return Ok(0);
    }
    let now = crate::wallclock::now(None)?;
    let plan = maintenance::plan(&repo, now)?;
    if !a.dry_run {
        maintenance::execute(&repo, &plan)?;
    }
    if g.json {
        crate::render::print_json(&serde_json::json!({
            "dry_run": a.dry_run,
            "until": plan.until,
            "extended": plan.extend.len(),
            "objects": plan.extend,
            "already_held": plan.held,
            "retained_snapshots": plan.retained_snapshots,
            // The plan's count, dry run or not; what was actually removed beside it.
            "lapsed_records": plan.lapsed_records.len(),
            "lapsed_records_removed": if a.dry_run { 0 } else { plan.lapsed_records.len() },
        }))?;
    } else {
        println!(
            "{} {} object(s) to {}; {} already held long enough; {} lapsed record(s) {}",
            if a.dry_run {
                "would extend"
            } else {
                "extended"
            },
            plan.extend.len(),
            plan.until,
            plan.held,
            plan.lapsed_records.len(),
            if a.dry_run { "to remove" } else { "removed" }
        );
    }
    Ok(0)
}
