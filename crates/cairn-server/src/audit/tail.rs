//! The newest entries, for `GET /api/v1/dr/audit`: read from the end of the
//! file backwards, a block at a time, so a request costs at most `max_scan`
//! bytes of reading and holds at most that much, whatever the log's size
//! (it is never rotated). The chain is not checked here: `cairn audit
//! verify` does that; this is the operator's view of what happened lately.

use super::Entry;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Bytes read per step, backwards from the end.
const BLOCK: u64 = 64 << 10;

/// What to look for: `actor` is a substring (actors are `ID:NAME`, and
/// people search by name), `action` the exact action.
#[derive(Debug, Default)]
pub struct Filter<'a> {
    pub actor: Option<&'a str>,
    pub action: Option<&'a str>,
}

impl Filter<'_> {
    fn matches(&self, e: &Entry) -> bool {
        self.actor.is_none_or(|a| e.actor.contains(a)) && self.action.is_none_or(|a| e.action == a)
    }
}

/// The newest matches, newest first.
#[derive(Debug)]
pub struct Tail {
    pub entries: Vec<Entry>,
    /// The search stopped at `max_scan` bytes before the file's start, so
    /// older matches may exist (the limit being reached is not this).
    pub truncated: bool,
}

/// Up to `limit` newest entries of the log at `path` that match `f`,
/// reading at most `max_scan` bytes from its end. Unreadable lines (a line
/// being appended as we read) are skipped.
pub fn newest(path: &Path, f: &Filter, limit: usize, max_scan: u64) -> Result<Tail> {
    let err =
        |e: std::io::Error| Error::Store(format!("cannot read audit log {}: {e}", path.display()));
    let mut file = match File::open(path) {
        Ok(x) => x,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Tail {
                entries: Vec::new(),
                truncated: false,
            })
        }
        Err(e) => return Err(err(e)),
    };
    let len = file.metadata().map_err(err)?.len();
    let mut out = Vec::new();
    let mut pos = len;
    // The bytes after `pos` not yet taken as lines: the start of a line
    // whose beginning is in the block before.
    let mut carry: Vec<u8> = Vec::new();
    while out.len() < limit {
        if pos == 0 {
            take(&carry, f, &mut out);
            return Ok(Tail {
                entries: out,
                truncated: false,
            });
        }
        let n = BLOCK.min(pos);
        if len - pos + n > max_scan {
            return Ok(Tail {
                entries: out,
                truncated: true,
            });
        }
        pos -= n;
        file.seek(SeekFrom::Start(pos)).map_err(err)?;
        // `n` is at most BLOCK, so it fits in usize.
        let mut block = vec![0u8; n as usize];
        file.read_exact(&mut block).map_err(err)?;
        block.extend_from_slice(&carry);
        // The first piece may be cut at `pos`; the rest are whole lines.
        let mut lines = block.split(|c| *c == b'\n');
        let first = lines.next().unwrap_or_default().to_vec();
        let whole: Vec<&[u8]> = lines.collect();
        for line in whole.iter().rev() {
            if out.len() == limit {
                break;
            }
            take(line, f, &mut out);
        }
        carry = first;
    }
    Ok(Tail {
        entries: out,
        truncated: false,
    })
}

/// Adds the entry on `line` to `out` if it parses and matches.
fn take(line: &[u8], f: &Filter, out: &mut Vec<Entry>) {
    if line.is_empty() {
        return;
    }
    if let Ok(e) = serde_json::from_slice::<Entry>(line) {
        if f.matches(&e) {
            out.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditLog, Record};

    fn log_with(n: u64) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        for i in 0..n {
            let r = Record {
                actor: format!("id{}:{}", i % 3, ["ann", "bob", "cy"][(i % 3) as usize]),
                action: if i % 2 == 0 { "backup" } else { "forget" }.into(),
                target: format!("t{i}"),
                outcome: "accepted".into(),
                // Long enough that entries cross block boundaries.
                detail: "x".repeat(700),
                ..Default::default()
            };
            log.append(r, time::OffsetDateTime::now_utc()).unwrap();
        }
        (dir, path)
    }

    fn seqs(t: &Tail) -> Vec<u64> {
        t.entries.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn the_newest_matches_come_first_across_blocks() {
        // 1 keyed entry, then 400 records (seq 2..=401) of ~1 KiB: seven blocks.
        let (_d, path) = log_with(400);
        let all = newest(&path, &Filter::default(), 1000, u64::MAX).unwrap();
        assert_eq!(all.entries.len(), 401);
        assert!(!all.truncated);
        let want: Vec<u64> = (1..=401).rev().collect();
        assert_eq!(seqs(&all), want, "every entry once, newest first");

        let f = Filter {
            actor: Some("bob"),
            action: Some("forget"),
        };
        let some = newest(&path, &f, 3, u64::MAX).unwrap();
        assert!(some
            .entries
            .iter()
            .all(|e| e.actor.ends_with(":bob") && e.action == "forget"));
        // Records i = 1, 7, 13, ... are bob's forgets (i % 3 == 1, i odd): seq i + 2.
        let want: Vec<u64> = (0..400u64)
            .filter(|i| i % 6 == 1)
            .map(|i| i + 2)
            .rev()
            .take(3)
            .collect();
        assert_eq!(seqs(&some), want);
    }

    #[test]
    fn reading_stops_at_its_bound_and_says_so() {
        let (_d, path) = log_with(400);
        let len = std::fs::metadata(&path).unwrap().len();
        let t = newest(&path, &Filter::default(), 1000, 3 * BLOCK).unwrap();
        assert!(t.truncated);
        let read: usize = t.entries.len();
        assert!(
            read > 100 && read < 250,
            "{read} entries from 192 KiB of {len} bytes"
        );
        assert_eq!(t.entries[0].seq, 401);
        let none = Filter {
            actor: Some("nobody"),
            action: None,
        };
        let t = newest(&path, &none, 10, 3 * BLOCK).unwrap();
        assert!(t.entries.is_empty() && t.truncated);
    }

    #[test]
    fn a_missing_log_or_a_torn_line_is_no_error() {
        let dir = tempfile::tempdir().unwrap();
        let t = newest(&dir.path().join("none"), &Filter::default(), 5, u64::MAX).unwrap();
        assert!(t.entries.is_empty() && !t.truncated);
        let (_d, path) = log_with(2);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"seq\":4,\"ti");
        std::fs::write(&path, bytes).unwrap();
        let t = newest(&path, &Filter::default(), 5, u64::MAX).unwrap();
        assert_eq!(seqs(&t), [3, 2, 1]);
    }
}
