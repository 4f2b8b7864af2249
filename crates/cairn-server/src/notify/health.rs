//! Which specs are unhealthy, and why: the memory behind `recovered`. A
//! spec is unhealthy while its last backup failed, its RPO is breached or
//! it failed the last gate run; when the last of these clears, it has
//! recovered. The state lives in memory: after a restart, a spec still in
//! breach is reported once more, and one that recovers while the server is
//! down is not (Prometheus' alerts, over the same metrics, keep the steady
//! state; these messages are the edges).

use std::collections::{BTreeMap, BTreeSet};

/// Why a spec is unhealthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    BackupFailed,
    RpoBreach,
    GateFailed,
}

impl Problem {
    /// As written in a message ("was: backup failed, RPO breached").
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::BackupFailed => "backup failed",
            Problem::RpoBreach => "RPO breached",
            Problem::GateFailed => "gate failed",
        }
    }
}

/// What setting a problem changed.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// The problem is new for this spec.
    Raised,
    /// The spec had no other problem left: these were all it had.
    Recovered(Vec<Problem>),
    /// Nothing new (already set, already clear, or others remain).
    Same,
}

/// Problems per spec.
#[derive(Debug, Default)]
pub struct Health {
    specs: BTreeMap<String, BTreeSet<Problem>>,
    /// Every problem a spec had since it was last healthy, for the
    /// `recovered` message.
    history: BTreeMap<String, BTreeSet<Problem>>,
}

impl Health {
    /// Sets (`on`) or clears `problem` for `spec`.
    pub fn set(&mut self, spec: &str, problem: Problem, on: bool) -> Change {
        let now = self.specs.entry(spec.to_string()).or_default();
        if on {
            self.history
                .entry(spec.to_string())
                .or_default()
                .insert(problem);
            return if now.insert(problem) {
                Change::Raised
            } else {
                Change::Same
            };
        }
        if !now.remove(&problem) || !now.is_empty() {
            return Change::Same;
        }
        let was = self.history.remove(spec).unwrap_or_default();
        Change::Recovered(was.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovered_only_when_the_last_problem_clears() {
        let mut h = Health::default();
        assert_eq!(h.set("db", Problem::BackupFailed, false), Change::Same);
        assert_eq!(h.set("db", Problem::BackupFailed, true), Change::Raised);
        assert_eq!(h.set("db", Problem::BackupFailed, true), Change::Same);
        assert_eq!(h.set("db", Problem::RpoBreach, true), Change::Raised);
        assert_eq!(h.set("db", Problem::BackupFailed, false), Change::Same);
        assert_eq!(h.set("home", Problem::GateFailed, true), Change::Raised);
        assert_eq!(
            h.set("db", Problem::RpoBreach, false),
            Change::Recovered(vec![Problem::BackupFailed, Problem::RpoBreach])
        );
        assert_eq!(h.set("db", Problem::RpoBreach, false), Change::Same);
        assert_eq!(
            h.set("home", Problem::GateFailed, false),
            Change::Recovered(vec![Problem::GateFailed])
        );
    }
}
