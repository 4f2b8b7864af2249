//! The scanner: walks the sources in name order, compares with the parent
//! snapshot, reads and chunks what changed, and emits events in order.

use super::event::{Event, Sink};
use super::{BackupOptions, Excluder, Progress};
use crate::chunker::Chunker;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::manifest::MAX_DEPTH;
use crate::repo::Repository;
use crate::snapshot::SourceError;
use crate::tree::{Name, Node, NodeType, Tree};
use rustix::fd::OwnedFd;
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;
use sha2::{Digest, Sha256};
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
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

/// A node from `lstat`-style metadata (content fields left empty).
pub(crate) fn node_from_stat(name: Vec<u8>, st: &Stat) -> Node {
    let kind = match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => NodeType::Dir,
        FileType::RegularFile => NodeType::File,
        FileType::Symlink => NodeType::Symlink,
        FileType::Fifo => NodeType::Fifo,
        FileType::Socket => NodeType::Socket,
        FileType::CharacterDevice => NodeType::Chardev,
        _ => NodeType::Blockdev,
    };
    Node {
        name: Name(name),
        kind,
        mode: st.st_mode & 0o7777,
        uid: st.st_uid,
        gid: st.st_gid,
        mtime_ns: time_ns(st.st_mtime, st.st_mtime_nsec as i64),
        ctime_ns: time_ns(st.st_ctime, st.st_ctime_nsec as i64),
        inode: st.st_ino,
        dev: st.st_dev,
        nlink: st.st_nlink,
        size: if kind == NodeType::File {
            st.st_size as u64
        } else {
            0
        },
        sha256: None,
        content: Vec::new(),
        subtree: None,
        target: None,
        rdev: matches!(kind, NodeType::Chardev | NodeType::Blockdev).then_some(st.st_rdev),
    }
}

/// Opens `name` in `dir` without following a symlink and without blocking
/// (a fifo swapped in opens at once), and checks that it is the object that
/// was stat'ed: same type, device and inode. Anything else was swapped in
/// while the backup ran and is not read under this name.
fn open_same(dir: &OwnedFd, name: &[u8], node: &Node, flags: OFlags) -> std::io::Result<OwnedFd> {
    let flags = flags | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let replaced = || {
        std::io::Error::other(
            "replaced by another file while the backup ran; not backed up (back up again)",
        )
    };
    let fd = match rfs::openat(dir, name, flags, Mode::empty()) {
        Ok(fd) => fd,
        // A symlink where the stat saw a file or folder.
        Err(Errno::LOOP) | Err(Errno::NOTDIR) => return Err(replaced()),
        Err(e) => return Err(e.into()),
    };
    let st = rfs::fstat(&fd)?;
    if node_from_stat(Vec::new(), &st).kind != node.kind
        || (st.st_dev, st.st_ino) != (node.dev, node.inode)
    {
        return Err(replaced());
    }
    Ok(fd)
}

const DIR: OFlags = OFlags::RDONLY.union(OFlags::DIRECTORY);

/// A folder being scanned. The walk keeps these on an explicit stack, not
/// the call stack: a source tree's depth is not ours to choose, and a thread
/// with a 2 MiB stack (the server's workers) must survive 1,024 levels.
pub(crate) struct Folder {
    fd: OwnedFd,
    /// The length of the walk's path before this folder's name: the walk
    /// keeps one path, a name at a time, not a path per open folder (a
    /// source 1,024 levels deep with 255-byte names would hold 134 MB of
    /// them; a local user can make one).
    base: usize,
    names: std::vec::IntoIter<Vec<u8>>,
    /// The parent snapshot's tree for this folder.
    parent: Option<Tree>,
    /// Components from the snapshot root to this folder.
    depth: usize,
    /// Whether a `DirEnd` closes it (not the root folder, whose entries are the root tree).
    ends: bool,
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
    /// Components from the snapshot root to the directory being scanned.
    pub depth: usize,
}

