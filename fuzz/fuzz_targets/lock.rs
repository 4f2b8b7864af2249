//! A lock object (FORMAT.md §16): unauthenticated JSON from anyone with
//! write access, then every judgement made from it.
#![no_main]
use cairn_core::lock::LockRecord;
use time::OffsetDateTime;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(rec) = serde_json::from_slice::<LockRecord>(data) {
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        let _ = rec.is_stale(now);
        let _ = rec.is_stale_on_storage(Some(OffsetDateTime::UNIX_EPOCH), Some(now), now);
        assert!(rec.ttl() <= time::Duration::days(1));
        let _ = rec.describe("000000000001-0123456789abcdef");
    }
});
