//! `cairn serve`: the listener, the scheduler, and a graceful shutdown that
//! lets running jobs finish (for a while) and records what it cut short.

use crate::api;
use crate::audit::{AuditLog, Record};
use crate::config::ServerConfig;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::jobs::{self, Actor, Work};
use crate::rbac::Role;
use cairn_core::clock::Clock;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;

/// Builds the shared state for a config.
pub fn state(cfg: ServerConfig, clock: Arc<dyn Clock>) -> Result<Arc<AppState>> {
    let audit = AuditLog::open(&cfg.audit_log)?;
    let tokens = crate::tokens::TokenStore::new(&cfg.tokens);
    let unauthenticated = crate::ratelimit::RateLimiter::new(cfg.limits.unauthenticated_per_minute);
    let history = crate::job_history::JobHistory::open(&cfg.audit_log)?;
    let metrics = Arc::new(crate::metrics::Metrics::default());
    let notify = crate::notify::Notifier::new(&cfg, metrics.clone(), clock.clone())?;
    let ctx = Arc::new(Ctx {
        cfg: Arc::new(cfg),
        audit: Arc::new(audit),
        metrics,
        clock,
        jobs: Mutex::new(HashMap::new()),
        history,
        busy: Mutex::new(Default::default()),
        progress: Mutex::new(HashMap::new()),
        gate_last: Mutex::new(None),
        stopping: Default::default(),
        working: Mutex::new(HashSet::new()),
        lock_wait: Duration::from_secs(600),
        notify,
    });
    ctx.metrics.set_targets(&ctx.cfg.spec);
    ctx.metrics.set_replica_targets(&ctx.cfg.replica);
    crate::drills::reload(&ctx);
    Ok(Arc::new(AppState {
        ctx,
        tokens,
        snapshots: Default::default(),
        browse: Default::default(),
        unauthenticated,
    }))
}

/// When scheduled work is due: `cairn_app::schedule`'s, re-exported for the tests.
pub use cairn_app::schedule::{due, gate_due, replicas_due};

fn jittered(jitter: Duration) -> Duration {
    if jitter.is_zero() {
        return Duration::ZERO;
    }
    let r = u64::from_le_bytes(cairn_core::crypto::random_array().unwrap_or([0; 8]));
    Duration::from_millis(r % jitter.as_millis().max(1) as u64)
}

/// Submits scheduled work after a jitter; a refusal (already running) is logged.
fn submit_later(st: &Arc<AppState>, work: Work, actor: &Actor, delay: Duration) {
    let (st, actor) = (st.clone(), actor.clone());
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let what = format!("{:?}", work);
        let rid = format!("sched-{}", st.ctx.now());
        match jobs::submit(&st.ctx, work, &actor, &rid) {
            Ok(j) => {
                tracing::info!(job = %j.id, kind = j.kind.as_str(), spec = %j.spec, "scheduled job started")
            }
            Err(e) => tracing::warn!(work = %what, error = %e, "scheduled job not started"),
        }
    });
}

/// The newest snapshot time of each scheduled spec: where the schedule resumes,
/// so downtime leads to exactly one catch-up run. Snapshots count as the
/// gate counts them (`cairn_app::spec`), so hand-made backups of a spec's paths
/// are not backed up again at startup. The same newest snapshots seed the
/// per-spec gauges (last success, size), so an RPO alert keeps working
/// across a restart even while backups fail.
fn resume_points(st: &AppState) -> HashMap<String, OffsetDateTime> {
    let mut last = HashMap::new();
    let rows = match st.snapshots.list(&st.ctx, None, None) {
        Ok(v) => v.as_array().cloned().unwrap_or_default(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the snapshots; every scheduled spec is due at once");
            return last;
        }
    };
    for s in &st.ctx.cfg.spec {
        let mine: Vec<&serde_json::Value> = rows
            .iter()
            .filter(|r| r["repository"] == s.repository.as_str())
            .filter(|r| {
                let paths: Vec<String> = r["paths"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str().map(String::from))
                    .collect();
                cairn_app::spec::belongs_fields(s, r["spec"].as_str(), &paths)
            })
            .collect();
        let time =
            |r: &&serde_json::Value| cairn_core::clock::parse_rfc3339(r["time"].as_str()?).ok();
        let newest = mine
            .iter()
            .filter_map(|r| time(r).map(|t| (t, *r)))
            .max_by_key(|(t, _)| *t);
        let Some((t, row)) = newest else { continue };
        if s.schedule.is_some() {
            last.insert(s.name.clone(), t);
        }
        seed_gauges(st, &s.name, row, &mine, time);
    }
    last
}

