//! Restore: plan, then act.
//!
//! [`plan`] compares a snapshot with the target and decides, per entry, to
//! create, overwrite, skip (already identical) or refuse (with the reason);
//! `--dry-run` prints that plan and touches nothing. [`execute`] takes the
//! plan and carries it out:
//!
//! - every file is written under a temporary name in its own directory, its
//!   SHA-256 compared with the snapshot's, and only then renamed into place,
//!   so a blob that fails authentication is never written under a real name;
//! - a file that cannot be restored is reported and the rest continue;
//! - every write is relative to a directory opened with `O_NOFOLLOW`
//!   ([`safe_fs`]), so nothing outside the target is ever created, changed
//!   or deleted, whatever the snapshot or the target contains;
//! - running the same restore again writes nothing: identical files are
//!   skipped, and a file whose content is right but whose mode, owner or time
//!   differ has only those set ([`Action::FixMetadata`]), through a
//!   descriptor, never by path;
//! - metadata is set only through descriptors opened without following
//!   symlinks, after `fstat` shows the object restore made (see [`safe_fs`]);
//! - a directory nested deeper than [`crate::manifest::MAX_DEPTH`] is refused
//!   on its own; the rest of the snapshot is still restored.
//!
//! [`restore`] does both a batch at a time ([`streamed`]), so that a restore
//! holds per-directory state, not per-file state for the whole snapshot.

mod exec;
mod plan;
pub mod safe_fs;
mod schedule;
mod streamed;
mod write;

pub use crate::place::Place;
pub use exec::{execute, execute_watched, RestoreReport};
pub use plan::plan;
#[cfg(feature = "fuzzing")]
pub(crate) use plan::plan_streamed;
pub use streamed::{restore, restore_in_batches_of, Refusal, Restoration, BATCH};

use crate::error::{Error, ErrorKind, Result};
use crate::ids::SnapshotId;
use crate::tree::{Node, NodeType};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Prefix of the temporaries restore writes before renaming into place; a
/// later restore removes any it finds (left by a killed run).
pub const TEMP_PREFIX: &[u8] = b".cairn-tmp-";

/// What to do with a file that already exists in the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Overwrite {
    /// Keep whatever is there.
    Never,
    /// Replace it when its content differs (the default).
    IfChanged,
    /// Replace it even when identical.
    Always,
}

/// Restore settings.
#[derive(Debug, Clone)]
pub struct RestoreOptions {
    /// Where to restore.
    pub target: PathBuf,
    /// Only paths matching one of these globs (and what is below them).
    pub include: Vec<String>,
    /// Not paths matching these globs (nor what is below them).
    pub exclude: Vec<String>,
    /// Existing files.
    pub overwrite: Overwrite,
    /// Remove target entries that are not in the snapshot.
    pub delete: bool,
    /// Worker threads.
    pub workers: usize,
    /// Create device nodes and keep setuid/setgid bits (both need root). A
    /// system restore needs them; a restore for a user or through a service
    /// account should not create them.
    pub special: bool,
}

/// A restore's live counters: files and bytes the plan writes, and landed.
pub type RestoreProgress = crate::progress::WorkProgress;

/// The decision for one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "action", content = "reason")]
pub enum Action {
    /// Nothing there yet.
    Create,
    /// Something different is there and will be replaced.
    Overwrite,
    /// Already identical (or kept by `--overwrite never`).
    Skip(String),
    /// The content is already right; mode, owner or time are set, with what differs.
    FixMetadata(String),
    /// Will not be touched, with the reason.
    Refuse(String),
    /// Not in the snapshot; removed by `--delete`.
    Delete,
}

/// One entry of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanEntry {
    /// Where it is below the target; in JSON its `/`-separated path
    /// (lossy for non-UTF-8 names).
    #[serde(rename = "path")]
    pub place: Place,
    /// Entry type.
    #[serde(rename = "type")]
    pub kind: NodeType,
    /// What will happen.
    #[serde(flatten)]
    pub action: Action,
    /// Bytes to write.
    pub bytes: u64,
    /// A device node or a setuid/setgid entry (see [`RestoreOptions::special`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub special: bool,
    /// The snapshot's node (absent for deletions).
    #[serde(skip)]
    pub node: Option<Node>,
}

