//! `cairn diff A B [PATH]`: what changed between two snapshots.

use crate::cli::{DiffArgs, Global};
use crate::context::{self, Access};
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_app::usecase::browse;
use cairn_app::usecase::select::Selector;
use cairn_core::browse::diff::{Aspect, Change, DiffTotals, Difference};
use cairn_core::escape::one_line;
use cairn_core::tree::NodeType;
use serde::Serialize;
use std::io;

/// What `cairn diff` shows.
#[derive(Serialize)]
struct Compared {
    a: String,
    b: String,
    changes: Vec<Difference>,
    totals: DiffTotals,
}

pub fn run(g: &Global, a: &DiffArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "diff")?;
    let c = browse::diff(&repo, &Selector::any(&a.a), &Selector::any(&a.b), &a.path)?;
    emit(
        g,
        &Compared {
            a: c.a.id.to_hex(),
            b: c.b.id.to_hex(),
            changes: c.diff.changes,
            totals: c.diff.totals,
        },
    )
}

impl Render for Compared {
    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()> {
        use crate::render::human_bytes as hb;
        for c in &self.changes {
            let mut path = one_line(&c.path.display()).into_owned();
            if c.kind == NodeType::Dir {
                path.push('/');
            }
            let sign = match c.change {
                Change::Added => "+",
                Change::Removed => "-",
                Change::Modified => "M",
            };
            let mut what: Vec<&str> = c
                .what
                .iter()
                .map(|w| match w {
                    Aspect::Type => "type",
                    Aspect::Content => "content",
                    Aspect::Mode => "mode",
                    Aspect::Owner => "owner",
                })
                .collect();
            let sizes;
            if let (Some(before), true) = (c.size_before, c.what.contains(&Aspect::Content)) {
                sizes = format!("{} -> {}", hb(before), hb(c.size));
                what.push(&sizes);
            }
            if what.is_empty() {
                writeln!(t.out, "{sign}  {path}")?;
            } else {
                writeln!(t.out, "{sign}  {path}  ({})", what.join(", "))?;
            }
        }
        if !g.quiet {
            let s = &self.totals;
            writeln!(
                t.err,
                "{} added ({}), {} removed ({}), {} modified ({} -> {})",
                s.added,
                hb(s.added_bytes),
                s.removed,
                hb(s.removed_bytes),
                s.modified,
                hb(s.modified_bytes_before),
                hb(s.modified_bytes_after)
            )?;
        }
        Ok(())
    }
}
