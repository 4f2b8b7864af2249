//! Prune: remove the data no snapshot needs. Plan first (what is used, which
//! packs go, which are repacked, what WORM keeps), then act in an order that
//! is safe to kill at any point:
//!
//! 1. repack: copy the used blobs of mostly-unused packs into new packs;
//! 2. write a new index covering every pack that stays, and the new ones;
//! 3. remove the old index files (not those WORM holds);
//! 4. remove the packs that went out of the index.
//!
//! With nothing to remove, a prune still rewrites the index when there are
//! many more index files than a rewrite leaves (`crate::consolidate`).
//!
//! Until step 3 the old index is still valid (every pack it names exists);
//! after it, the packs awaiting removal are merely unindexed, and the next
//! prune removes them. No step ever leaves a used blob without a readable,
//! indexed copy. Prune refuses to start when it cannot account for the data:
//! a damaged snapshot, an unreadable tree, or a used blob with no stored copy.

use crate::backend::ObjectKind;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{BlobId, PackId};
use crate::idset::IdSet;
use crate::pack::{self, BlobEntry, PackBuilder, SplitPacks};
use crate::remedy::Remedy;
use crate::repo::{store_pack, write_idempotent, Repository};
use crate::tree::NodeType;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How much unused data may stay in partly used packs.
#[derive(Debug, Clone, Copy)]
pub struct PruneOptions {
    /// Repack until the unused bytes left are at most this percent of the used bytes.
    pub max_unused_percent: f64,
    /// The time WORM retention is compared with.
    pub now: time::OffsetDateTime,
}

/// What happens to one pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PackAction {
    /// Stays as it is.
    Keep,
    /// Holds nothing used: removed.
    Delete,
    /// Mostly unused: its used blobs are copied to a new pack, then it is removed.
    Repack,
    /// Would be removed or repacked, but WORM retention forbids it for now.
    Retained,
}

/// One pack in the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PackPlan {
    /// The pack.
    pub pack: PackId,
    /// Its size.
    pub size: u64,
    /// Stored bytes of blobs still used.
    pub used_bytes: u64,
    /// Stored bytes of blobs no snapshot needs (or duplicated elsewhere).
    pub unused_bytes: u64,
    /// The decision.
    pub action: PackAction,
    /// Until when WORM keeps it (Retained only), RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retained_until: Option<String>,
    /// Whether an index lists it (unindexed packs are left by interrupted runs).
    pub indexed: bool,
    #[serde(skip)]
    entries: Vec<BlobEntry>,
    #[serde(skip)]
    used: Vec<bool>,
}

/// The plan.
#[derive(Debug, Clone, Serialize)]
pub struct PrunePlan {
    /// Snapshots whose data is kept.
    pub snapshots: usize,
    /// Distinct blobs they use.
    pub used_blobs: usize,
    /// Every pack considered, with its decision.
    pub packs: Vec<PackPlan>,
    /// Index files to replace (and delete).
    pub index_files: Vec<String>,
    /// Index files WORM holds, with their retain-until (RFC 3339): kept,
    /// and so are the packs they list.
    pub index_files_retained: Vec<(String, String)>,
    /// Whether the index is rewritten even with no pack to remove, because
    /// it is spread over many more files than a rewrite leaves.
    pub consolidate_index: bool,
    /// Packs nobody indexes whose trailer cannot be read: left untouched, with why.
    pub unreadable: Vec<(String, String)>,
    /// Indexed packs missing from storage that held only unused blobs (dropped from the index).
    pub missing_unused: Vec<PackId>,
}

/// Totals of a plan.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct PlanTotals {
    /// Packs removed outright.
    pub delete_packs: usize,
    /// Packs repacked.
    pub repack_packs: usize,
    /// Packs WORM keeps for now.
    pub retained_packs: usize,
    /// Packs kept.
    pub keep_packs: usize,
    /// Bytes freed (deleted and repacked packs, minus what is copied).
    pub bytes_freed: u64,
    /// Used bytes copied by repacking.
    pub bytes_repacked: u64,
    /// Unused bytes left in kept and retained packs.
    pub bytes_unused_left: u64,
    /// Index files now (held ones included).
    pub index_files: usize,
    /// Index files WORM holds: kept as they are.
    pub index_files_retained: usize,
    /// Whether the index is rewritten into few files with nothing else to do.
    pub consolidate_index: bool,
}

