//! Copy snapshots into a second repository (the "2" and "1" of 3-2-1):
//! pick them with the one selector, then [`cairn_core::copy`] re-encodes
//! them under the destination's keys, skipping what it already holds.

use super::select::{select_many, Selector};
use crate::error::Result;
use cairn_core::copy::{self, CopyOptions, CopyReport};
use cairn_core::progress::WorkProgress;
use cairn_core::Repository;

/// Copies the snapshots `sels` name (none: every snapshot) from `src` to
/// `dst`, oldest first, so a parent is copied before its child.
pub fn copy(src: &Repository, dst: &mut Repository, sels: &[Selector<'_>]) -> Result<CopyReport> {
    copy_watched(
        src,
        dst,
        sels,
        &CopyOptions::default(),
        &WorkProgress::default(),
    )
}

/// [`copy`] with `opts` (threads), counting snapshots and bytes into
/// `progress` (for a bar).
pub fn copy_watched(
    src: &Repository,
    dst: &mut Repository,
    sels: &[Selector<'_>],
    opts: &CopyOptions,
    progress: &WorkProgress,
) -> Result<CopyReport> {
    let snaps = select_many(src, sels)?;
    Ok(copy::copy_watched(src, dst, &snaps, opts, progress)?)
}
