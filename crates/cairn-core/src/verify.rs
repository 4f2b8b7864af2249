//! Verify: prove that the repository can be read back.
//!
//! Structure (always): every snapshot opens, every tree it reaches decodes,
//! every blob it references is in the index, and every indexed pack exists and
//! is large enough for its entries. Data (`--read-data`, or a subset): every
//! selected pack is read whole, its SHA-256 compared with its name, its trailer
//! compared with the index, and every blob authenticated, decompressed and
//! re-hashed. Damage in one place never stops the check of the rest; every
//! damaged object is named with the snapshots and files it affects.

use crate::backend::ObjectKind;
use crate::error::{Error, Result};
use crate::ids::{BlobId, PackId, SnapshotId};
use crate::manifest::walk;
use crate::pack::{self, BlobEntry, FOOTER_LEN};
use crate::progress::WorkProgress;
use crate::repo::Repository;
use crate::tree::{NodeType, Stored, TreeSource};
use crate::written::Vanished;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// Which packs `--read-data` reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DataCheck {
    /// Structure only.
    None,
    /// Every pack.
    All,
    /// Slice `k` of `n` (1-based): packs whose id, as a number, falls in that slice; n runs cover all.
    Slice { k: u32, n: u32 },
    /// About `percent` % of packs, chosen by a seeded keyed hash of their ids.
    Percent { percent: f64, seed: u64 },
}

impl DataCheck {
    /// Parses `--read-data-subset` (`N%` or `K/N`); the seed is used for `N%`.
    pub fn parse_subset(s: &str, seed: u64) -> Result<Self> {
        let bad = || {
            Error::invalid(format!("read-data subset {s:?} is not N% or K/N"))
                .hint("for example 10% or 2/5")
        };
        if let Some(p) = s.strip_suffix('%') {
            let percent: f64 = p.trim().parse().map_err(|_| bad())?;
            if !(0.0..=100.0).contains(&percent) || percent.is_nan() {
                return Err(bad());
            }
            return Ok(DataCheck::Percent { percent, seed });
        }
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u32, u32) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(DataCheck::Slice { k, n })
    }

    fn selects(&self, id: &PackId) -> bool {
        let x = u64::from_be_bytes([
            id.0[0], id.0[1], id.0[2], id.0[3], id.0[4], id.0[5], id.0[6], id.0[7],
        ]);
        match *self {
            DataCheck::None => false,
            DataCheck::All => true,
            DataCheck::Slice { k, n } => ((u128::from(x) * u128::from(n)) >> 64) as u32 == k - 1,
            DataCheck::Percent { percent, seed } => {
                (Self::rank(seed, id) as f64) < percent / 100.0 * (u64::MAX as f64)
            }
        }
    }

    /// A pack's place in the seeded order `Percent` samples from.
    fn rank(seed: u64, id: &PackId) -> u64 {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        let h = blake3::keyed_hash(&key, &id.0);
        u64::from_le_bytes(h.as_bytes()[..8].try_into().unwrap_or([0; 8]))
    }
}

/// One damaged object and what it affects.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Damage {
    /// The object (`pack <id>`, `tree <id>`, `snapshot <id>`, `blob <id>`).
    pub object: String,
    /// What is wrong.
    pub error: String,
    /// Snapshots and files that depend on it (`<snapshot short id>:<path>`), capped.
    pub affects: Vec<String>,
}

/// The outcome of a verify.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VerifyReport {
    /// Snapshots checked.
    pub snapshots: usize,
    /// Distinct trees decoded.
    pub trees: usize,
    /// Distinct data blobs referenced.
    pub blobs: usize,
    /// Packs in the index.
    pub packs: usize,
    /// Packs read whole.
    pub packs_read: usize,
    /// Bytes read by the data check.
    pub bytes_read: u64,
    /// Everything found wrong.
    pub damage: Vec<Damage>,
    /// Partial objects killed writers left (not damage: prune removes them).
    pub partial_objects: crate::leftovers::Leftovers,
}

const MAX_AFFECTS: usize = 20;

/// The blobs the checked snapshots use, as a sorted array of ids (32 bytes
/// a blob; a hash set costs over twice that at a million blobs). Ids are
/// appended as the walk finds them and sorted and deduplicated whenever
/// the unsorted tail outgrows half the sorted part.
#[derive(Default)]
struct Used {
    ids: Vec<BlobId>,
    /// `ids[..settled]` is sorted and free of repeats.
    settled: usize,
}

