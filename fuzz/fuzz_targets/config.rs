//! The plain config object (FORMAT.md §8): decoded before any key exists.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(cfg) = cairn_core::config::RepoConfig::decode(data) {
        // What a reader does next with a config it accepted.
        let keys = cairn_core::fuzzing::keys();
        let _ = cfg.verify_mac(&keys);
    }
});
