//! `cairn gate`: runs the recovery gate (cairn_app::gate) and writes its
//! artifacts. Exit 0 only when every check passed or was waived.

use crate::cli::{GateArgs, Global};
use crate::exit;
use anyhow::Result;
use cairn_app::gate::{self, GateOptions};
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
    if g.json {
        crate::render::print_json(&report.to_value())?;
    } else {
        for c in &report.checks {
            let word = match (c.pass, c.waived) {
                (true, true) => "WAIVED",
                (true, false) => "pass",
                _ => "FAIL",
            };
            println!(
                "{word:<6} {}{}",
                c.id,
                c.reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            );
            for w in &c.warnings {
                println!("       warning: {w}");
            }
        }
        println!(
            "RG-7 {} (seed {seed})",
            if report.pass { "pass" } else { "FAIL" }
        );
    }
    if !g.quiet {
        for f in files {
            eprintln!("wrote {}", f.display());
        }
    }
    Ok(if report.pass { 0 } else { exit::ERROR })
}
