//! What the checks share, below them and the runner: the options, the
//! opened repositories, the seeded random stream, the way per-spec outcomes
//! become a check, and how ids and durations are shown.

use super::report::{CheckResult, SpecCheck};
use cairn_core::Repository;
use std::path::PathBuf;
use std::time::Duration;

/// How the gate runs.
#[derive(Debug, Clone)]
pub struct GateOptions {
    /// Specs to check (empty: every spec in the config).
    pub specs: Vec<String>,
    /// Seed for every random choice (printed in the report).
    pub seed: u64,
    /// Where scratch directories (restores, the hostile repository) go; removed afterwards.
    pub scratch: PathBuf,
    /// Share of packs verify reads whole, per checked snapshot.
    pub subset_percent: f64,
    /// Restore at most about this many bytes of a snapshot; RTO is scaled up by bytes beyond it.
    pub max_restore_bytes: u64,
    /// A snapshot the retention policy removes may linger this long before dr_policy fails.
    pub grace: Duration,
    /// Threads for verify and restore.
    pub workers: usize,
}

impl GateOptions {
    /// The defaults of `cairn gate`.
    pub fn new(seed: u64, scratch: PathBuf) -> Self {
        GateOptions {
            specs: Vec::new(),
            seed,
            scratch,
            subset_percent: 10.0,
            max_restore_bytes: 1 << 30,
            grace: Duration::from_secs(86400),
            workers: 2,
        }
    }
}

/// An opened repository and how long the key unlock took.
pub(super) struct Opened {
    pub(super) repo: Repository,
    pub(super) unlock_seconds: f64,
}

impl Opened {
    /// Opens repository `name` of the config read-only, timing the unlock;
    /// the error as the report shows it.
    pub(super) fn open(
        cfg: &crate::config::ServerConfig,
        name: &str,
        clock: &std::sync::Arc<dyn cairn_core::clock::Clock>,
    ) -> std::result::Result<Opened, String> {
        let t = std::time::Instant::now();
        crate::session::open_configured_uncached(cfg, name, clock.clone())
            .map(|repo| Opened {
                repo,
                unlock_seconds: t.elapsed().as_secs_f64(),
            })
            .map_err(|e| e.to_string())
    }
}

/// A check from per-spec outcomes: it passes when every spec passes (and at least one was checked).
pub(super) fn from_specs(
    id: &str,
    specs: Vec<SpecCheck>,
    details: serde_json::Value,
) -> CheckResult {
    let mut reasons: Vec<String> = specs
        .iter()
        .filter_map(|s| s.reason.as_ref().map(|r| format!("{}: {r}", s.name)))
        .collect();
    if specs.is_empty() {
        reasons.push("no spec was checked (the config has no [[spec]])".into());
    }
    CheckResult {
        id: id.into(),
        pass: reasons.is_empty(),
        waived: false,
        reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
        details,
        specs,
        warnings: Vec::new(),
    }
}

pub(super) fn spec_check(name: &str, fails: Vec<String>) -> SpecCheck {
    SpecCheck {
        name: name.into(),
        pass: fails.is_empty(),
        reason: (!fails.is_empty()).then(|| fails.join("; ")),
    }
}

/// A deterministic stream of numbers from the seed (splitmix64).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number below `n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

pub(crate) fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}

/// Seconds as "3d 4h", "12m 5s", "0.8s".
pub fn human(secs: f64) -> String {
    if secs < 60.0 {
        return format!("{secs:.1}s");
    }
    let s = secs as u64;
    let (d, h, m, r) = (s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m}m {r}s"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}
