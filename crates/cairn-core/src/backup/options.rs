//! What a backup is asked to do, and the counters it reports progress on:
//! the types every stage of the pipeline shares, below the stages themselves.

use crate::progress::WorkProgress;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use time::OffsetDateTime;

/// What to back up and how.
#[derive(Debug, Clone)]
pub struct BackupOptions {
    /// Source paths (made absolute, not resolved through symlinks).
    pub paths: Vec<PathBuf>,
    /// Tags for the snapshot.
    pub tags: Vec<String>,
    /// Host name recorded in the snapshot.
    pub host: String,
    /// Exclude patterns (see [`super::Excluder`]).
    pub excludes: Vec<String>,
    /// Do not descend into other filesystems.
    pub one_file_system: bool,
    /// Dataset name, when run for a spec.
    pub spec: Option<String>,
    /// The snapshot's time.
    pub now: OffsetDateTime,
    /// Worker threads for hashing, compression and encryption.
    pub workers: usize,
    /// Packs uploaded at once (each holds one pack of memory while in flight).
    pub uploads: usize,
    /// Ignore the parent snapshot and read every file.
    pub force: bool,
}

/// Live counters a front end can poll for a progress bar.
#[derive(Debug, Default)]
pub struct Progress {
    /// Files finished (read or reused) and their bytes. The backup never
    /// sets the totals: knowing them means walking the sources twice, which
    /// a front end may choose to do beside the backup for its bar.
    pub work: WorkProgress,
    /// Bytes read so far.
    pub bytes_read: AtomicU64,
}

impl Progress {
    pub(super) fn add(&self, files: u64, bytes: u64) {
        self.work.items.fetch_add(files, Ordering::Relaxed);
        self.work.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}
