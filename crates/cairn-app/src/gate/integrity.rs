//! dr_integrity: the spec's newest snapshot and a seeded older one are
//! verified (structure plus a seeded subset of packs read whole); the newest
//! is restored into a scratch folder and every restored file re-hashed from
//! disk against the manifest. When the newest fails, older snapshots are tried
//! (newest first) so RPO can be measured from the newest one that does work.

use super::common::{from_specs, short, spec_check, GateOptions, Opened, Rng};
use super::report::{SampleFile, SnapshotCheck, SpecCheck, SpecReport};
use crate::config::SpecConfig;
use crate::error::{Error, Result};
use crate::rehash::{restore_and_rehash, Part};
use cairn_core::manifest::ManifestEntry;
use cairn_core::snapshot::SnapshotMeta;
use cairn_core::tree::NodeType;
use cairn_core::verify::DataCheck;
use cairn_core::{Repository, SnapshotId};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Instant;

/// Older snapshots tried when the newest fails, beyond it.
const MAX_FALLBACK: usize = 3;
/// Most files whose mismatch is listed per snapshot.
const MAX_LISTED: usize = 20;
/// Files ≥ this size give a plaintext window for dr_policy's encryption scan.
pub(super) const WINDOW_MIN_FILE: u64 = 4096;
/// Length of one plaintext window.
pub(super) const WINDOW: usize = 64;
/// Most windows taken per spec.
const MAX_WINDOWS: usize = 16;
/// Most files listed in `sample_manifest.json` per snapshot (all are still checked).
const MAX_SAMPLE_FILES: usize = 10_000;

pub(super) struct Ctx<'a> {
    pub repo: &'a Repository,
    pub opts: &'a GateOptions,
    pub seed: u64,
    pub scratch: &'a Path,
    pub salt: &'a [u8; 16],
}

/// What a spec's restore leaves for the other checks.
#[derive(Default)]
pub(super) struct Found {
    /// The hash-checked files.
    pub files: Vec<SampleFile>,
    /// Plaintext windows from restored files, for the encryption scan.
    pub windows: Vec<Vec<u8>>,
}

fn new_check(id: &SnapshotId, meta: &SnapshotMeta) -> SnapshotCheck {
    SnapshotCheck {
        id: id.to_hex(),
        time: meta.time.clone(),
        ..SnapshotCheck::default()
    }
}

fn verify_into(ctx: &Ctx, c: &mut SnapshotCheck, id: SnapshotId) {
    let data = DataCheck::Percent {
        percent: ctx.opts.subset_percent,
        seed: ctx.seed,
    };
    match cairn_core::verify::verify(ctx.repo, &[id], data, ctx.opts.workers) {
        Ok(r) => {
            // verify reads its seeded pack subset from the whole index and
            // lists every damaged snapshot object; only what this snapshot
            // depends on (or what every snapshot does: key slots, indexes) counts.
            let hex = id.to_hex();
            let mine: Vec<String> = r
                .damage
                .iter()
                .filter(|d| {
                    if d.object.starts_with("pack ") || d.object.starts_with("blob ") {
                        !d.affects.is_empty()
                    } else if d.object.starts_with("snapshot ") {
                        d.object.contains(&hex)
                    } else {
                        true
                    }
                })
                .map(|d| format!("{}: {}", d.object, d.error))
                .collect();
            c.verified = mine.is_empty();
            c.packs_read = r.packs_read;
            c.damage = mine.into_iter().take(MAX_LISTED).collect();
        }
        Err(e) => c.error = Some(format!("verify could not run: {e}")),
    }
}

/// Checks one spec, filling `sr`; never fails the gate as a whole.
pub(super) fn check_spec(ctx: &Ctx, spec: &SpecConfig, sr: &mut SpecReport) -> Result<Found> {
    let snaps = match ctx.repo.snapshots() {
        Ok(all) => super::spec_snapshots(all, spec),
        Err(e) => {
            sr.notes.push(format!("cannot list snapshots: {e}"));
            return Ok(Found::default());
        }
    };
    sr.snapshots = snaps.len();
    if snaps.is_empty() {
        sr.notes.push(format!(
            "no snapshot of spec {:?} (recorded for it, or of exactly its paths) in repository {}",
            spec.name, spec.repository
        ));
        return Ok(Found::default());
    }
    let mut rng = Rng::new(ctx.seed);
    if snaps.len() > 1 {
        let (id, meta) = &snaps[rng.below(snaps.len() as u64 - 1) as usize];
        let mut c = new_check(id, meta);
        verify_into(ctx, &mut c, *id);
        sr.sample = Some(c);
    }
    let mut found = Found::default();
    for (k, (id, meta)) in snaps.iter().rev().enumerate().take(1 + MAX_FALLBACK) {
        let mut c = new_check(id, meta);
        let t = Instant::now();
        verify_into(ctx, &mut c, *id);
        let verify_seconds = t.elapsed().as_secs_f64();
        let mut timing = None;
        if c.verified {
            timing = Some(restore_into(
                ctx, spec, &mut c, *id, meta, &mut found, &mut rng,
            )?);
        }
        let good = c.verified && c.restored == Some(true);
        let why = c
            .error
            .clone()
            .or_else(|| c.damage.first().cloned())
            .or_else(|| c.mismatches.first().cloned())
            .unwrap_or_default();
        if k == 0 {
            sr.latest = Some(c);
        } else {
            sr.fallback.push(c);
        }
        if good {
            if let Some((restore_seconds, restored_bytes, total_bytes)) = timing {
                sr.rto_parts.verify_seconds = verify_seconds;
                sr.rto_parts.restore_seconds = restore_seconds;
                sr.rto_parts.restored_bytes = restored_bytes;
                sr.rto_parts.total_bytes = total_bytes;
            }
            sr.recovery_point = Some(id.to_hex());
            if k > 0 {
                sr.notes.push(format!(
                    "recovery point falls back to {} ({}): the newer snapshot(s) failed",
                    id.short(),
                    meta.time
                ));
            }
            break;
        }
        sr.notes.push(format!(
            "snapshot {} ({}) failed: {why}",
            id.short(),
            meta.time
        ));
    }
    Ok(found)
}

