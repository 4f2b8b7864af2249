//! What a spec means for its snapshots: which ones belong to it, and how it
//! is backed up.
//!
//! The membership rule is [`SnapshotMeta::belongs_to`] in the core (the
//! backup's parent choice needs it there): a snapshot belongs to spec S when
//! it records S's name, or records no spec and has exactly S's paths. The
//! gate, the scheduler's resume points, the job runner's `latest` and ids,
//! retention and the snapshot listing all ask [`belongs`] or
//! [`spec_snapshots`], so they always agree on what "the spec's snapshots"
//! are.

use crate::config::SpecConfig;
use cairn_core::backup::BackupOptions;
use cairn_core::snapshot::SnapshotMeta;
use cairn_core::SnapshotId;

/// The spec's paths as snapshots record them (what the core's selector
/// takes for its spec filter).
pub fn path_strings(spec: &SpecConfig) -> Vec<String> {
    if !spec.command.is_empty() {
        // A command's output is stored under its file name.
        return vec![spec.command_file().to_string()];
    }
    spec.paths.iter().map(|p| p.display().to_string()).collect()
}

/// Whether a snapshot belongs to a spec (the one rule; see the module docs).
pub fn belongs(spec: &SpecConfig, meta: &SnapshotMeta) -> bool {
    meta.belongs_to(&spec.name, &path_strings(spec))
}

/// [`belongs`] over the two fields it reads, for listings that keep only those.
pub fn belongs_fields(spec: &SpecConfig, snap_spec: Option<&str>, snap_paths: &[String]) -> bool {
    cairn_core::snapshot::belongs_to(snap_spec, snap_paths, &spec.name, &path_strings(spec))
}

/// The snapshots that belong to a spec ([`belongs`]), in the order given
/// (oldest first from the repository's listing).
pub fn spec_snapshots(
    all: Vec<(SnapshotId, SnapshotMeta)>,
    spec: &SpecConfig,
) -> Vec<(SnapshotId, SnapshotMeta)> {
    let paths = path_strings(spec);
    all.into_iter()
        .filter(|(_, m)| m.belongs_to(&spec.name, &paths))
        .collect()
}

/// How a spec is backed up, by the server and as `cairn plan` predicts.
pub fn backup_options(spec: &SpecConfig, now: time::OffsetDateTime) -> BackupOptions {
    BackupOptions {
        paths: spec.paths.clone(),
        tags: spec.tags.clone(),
        host: hostname(),
        excludes: spec.exclude.clone(),
        one_file_system: false,
        spec: Some(spec.name.clone()),
        now,
        workers: default_workers(),
        force: false,
        uploads: 2,
    }
}

/// Threads for CPU work: one per core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

/// This machine's host name, as recorded in snapshots (CLI and server alike,
/// so a spec's snapshots find their parents whichever made them).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}
