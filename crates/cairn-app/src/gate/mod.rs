//! RG-7, the recovery gate: measures, for every spec in the server config,
//! that its backups exist, read back, restore bit-exact, are kept and
//! encrypted as configured, cannot be restored where they must not go, and
//! meet their RPO and RTO. Every check measures an outcome (a restore, a hash,
//! a refusal), never a job status. docs/GATE.md describes each check.
//!
//! [`run`] returns a [`Report`]; [`artifacts::write`] turns it into files.
//! Nothing here reads the wall clock: "now" comes from the caller's clock.

pub mod artifacts;
mod common;
pub mod hostile;
mod integrity;
mod policy;
pub mod render;
mod replica;
pub mod report;
mod targets;

use crate::config::{ServerConfig, SpecConfig};
use crate::error::{Error, Result};
use cairn_core::clock::Clock;
use common::{from_specs, short, spec_check, Opened};
pub use common::{human, GateOptions};
pub use report::{CheckResult, Report, SampleFile, SpecCheck, SpecReport};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The checks, in report order.
pub use crate::config::GATE_CHECK_IDS as CHECK_IDS;

/// Runs every check and returns the report (a failing check is a value in it,
/// not an error; errors are only for a gate that cannot run at all).
pub fn run(cfg: &ServerConfig, opts: &GateOptions, clock: Arc<dyn Clock>) -> Result<Report> {
    let now = clock.now();
    let specs: Vec<&SpecConfig> = if opts.specs.is_empty() {
        cfg.spec.iter().collect()
    } else {
        opts.specs
            .iter()
            .map(|n| {
                cfg.spec(n).ok_or_else(|| {
                    Error::NotFound(format!("no spec named {n:?} in the config (see [[spec]])"))
                })
            })
            .collect::<Result<_>>()?
    };
    std::fs::create_dir_all(&opts.scratch).map_err(|e| {
        Error::Io(format!(
            "cannot create the gate's folder {}: {e}",
            opts.scratch.display()
        ))
    })?;
    let scratch = tempfile::Builder::new()
        .prefix("rg7-scratch-")
        .tempdir_in(&opts.scratch)
        .map_err(|e| {
            Error::Io(format!(
                "cannot create a scratch folder in {}: {e}",
                opts.scratch.display()
            ))
        })?;

    // dr_presence: every repository the checked specs use opens with its key.
    let mut repos: BTreeMap<String, std::result::Result<Opened, String>> = BTreeMap::new();
    for s in &specs {
        repos
            .entry(s.repository.clone())
            .or_insert_with(|| Opened::open(cfg, &s.repository, &clock));
    }
    let presence = presence_check(cfg, &specs, &repos);

    // dr_integrity, per spec: latest + a seeded sample verified, latest restored and hashed.
    let mut spec_reports = Vec::new();
    let mut sample = Vec::new();
    let mut windows = BTreeMap::new();
    let salt: [u8; 16] = cairn_core::crypto::random_array()?;
    let mut replica_repos = replica::Repos::new();
    for (i, s) in specs.iter().enumerate() {
        let mut sr = SpecReport {
            name: s.name.clone(),
            repository: s.repository.clone(),
            rpo_target: s.rpo.clone(),
            rto_target: s.rto.clone(),
            ..SpecReport::default()
        };
        match repos.get(&s.repository) {
            Some(Ok(o)) => {
                sr.rto_parts.unlock_seconds = o.unlock_seconds;
                let ctx = integrity::Ctx {
                    repo: &o.repo,
                    opts,
                    seed: opts.seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                    scratch: scratch.path(),
                    salt: &salt,
                };
                let found = integrity::check_spec(&ctx, s, &mut sr)?;
                sample.extend(found.files);
                windows
                    .entry(s.repository.clone())
                    .or_insert_with(Vec::new)
                    .extend(found.windows);
            }
            Some(Err(e)) => sr
                .notes
                .push(format!("repository {} did not open: {e}", s.repository)),
            None => {}
        }
        let drill = replica::Drill {
            cfg,
            opts,
            // Another stream than the spec's own, so the replica's sample is its own.
            seed: (opts.seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)).rotate_left(32),
            scratch: scratch.path(),
            salt: &salt,
            clock: &clock,
            now,
        };
        sample.extend(drill.spec(s, &mut sr, &mut replica_repos)?);
        spec_reports.push(sr);
    }
    let integrity = integrity::summarise(&spec_reports, &repos, replica::integrity_fails);
    let policy = policy::check(&specs, &repos, &windows, opts, now);
    let targets = targets::check(cfg, scratch.path());
    let perf = perf_check(&mut spec_reports, &specs, now);
    let replicas = replica::check(&spec_reports, &specs);

    let mut checks = vec![presence, integrity, policy, targets, perf, replicas];
    apply_waivers(cfg, &mut checks);
    Ok(Report {
        version: report::REPORT_VERSION,
        time: cairn_core::clock::rfc3339(now),
        seed: opts.seed,
        pass: checks.iter().all(|c| c.pass),
        checks,
        specs: spec_reports,
        sample,
    })
}

/// The report when the config itself does not load: dr_presence fails with
/// the loader's message and every other check fails as not run (a config
/// that does not load cannot be waived: the waivers are in it).
pub fn unloadable(reason: &str, seed: u64, now: time::OffsetDateTime) -> Report {
    let checks = CHECK_IDS
        .iter()
        .map(|id| CheckResult {
            id: (*id).into(),
            pass: false,
            waived: false,
            reason: Some(if *id == "dr_presence" {
                format!("the config does not load: {reason}")
            } else {
                "not run: the config does not load".into()
            }),
            details: json!({}),
            specs: Vec::new(),
            warnings: Vec::new(),
        })
        .collect();
    Report {
        version: report::REPORT_VERSION,
        time: cairn_core::clock::rfc3339(now),
        seed,
        pass: false,
        checks,
        specs: Vec::new(),
        sample: Vec::new(),
    }
}

