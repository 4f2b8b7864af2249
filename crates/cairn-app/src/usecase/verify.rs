//! Verify, with the smoke restore: the structure and (some of) the data
//! checked by the core, then, when asked, each snapshot restored into a
//! scratch folder and every file re-hashed from disk, so "verified" also
//! means "restores".

use crate::error::{Error, Result};
use cairn_core::restore::{self, Overwrite, RestoreOptions};
use cairn_core::tree::NodeType;
use cairn_core::verify::{Damage, DataCheck, VerifyReport};
use cairn_core::{Repository, SnapshotId};
use sha2::{Digest, Sha256};

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
    let opts = RestoreOptions {
        target: scratch.path().join("root"),
        include: vec![],
        exclude: vec![],
        overwrite: Overwrite::Always,
        delete: false,
        workers,
        special: false,
    };
    let plan = restore::plan(repo, id, &meta.tree, &opts)?;
    let rep = restore::execute(repo, &plan, workers)?;
    let mut damage: Vec<Damage> = rep
        .errors
        .iter()
        .map(|e| Damage {
            object: format!("snapshot {id}"),
            error: format!("smoke restore of {}: {}", e.path, e.error),
            affects: vec![format!("{}:{}", id.short(), e.path)],
        })
        .collect();
    for e in cairn_core::manifest::manifest(repo, &meta.tree)? {
        if e.kind != NodeType::File {
            continue;
        }
        let path = opts
            .target
            .join(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&e.raw_path));
        let got = std::fs::read(&path).map(|b| hex::encode(Sha256::digest(&b)));
        if got.as_ref().ok() != e.sha256.as_ref() && !rep.errors.iter().any(|x| x.path == e.path) {
            damage.push(Damage {
                object: format!("snapshot {id}"),
                error: format!("smoke restore: {} does not match its SHA-256", e.path),
                affects: vec![format!("{}:{}", id.short(), e.path)],
            });
        }
    }
    Ok(damage)
}
