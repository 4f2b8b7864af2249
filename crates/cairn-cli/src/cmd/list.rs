use crate::cli::{Global, ListArgs};
use crate::context::{self, Access};
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_core::snapshot::SnapshotMeta;
use serde::Serialize;
use std::io;

#[derive(Serialize)]
struct Row {
    id: String,
    short_id: String,
    /// The repository's WORM grade, as in force.
    worm: String,
    /// Until when WORM keeps this snapshot object, if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    retained_until: Option<String>,
    protected: bool,
    #[serde(flatten)]
    meta: SnapshotMeta,
}

/// The snapshots `cairn list` shows: a JSON array of rows.
#[derive(Serialize)]
#[serde(transparent)]
struct Listed(Vec<Row>);

pub fn run(g: &Global, a: &ListArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "list")?;
    let protected = cairn_core::protect::protected(&repo)?;
    let worm = cairn_core::worm::describe(repo.config().worm.as_ref(), repo.backend().as_ref());
    let mut rows = Vec::new();
    for (id, meta) in repo.snapshots()? {
        if a.host.as_ref().is_some_and(|h| &meta.host != h)
            || !a.tags.iter().all(|t| meta.tags.contains(t))
        {
            continue;
        }
        // Only the JSON shows it, and asking costs a storage call per snapshot.
        let retained_until = if g.json {
            repo.backend()
                .retained_until(cairn_core::ObjectKind::Snapshot, &id.to_hex())?
                .map(cairn_core::clock::rfc3339)
        } else {
            None
        };
        rows.push(Row {
            id: id.to_hex(),
            short_id: id.short(),
            worm: worm.clone(),
            retained_until,
            protected: protected.contains_key(&id),
            meta,
        });
    }
    emit(g, &Listed(rows))
}

impl Render for Listed {
    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        writeln!(
            t.out,
            "{:<8}  {:<20}  {:<12}  {:>8}  {:>10}  {:<12}  paths",
            "id", "time", "host", "files", "size", "tags"
        )?;
        for r in &self.0 {
            let m = &r.meta;
            let time = m.time.get(..19).unwrap_or(&m.time).replace('T', " ");
            let flag = match (m.incomplete, r.protected) {
                (true, true) => "  (incomplete, protected)",
                (true, false) => "  (incomplete)",
                (false, true) => "  (protected)",
                _ => "",
            };
            writeln!(
                t.out,
                "{:<8}  {:<20}  {:<12}  {:>8}  {:>10}  {:<12}  {}{}",
                r.short_id,
                time,
                m.host,
                m.stats.files,
                crate::render::human_bytes(m.stats.bytes),
                m.tags.join(","),
                m.paths.join(" "),
                flag
            )?;
        }
        if !g.quiet {
            writeln!(t.err, "{} snapshot(s)", self.0.len())?;
        }
        Ok(())
    }
}
