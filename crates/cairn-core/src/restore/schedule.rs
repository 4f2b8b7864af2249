//! Which bytes of which pack go where: restore planned by pack, not by file.
//!
//! A blob shared by many files (or used twice in one) is read and opened
//! once and written to every place that needs it; a pack is read in a few
//! large ranges instead of once per blob per file.

use crate::error::Error;
use crate::ids::{BlobId, PackId};
use crate::index::Index;
use crate::pack::BlobEntry;
use std::collections::HashMap;
use std::ops::Range;

/// Where one copy of a blob goes: file number (in the caller's list) and offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub file: u32,
    pub offset: u64,
}

/// One blob to read from a pack, and every place it is written.
#[derive(Debug, Clone)]
pub struct BlobWork {
    pub entry: BlobEntry,
    pub targets: Vec<Target>,
}

/// The blobs needed from one pack, by offset.
#[derive(Debug, Clone)]
pub struct PackWork {
    pub pack: PackId,
    pub blobs: Vec<BlobWork>,
}

/// The whole restore, by pack.
#[derive(Debug, Default)]
pub struct Schedule {
    /// In the order the files first need them, so files finish (and their
    /// temporaries go away) roughly in the order they were given.
    pub packs: Vec<PackWork>,
    /// Per file, how many blob writes it waits for (0: empty file).
    pub writes: Vec<usize>,
    /// Files that cannot be placed at all, with why; they get no writes.
    pub unplaced: Vec<(u32, Error)>,
}

/// A gap of unneeded bytes up to this long is read through rather than
/// splitting the read: another request costs more than the bytes.
const MAX_GAP: u64 = 1 << 20;
/// A read covers at most this much (it is held in memory while its blobs are
/// opened). A default 16 MiB pack fits in one read; ranges above 4 MiB also
/// bypass the S3 window cache, which only helps readers that come back.
pub const MAX_RANGE: u64 = 32 << 20;

/// Plans the writes of `files` (each a list of blob ids and its recorded size).
pub fn build<'a>(index: &Index, files: impl Iterator<Item = (&'a [BlobId], u64)>) -> Schedule {
    let mut s = Schedule::default();
    let mut pack_pos: HashMap<PackId, usize> = HashMap::new();
    let mut blob_pos: HashMap<BlobId, (usize, usize)> = HashMap::new();
    let mut located = Vec::new();
    for (file, (content, size)) in files.enumerate() {
        let file = file as u32;
        s.writes.push(0);
        located.clear();
        let mut at = 0u64;
        let mut missing = None;
        let mut kind_wrong = None;
        for id in content {
            match index.get(id) {
                Some(_) if index.is_not_data(id) => {
                    kind_wrong = Some(*id);
                    break;
                }
                Some(loc) => {
                    located.push((loc, at));
                    at += u64::from(loc.1.raw_len);
                }
                None => {
                    missing = Some(*id);
                    break;
                }
            }
        }
        if let Some(id) = missing {
            let e = Error::corrupt(format!("blob {id} is referenced but not in the index"));
            s.unplaced.push((file, e));
            continue;
        }
        if let Some(id) = kind_wrong {
            s.unplaced.push((file, crate::repo::data_kind_error(&id)));
            continue;
        }
        if at != size {
            let e = Error::corrupt(format!(
                "the snapshot's chunks add up to {at} bytes, not its recorded size {size}; not written"
            ));
            s.unplaced.push((file, e));
            continue;
        }
        s.writes[file as usize] = located.len();
        for &((pack, entry), offset) in &located {
            let (p, b) = *blob_pos.entry(entry.id).or_insert_with(|| {
                let p = *pack_pos.entry(pack).or_insert_with(|| {
                    s.packs.push(PackWork {
                        pack,
                        blobs: Vec::new(),
                    });
                    s.packs.len() - 1
                });
                s.packs[p].blobs.push(BlobWork {
                    entry,
                    targets: Vec::new(),
                });
                (p, s.packs[p].blobs.len() - 1)
            });
            s.packs[p].blobs[b].targets.push(Target { file, offset });
        }
    }
    for p in &mut s.packs {
        p.blobs.sort_by_key(|b| b.entry.offset);
    }
    s
}

/// Splits a pack's blobs (sorted by offset) into runs read with one request each.
pub fn ranges(blobs: &[BlobWork]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut span = 0..0u64;
    for (i, b) in blobs.iter().enumerate() {
        let (start, end) = extent(&b.entry);
        match out.last_mut() {
            Some(r) if start <= span.end + MAX_GAP && end - span.start <= MAX_RANGE => {
                r.end = i + 1;
                span.end = span.end.max(end);
            }
            _ => {
                out.push(i..i + 1);
                span = start..end;
            }
        }
    }
    out
}

/// The bytes of the pack a blob occupies.
pub fn extent(e: &BlobEntry) -> (u64, u64) {
    let start = u64::from(e.offset);
    (start, start + u64::from(e.stored_len))
}

/// The smallest piece [`spread`] cuts a pack's work into: below it, another
/// read costs more than the parallelism gains.
const MIN_PIECE: u64 = 2 << 20;

