//! `cairn trust`: the pin this client keeps for the repository location
//! (docs/KEYS.md, "Repository identity and pinning"), and `--reset` to
//! accept a repository whose identity changed legitimately.

use crate::cli::Global;
use crate::context::{self, Access, Location, WallClock};
use crate::pinning;
use anyhow::Result;
use cairn_app::usecase::trust;

pub fn run(g: &Global, reset: bool) -> Result<u8> {
    if reset {
        return accept(g);
    }
    let loc = Location::resolve(g)?;
    let shown = trust::status(&pinning::pinning(&loc)?, loc.backend(g)?.as_ref())?;
    if g.json {
        super::print_json(&shown)?;
        return Ok(0);
    }
    let Some(p) = shown.pin.as_ref() else {
        println!(
            "no pin for {}: the next successful unlock records one",
            shown.location
        );
        return Ok(0);
    };
    println!("location       {}", p.location);
    println!("pin file       {}", shown.pin_file);
    println!("repository id  {}", p.repository_id.to_hex());
    println!("key epoch      {} (the highest seen)", p.key_epoch);
    println!("mac commitment {}", p.mac_commitment);
    println!("first seen     {}; updated {}", p.first_seen, p.updated);
    for h in &p.history {
        println!(
            "replaced       {} (key epoch {}) on {}",
            h.repository_id.short(),
            h.key_epoch,
            h.replaced
        );
    }
    if shown.will_refuse {
        println!(
            "the repository stored there now claims id {} at key epoch {}: it will be refused",
            shown
                .stored_repository_id
                .as_deref()
                .map_or("?", |id| &id[..id.len().min(8)]),
            shown.stored_key_epoch.unwrap_or_default()
        );
    }
    Ok(0)
}

/// Unlocks without the pin check, then pins the repository as it is.
fn accept(g: &Global) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let (session, _) = context::open_unpinned(g, Access::Read, "trust --reset")?;
    let accepted = trust::accept(&pinning::pinning(&loc)?, &session.repo, &WallClock)?;
    if g.json {
        super::print_json(&accepted)?;
        return Ok(0);
    }
    eprintln!("{} is {}", accepted.pin.location, accepted.describe());
    Ok(0)
}
