//! Protection markers. Snapshots are immutable, content-named objects, so
//! "protected" cannot be a field of the snapshot: it is a separate object
//! `protect/<snapshot id>`. Adding one needs only append access (a backup
//! host can protect a known-good snapshot); removing one is a delete, so an
//! append-only or WORM-guarded session cannot unprotect. Forget never removes
//! a protected snapshot, whatever the policy says.

use crate::backend::ObjectKind;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::SnapshotId;
use crate::repo::Repository;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The body of a marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protection {
    /// Marker format version (1).
    pub version: u32,
    /// The snapshot.
    pub snapshot: SnapshotId,
    /// When it was protected (RFC 3339).
    pub created: String,
    /// Why (free text).
    #[serde(default)]
    pub note: String,
}

/// Every protected snapshot with its marker. Markers naming no valid id are
/// ignored (they protect nothing); unreadable bodies still protect their id.
pub fn protected(repo: &Repository) -> Result<BTreeMap<SnapshotId, Protection>> {
    let b = repo.backend();
    let mut out = BTreeMap::new();
    for o in b.list(ObjectKind::Protect)? {
        let Ok(id) = SnapshotId::from_hex(&o.name) else {
            continue;
        };
        let p = b
            .read(ObjectKind::Protect, &o.name)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Protection>(&bytes).ok())
            .unwrap_or(Protection {
                version: 1,
                snapshot: id,
                created: String::new(),
                note: "(marker unreadable)".into(),
            });
        out.insert(id, p);
    }
    Ok(out)
}

/// Protects a snapshot (idempotent: an existing marker stays as it is).
pub fn protect(
    repo: &Repository,
    id: SnapshotId,
    now: time::OffsetDateTime,
    note: &str,
) -> Result<bool> {
    let p = Protection {
        version: 1,
        snapshot: id,
        created: crate::clock::rfc3339(now),
        note: note.to_string(),
    };
    #[allow(clippy::expect_used)] // plain data always serialises
    let body = serde_json::to_vec_pretty(&p).expect("marker serialises");
    match repo
        .backend()
        .write_new(ObjectKind::Protect, &id.to_hex(), &body)
    {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes a protection marker.
pub fn unprotect(repo: &Repository, id: SnapshotId) -> Result<()> {
    match repo.backend().delete(ObjectKind::Protect, &id.to_hex()) {
        Err(e) if e.kind() == ErrorKind::NotFound => Err(Error::new(
            ErrorKind::NotFound,
            format!("snapshot {} is not protected", id.short()),
        )),
        r => r,
    }
}
