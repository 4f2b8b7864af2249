//! `cairn diff A B [PATH]`: what changed between two snapshots.

use crate::cli::{DiffArgs, Global};
use crate::context::{self, Access};
use crate::json_parts::JsonParts;
use crate::render::written;
use anyhow::Result;
use cairn_app::usecase::browse;
use cairn_app::usecase::select::Selector;
use cairn_core::browse::diff::{Aspect, Change, DiffTotals, Difference};
use cairn_core::escape::one_line;
use cairn_core::tree::NodeType;
use std::io::{self, Write};

/// `cairn diff`: each difference is written as the walk finds it (a text
/// line, or its element of the JSON `changes`), the totals at the end, so
/// comparing snapshots that share nothing holds none of the differences
/// (docs/BROWSE.md).
pub fn run(g: &Global, a: &DiffArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "diff")?;
    let (pa, pb) = (
        browse::pick(&repo, &Selector::any(&a.a))?,
        browse::pick(&repo, &Selector::any(&a.b))?,
    );
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut json = JsonParts::new(&[("a", &pa.id.to_hex()), ("b", &pb.id.to_hex())], "changes")?;
    let stdout = |e| cairn_core::Error::io("standard output", e);
    let found = browse::diff_each(&repo, &pa, &pb, &a.path, |c| {
        match g.json {
            true => json.element(&mut out, &c),
            false => text_change(&mut out, &c),
        }
        .map_err(stdout)
    });
    written(found.map_err(anyhow::Error::from).and_then(|totals| {
        if g.json {
            json.finish(&mut out, &[("totals", &totals)])?;
        } else if !g.quiet {
            text_totals(&mut io::stderr().lock(), &totals)?;
        }
        Ok(out.flush()?)
    }))
}

fn text_change(out: &mut impl Write, c: &Difference) -> io::Result<()> {
    use crate::render::human_bytes as hb;
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
        writeln!(out, "{sign}  {path}")
    } else {
        writeln!(out, "{sign}  {path}  ({})", what.join(", "))
    }
}

fn text_totals(err: &mut impl Write, s: &DiffTotals) -> io::Result<()> {
    use crate::render::human_bytes as hb;
    writeln!(
        err,
        "{} added ({}), {} removed ({}), {} modified ({} -> {})",
        s.added,
        hb(s.added_bytes),
        s.removed,
        hb(s.removed_bytes),
        s.modified,
        hb(s.modified_bytes_before),
        hb(s.modified_bytes_after)
    )
}
