//! Partial objects left by writers that were killed mid-write (`.tmp-*`
//! files of a folder repository: packs of up to 16 MiB, config and slot
//! temporaries). They are never read, but they take space, so prune and
//! maintenance remove those older than a lock's validity (a writer still at
//! work holds a lock it refreshes; one silent for longer is gone), judged
//! by the storage's clock, and verify counts them.

use crate::backend::Backend;
use crate::clock::Clock;
use crate::error::Result;
use serde::Serialize;

/// How many leftovers, and how large.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Leftovers {
    /// Partial objects.
    pub count: usize,
    /// Their bytes.
    pub bytes: u64,
}

/// Counts the leftovers now in the repository.
pub fn survey(backend: &dyn Backend) -> Result<Leftovers> {
    let all = backend.leftovers()?;
    Ok(Leftovers {
        count: all.len(),
        bytes: all.iter().map(|l| l.size).sum(),
    })
}

/// Removes the leftovers last written longer than a lock's validity ago
/// by the storage's clock. Storage that reports no times keeps them.
pub fn sweep(backend: &dyn Backend, clock: &dyn Clock) -> Result<Leftovers> {
    let all = backend.leftovers()?;
    let mut removed = Leftovers::default();
    if all.is_empty() {
        return Ok(removed);
    }
    let Some(now) = crate::lock::storage_now(backend, clock)? else {
        return Ok(removed);
    };
    for l in all {
        if l.modified
            .is_some_and(|m| now - m > crate::lock::DEFAULT_TTL)
        {
            backend.remove_leftover(&l)?;
            tracing::info!(path = %l.path, size = l.size, "removed a partial object left by a killed writer");
            removed.count += 1;
            removed.bytes += l.size;
        }
    }
    Ok(removed)
}
