//! One job runner for the API and the scheduler. A job is validated when it
//! is submitted (unknown spec, target outside the allowed roots: refused at
//! once, nothing queued), then runs on a blocking thread (the core is
//! synchronous; nothing blocks the async runtime), under the repository's
//! locks like any CLI command. Its result, or error, is kept for status
//! queries, counted in the metrics and appended to the audit log. A panic in
//! a job is caught and recorded as a failure.

use crate::audit::Record;
use crate::ctx::{Ctx, JobView};
use crate::error::{Error, Result};
use crate::job_result::*;
use crate::metrics::{Outcome, SpecLabel, SpecOutcome};
use crate::rbac::Role;
use cairn_app::session::{self, Access};
use cairn_app::usecase::{self, select::Selector};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Who asked.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Token id and name, or "scheduler".
    pub name: String,
    /// The role it acts with.
    pub role: Role,
}

/// What to do.
#[derive(Debug, Clone)]
pub enum Work {
    /// Back up a spec (and, when `retention` is set, apply its policy after).
    Backup { spec: String, apply_retention: bool },
    /// Restore a snapshot of a spec's repository.
    Restore {
        spec: String,
        snapshot: String,
        target: PathBuf,
        include: Vec<String>,
        dry_run: bool,
    },
    /// Verify one snapshot, optionally reading a subset of the data.
    Verify {
        spec: String,
        snapshot: String,
        read_data_subset: Option<String>,
    },
    /// Apply the spec's retention policy now (deletes: admin only).
    Forget { spec: String },
    /// Run the RG-7 recovery gate over these specs (none: every spec).
    Gate { specs: Vec<String> },
    /// Copy a `[[replica]]`'s specs into its repository; `specs` is what
    /// the job's `spec` field shows (its specs, `,`-joined).
    Replica { replica: String, specs: String },
}

/// What `JobView::spec` says for a job that is not about one spec.
pub const ALL_SPECS: &str = "*";

impl Work {
    fn kind(&self) -> JobKind {
        match self {
            Work::Backup { .. } => JobKind::Backup,
            Work::Restore { .. } => JobKind::Restore,
            Work::Verify { .. } => JobKind::Verify,
            Work::Forget { .. } => JobKind::Forget,
            Work::Gate { .. } => JobKind::Gate,
            Work::Replica { .. } => JobKind::Replica,
        }
    }
    fn spec(&self) -> &str {
        match self {
            Work::Backup { spec, .. }
            | Work::Restore { spec, .. }
            | Work::Verify { spec, .. }
            | Work::Forget { spec } => spec,
            Work::Replica { specs, .. } => specs,
            Work::Gate { .. } => ALL_SPECS,
        }
    }
    /// The key in `Ctx::busy` while this work is queued or running: a spec
    /// is backed up once at a time, the gate runs once at a time.
    fn exclusive(&self) -> Option<String> {
        match self {
            Work::Backup { spec, .. } => Some(spec.clone()),
            Work::Gate { .. } => Some("rg7 gate".into()),
            Work::Replica { replica, .. } => Some(format!("replica {replica}")),
            _ => None,
        }
    }

    /// The run of replica `name`, or NotFound when the config has none.
    pub fn replica(cfg: &cairn_app::config::ServerConfig, name: &str) -> Result<Work> {
        let r = cairn_app::replica::named(&cfg.replica, name)
            .ok_or_else(|| Error::NotFound(format!("no replica named {name:?} in the config")))?;
        Ok(Work::Replica {
            replica: r.name.clone(),
            specs: r.specs.join(","),
        })
    }
}

fn new_id() -> String {
    cairn_core::crypto::random_array::<8>()
        .map(hex::encode)
        .unwrap_or_else(|_| "0000000000000000".into())
}

/// Validates and queues a job; it runs on a blocking thread.
pub fn submit(ctx: &Arc<Ctx>, work: Work, actor: &Actor, request_id: &str) -> Result<JobView> {
    validate(ctx, &work)?;
    queue(ctx, work, actor, request_id)
}

