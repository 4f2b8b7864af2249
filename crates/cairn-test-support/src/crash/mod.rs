//! What a power cut could leave behind, in the style of ALICE/CrashMonkey.
//!
//! `kill -9` keeps the page cache, so it never tests the order of `fsync`s.
//! Here a command runs under `strace`, which records every call that
//! changes a file's bytes or a folder's entries below the watched roots
//! (the repository folder, the client's state folder), and every `fsync`.
//! From the first state and that list, [`Recording::states_at`] builds the
//! states a crash right after the k-th call could leave on a file system
//! that keeps only what was made durable:
//!
//! - a file's bytes are durable once the file was `fsync`ed; until then a
//!   crash may leave the bytes of its last `fsync` (empty for a new file);
//! - a folder entry (create, link, rename, unlink, mkdir) is durable once
//!   its folder was `fsync`ed (both folders, for a rename); until then a
//!   crash may drop it, and entries that are not durable may survive in any
//!   combination, not only in the order they were made;
//! - `sync`/`syncfs` makes everything durable.
//!
//! That is stricter than ext4 or XFS (which order more than POSIX promises),
//! so a state built here that breaks a repository is an ordering bug on
//! some file system, even if not on the one the test runs on.

mod trace;

pub use trace::{parse, Op, TRACED};

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Folders and files (with their bytes) below some roots.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Image {
    pub dirs: BTreeSet<PathBuf>,
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Image {
    /// What is below `roots` now (symbolic links are not expected there).
    pub fn capture(roots: &[PathBuf]) -> Image {
        fn walk(p: &Path, img: &mut Image) {
            let m = std::fs::symlink_metadata(p).unwrap();
            if m.is_dir() {
                img.dirs.insert(p.to_path_buf());
                for e in std::fs::read_dir(p).unwrap() {
                    walk(&e.unwrap().path(), img);
                }
            } else {
                assert!(m.is_file(), "{p:?}: only files and folders are modelled");
                img.files.insert(p.to_path_buf(), std::fs::read(p).unwrap());
            }
        }
        let mut img = Image::default();
        for r in roots.iter().filter(|r| r.exists()) {
            walk(r, &mut img);
        }
        img
    }

    /// Makes `roots` hold exactly this image.
    pub fn write_to(&self, roots: &[PathBuf]) {
        for r in roots.iter().filter(|r| r.exists()) {
            std::fs::remove_dir_all(r).unwrap();
        }
        for d in &self.dirs {
            std::fs::create_dir_all(d).unwrap();
        }
        for (p, data) in &self.files {
            std::fs::write(p, data).unwrap();
        }
    }

    /// A short fingerprint, to check each distinct state once.
    pub fn digest(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut h);
        h.finish()
    }
}

/// A command's traced run: the state before it and its calls.
pub struct Recording {
    roots: Vec<PathBuf>,
    initial: Image,
    pub ops: Vec<Op>,
}

/// Runs `cmd` under `strace` (its program, arguments, environment and
/// folder), recording the calls below `roots` into `trace_file`.
pub fn record(cmd: &Command, roots: &[PathBuf], trace_file: &Path) -> (Output, Recording) {
    let initial = Image::capture(roots);
    let mut wrapper: Vec<std::ffi::OsString> = [
        "-f",
        "-y",
        "-xx",
        "-qq",
        "-s",
        "1000000000",
        "-e",
        "signal=none",
        "-e",
        TRACED,
        "-o",
    ]
    .iter()
    .map(Into::into)
    .collect();
    wrapper.push(trace_file.into());
    let out = under("strace", &wrapper, cmd)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run strace (the test command installs it)");
    let text = std::fs::read_to_string(trace_file).unwrap();
    let ops = parse(&text, roots);
    let roots = roots.to_vec();
    (
        out,
        Recording {
            roots,
            initial,
            ops,
        },
    )
}

impl Recording {
    /// How many calls the run made below the roots.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The distinct states a crash right after the first `k` calls could
    /// leave, each with a label saying how it came about: the process died
    /// (everything kept), the power failed (only what was durable kept),
    /// folder entries kept without their unsynced bytes, bytes kept without
    /// their unsynced entries, and the durable state plus each combination
    /// of unsynced entries (every one while there are at most four, else
    /// each alone).
    pub fn states_at(&self, k: usize) -> Vec<(String, Image)> {
        let mut r = Replay::new(&self.initial);
        for op in &self.ops[..k] {
            r.apply(op);
        }
        let synced = |n: usize| r.dir_ops[n].waiting.is_empty();
        let pending: Vec<usize> = (0..r.dir_ops.len()).filter(|n| !synced(*n)).collect();
        let roots = &self.roots;
        let mut out = vec![
            ("process died".to_string(), r.image(roots, |_| true, false)),
            ("power cut".to_string(), r.image(roots, synced, true)),
            (
                "entries kept, bytes lost".to_string(),
                r.image(roots, |_| true, true),
            ),
            (
                "bytes kept, entries lost".to_string(),
                r.image(roots, synced, false),
            ),
        ];
        let subsets: Vec<Vec<usize>> = if pending.len() <= 4 {
            (1..(1usize << pending.len()) - 1)
                .map(|m| {
                    (0..pending.len())
                        .filter(|b| m & (1 << b) != 0)
                        .map(|b| pending[b])
                        .collect()
                })
                .collect()
        } else {
            pending.iter().map(|p| vec![*p]).collect()
        };
        for s in subsets {
            let label = format!("power cut, unsynced entries {s:?} kept");
            out.push((label, r.image(roots, |n| synced(n) || s.contains(&n), true)));
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|(_, img)| seen.insert(img.digest()));
        out
    }
}

