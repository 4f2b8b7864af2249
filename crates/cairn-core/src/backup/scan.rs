//! The scanner: walks the sources in name order, compares with the parent
//! snapshot, reads and chunks what changed, and emits events in order.

use super::pipeline::{Event, Sink};
use super::{invalid_path, BackupOptions, Excluder, Progress};
use crate::chunker::Chunker;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::repo::Repository;
use crate::snapshot::SourceError;
use crate::tree::{Name, Node, NodeType, Tree};
use sha2::{Digest, Sha256};
use std::ffi::OsString;
use std::fs::{self, File, Metadata};
use std::io::Read;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// Makes paths absolute and lexically clean, checks they exist, and refuses
/// two sources with the same last component (they would collide in the root tree).
pub(crate) fn absolute_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    if paths.is_empty() {
        return Err(Error::invalid("no source path given")
            .hint("name at least one file or directory to back up"));
    }
    let mut out = Vec::new();
    for p in paths {
        let abs = std::path::absolute(p).map_err(|e| Error::io(p.display(), e))?;
        let clean: PathBuf = abs.components().collect();
        if let Err(e) = fs::symlink_metadata(&clean) {
            return Err(Error::io(format!("source path {}", clean.display()), e)
                .hint("check the path; nothing was backed up"));
        }
        out.push(clean);
    }
    if out.len() > 1 {
        let mut names: Vec<_> = out
            .iter()
            .map(|p| p.file_name().map(|n| n.to_owned()))
            .collect();
        if names.iter().any(Option::is_none) {
            return Err(invalid_path(
                Path::new("/"),
                "the root cannot be combined with other paths",
            ));
        }
        names.sort();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return Err(Error::invalid("two source paths end in the same name")
                .hint("back them up as separate snapshots, or back up their common parent"));
        }
    }
    Ok(out)
}

pub(crate) fn time_ns(sec: i64, nsec: i64) -> i64 {
    sec.saturating_mul(1_000_000_000).saturating_add(nsec)
}

/// A node from `lstat` metadata (content fields left empty).
pub(crate) fn node_from_meta(name: Vec<u8>, md: &Metadata) -> Node {
    let ft = md.file_type();
    let kind = if ft.is_dir() {
        NodeType::Dir
    } else if ft.is_file() {
        NodeType::File
    } else if ft.is_symlink() {
        NodeType::Symlink
    } else if ft.is_fifo() {
        NodeType::Fifo
    } else if ft.is_socket() {
        NodeType::Socket
    } else if ft.is_char_device() {
        NodeType::Chardev
    } else {
        NodeType::Blockdev
    };
    Node {
        name: Name(name),
        kind,
        mode: md.mode() & 0o7777,
        uid: md.uid(),
        gid: md.gid(),
        mtime_ns: time_ns(md.mtime(), md.mtime_nsec()),
        ctime_ns: time_ns(md.ctime(), md.ctime_nsec()),
        inode: md.ino(),
        dev: md.dev(),
        nlink: md.nlink(),
        size: if kind == NodeType::File { md.size() } else { 0 },
        sha256: None,
        content: Vec::new(),
        subtree: None,
        target: None,
        rdev: matches!(kind, NodeType::Chardev | NodeType::Blockdev).then(|| md.rdev()),
    }
}

pub(crate) struct Scanner<'a> {
    pub repo: &'a Repository,
    pub index: &'a Index,
    pub chunker: Chunker,
    pub excluder: &'a Excluder,
    pub opts: &'a BackupOptions,
    pub progress: &'a Progress,
    pub buf: Vec<u8>,
    pub root_dev: u64,
}

