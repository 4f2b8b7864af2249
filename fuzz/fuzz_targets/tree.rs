//! A tree blob's plaintext (FORMAT.md §10 and §10.1): strict JSON, exactly
//! one of `nodes` and `parts`, safe names, order, fields that fit the node
//! type, a bounded non-empty list of parts.
#![no_main]
use cairn_core::tree::{Stored, MAX_PARTS};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    match Stored::decode(data) {
        Ok(Stored::Nodes(tree)) => {
            for node in &tree.nodes {
                let name = node.name.0.as_slice();
                assert!(!name.is_empty() && name != b"." && name != b"..");
                assert!(!name.contains(&b'/') && !name.contains(&0));
            }
            for pair in tree.nodes.windows(2) {
                assert!(pair[0].name < pair[1].name);
            }
        }
        Ok(Stored::Parts(ids)) => {
            assert!(!ids.is_empty() && ids.len() <= MAX_PARTS);
            // A list is never a directory's entries.
            assert!(cairn_core::tree::Tree::decode(data).is_err());
        }
        Err(_) => assert!(cairn_core::tree::Tree::decode(data).is_err()),
    }
});
