//! Forget by policy (or by id): plan which snapshots go, then, unless a dry
//! run, remove them. Protected snapshots are never removed (the plan keeps
//! them), and WORM refuses what it still holds; the plan says both.

use crate::config::SpecConfig;
use crate::error::Result;
use cairn_core::forget::{self, ForgetOutcome, ForgetPlan, Selection};
use cairn_core::policy::{GroupBy, Policy};
use cairn_core::snapshot::SnapshotMeta;
use cairn_core::{Repository, SnapshotId};
use std::collections::BTreeSet;

/// What forget decided, and what it did (None for a dry run).
pub struct Forgotten {
    pub plan: ForgetPlan,
    pub outcome: Option<ForgetOutcome>,
}

/// Plans which of `snaps` go by `sel` at `now` (days and weeks counted in
/// `tz`), and removes them unless `dry_run`.
pub fn forget(
    repo: &Repository,
    snaps: &[(SnapshotId, SnapshotMeta)],
    sel: &Selection,
    tz: &jiff::tz::TimeZone,
    now: time::OffsetDateTime,
    dry_run: bool,
) -> Result<Forgotten> {
    let protected: BTreeSet<_> = cairn_core::protect::protected(repo)?.into_keys().collect();
    let plan = forget::plan(snaps, &protected, sel, tz, now)?;
    let outcome = if dry_run {
        None
    } else {
        Some(forget::execute(repo, &plan)?)
    };
    Ok(Forgotten { plan, outcome })
}

/// Applies a spec's retention policy to the spec's own snapshots
/// ([`crate::spec::belongs`]), days counted in UTC so the result does not
/// depend on the server's zone. The repository must be open for deleting.
pub fn apply_retention(
    repo: &Repository,
    spec: &SpecConfig,
    policy: &Policy,
    now: time::OffsetDateTime,
) -> Result<Forgotten> {
    let mine = crate::spec::spec_snapshots(repo.snapshots()?, spec);
    let sel = Selection::Policy {
        policy: policy.clone(),
        group_by: GroupBy::DEFAULT,
        allow_empty: false,
    };
    forget(repo, &mine, &sel, &jiff::tz::TimeZone::UTC, now, false)
}