impl Used {
    fn insert(&mut self, id: BlobId) {
        self.ids.push(id);
        if self.ids.len() - self.settled > (1 << 16).max(self.settled / 2) {
            self.settle();
        }
    }

    fn settle(&mut self) {
        self.ids.sort_unstable();
        self.ids.dedup();
        self.ids.shrink_to_fit();
        self.settled = self.ids.len();
    }

    /// Whether `id` is used (after [`Used::settle`]).
    fn contains(&self, id: &BlobId) -> bool {
        self.ids.binary_search(id).is_ok()
    }
}

/// Verifies the repository (all snapshots, or `only`).
pub fn verify(
    repo: &Repository,
    only: &[SnapshotId],
    data: DataCheck,
    workers: usize,
) -> Result<VerifyReport> {
    verify_watched(repo, only, data, workers, &WorkProgress::default())
}

/// As [`verify`], counting the packs read by the data check (and their
/// bytes) into `progress`; its totals are set when the packs are chosen.
pub fn verify_watched(
    repo: &Repository,
    only: &[SnapshotId],
    data: DataCheck,
    workers: usize,
    progress: &WorkProgress,
) -> Result<VerifyReport> {
    let mut report = VerifyReport {
        partial_objects: crate::leftovers::survey(repo.backend().as_ref())?,
        ..VerifyReport::default()
    };
    // Pass 1 keeps only which blobs are used; the paths that use a blob are
    // found afterwards, for damaged blobs only (`affected`), so a clean
    // verify holds no path strings at all.
    let mut users = Used::default();
    let mut seen_trees: HashSet<BlobId> = HashSet::new();
    for (name, e) in crate::keyslot::damaged_slots(repo.backend().as_ref())? {
        report.damage.push(Damage {
            object: format!("key slot {name}"),
            error: e.to_string(),
            affects: vec![],
        });
    }
    for kind in ObjectKind::ALL {
        for o in repo.backend().list_all(kind)? {
            if !kind.is_canonical(&o.name) {
                report.damage.push(Damage {
                    object: kind.path(&o.name),
                    error: "not a name Cairn writes (a renamed or planted copy); every reader ignores it: remove it".into(),
                    affects: vec![],
                });
            }
        }
    }
    for (name, e) in repo.damaged_indexes() {
        report.damage.push(Damage {
            object: format!("index {name}"),
            error: e.to_string(),
            affects: vec![],
        });
    }
    let (snaps, damaged) = repo.snapshots_checked()?;
    report.damage.extend(vanished(repo)?);
    for (name, e) in damaged {
        report.damage.push(Damage {
            object: format!("snapshot {name}"),
            error: e.to_string(),
            affects: vec![],
        });
    }
    let checked: Vec<&(SnapshotId, crate::snapshot::SnapshotMeta)> = snaps
        .iter()
        .filter(|(id, _)| only.is_empty() || only.contains(id))
        .collect();
    // Blobs a file names as content but the index holds as trees: once
    // each, whatever number of files name them.
    let mut wrong_kind: std::collections::BTreeSet<BlobId> = Default::default();
    let joined = Joined {
        repo,
        parts: Default::default(),
    };
    for (id, meta) in checked.iter().copied() {
        report.snapshots += 1;
        users.insert(meta.tree);
        if !seen_trees.insert(meta.tree) {
            continue;
        }
        let r = walk(&joined, &meta.tree, &mut |_, n| {
            match (n.kind, n.subtree) {
                (NodeType::Dir, Some(sub)) => {
                    users.insert(sub);
                    seen_trees.insert(sub);
                }
                (NodeType::File, _) => {
                    n.content.iter().for_each(|b| users.insert(*b));
                    let index = repo.index();
                    wrong_kind.extend(n.content.iter().filter(|c| index.is_not_data(c)));
                }
                _ => {}
            }
            Ok(())
        });
        // A folder too deep to enter is damage too (no backup writes one).
        if let Err(e) = r.and_then(crate::manifest::NotEntered::check) {
            report.damage.push(Damage {
                object: format!("snapshot {id}"),
                error: e.to_string(),
                affects: vec![format!(
                    "{}: trees below the damage were not checked",
                    id.short()
                )],
            });
        }
    }
    report.trees = seen_trees.len();
    joined
        .parts
        .take()
        .into_iter()
        .for_each(|p| users.insert(p));
    users.settle();
    report.blobs = users.ids.len();
    let index = repo.index();
    // Damage whose `affects` is filled in at the end, from these blobs.
    let mut pending: Vec<(Damage, Vec<BlobId>)> = Vec::new();
    // In id order already.
    for blob in &wrong_kind {
        pending.push((
            Damage {
                object: format!("blob {blob}"),
                error: "used as file content but stored as a tree".into(),
                affects: vec![],
            },
            vec![*blob],
        ));
    }
    let unindexed: Vec<&BlobId> = users.ids.iter().filter(|b| !index.contains(b)).collect();
    for blob in unindexed {
        pending.push((
            Damage {
                object: format!("blob {blob}"),
                error: "referenced but in no index".into(),
                affects: vec![],
            },
            vec![*blob],
        ));
    }
    // Packs: present, large enough.
    let on_disk: HashMap<String, u64> = repo
        .backend()
        .list(ObjectKind::Pack)?
        .into_iter()
        .map(|o| (o.name, o.size))
        .collect();
    let groups = index.by_pack();
    report.packs = groups.len();
    let blobs_of = |entries: &[BlobEntry]| -> Vec<BlobId> {
        entries
            .iter()
            .map(|e| e.id)
            .filter(|id| users.contains(id))
            .collect()
    };
    // Checking chosen snapshots: only the packs they use. The whole
    // repository: every pack, used or not (damage is damage).
    let relevant =
        |entries: &[BlobEntry]| only.is_empty() || entries.iter().any(|e| users.contains(&e.id));
    for (pid, entries) in groups.iter().filter(|(_, e)| relevant(e)) {
        let need = entries
            .iter()
            .map(|e| u64::from(e.offset) + u64::from(e.stored_len))
            .max()
            .unwrap_or(0)
            + FOOTER_LEN as u64;
        match on_disk.get(&pid.to_hex()) {
            None => pending.push((
                Damage {
                    object: format!("pack {pid}"),
                    error: match index.listed_by(pid) {
                        Some(f) => format!("missing (index {f} lists it)"),
                        None => "missing".into(),
                    },
                    affects: vec![],
                },
                blobs_of(entries),
            )),
            Some(size) if *size < need => pending.push((
                Damage {
                    object: format!("pack {pid}"),
                    error: format!("truncated: {size} bytes, its blobs need at least {need}"),
                    affects: vec![],
                },
                blobs_of(entries),
            )),
            _ => {}
        }
    }
    // Data: read selected packs in parallel.
    let mut selected: Vec<&(PackId, Vec<BlobEntry>)> = groups
        .iter()
        .filter(|(p, e)| data.selects(p) && relevant(e) && on_disk.contains_key(&p.to_hex()))
        .collect();
    // A percentage of a handful of packs can round to none: a sample that
    // reads nothing proves nothing, so it reads at least the first pack in
    // its seeded order.
    if let (true, DataCheck::Percent { percent, seed }) = (selected.is_empty(), data) {
        if percent > 0.0 {
            selected.extend(
                groups
                    .iter()
                    .filter(|(p, e)| relevant(e) && on_disk.contains_key(&p.to_hex()))
                    .min_by_key(|(p, _)| DataCheck::rank(seed, p)),
            );
        }
    }
    progress.begin(
        selected.len() as u64,
        selected
            .iter()
            .filter_map(|(p, _)| on_disk.get(&p.to_hex()))
            .sum(),
    );
    let next = Mutex::new(0usize);
    let found: Mutex<Vec<(PackId, String, Vec<BlobEntry>)>> = Mutex::new(Vec::new());
    let bytes = Mutex::new(0u64);
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                let i = {
                    let Ok(mut n) = next.lock() else { return };
                    *n += 1;
                    *n - 1
                };
                let Some((pid, entries)) = selected.get(i) else {
                    return;
                };
                let (read, bad) = check_pack(repo, pid, entries);
                progress.done(read);
                if let Ok(mut b) = bytes.lock() {
                    *b += read;
                }
                if !bad.is_empty() {
                    if let Ok(mut f) = found.lock() {
                        f.extend(bad.into_iter().map(|(err, ents)| (*pid, err, ents)));
                    }
                }
            });
        }
    });
    report.packs_read = selected.len();
    report.bytes_read = bytes.into_inner().unwrap_or(0);
    let mut found = found.into_inner().unwrap_or_default();
    found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    for (pid, err, ents) in found {
        pending.push((
            Damage {
                object: format!("pack {pid}"),
                error: err,
                affects: vec![],
            },
            blobs_of(&ents),
        ));
    }
    let bad: HashSet<BlobId> = pending
        .iter()
        .flat_map(|(_, b)| b.iter().copied())
        .collect();
    let paths = affected(repo, &checked, &bad);
    for (mut d, blobs) in pending {
        let mut v: Vec<String> = blobs
            .iter()
            .flat_map(|b| paths.get(b).into_iter().flatten().cloned())
            .collect();
        v.sort();
        v.dedup();
        v.truncate(MAX_AFFECTS);
        d.affects = v;
        report.damage.push(d);
    }
    Ok(report)
}

