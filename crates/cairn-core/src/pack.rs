//! Packs: many sealed blobs in one object, so S3 sees few large objects.
//!
//! ```text
//! pack    = blob* trailer footer
//! blob    = seal(kind, blob id, frame)                    (stored_len bytes)
//! trailer = seal(PackTrailer, trailer id, frame(entries))
//! footer  = trailer id (32) | trailer length u32 LE | "CAIRNPK1"
//! entries = count u32 LE | entry*
//! entry   = kind u8 | blob id (32) | offset u32 LE | stored_len u32 LE | raw_len u32 LE
//! ```
//! The pack's name is the SHA-256 of all its bytes, so anyone can check storage
//! integrity without keys; the trailer lets the index be rebuilt from packs alone.

use crate::codec::{self, Encoder};
use crate::crypto::{Keys, SealKind};
use crate::error::{Error, Result};
use crate::ids::{BlobId, PackId};
use sha2::{Digest, Sha256};

/// Magic closing every pack.
pub const PACK_MAGIC: &[u8; 8] = b"CAIRNPK1";
/// Footer length.
pub const FOOTER_LEN: usize = 32 + 4 + 8;
/// Encoded length of one entry.
pub const ENTRY_LEN: usize = 1 + 32 + 4 + 4 + 4;
/// The largest blob plaintext any reader accepts (trees of huge directories included).
pub const MAX_BLOB_LEN: u32 = 64 * 1024 * 1024;
/// The most entries a trailer or index section may claim (bounds allocation on hostile input).
pub const MAX_ENTRIES: u32 = 1 << 22;

/// Where one blob lives inside a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobEntry {
    /// Data or tree.
    pub kind: SealKind,
    /// The blob's id.
    pub id: BlobId,
    /// Byte offset in the pack.
    pub offset: u32,
    /// Sealed length (frame + tag).
    pub stored_len: u32,
    /// Plaintext length.
    pub raw_len: u32,
}

impl BlobEntry {
    /// Appends the fixed-size encoding.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.push(self.kind as u8);
        out.extend_from_slice(&self.id.0);
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.stored_len.to_le_bytes());
        out.extend_from_slice(&self.raw_len.to_le_bytes());
    }

    /// Decodes one entry from exactly [`ENTRY_LEN`] bytes.
    pub fn decode(b: &[u8]) -> Result<Self> {
        if b.len() != ENTRY_LEN {
            return Err(Error::corrupt("blob entry has the wrong length"));
        }
        let u = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let mut id = [0u8; 32];
        id.copy_from_slice(&b[1..33]);
        let e = BlobEntry {
            kind: SealKind::blob_from_u8(b[0])?,
            id: BlobId(id),
            offset: u(33),
            stored_len: u(37),
            raw_len: u(41),
        };
        if e.raw_len > MAX_BLOB_LEN || e.stored_len > MAX_BLOB_LEN + 64 || e.stored_len < 17 {
            return Err(Error::corrupt(format!(
                "blob entry {} has impossible lengths",
                e.id.short()
            )));
        }
        Ok(e)
    }
}

/// Reads a `u32 count` followed by that many entries, bounded by the input length.
pub fn decode_entries(b: &[u8]) -> Result<(Vec<BlobEntry>, &[u8])> {
    if b.len() < 4 {
        return Err(Error::corrupt("entry list is truncated"));
    }
    let n = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let need = (n as usize)
        .checked_mul(ENTRY_LEN)
        .filter(|_| n <= MAX_ENTRIES);
    let Some(need) = need.filter(|need| *need <= b.len() - 4) else {
        return Err(Error::corrupt(format!(
            "entry list claims {n} entries, more than its bytes hold"
        )));
    };
    let entries = b[4..4 + need]
        .chunks_exact(ENTRY_LEN)
        .map(BlobEntry::decode)
        .collect::<Result<Vec<_>>>()?;
    Ok((entries, &b[4 + need..]))
}

fn encode_entries(entries: &[BlobEntry], out: &mut Vec<u8>) {
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for e in entries {
        e.encode_into(out);
    }
}

/// Builds one pack in memory. Blobs are appended already sealed.
#[derive(Default)]
pub struct PackBuilder {
    buf: Vec<u8>,
    entries: Vec<BlobEntry>,
}

/// A finished pack, ready to store.
pub struct FinishedPack {
    /// Its name.
    pub id: PackId,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// What it holds.
    pub entries: Vec<BlobEntry>,
}

impl PackBuilder {
    /// A builder for a pack of about `target` bytes: room for one more
    /// maximal blob, so the buffer never doubles (that would double memory).
    pub fn with_capacity(target: usize) -> Self {
        PackBuilder {
            buf: Vec::with_capacity(target + 4 * 1024 * 1024 + 4096),
            entries: Vec::new(),
        }
    }

    /// Bytes so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether no blob was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Appends a sealed blob.
    pub fn add(&mut self, kind: SealKind, id: BlobId, sealed: &[u8], raw_len: u32) {
        self.entries.push(BlobEntry {
            kind,
            id,
            offset: self.buf.len() as u32,
            stored_len: sealed.len() as u32,
            raw_len,
        });
        self.buf.extend_from_slice(sealed);
    }

