use crate::cli::{Global, ListArgs};
use crate::context::{self, Access};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Row<'a> {
    id: String,
    short_id: String,
    /// The repository's WORM grade, as in force.
    worm: &'a str,
    /// Until when WORM keeps this snapshot object, if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    retained_until: Option<String>,
    protected: bool,
    #[serde(flatten)]
    meta: &'a cairn_core::snapshot::SnapshotMeta,
}

pub fn run(g: &Global, a: &ListArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "list")?;
    let snaps: Vec<_> = repo
        .snapshots()?
        .into_iter()
        .filter(|(_, m)| a.host.as_ref().is_none_or(|h| &m.host == h))
        .filter(|(_, m)| a.tags.iter().all(|t| m.tags.contains(t)))
        .collect();
    let protected = cairn_core::protect::protected(&repo)?;
    if g.json {
        let worm = cairn_core::worm::describe(repo.config().worm.as_ref(), repo.backend().as_ref());
        let mut rows = Vec::new();
        for (id, m) in &snaps {
            rows.push(Row {
                id: id.to_hex(),
                short_id: id.short(),
                worm: &worm,
                retained_until: repo
                    .backend()
                    .retained_until(cairn_core::ObjectKind::Snapshot, &id.to_hex())?
                    .map(cairn_core::clock::rfc3339),
                protected: protected.contains_key(id),
                meta: m,
            });
        }
        super::print_json(&rows)?;
        return Ok(0);
    }
    println!(
        "{:<8}  {:<20}  {:<12}  {:>8}  {:>10}  {:<12}  paths",
        "id", "time", "host", "files", "size", "tags"
    );
    for (id, m) in &snaps {
        let time = m.time.get(..19).unwrap_or(&m.time).replace('T', " ");
        let flag = match (m.incomplete, protected.contains_key(id)) {
            (true, true) => "  (incomplete, protected)",
            (true, false) => "  (incomplete)",
            (false, true) => "  (protected)",
            _ => "",
        };
        println!(
            "{:<8}  {:<20}  {:<12}  {:>8}  {:>10}  {:<12}  {}{}",
            id.short(),
            time,
            m.host,
            m.stats.files,
            super::human_bytes(m.stats.bytes),
            m.tags.join(","),
            m.paths.join(" "),
            flag
        );
    }
    if !g.quiet {
        eprintln!("{} snapshot(s)", snaps.len());
    }
    Ok(0)
}
