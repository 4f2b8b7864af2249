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

use crate::codec::KindEncoders;
use crate::crypto::SealKind;
use crate::error::{Error, Result};
use crate::ids::{BlobId, PackId, SnapshotId};
use crate::manifest::MAX_DEPTH;
use crate::pack::{BlobEntry, PackBuilder, SplitPacks};
use crate::progress::WorkProgress;
use crate::repo::Repository;
use crate::snapshot::SnapshotMeta;
use crate::tree::{Node, NodeType, Tree};
use crate::ObjectKind;
use std::collections::{HashMap, HashSet};
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

/// Copies `snaps` (oldest first) from `src` into `dst`.
pub fn copy(
    src: &Repository,
    dst: &mut Repository,
    snaps: &[(SnapshotId, SnapshotMeta)],
) -> Result<CopyReport> {
    copy_watched(src, dst, snaps, &WorkProgress::default())
}

/// [`copy`], counting into `progress` the snapshots done and the bytes of
/// the files gone through. The totals are the snapshots' own file bytes; a
/// subtree already copied in this run is not gone through again, so at the
/// end of each snapshot the byte count is set to the bytes of the snapshots
/// finished, and the last one ends exactly at the total.
pub fn copy_watched(
    src: &Repository,
    dst: &mut Repository,
    snaps: &[(SnapshotId, SnapshotMeta)],
    progress: &WorkProgress,
) -> Result<CopyReport> {
    let bytes: u64 = snaps.iter().map(|(_, m)| m.stats.bytes).sum();
    progress.begin(snaps.len() as u64, bytes);
    let held = dst.snapshots()?;
    let mut c = Copier {
        src,
        progress,
        report: CopyReport::default(),
        ids: HashMap::new(),
        stored: HashSet::new(),
        packer: SplitPacks::new(dst.config().pack_size as usize),
        packs: Vec::new(),
        enc: KindEncoders::new(dst.config().compression)?,
    };
    // Source id -> destination id, for parents.
    let mut copied: HashMap<SnapshotId, SnapshotId> = HashMap::new();
    let mut finished = 0u64;
    for (id, meta) in snaps {
        finished += meta.stats.bytes;
        if let Some((dst_id, _)) = held.iter().find(|(_, m)| same_snapshot(m, meta)) {
            copied.insert(*id, *dst_id);
            c.report.present.push(*id);
            progress.items.fetch_add(1, Relaxed);
            progress.bytes.store(finished, Relaxed);
            continue;
        }
        let tree = c.tree(dst, &meta.tree)?;
        c.flush(dst)?;
        dst.commit_packs(&std::mem::take(&mut c.packs))?;
        let new = SnapshotMeta {
            tree,
            parent: meta.parent.and_then(|p| copied.get(&p).copied()),
            ..meta.clone()
        };
        let new_id = dst.save_snapshot(&new)?;
        copied.insert(*id, new_id);
        c.report.copied.push((*id, new_id));
        progress.items.fetch_add(1, Relaxed);
        progress.bytes.store(finished, Relaxed);
    }
    Ok(c.report)
}

struct Copier<'a> {
    src: &'a Repository,
    progress: &'a WorkProgress,
    report: CopyReport,
    /// Source blob id -> destination blob id, for this run.
    ids: HashMap<BlobId, BlobId>,
    /// Destination blobs stored in this run (packed, maybe not yet indexed).
    stored: HashSet<BlobId>,
    /// Data and trees in packs of their own (see [`SplitPacks`]).
    packer: SplitPacks,
    packs: Vec<(PackId, Vec<BlobEntry>)>,
    /// One compression context per kind for the run: creating one per blob
    /// cost more than compressing a small blob.
    enc: KindEncoders,
}

/// A tree being rewritten: its nodes, the next to look at, and its id.
struct Frame {
    id: BlobId,
    nodes: Vec<Node>,
    next: usize,
}

