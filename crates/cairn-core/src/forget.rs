//! Forget: remove snapshot objects, by policy or by id. Plan first (a pure
//! function of the snapshots, the protected set, the policy and `now`), then
//! act. Forget removes only snapshot objects; the data they alone used is
//! removed by prune.

use crate::error::{Error, ErrorKind, Result};
use crate::ids::SnapshotId;
use crate::policy::{self, GroupBy, GroupDecision, Policy};
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
                    Error::invalid(format!("snapshot {} is protected", p.short())).hint(
                        "run `cairn unprotect` first if it really must go (needs delete access)",
                    ),
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
                    .hint("give at least one rule, e.g. --keep-within 14d --keep-within-daily 90d (see docs/RETENTION.md)"));
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
                    .hint("a group with no snapshot left usually means its backups stopped; check them, widen the policy, or pass --allow-empty"));
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
