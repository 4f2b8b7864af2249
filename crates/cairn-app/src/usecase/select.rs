//! Picking one snapshot: `latest`, a full id or a unique id prefix, among
//! the snapshots that pass the filters. With a spec, only the spec's own
//! snapshots ([`crate::spec::belongs`]) are candidates, for `latest` and for
//! ids alike, so "restore the latest of spec X" can never pick spec Y's.

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

    /// Whether a snapshot passes the filters (not `what`).
    pub fn admits(&self, m: &SnapshotMeta) -> bool {
        self.spec.is_none_or(|s| crate::spec::belongs(s, m))
            && self.host.is_none_or(|h| m.host == h)
            && self.tags.iter().all(|t| m.tags.contains(t))
    }
}

/// The snapshot `sel` names.
pub fn select(repo: &Repository, sel: &Selector<'_>) -> Result<(SnapshotId, SnapshotMeta)> {
    let all: Vec<_> = repo
        .snapshots()?
        .into_iter()
        .filter(|(_, m)| sel.admits(m))
        .collect();
    Ok(cairn_core::repo::find_in(all, sel.what)?)
}
