//! Snapshot objects (`SnapshotMeta`): sealed JSON named by the keyed id of
//! their plaintext, so the same tree, key, spec and time give the same id.

use crate::codec::{self, Encoder};
use crate::crypto::{Epoch, Keys, SealKind};
use crate::error::{Error, Result};
use crate::ids::{BlobId, SnapshotId};
use serde::{Deserialize, Serialize};

/// Snapshots larger than this are refused when reading.
pub const MAX_SNAPSHOT_LEN: usize = 16 * 1024 * 1024;

/// Counts recorded with a snapshot. Only repository-derived numbers: no
/// durations, so the object stays reproducible.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SnapshotStats {
    /// Regular files in the snapshot.
    pub files: u64,
    /// Directories in the snapshot.
    pub dirs: u64,
    /// Other entries (symlinks, fifos, devices).
    pub others: u64,
    /// Sum of file sizes.
    pub bytes: u64,
    /// Files not in the parent.
    pub files_new: u64,
    /// Files in the parent but changed.
    pub files_changed: u64,
    /// Files reused from the parent without reading.
    pub files_unchanged: u64,
    /// Bytes read from the source.
    pub bytes_read: u64,
    /// Plaintext bytes of blobs that were new to the repository.
    pub bytes_added: u64,
    /// Sealed bytes of those blobs (after compression and encryption).
    pub bytes_stored: u64,
}

/// One problem met during a backup (the snapshot is then incomplete).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SourceError {
    /// The source path.
    pub path: String,
    /// What went wrong.
    pub error: String,
}

/// One snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotMeta {
    /// Snapshot format version (1).
    pub version: u32,
    /// When it was taken (RFC 3339, UTC).
    pub time: String,
    /// The spec (dataset) name, if taken for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// Host name.
    pub host: String,
    /// Absolute source paths.
    pub paths: Vec<String>,
    /// Tags, sorted.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The parent snapshot used for change detection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<SnapshotId>,
    /// Root tree. With one path, the tree of that directory (or a tree holding
    /// the single file); with several, one entry per path named by its last component.
    pub tree: BlobId,
    /// True when some source entries could not be read (see `errors`).
    pub incomplete: bool,
    /// What could not be read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<SourceError>,
    /// Counts.
    pub stats: SnapshotStats,
    /// The program that wrote it.
    pub program: String,
}

/// One snapshot as the repository lists it: its id, what it records, and
/// the key epoch that sealed it.
#[derive(Debug, Clone)]
pub struct SnapshotEntry {
    /// The snapshot object's name.
    pub id: SnapshotId,
    /// What it records.
    pub meta: SnapshotMeta,
    /// The key epoch that sealed it.
    pub epoch: Epoch,
}

/// [`SnapshotMeta::belongs_to`] over the two fields it reads, for listings
/// that keep only those.
pub fn belongs_to(
    snap_spec: Option<&str>,
    snap_paths: &[String],
    name: &str,
    paths: &[String],
) -> bool {
    match snap_spec {
        Some(n) => n == name,
        None => {
            let mut want = paths.to_vec();
            want.sort();
            let mut have = snap_paths.to_vec();
            have.sort();
            have == want
        }
    }
}

impl SnapshotMeta {
    /// Whether this snapshot belongs to the spec called `name` with source
    /// `paths`: the one spec-membership rule (docs/ARCHITECTURE.md). It
    /// does when it records that spec's name, or records no spec (a
    /// `cairn backup` by hand) and has exactly the spec's paths, in any
    /// order. A snapshot recording another spec's name never belongs, even
    /// with the same paths: that spec may exclude differently.
    pub fn belongs_to(&self, name: &str, paths: &[String]) -> bool {
        belongs_to(self.spec.as_deref(), &self.paths, name, paths)
    }

    /// The snapshot time as a value (the string form does not sort chronologically
    /// within a second: RFC 3339 drops trailing zeros of fractions).
    pub fn parsed_time(&self) -> Result<time::OffsetDateTime> {
        crate::clock::parse_rfc3339(&self.time)
            .map_err(|_| Error::corrupt(format!("snapshot time {:?} is not RFC 3339", self.time)))
    }

    /// Seals: (id, bytes).
    pub fn seal(&self, keys: &Keys, enc: &mut Encoder) -> Result<(SnapshotId, Vec<u8>)> {
        #[allow(clippy::expect_used)] // plain data always serialises
        let plain = serde_json::to_vec(self).expect("snapshot serialises");
        let id = keys.id(SealKind::Snapshot, &plain);
        let mut out = Vec::new();
        enc.encode_into(&plain, &mut out)?;
        keys.seal_in_place(SealKind::Snapshot, &id, &mut out)?;
        Ok((SnapshotId(id), out))
    }

    /// Opens the snapshot object `id`.
    pub fn open(keys: &Keys, id: &SnapshotId, sealed: &[u8]) -> Result<Self> {
        Self::open_epoch(keys, id, sealed).map(|(m, _)| m)
    }

    /// Opens the snapshot object `id`, also saying which key epoch sealed it.
    pub fn open_epoch(keys: &Keys, id: &SnapshotId, sealed: &[u8]) -> Result<(Self, Epoch)> {
        if sealed.len() > MAX_SNAPSHOT_LEN + 64 {
            return Err(Error::corrupt(format!(
                "snapshot {id} is larger than any valid snapshot"
            )));
        }
        let (frame, epoch) = keys.open(SealKind::Snapshot, &id.0, sealed)?;
        let plain = codec::decode_bounded(&frame, MAX_SNAPSHOT_LEN)?;
        if keys.id_in(epoch, SealKind::Snapshot, &plain) != id.0 {
            return Err(Error::corrupt(format!(
                "snapshot {id} does not hash to its name"
            )));
        }
        // Check the version before the strict parse, so a newer snapshot with
        // new fields says "upgrade" rather than "malformed".
        let v: serde_json::Value = serde_json::from_slice(&plain)
            .map_err(|e| Error::corrupt(format!("snapshot {id} is malformed: {e}")))?;
        let version = v.get("version").and_then(|x| x.as_u64()).unwrap_or(0);
        if version != 1 {
            return Err(Error::new(
                crate::ErrorKind::Unsupported,
                format!("snapshot {id} has version {version}, which this cairn does not read"),
            )
            .hint("upgrade cairn"));
        }
        // From the bytes, not the value, so duplicate fields are refused.
        let meta: SnapshotMeta = serde_json::from_slice(&plain)
            .map_err(|e| Error::corrupt(format!("snapshot {id} is malformed: {e}")))?;
        meta.parsed_time()?;
        Ok((meta, epoch))
    }
}

#[cfg(test)]
mod tests {
    use super::belongs_to;

    #[test]
    fn a_snapshot_belongs_to_its_spec_or_by_hand_to_the_same_paths() {
        let home = ["/home".to_string(), "/etc".to_string()];
        // Recorded for the spec: its name decides, whatever the paths.
        assert!(belongs_to(
            Some("home"),
            &["/elsewhere".into()],
            "home",
            &home
        ));
        // Another spec with the very same paths may exclude differently.
        assert!(!belongs_to(Some("other"), &home, "home", &home));
        // By hand: exactly the spec's paths, in any order.
        let by_hand = ["/etc".to_string(), "/home".to_string()];
        assert!(belongs_to(None, &by_hand, "home", &home));
        assert!(!belongs_to(None, &["/home".into()], "home", &home));
    }
}