/// Restores `id` (or a budget of its top-level entries) into scratch and
/// re-hashes each restored file. Returns (restore seconds, bytes restored, bytes in the snapshot).
fn restore_into(
    ctx: &Ctx,
    spec: &SpecConfig,
    c: &mut SnapshotCheck,
    id: SnapshotId,
    meta: &SnapshotMeta,
    found: &mut Found,
    rng: &mut Rng,
) -> Result<(f64, u64, u64)> {
    let manifest = match cairn_core::manifest::manifest(ctx.repo, &meta.tree) {
        Ok(m) => m,
        Err(e) => {
            c.error = Some(format!("cannot read the manifest: {e}"));
            c.restored = Some(false);
            return Ok((0.0, 0, 0));
        }
    };
    let total: u64 = manifest
        .iter()
        .filter(|e| e.kind == NodeType::File)
        .map(|e| e.size)
        .sum();
    let (include, chosen) = budget(&manifest, ctx.opts.max_restore_bytes);
    let dir = tempfile::Builder::new()
        .prefix("restore-")
        .tempdir_in(ctx.scratch)
        .map_err(|e| Error::Io(format!("cannot create a scratch restore folder: {e}")))?;
    let outcome = restore_and_rehash(
        ctx.repo,
        (id, &meta.tree),
        &manifest,
        &dir.path().join("root"),
        Part {
            include,
            chosen: &chosen,
        },
        ctx.opts.workers,
    );
    let r = match outcome {
        Ok(r) => r,
        Err(e) => {
            c.error = Some(format!("restore failed: {e}"));
            c.restored = Some(false);
            return Ok((0.0, 0, total));
        }
    };
    let rep = &r.report;
    for e in rep.errors.iter().take(MAX_LISTED) {
        c.mismatches
            .push(format!("{}: not restored: {}", e.path, e.error));
    }
    let mut restored_bytes = 0;
    let mut window_files = Vec::new();
    for f in &r.files {
        let (e, ok) = (f.entry, f.ok());
        c.files_checked += 1;
        restored_bytes += e.size;
        if !ok && c.mismatches.len() < MAX_LISTED {
            c.mismatches.push(match &f.sha256 {
                Ok(_) => format!("{}: does not match its SHA-256", e.path()),
                Err(err) => format!("{}: cannot be read back: {err}", e.path()),
            });
        }
        if ok && e.size >= WINDOW_MIN_FILE {
            window_files.push((r.path_of(e), e.size));
        }
        if c.files_checked as usize > MAX_SAMPLE_FILES {
            continue;
        }
        found.files.push(SampleFile {
            spec: spec.name.clone(),
            snapshot: id.to_hex(),
            path_hash: redact(ctx.salt, &e.raw_path()),
            ext: ext(&e.raw_path()),
            size: e.size,
            sha256: e.sha256.clone().unwrap_or_default(),
            ok,
        });
    }
    c.restored = Some(rep.errors.is_empty() && c.mismatches.is_empty());
    // Windows from seeded positions of seeded files, read before the scratch copy goes.
    for _ in 0..MAX_WINDOWS.min(window_files.len() * 2) {
        let (p, size) = &window_files[rng.below(window_files.len() as u64) as usize];
        let off = rng.below(size - WINDOW as u64 + 1);
        if let Some(w) = read_window(p, off) {
            found.windows.push(w);
        }
    }
    Ok((r.seconds, restored_bytes, total))
}

/// Whether a manifest path is among the restored ones.
type Chosen = Box<dyn Fn(&[u8]) -> bool>;

