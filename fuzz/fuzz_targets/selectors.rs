//! What a user or an API client names things with: snapshot selectors and
//! ids, read-data subsets, durations.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = cairn_core::Selector::parse(text);
    let _ = cairn_core::SnapshotId::from_hex(text);
    let _ = cairn_core::verify::DataCheck::parse_subset(text, 7);
    let _ = cairn_app::duration::parse_duration(text);
});
