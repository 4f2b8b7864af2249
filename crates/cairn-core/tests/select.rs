//! Picking a snapshot by id or prefix reads only the snapshot objects whose
//! names fit: the backend's listing of names narrows the candidates before
//! any snapshot object is opened.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::snapshot::{SnapshotMeta, SnapshotStats};
use cairn_core::{
    Backend, BlobId, ErrorKind, ObjectKind, Repository, Selector, SnapshotId, Wrapper,
};
use cairn_test_support::{MemoryBackend, TestRepo};
use std::sync::{Arc, Mutex};

/// A memory backend that notes which snapshot objects are read, and can
/// refuse to read some (as a storage error, which a listing that read them
/// would pass on).
#[derive(Default)]
struct Watched {
    inner: MemoryBackend,
    read: Mutex<Vec<String>>,
    refuse: Mutex<Vec<String>>,
}

impl Wrapper for Watched {
    fn inner(&self) -> &dyn Backend {
        &self.inner
    }
    fn read(&self, kind: ObjectKind, name: &str) -> cairn_core::Result<Vec<u8>> {
        if kind == ObjectKind::Snapshot {
            self.read.lock().unwrap().push(name.to_string());
            if self.refuse.lock().unwrap().iter().any(|n| n == name) {
                return Err(cairn_core::Error::new(
                    ErrorKind::Transient,
                    format!("test refuses to read snapshot {name}"),
                ));
            }
        }
        self.inner.read(kind, name)
    }
}

fn meta(host: &str, time: &str) -> SnapshotMeta {
    SnapshotMeta {
        version: 1,
        time: time.into(),
        spec: None,
        host: host.into(),
        paths: vec!["/x".into()],
        tags: vec![],
        parent: None,
        tree: BlobId([0; 32]),
        incomplete: false,
        errors: vec![],
        stats: SnapshotStats::default(),
        program: "t".into(),
    }
}

/// A repository on a watched backend with three snapshots, oldest first.
fn three() -> (Arc<Watched>, Repository, Vec<SnapshotId>) {
    let w = Arc::new(Watched::default());
    let repo = TestRepo::on(w.clone()).init();
    let ids = [
        ("a", "2026-01-01T00:00:00Z"),
        ("b", "2026-01-02T00:00:00Z"),
        ("c", "2026-01-03T00:00:00Z"),
    ]
    .iter()
    .map(|(h, t)| repo.save_snapshot(&meta(h, t)).unwrap())
    .collect();
    w.read.lock().unwrap().clear();
    (w, repo, ids)
}

/// The shortest prefix of `id` that no other of `all` shares.
fn unique_prefix(id: &SnapshotId, all: &[SnapshotId]) -> String {
    let hex = id.to_hex();
    (1..=64)
        .map(|n| hex[..n].to_string())
        .find(|p| {
            all.iter()
                .filter(|o| *o != id)
                .all(|o| !o.to_hex().starts_with(p))
        })
        .unwrap()
}

#[test]
fn a_prefix_reads_only_the_snapshot_objects_it_names() {
    let (w, repo, ids) = three();
    let prefix = unique_prefix(&ids[1], &ids);
    // Every other snapshot object is unreadable: reading one would fail the
    // selection, as it did when a prefix read every snapshot first.
    *w.refuse.lock().unwrap() = vec![ids[0].to_hex(), ids[2].to_hex()];

    let (id, m) = repo.select(&Selector::parse(&prefix).unwrap()).unwrap();
    assert_eq!((id, m.host.as_str()), (ids[1], "b"));
    assert_eq!(*w.read.lock().unwrap(), vec![ids[1].to_hex()]);

    w.read.lock().unwrap().clear();
    let full = ids[1].to_hex().to_uppercase();
    assert_eq!(repo.find_snapshot(&full).unwrap().0, ids[1]);
    assert_eq!(*w.read.lock().unwrap(), vec![ids[1].to_hex()]);

    // `latest` compares times, so it has to read them all.
    assert_eq!(
        repo.select(&Selector::latest()).unwrap_err().kind(),
        ErrorKind::Transient
    );
}

#[test]
fn prefix_selection_keeps_its_errors_and_filters() {
    let (w, repo, mut ids) = three();
    // No match (three ids leave some first digit unused): nothing is read.
    let absent = (0..16)
        .map(|d| format!("{d:x}"))
        .find(|p| ids.iter().all(|i| !i.to_hex().starts_with(p.as_str())))
        .unwrap();
    let e = repo.find_snapshot(&absent).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e
        .to_string()
        .contains(&format!("no snapshot has an id starting with {absent}")));
    assert!(w.read.lock().unwrap().is_empty());

    // Latest among the filter's snapshots.
    let sel = Selector::latest().host(Some("b"));
    assert_eq!(repo.select(&sel).unwrap().0, ids[1]);
    assert_eq!(repo.select(&Selector::latest()).unwrap().0, ids[2]);

    // Ambiguous among all, unique among those that pass the filter. With
    // seventeen snapshots, two share a first digit.
    let mut hosts = vec!["a".to_string(), "b".into(), "c".into()];
    for n in 0..14 {
        let h = format!("h{n}");
        ids.push(
            repo.save_snapshot(&meta(&h, "2026-01-04T00:00:00Z"))
                .unwrap(),
        );
        hosts.push(h);
    }
    let (i, j) = (0..ids.len())
        .flat_map(|i| (0..i).map(move |j| (i, j)))
        .find(|&(i, j)| ids[i].to_hex()[..1] == ids[j].to_hex()[..1])
        .unwrap();
    let p = &ids[i].to_hex()[..1];
    let e = repo.find_snapshot(p).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("snapshots have ids starting with"));
    let sel = Selector::parse(p).unwrap().host(Some(hosts[j].as_str()));
    assert_eq!(repo.select(&sel).unwrap().0, ids[j]);
}
