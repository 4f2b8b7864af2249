//! The replicas in the gate. The integrity drill of a spec continues in each
//! `[[replica]]` holding it: the spec's newest snapshot there is verified and
//! restored into scratch with every file's SHA-256 checked, exactly as in the
//! spec's own repository ([`super::integrity::check_spec`]), and a failure
//! fails dr_integrity. dr_replica then asks whether that recovery point is
//! recent enough for the replica's own rpo: a replica that stopped copying
//! fails it while the primary still passes everything.

use super::common::{from_specs, human, short, spec_check, GateOptions, Opened};
use super::integrity;
use super::report::{CheckResult, ReplicaReport, SpecReport};
use crate::config::{ServerConfig, SpecConfig};
use crate::error::Result;
use cairn_core::clock::Clock;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Replica repositories opened so far, by repository name.
pub(super) type Repos = BTreeMap<String, std::result::Result<Opened, String>>;

/// What a replica drill needs beside the replica's repository.
pub(super) struct Drill<'a> {
    pub cfg: &'a ServerConfig,
    pub opts: &'a GateOptions,
    /// The spec's seed for its replicas (the sample snapshot, the packs read).
    pub seed: u64,
    pub scratch: &'a Path,
    pub salt: &'a [u8; 16],
    pub clock: &'a Arc<dyn Clock>,
    pub now: time::OffsetDateTime,
}

impl Drill<'_> {
    /// Drills `spec` in every replica holding it, into `sr.replicas`; the
    /// files checked join the sample manifest.
    pub(super) fn spec(
        &self,
        spec: &SpecConfig,
        sr: &mut SpecReport,
        repos: &mut Repos,
    ) -> Result<Vec<super::SampleFile>> {
        let (cfg, clock, now) = (self.cfg, self.clock, self.now);
        let mut files = Vec::new();
        for r in crate::replica::holding(&cfg.replica, &spec.name) {
            let mut rr = ReplicaReport {
                replica: r.name.clone(),
                repository: r.repository.clone(),
                rpo_target: r.rpo.clone(),
                ..ReplicaReport::default()
            };
            let opened = repos
                .entry(r.repository.clone())
                .or_insert_with(|| Opened::open(cfg, &r.repository, clock));
            match opened {
                Ok(o) => {
                    let mut tmp = SpecReport::default();
                    let ctx = integrity::Ctx {
                        repo: &o.repo,
                        opts: self.opts,
                        seed: self.seed,
                        scratch: self.scratch,
                        salt: self.salt,
                    };
                    let found = integrity::check_spec(&ctx, spec, &mut tmp)?;
                    files.extend(found.files);
                    rr.snapshots = tmp.snapshots;
                    rr.latest = tmp.latest;
                    rr.fallback = tmp.fallback;
                    rr.notes = tmp.notes;
                    rr.rpo_seconds = rr
                        .latest
                        .iter()
                        .chain(rr.fallback.iter())
                        .find(|c| Some(&c.id) == tmp.recovery_point.as_ref())
                        .and_then(|c| cairn_core::clock::parse_rfc3339(&c.time).ok())
                        .map(|t| (now - t).whole_seconds());
                    rr.recovery_point = tmp.recovery_point;
                }
                Err(e) => rr
                    .notes
                    .push(format!("repository {} did not open: {e}", r.repository)),
            }
            sr.replicas.push(rr);
        }
        Ok(files)
    }
}

/// What dr_integrity adds for a spec's replicas: a newest copy that did
/// not verify or restore.
pub(super) fn integrity_fails(sr: &SpecReport) -> Vec<String> {
    sr.replicas
        .iter()
        .filter_map(|rr| {
            let l = rr.latest.as_ref()?;
            (!(l.verified && l.restored == Some(true))).then(|| {
                format!(
                    "replica {}: newest snapshot {}: {}",
                    rr.replica,
                    short(&l.id),
                    integrity::describe(l)
                )
            })
        })
        .collect()
}

/// dr_replica: per spec, every replica holding it opened, holds a copy that
/// verified and restored, and that copy is within the replica's rpo. A spec
/// without a replica passes with a warning: the second copy is the
/// operator's choice, but never a silent one.
pub(super) fn check(reports: &[SpecReport], specs: &[&SpecConfig]) -> CheckResult {
    let mut warnings = Vec::new();
    let mut per_spec = Vec::new();
    for (sr, s) in reports.iter().zip(specs) {
        if sr.replicas.is_empty() {
            warnings.push(format!(
                "spec {} has no replica: one lost repository loses its backups (add a [[replica]])",
                s.name
            ));
        }
        let fails: Vec<String> = sr.replicas.iter().filter_map(replica_fail).collect();
        per_spec.push(spec_check(&s.name, fails));
    }
    let details = serde_json::json!({
        "replicas": reports.iter().flat_map(|sr| sr.replicas.iter().map(move |rr| serde_json::json!({
            "spec": sr.name, "replica": rr.replica, "repository": rr.repository,
            "snapshots": rr.snapshots, "recovery_point": rr.recovery_point,
            "rpo_seconds": rr.rpo_seconds, "rpo_target": rr.rpo_target,
        }))).collect::<Vec<_>>()
    });
    let mut c = from_specs("dr_replica", per_spec, details);
    c.warnings = warnings;
    c
}

/// Why one spec's copy in one replica fails dr_replica, if it does.
fn replica_fail(rr: &ReplicaReport) -> Option<String> {
    let name = &rr.replica;
    if rr.latest.is_none() {
        let why = rr.notes.first().cloned().unwrap_or_default();
        return Some(format!("replica {name} holds no copy of the spec: {why}"));
    }
    let Some(age) = rr.rpo_seconds else {
        return Some(format!(
            "replica {name}: no copy verified and restored, so it holds no recovery point"
        ));
    };
    let target = rr
        .rpo_target
        .as_deref()
        .and_then(|v| crate::duration::parse_duration(v).ok());
    match target {
        None => Some(format!("replica {name}: no rpo is configured for it")),
        Some(t) if age > 0 && age as u64 > t.as_secs() => Some(format!(
            "replica {name}: its newest good copy is {} old, over its rpo {}",
            human(age as f64),
            rr.rpo_target.as_deref().unwrap_or("")
        )),
        Some(_) => None,
    }
}
