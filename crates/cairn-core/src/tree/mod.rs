//! Directory trees, stored as blobs of kind `Tree` so unchanged directories
//! dedupe. Encoding: compact JSON `{"nodes":[...]}` with nodes sorted by the
//! bytes of their names. The repository is hostile input, so [`Tree::decode`]
//! refuses names that could escape a restore target (empty, `.`, `..`,
//! containing `/` or NUL) and duplicate or unsorted names. A large
//! directory may be stored in parts (format version 3, [`parts`]): its blob
//! is then `{"parts":[…]}` and [`Stored::decode`] says which form a blob is.

pub mod parts;

use crate::error::{Error, Result};
use crate::ids::BlobId;
use serde::{Deserialize, Serialize};

/// A file name or symlink target: raw bytes (Unix names need not be UTF-8).
/// JSON form: a string when the bytes are UTF-8, else `{"hex": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(pub Vec<u8>);

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
enum NameRepr {
    Text(String),
    Hex { hex: String },
}

/// As written: a string, or `{"hex": ...}` for bytes that are not UTF-8.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Name {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Name".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        NameRepr::json_schema(g)
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(t) => NameRepr::Text(t.to_string()).serialize(s),
            Err(_) => NameRepr::Hex {
                hex: hex::encode(&self.0),
            }
            .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match NameRepr::deserialize(d)? {
            NameRepr::Text(t) => Ok(Name(t.into_bytes())),
            NameRepr::Hex { hex } => hex::decode(hex).map(Name).map_err(serde::de::Error::custom),
        }
    }
}

impl Name {
    /// Lossy text for messages.
    pub fn display(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum NodeType {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link (stored, never followed).
    Symlink,
    /// Named pipe.
    Fifo,
    /// Unix socket.
    Socket,
    /// Character device.
    Chardev,
    /// Block device.
    Blockdev,
}

/// One entry of a directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Name within the directory.
    pub name: Name,
    /// Kind.
    #[serde(rename = "type")]
    pub kind: NodeType,
    /// Permission bits including setuid/setgid/sticky (st_mode & 0o7777).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Status-change time, nanoseconds (change detection only; never restored).
    pub ctime_ns: i64,
    /// Inode number (change detection and hardlinks).
    pub inode: u64,
    /// Device number of the filesystem (hardlinks, one-file-system).
    pub dev: u64,
    /// Link count; above 1, restore relinks nodes with the same (dev, inode).
    pub nlink: u64,
    /// File size in bytes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub size: u64,
    /// SHA-256 of the whole file content (files only), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Data blobs in order (files only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<BlobId>,
    /// The directory's tree blob (dirs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtree: Option<BlobId>,
    /// Link target (symlinks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Name>,
    /// Device number (char/block devices only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdev: Option<u64>,
}

impl Node {
    /// A node with nothing but a name and a kind: zero times and ids, one
    /// link, no content. For building trees by hand (tests, the gate's
    /// hostile snapshots); a backup fills every field from the file system.
    pub fn bare(name: &[u8], kind: NodeType, mode: u32) -> Node {
        Node {
            name: Name(name.to_vec()),
            kind,
            mode,
            uid: 0,
            gid: 0,
            mtime_ns: 0,
            ctime_ns: 0,
            inode: 1,
            dev: 1,
            nlink: 1,
            size: 0,
            sha256: None,
            content: vec![],
            subtree: None,
            target: None,
            rdev: None,
        }
    }
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// A directory: nodes sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    /// The entries.
    pub nodes: Vec<Node>,
}

/// At most this many parts per split directory (readers refuse more).
pub const MAX_PARTS: usize = 65_536;

/// A tree blob as stored: a directory's entries, or the ids of the parts a
/// large directory was cut into (in name order; each part holds entries).
#[derive(Debug, PartialEq, Eq)]
pub enum Stored {
    /// `{"nodes":[…]}`, validated.
    Nodes(Tree),
    /// `{"parts":[…]}`: at least one id, at most [`MAX_PARTS`].
    Parts(Vec<BlobId>),
}

/// Either form, strictly: exactly one of the two fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    nodes: Option<Vec<Node>>,
    parts: Option<Vec<BlobId>>,
}