/// Snapshots this client wrote and never removed that the repository no
/// longer holds: deleting a snapshot object needs no key, so only the
/// record kept outside the storage (crate::written) can tell.
fn vanished(repo: &Repository) -> Result<Vec<Damage>> {
    let Some(record) = repo.written_record() else {
        return Ok(vec![]);
    };
    let present: HashSet<SnapshotId> = repo
        .backend()
        .list(ObjectKind::Snapshot)?
        .iter()
        .filter_map(|o| SnapshotId::from_hex(&o.name).ok())
        .collect();
    Ok(record.vanished(&present)?.iter().map(gone).collect())
}

/// The verify finding for a snapshot this client wrote that is gone.
fn gone(v: &Vanished) -> Damage {
    let when = v
        .written
        .map(|t| format!(" on {}", crate::clock::rfc3339(t)))
        .unwrap_or_default();
    Damage {
        object: format!("snapshot {}", v.id),
        error: format!(
            "gone: this client wrote it{when} and never forgot it, so the storage deleted it, or another client forgot it"
        ),
        affects: vec![],
    }
}

/// The repository as the walk of pass 1 reads it: a split directory is
/// joined from its parts, and the parts are kept, since they are blobs the
/// snapshot uses as much as the list that names them.
struct Joined<'a> {
    repo: &'a Repository,
    parts: std::cell::RefCell<Vec<BlobId>>,
}

