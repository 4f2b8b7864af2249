//! Which process holds a lock, precisely enough to tell, on the same
//! machine, that it no longer runs.
//!
//! A pid alone is not enough: pids are reused, and two containers (or two
//! machines both called `localhost`) see different processes under the same
//! pid. So a lock records the machine id (`/etc/machine-id`), the boot id,
//! the pid namespace and the process start time (clock ticks since boot).
//! A holder is judged gone only when the machine and the pid namespace are
//! this client's own and either the machine has rebooted since, or no
//! process with that pid and that start time exists. Anything less certain
//! (another machine, another container, a record without these fields, an
//! unreadable `/proc`) is left to the lock's expiry.

use serde::{Deserialize, Serialize};

/// The identity of the process that took a lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// `/etc/machine-id` of its machine.
    pub machine: String,
    /// `/proc/sys/kernel/random/boot_id` when it took the lock.
    pub boot: String,
    /// Its pid namespace (`pid:[4026531836]`).
    pub pidns: String,
    /// Its start time, in clock ticks after boot (`/proc/<pid>/stat` field 22).
    pub start: u64,
}

fn read_trimmed(path: &str) -> Option<String> {
    let s = std::fs::read_to_string(path).ok()?;
    let s = s.trim();
    (!s.is_empty() && s.len() <= 128).then(|| s.to_string())
}

/// Field 22 of `/proc/<pid>/stat`. The command name (field 2) is in
/// parentheses and may hold spaces and parentheses, so fields are counted
/// from the last `)`.
fn start_time(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

impl Holder {
    /// This process, where `/proc` and the machine id can say; None elsewhere.
    pub fn this_process() -> Option<Holder> {
        Some(Holder {
            machine: read_trimmed("/etc/machine-id")?,
            boot: read_trimmed("/proc/sys/kernel/random/boot_id")?,
            pidns: std::fs::read_link("/proc/self/ns/pid")
                .ok()?
                .to_string_lossy()
                .into_owned(),
            start: start_time("self")?,
        })
    }

    /// Whether the process `pid` described by `self` certainly no longer
    /// runs, judged by `me` (this process).
    pub fn is_gone(&self, pid: u32, me: &Holder) -> bool {
        if self.machine != me.machine || self.pidns != me.pidns {
            return false;
        }
        if self.boot != me.boot {
            return true;
        }
        match std::fs::metadata(format!("/proc/{pid}")) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(_) => false,
            Ok(_) => start_time(&pid.to_string()).is_some_and(|s| s != self.start),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn this_process_runs_and_a_dead_or_reused_pid_is_gone() {
        let Some(me) = Holder::this_process() else {
            return; // no /proc or machine id here: nothing can be judged
        };
        assert!(!me.is_gone(std::process::id(), &me));
        // The same pid with another start time: a reused pid.
        let reused = Holder {
            start: me.start + 1,
            ..me.clone()
        };
        assert!(reused.is_gone(std::process::id(), &me));
        // A child that has exited and been reaped.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(me.is_gone(pid, &me));
        // Another boot of this machine: everything from then is gone.
        let before_reboot = Holder {
            boot: "another-boot".into(),
            ..me.clone()
        };
        assert!(before_reboot.is_gone(std::process::id(), &me));
        // Another machine or another container: never judged.
        for other in [
            Holder {
                machine: "elsewhere".into(),
                ..before_reboot.clone()
            },
            Holder {
                pidns: "pid:[1]".into(),
                ..before_reboot
            },
        ] {
            assert!(!other.is_gone(pid, &me));
        }
    }

    #[test]
    fn a_command_name_with_parentheses_and_spaces_does_not_shift_the_fields() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("a) b (c");
        std::fs::copy("/bin/sleep", &odd).unwrap();
        let mut child = std::process::Command::new(&odd).arg("5").spawn().unwrap();
        let theirs = start_time(&child.id().to_string());
        let mine = start_time("self").unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        // Started after this process, in ticks since the same boot.
        assert!(theirs.is_some_and(|t| t >= mine), "{theirs:?} < {mine}");
    }
}
