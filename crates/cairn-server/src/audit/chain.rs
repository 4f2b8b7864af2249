//! Checking a log, and repairing the one thing a crash can do to it.

use super::entry::{Entry, GENESIS, KEYED};
use super::secret::AuditKey;
use crate::error::{Error, Result};
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The result of a verification.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    /// Entries read.
    pub entries: u64,
    /// Hash of the last entry (genesis zeros when empty).
    pub head: String,
    /// Entries whose MAC was checked against the key.
    pub macs_checked: u64,
    /// Entries carrying a MAC (checked or not).
    pub macs: u64,
}

/// Checks the chain. With `key`, every entry from the `audit.keyed` entry on
/// must carry a valid MAC (a rewrite with recomputed hashes fails here);
/// with `expect_head` (seq, hash), the log must still contain that entry
/// unchanged (a truncated tail fails here).
pub fn verify(
    path: &Path,
    expect_head: Option<(u64, &str)>,
    key: Option<&AuditKey>,
) -> Result<Verified> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Error::Store(format!(
                "cannot read audit log {}: {e}",
                path.display()
            )))
        }
    };
    let broken = |line: usize, why: String| {
        Err(Error::Store(format!(
            "audit log {} is broken at line {line}: {why}",
            path.display()
        )))
    };
    let mut prev = GENESIS.to_string();
    let mut seq = 0u64;
    let mut seen_head = expect_head.is_none();
    let (mut macs, mut macs_checked, mut keyed) = (0u64, 0u64, false);
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let e: Entry = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(x) => return broken(n, format!("not a valid entry ({x})")),
        };
        if e.seq != seq + 1 {
            return broken(
                n,
                format!(
                    "entry {} follows entry {seq}: an entry was deleted or moved",
                    e.seq
                ),
            );
        }
        if e.prev != prev {
            return broken(n, format!("entry {} does not chain to the entry before it: an earlier entry was changed, deleted or reordered", e.seq));
        }
        if e.compute_hash() != e.hash {
            return broken(
                n,
                format!("entry {} was edited (its hash does not match)", e.seq),
            );
        }
        if !e.mac.is_empty() {
            macs += 1;
        }
        if let Some(k) = key {
            if e.mac.is_empty() {
                if keyed {
                    return broken(n, format!("entry {} has no MAC although the entries before it do: it was written without the audit key", e.seq));
                }
            } else {
                if !k.check(&e.hash, &e.mac) {
                    return broken(n, format!("entry {}'s MAC does not match: it was rewritten (its hash recomputed) by someone without the audit key", e.seq));
                }
                if !keyed && e.action != KEYED {
                    return broken(n, format!("entry {} is the first with a MAC but not the {KEYED} entry: MACs were stripped from the entries before it", e.seq));
                }
                keyed = true;
                macs_checked += 1;
            }
        }
        if let Some((hs, hh)) = expect_head {
            if e.seq == hs {
                if e.hash != hh {
                    return broken(n, format!("entry {hs} is not the recorded head"));
                }
                seen_head = true;
            }
        }
        prev = e.hash;
        seq = e.seq;
    }
    if key.is_some() && seq > 0 && !keyed {
        return Err(Error::Store(format!(
            "audit log {}: no entry carries a MAC under the audit key: the log was replaced, or its MACs stripped",
            path.display()
        )));
    }
    if !seen_head {
        let (hs, _) = expect_head.unwrap_or_default();
        return Err(Error::Store(format!(
            "audit log {} ends at entry {seq}, before the recorded head {hs}: its tail was truncated",
            path.display()
        )));
    }
    Ok(Verified {
        entries: seq,
        head: prev,
        macs_checked,
        macs,
    })
}

/// A crash mid-append leaves a last line without its newline. A complete
/// entry only lost the newline (it is restored); anything else is moved to
/// `LOG.torn-OFFSET` (0600) and cut off, so the chain is whole again and the
/// bytes are kept for whoever investigates. Returns where they went.
pub(super) fn set_aside_torn_tail(path: &Path) -> Result<Option<(PathBuf, usize)>> {
    let err = |e: std::io::Error| {
        Error::Store(format!(
            "cannot repair the torn tail of audit log {}: {e}",
            path.display()
        ))
    };
    let mut f = match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    let len = f.metadata().map_err(err)?.len();
    let start = len.saturating_sub(1 << 20);
    f.seek(SeekFrom::Start(start)).map_err(err)?;
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).map_err(err)?;
    if buf.is_empty() || buf.ends_with(b"\n") {
        return Ok(None);
    }
    let cut_in_buf = buf.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let tail = &buf[cut_in_buf..];
    if serde_json::from_slice::<Entry>(tail).is_ok() {
        f.seek(SeekFrom::End(0)).map_err(err)?;
        f.write_all(b"\n").map_err(err)?;
        f.sync_all().map_err(err)?;
        return Ok(None);
    }
    let cut = start + cut_in_buf as u64;
    let aside = PathBuf::from(format!("{}.torn-{cut}", path.display()));
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&aside)
        .map_err(err)?;
    out.write_all(tail).map_err(err)?;
    out.sync_all().map_err(err)?;
    f.set_len(cut).map_err(err)?;
    f.sync_all().map_err(err)?;
    if let Some(d) = path.parent() {
        std::fs::File::open(d)
            .and_then(|d| d.sync_all())
            .map_err(err)?;
    }
    Ok(Some((aside, tail.len())))
}
