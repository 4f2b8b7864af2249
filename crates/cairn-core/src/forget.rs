//! Forget: remove snapshot objects, by policy or by id. Plan first (a pure
//! function of the snapshots, the protected set, the policy and `now`), then
//! act. Forget removes only snapshot objects; the data they alone used is
//! removed by prune.

use crate::error::{Error, ErrorKind, Result};
use crate::ids::SnapshotId;
use crate::policy::{self, GroupBy, GroupDecision, Policy};
use crate::remedy::Remedy;
use crate::repo::Repository;
use crate::snapshot::SnapshotMeta;
use serde::Serialize;
use std::collections::BTreeSet;

/// What to forget.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Apply a retention policy.
    Policy {
        /// The rules.
        policy: Policy,
        /// How snapshots are grouped.
        group_by: GroupBy,
        /// Allow a plan that removes every snapshot of a group.
        allow_empty: bool,
    },
    /// These snapshots (already resolved).
    Ids(Vec<SnapshotId>),
}

/// The plan.
#[derive(Debug, Clone, Serialize)]
pub struct ForgetPlan {
    /// Per group, every snapshot with keep/remove and why (policy only).
    pub groups: Vec<GroupDecision>,
    /// Snapshots to remove, oldest first.
    pub remove: Vec<SnapshotId>,
    /// Snapshots kept.
    pub keep: usize,
}

/// Plans a forget. Refuses (InvalidInput) an empty policy, an explicit id that
/// is protected, and a policy that would empty a group unless allowed.
pub fn plan(
    snapshots: &[(SnapshotId, SnapshotMeta)],
    protected: &BTreeSet<SnapshotId>,
    sel: &Selection,
    tz: &jiff::tz::TimeZone,
    now: time::OffsetDateTime,
) -> Result<ForgetPlan> {
    match sel {
        Selection::Ids(ids) => {
            if let Some(p) = ids.iter().find(|i| protected.contains(i)) {
                return Err(
                    Error::invalid(format!("snapshot {} is protected", p.short()))
                        .remedy(Remedy::Unprotect),
                );
            }
            let want: BTreeSet<_> = ids.iter().copied().collect();
            let remove: Vec<_> = snapshots
                .iter()
                .map(|(i, _)| *i)
                .filter(|i| want.contains(i))
                .collect();
            Ok(ForgetPlan {
                groups: Vec::new(),
                keep: snapshots.len() - remove.len(),
                remove,
            })
        }
        Selection::Policy {
            policy,
            group_by,
            allow_empty,
        } => {
            if policy.is_empty() {
                return Err(Error::invalid("no retention rule given: forget would keep everything, or with a careless default remove everything")
                    .remedy(Remedy::RetentionRules));
            }
            let groups = policy::evaluate(snapshots, protected, policy, *group_by, tz, now);
            let mut remove = BTreeSet::new();
            for g in &groups {
                if !allow_empty && !g.decisions.is_empty() && g.decisions.iter().all(|d| !d.keep) {
                    return Err(Error::invalid(format!(
                        "the policy would remove all {} snapshot(s) of group {}",
                        g.decisions.len(),
                        describe_key(&g.key)
                    ))
                    .hint("a group with no snapshot left usually means its backups stopped; check them, or widen the policy")
                    .remedy(Remedy::AllowEmpty));
                }
                remove.extend(g.decisions.iter().filter(|d| !d.keep).map(|d| d.id));
            }
            let remove: Vec<_> = snapshots
                .iter()
                .map(|(i, _)| *i)
                .filter(|i| remove.contains(i))
                .collect();
            Ok(ForgetPlan {
                keep: snapshots.len() - remove.len(),
                groups,
                remove,
            })
        }
    }
}

fn describe_key(k: &policy::GroupKey) -> String {
    let mut parts = Vec::new();
    if let Some(h) = &k.host {
        parts.push(format!("host={h}"));
    }
    if let Some(p) = &k.paths {
        parts.push(format!("paths={}", p.join(",")));
    }
    if let Some(t) = &k.tags {
        parts.push(format!("tags={}", t.join(",")));
    }
    if let Some(s) = &k.spec {
        parts.push(format!("spec={s}"));
    }
    if parts.is_empty() {
        "(all snapshots)".into()
    } else {
        parts.join(" ")
    }
}

/// What a forget did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ForgetOutcome {
    /// Snapshot objects removed.
    pub removed: Vec<SnapshotId>,
    /// Snapshots WORM retention keeps for now, with why.
    pub retained: Vec<(SnapshotId, String)>,
}

