//! Cron lines from the config, and the next runs found from them.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cron) = cairn_app::cron::parse(line) {
        let after = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        let runs = cairn_app::cron::upcoming(&cron, after, &jiff::tz::TimeZone::UTC, 3);
        assert!(runs.windows(2).all(|w| w[0] < w[1]));
    }
});
