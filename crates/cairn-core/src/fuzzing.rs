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
