//! Trust on first use, then pinning: which repository a client talks to.
//!
//! Whoever controls the storage can put another repository in the place of
//! the one a client used (a new repository with a slot for a public age
//! recipient the victim's identity opens, or an older config and older slots
//! from before `keys rotate-master`). Unlocking alone cannot tell: the
//! substitute opens and authenticates itself. So the first successful open
//! records a [`Pin`] in a state directory the caller chooses (outside the
//! storage): the repository id, a one-way commitment to the config-MAC key
//! and the highest key epoch seen. Every later open compares. A newer epoch
//! is accepted only when the repository still holds the pinned epoch's key
//! (a rotation keeps it as a retired key until the old data is rewritten),
//! so a substitute cannot claim to be a rotation of the original.
//!
//! A legitimate change (the repository re-created, or knowingly restored
//! from an old copy) is accepted explicitly with [`PinStore::accept`], which
//! keeps the replaced pin in the file's history.

use crate::crypto::{Epoch, Keys};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::RepoId;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// The largest pin file read (they are a few hundred bytes).
const MAX_PIN_FILE: u64 = 256 * 1024;
/// Replaced pins kept in a pin file's history.
const MAX_HISTORY: usize = 32;

/// What a client knows about the repository at one location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// Pin file format version (1).
    pub version: u32,
    /// The repository location, as the client names it.
    pub location: String,
    /// The repository id.
    pub repository_id: RepoId,
    /// The highest key epoch seen.
    pub key_epoch: u32,
    /// BLAKE3 derive-key commitment to that epoch's config-MAC key, hex.
    pub mac_commitment: String,
    /// When this identity was first seen (RFC 3339).
    pub first_seen: String,
    /// When the pin last changed.
    pub updated: String,
    /// Identities accepted before this one, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Replaced>,
}

/// An identity replaced by an explicit acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Replaced {
    /// Its repository id.
    pub repository_id: RepoId,
    /// Its highest key epoch.
    pub key_epoch: u32,
    /// Its commitment.
    pub mac_commitment: String,
    /// When it was replaced.
    pub replaced: String,
}

/// The outcome of comparing an unlocked repository with its pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinCheck {
    /// No pin yet: this one was recorded.
    First,
    /// The pinned repository, at the pinned epoch.
    Same,
    /// The pinned repository, rotated to a newer epoch (the pin followed).
    Advanced {
        /// The epoch pinned before.
        from: u32,
        /// The epoch pinned now.
        to: u32,
    },
}

/// Removes trailing slashes, so `/r` and `/r/` are one location.
pub fn normalise_location(location: &str) -> String {
    let t = location.trim();
    let s = t.trim_end_matches('/');
    if s.is_empty() && t.starts_with('/') {
        "/".into()
    } else {
        s.into()
    }
}

impl Pin {
    /// What the repository these keys opened shows now.
    pub fn observe(location: &str, keys: &Keys, now: OffsetDateTime) -> Result<Pin> {
        let epoch = keys.current_epoch();
        Ok(Pin {
            version: 1,
            location: normalise_location(location),
            repository_id: keys.repo_id(),
            key_epoch: epoch.0,
            mac_commitment: commitment(keys, epoch)?,
            first_seen: crate::clock::rfc3339(now),
            updated: crate::clock::rfc3339(now),
            history: Vec::new(),
        })
    }

    /// Compares unlocked `keys` with this pin. `Err(why)` when they are not
    /// the pinned repository, or not a rotation of it that can be proven.
    pub fn compare(&self, keys: &Keys) -> std::result::Result<PinCheck, String> {
        if keys.repo_id() != self.repository_id {
            return Err(format!(
                "its repository id is {}, it was {}",
                keys.repo_id().short(),
                self.repository_id.short()
            ));
        }
        let now = keys.current_epoch().0;
        if now < self.key_epoch {
            return Err(format!(
                "its key epoch went back from {} to {}: an older config and key slots were put back",
                self.key_epoch, now
            ));
        }
        let Some(c) = keys.mac_key_commitment(Epoch(self.key_epoch)) else {
            return Err(format!(
                "its key epoch moved from {} to {}, and it no longer holds the key of epoch {}, so it cannot prove it is the same repository",
                self.key_epoch, now, self.key_epoch
            ));
        };
        if hex::encode(c) != self.mac_commitment {
            return Err(format!(
                "its config is authenticated by another key than before (key epoch {})",
                self.key_epoch
            ));
        }
        Ok(if now == self.key_epoch {
            PinCheck::Same
        } else {
            PinCheck::Advanced {
                from: self.key_epoch,
                to: now,
            }
        })
    }
}

fn commitment(keys: &Keys, epoch: Epoch) -> Result<String> {
    keys.mac_key_commitment(epoch)
        .map(hex::encode)
        .ok_or_else(|| Error::invalid(format!("the keys hold no epoch {}", epoch.0)))
}

