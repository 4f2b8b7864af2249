//! Time is a parameter. The core never reads the wall clock: long-lived code
//! takes a [`Clock`], pure functions take `now`.

use time::OffsetDateTime;

/// A source of "now".
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// A clock that always says the same time: tests, `--now`, reproducible runs.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// Formats a time as RFC 3339 in UTC with nanoseconds, the form stored in objects.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Parses RFC 3339.
pub fn parse_rfc3339(s: &str) -> crate::Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|e| {
        crate::Error::invalid(format!("{s:?} is not an RFC 3339 time ({e})"))
            .hint("write it like 2026-11-27T05:30:00Z")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_and_rfc3339_round_trip() {
        let t = parse_rfc3339("2026-11-27T05:30:00.5Z").unwrap();
        assert_eq!(FixedClock(t).now(), t);
        assert_eq!(parse_rfc3339(&rfc3339(t)).unwrap(), t);
        assert!(parse_rfc3339("yesterday").is_err());
    }
}
