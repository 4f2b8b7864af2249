//! `cairn mount MOUNTPOINT`: the repository as a read-only FUSE file system
//! (docs/BROWSE.md). This is only the FUSE adapter: what each inode is,
//! what a directory holds and what a read returns all come from
//! [`cairn_core::browse::view::View`]; here they become kernel replies.
//!
//! The mount lives until SIGINT, SIGTERM or SIGHUP (or an `umount` from
//! outside): the signal unmounts, waits briefly for the kernel to let go,
//! and the command exits 0 with the repository's read lock released.

use crate::cli::{Global, MountArgs};
use crate::context::{self, Access};
use anyhow::{bail, Context, Result};
use cairn_app::usecase::browse::{mount_view, Mounted};
use cairn_core::browse::view::{Attr, View};
use cairn_core::tree::NodeType;
use fuser::{
    Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo, LockOwner,
    MountOption, OpenFlags, ReplyAttr, ReplyData, ReplyDirectory, ReplyEmpty, ReplyEntry,
    ReplyOpen, ReplyXattr, Request,
};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::{mpsc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Nothing in a view ever changes, so the kernel may keep what it was told.
const TTL: Duration = Duration::from_secs(3600);

/// How long an unmount waits for the kernel to end the session before the
/// process exits anyway (a process still inside the mount keeps it busy;
/// the detached mount is already gone from the mount table).
const UNMOUNT_WAIT: Duration = Duration::from_secs(5);

pub fn run(g: &Global, a: &MountArgs) -> Result<u8> {
    if !std::path::Path::new("/dev/fuse").exists() {
        bail!(
            "FUSE is not available here: /dev/fuse is missing (load the `fuse` kernel module; in a container, pass the device in)"
        );
    }
    let meta = std::fs::metadata(&a.mountpoint)
        .with_context(|| format!("mount point {}", a.mountpoint.display()))?;
    if !meta.is_dir() {
        bail!("mount point {} is not a directory", a.mountpoint.display());
    }
    let session = context::open(g, Access::Read, "mount")?;
    let (view, count) = mount_view(
        session,
        a.host.as_deref(),
        &a.tags,
        a.cache_mib.saturating_mul(1 << 20),
    )?;
    let mut config = fuser::Config::default();
    config.mount_options = vec![
        MountOption::RO,
        MountOption::FSName("cairn".into()),
        MountOption::Subtype("cairn".into()),
        MountOption::NoDev,
        MountOption::NoSuid,
        MountOption::NoExec,
    ];
    // Before mounting: a signal that arrives while the mount is being made
    // must still unmount it.
    let (tx, signals) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .context("cannot catch SIGINT/SIGTERM to unmount cleanly")?;
    let fs = Fs {
        view: Mutex::new(view),
    };
    let session = fuser::spawn_mount(fs, &a.mountpoint, &config)
        .with_context(|| format!("cannot mount on {}", a.mountpoint.display()))?;
    if !g.quiet {
        eprintln!(
            "cairn: {count} snapshot(s) mounted read-only at {}; Ctrl-C or SIGTERM unmounts",
            cairn_core::escape::one_line(&a.mountpoint.display().to_string())
        );
    }
    loop {
        match signals.recv_timeout(Duration::from_millis(200)) {
            Ok(()) => break,
            Err(mpsc::RecvTimeoutError::Timeout) if !session.guard.is_finished() => {}
            // Unmounted from outside (`umount`): the session has ended.
            Err(_) => break,
        }
    }
    unmount(session, &a.mountpoint);
    if !g.quiet {
        eprintln!("cairn: unmounted {}", a.mountpoint.display());
    }
    Ok(0)
}

/// Unmounts and waits (at most [`UNMOUNT_WAIT`]) for the session to end,
/// which drops the view and with it the repository's read lock. A mount
/// still in use (a shell's working directory, an open file) cannot be
/// unmounted outright; it is detached instead (`umount -l`): gone from the
/// mount table at once, and the processes inside lose it when this one
/// exits and the kernel ends the FUSE connection.
fn unmount(session: fuser::BackgroundSession, at: &std::path::Path) {
    let (done, ended) = mpsc::channel();
    std::thread::spawn(move || {
        let r = session.umount_and_join();
        let _ = done.send(r);
    });
    match ended.recv_timeout(UNMOUNT_WAIT) {
        Ok(Ok(())) => return,
        Ok(Err(e)) if e.raw_os_error() == Some(rustix::io::Errno::BUSY.raw_os_error()) => {
            match rustix::mount::unmount(at, rustix::mount::UnmountFlags::DETACH) {
                Ok(()) => eprintln!(
                    "cairn: the mount was in use; detached it (what is open in it fails once cairn exits)"
                ),
                Err(e) => tracing::warn!(error = %e, "cannot detach the busy mount"),
            }
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "cannot unmount"),
        Err(_) => tracing::warn!("the kernel still holds the mount's session; exiting anyway"),
    }
    // The view, and the session holding the lock, live on in the FUSE
    // thread until the process ends: release the lock now.
    cairn_core::lock::release_all_held();
}

/// The FUSE file system: one view behind a lock (fuser runs one worker
/// thread; the lock is what makes the view `Sync`).
struct Fs {
    view: Mutex<View<Mounted>>,
}

impl Fs {
    fn view(&self) -> MutexGuard<'_, View<Mounted>> {
        // A panic in another request leaves the view consistent (every
        // change is one push or insert), so a poisoned lock is still usable.
        self.view.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The errno for a failed request; damage is logged (once per request)
/// and shows as EIO, as a failing disk would.
fn errno(e: &cairn_core::Error) -> Errno {
    use cairn_core::ErrorKind::*;
    match e.kind() {
        NotFound => Errno::ENOENT,
        InvalidInput => Errno::EINVAL,
        _ => {
            tracing::warn!("{}", cairn_core::escape::one_line(&e.to_string()));
            Errno::EIO
        }
    }
}

fn file_type(k: NodeType) -> FileType {
    match k {
        NodeType::File => FileType::RegularFile,
        NodeType::Dir => FileType::Directory,
        NodeType::Symlink => FileType::Symlink,
        NodeType::Fifo => FileType::NamedPipe,
        NodeType::Socket => FileType::Socket,
        NodeType::Chardev => FileType::CharDevice,
        NodeType::Blockdev => FileType::BlockDevice,
    }
}

fn system_time(ns: i64) -> SystemTime {
    let d = Duration::from_nanos(ns.unsigned_abs());
    if ns >= 0 {
        UNIX_EPOCH + d
    } else {
        UNIX_EPOCH.checked_sub(d).unwrap_or(UNIX_EPOCH)
    }
}

fn file_attr(a: &Attr) -> FileAttr {
    let t = system_time(a.mtime_ns);
    FileAttr {
        ino: INodeNo(a.ino),
        size: a.size,
        blocks: a.size.div_ceil(512),
        atime: t,
        mtime: t,
        ctime: t,
        crtime: t,
        kind: file_type(a.kind),
        perm: (a.mode & 0o7777) as u16,
        nlink: if a.kind == NodeType::Dir { 2 } else { 1 },
        uid: a.uid,
        gid: a.gid,
        // Only devices have one; a forged one too wide for the kernel's
        // 32 bits is cut, never trusted further (the mount is nodev).
        rdev: a.rdev as u32,
        blksize: 4096,
        flags: 0,
    }
}

impl Filesystem for Fs {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        match self.view().lookup(parent.0, name.as_bytes()) {
            Ok(Some(a)) => reply.entry(&TTL, &file_attr(&a), Generation(0)),
            Ok(None) => reply.error(Errno::ENOENT),
            Err(e) => reply.error(errno(&e)),
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        match self.view().attr(ino.0) {
            Ok(a) => reply.attr(&TTL, &file_attr(&a)),
            Err(e) => reply.error(errno(&e)),
        }
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        match self.view().readlink(ino.0) {
            Ok(t) => reply.data(&t),
            Err(e) => reply.error(errno(&e)),
        }
    }

    fn open(&self, _req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        match self.view().attr(ino.0) {
            // Content never changes: the kernel may keep its page cache.
            Ok(a) if a.kind == NodeType::File => {
                reply.opened(FileHandle(0), FopenFlags::FOPEN_KEEP_CACHE)
            }
            Ok(_) => reply.error(Errno::EINVAL),
            Err(e) => reply.error(errno(&e)),
        }
    }

    fn read(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        match self.view().read(ino.0, offset, size) {
            Ok(data) => reply.data(&data),
            Err(e) => reply.error(errno(&e)),
        }
    }

    // Nothing is written, so there is nothing to flush.
    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock_owner: LockOwner,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    // Snapshots record no extended attributes: every file has none.
    fn getxattr(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _name: &OsStr,
        _size: u32,
        reply: ReplyXattr,
    ) {
        reply.error(Errno::NO_XATTR);
    }

    fn listxattr(&self, _req: &Request, _ino: INodeNo, size: u32, reply: ReplyXattr) {
        if size == 0 {
            reply.size(0);
        } else {
            reply.data(&[]);
        }
    }

    fn release(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        self.view().release(ino.0);
        reply.ok();
    }

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let mut view = self.view();
        let parent = match view.parent(ino.0) {
            Ok(p) => p,
            Err(e) => return reply.error(errno(&e)),
        };
        if let Err(e) = view.children(ino.0) {
            return reply.error(errno(&e));
        }
        let view = &*view;
        let dots = [(&b"."[..], ino.0), (&b".."[..], parent)];
        let children = view.listed(ino.0).iter().map(|(n, i)| (n.as_slice(), *i));
        for (i, (name, child)) in dots
            .into_iter()
            .chain(children)
            .enumerate()
            .skip(offset as usize)
        {
            let kind = view.attr(child).map_or(NodeType::File, |a| a.kind);
            // `offset` is where the next call starts: one past this entry.
            if reply.add(
                INodeNo(child),
                i as u64 + 1,
                file_type(kind),
                OsStr::from_bytes(name),
            ) {
                break;
            }
        }
        reply.ok();
    }
}
