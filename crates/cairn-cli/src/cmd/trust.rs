//! `cairn trust`: the pin this client keeps for the repository location
//! (docs/KEYS.md, "Repository identity and pinning"), and `--reset` to
//! accept a repository whose identity changed legitimately.

use crate::cli::Global;
use crate::context::{self, Access, Location};
use crate::pinning;
use anyhow::Result;
use cairn_core::pin::Pin;
use serde::Serialize;

#[derive(Serialize)]
struct Shown<'a> {
    location: String,
    pin_file: String,
    pin: Option<&'a Pin>,
    /// The repository id and epoch its config claims now (not authenticated here).
    stored_repository_id: Option<String>,
    stored_key_epoch: Option<u32>,
}

pub fn run(g: &Global, reset: bool) -> Result<u8> {
    if reset {
        return accept(g);
    }
    let loc = Location::resolve(g)?;
    let key = pinning::location_key(&loc);
    let store = pinning::store()?;
    let pin = store.load(&key)?;
    let stored = cairn_core::repo::read_config(loc.backend(g)?.as_ref()).ok();
    let shown = Shown {
        pin_file: store.file_for(&key).display().to_string(),
        location: key,
        pin: pin.as_ref(),
        stored_repository_id: stored.as_ref().map(|c| c.id.to_hex()),
        stored_key_epoch: stored.as_ref().map(|c| c.key_epoch),
    };
    if g.json {
        super::print_json(&shown)?;
        return Ok(0);
    }
    let Some(p) = pin.as_ref() else {
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
    if let Some(c) = &stored {
        if c.id != p.repository_id || c.key_epoch < p.key_epoch {
            println!(
                "the repository stored there now claims id {} at key epoch {}: it will be refused",
                c.id.short(),
                c.key_epoch
            );
        }
    }
    Ok(0)
}

#[derive(Serialize)]
struct Accepted {
    previous: Option<Pin>,
    pin: Pin,
}

/// Unlocks without the pin check, then pins the repository as it is.
fn accept(g: &Global) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let (session, _) = context::open_unpinned(g, Access::Read, "trust --reset")?;
    let (previous, pin) = pinning::accept(&loc, &session.repo)?;
    let present: std::collections::HashSet<_> = session
        .repo
        .snapshots()?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let dropped = pinning::written(&loc)?.accept(&present)?;
    if dropped > 0 && !g.quiet {
        eprintln!("{dropped} snapshot(s) this client wrote are gone from the repository; accepted");
    }
    if g.json {
        super::print_json(&Accepted { previous, pin })?;
        return Ok(0);
    }
    let now = format!(
        "repository {} at key epoch {}",
        pin.repository_id.short(),
        pin.key_epoch
    );
    match previous {
        Some(p) if p.repository_id == pin.repository_id
            && p.key_epoch == pin.key_epoch
            && p.mac_commitment == pin.mac_commitment =>
        {
            eprintln!("{} is pinned to {now}, as before: nothing changed", pin.location)
        }
        Some(p) => eprintln!(
            "{} is now pinned to {now}; it replaces repository {} at key epoch {}{} (kept in the pin's history)",
            pin.location,
            p.repository_id.short(),
            p.key_epoch,
            if p.repository_id == pin.repository_id { ", whose keys differ" } else { "" }
        ),
        None => eprintln!("{} is now pinned to {now}", pin.location),
    }
    Ok(0)
}
