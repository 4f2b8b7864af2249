//! Restore reads by pack and writes each blob to every file that needs it:
//! the layouts that makes tricky (blobs repeated within a file, shared by
//! many files, files spread over several packs out of order, empty and
//! sparse files, a damaged blob) restore exactly, or fail only the files
//! that need the damage.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::crypto::SealKind;
use cairn_core::pack::{seal_blob, PackBuilder};
use cairn_core::restore::{execute, plan, Overwrite, RestoreOptions};
use cairn_core::tree::{Node, NodeType, Tree};
use cairn_core::{Backend, BlobId, ObjectKind, Repository};
use cairn_test_support::{store_pack, store_snapshot, MemoryBackend, TestRepo};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;

fn noise(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_add(seed).wrapping_mul(2654435761) >> 13) as u8)
        .collect()
}

struct Fixture {
    repo: Repository,
    backend: MemoryBackend,
    blobs: BTreeMap<&'static str, (BlobId, Vec<u8>)>,
}

impl Fixture {
    fn new() -> Self {
        let backend = MemoryBackend::new();
        let repo = TestRepo::on(Arc::new(backend.clone())).init();
        Fixture {
            repo,
            backend,
            blobs: BTreeMap::new(),
        }
    }

    /// Stores one pack of named data blobs; `damage` flips a byte inside that blob.
    fn pack(&mut self, blobs: &[(&'static str, Vec<u8>)], damage: Option<&str>) {
        let mut enc = self.repo.encoder().unwrap();
        let mut p = PackBuilder::with_capacity(1 << 20);
        for (name, data) in blobs {
            let (id, sealed) = seal_blob(self.repo.keys(), &mut enc, SealKind::Data, data).unwrap();
            p.add(SealKind::Data, id, &sealed, data.len() as u32);
            self.blobs.insert(name, (id, data.clone()));
        }
        let mut fin = p.finish(self.repo.keys(), &mut enc).unwrap();
        if let Some(d) = damage {
            let e = fin
                .entries
                .iter()
                .find(|e| e.id == self.blobs[d].0)
                .unwrap();
            fin.bytes[e.offset as usize + e.stored_len as usize / 2] ^= 0x40;
        }
        self.backend
            .write_new(ObjectKind::Pack, &fin.id.to_hex(), &fin.bytes)
            .unwrap();
        self.repo.commit_packs(&[(fin.id, fin.entries)]).unwrap();
    }

    fn file(&self, name: &str, parts: &[&str]) -> (Node, Vec<u8>) {
        let mut n = Node::bare(name.as_bytes(), NodeType::File, 0o640);
        n.mtime_ns = 1_700_000_000_123_456_789;
        let data: Vec<u8> = parts.iter().flat_map(|p| self.blobs[p].1.clone()).collect();
        n.content = parts.iter().map(|p| self.blobs[p].0).collect();
        n.size = data.len() as u64;
        n.sha256 = Some(hex::encode(Sha256::digest(&data)));
        (n, data)
    }

    fn tree(&mut self, mut nodes: Vec<Node>) -> BlobId {
        nodes.sort_by(|a, b| a.name.0.cmp(&b.name.0));
        let bytes = Tree { nodes }.encode();
        store_pack(&mut self.repo, &[(SealKind::Tree, &bytes)]).1[0]
    }

    fn snapshot(&mut self, root: BlobId) -> cairn_core::SnapshotId {
        store_snapshot(&self.repo, root, "2026-11-27T00:00:00Z", "h")
    }
}

fn opts(target: &Path, workers: usize) -> RestoreOptions {
    RestoreOptions {
        target: target.to_path_buf(),
        include: vec![],
        exclude: vec![],
        overwrite: Overwrite::IfChanged,
        delete: false,
        workers,
        special: false,
    }
}

fn temporaries(dir: &Path) -> usize {
    walk(dir)
        .iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".cairn-tmp")
        })
        .count()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn shared_repeated_spread_empty_sparse_and_damaged_blobs_restore_exactly() {
    let mut fx = Fixture::new();
    let zeros = vec![0u8; 3 * 64 * 1024];
    fx.pack(
        &[
            ("a", noise(300_000, 1)),
            ("b", noise(70_000, 2)),
            ("z", zeros),
        ],
        None,
    );
    fx.pack(&[("c", noise(200_000, 3)), ("d", noise(5, 4))], None);
    fx.pack(&[("e", noise(90_000, 5)), ("f", noise(1000, 6))], Some("e"));
    let mut expect: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut top = Vec::new();
    for (name, parts) in [
        ("empty", &[][..]),
        ("repeated", &["a", "b", "a", "a"][..]),
        ("spread", &["d", "a", "c", "b", "d"][..]),
        ("sparse", &["a", "z", "b", "z"][..]),
        ("bad-one", &["a", "e"][..]),
        ("bad-only", &["e"][..]),
        ("beside-bad", &["f", "c"][..]),
    ] {
        let (n, data) = fx.file(name, parts);
        expect.insert(name.into(), data);
        top.push(n);
    }
    let mut shared = Vec::new();
    for i in 0..60 {
        // More files than a worker keeps open, all needing the same blobs.
        let name = format!("f{i:02}");
        let (n, data) = fx.file(&name, &["c", "a"]);
        expect.insert(format!("many/{name}"), data);
        shared.push(n);
    }
    let sub = fx.tree(shared);
    let mut dir = Node::bare(b"many", NodeType::Dir, 0o755);
    dir.subtree = Some(sub);
    top.push(dir);
    let root = fx.tree(top);
    let snap = fx.snapshot(root);

    for workers in [1, 3] {
        let t = tempfile::tempdir().unwrap();
        let target = t.path().join("out");
        let p = plan(&fx.repo, snap, &root, &opts(&target, workers)).unwrap();
        let rep = execute(&fx.repo, &p, workers).unwrap();
        let mut failed: Vec<&str> = rep.errors.iter().map(|e| e.path.as_str()).collect();
        failed.sort();
        assert_eq!(failed, vec!["bad-one", "bad-only"], "{:?}", rep.errors);
        assert!(rep.errors[0].error.contains("pack "), "{:?}", rep.errors);
        for (path, data) in &expect {
            let got = std::fs::read(target.join(path));
            if path.starts_with("bad-") {
                assert!(got.is_err(), "{path} written despite damage");
                continue;
            }
            assert_eq!(&got.unwrap(), data, "{path}");
            let m = std::fs::metadata(target.join(path)).unwrap();
            assert_eq!(m.mode() & 0o7777, 0o640, "{path}");
            assert_eq!(m.mtime_nsec(), 123_456_789, "{path}");
        }
        assert_eq!(rep.files_written, expect.len() as u64 - 2);
        let bytes: usize = expect
            .iter()
            .filter(|(p, _)| !p.starts_with("bad-"))
            .map(|(_, d)| d.len())
            .sum();
        assert_eq!(rep.bytes_written, bytes as u64);
        assert_eq!(temporaries(&target), 0);
        // 2 x 192 KiB of zeros (one at the end) left as holes, give or take
        // the filesystem blocks they share with data.
        let sparse = std::fs::metadata(target.join("sparse")).unwrap();
        assert!(
            sparse.blocks() * 512 < sparse.len() - 300_000,
            "sparse: {} blocks for {} bytes",
            sparse.blocks(),
            sparse.len()
        );
        // Again: only the damaged files are still to do, and still fail.
        let p = plan(&fx.repo, snap, &root, &opts(&target, workers)).unwrap();
        let rep = execute(&fx.repo, &p, workers).unwrap();
        assert_eq!(rep.files_written, 0);
        assert_eq!(rep.errors.len(), 2);
        assert_eq!(temporaries(&target), 0);
    }
}

