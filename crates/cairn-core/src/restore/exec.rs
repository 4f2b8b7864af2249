//! Carrying out a [`RestorePlan`].

use super::safe_fs::{open_path, Expect, Meta, SafeDir};
use super::write::Job;
use super::{Action, RestorePlan};
use crate::error::{Error, Result};
use crate::repo::Repository;
use crate::snapshot::SourceError;
use crate::tree::{Node, NodeType};
use rustix::fs::FileType;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a restore did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RestoreReport {
    /// Files written and verified.
    pub files_written: u64,
    /// Bytes written.
    pub bytes_written: u64,
    /// Directories created.
    pub dirs_created: u64,
    /// Symlinks, fifos and devices created.
    pub others_created: u64,
    /// Hard links made.
    pub hardlinks: u64,
    /// Entries left as they were (identical, or refused by the plan).
    pub skipped: u64,
    /// Entries removed by `--delete`.
    pub deleted: u64,
    /// Files whose content was right and whose mode, owner or time were set.
    pub metadata_fixed: u64,
    /// What could not be restored.
    pub errors: Vec<SourceError>,
}

/// A hard link to make after pass 1: (first file's components, this entry's components, display path).
type PendingLink = (Vec<Vec<u8>>, Vec<Vec<u8>>, String);

/// A restored file: its folder's components and its name.
type FileKey<'a> = (&'a [Vec<u8>], &'a [u8]);

/// The first restored name of a hard-linked file: its components and the
/// content it was restored with. A later name is linked to it only when the
/// snapshot gives both the same content; a hostile or inconsistent snapshot
/// could otherwise make one name's data appear under another.
struct FirstLink {
    comps: Vec<Vec<u8>>,
    sha256: Option<String>,
    size: u64,
}

pub(super) fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Carries out a plan. Failures are collected in the report; the rest continues.
pub fn execute(repo: &Repository, plan: &RestorePlan, workers: usize) -> Result<RestoreReport> {
    execute_watched(repo, plan, workers, &super::RestoreProgress::default())
}

