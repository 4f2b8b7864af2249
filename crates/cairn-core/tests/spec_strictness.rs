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

// ---- hex case (FORMAT.md, conventions) ----

/// A tree holding one file node whose `sha256` and content id are spelled
/// by `spell` (the JSON text is edited, as a second writer might write it).
fn tree_with_hex(spell: impl Fn(&str) -> String) -> String {
    use cairn_core::tree::{Node, NodeType};
    let mut f = Node::bare(b"f", NodeType::File, 0o644);
    f.size = 1;
    f.sha256 = Some("ab".repeat(32));
    f.content = vec![BlobId([0xcd; 32])];
    let text = serde_json::to_string(&serde_json::json!({ "nodes": [f] })).unwrap();
    text.replace(&"ab".repeat(32), &spell(&"ab".repeat(32)))
        .replace(&"cd".repeat(32), &spell(&"cd".repeat(32)))
}

#[test]
fn hex_fields_read_in_either_case_as_the_bytes_they_spell() {
    use cairn_core::tree::Tree;
    let lower = Tree::decode(tree_with_hex(|h| h.to_string()).as_bytes()).unwrap();
    let upper = Tree::decode(tree_with_hex(|h| h.to_uppercase()).as_bytes()).unwrap();
    // Restore, diff and manifest compare `sha256` as text: one spelling.
    assert_eq!(
        upper.nodes[0].sha256.as_deref(),
        Some("ab".repeat(32).as_str())
    );
    assert_eq!(upper, lower);
    // Hex is the digits alone: no space, prefix or odd length is hex.
    for bad in [
        |h: &str| format!("{} {}", &h[..2], &h[3..]),
        |h: &str| format!("0x{}", &h[2..]),
        |h: &str| h[1..].to_string(),
    ] {
        let text = tree_with_hex(bad);
        let e = Tree::decode(text.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{text}");
    }
}

#[test]
fn the_config_mac_reads_hex_in_either_case() {
    let k = keys();
    let mut c = RepoConfig::new(RepoId([4; 32]), 3, time::OffsetDateTime::UNIX_EPOCH);
    c.version = 2;
    c.key_epoch = 2;
    c.retired_keys = vec![cairn_core::config::RetiredKey {
        epoch: 1,
        sealed: "ab".repeat(48),
    }];
    c.seal(&k);
    let text = String::from_utf8(c.encode()).unwrap();
    let upper = text
        .replace(&c.mac, &c.mac.to_uppercase())
        .replace(&"ab".repeat(48), &"AB".repeat(48))
        .replace(&"04".repeat(32), &"04".repeat(32).to_uppercase());
    assert_ne!(upper, text);
    RepoConfig::decode(upper.as_bytes())
        .unwrap()
        .verify_mac(&k)
        .unwrap();
}

// ---- which config fields the MAC covers at their defaults (§8) ----

#[test]
fn the_config_mac_covers_a_default_field_only_when_it_differs_from_its_default() {
    let k = keys();
    let good = config_text();
    let with = |extra: &str| good.replacen('{', &format!("{{{extra},"), 1);
    // Spelling out a default is the same config: the canonical form omits
    // it, so the MAC still matches.
    for same in [
        "\"key_epoch\":1",
        "\"retired_keys\":[]",
        "\"worm\":null",
        "\"key_epoch\":1,\"retired_keys\":[],\"worm\":null",
    ] {
        let c = RepoConfig::decode(with(same).as_bytes()).unwrap();
        c.verify_mac(&k).unwrap_or_else(|e| panic!("{same}: {e}"));
    }
    // A null is not a default: refused as malformed, before any MAC.
    for bad in ["\"key_epoch\":null", "\"retired_keys\":null"] {
        let e = RepoConfig::decode(with(bad).as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{bad}");
    }
    // A value other than the default is covered: without the key it fails.
    let worm = with("\"worm\":{\"mode\":\"software\",\"retention_secs\":60}");
    let e = RepoConfig::decode(worm.as_bytes())
        .unwrap()
        .verify_mac(&k)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt);
    // And stripping `mac` reads as "", which never matches.
    let v: serde_json::Value = serde_json::from_str(&good).unwrap();
    let mut v = v.as_object().unwrap().clone();
    v.remove("mac");
    let stripped = serde_json::to_string(&v).unwrap();
    assert!(RepoConfig::decode(stripped.as_bytes())
        .unwrap()
        .verify_mac(&k)
        .is_err());
}

// ---- the zstd frame (§4) ----

fn zstd_frame(data: &[u8]) -> Vec<u8> {
    let mut framed = Vec::new();
    Encoder::new(3)
        .unwrap()
        .encode_into(data, &mut framed)
        .unwrap();
    assert_eq!(framed[0], cairn_core::codec::CODEC_ZSTD);
    framed
}

#[test]
fn a_zstd_payload_is_exactly_one_frame() {
    use cairn_core::codec::{decode, decode_bounded};
    let data = b"the same line again\n".repeat(50);
    let one = zstd_frame(&data);
    assert_eq!(decode(&one, data.len()).unwrap(), data);
    let frame = &one[1..];
    // Two frames that decode to the declared length together, one frame
    // with a byte after it, a skippable frame before it, a cut frame.
    let half = zstd_frame(&data[..500]);
    let two = [&half[..], &half[1..]].concat();
    let trailing = [&one[..], &[0u8][..]].concat();
    let skippable = [&[1u8][..], &[0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0], frame].concat();
    let cut = one[..one.len() - 1].to_vec();
    for (what, bad) in [
        ("two frames", two),
        ("a byte after", trailing),
        ("a skippable frame", skippable),
        ("a cut frame", cut),
    ] {
        let e = decode(&bad, data.len()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{what}");
        assert!(decode_bounded(&bad, 1 << 20).is_err(), "{what}");
    }
}

#[test]
fn writers_emit_the_zstd_frame_the_spec_describes() {
    // Pack bytes (so pack ids) are reproducible only with the same libzstd
    // and level; FORMAT.md names the version, and this fails when it moves.
    assert_eq!(
        zstd::zstd_safe::version_number(),
        10507,
        "update FORMAT.md §4"
    );
    let data = b"the same line again\n".repeat(5000);
    let frame = zstd_frame(&data);
    assert_eq!(frame, zstd_frame(&data), "one input, one frame");
    let body = &frame[1..];
    assert_eq!(body[..4], [0x28, 0xb5, 0x2f, 0xfd]);
    let descriptor = body[4];
    assert_eq!(descriptor & 0x04, 0, "no checksum");
    assert_eq!(descriptor & 0x03, 0, "no dictionary id");
    assert_ne!(descriptor >> 6, 0, "the content size is present");
    assert_eq!(
        zstd::zstd_safe::get_frame_content_size(body).unwrap(),
        Some(data.len() as u64)
    );
    assert_eq!(body, zstd::bulk::compress(&data, 3).unwrap());
}

// ---- the chunker's masks (§12) ----

#[test]
fn the_chunker_masks_are_the_table_in_the_spec() {
    let spec = include_str!("../../../docs/FORMAT.md");
    let rows: Vec<(u32, u32, u64, u64)> = spec
        .lines()
        .skip_while(|l| !l.starts_with("| `avg` from"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let c: Vec<&str> = l.split('|').map(|c| c.trim().trim_matches('`')).collect();
            let num = |s: &str| s.replace(',', "").parse::<u32>().unwrap();
            let mask = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
            (num(c[1]), num(c[2]), mask(c[4]), mask(c[5]))
        })
        .collect();
    assert_eq!(
        rows.first().map(|r| r.0),
        Some(64),
        "the table starts at the smallest avg"
    );
    assert_eq!(
        rows.last().map(|r| r.1),
        Some(16 << 20),
        "and ends at the largest"
    );
    for w in rows.windows(2) {
        assert_eq!(w[0].1 + 1, w[1].0, "rows are contiguous");
    }
    // Every even avg a config may hold (§8), not a sample.
    for (lo, hi, ms, ml) in rows {
        for avg in (lo.next_multiple_of(2)..=hi).step_by(2) {
            assert_eq!(cairn_core::chunker::masks_for(avg), (ms, ml), "avg {avg}");
        }
    }
}
