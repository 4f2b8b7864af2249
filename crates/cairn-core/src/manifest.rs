//! The `Manifest`: a snapshot's files as a flat, human-checkable list, derived
//! by walking its trees. The `sha256sum` form lets any machine check a restored
//! copy with coreutils alone (`sha256sum -c`, run inside the restore target).

use crate::error::Result;
use crate::ids::BlobId;
use crate::place::Place;
use crate::repo::Repository;
use crate::tree::{Node, NodeType, TreeSource};
use serde::Serialize;
use std::sync::Arc;

/// One manifest line.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestEntry {
    /// Where it is below the snapshot root; in JSON its `/`-separated path
    /// (lossy for non-UTF-8 names). Entries share their folder's place, so
    /// a manifest holds names, not a whole path per entry (see [`Place`]).
    #[serde(rename = "path")]
    pub place: Place,
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

/// Entries a walk may reach through directory trees it already walked in the
/// same snapshot, beyond [`REPEATS_PER_ENTRY`] per entry reached the first
/// time. A writer never repeats a non-empty tree within a snapshot (tree
/// nodes carry inode numbers), except where a bind mount shows the same
/// directory twice; a hostile repository of a few hundred KiB can repeat one
/// tree a thousand times at each of three levels and claim a billion paths.
/// Readers refuse such a snapshot once repeats pass the budget, so their
/// memory and time are bounded by the distinct trees, not the claimed paths.
pub const MAX_REPEATED_ENTRIES: u64 = 100_000;
/// See [`MAX_REPEATED_ENTRIES`]: room for a few bind-mounted copies.
pub const REPEATS_PER_ENTRY: u64 = 4;

impl ManifestEntry {
    /// Path relative to the snapshot root, `/`-separated (lossy for non-UTF-8 names).
    pub fn path(&self) -> String {
        self.place.path()
    }

    /// Path relative to the snapshot root, as raw bytes.
    pub fn raw_path(&self) -> Vec<u8> {
        self.place.raw()
    }
}

/// The repeat budget of one walk (see [`MAX_REPEATED_ENTRIES`]).
#[derive(Default)]
pub struct Repeats {
    seen: std::collections::HashSet<BlobId>,
    inside: usize,
    first: u64,
    repeated: u64,
}

impl Repeats {
    /// Before walking subtree `id`: whether it is a repeat (pass it to [`Repeats::leave`]).
    pub fn enter(&mut self, id: &BlobId) -> bool {
        let repeat = !self.seen.insert(*id);
        self.inside += usize::from(repeat);
        repeat
    }

    /// After walking a subtree.
    pub fn leave(&mut self, repeat: bool) {
        self.inside -= usize::from(repeat);
    }

    /// One entry reached; an error once repeats have used up the budget.
    pub fn entry(&mut self) -> Result<()> {
        if self.inside == 0 {
            self.first += 1;
            return Ok(());
        }
        self.repeated += 1;
        if self.repeated > MAX_REPEATED_ENTRIES + REPEATS_PER_ENTRY.saturating_mul(self.first) {
            return Err(crate::Error::corrupt(format!(
                "the snapshot repeats directory trees for more than {MAX_REPEATED_ENTRIES} entries, as no backup writes; refusing to expand it"
            ))
            .hint("the repository holds a hostile or damaged snapshot: run verify, and restore another snapshot"));
        }
        Ok(())
    }
}

/// The directories a [`walk`] passed to its caller without entering them:
/// nested deeper than [`MAX_DEPTH`]. No writer makes one, so they are
/// damage; a reader that hands over a whole tree (manifest, `ls`, export)
/// finishes the rest and then fails with [`NotEntered::check`].
#[derive(Debug, Default)]
#[must_use = "a walk that skipped folders must say so"]
pub struct NotEntered {
    /// How many.
    pub count: usize,
    /// The path of the first, from the walk's root.
    pub first: Option<Vec<u8>>,
}

impl NotEntered {
    /// `Ok` when the walk entered every directory; otherwise a damage
    /// error naming the first one left out, and how many were.
    pub fn check(self) -> Result<()> {
        let Some(first) = self.first else {
            return Ok(());
        };
        Err(crate::Error::corrupt(format!(
            "{} folder(s) nested deeper than {MAX_DEPTH} levels were not entered, the first at {:?}; no backup writes such a folder",
            self.count,
            String::from_utf8_lossy(&first)
        ))
        .remedy(crate::Remedy::Verify { read_data: false }))
    }
}

