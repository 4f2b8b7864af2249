//! A set of blob ids for the runs that see every blob of a large tree (the
//! blobs a backup or copy has stored so far, the blobs prune finds in use).
//!
//! `HashSet<BlobId>` keeps each 32-byte id in its table, and the table grows
//! by doubling: at a million ids it holds 2^21 buckets of 33 bytes (69 MB,
//! 72 bytes per id), and the step from 2^20 buckets allocates the new table
//! while the old one is alive (a 100 MB moment; measured in a backup of a
//! million small files, docs/BENCHMARKS.md). Here the ids sit once, in
//! fixed-size chunks that never move, and the table holds 4-byte positions:
//! about 42 bytes per id at a million, and a resize copies positions only.
//!
//! Ids are keyed hashes, so their first eight bytes are the hash: uniform,
//! and not chosen by whoever supplies the files (they do not know the key).

use crate::ids::BlobId;
use hashbrown::HashTable;

/// Ids per chunk: 512 KiB each, allocated whole, never moved.
const CHUNK: usize = 1 << 14;

/// A set of [`BlobId`]s, about 42 bytes per id.
#[derive(Default)]
pub struct IdSet {
    table: HashTable<u32>,
    chunks: Vec<Vec<BlobId>>,
}

fn hash(id: &BlobId) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&id.0[..8]);
    u64::from_le_bytes(b)
}

fn at(chunks: &[Vec<BlobId>], pos: u32) -> &BlobId {
    let pos = pos as usize;
    &chunks[pos / CHUNK][pos % CHUNK]
}

impl IdSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many ids it holds.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: &BlobId) -> bool {
        self.table
            .find(hash(id), |&p| at(&self.chunks, p) == id)
            .is_some()
    }

    /// Adds `id`; false when it was there already.
    pub fn insert(&mut self, id: BlobId) -> bool {
        let pos = self.table.len();
        let chunks = &self.chunks;
        // One probe: the slot found absent is the one filled.
        let slot = self.table.entry(
            hash(&id),
            |&q| at(chunks, q) == &id,
            |&q| hash(at(chunks, q)),
        );
        let hashbrown::hash_table::Entry::Vacant(slot) = slot else {
            return false;
        };
        // Four thousand million ids would be 170 GB of set: never reached.
        let Ok(p) = u32::try_from(pos) else {
            panic!("more than 2^32 blob ids in one set");
        };
        if pos.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(last) = self.chunks.last_mut() {
            last.push(id);
        }
        slot.insert(p);
        true
    }

    /// The ids, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &BlobId> {
        self.into_iter()
    }
}

impl<'a> IntoIterator for &'a IdSet {
    type Item = &'a BlobId;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<BlobId>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
    }
}

impl Extend<BlobId> for IdSet {
    fn extend<I: IntoIterator<Item = BlobId>>(&mut self, ids: I) {
        for id in ids {
            self.insert(id);
        }
    }
}

impl FromIterator<BlobId> for IdSet {
    fn from_iter<I: IntoIterator<Item = BlobId>>(ids: I) -> Self {
        let mut s = IdSet::new();
        s.extend(ids);
        s
    }
}

impl std::fmt::Debug for IdSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdSet({} ids)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn id(n: u64, tail: u8) -> BlobId {
        let mut b = [tail; 32];
        b[..8].copy_from_slice(&n.to_le_bytes());
        BlobId(b)
    }

    #[test]
    fn it_answers_as_a_hash_set_does_across_chunks() {
        let mut ours = IdSet::new();
        let mut std = HashSet::new();
        // Over three chunks, with repeats, and ids that share their first
        // eight bytes (the hash) but differ after: both must be kept.
        for n in 0..(2 * CHUNK as u64 + 100) {
            let a = id(n * 7919 % 40_000, (n % 3) as u8);
            assert_eq!(ours.insert(a), std.insert(a), "insert {n}");
        }
        assert_eq!(ours.len(), std.len());
        for n in 0..50_000u64 {
            for tail in 0..4 {
                let a = id(n, tail);
                assert_eq!(ours.contains(&a), std.contains(&a), "{n} {tail}");
            }
        }
        let listed: HashSet<BlobId> = ours.iter().copied().collect();
        assert_eq!(listed, std);
        assert!(ours.len() > 2 * CHUNK, "the test spans chunks");
    }

    #[test]
    fn an_id_with_the_same_hash_is_not_taken_for_another() {
        let mut s = IdSet::new();
        assert!(s.insert(id(5, 1)));
        assert!(!s.contains(&id(5, 2)));
        assert!(s.insert(id(5, 2)));
        assert!(!s.insert(id(5, 1)));
        assert_eq!(s.len(), 2);
        assert!(IdSet::new().is_empty());
    }
}