    /// Writes trailer and footer and names the pack.
    pub fn finish(mut self, keys: &Keys, enc: &mut Encoder) -> Result<FinishedPack> {
        let mut plain = Vec::with_capacity(4 + self.entries.len() * ENTRY_LEN);
        encode_entries(&self.entries, &mut plain);
        let tid = keys.id(SealKind::PackTrailer, &plain);
        let mut sealed = Vec::new();
        enc.encode_into(&plain, &mut sealed)?;
        keys.seal_in_place(SealKind::PackTrailer, &tid, &mut sealed)?;
        self.buf.extend_from_slice(&sealed);
        self.buf.extend_from_slice(&tid);
        self.buf
            .extend_from_slice(&(sealed.len() as u32).to_le_bytes());
        self.buf.extend_from_slice(PACK_MAGIC);
        let id = PackId(Sha256::digest(&self.buf).into());
        Ok(FinishedPack {
            id,
            bytes: self.buf,
            entries: self.entries,
        })
    }
}

/// Where a writer puts sealed blobs: tree blobs and data blobs in packs of
/// their own, each closed when it reaches the target size. Readers accept
/// mixed packs (FORMAT.md §6); writers keep them apart so that whatever
/// reads only trees (a restore's plan, `ls`, prune's marking, verify)
/// reads only tree packs, never a window of file data around a tree.
pub struct SplitPacks {
    target: usize,
    data: PackBuilder,
    tree: PackBuilder,
    /// Buffers of packs already stored, for the next packs (see [`SplitPacks::recycle`]).
    spare: Vec<Vec<u8>>,
}

impl SplitPacks {
    /// Empty packs of about `target` bytes each.
    pub fn new(target: usize) -> Self {
        SplitPacks {
            target,
            data: PackBuilder::with_capacity(target),
            tree: PackBuilder::with_capacity(target),
            spare: Vec::new(),
        }
    }

    /// Takes back the bytes of a pack that was stored, to fill the next
    /// pack in: a writer that stores packs on other threads then reuses a
    /// few buffers, whose pages are already mapped, instead of asking the
    /// allocator for a new pack-sized one each time (with several threads,
    /// glibc kept tens of MiB of freed ones).
    pub fn recycle(&mut self, mut buf: Vec<u8>) {
        if buf.capacity() >= self.target {
            buf.clear();
            self.spare.push(buf);
        }
    }

    fn fresh(&mut self) -> PackBuilder {
        match self.spare.pop() {
            Some(buf) => PackBuilder {
                buf,
                entries: Vec::new(),
            },
            None => PackBuilder::with_capacity(self.target),
        }
    }

    /// Appends a sealed blob to the pack of its kind; returns that pack
    /// when it reached the target, for the caller to finish and store.
    pub fn add(
        &mut self,
        kind: SealKind,
        id: BlobId,
        sealed: &[u8],
        raw_len: u32,
    ) -> Option<PackBuilder> {
        self.of(kind).add(kind, id, sealed, raw_len);
        if self.of(kind).len() < self.target {
            return None;
        }
        let next = self.fresh();
        Some(std::mem::replace(self.of(kind), next))
    }

    fn of(&mut self, kind: SealKind) -> &mut PackBuilder {
        match kind {
            SealKind::Tree => &mut self.tree,
            _ => &mut self.data,
        }
    }

    /// The packs still being filled that hold anything (data first, then
    /// trees), leaving both empty.
    pub fn take_rest(&mut self) -> Vec<PackBuilder> {
        [&mut self.data, &mut self.tree]
            .into_iter()
            .filter(|b| !b.is_empty())
            .map(|b| std::mem::replace(b, PackBuilder::with_capacity(self.target)))
            .collect()
    }
}

/// Parses a pack's footer: (trailer id, trailer length).
pub fn parse_footer(footer: &[u8]) -> Result<([u8; 32], u32)> {
    if footer.len() != FOOTER_LEN || &footer[36..] != PACK_MAGIC {
        return Err(Error::corrupt(
            "pack footer is missing or has the wrong magic",
        ));
    }
    let mut tid = [0u8; 32];
    tid.copy_from_slice(&footer[..32]);
    let len = u32::from_le_bytes([footer[32], footer[33], footer[34], footer[35]]);
    Ok((tid, len))
}

/// Opens a pack trailer and checks every entry lies inside `body_len` bytes.
pub fn open_trailer(
    keys: &Keys,
    tid: &[u8; 32],
    sealed: &[u8],
    body_len: u64,
) -> Result<Vec<BlobEntry>> {
    let (frame, epoch) = keys.open(SealKind::PackTrailer, tid, sealed)?;
    let plain = codec::decode_bounded(&frame, 4 + MAX_ENTRIES as usize * ENTRY_LEN)?;
    if keys.id_in(epoch, SealKind::PackTrailer, &plain) != *tid {
        return Err(Error::corrupt("pack trailer does not match its id"));
    }
    let (entries, rest) = decode_entries(&plain)?;
    if !rest.is_empty() {
        return Err(Error::corrupt("pack trailer has trailing bytes"));
    }
    for e in &entries {
        if u64::from(e.offset) + u64::from(e.stored_len) > body_len {
            return Err(Error::corrupt(format!(
                "pack trailer entry {} points past the blobs",
                e.id.short()
            )));
        }
    }
    Ok(entries)
}

