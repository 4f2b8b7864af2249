//! Finished jobs, kept across restarts: "what ran last night" must survive
//! a reboot. Each finished job is one JSON line appended (and fsynced) to
//! `jobs.jsonl` beside the audit log, exactly as `GET /api/v1/dr/jobs/{id}`
//! showed it; at startup the newest [`KEEP`] lines are read back. A torn
//! last line (a crash mid-append) is skipped, not fatal. The audit log stays
//! the record that cannot be argued with; this is the operator's view.
//!
//! The file is bounded: once it holds twice [`KEEP`] lines it is rewritten
//! with the newest [`KEEP`] (a temporary file, fsynced, renamed over it, the
//! folder fsynced), so a crash leaves the old file or the new one, never a
//! mix. Appends and the rewrite hold one lock, so no append is lost to it.

use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::VecDeque;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Finished jobs kept in memory (and read back at startup).
pub const KEEP: usize = 1000;

/// The history file and its newest entries, oldest first.
pub struct JobHistory {
    path: PathBuf,
    keep: usize,
    state: Mutex<State>,
}

struct State {
    /// The newest `keep` entries, oldest first.
    recent: VecDeque<Value>,
    /// Lines in the file, torn ones included: the rewrite is due at `2 * keep`.
    lines: usize,
    /// The file ends in a torn line: the next append starts a new line
    /// first, or the torn bytes would swallow the next entry.
    torn: bool,
}

impl JobHistory {
    /// The history beside `audit_log`, read back.
    pub fn open(audit_log: &Path) -> Result<Self> {
        Self::open_keeping(&audit_log.with_file_name("jobs.jsonl"), KEEP)
    }

    /// The history at `path`, keeping the newest `keep` entries.
    fn open_keeping(path: &Path, keep: usize) -> Result<Self> {
        let mut recent = VecDeque::new();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(store_err(path, e)),
        };
        let torn = bytes.last().is_some_and(|c| *c != b'\n');
        // Bytes, not text: a crash in the middle of a multi-byte character
        // leaves a line that is not UTF-8, and it is skipped like any torn
        // or foreign line (history is a view), never a reason not to start.
        let mut lines = 0;
        for line in bytes.split(|c| *c == b'\n').filter(|l| !l.is_empty()) {
            lines += 1;
            if let Ok(v) = serde_json::from_slice::<Value>(line) {
                push(&mut recent, v, keep);
            }
        }
        Ok(JobHistory {
            path: path.to_path_buf(),
            keep,
            state: Mutex::new(State {
                recent,
                lines,
                torn,
            }),
        })
    }

    /// Records a finished job (its view as JSON), durably.
    pub fn record(&self, job: Value) -> Result<()> {
        let mut st = self
            .state
            .lock()
            .map_err(|_| Error::Store("job history poisoned".into()))?;
        let mut line = if st.torn { vec![b'\n'] } else { Vec::new() };
        serde_json::to_writer(&mut line, &job).map_err(|e| Error::Store(e.to_string()))?;
        line.push(b'\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&self.path)
            .map_err(|e| store_err(&self.path, e))?;
        // Until the line is whole and synced, the file may end mid-line
        // (a full disk): the next record then starts on a line of its own.
        st.torn = true;
        f.write_all(&line).map_err(|e| store_err(&self.path, e))?;
        f.sync_data().map_err(|e| store_err(&self.path, e))?;
        st.lines += 1;
        st.torn = false;
        push(&mut st.recent, job, self.keep);
        if st.lines >= 2 * self.keep {
            self.rewrite(&st.recent)?;
            st.lines = st.recent.len();
        }
        Ok(())
    }

    /// Replaces the file with `recent`, atomically.
    fn rewrite(&self, recent: &VecDeque<Value>) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let err = |e| store_err(&self.path, e);
        let mut tmp = tempfile::Builder::new()
            .prefix(".jobs.jsonl.")
            .tempfile_in(dir)
            .map_err(err)?;
        for v in recent {
            let mut line = serde_json::to_vec(v).map_err(|e| Error::Store(e.to_string()))?;
            line.push(b'\n');
            tmp.write_all(&line).map_err(err)?;
        }
        tmp.as_file().sync_data().map_err(err)?;
        tmp.persist(&self.path).map_err(|e| err(e.error))?;
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(err)
    }

    /// A finished job by id.
    pub fn get(&self, id: &str) -> Option<Value> {
        let st = self.state.lock().ok()?;
        st.recent.iter().rev().find(|v| v["id"] == id).cloned()
    }

    /// Finished jobs, newest first.
    pub fn newest_first(&self) -> Vec<Value> {
        self.state
            .lock()
            .map(|st| st.recent.iter().rev().cloned().collect())
            .unwrap_or_default()
    }
}

