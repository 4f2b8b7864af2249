//! What a user or an API client names things with: snapshot selectors and
//! ids, read-data subsets, durations, and paths in a snapshot (the `path`
//! query parameter of the browse routes, `cairn ls`/`cat` arguments).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = cairn_core::Selector::parse(text);
    let _ = cairn_core::SnapshotId::from_hex(text);
    let _ = cairn_core::verify::DataCheck::parse_subset(text, 7);
    let _ = cairn_app::duration::parse_duration(text);
    // A path that is accepted names places below the root only: no part is
    // empty, `.`, `..` or holds a separator, and nothing is invented.
    if let Ok(parts) = cairn_core::browse::components(text) {
        for p in &parts {
            assert!(!p.is_empty() && *p != b"." && *p != b".." && !p.contains(&b'/'));
            assert!(text.contains(std::str::from_utf8(p).expect("a part of a str")));
        }
    } else {
        assert!(text.split('/').any(|p| p == ".."));
    }
});
