//! The gate's report value: what `rg7_report.json` holds (schema in
//! docs/rg7_report.schema.json). Everything else the gate writes (the summary,
//! the badge) is rendered from this value alone, so the server can serve the
//! last result without re-running anything.

use serde::Serialize;
use serde_json::Value;

/// Bumped when a field changes meaning or disappears (adding fields does not).
/// 2: `seed` is a decimal string (in 1 a number, which JavaScript rounds
/// above 2^53, so a browser could not repeat a run).
pub const REPORT_VERSION: u32 = 2;

/// A u64 as a decimal string: JSON numbers above 2^53 lose digits in
/// JavaScript, and a seed must survive a round trip exactly.
fn decimal<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// One gate run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`REPORT_VERSION`].
    pub version: u32,
    /// When the gate ran (RFC 3339, UTC): "now" for RPO.
    pub time: String,
    /// The seed that chose the sample snapshot, the verify subset and the
    /// plaintext windows; `--seed` with it repeats the same choices.
    #[serde(serialize_with = "decimal")]
    pub seed: u64,
    /// True when every check passed or was waived.
    pub pass: bool,
    /// One per check id, in [`super::CHECK_IDS`] order.
    pub checks: Vec<CheckResult>,
    /// One per spec the gate looked at.
    pub specs: Vec<SpecReport>,
    /// The files whose SHA-256 was checked (written to `sample_manifest.json`).
    #[serde(skip)]
    pub sample: Vec<SampleFile>,
}

/// One check's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// `dr_presence`, `dr_integrity`, `dr_policy`, `dr_targets`, `dr_perf` or `dr_replica`.
    pub id: String,
    /// Passed, or failed but waived.
    pub pass: bool,
    /// A waiver in the config accepted a failure.
    pub waived: bool,
    /// Why it failed (every cause, `; `-joined), or the waiver's reason; null on a clean pass.
    pub reason: Option<String>,
    /// What was measured (check-specific).
    pub details: Value,
    /// Per-spec outcomes, when the check is per spec.
    pub specs: Vec<SpecCheck>,
    /// Things worth fixing that do not fail the check.
    pub warnings: Vec<String>,
}

/// One spec's outcome within a check.
#[derive(Debug, Clone, Serialize)]
pub struct SpecCheck {
    pub name: String,
    pub pass: bool,
    /// Why it failed; null when it passed.
    pub reason: Option<String>,
}

/// What the gate found for one spec.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SpecReport {
    pub name: String,
    pub repository: String,
    /// Age of the recovery point (the newest snapshot that verified and restored), seconds.
    pub rpo_seconds: Option<i64>,
    /// Measured (or extrapolated) time to unlock, verify and restore, seconds.
    pub rto_seconds: Option<f64>,
    /// The config's `rpo`, as written.
    pub rpo_target: Option<String>,
    /// The config's `rto`, as written.
    pub rto_target: Option<String>,
    /// True when only part of the snapshot was restored and RTO was scaled by bytes.
    pub rto_extrapolated: bool,
    /// The parts RTO is made of.
    pub rto_parts: RtoParts,
    /// The spec's newest snapshot.
    pub latest: Option<SnapshotCheck>,
    /// A seeded random older snapshot (null when the spec has only one).
    pub sample: Option<SnapshotCheck>,
    /// When the newest snapshot failed: the older ones tried, newest first.
    pub fallback: Vec<SnapshotCheck>,
    /// The snapshot RPO is measured from, if any verified and restored.
    pub recovery_point: Option<String>,
    /// Number of snapshots of this spec.
    pub snapshots: usize,
    /// Plain-language notes (why a fallback happened, what was extrapolated).
    pub notes: Vec<String>,
    /// The spec's copies in each `[[replica]]` holding it, drilled like the
    /// spec's own repository (dr_integrity) and aged against the replica's
    /// rpo (dr_replica).
    pub replicas: Vec<ReplicaReport>,
}

/// What the gate found for one spec in one replica.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReplicaReport {
    /// The `[[replica]]`'s name.
    pub replica: String,
    /// Its repository's name.
    pub repository: String,
    /// Snapshots of the spec in the replica.
    pub snapshots: usize,
    /// The newest of them, verified and restored.
    pub latest: Option<SnapshotCheck>,
    /// Older ones tried when the newest failed, newest first.
    pub fallback: Vec<SnapshotCheck>,
    /// The replica snapshot a restore from the replica would use, if any verified and restored.
    pub recovery_point: Option<String>,
    /// Age of that recovery point, seconds.
    pub rpo_seconds: Option<i64>,
    /// The replica's `rpo`, as written.
    pub rpo_target: Option<String>,
    /// Why nothing could be checked, or what fell back.
    pub notes: Vec<String>,
}

/// The measured parts of RTO.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RtoParts {
    pub unlock_seconds: f64,
    pub verify_seconds: f64,
    pub restore_seconds: f64,
    /// Bytes actually restored and hash-checked.
    pub restored_bytes: u64,
    /// Bytes in the whole snapshot.
    pub total_bytes: u64,
}

/// One snapshot put through verify (and, for the recovery point, restore).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SnapshotCheck {
    pub id: String,
    pub time: String,
    /// Verify (structure and the seeded data subset) found no damage.
    pub verified: bool,
    /// Packs read by the data subset.
    pub packs_read: usize,
    /// What verify found wrong (capped).
    pub damage: Vec<String>,
    /// Restored and every restored file matched its manifest SHA-256 (null: not restored).
    pub restored: Option<bool>,
    /// Files whose SHA-256 was checked after the restore.
    pub files_checked: u64,
    /// Files that were missing or did not match (capped; paths as in the manifest).
    pub mismatches: Vec<String>,
    /// Why it could not be checked at all.
    pub error: Option<String>,
}

/// One checked file in `sample_manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct SampleFile {
    pub spec: String,
    pub snapshot: String,
    /// `sha256(salt || path)`, first 16 hex digits; the salt is random per run and never written.
    pub path_hash: String,
    /// The extension alone (after the last dot of the file name), if short.
    pub ext: Option<String>,
    pub size: u64,
    pub sha256: String,
    /// The restored copy matched.
    pub ok: bool,
}

impl Report {
    /// The report as JSON (what `rg7_report.json` holds).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