impl Copier<'_> {
    /// Stores `plain` in `dst` unless it is there; returns its id there.
    fn store(&mut self, dst: &Repository, kind: SealKind, plain: &[u8]) -> Result<BlobId> {
        let id = BlobId(dst.keys().id(kind, plain));
        if dst.index().contains(&id) || !self.stored.insert(id) {
            self.report.blobs_present += 1;
            return Ok(id);
        }
        let mut sealed = Vec::new();
        self.enc.get(kind).encode_into(plain, &mut sealed)?;
        dst.keys().seal_in_place(kind, &id.0, &mut sealed)?;
        self.report.blobs_stored += 1;
        self.report.bytes_stored += plain.len() as u64;
        if let Some(full) = self.packer.add(kind, id, &sealed, plain.len() as u32) {
            self.store_pack(dst, full)?;
        }
        Ok(id)
    }

    /// Writes the packs being filled (the index follows per snapshot).
    fn flush(&mut self, dst: &Repository) -> Result<()> {
        for p in self.packer.take_rest() {
            self.store_pack(dst, p)?;
        }
        Ok(())
    }

    fn store_pack(&mut self, dst: &Repository, full: PackBuilder) -> Result<()> {
        let p = full.finish(dst.keys(), self.enc.get(SealKind::Data))?;
        crate::repo::write_idempotent(
            dst.backend().as_ref(),
            ObjectKind::Pack,
            &p.id.to_hex(),
            &p.bytes,
        )?;
        self.packs.push((p.id, p.entries));
        Ok(())
    }

    /// The destination id of the source tree `root`, rewriting and storing
    /// it and everything below it: children before parents, on an explicit
    /// stack (the depth is the source's to choose).
    fn tree(&mut self, dst: &Repository, root: &BlobId) -> Result<BlobId> {
        let mut stack = vec![self.frame(root)?];
        loop {
            let Some(f) = stack.last_mut() else {
                return Err(Error::corrupt("tree copy lost its root"));
            };
            let Some(n) = f.nodes.get_mut(f.next) else {
                let done = stack
                    .pop()
                    .ok_or_else(|| Error::corrupt("tree copy lost its root"))?;
                let plain = Tree { nodes: done.nodes }.encode();
                let new = self.store(dst, SealKind::Tree, &plain)?;
                self.ids.insert(done.id, new);
                match stack.last_mut() {
                    // The parent's current node is the directory just done.
                    Some(parent) => {
                        if let Some(d) = parent.nodes.get_mut(parent.next) {
                            d.subtree = Some(new);
                        }
                        parent.next += 1;
                        continue;
                    }
                    None => return Ok(new),
                }
            };
            if n.kind == NodeType::File {
                let mut content = Vec::with_capacity(n.content.len());
                for b in std::mem::take(&mut n.content) {
                    content.push(self.data(dst, &b)?);
                }
                if let Some(n) = stack.last_mut().and_then(|f| f.nodes.get_mut(f.next)) {
                    n.content = content;
                    self.progress.bytes.fetch_add(n.size, Relaxed);
                }
            } else if let (NodeType::Dir, Some(sub)) = (n.kind, n.subtree) {
                if let Some(new) = self.ids.get(&sub) {
                    n.subtree = Some(*new);
                } else if stack.len() > MAX_DEPTH {
                    return Err(Error::corrupt(format!(
                        "directories nested deeper than {MAX_DEPTH} levels; no backup writes that, so the snapshot is not copied"
                    )));
                } else {
                    let child = self.frame(&sub)?;
                    stack.push(child);
                    continue; // `next` moves on when the child is done
                }
            }
            if let Some(f) = stack.last_mut() {
                f.next += 1;
            }
        }
    }

    fn frame(&self, id: &BlobId) -> Result<Frame> {
        Ok(Frame {
            id: *id,
            nodes: self.src.load_tree(id)?.nodes,
            next: 0,
        })
    }

    /// The destination id of the source data blob `id`.
    fn data(&mut self, dst: &Repository, id: &BlobId) -> Result<BlobId> {
        if let Some(new) = self.ids.get(id) {
            return Ok(*new);
        }
        let plain = self.src.load_data(id)?;
        let new = self.store(dst, SealKind::Data, &plain)?;
        self.ids.insert(*id, new);
        Ok(new)
    }
}
