//! A pack's footer and trailer (FORMAT.md §6): the footer as raw bytes, the
//! entry list both raw and sealed validly, so the checks behind
//! authentication run too.
#![no_main]
use cairn_core::crypto::SealKind;
use cairn_core::pack;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() >= 44 {
        let _ = pack::parse_footer(&data[data.len() - 44..]);
    }
    let _ = pack::decode_entries(data);
    if data.len() >= 4 {
        let body_len = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as u64;
        let keys = cairn_core::fuzzing::keys();
        let (tid, sealed) = cairn_core::fuzzing::seal(&keys, SealKind::PackTrailer, &data[4..]);
        if let Ok(entries) = pack::open_trailer(&keys, &tid, &sealed, body_len) {
            for e in entries {
                assert!(e.offset as u64 + e.stored_len as u64 <= body_len);
            }
        }
    }
});
