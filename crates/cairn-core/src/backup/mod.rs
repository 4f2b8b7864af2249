//! The backup pipeline.
//!
//! ```text
//! scanner (this thread)  --events-->  workers (N)  --results-->  collector  --packs-->  writer
//!  walk, lstat, parent     hash, dedup check,        in-order: dedup,          store
//!  compare, read, chunk,   compress, seal            packs, trees,             packs
//!  whole-file SHA-256                                 index entries
//! ```
//! Every channel is bounded, so memory stays bounded whatever the tree size.
//! Events carry a sequence number and the collector consumes them strictly in
//! order, so pack contents, trees and the snapshot are the same whatever the
//! thread timing: that is what makes backups reproducible.
//!
//! Write order makes crashes harmless: packs first, then one index file for
//! them, then the snapshot. A crash before the snapshot leaves only
//! unreferenced packs, which prune removes.

mod event;
mod exclude;
mod options;
mod pipeline;
pub mod plan;
mod scan;
mod stream;

pub use exclude::Excluder;
pub use options::{BackupOptions, Progress};

/// Raises this process's open-file limit to its hard limit. A backup holds
/// one descriptor per directory level it is inside (up to
/// [`crate::manifest::MAX_DEPTH`]), so a deep tree must not run out at a
/// default soft limit of 1024. Best effort: a failure leaves the limit as it was.
pub fn raise_open_file_limit() {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut l = getrlimit(Resource::Nofile);
    if l.current < l.maximum {
        l.current = l.maximum;
        let _ = setrlimit(Resource::Nofile, l);
    }
}

use crate::error::Result;
use crate::ids::SnapshotId;
use crate::repo::Repository;
use crate::snapshot::{SnapshotEntry, SnapshotMeta};

/// The outcome of a backup.
#[derive(Debug, Clone)]
pub struct BackupOutcome {
    /// The new snapshot's id.
    pub id: SnapshotId,
    /// The snapshot.
    pub meta: SnapshotMeta,
    /// Packs written.
    pub packs: usize,
    /// Packs of an interrupted earlier backup that were indexed and reused.
    pub packs_adopted: usize,
}

/// Runs a backup and stores the snapshot.
pub fn backup(
    repo: &mut Repository,
    opts: &BackupOptions,
    progress: &Progress,
) -> Result<BackupOutcome> {
    let paths = scan::absolute_paths(&opts.paths)?;
    let adopted = repo.adopt_unindexed_packs()?;
    let path_strings: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let parent = if opts.force {
        None
    } else {
        find_parent(repo, &opts.host, opts.spec.as_deref(), &path_strings)?
    };
    let parent_tree = match &parent {
        Some((_, meta)) => match repo.load_tree(&meta.tree) {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::warn!(error = %e, "parent snapshot unreadable; reading every file");
                None
            }
        },
        None => None,
    };
    let excluder = Excluder::new(&opts.excludes)?;
    let source = pipeline::Source::Paths {
        paths: &paths,
        parent: parent_tree,
        excluder: &excluder,
    };
    let run = pipeline::run(repo, source, opts, progress)?;
    let parent = parent.map(|(id, _)| id);
    save(repo, opts, path_strings, parent, run, adopted)
}

/// Backs up one file, `name`, whose bytes are read from `reader` to its
/// end (a pipe, a dump command's output): no parent, since a stream has no
/// size or time to compare; deduplicated against everything stored. The
/// snapshot's path is `name`. Any read error, including one a reader
/// returns at its end to say its producer failed, fails the backup before a
/// snapshot is stored.
pub fn backup_stream(
    repo: &mut Repository,
    opts: &BackupOptions,
    name: &str,
    reader: &mut dyn std::io::Read,
    progress: &Progress,
) -> Result<BackupOutcome> {
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(crate::Error::invalid(format!(
            "{name:?} cannot name the file read from a stream: give a plain file name (no /)"
        )));
    }
    let adopted = repo.adopt_unindexed_packs()?;
    let node = stream_node(name, opts.now);
    let source = pipeline::Source::Stream { node, reader };
    let run = pipeline::run(repo, source, opts, progress)?;
    save(repo, opts, vec![name.to_string()], None, run, adopted)
}

/// The file a stream becomes: owned by whoever runs the backup, readable
/// by them only (a dump is usually sensitive), modified now.
fn stream_node(name: &str, now: time::OffsetDateTime) -> crate::tree::Node {
    let ns = i64::try_from(now.unix_timestamp_nanos()).unwrap_or(0);
    crate::tree::Node {
        name: crate::tree::Name(name.as_bytes().to_vec()),
        kind: crate::tree::NodeType::File,
        mode: 0o600,
        uid: rustix::process::getuid().as_raw(),
        gid: rustix::process::getgid().as_raw(),
        mtime_ns: ns,
        ctime_ns: ns,
        inode: 0,
        dev: 0,
        nlink: 1,
        size: 0,
        sha256: None,
        content: Vec::new(),
        subtree: None,
        target: None,
        rdev: None,
    }
}

/// Commits a run's packs, then stores its snapshot: the data is durable and
/// indexed before anything names it.
fn save(
    repo: &mut Repository,
    opts: &BackupOptions,
    path_strings: Vec<String>,
    parent: Option<SnapshotId>,
    mut run: pipeline::RunResult,
    adopted: usize,
) -> Result<BackupOutcome> {
    // By id, as `adopt_unindexed_packs` lists them: a damaged index file of
    // this backup is then rebuilt from the packs' trailers under the same
    // name (a backup now writes at least a data pack and a tree pack, whose
    // finishing order is no order a rebuild can know).
    run.packs.sort_by_key(|p| p.0);
    repo.commit_packs(&run.packs)?;
    let mut tags = opts.tags.clone();
    tags.sort();
    tags.dedup();
    let meta = SnapshotMeta {
        version: 1,
        time: crate::clock::rfc3339(opts.now),
        spec: opts.spec.clone(),
        host: opts.host.clone(),
        paths: path_strings,
        tags,
        parent,
        tree: run.root,
        incomplete: !run.errors.is_empty(),
        errors: run.errors.into_vec(),
        stats: run.stats,
        program: format!("cairn {}", env!("CARGO_PKG_VERSION")),
    };
    let id = repo.save_snapshot(&meta)?;
    Ok(BackupOutcome {
        id,
        meta,
        packs: run.packs.len(),
        packs_adopted: adopted,
    })
}

/// The newest snapshot of the same host that belongs to the same spec
/// ([`SnapshotMeta::belongs_to`]; without a spec: with the same paths), if
/// it was sealed under the current key epoch: after `keys rotate-master` a
/// new snapshot must not point at blobs the retired secret can read, so the
/// first backup after a rotation reads and stores everything again. The host
/// must match because the unchanged-file test compares inode numbers and
/// times, which mean nothing across machines.
pub(crate) fn find_parent(
    repo: &Repository,
    host: &str,
    spec: Option<&str>,
    paths: &[String],
) -> Result<Option<(SnapshotId, SnapshotMeta)>> {
    let newest = repo
        .snapshot_entries()?
        .into_iter()
        .rfind(|SnapshotEntry { meta: m, .. }| {
            m.host == host
                && match spec {
                    Some(name) => m.belongs_to(name, paths),
                    None => m.paths == paths,
                }
        });
    Ok(match newest {
        Some(e) if e.epoch == repo.keys().current_epoch() => Some((e.id, e.meta)),
        _ => None,
    })
}
