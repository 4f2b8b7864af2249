//! WORM ledger record names and every kind's canonical-name rule
//! (FORMAT.md §1, §18): names come from a listing anyone can write to.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(name) = std::str::from_utf8(data) {
        cairn_core::fuzzing::ledger_name(name);
    }
});
