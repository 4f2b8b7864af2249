//! Browsing a repository written through the real encoders, with trees and
//! data in separate packs: `ls`, `diff` and `find` work with every data pack
//! gone (they read trees only), and `cat` refuses a file whose authentic
//! blobs are not the content its tree records.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::browse::cat::cat;
use cairn_core::browse::diff::{diff, Side};
use cairn_core::browse::find::{find, Pattern};
use cairn_core::browse::ls::list;
use cairn_core::crypto::SealKind;
use cairn_core::tree::{Node, NodeType, Tree};
use cairn_core::{BlobId, ErrorKind, ObjectKind};
use cairn_test_support::{store_pack, store_snapshot, TestRepo};
use sha2::Digest;

fn file(name: &str, claimed: &[u8], content: Vec<BlobId>) -> Node {
    let mut n = Node::bare(name.as_bytes(), NodeType::File, 0o644);
    n.size = claimed.len() as u64;
    n.sha256 = Some(hex::encode(sha2::Sha256::digest(claimed)));
    n.content = content;
    n
}

fn encoded(nodes: Vec<Node>) -> Vec<u8> {
    let mut t = Tree { nodes };
    t.sort();
    t.encode()
}

#[test]
fn trees_alone_serve_ls_diff_and_find_and_cat_checks_the_whole_file() {
    let mut repo = TestRepo::memory().init();
    let data: [&[u8]; 3] = [b"hello ", b"world", b"WORLD"];
    let (data_pack, d) = store_pack(&mut repo, &data.map(|b| (SealKind::Data, b)));
    let sub = encoded(vec![file("w.txt", b"WORLD", vec![d[2]])]);
    let (_, sub_id) = store_pack(&mut repo, &[(SealKind::Tree, &sub)]);
    let mut dir = Node::bare(b"d", NodeType::Dir, 0o755);
    dir.subtree = Some(sub_id[0]);
    let root = encoded(vec![
        file("a.txt", b"hello world", vec![d[0], d[1]]),
        // Authentic blobs, but not the content the tree claims.
        file("forged.txt", b"hello world", vec![d[0], d[2]]),
        dir,
    ]);
    let (_, root_id) = store_pack(&mut repo, &[(SealKind::Tree, &root)]);
    let root = root_id[0];
    store_snapshot(&repo, root, "2026-12-01T00:00:00Z", "h");

    let mut out = Vec::new();
    assert_eq!(cat(&repo, &root, "a.txt", &mut out).unwrap(), 11);
    assert_eq!(out, b"hello world");
    let mut out = Vec::new();
    let e = cat(&repo, &root, "forged.txt", &mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert_eq!(out, b"hello ", "the last blob is withheld");

    // No data pack at all: everything but cat still answers.
    repo.backend()
        .delete(ObjectKind::Pack, &data_pack.to_hex())
        .unwrap();
    let all = list(&repo, &root, "", true).unwrap();
    let paths: Vec<String> = all.iter().map(|e| e.path.display()).collect();
    assert_eq!(paths, ["a.txt", "d", "d/w.txt", "forged.txt"]);
    let hits = find(&repo, &[root, root], &Pattern::new("*.txt", None).unwrap()).unwrap();
    assert_eq!(hits[0].len(), 3);
    assert_eq!(hits[1], hits[0]);
    let same = Side {
        src: &repo,
        root: &root,
    };
    assert!(diff(same, same, "").unwrap().changes.is_empty());
    let mut out = Vec::new();
    assert!(cat(&repo, &root, "a.txt", &mut out).is_err());
}
