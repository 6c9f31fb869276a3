//! `crdt-bench`: replay editing traces through text CRDTs, verify every result, time them
//! fairly, and write tables and results files. See `crdt-bench --help`.

use std::process::ExitCode;

use clap::Parser;
use harness::{cli, EXIT_USAGE};

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
