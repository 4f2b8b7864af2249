//! Export: a snapshot as a standard tar stream, so data can leave Cairn
//! without Cairn. GNU long names and links, modes, owners, mtimes (seconds),
//! symlinks, hard links (as tar link entries), fifos and devices.

use crate::error::{Error, Result};
use crate::ids::BlobId;
use crate::manifest::walk_placed;
use crate::place::Place;
use crate::progress::WorkProgress;
use crate::repo::Repository;
use crate::tree::{Node, NodeType};
use sha2::{Digest, Sha256};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;

/// Streams a file's blobs, authenticating each, and hashes what it yields.
struct BlobReader<'a> {
    repo: &'a Repository,
    ids: std::slice::Iter<'a, BlobId>,
    buf: Vec<u8>,
    pos: usize,
    sha: Sha256,
    /// Bytes handed out so far.
    total: u64,
}

/// An export failure for the entry at `path`: a repository error that came
/// through the tar writer keeps its kind (damage stays damage).
fn export_error(path: &[u8], e: std::io::Error) -> Error {
    let what = format!("export of {}", String::from_utf8_lossy(path));
    let kind = e.kind();
    match e.into_inner().map(|inner| inner.downcast::<Error>()) {
        Some(Ok(inner)) => inner.context(what),
        Some(Err(other)) => Error::io(what, std::io::Error::new(kind, other)),
        None => Error::io(what, std::io::Error::from(kind)),
    }
}

impl Read for BlobReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.buf.len() {
            let Some(id) = self.ids.next() else {
                return Ok(0);
            };
            self.buf = self.repo.load_data(id).map_err(std::io::Error::other)?;
            self.sha.update(&self.buf);
            self.pos = 0;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        self.total += n as u64;
        Ok(n)
    }
}

fn header(n: &Node, kind: tar::EntryType, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(n.mode);
    h.set_uid(u64::from(n.uid));
    h.set_gid(u64::from(n.gid));
    h.set_mtime(u64::try_from(n.mtime_ns.div_euclid(1_000_000_000)).unwrap_or(0));
    h.set_size(size);
    h
}

/// Writes the tree `root` (or only the part under `sub`, a `/`-separated path
/// in the snapshot) as a tar archive to `out`.
pub fn export_tar<W: Write>(
    repo: &Repository,
    root: &BlobId,
    sub: Option<&str>,
    out: W,
) -> Result<W> {
    export(repo, root, sub, out, None)
}

/// [`export_tar`], counting into `progress` the files written and their
/// bytes. The totals come from a first pass over the trees (no data is read
/// for it), so a front end can show a bar with an ETA.
pub fn export_tar_watched<W: Write>(
    repo: &Repository,
    root: &BlobId,
    sub: Option<&str>,
    out: W,
    progress: &WorkProgress,
) -> Result<W> {
    export(repo, root, sub, out, Some(progress))
}

/// Whether `path` is `sub` or below it.
fn inside(path: &[u8], sub: &[u8]) -> bool {
    path == sub || (path.starts_with(sub) && path.get(sub.len()) == Some(&b'/'))
}

/// The first exported name of each hard-linked inode, with the content the
/// snapshot gives it. A later name becomes a tar link to it only when the
/// snapshot gives both the same content, as restore links them: a hostile
/// or inconsistent snapshot would otherwise put one name's data under
/// another, in an archive that was exported "successfully". The first name
/// is kept as a place (its name and a shared folder), not a path.
#[derive(Default)]
struct Links(HashMap<(u64, u64), (Place, Option<String>, u64)>);

impl Links {
    /// For the file `n` in folder `dir`: the path of the name to link it
    /// to, or none when its data is to be written (it is then the first
    /// name of its inode, if it is the first).
    fn link_to(&mut self, dir: Option<&Arc<Place>>, n: &Node) -> Option<Vec<u8>> {
        if n.nlink <= 1 {
            return None;
        }
        match self.0.entry((n.dev, n.inode)) {
            Entry::Occupied(e) => {
                let (at, sha, size) = e.get();
                (*sha == n.sha256 && *size == n.size).then(|| at.raw())
            }
            Entry::Vacant(v) => {
                v.insert((Place::new(dir, n.name.0.clone()), n.sha256.clone(), n.size));
                None
            }
        }
    }
}

/// Files and bytes the export will write: a hard link's second name is a
/// tar link entry, no data, so it is not counted.
fn totals(repo: &Repository, root: &BlobId, sub: Option<&[u8]>) -> Result<(u64, u64)> {
    let (mut files, mut bytes) = (0u64, 0u64);
    let mut links = Links::default();
    // Folders too deep to enter: the export's own walk reports them.
    let _not_entered = walk_placed(repo, root, 0, &mut |path, dir, n| {
        let wanted = sub.is_none_or(|s| inside(path, s));
        if wanted && n.kind == NodeType::File && links.link_to(dir, n).is_none() {
            files += 1;
            bytes += n.size;
        }
        Ok(())
    })?;
    Ok((files, bytes))
}

