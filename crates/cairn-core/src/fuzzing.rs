//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`, never on
//! in a release). Each takes untrusted bytes the way a repository hands them
//! to the reader, and reaches the private decoders behind the public ones.
//! Sealing helpers use one fixed key, so a target can wrap fuzzed plaintext
//! in a valid seal and get past authentication to the parser, which is where
//! a hostile repository holder with the key (or a bug in a writer) lands.

use crate::codec::Encoder;
use crate::crypto::{Keys, MasterSecret, SealKind};
use crate::ids::{BlobId, RepoId, SnapshotId};
use crate::snapshot::{SnapshotMeta, SnapshotStats};

mod restore_plan;
pub use restore_plan::plan_forest;

/// The fixed keys every target seals and opens with.
pub fn keys() -> Keys {
    Keys::derive(&MasterSecret::from_bytes([7; 32]), RepoId([9; 32]))
}

/// `plain` sealed as `kind` under [`keys`], with its true id: (id, sealed).
pub fn seal(keys: &Keys, kind: SealKind, plain: &[u8]) -> ([u8; 32], Vec<u8>) {
    let id = keys.id(kind, plain);
    let mut sealed = Vec::new();
    let sealed_ok = Encoder::new(0)
        .and_then(|mut e| e.encode_into(plain, &mut sealed))
        .and_then(|()| keys.seal_in_place(kind, &id, &mut sealed));
    assert!(sealed_ok.is_ok(), "sealing in memory cannot fail");
    (id, sealed)
}

/// An index file's plaintext, after authentication.
pub fn index_plain(plain: &[u8]) {
    let _ = crate::index::decode_index_plain(plain);
}

/// A WORM ledger record's name, and every kind's canonical-name check.
pub fn ledger_name(name: &str) {
    let _ = crate::backend::parse_record(name);
    for kind in crate::ObjectKind::ALL {
        let _ = kind.is_canonical(name);
    }
}

/// `n` snapshots of one host and path, one every seven hours back from
/// `now`, every third tagged `keep`: a history retention rules decide over.
pub fn history(now: time::OffsetDateTime, n: u32) -> Vec<(SnapshotId, SnapshotMeta)> {
    (0..n)
        .map(|i| {
            let at = now - time::Duration::hours(7 * i64::from(i));
            let meta = SnapshotMeta {
                version: 1,
                time: crate::clock::rfc3339(at),
                spec: None,
                host: "fuzz".into(),
                paths: vec!["/data".into()],
                tags: if i % 3 == 0 {
                    vec!["keep".into()]
                } else {
                    vec![]
                },
                parent: None,
                tree: BlobId([0; 32]),
                incomplete: false,
                errors: vec![],
                stats: SnapshotStats::default(),
                program: "cairn fuzz".into(),
            };
            let mut id = [0u8; 32];
            id[..4].copy_from_slice(&i.to_le_bytes());
            (SnapshotId(id), meta)
        })
        .collect()
}

/// Trees as a hostile repository could link them (cycles, a subtree
/// shared a thousand times, depth past the limit, dangling ids), read from
/// `data` four bytes per node: the tree it belongs to, its kind, the tree
/// its subtree names, a name byte. Walks them as manifest, ls, export and
/// verify do, and checks the work stays within the repeat budget.
pub fn walk_forest(data: &[u8]) {
    use crate::manifest::{walk, MAX_REPEATED_ENTRIES, REPEATS_PER_ENTRY};
    use crate::tree::{Node, NodeType, Tree, TreeSource};
    use std::collections::BTreeMap;

    struct Forest(Vec<Tree>);
    impl TreeSource for Forest {
        fn tree(&self, id: &BlobId) -> crate::Result<Tree> {
            self.0
                .get(usize::from(id.0[0]))
                .map(|t| Tree {
                    nodes: t.nodes.clone(),
                })
                .ok_or_else(|| crate::Error::corrupt("no such tree"))
        }
    }
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let count = usize::from(count % 16) + 1;
    let mut trees: Vec<BTreeMap<Vec<u8>, Node>> = vec![BTreeMap::new(); count];
    for n in rest.chunks_exact(4) {
        let kind = match n[1] % 4 {
            0 => NodeType::File,
            1 => NodeType::Symlink,
            _ => NodeType::Dir,
        };
        let name = vec![b'a' + n[3] % 26, n[3] / 26 + b'0'];
        let mut node = Node::bare(&name, kind, 0o755);
        if kind == NodeType::Dir {
            // An id past the last tree dangles: a missing subtree.
            node.subtree = Some(BlobId([n[2] % 20; 32]));
        }
        trees[usize::from(n[0]) % count].insert(name, node);
    }
    let total: u64 = trees.iter().map(|t| t.len() as u64).sum();
    let forest = Forest(
        trees
            .into_iter()
            .map(|t| Tree {
                nodes: t.into_values().collect(),
            })
            .collect(),
    );
    let mut seen = 0u64;
    let _ = walk(&forest, &BlobId([0; 32]), &mut |_, _| {
        seen += 1;
        Ok(())
    });
    // Each distinct tree's entries once (the root's twice: it is not
    // marked seen until a folder names it), plus what the repeat budget
    // allows (every first entry earns a few repeats).
    let first = 2 * total;
    let bound = first + MAX_REPEATED_ENTRIES + REPEATS_PER_ENTRY * first + 1;
    assert!(seen <= bound, "walked {seen} entries of {total}");
}
