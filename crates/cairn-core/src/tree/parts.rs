//! Large directories cut into parts (format version 3, FORMAT.md §10.1).
//!
//! A backup stores again the tree of every directory that holds a changed
//! entry. Stored whole, a directory of thousands of files costs thousands of
//! entries per edited file, most of them random hex (content ids and
//! SHA-256) that do not compress. Cut into parts at boundaries that depend
//! only on the entries' names, an edit stores again one part of about
//! [`EXPECTED_ENTRIES`] entries plus the short list of part ids; the other
//! parts keep their ids and dedupe. The boundaries are a writer's choice
//! (readers accept any cut), so these constants can change without a new
//! format version; a change only costs one more copy of each large
//! directory's tree.

use super::{Node, Tree, MAX_PARTS};
use crate::error::{Error, Result};
use crate::ids::BlobId;
use crate::pack::MAX_BLOB_LEN;
use serde::{Deserialize, Serialize};

/// A part never ends before this many entries (except the last).
pub const MIN_ENTRIES: usize = 16;
/// After [`MIN_ENTRIES`], a part ends after an entry whose name hash is a
/// multiple of this: parts hold about `MIN_ENTRIES + DIVISOR` entries.
const DIVISOR: u64 = 48;
/// Parts hold this many entries on average.
pub const EXPECTED_ENTRIES: usize = MIN_ENTRIES + DIVISOR as usize;
/// A part ends at this many entries whatever the names.
pub const MAX_ENTRIES: usize = 256;
/// A part ends once its plaintext reaches this many bytes (files of many
/// chunks make large entries).
const MAX_PART_BYTES: usize = 4 << 20;
/// The plaintext of all of a directory's parts together, at most (readers
/// refuse more): four times what one tree blob may hold, so a directory's
/// decoded entries stay bounded in memory.
pub const MAX_DIR_BYTES: u64 = 4 * MAX_BLOB_LEN as u64;

/// The list of parts, as stored: `{"parts":["<id>",…]}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PartList {
    pub(super) parts: Vec<BlobId>,
}

/// How one directory is stored: one tree blob, or parts and then the list.
#[derive(Debug, PartialEq, Eq)]
pub enum Layout {
    /// `{"nodes":[…]}` of the whole directory.
    Whole(Vec<u8>),
    /// The plaintext of each part, in name order. The directory's own blob
    /// is the list of their ids ([`list`]).
    Parts(Vec<Vec<u8>>),
}

/// The plaintext of the list of `ids`.
pub fn list(ids: &[BlobId]) -> Vec<u8> {
    #[allow(clippy::expect_used)] // plain data always serialises
    serde_json::to_vec(&PartList {
        parts: ids.to_vec(),
    })
    .expect("part list serialises")
}

/// Encodes `tree` (sorted) as stored: cut into parts when `split` (format
/// version 3 and later) and the cut gives more than one part, else whole.
/// A whole tree is byte for byte what `Tree::encode` writes.
pub fn layout(tree: &Tree, split: bool) -> Result<Layout> {
    let mut buf = Vec::new();
    let mut ends = Vec::with_capacity(tree.nodes.len());
    for n in &tree.nodes {
        if !buf.is_empty() {
            buf.push(b',');
        }
        #[allow(clippy::expect_used)] // plain data always serialises
        serde_json::to_writer(&mut buf, n).expect("node serialises");
        ends.push(buf.len());
    }
    let wrap = |body: &[u8]| {
        let mut out = Vec::with_capacity(body.len() + 12);
        out.extend_from_slice(b"{\"nodes\":[");
        out.extend_from_slice(body);
        out.extend_from_slice(b"]}");
        out
    };
    let cuts = if split {
        cut(&tree.nodes, &ends)
    } else {
        vec![]
    };
    if cuts.is_empty() {
        let whole = wrap(&buf);
        return if whole.len() > MAX_BLOB_LEN as usize {
            let e = too_large(whole.len() as u64, MAX_BLOB_LEN as u64);
            // Only an older format stores a directory this large whole.
            Err(if split {
                e
            } else {
                e.hint(format!("{SPLIT_IT}, or upgrade the repository's format (from version 3 a large directory is stored in parts)"))
            })
        } else {
            Ok(Layout::Whole(whole))
        };
    }
    if buf.len() as u64 > MAX_DIR_BYTES || cuts.len() >= MAX_PARTS {
        return Err(too_large(buf.len() as u64, MAX_DIR_BYTES));
    }
    let mut parts = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for end in cuts.into_iter().chain(std::iter::once(tree.nodes.len())) {
        let (from, to) = (
            if start == 0 { 0 } else { ends[start - 1] + 1 },
            ends[end - 1],
        );
        let part = wrap(&buf[from..to]);
        if part.len() > MAX_BLOB_LEN as usize {
            return Err(too_large(part.len() as u64, MAX_BLOB_LEN as u64));
        }
        parts.push(part);
        start = end;
    }
    Ok(Layout::Parts(parts))
}

