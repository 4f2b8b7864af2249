//! Reading `strace -f -y -xx` output into the file-system operations a
//! power cut cares about.
//!
//! `-y` prints each descriptor with its path and `-xx` prints every string
//! (data and paths) as `\xNN` escapes, so a line splits on commas without
//! any quoting surprises. A call that two threads interleave is printed as
//! `<unfinished ...>` and `<... name resumed>`; the halves are joined and the
//! call takes effect where it returned.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The system calls the recorder traces: everything that changes a file's
/// bytes, a folder's entries, or what is durable.
pub const TRACED: &str = "trace=open,openat,creat,write,pwrite64,writev,pwritev,pwritev2,\
fsync,fdatasync,syncfs,sync,rename,renameat,renameat2,link,linkat,unlink,unlinkat,\
mkdir,mkdirat,rmdir,ftruncate,truncate,fallocate,copy_file_range";

/// One operation on a file or folder below the watched roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// A new, empty file (`open` with `O_CREAT` of a name that did not exist).
    Create(PathBuf),
    /// An existing file cut to this length (`O_TRUNC`, `ftruncate`).
    Truncate(PathBuf, u64),
    /// Bytes written at `offset`, or appended when it is `None`.
    Write(PathBuf, Option<u64>, Vec<u8>),
    /// `fsync`/`fdatasync` of a file or a folder.
    Fsync(PathBuf),
    /// `sync`/`syncfs`: everything so far is durable.
    SyncAll,
    Link(PathBuf, PathBuf),
    Rename(PathBuf, PathBuf),
    Unlink(PathBuf),
    Mkdir(PathBuf),
    Rmdir(PathBuf),
}

/// The calls of a trace, in the order they returned, that touch a path
/// below one of `roots`. Panics on a call the model does not cover
/// (vectored writes, fallocate, ...) below a root: a silent gap would make
/// every state it builds wrong.
pub fn parse(text: &str, roots: &[PathBuf]) -> Vec<Op> {
    let mut pending: HashMap<String, String> = HashMap::new();
    let mut ops = Vec::new();
    for line in text.lines() {
        let Some((pid, rest)) = line.split_once(' ') else {
            continue;
        };
        let rest = rest.trim_start();
        let call = if let Some(head) = rest.strip_suffix(" <unfinished ...>") {
            pending.insert(pid.to_string(), head.to_string());
            continue;
        } else if let Some(tail) = rest.strip_prefix("<... ") {
            let head = pending.remove(pid).unwrap_or_default();
            let tail = tail.split_once(" resumed>").map_or(tail, |(_, t)| t);
            format!("{head}{tail}")
        } else {
            rest.to_string()
        };
        if let Some(op) = parse_call(&call, roots) {
            ops.push(op);
        }
    }
    ops
}

