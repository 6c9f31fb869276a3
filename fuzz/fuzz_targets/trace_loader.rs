//! `trace_loader`: see `traces::testing::trace_loader` (the checks live there, shared with the
//! seeded tests in traces/tests/fuzz_properties.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| traces::testing::trace_loader(data));
