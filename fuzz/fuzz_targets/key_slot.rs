//! A key slot object (FORMAT.md §9), parsed strictly before any KDF runs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = cairn_core::keyslot::KeySlot::decode(data);
});