/// Stores `tree` through `put`, which stores one tree blob's plaintext and
/// gives its id: the parts and then their list, or the whole directory.
/// The directory's id, for its parent's `subtree` or a snapshot's `tree`.
pub fn store<E: From<Error>>(
    tree: &Tree,
    split: bool,
    put: &mut dyn FnMut(&[u8]) -> std::result::Result<BlobId, E>,
) -> std::result::Result<BlobId, E> {
    match layout(tree, split)? {
        Layout::Whole(b) => put(&b),
        Layout::Parts(parts) => {
            let ids = parts
                .iter()
                .map(|p| put(p))
                .collect::<std::result::Result<Vec<_>, E>>()?;
            put(&list(&ids))
        }
    }
}

/// Where parts end (node counts, each a part's end; the last part's end is
/// left out). Empty when the directory stays one part.
fn cut(nodes: &[Node], ends: &[usize]) -> Vec<usize> {
    let mut cuts = Vec::new();
    let (mut start, mut start_byte) = (0usize, 0usize);
    for (i, n) in nodes.iter().enumerate().take(nodes.len().saturating_sub(1)) {
        let count = i + 1 - start;
        let bytes = ends[i] - start_byte;
        let hit = || {
            let h = blake3::hash(&n.name.0);
            let mut first = [0u8; 8];
            first.copy_from_slice(&h.as_bytes()[..8]);
            u64::from_le_bytes(first) % DIVISOR == 0
        };
        if count >= MAX_ENTRIES || bytes >= MAX_PART_BYTES || (count >= MIN_ENTRIES && hit()) {
            cuts.push(i + 1);
            start = i + 1;
            start_byte = ends[i] + 1;
        }
    }
    cuts
}

const SPLIT_IT: &str = "split the directory or exclude part of it";

fn too_large(bytes: u64, limit: u64) -> Error {
    Error::invalid(format!(
        "a directory has so many entries that its tree ({bytes} bytes) exceeds the {limit} byte limit"
    ))
    .hint(SPLIT_IT)
}

