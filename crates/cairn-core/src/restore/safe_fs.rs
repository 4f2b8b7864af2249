//! Writing inside a restore target without ever leaving it.
//!
//! Every operation is relative to an open directory descriptor and names one
//! component (never a path), and directories are opened with `O_NOFOLLOW`, so
//! a symlink planted in the target (or restored earlier from a hostile
//! snapshot) is refused instead of followed. String checks on paths cannot
//! give that guarantee: the filesystem can change between check and use.

use crate::error::{Error, ErrorKind, Result};
use crate::place::Place;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An open directory inside (or at) the restore target.
pub struct SafeDir {
    fd: OwnedFd,
    /// For messages only; never used to open anything. Shared with the
    /// folders opened below it (the target's path is the top "name"), so
    /// an open folder holds its own name, not its whole path: a restore
    /// keeps one open per level, and a snapshot may nest 1,024 levels of
    /// 255-byte names.
    path: Arc<Place>,
}

fn err(path: &dyn fmt::Display, what: &str, e: Errno) -> Error {
    Error::io(format!("{what} {path}"), std::io::Error::from(e))
}

/// What is at a name in the target (symlinks not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing.
    Missing,
    /// A directory.
    Dir,
    /// A regular file of this size.
    File(u64),
    /// A symlink.
    Symlink,
    /// Anything else (fifo, socket, device).
    Other,
}

fn classify(st: &Stat) -> Existing {
    match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => Existing::Dir,
        FileType::RegularFile => Existing::File(st.st_size as u64),
        FileType::Symlink => Existing::Symlink,
        _ => Existing::Other,
    }
}

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