impl PrunePlan {
    /// Sums the plan.
    pub fn totals(&self) -> PlanTotals {
        let mut t = PlanTotals {
            index_files: self.index_files.len() + self.index_files_retained.len(),
            index_files_retained: self.index_files_retained.len(),
            consolidate_index: self.consolidate_index,
            ..PlanTotals::default()
        };
        for p in &self.packs {
            match p.action {
                PackAction::Keep => {
                    t.keep_packs += 1;
                    t.bytes_unused_left += p.unused_bytes;
                }
                PackAction::Delete => {
                    t.delete_packs += 1;
                    t.bytes_freed += p.size;
                }
                PackAction::Repack => {
                    t.repack_packs += 1;
                    t.bytes_freed += p.size - p.used_bytes;
                    t.bytes_repacked += p.used_bytes;
                }
                PackAction::Retained => {
                    t.retained_packs += 1;
                    t.bytes_unused_left += p.unused_bytes;
                }
            }
        }
        t
    }

    /// Whether acting would change nothing.
    pub fn is_noop(&self) -> bool {
        !self.consolidate_index
            && self.missing_unused.is_empty()
            && self
                .packs
                .iter()
                .all(|p| matches!(p.action, PackAction::Keep | PackAction::Retained))
    }
}

/// Every blob the readable snapshots use. Fails on anything it cannot read:
/// prune must never guess what is unused.
pub fn used_blobs(repo: &Repository) -> Result<(usize, IdSet)> {
    let (snaps, damaged) = repo.snapshots_checked()?;
    if let Some((name, e)) = damaged.first() {
        return Err(Error::corrupt(format!(
            "snapshot {name} cannot be read ({e}); prune will not guess which data it needs"
        ))
        .remedy(Remedy::Verify { read_data: false })
        .hint("remove or repair the damaged snapshot object first; nothing was deleted"));
    }
    Ok((snaps.len(), blobs_of(repo, &snaps)?))
}

/// Every blob (trees and data) the given snapshots use.
pub fn blobs_of(
    repo: &Repository,
    snaps: &[(crate::SnapshotId, crate::snapshot::SnapshotMeta)],
) -> Result<IdSet> {
    let mut used = IdSet::new();
    let mut stack: Vec<BlobId> = Vec::new();
    for (_, meta) in snaps {
        if used.insert(meta.tree) {
            stack.push(meta.tree);
        }
    }
    while let Some(t) = stack.pop() {
        let (tree, parts) = repo.load_tree_parts(&t).map_err(|e| {
            Error::new(
                e.kind(),
                format!("prune stopped: tree {t} cannot be read: {e}"),
            )
            .remedy(Remedy::Verify { read_data: true })
            .hint("nothing was deleted")
        })?;
        used.extend(parts);
        for n in &tree.nodes {
            match n.kind {
                NodeType::Dir => {
                    if let Some(sub) = n.subtree {
                        if used.insert(sub) {
                            stack.push(sub);
                        }
                    }
                }
                NodeType::File => used.extend(n.content.iter().copied()),
                _ => {}
            }
        }
    }
    Ok(used)
}

