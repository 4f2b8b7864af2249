//! The local filesystem backend, the embedded default.
//!
//! Publication protocol for `write_new` (why each step):
//! 1. write the bytes to `.tmp-*` in the destination folder (same filesystem,
//!    so the final step is atomic; listings skip `.tmp-*`);
//! 2. `fsync` the file: after a crash, a name must never point at a hole;
//! 3. `link(2)` the temporary to the real name: atomic, and it fails if the
//!    name exists, so an object is never replaced (rename would silently replace);
//! 4. unlink the temporary and `fsync` the folder so the new name is durable.
//!
//! A crash leaves at worst a `.tmp-*` file, which is never read.

use crate::check_name;
use cairn_core::backend::WormMode;
use cairn_core::{Backend, Error, ErrorKind, Leftover, ObjectInfo, ObjectKind, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

#[path = "fs_versions.rs"]
mod versions;

/// A repository in a local folder.
#[derive(Debug, Clone)]
pub struct FsBackend {
    root: PathBuf,
}

impl FsBackend {
    /// A backend rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FsBackend { root: root.into() }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, kind: ObjectKind, name: &str) -> Result<PathBuf> {
        check_name(name)?;
        Ok(self.root.join(kind.path(name)))
    }
}

/// Sets or clears FS_IMMUTABLE_FL (what `chattr +i` does).
pub(crate) fn set_immutable(p: &Path, on: bool) -> std::io::Result<()> {
    use rustix::fs::IFlags;
    let f = File::open(p)?;
    let flags = rustix::fs::ioctl_getflags(&f)?;
    let want = if on {
        flags | IFlags::IMMUTABLE
    } else {
        flags - IFlags::IMMUTABLE
    };
    if want != flags {
        rustix::fs::ioctl_setflags(&f, want)?;
    }
    Ok(())
}

pub(crate) fn io(path: &Path, e: std::io::Error) -> Error {
    Error::io(path.display(), e)
}

/// Opens an object for reading: never through a symlink, never blocking (a
/// fifo planted in its place would hang the reader), only a regular file, and
/// no larger than its kind allows. Returns the file and its size.
pub(crate) fn open_object(p: &Path, kind: ObjectKind) -> Result<(File, u64)> {
    let f = OpenOptions::new()
        .read(true)
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32)
        .open(p)
        .map_err(|e| match e.raw_os_error() {
            Some(code) if code == rustix::io::Errno::LOOP.raw_os_error() => not_regular(p),
            _ => io(p, e),
        })?;
    let md = f.metadata().map_err(|e| io(p, e))?;
    if !md.is_file() {
        return Err(not_regular(p));
    }
    if md.len() > kind.max_len() {
        return Err(too_large(p, kind));
    }
    Ok((f, md.len()))
}

fn not_regular(p: &Path) -> Error {
    Error::corrupt(format!(
        "{} is not a regular file (a symlink, fifo, folder or device was put in its place)",
        p.display()
    ))
    .hint("the repository folder was tampered with; remove that entry and run verify")
}

fn too_large(p: &Path, kind: ObjectKind) -> Error {
    Error::corrupt(format!(
        "{} is larger than any {} object ({} bytes at most)",
        p.display(),
        format!("{kind:?}").to_lowercase(),
        kind.max_len()
    ))
    .hint("the repository folder was tampered with; remove that entry and run verify")
}

pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io(dir, e))
}

fn list_dir(
    dir: &Path,
    out: &mut Vec<ObjectInfo>,
    depth: usize,
    shard: Option<&str>,
) -> Result<()> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(dir, e)),
    };
    for ent in rd {
        let ent = ent.map_err(|e| io(dir, e))?;
        let name = ent.file_name().to_string_lossy().into_owned();
        if name.starts_with(".tmp-") {
            continue;
        }
        let md = ent.metadata().map_err(|e| io(&ent.path(), e))?;
        if depth > 0 && md.is_dir() {
            list_dir(&ent.path(), out, depth - 1, Some(&name))?;
        } else if depth == 0
            && check_name(&name).is_ok()
            && shard.is_none_or(|s| name.starts_with(s))
        {
            // Whatever stands under an object's name is listed: a fifo,
            // symlink or folder there is then read like the object it
            // claims to be, and `open_object` refuses it by its path,
            // instead of the object silently going missing.
            out.push(ObjectInfo {
                name,
                size: md.len(),
                modified: md.modified().ok().map(time::OffsetDateTime::from),
            });
        }
    }
    Ok(())
}

fn is_shard(s: &str) -> bool {
    s.len() == 2 && check_name(s).is_ok()
}

fn shard_dirs(dir: &Path) -> Result<Vec<String>> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(io(dir, e)),
    };
    let mut out = Vec::new();
    for ent in rd {
        let ent = ent.map_err(|e| io(dir, e))?;
        let name = ent.file_name().to_string_lossy().into_owned();
        if is_shard(&name) && ent.file_type().is_ok_and(|t| t.is_dir()) {
            out.push(name);
        }
    }
    Ok(out)
}

