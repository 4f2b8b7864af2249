//! Index files map blob ids to their place in packs, so a reader need not
//! open every pack trailer. They are sealed objects named by their keyed id:
//!
//! ```text
//! plain = "CAIRNIX1" | pack_count u32 LE | (pack id (32) | entries)*
//! ```
//! with `entries` as in pack trailers. An index can always be rebuilt from the
//! pack trailers; it is a cache with integrity, not the source of truth.

use crate::codec::{self, Encoder};
use crate::crypto::{Epoch, Keys, SealKind};
use crate::error::{Error, Result};
use crate::ids::{BlobId, PackId};
use crate::pack::{decode_entries, BlobEntry, ENTRY_LEN, MAX_ENTRIES};
use std::collections::HashMap;

const INDEX_MAGIC: &[u8; 8] = b"CAIRNIX1";
/// Index files larger than this are refused (bounds memory on hostile input).
pub const MAX_INDEX_LEN: usize = 512 * 1024 * 1024;

/// Where a blob is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Position of the pack in [`Index::packs`].
    pub pack: u32,
    /// The entry from the pack trailer.
    pub entry: BlobEntry,
}

/// One blob's place, fixed size (52 bytes): the in-memory index is a sorted
/// array of these, not a hash map of owned structs, so a repository of ten
/// million blobs is indexed in about 520 MB rather than well over a gigabyte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    id: BlobId,
    pack: u32,
    offset: u32,
    stored_len: u32,
    raw_len: u32,
    kind: SealKind,
}

impl Slot {
    fn new(l: &Location) -> Self {
        Slot {
            id: l.entry.id,
            pack: l.pack,
            offset: l.entry.offset,
            stored_len: l.entry.stored_len,
            raw_len: l.entry.raw_len,
            kind: l.entry.kind,
        }
    }

    fn location(&self) -> Location {
        Location {
            pack: self.pack,
            entry: BlobEntry {
                kind: self.kind,
                id: self.id,
                offset: self.offset,
                stored_len: self.stored_len,
                raw_len: self.raw_len,
            },
        }
    }
}

/// Blobs added since the last merge wait in a hash map until they are this
/// many, or an eighth of the sorted array: a merge moves the array's
/// entries, so it happens a few times per doubling, not per pack, and the
/// map (about twice the bytes per blob) stays a small part of the whole.
const MERGE_AT: usize = 1 << 16;

/// The in-memory index: every blob of the repository.
///
/// Index files are sealed, so storage cannot forge an entry, but it can
/// replay an old index file whose pack a prune has since removed. Which
/// entry is loaded first then depends on names, so a blob found in two
/// different packs keeps the second place too ([`Index::alternates`]), and
/// each pack remembers the index file that first listed it, for errors.
///
/// Memory: blobs live in `sorted` (52 bytes each, found by binary search);
/// the few added since the last merge in `recent`. [`Index::compact`] after
/// a bulk load leaves everything in `sorted`, sized exactly.
#[derive(Debug, Default, Clone)]
pub struct Index {
    packs: Vec<PackId>,
    pack_pos: HashMap<PackId, u32>,
    sorted: Vec<Slot>,
    recent: HashMap<BlobId, Location>,
    /// Later places of blobs already known in another pack; empty unless
    /// an interrupted prune or a replayed index left duplicates.
    alternates: HashMap<BlobId, Vec<Location>>,
    /// Per pack position, the index file that first listed it (None: a
    /// pack trailer read or written by this session).
    listed_by: Vec<Option<u32>>,
    files: Vec<String>,
}

impl Index {
    /// Adds a pack's entries. A blob already known keeps its first location.
    pub fn add_pack(&mut self, pack: PackId, entries: &[BlobEntry]) {
        self.add_listed(pack, entries, None);
    }

    /// As [`Index::add_pack`], for entries read from the index file `file`.
    pub fn add_from_file(&mut self, file: &str, pack: PackId, entries: &[BlobEntry]) {
        let n = match self.files.iter().position(|f| f == file) {
            Some(n) => n,
            None => {
                self.files.push(file.to_string());
                self.files.len() - 1
            }
        };
        self.add_listed(pack, entries, Some(n as u32));
    }

    fn add_listed(&mut self, pack: PackId, entries: &[BlobEntry], file: Option<u32>) {
        let pos = *self.pack_pos.entry(pack).or_insert_with(|| {
            self.packs.push(pack);
            self.listed_by.push(file);
            (self.packs.len() - 1) as u32
        });
        for e in entries {
            let here = Location {
                pack: pos,
                entry: *e,
            };
            match self.find(&e.id) {
                None => {
                    self.recent.insert(e.id, here);
                }
                Some(first) if first.pack != pos => {
                    let alt = self.alternates.entry(e.id).or_default();
                    if !alt.iter().any(|l| l.pack == pos) {
                        alt.push(here);
                    }
                }
                Some(_) => {}
            }
        }
        if self.recent.len() > MERGE_AT.max(self.sorted.len() / 8) {
            self.compact();
        }
    }