impl Stored {
    /// Parses and validates a tree blob from untrusted bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let raw: Raw = serde_json::from_slice(bytes)
            .map_err(|e| Error::corrupt(format!("tree is malformed: {e}")))?;
        match (raw.nodes, raw.parts) {
            (Some(nodes), None) => Tree::validate(Tree { nodes }).map(Stored::Nodes),
            (None, Some(p)) if !p.is_empty() && p.len() <= MAX_PARTS => Ok(Stored::Parts(p)),
            (None, Some(p)) => Err(Error::corrupt(format!(
                "a split tree lists {} parts (1 to {} are valid)",
                p.len(),
                MAX_PARTS
            ))),
            _ => Err(Error::corrupt(
                "tree is malformed: it must hold exactly one of `nodes` and `parts`",
            )),
        }
    }
}

/// Where trees come from, for code that reads only trees (listing,
/// comparing, searching): the repository, or a map of trees in a unit test.
/// A narrow seam on purpose: what takes one cannot read file content, so it
/// provably never touches data packs.
pub trait TreeSource {
    /// The tree stored as `id`, decoded and validated.
    fn tree(&self, id: &BlobId) -> Result<Tree>;
}

impl TreeSource for std::collections::HashMap<BlobId, Tree> {
    fn tree(&self, id: &BlobId) -> Result<Tree> {
        self.get(id)
            .cloned()
            .ok_or_else(|| Error::corrupt(format!("tree {} is missing", id.short())))
    }
}

/// Whether `name` is safe as one path component.
pub fn safe_component(name: &[u8]) -> bool {
    !name.is_empty() && name != b"." && name != b".." && !name.contains(&b'/') && !name.contains(&0)
}

impl Tree {
    /// Serialises (nodes must already be sorted; `add` keeps them so).
    pub fn encode(&self) -> Vec<u8> {
        #[allow(clippy::expect_used)] // plain data always serialises
        serde_json::to_vec(self).expect("tree serialises")
    }

