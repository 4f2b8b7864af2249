//! A snapshot object (FORMAT.md §11), sealed validly around fuzzed JSON so
//! the version check, the strict parse and the time check all run.
#![no_main]
use cairn_core::crypto::SealKind;
use cairn_core::SnapshotId;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let keys = cairn_core::fuzzing::keys();
    let (id, sealed) = cairn_core::fuzzing::seal(&keys, SealKind::Snapshot, data);
    if let Ok(meta) = cairn_core::snapshot::SnapshotMeta::open(&keys, &SnapshotId(id), &sealed) {
        assert!(
            meta.parsed_time().is_ok(),
            "an accepted snapshot has a time"
        );
    }
});
