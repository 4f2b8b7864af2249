//! Carrying out a [`RestorePlan`].

use super::safe_fs::{open_path, Expect, Meta, SafeDir};
use super::write::Job;
use super::{Action, Place, PlanEntry, RestorePlan};
use crate::error::{Error, Result};
use crate::repo::Repository;
use crate::snapshot::{ErrorList, SourceError};
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
    /// What could not be restored: the first 4 MiB of paths and messages,
    /// then one entry with an empty path counting the rest.
    pub errors: Vec<SourceError>,
}

/// A hard link to make once its batch's files are written: the inode it
/// shares (its key in [`Executor::first_link`]) and this name's place.
type PendingLink = ((u64, u64), Place);

/// The first restored name of a hard-linked file: its place and the
/// content it was restored with. A later name is linked to it only when the
/// snapshot gives both the same content; a hostile or inconsistent snapshot
/// could otherwise make one name's data appear under another.
struct FirstLink {
    place: Place,
    sha256: Option<String>,
    size: u64,
    /// Device and inode of the file restore put in place (None until its
    /// batch is written, or when it could not be).
    ident: Option<(u64, u64)>,
}

/// A directory restore opened or made: its metadata is set at the very end,
/// deepest first, on that very directory (device, inode).
struct DirDone {
    place: Place,
    meta: Meta,
    ident: (u64, u64),
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
    let mut x = Executor::new(repo, &plan.target, workers, progress)?;
    x.batch(&plan.entries);
    x.finish()
}

/// Carries out a plan handed over in batches, in tree order: the state kept
/// between batches is per open or restored directory and per hard-linked
/// file, never per file of the snapshot.
pub(super) struct Executor<'r> {
    repo: &'r Repository,
    root: Arc<SafeDir>,
    chown: bool,
    workers: usize,
    progress: &'r super::RestoreProgress,
    report: Mutex<RestoreReport>,
    /// What could not be restored: the first few MiB listed, the rest
    /// counted (a hostile snapshot can make every file fail, deep down).
    errors: Mutex<ErrorList>,
    /// (dev, inode) of hard-linked files -> the first restored name.
    first_link: HashMap<(u64, u64), FirstLink>,
    dirs: Vec<DirDone>,
    /// The open directories down to the current entry (None: not entered).
    stack: Vec<Option<Arc<SafeDir>>>,
}

impl<'r> Executor<'r> {
    /// Opens (creates) the target.
    pub(super) fn new(
        repo: &'r Repository,
        target: &std::path::Path,
        workers: usize,
        progress: &'r super::RestoreProgress,
    ) -> Result<Self> {
        let root = Arc::new(SafeDir::open_target(target, true)?);
        Ok(Executor {
            repo,
            stack: vec![Some(root.clone())],
            root,
            chown: is_root(),
            workers,
            progress,
            report: Mutex::new(RestoreReport::default()),
            errors: Mutex::new(ErrorList::default()),
            first_link: HashMap::new(),
            dirs: Vec::new(),
        })
    }

    fn fail(&self, path: &str, e: &Error) {
        fail_into(&self.errors, path, e);
    }

    fn count(&self, f: impl FnOnce(&mut RestoreReport)) {
        if let Ok(mut r) = self.report.lock() {
            f(&mut r);
        }
    }

    /// Carries out the next entries of the plan (tree order continues from
    /// the previous batch): directories, then files (to the workers), links,
    /// others; then this batch's hard links.
    pub(super) fn batch(&mut self, entries: &[PlanEntry]) {
        let mut jobs: Vec<Job<'_>> = Vec::new();
        let mut links: Vec<PendingLink> = Vec::new();
        for e in entries {
            self.stack.truncate(e.place.depth());
            let parent = self.stack.last().cloned().flatten();
            let name = e.place.name();
            if e.kind == NodeType::Dir && e.action != Action::Delete {
                let dir = self.dir(e, name, parent.as_deref());
                self.stack.push(dir);
                continue;
            }
            let Some(p) = parent else { continue };
            match (&e.action, e.node.as_ref()) {
                (Action::Create | Action::Overwrite, Some(n)) if n.kind == NodeType::File => {
                    if n.nlink > 1 {
                        let key = (n.dev, n.inode);
                        match self.first_link.get(&key) {
                            Some(f) if f.sha256 == n.sha256 && f.size == n.size => {
                                links.push((key, e.place.clone()));
                                continue;
                            }
                            // Same inode, other content: restored as its own file.
                            Some(_) => {}
                            None => {
                                let first = FirstLink {
                                    place: e.place.clone(),
                                    sha256: n.sha256.clone(),
                                    size: n.size,
                                    ident: None,
                                };
                                self.first_link.insert(key, first);
                            }
                        }
                    }
                    jobs.push(Job {
                        place: &e.place,
                        node: n,
                    });
                }
                _ => self.other(e, &p, name),
            }
        }
        let idents = self.write(&mut jobs);
        // Where each first name of a hard link ended up, to check every
        // link made to it (in this batch or a later one).
        for (j, ident) in jobs.iter().zip(idents) {
            let key = (j.node.dev, j.node.inode);
            match self.first_link.get_mut(&key) {
                Some(f) if j.node.nlink > 1 && f.place == *j.place => {
                    f.ident = ident;
                }
                _ => {}
            }
        }
        for (key, to) in &links {
            match self.link(key, to) {
                Ok(()) => self.count(|r| r.hardlinks += 1),
                Err(e) => self.fail(&to.path(), &e),
            }
        }
    }

