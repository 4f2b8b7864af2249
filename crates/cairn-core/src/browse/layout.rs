//! The directories a mounted repository shows above the snapshots, and the
//! names in them.
//!
//! ```text
//! ids/<snapshot id>/...            every snapshot, by its full id
//! snapshots/<time>/...             by time; `latest` links to the newest
//! hosts/<host>/<time>/...          per host, with its own `latest`
//! tags/<tag>/<time>/...            per tag, with its own `latest`
//! ```
//!
//! Host and tag names come from snapshot objects, so whoever holds the key
//! chooses them: `../../etc`, a newline, an escape sequence, 4,000 bytes.
//! They are not file names, so they are shown as [`shown_label`] writes
//! them: one inert component, never `.`, `..`, empty or longer than a file
//! name may be. Names inside a snapshot *are* file names (trees refuse `/`,
//! NUL, `.` and `..`) and are shown byte for byte, so `diff -r` against the
//! source agrees; only one longer than [`NAME_MAX`], which no Linux file
//! system can hold and so only a forged tree has, is shortened
//! ([`shown_file_name`]). Two names that come out the same (two snapshots
//! in one second, an empty label and a NUL) are told apart by a `-N`
//! suffix ([`Unique`]). Case is kept: `web` and `WEB` are two hosts.

use crate::ids::{BlobId, SnapshotId};
use crate::snapshot::SnapshotMeta;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};

/// The longest file name Linux file systems (and so the tools reading a
/// mount) accept, in bytes.
pub const NAME_MAX: usize = 255;

/// The name of the symlink to the newest snapshot in each directory of times.
pub const LATEST: &[u8] = b"latest";

/// One place in the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A directory of further places, by name (sorted, unique).
    Dir(Vec<(Vec<u8>, usize)>),
    /// A symlink (relative, to a sibling).
    Link(Vec<u8>),
    /// A snapshot's root directory.
    Snapshot(Shown),
}

/// A snapshot as the layout shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub id: SnapshotId,
    /// Its root tree.
    pub tree: BlobId,
    /// Its time in nanoseconds since the epoch (0 when unreadable): the
    /// modification time of the directories that lead to it.
    pub time_ns: i64,
}

/// The places above the snapshots; index 0 is the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub places: Vec<Place>,
    /// The newest snapshot's time (0 with none): the directories' mtime.
    pub newest_ns: i64,
}

impl Layout {
    /// The layout of `snapshots`.
    pub fn new(snapshots: &[(SnapshotId, SnapshotMeta)]) -> Layout {
        let mut snaps: Vec<(i64, &SnapshotId, &SnapshotMeta)> = snapshots
            .iter()
            .map(|(id, m)| (time_ns(m), id, m))
            .collect();
        // Oldest first, ties by id: the order `-N` suffixes follow.
        snaps.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut l = Layout {
            places: vec![Place::Dir(Vec::new())],
            newest_ns: snaps.last().map_or(0, |s| s.0),
        };
        let all: Vec<_> = snaps.iter().collect();
        let ids = l.add_dir(
            all.iter()
                .map(|s| (s.1.to_hex().into_bytes(), snapshot_place(s)))
                .collect(),
        );
        let by_time = l.add_times(&all);
        let hosts = l.add_groups(&snaps, |m| vec![m.host.clone()]);
        let tags = l.add_groups(&snaps, |m| m.tags.clone());
        l.places[0] = Place::Dir(vec![
            (b"hosts".to_vec(), hosts),
            (b"ids".to_vec(), ids),
            (b"snapshots".to_vec(), by_time),
            (b"tags".to_vec(), tags),
        ]);
        l
    }

    fn push(&mut self, p: Place) -> usize {
        self.places.push(p);
        self.places.len() - 1
    }

    fn add_dir(&mut self, entries: Vec<(Vec<u8>, Place)>) -> usize {
        let mut named: Vec<(Vec<u8>, usize)> = entries
            .into_iter()
            .map(|(n, p)| (n, self.push(p)))
            .collect();
        named.sort();
        self.push(Place::Dir(named))
    }

    /// A directory of `snaps` (oldest first) by time, with `latest`.
    fn add_times(&mut self, snaps: &[&(i64, &SnapshotId, &SnapshotMeta)]) -> usize {
        let mut names = Unique::reserving(&[LATEST]);
        let mut entries: Vec<(Vec<u8>, Place)> = snaps
            .iter()
            .map(|s| (names.take(time_name(s.2)), snapshot_place(s)))
            .collect();
        if let Some((newest, _)) = entries.last() {
            let link = Place::Link(newest.clone());
            entries.push((LATEST.to_vec(), link));
        }
        self.add_dir(entries)
    }

