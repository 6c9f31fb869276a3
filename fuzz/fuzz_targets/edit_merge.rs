//! `edit_merge`: see `engine::testing::fuzz::edit_merge` (the checks live there, shared with the seeded
//! tests in engine/tests/fuzz_properties.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| engine::testing::fuzz::edit_merge(data));
