//! Getting at a snapshot's data without a restore: list a directory, print
//! a file, compare two snapshots, find a path across snapshots. Each picks
//! its snapshots through the one selector ([`super::select`]) and hands the
//! trees to [`cairn_core::browse`]; only [`cat`] and a mount's reads
//! ([`mount_view`]) read data packs.

use super::select::{select, select_many, Selector};
use crate::error::Result;
use cairn_core::browse::diff::{self, DiffTotals, Difference, Side};
use cairn_core::browse::find::{self, Pattern};
use cairn_core::browse::layout::Layout;
use cairn_core::browse::read::BlobSource;
use cairn_core::browse::view::View;
use cairn_core::browse::{cat as core_cat, ls, Entry};
use cairn_core::snapshot::SnapshotMeta;
use cairn_core::tree::TreeSource;
use cairn_core::{Repository, SnapshotId};
use std::io::Write;

/// One snapshot, named.
#[derive(Debug, Clone)]
pub struct Picked {
    pub id: SnapshotId,
    pub meta: SnapshotMeta,
}

/// What `ls` found.
pub struct Listing {
    pub snapshot: Picked,
    pub entries: Vec<Entry>,
}

/// The entries at `path` of the snapshot `sel` names (trees only).
pub fn list(repo: &Repository, sel: &Selector<'_>, path: &str, recursive: bool) -> Result<Listing> {
    let snapshot = pick(repo, sel)?;
    let entries = ls::list(repo, &snapshot.meta.tree, path, recursive)?;
    Ok(Listing { snapshot, entries })
}

/// The snapshot `sel` names.
pub fn pick(repo: &Repository, sel: &Selector<'_>) -> Result<Picked> {
    let (id, meta) = select(repo, sel)?;
    Ok(Picked { id, meta })
}

/// As [`list`] for a snapshot already picked, handing each entry to `each`
/// as the walk meets it: a front end writes it out, and a recursive listing
/// of ten million files holds none of them.
pub fn list_each(
    repo: &Repository,
    snapshot: &Picked,
    path: &str,
    recursive: bool,
    mut each: impl FnMut(Entry) -> cairn_core::Result<()>,
) -> Result<()> {
    Ok(ls::list_each(
        repo,
        &snapshot.meta.tree,
        path,
        recursive,
        &mut each,
    )?)
}

/// Streams the file at `path` of the snapshot `sel` names to `out`,
/// checked against its recorded SHA-256; returns its size.
pub fn cat(repo: &Repository, sel: &Selector<'_>, path: &str, out: &mut dyn Write) -> Result<u64> {
    let (_, meta) = select(repo, sel)?;
    Ok(core_cat::cat(repo, &meta.tree, path, out)?)
}

/// The differences from snapshot `a` to `b` under `path` (trees only),
/// each handed to `each` as the walk finds it (in path order); returns
/// their totals. A front end writes each out, and holds none of them.
pub fn diff_each<'a>(
    repo: &'a Repository,
    a: &'a Picked,
    b: &'a Picked,
    path: &str,
    mut each: impl FnMut(Difference) -> cairn_core::Result<()>,
) -> Result<DiffTotals> {
    let side = |p: &'a Picked| Side {
        src: repo,
        root: &p.meta.tree,
    };
    Ok(diff::diff_each(side(a), side(b), path, &mut each)?)
}

/// Searches the snapshots `sels` name (none: every snapshot), oldest
/// first, for entries matching `pattern`, modified after `newer` if given
/// (trees only). Each snapshot's matches go to `each` as soon as its walk
/// ends (none where the path is absent: that is the answer to "when did it
/// vanish"), so a front end writes them out and memory holds no copy of
/// every snapshot's matches ([`find::find_each`]). Returns how many
/// snapshots were searched.
pub fn find(
    repo: &Repository,
    sels: &[Selector<'_>],
    pattern: &str,
    newer: Option<time::OffsetDateTime>,
    mut each: impl FnMut(&Picked, &mut dyn Iterator<Item = &Entry>) -> cairn_core::Result<()>,
) -> Result<usize> {
    let pat = Pattern::new(pattern, newer)?;
    let picked: Vec<Picked> = select_many(repo, sels)?
        .into_iter()
        .map(|(id, meta)| Picked { id, meta })
        .collect();
    let roots: Vec<_> = picked.iter().map(|p| p.meta.tree).collect();
    find::find_each(repo, &roots, &pat, |i, hits| each(&picked[i], hits))?;
    Ok(picked.len())
}

/// A repository opened for a mount: its trees and blobs, under the read
/// lock its session holds for as long as the view lives.
pub struct Mounted(pub crate::session::Session);

impl TreeSource for Mounted {
    fn tree(&self, id: &cairn_core::BlobId) -> cairn_core::Result<cairn_core::tree::Tree> {
        self.0.repo.tree(id)
    }
}

impl BlobSource for Mounted {
    fn blob(&self, id: &cairn_core::BlobId) -> cairn_core::Result<Vec<u8>> {
        self.0.repo.blob(id)
    }
    fn blob_len(&self, id: &cairn_core::BlobId) -> Option<u64> {
        self.0.repo.blob_len(id)
    }
}

/// The file system a mount shows: every snapshot taken on `host` (if
/// given) carrying every one of `tags`, by id, time, host and tag
/// ([`Layout`]), with up to `cache_bytes` of file content kept for
/// rereads. Also returns how many snapshots it shows.
pub fn mount_view(
    session: crate::session::Session,
    host: Option<&str>,
    tags: &[String],
    cache_bytes: u64,
) -> Result<(View<Mounted>, usize)> {
    let filter = cairn_core::Selector::latest().host(host).tags(tags);
    let snaps: Vec<_> = session
        .repo
        .snapshots()?
        .into_iter()
        .filter(|(_, m)| filter.matches(m))
        .collect();
    let layout = Layout::new(&snaps);
    Ok((
        View::new(Mounted(session), layout, cache_bytes),
        snaps.len(),
    ))
}