impl PlanEntry {
    /// Its path from the target, `/`-separated (lossy for non-UTF-8 names).
    pub fn path(&self) -> String {
        self.place.path()
    }
}

/// What a restore will do.
#[derive(Debug, Clone, Serialize)]
pub struct RestorePlan {
    /// The snapshot.
    pub snapshot: SnapshotId,
    /// The target directory.
    pub target: PathBuf,
    /// Every entry in tree order (directories before their contents).
    pub entries: Vec<PlanEntry>,
    /// Totals.
    pub totals: PlanTotals,
}

/// Counts of a plan.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanTotals {
    /// Entries to create.
    pub create: u64,
    /// Entries to overwrite.
    pub overwrite: u64,
    /// Entries already identical or kept.
    pub skip: u64,
    /// Files whose content is right and whose metadata will be set.
    pub fix_metadata: u64,
    /// Entries refused.
    pub refuse: u64,
    /// Entries to delete.
    pub delete: u64,
    /// Device nodes and setuid/setgid entries in the selection (created or
    /// kept only when special files are allowed).
    pub special: u64,
    /// Bytes to write.
    pub bytes: u64,
}

/// Refuses a target outside every allowed root (after resolving symlinks in
/// the target path itself). An empty list allows everything.
pub fn check_allowed(target: &Path, allow: &[PathBuf]) -> Result<PathBuf> {
    let abs = std::path::absolute(target).map_err(|e| Error::io(target.display(), e))?;
    // Resolve the longest existing prefix; the rest will be created as directories.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_owned()),
            existing.parent(),
        ) {
            (Some(n), Some(p)) => {
                rest.push(n);
                existing = p.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .map_err(|e| Error::io(existing.display(), e))?;
    for n in rest.into_iter().rev() {
        if n == ".." || n == "." {
            return Err(Error::invalid(format!(
                "restore target {} contains `.` or `..` past existing folders",
                target.display()
            )));
        }
        resolved.push(n);
    }
    if allow.is_empty() {
        return Ok(resolved);
    }
    // A root that does not exist cannot be resolved (its symlinks are
    // unknown), so it allows nothing; the error says so rather than
    // calling the target "outside".
    let mut missing = Vec::new();
    for root in allow {
        match root.canonicalize() {
            Ok(r) if resolved.starts_with(&r) => return Ok(resolved),
            Ok(_) => {}
            Err(_) => missing.push(root.display().to_string()),
        }
    }
    if !missing.is_empty() && allow.iter().any(|r| abs.starts_with(r)) {
        return Err(Error::new(
            ErrorKind::PermissionDenied,
            format!(
                "restore target {}: the allowed root {} does not exist",
                target.display(),
                missing.join(", ")
            ),
        )
        .hint("create the allowed root folder first (an allowed root must exist, so its real location is known)"));
    }
    Err(Error::new(
        ErrorKind::PermissionDenied,
        format!(
            "restore target {} is outside the allowed roots ({})",
            resolved.display(),
            allow
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .hint("restore under an allowed root, or change [restore] allow-roots / CAIRN_RESTORE_ALLOW"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_roots_resolve_and_a_missing_root_is_named() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("restore");
        std::fs::create_dir(&root).unwrap();
        let ok = check_allowed(&root.join("new/sub"), std::slice::from_ref(&root)).unwrap();
        assert!(ok.ends_with("restore/new/sub"));
        let e =
            check_allowed(&d.path().join("elsewhere"), std::slice::from_ref(&root)).unwrap_err();
        assert!(e.to_string().contains("outside the allowed roots"), "{e}");
        // A symlink out of the root is outside.
        std::os::unix::fs::symlink(d.path(), root.join("escape")).unwrap();
        let e = check_allowed(&root.join("escape/x"), std::slice::from_ref(&root)).unwrap_err();
        assert!(e.to_string().contains("outside"), "{e}");
        let missing = d.path().join("not-yet");
        let e = check_allowed(&missing.join("x"), std::slice::from_ref(&missing)).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}
