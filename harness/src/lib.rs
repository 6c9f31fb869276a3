//! crdt-bench's measurement, statistics and reporting, as a library: the `crdt-bench` binary
//! is a thin `main` over [`cli::run`], and the criterion benches (`benches/`) reuse the same
//! registry, replay and verification code.

pub mod ab;
pub mod cli;
pub mod compare;
pub mod latency;
pub mod machine;
pub mod measure;
pub mod memory;
pub mod plot;
pub mod report;
pub mod report_workloads;
pub mod results;
pub mod rundir;
pub mod select;
pub mod stats;
pub mod watchdog;
pub mod workloads;

/// Exit codes (DESIGN.md section 6).
pub const EXIT_OK: u8 = 0;
pub const EXIT_CELL_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
