//! Maintenance: keep WORM retention ahead of the data that is still needed.
//!
//! The horizon rule: every run extends each object that a remaining snapshot
//! depends on (its snapshot object, every index file, every pack holding a
//! blob it uses, deduplicated chunks shared with newer snapshots included,
//! and protection markers) whose retain-until falls within two thirds of the
//! retention period from now, to now plus the full period. So as long as
//! maintenance runs at least once every third of the retention period, no
//! needed object ever reaches the end of its retention. Ledger records whose
//! time has passed protect nothing and are removed.

use crate::backend::ObjectKind;
use crate::error::{Error, ErrorKind, Result};
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
    let (_, used) = crate::prune::used_blobs(repo)?;
    let b = repo.backend();
    let mut needed: Vec<(ObjectKind, String)> = Vec::new();
    for k in [ObjectKind::Snapshot, ObjectKind::Index, ObjectKind::Protect] {
        needed.extend(b.list(k)?.into_iter().map(|o| (k, o.name)));
    }
    let mut packs = HashSet::new();
    for blob in &used {
        if let Some((p, _)) = repo.index().get(blob) {
            packs.insert(p);
        }
    }
    let mut packs: Vec<_> = packs.into_iter().collect();
    packs.sort();
    needed.extend(packs.into_iter().map(|p| (ObjectKind::Pack, p.to_hex())));
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
        lapsed_records: worm.lapsed_records()?,
    })
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
