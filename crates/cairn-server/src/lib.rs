//! # cairn-server: `cairn serve`
//!
//! The HTTP API (axum) over the same core as the CLI: roles as data
//! ([`rbac`]), tokens stored as hashes ([`tokens`]), a hash-chained audit log
//! ([`audit`]), Prometheus metrics ([`metrics`]), one job runner for the API
//! and the scheduler ([`jobs`]), the recovery gate as a scheduled job
//! ([`drills`] over `cairn_app::gate`), replicas as jobs ([`replicas`]) and a
//! web console ([`console`]). The config, the
//! session opener and the use cases are `cairn-app`'s: handlers and jobs are
//! thin adapters over it ([`config`] and [`schedule`] are its modules,
//! re-exported).
//! The network side is ours rather than `axum::serve`'s: [`listener`] (TLS
//! from [`tls`], a header timeout, a connection cap), [`ratelimit`] for
//! requests without a valid token, and [`precheck`] refusing bad restore and
//! verify input before a job exists. [`notify`] sends failures, RPO
//! breaches and recoveries to webhooks and by mail.
//! Repository work runs on blocking threads, never on the async runtime.

pub mod api;
pub mod audit;
pub mod audit_view;
pub mod browse;
pub mod browse_repos;
pub use cairn_app::config;
pub mod console;
pub mod ctx;
pub mod drills;
pub mod error;
pub use cairn_app::gate;
pub mod http;
pub mod job_history;
pub mod job_result;
pub mod jobs;
pub mod listener;
pub mod metrics;
pub mod notify;
pub mod openapi;
pub mod precheck;
pub mod ratelimit;
pub mod rbac;
pub mod replicas;
pub mod repo_admin;
pub mod routes;
pub use cairn_app::schedule;
pub mod server;
pub mod snapshot_admin;
pub mod snapshots;
pub mod tls;
pub mod tokens;
pub mod wire;

pub use error::{Error, Result};
