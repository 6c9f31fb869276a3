//! `op_decoder`: see `engine::testing::fuzz::op_decoder` (the checks live there, shared with the seeded
//! tests in engine/tests/fuzz_properties.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| engine::testing::fuzz::op_decoder(data));
