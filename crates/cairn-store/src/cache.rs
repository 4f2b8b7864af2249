//! A local copy of the objects that never change once written and are
//! named by their content, snapshot objects and index files (docs/FORMAT.md
//! §1), for repositories on remote storage (docs/STORAGE.md, "The local
//! cache"). Opening a repository reads every one of them; on S3 that is one
//! GET each, on every `list` and every backup start.
//!
//! What the cache may and may not do:
//! - the storage's listing stays authoritative: an entry is answered only for
//!   a name the last listing of its kind in this process showed (or this
//!   process wrote), and a listing removes the entries it no longer shows,
//!   so a forgotten snapshot never comes back and the cache stays as large
//!   as the repository's snapshot and index objects;
//! - the bytes are only ever a copy: the core opens them with the same code
//!   as fetched bytes (authentication, keyed id). Each entry carries a
//!   BLAKE3 of its kind, name and bytes, so bit rot or a torn write is found
//!   here and the storage read instead; an entry that passes that check but
//!   fails to open (someone put another valid object's bytes under its
//!   name) is dropped and fetched again when the core asks
//!   ([`Backend::reread`]);
//! - entries are written to a temporary name and renamed into place, so two
//!   processes sharing the folder (a backup and a `list`) never see half an
//!   entry; the folder is 0700 and the files 0600 (the bytes are encrypted,
//!   but names and sizes show activity).
//!
//! A cache that cannot be written (full disk, permissions) only costs GETs:
//! its failures are logged, never returned.

use cairn_core::{Backend, Bytes, ObjectInfo, ObjectKind, Result, Wrapper};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// The first bytes of every entry (format version 1).
const MAGIC: &[u8; 8] = b"cairnc1\n";
/// Entry layout: magic, BLAKE3 (32 bytes), the object's bytes.
const HEADER: usize = MAGIC.len() + 32;
/// A temporary file older than this was left by a killed process.
const STALE_TMP: Duration = Duration::from_secs(3600);

/// Whether objects of `kind` are kept: immutable and named by content.
fn kept(kind: ObjectKind) -> bool {
    matches!(kind, ObjectKind::Snapshot | ObjectKind::Index)
}

/// The folder for the repository at `location` under the cache root
/// `root`: one subfolder per location, named by a hash of it as pins are.
pub fn cache_dir_for(root: &Path, location: &str) -> PathBuf {
    let key = cairn_core::pin::normalise_location(location);
    root.join(&blake3::hash(key.as_bytes()).to_hex()[..32])
}

/// `inner` with a cache under `root` when `location` is remote storage;
/// local folders are returned as they are (a cache would only copy them).
/// Nothing is created before the first entry is written.
pub fn cached(inner: Arc<dyn Backend>, root: &Path, location: &str) -> Arc<dyn Backend> {
    if !crate::is_remote(location) {
        return inner;
    }
    Arc::new(CachedBackend::new(inner, cache_dir_for(root, location)))
}

/// A backend answering reads of snapshot objects and index files from a
/// local folder when it can (see the module documentation).
pub struct CachedBackend {
    inner: Arc<dyn Backend>,
    dir: PathBuf,
    /// Per kind, the names the storage last listed or this process wrote:
    /// the only ones ever answered from the cache.
    listed: Mutex<HashMap<ObjectKind, HashSet<String>>>,
    /// The names answered from the cache so far: a failed open of one of
    /// them is worth a read of the storage.
    served: Mutex<HashSet<(ObjectKind, String)>>,
    /// Whether the folders were made (or why not): tried once.
    made: std::sync::OnceLock<std::result::Result<(), String>>,
}

impl std::fmt::Debug for CachedBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedBackend")
            .field("location", &self.inner.location())
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every update is one insert, remove or assignment: nothing is half-done.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> cairn_core::Error {
    cairn_core::Error::io(format!("{what} {}", path.display()), e)
}