/// Cuts packs whose work is large beside the whole schedule into runs of
/// adjacent blobs, each its own unit for a worker. Units are whole packs
/// otherwise, and a batch of small files usually lies in one pack: written by
/// one thread while the others waited, and every batch ended on the one
/// thread still busy with its last pack. Each blob stays whole, with all its
/// targets, so it is still read and opened once.
pub fn spread(packs: Vec<PackWork>, workers: usize) -> Vec<PackWork> {
    if workers <= 1 {
        return packs;
    }
    let bytes = |b: &BlobWork| u64::from(b.entry.stored_len);
    let total: u64 = packs.iter().flat_map(|p| &p.blobs).map(bytes).sum();
    let piece = MIN_PIECE.max(total / (4 * workers as u64));
    let mut out = Vec::with_capacity(packs.len());
    for p in packs {
        if p.blobs.iter().map(bytes).sum::<u64>() <= piece {
            out.push(p);
            continue;
        }
        let mut run = Vec::new();
        let mut held = 0;
        for b in p.blobs {
            held += bytes(&b);
            run.push(b);
            if held >= piece {
                let blobs = std::mem::take(&mut run);
                out.push(PackWork {
                    pack: p.pack,
                    blobs,
                });
                held = 0;
            }
        }
        if !run.is_empty() {
            out.push(PackWork {
                pack: p.pack,
                blobs: run,
            });
        }
    }
    out
}

/// The bytes of the pack a run of blobs (sorted by offset) spans.
pub fn span(blobs: &[BlobWork]) -> Range<u64> {
    let start = blobs.first().map_or(0, |b| extent(&b.entry).0);
    let end = blobs.iter().map(|b| extent(&b.entry).1).max();
    start..end.unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SealKind;

    fn id(n: u8) -> BlobId {
        BlobId([n; 32])
    }

    fn entry(n: u8, offset: u32, len: u32) -> BlobEntry {
        BlobEntry {
            kind: SealKind::Data,
            id: id(n),
            offset,
            stored_len: len + 16,
            raw_len: len,
        }
    }

    #[test]
    fn shared_and_repeated_blobs_are_read_once_and_written_everywhere() {
        let mut index = Index::default();
        index.add_pack(PackId([1; 32]), &[entry(1, 0, 10), entry(2, 26, 20)]);
        index.add_pack(PackId([2; 32]), &[entry(3, 0, 5)]);
        let a = [id(3), id(1), id(1)]; // spans two packs, one blob twice
        let b = [id(1), id(2)]; // shares blob 1 with a
        let c: [BlobId; 0] = []; // empty
        let d = [id(9)]; // not indexed
        let e = [id(2)]; // size does not add up
        let files: Vec<(&[BlobId], u64)> = vec![(&a, 25), (&b, 30), (&c, 0), (&d, 1), (&e, 7)];
        let s = build(&index, files.into_iter());
        assert_eq!(s.writes, vec![3, 2, 0, 0, 0]);
        assert_eq!(
            s.unplaced.iter().map(|u| u.0).collect::<Vec<_>>(),
            vec![3, 4]
        );
        // Packs in the order the files first need them.
        assert_eq!(s.packs.len(), 2);
        assert_eq!(s.packs[0].pack, PackId([2; 32]));
        let p1 = &s.packs[1];
        assert_eq!(p1.blobs.len(), 2);
        assert_eq!(p1.blobs[0].entry.id, id(1));
        let t = |file, offset| Target { file, offset };
        assert_eq!(p1.blobs[0].targets, vec![t(0, 5), t(0, 15), t(1, 0)]);
        assert_eq!(p1.blobs[1].targets, vec![t(1, 10)]);
    }

    #[test]
    fn spread_cuts_large_packs_into_runs_that_keep_each_blob_whole() {
        let mb = 1u32 << 20;
        // One pack of 16 one-MiB blobs (a batch of small files), one small pack.
        let big: Vec<BlobWork> = (0..16u32)
            .map(|i| BlobWork {
                entry: entry(i as u8, i * (mb + 16), mb),
                targets: vec![Target { file: i, offset: 0 }],
            })
            .collect();
        let small = vec![BlobWork {
            entry: entry(99, 0, 100),
            targets: vec![Target {
                file: 99,
                offset: 0,
            }],
        }];
        let packs = vec![
            PackWork {
                pack: PackId([1; 32]),
                blobs: big,
            },
            PackWork {
                pack: PackId([2; 32]),
                blobs: small,
            },
        ];
        // One worker: nothing to balance.
        assert_eq!(spread(packs.clone(), 1).len(), 2);
        // Two workers: the big pack becomes runs of at least MIN_PIECE, in
        // offset order, covering every blob once; the small pack stays whole.
        let out = spread(packs, 2);
        let runs: Vec<_> = out.iter().filter(|p| p.pack == PackId([1; 32])).collect();
        // Pieces of a quarter of the work per worker: just over 2 MiB here,
        // so runs of three blobs and the rest.
        let lens: Vec<usize> = runs.iter().map(|p| p.blobs.len()).collect();
        assert_eq!(lens, vec![3, 3, 3, 3, 3, 1]);
        let ids: Vec<u8> = runs
            .iter()
            .flat_map(|p| &p.blobs)
            .map(|b| b.entry.id.0[0])
            .collect();
        assert_eq!(ids, (0..16).collect::<Vec<u8>>());
        assert_eq!(out.last().unwrap().pack, PackId([2; 32]));
        assert_eq!(out.last().unwrap().blobs.len(), 1);
    }

    #[test]
    fn reads_coalesce_small_gaps_and_stay_bounded() {
        let blob = |offset: u64, len: u32| BlobWork {
            entry: entry(0, offset as u32, len),
            targets: vec![],
        };
        let mb = 1u64 << 20;
        let blobs = vec![
            blob(0, 100),
            blob(116, 100),               // adjacent
            blob(116 + mb, 100),          // gap just under MAX_GAP
            blob(10 * mb, 100),           // gap too big: new read
            blob(11 * mb, 20 << 20),      // still within MAX_RANGE of 10 MiB
            blob(31 * mb + 16, 12 << 20), // adjacent, but past MAX_RANGE
        ];
        assert_eq!(ranges(&blobs), vec![0..3, 3..5, 5..6]);
        assert_eq!(span(&blobs[3..5]), 10 * mb..31 * mb + 16);
        assert!(ranges(&[]).is_empty());
    }
}
