//! Writing files pack by pack: each needed range of a pack is read once, each
//! blob opened (authenticated, decompressed) once and written at its offset
//! into every temporary that needs it. A file is hash-checked and renamed
//! into place by whichever worker writes its last blob.

use super::safe_fs::{open_path, Meta, SafeDir};
use super::schedule::{self, BlobWork, PackWork, Target};
use super::Place;
use crate::backend::ObjectKind;
use crate::error::{Error, ErrorKind, Result};
use crate::pack;
use crate::repo::Repository;
use crate::tree::Node;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// One file to write, borrowed from the plan (jobs for the whole tree exist
/// before the first runs, so they must cost next to nothing). Its place
/// names its folder below the target, reopened by a worker when it writes
/// there, rather than holding it open: an open folder per job could run
/// out of file descriptors.
pub(super) struct Job<'a> {
    pub(super) place: &'a Place,
    pub(super) node: &'a Node,
}

/// A run of zeros at least this long becomes a hole (sparse file).
const HOLE: usize = 64 * 1024;
/// Temporaries a worker keeps open between writes. The set of unfinished
/// files is unbounded (a blob at the front of the first pack may be shared
/// by every file), so descriptors are cached, not owned by the file.
const OPEN_FILES: usize = 16;
/// Folders a worker keeps open: the files of a pack mostly share a few.
const OPEN_DIRS: usize = 8;

/// Where one file is. Locked while a blob is written to it, so the writes
/// left and the running hash stay consistent across workers.
struct FileState {
    /// The temporary's name once created (on the first write, so a restore
    /// does not hold a temporary for every file at once).
    tmp: Option<Vec<u8>>,
    writes_left: usize,
    /// Hash of the file's prefix `..hashed`, fed while blobs arrive in
    /// order; the rest is read back from the temporary at the end.
    sha: Sha256,
    hashed: u64,
    /// The temporary's length: the end of its last byte written (a
    /// trailing block of zeros left as a hole is not), so the file is
    /// sized only when a hole ends it.
    len: u64,
    /// Renamed into place or given up on (reported): later writes are dropped.
    done: bool,
    /// Device and inode of the file once in place (hard links are checked against it).
    ident: Option<(u64, u64)>,
}

/// What [`write_files`] did.
pub(super) struct Written {
    pub files: u64,
    pub bytes: u64,
    /// Per job: device and inode of the file in place, when it was written.
    pub idents: Vec<Option<(u64, u64)>>,
}

struct Shared<'r, 'a> {
    repo: &'r Repository,
    root: &'r Arc<SafeDir>,
    jobs: &'r [Job<'a>],
    states: Vec<Mutex<FileState>>,
    chown: bool,
    fail: &'r (dyn Fn(&str, &Error) + Sync),
    progress: &'r super::RestoreProgress,
    files: AtomicU64,
    bytes: AtomicU64,
}

fn lock(m: &Mutex<FileState>) -> MutexGuard<'_, FileState> {
    // A panic in a worker ends the restore (the scope re-raises it), so a
    // poisoned state is never acted on after; no need to refuse it.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes `jobs` (sorted by where their data lies) with `workers` threads,
/// reporting each failed file through `fail`.
pub(super) fn write_files(
    repo: &Repository,
    root: &Arc<SafeDir>,
    jobs: &[Job<'_>],
    workers: usize,
    chown: bool,
    fail: &(dyn Fn(&str, &Error) + Sync),
    progress: &super::RestoreProgress,
) -> Written {
    let plan = schedule::build(
        repo.index(),
        jobs.iter()
            .map(|j| (j.node.content.as_slice(), j.node.size)),
    );
    let states = plan.writes.iter().map(|&n| {
        Mutex::new(FileState {
            tmp: None,
            writes_left: n,
            sha: Sha256::new(),
            hashed: 0,
            len: 0,
            done: false,
            ident: None,
        })
    });
    let shared = Shared {
        repo,
        root,
        jobs,
        states: states.collect(),
        chown,
        fail,
        progress,
        files: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
    };
    for (file, e) in &plan.unplaced {
        lock(&shared.states[*file as usize]).done = true;
        fail(&jobs[*file as usize].place.path(), e);
    }
    let mut w = Worker::new(&shared);
    for (file, _) in plan.writes.iter().enumerate().filter(|(_, n)| **n == 0) {
        w.finish(file as u32);
    }
    drop(w);
    let units = schedule::spread(plan.packs, workers);
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, units.len().max(1)) {
            s.spawn(|| {
                let mut w = Worker::new(&shared);
                while let Some(p) = units.get(next.fetch_add(1, Ordering::Relaxed)) {
                    w.pack(p);
                }
            });
        }
    });
    for (job, st) in jobs.iter().zip(&shared.states) {
        if !lock(st).done {
            let e = Error::new(ErrorKind::Io, "restore ended before all of it was written");
            fail(&job.place.path(), &e);
        }
    }
    Written {
        files: shared.files.into_inner(),
        bytes: shared.bytes.into_inner(),
        idents: shared.states.iter().map(|st| lock(st).ident).collect(),
    }
}

