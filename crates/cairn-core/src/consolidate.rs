//! Index consolidation: every backup writes one small index file, and
//! opening a repository reads them all, one request each. After thousands
//! of backups that is thousands of reads (seconds on S3) before `list` or a
//! backup can start. Prune, which already rewrites the whole index when it
//! removes packs, also rewrites it when there are many more index files
//! than a rewrite would leave: at most [`PACKS_PER_INDEX`] packs per file.
//!
//! What makes it safe is prune's write order (docs/FORMAT.md §13): the new
//! files are written (synced, content-named) before any old one is
//! deleted, so a kill in between leaves packs listed twice, which readers
//! tolerate (same pack: ignored; §7). Index files that WORM still holds are
//! not deleted: they stay beside the new ones, and the packs they list are
//! not deleted either, so no index ever names a missing pack.

use crate::backend::ObjectKind;
use crate::error::{ErrorKind, Result};
use crate::ids::PackId;
use crate::index;
use crate::repo::Repository;
use std::collections::HashMap;
use time::OffsetDateTime;

/// Packs listed per new index file, so no index file grows unbounded.
pub const PACKS_PER_INDEX: usize = 2048;

/// Index files beyond what a rewrite would leave that are tolerated before
/// prune consolidates: a few more reads at open are not worth a rewrite.
pub const EXTRA_INDEX_FILES_TOLERATED: usize = 8;

/// The repository's index files as prune sees them.
#[derive(Debug, Clone, Default)]
pub struct IndexFiles {
    /// Files prune may replace and delete, by name, sorted.
    pub deletable: Vec<String>,
    /// Files WORM holds, with their retain-until: kept as they are.
    pub held: Vec<(String, OffsetDateTime)>,
    /// Packs listed by a held file, with the latest retain-until of the
    /// held files that list it: such a pack must stay while they do.
    pub held_packs: HashMap<PackId, OffsetDateTime>,
}

/// Lists the index files and sorts them into deletable and held at `now`;
/// reads the held ones (only those) for the packs they list.
pub fn survey(repo: &Repository, now: OffsetDateTime) -> Result<IndexFiles> {
    let b = repo.backend();
    let mut out = IndexFiles::default();
    for o in b.list(ObjectKind::Index)? {
        match b.retained_until(ObjectKind::Index, &o.name)? {
            Some(until) if until > now => out.held.push((o.name, until)),
            _ => out.deletable.push(o.name),
        }
    }
    out.deletable.sort();
    out.held.sort();
    for (name, until) in &out.held {
        let opened = crate::backend::read_open(b.as_ref(), ObjectKind::Index, name, |bytes| {
            index::open_index_file(repo.keys(), name, bytes)
        });
        let packs = match opened {
            Ok(p) => p,
            // A damaged index is skipped by every reader (it names nothing
            // anyone will look up), so the packs it lists need not stay.
            Err(e) if e.kind() == ErrorKind::Corrupt => continue,
            Err(e) => return Err(e),
        };
        for (p, _) in packs {
            let e = out.held_packs.entry(p).or_insert(*until);
            *e = (*e).max(*until);
        }
    }
    Ok(out)
}

/// How many index files a rewrite of `packs` packs writes.
pub fn files_for(packs: usize) -> usize {
    packs.div_ceil(PACKS_PER_INDEX).max(1)
}

/// Whether `deletable` index files, for an index of `packs` packs, are
/// enough more than a rewrite would leave to be worth consolidating.
pub fn worth_it(deletable: usize, packs: usize) -> bool {
    deletable > files_for(packs) + EXTRA_INDEX_FILES_TOLERATED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_extra_files_are_tolerated_many_are_not() {
        assert_eq!(files_for(0), 1);
        assert_eq!(files_for(PACKS_PER_INDEX), 1);
        assert_eq!(files_for(PACKS_PER_INDEX + 1), 2);
        assert!(!worth_it(1 + EXTRA_INDEX_FILES_TOLERATED, 10));
        assert!(worth_it(2 + EXTRA_INDEX_FILES_TOLERATED, 10));
        assert!(!worth_it(
            2 + EXTRA_INDEX_FILES_TOLERATED,
            PACKS_PER_INDEX + 1
        ));
    }
}
