//! Re-encrypting what retired key epochs sealed (`cairn prune
//! --rewrite-old-epochs`), so that a master secret retired by
//! `keys rotate-master` stops mattering.
//!
//! Each snapshot of an older epoch is copied under the current epoch: every
//! data blob and tree is read, given its current-epoch id and stored again,
//! and a new snapshot (same fields, new root, new id) replaces the old one,
//! protection marker included. A prune that tolerates no unused bytes then
//! removes every old blob, and index files still sealed under an old epoch
//! are sealed again. Only when nothing of an old epoch is left does the
//! config drop the retired secrets: until then, they are needed to read.
//!
//! Crash safety: the copy is written (packs, then its index, then the
//! snapshot) before the old snapshot is deleted, so an interruption leaves
//! both, and a rerun finishes the job. Old chunk boundaries are kept: copied
//! data deduplicates with itself, not with data chunked under the new seed.

use crate::backend::ObjectKind;
use crate::codec::KindEncoders;
use crate::crypto::{Epoch, SealKind};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{BlobId, PackId, SnapshotId};
use crate::idset::IdSet;
use crate::index;
use crate::pack::{seal_blob, BlobEntry, PackBuilder, SplitPacks};
use crate::prune::{self, PackAction, PruneOptions, PruneOutcome};
use crate::repo::{write_idempotent, Repository};
use crate::snapshot::SnapshotEntry;
use crate::tree::{NodeType, Tree};
use serde::Serialize;
use std::collections::HashMap;

/// What sits under which epoch.
#[derive(Debug, Clone, Serialize)]
pub struct EpochPlan {
    /// The epoch that seals new objects.
    pub current: u32,
    /// Retired epochs the config still holds secrets for.
    pub retired: Vec<u32>,
    /// Snapshots sealed under a retired epoch: copied, then deleted.
    pub old_snapshots: Vec<(SnapshotId, u32)>,
    /// Of those, snapshots WORM keeps until a date: left as they are.
    pub retained: Vec<(SnapshotId, String)>,
    /// Index files sealed under a retired epoch.
    pub old_index_files: Vec<String>,
}

/// Plans the rewrite (reads every snapshot and index file; writes nothing).
pub fn plan(repo: &Repository, now: time::OffsetDateTime) -> Result<EpochPlan> {
    let keys = repo.keys();
    let mut p = EpochPlan {
        current: keys.current_epoch().0,
        retired: keys.retired_epochs().iter().map(|e| e.0).collect(),
        old_snapshots: vec![],
        retained: vec![],
        old_index_files: vec![],
    };
    let b = repo.backend();
    for SnapshotEntry { id, epoch: e, .. } in repo.snapshot_entries()? {
        if e == keys.current_epoch() {
            continue;
        }
        match b.retained_until(ObjectKind::Snapshot, &id.to_hex())? {
            Some(until) if until > now => p.retained.push((id, until.to_string())),
            _ => p.old_snapshots.push((id, e.0)),
        }
    }
    for o in b.list(ObjectKind::Index)? {
        let (_, e) = crate::backend::read_open(b.as_ref(), ObjectKind::Index, &o.name, |bytes| {
            index::open_index_file_epoch(keys, &o.name, bytes)
        })?;
        if e != keys.current_epoch() {
            p.old_index_files.push(o.name);
        }
    }
    Ok(p)
}

/// What the rewrite did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RewriteOutcome {
    /// (old id, new id) of each snapshot copied under the current epoch.
    pub snapshots: Vec<(SnapshotId, SnapshotId)>,
    /// Blobs stored again under the current epoch.
    pub blobs_written: usize,
    /// What the prune that followed removed.
    pub prune: Option<PruneOutcome>,
    /// Index files sealed again under the current epoch.
    pub index_files_resealed: usize,
    /// Retired epochs whose secrets the config no longer holds.
    pub dropped_epochs: Vec<u32>,
    /// Why retired secrets stay, when they do.
    pub kept_because: Vec<String>,
}

/// Copies blobs under the current epoch, one pack at a time.
struct Copier {
    enc: KindEncoders,
    /// Data and trees in packs of their own (see [`SplitPacks`]).
    packer: SplitPacks,
    packs: Vec<(PackId, Vec<BlobEntry>)>,
    added: IdSet,
    data: HashMap<BlobId, BlobId>,
    trees: HashMap<BlobId, BlobId>,
    written: usize,
}