/// The checks that need no repository: the spec exists, the snapshot is
/// spelled like one, option values parse, the restore target is absolute
/// and inside an allowed root ([`crate::precheck`] adds the repository's).
/// The rules are [`cairn_app::request`]'s, which the API's bodies pass
/// already; the scheduler's work passes them here.
pub fn validate(ctx: &Ctx, work: &Work) -> Result<()> {
    use cairn_app::request as check;
    let cfg = &ctx.cfg;
    match work {
        Work::Gate { specs } => {
            for n in specs {
                check::spec_exists(cfg, n)?;
            }
        }
        Work::Replica { replica, .. } => {
            Work::replica(cfg, replica)?;
        }
        Work::Backup { spec, .. } | Work::Forget { spec } => check::spec_exists(cfg, spec)?,
        Work::Restore {
            spec,
            snapshot,
            target,
            ..
        } => {
            check::spec_exists(cfg, spec)?;
            check::restore_target(cfg, target)?;
            check::snapshot_syntax(snapshot)?;
        }
        Work::Verify {
            spec,
            snapshot,
            read_data_subset,
        } => {
            check::spec_exists(cfg, spec)?;
            check::snapshot_syntax(snapshot)?;
            if let Some(sub) = read_data_subset {
                check::data_subset(sub)?;
            }
        }
    }
    Ok(())
}

fn queue(ctx: &Arc<Ctx>, work: Work, actor: &Actor, request_id: &str) -> Result<JobView> {
    if let Some(key) = work.exclusive() {
        let mut busy = ctx
            .busy
            .lock()
            .map_err(|_| Error::Store("job table poisoned".into()))?;
        if !busy.insert(key) {
            return Err(Error::Conflict(match &work {
                Work::Gate { .. } => "a gate run is already queued or running".to_string(),
                Work::Replica { replica, .. } => {
                    format!("a run of replica {replica:?} is already queued or running")
                }
                w => format!(
                    "a backup of spec {:?} is already queued or running",
                    w.spec()
                ),
            }));
        }
    }
    let view = JobView {
        id: new_id(),
        kind: work.kind(),
        spec: work.spec().to_string(),
        state: JobState::Queued,
        submitted: ctx.now(),
        started: None,
        finished: None,
        actor: actor.name.clone(),
        progress: None,
        result: None,
        error: None,
    };
    if let Ok(mut j) = ctx.jobs.lock() {
        j.insert(view.id.clone(), view.clone());
    }
    let (c, id, a, rid) = (
        ctx.clone(),
        view.id.clone(),
        actor.clone(),
        request_id.to_string(),
    );
    tokio::task::spawn_blocking(move || run(&c, &id, &work, &a, &rid));
    Ok(view)
}

