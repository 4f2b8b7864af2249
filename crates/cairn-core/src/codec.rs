//! The plaintext frame inside every sealed object: one codec byte, then the
//! payload. 0 = stored as is, 1 = zstd. Compression is skipped when it does
//! not pay (incompressible data), and decompression is always bounded by the
//! length the caller expects, so a hostile object cannot balloon memory.

use std::cell::RefCell;

use crate::error::{Error, Result};

/// Codec byte: payload stored uncompressed.
pub const CODEC_NONE: u8 = 0;
/// Codec byte: payload is one zstd frame.
pub const CODEC_ZSTD: u8 = 1;

/// The first four bytes of a zstd frame (RFC 8878 §3.1.1, little-endian
/// 0xFD2FB528). A skippable frame has another magic and is refused.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Below this size compression is not attempted: the frame overhead wins.
const MIN_COMPRESS: usize = 128;

/// Tree blobs are compressed at least at this zstd level (docs/FORMAT.md §4).
/// Level 9 would store the trees of bench/prune.sh's history another 3.5%
/// smaller, but the collector thread seals every tree, and there it cost an
/// incremental backup 38% more CPU (docs/BENCHMARKS.md, issue 19); with the
/// long minimum match alone, trees shrink 4.5% and compress faster than before.
pub const TREE_MIN_LEVEL: i32 = 3;

/// The shortest match zstd may use in a tree blob below level 16. A tree is
/// JSON in which two 64-digit hex ids per file (content id and SHA-256) are
/// about half the bytes and all the entropy: zstd's default 3 to 5 byte
/// matches find chance repeats inside those digits that cost more to code
/// than the 4-bit literals they replace. Real repeats (field names, times,
/// modes) are longer than 7 bytes. From level 16 on, zstd's optimal parser
/// weighs each match's cost itself, so the default is kept there.
const TREE_MIN_MATCH: u32 = 7;
const OPTIMAL_PARSER_LEVEL: i32 = 16;

/// A reusable compressor (one per thread: zstd contexts are expensive to create).
pub struct Encoder {
    zstd: Option<zstd::bulk::Compressor<'static>>,
    /// The zstd level (None: no compression), for [`Encoder::encode_streamed`].
    level: Option<i32>,
    // zstd writes from the start of its buffer; the frame needs the codec byte
    // first, so compress here and copy (the copy is of compressed bytes only).
    scratch: Vec<u8>,
}

impl Encoder {
    /// `level` 0 disables compression; otherwise a zstd level (1..=19 sensible).
    pub fn new(level: i32) -> Result<Self> {
        let zstd =
            if level == 0 {
                None
            } else {
                Some(zstd::bulk::Compressor::new(level).map_err(|e| {
                    Error::invalid(format!("zstd level {level} is not usable: {e}"))
                })?)
            };
        Ok(Encoder {
            zstd,
            level: (level != 0).then_some(level),
            scratch: Vec::new(),
        })
    }

    /// An encoder for tree blobs: `level` 0 still disables compression;
    /// otherwise at least [`TREE_MIN_LEVEL`], with a long minimum match
    /// (see [`TREE_MIN_MATCH`]). Trees are re-stored whole whenever one
    /// entry changes, so in a long history they are a large share of the
    /// repository.
    pub fn for_trees(level: i32) -> Result<Self> {
        if level == 0 {
            return Self::new(0);
        }
        let level = level.max(TREE_MIN_LEVEL);
        let mut enc = Self::new(level)?;
        if let (Some(z), true) = (enc.zstd.as_mut(), level < OPTIMAL_PARSER_LEVEL) {
            z.set_parameter(zstd::zstd_safe::CParameter::MinMatch(TREE_MIN_MATCH))
                .map_err(|e| Error::invalid(format!("zstd minimum match is not usable: {e}")))?;
        }
        Ok(enc)
    }

    /// Frames `data` into `out` (cleared first), compressing when it saves at least 1/32.
    pub fn encode_into(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        out.clear();
        if let (Some(z), true) = (self.zstd.as_mut(), data.len() >= MIN_COMPRESS) {
            let bound = zstd::zstd_safe::compress_bound(data.len());
            self.scratch.clear();
            self.scratch.reserve(bound);
            let limit = data.len() - data.len() / 32;
            match z.compress_to_buffer(data, &mut self.scratch) {
                Ok(n) if n < limit => {
                    out.reserve(1 + n + crate::crypto::TAG_LEN);
                    out.push(CODEC_ZSTD);
                    out.extend_from_slice(&self.scratch[..n]);
                    return Ok(());
                }
                _ => {}
            }
        }
        out.reserve(data.len() + 1 + crate::crypto::TAG_LEN);
        out.push(CODEC_NONE);
        out.extend_from_slice(data);
        Ok(())
    }