/// The checksum of an entry: kind and name are in it, so an entry renamed
/// to another object's name does not pass.
fn checksum(kind: ObjectKind, name: &str, data: &[u8]) -> [u8; 32] {
    let mut h = blake3::Hasher::new_derive_key("cairn cache entry v1");
    h.update(kind.dir().as_bytes());
    h.update(b"/");
    h.update(name.as_bytes());
    h.update(b"\0");
    h.update(data);
    *h.finalize().as_bytes()
}

/// The object's bytes when `entry` is whole and is the entry for `name`.
fn unwrap_entry(kind: ObjectKind, name: &str, mut entry: Vec<u8>) -> Option<Vec<u8>> {
    if entry.len() < HEADER || &entry[..MAGIC.len()] != MAGIC {
        return None;
    }
    let data = entry.split_off(HEADER);
    (entry[MAGIC.len()..] == checksum(kind, name, &data)).then_some(data)
}

impl CachedBackend {
    /// A cache of `inner` in `dir`, made (0700) when the first entry is
    /// written.
    pub fn new(inner: Arc<dyn Backend>, dir: PathBuf) -> Self {
        CachedBackend {
            inner,
            dir,
            listed: Mutex::default(),
            served: Mutex::default(),
            made: std::sync::OnceLock::new(),
        }
    }

