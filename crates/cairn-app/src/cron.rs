//! Cron lines: parsed, and their next runs found, as pure functions of
//! (line, after, time zone). Below the config (which refuses a bad line when
//! it loads) and the schedule (which asks what is due).

use croner::Cron;
use std::str::FromStr;

/// Parses a cron line (5 fields, or 6 with seconds, or an alias like @daily).
pub fn parse(line: &str) -> Result<Cron, String> {
    Cron::from_str(line.trim()).map_err(|e| {
        format!("invalid cron line {line:?}: {e} (write minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\")")
    })
}

/// The first run of a cron line strictly after `after`; None for a line
/// that does not parse (the config loader has already refused those).
pub fn next_run(
    line: &str,
    after: time::OffsetDateTime,
    tz: &jiff::tz::TimeZone,
) -> Option<time::OffsetDateTime> {
    next_after(&parse(line).ok()?, after, tz)
}

/// The first run strictly after `after`, in `tz`.
pub fn next_after(
    cron: &Cron,
    after: time::OffsetDateTime,
    tz: &jiff::tz::TimeZone,
) -> Option<time::OffsetDateTime> {
    let ts = jiff::Timestamp::from_nanosecond(after.unix_timestamp_nanos()).ok()?;
    let z = ts.to_zoned(tz.clone());
    let next = cron.find_next_occurrence(&z, false).ok()?;
    time::OffsetDateTime::from_unix_timestamp_nanos(next.timestamp().as_nanosecond()).ok()
}

/// The `n` next runs after `after`.
pub fn upcoming(
    cron: &Cron,
    mut after: time::OffsetDateTime,
    tz: &jiff::tz::TimeZone,
    n: usize,
) -> Vec<time::OffsetDateTime> {
    let mut out = Vec::new();
    while out.len() < n {
        match next_after(cron, after, tz) {
            Some(t) => {
                out.push(t);
                after = t;
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_core::clock::parse_rfc3339;

    #[test]
    fn next_runs_on_a_fixed_clock_across_dst() {
        let c = parse("0 2 * * *").unwrap();
        let now = parse_rfc3339("2026-11-27T10:00:00Z").unwrap();
        let utc = jiff::tz::TimeZone::UTC;
        assert_eq!(
            next_after(&c, now, &utc).unwrap(),
            parse_rfc3339("2026-11-28T02:00:00Z").unwrap()
        );
        // Berlin springs forward on 2027-03-28: 02:00 local does not exist that day.
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        let runs = upcoming(
            &c,
            parse_rfc3339("2027-03-26T12:00:00Z").unwrap(),
            &berlin,
            3,
        );
        assert_eq!(runs.len(), 3);
        assert!(runs.windows(2).all(|w| w[0] < w[1]));
        assert!(parse("0 25 * * *").is_err());
        assert!(parse("not a cron")
            .unwrap_err()
            .contains("invalid cron line"));
    }
}