/// Plans a prune. Reads every tree and the trailer of every unindexed pack; writes nothing.
pub fn plan(repo: &Repository, opts: &PruneOptions) -> Result<PrunePlan> {
    let (snapshots, used) = used_blobs(repo)?;
    let backend = repo.backend();
    let stored: HashMap<PackId, u64> = backend
        .list(ObjectKind::Pack)?
        .into_iter()
        .filter_map(|o| PackId::from_hex(&o.name).ok().map(|id| (id, o.size)))
        .collect();

    let mut candidates: Vec<(PackId, Vec<BlobEntry>, bool)> = Vec::new();
    let mut missing_unused = Vec::new();
    let idx = repo.index();
    // A copy of the blob in a stored pack other than `p`.
    let elsewhere = |p: PackId, id: &BlobId| {
        idx.get(id)
            .into_iter()
            .chain(idx.alternates(id))
            .any(|(q, _)| q != p && stored.contains_key(&q))
    };
    for (p, entries) in idx.by_pack_with_copies() {
        if stored.contains_key(&p) {
            candidates.push((p, entries, true));
        } else if entries
            .iter()
            .any(|e| used.contains(&e.id) && !elsewhere(p, &e.id))
        {
            return Err(Error::corrupt(format!(
                "pack {p} holds used data but is missing from storage"
            ))
            .remedy(Remedy::Verify { read_data: false })
            .hint("prune deleted nothing"));
        } else {
            missing_unused.push(p);
        }
    }
    let mut unreadable = Vec::new();
    let mut unindexed: Vec<_> = stored
        .iter()
        .filter(|(p, _)| !repo.index().has_pack(p))
        .collect();
    unindexed.sort();
    for (p, size) in unindexed {
        match repo.pack_trailer(p, *size) {
            Ok(entries) => candidates.push((*p, entries, false)),
            Err(e) if e.kind() == ErrorKind::Corrupt => {
                unreadable.push((p.to_hex(), e.to_string()))
            }
            Err(e) => return Err(e),
        }
    }

    // One copy of each used blob counts as used: the first, indexed packs first.
    let mut chosen = IdSet::new();
    let mut packs = Vec::new();
    for (p, entries, indexed) in candidates {
        let flags: Vec<bool> = entries
            .iter()
            .map(|e| used.contains(&e.id) && chosen.insert(e.id))
            .collect();
        let (mut u, mut n) = (0u64, 0u64);
        for (e, f) in entries.iter().zip(&flags) {
            if *f {
                u += u64::from(e.stored_len);
            } else {
                n += u64::from(e.stored_len);
            }
        }
        let action = if u == 0 {
            PackAction::Delete
        } else {
            PackAction::Keep
        };
        packs.push(PackPlan {
            pack: p,
            size: stored.get(&p).copied().unwrap_or(0),
            used_bytes: u,
            unused_bytes: n,
            action,
            retained_until: None,
            indexed,
            entries,
            used: flags,
        });
    }
    if let Some(b) = used.iter().find(|b| !chosen.contains(b)) {
        return Err(Error::corrupt(format!(
            "blob {b} is used by a snapshot but stored in no readable pack"
        ))
        .remedy(Remedy::Verify { read_data: false })
        .hint("prune deleted nothing"));
    }

    choose_repacks(&mut packs, opts.max_unused_percent);
    let files = crate::consolidate::survey(repo, opts.now)?;
    for p in packs
        .iter_mut()
        .filter(|p| matches!(p.action, PackAction::Delete | PackAction::Repack))
    {
        // A pack stays while WORM holds it, or an index file WORM holds
        // lists it (that file cannot go, and must not name a missing pack).
        let own = backend.retained_until(ObjectKind::Pack, &p.pack.to_hex())?;
        let until = own.max(files.held_packs.get(&p.pack).copied());
        if let Some(until) = until.filter(|u| *u > opts.now) {
            p.action = PackAction::Retained;
            p.retained_until = Some(crate::clock::rfc3339(until));
        }
    }
    // As step 2 of `execute` counts the packs it indexes.
    let staying = packs
        .iter()
        .filter(|p| matches!(p.action, PackAction::Keep | PackAction::Retained))
        .filter(|p| p.used_bytes > 0)
        .count();
    Ok(PrunePlan {
        snapshots,
        used_blobs: used.len(),
        packs,
        consolidate_index: crate::consolidate::worth_it(files.deletable.len(), staying),
        index_files: files.deletable,
        index_files_retained: files
            .held
            .into_iter()
            .map(|(n, u)| (n, crate::clock::rfc3339(u)))
            .collect(),
        unreadable,
        missing_unused,
    })
}

/// Marks the most wasteful partly used packs for repacking until the unused
/// bytes left are within `max_unused_percent` of the used bytes.
fn choose_repacks(packs: &mut [PackPlan], max_unused_percent: f64) {
    let used: u64 = packs.iter().map(|p| p.used_bytes).sum();
    let allowed = (used as f64 * max_unused_percent / 100.0) as u64;
    let mut left: u64 = packs
        .iter()
        .filter(|p| p.action == PackAction::Keep)
        .map(|p| p.unused_bytes)
        .sum();
    let mut order: Vec<usize> = (0..packs.len())
        .filter(|&i| packs[i].action == PackAction::Keep && packs[i].unused_bytes > 0)
        .collect();
    order.sort_by(|&a, &b| {
        let fa =
            packs[a].unused_bytes as f64 / (packs[a].used_bytes + packs[a].unused_bytes) as f64;
        let fb =
            packs[b].unused_bytes as f64 / (packs[b].used_bytes + packs[b].unused_bytes) as f64;
        fb.total_cmp(&fa).then(packs[a].pack.cmp(&packs[b].pack))
    });
    for i in order {
        if left <= allowed {
            break;
        }
        packs[i].action = PackAction::Repack;
        left -= packs[i].unused_bytes;
    }
}

/// What a prune did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PruneOutcome {
    /// Packs removed (deleted and repacked).
    pub packs_deleted: usize,
    /// New packs written by repacking.
    pub packs_written: usize,
    /// Index files written.
    pub index_files_written: usize,
    /// Old index files removed.
    pub index_files_deleted: usize,
    /// Bytes removed from storage.
    pub bytes_deleted: u64,
}

/// Carries out a plan made under the same exclusive lock. A plan with
/// nothing to do writes nothing and returns an empty outcome; either way,
/// every pack stored before the lock was taken is then indexed or gone, so
/// the signs of stopped writers the lock saw are removed.
pub fn execute(repo: &mut Repository, plan: &PrunePlan) -> Result<PruneOutcome> {
    execute_watched(repo, plan, &crate::progress::WorkProgress::default())
}

