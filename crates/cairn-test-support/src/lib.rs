//! # cairn-test-support: what the tests share
//!
//! Every crate's tests reach for the same few things: a backend to run
//! against, a repository on it, a source tree with the shapes a backup must
//! keep, a way to say "these two trees are the same", a free loopback port,
//! a `cairn serve` config. Written once per test file they drift apart (three
//! `free_port`s, two ways of comparing trees, five hand-typed server
//! configs), and a fix to one copy never reaches the others. So they live
//! here, and a test that needs one uses this crate instead of writing its own.
//!
//! The rule the workspace keeps: this crate is only ever a
//! `[dev-dependencies]` entry. It depends on `cairn-core` and `cairn-store`
//! (Cargo allows that cycle through dev-dependencies), so it can only serve
//! *integration* tests (`tests/*.rs`); a crate's inline unit tests would see a
//! second copy of their own crate's types. It is never published and never
//! reaches a release binary; `cargo tree -e normal` of every crate stays
//! free of it.
//!
//! - [`conformance`]: the backend contract as one suite that every backend's
//!   tests run, given a factory of fresh, empty instances;
//! - [`TestRepo`]: a repository with cheap key derivation on any backend,
//!   and the backends core's own integration tests use ([`MemoryBackend`],
//!   [`FsBackend`], re-exported from cairn-store);
//! - [`make_tree`], [`noise`], [`all_files`], [`assert_same_tree`]: source
//!   trees and their comparison; [`deep_chain`], one past what a path reaches;
//! - [`forwarding`]: whether a backend wrapper passes every call it does
//!   not change on to the backend below (run over every wrapper);
//! - [`Hooked`]: any backend with a hook around its writes, for staging
//!   what happens between two steps (a stolen lock, a dying session), or
//!   watching its reads, for counting what a command fetches;
//! - [`store_pack`], [`store_snapshot`]: objects written by hand through
//!   the real encoders, for shapes no backup writes;
//! - [`azure_test_container`]: a new container on the local Azurite;
//! - [`Sshd`]: an OpenSSH server on loopback for the SFTP tests;
//! - [`free_port`];
//! - [`ServerToml`]: a `cairn serve` config file;
//! - [`TestCa`]: a certificate authority for `cairn serve` over TLS;
//! - [`curl`], [`curl_with`]: HTTP calls as scripts make them;
//! - [`HttpSink`], [`SmtpSink`]: a webhook receiver and a mail server that
//!   record what the server sends; [`eventually`] to wait for a condition;
//! - [`Browser`]: headless chromium through chromedriver, for the console;
//! - [`hostile`]: hostile trees and impostor objects, for every reader;
//! - [`crash`]: the states a power cut could leave after a traced command.

// Test helpers: a broken expectation must panic loudly, with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod azure;
mod browser;
pub mod conformance;
pub mod crash;
mod curl;
pub mod forwarding;
mod hand;
mod hooked;
pub mod hostile;
mod moto;
mod repo;
mod server_config;
mod sinks;
mod sshd;
mod tls;
mod tree;

/// The backends core's integration tests run on. They live in cairn-store
/// (the memory backend also serves the gate's scratch repositories).
pub use cairn_store::{FsBackend, MemoryBackend};
pub use hooked::{Hooked, Read, When};
pub use moto::Moto;

pub use azure::{azure_test_container, Azurite, AZURITE_ACCOUNT, AZURITE_KEY};
pub use browser::{Browser, El};
pub use curl::{curl, curl_with};
pub use hand::{store_pack, store_sealed_pack, store_snapshot, Sealed};
pub use repo::{assert_latest_restores_and_verifies, backup_options, restore_options, TestRepo};
pub use server_config::ServerToml;
pub use sinks::{eventually, HttpRequest, HttpSink, Mail, SmtpSink};
pub use sshd::Sshd;
pub use tls::{CertFiles, TestCa};
pub use tree::{all_files, assert_same_tree, deep_chain, make_tree, noise};

/// A free loopback port (bound, then released for a server to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
