//! The server's TOML config (specs, storage, schedules, retention, hooks):
//! the strict loader, which must refuse with an error, never panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cairn_app::config::ServerConfig::parse(text, "fuzz.toml");
    }
});