/// As [`execute`], counting files and bytes written into `progress` as they
/// land (its totals are set once the files to write are known), for a
/// progress bar.
pub fn execute_watched(
    repo: &Repository,
    plan: &RestorePlan,
    workers: usize,
    progress: &super::RestoreProgress,
) -> Result<RestoreReport> {
    let root = Arc::new(SafeDir::open_target(&plan.target, true)?);
    let chown = is_root();
    let report = Mutex::new(RestoreReport::default());
    let fail = |path: &str, e: &Error| {
        if let Ok(mut r) = report.lock() {
            r.errors.push(SourceError {
                path: path.to_string(),
                error: e.to_string(),
            });
        }
    };
    // (dev, inode) of hardlinked files -> the first restored name; later ones are linked after pass 1.
    let mut first_link: HashMap<(u64, u64), FirstLink> = HashMap::new();
    // Entry index -> (device, inode) of each directory opened or made, so
    // its metadata is set on that very directory at the end.
    let mut dir_ids: HashMap<usize, (u64, u64)> = HashMap::new();
    let mut links: Vec<PendingLink> = Vec::new();

    let mut jobs: Vec<Job<'_>> = Vec::new();
    // Pass 1, in tree order: directories, then files (to the workers), links, others.
    let mut stack: Vec<Option<Arc<SafeDir>>> = vec![Some(root.clone())];
    for (i, e) in plan.entries.iter().enumerate() {
        stack.truncate(e.components.len());
        let parent = stack.last().cloned().flatten();
        let name = e.components.last().cloned().unwrap_or_default();
        let node = e.node.as_ref();
        if e.kind == NodeType::Dir && e.action != Action::Delete {
            let dir = match (&e.action, &parent) {
                (Action::Create | Action::Skip(_), Some(p)) => {
                    match p.subdir(&name, e.action == Action::Create) {
                        Ok(d) => {
                            if e.action == Action::Create {
                                report.lock().map(|mut r| r.dirs_created += 1).ok();
                            }
                            if let Some(id) = d.as_ref().and_then(|d| d.ident().ok()) {
                                dir_ids.insert(i, id);
                            }
                            d.map(Arc::new)
                        }
                        Err(err) => {
                            fail(&e.path, &err);
                            None
                        }
                    }
                }
                _ => None,
            };
            stack.push(dir);
            continue;
        }
        let Some(p) = parent else { continue };
        match (&e.action, node) {
            (Action::Skip(_) | Action::Refuse(_), _) => {
                report.lock().map(|mut r| r.skipped += 1).ok();
            }
            (Action::FixMetadata(_), Some(n)) => {
                let meta = Meta::of(n, chown);
                match p.set_meta(&name, Expect::Fresh(FileType::RegularFile), &meta) {
                    Ok(()) => report
                        .lock()
                        .map(|mut r| r.metadata_fixed += 1)
                        .unwrap_or(()),
                    Err(err) => fail(&e.path, &err),
                }
            }
            (Action::Delete, _) => {
                let r = if e.kind == NodeType::Dir {
                    p.remove_tree(&name)
                } else {
                    p.unlink(&name)
                };
                match r {
                    Ok(()) => {
                        report.lock().map(|mut r| r.deleted += 1).ok();
                    }
                    Err(err) => fail(&e.path, &err),
                }
            }
            (Action::Create | Action::Overwrite, Some(n)) => match n.kind {
                NodeType::File => {
                    if n.nlink > 1 {
                        match first_link.get(&(n.dev, n.inode)) {
                            Some(f) if f.sha256 == n.sha256 && f.size == n.size => {
                                links.push((f.comps.clone(), e.components.clone(), e.path.clone()));
                                continue;
                            }
                            // Same inode, other content: restored as its own file.
                            Some(_) => {}
                            None => {
                                let first = FirstLink {
                                    comps: e.components.clone(),
                                    sha256: n.sha256.clone(),
                                    size: n.size,
                                };
                                first_link.insert((n.dev, n.inode), first);
                            }
                        }
                    }
                    jobs.push(Job {
                        dir: &e.components[..e.components.len() - 1],
                        node: n,
                        path: &e.path,
                    });
                }
                _ => match create_other(&p, n, chown) {
                    Ok(()) => {
                        report.lock().map(|mut r| r.others_created += 1).ok();
                    }
                    Err(err) => fail(&e.path, &err),
                },
            },
            _ => {}
        }
    }
    // Files in the order their data lies in the packs: the packs are
    // then read in that order, and a file's temporary exists from its
    // first pack to its last, which for most files is one pack.
    let index = repo.index();
    jobs.sort_by_cached_key(|j| {
        j.node
            .content
            .first()
            .and_then(|id| index.get(id))
            .map(|(pack, entry)| (pack.0, entry.offset))
    });
    // The totals are the files whose data is written: a hard link's second
    // name is a link, not a second copy of its bytes.
    let bytes = jobs.iter().map(|j| j.node.size).sum();
    progress.begin(jobs.len() as u64, bytes);
    let written = super::write::write_files(repo, &root, &jobs, workers, chown, &fail, progress);
    // Where each first name of a hard link ended up, to check every link made to it.
    let linked: HashMap<FileKey<'_>, (u64, u64)> = jobs
        .iter()
        .zip(&written.idents)
        .filter_map(|(j, id)| Some(((j.dir, j.node.name.0.as_slice()), (*id)?)))
        .filter(|_| !links.is_empty())
        .collect();

    // Pass 2: hard links (their first file is now in place), then directory
    // metadata deepest first, so a read-only directory is sealed last.
    for (from, to, path) in &links {
        let r = (|| {
            let (from_dir, from_name) = from.split_at(from.len() - 1);
            let ident = linked
                .get(&(from_dir, from_name[0].as_slice()))
                .ok_or_else(|| {
                    Error::new(
                        crate::ErrorKind::NotFound,
                        "not linked: the first name of this hard link could not be restored",
                    )
                })?;
            let fd = open_path(&root, from_dir)?;
            let td = open_path(&root, &to[..to.len() - 1])?;
            td.hardlink(&fd, &from_name[0], &to[to.len() - 1], *ident)
        })();
        match r {
            Ok(()) => report.lock().map(|mut r| r.hardlinks += 1).unwrap_or(()),
            Err(e) => fail(path, &e),
        }
    }
    for (i, e) in plan.entries.iter().enumerate().rev() {
        let (Some(n), Some(&(dev, ino))) = (&e.node, dir_ids.get(&i)) else {
            continue;
        };
        let r = (|| {
            let parent = open_path(&root, &e.components[..e.components.len() - 1])?;
            let name = &e.components[e.components.len() - 1];
            let meta = Meta::of(n, chown);
            parent.set_meta(name, Expect::Same(FileType::Directory, dev, ino), &meta)
        })();
        if let Err(err) = r {
            fail(&e.path, &err);
        }
    }
    if let Err(e) = root.sync_filesystem() {
        fail(".", &e);
    }
    let mut r = report
        .into_inner()
        .map_err(|_| Error::new(crate::ErrorKind::Io, "restore report poisoned"))?;
    r.files_written = written.files;
    r.bytes_written = written.bytes;
    Ok(r)
}

fn create_other(dir: &SafeDir, n: &Node, chown: bool) -> Result<()> {
    let name = &n.name.0;
    let mut meta = Meta::of(n, chown);
    let kind = match n.kind {
        NodeType::Symlink => {
            let target = n
                .target
                .as_ref()
                .ok_or_else(|| Error::corrupt("symlink without target"))?;
            dir.symlink(&target.0, name)?;
            meta.mode = None;
            FileType::Symlink
        }
        NodeType::Fifo => {
            replace(dir, name)?;
            dir.mkfifo(name, n.mode)?;
            FileType::Fifo
        }
        NodeType::Chardev | NodeType::Blockdev if chown => {
            replace(dir, name)?;
            dir.mknod(name, n.kind, n.mode, n.rdev.unwrap_or(0))?;
            if n.kind == NodeType::Chardev {
                FileType::CharacterDevice
            } else {
                FileType::BlockDevice
            }
        }
        NodeType::Chardev | NodeType::Blockdev => {
            return Err(Error::new(
                crate::ErrorKind::PermissionDenied,
                "device nodes are restored only when running as root",
            ))
        }
        _ => {
            return Err(Error::new(
                crate::ErrorKind::Unsupported,
                "sockets are not restored (a socket only exists while its server runs)",
            ))
        }
    };
    dir.set_meta(name, Expect::Fresh(kind), &meta)
}

fn replace(dir: &SafeDir, name: &[u8]) -> Result<()> {
    if dir.existing(name)? != super::safe_fs::Existing::Missing {
        dir.unlink(name)?;
    }
    Ok(())
}
