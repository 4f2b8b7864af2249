//! Maintenance: keep WORM retention ahead of the data that is still needed.
//!
//! A snapshot is *retained* while its own snapshot object is held (written
//! less than one retention period ago). Snapshot objects are never extended:
//! each lapses one period after it was taken, and then forget may remove it.
//! What a retained snapshot needs must outlive it, so the horizon rule is:
//! every run extends index files enough to list every such pack (the fewest,
//! largest first: after prune consolidates the index, the new file alone),
//! and each pack holding a blob a retained
//! snapshot uses (deduplicated chunks shared with older snapshots included),
//! whose retain-until falls within two thirds of the retention period from
//! now, to now plus the full period. As long as maintenance runs at least once
//! every third of the period, no data a retained snapshot needs ever becomes
//! deletable; data is held at most one period past the last retained snapshot
//! that needs it. Ledger records whose time has passed protect nothing and are
//! removed. Below software grade the config and every key slot are
//! extended the same way: without them the held data cannot be read.

use crate::backend::ObjectKind;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::PackId;
use crate::remedy::Remedy;
use crate::repo::Repository;
use serde::Serialize;
use std::collections::HashSet;

/// One object to extend.
#[derive(Debug, Clone, Serialize)]
pub struct Extension {
    /// `data/ab/...`, `index/...`, ...
    pub object: String,
    /// Its current retain-until (RFC 3339), if any.
    pub from: Option<String>,
    #[serde(skip)]
    kind: ObjectKind,
    #[serde(skip)]
    name: String,
}

/// The plan.
#[derive(Debug, Clone, Serialize)]
pub struct MaintenancePlan {
    /// The new retain-until for extended objects (RFC 3339).
    pub until: String,
    /// Objects needed and due for extension.
    pub extend: Vec<Extension>,
    /// Objects needed and held long enough.
    pub held: usize,
    /// Snapshots still held, whose data is kept held.
    pub retained_snapshots: usize,
    /// Ledger records that have lapsed.
    pub lapsed_records: Vec<String>,
}

/// Plans a maintenance run; `Unsupported` for a repository without WORM.
pub fn plan(repo: &Repository, now: time::OffsetDateTime) -> Result<MaintenancePlan> {
    let worm = repo.worm().ok_or_else(|| {
        Error::new(
            ErrorKind::Unsupported,
            "the repository has no WORM rules: there is no retention to extend",
        )
    })?;
    let retention = worm.config().retention();
    let until = now + retention;
    let horizon = now + retention * 2 / 3;
    let (snaps, damaged) = repo.snapshots_checked()?;
    if let Some((name, e)) = damaged.first() {
        return Err(Error::corrupt(format!(
            "snapshot {name} cannot be read ({e}); maintenance cannot tell which data it needs"
        ))
        .remedy(Remedy::Verify { read_data: false })
        .hint("nothing was changed"));
    }
    let mut retained = Vec::new();
    for (id, m) in snaps {
        if worm
            .until(ObjectKind::Snapshot, &id.to_hex())?
            .is_some_and(|u| u > now)
        {
            retained.push((id, m));
        }
    }
    let used = crate::prune::blobs_of(repo, &retained)?;
    let retained_count = retained.len();
    let b = repo.backend();
    let mut packs = HashSet::new();
    for blob in &used {
        if let Some((p, _)) = repo.index().get(blob) {
            packs.insert(p);
        }
    }
    let mut needed: Vec<(ObjectKind, String)> = covering_index_files(repo, &packs)?
        .into_iter()
        .map(|n| (ObjectKind::Index, n))
        .collect();
    let mut packs: Vec<_> = packs.into_iter().collect();
    packs.sort();
    needed.extend(packs.into_iter().map(|p| (ObjectKind::Pack, p.to_hex())));
    // The config and key slots unlock all of it: held as long as the data.
    if worm.covers(ObjectKind::Key) {
        needed.push((ObjectKind::Config, "config".to_string()));
        needed.extend(
            b.list(ObjectKind::Key)?
                .into_iter()
                .map(|o| (ObjectKind::Key, o.name)),
        );
    }
    let mut extend = Vec::new();
    let mut held = 0;
    for (kind, name) in needed {
        let cur = worm.until(kind, &name)?;
        if cur.is_some_and(|c| c >= horizon) {
            held += 1;
        } else {
            extend.push(Extension {
                object: kind.path(&name),
                from: cur.map(crate::clock::rfc3339),
                kind,
                name,
            });
        }
    }
    Ok(MaintenancePlan {
        until: crate::clock::rfc3339(until),
        extend,
        held,
        retained_snapshots: retained_count,
        lapsed_records: worm.lapsed_records()?,
    })
}

