//! Reading a file of a snapshot at any offset, as a mount does, with the
//! guarantee [`super::cat`] gives: no byte of a file's **last blob** is
//! handed out before the whole content matched the size and SHA-256 its
//! tree records. Every blob is authenticated as it is read; the whole-file
//! check catches a forged blob *list* (authentic blobs of another file).
//!
//! Reads come in any order, so the hash is fed in blob order as reads
//! happen to reach the next blob (a sequential reader, `cp` or `diff`,
//! feeds it for free); a read that touches the last blob first reads
//! whatever the hash has not seen yet. Offsets come from the index's
//! plaintext lengths, checked against each blob as it arrives, so a read in
//! the middle of a large file loads only the blobs it covers.
//!
//! Blobs go through a [`BlobCache`] bounded in bytes: a kernel asks for a
//! file 128 KiB at a time, and a blob is about 1 MiB.

use crate::error::{Error, ErrorKind, Result};
use crate::ids::BlobId;
use crate::repo::Repository;
use crate::tree::Node;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// Where file content comes from: the repository, or a map in a test.
pub trait BlobSource {
    /// The plaintext of blob `id`, authenticated.
    fn blob(&self, id: &BlobId) -> Result<Vec<u8>>;
    /// Its plaintext length as the index records it (`None`: not indexed).
    fn blob_len(&self, id: &BlobId) -> Option<u64>;
}

impl BlobSource for Repository {
    fn blob(&self, id: &BlobId) -> Result<Vec<u8>> {
        self.load_blob(id)
    }
    fn blob_len(&self, id: &BlobId) -> Option<u64> {
        self.index().get(id).map(|(_, e)| u64::from(e.raw_len))
    }
}

/// Blobs recently read, at most `budget` bytes of them; the least recently
/// used go first. A blob larger than the budget is handed out uncached.
pub struct BlobCache {
    budget: u64,
    used: u64,
    tick: u64,
    blobs: HashMap<BlobId, (Arc<Vec<u8>>, u64)>,
}

impl BlobCache {
    /// An empty cache holding at most `budget` bytes.
    pub fn new(budget: u64) -> BlobCache {
        BlobCache {
            budget,
            used: 0,
            tick: 0,
            blobs: HashMap::new(),
        }
    }

    /// Bytes held now.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Blob `id`, from the cache or read from `src`.
    pub fn get(&mut self, src: &dyn BlobSource, id: &BlobId) -> Result<Arc<Vec<u8>>> {
        self.tick += 1;
        if let Some((b, last)) = self.blobs.get_mut(id) {
            *last = self.tick;
            return Ok(Arc::clone(b));
        }
        let b = Arc::new(src.blob(id)?);
        let len = b.len() as u64;
        if len <= self.budget {
            while self.used + len > self.budget {
                self.evict_oldest();
            }
            self.used += len;
            self.blobs.insert(*id, (Arc::clone(&b), self.tick));
        }
        Ok(b)
    }

    fn evict_oldest(&mut self) {
        // A linear scan: the budget holds tens of blobs, not thousands.
        let oldest = self
            .blobs
            .iter()
            .min_by_key(|(_, (_, t))| *t)
            .map(|(k, _)| *k);
        if let Some(k) = oldest {
            if let Some((b, _)) = self.blobs.remove(&k) {
                self.used -= b.len() as u64;
            }
        }
    }
}

/// Whether the whole content has been checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checked {
    Not,
    Matches,
    Failed,
}

/// One file being read: where its blobs start, and how far the whole-file
/// hash has got.
pub struct FileReader {
    node: Node,
    /// Offset of each blob; one more entry, the end.
    starts: Vec<u64>,
    /// Blobs fed to `sha`, in order.
    hashed: usize,
    sha: Sha256,
    checked: Checked,
}