/// `cmd` (its program, arguments, environment and folder) run by `program
/// args... --`: a tracer, a resource limit. Only what `cmd` set explicitly
/// is carried over, as the tests' commands clear their environment.
pub fn under(program: &str, args: &[std::ffi::OsString], cmd: &Command) -> Command {
    let mut w = Command::new(program);
    w.args(args)
        .arg("--")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    if let Some(d) = cmd.get_current_dir() {
        w.current_dir(d);
    }
    w
}

/// A folder entry change and the folders whose `fsync` it still waits for.
struct DirOp {
    op: Op,
    waiting: BTreeSet<PathBuf>,
}

struct Inode {
    live: Vec<u8>,
    durable: Vec<u8>,
}

/// The world after the first k calls.
struct Replay {
    inodes: Vec<Inode>,
    dirs: BTreeSet<PathBuf>,
    files: BTreeMap<PathBuf, usize>,
    dir_ops: Vec<DirOp>,
    initial_dirs: BTreeSet<PathBuf>,
    initial_files: BTreeMap<PathBuf, usize>,
}

fn parent(p: &Path) -> PathBuf {
    p.parent().unwrap_or(Path::new("/")).to_path_buf()
}

impl Replay {
    fn new(img: &Image) -> Replay {
        let mut inodes = Vec::new();
        let mut files = BTreeMap::new();
        for (p, d) in &img.files {
            files.insert(p.clone(), inodes.len());
            inodes.push(Inode {
                live: d.clone(),
                durable: d.clone(),
            });
        }
        Replay {
            inodes,
            dirs: img.dirs.clone(),
            initial_dirs: img.dirs.clone(),
            initial_files: files.clone(),
            files,
            dir_ops: Vec::new(),
        }
    }

    fn entry(&mut self, op: Op, parents: &[&Path]) {
        let waiting = parents.iter().map(|p| parent(p)).collect();
        self.dir_ops.push(DirOp { op, waiting });
    }

    fn new_file(&mut self, p: &Path) {
        let ino = self.inodes.len();
        self.inodes.push(Inode {
            live: Vec::new(),
            durable: Vec::new(),
        });
        self.files.insert(p.to_path_buf(), ino);
        // The entry names its inode: a later link shares it.
        self.entry(Op::Link(PathBuf::from(format!("#{ino}")), p.into()), &[p]);
    }