/// Include patterns for a restore of about `max` bytes (empty: everything),
/// and which manifest paths that selects. Whole top-level entries are taken
/// in name order until the budget is reached, so at least one always is.
fn budget(manifest: &[ManifestEntry], max: u64) -> (Vec<String>, Chosen) {
    let all: (Vec<String>, Chosen) = (vec![], Box::new(|_: &[u8]| true));
    let top = |p: &[u8]| -> Vec<u8> { p.split(|&b| b == b'/').next().unwrap_or(p).to_vec() };
    let mut sizes: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
    for e in manifest {
        *sizes.entry(top(&e.raw_path())).or_default() += e.size;
    }
    if sizes.values().sum::<u64>() <= max
        || sizes.len() < 2
        || sizes.keys().any(|k| std::str::from_utf8(k).is_err())
    {
        return all;
    }
    let mut picked = Vec::new();
    let mut bytes = 0;
    for (name, size) in &sizes {
        if bytes >= max {
            break;
        }
        picked.push(name.clone());
        bytes += size;
    }
    let patterns = picked
        .iter()
        .map(|n| glob_escape(&String::from_utf8_lossy(n)))
        .collect();
    (patterns, Box::new(move |p: &[u8]| picked.contains(&top(p))))
}

/// A name as a glob that matches only itself.
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '\\' | '*' | '?' | '[' | ']' | '{' | '}') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn read_window(path: &Path, off: u64) -> Option<Vec<u8>> {
    let mut f = std::fs::File::open(path).ok()?;
    f.seek(SeekFrom::Start(off)).ok()?;
    let mut w = vec![0u8; WINDOW];
    f.read_exact(&mut w).ok()?;
    Some(w)
}

/// A path as `sha256(salt || path)`, 16 hex digits: enough to tell files
/// apart in one report, useless for guessing names without the salt.
fn redact(salt: &[u8; 16], path: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(path);
    hex::encode(h.finalize())[..16].to_string()
}

fn ext(path: &[u8]) -> Option<String> {
    let name = path.rsplit(|&b| b == b'/').next()?;
    let dot = name.iter().rposition(|&b| b == b'.')?;
    let e = &name[dot + 1..];
    (dot > 0 && !e.is_empty() && e.len() <= 8 && e.iter().all(u8::is_ascii_alphanumeric))
        .then(|| String::from_utf8_lossy(e).into_owned())
}

/// dr_integrity from the spec reports, with `also`'s failures of each
/// (the drills of its replicas).
pub(super) fn summarise(
    reports: &[SpecReport],
    repos: &BTreeMap<String, std::result::Result<Opened, String>>,
    also: impl Fn(&SpecReport) -> Vec<String>,
) -> super::CheckResult {
    let per_spec: Vec<SpecCheck> = reports
        .iter()
        .map(|r| {
            let mut fails = Vec::new();
            if let Some(Err(e)) = repos.get(&r.repository) {
                fails.push(format!(
                    "not checked: repository {} did not open: {e}",
                    r.repository
                ));
            } else if r.latest.is_none() {
                fails.push(
                    r.notes
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "no snapshot".into()),
                );
            }
            if let Some(l) = &r.latest {
                if !(l.verified && l.restored == Some(true)) {
                    fails.push(format!("newest snapshot {}: {}", short(&l.id), describe(l)));
                }
            }
            if let Some(s) = &r.sample {
                if !s.verified {
                    fails.push(format!("sample snapshot {}: {}", short(&s.id), describe(s)));
                }
            }
            fails.extend(also(r));
            spec_check(&r.name, fails)
        })
        .collect();
    let details = serde_json::json!({
        "specs": reports.iter().map(|r| serde_json::json!({
            "name": r.name, "snapshots": r.snapshots,
            "latest": r.latest, "sample": r.sample, "fallback": r.fallback,
            "recovery_point": r.recovery_point,
        })).collect::<Vec<_>>()
    });
    from_specs("dr_integrity", per_spec, details)
}

pub(super) fn describe(c: &SnapshotCheck) -> String {
    if let Some(e) = &c.error {
        return e.clone();
    }
    if !c.verified {
        return format!(
            "verify found {} damaged object(s): {}",
            c.damage.len(),
            c.damage.first().cloned().unwrap_or_default()
        );
    }
    format!(
        "restore check failed for {} file(s): {}",
        c.mismatches.len(),
        c.mismatches.first().cloned().unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn entry(path: &str, size: u64) -> ManifestEntry {
        ManifestEntry {
            place: cairn_core::place::Place::of_path(path.as_bytes()),
            kind: NodeType::File,
            size,
            mode: 0o644,
            mtime_ns: 0,
            sha256: None,
            target: None,
        }
    }

    #[test]
    fn the_budget_takes_whole_top_level_entries_until_it_is_reached() {
        let m = [
            entry("a*/x", 60),
            entry("a*/y", 60),
            entry("b", 10),
            entry("c/z", 500),
        ];
        let (all, chosen) = budget(&m, 10_000);
        assert!(all.is_empty() && chosen(b"c/z"));
        let (inc, chosen) = budget(&m, 100);
        assert_eq!(inc, vec!["a\\*".to_string()]);
        assert!(chosen(b"a*/y") && !chosen(b"b") && !chosen(b"c/z"));
    }
}
