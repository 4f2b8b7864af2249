//! The audit log: one JSON line per mutating call and per job result, each
//! holding the SHA-256 of the previous line's entry, so editing, deleting or
//! reordering an entry breaks the chain at that entry. A truncated tail keeps
//! a valid chain, so `verify` also takes a head (sequence number and hash)
//! recorded elsewhere (the server logs it and serves it in /healthz) and
//! checks the log still reaches it.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// 1, 2, 3, ... with no gaps.
    pub seq: u64,
    /// When (RFC 3339).
    pub time: String,
    /// Hash of the previous entry (64 zeros for the first).
    pub prev: String,
    /// The request or job it belongs to.
    pub request_id: String,
    /// Token id and name, or "scheduler".
    pub actor: String,
    /// What was asked ("backup", "restore", "job.finished", ...).
    pub action: String,
    /// What it was about (spec, snapshot, job id).
    pub target: String,
    /// "accepted", "refused", "succeeded", "failed".
    pub outcome: String,
    /// Short detail (never a secret).
    #[serde(default)]
    pub detail: String,
    /// SHA-256 of this entry serialised with `hash` empty.
    pub hash: String,
}

impl Entry {
    fn compute_hash(&self) -> String {
        let mut e = self.clone();
        e.hash = String::new();
        #[allow(clippy::expect_used)] // plain data always serialises
        let body = serde_json::to_vec(&e).expect("entry serialises");
        hex::encode(Sha256::digest(&body))
    }
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The log file, appended under a mutex.
pub struct AuditLog {
    path: PathBuf,
    head: Mutex<(u64, String)>,
}

/// What to record (the log fills in seq, prev and hash).
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub request_id: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub detail: String,
}

impl AuditLog {
    /// Opens (or creates) the log, verifying the chain so far.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        let head = match verify(&path, None) {
            Ok(r) => (r.entries, r.head),
            Err(e) => return Err(e),
        };
        Ok(AuditLog {
            path,
            head: Mutex::new(head),
        })
    }

    /// The current head: (last seq, its hash).
    pub fn head(&self) -> (u64, String) {
        self.head.lock().map(|h| h.clone()).unwrap_or_default()
    }

    /// Appends one entry (fsynced); returns its seq as the audit id.
    pub fn append(&self, r: Record, now: &str) -> Result<u64> {
        let mut head = self
            .head
            .lock()
            .map_err(|_| Error::Store("audit log lock poisoned".into()))?;
        let mut e = Entry {
            seq: head.0 + 1,
            time: now.to_string(),
            prev: head.1.clone(),
            request_id: r.request_id,
            actor: r.actor,
            action: r.action,
            target: r.target,
            outcome: r.outcome,
            detail: r.detail,
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        #[allow(clippy::expect_used)] // plain data always serialises
        let mut line = serde_json::to_vec(&e).expect("entry serialises");
        line.push(b'\n');
        let err = |x: std::io::Error| {
            Error::Store(format!(
                "cannot append to audit log {}: {x}",
                self.path.display()
            ))
        };
        if let Some(d) = self.path.parent() {
            std::fs::create_dir_all(d).map_err(err)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(err)?;
        f.write_all(&line).map_err(err)?;
        f.sync_data().map_err(err)?;
        *head = (e.seq, e.hash.clone());
        Ok(e.seq)
    }
}

/// The result of a verification.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    /// Entries read.
    pub entries: u64,
    /// Hash of the last entry (genesis zeros when empty).
    pub head: String,
}

/// Checks the chain; with `expect_head` (seq, hash) also that the log still
/// contains that entry unchanged (a truncated tail fails here).
pub fn verify(path: &Path, expect_head: Option<(u64, &str)>) -> Result<Verified> {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(a: &str) -> Record {
        Record {
            request_id: "r".into(),
            actor: "t".into(),
            action: a.into(),
            target: "home".into(),
            outcome: "accepted".into(),
            detail: String::new(),
        }
    }

    #[test]
    fn tampering_is_found_at_the_first_bad_entry() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("audit.jsonl");
        let log = AuditLog::open(&p).unwrap();
        for a in ["backup", "restore", "verify", "backup"] {
            log.append(rec(a), "2026-11-27T00:00:00Z").unwrap();
        }
        let (hs, hh) = log.head();
        assert_eq!(hs, 4);
        verify(&p, Some((hs, &hh))).unwrap();
        let good = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = good.lines().collect();

        std::fs::write(&p, good.replace("\"restore\"", "\"rest0re\"")).unwrap();
        assert!(verify(&p, None).unwrap_err().to_string().contains("line 2"));
        let mut del = lines.clone();
        del.remove(1);
        std::fs::write(&p, del.join("\n")).unwrap();
        assert!(verify(&p, None).unwrap_err().to_string().contains("line 2"));
        let mut swap = lines.clone();
        swap.swap(1, 2);
        std::fs::write(&p, swap.join("\n")).unwrap();
        assert!(verify(&p, None).unwrap_err().to_string().contains("line 2"));
        std::fs::write(&p, lines[..3].join("\n")).unwrap();
        verify(&p, None).unwrap();
        assert!(verify(&p, Some((hs, &hh)))
            .unwrap_err()
            .to_string()
            .contains("truncated"));
        // Reopening a broken log refuses to append to it.
        std::fs::write(&p, good.replace("\"verify\"", "\"verifx\"")).unwrap();
        assert!(AuditLog::open(&p).is_err());
    }
}
