//! `cairn find PATTERN`: which snapshots hold matching paths.

use super::browse::shown_path;
use crate::cli::{FindArgs, Global};
use crate::context::{self, Access};
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_app::usecase::browse;
use cairn_app::usecase::select::Selector;
use cairn_core::browse::Entry;
use serde::Serialize;
use std::io;

#[derive(Serialize)]
struct Snapshot {
    id: String,
    short_id: String,
    time: String,
    host: String,
    /// The matching entries (empty: the snapshot holds none).
    entries: Vec<Entry>,
}

/// What `cairn find` shows: every snapshot searched, oldest first.
#[derive(Serialize)]
struct Found {
    pattern: String,
    snapshots: Vec<Snapshot>,
}

pub fn run(g: &Global, a: &FindArgs) -> Result<u8> {
    let newer = a
        .newer
        .as_deref()
        .map(cairn_core::clock::parse_rfc3339)
        .transpose()?;
    let repo = context::open(g, Access::Read, "find")?;
    let sels: Vec<Selector> = a.snapshots.iter().map(|s| Selector::any(s)).collect();
    let s = browse::find(&repo, &sels, &a.pattern, newer)?;
    let snapshots = s
        .snapshots
        .into_iter()
        .map(|h| Snapshot {
            id: h.snapshot.id.to_hex(),
            short_id: h.snapshot.id.short(),
            time: h.snapshot.meta.time,
            host: h.snapshot.meta.host,
            entries: h.entries,
        })
        .collect();
    emit(
        g,
        &Found {
            pattern: a.pattern.clone(),
            snapshots,
        },
    )
}

impl Render for Found {
    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        let mut holding = 0;
        for s in &self.snapshots {
            holding += usize::from(!s.entries.is_empty());
            let time = s.time.get(..19).unwrap_or(&s.time).replace('T', " ");
            for e in &s.entries {
                let mtime = e.mtime.get(..19).unwrap_or(&e.mtime).replace('T', " ");
                writeln!(
                    t.out,
                    "{:<8}  {}  {:>10}  {}  {}",
                    s.short_id,
                    time,
                    crate::render::human_bytes(e.size),
                    mtime,
                    shown_path(e)
                )?;
            }
        }
        if !g.quiet {
            writeln!(
                t.err,
                "{holding} of {} snapshot(s) hold a match",
                self.snapshots.len()
            )?;
        }
        Ok(())
    }
}
