//! Retention policy: which snapshots `cairn forget` keeps, as a pure function.
//!
//! [`evaluate`] takes the snapshots, the protected set, a [`Policy`], how to
//! group, a time zone and `now`, and returns a [`Decision`] with the reasons
//! for every snapshot. It does no I/O and reads no clock, so the same input
//! always gives the same answer and a dry run shows exactly what a real run
//! would do. The rules are restic's, with the differences listed below; the
//! operator's version is `docs/RETENTION.md`.
//!
//! Within each group, snapshots are sorted newest first (by time, ties by id,
//! higher id first). Then:
//!
//! - `keep_last N` keeps the N newest.
//! - `keep_hourly`/`daily`/`weekly`/`monthly`/`yearly N` walk newest first and
//!   keep the newest snapshot of each calendar bucket until N buckets are used.
//!   Buckets are taken in the time zone `tz`: a day is a local calendar day (23
//!   or 25 hours long across a DST change), a week is an ISO week (ISO year and
//!   week number, so December 31 can be in week 1 of the next year), a month is
//!   year and month, a year is the calendar year. An hour bucket is local date,
//!   hour *and UTC offset*: when clocks fall back, the two 01:00 hours are two
//!   buckets, as they are two real hours.
//! - `keep_within D` keeps every snapshot taken at or after `now` minus D (see
//!   [`Span`]; the subtraction uses `tz`'s calendar).
//! - `keep_within_hourly`/`daily`/... `D` keep the newest snapshot of every
//!   bucket among the snapshots within D of `now`, with no bucket limit.
//! - `keep_tags` keeps snapshots carrying any of the tags.
//! - Protected snapshots are always kept ("protected"). They still count for
//!   the rules above, as the real snapshots they are.
//! - A snapshot newer than `now` is kept ("in the future (clock skew?)") and
//!   takes no part in the rules: a wrong clock, or a forged snapshot dated
//!   ahead, can neither get a snapshot deleted nor push real snapshots out of
//!   `keep_last` or a bucket count.
//! - A snapshot whose time cannot be read is kept for the same reason.
//!
//! Unlike restic, `keep_within*` measure from `now`, not from the newest
//! snapshot, so fake newer snapshots cannot move the window; the price is that
//! a backup outage longer than every window lets those rules keep nothing
//! (see "The outage case" in `docs/RETENTION.md`).
//!
//! A count of 0 and a zero span are no rule at all. With no rule
//! ([`Policy::is_empty`]), everything is kept with the reason "no policy".

mod duration;
mod group;

pub use duration::Span;
pub use group::{GroupBy, GroupKey};

use crate::ids::SnapshotId;
use crate::snapshot::SnapshotMeta;
use duration::to_jiff;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What to keep. The default keeps nothing in particular, which [`evaluate`]
/// treats as "no policy".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Policy {
    /// Keep the N newest snapshots.
    pub keep_last: Option<u32>,
    /// Keep the newest snapshot of each of the N newest hours.
    pub keep_hourly: Option<u32>,
    /// Keep the newest snapshot of each of the N newest days.
    pub keep_daily: Option<u32>,
    /// Keep the newest snapshot of each of the N newest ISO weeks.
    pub keep_weekly: Option<u32>,
    /// Keep the newest snapshot of each of the N newest months.
    pub keep_monthly: Option<u32>,
    /// Keep the newest snapshot of each of the N newest years.
    pub keep_yearly: Option<u32>,
    /// Keep every snapshot taken within this span of `now`.
    pub keep_within: Option<Span>,
    /// Keep the newest snapshot of every hour within this span of `now`.
    pub keep_within_hourly: Option<Span>,
    /// Keep the newest snapshot of every day within this span of `now`.
    pub keep_within_daily: Option<Span>,
    /// Keep the newest snapshot of every ISO week within this span of `now`.
    pub keep_within_weekly: Option<Span>,
    /// Keep the newest snapshot of every month within this span of `now`.
    pub keep_within_monthly: Option<Span>,
    /// Keep the newest snapshot of every year within this span of `now`.
    pub keep_within_yearly: Option<Span>,
    /// Keep snapshots carrying any of these tags.
    pub keep_tags: Vec<String>,
}

