//! [`Span`]: the calendar durations of `--keep-within*` ("7d", "1y6m", "36h").

use crate::error::Error;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::fmt;
use std::str::FromStr;

const SPAN_HINT: &str =
    "write a number followed by a unit, units in any order and each at most once: \
     7d, 36h, 2w, 1y6m (y = years, m = months, w = weeks, d = days, h = hours)";

/// A calendar duration like "7d", "1y6m", "36h" or "2w".
///
/// Units: `y` years, `m` months, `w` weeks, `d` days, `h` hours. Weeks fold
/// into days, so "2w" and "14d" are the same span and both display as "14d".
/// Years and months are calendar units, not fixed lengths: "1m" before March 31
/// is the last day of February.
///
/// Serialises as its string form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Calendar years.
    pub years: u32,
    /// Calendar months.
    pub months: u32,
    /// Calendar days (weeks are folded in as 7 days).
    pub days: u32,
    /// Hours of elapsed time.
    pub hours: u32,
}

impl Span {
    /// True when every field is zero: such a span reaches back to `t` itself.
    pub fn is_zero(&self) -> bool {
        *self == Span::default()
    }

    /// `t` minus this span, computed in `t`'s own UTC offset.
    ///
    /// Years and months are subtracted together and the day is clamped to the
    /// end of the month (March 31 - 1m = February 28, or 29 in a leap year),
    /// then days, then hours. A span reaching before the earliest representable
    /// time saturates there, so callers asking "is x within the span" err on
    /// the side of yes.
    pub fn before(&self, t: time::OffsetDateTime) -> time::OffsetDateTime {
        let offset = t.offset();
        let earliest = time::PrimitiveDateTime::MIN.assume_offset(offset);
        let Ok(jiff_offset) = jiff::tz::Offset::from_seconds(offset.whole_seconds()) else {
            return earliest;
        };
        to_jiff(t)
            .and_then(|ts| self.before_in(ts, &TimeZone::fixed(jiff_offset)))
            .and_then(from_jiff)
            .map_or(earliest, |r| r.to_offset(offset))
    }

    /// `t` minus this span with the calendar of `tz`: days are local calendar
    /// days (across a DST change "1d" before noon is noon the day before, 23
    /// or 25 hours earlier), hours are elapsed hours. `None` when the result
    /// falls outside the representable range.
    pub(crate) fn before_in(&self, t: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let span = jiff::Span::new()
            .try_years(i64::from(self.years))
            .and_then(|s| s.try_months(i64::from(self.months)))
            .and_then(|s| s.try_days(i64::from(self.days)))
            .and_then(|s| s.try_hours(i64::from(self.hours)))
            .ok()?;
        t.to_zoned(tz.clone())
            .checked_sub(span)
            .ok()
            .map(|z| z.timestamp())
    }
}

/// `time` and `jiff` meet at unix nanoseconds. `None` only at the far ends of
/// `time`'s range, which `jiff` does not cover.
pub(crate) fn to_jiff(t: time::OffsetDateTime) -> Option<Timestamp> {
    Timestamp::from_nanosecond(t.unix_timestamp_nanos()).ok()
}

fn from_jiff(t: Timestamp) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp_nanos(t.as_nanosecond()).ok()
}

impl FromStr for Span {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad =
            |why: &str| Error::invalid(format!("{s:?} is not a time span: {why}")).hint(SPAN_HINT);
        if s.is_empty() {
            return Err(bad("it is empty"));
        }
        let mut span = Span::default();
        let mut seen = String::new();
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                let c = rest.chars().next().unwrap_or_default();
                return Err(bad(&format!("expected a number where {c:?} is")));
            }
            let (number, after) = rest.split_at(digits);
            let Some(unit) = after.chars().next() else {
                return Err(bad(&format!("{number} has no unit")));
            };
            rest = &after[unit.len_utf8()..];
            let n: u32 = number
                .parse()
                .map_err(|_| bad(&format!("{number} is too large")))?;
            if seen.contains(unit) {
                return Err(bad(&format!("the unit {unit:?} appears twice")));
            }
            let field = match unit {
                'y' => &mut span.years,
                'm' => &mut span.months,
                'd' | 'w' => &mut span.days,
                'h' => &mut span.hours,
                _ => return Err(bad(&format!("{unit:?} is not a unit"))),
            };
            seen.push(unit);
            let add = if unit == 'w' {
                n.checked_mul(7)
            } else {
                Some(n)
            };
            *field = add
                .and_then(|a| field.checked_add(a))
                .ok_or_else(|| bad(&format!("{number}{unit} is too large")))?;
        }
        Ok(span)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0d");
        }
        for (n, unit) in [
            (self.years, 'y'),
            (self.months, 'm'),
            (self.days, 'd'),
            (self.hours, 'h'),
        ] {
            if n != 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        Ok(())
    }
}

impl serde::Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