/// The `.tmp-*` regular files directly in `dir` (named `rel` in the layout).
fn temps_in(dir: &Path, rel: &str, out: &mut Vec<Leftover>) -> Result<()> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(dir, e)),
    };
    for ent in rd {
        let ent = ent.map_err(|e| io(dir, e))?;
        let name = ent.file_name().to_string_lossy().into_owned();
        if !name.starts_with(".tmp-") {
            continue;
        }
        let md = ent.metadata().map_err(|e| io(&ent.path(), e))?;
        if md.is_file() {
            out.push(Leftover {
                path: if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                },
                size: md.len(),
                modified: md.modified().ok().map(time::OffsetDateTime::from),
            });
        }
    }
    Ok(())
}

/// Writes `data` to a new temporary file in `dir`, synced to disk, and
/// returns its path; the caller publishes it (link or rename) and removes it.
pub(crate) fn synced_temp(dir: &Path, name: &str, data: &[u8]) -> Result<PathBuf> {
    let rnd: [u8; 8] = cairn_core::crypto::random_array()?;
    let tmp = dir.join(format!(".tmp-{}-{}", name, hex::encode(rnd)));
    let written = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            // Objects are never changed after publication: read-only from birth.
            .mode(0o400)
            .open(&tmp)
            .map_err(|e| io(&tmp, e))?;
        f.write_all(data).map_err(|e| io(&tmp, e))?;
        f.sync_all().map_err(|e| io(&tmp, e))
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

impl Backend for FsBackend {
    fn location(&self) -> String {
        self.root.display().to_string()
    }

    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        let p = self.path(kind, name)?;
        let (mut f, size) = open_object(&p, kind)?;
        let mut buf = Vec::with_capacity(size as usize);
        (&mut f)
            .take(kind.max_len() + 1)
            .read_to_end(&mut buf)
            .map_err(|e| io(&p, e))?;
        if buf.len() as u64 > kind.max_len() {
            return Err(too_large(&p, kind));
        }
        Ok(buf)
    }

    fn read_range(&self, kind: ObjectKind, name: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        let p = self.path(kind, name)?;
        let (mut f, size) = open_object(&p, kind)?;
        if offset.checked_add(len).is_none_or(|end| end > size) {
            return Err(Error::corrupt(format!(
                "{} is {size} bytes, shorter than the range {offset}+{len}",
                p.display()
            )));
        }
        f.seek(SeekFrom::Start(offset)).map_err(|e| io(&p, e))?;
        let mut buf = vec![0u8; len as usize];
        f.read_exact(&mut buf).map_err(|e| io(&p, e))?;
        Ok(buf)
    }

    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        let dest = self.path(kind, name)?;
        let dir = dest.parent().unwrap_or(&self.root).to_path_buf();
        if dest.exists() {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                format!("{} already exists", dest.display()),
            ));
        }
        if !dir.is_dir() {
            fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
            // The new folder's own name must be durable too, or a crash could
            // lose a shard folder and every pack in it.
            if let Some(parent) = dir.parent() {
                sync_dir(parent)?;
            }
        }
        let tmp = synced_temp(&dir, name, data)?;
        let result = match fs::hard_link(&tmp, &dest) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::new(
                ErrorKind::AlreadyExists,
                format!("{} already exists", dest.display()),
            )),
            // Filesystems without hard links: rename, having checked the name is
            // free. Not atomic against a concurrent writer of the same name; for
            // content-addressed objects that writer holds the same bytes.
            Err(_) if !dest.exists() => fs::rename(&tmp, &dest).map_err(|e| io(&dest, e)),
            Err(e) => Err(io(&dest, e)),
        };
        let _ = fs::remove_file(&tmp);
        result?;
        sync_dir(&dir)
    }

    fn replace_config(&self, data: &[u8]) -> Result<()> {
        // A synced temporary file renamed over the old config: rename is
        // atomic, so a crash leaves the old config or the new one. A held
        // (immutable) config is first kept as an immutable copy in
        // config-history/, then released for the rename (docs/WORM.md).
        let dest = self.path(ObjectKind::Config, "config")?;
        self.keep_held_config(&dest, data)?;
        let tmp = synced_temp(&self.root, "config", data)?;
        let result = fs::rename(&tmp, &dest).map_err(|e| io(&dest, e));
        let _ = fs::remove_file(&tmp);
        result?;
        sync_dir(&self.root)
    }

    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        // The replacement is written and synced under a temporary name, then
        // renamed over the old copy: never a moment with neither.
        let dest = self.path(kind, name)?;
        let dir = dest.parent().unwrap_or(&self.root).to_path_buf();
        let tmp = synced_temp(&dir, name, data)?;
        let mut result = fs::rename(&tmp, &dest);
        if matches!(&result, Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied) {
            // An immutable copy whose hold has lapsed (the WORM guard checked).
            if set_immutable(&dest, false).is_ok() {
                result = fs::rename(&tmp, &dest);
            }
        }
        let _ = fs::remove_file(&tmp);
        result.map_err(|e| io(&dest, e))?;
        sync_dir(&dir)
    }

    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        let mut out = Vec::new();
        if kind == ObjectKind::Config {
            if let Ok(i) = self.stat(kind, "config") {
                out.push(i);
            }
            return Ok(out);
        }
        list_dir(
            &self.root.join(kind.dir()),
            &mut out,
            usize::from(kind.sharded()),
            None,
        )?;
        Ok(out)
    }

    fn leftovers(&self) -> Result<Vec<Leftover>> {
        let mut out = Vec::new();
        temps_in(&self.root, "", &mut out)?;
        for kind in ObjectKind::ALL
            .into_iter()
            .filter(|k| *k != ObjectKind::Config)
        {
            let dir = kind.dir();
            temps_in(&self.root.join(dir), dir, &mut out)?;
            if kind.sharded() {
                for shard in shard_dirs(&self.root.join(dir))? {
                    temps_in(
                        &self.root.join(dir).join(&shard),
                        &format!("{dir}/{shard}"),
                        &mut out,
                    )?;
                }
            }
        }
        Ok(out)
    }

    fn remove_leftover(&self, l: &Leftover) -> Result<()> {
        // Only what `leftovers` lists: a `.tmp-` file in a folder of the layout.
        let (dir, file) = l.path.rsplit_once('/').unwrap_or(("", &l.path));
        let known = dir.is_empty()
            || ObjectKind::ALL.iter().any(|k| {
                !k.dir().is_empty()
                    && (dir == k.dir()
                        || (k.sharded()
                            && dir
                                .strip_prefix(k.dir())
                                .and_then(|s| s.strip_prefix('/'))
                                .is_some_and(is_shard)))
            });
        if !known || !file.starts_with(".tmp-") || file.contains('/') || file.contains("..") {
            return Err(Error::invalid(format!(
                "{} is not a leftover of this repository",
                l.path
            )));
        }
        let p = self.root.join(&l.path);
        match fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&p, e)),
            _ => {}
        }
        sync_dir(p.parent().unwrap_or(&self.root))
    }

    fn stat(&self, kind: ObjectKind, name: &str) -> Result<ObjectInfo> {
        let p = self.path(kind, name)?;
        let md = fs::metadata(&p).map_err(|e| io(&p, e))?;
        Ok(ObjectInfo {
            name: name.to_string(),
            size: md.len(),
            modified: md.modified().ok().map(time::OffsetDateTime::from),
        })
    }

    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        let p = self.path(kind, name)?;
        match fs::remove_file(&p) {
            // An immutable object whose hold has lapsed (the WORM guard checked
            // the time before calling): lift the flag, then remove.
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                set_immutable(&p, false).map_err(|_| io(&p, e))?;
                fs::remove_file(&p).map_err(|e| io(&p, e))?;
            }
            r => r.map_err(|e| io(&p, e))?,
        }
        sync_dir(p.parent().unwrap_or(&self.root))
    }

    fn list_versions(&self, kind: ObjectKind) -> Result<Vec<cairn_core::ObjectVersion>> {
        self.versions_of(kind)
    }

    fn read_version(&self, kind: ObjectKind, name: &str, version: &str) -> Result<Vec<u8>> {
        self.read_one_version(kind, name, version)
    }

    fn hold(
        &self,
        kind: ObjectKind,
        name: &str,
        mode: WormMode,
        _until: time::OffsetDateTime,
    ) -> Result<()> {
        if mode != WormMode::Governance {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("a local filesystem cannot hold objects in {mode} mode"),
            ));
        }
        let p = self.path(kind, name)?;
        set_immutable(&p, true).map_err(|e| io(&p, e))
    }

    fn worm_support(&self, mode: WormMode) -> Result<String> {
        if mode != WormMode::Governance {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("a local filesystem cannot enforce {mode} WORM: root can always lift an immutable flag"),
            )
            .hint("use governance (immutable files) or software here, or S3 Object Lock for compliance"));
        }
        fs::create_dir_all(&self.root).map_err(|e| io(&self.root, e))?;
        let rnd: [u8; 8] = cairn_core::crypto::random_array()?;
        let probe = self
            .root
            .join(format!(".tmp-worm-probe-{}", hex::encode(rnd)));
        fs::write(&probe, b"").map_err(|e| io(&probe, e))?;
        let held = set_immutable(&probe, true);
        let refused = held.is_ok() && fs::remove_file(&probe).is_err();
        let _ = set_immutable(&probe, false);
        let _ = fs::remove_file(&probe);
        match held {
            Ok(()) if refused => Ok(format!(
                "files under {} are made immutable (chattr +i); only root with CAP_LINUX_IMMUTABLE can lift that",
                self.root.display()
            )),
            Ok(()) => Err(Error::new(
                ErrorKind::Unsupported,
                format!("{}: the immutable flag is accepted but not enforced", self.root.display()),
            )),
            Err(e) => Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "files under {} cannot be made immutable ({e}): it needs root (CAP_LINUX_IMMUTABLE) and a filesystem with the flag (ext4, xfs, btrfs)",
                    self.root.display()
                ),
            )),
        }
    }

    fn exists(&self) -> Result<bool> {
        match fs::metadata(&self.root) {
            Ok(m) => Ok(m.is_dir()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io(&self.root, e)),
        }
    }
}
