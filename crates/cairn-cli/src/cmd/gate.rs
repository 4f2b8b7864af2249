//! `cairn gate`: runs the recovery gate (cairn_app::gate) and writes its
//! artifacts. Exit 0 only when every check passed or was waived.

use crate::cli::{GateArgs, Global};
use crate::exit;
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_app::gate::report::Report;
use cairn_app::gate::{self, GateOptions};
use serde::Serialize;
use std::io;
use std::sync::Arc;

pub fn run(g: &Global, a: &GateArgs) -> Result<u8> {
    let seed = a.seed.unwrap_or_else(|| {
        u64::from_le_bytes(cairn_core::crypto::random_array().unwrap_or([7; 8]))
    });
    // A config that does not load is dr_presence failing, with a report like any other.
    let report = match super::serve::load(a.config.as_deref()) {
        Err(e) => gate::unloadable(&e.to_string(), seed, time::OffsetDateTime::now_utc()),
        Ok(cfg) => {
            let mut opts = GateOptions::new(seed, a.out.clone());
            opts.specs = a.specs.clone();
            opts.workers = std::thread::available_parallelism()
                .map(|n| n.get().min(4))
                .unwrap_or(2);
            gate::run(&cfg, &opts, Arc::new(crate::wallclock::WallClock))?
        }
    };
    let files = gate::artifacts::write_all(&a.out, &report)?;
    let code = emit(g, &Gated { report, seed })?;
    if !g.quiet {
        for f in files {
            eprintln!("wrote {}", f.display());
        }
    }
    Ok(code)
}

/// The gate's report (the app's document, as `rg7_report.json` holds it)
/// and, for people, one line per check.
#[derive(Serialize)]
#[serde(transparent)]
struct Gated {
    report: Report,
    #[serde(skip)]
    seed: u64,
}

impl Render for Gated {
    const SORTED_KEYS: bool = true;

    fn text(&self, t: &mut Term, _: &Global) -> io::Result<()> {
        for c in &self.report.checks {
            let word = match (c.pass, c.waived) {
                (true, true) => "WAIVED",
                (true, false) => "pass",
                _ => "FAIL",
            };
            let reason = c
                .reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            writeln!(t.out, "{word:<6} {}{reason}", c.id)?;
            for w in &c.warnings {
                writeln!(t.out, "       warning: {w}")?;
            }
        }
        let verdict = if self.report.pass { "pass" } else { "FAIL" };
        writeln!(t.out, "RG-7 {verdict} (seed {})", self.seed)
    }

    fn exit_code(&self) -> u8 {
        if self.report.pass {
            0
        } else {
            exit::ERROR
        }
    }
}