    /// A directory with one directory of times per label `labels` gives.
    fn add_groups(
        &mut self,
        snaps: &[(i64, &SnapshotId, &SnapshotMeta)],
        labels: impl Fn(&SnapshotMeta) -> Vec<String>,
    ) -> usize {
        let mut groups: BTreeMap<String, Vec<&(i64, &SnapshotId, &SnapshotMeta)>> = BTreeMap::new();
        for s in snaps {
            let mut ls = labels(s.2);
            ls.sort();
            ls.dedup();
            for label in ls {
                groups.entry(label).or_default().push(s);
            }
        }
        let mut names = Unique::reserving(&[]);
        let mut named = Vec::new();
        for (label, members) in groups {
            let dir = self.add_times(&members);
            named.push((names.take(shown_label(&label)), dir));
        }
        named.sort();
        self.push(Place::Dir(named))
    }
}

fn snapshot_place(s: &(i64, &SnapshotId, &SnapshotMeta)) -> Place {
    Place::Snapshot(Shown {
        id: *s.1,
        tree: s.2.tree,
        time_ns: s.0,
    })
}

fn time_ns(m: &SnapshotMeta) -> i64 {
    m.parsed_time()
        .ok()
        .and_then(|t| i64::try_from(t.unix_timestamp_nanos()).ok())
        .unwrap_or(0)
}

/// `2026-12-05T14:52:12Z`: the snapshot's time to the second, UTC; a time
/// that does not parse is shown as a label.
fn time_name(m: &SnapshotMeta) -> Vec<u8> {
    match m.parsed_time() {
        Ok(t) => {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
            .into_bytes()
        }
        Err(_) => shown_label(&m.time),
    }
}

/// A label from a snapshot object (host, tag) as one safe file name:
/// control characters, `\` and `/` escaped as [`crate::escape::one_line`]
/// writes them (`/` as `\u{2f}`), `.` and `..` and the empty label
/// escaped likewise, then shortened to [`NAME_MAX`] bytes.
pub fn shown_label(label: &str) -> Vec<u8> {
    let mut s = crate::escape::one_line(label).replace('/', "\\u{2f}");
    if s.is_empty() || s == "." || s == ".." {
        s = s.replace('.', "\\u{2e}");
        if s.is_empty() {
            s = "\\u{0}".into();
        }
    }
    shorten(s.as_bytes())
}

/// A name from a tree as the mount shows it: itself, unless longer than
/// [`NAME_MAX`] (only a forged tree has that), then shortened.
pub fn shown_file_name(name: &[u8]) -> Vec<u8> {
    shorten(name)
}

/// `name` if it fits in [`NAME_MAX`] bytes; else its first bytes (cut at a
/// character boundary when it is UTF-8), `~` and 16 hex digits of its
/// SHA-256, so two long names that share a start stay apart.
fn shorten(name: &[u8]) -> Vec<u8> {
    if name.len() <= NAME_MAX {
        return name.to_vec();
    }
    let tag = format!("~{}", &hex::encode(Sha256::digest(name))[..16]);
    let mut keep = NAME_MAX - tag.len();
    if let Ok(s) = std::str::from_utf8(name) {
        while !s.is_char_boundary(keep) {
            keep -= 1;
        }
    }
    let mut out = name[..keep].to_vec();
    out.extend_from_slice(tag.as_bytes());
    out
}

/// Names in one directory, each given once: a name already taken gets
/// `-1`, `-2`, ... (within [`NAME_MAX`]).
pub struct Unique {
    taken: HashSet<Vec<u8>>,
}

impl Unique {
    /// A directory where `reserved` names are already taken.
    pub fn reserving(reserved: &[&[u8]]) -> Unique {
        Unique {
            taken: reserved.iter().map(|r| r.to_vec()).collect(),
        }
    }

    /// `name`, or the first free `name-N`.
    pub fn take(&mut self, name: Vec<u8>) -> Vec<u8> {
        let mut candidate = name.clone();
        let mut n = 0u64;
        while self.taken.contains(&candidate) {
            n += 1;
            let suffix = format!("-{n}");
            let mut base = name.clone();
            base.truncate(NAME_MAX - suffix.len());
            base.extend_from_slice(suffix.as_bytes());
            candidate = base;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::meta;
    use super::*;

    fn snap(n: u8, time: &str, host: &str, tags: &[&str]) -> (SnapshotId, SnapshotMeta) {
        (SnapshotId([n; 32]), meta(time, host, tags, BlobId([n; 32])))
    }

    /// The place at `path` (names separated by `/`).
    fn at<'a>(l: &'a Layout, path: &str) -> &'a Place {
        let mut p = &l.places[0];
        for part in path.split('/').filter(|s| !s.is_empty()) {
            let Place::Dir(es) = p else {
                panic!("{path}: not a dir")
            };
            let i = es
                .iter()
                .find(|(n, _)| n == part.as_bytes())
                .unwrap_or_else(|| panic!("{path}: no {part} in {es:?}"))
                .1;
            p = &l.places[i];
        }
        p
    }

    fn names(l: &Layout, path: &str) -> Vec<String> {
        let Place::Dir(es) = at(l, path) else {
            panic!("{path}: not a dir")
        };
        es.iter()
            .map(|(n, _)| String::from_utf8_lossy(n).into_owned())
            .collect()
    }

