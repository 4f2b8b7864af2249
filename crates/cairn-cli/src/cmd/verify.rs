use crate::cli::{Global, VerifyArgs};
use crate::context::{self, Access};
use crate::exit;
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_app::usecase::verify::VerifyRequest;
use cairn_core::verify::{DataCheck, VerifyReport};
use cairn_core::SnapshotId;
use serde::Serialize;
use std::io;

pub fn run(g: &Global, a: &VerifyArgs) -> Result<u8> {
    // Verify checks the storage itself, never the local cache's copy of it.
    let g = &Global {
        no_cache: true,
        ..g.clone()
    };
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
    let progress = cairn_core::progress::WorkProgress::default();
    let report = crate::progress::watching(
        g,
        &progress,
        ("verify", "checking trees and index", "packs"),
        || cairn_app::usecase::verify::verify_watched(&repo, &req, &progress),
    )?;
    emit(
        g,
        &Verified {
            ok: report.damage.is_empty(),
            report,
            subset: match data {
                DataCheck::Percent { percent, .. } => Some(percent),
                _ => None,
            },
            seed: matches!(data, DataCheck::Percent { .. }).then_some(seed),
            duration_s: started.elapsed().as_secs_f64(),
        },
    )
}

/// What `cairn verify` found: the report's fields, then `ok`, the seed of a
/// data subset and the duration.
#[derive(Serialize)]
struct Verified {
    #[serde(flatten)]
    report: VerifyReport,
    ok: bool,
    /// The percentage of a `--read-data-subset N%`; the JSON shows only the seed.
    #[serde(skip)]
    subset: Option<f64>,
    /// The seed that chose a percentage subset (`--seed` repeats it).
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    duration_s: f64,
}

impl Render for Verified {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        let report = &self.report;
        for d in &report.damage {
            writeln!(t.err, "DAMAGED {}: {}", d.object, d.error)?;
            for f in &d.affects {
                writeln!(t.err, "    affects {f}")?;
            }
        }
        if report.damage.iter().any(|d| d.error.starts_with("gone:")) {
            writeln!(t.err, "note: if another client forgot the snapshots reported gone, `cairn trust --reset` accepts the repository as it is")?;
        }
        if g.quiet {
            return Ok(());
        }
        let p = report.partial_objects;
        if p.count > 0 {
            writeln!(
                t.err,
                "note: {} partial object(s) left by killed runs ({}); prune removes them once older than 30 minutes",
                p.count,
                crate::render::human_bytes(p.bytes)
            )?;
        }
        if let (Some(percent), Some(seed)) = (self.subset, self.seed) {
            writeln!(t.err, "data subset {percent}% chosen with --seed {seed}")?;
        }
        writeln!(
            t.err,
            "checked {} snapshot(s), {} trees, {} blobs, {} packs; read {} packs ({}) in {:.1}s: {}",
            report.snapshots,
            report.trees,
            report.blobs,
            report.packs,
            report.packs_read,
            crate::render::human_bytes(report.bytes_read),
            self.duration_s,
            if report.damage.is_empty() { "no damage".to_string() } else { format!("{} damaged object(s)", report.damage.len()) }
        )
    }

    fn exit_code(&self) -> u8 {
        if self.ok {
            0
        } else {
            exit::CORRUPT
        }
    }
}
