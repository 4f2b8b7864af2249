//! The backend contract (`cairn_core::backend`) as executable checks, one
//! suite for every backend: each backend's tests call [`run`] with a factory
//! of fresh, empty instances. Every rule starts on its own fresh instance, so
//! no rule leans on what another left behind, and a failure names the rule.

use cairn_core::{Backend, Bytes, ErrorKind, ObjectKind};

fn name(i: u32) -> String {
    format!("{:064x}", u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// One rule of the contract: checks it on a fresh, empty backend.
type Rule = fn(&dyn Backend);

/// The rules, by name, each run on a fresh backend.
const RULES: &[(&str, Rule)] = &[
    (
        "missing objects are not found",
        missing_objects_are_not_found,
    ),
    ("written objects read back, by range too", reads_and_ranges),
    ("the storage reports when it wrote", storage_clock),
    (
        "write_new never replaces; replace does",
        write_new_never_replaces,
    ),
    ("kinds are namespaces; lists are by kind", kinds_and_lists),
    ("empty and large objects", empty_and_large_objects),
    (
        "delete removes; hostile names are refused",
        delete_and_names,
    ),
    (
        "reads from several threads at once get each object's own bytes",
        reads_from_threads,
    ),
];

/// Runs every rule of the contract, each against a new, empty backend from
/// `fresh`; panics naming the rule broken.
pub fn run<B: Backend>(mut fresh: impl FnMut() -> B) {
    for (rule, check) in RULES {
        let b = fresh();
        eprintln!("conformance: {rule}");
        check(&b);
    }
}

/// Missing objects are NotFound, never empty bytes.
fn missing_objects_are_not_found(b: &dyn Backend) {
    for kind in ObjectKind::ALL {
        assert!(
            b.list(kind).expect("list on an empty backend").is_empty(),
            "{kind:?} not empty at start"
        );
    }
    let e = b
        .read(ObjectKind::Snapshot, &name(1))
        .expect_err("read of a missing object");
    assert_eq!(e.kind(), ErrorKind::NotFound, "missing read: {e}");
    assert_eq!(
        b.stat(ObjectKind::Pack, &name(1))
            .expect_err("stat missing")
            .kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        b.delete(ObjectKind::Index, &name(1))
            .expect_err("delete missing")
            .kind(),
        ErrorKind::NotFound
    );
}

/// 100 kB of a pattern, stored as pack `name(2)` by the rules that need an object.
fn pack_data() -> Vec<u8> {
    (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect()
}

fn write_pack(b: &dyn Backend) -> Vec<u8> {
    let data = pack_data();
    b.write_new(ObjectKind::Pack, &name(2), &data)
        .expect("write_new");
    data
}

/// write_new then read back; ranges.
fn reads_and_ranges(b: &dyn Backend) {
    let data = write_pack(b);
    assert_eq!(b.read(ObjectKind::Pack, &name(2)).expect("read"), data);
    assert_eq!(
        b.read_range(ObjectKind::Pack, &name(2), 10, 20)
            .expect("range"),
        &data[10..30]
    );
    assert_eq!(
        b.read_range(ObjectKind::Pack, &name(2), 99_990, 10)
            .expect("tail range"),
        &data[99_990..]
    );
    let e = b
        .read_range(ObjectKind::Pack, &name(2), 99_995, 10)
        .expect_err("range past the end");
    assert_eq!(e.kind(), ErrorKind::Corrupt, "short range: {e}");
    assert_eq!(
        b.stat(ObjectKind::Pack, &name(2)).expect("stat").size,
        data.len() as u64
    );
}

/// The storage reports when it wrote an object, by its own clock, in stat
/// and list alike (locks are judged by it): a later write is not older.
fn storage_clock(b: &dyn Backend) {
    write_pack(b);
    let first = b
        .stat(ObjectKind::Pack, &name(2))
        .expect("stat")
        .modified
        .expect("stat reports no modification time");
    b.write_new(ObjectKind::Lock, "probe", b"x").expect("probe");
    let probe = b
        .list_all(ObjectKind::Lock)
        .expect("list locks")
        .into_iter()
        .find(|o| o.name == "probe")
        .expect("probe listed")
        .modified
        .expect("list reports no modification time");
    assert!(probe >= first, "a later write is older: {probe} < {first}");
    let skew = (probe - time::OffsetDateTime::now_utc()).abs();
    assert!(
        skew < time::Duration::minutes(5),
        "storage time {probe} is far from now"
    );
    b.delete(ObjectKind::Lock, "probe").expect("delete probe");
}

/// write_new never replaces; a damaged copy is replaced in one step
/// (write_idempotent's repair).
fn write_new_never_replaces(b: &dyn Backend) {
    let data = write_pack(b);
    let e = b
        .write_new(ObjectKind::Pack, &name(2), b"other")
        .expect_err("overwrite must be refused");
    assert_eq!(e.kind(), ErrorKind::AlreadyExists, "overwrite: {e}");
    assert_eq!(
        b.read(ObjectKind::Pack, &name(2))
            .expect("read after refused overwrite"),
        data
    );
    // Shared bytes (a backup's packs) keep the same contract, and the
    // caller's bytes are still whole after the storage took its reference.
    let shared = Bytes::from(pack_data().into_iter().rev().collect::<Vec<u8>>());
    let e = b
        .write_new_shared(ObjectKind::Pack, &name(2), &shared)
        .expect_err("overwrite with shared bytes must be refused");
    assert_eq!(e.kind(), ErrorKind::AlreadyExists, "shared overwrite: {e}");
    b.write_new_shared(ObjectKind::Pack, &name(5), &shared)
        .expect("write_new_shared");
    assert_eq!(
        b.read(ObjectKind::Pack, &name(5)).expect("read shared"),
        shared
    );
    assert_eq!(shared.len(), 100_000);
    b.delete(ObjectKind::Pack, &name(5)).expect("delete shared");

    b.write_new(ObjectKind::Index, &name(9), b"damaged")
        .expect("write index");
    b.replace(ObjectKind::Index, &name(9), b"good")
        .expect("replace");
    assert_eq!(b.read(ObjectKind::Index, &name(9)).expect("read"), b"good");
    b.delete(ObjectKind::Index, &name(9))
        .expect("delete replaced");
}

/// Kinds are separate namespaces; list returns names and sizes by kind; the
/// config, and only the config, can be replaced in place.
fn kinds_and_lists(b: &dyn Backend) {
    write_pack(b);
    b.write_new(ObjectKind::Snapshot, &name(2), b"snap")
        .expect("same name, other kind");
    b.write_new(ObjectKind::Snapshot, &name(3), b"snap3")
        .expect("second snapshot");
    b.write_new(ObjectKind::Config, "config", b"{}")
        .expect("config");
    let mut snaps: Vec<_> = b
        .list_all(ObjectKind::Snapshot)
        .expect("list")
        .into_iter()
        .map(|o| (o.name, o.size))
        .collect();
    snaps.sort();
    let mut want = vec![(name(2), 4), (name(3), 5)];
    want.sort();
    assert_eq!(snaps, want);
    // A renamed copy passes the name rule, so the backend lists it; readers
    // (Backend::list) see only the canonical name.
    let upper = name(3).to_ascii_uppercase();
    if upper != name(3) {
        b.write_new(ObjectKind::Snapshot, &upper, b"snap3")
            .expect("uppercase copy");
        assert_eq!(b.list_all(ObjectKind::Snapshot).expect("list all").len(), 3);
        assert_eq!(b.list(ObjectKind::Snapshot).expect("list").len(), 2);
        b.delete(ObjectKind::Snapshot, &upper)
            .expect("delete uppercase copy");
    }
    assert_eq!(b.list_all(ObjectKind::Pack).expect("list packs").len(), 1);
    assert_eq!(
        b.list_all(ObjectKind::Config).expect("list config").len(),
        1
    );
    b.replace_config(b"{\"v\":2}").expect("replace config");
    assert_eq!(
        b.read(ObjectKind::Config, "config").expect("read config"),
        b"{\"v\":2}"
    );
    assert_eq!(
        b.list_all(ObjectKind::Config).expect("list config").len(),
        1
    );
}

/// Empty and large objects.
fn empty_and_large_objects(b: &dyn Backend) {
    b.write_new(ObjectKind::Key, "emptyslot", b"")
        .expect("empty object");
    assert!(b
        .read(ObjectKind::Key, "emptyslot")
        .expect("read empty")
        .is_empty());
    let big = vec![0xa5u8; 20 * 1024 * 1024 + 3];
    b.write_new(ObjectKind::Pack, &name(4), &big)
        .expect("large object");
    assert_eq!(
        b.read_range(ObjectKind::Pack, &name(4), big.len() as u64 - 3, 3)
            .expect("large tail"),
        &big[big.len() - 3..]
    );
}

/// Delete removes; hostile names are refused before touching storage.
fn delete_and_names(b: &dyn Backend) {
    b.write_new(ObjectKind::Snapshot, &name(3), b"snap3")
        .expect("snapshot");
    b.delete(ObjectKind::Snapshot, &name(3)).expect("delete");
    assert_eq!(
        b.read(ObjectKind::Snapshot, &name(3))
            .expect_err("read deleted")
            .kind(),
        ErrorKind::NotFound
    );
    for bad in ["../config", "a/b", "", ".tmp-x"] {
        assert!(
            b.write_new(ObjectKind::Lock, bad, b"x").is_err(),
            "name {bad:?} accepted"
        );
    }
    assert!(b.exists().expect("exists"));
}

/// The local S3 server the test command started (`CAIRN_TEST_S3`), with a new
/// empty bucket for the caller: `s3:ENDPOINT/BUCKET`.
pub fn s3_test_bucket() -> String {
    s3_new_bucket(false)
}

/// Like [`s3_test_bucket`], but the bucket is created with S3 Object Lock
/// enabled (and so versioned), without a default retention rule.
pub fn s3_lock_bucket() -> String {
    s3_new_bucket(true)
}

fn s3_new_bucket(object_lock: bool) -> String {
    let endpoint = std::env::var("CAIRN_TEST_S3")
        .expect("CAIRN_TEST_S3 is not set: run scripts/test.sh, which starts a local S3 server (moto) and sets it");
    s3_bucket_on(&endpoint, object_lock)
}

/// A new empty bucket on the local S3 server at `endpoint` (one a test
/// started itself, [`crate::Moto`], to read its request log):
/// `s3:ENDPOINT/BUCKET`.
pub fn s3_bucket_on(endpoint: &str, object_lock: bool) -> String {
    let rnd: [u8; 6] = cairn_core::crypto::random_array().expect("random");
    let bucket = format!("cairn-{}", hex::encode(rnd));
    // Buckets are created with an unsigned PUT, which the local server accepts.
    let hostport = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let lock = if object_lock {
        "x-amz-bucket-object-lock-enabled: true\r\n"
    } else {
        ""
    };
    let mut s = std::net::TcpStream::connect(&hostport).expect("connect to the local S3 server");
    use std::io::{Read, Write};
    write!(s, "PUT /{bucket} HTTP/1.1\r\nHost: {hostport}\r\n{lock}Content-Length: 0\r\nConnection: close\r\n\r\n").expect("send");
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    assert!(
        reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200"),
        "bucket creation failed: {reply}"
    );
    format!("s3:{endpoint}/{bucket}")
}

/// Listings read many objects from several threads at once
/// (`cairn_core::parallel`): each read gets its own object's bytes, in the
/// order asked, and a missing one in the middle is the error returned.
fn reads_from_threads(b: &dyn Backend) {
    let body = |i: u32| format!("snapshot {i} ").repeat(1 + i as usize * 37);
    let names: Vec<String> = (0..40).map(name).collect();
    for (i, n) in names.iter().enumerate() {
        if i != 30 {
            b.write_new(ObjectKind::Snapshot, n, body(i as u32).as_bytes())
                .expect("write snapshot");
        }
    }
    let workers = cairn_core::parallel::READS_IN_FLIGHT;
    let mut got = Vec::new();
    let e = cairn_core::parallel::for_each_in_order(
        &names,
        workers,
        |n| b.read(ObjectKind::Snapshot, n),
        |n, bytes| {
            got.push((n.clone(), bytes));
            Ok(())
        },
    )
    .expect_err("object 30 is missing");
    assert_eq!(e.kind(), ErrorKind::NotFound, "missing read: {e}");
    assert!(e.to_string().contains(&name(30)), "names the object: {e}");
    let want: Vec<(String, Vec<u8>)> = (0..30).map(|i| (name(i), body(i).into_bytes())).collect();
    assert!(got == want, "reads from threads got other bytes or order");
}
