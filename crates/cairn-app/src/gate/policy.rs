//! dr_policy: retention is configured and was applied, the WORM grade in
//! force is reported, the stored data is encrypted (no plaintext window of a
//! restored file appears in the pack bytes), and more than one key slot
//! exists (a warning only: one lost key file must not lose the repository).

use super::common::{from_specs, human, spec_check, GateOptions, Opened, Rng};
use super::integrity::WINDOW;
use crate::config::SpecConfig;
use cairn_core::policy::{evaluate, GroupBy};
use cairn_core::ObjectKind;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};

/// Packs read per repository by the encryption scan.
const MAX_PACKS: usize = 4;

pub(super) fn check(
    specs: &[&SpecConfig],
    repos: &BTreeMap<String, std::result::Result<Opened, String>>,
    windows: &BTreeMap<String, Vec<Vec<u8>>>,
    opts: &GateOptions,
    now: time::OffsetDateTime,
) -> super::CheckResult {
    let mut warnings = Vec::new();
    let mut repo_details = serde_json::Map::new();
    let mut repo_fails: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, r) in repos {
        let Ok(o) = r else { continue };
        let backend = o.repo.backend();
        let worm = cairn_core::worm::describe(o.repo.config().worm.as_ref(), backend.as_ref());
        if o.repo.config().worm.is_none() {
            warnings.push(format!(
                "repository {name}: no WORM retention (anyone with write access can delete backups)"
            ));
        }
        let slots = match cairn_core::keyslot::list_slots(backend.as_ref()) {
            Ok(s) => s.len(),
            Err(e) => {
                repo_fails
                    .entry(name.as_str())
                    .or_default()
                    .push(format!("cannot list key slots: {e}"));
                0
            }
        };
        if slots < 2 {
            warnings.push(format!(
                "repository {name}: {slots} key slot(s); add a second (e.g. a key file kept offline) so one lost credential does not lose the data"
            ));
        }
        let empty = Vec::new();
        let w = windows.get(name).unwrap_or(&empty);
        let scanned = scan(o, w, opts.seed);
        match &scanned {
            Ok((_, hits)) if *hits > 0 => repo_fails.entry(name.as_str()).or_default().push(format!(
                "{hits} plaintext window(s) of restored files found in the pack bytes: data is stored unencrypted"
            )),
            Err(e) => repo_fails
                .entry(name.as_str())
                .or_default()
                .push(format!("encryption scan failed: {e}")),
            _ => {}
        }
        if w.is_empty() {
            warnings.push(format!(
                "repository {name}: no restored file of 4 KiB or more, so the encryption scan had nothing to look for"
            ));
        }
        repo_details.insert(
            name.clone(),
            json!({
                "worm": worm,
                "key_slots": slots,
                "encryption_scan": match scanned {
                    Ok((packs, hits)) => json!({"windows": w.len(), "packs_read": packs, "plaintext_hits": hits}),
                    Err(e) => json!({"error": e}),
                },
            }),
        );
    }

    let cutoff = now - time::Duration::seconds(opts.grace.as_secs() as i64);
    let mut per_spec = Vec::new();
    let mut spec_details = Vec::new();
    for s in specs {
        let mut fails = repo_fails
            .get(s.repository.as_str())
            .cloned()
            .unwrap_or_default();
        let Some(Ok(o)) = repos.get(&s.repository) else {
            fails.push(format!("repository {} did not open", s.repository));
            per_spec.push(spec_check(&s.name, fails));
            continue;
        };
        let mut lingering = Vec::new();
        match &s.retention {
            None => fails.push("no retention is configured for the spec".into()),
            Some(p) if p.is_empty() => {
                fails.push("the retention policy keeps everything (no rule)".into())
            }
            Some(policy) => {
                let snaps = o.repo.snapshots().map(|a| super::spec_snapshots(a, s));
                let protected: std::collections::BTreeSet<_> =
                    cairn_core::protect::protected(&o.repo)
                        .map(|p| p.into_keys().collect())
                        .unwrap_or_default();
                match snaps {
                    Err(e) => fails.push(format!("cannot list snapshots: {e}")),
                    Ok(snaps) => {
                        // The policy as it stood a grace period ago, over the
                        // snapshots that existed then: what it removed then has
                        // been removable for at least the grace, so a forget
                        // that ran since would have removed it.
                        let then: Vec<_> = snaps
                            .into_iter()
                            .filter(|(_, m)| m.parsed_time().is_ok_and(|t| t <= cutoff))
                            .collect();
                        for g in evaluate(
                            &then,
                            &protected,
                            policy,
                            GroupBy::DEFAULT,
                            &jiff::tz::TimeZone::UTC,
                            cutoff,
                        ) {
                            for d in g.decisions.iter().filter(|d| !d.keep) {
                                let old = cairn_core::clock::parse_rfc3339(&d.time)
                                    .is_ok_and(|t| t < cutoff);
                                if old {
                                    lingering.push(format!("{} ({})", d.id.short(), d.time));
                                }
                            }
                        }
                    }
                }
                if !lingering.is_empty() {
                    fails.push(format!(
                        "retention was not applied: {} snapshot(s) the policy removes are still present past the {} grace: {} (apply the spec's retention policy: forget, then prune)",
                        lingering.len(),
                        human(opts.grace.as_secs_f64()),
                        lingering.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        spec_details.push(
            json!({"name": s.name, "retention": s.retention.is_some(), "lingering": lingering}),
        );
        per_spec.push(spec_check(&s.name, fails));
    }
    let mut c = from_specs(
        "dr_policy",
        per_spec,
        json!({"repositories": repo_details, "specs": spec_details, "grace_seconds": opts.grace.as_secs()}),
    );
    c.warnings = warnings;
    c
}

/// Reads a seeded sample of packs through the backend (fs or S3 alike) and
/// counts plaintext windows found in them. Returns (packs read, hits).
fn scan(o: &Opened, windows: &[Vec<u8>], seed: u64) -> Result<(usize, usize), String> {
    if windows.is_empty() {
        return Ok((0, 0));
    }
    let want: HashSet<&[u8]> = windows.iter().map(Vec::as_slice).collect();
    let backend = o.repo.backend();
    let mut packs = backend.list(ObjectKind::Pack).map_err(|e| e.to_string())?;
    packs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut rng = Rng::new(seed ^ 0x5ca1_ab1e);
    let mut read = 0;
    let mut found: HashSet<&[u8]> = HashSet::new();
    while read < MAX_PACKS && !packs.is_empty() {
        let p = packs.remove(rng.below(packs.len() as u64) as usize);
        let bytes = backend
            .read(ObjectKind::Pack, &p.name)
            .map_err(|e| e.to_string())?;
        read += 1;
        for w in bytes.windows(WINDOW) {
            if let Some(hit) = want.get(w) {
                found.insert(*hit);
            }
        }
    }
    Ok((read, found.len()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The scan finds a window that is in a pack (so a miss means something).
    #[test]
    fn the_scan_finds_bytes_that_are_in_a_pack() {
        let mut repo = crate::gate::hostile::scratch_repo().unwrap();
        let data = vec![42u8; 300];
        let n = crate::gate::hostile::file(&repo, b"f", &data);
        crate::gate::hostile::snapshot(
            &mut repo,
            &[crate::gate::hostile::raw_tree(&[n])],
            0,
            &[&data],
        )
        .unwrap();
        let b = repo.backend().clone();
        let name = b.list(ObjectKind::Pack).unwrap()[0].name.clone();
        let bytes = b.read(ObjectKind::Pack, &name).unwrap();
        let o = Opened {
            repo,
            unlock_seconds: 0.0,
        };
        let inside = bytes[10..10 + WINDOW].to_vec();
        assert_eq!(scan(&o, &[inside], 1).unwrap(), (1, 1));
        assert_eq!(scan(&o, &[vec![42u8; WINDOW]], 1).unwrap(), (1, 0));
    }
}
