//! Hostile repositories, written from docs/FORMAT.md's shapes through the
//! real encoders: trees a backup never writes (names that escape, depth
//! past the limit, a fan-out that repeats one subtree a billion times, hard
//! links that disagree, content naming a tree), and objects replaced on
//! disk by things that are not objects (a fifo, a symlink, a folder, a
//! huge sparse file). Every reader must refuse them by name, in bounded
//! time and memory, without touching anything outside its target.

use cairn_core::crypto::SealKind;
use cairn_core::tree::{parts, Name, Node, NodeType};
use cairn_core::{BlobId, Repository, SnapshotId};
use std::path::Path;

/// A node of `kind` named `name`, mode 0644, nothing else set.
pub fn node(name: &[u8], kind: NodeType) -> Node {
    Node::bare(name, kind, 0o644)
}

/// A file node holding `data` (the data must be stored with the tree, as
/// [`hostile_snapshot`] does).
pub fn file_node(repo: &Repository, name: &[u8], data: &[u8]) -> Node {
    let mut f = node(name, NodeType::File);
    f.size = data.len() as u64;
    f.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(data)));
    f.content = vec![BlobId(repo.keys().id(SealKind::Data, data))];
    f
}

/// A directory node whose subtree is the tree blob `tree` (raw bytes).
pub fn dir_node(repo: &Repository, name: &[u8], tree: &[u8]) -> Node {
    let mut d = node(name, NodeType::Dir);
    d.subtree = Some(tree_id(repo, tree));
    d
}

/// The id a tree blob's plaintext `tree` is stored under.
pub fn tree_id(repo: &Repository, tree: &[u8]) -> BlobId {
    BlobId(repo.keys().id(SealKind::Tree, tree))
}

/// A tree blob's bytes for `nodes`, as given: no sorting, no checks.
pub fn raw_tree(nodes: &[Node]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "nodes": nodes })).unwrap()
}

/// Stores the tree blobs `trees` and data blobs `data` in one pack and a
/// snapshot (host `host`) whose root is `trees[root]`; its id and root.
pub fn hostile_snapshot(
    repo: &mut Repository,
    trees: &[Vec<u8>],
    root: usize,
    data: &[&[u8]],
    host: &str,
) -> (SnapshotId, BlobId) {
    let blobs: Vec<(SealKind, &[u8])> = trees
        .iter()
        .map(|t| (SealKind::Tree, t.as_slice()))
        .chain(data.iter().map(|d| (SealKind::Data, *d)))
        .collect();
    let (_, ids) = crate::store_pack(repo, &blobs);
    let root = ids[root];
    (
        crate::store_snapshot(repo, root, "2026-11-27T00:00:00Z", host),
        root,
    )
}

/// One hostile snapshot: what it is, and its id.
pub struct Case {
    pub name: &'static str,
    pub snapshot: SnapshotId,
}