/// Walks the tree depth-first in name order, calling `f` for every entry.
/// A directory nested deeper than [`MAX_DEPTH`] is passed to `f` but not
/// entered (no writer makes one; restore refuses it on its own), so one
/// such subtree never makes the rest of a snapshot unreadable; the walk
/// returns those it left out.
pub fn walk(
    repo: &dyn TreeSource,
    root: &BlobId,
    f: &mut dyn FnMut(&[u8], &Node) -> Result<()>,
) -> Result<NotEntered> {
    walk_below(repo, root, 0, f)
}

/// [`walk`] of a directory that is itself `depth` levels below the
/// snapshot's root, so the depth limit counts from the snapshot's root.
pub fn walk_below(
    repo: &dyn TreeSource,
    root: &BlobId,
    depth: usize,
    f: &mut dyn FnMut(&[u8], &Node) -> Result<()>,
) -> Result<NotEntered> {
    walk_placed(repo, root, depth, &mut |path, _, n| f(path, n))
}

/// What [`walk_placed`] calls per entry: its path, its folder's place (none
/// at the top) and its node.
pub type Step<'f> = dyn FnMut(&[u8], Option<&Arc<Place>>, &Node) -> Result<()> + 'f;

/// [`walk`], handing over each entry's folder as a shared [`Place`] too,
/// for a reader that keeps entries (their place costs a name, their path
/// up to 262 KB).
pub fn walk_placed(
    repo: &dyn TreeSource,
    root: &BlobId,
    depth: usize,
    f: &mut Step<'_>,
) -> Result<NotEntered> {
    let mut skipped = NotEntered::default();
    // An explicit stack of (tree, next entry, path length before its name,
    // repeat, the folder's place), not recursion: the depth is the
    // repository's to choose.
    let mut repeats = Repeats::default();
    let mut prefix: Vec<u8> = Vec::new();
    let mut stack = vec![(repo.tree(root)?, 0usize, 0usize, false, None)];
    while let Some((tree, next, _, _, dir)) = stack.last_mut() {
        let Some(n) = tree.nodes.get(*next) else {
            if let Some((_, _, len, repeat, _)) = stack.pop() {
                prefix.truncate(len);
                repeats.leave(repeat);
            }
            continue;
        };
        *next += 1;
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(&n.name.0);
        repeats.entry()?;
        f(&prefix, dir.as_ref(), n)?;
        let (kind, subtree) = (n.kind, n.subtree);
        // A folder's place, made before the stack is borrowed again to push it.
        let folder = kind == NodeType::Dir && subtree.is_some();
        let here = folder.then(|| Arc::new(Place::new(dir.as_ref(), n.name.0.clone())));
        match (kind, subtree) {
            (NodeType::Dir, Some(sub)) if depth + stack.len() <= MAX_DEPTH => {
                let repeat = repeats.enter(&sub);
                stack.push((repo.tree(&sub)?, 0, len, repeat, here));
                continue;
            }
            (NodeType::Dir, Some(_)) => {
                skipped.count += 1;
                skipped.first.get_or_insert_with(|| prefix.clone());
            }
            _ => {}
        }
        prefix.truncate(len);
    }
    Ok(skipped)
}

/// Directories nested deeper than this are neither written by backup (it
/// records an error for them) nor entered by readers: a hostile repository
/// could otherwise build a cycle-free but absurdly deep tree to exhaust the
/// stack.
pub const MAX_DEPTH: usize = 1024;

/// The manifest of the tree `root`; an error if a folder was too deep to
/// enter (see [`manifest_and_not_entered`] for the rest of it then).
pub fn manifest(repo: &Repository, root: &BlobId) -> Result<Vec<ManifestEntry>> {
    let (out, skipped) = manifest_and_not_entered(repo, root)?;
    skipped.check()?;
    Ok(out)
}

/// The manifest of the tree `root`, and the folders it could not enter.
pub fn manifest_and_not_entered(
    repo: &Repository,
    root: &BlobId,
) -> Result<(Vec<ManifestEntry>, NotEntered)> {
    let mut out = Vec::new();
    let skipped = walk_placed(repo, root, 0, &mut |_, dir, n| {
        out.push(ManifestEntry {
            place: Place::new(dir, n.name.0.clone()),
            kind: n.kind,
            size: n.size,
            mode: n.mode,
            mtime_ns: n.mtime_ns,
            sha256: n.sha256.clone(),
            target: n.target.as_ref().map(|t| t.display()),
        });
        Ok(())
    })?;
    Ok((out, skipped))
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