impl SafeDir {
    /// Opens (creating what is missing if asked) the target itself, walking
    /// its path from `/` one component at a time without following symlinks.
    /// Callers pass the path [`super::check_allowed`] resolved (symlinks in
    /// it already followed once, and checked against the allowed roots); a
    /// symlink found now was put there since, and is refused rather than
    /// followed, so the folder opened is the one that was checked.
    pub fn open_target(path: &Path, create: bool) -> Result<Self> {
        let abs = std::path::absolute(path)
            .map_err(|e| Error::io(format!("restore target {}", path.display()), e))?;
        let mut fd =
            rfs::open("/", DIR_FLAGS, Mode::empty()).map_err(|e| err(&"/", "cannot open", e))?;
        let mut at = PathBuf::from("/");
        for c in abs.components() {
            let name = match c {
                std::path::Component::RootDir => continue,
                std::path::Component::Normal(n) => n,
                _ => {
                    return Err(Error::invalid(format!(
                        "restore target {} contains `.` or `..`",
                        path.display()
                    )))
                }
            };
            at.push(name);
            if create {
                match rfs::mkdirat(&fd, name, Mode::from_raw_mode(0o777)) {
                    Ok(()) | Err(Errno::EXIST) => {}
                    Err(e) => return Err(err(&at.display(), "cannot create restore target", e)),
                }
            }
            fd = match rfs::openat(&fd, name, DIR_FLAGS, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::LOOP) | Err(Errno::NOTDIR) => {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        format!(
                            "restore target {}: {} is a symlink or not a directory (changed since the target was checked?)",
                            path.display(),
                            at.display()
                        ),
                    )
                    .hint("give the target's real path, without symlinks, and make sure nobody else changes it"))
                }
                Err(e) => return Err(err(&at.display(), "cannot open restore target", e)),
            };
        }
        Ok(SafeDir {
            fd,
            path: Arc::new(Place::new(None, path.as_os_str().as_bytes().to_vec())),
        })
    }

    /// Its path, for messages.
    pub fn path(&self) -> String {
        self.path.path()
    }

    fn child(&self, name: &[u8]) -> Place {
        Place::new(Some(&self.path), name.to_vec())
    }

    /// What is at `name`, without following symlinks.
    pub fn existing(&self, name: &[u8]) -> Result<Existing> {
        match rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(classify(&st)),
            Err(Errno::NOENT) => Ok(Existing::Missing),
            Err(e) => Err(err(&self.child(name), "cannot inspect", e)),
        }
    }

    /// Opens the subdirectory `name`, creating it when missing and `create` is set.
    /// `Ok(None)` when missing and not created. A symlink or a non-directory is refused.
    pub fn subdir(&self, name: &[u8], create: bool) -> Result<Option<SafeDir>> {
        let path = Arc::new(self.child(name));
        if create {
            match rfs::mkdirat(&self.fd, name, Mode::from_raw_mode(0o700)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(err(&path, "cannot create directory", e)),
            }
        }
        match rfs::openat(&self.fd, name, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => Ok(Some(SafeDir { fd, path })),
            Err(Errno::NOENT) if !create => Ok(None),
            Err(Errno::LOOP) | Err(Errno::NOTDIR) => Err(Error::new(
                ErrorKind::InvalidInput,
                format!("{path} is a symlink or not a directory in the target; refusing to write through it"),
            )
            .hint("remove it from the target, or restore into an empty directory")),
            Err(e) => Err(err(&path, "cannot open directory", e)),
        }
    }

    /// Creates a new temporary file in this directory, for content that is
    /// renamed into place only once verified, with the permission bits of
    /// [`temp_mode`] (what `meta` will set, as far as it is safe before the
    /// file is verified and owned; `fstat` shows what the umask left, and
    /// [`SafeDir::set_meta_file`] sets the mode only when that differs).
    pub fn temp_file(&self, meta: &Meta) -> Result<(std::fs::File, Vec<u8>)> {
        let (fd, tmp) = make_temp(
            |tmp| {
                rfs::openat(
                    &self.fd,
                    tmp,
                    OFlags::RDWR
                        | OFlags::CREATE
                        | OFlags::EXCL
                        | OFlags::NOFOLLOW
                        | OFlags::CLOEXEC,
                    Mode::from_raw_mode(temp_mode(meta)),
                )
            },
            |e| err(&*self.path, "cannot create a temporary file in", e),
        )?;
        Ok((std::fs::File::from(fd), tmp))
    }

    /// Reopens a temporary made by [`SafeDir::temp_file`] (read-write, so it
    /// can be hash-checked through the same descriptor).
    pub fn open_temp(&self, name: &[u8]) -> Result<std::fs::File> {
        let fd = rfs::openat(
            &self.fd,
            name,
            OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| err(&self.child(name), "cannot reopen temporary", e))?;
        Ok(std::fs::File::from(fd))
    }

    /// Renames `from` to `to` within this directory, replacing `to` when it is not a directory.
    pub fn rename(&self, from: &[u8], to: &[u8]) -> Result<()> {
        rfs::renameat(&self.fd, from, &self.fd, to)
            .map_err(|e| err(&self.child(to), "cannot move into place", e))
    }

    /// Removes a file or symlink (never follows it).
    pub fn unlink(&self, name: &[u8]) -> Result<()> {
        rfs::unlinkat(&self.fd, name, AtFlags::empty())
            .map_err(|e| err(&self.child(name), "cannot remove", e))
    }

    /// Removes a directory and everything in it, without following symlinks.
    pub fn remove_tree(&self, name: &[u8]) -> Result<()> {
        if let Some(d) = self.subdir(name, false)? {
            for (child, kind) in d.list()? {
                if kind == Existing::Dir {
                    d.remove_tree(&child)?;
                } else {
                    d.unlink(&child)?;
                }
            }
        }
        rfs::unlinkat(&self.fd, name, AtFlags::REMOVEDIR)
            .map_err(|e| err(&self.child(name), "cannot remove directory", e))
    }

    /// The entries of this directory with their kinds.
    pub fn list(&self) -> Result<Vec<(Vec<u8>, Existing)>> {
        let fd = rfs::openat(&self.fd, ".", DIR_FLAGS, Mode::empty())
            .map_err(|e| err(&*self.path, "cannot list", e))?;
        let mut dir = rfs::Dir::read_from(&fd).map_err(|e| err(&*self.path, "cannot list", e))?;
        let mut out = Vec::new();
        while let Some(ent) = dir.read() {
            let ent = ent.map_err(|e| err(&*self.path, "cannot list", e))?;
            let name = ent.file_name().to_bytes().to_vec();
            if name == b"." || name == b".." {
                continue;
            }
            let kind = self.existing(&name)?;
            out.push((name, kind));
        }
        Ok(out)
    }

    /// Creates a symlink `name` -> `target` (replacing a file or symlink at `name`).
    pub fn symlink(&self, target: &[u8], name: &[u8]) -> Result<()> {
        let ((), tmp) = make_temp(
            |tmp| rfs::symlinkat(target, &self.fd, tmp),
            |e| err(&self.child(name), "cannot create symlink", e),
        )?;
        self.rename(&tmp, name)
    }

    /// Hard-links `from_name` in `from` to `name` here (replacing a file at
    /// `name`), and checks that the new name is the object `ident` (device,
    /// inode) that restore wrote: if `from_name` was swapped meanwhile, the
    /// link is removed again and refused.
    pub fn hardlink(
        &self,
        from: &SafeDir,
        from_name: &[u8],
        name: &[u8],
        ident: (u64, u64),
    ) -> Result<()> {
        if self.existing(name)? != Existing::Missing {
            self.unlink(name)?;
        }
        rfs::linkat(&from.fd, from_name, &self.fd, name, AtFlags::empty())
            .map_err(|e| err(&self.child(name), "cannot create hard link", e))?;
        let st = rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW)
            .map_err(|e| err(&self.child(name), "cannot inspect", e))?;
        if (st.st_dev, st.st_ino) != ident {
            let _ = self.unlink(name);
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "{} was replaced while the restore ran; not linked",
                    from.child(from_name)
                ),
            )
            .hint("make sure nobody else writes inside the restore target, then restore again"));
        }
        Ok(())
    }

    /// Sets mode, owner (when given) and mtime of `name` through a descriptor
    /// opened without following symlinks, after checking with `fstat` that
    /// the object there is the one restore made ([`Expect`]). Nothing is ever
    /// changed by path: a name swapped for a symlink, or for a hard link to a
    /// file outside the target, between creation and this call is refused.
    pub fn set_meta(&self, name: &[u8], expect: Expect, meta: &Meta) -> Result<()> {
        let path = self.child(name);
        let fd = rfs::openat(
            &self.fd,
            name,
            OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| err(&path, "cannot open", e))?;
        let st = rfs::fstat(&fd).map_err(|e| err(&path, "cannot inspect", e))?;
        expect.check(&st, &path)?;
        apply_meta(Target::Path(fd.as_fd()), &st, meta).map_err(|(what, e)| err(&path, what, e))
    }

    /// Sets the metadata of a temporary through the descriptor it was
    /// written by, whose `fstat` the caller took (`st`): a real descriptor,
    /// so `fchmod` and `futimens` need no path at all.
    pub fn set_meta_file(
        &self,
        f: &std::fs::File,
        st: &Stat,
        name: &[u8],
        meta: &Meta,
    ) -> Result<()> {
        apply_meta(Target::File(f.as_fd()), st, meta)
            .map_err(|(what, e)| err(&self.child(name), what, e))
    }

    /// Flushes the filesystem holding this directory to stable storage: one
    /// `syncfs` at the end of a restore instead of an fsync per file and
    /// folder, so "restored" means the files and the names that point at
    /// them survive a power cut.
    pub fn sync_filesystem(&self) -> Result<()> {
        rfs::syncfs(&self.fd).map_err(|e| err(&*self.path, "cannot flush to disk", e))
    }

    /// Device and inode of this directory, to recognise it later.
    pub fn ident(&self) -> Result<(u64, u64)> {
        let st = rfs::fstat(&self.fd).map_err(|e| err(&*self.path, "cannot inspect", e))?;
        Ok((st.st_dev, st.st_ino))
    }
}