impl Scanner<'_> {
    /// Emits the whole source set into the root frame.
    pub fn scan_roots(
        &mut self,
        paths: &[PathBuf],
        parent: Option<&Tree>,
        sink: &mut Sink,
    ) -> Result<()> {
        if let [only] = paths {
            let md = fs::symlink_metadata(only).map_err(|e| Error::io(only.display(), e))?;
            self.root_dev = md.dev();
            if md.is_dir() {
                return self.scan_dir(only, parent, sink);
            }
        }
        for p in paths {
            let name = p
                .file_name()
                .map(|n| n.as_bytes().to_vec())
                .unwrap_or_default();
            let md = fs::symlink_metadata(p).map_err(|e| Error::io(p.display(), e))?;
            self.root_dev = md.dev();
            self.entry(p, name, md, parent, sink)?;
        }
        Ok(())
    }

    fn scan_dir(&mut self, dir: &Path, parent: Option<&Tree>, sink: &mut Sink) -> Result<()> {
        let rd = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => return sink.send(Event::Error(source_error(dir, &e.to_string()))),
        };
        let mut names: Vec<OsString> = Vec::new();
        for ent in rd {
            match ent {
                Ok(ent) => names.push(ent.file_name()),
                Err(e) => sink.send(Event::Error(source_error(dir, &e.to_string())))?,
            }
        }
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        for name in names {
            let path = dir.join(&name);
            if self.excluder.excluded(&path, &name) {
                continue;
            }
            let md = match fs::symlink_metadata(&path) {
                Ok(md) => md,
                Err(e) => {
                    sink.send(Event::Error(source_error(&path, &e.to_string())))?;
                    continue;
                }
            };
            self.entry(&path, name.into_vec(), md, parent, sink)?;
        }
        Ok(())
    }

    fn entry(
        &mut self,
        path: &Path,
        name: Vec<u8>,
        md: Metadata,
        parent: Option<&Tree>,
        sink: &mut Sink,
    ) -> Result<()> {
        let mut node = node_from_meta(name, &md);
        let old = parent.and_then(|t| {
            t.nodes
                .binary_search_by(|n| n.name.0.as_slice().cmp(&node.name.0))
                .ok()
                .map(|i| &t.nodes[i])
        });
        match node.kind {
            NodeType::Dir => {
                sink.send(Event::DirStart(node))?;
                if md.dev() == self.root_dev || !self.opts.one_file_system {
                    let sub = old
                        .filter(|o| o.kind == NodeType::Dir)
                        .and_then(|o| o.subtree)
                        .and_then(|id| self.repo.load_tree(&id).ok());
                    self.scan_dir(path, sub.as_ref(), sink)?;
                }
                sink.send(Event::DirEnd)
            }
            NodeType::File => {
                if let Some(o) = old.filter(|o| {
                    !self.opts.force
                        && unchanged(o, &node)
                        && o.content.iter().all(|c| self.index.contains(c))
                }) {
                    node.sha256 = o.sha256.clone();
                    node.content = o.content.clone();
                    self.progress.add(1, node.size);
                    return sink.send(Event::Reused(node));
                }
                let changed = old.is_some();
                self.read_file(path, node, changed, sink)
            }
            NodeType::Symlink => match fs::read_link(path) {
                Ok(t) => {
                    node.target = Some(Name(t.into_os_string().into_vec()));
                    sink.send(Event::Other(node))
                }
                Err(e) => sink.send(Event::Error(source_error(path, &e.to_string()))),
            },
            _ => sink.send(Event::Other(node)),
        }
    }

    fn read_file(&mut self, path: &Path, node: Node, changed: bool, sink: &mut Sink) -> Result<()> {
        let mut f = match File::open(path) {
            Ok(f) => f,
            Err(e) => return sink.send(Event::Error(source_error(path, &e.to_string()))),
        };
        let before = (node.size, node.mtime_ns);
        sink.send(Event::FileStart { node, changed })?;
        let mut sha = Sha256::new();
        let progress = self.progress;
        let read = if before.0 < self.chunker.min() as u64 {
            let mut data = Vec::with_capacity(before.0 as usize + 1);
            match (&mut f)
                .take(self.chunker.min() as u64)
                .read_to_end(&mut data)
            {
                Ok(n) if n < self.chunker.min() => {
                    sha.update(&data);
                    progress.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
                    if n > 0 {
                        sink.send(Event::Chunk(data))?;
                    }
                    Ok(n as u64)
                }
                // It grew past the small-file size while we looked: chunk it from the start.
                Ok(_) => {
                    sha = Sha256::new();
                    self.stream(&mut f, &mut sha, sink, true)
                }
                Err(e) => Err(e),
            }
        } else {
            self.stream(&mut f, &mut sha, sink, false)
        };
        let total = match read {
            Ok(n) => n,
            Err(e) => {
                let err = sink.take_error();
                if let Some(err) = err {
                    return Err(err);
                }
                return sink.send(Event::FileEnd {
                    sha256: [0; 32],
                    size: 0,
                    error: Some(source_error(path, &format!("read failed: {e}"))),
                    warning: None,
                });
            }
        };
        let warning = match f.metadata() {
            Ok(md)
                if (md.size(), time_ns(md.mtime(), md.mtime_nsec())) != before
                    || md.size() != total =>
            {
                Some(source_error(
                    path,
                    "file changed while it was read; the snapshot holds the bytes as read",
                ))
            }
            Ok(_) => None,
            Err(e) => Some(source_error(
                path,
                &format!("file vanished while it was read: {e}"),
            )),
        };
        progress.add(1, total);
        sink.send(Event::FileEnd {
            sha256: sha.finalize().into(),
            size: total,
            error: None,
            warning,
        })
    }

    fn stream(
        &mut self,
        f: &mut File,
        sha: &mut Sha256,
        sink: &mut Sink,
        rewind: bool,
    ) -> std::io::Result<u64> {
        use std::io::Seek;
        if rewind {
            f.rewind()?;
        }
        let progress = self.progress;
        let res = self.chunker.split(&mut *f, &mut self.buf, |c| {
            sha.update(c);
            progress
                .bytes_read
                .fetch_add(c.len() as u64, Ordering::Relaxed);
            sink.send(Event::Chunk(c.to_vec()))
        })?;
        // A pipeline failure is kept in the sink and surfaces at the caller.
        res.map_err(|e| {
            sink.keep_error(e);
            std::io::Error::other("pipeline stopped")
        })
    }
}

/// Whether a file can be reused from the parent without reading it.
fn unchanged(old: &Node, new: &Node) -> bool {
    old.kind == NodeType::File
        && old.size == new.size
        && old.mtime_ns == new.mtime_ns
        && old.ctime_ns == new.ctime_ns
        && old.inode == new.inode
        && old.sha256.is_some()
}

fn source_error(path: &Path, msg: &str) -> SourceError {
    SourceError {
        path: path.to_string_lossy().into_owned(),
        error: msg.to_string(),
    }
}
