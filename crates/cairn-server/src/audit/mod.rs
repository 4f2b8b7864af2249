//! The audit log: one JSON line per mutating call, refusal and job result.
//!
//! Two links hold each entry in place. `hash` is the SHA-256 of the entry
//! (serialised with `hash` and `mac` empty) and `prev` the previous entry's
//! hash, so editing, deleting or reordering an entry breaks the chain where
//! it happened, and anyone can check that without a secret. But whoever can
//! write the file can also recompute every hash after an edit; so each entry
//! also carries `mac`, an HMAC-SHA256 of its hash under a key only the
//! server holds ([`secret`], `AUDIT_LOG.key`, mode 0600). A rewritten entry
//! with a recomputed tail then fails `verify` at the rewritten entry, no
//! outside head needed. Truncating the tail still leaves a valid log, so the
//! head is also published (`/healthz`, `GET /api/v1/dr/audit/head`, the
//! `dr_audit_head` metric) for an outside system to anchor.
//!
//! Appends take an exclusive `flock` on the file and read the head from the
//! file's last line, not from memory: `cairn token create` appends to the log
//! of a running server, and neither may fork the chain. A crash mid-append
//! leaves a torn last line; [`AuditLog::open`] moves it aside and records a
//! recovery entry rather than refusing to start (docs/SERVER.md, "Audit log").

mod chain;
mod entry;
pub mod secret;
pub mod tail;

pub use chain::{verify, Verified};
use entry::GENESIS;
pub use entry::{Entry, KEYED};
pub use secret::AuditKey;

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The log file, appended under a lock.
pub struct AuditLog {
    path: PathBuf,
    key: AuditKey,
    /// The last head written by this process (the file is the truth).
    head: Mutex<(u64, String)>,
}

/// What to record (the log fills in seq, prev, hash and mac).
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub request_id: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub detail: String,
}

fn io_err<'a>(path: &'a Path, what: &'a str) -> impl Fn(std::io::Error) -> Error + 'a {
    move |e| Error::Store(format!("cannot {what} audit log {}: {e}", path.display()))
}

/// Opens the file for appending, created 0600.
fn open_rw(path: &Path) -> Result<File> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).map_err(io_err(path, "create the folder of"))?;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
        .map_err(io_err(path, "open"))
}

/// The last entry of the file (None when empty), read from its end.
fn last_entry(f: &mut File, path: &Path) -> Result<Option<Entry>> {
    let len = f.metadata().map_err(io_err(path, "read"))?.len();
    // Entries are short; the last one is within the last 1 MiB.
    let start = len.saturating_sub(1 << 20);
    f.seek(SeekFrom::Start(start))
        .map_err(io_err(path, "read"))?;
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).map_err(io_err(path, "read"))?;
    let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
    let line = match body.iter().rposition(|b| *b == b'\n') {
        Some(i) => &body[i + 1..],
        None => body,
    };
    if line.is_empty() {
        return Ok(None);
    }
    serde_json::from_slice(line).map(Some).map_err(|e| {
        Error::Store(format!(
            "audit log {}: the last entry is unreadable ({e}); run cairn audit verify",
            path.display()
        ))
    })
}

impl AuditLog {
    /// Opens (or creates) the log: creates its key on first use, moves a
    /// torn last line aside, and verifies the chain so far.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        let torn = chain::set_aside_torn_tail(&path)?;
        let (key, created) = AuditKey::load_or_create(&secret::key_path(&path))?;
        // A key made just now has signed nothing yet: check the hashes only.
        let v = verify(&path, None, (!created).then_some(&key))?;
        let log = AuditLog {
            path,
            key,
            head: Mutex::new((v.entries, v.head)),
        };
        let now = time::OffsetDateTime::now_utc();
        if created {
            log.append(
                Record {
                    actor: "server".into(),
                    action: KEYED.into(),
                    outcome: "succeeded".into(),
                    detail: format!(
                        "entries from here on carry a MAC under {}; the {} before it do not",
                        secret::key_path(&log.path).display(),
                        v.entries
                    ),
                    ..Default::default()
                },
                now,
            )?;
        }
        if let Some((aside, bytes)) = torn {
            log.append(
                Record {
                    actor: "server".into(),
                    action: "audit.recovered".into(),
                    target: aside.display().to_string(),
                    outcome: "recovered".into(),
                    detail: format!(
                        "a torn last line ({bytes} bytes: an append cut short by a crash) was moved to {}",
                        aside.display()
                    ),
                    ..Default::default()
                },
                now,
            )?;
        }
        Ok(log)
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The current head: (last seq, its hash).
    pub fn head(&self) -> (u64, String) {
        self.head.lock().map(|h| h.clone()).unwrap_or_default()
    }

    /// Appends one entry (fsynced); returns its seq as the audit id.
    pub fn append(&self, r: Record, now: time::OffsetDateTime) -> Result<u64> {
        let mut head = self
            .head
            .lock()
            .map_err(|_| Error::Store("audit log lock poisoned".into()))?;
        let mut f = open_rw(&self.path)?;
        // Other processes (the CLI) append too: the file's lock orders us,
        // and the head is whatever the file ends with now.
        rustix::fs::flock(&f, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| io_err(&self.path, "lock")(e.into()))?;
        let (seq, prev) = match last_entry(&mut f, &self.path)? {
            Some(e) => (e.seq, e.hash),
            None => (0, GENESIS.to_string()),
        };
        let mut e = Entry {
            seq: seq + 1,
            time: cairn_core::clock::rfc3339(now),
            prev,
            request_id: r.request_id,
            actor: r.actor,
            action: r.action,
            target: r.target,
            outcome: r.outcome,
            detail: r.detail,
            hash: String::new(),
            mac: String::new(),
        };
        e.hash = e.compute_hash();
        e.mac = self.key.mac(&e.hash);
        #[allow(clippy::expect_used)] // plain data always serialises
        let mut line = serde_json::to_vec(&e).expect("entry serialises");
        line.push(b'\n');
        f.write_all(&line)
            .map_err(io_err(&self.path, "append to"))?;
        f.sync_data().map_err(io_err(&self.path, "append to"))?;
        *head = (e.seq, e.hash.clone());
        Ok(e.seq)
    }

    /// [`Self::append`] on a blocking thread: it waits for a lock and an fsync.
    pub async fn append_async(
        self: &std::sync::Arc<Self>,
        r: Record,
        now: time::OffsetDateTime,
    ) -> Result<u64> {
        let log = self.clone();
        tokio::task::spawn_blocking(move || log.append(r, now))
            .await
            .unwrap_or_else(|_| Err(Error::Store("audit append panicked".into())))
    }
}

#[cfg(test)]
mod tests;
