//! # cairn-core: the repository, and everything that reads or writes it
//!
//! A Cairn repository is a set of immutable, content-addressed objects behind a
//! small [`Backend`] trait. The key decision is that **every name is derived
//! from content** and **every byte is authenticated against where it lives**:
//!
//! - blob ids are keyed BLAKE3 hashes of the plaintext, so dedup works across
//!   the whole repository while the storage holder learns nothing from ids;
//! - blobs, trees, indexes and snapshots are sealed with AES-256-GCM-SIV whose
//!   nonce comes from the keyed id and whose associated data binds the format
//!   version, the repository id, the object kind and the id, so an object cannot
//!   be swapped, moved or replayed into another repository unnoticed;
//! - packs are named by the SHA-256 of their bytes, so storage integrity can be
//!   checked by anyone, without keys.
//!
//! Because nothing depends on a clock or a counter, the same tree, key and
//! `now` give the same snapshot id and the same object bytes. The exact format
//! is in `docs/FORMAT.md`.
//!
//! This crate is synchronous on purpose: parallelism comes from threads with
//! bounded channels, and time is always passed in (see [`clock`]).

pub mod backend;
pub mod backup;
pub mod browse;
pub mod chunker;
pub mod clock;
pub mod codec;
pub mod config;
pub mod consolidate;
pub mod copy;
pub mod crypto;
pub mod epochs;
pub mod error;
pub mod escape;
pub mod export;
pub mod forget;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod guard;
pub mod ids;
pub mod idset;
pub mod index;
pub mod keyslot;
pub mod leftovers;
pub mod lock;
pub mod maintenance;
pub mod manifest;
pub mod pack;
pub mod parallel;
pub mod pin;
pub mod place;
pub mod policy;
pub mod progress;
pub mod protect;
pub mod prune;
pub mod recover;
pub mod remedy;
pub mod repo;
pub mod restore;
pub mod rotate;
pub mod select;
pub mod snapshot;
pub mod tree;
pub mod upgrade;
pub mod verify;
pub mod worm;
pub mod wrapper;
pub mod written;

pub use backend::{Backend, Leftover, ObjectInfo, ObjectKind, ObjectVersion};
/// Shared, reference-counted bytes: what [`Backend::write_new_shared`] takes.
pub use bytes::Bytes;
pub use error::{Error, ErrorKind, Result};
pub use ids::{BlobId, PackId, RepoId, SnapshotId};
pub use remedy::Remedy;
pub use repo::Repository;
pub use select::Selector;
pub use snapshot::SnapshotEntry;
pub use wrapper::Wrapper;

/// The newest repository format version this build reads. `init` writes 3
/// (large directories in parts, docs/FORMAT.md §10.1); a repository made by
/// an older release stays 1, or 2 once its master secret was rotated.
pub const FORMAT_VERSION: u32 = 3;