fn run(ctx: &Arc<Ctx>, id: &str, work: &Work, actor: &Actor, request_id: &str) {
    if ctx.stopping.load(std::sync::atomic::Ordering::SeqCst) {
        return; // queued behind the deadline: recorded as cancelled already
    }
    let _working = Working::new(ctx, id);
    ctx.update(id, |v| {
        v.state = JobState::Running;
        v.started = Some(ctx.now());
    });
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        execute(ctx, id, work, actor)
    }))
    .unwrap_or_else(|_| Err(Error::Store("the job panicked; see the server log".into())));
    let secs = started.elapsed().as_secs_f64();
    let spec = work.spec().to_string();
    let ok = outcome.is_ok();
    let label = if ok { "success" } else { "failure" };
    match work {
        Work::Backup { .. } => {
            ctx.metrics
                .backup_total
                .get_or_create(&SpecOutcome {
                    spec: spec.clone(),
                    outcome: label.into(),
                })
                .inc();
            ctx.metrics
                .backup_duration
                .get_or_create(&SpecLabel { spec: spec.clone() })
                .observe(secs);
        }
        Work::Restore { .. } => {
            ctx.metrics
                .restore_total
                .get_or_create(&Outcome {
                    outcome: label.into(),
                })
                .inc();
            ctx.metrics.restore_duration.observe(secs);
        }
        Work::Forget { .. } | Work::Gate { .. } | Work::Replica { .. } => {}
        Work::Verify { .. } => {
            // Damage found, not a client's mistake or an unreachable store:
            // the counter is what an alert on integrity watches.
            let damaged = match &outcome {
                Ok(JobResult::Verify(v)) => !v.ok,
                Err(Error::Core(e)) => e.kind() == cairn_core::ErrorKind::Corrupt,
                _ => false,
            };
            if damaged {
                ctx.metrics.verify_failures_total.inc();
            }
        }
    }
    if let Some(key) = work.exclusive() {
        if let Ok(mut b) = ctx.busy.lock() {
            b.remove(&key);
        }
    }
    if let Ok(mut p) = ctx.progress.lock() {
        p.remove(id);
    }
    if ctx.stopping.load(std::sync::atomic::Ordering::SeqCst) {
        // Recorded as cancelled at the grace deadline; the audit log's
        // server.stopped entry stays its last.
        return;
    }
    let (detail, state) = match &outcome {
        Ok(_) => (format!("{secs:.1}s"), JobState::Succeeded),
        Err(e) => {
            tracing::warn!(job = %id, error = %e, "job failed");
            (e.public_message(), JobState::Failed)
        }
    };
    let _ = ctx.audit.append(
        Record {
            request_id: request_id.into(),
            actor: actor.name.clone(),
            action: format!("job.{}", work.kind().as_str()),
            target: format!("{spec} job {id}"),
            outcome: state.as_str().into(),
            detail,
        },
        ctx.clock.now(),
    );
    ctx.update(id, |v| {
        v.state = state;
        v.finished = Some(ctx.now());
        match outcome {
            Ok(r) => v.result = Some(r),
            Err(e) => v.error = Some(e.public_message()),
        }
    });
    if let Some(v) = ctx.job(id).and_then(|v| serde_json::to_value(v).ok()) {
        if let Err(e) = ctx.history.record(v) {
            tracing::warn!(job = %id, error = %e, "job not recorded in the history");
        }
    }
    let error = ctx.job(id).and_then(|v| v.error);
    ctx.notify
        .job_ended(id, work.kind(), &spec, error.as_deref());
}

/// Marks a job's thread as in the runner until it leaves, however it leaves.
struct Working<'a>(&'a Ctx, String);

impl<'a> Working<'a> {
    fn new(ctx: &'a Ctx, id: &str) -> Self {
        if let Ok(mut w) = ctx.working.lock() {
            w.insert(id.to_string());
        }
        Working(ctx, id.to_string())
    }
}

impl Drop for Working<'_> {
    fn drop(&mut self) {
        if let Ok(mut w) = self.0.working.lock() {
            w.remove(&self.1);
        }
    }
}

