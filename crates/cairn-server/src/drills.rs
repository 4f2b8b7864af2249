//! The recovery gate inside `cairn serve`: a job like any other (one runner
//! for the API and the scheduler), whose report is written to `gate.out`,
//! kept for `GET /api/v1/dr/gate` and exported as metrics
//! (`dr_gate_pass{check}`, `dr_rpo_seconds{spec}`, `dr_rto_seconds{spec}`).
//! At startup the last report in `gate.out` is reloaded, so a restart does
//! not blank the dashboards until the next run.

use crate::ctx::Ctx;
use crate::error::Result;
use crate::gate::{self, GateOptions};
use crate::job_result::GateVerdict;
use crate::metrics::{CheckLabel, SpecLabel};
use serde_json::Value;

/// Runs the gate over `specs` (none: every spec), writes its artifacts and
/// records the report. The job's result is the verdict per check; the full
/// report is at `GET /api/v1/dr/gate` and in the artifacts.
pub fn run(ctx: &Ctx, specs: &[String]) -> Result<GateVerdict> {
    let out = ctx.cfg.gate_out();
    let seed = u64::from_le_bytes(cairn_core::crypto::random_array()?);
    let mut opts = GateOptions::new(seed, out.clone());
    opts.specs = specs.to_vec();
    let report = gate::run(&ctx.cfg, &opts, ctx.clock.clone())?;
    gate::artifacts::write_all(&out, &report)?;
    record(ctx, &report.to_value());
    ctx.notify.gate_ran(&report);
    Ok(GateVerdict::of(&report, &out))
}

/// Keeps a report as the last one and sets the gate metrics from it. Works
/// on the JSON form, so a report reloaded from disk counts the same.
pub fn record(ctx: &Ctx, report: &Value) {
    let m = &ctx.metrics;
    for c in report["checks"].as_array().into_iter().flatten() {
        if let Some(id) = c["id"].as_str() {
            m.gate_pass
                .get_or_create(&CheckLabel { check: id.into() })
                .set(i64::from(c["pass"] == true));
        }
    }
    for s in report["specs"].as_array().into_iter().flatten() {
        let Some(name) = s["name"].as_str() else {
            continue;
        };
        let label = SpecLabel { spec: name.into() };
        // A spec with nothing measured has no sample: absent beats a fake 0.
        match s["rpo_seconds"].as_f64() {
            Some(v) => {
                m.rpo_seconds.get_or_create(&label).set(v);
            }
            None => {
                m.rpo_seconds.remove(&label);
            }
        }
        match s["rto_seconds"].as_f64() {
            Some(v) => {
                m.rto_seconds.get_or_create(&label).set(v);
            }
            None => {
                m.rto_seconds.remove(&label);
            }
        }
    }
    if let Some(t) = report["time"]
        .as_str()
        .and_then(|t| cairn_core::clock::parse_rfc3339(t).ok())
    {
        m.gate_time.set(t.unix_timestamp() as f64);
    }
    if let Ok(mut last) = ctx.gate_last.lock() {
        *last = Some(report.clone());
    }
}

/// Reloads the last report written to `gate.out`, if any. A missing or
/// unreadable file only means no gate has run yet (logged, not fatal).
pub fn reload(ctx: &Ctx) {
    let path = ctx.cfg.gate_out().join(gate::artifacts::FILES[0]);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cannot read the last gate report");
            return;
        }
    };
    match serde_json::from_str::<Value>(&text) {
        // Version 1 differs only in the seed's JSON type, which is not read here.
        Ok(v) if v["version"] == gate::report::REPORT_VERSION || v["version"] == 1 => {
            record(ctx, &v)
        }
        Ok(_) => {
            tracing::warn!(path = %path.display(), "the last gate report has another version; ignored")
        }
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "the last gate report is not JSON; ignored")
        }
    }
}

/// When the last gate run happened (from its report), for the scheduler.
pub fn last_run(ctx: &Ctx) -> Option<time::OffsetDateTime> {
    let last = ctx.gate_last.lock().ok()?;
    let t = last.as_ref()?["time"].as_str()?;
    cairn_core::clock::parse_rfc3339(t).ok()
}
