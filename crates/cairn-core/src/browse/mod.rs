//! Getting at a snapshot's data without restoring it: list a directory
//! ([`ls`]), stream one file ([`cat`]), compare two snapshots ([`diff`]),
//! find which snapshots hold a path ([`find`]), and the whole repository
//! as a read-only file system ([`view`], over the [`layout`] of snapshots
//! by id, time, host and tag; file content through [`read`]).
//!
//! The design decision is that everything but `cat` reads **trees only**.
//! Trees carry each file's size, mode, owner, mtime and whole-content
//! SHA-256, so listing, comparing and searching never need a data pack;
//! they take a [`TreeSource`], which cannot read file content, so that is
//! checked by the compiler rather than promised. Trees are content-addressed,
//! which gives the two other tricks: `diff` skips a subtree whose id is the
//! same on both sides without loading it, and `find` remembers, per subtree
//! and path, what it found, so a hundred snapshots of a mostly unchanged
//! tree cost about one walk.
//!
//! The repository is hostile input here as everywhere: every walk is an
//! explicit stack (depth is the repository's to choose), stops descending
//! at [`MAX_DEPTH`], and counts repeated subtrees against
//! [`crate::manifest::Repeats`]. Names are raw bytes; front ends escape
//! them ([`crate::escape::one_line`]) before a terminal sees them.

pub mod cat;
pub mod diff;
pub mod find;
pub mod layout;
pub mod ls;
pub mod read;
pub mod view;

use crate::error::{Error, ErrorKind, Result};
use crate::ids::BlobId;
use crate::manifest::MAX_DEPTH;
use crate::tree::{Name, Node, NodeType, TreeSource};
use serde::Serialize;

/// One entry as listings show it: what the tree says, without content ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Entry {
    /// Path from the snapshot's root, `/`-separated (JSON: a string, or
    /// `{"hex": ...}` when the bytes are not UTF-8).
    pub path: Name,
    /// What it is.
    #[serde(rename = "type")]
    pub kind: NodeType,
    /// Size in bytes (files).
    pub size: u64,
    /// Permission bits.
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Modification time, RFC 3339 UTC.
    pub mtime: String,
    /// SHA-256 of the content (files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Link target (symlinks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Name>,
}

impl Entry {
    /// The entry for `node` found at `path`.
    pub fn new(path: &[u8], node: &Node) -> Self {
        Entry {
            path: Name(path.to_vec()),
            kind: node.kind,
            size: node.size,
            mode: node.mode,
            uid: node.uid,
            gid: node.gid,
            mtime: mtime(node.mtime_ns),
            sha256: node.sha256.clone(),
            target: node.target.clone(),
        }
    }
}

/// Nanoseconds since the epoch as RFC 3339 UTC (a stored time out of range
/// shows as its number, never as an error).
pub fn mtime(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .map(crate::clock::rfc3339)
        .unwrap_or_else(|_| ns.to_string())
}

/// Where a path of a snapshot leads.
#[derive(Debug, Clone)]
pub struct Located {
    /// The path's bytes, normalised (no leading, trailing or doubled `/`).
    pub path: Vec<u8>,
    /// The node at the path; `None` for the snapshot's root.
    pub node: Option<Node>,
}

impl Located {
    /// The directory tree to list, if the path is a directory.
    pub fn dir(&self, root: &BlobId) -> Option<BlobId> {
        match &self.node {
            None => Some(*root),
            Some(n) if n.kind == NodeType::Dir => n.subtree,
            Some(_) => None,
        }
    }
}

/// The components of a snapshot path: `/`-separated, empty and `.` parts
/// ignored. `..` is refused rather than resolved: a snapshot path names a
/// place in a tree, and silently climbing would make `a/../b` mean `b`.
pub fn components(path: &str) -> Result<Vec<&[u8]>> {
    let mut out = Vec::new();
    for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." {
            return Err(Error::invalid(format!(
                "path {:?} climbs with `..`; snapshot paths start at the snapshot's root",
                crate::escape::one_line(path)
            )));
        }
        out.push(part.as_bytes());
    }
    Ok(out)
}

/// Follows `path` from the tree `root`, reading one tree per component.
pub fn locate(src: &dyn TreeSource, root: &BlobId, path: &str) -> Result<Located> {
    let parts = components(path)?;
    if parts.len() > MAX_DEPTH {
        return Err(Error::invalid(format!(
            "path has {} components, more than the {MAX_DEPTH} any snapshot holds",
            parts.len()
        )));
    }
    let mut tree_id = *root;
    let mut node: Option<Node> = None;
    for (i, part) in parts.iter().enumerate() {
        let tree = src.tree(&tree_id)?;
        let found = tree
            .nodes
            .binary_search_by(|n| n.name.0.as_slice().cmp(part))
            .ok()
            .and_then(|at| tree.nodes.into_iter().nth(at));
        let shown = || {
            crate::escape::one_line(&String::from_utf8_lossy(&parts[..=i].join(&b'/'))).into_owned()
        };
        let Some(n) = found else {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("{} is not in the snapshot", shown()),
            )
            .hint("list the directory above it to see its entries"));
        };
        if i + 1 < parts.len() {
            match (n.kind, n.subtree) {
                (NodeType::Dir, Some(sub)) => tree_id = sub,
                _ => {
                    return Err(Error::new(
                        ErrorKind::NotFound,
                        format!("{} is not a directory in the snapshot", shown()),
                    ))
                }
            }
        }
        node = Some(n);
    }
    Ok(Located {
        path: parts.join(&b'/'),
        node,
    })
}

