//! `cairn find PATTERN`: which snapshots hold matching paths. The answer is
//! written one snapshot at a time, as each walk ends (text lines, or the
//! JSON document in pieces), so a search with a million matches across many
//! snapshots never holds them all (docs/BROWSE.md).

use super::browse::shown_path;
use crate::cli::{FindArgs, Global};
use crate::context::{self, Access};
use crate::json_parts::JsonParts;
use crate::render::written;
use anyhow::Result;
use cairn_app::usecase::browse::{self, Picked};
use cairn_app::usecase::select::Selector;
use cairn_core::browse::Entry;
use serde::Serialize;
use std::io::{self, Write};

/// One snapshot searched, in `--json`: `{"pattern", "snapshots": [this...]}`.
#[derive(Serialize)]
struct Snapshot<'a> {
    id: String,
    short_id: String,
    time: &'a str,
    host: &'a str,
    /// The matching entries (empty: the snapshot holds none).
    entries: Vec<&'a Entry>,
}

pub fn run(g: &Global, a: &FindArgs) -> Result<u8> {
    let newer = a
        .newer
        .as_deref()
        .map(cairn_core::clock::parse_rfc3339)
        .transpose()?;
    let repo = context::open(g, Access::Read, "find")?;
    let sels: Vec<Selector> = a.snapshots.iter().map(|s| Selector::any(s)).collect();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut json = JsonParts::new(&[("pattern", &a.pattern)], "snapshots")?;
    let mut holding = 0;
    let stdout = |e| cairn_core::Error::io("standard output", e);
    let searched = browse::find(&repo, &sels, &a.pattern, newer, |p, hits| {
        let wrote = if g.json {
            json_snapshot(&mut out, &mut json, p, hits)
        } else {
            text_snapshot(&mut out, p, hits)
        };
        holding += usize::from(wrote.map_err(stdout)?);
        Ok(())
    });
    written(searched.map_err(anyhow::Error::from).and_then(|n| {
        if g.json {
            json.finish(&mut out, &[])?;
        }
        out.flush()?;
        if !g.quiet && !g.json {
            eprintln!("{holding} of {n} snapshot(s) hold a match");
        }
        Ok(())
    }))
}

/// One line per match; returns whether the snapshot held any.
fn text_snapshot(
    out: &mut impl Write,
    p: &Picked,
    hits: &mut dyn Iterator<Item = &Entry>,
) -> io::Result<bool> {
    let short = p.id.short();
    let time = p
        .meta
        .time
        .get(..19)
        .unwrap_or(&p.meta.time)
        .replace('T', " ");
    let mut any = false;
    for e in hits {
        any = true;
        let mtime = e.mtime.get(..19).unwrap_or(&e.mtime).replace('T', " ");
        writeln!(
            out,
            "{:<8}  {}  {:>10}  {}  {}",
            short,
            time,
            crate::render::human_bytes(e.size),
            mtime,
            shown_path(e)
        )?;
    }
    Ok(any)
}

/// One element of the `snapshots` array; returns whether the snapshot held
/// any match.
fn json_snapshot(
    out: &mut impl Write,
    json: &mut JsonParts,
    p: &Picked,
    hits: &mut dyn Iterator<Item = &Entry>,
) -> io::Result<bool> {
    let s = Snapshot {
        id: p.id.to_hex(),
        short_id: p.id.short(),
        time: &p.meta.time,
        host: &p.meta.host,
        entries: hits.collect(),
    };
    json.element(out, &s)?;
    Ok(!s.entries.is_empty())
}
