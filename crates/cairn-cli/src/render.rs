//! Where the CLI renders: every command computes one typed result and
//! hands it to [`emit`], which prints it as pretty JSON
//! (`--json`) or as text, and returns the exit code the result implies.
//! A command's run function decides nothing about output itself, so the
//! JSON a script reads and the text a person reads come from the same value,
//! and `tests/json_output.rs` pins each JSON shape with a snapshot. The
//! answers that can outgrow memory (`ls -r`, `diff`, `find`, `cat`) are
//! written as they are found instead (`crate::json_parts` for their JSON),
//! and end through [`written`].

use crate::cli::Global;
use crate::exit;
use serde::Serialize;
use std::io::{self, Write};

/// The two streams text goes to: results on `out`, notes and warnings on
/// `err` (so `cairn list | ...` pipes only the rows).
pub struct Term<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

/// A command's result, in both forms.
pub trait Render: Serialize {
    /// Print the JSON through `serde_json::Value`, whose maps sort their
    /// keys at every level. The commands that built their JSON with
    /// `json!` printed it that way before this seam existed; they keep
    /// the shape so no script sees a change.
    const SORTED_KEYS: bool = false;

    /// The human form. `g.quiet` is for the implementation to honour.
    fn text(&self, t: &mut Term, g: &Global) -> io::Result<()>;

    /// The process exit code this result means (0 unless a partial failure).
    fn exit_code(&self) -> u8 {
        0
    }
}

/// Prints `r` as `--json` asks, and returns its exit code.
pub fn emit<R: Render>(g: &Global, r: &R) -> anyhow::Result<u8> {
    let stdout = io::stdout();
    let stderr = io::stderr();
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let written = if g.json {
        json(r).and_then(|s| writeln!(out, "{s}"))
    } else {
        r.text(
            &mut Term {
                out: &mut out,
                err: &mut err,
            },
            g,
        )
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(r.exit_code()),
        // A closed stdout (`cairn list --json | head`) ends the command
        // quietly, as main's panic hook does for `println!`: 141, no message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            cairn_core::lock::release_all_held();
            std::process::exit(exit::CLOSED_STDOUT.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// The JSON text of `r`, exactly as `emit` prints it (without the newline).
pub fn json<R: Render>(r: &R) -> io::Result<String> {
    if R::SORTED_KEYS {
        serde_json::to_value(r).and_then(|v| serde_json::to_string_pretty(&v))
    } else {
        serde_json::to_string_pretty(r)
    }
    .map_err(io::Error::other)
}

/// One problem of a backup or restore as a line: `{kind}: {path}: {error}`,
/// or `{kind}: {error}` for the entry with an empty path that counts the
/// problems a record does not list.
pub fn problem(kind: &str, e: &cairn_core::snapshot::SourceError) -> String {
    use cairn_core::escape::one_line;
    match e.path.as_str() {
        "" => format!("{kind}: {}", one_line(&e.error)),
        p => format!("{kind}: {}: {}", one_line(p), one_line(&e.error)),
    }
}

/// Human-readable byte count.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// The end of a command that wrote its answer as it went: a closed standard
/// output (`cairn ls -r ... | head`) ends it quietly, as it ends any Unix
/// filter (README: exit 141, nothing printed), however deep in the error's
/// causes the broken pipe is.
pub fn written(r: anyhow::Result<()>) -> anyhow::Result<u8> {
    match r {
        Ok(()) => Ok(0),
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            }) =>
        {
            cairn_core::lock::release_all_held();
            std::process::exit(exit::CLOSED_STDOUT.into())
        }
        Err(e) => Err(e),
    }
}
