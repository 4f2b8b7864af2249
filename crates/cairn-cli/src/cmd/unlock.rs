//! `cairn unlock`: remove locks left by processes that died (lapsed by the
//! storage's clock, or whose holder no longer runs on this machine); with
//! `--force`, every lock, for a holder known dead on another machine.

use crate::cli::{Global, UnlockArgs};
use crate::location::Location;
use crate::render::{emit, Render, Term};
use crate::wallclock::WallClock;
use anyhow::Result;
use cairn_core::escape::one_line;
use cairn_core::lock::UnlockReport;
use std::io;

pub fn run(g: &Global, a: &UnlockArgs) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let backend = loc.backend(g)?;
    emit(
        g,
        &cairn_app::usecase::unlock::unlock(backend.as_ref(), &WallClock, a.force)?,
    )
}

impl Render for UnlockReport {
    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        for r in &self.removed {
            writeln!(t.out, "removed {} ({})", one_line(&r.lock), r.why)?;
        }
        for r in &self.kept {
            writeln!(t.out, "kept {} (live)", one_line(&r.lock))?;
        }
        for r in &self.notes {
            writeln!(
                t.out,
                "kept {} (not a lock: the next backup indexes those packs and removes it)",
                one_line(&r.lock)
            )?;
        }
        if self.removed.is_empty() && self.kept.is_empty() && self.notes.is_empty() {
            writeln!(t.out, "no locks")?;
        } else if !self.kept.is_empty() && !g.quiet {
            writeln!(t.err, "note: live locks were kept; if a holder is known dead (its machine is gone), `cairn unlock --force` removes them")?;
        }
        Ok(())
    }
}
