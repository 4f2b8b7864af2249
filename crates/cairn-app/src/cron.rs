//! Cron lines: parsed, and their next runs found, as pure functions of
//! (line, after, time zone). Below the config (which refuses a bad line when
//! it loads) and the schedule (which asks what is due).

use croner::Cron;
use std::str::FromStr;

/// Parses a cron line (5 fields, or 6 with seconds, or an alias like @daily).
pub fn parse(line: &str) -> Result<Cron, String> {
    let bad = |why: String| {
        format!("invalid cron line {line:?}: {why} (write minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\")")
    };
    let cron = Cron::from_str(line.trim()).map_err(|e| bad(e.to_string()))?;
    // croner accepts a field that allows no value at all (", * * * *": an
    // empty list), and then searches minute by minute to its year limit for
    // a run that cannot come: over a minute of CPU each time the schedule
    // asks (found by the cron fuzz target). Such a line is refused here.
    let p = &cron.pattern;
    let fields = [
        ("second", &p.seconds),
        ("minute", &p.minutes),
        ("hour", &p.hours),
        ("day-of-month", &p.days),
        ("month", &p.months),
        ("day-of-week", &p.days_of_week),
        ("year", &p.years),
    ];
    for (name, c) in fields {
        if c.values().is_empty() && !c.has_modifiers() {
            return Err(bad(format!("its {name} field allows no value")));
        }
    }
    Ok(cron)
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

    /// A field that allows nothing (an empty list item) is refused when the
    /// line is read, not searched for a run to croner's year limit (the
    /// fuzz target's slow unit, fuzz/corpus/cron/empty-minute-list: over a
    /// minute per search). Lines whose days depend on the month still parse.
    #[test]
    fn a_field_that_allows_no_value_is_refused() {
        for line in [
            ", * * * *",
            "0 , * * *",
            "0 0 , * *",
            "0 0 * , *",
            "0 0 * * ,",
        ] {
            let e = parse(line).unwrap_err();
            assert!(e.contains("allows no value"), "{line}: {e}");
        }
        for line in [
            "0 0 L * *",
            "0 0 * * 5#3",
            "0 0 15W * *",
            "0 2 * * *",
            "@daily",
        ] {
            let c = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let after = cairn_core::clock::parse_rfc3339("2026-12-06T00:00:00Z").unwrap();
            assert_eq!(
                upcoming(&c, after, &jiff::tz::TimeZone::UTC, 2).len(),
                2,
                "{line}"
            );
        }
    }
}
