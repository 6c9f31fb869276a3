//! The `memory` workload: heap bytes the document holds after a local replay (`bytes`), and
//! the most in use during it (`peak_bytes`), per subject and trace.
//!
//! Counting needs a counting global allocator, and a global allocator is per binary: so the
//! cells run in `crdt-bench-mem` (`src/bin/crdt-bench-mem.rs`, which installs
//! [`memcount::Counting`]), one child process per cell, started from here. The timed
//! `crdt-bench` binary keeps the system allocator and pays nothing for the counting. A child
//! process per cell also means no cell sees another's heap (or allocator caches).

use std::path::{Path, PathBuf};
use std::process::Command;

use adapters::Entry;

use crate::measure::{CellRun, Granularity, Status};

/// What `crdt-bench-mem` prints: one JSON line.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ChildReport {
    /// The replay's text equalled `endContent`.
    pub ok: bool,
    /// Why not, when not.
    pub message: Option<String>,
    /// Heap bytes in use after the replay, with the document alive, minus those before it.
    pub retained_bytes: u64,
    /// The most heap bytes in use during the replay, minus those before it.
    pub peak_bytes: u64,
}

/// A memory cell: its status (never samples) and the two sizes when it is `ok`.
pub struct MemoryCell {
    pub run: CellRun,
    pub retained_bytes: Option<u64>,
    pub peak_bytes: Option<u64>,
}

/// Where `crdt-bench-mem` is: beside the running binary (cargo builds both into one
/// directory), or `$CRDT_BENCH_MEM`.
pub fn child_binary() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("CRDT_BENCH_MEM") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe()?;
    let candidate = exe.with_file_name(format!("crdt-bench-mem{}", std::env::consts::EXE_SUFFIX));
    if candidate.exists() {
        return Ok(candidate);
    }
    // `cargo test` runs test binaries from target/<profile>/deps/.
    if let Some(up) = exe.parent().and_then(Path::parent) {
        let candidate = up.join(format!("crdt-bench-mem{}", std::env::consts::EXE_SUFFIX));
        if candidate.exists() {
            return Ok(candidate);
        }
    }
    anyhow::bail!(
        "the memory workload needs the crdt-bench-mem binary beside {} (build it with `cargo build --release -p harness --bins`, or set CRDT_BENCH_MEM)",
        exe.display()
    )
}

/// Runs one child per entry (skipping cells already not `Ok` in `cells`).
pub fn run_trace(
    child: &Path,
    trace_name: &str,
    traces_dir: &Path,
    granularity: Granularity,
    entries: &[Entry],
    cells: Vec<CellRun>,
    progress: &mut dyn crate::measure::Progress,
) -> Vec<MemoryCell> {
    let granularity = match granularity {
        Granularity::PerTxn => "per-txn",
        Granularity::WholeTrace => "whole-trace",
    };
    entries
        .iter()
        .zip(cells)
        .map(|(e, run)| {
            if run.status != Status::Ok {
                return MemoryCell { run, retained_bytes: None, peak_bytes: None };
            }
            let mut cmd = Command::new(child);
            cmd.arg(e.info.name).arg(trace_name).arg(traces_dir).arg(granularity);
            let out = output_within(cmd, crate::watchdog::timeout());
            progress.ran(&format!("{trace_name} {}: memory", e.info.name));
            let fail = |mut run: CellRun, status: Status, message: String| {
                run.status = status;
                run.message = Some(message);
                MemoryCell { run, retained_bytes: None, peak_bytes: None }
            };
            let out = match out {
                Ok(Some(out)) => out,
                Ok(None) => {
                    let limit = crate::watchdog::timeout().unwrap_or_default().as_secs_f64();
                    return fail(run, Status::Failed, format!("timed out: the run took over {limit} s (--cell-timeout); crdt-bench-mem was killed"));
                }
                Err(err) => return fail(run, Status::Failed, format!("could not run {}: {err}", child.display())),
            };
            let stdout = String::from_utf8_lossy(&out.stdout);
            let report = stdout.lines().last().and_then(|line| serde_json::from_str::<ChildReport>(line).ok());
            match report {
                Some(r) if out.status.success() && r.ok => {
                    MemoryCell { run, retained_bytes: Some(r.retained_bytes), peak_bytes: Some(r.peak_bytes) }
                }
                Some(r) if out.status.success() => {
                    fail(run, Status::Failed, r.message.unwrap_or_else(|| "failed verification".into()))
                }
                _ => {
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    let tail: String = stderr.lines().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(" / ");
                    let status = if stderr.contains("panicked") { Status::Panicked } else { Status::Failed };
                    fail(run, status, format!("crdt-bench-mem exited with {}: {tail}", out.status))
                }
            }
        })
        .collect()
}

/// Runs `cmd` to completion and collects its output, or kills it once it has run for `limit`
/// (`Ok(None)`). The child's output goes to temp files rather than pipes, so that a child
/// writing a lot cannot block on a full pipe while this waits.
fn output_within(mut cmd: Command, limit: Option<std::time::Duration>) -> std::io::Result<Option<std::process::Output>> {
    let dir = std::env::temp_dir();
    let stem = format!("crdt-bench-mem-{}-{:?}", std::process::id(), std::time::Instant::now());
    let (out_path, err_path) = (dir.join(format!("{stem}.out")), dir.join(format!("{stem}.err")));
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?)
        .spawn()?;
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if limit.is_some_and(|l| started.elapsed() >= l) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        // Memory cells are not timed, so polling costs them nothing but this thread's sleep.
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let output = status.map(|status| std::process::Output {
        status,
        stdout: std::fs::read(&out_path).unwrap_or_default(),
        stderr: std::fs::read(&err_path).unwrap_or_default(),
    });
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    Ok(output)
}
