//! What a backup would do now, without reading any file content: walk the
//! sources (metadata only) and compare each file with the parent snapshot
//! the way a backup does (size, mtime, ctime, inode). Files that differ would
//! be read; their bytes are an upper bound of the new data (deduplication can
//! only make it smaller).

use super::{BackupOptions, Excluder};
use crate::error::Result;
use crate::repo::Repository;
use crate::tree::NodeType;
use serde::Serialize;
use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The plan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BackupPlan {
    /// The snapshot changes are measured against (same host and paths).
    pub parent: Option<String>,
    /// When the parent was taken.
    pub parent_time: Option<String>,
    /// Regular files in the sources.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Files a backup would read (new or changed).
    pub files_to_read: u64,
    /// Their bytes: the upper bound of new data.
    pub bytes_to_read: u64,
    /// Files reused from the parent without reading.
    pub files_unchanged: u64,
    /// Entries that could not be examined.
    pub unreadable: u64,
}

type Key = (u64, i64, i64, u64);

/// The parent's files by a hash of their path, not the path: a parent
/// snapshot is read from the repository, whose paths may be 262 KB each
/// (folders 1,024 deep with 255-byte names), and this map has an entry
/// per file. BLAKE3 (256 bits): two paths never share a key in practice,
/// and a plan only estimates what a backup would read.
type Known = HashMap<[u8; 32], Key>;

fn path_key(path: &[u8]) -> [u8; 32] {
    *blake3::hash(path).as_bytes()
}

/// Plans a backup of `opts.paths`.
pub fn plan(repo: &Repository, opts: &BackupOptions) -> Result<BackupPlan> {
    let paths = super::scan::absolute_paths(&opts.paths)?;
    let path_strings: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let parent = super::find_parent(repo, &opts.host, opts.spec.as_deref(), &path_strings)?;
    let mut known = Known::new();
    let mut out = BackupPlan::default();
    if let Some((id, m)) = &parent {
        out.parent = Some(id.to_hex());
        out.parent_time = Some(m.time.clone());
        // The parent only hints at unchanged files: one too deep to see is
        // read again, which is all a missed hint costs.
        let _not_entered = crate::manifest::walk(repo, &m.tree, &mut |path, n| {
            if n.kind == NodeType::File && n.sha256.is_some() {
                known.insert(path_key(path), (n.size, n.mtime_ns, n.ctime_ns, n.inode));
            }
            Ok(())
        })?;
    }
    let excluder = Excluder::new(&opts.excludes)?;
    let several = paths.len() > 1;
    for p in &paths {
        let base: Vec<u8> = if several || p.is_file() {
            p.file_name()
                .map(|n| n.as_bytes().to_vec())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        walk(p, base, &excluder, &known, &mut out);
    }
    Ok(out)
}

fn walk(dir: &Path, rel: Vec<u8>, ex: &Excluder, known: &Known, out: &mut BackupPlan) {
    let md = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(_) => {
            out.unreadable += 1;
            return;
        }
    };
    if md.is_file() {
        count(&md, &rel, known, out);
        return;
    }
    if !md.is_dir() {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        out.unreadable += 1;
        return;
    };
    for e in rd.flatten() {
        let path = e.path();
        if ex.excluded(&path, &e.file_name()) {
            continue;
        }
        let mut r = rel.clone();
        if !r.is_empty() {
            r.push(b'/');
        }
        r.extend_from_slice(e.file_name().as_bytes());
        match e.metadata() {
            Ok(m) if m.is_dir() => walk(&path, r, ex, known, out),
            Ok(m) if m.is_file() => count(&m, &r, known, out),
            Ok(_) => {}
            Err(_) => out.unreadable += 1,
        }
    }
}

fn count(md: &std::fs::Metadata, rel: &[u8], known: &Known, out: &mut BackupPlan) {
    let key = (
        md.len(),
        super::scan::time_ns(md.mtime(), md.mtime_nsec()),
        super::scan::time_ns(md.ctime(), md.ctime_nsec()),
        md.ino(),
    );
    out.files += 1;
    out.bytes += md.len();
    if known.get(&path_key(rel)) == Some(&key) {
        out.files_unchanged += 1;
    } else {
        out.files_to_read += 1;
        out.bytes_to_read += md.len();
    }
}