impl FileReader {
    /// A reader of the file `node`. Fails when a blob is not indexed or the
    /// blobs' lengths do not add up to the recorded size.
    pub fn new(node: &Node, src: &dyn BlobSource) -> Result<FileReader> {
        let mut starts = Vec::with_capacity(node.content.len() + 1);
        let mut at = 0u64;
        for id in &node.content {
            starts.push(at);
            let len = src.blob_len(id).ok_or_else(|| {
                Error::corrupt(format!("blob {id} is referenced but not in the index"))
            })?;
            at = at.saturating_add(len);
        }
        starts.push(at);
        if at != node.size {
            return Err(mismatch());
        }
        Ok(FileReader {
            node: node.clone(),
            starts,
            hashed: 0,
            sha: Sha256::new(),
            checked: Checked::Not,
        })
    }

    /// Up to `size` bytes from `offset` (fewer at the end of the file).
    pub fn read(
        &mut self,
        src: &dyn BlobSource,
        cache: &mut BlobCache,
        offset: u64,
        size: u32,
    ) -> Result<Vec<u8>> {
        if self.checked == Checked::Failed {
            return Err(mismatch());
        }
        let end = offset.saturating_add(u64::from(size)).min(self.node.size);
        let mut out = Vec::with_capacity(end.saturating_sub(offset) as usize);
        let last = self.node.content.len().saturating_sub(1);
        // The first blob ending after `offset`.
        let mut i = self.starts[1..].partition_point(|&e| e <= offset);
        while i < self.node.content.len() && self.starts[i] < end {
            if i == last {
                self.check_whole(src, cache)?;
            }
            let blob = self.blob(src, cache, i)?;
            let from = offset.max(self.starts[i]) - self.starts[i];
            let to = end.min(self.starts[i + 1]) - self.starts[i];
            out.extend_from_slice(&blob[from as usize..to as usize]);
            i += 1;
        }
        Ok(out)
    }

    /// Blob `i`, checked against the length its offsets assume, fed to the
    /// hash when it is the next one the hash needs.
    fn blob(
        &mut self,
        src: &dyn BlobSource,
        cache: &mut BlobCache,
        i: usize,
    ) -> Result<Arc<Vec<u8>>> {
        let b = cache.get(src, &self.node.content[i])?;
        if b.len() as u64 != self.starts[i + 1] - self.starts[i] {
            self.checked = Checked::Failed;
            return Err(mismatch());
        }
        if i == self.hashed {
            self.sha.update(b.as_slice());
            self.hashed += 1;
        }
        Ok(b)
    }

    /// Feeds the hash every blob it has not seen, and compares.
    fn check_whole(&mut self, src: &dyn BlobSource, cache: &mut BlobCache) -> Result<()> {
        if self.checked == Checked::Matches {
            return Ok(());
        }
        while self.hashed < self.node.content.len() {
            self.blob(src, cache, self.hashed)?;
        }
        let sum = hex::encode(self.sha.clone().finalize());
        if self.node.sha256.as_deref() == Some(sum.as_str()) {
            self.checked = Checked::Matches;
            Ok(())
        } else {
            self.checked = Checked::Failed;
            Err(mismatch())
        }
    }
}

fn mismatch() -> Error {
    Error::new(
        ErrorKind::Corrupt,
        "content does not match the SHA-256 and size its snapshot records; the rest was withheld",
    )
    .hint("the snapshot is damaged or forged: run verify, and take the file from another snapshot")
}

#[cfg(test)]
mod tests {
    use super::super::testing::file;
    use super::*;
    use std::cell::Cell;

    struct Blobs {
        map: HashMap<BlobId, Vec<u8>>,
        loads: Cell<usize>,
    }

    impl BlobSource for Blobs {
        fn blob(&self, id: &BlobId) -> Result<Vec<u8>> {
            self.loads.set(self.loads.get() + 1);
            Ok(self.map[id].clone())
        }
        fn blob_len(&self, id: &BlobId) -> Option<u64> {
            self.map.get(id).map(|b| b.len() as u64)
        }
    }

