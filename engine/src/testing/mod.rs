//! Test support shared by the engine's tests and the fuzz targets in `fuzz/` (feature
//! `testing`; it pulls in diamond-types and rand, which a user of the engine never needs).
//!
//! - [`history`]: the random concurrent-history generator, checked against diamond-types and
//!   a `Vec<char>` model (what `tests/conformance.rs` runs with seeds);
//! - [`fuzz`]: the bodies of the fuzz targets, one function each, so that the seeded property
//!   tests in `tests/fuzz_properties.rs` and the coverage-guided targets run the same checks.

pub mod fuzz;
pub mod history;