    /// As [`Encoder::encode_into`], for a plaintext too large to hold twice
    /// (a backup's index file: 45 bytes per blob, 45 MB for a million
    /// files). `write` produces it, exactly `len` bytes, and it is
    /// compressed as it comes, at this encoder's level (the frame records
    /// `len`, as a one-shot frame does); when that does not save 1/32,
    /// `write` runs again and the bytes are stored as they are. Memory: the
    /// frame only, not the plaintext, a scratch buffer and the frame.
    pub fn encode_streamed(
        &mut self,
        len: usize,
        write: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let io = |e| Error::io("encoding an object", e);
        out.clear();
        if let (Some(level), true) = (self.level, len >= MIN_COMPRESS) {
            out.push(CODEC_ZSTD);
            let mut z = zstd::stream::Encoder::new(&mut *out, level).map_err(io)?;
            z.include_contentsize(true).map_err(io)?;
            // zstd fails the frame if `write` gives another length.
            z.set_pledged_src_size(Some(len as u64)).map_err(io)?;
            write(&mut z).map_err(io)?;
            z.finish().map_err(io)?;
            if out.len() - 1 < len - len / 32 {
                out.reserve_exact(crate::crypto::TAG_LEN);
                return Ok(());
            }
            out.clear();
        }
        out.reserve_exact(len + 1 + crate::crypto::TAG_LEN);
        out.push(CODEC_NONE);
        write(out).map_err(io)?;
        if out.len() != len + 1 {
            return Err(Error::invalid(format!(
                "an object of {len} bytes was written as {}",
                out.len() - 1
            )));
        }
        Ok(())
    }
}

/// One encoder per kind of blob, for writers that store both data and trees
/// (copy, the key-epoch rewrite): trees get [`Encoder::for_trees`].
pub struct KindEncoders {
    data: Encoder,
    tree: Encoder,
}

impl KindEncoders {
    /// Encoders for a repository whose compression level is `level`.
    pub fn new(level: i32) -> Result<Self> {
        Ok(KindEncoders {
            data: Encoder::new(level)?,
            tree: Encoder::for_trees(level)?,
        })
    }

    /// The encoder for blobs of `kind`.
    pub fn get(&mut self, kind: crate::crypto::SealKind) -> &mut Encoder {
        match kind {
            crate::crypto::SealKind::Tree => &mut self.tree,
            _ => &mut self.data,
        }
    }
}

/// Unframes a payload whose decoded length must be exactly `expected_len`.
pub fn decode(frame: &[u8], expected_len: usize) -> Result<Vec<u8>> {
    let (&codec, body) = frame
        .split_first()
        .ok_or_else(|| Error::corrupt("empty object frame"))?;
    let out = match codec {
        CODEC_NONE => body.to_vec(),
        CODEC_ZSTD => {
            one_frame(body)?;
            zstd_decompress(body, expected_len).map_err(|e| {
                Error::corrupt(format!(
                    "zstd frame does not decode within {expected_len} bytes: {e}"
                ))
            })?
        }
        c => return Err(Error::corrupt(format!("unknown codec byte {c}"))),
    };
    if out.len() != expected_len {
        return Err(Error::corrupt(format!(
            "decoded length {} differs from the recorded {expected_len}",
            out.len()
        )));
    }
    Ok(out)
}

/// Unframes a payload whose length is not recorded elsewhere, bounded by `max_len`.
pub fn decode_bounded(frame: &[u8], max_len: usize) -> Result<Vec<u8>> {
    let (&codec, body) = frame
        .split_first()
        .ok_or_else(|| Error::corrupt("empty object frame"))?;
    match codec {
        CODEC_NONE if body.len() <= max_len => Ok(body.to_vec()),
        CODEC_NONE => Err(Error::corrupt(format!(
            "object larger than {max_len} bytes"
        ))),
        CODEC_ZSTD => {
            one_frame(body)?;
            zstd_decompress(body, max_len).map_err(|e| {
                Error::corrupt(format!(
                    "zstd frame does not decode within {max_len} bytes: {e}"
                ))
            })
        }
        c => Err(Error::corrupt(format!("unknown codec byte {c}"))),
    }
}

thread_local! {
    // Creating a zstd decompression context costs about as much as decoding a
    // small blob (a restore profile showed 8% of its time in ZSTD_createDCtx),
    // so each thread keeps one.
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { RefCell::new(None) };
}

/// One zstd frame into at most `capacity` bytes, with this thread's context.
fn zstd_decompress(body: &[u8], capacity: usize) -> std::io::Result<Vec<u8>> {
    DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let d = match slot.as_mut() {
            Some(d) => d,
            None => slot.insert(zstd::bulk::Decompressor::new()?),
        };
        d.decompress(body, capacity)
    })
}

