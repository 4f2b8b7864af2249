//! What a job is and what it returns, as types: the states a job moves
//! through, the kinds of work, and one result struct per kind. The HTTP
//! answer is their serde form (the field names are the API; docs/SERVER.md),
//! and the runner, the metrics and the console read the same fields, so no
//! handler looks a value up by a string key.

use cairn_core::forget::ForgetOutcome;
use cairn_core::ids::SnapshotId;
use cairn_core::restore::{PlanTotals, RestoreReport};
use cairn_core::snapshot::{SnapshotStats, SourceError};
use cairn_core::verify::VerifyReport;
use schemars::JsonSchema;
use serde::Serialize;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    /// Still running when the server stopped at the end of its grace period.
    Cancelled,
}

impl JobState {
    /// Queued or running.
    pub fn is_active(self) -> bool {
        matches!(self, JobState::Queued | JobState::Running)
    }

    /// The word the audit log and the API use.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }
}

/// What kind of work a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    Backup,
    Restore,
    Verify,
    Forget,
    Gate,
    Replica,
}

impl JobKind {
    /// The word the audit log and the API use.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Backup => "backup",
            JobKind::Restore => "restore",
            JobKind::Verify => "verify",
            JobKind::Forget => "forget",
            JobKind::Gate => "gate",
            JobKind::Replica => "replica",
        }
    }
}

/// Live counters of a running backup (it does not know its total in advance).
#[derive(Debug, Clone, Copy, Default, Serialize, JsonSchema)]
pub struct BackupProgress {
    pub files_done: u64,
    pub bytes_done: u64,
    pub bytes_read: u64,
}

/// A finished job's result, one variant per kind (serialised as the
/// variant's fields alone).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum JobResult {
    Backup(BackupResult),
    Restore(RestoreResult),
    Verify(VerifyResult),
    Forget(RetentionResult),
    Gate(GateVerdict),
    Replica(ReplicaResult),
}

/// A replica run: what was copied into the replica, per spec.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReplicaResult {
    /// The `[[replica]]`'s name.
    pub replica: String,
    /// Its destination repository's name.
    pub repository: String,
    pub specs: Vec<cairn_app::usecase::replicate::SpecCopied>,
}

/// A backup: the snapshot written and, after a scheduled backup of a spec
/// with a policy, what retention removed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BackupResult {
    pub snapshot_id: String,
    /// Some source entries could not be read (listed in `errors`).
    pub incomplete: bool,
    pub errors: Vec<SourceError>,
    pub stats: SnapshotStats,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<RetentionResult>,
    /// The spec's `before` and `after` hooks that ran, with what they printed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<cairn_app::hooks::HookRun>,
    /// The repository's size in storage right after the backup (all its
    /// objects' bytes but the locks); absent when it could not be listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_bytes: Option<u64>,
}

/// A restore, or its plan alone for a dry run.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RestoreResult {
    pub snapshot_id: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// What was done; absent for a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<RestoreReport>,
    /// The plan's counts.
    pub totals: PlanTotals,
}

/// A verify of one snapshot.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VerifyResult {
    pub snapshot_id: String,
    /// Nothing was found damaged.
    pub ok: bool,
    pub report: VerifyReport,
}

/// A spec's retention policy applied.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RetentionResult {
    /// Snapshots removed.
    pub removed: Vec<SnapshotId>,
    /// Snapshots the policy would remove but storage WORM still holds.
    pub retained: usize,
    /// Snapshots the policy keeps.
    pub kept: usize,
}

impl RetentionResult {
    /// From the plan's kept count and what the removal did.
    pub fn new(kept: usize, out: ForgetOutcome) -> Self {
        RetentionResult {
            removed: out.removed,
            retained: out.retained.len(),
            kept,
        }
    }
}

/// A gate run, short: pass, each check's verdict and where the report is
/// (the whole report is `GET /api/v1/dr/gate` and the artifacts).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct GateVerdict {
    pub pass: bool,
    pub time: String,
    /// In decimal, as in the report: JavaScript rounds numbers above 2^53.
    #[serde(serialize_with = "decimal")]
    #[schemars(with = "String")]
    pub seed: u64,
    pub checks: Vec<CheckVerdict>,
    /// The folder the artifacts were written to.
    pub out: String,
}

/// A u64 as a decimal string (the gate report's form of the seed).
fn decimal<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// One check's verdict.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CheckVerdict {
    pub id: String,
    pub pass: bool,
    pub waived: bool,
    pub reason: Option<String>,
}

impl GateVerdict {
    /// The short form of `report`, written to `out`.
    pub fn of(report: &cairn_app::gate::report::Report, out: &std::path::Path) -> Self {
        GateVerdict {
            pass: report.pass,
            time: report.time.clone(),
            seed: report.seed,
            checks: report
                .checks
                .iter()
                .map(|c| CheckVerdict {
                    id: c.id.clone(),
                    pass: c.pass,
                    waived: c.waived,
                    reason: c.reason.clone(),
                })
                .collect(),
            out: out.display().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_serde_form_is_the_api_clients_already_read() {
        assert_eq!(json!(JobState::Succeeded), json!("succeeded"));
        assert_eq!(json!(JobKind::Gate), json!("gate"));
        let dry = JobResult::Restore(RestoreResult {
            snapshot_id: "ab".into(),
            dry_run: true,
            report: None,
            totals: PlanTotals::default(),
        });
        let v = json!(dry);
        assert_eq!(v["dry_run"], true);
        assert!(v.get("report").is_none(), "{v}");
        let done = JobResult::Restore(RestoreResult {
            snapshot_id: "ab".into(),
            dry_run: false,
            report: Some(RestoreReport::default()),
            totals: PlanTotals::default(),
        });
        let v = json!(done);
        assert!(v.get("dry_run").is_none(), "{v}");
        assert_eq!(v["report"]["files_written"], 0);
        let kept = JobResult::Forget(RetentionResult::new(3, ForgetOutcome::default()));
        assert_eq!(
            json!(kept),
            json!({"removed": [], "retained": 0, "kept": 3})
        );
    }
}