fn presence_check(
    cfg: &ServerConfig,
    specs: &[&SpecConfig],
    repos: &BTreeMap<String, std::result::Result<Opened, String>>,
) -> CheckResult {
    let mut details = serde_json::Map::new();
    for (name, r) in repos {
        let loc = cfg
            .repository
            .get(name)
            .map(|r| r.location.clone())
            .unwrap_or_default();
        details.insert(
            name.clone(),
            match r {
                Ok(o) => json!({
                    "location": loc, "opened": true,
                    "unlocked_slot": o.repo.unlocked_slot(),
                    "unlock_seconds": o.unlock_seconds,
                }),
                Err(e) => json!({"location": loc, "opened": false, "error": e}),
            },
        );
    }
    let per_spec = specs
        .iter()
        .map(|s| {
            let fails = match repos.get(&s.repository) {
                Some(Err(e)) => vec![format!("repository {} did not open: {e}", s.repository)],
                _ => vec![],
            };
            spec_check(&s.name, fails)
        })
        .collect();
    from_specs(
        "dr_presence",
        per_spec,
        json!({"config": "valid", "repositories": details}),
    )
}

/// dr_perf: RPO from the recovery point, RTO from the measured parts.
fn perf_check(
    reports: &mut [SpecReport],
    specs: &[&SpecConfig],
    now: time::OffsetDateTime,
) -> CheckResult {
    let mut per_spec = Vec::new();
    for (sr, s) in reports.iter_mut().zip(specs) {
        let mut fails = Vec::new();
        let parse = |v: &Option<String>| {
            v.as_deref()
                .and_then(|v| crate::duration::parse_duration(v).ok())
        };
        let (rpo_t, rto_t) = (parse(&s.rpo), parse(&s.rto));
        if rpo_t.is_none() {
            fails.push("no rpo is configured for the spec".to_string());
        }
        if rto_t.is_none() {
            fails.push("no rto is configured for the spec".to_string());
        }
        if let Some(l) = &sr.latest {
            if let Ok(t) = cairn_core::clock::parse_rfc3339(&l.time) {
                if t > now {
                    fails.push(format!(
                        "the newest snapshot {} is dated {}, after the gate's clock ({}): clock skew on the backup host or here; RPO cannot be trusted",
                        short(&l.id), l.time, cairn_core::clock::rfc3339(now)
                    ));
                }
            }
        }
        let rp = sr
            .recovery_point
            .as_ref()
            .and_then(|id| {
                sr.latest
                    .iter()
                    .chain(sr.fallback.iter())
                    .find(|c| &c.id == id)
            })
            .and_then(|c| cairn_core::clock::parse_rfc3339(&c.time).ok());
        match rp {
            None => fails.push(
                "no snapshot verified and restored, so there is no recovery point".to_string(),
            ),
            Some(t) => {
                let age = (now - t).whole_seconds();
                sr.rpo_seconds = Some(age);
                if let (Some(target), true) = (rpo_t, age >= 0) {
                    if age as u64 > target.as_secs() {
                        fails.push(format!(
                            "RPO {} exceeds the target {}",
                            human(age as f64),
                            s.rpo.as_deref().unwrap_or("")
                        ));
                    }
                }
            }
        }
        let p = sr.rto_parts.clone();
        if p.restored_bytes > 0 || p.total_bytes == 0 {
            let scale = if p.restored_bytes > 0 && p.restored_bytes < p.total_bytes {
                sr.rto_extrapolated = true;
                sr.notes.push(format!(
                    "RTO extrapolated: restored {} of {} bytes; restore time scaled by {:.2}",
                    p.restored_bytes,
                    p.total_bytes,
                    p.total_bytes as f64 / p.restored_bytes as f64
                ));
                p.total_bytes as f64 / p.restored_bytes as f64
            } else {
                1.0
            };
            let rto = p.unlock_seconds + p.verify_seconds + p.restore_seconds * scale;
            sr.rto_seconds = Some(rto);
            if let Some(target) = rto_t {
                if rto > target.as_secs_f64() {
                    fails.push(format!(
                        "RTO {} exceeds the target {}",
                        human(rto),
                        s.rto.as_deref().unwrap_or("")
                    ));
                }
            }
        }
        per_spec.push(spec_check(&s.name, fails));
    }
    let details = json!({
        "specs": reports.iter().map(|r| json!({
            "name": r.name, "rpo_seconds": r.rpo_seconds, "rto_seconds": r.rto_seconds,
            "rpo_target": r.rpo_target, "rto_target": r.rto_target,
            "rto_extrapolated": r.rto_extrapolated,
        })).collect::<Vec<_>>()
    });
    from_specs("dr_perf", per_spec, details)
}

/// A waived failing check passes, keeping its cause next to the waiver's reason.
fn apply_waivers(cfg: &ServerConfig, checks: &mut [CheckResult]) {
    for c in checks.iter_mut() {
        if let Some(w) = cfg.gate.waive.iter().find(|w| w.check == c.id) {
            c.waived = true;
            let cause = c.reason.take();
            c.reason = Some(match cause {
                Some(cause) if !c.pass => format!("waived: {} (failure: {cause})", w.reason),
                _ => format!("waived: {} (the check passed anyway)", w.reason),
            });
            c.pass = true;
        }
    }
}

pub use crate::spec::spec_snapshots;