    /// Makes the folder and its kind folders, 0700, once per process.
    fn make_folders(&self) -> Result<()> {
        let made = self.made.get_or_init(|| {
            for kind in [ObjectKind::Snapshot, ObjectKind::Index] {
                let d = self.dir.join(kind.dir());
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(&d)
                    .map_err(|e| format!("cannot create the cache folder {}: {e}", d.display()))?;
            }
            // `recursive` leaves an existing folder's mode alone: tighten
            // the one this cache owns.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700)).map_err(
                |e| {
                    format!(
                        "cannot restrict the cache folder {}: {e}",
                        self.dir.display()
                    )
                },
            )
        });
        made.clone().map_err(cairn_core::Error::invalid)
    }

    /// The folder this cache keeps its entries in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, kind: ObjectKind, name: &str) -> PathBuf {
        self.dir.join(kind.dir()).join(name)
    }

    /// Whether `name` may be answered from the cache.
    fn usable(&self, kind: ObjectKind, name: &str) -> bool {
        kept(kind)
            && kind.is_canonical(name)
            && lock(&self.listed)
                .get(&kind)
                .is_some_and(|s| s.contains(name))
    }

    /// The cached bytes of `name`, if a whole entry for it is there. The
    /// entry is opened as a folder's objects are: a regular file (never a
    /// symlink or a device someone put there), no larger than its kind's
    /// objects may be.
    fn load(&self, kind: ObjectKind, name: &str) -> Option<Vec<u8>> {
        let path = self.path(kind, name);
        let entry = match crate::fs::open_object(&path, kind) {
            Ok((mut f, len)) => {
                let mut buf = Vec::with_capacity(len as usize);
                std::io::Read::read_to_end(&mut f, &mut buf)
                    .ok()
                    .map(|_| buf)
            }
            Err(e) if e.kind() == cairn_core::ErrorKind::NotFound => return None,
            Err(_) => None,
        };
        let data = entry.and_then(|e| unwrap_entry(kind, name, e));
        if data.is_none() {
            tracing::warn!(entry = %path.display(), "damaged cache entry; reading the storage instead");
            self.drop_entry(kind, name);
        }
        data
    }

    /// Keeps `data` as the entry for `name`: a temporary file, then a rename.
    fn store(&self, kind: ObjectKind, name: &str, data: &[u8]) {
        if let Err(e) = self.try_store(kind, name, data) {
            tracing::debug!(error = %e, "cannot write a cache entry; reads go to the storage");
        }
    }

    fn try_store(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.make_folders()?;
        let mut rnd = [0u8; 8];
        getrandom::fill(&mut rnd).map_err(|e| cairn_core::Error::invalid(e.to_string()))?;
        let tmp = self
            .dir
            .join(kind.dir())
            .join(format!(".tmp-{}", hex::encode(rnd)));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(MAGIC)?;
            f.write_all(&checksum(kind, name, data))?;
            f.write_all(data)?;
            std::fs::rename(&tmp, self.path(kind, name))
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io_error("cannot write the cache entry", &tmp, e)
        })
    }

    /// After a write the storage took: a kept object is kept here too and
    /// counts as listed.
    fn written(&self, kind: ObjectKind, name: &str, data: &[u8]) {
        if kept(kind) && kind.is_canonical(name) {
            self.store(kind, name, data);
            if let Some(s) = lock(&self.listed).get_mut(&kind) {
                s.insert(name.to_string());
            }
        }
    }

    fn drop_entry(&self, kind: ObjectKind, name: &str) {
        // Only names of the exact form Cairn writes have entries: any other
        // (`../..` from a hostile listing handed back by a caller) would
        // name a file outside the cache.
        if !kind.is_canonical(name) {
            return;
        }
        let _ = std::fs::remove_file(self.path(kind, name));
        lock(&self.served).remove(&(kind, name.to_string()));
    }

    /// Takes the listing `names` of `kind` as the truth: remembers it, and
    /// removes the entries it does not show (and temporary files a killed
    /// process left).
    fn follow_listing(&self, kind: ObjectKind, names: HashSet<String>) {
        let dir = self.dir.join(kind.dir());
        if let Ok(rd) = std::fs::read_dir(&dir) {
            for e in rd.flatten() {
                let file = e.file_name();
                let Some(f) = file.to_str() else { continue };
                let gone = if f.starts_with(".tmp-") {
                    e.metadata()
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok())
                        .is_some_and(|age| age > STALE_TMP)
                } else {
                    !names.contains(f)
                };
                if gone {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        lock(&self.listed).insert(kind, names);
    }
}

// Reads, listings and the writes that change what is cached; everything
// else passes on (cairn_core::wrapper).
impl Wrapper for CachedBackend {
    fn inner(&self) -> &dyn Backend {
        self.inner.as_ref()
    }

    fn read(&self, kind: ObjectKind, name: &str) -> Result<Vec<u8>> {
        if !kept(kind) {
            return self.inner.read(kind, name);
        }
        if self.usable(kind, name) {
            if let Some(data) = self.load(kind, name) {
                lock(&self.served).insert((kind, name.to_string()));
                return Ok(data);
            }
        }
        let data = self.inner.read(kind, name)?;
        if kind.is_canonical(name) {
            self.store(kind, name, &data);
        }
        Ok(data)
    }

    fn reread(&self, kind: ObjectKind, name: &str) -> Result<Option<Vec<u8>>> {
        if !lock(&self.served).contains(&(kind, name.to_string())) {
            return self.inner.reread(kind, name);
        }
        tracing::warn!(object = %kind.path(name), "cached copy does not open; reading the storage");
        self.drop_entry(kind, name);
        let data = self.inner.read(kind, name)?;
        self.store(kind, name, &data);
        Ok(Some(data))
    }

    fn write_new(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        self.inner.write_new(kind, name, data)?;
        self.written(kind, name, data);
        Ok(())
    }

    fn write_new_shared(&self, kind: ObjectKind, name: &str, data: &Bytes) -> Result<()> {
        self.inner.write_new_shared(kind, name, data)?;
        self.written(kind, name, data);
        Ok(())
    }

    fn replace(&self, kind: ObjectKind, name: &str, data: &[u8]) -> Result<()> {
        // The stored copy was damaged; the next read fetches the new one.
        if kept(kind) {
            self.drop_entry(kind, name);
        }
        self.inner.replace(kind, name, data)
    }

    fn list_all(&self, kind: ObjectKind) -> Result<Vec<ObjectInfo>> {
        let all = self.inner.list_all(kind)?;
        if kept(kind) {
            self.follow_listing(kind, all.iter().map(|o| o.name.clone()).collect());
        }
        Ok(all)
    }

    fn delete(&self, kind: ObjectKind, name: &str) -> Result<()> {
        if kept(kind) {
            if let Some(s) = lock(&self.listed).get_mut(&kind) {
                s.remove(name);
            }
            self.drop_entry(kind, name);
        }
        self.inner.delete(kind, name)
    }
}
