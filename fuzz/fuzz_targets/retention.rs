//! Retention rules (spans, group-by, keep counts) as the config and the API
//! take them, then evaluated against a fixed history.
#![no_main]
use cairn_core::policy::{evaluate, GroupBy, Policy, Span};
use std::str::FromStr;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Span::from_str(text);
    let _ = GroupBy::from_str(text);
    let Ok(policy) = serde_json::from_str::<Policy>(text) else {
        return;
    };
    let now = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    let snaps = cairn_core::fuzzing::history(now, 40);
    let out = evaluate(
        &snaps,
        &Default::default(),
        &policy,
        GroupBy::default(),
        &jiff::tz::TimeZone::UTC,
        now,
    );
    let decided: usize = out.iter().map(|g| g.decisions.len()).sum();
    assert_eq!(decided, snaps.len());
});
