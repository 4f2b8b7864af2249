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
    let sealed: Vec<Sealed> = blobs
        .iter()
        .map(|(kind, b)| {
            let (id, sealed) = seal_blob(repo.keys(), &mut enc, *kind, b).unwrap();
            (*kind, id, sealed, b.len() as u32)
        })
        .collect();
    let ids = sealed.iter().map(|s| s.1).collect();
    (store_sealed_pack(repo, &sealed), ids)
}

/// A blob as a pack holds it: kind, id, sealed bytes, plaintext length.
pub type Sealed = (SealKind, BlobId, Vec<u8>, u32);

/// Stores blobs sealed by the caller in one pack and indexes it: for
/// frames no encoder writes (FORMAT.md §4's rules, tested from outside).
pub fn store_sealed_pack(repo: &mut Repository, blobs: &[Sealed]) -> PackId {
    let mut enc = repo.encoder().unwrap();
    let mut p = PackBuilder::with_capacity(1 << 20);
    for (kind, id, sealed, raw_len) in blobs {
        p.add(*kind, *id, sealed, *raw_len);
    }
    let fin = p.finish(repo.keys(), &mut enc).unwrap();
    repo.backend()
        .write_new(ObjectKind::Pack, &fin.id.to_hex(), &fin.bytes)
        .unwrap();
    repo.commit_packs(&[(fin.id, fin.entries)]).unwrap();
    fin.id
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
