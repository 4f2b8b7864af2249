//! `cairn find PATTERN`: which snapshots hold matching paths. The answer is
//! written one snapshot at a time, as each walk ends (text lines, or the
//! JSON document in pieces), so a search with a million matches across many
//! snapshots never holds them all (docs/BROWSE.md).

use super::browse::shown_path;
use crate::cli::{FindArgs, Global};
use crate::context::{self, Access};
use crate::exit;
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
    let (mut holding, mut done) = (0, 0);
    let stdout = |e| cairn_core::Error::io("standard output", e);
    if g.json {
        let head = serde_json::to_string(&a.pattern)?;
        write!(out, "{{\n  \"pattern\": {head},\n  \"snapshots\": [").map_err(stdout)?;
    }
    let searched = browse::find(&repo, &sels, &a.pattern, newer, |p, hits| {
        let written = if g.json {
            json_snapshot(&mut out, p, hits, done == 0)
        } else {
            text_snapshot(&mut out, p, hits)
        };
        holding += usize::from(written.map_err(stdout)?);
        done += 1;
        Ok(())
    });
    let r = searched.map_err(anyhow::Error::from).and_then(|n| {
        if g.json {
            writeln!(out, "{}]\n}}", if n > 0 { "\n  " } else { "" })?;
        }
        out.flush()?;
        Ok(n)
    });
    match r {
        Ok(n) => {
            if !g.quiet && !g.json {
                eprintln!("{holding} of {n} snapshot(s) hold a match");
            }
            Ok(0)
        }
        // `cairn find ... | head` ends quietly, as any Unix filter does.
        Err(e) if closed(&e) => {
            cairn_core::lock::release_all_held();
            std::process::exit(exit::CLOSED_STDOUT.into())
        }
        Err(e) => Err(e),
    }
}

/// Whether the error is a closed standard output, however deep its cause.
fn closed(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
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

/// One element of the `snapshots` array (after a comma unless it is the
/// first); returns whether the snapshot held any match.
fn json_snapshot(
    out: &mut impl Write,
    p: &Picked,
    hits: &mut dyn Iterator<Item = &Entry>,
    first: bool,
) -> io::Result<bool> {
    let s = Snapshot {
        id: p.id.to_hex(),
        short_id: p.id.short(),
        time: &p.meta.time,
        host: &p.meta.host,
        entries: hits.collect(),
    };
    let any = !s.entries.is_empty();
    let text = serde_json::to_string_pretty(&s).map_err(io::Error::other)?;
    let indented = text.replace('\n', "\n    ");
    let comma = if first { "" } else { "," };
    write!(out, "{comma}\n    {indented}")?;
    Ok(any)
}
