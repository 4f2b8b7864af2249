//! # cairn-app: what the CLI and the server share
//!
//! Below this crate, `cairn-core` is the repository and `cairn-store` the
//! storage; above it, `cairn-cli` and `cairn-server` are front ends. Before
//! it existed, each front end assembled the same work from core primitives
//! in its own way, and the two drifted: the server could open a repository
//! only with a password or key file, and "the spec's snapshots" meant five
//! different things. So everything a front end would otherwise write a
//! second time lives here, once:
//!
//! - the spec vocabulary and its strict TOML config ([`config`]), its cron
//!   lines ([`cron`]) and which specs are due ([`schedule`]), and where
//!   the server sends its notifications ([`notify`]);
//! - every way to unlock a repository ([`credentials`]) and one opener
//!   ([`session`]): location + credentials + access mode + clock → an
//!   unlocked repository under the right lock, checked against its pin;
//! - the spec-membership rule and how a spec is backed up ([`spec`]);
//! - the use cases as functions returning typed results ([`usecase`]), and
//!   the RG-7 recovery gate ([`gate`]).
//!
//! Nothing here renders text for a terminal or an HTTP response, parses
//! flags, or reads the wall clock: time comes in as a `Clock` or a `now`.
//! Errors are one type, [`Error`], whose messages name no front end's flags.

pub mod command;
pub mod config;
pub mod credentials;
pub mod cron;
pub mod duration;
pub mod error;
#[cfg(feature = "fault-injection")]
mod fault;
pub mod gate;
pub mod hooks;
pub mod notify;
pub mod rehash;
pub mod replica;
pub mod request;
pub mod schedule;
pub mod session;
pub mod spec;
pub mod transport;
pub mod usecase;

pub use error::{Error, Result};
