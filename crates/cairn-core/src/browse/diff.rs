//! `diff`: what changed between two snapshots, from their trees.
//!
//! Both trees are walked side by side, merging each directory's sorted
//! names. A subtree with the same id on both sides holds the same entries
//! (ids are keyed hashes of the encoded tree), so it is skipped without
//! being read: comparing two snapshots of a mostly unchanged tree reads only
//! the directories on the paths to what changed.

use super::{child_path, locate};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::BlobId;
use crate::manifest::{Repeats, MAX_DEPTH};
use crate::tree::{Name, Node, NodeType, TreeSource};
use serde::Serialize;

/// How an entry differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the second snapshot.
    Added,
    /// Only in the first.
    Removed,
    /// In both, with a difference in [`Aspect`]s.
    Modified,
}

/// What differs about an entry in both snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aspect {
    /// File, directory, symlink, ... (nothing else is compared then).
    Type,
    /// A file's size or SHA-256, a symlink's target or a device's number.
    Content,
    /// Permission bits.
    Mode,
    /// Owner or group.
    Owner,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// Path from the snapshot's root.
    pub path: Name,
    /// Added, removed or modified.
    pub change: Change,
    /// For a modified entry: what differs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub what: Vec<Aspect>,
    /// The entry's type (the second snapshot's, unless removed).
    #[serde(rename = "type")]
    pub kind: NodeType,
    /// Size in the second snapshot (the first's, when removed).
    pub size: u64,
    /// For a modified entry: its size in the first snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_before: Option<u64>,
}

/// Counts and bytes of each kind of change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffTotals {
    /// Entries added.
    pub added: u64,
    /// Bytes of the files added.
    pub added_bytes: u64,
    /// Entries removed.
    pub removed: u64,
    /// Bytes of the files removed.
    pub removed_bytes: u64,
    /// Entries modified.
    pub modified: u64,
    /// Bytes of the modified files, before.
    pub modified_bytes_before: u64,
    /// Bytes of the modified files, after.
    pub modified_bytes_after: u64,
}

/// Every difference, in path order, and their totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// The differences.
    pub changes: Vec<Difference>,
    /// Their totals.
    pub totals: DiffTotals,
}

/// One side: where its trees come from, and its root tree.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    /// The trees (the same repository for both sides, or two).
    pub src: &'a dyn TreeSource,
    /// The snapshot's root tree.
    pub root: &'a BlobId,
}

/// The differences from `a` to `b` at `path` (`""`: everything).
pub fn diff(a: Side<'_>, b: Side<'_>, path: &str) -> Result<Diff> {
    let mut changes = Vec::new();
    let totals = diff_each(a, b, path, &mut |d| {
        changes.push(d);
        Ok(())
    })?;
    Ok(Diff { changes, totals })
}

/// As [`diff`], handing each difference to `each` as the walk finds it
/// (in path order) instead of holding them all, and returning their
/// totals: a front end writes them out, and comparing two snapshots of ten
/// million files that share nothing holds a tree per level of the walk.
pub fn diff_each(
    a: Side<'_>,
    b: Side<'_>,
    path: &str,
    each: &mut dyn FnMut(Difference) -> Result<()>,
) -> Result<DiffTotals> {
    let mut w = Walker {
        a: a.src,
        b: b.src,
        each,
        totals: DiffTotals::default(),
        repeats: Repeats::default(),
        prefix: Vec::new(),
        stack: Vec::new(),
    };
    if super::components(path)?.is_empty() {
        let (ta, tb) = (a.src.tree(a.root)?, b.src.tree(b.root)?);
        w.stack.push(Frame::new(ta.nodes, tb.nodes, 0, false));
    } else {
        // The entry at `path` on each side, as a one-entry directory whose
        // prefix is the path's parent: one loop handles both cases.
        let found = |s: Side<'_>| match locate(s.src, s.root, path) {
            Ok(l) => Ok((l.path, l.node)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok((Vec::new(), None)),
            Err(e) => Err(e),
        };
        let ((pa, na), (pb, nb)) = (found(a)?, found(b)?);
        let full = if na.is_some() { pa } else { pb };
        if na.is_none() && nb.is_none() {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "{} is in neither snapshot",
                    crate::escape::one_line(path.trim_matches('/'))
                ),
            )
            .hint("list the snapshots' directories to see their entries"));
        }
        let parent = full
            .iter()
            .rposition(|&c| c == b'/')
            .map_or(&full[..0], |at| &full[..at]);
        w.prefix = parent.to_vec();
        let one = |n: Option<Node>| n.into_iter().collect();
        w.stack
            .push(Frame::new(one(na), one(nb), parent.len(), false));
    }
    w.run()?;
    Ok(w.totals)
}

