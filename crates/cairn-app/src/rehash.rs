//! A restore into a scratch folder, then every restored file hashed again
//! from disk against the manifest: the proof that "verified" also means
//! "restores", shared by verify's smoke test and the gate's integrity drill
//! (which restores a budgeted part and keeps what it read for other checks).

use cairn_core::manifest::ManifestEntry;
use cairn_core::restore::{self, Overwrite, RestoreOptions, RestoreReport};
use cairn_core::tree::NodeType;
use cairn_core::{Repository, SnapshotId};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One restored file, hashed again.
pub struct Rehashed<'m> {
    pub entry: &'m ManifestEntry,
    /// Where it was restored.
    pub path: PathBuf,
    /// Its SHA-256 as read back, or why it could not be read.
    pub sha256: std::io::Result<String>,
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
    let files = manifest
        .iter()
        .filter(|e| e.kind == NodeType::File && (part.chosen)(&e.raw_path))
        .map(|entry| {
            let path = target.join(std::ffi::OsStr::from_bytes(&entry.raw_path));
            let sha256 = sha256_file(&path);
            Rehashed {
                entry,
                path,
                sha256,
            }
        })
        .collect();
    Ok(ScratchRestore {
        report,
        seconds,
        files,
    })
}

/// A file's SHA-256, read in pieces (a restored file may be larger than memory).
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}