/// `prefix/name`, or `name` at the root.
pub(crate) fn child_path(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(prefix.len() + name.len() + 1);
    p.extend_from_slice(prefix);
    if !prefix.is_empty() {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

#[cfg(test)]
pub(crate) mod testing {
    //! Trees built in memory, ids from their encoding: what the browse
    //! tests read instead of a repository.
    use crate::ids::BlobId;
    use crate::tree::{Node, NodeType, Tree};
    use std::collections::HashMap;

    /// A map of trees, filled by the builders below.
    #[derive(Default)]
    pub struct Trees(pub HashMap<BlobId, Tree>);

    impl Trees {
        /// Stores a tree (nodes sorted here) and returns its id.
        pub fn put(&mut self, nodes: Vec<Node>) -> BlobId {
            let mut t = Tree { nodes };
            t.sort();
            let id = BlobId(*blake3::hash(&t.encode()).as_bytes());
            self.0.insert(id, t);
            id
        }
    }

    /// A snapshot of the tree `root` taken at `time` on `host` with `tags`.
    pub fn meta(
        time: &str,
        host: &str,
        tags: &[&str],
        root: BlobId,
    ) -> crate::snapshot::SnapshotMeta {
        crate::snapshot::SnapshotMeta {
            version: 1,
            time: time.into(),
            spec: None,
            host: host.into(),
            paths: vec!["/src".into()],
            tags: tags.iter().map(|t| t.to_string()).collect(),
            parent: None,
            tree: root,
            incomplete: false,
            errors: vec![],
            stats: crate::snapshot::SnapshotStats::default(),
            program: "test".into(),
        }
    }

    /// A file node with `content` described (not stored: trees only).
    pub fn file(name: &str, content: &[u8]) -> Node {
        use sha2::Digest;
        let mut n = Node::bare(name.as_bytes(), NodeType::File, 0o644);
        n.size = content.len() as u64;
        n.sha256 = Some(hex::encode(sha2::Sha256::digest(content)));
        n
    }

    /// A directory node pointing at `sub`.
    pub fn dir(name: &str, sub: BlobId) -> Node {
        let mut n = Node::bare(name.as_bytes(), NodeType::Dir, 0o755);
        n.subtree = Some(sub);
        n
    }

    /// `f`'s result, computed on a thread with a 128 KiB stack: a walk
    /// that recursed once per level would overflow it long before 1,025.
    pub fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    /// A chain of `depth` directories named `d`, with `leaf` at the bottom;
    /// returns the root tree.
    pub fn chain(t: &mut Trees, depth: usize, leaf: Node) -> BlobId {
        let mut id = t.put(vec![leaf]);
        for _ in 0..depth {
            id = t.put(vec![dir("d", id)]);
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn locate_follows_paths_and_names_what_is_missing() {
        let mut t = Trees::default();
        let docs = t.put(vec![file("a.md", b"a")]);
        let root = t.put(vec![dir("docs", docs), file("x", b"xx")]);
        assert!(locate(&t.0, &root, "/").unwrap().node.is_none());
        let l = locate(&t.0, &root, "/docs//a.md/").unwrap();
        assert_eq!(l.path, b"docs/a.md");
        assert_eq!(l.node.unwrap().size, 1);
        assert_eq!(
            locate(&t.0, &root, "./docs").unwrap().dir(&root),
            Some(docs)
        );
        let e = locate(&t.0, &root, "docs/b.md").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(
            e.to_string().contains("docs/b.md is not in the snapshot"),
            "{e}"
        );
        let e = locate(&t.0, &root, "x/y").unwrap_err();
        assert!(e.to_string().contains("x is not a directory"), "{e}");
        assert_eq!(
            locate(&t.0, &root, "docs/../x").unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        // A hostile name in the message stays one inert line.
        let e = locate(&t.0, &root, "no\nsuch\u{1b}[2J").unwrap_err();
        assert!(!e.to_string().contains('\n'), "{e}");
    }

    #[test]
    fn mtime_is_rfc3339_and_never_fails() {
        assert_eq!(mtime(1_500_000_000), "1970-01-01T00:00:01.5Z");
        assert!(
            mtime(i64::MIN).starts_with("1677-09-21T"),
            "{}",
            mtime(i64::MIN)
        );
    }
}