/// The index files to keep held: enough of them to list every needed
/// pack, the ones listing most first. After prune consolidates the index,
/// that is the new file alone, so the many small files it replaced lapse
/// and a later prune removes them (and the packs only they listed), where
/// extending every file would hold them, and those packs, for ever.
fn covering_index_files(repo: &Repository, needed: &HashSet<PackId>) -> Result<Vec<String>> {
    let b = repo.backend();
    let mut files: Vec<(String, HashSet<PackId>)> = Vec::new();
    for o in b.list(ObjectKind::Index)? {
        let opened = crate::backend::read_open(b.as_ref(), ObjectKind::Index, &o.name, |bytes| {
            crate::index::open_index_file(repo.keys(), &o.name, bytes)
        });
        match opened {
            Ok(packs) => {
                let listed = packs.into_iter().map(|(p, _)| p);
                files.push((o.name, listed.filter(|p| needed.contains(p)).collect()));
            }
            // Damaged: no reader uses it, so holding it helps nobody.
            Err(e) if e.kind() == ErrorKind::Corrupt => {}
            Err(e) => return Err(e),
        }
    }
    Ok(cover(files, needed))
}

/// The fewest files (greedily: the one listing most of what is left
/// first) whose packs together include every needed pack they can, sorted.
fn cover(mut files: Vec<(String, HashSet<PackId>)>, needed: &HashSet<PackId>) -> Vec<String> {
    let mut left = needed.clone();
    let mut out = Vec::new();
    while !left.is_empty() {
        // Ties go to the smaller name: the same choice on every run.
        let best = files
            .iter()
            .enumerate()
            .map(|(i, (n, ps))| (ps.intersection(&left).count(), std::cmp::Reverse(n), i))
            .max();
        let Some((_, _, i)) = best.filter(|(c, _, _)| *c > 0) else {
            break; // the rest is listed by no readable index file
        };
        let (name, ps) = files.swap_remove(i);
        left.retain(|p| !ps.contains(p));
        out.push(name);
    }
    out.sort();
    out
}

/// Carries the plan out: extensions first, then removal of lapsed records.
pub fn execute(repo: &Repository, plan: &MaintenancePlan) -> Result<()> {
    let worm = repo
        .worm()
        .ok_or_else(|| Error::new(ErrorKind::Unsupported, "no WORM rules"))?;
    let until = crate::clock::parse_rfc3339(&plan.until)?;
    for e in &plan.extend {
        worm.retain(e.kind, &e.name, until)?;
    }
    for r in &plan.lapsed_records {
        match repo.backend().delete(ObjectKind::Retention, r) {
            Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ps: &[u8]) -> HashSet<PackId> {
        ps.iter().map(|b| PackId([*b; 32])).collect()
    }

    #[test]
    fn a_consolidated_file_alone_covers_what_the_small_ones_listed() {
        let files = vec![
            ("a".to_string(), set(&[1])),
            ("b".to_string(), set(&[2])),
            ("m".to_string(), set(&[1, 2, 3])),
            ("z".to_string(), set(&[3, 4])),
        ];
        assert_eq!(cover(files.clone(), &set(&[1, 2, 3])), vec!["m"]);
        // A pack only another file lists brings that file in too.
        assert_eq!(cover(files.clone(), &set(&[1, 2, 4])), vec!["m", "z"]);
        // Ties go to the smaller name; nothing needed, nothing held.
        assert_eq!(cover(files.clone(), &set(&[2])), vec!["b"]);
        assert!(cover(files, &set(&[])).is_empty());
    }
}
