//! The way back after key slots or the config were removed or replaced on
//! storage that keeps versions (docs/WORM.md, "Recovering held key slots").
//!
//! Under `compliance` and `governance` WORM every version of the config and
//! of each key slot is held like the data: someone with the storage's
//! credentials can hide them (a delete marker, a replaced config) but not
//! destroy them before their retention lapses. [`versions`] lists what the
//! storage keeps; [`restore`] makes one version current again. Neither
//! needs the repository to open: that is the point.

use crate::backend::{Backend, ObjectKind, ObjectVersion, WormMode};
use crate::config::RepoConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::keyslot::KeySlot;

/// One kept version, with its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptVersion {
    /// `Config` or `Key`.
    pub kind: ObjectKind,
    /// What the storage says of it.
    pub version: ObjectVersion,
}

/// Every kept version of the config and of each key slot, newest first per object.
pub fn versions(backend: &dyn Backend) -> Result<Vec<KeptVersion>> {
    let mut out = Vec::new();
    for kind in [ObjectKind::Config, ObjectKind::Key] {
        for version in backend.list_versions(kind)? {
            out.push(KeptVersion { kind, version });
        }
    }
    Ok(out)
}

/// What [`restore`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// `config` or `keys/<id>`.
    pub object: String,
    /// False when that version was already the current one.
    pub changed: bool,
    /// Until when the restored copy is held (None: the config asks for no
    /// storage-level WORM, or could not be read).
    pub held_until: Option<time::OffsetDateTime>,
}

/// Makes stored version `version` (of the config or a key slot) current
/// again, after checking that it decodes as what it claims to be, and holds
/// the restored copy as the config's WORM rule asks, from `now`. A key slot
/// is restored only where no slot of that id is current.
pub fn restore(
    backend: &dyn Backend,
    version: &str,
    now: time::OffsetDateTime,
) -> Result<Restored> {
    let kept = versions(backend)?
        .into_iter()
        .find(|k| k.version.version == version)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!(
                    "{} keeps no version {version} of the config or a key slot",
                    backend.location()
                ),
            )
            .hint("list the kept versions first and copy a version id from there")
        })?;
    let v = &kept.version;
    let object = kept.kind.path(&v.name);
    if v.delete_marker {
        return Err(Error::invalid(format!(
            "version {version} of {object} is a delete marker, not content"
        ))
        .hint("choose a version listed with a retain-until date"));
    }
    if v.current {
        return Ok(Restored {
            object,
            changed: false,
            held_until: v.retained_until,
        });
    }
    let bytes = backend.read_version(kept.kind, &v.name, version)?;
    match kept.kind {
        ObjectKind::Config => {
            RepoConfig::decode(&bytes)
                .map_err(|e| e.context(format!("{object} version {version}")))?;
            backend.replace_config(&bytes)?;
        }
        _ => {
            let slot = KeySlot::decode(&bytes)
                .map_err(|e| e.context(format!("{object} version {version}")))?;
            if slot.id != v.name {
                return Err(Error::corrupt(format!(
                    "{object} version {version} claims to be key slot {}",
                    slot.id
                )));
            }
            backend.write_new(ObjectKind::Key, &v.name, &bytes).map_err(|e| {
                if e.kind() == ErrorKind::AlreadyExists {
                    Error::new(
                        ErrorKind::AlreadyExists,
                        format!("key slot {} is present: version {version} was not restored over it", v.name),
                    )
                    .hint("a slot is restored only where it was removed")
                } else {
                    e
                }
            })?;
        }
    }
    // The restored copy is a new version: hold it like the one it copies.
    // The config is read without its key here (there may be no slot yet);
    // the worst a forged rule can do is hold one small object longer.
    let held_until = match crate::config::read_config(backend)
        .ok()
        .and_then(|c| c.worm)
    {
        Some(w) if w.mode != WormMode::Software => {
            let until = now + w.retention();
            backend.hold(kept.kind, &v.name, w.mode, until)?;
            Some(until)
        }
        _ => None,
    };
    Ok(Restored {
        object,
        changed: true,
        held_until,
    })
}