impl Scanner<'_> {
    /// Emits the whole source set into the root frame. The source paths
    /// themselves may go through symlinks (the operator named them);
    /// everything below is reached from an open directory, one name at a time.
    pub fn scan_roots(
        &mut self,
        paths: &[PathBuf],
        parent: Option<&Tree>,
        sink: &mut Sink,
    ) -> Result<()> {
        let stat =
            |p: &Path| rfs::lstat(p).map_err(|e| Error::io(p.display(), std::io::Error::from(e)));
        if let [only] = paths {
            let st = stat(only)?;
            self.root_dev = st.st_dev;
            if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
                let node = node_from_stat(Vec::new(), &st);
                let fd = rfs::open(
                    only,
                    DIR | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .map_err(|e| Error::io(only.display(), e.into()))?;
                let same = rfs::fstat(&fd).map(|s| (s.st_dev, s.st_ino));
                if same.ok() != Some((node.dev, node.inode)) {
                    return Err(Error::io(
                        only.display(),
                        std::io::Error::other("replaced while the backup started"),
                    )
                    .hint("back up again"));
                }
                let root = self.folder(fd, only, parent.cloned(), 0, false, sink)?;
                return self.walk(root, only, sink);
            }
        }
        for p in paths {
            let name = p.file_name().map(|n| n.as_bytes().to_vec());
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            let (Some(name), Some(dir)) = (name, dir) else {
                return Err(invalid_path(
                    p,
                    "cannot be backed up together with other paths",
                ));
            };
            let dfd = rfs::open(dir, DIR | OFlags::CLOEXEC, Mode::empty())
                .map_err(|e| Error::io(dir.display(), e.into()))?;
            let st = stat(p)?;
            self.root_dev = st.st_dev;
            self.depth = 0;
            if let Some(sub) = self.entry(&dfd, p, name, &st, parent, sink)? {
                self.walk(sub, p, sink)?;
            }
        }
        Ok(())
    }

    /// Lists a folder (sorted by name) for the walk; a folder that cannot be
    /// listed is reported and walked as empty.
    fn folder(
        &mut self,
        fd: OwnedFd,
        path: &Path,
        parent: Option<Tree>,
        depth: usize,
        ends: bool,
        sink: &mut Sink,
    ) -> Result<Folder> {
        let mut names: Vec<Vec<u8>> = Vec::new();
        let listed = (|| {
            let mut rd = rfs::Dir::read_from(&fd)?;
            while let Some(ent) = rd.read() {
                let name = ent?.file_name().to_bytes().to_vec();
                if name != b"." && name != b".." {
                    names.push(name);
                }
            }
            Ok::<(), Errno>(())
        })();
        if let Err(e) = listed {
            let e = std::io::Error::from(e);
            sink.send(Event::Error(source_error(path, &e.to_string())))?;
            names.clear();
        }
        names.sort();
        Ok(Folder {
            fd,
            base: 0,
            names: names.into_iter(),
            parent,
            depth,
            ends,
        })
    }

    /// Walks `first` (at `path`) and every folder below it, depth first in
    /// name order, on an explicit stack.
    fn walk(&mut self, first: Folder, path: &Path, sink: &mut Sink) -> Result<()> {
        // The path of the entry at hand, for the excluder and for messages;
        // everything is opened from a folder's descriptor, by name.
        let mut cur = path.as_os_str().as_bytes().to_vec();
        let mut stack = vec![first];
        while let Some(top) = stack.last_mut() {
            let Some(name) = top.names.next() else {
                if let Some(done) = stack.pop() {
                    cur.truncate(done.base);
                    if done.ends {
                        sink.send(Event::DirEnd)?;
                    }
                }
                continue;
            };
            self.depth = top.depth;
            let base = cur.len();
            if cur.last() != Some(&b'/') {
                cur.push(b'/');
            }
            cur.extend_from_slice(&name);
            let sub = self.visit(top, Path::new(OsStr::from_bytes(&cur)), name, sink)?;
            match sub {
                Some(mut sub) => {
                    sub.base = base;
                    stack.push(sub);
                }
                None => cur.truncate(base),
            }
        }
        Ok(())
    }

    /// One name of the folder `at`, whose path is `path`: excluded, a
    /// problem, or an entry (a folder to walk next, for a directory).
    fn visit(
        &mut self,
        at: &Folder,
        path: &Path,
        name: Vec<u8>,
        sink: &mut Sink,
    ) -> Result<Option<Folder>> {
        if self.excluder.excluded(path, OsStr::from_bytes(&name)) {
            return Ok(None);
        }
        let st = match rfs::statat(&at.fd, name.as_slice(), AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => st,
            Err(e) => {
                let e = std::io::Error::from(e);
                sink.send(Event::Error(source_error(path, &e.to_string())))?;
                return Ok(None);
            }
        };
        self.entry(&at.fd, path, name, &st, at.parent.as_ref(), sink)
    }

    fn entry(
        &mut self,
        dir: &OwnedFd,
        path: &Path,
        name: Vec<u8>,
        st: &Stat,
        parent: Option<&Tree>,
        sink: &mut Sink,
    ) -> Result<Option<Folder>> {
        let mut node = node_from_stat(name, st);
        let old = parent.and_then(|t| {
            t.nodes
                .binary_search_by(|n| n.name.0.as_slice().cmp(&node.name.0))
                .ok()
                .map(|i| &t.nodes[i])
        });
        match node.kind {
            NodeType::Dir => return self.subdir(dir, path, node, old, sink),
            NodeType::File => {
                if let Some(o) = old.filter(|o| {
                    !self.opts.force
                        && unchanged(o, &node)
                        && o.content.iter().all(|c| self.index.contains(c))
                }) {
                    node.sha256 = o.sha256.clone();
                    node.content = o.content.clone();
                    self.progress.add(1, node.size);
                    return sink.send(Event::Reused(node)).map(|()| None);
                }
                let changed = old.is_some();
                self.read_file(dir, path, node, changed, sink)
            }
            NodeType::Symlink => match rfs::readlinkat(dir, node.name.0.as_slice(), Vec::new()) {
                Ok(t) => {
                    node.target = Some(Name(t.into_bytes()));
                    sink.send(Event::Other(node))
                }
                Err(e) => {
                    let e = std::io::Error::from(e);
                    sink.send(Event::Error(source_error(path, &e.to_string())))
                }
            },
            _ => sink.send(Event::Other(node)),
        }
        .map(|()| None)
    }

    /// A directory: recorded, and returned to be walked, unless it is nested
    /// deeper than any reader enters ([`MAX_DEPTH`]) or was swapped while we looked.
    fn subdir(
        &mut self,
        dir: &OwnedFd,
        path: &Path,
        node: Node,
        old: Option<&Node>,
        sink: &mut Sink,
    ) -> Result<Option<Folder>> {
        let depth = self.depth + 1;
        if depth > MAX_DEPTH {
            let msg = format!(
                "nested deeper than {MAX_DEPTH} directories below the backup root; not backed up (restore could not recreate it)"
            );
            return sink
                .send(Event::Error(source_error(path, &msg)))
                .map(|()| None);
        }
        let descend = node.dev == self.root_dev || !self.opts.one_file_system;
        let fd = match descend
            .then(|| open_same(dir, &node.name.0, &node, DIR))
            .transpose()
        {
            Ok(fd) => fd,
            Err(e) => {
                return sink
                    .send(Event::Error(source_error(path, &e.to_string())))
                    .map(|()| None)
            }
        };
        sink.send(Event::DirStart(node))?;
        let Some(fd) = fd else {
            return sink.send(Event::DirEnd).map(|()| None);
        };
        let sub = old
            .filter(|o| o.kind == NodeType::Dir)
            .and_then(|o| o.subtree)
            .and_then(|id| self.repo.load_tree(&id).ok());
        self.folder(fd, path, sub, depth, true, sink).map(Some)
    }

    fn read_file(
        &mut self,
        dir: &OwnedFd,
        path: &Path,
        node: Node,
        changed: bool,
        sink: &mut Sink,
    ) -> Result<()> {
        let mut f = match open_same(dir, &node.name.0, &node, OFlags::RDONLY) {
            Ok(fd) => File::from(fd),
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

fn invalid_path(p: &std::path::Path, why: &str) -> Error {
    Error::invalid(format!("source path {}: {why}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat_node(dir: &OwnedFd, name: &str) -> Node {
        let st = rfs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW).unwrap();
        node_from_stat(name.as_bytes().to_vec(), &st)
    }

    #[test]
    fn what_is_read_is_what_was_stated_whatever_is_swapped_in_between() {
        let d = tempfile::tempdir().unwrap();
        let secret = d.path().join("secret");
        std::fs::write(&secret, b"root only").unwrap();
        let src = d.path().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("f"), b"mine").unwrap();
        let dir = rfs::open(&src, DIR | OFlags::CLOEXEC, Mode::empty()).unwrap();
        let node = stat_node(&dir, "f");
        assert!(open_same(&dir, b"f", &node, OFlags::RDONLY).is_ok());
        // Swapped for a symlink to a file outside: refused, not followed.
        std::fs::remove_file(src.join("f")).unwrap();
        std::os::unix::fs::symlink(&secret, src.join("f")).unwrap();
        let e = open_same(&dir, b"f", &node, OFlags::RDONLY).unwrap_err();
        assert!(e.to_string().contains("replaced"), "{e}");
        // Swapped for a hard link to another file: another inode, refused.
        std::fs::remove_file(src.join("f")).unwrap();
        std::fs::hard_link(&secret, src.join("f")).unwrap();
        assert!(open_same(&dir, b"f", &node, OFlags::RDONLY).is_err());
        // Swapped for a fifo: opened without blocking, then refused.
        std::fs::remove_file(src.join("f")).unwrap();
        rfs::mknodat(&dir, "f", FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
        assert!(open_same(&dir, b"f", &node, OFlags::RDONLY).is_err());
        // A folder swapped for a symlink to one outside: not entered.
        std::fs::create_dir(src.join("sub")).unwrap();
        let sub = stat_node(&dir, "sub");
        std::fs::remove_dir(src.join("sub")).unwrap();
        std::os::unix::fs::symlink(d.path(), src.join("sub")).unwrap();
        assert!(open_same(&dir, b"sub", &sub, DIR).is_err());
    }
}
