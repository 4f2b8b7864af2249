//! Copying snapshots into another repository: the second copy of 3-2-1.
//!
//! The destination has its own keys, so its blob ids (keyed hashes) differ
//! from the source's for the same plaintext. Copying is therefore a
//! re-encoding, not a transfer: each data blob is read and authenticated
//! in the source, its destination id computed, and it is sealed and stored
//! only when the destination's index lacks that id; trees are rewritten with
//! the new ids (same nodes, sizes, modes, times and SHA-256s), so the copy
//! holds the same files, byte for byte, and `diff` finds nothing.
//!
//! Order of writes is the backup's: packs, then their index, then the
//! snapshot object, so a copy interrupted anywhere leaves no snapshot
//! without its data, and a rerun reuses what landed. A snapshot already
//! in the destination (the same metadata apart from the tree and parent
//! ids, which are the destination's) is skipped: a second run copies
//! nothing.
//!
//! The work is a pipeline (see [`pipeline`]): the calling thread walks the
//! source's trees, worker threads read, re-key, compress and seal the data
//! blobs, one collector rebuilds the trees in walk order and fills the
//! packs, and writer threads store them. Blobs reach the packs in walk
//! order whatever the number of threads, so the destination's objects do
//! not depend on it.

mod pipeline;

use crate::error::Result;
use crate::ids::{BlobId, SnapshotId};
use crate::progress::WorkProgress;
use crate::repo::Repository;
use crate::snapshot::SnapshotMeta;
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;

/// What a copy did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CopyReport {
    /// Snapshots copied: (source id, destination id).
    pub copied: Vec<(SnapshotId, SnapshotId)>,
    /// Source snapshots the destination already held.
    pub present: Vec<SnapshotId>,
    /// Blobs (data and trees) stored in the destination.
    pub blobs_stored: u64,
    /// Their plaintext bytes.
    pub bytes_stored: u64,
    /// Blobs the destination already had.
    pub blobs_present: u64,
}

/// Whether two snapshots record the same thing, apart from the ids that
/// depend on the repository's keys.
fn same_snapshot(a: &SnapshotMeta, b: &SnapshotMeta) -> bool {
    let strip = |m: &SnapshotMeta| SnapshotMeta {
        tree: BlobId([0; 32]),
        parent: None,
        ..m.clone()
    };
    strip(a) == strip(b)
}

/// How a copy runs. The destination's objects are the same whatever
/// these are; they trade memory for time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyOptions {
    /// Threads that read, re-key, compress and seal data blobs (each holds
    /// a compression context and a blob or two in memory).
    pub workers: usize,
    /// Writer threads, each holding one pack of memory while it stores it
    /// (several hide a network round trip or an fsync). 0: none, the
    /// thread that fills the packs stores each itself.
    pub uploads: usize,
}

impl Default for CopyOptions {
    /// One worker per core, and no writer thread: the thread that fills
    /// the packs stores each itself and fills the next in the same buffer.
    /// A pack handed to a writer costs two packs of memory (the one
    /// written and the spare it hands back; to S3 more), which put a copy
    /// above restic's memory, and a copy is far under restic's time
    /// without one (docs/COPY.md, docs/BENCHMARKS.md).
    fn default() -> Self {
        CopyOptions {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            uploads: 0,
        }
    }
}

/// Copies `snaps` (oldest first) from `src` into `dst`.
pub fn copy(
    src: &Repository,
    dst: &mut Repository,
    snaps: &[(SnapshotId, SnapshotMeta)],
) -> Result<CopyReport> {
    copy_watched(
        src,
        dst,
        snaps,
        &CopyOptions::default(),
        &WorkProgress::default(),
    )
}

/// [`copy`] with `opts`, counting into `progress` the snapshots done and
/// the bytes of the files gone through. The totals are the snapshots' own
/// file bytes; a subtree already copied in this run is not gone through
/// again, so at the end of each snapshot the byte count is set to the
/// bytes of the snapshots finished, and the last one ends exactly at the
/// total.
pub fn copy_watched(
    src: &Repository,
    dst: &mut Repository,
    snaps: &[(SnapshotId, SnapshotMeta)],
    opts: &CopyOptions,
    progress: &WorkProgress,
) -> Result<CopyReport> {
    let bytes: u64 = snaps.iter().map(|(_, m)| m.stats.bytes).sum();
    progress.begin(snaps.len() as u64, bytes);
    let held = dst.snapshots()?;
    let mut run = pipeline::Run::new(dst.config().compression)?;
    let mut report = CopyReport::default();
    // Source id -> destination id, for parents.
    let mut copied: HashMap<SnapshotId, SnapshotId> = HashMap::new();
    let mut finished = 0u64;
    for (id, meta) in snaps {
        finished += meta.stats.bytes;
        if let Some((dst_id, _)) = held.iter().find(|(_, m)| same_snapshot(m, meta)) {
            copied.insert(*id, *dst_id);
            report.present.push(*id);
            progress.items.fetch_add(1, Relaxed);
            progress.bytes.store(finished, Relaxed);
            continue;
        }
        // Packs first (written when this returns), then their index, then
        // the snapshot: a copy stopped anywhere leaves no snapshot without
        // its data.
        let (tree, packs) =
            run.snapshot(src, dst, &meta.tree, (opts.workers, opts.uploads), progress)?;
        dst.commit_packs(&packs)?;
        let new = SnapshotMeta {
            tree,
            parent: meta.parent.and_then(|p| copied.get(&p).copied()),
            ..meta.clone()
        };
        let new_id = dst.save_snapshot(&new)?;
        copied.insert(*id, new_id);
        report.copied.push((*id, new_id));
        progress.items.fetch_add(1, Relaxed);
        progress.bytes.store(finished, Relaxed);
    }
    let c = run.counts;
    report.blobs_stored = c.blobs_stored;
    report.bytes_stored = c.bytes_stored;
    report.blobs_present = c.blobs_present;
    Ok(report)
}
