//! Replicas inside `cairn serve` (`[[replica]]`, docs/COPY.md): a replica
//! run is a job like a backup (one runner for the API's
//! `POST /api/v1/dr/replicas/{name}/run` and the scheduler, audited, in the
//! job history), and each spec's newest snapshot in the replica feeds
//! `dr_replica_lag_seconds{spec,replica}`. At startup every replica is read
//! once, so the lag is known before the first run and the schedule resumes
//! from the newest copy (downtime costs one catch-up run, as for backups).

use crate::ctx::Ctx;
use crate::error::Result;
use crate::job_result::ReplicaResult;
use cairn_app::usecase::replicate::{self, ReplicaJob};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Runs replica `name`: copies its specs' snapshots and records the newest
/// copy of each for the lag metric.
pub fn run(ctx: &Ctx, name: &str) -> Result<ReplicaResult> {
    let r = cairn_app::replica::named(&ctx.cfg.replica, name).ok_or_else(|| {
        crate::error::Error::NotFound(format!("no replica {name:?} in the config"))
    })?;
    let job = ReplicaJob {
        wait: ctx.lock_wait,
        clock: ctx.clock.clone(),
    };
    let specs = replicate::replicate(&ctx.cfg, r, &job, &Default::default())?;
    for s in &specs {
        let t = s
            .newest
            .as_deref()
            .and_then(|t| cairn_core::clock::parse_rfc3339(t).ok());
        ctx.metrics.set_replica_newest(&s.spec, name, t);
    }
    Ok(ReplicaResult {
        replica: name.to_string(),
        repository: r.repository.clone(),
        specs,
    })
}

/// Reads each replica's snapshots (no lock: snapshot objects are never
/// half-written) to seed the lag metric; returns where each scheduled
/// replica's schedule resumes: its newest copy of any of its specs. A
/// replica that cannot be read is logged and left due at once.
pub fn seed(ctx: &Ctx) -> HashMap<String, OffsetDateTime> {
    let mut last = HashMap::new();
    for r in &ctx.cfg.replica {
        let repo = match cairn_app::session::open_configured_unlocked(
            &ctx.cfg,
            &r.repository,
            ctx.clock.clone(),
        ) {
            Ok(repo) => repo,
            Err(e) => {
                tracing::warn!(replica = %r.name, error = %e, "cannot read the replica; its lag is unknown until it runs");
                continue;
            }
        };
        let mut newest_any = None;
        for name in &r.specs {
            let Some(spec) = ctx.cfg.spec(name) else {
                continue;
            };
            match replicate::newest_of(&repo, spec) {
                Ok(t) => {
                    ctx.metrics.set_replica_newest(name, &r.name, t);
                    newest_any = newest_any.max(t);
                }
                Err(e) => {
                    tracing::warn!(replica = %r.name, spec = %name, error = %e, "cannot list the replica's snapshots")
                }
            }
        }
        if let (Some(t), Some(_)) = (newest_any, &r.schedule) {
            last.insert(r.name.clone(), t);
        }
    }
    last
}
