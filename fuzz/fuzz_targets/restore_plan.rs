//! The restore planner (dry run, every batch) over trees linked and named
//! as a hostile repository could: cycles, shared subtrees, dangling ids,
//! depth past the limit, hostile names, hard-link groups, sizes that lie.
//! No panic, totals that match the batches, work within the repeat budget.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cairn_core::fuzzing::plan_forest(data));