impl Policy {
    /// True when no rule would keep anything: every count is unset or 0, every
    /// span unset or zero, and no tag is named. Callers refuse to forget with
    /// such a policy, since it would remove every unprotected snapshot.
    pub fn is_empty(&self) -> bool {
        self.last().is_none()
            && self.counts().iter().all(|(_, n)| n.is_none())
            && self.within().is_none()
            && self.within_buckets().iter().all(|(_, s)| s.is_none())
            && self.keep_tags.is_empty()
    }

    // The accessors below drop counts of 0 and zero spans, which are no rule.

    fn last(&self) -> Option<u32> {
        self.keep_last.filter(|&n| n > 0)
    }

    fn counts(&self) -> [(Unit, Option<u32>); 5] {
        let c = |n: Option<u32>| n.filter(|&n| n > 0);
        [
            (Unit::Hour, c(self.keep_hourly)),
            (Unit::Day, c(self.keep_daily)),
            (Unit::Week, c(self.keep_weekly)),
            (Unit::Month, c(self.keep_monthly)),
            (Unit::Year, c(self.keep_yearly)),
        ]
    }

    fn within(&self) -> Option<Span> {
        self.keep_within.filter(|s| !s.is_zero())
    }

    fn within_buckets(&self) -> [(Unit, Option<Span>); 5] {
        let c = |s: Option<Span>| s.filter(|s| !s.is_zero());
        [
            (Unit::Hour, c(self.keep_within_hourly)),
            (Unit::Day, c(self.keep_within_daily)),
            (Unit::Week, c(self.keep_within_weekly)),
            (Unit::Month, c(self.keep_within_monthly)),
            (Unit::Year, c(self.keep_within_yearly)),
        ]
    }
}

/// A calendar bucket size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Hour => "hourly",
            Unit::Day => "daily",
            Unit::Week => "weekly",
            Unit::Month => "monthly",
            Unit::Year => "yearly",
        }
    }

    /// The bucket's label, which is also its identity: two snapshots share a
    /// bucket exactly when their labels are equal.
    fn bucket(self, z: &Zoned) -> String {
        match self {
            // The offset tells apart the two 01:00 hours of a DST fall-back.
            Unit::Hour => format!("{} {:02}:00{}", z.date(), z.hour(), offset(z.offset())),
            Unit::Day => z.date().to_string(),
            Unit::Week => {
                let w = z.date().iso_week_date();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            Unit::Month => format!("{:04}-{:02}", z.year(), z.month()),
            Unit::Year => format!("{:04}", z.year()),
        }
    }
}

/// "+01:00", "-04:00"; seconds only when the zone has them (old local mean times).
fn offset(o: jiff::tz::Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.unsigned_abs();
    let (h, m, sec) = (a / 3600, a % 3600 / 60, a % 60);
    if sec == 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}:{sec:02}")
    }
}

/// What happens to one snapshot, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The snapshot.
    pub id: SnapshotId,
    /// Its time, as stored.
    pub time: String,
    /// Whether it is kept; exactly when `reasons` is not empty.
    pub keep: bool,
    /// Every rule that keeps it: "last 3", "daily 2026-11-27", "within 7d",
    /// "daily 2026-11-27 (within 90d)", "tag important", "protected", ...
    pub reasons: Vec<String>,
}

/// The decisions for one group, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupDecision {
    /// The group.
    pub key: GroupKey,
    /// One per snapshot, newest first.
    pub decisions: Vec<Decision>,
}

const FUTURE: &str = "in the future (clock skew?)";

/// One snapshot while deciding.
struct Entry<'a> {
    id: SnapshotId,
    meta: &'a SnapshotMeta,
    time: Option<time::OffsetDateTime>,
    reasons: Vec<String>,
}

