use crate::cli::{Global, ListArgs};
use crate::context::{self, Access};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Row<'a> {
    id: String,
    short_id: String,
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
    if g.json {
        let rows: Vec<Row> = snaps
            .iter()
            .map(|(id, m)| Row {
                id: id.to_hex(),
                short_id: id.short(),
                meta: m,
            })
            .collect();
        super::print_json(&rows)?;
        return Ok(0);
    }
    println!(
        "{:<8}  {:<20}  {:<12}  {:>8}  {:>10}  {:<12}  paths",
        "id", "time", "host", "files", "size", "tags"
    );
    for (id, m) in &snaps {
        let time = m.time.get(..19).unwrap_or(&m.time).replace('T', " ");
        let flag = if m.incomplete { "  (incomplete)" } else { "" };
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
