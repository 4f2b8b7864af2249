//! Finished jobs, kept across restarts: "what ran last night" must survive
//! a reboot. Each finished job is one JSON line appended (and fsynced) to
//! `jobs.jsonl` beside the audit log, exactly as `GET /api/v1/dr/jobs/{id}`
//! showed it; at startup the newest [`KEEP`] lines are read back. A torn
//! last line (a crash mid-append) is skipped, not fatal. The audit log stays
//! the record that cannot be argued with; this is the operator's view.

use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::VecDeque;
use std::io::{BufRead, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Finished jobs kept in memory (and read back at startup).
pub const KEEP: usize = 1000;

/// The history file and its newest entries, oldest first.
pub struct JobHistory {
    path: PathBuf,
    recent: Mutex<VecDeque<Value>>,
}

impl JobHistory {
    /// The history beside `audit_log`, read back.
    pub fn open(audit_log: &Path) -> Result<Self> {
        let path = audit_log.with_file_name("jobs.jsonl");
        let mut recent = VecDeque::new();
        match std::fs::File::open(&path) {
            Ok(f) => {
                for line in std::io::BufReader::new(f).lines() {
                    let line = line.map_err(|e| store_err(&path, e))?;
                    // A torn or foreign line is skipped: history is a view.
                    if let Ok(v) = serde_json::from_str::<Value>(&line) {
                        recent.push_back(v);
                        if recent.len() > KEEP {
                            recent.pop_front();
                        }
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(store_err(&path, e)),
        }
        Ok(JobHistory {
            path,
            recent: Mutex::new(recent),
        })
    }

    /// Records a finished job (its view as JSON), durably.
    pub fn record(&self, job: Value) -> Result<()> {
        let mut line = serde_json::to_vec(&job).map_err(|e| Error::Store(e.to_string()))?;
        line.push(b'\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&self.path)
            .map_err(|e| store_err(&self.path, e))?;
        f.write_all(&line).map_err(|e| store_err(&self.path, e))?;
        f.sync_data().map_err(|e| store_err(&self.path, e))?;
        if let Ok(mut r) = self.recent.lock() {
            r.push_back(job);
            if r.len() > KEEP {
                r.pop_front();
            }
        }
        Ok(())
    }

    /// A finished job by id.
    pub fn get(&self, id: &str) -> Option<Value> {
        let r = self.recent.lock().ok()?;
        r.iter().rev().find(|v| v["id"] == id).cloned()
    }

    /// Finished jobs, newest first.
    pub fn newest_first(&self) -> Vec<Value> {
        self.recent
            .lock()
            .map(|r| r.iter().rev().cloned().collect())
            .unwrap_or_default()
    }
}

fn store_err(path: &Path, e: std::io::Error) -> Error {
    Error::Store(format!("job history {}: {e}", path.display()))
}
