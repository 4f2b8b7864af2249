//! `cairn trust`: the pin this client keeps for the repository location
//! (docs/KEYS.md, "Repository identity and pinning"), and `--reset` to
//! accept a repository whose identity changed legitimately.

use crate::cli::Global;
use crate::context::{self, Access};
use crate::location::Location;
use crate::pinning;
use crate::render::{emit, Render, Term};
use crate::wallclock::WallClock;
use anyhow::Result;
use cairn_app::usecase::trust::{self, Accepted, TrustStatus};
use std::io;

pub fn run(g: &Global, reset: bool) -> Result<u8> {
    if reset {
        return accept(g);
    }
    let loc = Location::resolve(g)?;
    emit(
        g,
        &trust::status(&pinning::pinning(&loc)?, loc.backend(g)?.as_ref())?,
    )
}

impl Render for TrustStatus {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        let Some(p) = self.pin.as_ref() else {
            return writeln!(
                t.out,
                "no pin for {}: the next successful unlock records one",
                self.location
            );
        };
        writeln!(t.out, "location       {}", p.location)?;
        writeln!(t.out, "pin file       {}", self.pin_file)?;
        writeln!(t.out, "repository id  {}", p.repository_id.to_hex())?;
        writeln!(t.out, "key epoch      {} (the highest seen)", p.key_epoch)?;
        writeln!(t.out, "mac commitment {}", p.mac_commitment)?;
        writeln!(
            t.out,
            "first seen     {}; updated {}",
            p.first_seen, p.updated
        )?;
        for h in &p.history {
            writeln!(
                t.out,
                "replaced       {} (key epoch {}) on {}",
                h.repository_id.short(),
                h.key_epoch,
                h.replaced
            )?;
        }
        if self.will_refuse {
            writeln!(
                t.out,
                "the repository stored there now claims id {} at key epoch {}: it will be refused",
                self.stored_repository_id
                    .as_deref()
                    .map_or("?", |id| &id[..id.len().min(8)]),
                self.stored_key_epoch.unwrap_or_default()
            )?;
        }
        Ok(())
    }
}

/// Unlocks without the pin check, then pins the repository as it is.
fn accept(g: &Global) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let (session, _) = context::open_unpinned(g, Access::Read, "trust --reset")?;
    emit(
        g,
        &trust::accept(&pinning::pinning(&loc)?, &session.repo, &WallClock)?,
    )
}

impl Render for Accepted {
    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        writeln!(t.err, "{} is {}", self.pin.location, self.describe())
    }
}
