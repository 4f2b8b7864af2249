//! Picking one snapshot: `latest`, a full id or a unique id prefix, among
//! the snapshots that pass a [`Selector`]'s filters (spec, host, tags,
//! paths). Every front end names a snapshot through this one type, and
//! [`crate::Repository::select`] resolves it.
//!
//! The design decision is the order of work. Snapshot objects are named by
//! their ids, so an id or a prefix narrows the candidates on the backend's
//! listing of names, which is cheap, and only the snapshot objects whose
//! names match are read and opened ([`Selector::may_name`]). Only `latest`
//! has to read every snapshot, because it compares times. The filters
//! ([`Selector::matches`]) then run on what was read, and uniqueness is
//! counted after them: a prefix that two snapshots share is still unique
//! when only one of them passes the filters, exactly as when every snapshot
//! was read first.
//!
//! The spec filter is the one spec-membership rule,
//! [`SnapshotMeta::belongs_to`] (docs/ARCHITECTURE.md).

use crate::error::{Error, ErrorKind, Result};
use crate::ids::SnapshotId;
use crate::remedy::Remedy;
use crate::snapshot::SnapshotMeta;

/// Which snapshot, before the filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// The newest (by time, ties by id).
    Latest,
    /// Exactly this id.
    Id(SnapshotId),
    /// The one id starting with these hex digits (lowercase).
    Prefix(String),
}

/// The spec a snapshot must belong to ([`SnapshotMeta::belongs_to`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecFilter {
    /// The spec's name.
    pub name: String,
    /// The spec's source paths, as snapshots record them.
    pub paths: Vec<String>,
}

/// Which snapshot, and among which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// `latest`, a full id or a prefix.
    pub which: Which,
    /// What the user wrote, for messages.
    given: String,
    /// Only this spec's snapshots.
    pub spec: Option<SpecFilter>,
    /// Only snapshots taken on this host.
    pub host: Option<String>,
    /// Only snapshots carrying every one of these tags.
    pub tags: Vec<String>,
    /// Only snapshots of exactly these paths, in any order.
    pub paths: Option<Vec<String>>,
}

impl Selector {
    /// `latest`, a full id or a prefix (any case), among every snapshot.
    pub fn parse(what: &str) -> Result<Self> {
        let which = if what == "latest" {
            Which::Latest
        } else {
            let w = what.to_ascii_lowercase();
            if w.is_empty() || !w.bytes().all(|c| c.is_ascii_hexdigit()) {
                return Err(Error::invalid(format!(
                    "{what:?} is not a snapshot id, prefix or `latest`"
                )));
            }
            match SnapshotId::from_hex(&w) {
                Ok(id) => Which::Id(id),
                Err(_) => Which::Prefix(w),
            }
        };
        Ok(Selector {
            which,
            given: what.to_string(),
            spec: None,
            host: None,
            tags: Vec::new(),
            paths: None,
        })
    }

    /// The newest snapshot.
    pub fn latest() -> Self {
        Selector {
            which: Which::Latest,
            given: "latest".into(),
            spec: None,
            host: None,
            tags: Vec::new(),
            paths: None,
        }
    }

    /// Only the snapshots of the spec called `name` with source `paths`.
    pub fn spec(mut self, name: &str, paths: Vec<String>) -> Self {
        self.spec = Some(SpecFilter {
            name: name.to_string(),
            paths,
        });
        self
    }

    /// Only the snapshots taken on `host` (none: any host).
    pub fn host(mut self, host: Option<&str>) -> Self {
        self.host = host.map(str::to_string);
        self
    }

    /// Only the snapshots carrying every one of `tags`.
    pub fn tags(mut self, tags: &[String]) -> Self {
        self.tags = tags.to_vec();
        self
    }

    /// Whether a snapshot passes the filters (spec, host, tags, paths; not
    /// [`Selector::which`], which is about the id).
    pub fn matches(&self, m: &SnapshotMeta) -> bool {
        self.spec
            .as_ref()
            .is_none_or(|s| m.belongs_to(&s.name, &s.paths))
            && self.host.as_deref().is_none_or(|h| m.host == h)
            && self.tags.iter().all(|t| m.tags.contains(t))
            && self.paths.as_ref().is_none_or(|p| {
                let (mut want, mut have) = (p.clone(), m.paths.clone());
                want.sort();
                have.sort();
                want == have
            })
    }

    /// Whether the snapshot object called `name` can be the one selected,
    /// judged by its name alone: any for `latest`, else those whose name
    /// starts with the id or prefix.
    pub fn may_name(&self, name: &str) -> bool {
        match &self.which {
            Which::Latest => true,
            Which::Id(id) => name.eq_ignore_ascii_case(&id.to_hex()),
            Which::Prefix(w) => name
                .get(..w.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(w)),
        }
    }

    /// Whether this names a snapshot by its id or a prefix of it (not
    /// `latest`).
    pub fn names_an_id(&self) -> bool {
        !matches!(self.which, Which::Latest)
    }

