//! Hostile repositories, written through the real encoders: whatever a
//! snapshot holds, restore creates, changes and deletes nothing outside its target.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::crypto::SealKind;
use cairn_core::keyslot::{Argon2Params, Credential};
use cairn_core::pack::{seal_blob, PackBuilder};
use cairn_core::repo::InitOptions;
use cairn_core::restore::{execute, plan, Overwrite, RestoreOptions};
use cairn_core::snapshot::{SnapshotMeta, SnapshotStats};
use cairn_core::tree::{Name, Node, NodeType};
use cairn_core::{Backend, BlobId, ErrorKind, ObjectKind, Repository};
use cairn_store::FsBackend;
use std::sync::Arc;

fn node(name: &[u8], kind: NodeType) -> Node {
    Node::bare(name, kind, 0o644)
}

/// Stores raw tree JSON (bypassing the encoder's own checks) and a snapshot pointing at it.
fn hostile_snapshot(
    repo: &mut Repository,
    trees: &[Vec<u8>],
    root: usize,
    data: &[&[u8]],
) -> (cairn_core::SnapshotId, BlobId) {
    let mut enc = repo.encoder().unwrap();
    let mut p = PackBuilder::with_capacity(1 << 20);
    let mut ids = Vec::new();
    for t in trees {
        let (id, sealed) = seal_blob(repo.keys(), &mut enc, SealKind::Tree, t).unwrap();
        p.add(SealKind::Tree, id, &sealed, t.len() as u32);
        ids.push(id);
    }
    for d in data {
        let (id, sealed) = seal_blob(repo.keys(), &mut enc, SealKind::Data, d).unwrap();
        p.add(SealKind::Data, id, &sealed, d.len() as u32);
    }
    let fin = p.finish(repo.keys(), &mut enc).unwrap();
    repo.backend()
        .write_new(ObjectKind::Pack, &fin.id.to_hex(), &fin.bytes)
        .unwrap();
    repo.commit_packs(&[(fin.id, fin.entries)]).unwrap();
    let meta = SnapshotMeta {
        version: 1,
        time: "2026-11-27T00:00:00Z".into(),
        spec: None,
        host: "evil".into(),
        paths: vec!["/".into()],
        tags: vec![],
        parent: None,
        tree: ids[root],
        incomplete: false,
        errors: vec![],
        stats: SnapshotStats::default(),
        program: "evil".into(),
    };
    (repo.save_snapshot(&meta).unwrap(), ids[root])
}

fn raw_tree(nodes: &[Node]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "nodes": nodes })).unwrap()
}

fn setup() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    let b: Arc<dyn Backend> = Arc::new(FsBackend::new(dir.path().join("repo")));
    let opts = InitOptions {
        compression: 3,
        argon2: Argon2Params::INSECURE_FOR_TESTS,
        worm: None,
    };
    let repo = Repository::init(
        b,
        &Credential::Passphrase("pw".into()),
        opts,
        "2026-01-01T00:00:00Z",
    )
    .unwrap();
    (dir, repo)
}

fn opts(target: &std::path::Path) -> RestoreOptions {
    RestoreOptions {
        target: target.to_path_buf(),
        include: vec![],
        exclude: vec![],
        overwrite: Overwrite::IfChanged,
        delete: true,
        workers: 2,
    }
}

fn outside_untouched(dir: &std::path::Path) {
    let names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        vec!["outside", "repo", "target"],
        "something was created beside the target"
    );
    assert_eq!(std::fs::read_dir(dir.join("outside")).unwrap().count(), 1);
    assert_eq!(
        std::fs::read(dir.join("outside/keep")).unwrap(),
        b"precious"
    );
}

#[test]
fn escaping_names_are_refused_before_anything_is_written() {
    for bad in [&b".."[..], b"../escape", b"/etc/passwd", b"a\0b", b".", b""] {
        let (dir, mut repo) = setup();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        std::fs::write(dir.path().join("outside/keep"), b"precious").unwrap();
        let mut n = node(bad, NodeType::File);
        let data = b"evil".as_slice();
        n.size = 4;
        n.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(data)));
        n.content = vec![BlobId(repo.keys().id(SealKind::Data, data))];
        let (id, root) = hostile_snapshot(&mut repo, &[raw_tree(&[n])], 0, &[data]);
        let target = dir.path().join("target");
        std::fs::create_dir_all(&target).unwrap();
        let e = plan(&repo, id, &root, &opts(&target)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{bad:?}: {e}");
        assert!(e.to_string().contains("unsafe name"), "{e}");
        outside_untouched(dir.path());
        assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
    }
}

#[test]
fn duplicate_names_and_forged_nodes_are_refused() {
    let (dir, mut repo) = setup();
    let mut a = node(b"a", NodeType::Symlink);
    a.target = Some(Name(b"../outside".to_vec()));
    let mut b = node(b"a", NodeType::Dir);
    b.subtree = Some(BlobId([9; 32]));
    let (id, root) = hostile_snapshot(&mut repo, &[raw_tree(&[a, b])], 0, &[]);
    let e = plan(&repo, id, &root, &opts(&dir.path().join("target"))).unwrap_err();
    assert!(e.to_string().contains("duplicated or unsorted"), "{e}");
}

#[test]
fn a_symlink_then_a_directory_of_the_same_name_never_writes_through_the_link() {
    // Snapshot 1 restores `a -> ../outside`; snapshot 2 holds a directory `a`
    // with a file. Restoring 2 over 1 must not write into ../outside.
    let (dir, mut repo) = setup();
    std::fs::create_dir_all(dir.path().join("outside")).unwrap();
    std::fs::write(dir.path().join("outside/keep"), b"precious").unwrap();
    let target = dir.path().join("target");
    let mut link = node(b"a", NodeType::Symlink);
    link.target = Some(Name(b"../outside".to_vec()));
    let (s1, r1) = hostile_snapshot(&mut repo, &[raw_tree(&[link])], 0, &[]);
    let p1 = plan(&repo, s1, &r1, &opts(&target)).unwrap();
    let rep = execute(&repo, &p1, 2).unwrap();
    assert!(rep.errors.is_empty());
    assert!(std::fs::symlink_metadata(target.join("a"))
        .unwrap()
        .file_type()
        .is_symlink());

    let data = b"planted".as_slice();
    let mut f = node(b"keep", NodeType::File);
    f.size = data.len() as u64;
    f.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(data)));
    f.content = vec![BlobId(repo.keys().id(SealKind::Data, data))];
    let inner = raw_tree(&[f]);
    let inner_id = BlobId(repo.keys().id(SealKind::Tree, &inner));
    let mut d = node(b"a", NodeType::Dir);
    d.subtree = Some(inner_id);
    let (s2, r2) = hostile_snapshot(&mut repo, &[inner, raw_tree(&[d])], 1, &[data]);
    let p2 = plan(&repo, s2, &r2, &opts(&target)).unwrap();
    let refused: Vec<_> = p2
        .entries
        .iter()
        .filter(|e| matches!(e.action, cairn_core::restore::Action::Refuse(_)))
        .collect();
    assert_eq!(refused.len(), 2, "{:?}", p2.entries);
    let rep = execute(&repo, &p2, 2).unwrap();
    let _ = rep;
    outside_untouched(dir.path());
}
