//! Removing locks left by processes that died: those lapsed by the
//! storage's clock, or whose holder no longer runs on this machine; when
//! forced, every lock (for a holder known dead on another machine).

use crate::error::Result;
use cairn_core::clock::Clock;
use cairn_core::lock::{self, Holder, UnlockReport};
use cairn_core::{Backend, ErrorKind};

/// Removes the stale locks at `backend` (every lock with `force`).
pub fn unlock(backend: &dyn Backend, clock: &dyn Clock, force: bool) -> Result<UnlockReport> {
    // Locks need no keys, and a damaged config must not stop an unlock;
    // but a location with no repository at all is a mistake to name.
    if let Err(e) = cairn_core::config::read_config(backend) {
        if e.kind() == ErrorKind::NotFound {
            return Err(e.into());
        }
    }
    let me = Holder::this_process();
    Ok(lock::unlock(backend, clock, me.as_ref(), force)?)
}

/// One line for people and for an audit record.
pub fn describe(r: &UnlockReport) -> String {
    let mut line = format!(
        "removed {} lock(s), kept {} live",
        r.removed.len(),
        r.kept.len()
    );
    // A removed lock leaves a note in its place: the audit line says so.
    if !r.notes.is_empty() {
        line += &format!("; {} stop note(s) left for the next backup", r.notes.len());
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_core::lock::Removal;

    #[test]
    fn the_line_counts_notes_only_when_there_are_some() {
        let r = |name: &str| Removal {
            name: name.into(),
            lock: String::new(),
            why: String::new(),
        };
        let mut report = UnlockReport {
            removed: vec![r("a")],
            kept: vec![],
            notes: vec![],
        };
        assert_eq!(describe(&report), "removed 1 lock(s), kept 0 live");
        report.notes = vec![r("a"), r("b")];
        assert_eq!(
            describe(&report),
            "removed 1 lock(s), kept 0 live; 2 stop note(s) left for the next backup"
        );
    }
}
