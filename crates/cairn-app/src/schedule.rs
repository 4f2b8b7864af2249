//! Which specs and replicas and whether the gate are due ([`due`],
//! [`replicas_due`], [`gate_due`]), as pure functions of (config, last runs,
//! now, time zone), so the scheduler is
//! tested on a fixed clock; the server's scheduler only sleeps, asks, and
//! submits jobs. The cron lines themselves are read in [`crate::cron`].

use crate::config::ServerConfig;
use crate::cron::next_run;
use std::collections::HashMap;
use time::OffsetDateTime;

/// Specs whose next scheduled time after their last run has come.
pub fn due(
    cfg: &ServerConfig,
    last: &HashMap<String, OffsetDateTime>,
    now: OffsetDateTime,
    tz: &jiff::tz::TimeZone,
) -> Vec<String> {
    let lines = cfg.spec.iter().map(|s| (&s.name, &s.schedule));
    due_of(lines, last, now, tz)
}

/// Replicas (`[[replica]]`, by name) whose next scheduled time after their
/// last run has come.
pub fn replicas_due(
    cfg: &ServerConfig,
    last: &HashMap<String, OffsetDateTime>,
    now: OffsetDateTime,
    tz: &jiff::tz::TimeZone,
) -> Vec<String> {
    let lines = cfg.replica.iter().map(|r| (&r.name, &r.schedule));
    due_of(lines, last, now, tz)
}

/// The names whose cron line's next time after their last run (never run:
/// the epoch, so due at once) has come.
fn due_of<'a>(
    lines: impl Iterator<Item = (&'a String, &'a Option<String>)>,
    last: &HashMap<String, OffsetDateTime>,
    now: OffsetDateTime,
    tz: &jiff::tz::TimeZone,
) -> Vec<String> {
    let mut out = Vec::new();
    for (name, line) in lines {
        let Some(line) = line else { continue };
        let from = last
            .get(name)
            .copied()
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        if next_run(line, from, tz).is_some_and(|t| t <= now) {
            out.push(name.clone());
        }
    }
    out
}

/// Whether the gate's next scheduled time after `last` has come.
pub fn gate_due(
    cfg: &ServerConfig,
    last: OffsetDateTime,
    now: OffsetDateTime,
    tz: &jiff::tz::TimeZone,
) -> bool {
    cfg.gate
        .schedule
        .as_deref()
        .and_then(|l| next_run(l, last, tz))
        .is_some_and(|t| t <= now)
}