impl TreeSource for Joined<'_> {
    fn tree(&self, id: &BlobId) -> Result<crate::tree::Tree> {
        let (tree, parts) = self.repo.load_tree_parts(id)?;
        self.parts.borrow_mut().extend(parts);
        Ok(tree)
    }
}

/// `snapshot:path` of every use of a damaged blob, in every checked snapshot
/// (up to [`MAX_AFFECTS`] per blob). Each tree's damaged entries are found
/// once and reused by every snapshot and folder that shares the tree, so this
/// costs one walk of the distinct trees, and nothing when `bad` is empty.
fn affected(
    repo: &Repository,
    snaps: &[&(SnapshotId, crate::snapshot::SnapshotMeta)],
    bad: &HashSet<BlobId>,
) -> HashMap<BlobId, Vec<String>> {
    let mut out: HashMap<BlobId, Vec<String>> = HashMap::new();
    if bad.is_empty() {
        return out;
    }
    let mut memo = HashMap::new();
    for (id, meta) in snaps {
        let short = id.short();
        for (path, blob) in hits(repo, meta.tree, bad, &mut memo, 0).iter() {
            let v = out.entry(*blob).or_default();
            if v.len() < MAX_AFFECTS {
                let path = if path.is_empty() { "/" } else { path };
                v.push(format!("{short}:{path}"));
            }
        }
    }
    out
}

type Hits = std::rc::Rc<Vec<(String, BlobId)>>;

