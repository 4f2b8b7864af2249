//! The tree walker every reader shares (manifest, ls, export, verify) over
//! trees linked as a hostile repository could: cycles, shared subtrees,
//! depth past the limit, dangling ids. No panic, bounded work.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cairn_core::fuzzing::walk_forest(data));