/// One thread's view, with its small caches of open folders and temporaries.
struct Worker<'s, 'r, 'a> {
    s: &'s Shared<'r, 'a>,
    dirs: Vec<(Option<&'a Arc<Place>>, Arc<SafeDir>)>,
    open: Vec<(u32, File)>,
}

impl<'s, 'r, 'a> Worker<'s, 'r, 'a> {
    fn new(s: &'s Shared<'r, 'a>) -> Self {
        Worker {
            s,
            dirs: Vec::new(),
            open: Vec::new(),
        }
    }

    fn pack(&mut self, p: &PackWork) {
        let name = p.pack.to_hex();
        let backend = self.s.repo.backend();
        for r in schedule::ranges(&p.blobs) {
            let blobs = &p.blobs[r];
            let span = schedule::span(blobs);
            match backend.read_span(ObjectKind::Pack, &name, span.start, span.end - span.start) {
                Ok(bytes) => {
                    for b in blobs {
                        let (start, end) = schedule::extent(&b.entry);
                        let sealed = bytes
                            .get((start - span.start) as usize..(end - span.start) as usize)
                            .ok_or_else(|| Error::corrupt("pack read came back short"));
                        self.blob(p, b, sealed);
                    }
                }
                // A truncated pack fails the whole read; read blob by blob so
                // only the files whose data is missing fail.
                Err(e) if e.kind() == ErrorKind::Corrupt && blobs.len() > 1 => {
                    for b in blobs {
                        let (start, end) = schedule::extent(&b.entry);
                        match backend.read_span(ObjectKind::Pack, &name, start, end - start) {
                            Ok(sealed) => self.blob(p, b, Ok(&sealed)),
                            Err(e) => self.blob(p, b, Err(e)),
                        }
                    }
                }
                Err(e) => {
                    for b in blobs {
                        self.blob(p, b, Err(e.duplicate()));
                    }
                }
            }
        }
    }

    fn blob(&mut self, p: &PackWork, b: &BlobWork, sealed: Result<&[u8]>) {
        let repo = self.s.repo;
        let data = sealed
            .and_then(|s| pack::open_blob(repo.keys(), &b.entry, s))
            .or_else(|e| repo.load_elsewhere(&b.entry.id, &p.pack, e));
        for t in &b.targets {
            match &data {
                Ok(d) => self.write(*t, d),
                Err(e) => self.give_up(t.file, e),
            }
        }
    }

    fn write(&mut self, t: Target, data: &[u8]) {
        let s = self.s;
        let job = &s.jobs[t.file as usize];
        let mut st = lock(&s.states[t.file as usize]);
        if st.done {
            return;
        }
        let r = (|| {
            let f = self.temp(&mut st, t.file)?;
            let end = write_sparse(f, t.offset, data).map_err(|e| Error::io(job.place, e))?;
            st.len = st.len.max(end);
            if t.offset == st.hashed {
                st.sha.update(data);
                st.hashed += data.len() as u64;
            }
            st.writes_left -= 1;
            if st.writes_left == 0 {
                self.complete(&mut st, t.file)?;
            }
            Ok(())
        })();
        if let Err(e) = r {
            self.abandon(&mut st, t.file, &e);
        }
    }

    /// Completes a file that needs no blob (empty).
    fn finish(&mut self, file: u32) {
        let mut st = lock(&self.s.states[file as usize]);
        if st.done {
            return;
        }
        if let Err(e) = self.complete(&mut st, file) {
            self.abandon(&mut st, file, &e);
        }
    }

    fn give_up(&mut self, file: u32, e: &Error) {
        let mut st = lock(&self.s.states[file as usize]);
        if !st.done {
            self.abandon(&mut st, file, e);
        }
    }

