//! The repository identity a client pins for a location (docs/KEYS.md,
//! "Repository identity and pinning"): what is pinned, what the storage
//! claims now, and accepting a changed identity on purpose.

use crate::error::Result;
use crate::session::Pinning;
use cairn_core::clock::Clock;
use cairn_core::pin::Pin;
use cairn_core::{Backend, Repository};
use serde::Serialize;
use std::collections::HashSet;

/// The pin for a location beside what its storage claims now.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TrustStatus {
    pub location: String,
    pub pin_file: String,
    pub pin: Option<Pin>,
    /// The repository id its config claims now (not authenticated: no keys
    /// are needed to show it). None when no config can be read.
    pub stored_repository_id: Option<String>,
    pub stored_key_epoch: Option<u32>,
    /// Whether the next open will be refused: the stored id differs from
    /// the pinned one, or its key epoch went back.
    pub will_refuse: bool,
}

/// What is pinned for `p.location`, and what `backend` holds there now.
pub fn status(p: &Pinning, backend: &dyn Backend) -> Result<TrustStatus> {
    let pin = p.store.load(&p.location)?;
    let stored = cairn_core::config::read_config(backend).ok();
    let will_refuse = match (&pin, &stored) {
        (Some(p), Some(c)) => c.id != p.repository_id || c.key_epoch < p.key_epoch,
        _ => false,
    };
    Ok(TrustStatus {
        location: p.location.clone(),
        pin_file: p.store.file_for(&p.location).display().to_string(),
        stored_repository_id: stored.as_ref().map(|c| c.id.to_hex()),
        stored_key_epoch: stored.as_ref().map(|c| c.key_epoch),
        pin,
        will_refuse,
    })
}

/// What accepting an identity did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Accepted {
    /// The pin replaced (kept in the new pin's history), if there was one.
    pub previous: Option<Pin>,
    /// The pin now recorded.
    pub pin: Pin,
    /// Snapshots this client wrote that are gone from the repository,
    /// dropped from the record so that verify stops naming them.
    pub snapshots_gone: usize,
}

impl Accepted {
    /// Whether anything changed (false when the repository was already the pinned one).
    pub fn changed(&self) -> bool {
        self.previous.as_ref().is_none_or(|p| {
            p.repository_id != self.pin.repository_id
                || p.key_epoch != self.pin.key_epoch
                || p.mac_commitment != self.pin.mac_commitment
        })
    }

    /// One line for people and for an audit record.
    pub fn describe(&self) -> String {
        let now = format!(
            "repository {} at key epoch {}",
            self.pin.repository_id.short(),
            self.pin.key_epoch
        );
        let gone = match self.snapshots_gone {
            0 => String::new(),
            n => format!("; {n} snapshot(s) written here earlier are gone from it"),
        };
        match &self.previous {
            Some(_) if !self.changed() => format!("pinned to {now}, as before{gone}"),
            Some(p) => format!(
                "now pinned to {now}; it replaces repository {} at key epoch {}{}{gone}",
                p.repository_id.short(),
                p.key_epoch,
                if p.repository_id == self.pin.repository_id {
                    ", whose keys differ"
                } else {
                    ""
                }
            ),
            None => format!("now pinned to {now}{gone}"),
        }
    }
}

/// Pins `repo`, opened without a pin comparison, as the repository at
/// `p.location`, whatever was pinned before (the old pin goes into the
/// history), and forgets snapshots of the written record it no longer holds.
pub fn accept(p: &Pinning, repo: &Repository, clock: &dyn Clock) -> Result<Accepted> {
    let (previous, pin) = p.store.accept(&p.location, repo.keys(), clock.now())?;
    let present: HashSet<_> = repo.snapshots()?.into_iter().map(|(id, _)| id).collect();
    let snapshots_gone = p.store.written(&p.location).accept(&present)?;
    Ok(Accepted {
        previous,
        pin,
        snapshots_gone,
    })
}