/// Metadata found on an object in the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Permission bits.
    pub mode: u32,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
    /// Owner and group.
    pub owner: (u32, u32),
    /// Names the object has.
    pub nlink: u64,
}

/// Metadata to set on a restored object.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    /// Permission bits (with setuid/setgid/sticky); `None` for symlinks.
    pub mode: Option<u32>,
    /// Owner and group, only when running as root.
    pub owner: Option<(u32, u32)>,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
}

impl Meta {
    /// The snapshot node's metadata; the owner only when restoring as root.
    pub fn of(n: &crate::tree::Node, chown: bool) -> Self {
        Meta {
            mode: Some(n.mode),
            owner: chown.then_some((n.uid, n.gid)),
            mtime_ns: n.mtime_ns,
        }
    }
}

/// What must be at a name before its metadata is changed.
#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// This very object (device, inode), of this type: one restore opened or made.
    Same(FileType, u64, u64),
    /// An object of this type with a single name: one restore just created
    /// (a second name would mean a hard link to something elsewhere).
    Fresh(FileType),
}

impl Expect {
    fn check(&self, st: &Stat, path: &dyn fmt::Display) -> Result<()> {
        let ft = FileType::from_raw_mode(st.st_mode);
        let ok = match *self {
            Expect::Same(t, dev, ino) => ft == t && st.st_dev == dev && st.st_ino == ino,
            Expect::Fresh(t) => ft == t && (t == FileType::Directory || st.st_nlink == 1),
        };
        if ok {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{path} was replaced while the restore ran; its metadata was not changed"),
        )
        .hint("make sure nobody else writes inside the restore target, then restore again"))
    }
}

