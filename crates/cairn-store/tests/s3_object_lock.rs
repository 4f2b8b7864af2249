//! S3 Object Lock against a real S3-compatible server (moto, started by
//! scripts/test.sh as CAIRN_TEST_S3): buckets with and without Object Lock,
//! holds read back, deletes refused while held and allowed once lapsed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::backend::WormMode;
use cairn_core::{Backend, ErrorKind, ObjectKind};
use cairn_store::{S3Backend, S3Location};
use cairn_test_support::conformance;
use time::{Duration, OffsetDateTime};

fn backend(loc: &str) -> S3Backend {
    S3Backend::new(S3Location::parse(loc).unwrap()).unwrap()
}

fn name(i: u8) -> String {
    format!("{i:02x}").repeat(32)
}

/// Now, to the second (S3 keeps retain-until to the second).
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().replace_nanosecond(0).unwrap()
}

/// An unsigned request with a body (moto accepts these for bucket configuration).
fn unsigned_put(loc: &str, path_and_query: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let hostport = std::env::var("CAIRN_TEST_S3")
        .unwrap()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let bucket = loc.rsplit('/').next().unwrap();
    let mut s = std::net::TcpStream::connect(&hostport).unwrap();
    write!(
        s,
        "PUT /{bucket}{path_and_query} HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    reply
}

#[test]
fn worm_support_is_ok_on_a_lock_bucket_and_unsupported_on_a_plain_one() {
    let lock_loc = conformance::s3_lock_bucket();
    let b = backend(&lock_loc);
    let bucket = lock_loc.rsplit('/').next().unwrap();
    let how = b.worm_support(WormMode::Compliance).unwrap();
    assert_eq!(
        how,
        format!("S3 Object Lock is enabled on bucket {bucket} (objects held in COMPLIANCE mode per object; versioned bucket)")
    );
    let how = b.worm_support(WormMode::Governance).unwrap();
    assert!(how.contains("GOVERNANCE mode"), "{how}");
    assert!(b.worm_support(WormMode::Software).is_ok());

    let plain_loc = conformance::s3_test_bucket();
    let plain = backend(&plain_loc);
    let plain_bucket = plain_loc.rsplit('/').next().unwrap();
    for mode in [WormMode::Compliance, WormMode::Governance] {
        let e = plain.worm_support(mode).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported, "{e:?}");
        assert!(e.message().contains(plain_bucket), "{e}");
        assert!(
            e.hint_text().unwrap().contains("Object Lock enabled"),
            "{e:?}"
        );
        assert!(
            e.remedies().contains(&cairn_core::Remedy::WormSoftware),
            "{e:?}"
        );
    }
    // A hold there is refused the same way, not taken as done.
    plain
        .write_new(ObjectKind::Pack, &name(1), b"data")
        .unwrap();
    let e = plain
        .hold(
            ObjectKind::Pack,
            &name(1),
            WormMode::Compliance,
            now() + Duration::seconds(30),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e:?}");
    // A bucket that does not exist is not "a bucket without Object Lock".
    let e = backend(&format!("{plain_loc}-missing"))
        .worm_support(WormMode::Compliance)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e:?}");
}

#[test]
fn a_default_retention_rule_is_refused_because_it_would_hold_lock_files() {
    let loc = conformance::s3_lock_bucket();
    let reply = unsigned_put(
        &loc,
        "?object-lock",
        "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>",
    );
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let e = backend(&loc)
        .worm_support(WormMode::Compliance)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e:?}");
    assert!(e.message().contains("GOVERNANCE 1 days"), "{e}");
    assert!(e.message().contains("lock files"), "{e}");
}

#[test]
fn worm_support_on_a_dead_server_is_a_transport_error_not_no_lock() {
    // Nothing listens on port 9 of loopback.
    let dead = backend("s3:http://127.0.0.1:9/bucket");
    let e = dead.worm_support(WormMode::Compliance).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Transient | ErrorKind::Io),
        "{e:?}"
    );
    assert!(!e.message().contains("does not have"), "{e}");
    assert!(e.hint_text().unwrap().contains("S3 server"), "{e:?}");
    let e = dead
        .hold(ObjectKind::Pack, &name(1), WormMode::Compliance, now())
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Transient | ErrorKind::Io),
        "{e:?}"
    );
}