fn push(recent: &mut VecDeque<Value>, v: Value, keep: usize) {
    recent.push_back(v);
    if recent.len() > keep {
        recent.pop_front();
    }
}

fn store_err(path: &Path, e: std::io::Error) -> Error {
    Error::Store(format!("job history {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::os::unix::fs::PermissionsExt;

    /// The ids of `jobs`, in order.
    fn ids(jobs: &[Value]) -> Vec<Value> {
        jobs.iter().map(|v| v["id"].clone()).collect()
    }

    fn lines(path: &Path) -> Vec<Value> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn the_file_is_rewritten_with_the_newest_entries_when_it_doubles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.jsonl");
        let h = JobHistory::open_keeping(&path, 3).unwrap();
        for i in 0..5 {
            h.record(json!({"id": i.to_string()})).unwrap();
        }
        assert_eq!(lines(&path).len(), 5, "not due before twice the bound");
        h.record(json!({"id": "5"})).unwrap();
        assert_eq!(ids(&lines(&path)), [json!("3"), json!("4"), json!("5")]);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // Appends go on after the rewrite, and a restart reads what is left.
        h.record(json!({"id": "6"})).unwrap();
        assert_eq!(lines(&path).len(), 4);
        let again = JobHistory::open_keeping(&path, 3).unwrap();
        assert_eq!(
            ids(&again.newest_first()),
            [json!("6"), json!("5"), json!("4")]
        );
        assert!(again.get("3").is_none());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
    }

    #[test]
    fn a_torn_last_line_does_not_swallow_the_next_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.jsonl");
        std::fs::write(&path, "{\"id\":\"a\"}\n{\"id\":").unwrap();
        let h = JobHistory::open_keeping(&path, 2).unwrap();
        h.record(json!({"id": "b"})).unwrap();
        let again = JobHistory::open_keeping(&path, 2).unwrap();
        assert_eq!(ids(&again.newest_first()), [json!("b"), json!("a")]);
        // The torn line counts towards the rewrite, which drops it.
        h.record(json!({"id": "c"})).unwrap();
        assert_eq!(ids(&lines(&path)), [json!("b"), json!("c")]);
    }

    #[test]
    fn a_line_torn_inside_a_character_is_skipped_and_the_server_starts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.jsonl");
        // A crash after the first byte of "ü" (0xc3 0xbc): not UTF-8.
        let mut bytes = b"{\"id\":\"a\"}\n{\"target\":\"/srv/\xc3".to_vec();
        bytes.push(b'\n');
        bytes.extend_from_slice(b"{\"id\":\"z\xc3");
        std::fs::write(&path, &bytes).unwrap();
        let h = JobHistory::open_keeping(&path, 10).unwrap();
        assert_eq!(ids(&h.newest_first()), [json!("a")]);
        h.record(json!({"id": "b"})).unwrap();
        let again = JobHistory::open_keeping(&path, 10).unwrap();
        assert_eq!(ids(&again.newest_first()), [json!("b"), json!("a")]);
    }
}