fn export<W: Write>(
    repo: &Repository,
    root: &BlobId,
    sub: Option<&str>,
    out: W,
    progress: Option<&WorkProgress>,
) -> Result<W> {
    let sub = sub
        .map(|s| s.trim_matches('/').as_bytes().to_vec())
        .filter(|s| !s.is_empty());
    if let Some(p) = progress {
        let (files, bytes) = totals(repo, root, sub.as_deref())?;
        p.begin(files, bytes);
    }
    let mut b = tar::Builder::new(out);
    b.mode(tar::HeaderMode::Complete);
    let mut links = Links::default();
    let mut matched = sub.is_none();
    let io = export_error;
    let left_out = walk_placed(repo, root, 0, &mut |path, dir, n| {
        if let Some(s) = &sub {
            if !inside(path, s) {
                return Ok(());
            }
            matched = true;
        }
        let p = Path::new(OsStr::from_bytes(path));
        match n.kind {
            NodeType::Dir => b
                .append_data(
                    &mut header(n, tar::EntryType::Directory, 0),
                    p,
                    std::io::empty(),
                )
                .map_err(|e| io(path, e)),
            NodeType::File => {
                if let Some(target) = links.link_to(dir, n) {
                    let t = Path::new(OsStr::from_bytes(&target));
                    return b
                        .append_link(&mut header(n, tar::EntryType::Link, 0), p, t)
                        .map_err(|e| io(path, e));
                }
                let mut r = BlobReader {
                    repo,
                    ids: n.content.iter(),
                    buf: Vec::new(),
                    pos: 0,
                    sha: Sha256::new(),
                    total: 0,
                };
                // The header promises `size` bytes: never write more, and
                // a shorter stream is damage, not a short entry.
                b.append_data(
                    &mut header(n, tar::EntryType::Regular, n.size),
                    p,
                    (&mut r).take(n.size),
                )
                .map_err(|e| io(path, e))?;
                let extra = r.read(&mut [0u8; 1]).map_err(|e| io(path, e))?;
                if r.total != n.size || extra != 0 {
                    return Err(Error::corrupt(format!(
                        "{}: the snapshot records {} bytes but its content holds {}{}",
                        String::from_utf8_lossy(path),
                        n.size,
                        r.total,
                        if extra != 0 { " or more" } else { "" }
                    )));
                }
                if Some(hex::encode(r.sha.finalize())) != n.sha256 {
                    return Err(Error::corrupt(format!(
                        "{}: content does not match its SHA-256",
                        String::from_utf8_lossy(path)
                    )));
                }
                if let Some(p) = progress {
                    p.done(n.size);
                }
                Ok(())
            }
            NodeType::Symlink => {
                let t = n.target.as_ref().map(|t| t.0.clone()).unwrap_or_default();
                b.append_link(
                    &mut header(n, tar::EntryType::Symlink, 0),
                    p,
                    Path::new(OsStr::from_bytes(&t)),
                )
                .map_err(|e| io(path, e))
            }
            NodeType::Fifo | NodeType::Chardev | NodeType::Blockdev => {
                let kind = match n.kind {
                    NodeType::Fifo => tar::EntryType::Fifo,
                    NodeType::Chardev => tar::EntryType::Char,
                    _ => tar::EntryType::Block,
                };
                let mut h = header(n, kind, 0);
                if let Some(rdev) = n.rdev {
                    // Linux dev_t encoding of major/minor.
                    let major = ((rdev >> 32) & 0xffff_f000) | ((rdev >> 8) & 0xfff);
                    let minor = ((rdev >> 12) & 0xffff_ff00) | (rdev & 0xff);
                    h.set_device_major(major as u32).map_err(|e| io(path, e))?;
                    h.set_device_minor(minor as u32).map_err(|e| io(path, e))?;
                }
                b.append_data(&mut h, p, std::io::empty())
                    .map_err(|e| io(path, e))
            }
            NodeType::Socket => Ok(()),
        }
    })?;
    if let Some(first) = &left_out.first {
        // The rest is in the archive (finished, so it reads); the run still
        // fails, since the archive is not the whole snapshot.
        b.into_inner().map_err(|e| Error::io("export", e))?;
        return Err(Error::corrupt(format!(
            "{} folder(s) nested deeper than {} levels were left out of the archive, the first at {:?}; everything else is in it",
            left_out.count,
            crate::manifest::MAX_DEPTH,
            String::from_utf8_lossy(first)
        ))
        .remedy(crate::Remedy::Verify { read_data: false }));
    }
    if !matched {
        return Err(Error::new(
            crate::ErrorKind::NotFound,
            format!(
                "{} is not in the snapshot",
                String::from_utf8_lossy(sub.as_deref().unwrap_or_default())
            ),
        )
        .remedy(crate::Remedy::ShowPaths));
    }
    b.into_inner().map_err(|e| Error::io("export", e))
}
