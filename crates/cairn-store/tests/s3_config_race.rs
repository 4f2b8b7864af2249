//! The attack (or the accident): two writers replace the config at once,
//! e.g. two `keys rotate-master` runs. Each replaces only the version it read
//! (`If-Match` on its ETag), so the second is refused instead of silently
//! overwriting the first writer's config and orphaning its key slots.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use cairn_core::{Backend, ErrorKind, ObjectKind};
use cairn_store::{S3Backend, S3Location};
use cairn_test_support::conformance;

#[test]
fn two_writers_can_never_both_replace_the_config() {
    let loc = format!("{}/race", conformance::s3_test_bucket());
    let a = S3Backend::new(S3Location::parse(&loc).unwrap()).unwrap();
    let b = S3Backend::new(S3Location::parse(&loc).unwrap()).unwrap();
    a.write_new(ObjectKind::Config, "config", b"{\"v\":1}")
        .unwrap();
    assert_eq!(a.read(ObjectKind::Config, "config").unwrap(), b"{\"v\":1}");
    assert_eq!(b.read(ObjectKind::Config, "config").unwrap(), b"{\"v\":1}");
    a.replace_config(b"{\"v\":2,\"by\":\"a\"}").unwrap();
    let e = b
        .replace_config(b"{\"v\":2,\"by\":\"b\"}")
        .expect_err("a second writer replaced a config it had not read");
    assert_eq!(e.kind(), ErrorKind::Locked, "{e}");
    assert!(e.to_string().contains("another writer"), "{e}");
    assert_eq!(
        b.read(ObjectKind::Config, "config").unwrap(),
        b"{\"v\":2,\"by\":\"a\"}"
    );
    // Having read the new version, b may replace it; a, behind, may not.
    b.replace_config(b"{\"v\":3}").unwrap();
    a.replace_config(b"{\"v\":3,\"by\":\"a\"}").unwrap_err();
    // A writer replaces its own replacement without reading again.
    b.replace_config(b"{\"v\":4}").unwrap();
    assert_eq!(a.read(ObjectKind::Config, "config").unwrap(), b"{\"v\":4}");
}
