use crate::cli::{Global, VerifyArgs};
use crate::context::{self, Access};
use crate::exit;
use anyhow::Result;
use cairn_app::usecase::verify::VerifyRequest;
use cairn_core::verify::DataCheck;
use cairn_core::SnapshotId;

pub fn run(g: &Global, a: &VerifyArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "verify")?;
    let workers = a.workers.unwrap_or_else(cairn_app::spec::default_workers);
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
    let smoke = match (a.smoke, ids.is_empty()) {
        (false, _) => Vec::new(),
        (true, true) => vec![repo.find_snapshot("latest")?.0],
        (true, false) => ids.clone(),
    };
    let started = std::time::Instant::now();
    let req = VerifyRequest {
        ids,
        data,
        smoke,
        workers,
    };
    let report = cairn_app::usecase::verify::verify(&repo, &req)?;
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
        if report.damage.iter().any(|d| d.error.starts_with("gone:")) {
            eprintln!("note: if another client forgot the snapshots reported gone, `cairn trust --reset` accepts the repository as it is");
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
