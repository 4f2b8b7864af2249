//! `cairn ls` and `cairn cat`: one directory or one file of a snapshot.

use crate::cli::{CatArgs, Global, LsArgs};
use crate::context::{self, Access};
use crate::json_parts::JsonParts;
use crate::render::written;
use anyhow::Result;
use cairn_app::usecase::browse;
use cairn_app::usecase::select::Selector;
use cairn_core::browse::Entry;
use cairn_core::escape::one_line;
use cairn_core::tree::NodeType;
use std::io::{self, Write};

/// `cairn ls`: each entry is written as the walk meets it (text lines, or
/// the JSON document in parts), so `ls -r` of ten million files holds none
/// of them (docs/BROWSE.md).
pub fn ls(g: &Global, a: &LsArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "ls")?;
    let picked = browse::pick(&repo, &Selector::any(&a.snapshot))?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut json = JsonParts::new(
        &[
            ("snapshot", &picked.id.to_hex()),
            ("time", &picked.meta.time),
            ("path", &a.path.trim_matches('/')),
        ],
        "entries",
    )?;
    let stdout = |e| cairn_core::Error::io("standard output", e);
    let listed = browse::list_each(&repo, &picked, &a.path, a.recursive, |e| {
        match g.json {
            true => json.element(&mut out, &e),
            false => text_entry(&mut out, &e, a.long),
        }
        .map_err(stdout)
    });
    written(listed.map_err(anyhow::Error::from).and_then(|()| {
        if g.json {
            json.finish(&mut out, &[])?;
        }
        Ok(out.flush()?)
    }))
}

fn text_entry(out: &mut impl Write, e: &Entry, long: bool) -> io::Result<()> {
    let size = crate::render::human_bytes(e.size);
    if long {
        // Seconds are enough on a terminal; --json has the nanoseconds.
        let mtime = e.mtime.get(..19).unwrap_or(&e.mtime).replace('T', " ");
        writeln!(
            out,
            "{} {:>6} {:>6} {:>10}  {}  {:<64}  {}",
            mode_string(e.kind, e.mode),
            e.uid,
            e.gid,
            size,
            mtime,
            e.sha256.as_deref().unwrap_or("-"),
            shown_path(e)
        )
    } else {
        writeln!(
            out,
            "{:<8} {:>10}  {}",
            kind_name(e.kind),
            size,
            shown_path(e)
        )
    }
}

/// A path as a terminal may show it: control characters escaped, a `/`
/// after directories, ` -> target` after symlinks.
pub fn shown_path(e: &Entry) -> String {
    let mut s = one_line(&e.path.display()).into_owned();
    if e.kind == NodeType::Dir {
        s.push('/');
    }
    if let Some(t) = &e.target {
        s.push_str(" -> ");
        s.push_str(&one_line(&t.display()));
    }
    s
}

/// `drwxr-xr-x`, as `ls -l` writes it.
fn mode_string(kind: NodeType, mode: u32) -> String {
    let first = match kind {
        NodeType::Dir => 'd',
        NodeType::Symlink => 'l',
        NodeType::Fifo => 'p',
        NodeType::Socket => 's',
        NodeType::Chardev => 'c',
        NodeType::Blockdev => 'b',
        NodeType::File => '-',
    };
    let mut s = String::from(first);
    for (i, c) in "rwxrwxrwx".chars().enumerate() {
        s.push(if mode & (0o400 >> i) != 0 { c } else { '-' });
    }
    s
}

fn kind_name(k: NodeType) -> &'static str {
    match k {
        NodeType::File => "file",
        NodeType::Dir => "dir",
        NodeType::Symlink => "symlink",
        NodeType::Fifo => "fifo",
        NodeType::Socket => "socket",
        NodeType::Chardev => "chardev",
        NodeType::Blockdev => "blockdev",
    }
}

pub fn cat(g: &Global, a: &CatArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "cat")?;
    let mut out = io::BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let r = browse::cat(&repo, &Selector::any(&a.snapshot), &a.path, &mut out);
    written(r.map(drop).map_err(anyhow::Error::from))
}
