//! A tree blob's plaintext (FORMAT.md §10): strict JSON, safe names, order,
//! fields that fit the node type.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(tree) = cairn_core::tree::Tree::decode(data) {
        for node in &tree.nodes {
            let name = node.name.0.as_slice();
            assert!(!name.is_empty() && name != b"." && name != b"..");
            assert!(!name.contains(&b'/') && !name.contains(&0));
        }
    }
});
