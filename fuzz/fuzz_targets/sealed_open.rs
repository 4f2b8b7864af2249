//! Opening a sealed object (FORMAT.md §4-5): kind byte, 32-byte id, sealed
//! bytes, as storage might hand them over.
#![no_main]
use cairn_core::crypto::SealKind;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 33 {
        return;
    }
    let kind = match data[0] % 5 {
        0 => SealKind::Data,
        1 => SealKind::Tree,
        2 => SealKind::PackTrailer,
        3 => SealKind::Index,
        _ => SealKind::Snapshot,
    };
    let mut id = [0u8; 32];
    id.copy_from_slice(&data[1..33]);
    let _ = cairn_core::fuzzing::keys().open(kind, &id, &data[33..]);
});