    fn snapshot_at(l: &Layout, path: &str) -> u8 {
        match at(l, path) {
            Place::Snapshot(s) => s.id.0[0],
            p => panic!("{path}: {p:?}"),
        }
    }

    #[test]
    fn snapshots_by_id_time_host_and_tag_with_latest_links() {
        let l = Layout::new(&[
            snap(2, "2026-12-05T10:00:00.5Z", "web", &["daily"]),
            snap(1, "2026-12-04T10:00:00Z", "db", &["daily", "pre-upgrade"]),
            snap(3, "2026-12-05T10:00:00.7Z", "web", &[]),
        ]);
        assert_eq!(names(&l, ""), ["hosts", "ids", "snapshots", "tags"]);
        assert_eq!(names(&l, "ids").len(), 3);
        assert_eq!(snapshot_at(&l, &format!("ids/{}", "02".repeat(32))), 2);
        // Two snapshots in one second: the later gets `-1`.
        assert_eq!(
            names(&l, "snapshots"),
            [
                "2026-12-04T10:00:00Z",
                "2026-12-05T10:00:00Z",
                "2026-12-05T10:00:00Z-1",
                "latest"
            ]
        );
        assert_eq!(snapshot_at(&l, "snapshots/2026-12-05T10:00:00Z-1"), 3);
        assert_eq!(
            at(&l, "snapshots/latest"),
            &Place::Link(b"2026-12-05T10:00:00Z-1".to_vec())
        );
        assert_eq!(names(&l, "hosts"), ["db", "web"]);
        assert_eq!(
            at(&l, "hosts/web/latest"),
            &Place::Link(b"2026-12-05T10:00:00Z-1".to_vec())
        );
        assert_eq!(names(&l, "tags"), ["daily", "pre-upgrade"]);
        assert_eq!(snapshot_at(&l, "tags/daily/2026-12-05T10:00:00Z"), 2);
        assert_eq!(
            at(&l, "tags/daily/latest"),
            &Place::Link(b"2026-12-05T10:00:00Z".to_vec())
        );
        assert_eq!(l.newest_ns, 1_796_464_800_700_000_000);
    }

    #[test]
    fn hostile_labels_are_one_safe_component_and_never_merge() {
        let long = "h".repeat(4000);
        let l = Layout::new(&[
            snap(1, "2026-01-01T00:00:00Z", "../../etc", &[".", ""]),
            snap(2, "2026-01-01T00:00:00Z", "a\n\u{1b}[2J", &[".."]),
            snap(3, "2026-01-01T00:00:00Z", "Web", &["latest"]),
            snap(4, "2026-01-01T00:00:00Z", "web", &[]),
            snap(5, "2026-01-01T00:00:00Z", &long, &[]),
            snap(6, "not a time", "a\\u{2f}b", &[]),
            snap(7, "2026-01-01T00:00:00Z", "a/b", &[]),
        ]);
        let hosts = names(&l, "hosts");
        for h in &hosts {
            let b = h.as_bytes();
            assert!(crate::tree::safe_component(b), "{h:?}");
            assert!(b.len() <= NAME_MAX, "{h:?}");
            assert!(!h.chars().any(char::is_control), "{h:?}");
        }
        assert!(hosts.contains(&"..\\u{2f}..\\u{2f}etc".to_string()));
        assert!(hosts.contains(&"a\\n\\u{1b}[2J".to_string()));
        // Case variants stay two hosts.
        assert!(hosts.contains(&"Web".into()) && hosts.contains(&"web".into()));
        // A label that escapes to another's escaped form is told apart.
        assert!(hosts.contains(&"a\\\\u{2f}b".into()));
        assert!(hosts.contains(&"a\\u{2f}b".into()));
        assert_eq!(hosts.len(), 7);
        let tags = names(&l, "tags");
        assert_eq!(tags, ["\\u{0}", "\\u{2e}", "\\u{2e}\\u{2e}", "latest"]);
        // A tag called `latest` is a directory like any other tag; inside
        // a directory of times, `latest` is only ever the link.
        assert_eq!(names(&l, "tags/latest"), ["2026-01-01T00:00:00Z", "latest"]);
        // An unreadable time is shown as a label.
        assert!(names(&l, "snapshots").contains(&"not a time".into()));
    }

    #[test]
    fn long_names_are_shortened_apart_and_unique_names_stay_in_bounds() {
        let a = "é".repeat(300);
        let b = format!("{}x", "é".repeat(300));
        let (sa, sb) = (shown_file_name(a.as_bytes()), shown_file_name(b.as_bytes()));
        assert!(sa.len() <= NAME_MAX && sb.len() <= NAME_MAX);
        assert_ne!(sa, sb);
        assert!(std::str::from_utf8(&sa).is_ok(), "cut at a char boundary");
        assert_eq!(shown_file_name(b"plain"), b"plain");
        let mut u = Unique::reserving(&[]);
        let full = vec![b'x'; NAME_MAX];
        assert_eq!(u.take(full.clone()), full);
        let second = u.take(full.clone());
        assert_eq!(second.len(), NAME_MAX);
        assert!(second.ends_with(b"-1"));
    }
}
