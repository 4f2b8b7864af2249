use super::*;
use crate::crypto::MasterSecret;
use std::os::unix::fs::PermissionsExt;

const LOC: &str = "/srv/backup/repo";

fn keys(secret: u8, repo: u8) -> Keys {
    Keys::derive(&MasterSecret::from_bytes([secret; 32]), RepoId([repo; 32]))
}

/// Epoch 2 of repository `repo`, still holding epoch 1's secret `old`.
fn rotated(new: u8, old: u8, repo: u8) -> Keys {
    Keys::derive_epoch(
        &MasterSecret::from_bytes([new; 32]),
        RepoId([repo; 32]),
        Epoch(2),
    )
    .with_retired(&MasterSecret::from_bytes([old; 32]), Epoch(1))
}

/// A moment, `s` seconds after the epoch.
fn at(s: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(s)
}

#[test]
fn first_use_records_then_the_same_repository_passes() {
    let dir = tempfile::tempdir().unwrap();
    let store = PinStore::new(dir.path().join("pins"));
    let k = keys(1, 2);
    assert_eq!(store.check(LOC, &k, at(0)).unwrap(), PinCheck::First);
    let file = store.file_for(LOC);
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let text = std::fs::read_to_string(&file).unwrap();
    // The commitment, never the key: nothing of the MAC key's bytes is stored.
    assert!(!text.contains(&hex::encode([1u8; 32])));
    assert_eq!(
        store.check(&format!("{LOC}/"), &k, at(1)).unwrap(),
        PinCheck::Same
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "nothing rewritten"
    );
}

#[test]
fn another_repository_at_the_location_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = PinStore::new(dir.path());
    store.check(LOC, &keys(1, 2), at(0)).unwrap();
    // Same repository id, another master secret: the substitution attack.
    let e = store.check(LOC, &keys(9, 2), at(1)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt);
    assert!(e
        .message()
        .contains("not the repository you used before at /srv/backup/repo"));
    let e = store.check(LOC, &keys(1, 3), at(1)).unwrap_err();
    assert!(e.message().contains("repository id"), "{e}");
    // Another location is another pin.
    assert_eq!(
        store.check("/elsewhere", &keys(9, 2), at(0)).unwrap(),
        PinCheck::First
    );
}

#[test]
fn rotation_is_followed_but_epochs_never_go_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = PinStore::new(dir.path());
    store.check(LOC, &keys(1, 2), at(0)).unwrap();
    assert_eq!(
        store.check(LOC, &rotated(5, 1, 2), at(1)).unwrap(),
        PinCheck::Advanced { from: 1, to: 2 }
    );
    assert_eq!(store.load(LOC).unwrap().unwrap().key_epoch, 2);
    // The pre-rotation config and slots put back.
    let e = store.check(LOC, &keys(1, 2), at(2)).unwrap_err();
    assert!(e.message().contains("went back from 2 to 1"), "{e}");
    // A "rotation" that cannot show the pinned epoch's key.
    let dir2 = tempfile::tempdir().unwrap();
    let s2 = PinStore::new(dir2.path());
    s2.check(LOC, &keys(1, 2), at(0)).unwrap();
    let e = s2.check(LOC, &rotated(5, 7, 2), at(1)).unwrap_err();
    assert!(e.message().contains("another key"), "{e}");
    let bare = Keys::derive_epoch(
        &MasterSecret::from_bytes([5; 32]),
        RepoId([2; 32]),
        Epoch(3),
    );
    let e = s2.check(LOC, &bare, at(1)).unwrap_err();
    assert!(
        e.message().contains("no longer holds the key of epoch 1"),
        "{e}"
    );
}

#[test]
fn accept_replaces_the_pin_and_keeps_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = PinStore::new(dir.path());
    store.check(LOC, &keys(1, 2), at(0)).unwrap();
    let (old, new) = store.accept(LOC, &keys(9, 3), at(1)).unwrap();
    assert_eq!(old.unwrap().repository_id, RepoId([2; 32]));
    assert_eq!(new.history.len(), 1);
    assert_eq!(
        store.check(LOC, &keys(9, 3), at(2)).unwrap(),
        PinCheck::Same
    );
    // A damaged pin file is an error, not a silent first use.
    std::fs::write(store.file_for(LOC), b"{").unwrap();
    assert_eq!(
        store.check(LOC, &keys(9, 3), at(3)).unwrap_err().kind(),
        ErrorKind::Corrupt
    );
}

#[test]
fn first_uses_racing_in_one_process_all_succeed() {
    // The server's job and its snapshot listing open a new repository at
    // once: each records the pin, and neither may fail for the other.
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let store = PinStore::new(dir.path().join("pins"));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                std::thread::spawn(move || store.check(LOC, &keys(1, 2), at(0)).map(|_| ()))
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
    }
}