/// Sets a spec's size and last-success gauges from its snapshots, unless a
/// job already set them.
fn seed_gauges(
    st: &AppState,
    spec: &str,
    newest: &serde_json::Value,
    mine: &[&serde_json::Value],
    time: impl Fn(&&serde_json::Value) -> Option<OffsetDateTime>,
) {
    let m = &st.ctx.metrics;
    let label = crate::metrics::SpecLabel { spec: spec.into() };
    let bytes = m.backup_bytes.get_or_create(&label);
    if bytes.get() == 0 {
        bytes.set(newest["bytes"].as_i64().unwrap_or(0));
    }
    let complete = mine
        .iter()
        .filter(|r| r["incomplete"] != true)
        .filter_map(&time)
        .max();
    if let Some(t) = complete {
        let g = m.last_success.get_or_create(&label);
        if g.get() == 0.0 {
            g.set(t.unix_timestamp() as f64);
        }
    }
}

/// Runs the scheduler until the process stops. A failing job never stops it.
pub async fn scheduler(st: Arc<AppState>, jitter: Duration) {
    let st2 = st.clone();
    let (mut last, mut replica_last) =
        tokio::task::spawn_blocking(move || (resume_points(&st2), crate::replicas::seed(&st2.ctx)))
            .await
            .unwrap_or_default();
    let tz = jiff::tz::TimeZone::system();
    let actor = Actor {
        name: "scheduler".into(),
        role: Role::Admin,
    };
    // The gate resumes from its last report; a server that never ran it
    // waits for the next slot (a gate over specs not yet backed up would
    // only fail).
    let mut gate_last = crate::drills::last_run(&st.ctx).unwrap_or_else(|| st.ctx.clock.now());
    loop {
        let now = st.ctx.clock.now();
        for spec in due(&st.ctx.cfg, &last, now, &tz) {
            last.insert(spec.clone(), now);
            let work = Work::Backup {
                spec,
                apply_retention: true,
            };
            submit_later(&st, work, &actor, jittered(jitter));
        }
        for replica in replicas_due(&st.ctx.cfg, &replica_last, now, &tz) {
            replica_last.insert(replica.clone(), now);
            match Work::replica(&st.ctx.cfg, &replica) {
                Ok(work) => submit_later(&st, work, &actor, jittered(jitter)),
                Err(e) => tracing::warn!(%replica, error = %e, "scheduled replica not started"),
            }
        }
        if gate_due(&st.ctx.cfg, gate_last, now, &tz) {
            gate_last = now;
            let work = Work::Gate { specs: Vec::new() };
            submit_later(&st, work, &actor, jittered(jitter));
        }
        st.ctx.notify.check_rpo(&st.ctx.cfg);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Re-reads the TLS files on every SIGHUP (certificate renewal); a failed
/// reload is logged and the certificate in use stays.
fn reload_on_sighup(tls: Arc<crate::tls::TlsReloader>) -> Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    // Registered before the listener binds, so a SIGHUP sent once the server
    // answers can never take the default action (terminate).
    let mut hup = signal(SignalKind::hangup())
        .map_err(|e| Error::Config(format!("cannot handle SIGHUP: {e}")))?;
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            match tls.reload() {
                Ok(()) => tracing::info!("SIGHUP: TLS certificate and key reloaded"),
                Err(e) => {
                    tracing::warn!(error = %e, "SIGHUP: TLS reload failed; the certificate in use stays")
                }
            }
        }
    });
    Ok(())
}

/// Records the server's own start or stop (a failed append is logged by
/// nobody else, so here).
async fn server_event(st: &AppState, action: &str, target: &str, outcome: &str, detail: String) {
    let r = Record {
        actor: "server".into(),
        action: action.into(),
        target: target.into(),
        outcome: outcome.into(),
        detail,
        ..Default::default()
    };
    if let Err(e) = st.ctx.audit.append_async(r, st.ctx.clock.now()).await {
        tracing::error!(error = %e, action, "cannot append to the audit log");
    }
}

/// How long jobs told to stop at the grace deadline get to reach a safe point.
const STOP_MOMENT: Duration = Duration::from_secs(5);

/// The jobs whose thread is still in the runner, of `ids`.
fn still_working(ctx: &Ctx, ids: &[String]) -> HashSet<String> {
    let w = ctx.working.lock().map(|w| w.clone()).unwrap_or_default();
    ids.iter().filter(|id| w.contains(*id)).cloned().collect()
}