    /// Opens, or makes, a directory of the plan; remembers it for its metadata.
    fn dir(
        &mut self,
        e: &PlanEntry,
        name: &[u8],
        parent: Option<&SafeDir>,
    ) -> Option<Arc<SafeDir>> {
        let (Action::Create | Action::Skip(_), Some(p)) = (&e.action, parent) else {
            return None;
        };
        match p.subdir(name, e.action == Action::Create) {
            Ok(d) => {
                if e.action == Action::Create {
                    self.count(|r| r.dirs_created += 1);
                }
                let ident = d.as_ref().and_then(|d| d.ident().ok());
                if let (Some(ident), Some(n)) = (ident, &e.node) {
                    self.dirs.push(DirDone {
                        place: e.place.clone(),
                        meta: Meta::of(n, self.chown),
                        ident,
                    });
                }
                d.map(Arc::new)
            }
            Err(err) => {
                self.fail(&e.path(), &err);
                None
            }
        }
    }

    /// Everything but a file's data and a directory: skips, metadata fixes,
    /// deletions, symlinks, fifos and devices.
    fn other(&self, e: &PlanEntry, p: &SafeDir, name: &[u8]) {
        match (&e.action, e.node.as_ref()) {
            (Action::Skip(_) | Action::Refuse(_), _) => self.count(|r| r.skipped += 1),
            (Action::FixMetadata(_), Some(n)) => {
                let meta = Meta::of(n, self.chown);
                match p.set_meta(name, Expect::Fresh(FileType::RegularFile), &meta) {
                    Ok(()) => self.count(|r| r.metadata_fixed += 1),
                    Err(err) => self.fail(&e.path(), &err),
                }
            }
            (Action::Delete, _) => {
                let r = if e.kind == NodeType::Dir {
                    p.remove_tree(name)
                } else {
                    p.unlink(name)
                };
                match r {
                    Ok(()) => self.count(|r| r.deleted += 1),
                    Err(err) => self.fail(&e.path(), &err),
                }
            }
            (Action::Create | Action::Overwrite, Some(n)) => match create_other(p, n, self.chown) {
                Ok(()) => self.count(|r| r.others_created += 1),
                Err(err) => self.fail(&e.path(), &err),
            },
            _ => {}
        }
    }

    /// Writes a batch's files in the order their data lies in the packs:
    /// the packs are then read in that order, and a file's temporary exists
    /// from its first pack to its last, which for most files is one pack.
    /// Returns, per job (in `jobs`' new order), the written file's identity.
    fn write(&self, jobs: &mut [Job<'_>]) -> Vec<Option<(u64, u64)>> {
        let index = self.repo.index();
        jobs.sort_by_cached_key(|j| {
            j.node
                .content
                .first()
                .and_then(|id| index.get(id))
                .map(|(pack, entry)| (pack.0, entry.offset))
        });
        // The totals are the files whose data is written: a hard link's
        // second name is a link, not a second copy of its bytes. Each batch
        // adds its own as it is planned.
        let bytes = jobs.iter().map(|j| j.node.size).sum();
        self.progress.grow(jobs.len() as u64, bytes);
        let errors = &self.errors;
        let fail = |path: &str, e: &Error| fail_into(errors, path, e);
        let written = super::write::write_files(
            self.repo,
            &self.root,
            jobs,
            self.workers,
            self.chown,
            &fail,
            self.progress,
        );
        self.count(|r| {
            r.files_written += written.files;
            r.bytes_written += written.bytes;
        });
        written.idents
    }

    /// Links `to` to the first name of the inode `key`, checking that the
    /// name still is the file restore put there.
    fn link(&self, key: &(u64, u64), to: &Place) -> Result<()> {
        let first = self.first_link.get(key);
        let (Some(f), Some(ident)) = (first, first.and_then(|f| f.ident)) else {
            return Err(Error::new(
                crate::ErrorKind::NotFound,
                "not linked: the first name of this hard link could not be restored",
            ));
        };
        let fd = open_path(&self.root, &f.place.dir_names())?;
        let td = open_path(&self.root, &to.dir_names())?;
        td.hardlink(&fd, f.place.name(), to.name(), ident)
    }

    /// Directory metadata deepest first (a read-only directory is sealed
    /// last), then the filesystem synced.
    pub(super) fn finish(self) -> Result<RestoreReport> {
        for d in self.dirs.iter().rev() {
            let r = (|| {
                let parent = open_path(&self.root, &d.place.dir_names())?;
                let name = d.place.name();
                let (dev, ino) = d.ident;
                parent.set_meta(name, Expect::Same(FileType::Directory, dev, ino), &d.meta)
            })();
            if let Err(err) = r {
                self.fail(&d.place.path(), &err);
            }
        }
        if let Err(e) = self.root.sync_filesystem() {
            self.fail(".", &e);
        }
        let poisoned = || Error::new(crate::ErrorKind::Io, "restore report poisoned");
        let mut report = self.report.into_inner().map_err(|_| poisoned())?;
        let errors = self.errors.into_inner().map_err(|_| poisoned())?;
        report.errors = errors.into_vec();
        Ok(report)
    }
}

fn fail_into(errors: &Mutex<ErrorList>, path: &str, e: &Error) {
    if let Ok(mut l) = errors.lock() {
        l.push(SourceError {
            path: path.to_string(),
            error: e.to_string(),
        });
    }
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