struct Frame {
    a: Vec<Node>,
    b: Vec<Node>,
    i: usize,
    j: usize,
    /// The prefix's length before this directory's name.
    len: usize,
    repeat: bool,
}

impl Frame {
    fn new(a: Vec<Node>, b: Vec<Node>, len: usize, repeat: bool) -> Self {
        Frame {
            a,
            b,
            i: 0,
            j: 0,
            len,
            repeat,
        }
    }
}

struct Walker<'a> {
    a: &'a dyn TreeSource,
    b: &'a dyn TreeSource,
    each: &'a mut dyn FnMut(Difference) -> Result<()>,
    totals: DiffTotals,
    repeats: Repeats,
    prefix: Vec<u8>,
    stack: Vec<Frame>,
}

impl Walker<'_> {
    /// An explicit stack, as in the manifest's walk: the depth is the
    /// repository's to choose.
    fn run(&mut self) -> Result<()> {
        while let Some(f) = self.stack.last_mut() {
            let (x, y) = match (f.a.get(f.i), f.b.get(f.j)) {
                (None, None) => {
                    if let Some(done) = self.stack.pop() {
                        self.prefix.truncate(done.len);
                        self.repeats.leave(done.repeat);
                    }
                    continue;
                }
                (Some(x), Some(y)) if x.name == y.name => (Some(x.clone()), Some(y.clone())),
                (Some(x), Some(y)) if x.name > y.name => (None, Some(y.clone())),
                (Some(x), _) => (Some(x.clone()), None),
                (None, Some(y)) => (None, Some(y.clone())),
            };
            f.i += usize::from(x.is_some());
            f.j += usize::from(y.is_some());
            let len = self.prefix.len();
            let name = x.as_ref().or(y.as_ref()).map(|n| n.name.0.clone());
            self.prefix = child_path(&self.prefix, &name.unwrap_or_default());
            self.repeats.entry()?;
            self.record(x.as_ref(), y.as_ref())?;
            let sub = |n: Option<&Node>| {
                n.filter(|n| n.kind == NodeType::Dir)
                    .and_then(|n| n.subtree)
            };
            let (sa, sb) = (sub(x.as_ref()), sub(y.as_ref()));
            if sa != sb && self.stack.len() <= MAX_DEPTH {
                let key = match (sa, sb) {
                    (Some(p), Some(q)) => BlobId(*blake3::hash(&[p.0, q.0].concat()).as_bytes()),
                    (p, q) => p.or(q).unwrap_or(BlobId([0; 32])),
                };
                let repeat = self.repeats.enter(&key);
                let load = |s: &dyn TreeSource, id: Option<BlobId>| {
                    id.map_or(Ok(Vec::new()), |id| s.tree(&id).map(|t| t.nodes))
                };
                let frame = Frame::new(load(self.a, sa)?, load(self.b, sb)?, len, repeat);
                self.stack.push(frame);
                continue;
            } else if sa != sb {
                tracing::warn!(
                    path = %String::from_utf8_lossy(&self.prefix),
                    "directory nested deeper than {MAX_DEPTH} levels not compared"
                );
            }
            self.prefix.truncate(len);
        }
        Ok(())
    }

    fn record(&mut self, x: Option<&Node>, y: Option<&Node>) -> Result<()> {
        let t = &mut self.totals;
        let (change, what, kind, size, before) = match (x, y) {
            (None, Some(n)) => {
                t.added += 1;
                t.added_bytes += n.size;
                (Change::Added, vec![], n.kind, n.size, None)
            }
            (Some(o), None) => {
                t.removed += 1;
                t.removed_bytes += o.size;
                (Change::Removed, vec![], o.kind, o.size, None)
            }
            (Some(o), Some(n)) => {
                let what = aspects(o, n);
                if what.is_empty() {
                    return Ok(());
                }
                t.modified += 1;
                t.modified_bytes_before += o.size;
                t.modified_bytes_after += n.size;
                (Change::Modified, what, n.kind, n.size, Some(o.size))
            }
            (None, None) => return Ok(()),
        };
        (self.each)(Difference {
            path: Name(self.prefix.clone()),
            change,
            what,
            kind,
            size,
            size_before: before,
        })
    }
}

