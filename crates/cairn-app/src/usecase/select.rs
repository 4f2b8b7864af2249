//! Picking one snapshot: `latest`, a full id or a unique id prefix, among
//! the snapshots that pass the filters. With a spec, only the spec's own
//! snapshots ([`crate::spec::belongs`]) are candidates, for `latest` and for
//! ids alike, so "restore the latest of spec X" can never pick spec Y's.
//!
//! The front ends name a snapshot with this borrowed form; the core's
//! [`cairn_core::select`] does the work, reading only the snapshot objects
//! whose names an id or prefix fits.

use crate::config::SpecConfig;
use crate::error::Result;
use cairn_core::snapshot::SnapshotMeta;
use cairn_core::{Repository, SnapshotId};

/// Which snapshot, and among which.
#[derive(Debug, Clone, Copy)]
pub struct Selector<'a> {
    /// `latest`, a full id or a unique prefix.
    pub what: &'a str,
    /// Only this spec's snapshots.
    pub spec: Option<&'a SpecConfig>,
    /// Only snapshots taken on this host.
    pub host: Option<&'a str>,
    /// Only snapshots carrying every one of these tags.
    pub tags: &'a [String],
}

impl<'a> Selector<'a> {
    /// `what` among every snapshot.
    pub fn any(what: &'a str) -> Self {
        Selector {
            what,
            spec: None,
            host: None,
            tags: &[],
        }
    }

    /// `what` among the snapshots of `spec`.
    pub fn of_spec(what: &'a str, spec: &'a SpecConfig) -> Self {
        Selector {
            spec: Some(spec),
            ..Selector::any(what)
        }
    }

    /// The core's [`cairn_core::Selector`] for this one: the spec becomes
    /// its name and paths, so the core applies the one membership rule
    /// ([`crate::spec::belongs`]).
    pub fn to_core(&self) -> Result<cairn_core::Selector> {
        let mut sel = cairn_core::Selector::parse(self.what)?
            .host(self.host)
            .tags(self.tags);
        if let Some(s) = self.spec {
            sel = sel.spec(&s.name, crate::spec::path_strings(s));
        }
        Ok(sel)
    }
}

/// The snapshot `sel` names: [`Repository::select`], which reads only the
/// snapshot objects an id or prefix can name.
pub fn select(repo: &Repository, sel: &Selector<'_>) -> Result<(SnapshotId, SnapshotMeta)> {
    Ok(repo.select(&sel.to_core()?)?)
}

/// The snapshots `sels` name (none: every snapshot), each once, oldest
/// first: for the commands that take several.
pub fn select_many(
    repo: &Repository,
    sels: &[Selector<'_>],
) -> Result<Vec<(SnapshotId, SnapshotMeta)>> {
    if sels.is_empty() {
        return Ok(repo.snapshots()?);
    }
    let mut v: Vec<(SnapshotId, SnapshotMeta)> = Vec::new();
    for s in sels {
        let p = select(repo, s)?;
        if !v.iter().any(|(id, _)| *id == p.0) {
            v.push(p);
        }
    }
    v.sort_by(|x, y| (&x.1.time, x.0).cmp(&(&y.1.time, y.0)));
    Ok(v)
}
