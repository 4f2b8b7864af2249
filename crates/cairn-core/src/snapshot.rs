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

/// The most bytes of paths and messages a list of [`SourceError`]s keeps:
/// 4 MiB, a quarter of what a snapshot may hold ([`MAX_SNAPSHOT_LEN`]).
/// A source where a local user made a million entries unreadable, or
/// folders nested past the depth limit with long names, would otherwise
/// make a backup write a snapshot no reader opens, and hold it all in memory.
pub const MAX_ERROR_BYTES: usize = 4 << 20;

/// Problems as a run meets them: every one counted, the first kept up to
/// [`MAX_ERROR_BYTES`], the rest summed up in one last entry whose path is
/// empty (no source path is).
#[derive(Debug, Default)]
pub struct ErrorList {
    kept: Vec<SourceError>,
    bytes: usize,
    left_out: u64,
}

impl ErrorList {
    /// Records one problem.
    pub fn push(&mut self, e: SourceError) {
        let size = e.path.len() + e.error.len();
        if self.left_out == 0 && self.bytes + size <= MAX_ERROR_BYTES {
            self.bytes += size;
            self.kept.push(e);
        } else {
            self.left_out += 1;
        }
    }

    /// Whether none was met.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.left_out == 0
    }

    /// How many were met, listed or not.
    pub fn met(&self) -> u64 {
        self.kept.len() as u64 + self.left_out
    }

    /// The list to record: those kept, then the summary of the rest.
    pub fn into_vec(self) -> Vec<SourceError> {
        let mut out = self.kept;
        if self.left_out > 0 {
            out.push(SourceError {
                path: String::new(),
                error: format!(
                    "{} more problem(s) not listed: a record keeps the first {} MiB of them",
                    self.left_out,
                    MAX_ERROR_BYTES >> 20
                ),
            });
        }
        out
    }
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

    /// Seals: (id, bytes). A snapshot larger than readers accept is
    /// refused here, so none is ever written that cannot be read back.
    pub fn seal(&self, keys: &Keys, enc: &mut Encoder) -> Result<(SnapshotId, Vec<u8>)> {
        #[allow(clippy::expect_used)] // plain data always serialises
        let plain = serde_json::to_vec(self).expect("snapshot serialises");
        if plain.len() > MAX_SNAPSHOT_LEN {
            return Err(Error::invalid(format!(
                "the snapshot record would be {} bytes, more than the {MAX_SNAPSHOT_LEN} any reader accepts; not written",
                plain.len()
            ))
            .hint("fewer source paths or tags; nothing was recorded"));
        }
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
    use super::*;
    use crate::crypto::MasterSecret;
    use crate::ids::RepoId;

    fn problem(path_len: usize) -> SourceError {
        SourceError {
            path: "p".repeat(path_len),
            error: "unreadable".into(),
        }
    }

    #[test]
    fn a_list_of_problems_keeps_the_first_few_mib_and_counts_the_rest() {
        let mut l = ErrorList::default();
        assert!(l.is_empty() && l.met() == 0);
        let each = 100_000;
        for _ in 0..100 {
            l.push(problem(each));
        }
        assert_eq!(l.met(), 100);
        let v = l.into_vec();
        let kept = MAX_ERROR_BYTES / (each + "unreadable".len());
        assert_eq!(v.len(), kept + 1);
        let last = v.last().unwrap();
        assert_eq!(last.path, "");
        assert!(last
            .error
            .starts_with(&format!("{} more problem(s) not listed", 100 - kept)));
        // Exactly full, then one more; once one is left out, a small one
        // after it is too: the list is the first problems, not a selection.
        let mut l = ErrorList::default();
        l.push(problem(MAX_ERROR_BYTES - "unreadable".len()));
        l.push(problem(1));
        l.push(problem(0));
        let v = l.into_vec();
        assert_eq!(v.len(), 2);
        assert!(v[1].error.starts_with("2 more"), "{:?}", v[1]);
    }

    #[test]
    fn a_snapshot_larger_than_readers_accept_is_not_sealed() {
        let keys = Keys::derive(&MasterSecret::from_bytes([1; 32]), RepoId([2; 32]));
        let mut enc = Encoder::new(3).unwrap();
        let mut meta = SnapshotMeta {
            version: 1,
            time: "2026-12-06T00:00:00Z".into(),
            spec: None,
            host: "h".into(),
            paths: vec!["/src".into()],
            tags: vec![],
            parent: None,
            tree: BlobId([3; 32]),
            incomplete: true,
            errors: vec![problem(1000)],
            stats: SnapshotStats::default(),
            program: "cairn test".into(),
        };
        let (id, sealed) = meta.seal(&keys, &mut enc).unwrap();
        assert_eq!(SnapshotMeta::open(&keys, &id, &sealed).unwrap(), meta);
        meta.errors = vec![problem(MAX_SNAPSHOT_LEN)];
        let e = meta.seal(&keys, &mut enc).unwrap_err();
        assert!(
            e.to_string()
                .contains("more than the 16777216 any reader accepts"),
            "{e}"
        );
    }

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
