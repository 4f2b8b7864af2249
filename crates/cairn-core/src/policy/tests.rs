use super::*;
use crate::clock::{parse_rfc3339, rfc3339};
use crate::error::ErrorKind;
use crate::ids::BlobId;
use crate::snapshot::SnapshotStats;
use proptest::prelude::*;

fn meta(time: &str, host: &str, paths: &[&str], tags: &[&str], spec: Option<&str>) -> SnapshotMeta {
    SnapshotMeta {
        version: 1,
        time: time.into(),
        spec: spec.map(Into::into),
        host: host.into(),
        paths: paths.iter().map(|s| s.to_string()).collect(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        parent: None,
        tree: BlobId([0; 32]),
        incomplete: false,
        errors: Vec::new(),
        stats: SnapshotStats::default(),
        program: "test".into(),
    }
}

fn id(n: usize) -> SnapshotId {
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&(n as u64).to_be_bytes());
    SnapshotId(b)
}

/// Snapshots of one host and path, ids by position.
fn snaps(times: &[&str]) -> Vec<(SnapshotId, SnapshotMeta)> {
    times
        .iter()
        .enumerate()
        .map(|(i, t)| (id(i), meta(t, "h", &["/data"], &[], None)))
        .collect()
}

fn at(s: &str) -> time::OffsetDateTime {
    parse_rfc3339(s).unwrap()
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

fn run(policy: &Policy, tz: &TimeZone, now: &str, times: &[&str]) -> Vec<GroupDecision> {
    evaluate(
        &snaps(times),
        &BTreeSet::new(),
        policy,
        GroupBy::DEFAULT,
        tz,
        at(now),
    )
}

/// (time, reasons) of every kept snapshot, newest first, groups in order.
fn kept(groups: &[GroupDecision]) -> Vec<(String, Vec<String>)> {
    groups
        .iter()
        .flat_map(|g| &g.decisions)
        .inspect(|d| assert_eq!(d.keep, !d.reasons.is_empty()))
        .filter(|d| d.keep)
        .map(|d| (d.time.clone(), d.reasons.clone()))
        .collect()
}

fn k(time: &str, reasons: &[&str]) -> (String, Vec<String>) {
    (time.into(), reasons.iter().map(|s| s.to_string()).collect())
}

fn span(s: &str) -> Span {
    s.parse().unwrap()
}

struct Case {
    name: &'static str,
    policy: Policy,
    tz: &'static str,
    now: &'static str,
    times: &'static [&'static str],
    kept: &'static [(&'static str, &'static [&'static str])],
}

fn daily(n: u32) -> Policy {
    Policy {
        keep_daily: Some(n),
        ..Policy::default()
    }
}

fn hourly(n: u32) -> Policy {
    Policy {
        keep_hourly: Some(n),
        ..Policy::default()
    }
}

