//! Export by selector: the snapshot `sel` names (or a subtree of it) as a
//! tar stream. Compression is the front end's choice; it wraps `out`.

use super::select::{select, Selector};
use crate::error::Result;
use cairn_core::export::export_tar_watched;
use cairn_core::progress::WorkProgress;
use cairn_core::Repository;
use std::io::Write;

/// Writes the snapshot `sel` names, or only `sub` of it, as tar to `out`,
/// counting files and bytes into `progress`; returns `out` so the caller
/// can finish its encoder.
pub fn export<W: Write>(
    repo: &Repository,
    sel: &Selector<'_>,
    sub: Option<&str>,
    out: W,
    progress: &WorkProgress,
) -> Result<W> {
    let (_, meta) = select(repo, sel)?;
    Ok(export_tar_watched(repo, &meta.tree, sub, out, progress)?)
}
