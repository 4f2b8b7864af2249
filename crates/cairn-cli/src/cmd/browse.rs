//! `cairn ls` and `cairn cat`: one directory or one file of a snapshot.

use crate::cli::{CatArgs, Global, LsArgs};
use crate::context::{self, Access};
use crate::exit;
use crate::render::{emit, Render, Term};
use anyhow::Result;
use cairn_app::usecase::browse;
use cairn_app::usecase::select::Selector;
use cairn_core::browse::Entry;
use cairn_core::escape::one_line;
use cairn_core::tree::NodeType;
use serde::Serialize;
use std::io;

/// What `cairn ls` shows.
#[derive(Serialize)]
struct Listed {
    snapshot: String,
    time: String,
    /// The directory (or file) listed, from the snapshot's root.
    path: String,
    #[serde(skip)]
    long: bool,
    entries: Vec<Entry>,
}

pub fn ls(g: &Global, a: &LsArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "ls")?;
    let l = browse::list(&repo, &Selector::any(&a.snapshot), &a.path, a.recursive)?;
    emit(
        g,
        &Listed {
            snapshot: l.snapshot.id.to_hex(),
            time: l.snapshot.meta.time,
            path: a.path.trim_matches('/').to_string(),
            long: a.long,
            entries: l.entries,
        },
    )
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

impl Render for Listed {
    fn text(&self, t: &mut Term, _g: &Global) -> io::Result<()> {
        for e in &self.entries {
            let size = crate::render::human_bytes(e.size);
            if self.long {
                // Seconds are enough on a terminal; --json has the nanoseconds.
                let mtime = e.mtime.get(..19).unwrap_or(&e.mtime).replace('T', " ");
                writeln!(
                    t.out,
                    "{} {:>6} {:>6} {:>10}  {}  {:<64}  {}",
                    mode_string(e.kind, e.mode),
                    e.uid,
                    e.gid,
                    size,
                    mtime,
                    e.sha256.as_deref().unwrap_or("-"),
                    shown_path(e)
                )?;
            } else {
                writeln!(
                    t.out,
                    "{:<8} {:>10}  {}",
                    kind_name(e.kind),
                    size,
                    shown_path(e)
                )?;
            }
        }
        Ok(())
    }
}

pub fn cat(g: &Global, a: &CatArgs) -> Result<u8> {
    let repo = context::open(g, Access::Read, "cat")?;
    let mut out = io::BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let r = browse::cat(&repo, &Selector::any(&a.snapshot), &a.path, &mut out);
    match r {
        Ok(_) => Ok(0),
        // A closed stdout (`cairn cat ... | head`) ends the command quietly,
        // as it ends any Unix filter (README: exit 141, nothing printed).
        Err(e) if closed_stdout(&e) => {
            cairn_core::lock::release_all_held();
            std::process::exit(exit::CLOSED_STDOUT.into())
        }
        Err(e) => Err(e.into()),
    }
}

fn closed_stdout(e: &cairn_app::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        cause = c.source();
    }
    false
}
