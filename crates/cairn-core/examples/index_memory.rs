//! Memory of the in-memory index at scale: builds a synthetic index of N
//! blobs (default 10,000,000) the way opening a repository does (packs of
//! 500 blobs, then a compact) and prints bytes per blob, by the table's
//! capacity and by the process's resident memory. bench/index-memory.sh runs
//! it under /usr/bin/time for the peak.

use cairn_core::crypto::SealKind;
use cairn_core::index::Index;
use cairn_core::pack::BlobEntry;
use cairn_core::{BlobId, PackId};

fn rss_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn id(i: u64) -> [u8; 32] {
    *blake3::hash(&i.to_le_bytes()).as_bytes()
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let before = rss_kib("VmRSS:");
    let mut idx = Index::default();
    let per_pack = 500u64;
    for p in 0..n.div_ceil(per_pack) {
        let entries: Vec<BlobEntry> = (p * per_pack..((p + 1) * per_pack).min(n))
            .map(|i| BlobEntry {
                kind: SealKind::Data,
                id: BlobId(id(i)),
                offset: ((i % per_pack) * 4096) as u32,
                stored_len: 4000,
                raw_len: 3980,
            })
            .collect();
        idx.add_pack(PackId(id(u64::MAX - p)), &entries);
    }
    idx.compact();
    let after = rss_kib("VmRSS:");
    // Every blob is still found.
    let found = (0..n).step_by(9973).all(|i| idx.contains(&BlobId(id(i))));
    println!(
        "blobs {} packs {} found {found}\ntable bytes per blob {:.1}\nresident bytes per blob {:.1} (RSS {} MiB after, {} MiB peak)",
        idx.len(),
        idx.packs().len(),
        idx.blob_table_bytes() as f64 / n as f64,
        (after.saturating_sub(before) * 1024) as f64 / n as f64,
        after / 1024,
        rss_kib("VmHWM:") / 1024,
    );
}
