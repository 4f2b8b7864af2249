//! Back up a spec, and plan one: the spec's options ([`crate::spec::backup_options`]),
//! its repository opened append-only for the caller, and its schedule's next runs.

use crate::command::CommandOutput;
use crate::config::{ServerConfig, SpecConfig};
use crate::error::{Error, Result};
use crate::session::{self, Access, Job};
use cairn_core::backup::plan::BackupPlan;
use cairn_core::backup::{BackupOutcome, Progress};
use cairn_core::clock::Clock;
use std::sync::Arc;
use std::time::Duration;

/// Backs up `spec` into its repository (a shared lock; append-only storage
/// unless `append_only` is false), counting into `progress`.
pub fn backup_spec(
    cfg: &ServerConfig,
    spec: &SpecConfig,
    append_only: bool,
    wait: Duration,
    clock: Arc<dyn Clock>,
    progress: &Progress,
) -> Result<SpecBackup> {
    let now = clock.now();
    let mut s = session::open_configured(
        cfg,
        &spec.repository,
        Job {
            access: Access::Append,
            append_only,
            purpose: "backup",
            wait,
            clock,
        },
    )?;
    let opts = crate::spec::backup_options(spec, now);
    let timeout = spec
        .hook_timeout
        .as_deref()
        .and_then(|t| crate::duration::parse_duration(t).ok())
        .unwrap_or(Duration::from_secs(600));
    let named = [("CAIRN_SPEC", spec.name.clone())];
    let before = crate::hooks::run("before", &spec.before, &named, timeout).map_err(|e| {
        Error::Source(format!(
            "spec {:?}: before hook {e}; no backup was made",
            spec.name
        ))
    })?;
    let result = back_up(spec, &mut s.repo, &opts, progress);
    let repository_bytes = result.as_ref().ok().and_then(|_| stored_bytes(&s.repo));
    let (outcome, id) = match &result {
        Ok(o) => ("success", o.id.to_hex()),
        Err(_) => ("failure", String::new()),
    };
    let env = [
        ("CAIRN_SPEC", spec.name.clone()),
        ("CAIRN_BACKUP_OUTCOME", outcome.to_string()),
        ("CAIRN_SNAPSHOT_ID", id.clone()),
    ];
    let after = crate::hooks::run("after", &spec.after, &env, timeout);
    match (result, after) {
        (Ok(outcome), Ok(after)) => Ok(SpecBackup {
            outcome,
            hooks: before.into_iter().chain(after).collect(),
            repository_bytes,
        }),
        (Ok(_), Err(e)) => Err(Error::Source(format!(
            "spec {:?}: snapshot {} was stored, but the after hook {e}",
            spec.name,
            &id[..8.min(id.len())]
        ))),
        (Err(e), _) => Err(e),
    }
}

/// A spec's backup: the snapshot, and the hooks that ran around it with
/// what they printed.
pub struct SpecBackup {
    pub outcome: BackupOutcome,
    pub hooks: Vec<crate::hooks::HookRun>,
    /// The repository's size in storage right after the backup (every
    /// object's bytes as the storage lists them), so a history of backups
    /// is also a history of the repository's size; `None` when the
    /// listing failed (the backup itself stands).
    pub repository_bytes: Option<u64>,
}

/// Every object's bytes in the repository's storage, by listing each kind
/// but the locks (held only while a command runs, this backup's own
/// among them): one listing per backup, cheap beside the backup itself.
fn stored_bytes(repo: &cairn_core::Repository) -> Option<u64> {
    let mut total = 0u64;
    let kinds = cairn_core::ObjectKind::ALL;
    for kind in kinds
        .into_iter()
        .filter(|k| *k != cairn_core::ObjectKind::Lock)
    {
        match repo.backend().list(kind) {
            Ok(objects) => total += objects.iter().map(|o| o.size).sum::<u64>(),
            Err(e) => {
                tracing::warn!(error = %e, "could not list the repository to record its size");
                return None;
            }
        }
    }
    Some(total)
}

/// The backup itself: the spec's paths, or its command's output.
fn back_up(
    spec: &SpecConfig,
    repo: &mut cairn_core::Repository,
    opts: &cairn_core::backup::BackupOptions,
    progress: &Progress,
) -> Result<BackupOutcome> {
    if spec.command.is_empty() {
        return Ok(cairn_core::backup::backup(repo, opts, progress)?);
    }
    let shown = spec.command.join(" ");
    let mut out = CommandOutput::argv(&spec.command, &shown)
        .map_err(|e| Error::Source(format!("spec {:?}: {e}", spec.name)))?;
    let file = spec.command_file();
    match cairn_core::backup::backup_stream(repo, opts, file, &mut out, progress) {
        Err(_) if out.failure().is_some() => Err(Error::Source(format!(
            "spec {:?}: {}",
            spec.name,
            out.failure().unwrap_or_default()
        ))),
        r => Ok(r?),
    }
}

/// What a backup of the spec would do now, and when its schedule runs next.
pub struct SpecPlan {
    pub plan: BackupPlan,
    /// The next three runs in `tz` (none without a schedule).
    pub next_runs: Vec<time::OffsetDateTime>,
}

/// Plans a backup of `spec` (reading only: no lock, append-only storage).
pub fn plan_spec(
    cfg: &ServerConfig,
    spec: &SpecConfig,
    clock: Arc<dyn Clock>,
    tz: &jiff::tz::TimeZone,
) -> Result<SpecPlan> {
    if !spec.command.is_empty() {
        return Err(Error::BadRequest(format!(
            "spec {:?} backs up the output of a command: there is nothing to plan before it runs",
            spec.name
        )));
    }
    let now = clock.now();
    let repo = session::open_configured_unlocked(cfg, &spec.repository, clock)?;
    let plan = cairn_core::backup::plan::plan(&repo, &crate::spec::backup_options(spec, now))?;
    let next_runs = match &spec.schedule {
        Some(line) => {
            let cron = crate::cron::parse(line).map_err(cairn_core::Error::invalid)?;
            crate::cron::upcoming(&cron, now, tz, 3)
        }
        None => Vec::new(),
    };
    Ok(SpecPlan { plan, next_runs })
}