/// A call's name, its arguments split at top-level commas, and its result.
fn split_call(call: &str) -> Option<(&str, Vec<&str>, &str)> {
    let open = call.find('(')?;
    let name = &call[..open];
    // strace pads the result to a column (`-a`), most visibly after a
    // `<... resumed>` half: `)     = 0`. Missing that dropped the call, so
    // interleaved writers' bytes vanished from the model.
    let eq = call.rfind(" = ")?;
    let close = call[..eq].trim_end().strip_suffix(')')?.len();
    let args = &call[open + 1..close];
    let ret = &call[eq + 3..];
    let mut out = Vec::new();
    let (mut depth, mut start, mut quoted) = (0i32, 0usize, false);
    for (i, c) in args.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' | '[' | '{' if !quoted => depth += 1,
            '>' | ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(args[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !args.trim().is_empty() {
        out.push(args[start..].trim());
    }
    Some((name, out, ret))
}

/// A path as `strace -xx` prints it: `\x2f\x72`.
fn hex_path(p: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str()
        .as_bytes()
        .iter()
        .map(|b| format!("\\x{b:02x}"))
        .collect()
}

/// `\x2f\x61` -> bytes.
fn unhex(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 4);
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && i + 4 <= b.len() {
            let h = std::str::from_utf8(&b[i + 2..i + 4]).unwrap();
            out.push(u8::from_str_radix(h, 16).unwrap());
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn path_of(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

/// A quoted string argument: `"\x61"`.
fn string(arg: &str) -> Vec<u8> {
    let s = arg.strip_prefix('"').unwrap_or(arg);
    assert!(!s.ends_with("\"..."), "strace cut a string short: raise -s");
    unhex(s.strip_suffix('"').unwrap_or(s))
}

/// The path a descriptor argument (`3<\x2f...>`, `AT_FDCWD<...>`) names.
fn fd_path(arg: &str) -> Option<PathBuf> {
    let (_, p) = arg.split_once('<')?;
    Some(path_of(unhex(p.strip_suffix('>')?)))
}

/// A path argument relative to a directory descriptor argument.
fn at(dir: &str, name: &str) -> PathBuf {
    let n = path_of(string(name));
    if n.is_absolute() {
        n
    } else {
        fd_path(dir)
            .expect("a descriptor with its path (strace -y)")
            .join(n)
    }
}

fn plain(name: &str) -> PathBuf {
    let p = path_of(string(name));
    assert!(p.is_absolute(), "relative path in a traced call: {p:?}");
    p
}

fn below(p: &Path, roots: &[PathBuf]) -> bool {
    roots.iter().any(|r| p.starts_with(r))
}

fn number(s: &str) -> u64 {
    s.trim().parse().unwrap_or(0)
}

fn parse_call(call: &str, roots: &[PathBuf]) -> Option<Op> {
    let Some((name, a, ret)) = split_call(call) else {
        // A call below a root the model cannot read is a silent gap.
        assert!(
            !roots.iter().any(|r| call.contains(&hex_path(r))),
            "a traced call below a watched folder that the model cannot read: {call:.300}"
        );
        return None;
    };
    if ret.starts_with('-') || ret.starts_with('?') {
        return None; // failed or never returned: no effect
    }
    let op = match name {
        "open" | "openat" | "creat" => {
            let flags = match name {
                "openat" => a.get(2).copied().unwrap_or(""),
                "open" => a.get(1).copied().unwrap_or(""),
                _ => "O_CREAT|O_TRUNC",
            };
            let path = fd_path(ret)?;
            if flags.contains("O_TRUNC") {
                // Creates or truncates; the model tells which.
                Op::Truncate(path, 0)
            } else if flags.contains("O_CREAT") {
                Op::Create(path)
            } else {
                return None;
            }
        }
        "write" => {
            let n = number(ret) as usize;
            let mut d = string(a[1]);
            d.truncate(n);
            Op::Write(fd_path(a[0])?, None, d)
        }
        "pwrite64" => {
            let n = number(ret) as usize;
            let mut d = string(a[1]);
            d.truncate(n);
            Op::Write(fd_path(a[0])?, Some(number(a[3])), d)
        }
        "fsync" | "fdatasync" => Op::Fsync(fd_path(a[0])?),
        "sync" | "syncfs" => return Some(Op::SyncAll),
        "ftruncate" => Op::Truncate(fd_path(a[0])?, number(a[1])),
        "truncate" => Op::Truncate(plain(a[0]), number(a[1])),
        "rename" => Op::Rename(plain(a[0]), plain(a[1])),
        "renameat" | "renameat2" => {
            if a.get(4).is_some_and(|f| f.contains("EXCHANGE")) {
                panic!("RENAME_EXCHANGE is not modelled: {call:.200}");
            }
            Op::Rename(at(a[0], a[1]), at(a[2], a[3]))
        }
        "link" => Op::Link(plain(a[0]), plain(a[1])),
        "linkat" => Op::Link(at(a[0], a[1]), at(a[2], a[3])),
        "unlink" => Op::Unlink(plain(a[0])),
        "unlinkat" if a[2].contains("AT_REMOVEDIR") => Op::Rmdir(at(a[0], a[1])),
        "unlinkat" => Op::Unlink(at(a[0], a[1])),
        "mkdir" => Op::Mkdir(plain(a[0])),
        "mkdirat" => Op::Mkdir(at(a[0], a[1])),
        "rmdir" => Op::Rmdir(plain(a[0])),
        other => {
            if a.first()
                .and_then(|f| fd_path(f))
                .is_some_and(|p| below(&p, roots))
            {
                panic!("{other} on a watched file is not modelled: {call:.200}");
            }
            return None;
        }
    };
    let touches = match &op {
        Op::Create(p)
        | Op::Truncate(p, _)
        | Op::Write(p, _, _)
        | Op::Fsync(p)
        | Op::Unlink(p)
        | Op::Mkdir(p)
        | Op::Rmdir(p) => below(p, roots),
        Op::Link(a, b) | Op::Rename(a, b) => {
            let (x, y) = (below(a, roots), below(b, roots));
            assert!(
                x == y,
                "a link or rename across a watched root: {call:.200}"
            );
            x
        }
        Op::SyncAll => true,
    };
    touches.then_some(op)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> String {
        s.bytes().map(|b| format!("\\x{b:02x}")).collect()
    }

    #[test]
    fn joins_interleaved_calls_and_keeps_only_watched_paths() {
        let r = hex("/r");
        let f = hex("/r/a");
        let text = format!(
            "10 openat(AT_FDCWD<{r}>, \"{f}\", O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0666) = 3<{f}>\n\
             10 write(3<{f}>, \"\\x68\\x69\\x21\", 3 <unfinished ...>\n\
             11 write(2<pipe:[1]>, \"\\x6e\", 1) = 1\n\
             10 <... write resumed>)                 = 2\n\
             10 fsync(3<{f}>) = 0\n\
             10 linkat(AT_FDCWD<{r}>, \"{f}\", AT_FDCWD<{r}>, \"{b}\", 0) = 0\n\
             10 linkat(AT_FDCWD<{r}>, \"{f}\", AT_FDCWD<{r}>, \"{b}\", 0) = -1 EEXIST (File exists)\n",
            b = hex("/r/b")
        );
        let ops = parse(&text, &[PathBuf::from("/r")]);
        assert_eq!(
            ops,
            vec![
                Op::Create("/r/a".into()),
                Op::Write("/r/a".into(), None, b"hi".to_vec()),
                Op::Fsync("/r/a".into()),
                Op::Link("/r/a".into(), "/r/b".into()),
            ]
        );
    }
}
