//! `crdt-bench-mem SUBJECT TRACE TRACES_DIR GRANULARITY`: one memory cell, run by `crdt-bench
//! compare --workload memory` as a child process (not meant to be run by hand).
//!
//! This binary installs the counting allocator ([`memcount::Counting`]); `crdt-bench` does
//! not, so its timed runs pay nothing for counting. It replays the trace once through
//! [`adapters::replay_local`] (the local workload's loop), with the peak reset just before,
//! reads the bytes in use with the document still alive, then verifies the text (after
//! counting: reading the text allocates). It prints one JSON line on stdout (see
//! [`harness::memory::ChildReport`]) and exits 0, also for a cell that failed verification; a
//! panic exits non-zero, and the parent reports the cell as panicked with the message.

use std::process::ExitCode;

use harness::measure::{prepare_txns, Granularity};
use harness::memory::ChildReport;

#[global_allocator]
static ALLOC: memcount::Counting = memcount::Counting;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, subject, trace, traces_dir, granularity] = args.as_slice() else {
        eprintln!("usage: crdt-bench-mem SUBJECT TRACE TRACES_DIR per-txn|whole-trace");
        return ExitCode::from(2);
    };
    let report = match run(subject, trace, traces_dir, granularity) {
        Ok(report) => report,
        Err(message) => ChildReport { ok: false, message: Some(message), retained_bytes: 0, peak_bytes: 0 },
    };
    println!("{}", serde_json::to_string(&report).expect("a report serializes"));
    ExitCode::SUCCESS
}

fn run(subject: &str, trace: &str, traces_dir: &str, granularity: &str) -> Result<ChildReport, String> {
    let entry = adapters::entry(subject).ok_or_else(|| format!("unknown subject {subject:?}"))?;
    let granularity = match granularity {
        "per-txn" => Granularity::PerTxn,
        "whole-trace" => Granularity::WholeTrace,
        other => return Err(format!("unknown granularity {other:?}")),
    };
    let dir = traces::TraceDir::locate(Some(std::path::Path::new(traces_dir))).map_err(|e| e.to_string())?;
    let trace = dir.load_sequential(trace).map_err(|e| e.to_string())?;
    let txns = prepare_txns(&trace, entry.info.unit, granularity);
    // Everything before this line (trace, converted input) is not the document's.
    memcount::reset_peak();
    let before = memcount::in_use();
    let (_ns, mut doc) = (entry.timed_local)(&txns);
    let retained = memcount::in_use().saturating_sub(before);
    let peak = memcount::peak().saturating_sub(before);
    let text = doc.text();
    drop(doc);
    if text != trace.end_content {
        return Err(harness::measure::describe_mismatch(&text, &trace.end_content));
    }
    Ok(ChildReport { ok: true, message: None, retained_bytes: retained as u64, peak_bytes: peak as u64 })
}
