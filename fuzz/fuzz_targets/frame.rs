//! The plaintext frame after authentication (FORMAT.md §4): codec byte and
//! payload, decoded against an exact length and against a bound.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let want = u16::from_le_bytes([data[0], data[1]]) as usize;
    let frame = &data[2..];
    if let Ok(plain) = cairn_core::codec::decode(frame, want) {
        assert_eq!(plain.len(), want);
    }
    if let Ok(plain) = cairn_core::codec::decode_bounded(frame, 1 << 20) {
        assert!(plain.len() <= 1 << 20);
    }
});
