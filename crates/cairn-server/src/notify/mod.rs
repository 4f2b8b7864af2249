//! Notifications (`[[notify]]`, docs/SERVER.md "Notifications"): job
//! failures, failed gate runs, RPO breaches and recoveries, sent to webhooks
//! and by mail.
//!
//! Nothing here may hold up a job: an event is put on each notifier's own
//! bounded queue without waiting (a full queue drops it, logged and
//! counted), and one task per notifier sends from its queue, retrying with
//! a doubling backoff, so a slow or dead receiver delays only its own
//! messages. Every outcome is counted (`dr_notifications_total`) and every
//! failure logged, without the secrets: tokens and passwords are read from
//! files at startup and appear in no log line and no `Debug` output.

mod event;
mod health;
pub mod mail;
pub mod webhook;

pub use event::{Event, SendError};

use crate::error::Result;
use crate::job_result::JobKind;
use crate::metrics::{Metrics, NotifyLabel, NotifyName};
use cairn_app::config::ServerConfig;
use cairn_app::notify::{NotifyConfig, NotifyEvent, NotifyKind};
use cairn_core::clock::{rfc3339, Clock};
use health::{Change, Health, Problem};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Messages waiting per notifier; beyond this, new ones are dropped (a
/// receiver down for long would otherwise pile them up without end).
const QUEUE: usize = 256;

/// The first retry's wait; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Debug)]
enum Route {
    Webhook(webhook::Webhook),
    Mail(mail::Mail),
}

impl Route {
    async fn send(&self, ev: &Event) -> std::result::Result<(), SendError> {
        match self {
            Route::Webhook(w) => w.send(ev).await,
            Route::Mail(m) => m.send(ev).await,
        }
    }
}

/// One `[[notify]]`: its settings, its route and its queue.
struct Sink {
    cfg: NotifyConfig,
    route: Arc<Route>,
    tx: mpsc::Sender<Event>,
    /// Taken by [`Notifier::start`].
    rx: Mutex<Option<mpsc::Receiver<Event>>>,
}

/// The server's notifiers and the health state behind `recovered`.
pub struct Notifier {
    sinks: Vec<Sink>,
    health: Mutex<Health>,
    metrics: Arc<Metrics>,
    clock: Arc<dyn Clock>,
    /// The RPO of a spec never backed up counts from the server's start.
    started: f64,
}

impl Notifier {
    /// Reads every notifier's secrets and sets up its route; sending starts
    /// with [`Notifier::start`].
    pub fn new(cfg: &ServerConfig, metrics: Arc<Metrics>, clock: Arc<dyn Clock>) -> Result<Self> {
        let mut sinks = Vec::new();
        for c in &cfg.notify {
            let route = match c.kind {
                NotifyKind::Webhook => Route::Webhook(webhook::Webhook::new(c)?),
                NotifyKind::Mail => Route::Mail(mail::Mail::new(c)?),
            };
            let (tx, rx) = mpsc::channel(QUEUE);
            sinks.push(Sink {
                cfg: c.clone(),
                route: Arc::new(route),
                tx,
                rx: Mutex::new(Some(rx)),
            });
        }
        let started = clock.now().unix_timestamp() as f64;
        Ok(Notifier {
            sinks,
            health: Mutex::new(Health::default()),
            metrics,
            clock,
            started,
        })
    }

    /// Starts one sending task per notifier (on the current runtime).
    pub fn start(&self) {
        for s in &self.sinks {
            let Some(rx) = s.rx.lock().ok().and_then(|mut r| r.take()) else {
                continue;
            };
            let worker = Worker {
                name: s.cfg.name.clone(),
                attempts: s.cfg.attempts,
                route: s.route.clone(),
                metrics: self.metrics.clone(),
            };
            tokio::spawn(worker.run(rx));
        }
    }

    fn count(&self, name: &str, outcome: &str) {
        self.metrics
            .notifications
            .get_or_create(&NotifyLabel {
                notify: name.into(),
                outcome: outcome.into(),
            })
            .inc();
    }

    /// Queues `ev` for every notifier that wants it, never waiting.
    fn emit(&self, ev: Event) {
        for s in self.sinks.iter().filter(|s| s.cfg.wants(ev.kind)) {
            if let Err(e) = s.tx.try_send(ev.clone()) {
                let why = match e {
                    mpsc::error::TrySendError::Full(_) => "its queue is full",
                    mpsc::error::TrySendError::Closed(_) => "its sender stopped",
                };
                tracing::warn!(notify = %s.cfg.name, event = ev.event, spec = %ev.spec, "notification dropped: {why}");
                self.count(&s.cfg.name, "dropped");
            }
        }
    }

    fn event(&self, kind: NotifyEvent, spec: &str, summary: String, detail: String) -> Event {
        Event {
            event: kind.as_str(),
            spec: spec.into(),
            job: None,
            job_kind: None,
            summary,
            detail,
            time: rfc3339(self.clock.now()),
            kind,
        }
    }

    /// Sets or clears a spec's problem; sends `recovered` when it was its last.
    fn health(&self, spec: &str, problem: Problem, on: bool) -> Change {
        let change = match self.health.lock() {
            Ok(mut h) => h.set(spec, problem, on),
            Err(_) => Change::Same,
        };
        if let Change::Recovered(was) = &change {
            let was: Vec<&str> = was.iter().map(|p| p.as_str()).collect();
            let ev = self.event(
                NotifyEvent::Recovered,
                spec,
                format!("spec {spec} recovered"),
                format!("was: {}", was.join(", ")),
            );
            self.emit(ev);
        }
        change
    }

    /// A job ended: a failure is sent; a backup's outcome sets its spec's health.
    pub fn job_ended(&self, job: &str, kind: JobKind, spec: &str, error: Option<&str>) {
        if kind == JobKind::Backup {
            self.health(spec, Problem::BackupFailed, error.is_some());
        }
        let Some(error) = error else { return };
        let kind = kind.as_str();
        let what = match spec {
            crate::jobs::ALL_SPECS => format!("{kind} job failed"),
            s => format!("{kind} of spec {s} failed"),
        };
        let mut ev = self.event(NotifyEvent::JobFailed, spec, what, error.into());
        ev.job = Some(job.into());
        ev.job_kind = Some(kind);
        self.emit(ev);
    }

    /// A gate run ended: a failing run is sent, and each spec's gate health
    /// set (a failing check without per-spec results fails every spec).
    pub fn gate_ran(&self, report: &cairn_app::gate::report::Report) {
        let failing: Vec<_> = report
            .checks
            .iter()
            .filter(|c| !c.pass && !c.waived)
            .collect();
        let blames_all = failing.iter().any(|c| c.specs.iter().all(|s| s.pass));
        for s in &report.specs {
            let failed = blames_all
                || failing
                    .iter()
                    .any(|c| c.specs.iter().any(|r| r.name == s.name && !r.pass));
            self.health(&s.name, Problem::GateFailed, failed);
        }
        if report.pass {
            return;
        }
        let lines: Vec<String> = failing
            .iter()
            .map(|c| match &c.reason {
                Some(r) => format!("{}: {r}", c.id),
                None => c.id.clone(),
            })
            .collect();
        let ids: Vec<&str> = failing.iter().map(|c| c.id.as_str()).collect();
        let ev = self.event(
            NotifyEvent::GateFailed,
            crate::jobs::ALL_SPECS,
            format!("the recovery gate failed: {}", ids.join(", ")),
            lines.join("\n"),
        );
        self.emit(ev);
    }

    /// Compares each spec's newest complete backup with its RPO (every
    /// second, from the scheduler): a breach is sent once, when it begins.
    pub fn check_rpo(&self, cfg: &ServerConfig) {
        let now = self.clock.now().unix_timestamp() as f64;
        for s in &cfg.spec {
            let Some(rpo) = s
                .rpo
                .as_deref()
                .and_then(|r| cairn_app::duration::parse_duration(r).ok())
            else {
                continue;
            };
            let label = crate::metrics::SpecLabel {
                spec: s.name.clone(),
            };
            let last = self
                .metrics
                .last_success
                .get(&label)
                .map(|g| g.get())
                .filter(|t| *t > 0.0);
            let age = now - last.unwrap_or(self.started);
            let breached = age > rpo.as_secs_f64();
            if self.health(&s.name, Problem::RpoBreach, breached) != Change::Raised {
                continue;
            }
            let since = match last {
                Some(_) => format!("its newest complete backup is {}s old", age as u64),
                None => format!(
                    "no complete backup in the {}s since the server started",
                    age as u64
                ),
            };
            let rpo_text = s.rpo.as_deref().unwrap_or_default();
            let ev = self.event(
                NotifyEvent::RpoBreach,
                &s.name,
                format!("spec {} is past its RPO of {rpo_text}", s.name),
                since,
            );
            self.emit(ev);
        }
    }
}

/// Sends one notifier's queue.
struct Worker {
    name: String,
    attempts: u32,
    route: Arc<Route>,
    metrics: Arc<Metrics>,
}

impl Worker {
    async fn run(self, mut rx: mpsc::Receiver<Event>) {
        while let Some(ev) = rx.recv().await {
            let outcome = self.deliver(&ev).await;
            self.metrics
                .notifications
                .get_or_create(&NotifyLabel {
                    notify: self.name.clone(),
                    outcome: outcome.into(),
                })
                .inc();
        }
    }

    async fn deliver(&self, ev: &Event) -> &'static str {
        let mut wait = FIRST_BACKOFF;
        for attempt in 1..=self.attempts {
            let why = match self.route.send(ev).await {
                Ok(()) => {
                    tracing::info!(notify = %self.name, event = ev.event, spec = %ev.spec, attempt, "notification sent");
                    return "sent";
                }
                Err(SendError::Permanent(m)) => {
                    tracing::warn!(notify = %self.name, event = ev.event, spec = %ev.spec, attempt, error = %m, "notification refused; not retried");
                    return "failed";
                }
                Err(SendError::Transient(m)) => m,
            };
            if attempt == self.attempts {
                tracing::warn!(notify = %self.name, event = ev.event, spec = %ev.spec, attempt, error = %why, "notification failed; giving up");
                break;
            }
            tracing::warn!(notify = %self.name, event = ev.event, spec = %ev.spec, attempt, error = %why, retry_in = ?wait, "notification failed; retrying");
            self.metrics
                .notification_retries
                .get_or_create(&NotifyName {
                    notify: self.name.clone(),
                })
                .inc();
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(MAX_BACKOFF);
        }
        "failed"
    }
}