impl Copier {
    fn put(&mut self, repo: &Repository, kind: SealKind, plain: &[u8]) -> Result<BlobId> {
        let id = BlobId(repo.keys().id(kind, plain));
        if repo.index().get(&id).is_some() || !self.added.insert(id) {
            return Ok(id);
        }
        let (id, sealed) = seal_blob(repo.keys(), self.enc.get(kind), kind, plain)?;
        self.written += 1;
        if let Some(full) = self.packer.add(kind, id, &sealed, plain.len() as u32) {
            self.store_pack(repo, full)?;
        }
        Ok(id)
    }

    fn flush(&mut self, repo: &Repository) -> Result<()> {
        for p in self.packer.take_rest() {
            self.store_pack(repo, p)?;
        }
        Ok(())
    }

    fn store_pack(&mut self, repo: &Repository, full: PackBuilder) -> Result<()> {
        let f = full.finish(repo.keys(), self.enc.get(SealKind::Data))?;
        repo.pack_store().store(&f.id, f.bytes)?;
        self.packs.push((f.id, f.entries));
        Ok(())
    }

    fn blob(&mut self, repo: &Repository, old: &BlobId) -> Result<BlobId> {
        if let Some(n) = self.data.get(old) {
            return Ok(*n);
        }
        let plain = repo.load_blob(old)?;
        let new = self.put(repo, SealKind::Data, &plain)?;
        self.data.insert(*old, new);
        Ok(new)
    }

    /// Copies tree `root` and everything below it, children first. An
    /// explicit stack, not recursion: the depth is the repository's.
    fn tree(&mut self, repo: &Repository, root: BlobId) -> Result<BlobId> {
        let mut stack: Vec<(BlobId, Tree, usize)> = Vec::new();
        if !self.trees.contains_key(&root) {
            stack.push((root, repo.load_tree(&root)?, 0));
        }
        while let Some((_, t, i)) = stack.last_mut() {
            let Some(n) = t.nodes.get_mut(*i) else {
                if let Some((old, t, _)) = stack.pop() {
                    let split = repo.splits_trees();
                    let new = crate::tree::parts::store(&t, split, &mut |plain: &[u8]| {
                        self.put(repo, SealKind::Tree, plain)
                    })?;
                    self.trees.insert(old, new);
                }
                continue;
            };
            match (n.kind, n.subtree) {
                (NodeType::Dir, Some(sub)) => match self.trees.get(&sub) {
                    Some(new) => n.subtree = Some(*new),
                    None => {
                        // Copied first; this node is revisited after.
                        let child = repo.load_tree(&sub)?;
                        stack.push((sub, child, 0));
                        continue;
                    }
                },
                (NodeType::File, _) => {
                    let old = std::mem::take(&mut n.content);
                    let mut content = Vec::with_capacity(old.len());
                    for c in &old {
                        content.push(self.blob(repo, c)?);
                    }
                    n.content = content;
                }
                _ => {}
            }
            *i += 1;
        }
        self.trees
            .get(&root)
            .copied()
            .ok_or_else(|| crate::Error::new(crate::ErrorKind::Io, "tree copy lost its root"))
    }
}

