//! An index file (FORMAT.md §7): the plaintext parser directly, and the
//! whole open path on the same bytes sealed validly.
#![no_main]
use cairn_core::crypto::SealKind;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cairn_core::fuzzing::index_plain(data);
    let keys = cairn_core::fuzzing::keys();
    let (id, sealed) = cairn_core::fuzzing::seal(&keys, SealKind::Index, data);
    let name: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let _ = cairn_core::index::open_index_file(&keys, &name, &sealed);
});
