//! Prometheus metrics (names from the seed). Labels stay low-cardinality:
//! spec names come from the config, routes are templates, never raw paths.

use prometheus_client::encoding::{EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SpecOutcome {
    pub spec: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SpecLabel {
    pub spec: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RepoLabel {
    pub repository: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub route: String,
    pub method: String,
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CheckLabel {
    pub check: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HashLabel {
    pub hash: String,
}

/// A notifier and what became of a message: `sent`, `failed` (refused, or
/// every attempt failed) or `dropped` (its queue was full).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NotifyLabel {
    pub notify: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NotifyName {
    pub notify: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReplicaLabel {
    pub replica: String,
}

/// A spec in a replica: both names come from the config (bounded).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SpecReplica {
    pub spec: String,
    pub replica: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabel {
    pub route: String,
}

fn seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.5, 2.0, 14))
}

fn request_seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

/// Every metric the server exports.
pub struct Metrics {
    pub registry: Registry,
    pub backup_total: Family<SpecOutcome, Counter>,
    pub restore_total: Family<Outcome, Counter>,
    pub verify_failures_total: Counter,
    pub snapshots_total: Family<RepoLabel, Gauge>,
    pub retained_total: Family<RepoLabel, Gauge>,
    pub backup_bytes: Family<SpecLabel, Gauge>,
    pub backup_duration: Family<SpecLabel, Histogram, fn() -> Histogram>,
    pub restore_duration: Histogram,
    pub last_success: Family<SpecLabel, Gauge<f64, AtomicU64>>,
    pub http_requests: Family<HttpLabels, Counter>,
    pub http_duration: Family<RouteLabel, Histogram, fn() -> Histogram>,
    pub gate_pass: Family<CheckLabel, Gauge>,
    pub rpo_seconds: Family<SpecLabel, Gauge<f64, AtomicU64>>,
    pub rto_seconds: Family<SpecLabel, Gauge<f64, AtomicU64>>,
    /// Each spec's objectives from the config, so an alert compares the
    /// measured age and recovery time with the spec's own target.
    pub rpo_target: Family<SpecLabel, Gauge<f64, AtomicU64>>,
    pub rto_target: Family<SpecLabel, Gauge<f64, AtomicU64>>,
    pub gate_time: Gauge<f64, AtomicU64>,
    pub audit_head_seq: Gauge,
    /// One series at a time: the head's hash as a label, value 1.
    pub audit_head_info: Family<HashLabel, Gauge>,
    /// Notification messages by notifier and outcome ([`crate::notify`]).
    pub notifications: Family<NotifyLabel, Counter>,
    /// Attempts that failed and were tried again, by notifier.
    pub notification_retries: Family<NotifyName, Counter>,
    /// Age of the newest snapshot of each spec in each replica, set at
    /// each scrape from `replica_newest`.
    pub replica_lag: Family<SpecReplica, Gauge<f64, AtomicU64>>,
    /// Each replica's `rpo` from the config, for an alert on the lag.
    pub replica_rpo_target: Family<ReplicaLabel, Gauge<f64, AtomicU64>>,
    /// The newest snapshot time (unix seconds) of each spec in each replica,
    /// as the last replica job or the startup scan found it.
    replica_newest: std::sync::Mutex<std::collections::HashMap<SpecReplica, i64>>,
    /// The sample names the exposition can carry, whether or not a family
    /// has samples yet (an empty family prints nothing).
    names: Vec<String>,
}

/// Registers `metric` and records the sample names it can produce.
fn register(
    r: &mut Registry,
    names: &mut Vec<String>,
    name: &str,
    help: &str,
    metric: impl EncodeMetric + std::fmt::Debug + Send + Sync + 'static,
) {
    let suffixes: &[&str] = match metric.metric_type() {
        MetricType::Counter => &["_total"],
        MetricType::Histogram => &["_bucket", "_sum", "_count"],
        _ => &[""],
    };
    names.extend(suffixes.iter().map(|s| format!("{name}{s}")));
    r.register(name, help, metric);
}

impl Default for Metrics {
    fn default() -> Self {
        let mut r = Registry::default();
        let mut names = Vec::new();
        let m = Metrics {
            backup_total: Family::default(),
            restore_total: Family::default(),
            verify_failures_total: Counter::default(),
            snapshots_total: Family::default(),
            retained_total: Family::default(),
            backup_bytes: Family::default(),
            backup_duration: Family::new_with_constructor(seconds as fn() -> Histogram),
            restore_duration: seconds(),
            last_success: Family::default(),
            http_requests: Family::default(),
            http_duration: Family::new_with_constructor(request_seconds as fn() -> Histogram),
            gate_pass: Family::default(),
            rpo_seconds: Family::default(),
            rto_seconds: Family::default(),
            rpo_target: Family::default(),
            rto_target: Family::default(),
            gate_time: Gauge::default(),
            audit_head_seq: Gauge::default(),
            audit_head_info: Family::default(),
            notifications: Family::default(),
            notification_retries: Family::default(),
            replica_lag: Family::default(),
            replica_rpo_target: Family::default(),
            replica_newest: Default::default(),
            registry: Registry::default(),
            names: Vec::new(),
        };
        register(
            &mut r,
            &mut names,
            "dr_backup",
            "Backups run, by spec and outcome",
            m.backup_total.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_restore",
            "Restores run, by outcome",
            m.restore_total.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_verify_failures",
            "Verifies that found damage or failed",
            m.verify_failures_total.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_snapshots_total",
            "Snapshots in each repository",
            m.snapshots_total.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_retained_total",
            "Snapshots still held by WORM retention",
            m.retained_total.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_backup_bytes",
            "Bytes in the newest snapshot of each spec",
            m.backup_bytes.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_backup_duration_seconds",
            "Backup wall time",
            m.backup_duration.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_restore_duration_seconds",
            "Restore wall time",
            m.restore_duration.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_last_success_timestamp_seconds",
            "Unix time of each spec's last successful backup",
            m.last_success.clone(),
        );
        register(
            &mut r,
            &mut names,
            "http_requests",
            "HTTP requests by route template, method and status",
            m.http_requests.clone(),
        );
        register(
            &mut r,
            &mut names,
            "http_request_duration_seconds",
            "HTTP request latency by route template",
            m.http_duration.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_gate_pass",
            "1 when the last RG-7 gate run passed the check (or it was waived), else 0",
            m.gate_pass.clone(),
        );
        register(&mut r, &mut names, "dr_rpo_seconds", "Recovery point measured by the last gate run: now minus the newest snapshot that verified and restored", m.rpo_seconds.clone());
        register(&mut r, &mut names, "dr_rto_seconds", "Recovery time measured by the last gate run: unlock + verify + restore (extrapolated by bytes for a partial restore)", m.rto_seconds.clone());
        register(
            &mut r,
            &mut names,
            "dr_gate_last_run_timestamp_seconds",
            "Unix time of the last gate run",
            m.gate_time.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_rpo_target_seconds",
            "Each spec's recovery point objective from the config (rpo)",
            m.rpo_target.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_rto_target_seconds",
            "Each spec's recovery time objective from the config (rto)",
            m.rto_target.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_audit_head_seq",
            "Sequence number of the audit log's last entry",
            m.audit_head_seq.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_audit_head_info",
            "The audit log's head: its hash as a label (one series, replaced at each scrape)",
            m.audit_head_info.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_notifications",
            "Notification messages by notifier and outcome (sent, failed, dropped)",
            m.notifications.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_replica_lag_seconds",
            "Age of the newest snapshot of each spec held by each replica (absent: none yet)",
            m.replica_lag.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_notification_retries",
            "Notification attempts that failed and were tried again",
            m.notification_retries.clone(),
        );
        register(
            &mut r,
            &mut names,
            "dr_replica_rpo_target_seconds",
            "Each replica's recovery point objective from the config (rpo)",
            m.replica_rpo_target.clone(),
        );
        Metrics {
            registry: r,
            names,
            ..m
        }
    }
}

impl Metrics {
    /// Every sample name the exposition can carry (`dr_backup_total`,
    /// `dr_backup_duration_seconds_bucket`, ...): what dashboards and alert
    /// rules may query.
    pub fn sample_names(&self) -> &[String] {
        &self.names
    }

    /// Publishes each spec's RPO and RTO targets (specs without one have none).
    pub fn set_targets(&self, specs: &[cairn_app::config::SpecConfig]) {
        for s in specs {
            let label = SpecLabel {
                spec: s.name.clone(),
            };
            for (family, v) in [(&self.rpo_target, &s.rpo), (&self.rto_target, &s.rto)] {
                if let Some(d) = v
                    .as_deref()
                    .and_then(|v| cairn_app::duration::parse_duration(v).ok())
                {
                    family.get_or_create(&label).set(d.as_secs_f64());
                }
            }
        }
    }

    /// Publishes each replica's RPO target (replicas without one have none).
    pub fn set_replica_targets(&self, replicas: &[cairn_app::replica::ReplicaConfig]) {
        for r in replicas {
            if let Some(d) = r
                .rpo
                .as_deref()
                .and_then(|v| cairn_app::duration::parse_duration(v).ok())
            {
                let label = ReplicaLabel {
                    replica: r.name.clone(),
                };
                self.replica_rpo_target
                    .get_or_create(&label)
                    .set(d.as_secs_f64());
            }
        }
    }

    /// Publishes the audit head (set at each scrape).
    pub fn set_audit_head(&self, seq: u64, hash: &str) {
        self.audit_head_seq
            .set(i64::try_from(seq).unwrap_or(i64::MAX));
        self.audit_head_info.clear();
        self.audit_head_info
            .get_or_create(&HashLabel { hash: hash.into() })
            .set(1);
    }

    /// Records the newest snapshot of `spec` in `replica` (None: it holds
    /// none, so the lag has no sample rather than a fake one).
    pub fn set_replica_newest(&self, spec: &str, replica: &str, t: Option<time::OffsetDateTime>) {
        let label = SpecReplica {
            spec: spec.into(),
            replica: replica.into(),
        };
        if let Ok(mut n) = self.replica_newest.lock() {
            match t {
                Some(t) => n.insert(label, t.unix_timestamp()),
                None => {
                    self.replica_lag.remove(&label);
                    n.remove(&label)
                }
            };
        }
    }

    /// Sets each replica lag to `now` minus its newest snapshot (at each scrape).
    pub fn refresh_replica_lag(&self, now: time::OffsetDateTime) {
        if let Ok(n) = self.replica_newest.lock() {
            for (label, t) in n.iter() {
                let age = (now.unix_timestamp() - t) as f64;
                self.replica_lag.get_or_create(label).set(age);
            }
        }
    }

    /// The text exposition.
    pub fn encode(&self) -> String {
        let mut s = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut s, &self.registry);
        s
    }
}
