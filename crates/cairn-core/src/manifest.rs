//! The `Manifest`: a snapshot's files as a flat, human-checkable list, derived
//! by walking its trees. The `sha256sum` form lets any machine check a restored
//! copy with coreutils alone (`sha256sum -c`, run inside the restore target).

use crate::error::Result;
use crate::ids::BlobId;
use crate::repo::Repository;
use crate::tree::{Node, NodeType};
use serde::Serialize;

/// One manifest line.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestEntry {
    /// Path relative to the snapshot root, `/`-separated (lossy for non-UTF-8 names).
    pub path: String,
    /// Raw path bytes.
    #[serde(skip)]
    pub raw_path: Vec<u8>,
    /// Entry type.
    #[serde(rename = "type")]
    pub kind: NodeType,
    /// Size in bytes (files).
    pub size: u64,
    /// Permission bits.
    pub mode: u32,
    /// Modification time, ns since the epoch.
    pub mtime_ns: i64,
    /// SHA-256 of the content (files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Link target (symlinks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// Walks the tree depth-first in name order, calling `f` for every entry.
pub fn walk(
    repo: &Repository,
    root: &BlobId,
    f: &mut dyn FnMut(&[u8], &Node) -> Result<()>,
) -> Result<()> {
    walk_inner(repo, root, &mut Vec::new(), f, 0)
}

/// Deeper nesting than this is refused: a hostile repository could otherwise
/// build a cycle-free but absurdly deep tree to exhaust the stack.
pub const MAX_DEPTH: usize = 1024;

fn walk_inner(
    repo: &Repository,
    id: &BlobId,
    prefix: &mut Vec<u8>,
    f: &mut dyn FnMut(&[u8], &Node) -> Result<()>,
    depth: usize,
) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(crate::Error::corrupt(
            "tree nesting is deeper than any real directory tree",
        ));
    }
    let tree = repo.load_tree(id)?;
    for n in &tree.nodes {
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(&n.name.0);
        f(prefix, n)?;
        if let (NodeType::Dir, Some(sub)) = (n.kind, n.subtree) {
            walk_inner(repo, &sub, prefix, f, depth + 1)?;
        }
        prefix.truncate(len);
    }
    Ok(())
}

/// The manifest of the tree `root`.
pub fn manifest(repo: &Repository, root: &BlobId) -> Result<Vec<ManifestEntry>> {
    let mut out = Vec::new();
    walk(repo, root, &mut |path, n| {
        out.push(ManifestEntry {
            path: String::from_utf8_lossy(path).into_owned(),
            raw_path: path.to_vec(),
            kind: n.kind,
            size: n.size,
            mode: n.mode,
            mtime_ns: n.mtime_ns,
            sha256: n.sha256.clone(),
            target: n.target.as_ref().map(|t| t.display()),
        });
        Ok(())
    })?;
    Ok(out)
}

/// One `sha256sum` line for a file, escaped as coreutils does for names with
/// a backslash or newline (the line then starts with `\`).
pub fn sha256sum_line(sha: &str, path: &[u8]) -> Vec<u8> {
    let needs = path.iter().any(|&b| b == b'\\' || b == b'\n' || b == b'\r');
    let mut line = Vec::with_capacity(path.len() + 70);
    if needs {
        line.push(b'\\');
    }
    line.extend_from_slice(sha.as_bytes());
    line.extend_from_slice(b"  ");
    for &b in path {
        match (needs, b) {
            (true, b'\\') => line.extend_from_slice(b"\\\\"),
            (true, b'\n') => line.extend_from_slice(b"\\n"),
            (true, b'\r') => line.extend_from_slice(b"\\r"),
            _ => line.push(b),
        }
    }
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_coreutils() {
        assert_eq!(sha256sum_line("ab", b"x y"), b"ab  x y\n");
        assert_eq!(sha256sum_line("ab", b"a\nb\\c"), b"\\ab  a\\nb\\\\c\n");
    }
}