/// The descriptor metadata is set through.
#[derive(Clone, Copy)]
enum Target<'f> {
    /// Opened with `O_PATH`: it names the object but cannot be written to,
    /// so the mode goes through `/proc/self/fd` and the time by `AT_EMPTY_PATH`.
    Path(rustix::fd::BorrowedFd<'f>),
    /// A regular file restore opened for writing: `fchmod`, `futimens`.
    File(rustix::fd::BorrowedFd<'f>),
}

/// Owner, mode and times through a descriptor (`st` is its `fstat`). Ownership
/// first: a chown clears setuid/setgid, so the mode must come after it. The
/// mode is set only when it differs (files are created with most of theirs).
fn apply_meta(
    t: Target<'_>,
    st: &Stat,
    m: &Meta,
) -> std::result::Result<(), (&'static str, Errno)> {
    let mut chowned = false;
    if let Some((uid, gid)) = m.owner {
        if (st.st_uid, st.st_gid) != (uid, gid) {
            let (uid, gid) = (
                Some(rustix::fs::Uid::from_raw(uid)),
                Some(rustix::fs::Gid::from_raw(gid)),
            );
            match t {
                Target::File(fd) => rfs::fchown(fd, uid, gid),
                Target::Path(fd) => rfs::chownat(fd, "", uid, gid, AtFlags::EMPTY_PATH),
            }
            .map_err(|e| ("cannot set owner of", e))?;
            chowned = true;
        }
    }
    let symlink = FileType::from_raw_mode(st.st_mode) == FileType::Symlink;
    match (m.mode, t) {
        (None, _) => {}
        (Some(_), _) if symlink => {}
        // Already right: a chown changed only setuid and setgid bits.
        (Some(mode), _) if st.st_mode & 0o7777 == mode && (!chowned || mode & 0o6000 == 0) => {}
        (Some(mode), Target::File(fd)) => {
            rfs::fchmod(fd, Mode::from_raw_mode(mode)).map_err(|e| ("cannot set mode of", e))?
        }
        (Some(mode), Target::Path(fd)) => {
            // fchmod refuses O_PATH descriptors, and opening the object itself
            // could block (fifo) or act (device); /proc/self/fd/N names exactly
            // the inode the descriptor holds, whatever happens to the name.
            let proc = format!("/proc/self/fd/{}", rustix::fd::AsRawFd::as_raw_fd(&fd));
            rfs::chmod(proc.as_str(), Mode::from_raw_mode(mode))
                .map_err(|e| ("cannot set mode of", e))?;
        }
    }
    let when = rfs::Timespec {
        tv_sec: m.mtime_ns.div_euclid(1_000_000_000),
        tv_nsec: m.mtime_ns.rem_euclid(1_000_000_000) as _,
    };
    let times = rfs::Timestamps {
        last_access: when,
        last_modification: when,
    };
    match t {
        Target::File(fd) => rfs::futimens(fd, &times),
        Target::Path(fd) => rfs::utimensat(fd, "", &times, AtFlags::EMPTY_PATH),
    }
    .map_err(|e| ("cannot set time of", e))
}

/// The permission bits a temporary is created with: the file's own, so that
/// setting them afterwards is mostly not needed, except what must not hold
/// before the content is verified and owned:
/// - the owner can always read and write it (it is reopened by name when
///   the restore comes back to it, and hash-checked);
/// - nobody else may write to it: the bytes written are hashed as they are
///   written, so a write by someone else before the rename would land
///   under the real name unchecked;
/// - no setuid, setgid or sticky bit (set after the owner);
/// - when restoring as root, the temporary belongs to root until its owner
///   is set, so its group may read or run it only where everybody may:
///   root's group must not see what the file's own group may.
pub fn temp_mode(meta: &Meta) -> u32 {
    let mode = meta.mode.unwrap_or(0) & 0o755;
    let other = mode & 0o005;
    let group = match meta.owner {
        Some(_) => mode & (other << 3),
        None => mode & 0o050,
    };
    0o600 | (mode & 0o100) | group | other
}

/// Runs `make` with a new temporary name until one is free: a name someone
/// else made first (`EEXIST`) is skipped, with a new random part; after a
/// few, something is wrong. Returns what `make` made and the name.
fn make_temp<T>(
    mut make: impl FnMut(&[u8]) -> std::result::Result<T, Errno>,
    fail: impl Fn(Errno) -> Error,
) -> Result<(T, Vec<u8>)> {
    let mut attempt = 0;
    loop {
        let tmp = temp_name(attempt > 0)?;
        match make(&tmp) {
            Ok(v) => return Ok((v, tmp)),
            Err(Errno::EXIST) if attempt < 3 => attempt += 1,
            Err(e) => return Err(fail(e)),
        }
    }
}

/// A name for a temporary: [`super::TEMP_PREFIX`], a random part drawn once
/// per process (again when `fresh`), and a counter. A file then costs no
/// call to the random generator; the name need not be secret, since it is
/// created with `O_EXCL | O_NOFOLLOW` (a name someone made first is refused,
/// and the caller draws a fresh random part), and a later restore removes
/// whatever temporaries a killed one left, whatever their number.
fn temp_name(fresh: bool) -> Result<Vec<u8>> {
    use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
    static SALT: AtomicU64 = AtomicU64::new(0);
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let mut salt = SALT.load(Relaxed);
    if salt == 0 || fresh {
        // 0 means "not drawn yet", so a drawn 0 becomes 1.
        salt = u64::from_le_bytes(crate::crypto::random_array()?).max(1);
        SALT.store(salt, Relaxed);
    }
    let mut tmp = super::TEMP_PREFIX.to_vec();
    tmp.extend_from_slice(&hex::encode(&salt.to_le_bytes()[..6]).into_bytes());
    tmp.extend_from_slice(&hex::encode(NEXT.fetch_add(1, Relaxed).to_be_bytes()).into_bytes());
    Ok(tmp)
}

impl SafeDir {
    /// SHA-256 of the regular file `name` (opened without following symlinks).
    pub fn sha256(&self, name: &[u8]) -> Result<[u8; 32]> {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        let fd = rfs::openat(
            &self.fd,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| err(&self.child(name), "cannot read", e))?;
        let mut f = std::fs::File::from(fd);
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f
                .read(&mut buf)
                .map_err(|e| Error::io(self.child(name), e))?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(h.finalize().into())
    }

    /// The target of the symlink `name`.
    pub fn readlink(&self, name: &[u8]) -> Result<Vec<u8>> {
        rfs::readlinkat(&self.fd, name, Vec::new())
            .map(|c| c.into_bytes())
            .map_err(|e| err(&self.child(name), "cannot read link", e))
    }

    /// Creates a fifo `name`.
    pub fn mkfifo(&self, name: &[u8], mode: u32) -> Result<()> {
        rfs::mknodat(&self.fd, name, FileType::Fifo, Mode::from_raw_mode(mode), 0)
            .map_err(|e| err(&self.child(name), "cannot create fifo", e))
    }
}

impl SafeDir {
    /// Metadata of `name`, not following symlinks.
    pub fn meta(&self, name: &[u8]) -> Result<Found> {
        let st = rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW)
            .map_err(|e| err(&self.child(name), "cannot inspect", e))?;
        Ok(Found {
            mode: st.st_mode & 0o7777,
            mtime_ns: (st.st_mtime as i64)
                .saturating_mul(1_000_000_000)
                .saturating_add(st.st_mtime_nsec as i64),
            owner: (st.st_uid, st.st_gid),
            nlink: st.st_nlink as u64,
        })
    }

    /// Creates a device node (root only).
    pub fn mknod(
        &self,
        name: &[u8],
        kind: crate::tree::NodeType,
        mode: u32,
        rdev: u64,
    ) -> Result<()> {
        let ft = if kind == crate::tree::NodeType::Blockdev {
            FileType::BlockDevice
        } else {
            FileType::CharacterDevice
        };
        rfs::mknodat(&self.fd, name, ft, Mode::from_raw_mode(mode), rdev)
            .map_err(|e| err(&self.child(name), "cannot create device", e))
    }
}

