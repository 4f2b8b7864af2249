//! The binary is exactly as strict as docs/FORMAT.md, rule by rule, on
//! hand-made objects: where a second reader written from the spec would
//! refuse what Cairn accepts (or the reverse), parser-differential attacks
//! start. Each test is one rule of the spec.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::codec::Encoder;
use cairn_core::config::RepoConfig;
use cairn_core::crypto::{Keys, MasterSecret, SealKind};
use cairn_core::keyslot::KeySlot;
use cairn_core::snapshot::{SnapshotMeta, SnapshotStats};
use cairn_core::{BlobId, ErrorKind, RepoId, SnapshotId};

fn keys() -> Keys {
    Keys::derive(&MasterSecret::from_bytes([3; 32]), RepoId([4; 32]))
}

fn seal(keys: &Keys, kind: SealKind, plain: &[u8]) -> ([u8; 32], Vec<u8>) {
    let id = keys.id(kind, plain);
    let mut sealed = Vec::new();
    Encoder::new(3)
        .unwrap()
        .encode_into(plain, &mut sealed)
        .unwrap();
    keys.seal_in_place(kind, &id, &mut sealed).unwrap();
    (id, sealed)
}

/// `text` with `field` (as written, `"name":value`) written twice, the
/// second time with `second` as its value: what `{..., "a": 1, "a": 2}` is.
fn duplicated(text: &str, field: &str, second: &str) -> String {
    let at = text
        .find(field)
        .unwrap_or_else(|| panic!("{field} not in {text}"));
    let name = &field[..field.find(':').unwrap() + 1];
    let mut out = text.to_string();
    out.insert_str(at, &format!("{name}{second},"));
    out
}

fn config_text() -> String {
    let mut c = RepoConfig::new(RepoId([4; 32]), 3, time::OffsetDateTime::UNIX_EPOCH);
    c.seal(&keys());
    // Compact, so the field spellings below are exact.
    let v: serde_json::Value = serde_json::from_slice(&c.encode()).unwrap();
    serde_json::to_string(&v).unwrap()
}

#[test]
fn a_config_with_a_duplicate_field_is_refused() {
    let good = config_text();
    let cfg = RepoConfig::decode(good.as_bytes()).unwrap();
    cfg.verify_mac(&keys()).unwrap();
    // Whichever copy a reader keeps, the two readers must not differ: both refuse.
    for (field, second) in [
        ("\"compression\":3", "0"),
        ("\"pack_size\":16777216", "1048576"),
        ("\"mac\":", "\"\""),
    ] {
        let bad = duplicated(&good, field, second);
        let e = RepoConfig::decode(bad.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{bad}");
        assert!(e.to_string().contains("duplicate field"), "{e}");
    }
}

#[test]
fn a_config_with_an_unknown_field_is_refused() {
    let bad = config_text().replacen('{', "{\"extra\":1,", 1);
    assert_eq!(
        RepoConfig::decode(bad.as_bytes()).unwrap_err().kind(),
        ErrorKind::Corrupt
    );
}

const SLOT: &str = r#"{"version":1,"id":"00112233445566778899aabbccddeeff","kind":"passphrase","created":"2026-12-05T10:00:00Z","kdf":{"algorithm":"argon2id","m_cost":65536,"t_cost":3,"p_cost":1,"salt":"0000000000000000000000000000000000000000000000000000000000000000"},"nonce":"000000000000000000000000","wrapped":"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}"#;

#[test]
fn a_key_slot_with_a_duplicate_field_is_refused() {
    KeySlot::decode(SLOT.as_bytes()).unwrap();
    for (field, second) in [
        ("\"kind\":", "\"keyfile\""),
        ("\"t_cost\":", "1"),
        ("\"algorithm\":", "\"hkdf-sha256\""),
    ] {
        let bad = duplicated(SLOT, field, second);
        let e = KeySlot::decode(bad.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{bad}");
    }
}

fn snapshot_json() -> String {
    let meta = SnapshotMeta {
        version: 1,
        time: "2026-12-05T10:00:00Z".into(),
        spec: None,
        host: "db1".into(),
        paths: vec!["/srv".into()],
        tags: vec![],
        parent: None,
        tree: BlobId([5; 32]),
        incomplete: false,
        errors: vec![],
        stats: SnapshotStats::default(),
        program: "cairn 0.1.0".into(),
    };
    serde_json::to_string(&meta).unwrap()
}

#[test]
fn a_snapshot_with_a_duplicate_or_unknown_field_is_refused() {
    let k = keys();
    let open = |json: &str| {
        let (id, sealed) = seal(&k, SealKind::Snapshot, json.as_bytes());
        SnapshotMeta::open(&k, &SnapshotId(id), &sealed)
    };
    assert_eq!(open(&snapshot_json()).unwrap().host, "db1");
    for bad in [
        duplicated(&snapshot_json(), "\"host\":", "\"attacker\""),
        duplicated(
            &snapshot_json(),
            "\"tree\":",
            &format!("\"{}\"", "ab".repeat(32)),
        ),
        snapshot_json().replacen('{', "{\"extra\":true,", 1),
    ] {
        let e = open(&bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{bad}: {e}");
    }
}
