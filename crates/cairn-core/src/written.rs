//! The snapshots this client wrote, kept outside the repository, so that one
//! deleted by whoever controls the storage is noticed.
//!
//! Deleting a snapshot object needs no key, and a repository without it is
//! perfectly consistent: nothing inside the repository can tell. So each
//! client keeps, beside its pin ([`crate::pin::PinStore`]), one empty file
//! per snapshot it wrote, named by the snapshot id, and removes it when it
//! forgets that snapshot itself. Verify then names every recorded snapshot
//! the repository no longer has. One file per snapshot, created and removed
//! whole, so concurrent backups on one machine never lose each other's
//! records. A snapshot forgotten by another client is reported too, until
//! the operator accepts the repository as it is ([`Written::accept`]).

use crate::error::{Error, Result};
use crate::ids::SnapshotId;
use std::collections::HashSet;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;

/// The record of the snapshots this client wrote to one location.
#[derive(Debug, Clone)]
pub struct Written {
    dir: PathBuf,
}

/// One snapshot this client wrote that the repository no longer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vanished {
    /// The snapshot.
    pub id: SnapshotId,
    /// When this client recorded writing it.
    pub written: Option<time::OffsetDateTime>,
}

impl Written {
    /// The record kept in `dir` (created with mode 0700 on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Written { dir: dir.into() }
    }

    /// Records that this client wrote `id`.
    pub fn record(&self, id: &SnapshotId) -> Result<()> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(|e| Error::io(self.dir.display(), e))?;
        let path = self.dir.join(id.to_hex());
        std::fs::File::create(&path).map_err(|e| Error::io(path.display(), e))?;
        self.sync()
    }

    /// Makes the folder's entries durable: a record lost to a power cut
    /// would let a deletion go unnoticed, and a removal lost to one would
    /// report a snapshot this client forgot as deleted by the storage.
    fn sync(&self) -> Result<()> {
        std::fs::File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io(self.dir.display(), e))
    }

    /// Records that this client forgot `ids` on purpose.
    pub fn forget(&self, ids: &[SnapshotId]) -> Result<()> {
        if !self.dir.is_dir() {
            return Ok(()); // nothing was ever recorded here
        }
        for id in ids {
            let path = self.dir.join(id.to_hex());
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io(path.display(), e))
                }
                _ => {}
            }
        }
        self.sync()
    }

    /// Recorded snapshots not among `present`, oldest record first.
    pub fn vanished(&self, present: &HashSet<SnapshotId>) -> Result<Vec<Vanished>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(Error::io(self.dir.display(), e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(self.dir.display(), e))?;
            let Some(id) = entry
                .file_name()
                .to_str()
                .filter(|n| crate::backend::ObjectKind::Snapshot.is_canonical(n))
                .and_then(|n| SnapshotId::from_hex(n).ok())
            else {
                continue;
            };
            if !present.contains(&id) {
                let written = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .map(time::OffsetDateTime::from);
                out.push(Vanished { id, written });
            }
        }
        out.sort_by_key(|v| (v.written, v.id));
        Ok(out)
    }

    /// Accepts the repository as it is: forgets the records of snapshots
    /// not among `present`. Returns how many were dropped.
    pub fn accept(&self, present: &HashSet<SnapshotId>) -> Result<usize> {
        let gone: Vec<SnapshotId> = self.vanished(present)?.iter().map(|v| v.id).collect();
        self.forget(&gone)?;
        Ok(gone.len())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn written_then_deleted_is_vanished_and_forgotten_or_accepted_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let w = Written::new(dir.path().join("w"));
        let (a, b, c) = (
            SnapshotId([1; 32]),
            SnapshotId([2; 32]),
            SnapshotId([3; 32]),
        );
        assert!(w.vanished(&HashSet::new()).unwrap().is_empty());
        for id in [&a, &b, &c] {
            w.record(id).unwrap();
        }
        std::fs::write(dir.path().join("w/NOT-AN-ID"), b"").unwrap();
        let present: HashSet<_> = [a].into_iter().collect();
        let gone: Vec<_> = w.vanished(&present).unwrap().iter().map(|v| v.id).collect();
        assert_eq!(gone.len(), 2);
        assert!(gone.contains(&b) && gone.contains(&c));
        w.forget(&[b]).unwrap();
        let gone: Vec<_> = w.vanished(&present).unwrap().iter().map(|v| v.id).collect();
        assert_eq!(gone, vec![c]);
        assert_eq!(w.accept(&present).unwrap(), 1);
        assert!(w.vanished(&present).unwrap().is_empty());
    }
}
