//! Live counters of long work (a restore writing files, a verify reading
//! packs) that a front end polls to draw a progress bar. The work sets the
//! totals once it knows them (after planning) and counts what is done; the
//! counters are atomics, so reading them never slows the work.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// Totals and what is done, in items (files, packs) and bytes.
#[derive(Debug, Default)]
pub struct WorkProgress {
    pub total_items: AtomicU64,
    pub total_bytes: AtomicU64,
    pub items: AtomicU64,
    pub bytes: AtomicU64,
    /// Set once the totals are known.
    pub started: AtomicBool,
}

impl WorkProgress {
    /// Records the totals: the work proper begins.
    pub fn begin(&self, items: u64, bytes: u64) {
        self.total_items.store(items, Relaxed);
        self.total_bytes.store(bytes, Relaxed);
        self.started.store(true, Relaxed);
    }

    /// Adds to the totals, for work planned as it goes (a restore plans and
    /// writes a batch at a time): the bar's end moves out with each batch.
    pub fn grow(&self, items: u64, bytes: u64) {
        self.total_items.fetch_add(items, Relaxed);
        self.total_bytes.fetch_add(bytes, Relaxed);
        self.started.store(true, Relaxed);
    }

    /// One item of `bytes` done.
    pub fn done(&self, bytes: u64) {
        self.items.fetch_add(1, Relaxed);
        self.bytes.fetch_add(bytes, Relaxed);
    }
}