/// Carries out `plan` under an exclusive lock: copies, prunes, re-seals
/// indexes, and drops the retired secrets when nothing needs them.
pub fn rewrite(
    repo: &mut Repository,
    plan: &EpochPlan,
    now: time::OffsetDateTime,
) -> Result<RewriteOutcome> {
    let mut out = RewriteOutcome::default();
    let protected = crate::protect::protected(repo)?;
    let mut c = Copier {
        enc: KindEncoders::new(repo.config().compression)?,
        packer: SplitPacks::new(repo.config().pack_size as usize),
        packs: vec![],
        added: IdSet::new(),
        data: HashMap::new(),
        trees: HashMap::new(),
        written: 0,
    };
    let metas: HashMap<SnapshotId, _> = repo.snapshots()?.into_iter().collect();
    let mut renamed: HashMap<SnapshotId, SnapshotId> = HashMap::new();
    for (old, _) in &plan.old_snapshots {
        let mut meta = metas.get(old).cloned().ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("snapshot {old} vanished during the rewrite"),
            )
        })?;
        meta.tree = c.tree(repo, meta.tree).map_err(|e| {
            e.context(format!(
                "copying snapshot {} (nothing of it was deleted)",
                old.short()
            ))
        })?;
        meta.parent = meta.parent.and_then(|p| renamed.get(&p).copied());
        c.flush(repo)?;
        let packs = std::mem::take(&mut c.packs);
        repo.commit_packs(&packs)?;
        let new = repo.save_snapshot(&meta)?;
        if let Some(p) = protected.get(old) {
            crate::protect::protect(repo, new, now, &p.note)?;
        }
        repo.delete_snapshot(old)?;
        if protected.contains_key(old) {
            // A marker left behind names a snapshot that is gone: it protects
            // nothing, so WORM holding it is no reason to stop.
            if let Err(e) = crate::protect::unprotect(repo, *old) {
                tracing::warn!(snapshot = %old, error = %e, "old protection marker left in place");
            }
        }
        renamed.insert(*old, new);
        out.snapshots.push((*old, new));
    }
    out.blobs_written = c.written;

    // Everything old is unused now: a prune with no tolerance removes it.
    let pplan = prune::plan(
        repo,
        &PruneOptions {
            max_unused_percent: 0.0,
            now,
        },
    )?;
    let retained = pplan
        .packs
        .iter()
        .filter(|p| p.action == PackAction::Retained)
        .count();
    let pruned = prune::execute(repo, &pplan)?;
    out.prune = (!pplan.is_noop()).then_some(pruned);
    let (resealed, held) = reseal_indexes(repo, now)?;
    out.index_files_resealed = resealed;
    if held > 0 {
        out.kept_because.push(format!(
            "{held} index file(s) sealed under a retired epoch are retained by WORM"
        ));
    }

    if !plan.retained.is_empty() {
        out.kept_because.push(format!(
            "{} snapshot(s) of a retired epoch are retained by WORM (the first until {})",
            plan.retained.len(),
            plan.retained[0].1
        ));
    }
    if retained > 0 {
        out.kept_because.push(format!(
            "{retained} pack(s) that may hold retired-epoch data are retained by WORM"
        ));
    }
    if out.kept_because.is_empty() && !repo.config().retired_keys.is_empty() {
        out.dropped_epochs = drop_retired(repo)?;
    }
    Ok(out)
}

/// Seals again, under the current epoch, every index file an older epoch
/// sealed: (how many, how many WORM keeps as they are).
fn reseal_indexes(repo: &mut Repository, now: time::OffsetDateTime) -> Result<(usize, usize)> {
    let b = repo.backend().clone();
    let (mut n, mut held) = (0, 0);
    for o in b.list(ObjectKind::Index)? {
        let (packs, e) =
            crate::backend::read_open(b.as_ref(), ObjectKind::Index, &o.name, |bytes| {
                index::open_index_file_epoch(repo.keys(), &o.name, bytes)
            })?;
        if e == repo.keys().current_epoch() {
            continue;
        }
        if b.retained_until(ObjectKind::Index, &o.name)?
            .is_some_and(|u| u > now)
        {
            held += 1;
            continue;
        }
        let (name, sealed) = index::seal_index_file(repo.keys(), &mut repo.encoder()?, &packs)?;
        write_idempotent(b.as_ref(), ObjectKind::Index, &name, &sealed)?;
        b.delete(ObjectKind::Index, &o.name)?;
        n += 1;
    }
    if n > 0 {
        repo.reload_index()?;
    }
    Ok((n, held))
}

/// Removes the retired secrets from the config, after checking that no
/// snapshot or index file needs them. Packs need no check: after a prune
/// with no unused bytes every blob left is used by a current-epoch
/// snapshot, whose ids only current-epoch blobs have, and a pack sealed
/// under an old epoch holds only old-epoch blobs.
fn drop_retired(repo: &mut Repository) -> Result<Vec<u32>> {
    let cur = repo.keys().current_epoch();
    for SnapshotEntry { id, epoch: e, .. } in repo.snapshot_entries()? {
        if e != cur {
            return Err(Error::corrupt(format!(
                "snapshot {} is still sealed under an older key epoch after the rewrite",
                id.short()
            )));
        }
    }
    let dropped = repo
        .keys()
        .retired_epochs()
        .iter()
        .map(|e: &Epoch| e.0)
        .collect();
    let mut config = repo.config().clone();
    config.retired_keys.clear();
    let keys = repo.keys();
    config.seal(keys);
    repo.backend().replace_config(&config.encode())?;
    repo.replace_config_keys(config)?;
    Ok(dropped)
}
