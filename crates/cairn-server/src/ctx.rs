//! The server's shared state: the config, the audit log, the metrics, the
//! clock and the job table. The job runner, the gate job, the API and the
//! scheduler all hold it, so it sits below each of them.

use crate::audit::AuditLog;
use crate::config::ServerConfig;
use crate::job_result::{BackupProgress, JobKind, JobResult, JobState};
use cairn_core::clock::{rfc3339, Clock};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A job as clients see it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct JobView {
    pub id: String,
    pub kind: JobKind,
    pub spec: String,
    pub state: JobState,
    pub submitted: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
    pub actor: String,
    /// Live counters while a backup runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<BackupProgress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<JobResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Shared server state the jobs need.
pub struct Ctx {
    pub cfg: Arc<ServerConfig>,
    pub audit: Arc<AuditLog>,
    pub metrics: Arc<crate::metrics::Metrics>,
    pub clock: Arc<dyn Clock>,
    pub jobs: Mutex<HashMap<String, JobView>>,
    /// Finished jobs, this run's and earlier runs' (jobs.jsonl).
    pub history: crate::job_history::JobHistory,
    /// Specs with a backup queued or running (and the gate): never two at once.
    pub busy: Mutex<HashSet<String>>,
    /// Progress of running backups, by job id.
    pub progress: Mutex<HashMap<String, Arc<cairn_core::backup::Progress>>>,
    /// The last gate report (JSON), for `GET /api/v1/dr/gate`.
    pub gate_last: Mutex<Option<Value>>,
    /// Set when the server gave up waiting for jobs at its grace deadline:
    /// a job that ends after that records nothing, so the audit log's
    /// `server.stopped` entry is its last.
    pub stopping: std::sync::atomic::AtomicBool,
    /// Jobs whose thread is in the runner: at the grace deadline, the
    /// server waits a moment for those it told to stop.
    pub working: Mutex<HashSet<String>>,
    /// How long a job waits for a repository lock.
    pub lock_wait: Duration,
    /// Where failures, breaches and recoveries are sent (`[[notify]]`).
    pub notify: crate::notify::Notifier,
}

impl Ctx {
    /// Now, as RFC 3339.
    pub fn now(&self) -> String {
        rfc3339(self.clock.now())
    }

    /// A job by id, with its live progress while it runs.
    pub fn job(&self, id: &str) -> Option<JobView> {
        let mut v = self.jobs.lock().ok().and_then(|j| j.get(id).cloned())?;
        if let Some(p) = self.progress.lock().ok().and_then(|p| p.get(id).cloned()) {
            use std::sync::atomic::Ordering::Relaxed;
            v.progress = Some(BackupProgress {
                files_done: p.work.items.load(Relaxed),
                bytes_done: p.work.bytes.load(Relaxed),
                bytes_read: p.bytes_read.load(Relaxed),
            });
        }
        Some(v)
    }

    /// Jobs, newest submitted first: this run's (live), then finished ones
    /// from earlier runs; `keep` says which (a JSON view of each).
    pub fn jobs_newest_first(&self, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut live: Vec<JobView> = self
            .jobs
            .lock()
            .map(|j| j.values().cloned().collect())
            .unwrap_or_default();
        live.sort_by(|a, b| b.submitted.cmp(&a.submitted).then(b.id.cmp(&a.id)));
        let ids: HashSet<String> = live.iter().map(|v| v.id.clone()).collect();
        let live = live
            .into_iter()
            .filter_map(|v| self.job(&v.id))
            .filter_map(|v| serde_json::to_value(v).ok());
        let earlier = self
            .history
            .newest_first()
            .into_iter()
            .filter(|v| !v["id"].as_str().is_some_and(|id| ids.contains(id)));
        live.chain(earlier).filter(|v| keep(v)).collect()
    }

    /// Jobs queued or running.
    pub fn active(&self) -> usize {
        self.jobs
            .lock()
            .map(|j| j.values().filter(|v| v.state.is_active()).count())
            .unwrap_or(0)
    }

    pub(crate) fn update(&self, id: &str, f: impl FnOnce(&mut JobView)) {
        if let Ok(mut j) = self.jobs.lock() {
            if let Some(v) = j.get_mut(id) {
                f(v);
            }
        }
    }
}