/// Reads the whole trailer of a pack held in memory.
pub fn read_trailer(keys: &Keys, pack: &[u8]) -> Result<Vec<BlobEntry>> {
    if pack.len() < FOOTER_LEN {
        return Err(Error::corrupt("pack is shorter than its footer"));
    }
    let (tid, tlen) = parse_footer(&pack[pack.len() - FOOTER_LEN..])?;
    let body_end = pack.len() - FOOTER_LEN;
    let start = body_end
        .checked_sub(tlen as usize)
        .ok_or_else(|| Error::corrupt("pack trailer length exceeds the pack"))?;
    open_trailer(keys, &tid, &pack[start..body_end], start as u64)
}

/// Opens one blob's sealed bytes and checks its id: the integrity check.
pub fn open_blob(keys: &Keys, e: &BlobEntry, sealed: &[u8]) -> Result<Vec<u8>> {
    open_blob_framed(keys, e, sealed).map(|(plain, _)| plain)
}

/// [`open_blob`], also returning the frame the plaintext was decoded from
/// (codec byte and payload, as [`codec::decode`] takes it).
pub fn open_blob_framed(keys: &Keys, e: &BlobEntry, sealed: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let (frame, epoch) = keys.open(e.kind, &e.id.0, sealed)?;
    let plain = codec::decode(&frame, e.raw_len as usize)?;
    if keys.id_in(epoch, e.kind, &plain) != e.id.0 {
        return Err(Error::corrupt(format!(
            "blob {} does not hash to its id",
            e.id
        )));
    }
    Ok((plain, frame))
}

/// Seals a blob's plaintext: returns (id, sealed bytes).
pub fn seal_blob(
    keys: &Keys,
    enc: &mut Encoder,
    kind: SealKind,
    plain: &[u8],
) -> Result<(BlobId, Vec<u8>)> {
    let id = keys.id(kind, plain);
    let mut out = Vec::new();
    enc.encode_into(plain, &mut out)?;
    keys.seal_in_place(kind, &id, &mut out)?;
    Ok((BlobId(id), out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterSecret;
    use crate::ids::RepoId;
    use proptest::prelude::*;

    fn keys() -> Keys {
        Keys::derive(&MasterSecret::from_bytes([5; 32]), RepoId([6; 32]))
    }

    fn build(blobs: &[Vec<u8>]) -> FinishedPack {
        let k = keys();
        let mut enc = Encoder::new(3).unwrap();
        let mut p = PackBuilder::default();
        for b in blobs {
            let (id, sealed) = seal_blob(&k, &mut enc, SealKind::Data, b).unwrap();
            p.add(SealKind::Data, id, &sealed, b.len() as u32);
        }
        p.finish(&k, &mut enc).unwrap()
    }

    #[test]
    fn pack_round_trip() {
        let blobs = vec![b"one".to_vec(), vec![7u8; 5000], Vec::new()];
        let p = build(&blobs);
        assert_eq!(PackId(Sha256::digest(&p.bytes).into()), p.id);
        let k = keys();
        let entries = read_trailer(&k, &p.bytes).unwrap();
        assert_eq!(entries, p.entries);
        for (e, b) in entries.iter().zip(&blobs) {
            let s = &p.bytes[e.offset as usize..(e.offset + e.stored_len) as usize];
            assert_eq!(&open_blob(&k, e, s).unwrap(), b);
        }
    }

    proptest! {
        #[test]
        fn any_flipped_byte_in_a_pack_is_detected(pos in any::<usize>(), bit in 0u8..8) {
            let blobs = vec![b"alpha".to_vec(), vec![1u8; 3000]];
            let mut p = build(&blobs);
            let i = pos % p.bytes.len();
            p.bytes[i] ^= 1 << bit;
            let k = keys();
            // Either the trailer fails, or some blob fails, or the name no longer matches.
            let name_ok = PackId(Sha256::digest(&p.bytes).into()) == p.id;
            prop_assert!(!name_ok);
            if let Ok(entries) = read_trailer(&k, &p.bytes) {
                let all_ok = entries.iter().zip(&blobs).all(|(e, b)| {
                    let s = &p.bytes[e.offset as usize..(e.offset + e.stored_len) as usize];
                    open_blob(&k, e, s).map(|x| &x == b).unwrap_or(false)
                });
                prop_assert!(!all_ok || entries != p.entries);
            }
        }

        #[test]
        fn garbage_trailer_never_panics(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = read_trailer(&keys(), &data);
            let _ = decode_entries(&data);
        }
    }
}
