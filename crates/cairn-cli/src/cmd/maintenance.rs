use crate::cli::{Global, MaintenanceArgs};
use crate::context::{self, Access};
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_core::maintenance;
use serde::Serialize;
use std::io;

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
        return emit(
            g,
            &Maintained::NoWorm {
                worm: None,
                extended: 0,
            },
        );
    }
    let now = crate::wallclock::now(None)?;
    let plan = maintenance::plan(&repo, now)?;
    if !a.dry_run {
        maintenance::execute(&repo, &plan)?;
    }
    emit(
        g,
        &Maintained::Extended(Extended {
            dry_run: a.dry_run,
            until: plan.until,
            extended: plan.extend.len(),
            objects: plan.extend,
            already_held: plan.held,
            retained_snapshots: plan.retained_snapshots,
            lapsed_records: plan.lapsed_records.len(),
            lapsed_records_removed: if a.dry_run {
                0
            } else {
                plan.lapsed_records.len()
            },
        }),
    )
}

/// What maintenance did to the WORM holds, or that there are none.
#[derive(Serialize)]
#[serde(untagged)]
enum Maintained {
    NoWorm {
        worm: Option<String>,
        extended: usize,
    },
    Extended(Extended),
}

#[derive(Serialize)]
struct Extended {
    dry_run: bool,
    until: String,
    extended: usize,
    objects: Vec<maintenance::Extension>,
    already_held: usize,
    retained_snapshots: usize,
    /// The plan's count, dry run or not; what was actually removed beside it.
    lapsed_records: usize,
    lapsed_records_removed: usize,
}

impl Render for Maintained {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        let Maintained::Extended(e) = self else {
            return writeln!(t.out, "no WORM rules: nothing to extend");
        };
        writeln!(
            t.out,
            "{} {} object(s) to {}; {} already held long enough; {} lapsed record(s) {}",
            if e.dry_run {
                "would extend"
            } else {
                "extended"
            },
            e.extended,
            e.until,
            e.already_held,
            e.lapsed_records,
            if e.dry_run { "to remove" } else { "removed" }
        )
    }
}