    fn ino(&self, p: &Path) -> usize {
        *self
            .files
            .get(p)
            .unwrap_or_else(|| panic!("{p:?} is written but the model never saw it created"))
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Create(p) if !self.files.contains_key(p) => self.new_file(p),
            Op::Create(_) => {}
            Op::Truncate(p, len) => {
                if !self.files.contains_key(p) {
                    self.new_file(p);
                }
                let i = self.ino(p);
                self.inodes[i].live.truncate(*len as usize);
            }
            Op::Write(p, off, d) => {
                let i = self.ino(p);
                let f = &mut self.inodes[i].live;
                let at = off.map_or(f.len(), |o| o as usize);
                if f.len() < at + d.len() {
                    f.resize(at + d.len(), 0);
                }
                f[at..at + d.len()].copy_from_slice(d);
            }
            Op::Fsync(p) if self.dirs.contains(p) => {
                for o in &mut self.dir_ops {
                    o.waiting.remove(p);
                }
            }
            Op::Fsync(p) => {
                let i = self.ino(p);
                self.inodes[i].durable = self.inodes[i].live.clone();
            }
            Op::SyncAll => {
                self.dir_ops.iter_mut().for_each(|o| o.waiting.clear());
                self.inodes
                    .iter_mut()
                    .for_each(|n| n.durable = n.live.clone());
            }
            Op::Link(a, b) => {
                let i = self.ino(a);
                self.files.insert(b.clone(), i);
                self.entry(Op::Link(PathBuf::from(format!("#{i}")), b.clone()), &[b]);
            }
            Op::Rename(a, b) => {
                assert!(!self.dirs.contains(a), "renaming a folder is not modelled");
                let i = self.ino(a);
                self.files.remove(a);
                self.files.insert(b.clone(), i);
                self.entry(op.clone(), &[a, b]);
            }
            Op::Unlink(p) => {
                self.files.remove(p);
                self.entry(op.clone(), &[p]);
            }
            Op::Mkdir(p) => {
                self.dirs.insert(p.clone());
                self.entry(op.clone(), &[p]);
            }
            Op::Rmdir(p) => {
                self.dirs.remove(p);
                self.entry(op.clone(), &[p]);
            }
        }
    }

    /// The image when the folder changes `keep` selects survived, with
    /// each file's durable or last-written bytes.
    fn image(&self, roots: &[PathBuf], keep: impl Fn(usize) -> bool, durable: bool) -> Image {
        let outside = |p: &Path| !roots.iter().any(|r| p.starts_with(r));
        let mut dirs = self.initial_dirs.clone();
        let mut files = self.initial_files.clone();
        for (_, o) in self.dir_ops.iter().enumerate().filter(|(n, _)| keep(*n)) {
            let there =
                |d: &BTreeSet<PathBuf>, p: &Path| outside(&parent(p)) || d.contains(&parent(p));
            match &o.op {
                Op::Link(ino, b) if there(&dirs, b) => {
                    let i = ino.to_str().unwrap()[1..].parse().unwrap();
                    files.insert(b.clone(), i);
                }
                Op::Rename(a, b) if there(&dirs, b) => {
                    if let Some(i) = files.remove(a) {
                        files.insert(b.clone(), i);
                    }
                }
                Op::Unlink(p) => {
                    files.remove(p);
                }
                Op::Mkdir(p) if there(&dirs, p) => {
                    dirs.insert(p.clone());
                }
                Op::Rmdir(p) if !files.keys().any(|f| f.starts_with(p)) => {
                    dirs.remove(p);
                }
                _ => {}
            }
        }
        // An entry below a folder that did not survive did not either.
        files.retain(|p, _| outside(&parent(p)) || dirs.contains(&parent(p)));
        let bytes = |i: usize| {
            let n = &self.inodes[i];
            if durable {
                n.durable.clone()
            } else {
                n.live.clone()
            }
        };
        Image {
            files: files.into_iter().map(|(p, i)| (p, bytes(i))).collect(),
            dirs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recording(ops: Vec<Op>) -> Recording {
        let mut initial = Image::default();
        initial.dirs.insert("/r".into());
        initial.files.insert("/r/old".into(), b"old".to_vec());
        Recording {
            roots: vec!["/r".into()],
            initial,
            ops,
        }
    }

    fn all_states(r: &Recording) -> Vec<Image> {
        (0..=r.len())
            .flat_map(|k| r.states_at(k))
            .map(|(_, i)| i)
            .collect()
    }

    fn w(p: &str, d: &[u8]) -> Op {
        Op::Write(p.into(), None, d.to_vec())
    }

    #[test]
    fn a_rename_before_fsync_can_leave_an_empty_file() {
        // The classic: new bytes renamed over the old file, never synced.
        let r = recording(vec![
            Op::Create("/r/tmp".into()),
            w("/r/tmp", b"new"),
            Op::Rename("/r/tmp".into(), "/r/old".into()),
            Op::Fsync("/r".into()),
        ]);
        let states = all_states(&r);
        assert!(states
            .iter()
            .any(|i| i.files.get(Path::new("/r/old")) == Some(&vec![])));
    }

    #[test]
    fn write_fsync_rename_fsync_leaves_old_or_new_and_nothing_else() {
        let r = recording(vec![
            Op::Create("/r/tmp".into()),
            w("/r/tmp", b"new"),
            Op::Fsync("/r/tmp".into()),
            Op::Rename("/r/tmp".into(), "/r/old".into()),
            Op::Fsync("/r".into()),
        ]);
        for i in all_states(&r) {
            let old = &i.files[Path::new("/r/old")];
            assert!(old == b"old" || old == b"new", "{i:?}");
        }
    }

    #[test]
    fn unsynced_entries_survive_in_any_order() {
        // Two objects published without a folder fsync between them: a
        // crash may keep the second without the first.
        let r = recording(vec![Op::Create("/r/a".into()), Op::Create("/r/b".into())]);
        let states = r.states_at(2);
        let only_b = states.iter().any(|(_, i)| {
            i.files.contains_key(Path::new("/r/b")) && !i.files.contains_key(Path::new("/r/a"))
        });
        assert!(
            only_b,
            "{:?}",
            states.iter().map(|s| &s.0).collect::<Vec<_>>()
        );
    }

    #[test]
    fn an_entry_below_a_lost_folder_is_lost() {
        let r = recording(vec![
            Op::Mkdir("/r/d".into()),
            Op::Create("/r/d/f".into()),
            Op::Fsync("/r/d".into()),
        ]);
        for (label, i) in r.states_at(3) {
            let f = i.files.contains_key(Path::new("/r/d/f"));
            assert!(!f || i.dirs.contains(Path::new("/r/d")), "{label}: {i:?}");
        }
    }
}
