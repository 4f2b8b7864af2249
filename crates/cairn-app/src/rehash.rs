//! A restore into a scratch folder, then every restored file hashed again
//! from disk against the manifest: the proof that "verified" also means
//! "restores", shared by verify's smoke test and the gate's integrity drill
//! (which restores a budgeted part and keeps what it read for other checks).

use cairn_core::manifest::ManifestEntry;
use cairn_core::place::Place;
use cairn_core::restore::safe_fs::{open_path, SafeDir};
use cairn_core::restore::{self, Overwrite, RestoreOptions, RestoreReport};
use cairn_core::tree::NodeType;
use cairn_core::{Repository, SnapshotId};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// One restored file, hashed again.
pub struct Rehashed<'m> {
    pub entry: &'m ManifestEntry,
    /// Its SHA-256 as read back, or why it could not be read.
    pub sha256: cairn_core::Result<String>,
}

impl Rehashed<'_> {
    /// Whether the bytes on disk are the snapshot's.
    pub fn ok(&self) -> bool {
        self.sha256.as_ref().ok() == self.entry.sha256.as_ref()
    }
}

/// What a scratch restore did and found.
pub struct ScratchRestore<'m> {
    /// The restore's own report (files it refused or failed).
    pub report: RestoreReport,
    /// Seconds the restore took, without the re-hashing.
    pub seconds: f64,
    /// The files `chosen` picked, in manifest order.
    pub files: Vec<Rehashed<'m>>,
    /// Where it restored.
    pub target: PathBuf,
}

impl ScratchRestore<'_> {
    /// Where `entry` was restored (a path longer than the system opens in
    /// one call, for a deep folder, cannot be opened by it: read it by folder).
    pub fn path_of(&self, entry: &ManifestEntry) -> PathBuf {
        self.target
            .join(std::ffi::OsStr::from_bytes(&entry.raw_path()))
    }
}

/// Which part of a snapshot to restore and re-hash.
pub struct Part<'a> {
    /// Include patterns for the restore (empty: everything).
    pub include: Vec<String>,
    /// Which manifest paths those patterns select.
    pub chosen: &'a dyn Fn(&[u8]) -> bool,
}

impl Part<'_> {
    /// The whole snapshot.
    pub fn all() -> Part<'static> {
        Part {
            include: vec![],
            chosen: &|_| true,
        }
    }
}

/// Restores snapshot `id` (tree `tree`, whose manifest is `manifest`) into
/// `target`, only `part` of it, then re-hashes each file of the part.
pub fn restore_and_rehash<'m>(
    repo: &Repository,
    (id, tree): (SnapshotId, &cairn_core::BlobId),
    manifest: &'m [ManifestEntry],
    target: &Path,
    part: Part<'_>,
    workers: usize,
) -> cairn_core::Result<ScratchRestore<'m>> {
    let opts = RestoreOptions {
        target: target.to_path_buf(),
        include: part.include,
        exclude: vec![],
        overwrite: Overwrite::Always,
        delete: false,
        workers,
        special: false,
    };
    let t = Instant::now();
    let report = restore::restore(repo, id, tree, &opts, &Default::default())?.report;
    let seconds = t.elapsed().as_secs_f64();
    let root = Arc::new(SafeDir::open_target(target, false)?);
    let mut folder = None;
    let files = manifest
        .iter()
        .filter(|e| e.kind == NodeType::File && (part.chosen)(&e.raw_path()))
        .map(|entry| Rehashed {
            entry,
            sha256: sha256_in(&root, &mut folder, &entry.place).map(hex::encode),
        })
        .collect();
    Ok(ScratchRestore {
        report,
        seconds,
        files,
        target: target.to_path_buf(),
    })
}

/// The last folder opened, by its place: a manifest lists a folder's files together.
type OpenFolder = Option<(Option<Arc<Place>>, Arc<SafeDir>)>;

/// The SHA-256 of the restored file at `place`, its folder opened name by
/// name below `root` without following symlinks (as restore writes), so a
/// path longer than the system takes in one call is read like any other.
fn sha256_in(
    root: &Arc<SafeDir>,
    open: &mut OpenFolder,
    place: &Place,
) -> cairn_core::Result<[u8; 32]> {
    let dir = place.dir().cloned();
    let folder = match open {
        Some((d, f)) if *d == dir => f.clone(),
        _ => {
            let f = open_path(root, &place.dir_names())?;
            *open = Some((dir, f.clone()));
            f
        }
    };
    folder.sha256(place.name())
}
