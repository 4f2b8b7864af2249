//! Hostile snapshots for dr_targets, built through the real encoders (sealed
//! blobs, a real pack, a committed index, a sealed snapshot) but with trees
//! no honest backup writes: names that climb out of the target, absolute
//! names, and a symlink followed by a directory of the same name. Restore
//! must refuse or contain every one of them.

use crate::error::Result;
use cairn_core::crypto::SealKind;
use cairn_core::keyslot::{Argon2Params, Credential};
use cairn_core::pack::{seal_blob, PackBuilder};
use cairn_core::repo::InitOptions;
use cairn_core::snapshot::{SnapshotMeta, SnapshotStats};
use cairn_core::tree::{Node, NodeType};
use cairn_core::{Backend, BlobId, ObjectKind, Repository, SnapshotId};
use std::sync::Arc;

/// A scratch repository in memory: nothing of it touches the disk.
pub fn scratch_repo() -> Result<Repository> {
    let b: Arc<dyn Backend> = Arc::new(cairn_store::MemoryBackend::new());
    // A key file credential: no Argon2 work for a repository that lives seconds.
    let key: [u8; 32] = cairn_core::crypto::random_array()?;
    let opts = InitOptions {
        compression: 3,
        argon2: Argon2Params::DEFAULT,
        worm: None,
    };
    Ok(Repository::init(
        b,
        &Credential::KeyFile(key.to_vec()),
        opts,
        cairn_core::clock::parse_rfc3339("2026-01-01T00:00:00Z")?,
    )?)
}

/// A node with harmless defaults.
pub fn node(name: &[u8], kind: NodeType) -> Node {
    Node::bare(
        name,
        kind,
        if kind == NodeType::Dir { 0o755 } else { 0o644 },
    )
}

/// A regular file node holding `data` (which must be stored with the snapshot).
pub fn file(repo: &Repository, name: &[u8], data: &[u8]) -> Node {
    let mut n = node(name, NodeType::File);
    n.size = data.len() as u64;
    n.sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(data)));
    n.content = vec![BlobId(repo.keys().id(SealKind::Data, data))];
    n
}

/// Tree JSON written raw, bypassing the encoder's own checks on names.
pub fn raw_tree(nodes: &[Node]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "nodes": nodes })).unwrap_or_default()
}

/// The id a raw tree gets when stored.
pub fn tree_id(repo: &Repository, tree: &[u8]) -> BlobId {
    BlobId(repo.keys().id(SealKind::Tree, tree))
}

/// Stores `trees` and `data` in one pack, and a snapshot whose root is `trees[root]`.
pub fn snapshot(
    repo: &mut Repository,
    trees: &[Vec<u8>],
    root: usize,
    data: &[&[u8]],
) -> Result<(SnapshotId, BlobId)> {
    let mut enc = repo.encoder()?;
    let mut p = PackBuilder::with_capacity(1 << 20);
    let mut ids = Vec::new();
    for t in trees {
        let (id, sealed) = seal_blob(repo.keys(), &mut enc, SealKind::Tree, t)?;
        p.add(SealKind::Tree, id, &sealed, t.len() as u32);
        ids.push(id);
    }
    for d in data {
        let (id, sealed) = seal_blob(repo.keys(), &mut enc, SealKind::Data, d)?;
        p.add(SealKind::Data, id, &sealed, d.len() as u32);
    }
    let fin = p.finish(repo.keys(), &mut enc)?;
    cairn_core::repo::write_idempotent(
        repo.backend().as_ref(),
        ObjectKind::Pack,
        &fin.id.to_hex(),
        &fin.bytes,
    )?;
    repo.commit_packs(&[(fin.id, fin.entries)])?;
    let tree = ids
        .get(root)
        .copied()
        .ok_or_else(|| cairn_core::Error::invalid("hostile snapshot: root index out of range"))?;
    let meta = SnapshotMeta {
        version: 1,
        time: "2026-01-01T00:00:00Z".into(),
        spec: None,
        host: "rg7-hostile".into(),
        paths: vec!["/".into()],
        tags: vec![],
        parent: None,
        tree,
        incomplete: false,
        errors: vec![],
        stats: SnapshotStats::default(),
        program: "cairn gate".into(),
    };
    Ok((repo.save_snapshot(&meta)?, tree))
}
