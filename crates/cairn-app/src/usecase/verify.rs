//! Verify, with the smoke restore: the structure and (some of) the data
//! checked by the core, then, when asked, each snapshot restored into a
//! scratch folder and every file re-hashed from disk, so "verified" also
//! means "restores".

use crate::error::{Error, Result};
use crate::rehash::{restore_and_rehash, Part};
use cairn_core::verify::{Damage, DataCheck, VerifyReport};
use cairn_core::{Repository, SnapshotId};

/// What to verify.
#[derive(Debug, Clone)]
pub struct VerifyRequest {
    /// The snapshots (none: the whole repository's structure).
    pub ids: Vec<SnapshotId>,
    pub data: DataCheck,
    /// Smoke-restore these snapshots after the check (none: no smoke test).
    pub smoke: Vec<SnapshotId>,
    pub workers: usize,
}

/// Verifies as `req` says; smoke-restore failures are damage in the report.
pub fn verify(repo: &Repository, req: &VerifyRequest) -> Result<VerifyReport> {
    verify_watched(repo, req, &cairn_core::progress::WorkProgress::default())
}

/// As [`verify`], counting the packs the data check reads into `progress`.
pub fn verify_watched(
    repo: &Repository,
    req: &VerifyRequest,
    progress: &cairn_core::progress::WorkProgress,
) -> Result<VerifyReport> {
    let mut report =
        cairn_core::verify::verify_watched(repo, &req.ids, req.data, req.workers, progress)?;
    for id in &req.smoke {
        report.damage.extend(smoke(repo, *id, req.workers)?);
    }
    Ok(report)
}

/// Restores a snapshot into a scratch directory and re-hashes every file from disk.
pub fn smoke(repo: &Repository, id: SnapshotId, workers: usize) -> Result<Vec<Damage>> {
    let (_, meta) = repo.find_snapshot(&id.to_hex())?;
    let scratch = tempfile::Builder::new()
        .prefix("cairn-smoke-")
        .tempdir()
        .map_err(|e| {
            Error::Io(format!(
                "cannot create a scratch folder for the smoke restore: {e}"
            ))
        })?;
    let manifest = cairn_core::manifest::manifest(repo, &meta.tree)?;
    let r = restore_and_rehash(
        repo,
        (id, &meta.tree),
        &manifest,
        &scratch.path().join("root"),
        Part::all(),
        workers,
    )?;
    let damage = |error: String, path: &str| Damage {
        object: format!("snapshot {id}"),
        error,
        affects: vec![format!("{}:{path}", id.short())],
    };
    let failed = &r.report.errors;
    // An empty path is the entry counting the errors the report does not list.
    let mut found: Vec<Damage> = failed
        .iter()
        .map(|e| match e.path.as_str() {
            "" => damage(format!("smoke restore: {}", e.error), ""),
            p => damage(format!("smoke restore of {p}: {}", e.error), p),
        })
        .collect();
    let reported: std::collections::HashSet<&str> =
        failed.iter().map(|e| e.path.as_str()).collect();
    for f in &r.files {
        let path = &f.entry.path();
        if !f.ok() && !reported.contains(path.as_str()) {
            found.push(damage(
                format!("smoke restore: {path} does not match its SHA-256"),
                path,
            ));
        }
    }
    Ok(found)
}
