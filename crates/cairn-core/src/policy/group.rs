//! Grouping: which snapshots share a history that the policy is applied to.

use crate::snapshot::SnapshotMeta;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Which snapshot fields split snapshots into groups that the policy is
/// applied to separately. `Default` is no grouping at all (one group);
/// [`GroupBy::DEFAULT`] is what `cairn forget` uses unless told otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupBy {
    /// Group by host name.
    pub host: bool,
    /// Group by the set of source paths.
    pub paths: bool,
    /// Group by the set of tags.
    pub tags: bool,
    /// Group by spec name.
    pub spec: bool,
}

impl GroupBy {
    /// Host and paths, as restic: each machine's each backup set has its own history.
    pub const DEFAULT: GroupBy = GroupBy {
        host: true,
        paths: true,
        tags: false,
        spec: false,
    };
}

impl FromStr for GroupBy {
    type Err = crate::Error;

    /// A comma list of `host`, `paths`, `tags`, `spec`; `""` or `none` for one group.
    fn from_str(s: &str) -> crate::Result<Self> {
        let mut g = GroupBy::default();
        if s.trim().is_empty() || s.trim() == "none" {
            return Ok(g);
        }
        for field in s.split(',').map(str::trim) {
            let flag = match field {
                "host" => &mut g.host,
                "paths" => &mut g.paths,
                "tags" => &mut g.tags,
                "spec" => &mut g.spec,
                _ => {
                    return Err(crate::Error::invalid(format!(
                        "{field:?} in {s:?} is not something snapshots can be grouped by"
                    ))
                    .hint("use a comma list of host, paths, tags, spec (e.g. host,paths), or none for a single group"))
                }
            };
            *flag = true;
        }
        Ok(g)
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = [
            (self.host, "host"),
            (self.paths, "paths"),
            (self.tags, "tags"),
            (self.spec, "spec"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect();
        if names.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&names.join(","))
        }
    }
}

/// The value of the grouped fields shared by a group. `None` = not grouped by
/// that field. Paths and tags are sorted and deduplicated; a snapshot taken
/// without a spec has spec `""` when grouping by spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct GroupKey {
    /// Host name.
    pub host: Option<String>,
    /// Source paths.
    pub paths: Option<Vec<String>>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Spec name.
    pub spec: Option<String>,
}

impl GroupKey {
    pub(super) fn of(meta: &SnapshotMeta, by: GroupBy) -> GroupKey {
        let set = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v
        };
        GroupKey {
            host: by.host.then(|| meta.host.clone()),
            paths: by.paths.then(|| set(&meta.paths)),
            tags: by.tags.then(|| set(&meta.tags)),
            spec: by.spec.then(|| meta.spec.clone().unwrap_or_default()),
        }
    }
}
