//! Getting at a snapshot's data without a restore: list a directory, print
//! a file, compare two snapshots, find a path across snapshots. Each picks
//! its snapshots through the one selector ([`super::select`]) and hands the
//! trees to [`cairn_core::browse`]; only [`cat`] reads data packs.

use super::select::{select, select_many, Selector};
use crate::error::Result;
use cairn_core::browse::diff::{self, Diff, Side};
use cairn_core::browse::find::{self, Pattern};
use cairn_core::browse::{cat as core_cat, ls, Entry};
use cairn_core::snapshot::SnapshotMeta;
use cairn_core::{Repository, SnapshotId};
use std::io::Write;

/// One snapshot, named.
#[derive(Debug, Clone)]
pub struct Picked {
    pub id: SnapshotId,
    pub meta: SnapshotMeta,
}

/// What `ls` found.
pub struct Listing {
    pub snapshot: Picked,
    pub entries: Vec<Entry>,
}

/// The entries at `path` of the snapshot `sel` names (trees only).
pub fn list(repo: &Repository, sel: &Selector<'_>, path: &str, recursive: bool) -> Result<Listing> {
    let (id, meta) = select(repo, sel)?;
    let entries = ls::list(repo, &meta.tree, path, recursive)?;
    Ok(Listing {
        snapshot: Picked { id, meta },
        entries,
    })
}

/// Streams the file at `path` of the snapshot `sel` names to `out`,
/// checked against its recorded SHA-256; returns its size.
pub fn cat(repo: &Repository, sel: &Selector<'_>, path: &str, out: &mut dyn Write) -> Result<u64> {
    let (_, meta) = select(repo, sel)?;
    Ok(core_cat::cat(repo, &meta.tree, path, out)?)
}

/// What `diff` found.
pub struct Compared {
    pub a: Picked,
    pub b: Picked,
    pub diff: Diff,
}

/// The differences from snapshot `a` to `b` under `path` (trees only).
pub fn diff(repo: &Repository, a: &Selector<'_>, b: &Selector<'_>, path: &str) -> Result<Compared> {
    let (ia, ma) = select(repo, a)?;
    let (ib, mb) = select(repo, b)?;
    let d = diff::diff(
        Side {
            src: repo,
            root: &ma.tree,
        },
        Side {
            src: repo,
            root: &mb.tree,
        },
        path,
    )?;
    Ok(Compared {
        a: Picked { id: ia, meta: ma },
        b: Picked { id: ib, meta: mb },
        diff: d,
    })
}

/// One snapshot's matches.
pub struct Hits {
    pub snapshot: Picked,
    pub entries: Vec<Entry>,
}

/// What `find` found: every snapshot searched, oldest first, with its
/// matches (none where the path is absent: that is the answer to "when
/// did it vanish").
pub struct Search {
    pub snapshots: Vec<Hits>,
}

/// Searches the snapshots `sels` name (none: every snapshot) for entries
/// matching `pattern`, modified after `newer` if given (trees only).
pub fn find(
    repo: &Repository,
    sels: &[Selector<'_>],
    pattern: &str,
    newer: Option<time::OffsetDateTime>,
) -> Result<Search> {
    let pat = Pattern::new(pattern, newer)?;
    let mut picked = select_many(repo, sels)?;
    let roots: Vec<_> = picked.iter().map(|(_, m)| m.tree).collect();
    let found = find::find(repo, &roots, &pat)?;
    let snapshots = picked
        .drain(..)
        .zip(found)
        .map(|((id, meta), entries)| Hits {
            snapshot: Picked { id, meta },
            entries,
        })
        .collect();
    Ok(Search { snapshots })
}