/// How every [`mismatch`] message begins, for front ends that add their own hint.
pub const MISMATCH: &str = "this is not the repository you used before";

/// The error for a repository that is not the pinned one.
pub fn mismatch(location: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::Corrupt,
        format!("{MISMATCH} at {location} ({why})"),
    )
    .hint("nothing was written; if the change is legitimate (the repository was re-created, or restored from an older copy on purpose), accept its identity explicitly")
}

/// Pin files, one per location, in a directory outside the repository.
#[derive(Debug, Clone)]
pub struct PinStore {
    dir: PathBuf,
}

impl PinStore {
    /// Pins kept in `dir` (created with mode 0700 on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        PinStore { dir: dir.into() }
    }

    /// The pin file for `location`: a hash of the normalised location.
    pub fn file_for(&self, location: &str) -> PathBuf {
        let h = blake3::hash(normalise_location(location).as_bytes());
        self.dir.join(format!("{}.json", &h.to_hex()[..32]))
    }

    /// The record of snapshots this client wrote to `location`, beside its pin.
    pub fn written(&self, location: &str) -> crate::written::Written {
        crate::written::Written::new(self.file_for(location).with_extension("written"))
    }

    /// The pin for `location`, if there is one.
    pub fn load(&self, location: &str) -> Result<Option<Pin>> {
        let path = self.file_for(location);
        let bytes = match read_bounded(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let pin: Pin = serde_json::from_slice(&bytes).map_err(|e| {
            Error::corrupt(format!("the pin file {} is damaged: {e}", path.display()))
        })?;
        if pin.version != 1 || pin.location != normalise_location(location) {
            return Err(Error::corrupt(format!(
                "the pin file {} is not a version 1 pin for {location}",
                path.display()
            )));
        }
        Ok(Some(pin))
    }

    /// Writes `pin` atomically (temporary file, fsync, rename), mode 0600.
    pub fn save(&self, pin: &Pin) -> Result<()> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(|e| Error::io(self.dir.display(), e))?;
        let path = self.file_for(&pin.location);
        // Unique per call, not per process: the server opens a repository
        // from several threads at once (a job and the snapshot listing), and
        // two saves sharing one temporary file lose one rename (ENOENT).
        let nonce = hex::encode(crate::crypto::random_array::<8>()?);
        let tmp = path.with_extension(format!("tmp{}-{nonce}", std::process::id()));
        let bytes = serde_json::to_vec_pretty(pin)
            .map_err(|e| Error::invalid(format!("pin does not serialise: {e}")))?;
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            std::fs::File::open(&self.dir)?.sync_all()
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(path.display(), e)
        })
    }

    /// Compares the repository `keys` opened at `location` with its pin:
    /// records it on first use, follows a proven rotation, and refuses
    /// anything else with [`mismatch`]. Writes nothing when they match.
    pub fn check(&self, location: &str, keys: &Keys, now: OffsetDateTime) -> Result<PinCheck> {
        let Some(mut pin) = self.load(location)? else {
            self.save(&Pin::observe(location, keys, now)?)?;
            return Ok(PinCheck::First);
        };
        let verdict = pin.compare(keys).map_err(|why| mismatch(location, &why))?;
        if let PinCheck::Advanced { to, .. } = verdict {
            pin.key_epoch = to;
            pin.mac_commitment = commitment(keys, Epoch(to))?;
            pin.updated = crate::clock::rfc3339(now);
            self.save(&pin)?;
        }
        Ok(verdict)
    }

    /// Accepts the repository `keys` opened as the one at `location`,
    /// whatever was pinned; the replaced pin goes into the history.
    /// Returns the previous pin and the new one.
    pub fn accept(
        &self,
        location: &str,
        keys: &Keys,
        now: OffsetDateTime,
    ) -> Result<(Option<Pin>, Pin)> {
        let old = self.load(location).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "replacing a damaged pin file");
            None
        });
        let mut pin = Pin::observe(location, keys, now)?;
        if let Some(o) = &old {
            pin.history = o.history.clone();
            pin.history.push(Replaced {
                repository_id: o.repository_id,
                key_epoch: o.key_epoch,
                mac_commitment: o.mac_commitment.clone(),
                replaced: crate::clock::rfc3339(now),
            });
            let excess = pin.history.len().saturating_sub(MAX_HISTORY);
            pin.history.drain(..excess);
        }
        self.save(&pin)?;
        Ok((old, pin))
    }
}

fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
    let mut out = Vec::new();
    f.take(MAX_PIN_FILE + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::io(path.display(), e))?;
    if out.len() as u64 > MAX_PIN_FILE {
        return Err(Error::corrupt(format!(
            "the pin file {} is larger than a pin can be",
            path.display()
        )));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "pin_tests.rs"]
mod tests;