    /// Moves every recently added blob into the sorted array, sized exactly
    /// (call after a bulk load: the memory then is 52 bytes per blob).
    pub fn compact(&mut self) {
        if self.recent.is_empty() && self.sorted.len() == self.sorted.capacity() {
            return;
        }
        let mut new: Vec<Slot> = self.recent.drain().map(|(_, l)| Slot::new(&l)).collect();
        self.recent.shrink_to_fit();
        new.sort_unstable_by_key(|s| s.id);
        // Merged in place from the back: the array grows by the new part
        // only (a large one is remapped, not copied), so a merge never holds
        // two copies of the index.
        let old = self.sorted.len();
        self.sorted.reserve_exact(new.len());
        self.sorted.extend_from_slice(&new);
        let (mut i, mut j) = (old, new.len());
        // The two never share an id: a blob goes to `recent` only when unknown.
        while j > 0 {
            let k = i + j - 1;
            if i > 0 && self.sorted[i - 1].id > new[j - 1].id {
                self.sorted[k] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[k] = new[j - 1];
                j -= 1;
            }
        }
        self.sorted.shrink_to_fit();
    }

    fn find(&self, id: &BlobId) -> Option<Location> {
        // Ids are keyed hashes, so their first eight bytes almost always
        // decide, and comparing them as one number is far cheaper than a
        // call to memcmp for all 32 (a restore or verify of a million small
        // files looks up every blob a few times; perf showed memcmp at 6-8%).
        // Big-endian keeps the order of the bytes.
        let head = |id: &BlobId| u64::from_be_bytes(id.0[..8].try_into().unwrap_or_default());
        let key = head(id);
        match self
            .sorted
            .binary_search_by(|s| head(&s.id).cmp(&key).then_with(|| s.id.cmp(id)))
        {
            Ok(i) => Some(self.sorted[i].location()),
            Err(_) => self.recent.get(id).copied(),
        }
    }

    /// Where a blob is (its first known location).
    pub fn get(&self, id: &BlobId) -> Option<(PackId, BlobEntry)> {
        self.find(id)
            .map(|l| (self.packs[l.pack as usize], l.entry))
    }

    /// The blob's other known locations, in other packs, in load order.
    pub fn alternates(&self, id: &BlobId) -> Vec<(PackId, BlobEntry)> {
        self.alternates
            .get(id)
            .into_iter()
            .flatten()
            .map(|l| (self.packs[l.pack as usize], l.entry))
            .collect()
    }

    /// The index file that first listed `pack`, if it came from one.
    pub fn listed_by(&self, pack: &PackId) -> Option<&str> {
        let pos = *self.pack_pos.get(pack)?;
        let f = (*self.listed_by.get(pos as usize)?)?;
        self.files.get(f as usize).map(String::as_str)
    }

    /// Whether `id` is indexed as something other than a data blob: a
    /// file's `content` naming it is damage (FORMAT.md §10).
    pub fn is_not_data(&self, id: &BlobId) -> bool {
        self.get(id)
            .is_some_and(|(_, e)| e.kind != crate::crypto::SealKind::Data)
    }

    /// Whether the blob is stored.
    pub fn contains(&self, id: &BlobId) -> bool {
        self.find(id).is_some()
    }

    /// Whether the pack is known.
    pub fn has_pack(&self, id: &PackId) -> bool {
        self.pack_pos.contains_key(id)
    }

