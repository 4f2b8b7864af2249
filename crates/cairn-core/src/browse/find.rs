//! `find`: the entries matching a pattern in many snapshots' trees.
//!
//! Snapshots of the same data share most subtrees, so the walk remembers,
//! per subtree id and path, the range of what it found below. When the
//! next snapshot reaches the same subtree at the same path, the range is
//! copied, and the subtree is not read again: each distinct (tree, path) is
//! walked once, however many snapshots hold it. The path is part of the key
//! because a pattern can match on it (`docs/*.md`), and a moved directory
//! keeps its id.

use super::{child_path, Entry};
use crate::error::{Error, Result};
use crate::ids::BlobId;
use crate::manifest::{Repeats, MAX_DEPTH};
use crate::tree::{Node, TreeSource};
use globset::{GlobBuilder, GlobMatcher};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::ops::Range;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// What `find` looks for.
#[derive(Debug, Clone)]
pub struct Pattern {
    glob: GlobMatcher,
    /// True when the pattern has a `/`: it matches the path from the root;
    /// otherwise the name, at any depth (as `find -name` does).
    whole_path: bool,
    /// Only entries modified after this (ns since the epoch).
    newer_ns: Option<i64>,
}

impl Pattern {
    /// A glob (`*` stays within one name, `**` crosses directories);
    /// with `newer`, only entries modified after it.
    pub fn new(glob: &str, newer: Option<time::OffsetDateTime>) -> Result<Self> {
        let p = glob.trim_start_matches('/');
        let g = GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                Error::invalid(format!(
                    "pattern {:?} is malformed: {e}",
                    crate::escape::one_line(glob)
                ))
            })?;
        Ok(Pattern {
            glob: g.compile_matcher(),
            whole_path: p.contains('/'),
            newer_ns: newer.map(|t| i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX)),
        })
    }

    fn matches(&self, path: &[u8], n: &Node) -> bool {
        let subject = if self.whole_path { path } else { &n.name.0 };
        self.newer_ns.is_none_or(|t| n.mtime_ns > t)
            && self.glob.is_match(Path::new(OsStr::from_bytes(subject)))
    }
}

/// For each root tree in `roots`, the entries below it that match `pat`,
/// in path order. Holds every snapshot's matches at once: for many
/// matches, [`find_each`] hands them over one snapshot at a time.
pub fn find(src: &dyn TreeSource, roots: &[BlobId], pat: &Pattern) -> Result<Vec<Vec<Entry>>> {
    let mut out = Vec::with_capacity(roots.len());
    find_each(src, roots, pat, |_, hits| {
        out.push(hits.cloned().collect());
        Ok(())
    })?;
    Ok(out)
}

/// [`find`], calling `each(i, matches)` for root `i` as soon as its walk
/// ends, in order. The matches are borrowed: what stays in memory is each
/// distinct matching entry once (shared subtrees are walked once) and one
/// index per match, never a copy of every snapshot's entries, so a search
/// with a million matches across many snapshots stays small.
pub fn find_each(
    src: &dyn TreeSource,
    roots: &[BlobId],
    pat: &Pattern,
    mut each: impl FnMut(usize, &mut dyn Iterator<Item = &Entry>) -> Result<()>,
) -> Result<()> {
    let mut f = Finder {
        src,
        pat,
        found: Vec::new(),
        hits: Vec::new(),
        memo: HashMap::new(),
        repeats: Repeats::default(),
    };
    for (i, root) in roots.iter().enumerate() {
        let start = f.hits.len();
        f.below(root, Vec::new())?;
        let found = &f.found;
        each(i, &mut f.hits[start..].iter().map(|&h| &found[h]))?;
    }
    Ok(())
}

struct Frame {
    id: BlobId,
    nodes: Vec<Node>,
    next: usize,
    /// The path's length before this directory's name.
    len: usize,
    /// Where this directory's hits start.
    start: usize,
    repeat: bool,
}

struct Finder<'a> {
    src: &'a dyn TreeSource,
    pat: &'a Pattern,
    /// Every matching entry, once.
    found: Vec<Entry>,
    /// Indices into `found`; each directory's hits are one range of it.
    hits: Vec<usize>,
    /// (subtree, its path) -> the range of `hits` below it.
    memo: HashMap<(BlobId, Vec<u8>), Range<usize>>,
    repeats: Repeats,
}