/// Every hostile tree shape, each as its own snapshot in `repo`.
pub fn tree_cases(repo: &mut Repository) -> Vec<Case> {
    let d = b"evil".as_slice();
    let mut out = Vec::new();
    let mut add =
        |repo: &mut Repository, name: &'static str, trees: Vec<Vec<u8>>, data: &[&[u8]]| {
            let root = trees.len() - 1;
            let (snapshot, _) = hostile_snapshot(repo, &trees, root, data, name);
            out.push(Case { name, snapshot });
        };
    for (name, bad) in [
        ("dot-dot", &b".."[..]),
        ("escaping-path", b"../escape"),
        ("absolute-path", b"/etc/passwd"),
        ("nul-in-name", b"a\0b"),
        ("empty-name", b""),
        ("long-name", &[b'n'; 5000][..]),
    ] {
        let t = raw_tree(&[file_node(repo, bad, d)]);
        add(repo, name, vec![t], &[d]);
    }
    // The same name twice: a symlink out, then a folder through it.
    let mut link = node(b"a", NodeType::Symlink);
    link.target = Some(Name(b"../outside".to_vec()));
    let inner = raw_tree(&[file_node(repo, b"x", d)]);
    let dir = dir_node(repo, b"a", &inner);
    add(
        repo,
        "duplicate-names",
        vec![inner.clone(), raw_tree(&[link, dir])],
        &[d],
    );
    // Names that differ only in case: fine on Linux, each its own file.
    let nodes: Vec<Node> = [&b"README"[..], b"Readme", b"readme"]
        .iter()
        .map(|n| file_node(repo, n, d))
        .collect();
    add(repo, "case-variants", vec![raw_tree(&nodes)], &[d]);
    add(repo, "deep", deep(repo), &[b"still here"]);
    add(repo, "deep-long-names", deep_long_names(repo), &[d]);
    add(repo, "repeated-subtrees", repeated(repo), &[b"x"]);
    // 20,000 entries in one folder.
    let wide: Vec<Node> = (0..20_000)
        .map(|i| file_node(repo, format!("w{i:05}").as_bytes(), d))
        .collect();
    add(repo, "wide", vec![raw_tree(&wide)], &[d]);
    // One inode claimed by names with different contents.
    let (one, two) = (b"first".as_slice(), b"second".as_slice());
    let mut links = vec![file_node(repo, b"a", one), file_node(repo, b"b", two)];
    for n in &mut links {
        (n.dev, n.inode, n.nlink) = (7, 42, 2);
    }
    add(
        repo,
        "hard-links-disagree",
        vec![raw_tree(&links)],
        &[one, two],
    );
    // A file whose content is a tree blob, one whose size lies, one whose
    // content was never stored.
    let sub = raw_tree(&[]);
    let mut f = file_node(repo, b"f", d);
    f.content = vec![BlobId(repo.keys().id(SealKind::Tree, &sub))];
    add(repo, "content-is-a-tree", vec![sub, raw_tree(&[f])], &[]);
    let mut f = file_node(repo, b"f", d);
    f.size = 1 << 50;
    add(repo, "size-lies", vec![raw_tree(&[f])], &[d]);
    let f = file_node(repo, b"f", b"never stored");
    add(repo, "missing-blob", vec![raw_tree(&[f])], &[]);
    split_cases(repo, &mut add);
    out
}

/// Stores one case: its name, tree blobs (the last is the root) and data.
type AddCase<'a> = dyn FnMut(&mut Repository, &'static str, Vec<Vec<u8>>, &[&[u8]]) + 'a;

/// Directories in parts (FORMAT.md §10.1): one as a backup writes it, and
/// lists a backup never writes.
fn split_cases(repo: &mut Repository, add: &mut AddCase<'_>) {
    let d = b"evil".as_slice();
    let files = |repo: &Repository, names: &[&str]| -> Vec<u8> {
        let nodes: Vec<Node> = names
            .iter()
            .map(|n| file_node(repo, n.as_bytes(), d))
            .collect();
        raw_tree(&nodes)
    };
    let list = |repo: &Repository, parts: &[&Vec<u8>]| {
        parts::list(&parts.iter().map(|p| tree_id(repo, p)).collect::<Vec<_>>())
    };
    let (lo, hi) = (files(repo, &["a", "b", "f"]), files(repo, &["g", "h"]));
    let whole = list(repo, &[&lo, &hi]);
    add(repo, "split", vec![lo.clone(), hi.clone(), whole], &[d]);
    // The same name in two parts: a symlink out, then a folder through it.
    let mut link = node(b"f", NodeType::Symlink);
    link.target = Some(Name(b"../outside".to_vec()));
    let inner = files(repo, &["x"]);
    let (first, second) = (raw_tree(&[link]), raw_tree(&[dir_node(repo, b"f", &inner)]));
    let overlap = list(repo, &[&first, &second]);
    add(
        repo,
        "split-overlap",
        vec![inner, first, second, overlap],
        &[d],
    );
    let swapped = list(repo, &[&hi, &lo]);
    add(
        repo,
        "split-out-of-order",
        vec![lo.clone(), hi.clone(), swapped],
        &[d],
    );
    let empty = raw_tree(&[]);
    let with_empty = list(repo, &[&lo, &empty]);
    add(
        repo,
        "split-empty-part",
        vec![lo.clone(), empty, with_empty],
        &[d],
    );
    // A list inside a list: readers join one level only.
    let nested = list(repo, &[&lo]);
    let outer = list(repo, &[&nested, &hi]);
    add(
        repo,
        "split-nested",
        vec![lo.clone(), hi, nested, outer],
        &[d],
    );
    // A part that is a data blob.
    let f = file_node(repo, b"f", d);
    add(
        repo,
        "split-part-is-data",
        vec![lo, parts::list(&f.content)],
        &[d],
    );
}

