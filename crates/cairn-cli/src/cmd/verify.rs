use crate::cli::{Global, VerifyArgs};
use crate::context::{self, Access};
use crate::exit;
use anyhow::Result;
use cairn_core::restore::{self, Overwrite, RestoreOptions};
use cairn_core::tree::NodeType;
use cairn_core::verify::{verify, Damage, DataCheck};
use cairn_core::{Repository, SnapshotId};
use sha2::{Digest, Sha256};

pub fn run(g: &Global, a: &VerifyArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "verify")?;
    let workers = a.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let seed = a.seed.unwrap_or_else(|| {
        u64::from_le_bytes(cairn_core::crypto::random_array().unwrap_or([7; 8]))
    });
    let data = match (&a.read_data, &a.read_data_subset) {
        (true, _) => DataCheck::All,
        (false, Some(s)) => DataCheck::parse_subset(s, seed)?,
        _ => DataCheck::None,
    };
    let mut ids: Vec<SnapshotId> = Vec::new();
    for s in &a.snapshots {
        ids.push(repo.find_snapshot(s)?.0);
    }
    let started = std::time::Instant::now();
    let mut report = verify(&repo, &ids, data, workers)?;
    report.damage.extend(vanished(g, &repo)?);
    if a.smoke {
        let smoke_ids = if ids.is_empty() {
            vec![repo.find_snapshot("latest")?.0]
        } else {
            ids.clone()
        };
        for id in smoke_ids {
            report.damage.extend(smoke(&repo, id, workers)?);
        }
    }
    if g.json {
        let mut v = serde_json::to_value(&report)?;
        v["ok"] = report.damage.is_empty().into();
        if matches!(data, DataCheck::Percent { .. }) {
            v["seed"] = seed.into();
        }
        v["duration_s"] = started.elapsed().as_secs_f64().into();
        super::print_json(&v)?;
    } else {
        for d in &report.damage {
            eprintln!("DAMAGED {}: {}", d.object, d.error);
            for f in &d.affects {
                eprintln!("    affects {f}");
            }
        }
        if !g.quiet {
            let p = report.partial_objects;
            if p.count > 0 {
                eprintln!(
                    "note: {} partial object(s) left by killed runs ({}); prune removes them once older than 30 minutes",
                    p.count,
                    super::human_bytes(p.bytes)
                );
            }
            if let DataCheck::Percent { percent, .. } = data {
                eprintln!("data subset {percent}% chosen with --seed {seed}");
            }
            eprintln!(
                "checked {} snapshot(s), {} trees, {} blobs, {} packs; read {} packs ({}) in {:.1}s: {}",
                report.snapshots,
                report.trees,
                report.blobs,
                report.packs,
                report.packs_read,
                super::human_bytes(report.bytes_read),
                started.elapsed().as_secs_f64(),
                if report.damage.is_empty() { "no damage".to_string() } else { format!("{} damaged object(s)", report.damage.len()) }
            );
        }
    }
    Ok(if report.damage.is_empty() {
        0
    } else {
        exit::CORRUPT
    })
}

/// Restores a snapshot into a scratch directory and re-hashes every file from disk.
fn smoke(repo: &Repository, id: SnapshotId, workers: usize) -> Result<Vec<Damage>> {
    let (_, meta) = repo.find_snapshot(&id.to_hex())?;
    let scratch = tempfile::Builder::new().prefix("cairn-smoke-").tempdir()?;
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

/// Snapshots this client wrote and never forgot that the repository no
/// longer holds: deleting a snapshot object needs no key, so only a record
/// kept outside the storage can tell.
fn vanished(g: &Global, repo: &Repository) -> Result<Vec<Damage>> {
    let present: std::collections::HashSet<SnapshotId> = repo
        .backend()
        .list(cairn_core::ObjectKind::Snapshot)?
        .iter()
        .filter_map(|o| SnapshotId::from_hex(&o.name).ok())
        .collect();
    let loc = context::Location::resolve(g)?;
    Ok(crate::pinning::written(&loc)?
        .vanished(&present)?
        .iter()
        .map(|v| {
            let mut d = v.damage();
            d.error
                .push_str("; if another client forgot it, `cairn trust --reset` accepts the repository as it is");
            d
        })
        .collect())
}