/// At the grace deadline: the jobs still queued or running are told to
/// stop through the core's cancellation point (as an interrupted CLI run
/// is: every repository lock this process holds is released and marked
/// lost, and a writer stops at its next lock check, before it writes an
/// index or a snapshot), given [`STOP_MOMENT`] to get there, and recorded
/// as cancelled (job history, audit); any that ends later records nothing.
/// One that does not stop in time (blocked on a command's output, or a
/// restore, which writes no repository object) is cut short when the
/// process exits. Either way, what it had not committed is not in the
/// repository (packs already written are garbage for prune, never a
/// snapshot without its data). Returns how many.
async fn cancel_active(st: &AppState) -> usize {
    let ctx = &st.ctx;
    ctx.stopping
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let active: Vec<String> = ctx
        .jobs
        .lock()
        .map(|j| {
            j.values()
                .filter(|v| v.state.is_active())
                .map(|v| v.id.clone())
                .collect()
        })
        .unwrap_or_default();
    if active.is_empty() {
        return 0;
    }
    let released = tokio::task::spawn_blocking(cairn_core::lock::release_all_held)
        .await
        .unwrap_or(0);
    tracing::info!(
        jobs = active.len(),
        locks = released,
        "grace period over: jobs told to stop"
    );
    let until = tokio::time::Instant::now() + STOP_MOMENT;
    while !still_working(ctx, &active).is_empty() && tokio::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let running = still_working(ctx, &active);
    for id in &active {
        let how = if running.contains(id) {
            "still running when the server exited"
        } else {
            "stopped before writing an index or snapshot"
        };
        ctx.update(id, |v| {
            v.state = crate::job_result::JobState::Cancelled;
            v.finished = Some(ctx.now());
            v.error = Some(format!("cancelled at the end of the server's grace period (--grace): {how}; nothing it had not committed is in the repository"));
        });
        if let Some(v) = ctx.job(id).and_then(|v| serde_json::to_value(v).ok()) {
            if let Err(e) = ctx.history.record(v) {
                tracing::warn!(job = %id, error = %e, "job not recorded in the history");
            }
        }
        server_event(
            st,
            "job.cancelled",
            id,
            "cancelled",
            format!("grace period over; {how}"),
        )
        .await;
    }
    active.len()
}

/// Serves until `shutdown` resolves, then waits up to `grace` for jobs.
pub async fn serve(
    st: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    grace: Duration,
    jitter: Duration,
) -> Result<()> {
    let cfg = st.ctx.cfg.clone();
    let listen = cfg.listen.clone();
    let exposed = crate::listener::plaintext_exposed(&cfg).await?;
    let tls = match &cfg.tls {
        Some(files) => Some(Arc::new(crate::tls::TlsReloader::load(files)?)),
        None => None,
    };
    if let Some(tls) = &tls {
        reload_on_sighup(tls.clone())?;
    }
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {listen}: {e}")))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%listen, %scheme, "cairn serve listening");
    if exposed {
        tracing::warn!(%listen, "insecure-plaintext: serving plain HTTP on a non-loopback address; tokens and data cross the network unencrypted");
    }
    let detail = if exposed {
        "insecure plaintext on a non-loopback address"
    } else {
        scheme
    };
    server_event(&st, "server.started", &listen, "succeeded", detail.into()).await;
    st.ctx.notify.start();
    let sched = tokio::spawn(scheduler(st.clone(), jitter));
    let transport = crate::listener::Transport {
        tls,
        header_timeout: cfg.limits.header_timeout(),
        max_connections: cfg.limits.max_connections,
    };
    // Logged here, in the module whose info lines the default filter shows.
    let shutdown = async move {
        shutdown.await;
        tracing::info!("shutting down: no new requests; waiting for running jobs");
    };
    crate::listener::run(
        listener,
        api::router(st.clone()),
        transport,
        shutdown,
        Duration::from_secs(10),
    )
    .await;
    sched.abort();
    let deadline = tokio::time::Instant::now() + grace;
    while st.ctx.active() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let left = cancel_active(&st).await;
    let outcome = if left == 0 { "succeeded" } else { "aborted" };
    let detail = format!("{left} job(s) still running were cut short");
    server_event(&st, "server.stopped", &listen, outcome, detail).await;
    let (seq, hash) = st.ctx.audit.head();
    tracing::info!(seq, %hash, "audit head at shutdown (record it to detect truncation)");
    Ok(())
}