/// A chain of folders five deeper than the limit, beside a file.
fn deep(repo: &Repository) -> Vec<Vec<u8>> {
    let mut trees = vec![raw_tree(&[])];
    for _ in 0..cairn_core::manifest::MAX_DEPTH + 5 {
        let d = dir_node(repo, b"d", trees.last().unwrap());
        trees.push(raw_tree(&[d]));
    }
    let top = vec![
        file_node(repo, b"a.txt", b"still here"),
        dir_node(repo, b"d", &trees[trees.len() - 2]),
    ];
    trees.push(raw_tree(&top));
    trees
}

/// Folders to the depth limit, each with a 255-byte name, and 20 files at
/// the bottom: legal (a backup can write it), but every path at the bottom
/// is 262 KB, 64 times what one system call takes, so every reader must
/// work one folder at a time and hold names, not paths.
fn deep_long_names(repo: &Repository) -> Vec<Vec<u8>> {
    let bottom: Vec<Node> = (0..20)
        .map(|i| file_node(repo, format!("{i:0>255}").as_bytes(), b"evil"))
        .collect();
    let mut trees = vec![raw_tree(&bottom)];
    let name = [b'd'; 255];
    for _ in 0..cairn_core::manifest::MAX_DEPTH {
        let d = dir_node(repo, &name, trees.last().unwrap());
        trees.push(raw_tree(&[d]));
    }
    trees
}

/// A few hundred KiB naming 10^9 paths: 1,000 folders of 1,000 folders of
/// the same 1,000 files.
fn repeated(repo: &Repository) -> Vec<Vec<u8>> {
    let leaf: Vec<Node> = (0..1000)
        .map(|i| file_node(repo, format!("f{i:04}").as_bytes(), b"x"))
        .collect();
    let mut trees = vec![raw_tree(&leaf)];
    for _ in 0..2 {
        let dirs: Vec<Node> = (0..1000)
            .map(|i| dir_node(repo, format!("d{i:04}").as_bytes(), trees.last().unwrap()))
            .collect();
        trees.push(raw_tree(&dirs));
    }
    trees
}

/// What can be put on disk in place of an object file.
#[derive(Debug, Clone, Copy)]
pub enum Impostor {
    Fifo,
    SymlinkOut,
    Folder,
    HugeSparse,
    Empty,
}

impl Impostor {
    pub const ALL: [Impostor; 5] = [
        Impostor::Fifo,
        Impostor::SymlinkOut,
        Impostor::Folder,
        Impostor::HugeSparse,
        Impostor::Empty,
    ];

    /// Replaces the file at `object` (keeping its name); a symlink points
    /// at `outside`.
    pub fn plant(self, object: &Path, outside: &Path) {
        std::fs::remove_file(object).unwrap();
        match self {
            Impostor::Fifo => {
                let ok = std::process::Command::new("mkfifo")
                    .arg(object)
                    .status()
                    .unwrap()
                    .success();
                assert!(ok, "mkfifo {object:?}");
            }
            Impostor::SymlinkOut => std::os::unix::fs::symlink(outside, object).unwrap(),
            Impostor::Folder => std::fs::create_dir(object).unwrap(),
            Impostor::HugeSparse => std::fs::File::create(object)
                .unwrap()
                .set_len(64 << 30)
                .unwrap(),
            Impostor::Empty => std::fs::write(object, b"").unwrap(),
        }
    }
}