/// What differs between two nodes of the same name. Times, inodes and link
/// counts are left out: they change on every copy and say nothing about
/// what a restore would bring back.
pub fn aspects(o: &Node, n: &Node) -> Vec<Aspect> {
    if o.kind != n.kind {
        return vec![Aspect::Type];
    }
    let mut v = Vec::new();
    let content = match n.kind {
        NodeType::File => o.sha256 != n.sha256 || o.size != n.size,
        NodeType::Symlink => o.target != n.target,
        NodeType::Chardev | NodeType::Blockdev => o.rdev != n.rdev,
        NodeType::Dir | NodeType::Fifo | NodeType::Socket => false,
    };
    if content {
        v.push(Aspect::Content);
    }
    if o.mode != n.mode {
        v.push(Aspect::Mode);
    }
    if (o.uid, o.gid) != (n.uid, n.gid) {
        v.push(Aspect::Owner);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use std::collections::HashMap;

    fn side<'a>(t: &'a HashMap<BlobId, crate::tree::Tree>, root: &'a BlobId) -> Side<'a> {
        Side { src: t, root }
    }

    fn lines(d: &Diff) -> Vec<String> {
        d.changes
            .iter()
            .map(|c| format!("{:?} {} {:?}", c.change, c.path.display(), c.what))
            .collect()
    }

    #[test]
    fn added_removed_and_modified_with_totals() {
        let mut t = Trees::default();
        let keep = t.put(vec![file("same", b"s")]);
        let old_sub = t.put(vec![file("gone", b"12345")]);
        let mut moded = file("m", b"x");
        let a = t.put(vec![
            dir("keep", keep),
            dir("old", old_sub),
            file("f", b"one"),
            moded.clone(),
            file("t", b"t"),
        ]);
        moded.mode = 0o600;
        moded.uid = 7;
        let new_sub = t.put(vec![file("n", b"1234567")]);
        let b = t.put(vec![
            dir("keep", keep),
            dir("new", new_sub),
            file("f", b"three"),
            moded,
            dir("t", keep),
        ]);
        let d = diff(side(&t.0, &a), side(&t.0, &b), "").unwrap();
        assert_eq!(
            lines(&d),
            [
                "Modified f [Content]",
                "Modified m [Mode, Owner]",
                "Added new []",
                "Added new/n []",
                "Removed old []",
                "Removed old/gone []",
                "Modified t [Type]",
                "Added t/same []",
            ]
        );
        let tot = &d.totals;
        assert_eq!((tot.added, tot.added_bytes), (3, 8));
        assert_eq!((tot.removed, tot.removed_bytes), (2, 5));
        assert_eq!(tot.modified, 3);
        assert_eq!(
            (tot.modified_bytes_before, tot.modified_bytes_after),
            (5, 6)
        );
        // Under a path; a path in one snapshot only; in neither.
        let d = diff(side(&t.0, &a), side(&t.0, &b), "new").unwrap();
        assert_eq!(lines(&d), ["Added new []", "Added new/n []"]);
        let d = diff(side(&t.0, &a), side(&t.0, &b), "/f").unwrap();
        assert_eq!(lines(&d), ["Modified f [Content]"]);
        let e = diff(side(&t.0, &a), side(&t.0, &b), "nope").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn identical_subtrees_are_never_read() {
        let mut t = Trees::default();
        let shared = t.put(vec![file("big", b"data")]);
        let a = t.put(vec![dir("shared", shared), file("x", b"1")]);
        let b = t.put(vec![dir("shared", shared), file("x", b"2")]);
        // Without the shared subtree the walk would fail to load it.
        t.0.remove(&shared);
        let d = diff(side(&t.0, &a), side(&t.0, &b), "").unwrap();
        assert_eq!(lines(&d), ["Modified x [Content]"]);
        assert_eq!(
            diff(side(&t.0, &a), side(&t.0, &a), "").unwrap(),
            Diff::default()
        );
    }

    #[test]
    fn a_tree_deeper_than_the_limit_is_compared_without_recursion() {
        let mut t = Trees::default();
        let a = chain(&mut t, MAX_DEPTH + 1, file("deep", b"1"));
        let b = chain(&mut t, MAX_DEPTH + 1, file("deep", b"2"));
        let n = on_small_stack(move || {
            diff(side(&t.0, &a), side(&t.0, &b), "").map(|d| d.changes.len())
        })
        .unwrap();
        // Every directory on the chain differs in nothing but its subtree;
        // below MAX_DEPTH nothing is entered, so the leaf is not reached.
        assert_eq!(n, 0);
    }
}