    /// Sizes, verifies and renames a fully written temporary into place.
    fn complete(&mut self, st: &mut FileState, file: u32) -> Result<()> {
        let s = self.s;
        let job = &s.jobs[file as usize];
        let f = self.temp(st, file)?;
        let size = job.node.size;
        if st.len != size {
            f.set_len(size).map_err(|e| Error::io(job.place, e))?;
        }
        let mut buf = vec![0u8; (size - st.hashed).min(1 << 20) as usize];
        while st.hashed < size {
            let want = (size - st.hashed).min(buf.len() as u64) as usize;
            let n = f
                .read_at(&mut buf[..want], st.hashed)
                .map_err(|e| Error::io(job.place, e))?;
            if n == 0 {
                break;
            }
            st.sha.update(&buf[..n]);
            st.hashed += n as u64;
        }
        // Out of the cache: this descriptor sets the metadata, then closes.
        let f = match self.open.iter().position(|(k, _)| *k == file) {
            Some(i) => self.open.remove(i).1,
            None => {
                return Err(Error::new(
                    ErrorKind::Io,
                    "temporary file cache lost a file",
                ))
            }
        };
        let got = hex::encode(std::mem::take(&mut st.sha).finalize());
        if Some(&got) != job.node.sha256.as_ref() || st.hashed != size {
            return Err(Error::corrupt(format!(
                "{}: restored content does not match the snapshot's SHA-256 (got {got}); not written",
                job.place
            )));
        }
        let meta = Meta::of(job.node, s.chown);
        let tmp = st.tmp.clone().unwrap_or_default();
        let st_f = rustix::fs::fstat(&f).map_err(|e| Error::io(job.place, e.into()))?;
        let dir = self.dir(job.place)?;
        dir.set_meta_file(&f, &st_f, &tmp, &meta)?;
        drop(f);
        dir.rename(&tmp, &job.node.name.0)?;
        st.ident = Some((st_f.st_dev, st_f.st_ino));
        st.tmp = None;
        st.done = true;
        s.files.fetch_add(1, Ordering::Relaxed);
        s.bytes.fetch_add(size, Ordering::Relaxed);
        s.progress.done(size);
        Ok(())
    }

    /// Reports a file as failed and removes its temporary: nothing unverified
    /// stays behind, and later blobs for it are dropped.
    fn abandon(&mut self, st: &mut FileState, file: u32, e: &Error) {
        let s = self.s;
        let job = &s.jobs[file as usize];
        st.done = true;
        self.open.retain(|(f, _)| *f != file);
        if let Some(tmp) = st.tmp.take() {
            if let Ok(dir) = self.dir(job.place) {
                let _ = dir.unlink(&tmp);
            }
        }
        (s.fail)(&job.place.path(), e);
    }

    /// The file's temporary, open for writing: cached, reopened by name, or
    /// created on its first write.
    fn temp(&mut self, st: &mut FileState, file: u32) -> Result<&File> {
        if !lru_hit(&mut self.open, &file) {
            let dir = self.dir(self.s.jobs[file as usize].place)?;
            let f = match &st.tmp {
                Some(tmp) => dir.open_temp(tmp)?,
                None => {
                    let job = &self.s.jobs[file as usize];
                    let (f, tmp) = dir.temp_file(&Meta::of(job.node, self.s.chown))?;
                    st.tmp = Some(tmp);
                    f
                }
            };
            lru_put(&mut self.open, file, f, OPEN_FILES);
        }
        match self.open.last() {
            Some((_, f)) => Ok(f),
            None => Err(Error::new(ErrorKind::Io, "temporary file cache empty")),
        }
    }

    /// The folder `place` is in, open.
    fn dir(&mut self, place: &'a Place) -> Result<Arc<SafeDir>> {
        let key = place.dir();
        if !lru_hit(&mut self.dirs, &key) {
            let d = open_path(self.s.root, &place.dir_names())?;
            lru_put(&mut self.dirs, key, d, OPEN_DIRS);
        }
        match self.dirs.last() {
            Some((_, d)) => Ok(d.clone()),
            None => Err(Error::new(ErrorKind::Io, "folder cache empty")),
        }
    }
}

/// The worker caches are a few entries, most recently used last: a hit
/// moves to the end.
fn lru_hit<K: PartialEq, V>(cache: &mut Vec<(K, V)>, key: &K) -> bool {
    match cache.iter().position(|(k, _)| k == key) {
        Some(i) => {
            let hit = cache.remove(i);
            cache.push(hit);
            true
        }
        None => false,
    }
}

/// Adds an entry as the most recent, dropping the oldest when full.
fn lru_put<K, V>(cache: &mut Vec<(K, V)>, key: K, value: V, cap: usize) {
    if cache.len() >= cap {
        cache.remove(0);
    }
    cache.push((key, value));
}

/// Writes `data` at `at`, leaving 64 KiB blocks of zeros as holes (the
/// temporary is new, so a hole reads as zeros; `set_len` makes a trailing
/// one). Returns the end of the last byte written (0 if none was).
fn write_sparse(f: &File, at: u64, data: &[u8]) -> std::io::Result<u64> {
    let (mut off, mut end) = (at, 0);
    for block in data.chunks(HOLE) {
        if block.len() < HOLE || block.iter().any(|&b| b != 0) {
            f.write_all_at(block, off)?;
            end = off + block.len() as u64;
        }
        off += block.len() as u64;
    }
    Ok(end)
}
