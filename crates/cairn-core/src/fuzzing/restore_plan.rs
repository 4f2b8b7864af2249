//! The restore planner over a hostile snapshot held in memory: the trees a
//! repository could hand over (cycles, shared subtrees, dangling ids,
//! depth past the limit, hostile names, hard-link groups, sizes that lie),
//! planned as a dry run over every batch.

use crate::ids::{BlobId, SnapshotId};
use crate::manifest::{MAX_REPEATED_ENTRIES, REPEATS_PER_ENTRY};
use crate::restore::{plan_streamed, Action, Overwrite, PlanEntry, RestoreOptions};
use crate::tree::{Name, Node, NodeType, Tree, TreeSource};
use std::cell::Cell;
use std::collections::BTreeMap;

/// Bytes of fuzz input one node is built from.
const NODE_BYTES: usize = 6;
/// The most input a case may use: at most ~10,000 nodes, so memory is
/// bounded by the distinct trees (the planner's repeat budget bounds the rest).
pub const MAX_INPUT: usize = 64 * 1024;

/// Trees stored as a repository stores them (encoded), each served the way
/// `Repository::load_tree` serves one: decoded and validated on every load,
/// so a tree with an unsafe name is refused here as it is there.
struct Stored {
    trees: Vec<Vec<u8>>,
    loads: Cell<u64>,
}

impl TreeSource for Stored {
    fn tree(&self, id: &BlobId) -> crate::Result<Tree> {
        self.loads.set(self.loads.get() + 1);
        let bytes = self
            .trees
            .get(usize::from(id.0[0]))
            .filter(|_| id.0[1..].iter().all(|&b| b == id.0[0]))
            .ok_or_else(|| crate::Error::corrupt(format!("tree {} is missing", id.short())))?;
        Tree::decode(bytes)
    }
}

/// Names a hostile writer picks: ones the tree decoder refuses (empty,
/// `.`, `..`, a slash, a NUL), and valid but awkward ones (a restore
/// temporary's prefix, glob characters, case variants, non-UTF-8, a
/// newline, the longest a file system takes).
fn name(b: u8) -> Vec<u8> {
    const HOSTILE: [&[u8]; 14] = [
        b"",
        b".",
        b"..",
        b"a/b",
        b"nul\0",
        b".cairn-tmp-left",
        b"*",
        b"[a-",
        b"A",
        b"a",
        b"\xff\xfe",
        b"line\nbreak",
        b"-",
        b" ",
    ];
    match HOSTILE.get(usize::from(b)) {
        Some(n) => n.to_vec(),
        None if b == 255 => vec![b'x'; 255],
        None => vec![b'a' + b % 26, b / 26 + b'0'],
    }
}

/// One node from six bytes: (tree, kind, link, name, size, mode).
fn node(n: &[u8]) -> Node {
    let kind = match n[1] % 8 {
        0 => NodeType::File,
        1 | 7 => NodeType::Dir,
        2 => NodeType::Symlink,
        3 => NodeType::Fifo,
        4 => NodeType::Chardev,
        5 => NodeType::Blockdev,
        _ => NodeType::Socket,
    };
    // Setuid/setgid/sticky bits come and go with the mode byte.
    let mode = 0o644 | (u32::from(n[5] & 0x7) << 9);
    let mut node = Node::bare(&name(n[3]), kind, mode);
    // Hard-link groups: a few inodes, shared across trees, with link
    // counts that need not match how many names they have.
    node.inode = u64::from(n[2] % 4) + 1;
    node.nlink = u64::from(n[5] >> 3) + 1;
    match kind {
        NodeType::File => {
            // Sizes that lie: the content below is empty or one dangling blob.
            node.size = match n[4] {
                0 => 0,
                1 => u64::MAX,
                2 => u64::MAX / 2 + 1,
                s => u64::from(s) << 12,
            };
            node.sha256 = Some(format!("{:064x}", n[4]));
            if n[4] % 2 == 1 {
                node.content = vec![BlobId([n[4]; 32])];
            }
        }
        // An id past the last tree dangles: a missing subtree.
        NodeType::Dir => node.subtree = Some(BlobId([n[2] % 20; 32])),
        NodeType::Symlink => node.target = Some(Name(b"../../etc/passwd".to_vec())),
        NodeType::Chardev | NodeType::Blockdev => node.rdev = Some(u64::from(n[2])),
        _ => {}
    }
    node
}