    /// A file described as `content`, stored as `parts`.
    fn stored(content: &[u8], parts: &[&[u8]]) -> (Node, Blobs) {
        let mut n = file("f", content);
        let mut map = HashMap::new();
        for (i, p) in parts.iter().enumerate() {
            let id = BlobId([i as u8 + 1; 32]);
            n.content.push(id);
            map.insert(id, p.to_vec());
        }
        let loads = Cell::new(0);
        (n, Blobs { map, loads })
    }

    #[test]
    fn reads_at_any_offset_across_blobs() {
        let (n, src) = stored(
            b"hello brave new world",
            &[b"hello ", b"brave ", b"new world"],
        );
        let mut r = FileReader::new(&n, &src).unwrap();
        let mut c = BlobCache::new(1 << 20);
        assert_eq!(r.read(&src, &mut c, 3, 6,).unwrap(), b"lo bra");
        assert_eq!(
            r.read(&src, &mut c, 0, 100).unwrap(),
            b"hello brave new world"
        );
        assert_eq!(r.read(&src, &mut c, 12, 3).unwrap(), b"new");
        assert!(r.read(&src, &mut c, 21, 10).unwrap().is_empty());
        assert!(r.read(&src, &mut c, 500, 10).unwrap().is_empty());
        assert_eq!(src.loads.get(), 3, "each blob read once, then cached");
    }

    #[test]
    fn a_forged_blob_list_never_yields_its_last_blob() {
        // Authentic blobs of another file: each reads, the hash fails.
        let (n, src) = stored(b"hello world", &[b"hello ", b"WORLD"]);
        let mut r = FileReader::new(&n, &src).unwrap();
        let mut c = BlobCache::new(1 << 20);
        assert_eq!(r.read(&src, &mut c, 0, 3).unwrap(), b"hel");
        let e = r.read(&src, &mut c, 6, 5).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt);
        // Jumping straight to the end fails too (the hash reads the rest),
        // and once failed, every read fails.
        let mut r = FileReader::new(&n, &src).unwrap();
        assert!(r.read(&src, &mut c, 10, 1).is_err());
        assert!(r.read(&src, &mut c, 0, 1).is_err());
        // One blob: nothing at all.
        let (n, src) = stored(b"hello world", &[b"hello WORLD"]);
        let mut r = FileReader::new(&n, &src).unwrap();
        assert!(r.read(&src, &mut c, 0, 2).is_err());
    }

    #[test]
    fn lengths_that_disagree_are_refused() {
        let (mut n, src) = stored(b"abc", &[b"abc"]);
        n.size = 4;
        assert!(FileReader::new(&n, &src).is_err());
        // The index says 3 bytes, the blob holds 2.
        let (n, mut src) = stored(b"abc", &[b"abc"]);
        let id = n.content[0];
        src.map.insert(id, b"ab".to_vec());
        struct Lying<'a>(&'a Blobs);
        impl BlobSource for Lying<'_> {
            fn blob(&self, id: &BlobId) -> Result<Vec<u8>> {
                self.0.blob(id)
            }
            fn blob_len(&self, _: &BlobId) -> Option<u64> {
                Some(3)
            }
        }
        let lying = Lying(&src);
        let mut r = FileReader::new(&n, &lying).unwrap();
        let e = r
            .read(&lying, &mut BlobCache::new(1 << 20), 0, 3)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt);
    }

    #[test]
    fn the_cache_stays_within_its_budget() {
        let (n, src) = stored(b"aaaabbbbccccdddd", &[b"aaaa", b"bbbb", b"cccc", b"dddd"]);
        let mut c = BlobCache::new(8);
        for id in &n.content {
            c.get(&src, id).unwrap();
            assert!(c.used() <= 8);
        }
        // The two most recent are held; the first was evicted.
        c.get(&src, &n.content[3]).unwrap();
        assert_eq!(src.loads.get(), 4);
        c.get(&src, &n.content[0]).unwrap();
        assert_eq!(src.loads.get(), 5);
        // Larger than the budget: handed out, not held.
        let mut tiny = BlobCache::new(2);
        assert_eq!(tiny.get(&src, &n.content[0]).unwrap().len(), 4);
        assert_eq!(tiny.used(), 0);
    }
}