    /// Parses and validates a tree from untrusted bytes: the whole form
    /// only (a part of a split directory, or a directory stored whole).
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        match Stored::decode(bytes)? {
            Stored::Nodes(t) => Ok(t),
            Stored::Parts(_) => Err(Error::corrupt(
                "a tree holds a list of parts where a directory's entries belong",
            )),
        }
    }

    fn validate(mut t: Tree) -> Result<Self> {
        // Hex is read in either case (FORMAT.md, conventions) but compared
        // as text everywhere after this (restore, diff, manifest), so an
        // uppercase `sha256` becomes the lowercase a writer would have
        // written: one digest, one spelling.
        for n in &mut t.nodes {
            if let Some(h) = &mut n.sha256 {
                h.make_ascii_lowercase();
            }
        }
        let mut prev: Option<&[u8]> = None;
        for n in &t.nodes {
            if !safe_component(&n.name.0) {
                return Err(Error::corrupt(format!(
                    "tree holds an unsafe name {:?}",
                    n.name.display()
                )));
            }
            if let Some(p) = prev {
                if p >= n.name.0.as_slice() {
                    return Err(Error::corrupt(format!(
                        "tree names are duplicated or unsorted at {:?}",
                        n.name.display()
                    )));
                }
            }
            prev = Some(&n.name.0);
            // Each type carries exactly its own fields; anything else is a forged node.
            let file = n.kind == NodeType::File;
            let device = matches!(n.kind, NodeType::Chardev | NodeType::Blockdev);
            let ok = n.sha256.is_some() == file
                && (file || (n.content.is_empty() && n.size == 0))
                && n.subtree.is_some() == (n.kind == NodeType::Dir)
                && n.target.is_some() == (n.kind == NodeType::Symlink)
                && n.rdev.is_some() == device
                && n.sha256
                    .as_ref()
                    .is_none_or(|h| h.len() == 64 && h.bytes().all(|c| c.is_ascii_hexdigit()))
                && n.target
                    .as_ref()
                    .is_none_or(|t| !t.0.is_empty() && !t.0.contains(&0));
            if !ok {
                return Err(Error::corrupt(format!(
                    "tree node {:?} has fields that do not fit its type",
                    n.name.display()
                )));
            }
        }
        Ok(t)
    }

    /// Sorts nodes by name (the walker adds them sorted already; this is a guard).
    pub fn sort(&mut self) {
        self.nodes.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn node(name: &[u8], kind: NodeType) -> Node {
        Node {
            name: Name(name.to_vec()),
            kind,
            mode: 0o644,
            uid: 1,
            gid: 2,
            mtime_ns: 3,
            ctime_ns: 4,
            inode: 5,
            dev: 6,
            nlink: 1,
            size: 0,
            sha256: (kind == NodeType::File).then(|| "0".repeat(64)),
            content: vec![],
            subtree: (kind == NodeType::Dir).then_some(BlobId([1; 32])),
            target: (kind == NodeType::Symlink).then(|| Name(b"../x".to_vec())),
            rdev: None,
        }
    }

    /// A directory of `n` files as a backup records it: distinct names,
    /// nanosecond times, growing inodes and random ids (content id and
    /// SHA-256, the bytes that do not compress).
    fn realistic(n: u64) -> Tree {
        let random = |i: u64| *blake3::hash(&i.to_le_bytes()).as_bytes();
        let nodes = (0..n)
            .map(|i| {
                let mut f = node(format!("file-{i:05}.txt").as_bytes(), NodeType::File);
                f.mtime_ns = 1_767_225_600_123_456_789 + (i * 7_919_000_013) as i64;
                f.ctime_ns = f.mtime_ns + 1_234_567;
                f.inode = 4_200_000 + i;
                f.dev = 2049;
                f.size = 1 + (random(i)[0] as u64) * 97;
                f.sha256 = Some(hex::encode(random(i + n)));
                f.content = vec![BlobId(random(i + 2 * n))];
                f
            })
            .collect();
        Tree { nodes }
    }

    #[test]
    fn the_tree_encoder_stores_trees_smaller() {
        let plain = realistic(1_000).encode();
        let size = |mut e: crate::codec::Encoder| {
            let mut out = Vec::new();
            e.encode_into(&plain, &mut out).unwrap();
            assert_eq!(crate::codec::decode(&out, plain.len()).unwrap(), plain);
            out.len()
        };
        let (data, tree) = (
            size(crate::codec::Encoder::new(3).unwrap()),
            size(crate::codec::Encoder::for_trees(3).unwrap()),
        );
        // Measured 2026-12-05 (zstd 1.5.7): over 3% smaller here, 4.5% on the trees of
        // bench/prune.sh (docs/BENCHMARKS.md, issue 19).
        assert!(
            tree * 100 < data * 97,
            "tree encoder {tree} bytes, data encoder {data}"
        );
    }

    #[test]
    fn round_trip_with_non_utf8_names() {
        let t = Tree {
            nodes: vec![
                node(b"a", NodeType::File),
                node(b"b\xff", NodeType::Dir),
                node(b"c", NodeType::Symlink),
            ],
        };
        let enc = t.encode();
        assert!(String::from_utf8_lossy(&enc).contains("\"hex\":\"62ff\""));
        assert_eq!(Tree::decode(&enc).unwrap(), t);
    }

    #[test]
    fn hostile_names_and_duplicates_are_refused() {
        for bad in [&b".."[..], b".", b"", b"a/b", b"a\0b"] {
            let t = Tree {
                nodes: vec![node(bad, NodeType::File)],
            };
            assert!(Tree::decode(&t.encode()).is_err(), "{bad:?}");
        }
        let t = Tree {
            nodes: vec![node(b"a", NodeType::File), node(b"a", NodeType::File)],
        };
        assert!(Tree::decode(&t.encode()).is_err());
        let mut n = node(b"d", NodeType::Dir);
        n.subtree = None;
        assert!(Tree::decode(&Tree { nodes: vec![n] }.encode()).is_err());
        // Fields of another type are forged: a symlink with a subtree, a dir with
        // a hash, a fifo with content or a device number.
        let mut n = node(b"l", NodeType::Symlink);
        n.subtree = Some(BlobId([2; 32]));
        assert!(Tree::decode(&Tree { nodes: vec![n] }.encode()).is_err());
        let mut n = node(b"d", NodeType::Dir);
        n.sha256 = Some("0".repeat(64));
        assert!(Tree::decode(&Tree { nodes: vec![n] }.encode()).is_err());
        let mut n = node(b"f", NodeType::Fifo);
        n.content = vec![BlobId([3; 32])];
        assert!(Tree::decode(&Tree { nodes: vec![n] }.encode()).is_err());
        let mut n = node(b"f", NodeType::Fifo);
        n.rdev = Some(1);
        assert!(Tree::decode(&Tree { nodes: vec![n] }.encode()).is_err());
    }

    proptest! {
        #[test]
        fn decoder_never_panics(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Tree::decode(&data);
        }

        #[test]
        fn names_round_trip(names in proptest::collection::btree_set(proptest::collection::vec(1u8..=255, 1..20), 0..10)) {
            let nodes: Vec<Node> = names.iter().filter(|n| safe_component(n)).map(|n| node(n, NodeType::Fifo)).collect();
            let t = Tree { nodes };
            prop_assert_eq!(Tree::decode(&t.encode()).unwrap(), t);
        }
    }
}
