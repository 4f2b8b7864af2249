//! A protection marker's body (FORMAT.md §17): unauthenticated JSON.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<cairn_core::protect::Protection>(data);
});
