//! `crdt-bench`: replay editing traces through text CRDTs, verify every result, time them
//! fairly, and write tables and results files. See `crdt-bench --help`.

mod cli;
mod compare;
mod machine;
mod measure;
mod report;
mod results;
mod select;
mod stats;

use std::process::ExitCode;

use clap::Parser;

/// Exit codes (DESIGN.md section 6).
pub const EXIT_OK: u8 = 0;
pub const EXIT_CELL_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