/// The damaged blobs under `tree` (itself included, at path ""), with their
/// paths relative to it. An unreadable tree yields what is known: itself, if
/// damaged (the walk of pass 1 already reported why).
fn hits(
    repo: &Repository,
    tree: BlobId,
    bad: &HashSet<BlobId>,
    memo: &mut HashMap<BlobId, Hits>,
    depth: usize,
) -> Hits {
    if let Some(h) = memo.get(&tree) {
        return h.clone();
    }
    let mut v = Vec::new();
    if bad.contains(&tree) {
        v.push((String::new(), tree));
    }
    // One read of the tree blob: a damaged part of a split directory is
    // that directory's damage, known even when the parts cannot be joined.
    let joined = repo.load_stored(&tree).and_then(|stored| match stored {
        Stored::Nodes(t) => Ok(t),
        Stored::Parts(parts) => {
            let damaged = parts.iter().filter(|p| bad.contains(p));
            v.extend(damaged.map(|p| (String::new(), *p)));
            repo.join_parts(&tree, &parts)
        }
    });
    if let (Ok(t), true) = (joined, depth <= crate::manifest::MAX_DEPTH) {
        for n in &t.nodes {
            let name = String::from_utf8_lossy(&n.name.0);
            match (n.kind, n.subtree) {
                (NodeType::Dir, Some(sub)) => {
                    for (p, b) in hits(repo, sub, bad, memo, depth + 1).iter() {
                        let p = if p.is_empty() {
                            name.to_string()
                        } else {
                            format!("{name}/{p}")
                        };
                        v.push((p, *b));
                    }
                }
                (NodeType::File, _) => {
                    for c in n.content.iter().filter(|c| bad.contains(c)) {
                        v.push((name.to_string(), *c));
                    }
                }
                _ => {}
            }
        }
    }
    let h = std::rc::Rc::new(v);
    memo.insert(tree, h.clone());
    h
}

/// Reads one pack whole; returns bytes read and (error, affected entries) for each problem.
fn check_pack(
    repo: &Repository,
    pid: &PackId,
    entries: &[BlobEntry],
) -> (u64, Vec<(String, Vec<BlobEntry>)>) {
    let bytes = match repo.backend().read(ObjectKind::Pack, &pid.to_hex()) {
        Ok(b) => b,
        Err(e) => return (0, vec![(format!("unreadable: {e}"), entries.to_vec())]),
    };
    let mut bad = Vec::new();
    let sha: [u8; 32] = Sha256::digest(&bytes).into();
    if sha != pid.0 {
        bad.push((
            "content does not match its name (SHA-256): the file was modified or truncated"
                .to_string(),
            Vec::new(),
        ));
    }
    match pack::read_trailer(repo.keys(), &bytes) {
        Ok(trailer) => {
            let t: HashSet<_> = trailer
                .iter()
                .map(|e| (e.id, e.offset, e.stored_len))
                .collect();
            let missing: Vec<BlobEntry> = entries
                .iter()
                .filter(|e| !t.contains(&(e.id, e.offset, e.stored_len)))
                .copied()
                .collect();
            if !missing.is_empty() {
                bad.push((
                    format!(
                        "{} indexed blob(s) are not in the pack's trailer",
                        missing.len()
                    ),
                    missing,
                ));
            }
        }
        Err(e) => bad.push((format!("trailer: {e}"), Vec::new())),
    }
    for e in entries {
        let (start, end) = (e.offset as usize, e.offset as usize + e.stored_len as usize);
        let r = bytes
            .get(start..end)
            .ok_or_else(|| Error::corrupt("blob lies past the end of the pack"))
            .and_then(|s| pack::open_blob(repo.keys(), e, s));
        if let Err(err) = r {
            bad.push((format!("blob {}: {err}", e.id), vec![*e]));
        }
    }
    // A bad SHA with every blob intact still counts; attach every entry so affected files are named.
    if let Some(first) = bad.first_mut() {
        if first.1.is_empty() {
            first.1 = entries.to_vec();
        }
    }
    (bytes.len() as u64, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_parse_and_slices_cover_everything_once() {
        assert!(DataCheck::parse_subset("0/3", 1).is_err());
        assert!(DataCheck::parse_subset("4/3", 1).is_err());
        assert!(DataCheck::parse_subset("x%", 1).is_err());
        assert!(DataCheck::parse_subset("101%", 1).is_err());
        let slices: Vec<_> = (1..=3)
            .map(|k| DataCheck::parse_subset(&format!("{k}/3"), 0).unwrap())
            .collect();
        for i in 0..500u32 {
            let id = PackId(*blake3::hash(&i.to_le_bytes()).as_bytes());
            assert_eq!(slices.iter().filter(|s| s.selects(&id)).count(), 1);
        }
        let p = DataCheck::parse_subset("10%", 7).unwrap();
        let n = (0..2000u32)
            .filter(|i| p.selects(&PackId(*blake3::hash(&i.to_le_bytes()).as_bytes())))
            .count();
        assert!((100..300).contains(&n), "{n}");
    }
}