/// Removes the planned snapshot objects. WORM-retained ones are reported, not fatal.
pub fn execute(repo: &Repository, plan: &ForgetPlan) -> Result<ForgetOutcome> {
    let mut out = ForgetOutcome::default();
    for id in &plan.remove {
        match repo.delete_snapshot(id) {
            Ok(()) => out.removed.push(*id),
            Err(e) if e.kind() == ErrorKind::NotFound => out.removed.push(*id),
            Err(e) if e.kind() == ErrorKind::WormLocked => out.retained.push((*id, e.to_string())),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_rfc3339;
    use crate::ids::BlobId;
    use crate::policy::Span;
    use crate::snapshot::SnapshotStats;

    fn id(n: u8) -> SnapshotId {
        SnapshotId([n; 32])
    }

    /// Snapshots of host `h`, path `/data`, one a day from 2026-11-01,
    /// oldest first; ids 1, 2, 3, ...
    fn daily(n: u8) -> Vec<(SnapshotId, SnapshotMeta)> {
        (1..=n)
            .map(|i| {
                let meta = SnapshotMeta {
                    version: 1,
                    time: format!("2026-11-{i:02}T12:00:00Z"),
                    spec: None,
                    host: "h".into(),
                    paths: vec!["/data".into()],
                    tags: vec![],
                    parent: None,
                    tree: BlobId([0; 32]),
                    incomplete: false,
                    errors: vec![],
                    stats: SnapshotStats::default(),
                    program: "test".into(),
                };
                (id(i), meta)
            })
            .collect()
    }

    fn keep_last(n: u32, allow_empty: bool) -> Selection {
        Selection::Policy {
            policy: Policy {
                keep_last: Some(n),
                ..Policy::default()
            },
            group_by: GroupBy::DEFAULT,
            allow_empty,
        }
    }

    fn run(
        snaps: &[(SnapshotId, SnapshotMeta)],
        protected: &[SnapshotId],
        sel: &Selection,
    ) -> Result<ForgetPlan> {
        plan(
            snaps,
            &protected.iter().copied().collect(),
            sel,
            &jiff::tz::TimeZone::UTC,
            parse_rfc3339("2026-12-01T00:00:00Z").unwrap(),
        )
    }

    #[test]
    fn a_policy_removes_the_rest_oldest_first_and_counts_what_stays() {
        let p = run(&daily(5), &[], &keep_last(2, false)).unwrap();
        assert_eq!(p.remove, vec![id(1), id(2), id(3)]);
        assert_eq!(p.keep, 2);
        assert_eq!(p.groups.len(), 1);
        assert_eq!(p.groups[0].decisions.len(), 5);
    }

    #[test]
    fn a_protected_snapshot_is_kept_by_a_policy() {
        let p = run(&daily(5), &[id(1)], &keep_last(2, false)).unwrap();
        assert_eq!(p.remove, vec![id(2), id(3)]);
        assert_eq!(p.keep, 3);
    }

    #[test]
    fn an_empty_policy_is_refused() {
        let sel = Selection::Policy {
            policy: Policy::default(),
            group_by: GroupBy::DEFAULT,
            allow_empty: true,
        };
        let e = run(&daily(3), &[], &sel).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("no retention rule"), "{e}");
    }

    #[test]
    fn a_policy_that_empties_a_group_is_refused_unless_allowed() {
        // keep-last 0 is "no rule"; a keep-within that reaches no snapshot
        // keeps nothing of the group.
        let span = Span {
            hours: 1,
            ..Span::default()
        };
        let sel = |allow_empty| Selection::Policy {
            policy: Policy {
                keep_within: Some(span),
                ..Policy::default()
            },
            group_by: GroupBy::DEFAULT,
            allow_empty,
        };
        let e = run(&daily(3), &[], &sel(false)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(
            e.to_string()
                .contains("remove all 3 snapshot(s) of group host=h paths=/data"),
            "{e}"
        );
        let p = run(&daily(3), &[], &sel(true)).unwrap();
        assert_eq!(p.remove, vec![id(1), id(2), id(3)]);
        assert_eq!(p.keep, 0);
    }

    #[test]
    fn ids_are_removed_in_snapshot_order_and_unknown_ids_are_ignored() {
        let sel = Selection::Ids(vec![id(3), id(9), id(1)]);
        let p = run(&daily(4), &[], &sel).unwrap();
        assert_eq!(p.remove, vec![id(1), id(3)]);
        assert_eq!(p.keep, 2);
        assert!(p.groups.is_empty());
    }

    #[test]
    fn a_protected_id_is_refused_by_name() {
        let sel = Selection::Ids(vec![id(2)]);
        let e = run(&daily(3), &[id(2)], &sel).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(
            e.to_string()
                .contains(&format!("snapshot {} is protected", id(2).short())),
            "{e}"
        );
    }
}