#[test]
fn compliance_hold_is_read_back_refuses_delete_and_extends() {
    // Under a prefix, so the hold must find the same key OpenDAL wrote.
    let loc = format!("{}/some/prefix", conformance::s3_lock_bucket());
    let b = backend(&loc);
    let n = name(2);
    b.write_new(ObjectKind::Pack, &n, b"pack bytes").unwrap();
    assert_eq!(b.retained_until(ObjectKind::Pack, &n).unwrap(), None);

    let until = now() + Duration::seconds(30);
    b.hold(ObjectKind::Pack, &n, WormMode::Compliance, until)
        .unwrap();
    assert_eq!(b.retained_until(ObjectKind::Pack, &n).unwrap(), Some(until));

    let e = b.delete(ObjectKind::Pack, &n).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WormLocked, "{e:?}");
    assert!(
        e.message()
            .contains("is held by S3 Object Lock (COMPLIANCE) until"),
        "{e}"
    );
    assert_eq!(b.read(ObjectKind::Pack, &n).unwrap(), b"pack bytes");
    assert_eq!(b.list(ObjectKind::Pack).unwrap().len(), 1);

    // Extension moves the date; re-asking for the earlier one keeps the later.
    let later = until + Duration::seconds(60);
    b.hold(ObjectKind::Pack, &n, WormMode::Compliance, later)
        .unwrap();
    assert_eq!(b.retained_until(ObjectKind::Pack, &n).unwrap(), Some(later));

    // Sub-second times round up, never down.
    let odd = later + Duration::milliseconds(1500);
    b.hold(ObjectKind::Pack, &n, WormMode::Compliance, odd)
        .unwrap();
    assert_eq!(
        b.retained_until(ObjectKind::Pack, &n).unwrap(),
        Some(later + Duration::seconds(2))
    );
    assert_eq!(
        b.delete(ObjectKind::Pack, &n).unwrap_err().kind(),
        ErrorKind::WormLocked
    );
}

#[test]
fn governance_hold_also_refuses_delete() {
    let b = backend(&conformance::s3_lock_bucket());
    let n = name(3);
    b.write_new(ObjectKind::Snapshot, &n, b"snap").unwrap();
    let until = now() + Duration::seconds(30);
    b.hold(ObjectKind::Snapshot, &n, WormMode::Governance, until)
        .unwrap();
    assert_eq!(
        b.retained_until(ObjectKind::Snapshot, &n).unwrap(),
        Some(until)
    );
    let e = b.delete(ObjectKind::Snapshot, &n).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WormLocked, "{e:?}");
    assert!(e.message().contains("GOVERNANCE"), "{e}");
    assert_eq!(b.read(ObjectKind::Snapshot, &n).unwrap(), b"snap");
}

#[test]
fn hold_of_a_missing_object_is_not_found_and_software_is_unsupported() {
    let b = backend(&conformance::s3_lock_bucket());
    let until = now() + Duration::seconds(30);
    let e = b
        .hold(ObjectKind::Index, &name(4), WormMode::Compliance, until)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e:?}");
    assert_eq!(b.retained_until(ObjectKind::Index, &name(4)).unwrap(), None);

    b.write_new(ObjectKind::Index, &name(4), b"idx").unwrap();
    let e = b
        .hold(ObjectKind::Index, &name(4), WormMode::Software, until)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e:?}");
    // Unheld objects delete as before, and are gone.
    b.delete(ObjectKind::Index, &name(4)).unwrap();
    assert_eq!(
        b.read(ObjectKind::Index, &name(4)).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // A deleted (delete-marked) object cannot be held either.
    let e = b
        .hold(ObjectKind::Index, &name(4), WormMode::Compliance, until)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e:?}");
}

#[test]
fn a_lapsed_hold_lets_delete_through() {
    let b = backend(&conformance::s3_lock_bucket());
    let n = name(5);
    b.write_new(ObjectKind::Pack, &n, b"short-lived").unwrap();
    b.hold(
        ObjectKind::Pack,
        &n,
        WormMode::Compliance,
        now() + Duration::seconds(2),
    )
    .unwrap();
    assert_eq!(
        b.delete(ObjectKind::Pack, &n).unwrap_err().kind(),
        ErrorKind::WormLocked
    );
    std::thread::sleep(std::time::Duration::from_secs(3));
    b.delete(ObjectKind::Pack, &n).unwrap();
    assert_eq!(
        b.read(ObjectKind::Pack, &n).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert!(b.list(ObjectKind::Pack).unwrap().is_empty());
}

#[test]
fn a_lock_bucket_conforms() {
    // Every write into a lock bucket carries a checksum header, or the server refuses it.
    conformance::run(|| backend(&conformance::s3_lock_bucket()));
}