/// Joins the parts of one directory, read in list order: each part must
/// hold entries, and every name must sort after the names of the parts
/// before it, so the whole is as sorted and unique as one tree.
pub fn join(parts: Vec<Tree>) -> Result<Tree> {
    let mut nodes: Vec<Node> = Vec::with_capacity(parts.iter().map(|p| p.nodes.len()).sum());
    for p in parts {
        let Some(first) = p.nodes.first() else {
            return Err(Error::corrupt("a part of a split tree is empty"));
        };
        if nodes.last().is_some_and(|last| first.name <= last.name) {
            return Err(Error::corrupt(format!(
                "the parts of a split tree overlap or are out of order at {:?}",
                first.name.display()
            )));
        }
        nodes.extend(p.nodes);
    }
    Ok(Tree { nodes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{NodeType, Stored};

    fn dir(names: impl Iterator<Item = String>) -> Tree {
        let mut nodes: Vec<Node> = names
            .map(|n| Node::bare(n.as_bytes(), NodeType::Fifo, 0o644))
            .collect();
        nodes.sort_by(|a, b| a.name.cmp(&b.name));
        Tree { nodes }
    }

    fn parts(t: &Tree) -> Vec<Tree> {
        match layout(t, true).unwrap() {
            Layout::Whole(b) => vec![Tree::decode(&b).unwrap()],
            Layout::Parts(p) => p.iter().map(|b| Tree::decode(b).unwrap()).collect(),
        }
    }

    #[test]
    fn a_whole_tree_is_what_encode_writes() {
        for n in [0, 1, 2, 15, 300] {
            let t = dir((0..n).map(|i| format!("f{i}")));
            assert_eq!(layout(&t, false).unwrap(), Layout::Whole(t.encode()));
        }
        let small = dir((0..MIN_ENTRIES).map(|i| format!("f{i}")));
        assert_eq!(layout(&small, true).unwrap(), Layout::Whole(small.encode()));
    }

    #[test]
    fn parts_join_to_the_directory_and_stay_within_bounds() {
        let t = dir((0..5_000).map(|i| format!("file-{i:05}")));
        let p = parts(&t);
        assert!(p.len() > 5_000 / MAX_ENTRIES, "{} parts", p.len());
        for (i, part) in p.iter().enumerate() {
            assert!(part.nodes.len() <= MAX_ENTRIES);
            assert!(i + 1 == p.len() || part.nodes.len() >= MIN_ENTRIES);
        }
        let mean = 5_000 / p.len();
        assert!(
            (EXPECTED_ENTRIES / 2..EXPECTED_ENTRIES * 2).contains(&mean),
            "{mean}"
        );
        assert_eq!(join(p).unwrap(), t);
    }

    /// The point of the cut: an edit or an insertion changes the parts
    /// around it, and every other part keeps its bytes (so its id).
    #[test]
    fn an_insertion_changes_one_or_two_parts() {
        let before = dir((0..3_000).map(|i| format!("file-{i:05}")));
        let after = dir((0..3_000)
            .map(|i| format!("file-{i:05}"))
            .chain(["file-01500-new".to_string()]));
        let (a, b) = (
            layout(&before, true).unwrap(),
            layout(&after, true).unwrap(),
        );
        let (Layout::Parts(a), Layout::Parts(b)) = (a, b) else {
            panic!("both split")
        };
        let kept = b.iter().filter(|p| a.contains(p)).count();
        assert!(kept + 2 >= a.len(), "{kept} of {} parts kept", a.len());
    }

    /// A directory too large for one blob: refused whole (with the way out
    /// an older format has), stored in parts from version 3.
    #[test]
    fn the_size_limits_of_whole_trees_and_parts() {
        let file = |name: String, chunks: usize| {
            let mut n = Node::bare(name.as_bytes(), NodeType::File, 0o644);
            n.sha256 = Some("0".repeat(64));
            n.content = vec![BlobId([7; 32]); chunks];
            n
        };
        // 220 files of 5,000 chunks: about 74 MB of JSON, over one blob.
        let big = Tree {
            nodes: (0..220).map(|i| file(format!("f{i:03}"), 5_000)).collect(),
        };
        let whole = layout(&big, false).unwrap_err();
        assert!(format!("{whole:?}").contains("in parts"), "{whole:?}");
        let Layout::Parts(parts) = layout(&big, true).unwrap() else {
            panic!("in parts")
        };
        assert!(parts.iter().all(|p| p.len() <= MAX_PART_BYTES + 400_000));
    }

    #[test]
    fn a_list_longer_than_the_limit_is_refused() {
        let ids = vec![BlobId([3; 32]); MAX_PARTS];
        assert!(Stored::decode(&list(&ids)).is_ok());
        let ids = vec![BlobId([3; 32]); MAX_PARTS + 1];
        assert!(Stored::decode(&list(&ids)).is_err());
    }

    #[test]
    fn join_refuses_overlap_disorder_and_empty_parts() {
        let t = dir((0..40).map(|i| format!("f{i:02}")));
        let (lo, hi) = t.nodes.split_at(20);
        let (lo, hi) = (Tree { nodes: lo.to_vec() }, Tree { nodes: hi.to_vec() });
        assert!(join(vec![lo.clone(), hi.clone()]).is_ok());
        assert!(join(vec![hi.clone(), lo.clone()]).is_err());
        assert!(join(vec![lo.clone(), lo.clone()]).is_err());
        assert!(join(vec![lo.clone(), Tree::default(), hi.clone()]).is_err());
        assert!(join(vec![Tree::default()]).is_err());
    }

    #[test]
    fn a_list_reads_back_and_a_part_may_not_be_a_list() {
        let ids = vec![BlobId([1; 32]), BlobId([2; 32])];
        assert_eq!(
            Stored::decode(&list(&ids)).unwrap(),
            Stored::Parts(ids.clone())
        );
        assert!(Tree::decode(&list(&ids)).is_err());
        assert!(Stored::decode(&list(&[])).is_err());
        assert!(Stored::decode(br#"{"nodes":[],"parts":[]}"#).is_err());
        assert!(Stored::decode(br#"{}"#).is_err());
    }
}