#[test]
fn table() {
    let cases = [
        Case {
            name: "keep-last keeps the N newest",
            policy: Policy {
                keep_last: Some(2),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2026-11-27T12:00:00Z",
            times: &[
                "2026-11-24T00:00:00Z",
                "2026-11-26T00:00:00Z",
                "2026-11-25T00:00:00Z",
                "2026-11-27T00:00:00Z",
            ],
            kept: &[
                ("2026-11-27T00:00:00Z", &["last 2"]),
                ("2026-11-26T00:00:00Z", &["last 2"]),
            ],
        },
        Case {
            name: "daily keeps the newest of a day",
            policy: daily(2),
            tz: "UTC",
            now: "2026-11-28T00:00:00Z",
            times: &[
                "2026-11-27T01:00:00Z",
                "2026-11-27T23:00:00Z",
                "2026-11-27T09:00:00Z",
                "2026-11-26T12:00:00Z",
                "2026-11-25T12:00:00Z",
            ],
            kept: &[
                ("2026-11-27T23:00:00Z", &["daily 2026-11-27"]),
                ("2026-11-26T12:00:00Z", &["daily 2026-11-26"]),
            ],
        },
        Case {
            // Nov 1 2026 in New York is 25 hours long: 04:00Z to 05:00Z the next day.
            name: "New York fall-back day is one bucket",
            policy: daily(2),
            tz: "America/New_York",
            now: "2026-12-01T00:00:00Z",
            times: &[
                "2026-10-31T16:00:00Z",
                "2026-11-01T04:30:00Z",
                "2026-11-02T04:30:00Z",
            ],
            kept: &[
                ("2026-11-02T04:30:00Z", &["daily 2026-11-01"]),
                ("2026-10-31T16:00:00Z", &["daily 2026-10-31"]),
            ],
        },
        Case {
            name: "the same snapshots in UTC are three days",
            policy: daily(2),
            tz: "UTC",
            now: "2026-12-01T00:00:00Z",
            times: &[
                "2026-10-31T16:00:00Z",
                "2026-11-01T04:30:00Z",
                "2026-11-02T04:30:00Z",
            ],
            kept: &[
                ("2026-11-02T04:30:00Z", &["daily 2026-11-02"]),
                ("2026-11-01T04:30:00Z", &["daily 2026-11-01"]),
            ],
        },
        Case {
            // Mar 8 2026 in New York is 23 hours long: 05:00Z to 04:00Z the next day.
            name: "New York spring-forward day",
            policy: daily(2),
            tz: "America/New_York",
            now: "2026-03-10T00:00:00Z",
            times: &[
                "2026-03-08T05:30:00Z",
                "2026-03-09T03:30:00Z",
                "2026-03-09T04:30:00Z",
            ],
            kept: &[
                ("2026-03-09T04:30:00Z", &["daily 2026-03-09"]),
                ("2026-03-09T03:30:00Z", &["daily 2026-03-08"]),
            ],
        },
        Case {
            name: "New York fall-back: the two 01:00 hours are two buckets",
            policy: hourly(3),
            tz: "America/New_York",
            now: "2026-11-02T00:00:00Z",
            times: &[
                "2026-11-01T05:10:00Z",
                "2026-11-01T05:30:00Z",
                "2026-11-01T06:30:00Z",
                "2026-11-01T07:30:00Z",
            ],
            kept: &[
                ("2026-11-01T07:30:00Z", &["hourly 2026-11-01 02:00-05:00"]),
                ("2026-11-01T06:30:00Z", &["hourly 2026-11-01 01:00-05:00"]),
                ("2026-11-01T05:30:00Z", &["hourly 2026-11-01 01:00-04:00"]),
            ],
        },
        Case {
            name: "New York spring-forward: 02:00 does not exist",
            policy: hourly(5),
            tz: "America/New_York",
            now: "2026-03-09T00:00:00Z",
            times: &[
                "2026-03-08T06:30:00Z",
                "2026-03-08T07:10:00Z",
                "2026-03-08T07:30:00Z",
            ],
            kept: &[
                ("2026-03-08T07:30:00Z", &["hourly 2026-03-08 03:00-04:00"]),
                ("2026-03-08T06:30:00Z", &["hourly 2026-03-08 01:00-05:00"]),
            ],
        },
        Case {
            // Oct 25 2026 in Berlin: 22:00Z the day before to 23:00Z, 25 hours.
            name: "Berlin fall-back day is one bucket",
            policy: daily(2),
            tz: "Europe/Berlin",
            now: "2026-11-01T00:00:00Z",
            times: &[
                "2026-10-24T12:00:00Z",
                "2026-10-24T22:30:00Z",
                "2026-10-25T22:30:00Z",
            ],
            kept: &[
                ("2026-10-25T22:30:00Z", &["daily 2026-10-25"]),
                ("2026-10-24T12:00:00Z", &["daily 2026-10-24"]),
            ],
        },
        Case {
            name: "Berlin fall-back: the two 02:00 hours are two buckets",
            policy: hourly(5),
            tz: "Europe/Berlin",
            now: "2026-11-01T00:00:00Z",
            times: &[
                "2026-10-25T00:10:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-25T01:30:00Z",
            ],
            kept: &[
                ("2026-10-25T01:30:00Z", &["hourly 2026-10-25 02:00+01:00"]),
                ("2026-10-25T00:30:00Z", &["hourly 2026-10-25 02:00+02:00"]),
            ],
        },
        Case {
            // Mar 29 2026 in Berlin: 23:00Z the day before to 22:00Z, 23 hours.
            name: "Berlin spring-forward day",
            policy: daily(2),
            tz: "Europe/Berlin",
            now: "2026-04-01T00:00:00Z",
            times: &[
                "2026-03-28T23:30:00Z",
                "2026-03-29T21:30:00Z",
                "2026-03-29T22:30:00Z",
            ],
            kept: &[
                ("2026-03-29T22:30:00Z", &["daily 2026-03-30"]),
                ("2026-03-29T21:30:00Z", &["daily 2026-03-29"]),
            ],
        },
        Case {
            name: "Berlin spring-forward: 01:00 then 03:00",
            policy: hourly(5),
            tz: "Europe/Berlin",
            now: "2026-04-01T00:00:00Z",
            times: &["2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"],
            kept: &[
                ("2026-03-29T01:30:00Z", &["hourly 2026-03-29 03:00+02:00"]),
                ("2026-03-29T00:30:00Z", &["hourly 2026-03-29 01:00+01:00"]),
            ],
        },
        Case {
            name: "leap year months",
            policy: Policy {
                keep_monthly: Some(3),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2024-04-01T00:00:00Z",
            times: &[
                "2024-01-31T12:00:00Z",
                "2024-02-10T12:00:00Z",
                "2024-02-29T12:00:00Z",
                "2024-03-01T00:00:00Z",
                "2023-12-31T12:00:00Z",
            ],
            kept: &[
                ("2024-03-01T00:00:00Z", &["monthly 2024-03"]),
                ("2024-02-29T12:00:00Z", &["monthly 2024-02"]),
                ("2024-01-31T12:00:00Z", &["monthly 2024-01"]),
            ],
        },
        Case {
            // Dec 31 2026 is a Thursday: its week, with Jan 1-3 2027, is 2026-W53.
            name: "ISO week across a year boundary",
            policy: Policy {
                keep_weekly: Some(10),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2027-02-01T00:00:00Z",
            times: &[
                "2026-12-31T12:00:00Z",
                "2027-01-01T12:00:00Z",
                "2027-01-04T12:00:00Z",
                "2024-12-29T12:00:00Z",
                "2024-12-31T12:00:00Z",
                "2020-12-31T12:00:00Z",
            ],
            kept: &[
                ("2027-01-04T12:00:00Z", &["weekly 2027-W01"]),
                ("2027-01-01T12:00:00Z", &["weekly 2026-W53"]),
                ("2024-12-31T12:00:00Z", &["weekly 2025-W01"]),
                ("2024-12-29T12:00:00Z", &["weekly 2024-W52"]),
                ("2020-12-31T12:00:00Z", &["weekly 2020-W53"]),
            ],
        },
        Case {
            name: "yearly boundary in UTC",
            policy: Policy {
                keep_yearly: Some(2),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2027-06-01T00:00:00Z",
            times: &[
                "2025-12-31T23:00:00Z",
                "2026-06-01T00:00:00Z",
                "2026-12-31T23:59:59Z",
                "2027-01-01T00:00:00Z",
            ],
            kept: &[
                ("2027-01-01T00:00:00Z", &["yearly 2027"]),
                ("2026-12-31T23:59:59Z", &["yearly 2026"]),
            ],
        },
        Case {
            name: "yearly boundary in New York (New Year is 05:00Z)",
            policy: Policy {
                keep_yearly: Some(2),
                ..Policy::default()
            },
            tz: "America/New_York",
            now: "2027-06-01T00:00:00Z",
            times: &[
                "2025-12-31T23:00:00Z",
                "2026-06-01T00:00:00Z",
                "2026-12-31T23:59:59Z",
                "2027-01-01T00:00:00Z",
            ],
            kept: &[
                ("2027-01-01T00:00:00Z", &["yearly 2026"]),
                ("2025-12-31T23:00:00Z", &["yearly 2025"]),
            ],
        },
        Case {
            name: "keep-within includes its boundary",
            policy: Policy {
                keep_within: Some(span("7d")),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2026-11-27T12:00:00Z",
            times: &[
                "2026-11-20T11:59:59Z",
                "2026-11-20T12:00:00Z",
                "2026-11-26T00:00:00Z",
            ],
            kept: &[
                ("2026-11-26T00:00:00Z", &["within 7d"]),
                ("2026-11-20T12:00:00Z", &["within 7d"]),
            ],
        },
        Case {
            // 1d before 01:00 EDT on Mar 9 is 01:00 EST on Mar 8: 23 hours, not 24.
            name: "keep-within counts calendar days in the zone",
            policy: Policy {
                keep_within: Some(span("1d")),
                ..Policy::default()
            },
            tz: "America/New_York",
            now: "2026-03-09T05:00:00Z",
            times: &["2026-03-08T05:30:00Z", "2026-03-08T06:00:00Z"],
            kept: &[("2026-03-08T06:00:00Z", &["within 1d"])],
        },
        Case {
            name: "keep-within-daily",
            policy: Policy {
                keep_within_daily: Some(span("3d")),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2026-11-27T12:00:00Z",
            times: &[
                "2026-11-27T10:00:00Z",
                "2026-11-27T08:00:00Z",
                "2026-11-26T20:00:00Z",
                "2026-11-26T10:00:00Z",
                "2026-11-24T12:00:00Z",
                "2026-11-24T11:00:00Z",
                "2026-11-20T12:00:00Z",
            ],
            kept: &[
                ("2026-11-27T10:00:00Z", &["daily 2026-11-27 (within 3d)"]),
                ("2026-11-26T20:00:00Z", &["daily 2026-11-26 (within 3d)"]),
                ("2026-11-24T12:00:00Z", &["daily 2026-11-24 (within 3d)"]),
            ],
        },
        Case {
            name: "keep-within-monthly",
            policy: Policy {
                keep_within_monthly: Some(span("2m")),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2026-03-31T00:00:00Z",
            times: &[
                "2026-03-02T00:00:00Z",
                "2026-02-27T00:00:00Z",
                "2026-02-01T00:00:00Z",
                "2026-01-31T00:00:00Z",
                "2026-01-30T00:00:00Z",
            ],
            kept: &[
                ("2026-03-02T00:00:00Z", &["monthly 2026-03 (within 2m)"]),
                ("2026-02-27T00:00:00Z", &["monthly 2026-02 (within 2m)"]),
                ("2026-01-31T00:00:00Z", &["monthly 2026-01 (within 2m)"]),
            ],
        },
        Case {
            name: "future snapshots are kept and take no keep-last slot",
            policy: Policy {
                keep_last: Some(1),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2026-11-27T12:00:00Z",
            times: &[
                "2030-01-01T00:00:00Z",
                "2026-11-27T12:00:01Z",
                "2026-11-27T11:00:00Z",
                "2026-11-27T10:00:00Z",
            ],
            kept: &[
                ("2030-01-01T00:00:00Z", &[FUTURE]),
                ("2026-11-27T12:00:01Z", &[FUTURE]),
                ("2026-11-27T11:00:00Z", &["last 1"]),
            ],
        },
        Case {
            name: "no policy keeps everything",
            policy: Policy::default(),
            tz: "UTC",
            now: "2026-11-27T12:00:00Z",
            times: &["2026-11-27T11:00:00Z", "2020-01-01T00:00:00Z"],
            kept: &[
                ("2026-11-27T11:00:00Z", &["no policy"]),
                ("2020-01-01T00:00:00Z", &["no policy"]),
            ],
        },
        Case {
            name: "zero counts are no policy",
            policy: Policy {
                keep_last: Some(0),
                keep_daily: Some(0),
                keep_within: Some(Span::default()),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2026-11-27T12:00:00Z",
            times: &["2026-11-27T11:00:00Z"],
            kept: &[("2026-11-27T11:00:00Z", &["no policy"])],
        },
        Case {
            name: "every reason is listed",
            policy: Policy {
                keep_last: Some(1),
                keep_daily: Some(1),
                keep_monthly: Some(2),
                keep_within: Some(span("1d")),
                keep_within_daily: Some(span("1w")),
                ..Policy::default()
            },
            tz: "UTC",
            now: "2026-11-27T12:00:00Z",
            times: &[
                "2026-11-27T11:00:00Z",
                "2026-11-27T10:00:00Z",
                "2026-10-01T00:00:00Z",
            ],
            kept: &[
                (
                    "2026-11-27T11:00:00Z",
                    &[
                        "last 1",
                        "daily 2026-11-27",
                        "monthly 2026-11",
                        "within 1d",
                        "daily 2026-11-27 (within 7d)",
                    ],
                ),
                ("2026-11-27T10:00:00Z", &["within 1d"]),
                ("2026-10-01T00:00:00Z", &["monthly 2026-10"]),
            ],
        },
    ];
    for c in &cases {
        let got = kept(&run(&c.policy, &zone(c.tz), c.now, c.times));
        let want: Vec<_> = c.kept.iter().map(|(t, r)| k(t, r)).collect();
        assert_eq!(got, want, "case {:?}", c.name);
    }
}

#[test]
fn empty_repository() {
    let p = Policy {
        keep_last: Some(3),
        ..Policy::default()
    };
    let now = at("2026-11-27T12:00:00Z");
    assert!(evaluate(
        &[],
        &BTreeSet::new(),
        &p,
        GroupBy::DEFAULT,
        &TimeZone::UTC,
        now
    )
    .is_empty());
}

#[test]
fn keep_tag_and_protected() {
    let mut s = snaps(&[
        "2026-11-27T10:00:00Z",
        "2026-11-26T10:00:00Z",
        "2026-11-25T10:00:00Z",
        "2026-11-24T10:00:00Z",
    ]);
    s[1].1.tags = vec!["important".into(), "weekly-job".into()];
    s[3].1.tags = vec!["important".into()];
    let p = Policy {
        keep_last: Some(1),
        keep_tags: vec!["important".into(), "missing".into()],
        ..Policy::default()
    };
    let protected = BTreeSet::from([s[0].0, s[2].0]);
    let got = evaluate(
        &s,
        &protected,
        &p,
        GroupBy::DEFAULT,
        &TimeZone::UTC,
        at("2026-11-28T00:00:00Z"),
    );
    assert_eq!(
        kept(&got),
        vec![
            k("2026-11-27T10:00:00Z", &["protected", "last 1"]),
            k("2026-11-26T10:00:00Z", &["tag important"]),
            k("2026-11-25T10:00:00Z", &["protected"]),
            k("2026-11-24T10:00:00Z", &["tag important"]),
        ]
    );
}

#[test]
fn unreadable_time_and_duplicates() {
    let mut s = snaps(&["2026-11-27T10:00:00Z", "yesterday", "2026-11-26T10:00:00Z"]);
    s.push(s[0].clone());
    let p = Policy {
        keep_last: Some(1),
        ..Policy::default()
    };
    let got = evaluate(
        &s,
        &BTreeSet::new(),
        &p,
        GroupBy::DEFAULT,
        &TimeZone::UTC,
        at("2026-11-28T00:00:00Z"),
    );
    let all: Vec<_> = got[0]
        .decisions
        .iter()
        .map(|d| (d.time.as_str(), d.keep))
        .collect();
    assert_eq!(
        all,
        [
            ("2026-11-27T10:00:00Z", true),
            ("2026-11-26T10:00:00Z", false),
            ("yesterday", true),
        ]
    );
    assert_eq!(got[0].decisions[2].reasons, ["time unreadable"]);
}

#[test]
fn ties_are_broken_by_id() {
    let s = snaps(&["2026-11-27T10:00:00Z", "2026-11-27T10:00:00.000Z"]);
    let p = Policy {
        keep_last: Some(1),
        ..Policy::default()
    };
    let got = evaluate(
        &s,
        &BTreeSet::new(),
        &p,
        GroupBy::DEFAULT,
        &TimeZone::UTC,
        at("2026-11-28T00:00:00Z"),
    );
    let ids: Vec<_> = got[0].decisions.iter().map(|d| (d.id, d.keep)).collect();
    assert_eq!(ids, [(id(1), true), (id(0), false)]);
}

#[test]
fn grouping() {
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a [&'a str],
        &'a [&'a str],
        Option<&'a str>,
    );
    let rows: [Row; 5] = [
        ("2026-11-27T10:00:00Z", "a", &["/x"], &[], None),
        ("2026-11-26T10:00:00Z", "a", &["/x"], &["t"], Some("db")),
        ("2026-11-25T10:00:00Z", "a", &["/y", "/x"], &[], Some("db")),
        ("2026-11-24T10:00:00Z", "a", &["/x", "/y"], &["t"], None),
        ("2026-11-23T10:00:00Z", "b", &["/x"], &[], None),
    ];
    let s: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, (t, h, p, tags, spec))| (id(i), meta(t, h, p, tags, *spec)))
        .collect();
    let p = Policy {
        keep_last: Some(1),
        ..Policy::default()
    };
    let now = at("2026-11-28T00:00:00Z");
    let shape = |by: &str| -> Vec<(GroupKey, Vec<(String, bool)>)> {
        evaluate(
            &s,
            &BTreeSet::new(),
            &p,
            by.parse().unwrap(),
            &TimeZone::UTC,
            now,
        )
        .into_iter()
        .map(|g| {
            let d = g
                .decisions
                .iter()
                .map(|d| (d.time[8..10].to_string(), d.keep));
            (g.key, d.collect())
        })
        .collect()
    };
    let key = |host: Option<&str>,
               paths: Option<&[&str]>,
               tags: Option<&[&str]>,
               spec: Option<&str>| GroupKey {
        host: host.map(Into::into),
        paths: paths.map(|p| p.iter().map(|s| s.to_string()).collect()),
        tags: tags.map(|p| p.iter().map(|s| s.to_string()).collect()),
        spec: spec.map(Into::into),
    };
    let d = |v: &[(&str, bool)]| {
        v.iter()
            .map(|(a, b)| (a.to_string(), *b))
            .collect::<Vec<_>>()
    };

    assert_eq!(
        shape("host,paths"),
        vec![
            (
                key(Some("a"), Some(&["/x"]), None, None),
                d(&[("27", true), ("26", false)])
            ),
            (
                key(Some("a"), Some(&["/x", "/y"]), None, None),
                d(&[("25", true), ("24", false)])
            ),
            (
                key(Some("b"), Some(&["/x"]), None, None),
                d(&[("23", true)])
            ),
        ]
    );
    assert_eq!(
        shape("tags"),
        vec![
            (
                key(None, None, Some(&[]), None),
                d(&[("27", true), ("25", false), ("23", false)])
            ),
            (
                key(None, None, Some(&["t"]), None),
                d(&[("26", true), ("24", false)])
            ),
        ]
    );
    assert_eq!(
        shape("spec"),
        vec![
            (
                key(None, None, None, Some("")),
                d(&[("27", true), ("24", false), ("23", false)])
            ),
            (
                key(None, None, None, Some("db")),
                d(&[("26", true), ("25", false)])
            ),
        ]
    );
    let none = d(&[
        ("27", true),
        ("26", false),
        ("25", false),
        ("24", false),
        ("23", false),
    ]);
    assert_eq!(
        shape("none"),
        vec![(key(None, None, None, None), none.clone())]
    );
    assert_eq!(shape(""), vec![(key(None, None, None, None), none)]);
}

#[test]
fn group_by_parse_and_display() {
    assert_eq!("host,paths".parse::<GroupBy>().unwrap(), GroupBy::DEFAULT);
    assert_eq!("paths, host".parse::<GroupBy>().unwrap(), GroupBy::DEFAULT);
    assert_eq!("".parse::<GroupBy>().unwrap(), GroupBy::default());
    assert_eq!("none".parse::<GroupBy>().unwrap(), GroupBy::default());
    let all: GroupBy = "host,paths,tags,spec".parse().unwrap();
    assert!(all.host && all.paths && all.tags && all.spec);
    for g in [GroupBy::DEFAULT, GroupBy::default(), all] {
        assert_eq!(g.to_string().parse::<GroupBy>().unwrap(), g);
    }
    for bad in ["hosts", "host,", "host,none", "HOST"] {
        let e = bad.parse::<GroupBy>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{bad:?}");
        assert!(e.hint_text().unwrap().contains("host, paths"));
    }
}

#[test]
fn span_parse_errors() {
    for (bad, why) in [
        ("", "empty"),
        ("7", "has no unit"),
        ("7x", "not a unit"),
        ("d7", "expected a number"),
        ("-1d", "expected a number"),
        ("1.5d", "not a unit"),
        ("1d 2h", "expected a number"),
        ("7D", "not a unit"),
        ("1d1d", "twice"),
        ("4294967296d", "too large"),
        ("99999999999999999999y", "too large"),
        ("613566757w", "too large"),
        ("4294967295d1w", "too large"),
    ] {
        let e = bad.parse::<Span>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{bad:?}");
        assert!(e.message().contains(&format!("{bad:?}")), "{bad:?}: {e}");
        assert!(e.message().contains(why), "{bad:?}: {e}");
        assert!(e.hint_text().unwrap().contains("1y6m"), "{bad:?}");
    }
}

#[test]
fn span_display_round_trips() {
    for (input, canonical) in [
        ("7d", "7d"),
        ("1y6m", "1y6m"),
        ("6m1y", "1y6m"),
        ("36h", "36h"),
        ("2w", "14d"),
        ("1w3d", "10d"),
        ("1y2m3d4h", "1y2m3d4h"),
        ("0d", "0d"),
        ("0h", "0d"),
        ("007d", "7d"),
        ("4294967295h", "4294967295h"),
    ] {
        let s = span(input);
        assert_eq!(s.to_string(), canonical, "{input:?}");
        assert_eq!(span(canonical), s);
    }
    assert_eq!(
        span("1y2w"),
        Span {
            years: 1,
            months: 0,
            days: 14,
            hours: 0
        }
    );
    let json = serde_json::to_string(&span("1y6m")).unwrap();
    assert_eq!(json, "\"1y6m\"");
    assert_eq!(serde_json::from_str::<Span>(&json).unwrap(), span("1y6m"));
    assert!(serde_json::from_str::<Span>("\"7x\"").is_err());
}

#[test]
fn span_before_is_calendar_arithmetic() {
    for (s, t, want) in [
        ("1y", "2025-02-28T00:00:00Z", "2024-02-28T00:00:00Z"),
        ("1m", "2024-03-31T00:00:00Z", "2024-02-29T00:00:00Z"),
        ("1m", "2023-03-31T00:00:00Z", "2023-02-28T00:00:00Z"),
        ("1y", "2024-02-29T12:00:00Z", "2023-02-28T12:00:00Z"),
        ("1y6m", "2025-08-31T00:00:00Z", "2024-02-29T00:00:00Z"),
        ("7d", "2026-03-01T00:00:00Z", "2026-02-22T00:00:00Z"),
        ("36h", "2026-03-01T00:00:00Z", "2026-02-27T12:00:00Z"),
        ("1m1d", "2024-03-31T00:00:00Z", "2024-02-28T00:00:00Z"),
        ("0d", "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z"),
        // In the time's own offset: a fixed -04:00 has no DST.
        (
            "1d",
            "2026-03-09T01:00:00-04:00",
            "2026-03-08T01:00:00-04:00",
        ),
    ] {
        let got = span(s).before(at(t));
        assert_eq!(got, at(want), "{s} before {t}");
        assert_eq!(got.offset(), at(t).offset());
    }
    // Saturates rather than wrapping or panicking.
    let huge = span("4294967295y").before(at("2026-01-01T00:00:00Z"));
    assert_eq!(huge.year(), -9999);
}

#[test]
fn policy_is_empty() {
    assert!(Policy::default().is_empty());
    let zero = Policy {
        keep_last: Some(0),
        keep_within_yearly: Some(Span::default()),
        ..Policy::default()
    };
    assert!(zero.is_empty());
    for p in [
        Policy {
            keep_tags: vec!["x".into()],
            ..Policy::default()
        },
        Policy {
            keep_yearly: Some(1),
            ..Policy::default()
        },
        Policy {
            keep_within_hourly: Some(span("1h")),
            ..Policy::default()
        },
    ] {
        assert!(!p.is_empty(), "{p:?}");
    }
}

fn arb_span() -> impl Strategy<Value = Option<Span>> {
    proptest::option::of(
        prop::sample::select(vec!["0d", "36h", "3d", "2w", "1m", "1y"]).prop_map(span),
    )
}

fn arb_count() -> impl Strategy<Value = Option<u32>> {
    proptest::option::of(0u32..4)
}

prop_compose! {
    fn arb_policy()(
        counts in proptest::collection::vec(arb_count(), 5),
        spans in proptest::collection::vec(arb_span(), 6),
        tag in any::<bool>(),
    ) -> Policy {
        Policy {
            keep_last: None,
            keep_hourly: counts[0],
            keep_daily: counts[1],
            keep_weekly: counts[2],
            keep_monthly: counts[3],
            keep_yearly: counts[4],
            keep_within: spans[0],
            keep_within_hourly: spans[1],
            keep_within_daily: spans[2],
            keep_within_weekly: spans[3],
            keep_within_monthly: spans[4],
            keep_within_yearly: spans[5],
            keep_tags: if tag { vec!["t".into()] } else { Vec::new() },
        }
    }
}

prop_compose! {
    // Up to 40 snapshots over ~2 years before now and a little after, some on
    // the same second, over two hosts.
    fn arb_snapshots()(
        raw in proptest::collection::vec((0i64..2 * 366 * 24, 0i64..3, 0usize..2, any::<bool>()), 0..40)
    ) -> Vec<(SnapshotId, SnapshotMeta)> {
        let now = at(NOW);
        raw.iter()
            .enumerate()
            .map(|(i, (hours, quarter, host, tagged))| {
                let t = now - time::Duration::hours(*hours - 48) + time::Duration::minutes(*quarter * 15);
                let tags: &[&str] = if *tagged { &["t"] } else { &[] };
                (id(i), meta(&rfc3339(t), ["a", "b"][*host], &["/data"], tags, None))
            })
            .collect()
    }
}

const NOW: &str = "2027-01-01T00:00:00Z";

fn kept_ids(groups: &[GroupDecision]) -> BTreeSet<SnapshotId> {
    groups
        .iter()
        .flat_map(|g| &g.decisions)
        .filter(|d| d.keep)
        .map(|d| d.id)
        .collect()
}

proptest! {
    #[test]
    fn never_removes_what_keep_last_keeps_and_ignores_input_order(
        snapshots in arb_snapshots(),
        policy in arb_policy(),
        last in 1u32..5,
        zone_name in prop::sample::select(vec!["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata"]),
        by in prop::sample::select(vec!["host,paths", "none", "tags"]),
        seed in any::<u64>(),
        protect_mask in any::<u64>(),
    ) {
        let tz = zone(zone_name);
        let by: GroupBy = by.parse().unwrap();
        let now = at(NOW);
        let none = BTreeSet::new();
        let protected: BTreeSet<_> = snapshots
            .iter()
            .enumerate()
            .filter(|(i, _)| protect_mask >> (i % 64) & 1 == 1)
            .map(|(_, (id, _))| *id)
            .collect();
        let only_last = Policy { keep_last: Some(last), ..Policy::default() };
        let policy = Policy { keep_last: Some(last), ..policy };
        let full = evaluate(&snapshots, &protected, &policy, by, &tz, now);
        let baseline = kept_ids(&evaluate(&snapshots, &none, &only_last, by, &tz, now));
        prop_assert!(baseline.is_subset(&kept_ids(&full)));
        prop_assert!(protected.is_subset(&kept_ids(&full)));

        for g in &full {
            prop_assert_eq!(g.decisions.len(), g.decisions.iter().map(|d| d.id).collect::<BTreeSet<_>>().len());
            for d in &g.decisions {
                prop_assert_eq!(d.keep, !d.reasons.is_empty());
                if at(&d.time) > now {
                    prop_assert!(d.keep);
                }
            }
        }

        // A deterministic shuffle (Fisher-Yates on a small LCG) of the input.
        let mut shuffled = snapshots.clone();
        let mut x = seed;
        for i in (1..shuffled.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (x >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(evaluate(&shuffled, &protected, &policy, by, &tz, now), full);
    }
}