/// Applies `policy` to `snapshots`, grouped by `group_by`, with calendar
/// buckets in `tz`, as of `now`. See the module docs for the rules.
///
/// Groups come sorted by key; decisions within a group newest first. The
/// result depends on the order of `snapshots` in no way, and a snapshot listed
/// twice (same id) is decided once.
pub fn evaluate(
    snapshots: &[(SnapshotId, SnapshotMeta)],
    protected: &BTreeSet<SnapshotId>,
    policy: &Policy,
    group_by: GroupBy,
    tz: &TimeZone,
    now: time::OffsetDateTime,
) -> Vec<GroupDecision> {
    let mut seen = BTreeSet::new();
    let mut groups: BTreeMap<GroupKey, Vec<Entry>> = BTreeMap::new();
    for (id, meta) in snapshots {
        if !seen.insert(*id) {
            continue;
        }
        groups
            .entry(GroupKey::of(meta, group_by))
            .or_default()
            .push(Entry {
                id: *id,
                meta,
                time: meta.parsed_time().ok(),
                reasons: Vec::new(),
            });
    }
    groups
        .into_iter()
        .map(|(key, mut entries)| {
            // An unreadable time sorts last: it is no candidate for any rule.
            entries.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
            decide(&mut entries, protected, policy, tz, now);
            GroupDecision {
                key,
                decisions: entries
                    .into_iter()
                    .map(|e| Decision {
                        id: e.id,
                        time: e.meta.time.clone(),
                        keep: !e.reasons.is_empty(),
                        reasons: e.reasons,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Fills in the reasons of one group's entries, sorted newest first.
fn decide(
    entries: &mut [Entry],
    protected: &BTreeSet<SnapshotId>,
    policy: &Policy,
    tz: &TimeZone,
    now: time::OffsetDateTime,
) {
    let empty = policy.is_empty();
    // Candidates for the time rules: readable, not in the future. Newest first.
    let mut candidates: Vec<(usize, Timestamp, Zoned)> = Vec::new();
    for (i, e) in entries.iter_mut().enumerate() {
        if empty {
            e.reasons.push("no policy".into());
        }
        if protected.contains(&e.id) {
            e.reasons.push("protected".into());
        }
        match e.time {
            None => e.reasons.push("time unreadable".into()),
            Some(t) if t > now => e.reasons.push(FUTURE.into()),
            Some(t) => match to_jiff(t) {
                Some(ts) => candidates.push((i, ts, ts.to_zoned(tz.clone()))),
                None => e.reasons.push("time out of range".into()),
            },
        }
    }
    if empty {
        return;
    }

    let mut keep = |i: usize, reason: String| entries[i].reasons.push(reason);

    if let Some(n) = policy.last() {
        for &(i, _, _) in candidates.iter().take(n as usize) {
            keep(i, format!("last {n}"));
        }
    }

    for (unit, n) in policy.counts() {
        let Some(n) = n else { continue };
        let mut used = BTreeSet::new();
        for (i, _, z) in &candidates {
            if used.len() >= n as usize {
                break;
            }
            let bucket = unit.bucket(z);
            if !used.contains(&bucket) {
                keep(*i, format!("{} {bucket}", unit.name()));
                used.insert(bucket);
            }
        }
    }

    // `None` when the cutoff is before the representable range: all within.
    let now_ts = to_jiff(now);
    let cutoff = |span: Span| now_ts.and_then(|n| span.before_in(n, tz));
    let within = |ts: &Timestamp, cut: Option<Timestamp>| cut.is_none_or(|c| *ts >= c);

    if let Some(span) = policy.within() {
        let cut = cutoff(span);
        for (i, ts, _) in &candidates {
            if within(ts, cut) {
                keep(*i, format!("within {span}"));
            }
        }
    }

    for (unit, span) in policy.within_buckets() {
        let Some(span) = span else { continue };
        let cut = cutoff(span);
        let mut used = BTreeSet::new();
        for (i, ts, z) in &candidates {
            if !within(ts, cut) {
                // Candidates are newest first: all the rest are older still.
                break;
            }
            let bucket = unit.bucket(z);
            if !used.contains(&bucket) {
                keep(*i, format!("{} {bucket} (within {span})", unit.name()));
                used.insert(bucket);
            }
        }
    }

    let mut tags = policy.keep_tags.clone();
    tags.sort();
    tags.dedup();
    for e in entries.iter_mut() {
        for t in &tags {
            if e.meta.tags.contains(t) {
                e.reasons.push(format!("tag {t}"));
            }
        }
    }
}

#[cfg(test)]
mod tests;