/// Runs one job: an adapter that opens the spec's repository as the actor
/// may, calls one `cairn_app` use case, and returns its typed result.
fn execute(ctx: &Ctx, id: &str, work: &Work, actor: &Actor) -> Result<JobResult> {
    match work {
        Work::Gate { specs } => return crate::drills::run(ctx, specs).map(JobResult::Gate),
        Work::Replica { replica, .. } => {
            return crate::replicas::run(ctx, replica).map(JobResult::Replica)
        }
        _ => {}
    }
    let spec = ctx
        .cfg
        .spec(work.spec())
        .ok_or_else(|| Error::NotFound(work.spec().to_string()))?;
    let append_only = actor.role.append_only();
    let open = |access: Access, purpose: &str| {
        session::open_configured(
            &ctx.cfg,
            &spec.repository,
            session::Job {
                access,
                append_only,
                purpose,
                wait: ctx.lock_wait,
                clock: ctx.clock.clone(),
            },
        )
    };
    match work {
        Work::Backup {
            apply_retention, ..
        } => {
            let progress = Arc::new(cairn_core::backup::Progress::default());
            if let Ok(mut p) = ctx.progress.lock() {
                p.insert(id.to_string(), progress.clone());
            }
            let out = usecase::backup::backup_spec(
                &ctx.cfg,
                spec,
                append_only,
                ctx.lock_wait,
                ctx.clock.clone(),
                &progress,
            )?;
            let (hooks, repository_bytes) = (out.hooks, out.repository_bytes);
            let out = out.outcome;
            let st = &out.meta.stats;
            ctx.metrics
                .backup_bytes
                .get_or_create(&SpecLabel {
                    spec: spec.name.clone(),
                })
                .set(i64::try_from(st.bytes).unwrap_or(i64::MAX));
            if !out.meta.incomplete {
                ctx.metrics
                    .last_success
                    .get_or_create(&SpecLabel {
                        spec: spec.name.clone(),
                    })
                    .set(ctx.clock.now().unix_timestamp() as f64);
            }
            let retention = match (*apply_retention, &spec.retention) {
                (true, Some(policy)) => Some(apply_policy(ctx, spec, policy)?),
                _ => None,
            };
            Ok(JobResult::Backup(BackupResult {
                snapshot_id: out.id.to_hex(),
                incomplete: out.meta.incomplete,
                errors: out.meta.errors,
                stats: out.meta.stats,
                retention,
                hooks,
                repository_bytes,
            }))
        }
        Work::Restore {
            snapshot,
            target,
            include,
            dry_run,
            ..
        } => {
            let s = open(Access::Read, "restore")?;
            let opts = cairn_core::restore::RestoreOptions {
                target: cairn_core::restore::check_allowed(target, &ctx.cfg.restore.allow_roots)?,
                include: include.clone(),
                exclude: Vec::new(),
                overwrite: cairn_core::restore::Overwrite::IfChanged,
                delete: false,
                workers: 2,
                special: ctx.cfg.restore.allow_special,
            };
            let sel = Selector::of_spec(snapshot, spec);
            let r = usecase::restore::restore(&s.repo, &sel, &opts, *dry_run)?;
            let totals = r.totals().clone();
            let report = match r.outcome {
                usecase::restore::Outcome::Planned(_) => None,
                usecase::restore::Outcome::Done(d) => Some(d.report),
            };
            Ok(JobResult::Restore(RestoreResult {
                snapshot_id: r.id.to_hex(),
                dry_run: report.is_none(),
                report,
                totals,
            }))
        }
        Work::Verify {
            snapshot,
            read_data_subset,
            ..
        } => {
            let s = open(Access::Read, session::VERIFY_PURPOSE)?;
            let (id, _) = usecase::select::select(&s.repo, &Selector::of_spec(snapshot, spec))?;
            let data = match read_data_subset {
                Some(sub) => cairn_core::verify::DataCheck::parse_subset(
                    sub,
                    u64::from_le_bytes(cairn_core::crypto::random_array()?),
                )?,
                None => cairn_core::verify::DataCheck::None,
            };
            let req = usecase::verify::VerifyRequest {
                ids: vec![id],
                data,
                smoke: Vec::new(),
                workers: 2,
            };
            let r = usecase::verify::verify(&s.repo, &req)?;
            Ok(JobResult::Verify(VerifyResult {
                snapshot_id: id.to_hex(),
                ok: r.damage.is_empty(),
                report: r,
            }))
        }
        Work::Gate { .. } | Work::Replica { .. } => unreachable!("handled above"),
        Work::Forget { .. } => {
            if actor.role != Role::Admin {
                return Err(Error::Forbidden("only admin may forget".into()));
            }
            let policy = spec.retention.as_ref().ok_or_else(|| {
                Error::BadRequest(format!("spec {:?} has no retention policy", spec.name))
            })?;
            apply_policy(ctx, spec, policy).map(JobResult::Forget)
        }
    }
}

/// Applies a spec's retention policy to its own snapshots (exclusive lock).
fn apply_policy(
    ctx: &Ctx,
    spec: &cairn_app::config::SpecConfig,
    policy: &cairn_core::policy::Policy,
) -> Result<RetentionResult> {
    let s = session::open_configured(
        &ctx.cfg,
        &spec.repository,
        session::Job {
            access: Access::Delete,
            append_only: false,
            purpose: "forget",
            wait: ctx.lock_wait,
            clock: ctx.clock.clone(),
        },
    )?;
    let f = usecase::forget::apply_retention(&s.repo, spec, policy, ctx.clock.now())?;
    Ok(RetentionResult::new(
        f.plan.keep,
        f.outcome.unwrap_or_default(),
    ))
}
