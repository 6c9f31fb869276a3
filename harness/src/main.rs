//! `crdt-bench`: replay editing traces through text CRDTs, verify every result, time them
//! fairly, and write tables and results files. See `crdt-bench --help`.

use std::process::ExitCode;

use clap::Parser;
use harness::{cli, EXIT_USAGE};

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// `crdt-bench subjects | head` closes stdout early, and `println!` then panics ("failed
/// printing to stdout: Broken pipe"). That is the reader's choice, not a failure of ours: end
/// quietly, as a Unix tool killed by SIGPIPE would, instead of printing a panic and a backtrace.
/// Every other panic keeps the default report.
fn quiet_on_closed_stdout() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            // 141 = 128 + SIGPIPE, what a shell reports for a process that SIGPIPE ended.
            std::process::exit(141);
        }
        default_hook(info);
    }));
}