/// Refuses a payload that is not exactly one zstd frame (FORMAT.md §4):
/// libzstd alone would also decode concatenated and skippable frames, and a
/// second reader that stops after the first frame would then read other
/// bytes from the same object.
fn one_frame(body: &[u8]) -> Result<()> {
    let whole = body.starts_with(&ZSTD_MAGIC)
        && zstd::zstd_safe::find_frame_compressed_size(body).is_ok_and(|n| n == body.len());
    if whole {
        Ok(())
    } else {
        Err(Error::corrupt(
            "the object's payload is not exactly one zstd frame",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The streamed form decodes as the one-shot form does, compressed or
    /// stored, and a writer that gives another length than it promised
    /// fails instead of framing what it gave.
    #[test]
    fn a_streamed_frame_decodes_like_a_one_shot_one() {
        let mut random = vec![0u8; 100_000];
        blake3::Hasher::new().finalize_xof().fill(&mut random);
        let text = b"index entry ".repeat(10_000);
        for level in [0, 3] {
            for (data, zstd) in [(&text, level > 0), (&random, false)] {
                let mut e = Encoder::new(level).unwrap();
                let mut out = Vec::new();
                let write =
                    |w: &mut dyn std::io::Write| data.chunks(999).try_for_each(|c| w.write_all(c));
                e.encode_streamed(data.len(), &write, &mut out).unwrap();
                assert_eq!(out[0] == CODEC_ZSTD, zstd, "level {level}");
                assert_eq!(&decode(&out, data.len()).unwrap(), data);
                if zstd {
                    // FORMAT.md §4's header: content size, no checksum, no dictionary.
                    let d = out[5];
                    assert_eq!((d & 0x04, d & 0x03), (0, 0), "no checksum, no dictionary");
                    assert_eq!(
                        zstd::zstd_safe::get_frame_content_size(&out[1..]).unwrap(),
                        Some(data.len() as u64)
                    );
                }
                let short = |w: &mut dyn std::io::Write| w.write_all(&data[1..]);
                assert!(e.encode_streamed(data.len(), &short, &mut out).is_err());
            }
        }
    }

    #[test]
    fn compressible_data_is_compressed_and_random_is_not() {
        let mut e = Encoder::new(3).unwrap();
        let mut out = Vec::new();
        let text = b"abcabcabc".repeat(1000);
        e.encode_into(&text, &mut out).unwrap();
        assert_eq!(out[0], CODEC_ZSTD);
        assert!(out.len() < text.len() / 10);
        assert_eq!(decode(&out, text.len()).unwrap(), text);
        let random: Vec<u8> = (0..10_000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        e.encode_into(&random, &mut out).unwrap();
        assert_eq!(decode(&out, random.len()).unwrap(), random);
    }

    #[test]
    fn tree_encoder_keeps_level_zero_uncompressed() {
        let mut out = Vec::new();
        let text = b"abcabcabc".repeat(1000);
        Encoder::for_trees(0)
            .unwrap()
            .encode_into(&text, &mut out)
            .unwrap();
        assert_eq!(out[0], CODEC_NONE);
    }

    #[test]
    fn decompression_is_bounded() {
        let mut e = Encoder::new(3).unwrap();
        let mut out = Vec::new();
        let zeros = vec![0u8; 1 << 20];
        e.encode_into(&zeros, &mut out).unwrap();
        assert!(decode(&out, 1000).is_err());
        assert!(decode_bounded(&out, 1000).is_err());
        assert_eq!(decode_bounded(&out, 1 << 20).unwrap(), zeros);
    }

    proptest! {
        #[test]
        fn round_trip(data in proptest::collection::vec(any::<u8>(), 0..5000), level in 0i32..5) {
            let mut e = Encoder::new(level).unwrap();
            let mut out = Vec::new();
            e.encode_into(&data, &mut out).unwrap();
            prop_assert_eq!(decode(&out, data.len()).unwrap(), data);
        }

        #[test]
        fn tree_encoder_round_trips(data in proptest::collection::vec(any::<u8>(), 0..5000), level in 0i32..20) {
            let mut e = Encoder::for_trees(level).unwrap();
            let mut out = Vec::new();
            e.encode_into(&data, &mut out).unwrap();
            prop_assert_eq!(out[0] == CODEC_NONE || level > 0, true);
            prop_assert_eq!(decode(&out, data.len()).unwrap(), data);
        }

        #[test]
        fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..500), n in 0usize..10_000) {
            let _ = decode(&data, n);
            let _ = decode_bounded(&data, n);
        }
    }
}
