//! Run one `[[replica]]` ([`crate::replica`]): each of its specs' snapshots
//! ([`crate::spec::spec_snapshots`]) are copied from the spec's repository
//! into the replica's with [`cairn_core::copy`], the use case `cairn copy`
//! runs too, so a rerun copies nothing and an interrupted run resumes.
//!
//! The source is opened for reading (shared lock); the destination for
//! appending (shared lock) and always append-only: a replica job never
//! deletes, whoever starts it.

use crate::config::ServerConfig;
use crate::error::Result;
use crate::replica::ReplicaConfig;
use crate::session::{self, Access, Job};
use cairn_core::clock::Clock;
use cairn_core::progress::WorkProgress;
use cairn_core::Repository;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// What a replica run did for one spec.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SpecCopied {
    /// The spec's name.
    pub spec: String,
    /// Snapshots copied: their ids in the replica.
    pub copied: Vec<String>,
    /// Snapshots of the spec the replica already held.
    pub present: usize,
    /// Blobs (data and trees) stored in the replica.
    pub blobs_stored: u64,
    /// Their plaintext bytes.
    pub bytes_stored: u64,
    /// Blobs the replica already had.
    pub blobs_present: u64,
    /// Time (RFC 3339) of the newest snapshot of the spec now in the
    /// replica; null when the spec has none yet.
    pub newest: Option<String>,
}

/// How the repositories are opened.
pub struct ReplicaJob {
    /// How long to wait for a lock.
    pub wait: Duration,
    pub clock: Arc<dyn Clock>,
}

/// Copies every spec of `replica` into its repository, spec by spec, in
/// the config's order; stops at the first error (what was copied stays:
/// each snapshot lands whole or not at all).
pub fn replicate(
    cfg: &ServerConfig,
    replica: &ReplicaConfig,
    job: &ReplicaJob,
    progress: &WorkProgress,
) -> Result<Vec<SpecCopied>> {
    let open = |name: &str, access: Access| {
        session::open_configured(
            cfg,
            name,
            Job {
                access,
                append_only: true,
                purpose: "replica",
                wait: job.wait,
                clock: job.clock.clone(),
            },
        )
    };
    let mut dst = open(&replica.repository, Access::Append)?;
    let mut out = Vec::new();
    for name in &replica.specs {
        let spec = cfg.require_spec(name)?;
        let src = open(&spec.repository, Access::Read)?;
        let snaps = crate::spec::spec_snapshots(src.snapshots()?, spec);
        let r = cairn_core::copy::copy_watched(
            &src,
            &mut dst,
            &snaps,
            &cairn_core::copy::CopyOptions::default(),
            progress,
        )?;
        out.push(SpecCopied {
            spec: spec.name.clone(),
            copied: r.copied.iter().map(|(_, d)| d.to_hex()).collect(),
            present: r.present.len(),
            blobs_stored: r.blobs_stored,
            bytes_stored: r.bytes_stored,
            blobs_present: r.blobs_present,
            newest: newest_of(&dst, spec)?.map(cairn_core::clock::rfc3339),
        });
    }
    Ok(out)
}

/// The time of the newest snapshot of `spec` in `repo` (the replica), if any.
pub fn newest_of(
    repo: &Repository,
    spec: &crate::config::SpecConfig,
) -> Result<Option<time::OffsetDateTime>> {
    let mine = crate::spec::spec_snapshots(repo.snapshots()?, spec);
    Ok(mine
        .iter()
        .filter_map(|(_, m)| cairn_core::clock::parse_rfc3339(&m.time).ok())
        .max())
}