    /// The selected snapshot among `candidates` (oldest first): the newest
    /// that passes the filters for `latest`, else the only one whose id fits.
    pub fn pick(
        &self,
        candidates: Vec<(SnapshotId, SnapshotMeta)>,
    ) -> Result<(SnapshotId, SnapshotMeta)> {
        let mut passing = candidates.into_iter().filter(|(_, m)| self.matches(m));
        if self.which == Which::Latest {
            return passing.next_back().ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    "the repository has no snapshot matching the filter",
                )
                .remedy(Remedy::ListSnapshots)
            });
        }
        let mut hits: Vec<_> = passing
            .filter(|(id, _)| self.may_name(&id.to_hex()))
            .collect();
        let what = &self.given;
        match hits.len() {
            0 => Err(Error::new(
                ErrorKind::NotFound,
                format!("no snapshot has an id starting with {what}"),
            )
            .remedy(Remedy::ListSnapshots)),
            1 => Ok(hits.remove(0)),
            n => Err(
                Error::invalid(format!("{n} snapshots have ids starting with {what}"))
                    .hint("give more digits of the id"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::BlobId;
    use crate::snapshot::SnapshotStats;

    fn meta(spec: Option<&str>, host: &str, paths: &[&str], tags: &[&str]) -> SnapshotMeta {
        SnapshotMeta {
            version: 1,
            time: "2026-01-01T00:00:00Z".into(),
            spec: spec.map(str::to_string),
            host: host.into(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            parent: None,
            tree: BlobId([0; 32]),
            incomplete: false,
            errors: vec![],
            stats: SnapshotStats::default(),
            program: "t".into(),
        }
    }

    #[test]
    fn matches_applies_every_filter_and_the_spec_rule() {
        let home = vec!["/home".to_string(), "/etc".to_string()];
        let any = Selector::latest();
        let m = meta(Some("home"), "a", &["/home", "/etc"], &["x", "y"]);
        assert!(any.matches(&m));

        let of_home = Selector::latest().spec("home", home.clone());
        assert!(of_home.matches(&m));
        // By hand, same paths in another order: belongs; another spec's: never.
        assert!(of_home.matches(&meta(None, "a", &["/etc", "/home"], &[])));
        assert!(!of_home.matches(&meta(Some("other"), "a", &["/home", "/etc"], &[])));
        assert!(!of_home.matches(&meta(None, "a", &["/home"], &[])));

        assert!(Selector::latest().host(Some("a")).matches(&m));
        assert!(!Selector::latest().host(Some("b")).matches(&m));
        assert!(Selector::latest().host(None).matches(&m));

        assert!(Selector::latest().tags(&["x".into()]).matches(&m));
        assert!(!Selector::latest()
            .tags(&["x".into(), "z".into()])
            .matches(&m));

        let mut by_paths = Selector::latest();
        by_paths.paths = Some(vec!["/etc".into(), "/home".into()]);
        assert!(by_paths.matches(&m));
        by_paths.paths = Some(vec!["/etc".into()]);
        assert!(!by_paths.matches(&m));
    }

    #[test]
    fn parse_tells_latest_ids_and_prefixes_apart() {
        assert_eq!(Selector::parse("latest").unwrap().which, Which::Latest);
        assert_eq!(
            Selector::parse("AB").unwrap().which,
            Which::Prefix("ab".into())
        );
        let id = SnapshotId([0xab; 32]);
        assert_eq!(
            Selector::parse(&id.to_hex().to_uppercase()).unwrap().which,
            Which::Id(id)
        );
        for bad in ["", "zz", "Latest", "ab-"] {
            assert_eq!(
                Selector::parse(bad).unwrap_err().kind(),
                ErrorKind::InvalidInput,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn may_name_narrows_on_names() {
        let id = SnapshotId([0xab; 32]);
        let p = Selector::parse("aB").unwrap();
        assert!(p.may_name(&id.to_hex()));
        assert!(p.may_name("ABCD"));
        assert!(!p.may_name("a"));
        assert!(!p.may_name(&SnapshotId([0xaa; 32]).to_hex()));
        let full = Selector::parse(&id.to_hex()).unwrap();
        assert!(full.may_name(&id.to_hex()));
        assert!(!full.may_name(&SnapshotId([0xaa; 32]).to_hex()));
        assert!(Selector::latest().may_name("anything"));
    }

    #[test]
    fn a_prefix_is_unique_among_the_snapshots_that_pass_the_filters() {
        let a = (SnapshotId([0xab; 32]), meta(None, "a", &["/x"], &[]));
        let b = (SnapshotId([0xac; 32]), meta(None, "b", &["/x"], &[]));
        let both = vec![a.clone(), b.clone()];
        let any = Selector::parse("a").unwrap();
        let e = any.pick(both.clone()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e
            .to_string()
            .contains("2 snapshots have ids starting with a"));
        let on_b = any.host(Some("b"));
        assert_eq!(on_b.pick(both.clone()).unwrap().0, b.0);
        let latest_on_a = Selector::latest().host(Some("a"));
        assert_eq!(latest_on_a.pick(both.clone()).unwrap().0, a.0);
        assert_eq!(
            Selector::latest()
                .host(Some("c"))
                .pick(both)
                .unwrap_err()
                .kind(),
            ErrorKind::NotFound
        );
    }
}
