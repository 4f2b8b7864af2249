//! `cairn unlock`: remove locks left by processes that died (lapsed by the
//! storage's clock, or whose holder no longer runs on this machine); with
//! `--force`, every lock, for a holder known dead on another machine.

use crate::cli::{Global, UnlockArgs};
use crate::context::{Location, WallClock};
use anyhow::Result;
use cairn_core::escape::one_line;

pub fn run(g: &Global, a: &UnlockArgs) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let backend = loc.backend(g)?;
    let report = cairn_app::usecase::unlock::unlock(backend.as_ref(), &WallClock, a.force)?;
    if g.json {
        super::print_json(&report)?;
        return Ok(0);
    }
    for r in &report.removed {
        println!("removed {} ({})", one_line(&r.lock), r.why);
    }
    for r in &report.kept {
        println!("kept {} (live)", one_line(&r.lock));
    }
    if report.removed.is_empty() && report.kept.is_empty() {
        println!("no locks");
    } else if !report.kept.is_empty() && !g.quiet {
        eprintln!("note: live locks were kept; if a holder is known dead (its machine is gone), `cairn unlock --force` removes them");
    }
    Ok(0)
}