/// Opens the directory `comps` below the target, without following symlinks.
pub fn open_path(root: &Arc<SafeDir>, comps: &[&[u8]]) -> Result<Arc<SafeDir>> {
    let mut d = root.clone();
    for c in comps {
        d = Arc::new(d.subdir(c, false)?.ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("{} vanished during the restore", String::from_utf8_lossy(c)),
            )
        })?);
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_get_their_mode_but_nobody_else_writes_and_no_group_sees_more() {
        let t = |mode: u32, chown: bool| {
            temp_mode(&Meta {
                mode: Some(mode),
                owner: chown.then_some((1234, 5678)),
                mtime_ns: 0,
            })
        };
        // The common modes need no chmod after.
        for chown in [false, true] {
            assert_eq!(t(0o644, chown), 0o644);
            assert_eq!(t(0o755, chown), 0o755);
            assert_eq!(t(0o600, chown), 0o600);
            // The owner always reads and writes; nobody else writes; no special bits.
            assert_eq!(t(0o444, chown), 0o644);
            assert_eq!(t(0o777, chown), 0o755);
            assert_eq!(t(0o4755, chown), 0o755);
            assert_eq!(t(0o1600, chown), 0o600);
        }
        // Restoring as root the temporary is root's: its group sees no more than others.
        assert_eq!(t(0o640, false), 0o640);
        assert_eq!(t(0o640, true), 0o600);
        assert_eq!(t(0o754, true), 0o744);
        assert_eq!(t(0o664, true), 0o644);
    }

    #[test]
    fn temporary_names_are_new_each_time_and_a_taken_name_is_skipped() {
        let d = tempfile::tempdir().unwrap();
        let dir = SafeDir::open_target(d.path(), false).unwrap();
        let meta = Meta {
            mode: Some(0o644),
            owner: None,
            mtime_ns: 0,
        };
        let (_, a) = dir.temp_file(&meta).unwrap();
        // Someone takes the next names (the counter is this process's, and
        // other tests draw from it too: take a run of them).
        let next =
            u32::from_str_radix(std::str::from_utf8(&a[a.len() - 8..]).unwrap(), 16).unwrap();
        for k in 1..64u32 {
            let mut taken = a[..a.len() - 8].to_vec();
            taken.extend_from_slice(hex::encode((next + k).to_be_bytes()).as_bytes());
            std::fs::write(d.path().join(std::str::from_utf8(&taken).unwrap()), b"x").unwrap();
        }
        let (_, b) = dir.temp_file(&meta).unwrap();
        assert_ne!(a, b);
        assert!(b.starts_with(crate::restore::TEMP_PREFIX));
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 65);
    }
}
