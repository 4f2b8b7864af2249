//! # cairn-server: `cairn serve`
//!
//! The HTTP API (axum) over the same core as the CLI: roles as data
//! ([`rbac`]), tokens stored as hashes ([`tokens`]), a hash-chained audit log
//! ([`audit`]), Prometheus metrics ([`metrics`]), one job runner for the API
//! and the scheduler ([`jobs`]), the recovery gate as a scheduled job
//! ([`gate`], [`drills`]), a web console ([`console`]), and a strict TOML
//! config ([`config`]).
//! Repository work runs on blocking threads, never on the async runtime.

pub mod api;
pub mod audit;
pub mod config;
pub mod console;
pub mod drills;
pub mod error;
pub mod gate;
pub mod jobs;
pub mod metrics;
pub mod openapi;
pub mod rbac;
pub mod repos;
pub mod schedule;
pub mod server;
pub mod snapshots;
pub mod tokens;

pub use error::{Error, Result};