/// Options from one byte: special files, overwrite, delete, and the
/// include and exclude patterns (matching some hostile names, or nothing).
fn options(b: u8) -> RestoreOptions {
    const INCLUDE: [&[&str]; 4] = [&[], &["a0"], &["*/b0/**"], &["no-such-path"]];
    RestoreOptions {
        // Under a file, so it cannot exist and planning writes nothing.
        target: "/dev/null/cairn-fuzz-target".into(),
        include: INCLUDE[usize::from(b >> 4) % 4]
            .iter()
            .map(|p| p.to_string())
            .collect(),
        exclude: if b & 0x40 != 0 {
            vec!["**/[a-".into(), "*".into()]
        } else {
            vec![]
        },
        overwrite: [Overwrite::Never, Overwrite::IfChanged, Overwrite::Always]
            [usize::from(b >> 1) % 3],
        delete: b & 0x8 != 0,
        workers: 1,
        special: b & 1 != 0,
    }
}

/// Plans a restore of tree 0 from `data`: a header (tree count, options,
/// batch size), then six bytes per node. No panic; every batch's entries
/// counted once in the totals; the work (entries planned, trees loaded)
/// within the repeat budget, however the trees link.
pub fn plan_forest(data: &[u8]) {
    let [count, opts, batch, rest @ ..] = data else {
        return;
    };
    if data.len() > MAX_INPUT {
        return;
    }
    let count = usize::from(count % 16) + 1;
    let mut trees: Vec<BTreeMap<Vec<u8>, Node>> = vec![BTreeMap::new(); count];
    for n in rest.chunks_exact(NODE_BYTES) {
        let node = node(n);
        trees[usize::from(n[0]) % count].insert(node.name.0.clone(), node);
    }
    let total: u64 = trees.iter().map(|t| t.len() as u64).sum();
    let stored = Stored {
        trees: trees
            .into_iter()
            .map(|t| {
                Tree {
                    nodes: t.into_values().collect(),
                }
                .encode()
            })
            .collect(),
        loads: Cell::new(0),
    };
    let batch = match batch {
        0 => usize::MAX,
        b => usize::from(*b),
    };
    let (mut planned, mut counted) = (0u64, [0u64; 6]);
    let mut sink = |entries: Vec<PlanEntry>| {
        for e in &entries {
            planned += 1;
            counted[match e.action {
                Action::Create => 0,
                Action::Overwrite => 1,
                Action::Skip(_) => 2,
                Action::FixMetadata(_) => 3,
                Action::Refuse(_) => 4,
                Action::Delete => 5,
            }] += 1;
        }
        Ok(())
    };
    let result = plan_streamed(
        &stored,
        SnapshotId([0; 32]),
        &BlobId([0; 32]),
        &options(*opts),
        batch,
        &mut sink,
    );
    if let Ok(t) = result {
        let totals = [
            t.create,
            t.overwrite,
            t.skip,
            t.fix_metadata,
            t.refuse,
            t.delete,
        ];
        assert_eq!(totals, counted, "totals count what the batches held");
    }
    // As for the walkers: each distinct tree's entries once (the root's
    // twice), plus what the repeat budget allows; a tree is loaded only
    // to enter a directory entry (or the root).
    let first = 2 * total;
    let bound = first + MAX_REPEATED_ENTRIES + REPEATS_PER_ENTRY * first + 1;
    assert!(planned <= bound, "planned {planned} entries of {total}");
    assert!(
        stored.loads.get() <= bound + 1,
        "{} tree loads for {total} entries",
        stored.loads.get()
    );
}