impl Finder<'_> {
    /// Appends to `hits` what matches below the tree `id` at `path`.
    /// An explicit stack: the depth is the repository's to choose.
    fn below(&mut self, id: &BlobId, path: Vec<u8>) -> Result<()> {
        if self.reuse(id, &path) {
            return Ok(());
        }
        let mut prefix = path;
        let mut stack = vec![self.frame(id, 0)?];
        while let Some(f) = stack.last_mut() {
            let Some(n) = f.nodes.get(f.next) else {
                if let Some(done) = stack.pop() {
                    let range = done.start..self.hits.len();
                    self.memo.insert((done.id, prefix.clone()), range);
                    prefix.truncate(done.len);
                    self.repeats.leave(done.repeat);
                }
                continue;
            };
            f.next += 1;
            let len = prefix.len();
            prefix = child_path(&prefix, &n.name.0);
            self.repeats.entry()?;
            if self.pat.matches(&prefix, n) {
                self.found.push(Entry::new(&prefix, n));
                self.hits.push(self.found.len() - 1);
            }
            if let Some(sub) = n.subtree {
                if stack.len() > MAX_DEPTH {
                    tracing::warn!(
                        path = %String::from_utf8_lossy(&prefix),
                        "directory nested deeper than {MAX_DEPTH} levels not searched"
                    );
                } else if !self.reuse(&sub, &prefix) {
                    stack.push(self.frame(&sub, len)?);
                    continue;
                }
            }
            prefix.truncate(len);
        }
        Ok(())
    }

    fn frame(&mut self, id: &BlobId, len: usize) -> Result<Frame> {
        let repeat = self.repeats.enter(id);
        Ok(Frame {
            id: *id,
            nodes: self.src.tree(id)?.nodes,
            next: 0,
            len,
            start: self.hits.len(),
            repeat,
        })
    }

    /// Copies the hits remembered for `id` at `path`, if any.
    fn reuse(&mut self, id: &BlobId, path: &[u8]) -> bool {
        match self.memo.get(&(*id, path.to_vec())) {
            Some(r) => {
                let r = r.clone();
                self.hits.extend_from_within(r);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::tree::Tree;

    fn names(v: &[Entry]) -> Vec<String> {
        v.iter().map(|e| e.path.display()).collect()
    }

    #[test]
    fn names_match_at_any_depth_and_paths_from_the_root() {
        let mut t = Trees::default();
        let sub = t.put(vec![file("a.txt", b"1"), file("b.md", b"2")]);
        let root = t.put(vec![dir("docs", sub), file("c.txt", b"3")]);
        let run = |p: &str| find(&t.0, &[root], &Pattern::new(p, None).unwrap()).unwrap();
        assert_eq!(names(&run("*.txt")[0]), ["c.txt", "docs/a.txt"]);
        assert_eq!(names(&run("/docs/*")[0]), ["docs/a.txt", "docs/b.md"]);
        assert_eq!(names(&run("*/*.md")[0]), ["docs/b.md"]);
        assert_eq!(names(&run("**/a.txt")[0]), ["docs/a.txt"]);
        assert!(run("nothing")[0].is_empty());
        assert!(Pattern::new("[", None).is_err());
    }

    #[test]
    fn newer_keeps_entries_modified_after_the_time() {
        let mut t = Trees::default();
        let mut old = file("old.txt", b"1");
        old.mtime_ns = 1_000_000_000;
        let mut new = file("new.txt", b"2");
        new.mtime_ns = 3_000_000_000;
        let root = t.put(vec![old, new]);
        let at = time::OffsetDateTime::from_unix_timestamp(2).unwrap();
        let hits = find(&t.0, &[root], &Pattern::new("*.txt", Some(at)).unwrap()).unwrap();
        assert_eq!(names(&hits[0]), ["new.txt"]);
    }

    /// A source that counts tree loads.
    struct Counting(HashMap<BlobId, Tree>, std::cell::Cell<usize>);
    impl TreeSource for Counting {
        fn tree(&self, id: &BlobId) -> Result<Tree> {
            self.1.set(self.1.get() + 1);
            self.0.tree(id)
        }
    }

    #[test]
    fn each_distinct_tree_at_a_path_is_read_once() {
        let mut t = Trees::default();
        let shared = t.put(vec![file("x.txt", b"same")]);
        let one = t.put(vec![dir("d", shared), file("y.txt", b"1")]);
        let two = t.put(vec![dir("d", shared), file("y.txt", b"2")]);
        let moved = t.put(vec![dir("e", shared)]);
        let src = Counting(t.0, Default::default());
        let pat = Pattern::new("*.txt", None).unwrap();
        let hits = find(&src, &[one, two, one, moved], &pat).unwrap();
        assert_eq!(names(&hits[0]), ["d/x.txt", "y.txt"]);
        assert_eq!(names(&hits[1]), ["d/x.txt", "y.txt"]);
        assert_ne!(hits[0][1].sha256, hits[1][1].sha256);
        assert_eq!(hits[2], hits[0]);
        assert_eq!(names(&hits[3]), ["e/x.txt"]);
        // one, shared, two, moved, shared again at its new path.
        assert_eq!(src.1.get(), 5);
    }

    #[test]
    fn a_tree_deeper_than_the_limit_is_searched_without_recursion() {
        let mut t = Trees::default();
        let root = chain(&mut t, MAX_DEPTH + 1, file("deep", b"!"));
        let n = on_small_stack(move || {
            let pat = Pattern::new("d", None).unwrap();
            find(&t.0, &[root], &pat).map(|v| v[0].len())
        })
        .unwrap();
        assert_eq!(n, MAX_DEPTH + 1);
    }
}