    /// Number of blobs.
    pub fn len(&self) -> usize {
        self.sorted.len() + self.recent.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Known packs.
    pub fn packs(&self) -> &[PackId] {
        &self.packs
    }

    /// Heap bytes the blob table holds (the sorted array and the recent
    /// map, by capacity), for measuring bytes per blob.
    pub fn blob_table_bytes(&self) -> usize {
        let slot = std::mem::size_of::<Slot>();
        // hashbrown: one control byte per bucket besides the pair.
        let pair = std::mem::size_of::<(BlobId, Location)>() + 1;
        self.sorted.capacity() * slot + self.recent.capacity() * pair
    }

    /// Merges another index.
    pub fn merge(&mut self, other: &Index) {
        for (pack, entries) in other.by_pack() {
            self.add_pack(pack, &entries);
        }
    }

    /// Entries grouped by pack, packs in insertion order, entries by offset
    /// (each blob at its first location only).
    pub fn by_pack(&self) -> Vec<(PackId, Vec<BlobEntry>)> {
        self.grouped(false)
    }

    /// As [`Index::by_pack`], with every known copy of a blob in its pack:
    /// what each pack really holds, duplicates included (prune must see the
    /// copies that clients backing up at once stored twice).
    pub fn by_pack_with_copies(&self) -> Vec<(PackId, Vec<BlobEntry>)> {
        self.grouped(true)
    }

    fn grouped(&self, copies: bool) -> Vec<(PackId, Vec<BlobEntry>)> {
        let mut groups: Vec<Vec<BlobEntry>> = vec![Vec::new(); self.packs.len()];
        let all = self
            .sorted
            .iter()
            .map(Slot::location)
            .chain(self.recent.values().copied());
        let alternates = self.alternates.values().flatten().copied();
        for l in all.chain(alternates.filter(|_| copies)) {
            groups[l.pack as usize].push(l.entry);
        }
        self.packs
            .iter()
            .zip(groups)
            .map(|(p, mut g)| {
                g.sort_by_key(|e| e.offset);
                (*p, g)
            })
            .collect()
    }
}

/// Encodes and seals packs' entries as one index file: (object name, bytes).
pub fn seal_index_file(
    keys: &Keys,
    enc: &mut Encoder,
    packs: &[(PackId, Vec<BlobEntry>)],
) -> Result<(String, Vec<u8>)> {
    // Never held whole: a backup of a million files has a 45 MB plaintext,
    // written once into the id's hasher and once into the compressor.
    let len = 12
        + packs
            .iter()
            .map(|(_, e)| 36 + e.len() * ENTRY_LEN)
            .sum::<usize>();
    let plain = |w: &mut dyn std::io::Write| -> std::io::Result<()> {
        w.write_all(INDEX_MAGIC)?;
        w.write_all(&(packs.len() as u32).to_le_bytes())?;
        let mut buf = Vec::new();
        for (id, entries) in packs {
            buf.clear();
            buf.extend_from_slice(&id.0);
            buf.extend_from_slice(&(entries.len() as u32).to_le_bytes());
            for e in entries {
                e.encode_into(&mut buf);
            }
            w.write_all(&buf)?;
        }
        Ok(())
    };
    let mut hasher = keys.id_hasher(SealKind::Index);
    plain(&mut hasher).map_err(|e| Error::io("hashing an index file", e))?;
    let id = *hasher.finalize().as_bytes();
    let mut sealed = Vec::new();
    enc.encode_streamed(len, &plain, &mut sealed)?;
    keys.seal_in_place(SealKind::Index, &id, &mut sealed)?;
    Ok((hex::encode(id), sealed))
}

/// Opens an index file named `name` and returns its packs' entries.
pub fn open_index_file(
    keys: &Keys,
    name: &str,
    sealed: &[u8],
) -> Result<Vec<(PackId, Vec<BlobEntry>)>> {
    open_index_file_epoch(keys, name, sealed).map(|(packs, _)| packs)
}

/// As [`open_index_file`], also saying which key epoch sealed the file.
#[allow(clippy::type_complexity)]
pub fn open_index_file_epoch(
    keys: &Keys,
    name: &str,
    sealed: &[u8],
) -> Result<(Vec<(PackId, Vec<BlobEntry>)>, Epoch)> {
    let mut id = [0u8; 32];
    hex::decode_to_slice(name, &mut id)
        .map_err(|_| Error::corrupt(format!("index object name {name:?} is not an id")))?;
    if sealed.len() > MAX_INDEX_LEN {
        return Err(Error::corrupt(format!(
            "index {name} is larger than any valid index"
        )));
    }
    let (frame, epoch) = keys.open(SealKind::Index, &id, sealed)?;
    let plain = codec::decode_bounded(&frame, MAX_INDEX_LEN)?;
    if keys.id_in(epoch, SealKind::Index, &plain) != id {
        return Err(Error::corrupt(format!(
            "index {name} does not hash to its name"
        )));
    }
    let packs = decode_index_plain(&plain).map_err(|e| e.context(format!("index {name}")))?;
    Ok((packs, epoch))
}

pub(crate) fn decode_index_plain(plain: &[u8]) -> Result<Vec<(PackId, Vec<BlobEntry>)>> {
    if plain.len() < 12 || &plain[..8] != INDEX_MAGIC {
        return Err(Error::corrupt("index has the wrong magic"));
    }
    let n = u32::from_le_bytes([plain[8], plain[9], plain[10], plain[11]]);
    if n > MAX_ENTRIES {
        return Err(Error::corrupt("index claims too many packs"));
    }
    let mut rest = &plain[12..];
    let mut out = Vec::new();
    for _ in 0..n {
        if rest.len() < 32 {
            return Err(Error::corrupt("index is truncated"));
        }
        let mut pid = [0u8; 32];
        pid.copy_from_slice(&rest[..32]);
        let (entries, r) = decode_entries(&rest[32..])?;
        out.push((PackId(pid), entries));
        rest = r;
    }
    if !rest.is_empty() {
        return Err(Error::corrupt("index has trailing bytes"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterSecret;
    use crate::ids::RepoId;
    use proptest::prelude::*;

    fn entry(i: u8) -> BlobEntry {
        BlobEntry {
            kind: SealKind::Data,
            id: BlobId([i; 32]),
            offset: u32::from(i) * 100,
            stored_len: 50,
            raw_len: 40,
        }
    }

    #[test]
    fn index_round_trip_and_lookup() {
        let keys = Keys::derive(&MasterSecret::from_bytes([1; 32]), RepoId([2; 32]));
        let mut enc = Encoder::new(3).unwrap();
        let packs = vec![
            (PackId([9; 32]), vec![entry(1), entry(2)]),
            (PackId([8; 32]), vec![entry(3)]),
        ];
        let (name, bytes) = seal_index_file(&keys, &mut enc, &packs).unwrap();
        let back = open_index_file(&keys, &name, &bytes).unwrap();
        assert_eq!(back, packs);
        let mut idx = Index::default();
        for (p, e) in &back {
            idx.add_pack(*p, e);
        }
        assert_eq!(idx.get(&BlobId([3; 32])).unwrap().0, PackId([8; 32]));
        assert!(!idx.contains(&BlobId([4; 32])));
        assert_eq!(idx.by_pack(), packs);
        // Written in pieces, named by the keyed id of the whole plaintext.
        let mut plain = INDEX_MAGIC.to_vec();
        plain.extend_from_slice(&2u32.to_le_bytes());
        for (p, es) in &packs {
            plain.extend_from_slice(&p.0);
            plain.extend_from_slice(&(es.len() as u32).to_le_bytes());
            es.iter().for_each(|e| e.encode_into(&mut plain));
        }
        assert_eq!(name, hex::encode(keys.id(SealKind::Index, &plain)));
    }

    fn blob(i: u32) -> BlobId {
        BlobId(*blake3::hash(&i.to_le_bytes()).as_bytes())
    }

    #[test]
    fn a_large_index_costs_at_most_64_bytes_per_blob_and_finds_every_blob() {
        // As a repository open loads it: packs of 500 blobs, then a compact.
        let n = 200_000u32;
        let mut idx = Index::default();
        for p in 0..n / 500 {
            let entries: Vec<BlobEntry> = (p * 500..(p + 1) * 500)
                .map(|i| BlobEntry {
                    kind: SealKind::Data,
                    id: blob(i),
                    offset: (i % 500) * 4096,
                    stored_len: 4000,
                    raw_len: 3980,
                })
                .collect();
            idx.add_pack(PackId(blob(u32::MAX - p).0), &entries);
        }
        idx.compact();
        assert_eq!(idx.len(), n as usize);
        let per_blob = idx.blob_table_bytes() as f64 / f64::from(n);
        assert!(per_blob <= 64.0, "{per_blob} bytes per blob");
        for i in (0..n).step_by(997) {
            let (_, e) = idx.get(&blob(i)).unwrap();
            assert_eq!((e.id, e.offset), (blob(i), (i % 500) * 4096));
        }
        assert!(!idx.contains(&blob(n)));
        // A blob added again in another pack keeps its first place.
        let again = BlobEntry {
            kind: SealKind::Data,
            id: blob(7),
            offset: 0,
            stored_len: 4000,
            raw_len: 3980,
        };
        idx.add_pack(PackId([0xee; 32]), &[again]);
        assert_eq!(idx.get(&blob(7)).unwrap().1.offset, 7 * 4096);
        assert_eq!(idx.alternates(&blob(7)).len(), 1);
        assert_eq!(idx.len(), n as usize);
    }

    #[test]
    fn ids_equal_in_their_first_eight_bytes_are_still_told_apart() {
        // A hostile repository can choose ids; lookups must not stop at the
        // prefix they compare first.
        let id = |lead: u8, tail: u8| {
            let mut b = [lead; 32];
            b[8..].fill(tail);
            BlobId(b)
        };
        let mut idx = Index::default();
        let entries: Vec<BlobEntry> = (0..20u8)
            .map(|i| BlobEntry {
                id: id(i % 3, i),
                offset: u32::from(i),
                ..entry(0)
            })
            .collect();
        idx.add_pack(PackId([1; 32]), &entries);
        idx.compact();
        for i in 0..20u8 {
            assert_eq!(idx.get(&id(i % 3, i)).unwrap().1.offset, u32::from(i));
            assert!(!idx.contains(&id(i % 3, i + 100)));
        }
    }

    proptest! {
        #[test]
        fn index_decoder_never_panics(data in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = decode_index_plain(&data);
            let mut d = b"CAIRNIX1".to_vec();
            d.extend_from_slice(&data);
            let _ = decode_index_plain(&d);
        }
    }
}