/// As [`execute`], counting the packs repacked (and their bytes) into
/// `progress`: the part of a prune that takes time.
pub fn execute_watched(
    repo: &mut Repository,
    plan: &PrunePlan,
    progress: &crate::progress::WorkProgress,
) -> Result<PruneOutcome> {
    let mut out = PruneOutcome::default();
    if plan.is_noop() {
        // No pack is unindexed but for a blob's only copy, which stays.
        repo.settle_stopped_writers();
        return Ok(out);
    }
    let repacks = plan.packs.iter().filter(|p| p.action == PackAction::Repack);
    progress.begin(
        repacks.clone().count() as u64,
        repacks.map(|p| p.size).sum(),
    );
    let backend = repo.backend().clone();
    let keys = repo.keys().clone();
    let target = repo.config().pack_size as usize;

    // 1. Repack. Every copied blob is authenticated first: a damaged blob
    // stops the prune before anything is removed. Trees and data go to packs
    // of their own, so repacking an old mixed pack also splits it.
    let mut new_packs: Vec<(PackId, Vec<BlobEntry>)> = Vec::new();
    let mut packer = SplitPacks::new(target);
    let mut enc = repo.encoder()?;
    let mut flush = |b: PackBuilder, new_packs: &mut Vec<(PackId, Vec<BlobEntry>)>| -> Result<()> {
        let f = b.finish(&keys, &mut enc)?;
        store_pack(backend.as_ref(), &f.id, f.bytes)?;
        new_packs.push((f.id, f.entries));
        Ok(())
    };
    for p in plan.packs.iter().filter(|p| p.action == PackAction::Repack) {
        let bytes = backend.read(ObjectKind::Pack, &p.pack.to_hex())?;
        for (e, _) in p.entries.iter().zip(&p.used).filter(|(_, u)| **u) {
            let start = e.offset as usize;
            let sealed = bytes
                .get(start..start + e.stored_len as usize)
                .ok_or_else(|| {
                    Error::corrupt(format!("pack {} is shorter than its trailer says", p.pack))
                })?;
            pack::open_blob(&keys, e, sealed).map_err(|err| {
                err.context(format!(
                    "prune stopped before deleting anything: pack {}",
                    p.pack
                ))
            })?;
            if let Some(full) = packer.add(e.kind, e.id, sealed, e.raw_len) {
                flush(full, &mut new_packs)?;
            }
        }
        progress.done(p.size);
    }
    for rest in packer.take_rest() {
        flush(rest, &mut new_packs)?;
    }
    out.packs_written = new_packs.len();

    // 2. The new index: every pack that stays, then the new ones.
    let mut keep: Vec<(PackId, Vec<BlobEntry>)> = plan
        .packs
        .iter()
        .filter(|p| matches!(p.action, PackAction::Keep | PackAction::Retained))
        .filter(|p| p.used_bytes > 0)
        .map(|p| (p.pack, p.entries.clone()))
        .collect();
    keep.extend(new_packs);
    // A repack can produce a pack identical to one planned for deletion (an
    // earlier, interrupted prune wrote it and left it unindexed): it is the
    // same object, now indexed, so it must stay.
    let indexed: HashSet<PackId> = keep.iter().map(|(p, _)| *p).collect();
    let mut written = HashSet::new();
    for chunk in keep.chunks(crate::consolidate::PACKS_PER_INDEX) {
        let (name, bytes) = crate::index::seal_index_file(&keys, &mut repo.encoder()?, chunk)?;
        write_idempotent(backend.as_ref(), ObjectKind::Index, &name, &bytes)?;
        written.insert(name);
    }
    out.index_files_written = written.len();

    // 3. Old index files (content-named: one equal to a new one stays;
    // those WORM holds are not in the plan's list and stay too).
    for name in plan.index_files.iter().filter(|n| !written.contains(*n)) {
        delete_if_present(backend.as_ref(), ObjectKind::Index, name)?;
        out.index_files_deleted += 1;
    }

    // 4. Packs that left the index.
    for p in plan
        .packs
        .iter()
        .filter(|p| matches!(p.action, PackAction::Delete | PackAction::Repack))
        .filter(|p| !indexed.contains(&p.pack))
    {
        delete_if_present(backend.as_ref(), ObjectKind::Pack, &p.pack.to_hex())?;
        out.packs_deleted += 1;
        out.bytes_deleted += p.size;
    }
    repo.reload_index()?;
    // Every pack stored before the lock was taken is now indexed or gone.
    repo.settle_stopped_writers();
    Ok(out)
}

fn delete_if_present(b: &dyn crate::Backend, kind: ObjectKind, name: &str) -> Result<()> {
    match b.delete(kind, name) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        r => r,
    }
}