#[test]
fn a_missing_pack_fails_its_files_and_no_others() {
    let mut fx = Fixture::new();
    fx.pack(&[("a", noise(50_000, 1))], None);
    fx.pack(&[("b", noise(50_000, 2))], None);
    let (a, da) = fx.file("a", &["a"]);
    let (ab, _) = fx.file("ab", &["b", "a"]);
    let root = fx.tree(vec![a, ab]);
    let snap = fx.snapshot(root);
    let pack_b = fx.repo.index().get(&fx.blobs["b"].0).unwrap().0;
    fx.backend
        .delete(ObjectKind::Pack, &pack_b.to_hex())
        .unwrap();
    let t = tempfile::tempdir().unwrap();
    let p = plan(&fx.repo, snap, &root, &opts(t.path(), 2)).unwrap();
    let rep = execute(&fx.repo, &p, 2).unwrap();
    assert_eq!(rep.errors.len(), 1, "{:?}", rep.errors);
    assert_eq!(rep.errors[0].path, "ab");
    assert_eq!(std::fs::read(t.path().join("a")).unwrap(), da);
    assert!(!t.path().join("ab").exists());
    assert_eq!(temporaries(t.path()), 0);
}

#[test]
fn a_truncated_pack_fails_only_the_files_whose_blobs_are_cut_off() {
    let mut fx = Fixture::new();
    fx.pack(&[("a", noise(50_000, 1)), ("b", noise(50_000, 2))], None);
    let (a, da) = fx.file("a", &["a"]);
    let (b, _) = fx.file("b", &["b"]);
    let root = fx.tree(vec![a, b]);
    let snap = fx.snapshot(root);
    let (pack, eb) = fx.repo.index().get(&fx.blobs["b"].0).unwrap();
    let bytes = fx.backend.read(ObjectKind::Pack, &pack.to_hex()).unwrap();
    fx.backend.delete(ObjectKind::Pack, &pack.to_hex()).unwrap();
    let cut = eb.offset as usize + 10;
    fx.backend
        .write_new(ObjectKind::Pack, &pack.to_hex(), &bytes[..cut])
        .unwrap();
    let t = tempfile::tempdir().unwrap();
    let p = plan(&fx.repo, snap, &root, &opts(t.path(), 2)).unwrap();
    let rep = execute(&fx.repo, &p, 2).unwrap();
    assert_eq!(rep.errors.len(), 1, "{:?}", rep.errors);
    assert_eq!(rep.errors[0].path, "b");
    assert_eq!(std::fs::read(t.path().join("a")).unwrap(), da);
    assert_eq!(temporaries(t.path()), 0);
}
