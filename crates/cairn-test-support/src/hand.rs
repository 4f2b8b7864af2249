//! Repository objects written by hand through the real encoders: packs of
//! chosen blobs and snapshots of chosen trees, for tests that need a shape
//! no backup writes (trees apart from data, hostile trees, forged files).

use cairn_core::crypto::SealKind;
use cairn_core::pack::{seal_blob, PackBuilder};
use cairn_core::snapshot::{SnapshotMeta, SnapshotStats};
use cairn_core::{BlobId, ObjectKind, PackId, Repository, SnapshotId};

/// Seals `blobs` into one pack, stores it and indexes it; returns the
/// pack's id and the blobs' ids in order.
pub fn store_pack(repo: &mut Repository, blobs: &[(SealKind, &[u8])]) -> (PackId, Vec<BlobId>) {
    let mut enc = repo.encoder().unwrap();
    let mut p = PackBuilder::with_capacity(1 << 20);
    let mut ids = Vec::new();
    for (kind, b) in blobs {
        let (id, sealed) = seal_blob(repo.keys(), &mut enc, *kind, b).unwrap();
        p.add(*kind, id, &sealed, b.len() as u32);
        ids.push(id);
    }
    let fin = p.finish(repo.keys(), &mut enc).unwrap();
    repo.backend()
        .write_new(ObjectKind::Pack, &fin.id.to_hex(), &fin.bytes)
        .unwrap();
    repo.commit_packs(&[(fin.id, fin.entries)]).unwrap();
    (fin.id, ids)
}

/// A snapshot of the tree `root` taken at `time` on host `host` of `/`,
/// with no statistics; stored, and its id returned.
pub fn store_snapshot(repo: &Repository, root: BlobId, time: &str, host: &str) -> SnapshotId {
    let meta = SnapshotMeta {
        version: 1,
        time: time.into(),
        spec: None,
        host: host.into(),
        paths: vec!["/".into()],
        tags: vec![],
        parent: None,
        tree: root,
        incomplete: false,
        errors: vec![],
        stats: SnapshotStats::default(),
        program: "test".into(),
    };
    repo.save_snapshot(&meta).unwrap()
}
