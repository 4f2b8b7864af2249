//! Content-defined chunking: FastCDC 2020 (the `fastcdc` crate's cut function)
//! with the gear table keyed by a secret seed, so chunk boundaries do not leak
//! which known files a repository holds. Our own loop around `cut_gear` reuses
//! one buffer per reader instead of allocating `max` bytes per file.

use crate::config::ChunkerParams;
use fastcdc::v2020::{cut_gear, get_gear_with_seed, select_masks, Normalization};
use std::borrow::Cow;
use std::io::Read;

/// Finds chunk boundaries.
pub struct Chunker {
    min: usize,
    avg: usize,
    max: usize,
    masks: (u64, u64),
    gear: Cow<'static, [u64]>,
    gear_ls: Cow<'static, [u64]>,
}

/// The strict and relaxed masks for an average chunk size: FORMAT.md §12
/// lists them for every `avg` a config may hold, and a test holds the two
/// to each other.
pub fn masks_for(avg: u32) -> (u64, u64) {
    select_masks(avg as usize, Normalization::Level1)
}

impl Chunker {
    /// A chunker for these parameters and seed.
    pub fn new(p: ChunkerParams, seed: u64) -> Self {
        let (gear, gear_ls) = get_gear_with_seed(seed);
        Chunker {
            min: p.min as usize,
            avg: p.avg as usize,
            max: p.max as usize,
            masks: masks_for(p.avg),
            gear,
            gear_ls,
        }
    }

    /// The largest chunk it produces.
    pub fn max(&self) -> usize {
        self.max
    }

    /// The smallest chunk it produces (but for a file's last).
    pub fn min(&self) -> usize {
        self.min
    }

    /// Length of the chunk starting at `data[0]` (`data` holds up to `max` bytes,
    /// fewer only at end of input).
    pub fn cut(&self, data: &[u8]) -> usize {
        if data.len() <= self.min {
            return data.len();
        }
        let (ms, ml) = self.masks;
        let (_, n) = cut_gear(
            data,
            self.min,
            self.avg,
            self.max,
            ms,
            ml,
            ms << 1,
            ml << 1,
            &self.gear,
            &self.gear_ls,
        );
        n
    }

    /// Splits a reader into chunks, calling `emit` for each; returns bytes read.
    /// `buf` is reused across calls to avoid a large allocation per file.
    pub fn split<R: Read, E>(
        &self,
        mut r: R,
        buf: &mut Vec<u8>,
        mut emit: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<Result<u64, E>, std::io::Error> {
        buf.resize(self.max * 2, 0);
        let (mut pos, mut end, mut eof, mut total) = (0usize, 0usize, false, 0u64);
        loop {
            if end - pos < self.max && !eof {
                buf.copy_within(pos..end, 0);
                end -= pos;
                pos = 0;
                while end < buf.len() {
                    let n = match r.read(&mut buf[end..]) {
                        Ok(n) => n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    };
                    if n == 0 {
                        eof = true;
                        break;
                    }
                    end += n;
                }
            }
            if pos == end {
                return Ok(Ok(total));
            }
            let window = &buf[pos..end.min(pos + self.max)];
            let n = self.cut(window);
            if let Err(e) = emit(&window[..n]) {
                return Ok(Err(e));
            }
            total += n as u64;
            pos += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn small() -> ChunkerParams {
        ChunkerParams {
            min: 1024,
            avg: 4096,
            max: 16384,
        }
    }

    fn chunks(c: &Chunker, data: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        c.split(data, &mut buf, |ch| -> Result<(), ()> {
            out.push(ch.to_vec());
            Ok(())
        })
        .unwrap()
        .unwrap();
        out
    }

    fn pseudo_random(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn chunks_concatenate_and_respect_bounds() {
        let c = Chunker::new(small(), 42);
        let data = pseudo_random(200_000, 7);
        let ch = chunks(&c, &data);
        assert_eq!(ch.concat(), data);
        for (i, x) in ch.iter().enumerate() {
            assert!(x.len() <= 16384);
            assert!(x.len() >= 1024 || i == ch.len() - 1);
        }
    }

    #[test]
    fn seed_changes_boundaries() {
        let data = pseudo_random(200_000, 9);
        let a: Vec<usize> = chunks(&Chunker::new(small(), 1), &data)
            .iter()
            .map(Vec::len)
            .collect();
        let b: Vec<usize> = chunks(&Chunker::new(small(), 2), &data)
            .iter()
            .map(Vec::len)
            .collect();
        assert_ne!(a, b);
    }

    proptest! {
        // A fixed seed: the bound below is not a certainty. The mask depends
        // on the distance from the last cut (normalised chunking), so a
        // shifted cut can make the next candidate eligible in one version
        // and not the other, and now and then the cascade runs a few chunks
        // before both agree again. Measured over 4,000 one-byte insertions
        // into 300 kB (small chunks): 1 chunk changed 3,917 times, 2 72, 3 8,
        // 4 twice, 6 once. With random seeds the old bound of 4 failed about
        // one run in a hundred (proptest-regressions/chunker.txt: 5 of 58).
        #![proptest_config(ProptestConfig {
            cases: 32,
            rng_seed: proptest::test_runner::RngSeed::Fixed(19),
            ..ProptestConfig::default()
        })]
        #[test]
        fn an_insertion_changes_only_nearby_chunks(seed in any::<u64>(), at in 0usize..150_000, ins in proptest::collection::vec(any::<u8>(), 1..100)) {
            let c = Chunker::new(small(), 99);
            let data = pseudo_random(300_000, seed);
            let mut changed = data.clone();
            changed.splice(at..at, ins.iter().copied());
            let a = chunks(&c, &data);
            let b = chunks(&c, &changed);
            prop_assert_eq!(b.concat(), changed);
            // Chunks fully after the insertion (past a resync window) are shared.
            let set: std::collections::HashSet<&Vec<u8>> = a.iter().collect();
            let shared = b.iter().filter(|x| set.contains(x)).count();
            prop_assert!(b.len() - shared <= 8, "{} of {} chunks changed", b.len() - shared, b.len());
        }
    }
}
