//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::measure::Granularity;

/// crdt-bench: a research and benchmark harness for text CRDTs.
///
/// Replays the standard editing traces through text CRDT libraries (diamond-types, cola, loro,
/// automerge, yrs), our own engine and no-CRDT lower bounds (String, a rope); verifies every
/// result against the trace's endContent before its time counts; times subjects with samples
/// interleaved round-robin so machine drift hits all alike; writes tables and results JSON.
///
/// Exit status: 0 success, 1 some cell failed verification or panicked, 2 bad usage or input.
#[derive(Parser, Debug)]
#[command(name = "crdt-bench", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The main job: time every subject on the standard traces and print the comparison table.
    ///
    /// Examples:
    ///   crdt-bench compare --quick
    ///   crdt-bench compare --subjects diamond-types,cola,rope --traces rustcode --json out.json
    ///   crdt-bench compare --reference rope --granularity whole-trace
    ///   crdt-bench compare --workload all --quick
    ///   crdt-bench compare --workload remote --traces sveltecomponent
    #[command(verbatim_doc_comment)]
    Compare(CompareArgs),
    /// The optimization log: every engine step and the reference, timed in one run.
    ///
    /// Prints the log table: No. | step | flags added | idea | step speedup vs its predecessor
    /// (ratio of medians, geometric mean over the traces, 95% bootstrap CI, from interleaved
    /// samples) | time relative to the reference (default diamond-types) | result (faster /
    /// parity / slower / reverted); then per trace. Writes it with the run under reports/.
    ///
    /// With --ablate: the best step with one flag turned off at a time, each timed against
    /// the best step (flag | time with it off / best, 95% CI | per trace | verdict).
    ///
    /// Examples:
    ///   crdt-bench log --quick --write-log optimizations.md
    ///   crdt-bench log --quick --steps s05..s08 --traces sveltecomponent
    ///   crdt-bench log --steps s07-cursor-cache..s08-btree
    ///   crdt-bench log --ablate --quick --write-log optimizations.md
    #[command(verbatim_doc_comment)]
    Log(LogArgs),
    /// A/B test: is subject B faster than A? Paired, interleaved samples; median ratio with a
    /// bootstrap confidence interval; a verdict; optionally instruction counts (callgrind).
    ///
    /// Examples:
    ///   crdt-bench ab rope rope-buf --traces sveltecomponent,rustcode
    ///   crdt-bench ab engine/s00-naive-vec engine --instructions --json ab.json
    ///   crdt-bench compare --save-baseline before   # ... change the code, rebuild ...
    ///   crdt-bench ab --baseline before engine      # current build vs the saved run
    #[command(verbatim_doc_comment)]
    Ab(AbArgs),
    /// One verified replay of SUBJECT on TRACE (used under callgrind by `ab --instructions`);
    /// `--repeat N` replays it N times, for `perf record`.
    #[command(hide = true)]
    ReplayOnce {
        subject: String,
        trace: String,
        #[arg(long, default_value_t = 1)]
        repeat: usize,
        #[arg(long)]
        traces_dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Granularity::PerTxn)]
        granularity: Granularity,
    },
    /// Replay every selected subject once on every selected trace and verify it; no timing.
    Verify(SelectArgs),
    /// List the traces found, with their statistics; `traces fetch` downloads them.
    Traces(TracesArgs),
    /// List the subjects compiled into this binary, with their position unit and notes.
    Subjects,
    /// Re-render the tables of a saved results file (from `compare --json`) without running anything.
    Tables {
        /// A results file (schema crdt-bench/results/v1).
        results: PathBuf,
        /// Also write the markdown tables to this file.
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
    },
    /// Redraw every chart and table of a saved run from its results file, running nothing.
    ///
    /// Writes results.csv, tables.md and the charts (SVG and PNG) into the results file's
    /// directory, or into --out DIR (with a copy of the results file). The same file always
    /// gives the same bytes.
    ///
    /// An `ab --json` file (schema crdt-bench/ab/v1) gets its paired-ratio chart redrawn.
    ///
    /// Examples:
    ///   crdt-bench plot reports/latest/results.json --out /tmp/figures
    ///   crdt-bench plot ab.json --out /tmp/figures
    #[command(verbatim_doc_comment)]
    Plot {
        /// A results file (schema crdt-bench/results/v1), e.g. reports/latest/results.json.
        results: PathBuf,
        /// Directory to write into [default: the results file's directory].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Args, Debug, Clone)]
pub struct SelectArgs {
    /// Traces to use, comma-separated, by file stem (`rustcode`, `ascii_only/rustcode`).
    /// Default: the four standard traces sveltecomponent,rustcode,seph-blog1,automerge-paper.
    #[arg(long, value_name = "NAME,...")]
    pub traces: Option<String>,
    /// Subjects, comma-separated (see `crdt-bench subjects`), or `all`.
    /// Default: every library, every lower bound, and `engine` (the best engine step).
    #[arg(long, value_name = "NAME,...")]
    pub subjects: Option<String>,
    /// Directory of traces (with sequential/ and concurrent/). Default: $CRDT_BENCH_TRACES,
    /// then traces/data/ in the repo, then ../shared/traces/ beside the repo.
    #[arg(long, value_name = "DIR")]
    pub traces_dir: Option<PathBuf>,
    /// What to measure: `local` (replaying a sequential trace as one agent's local edits),
    /// `remote` (a fresh replica integrating a peer's whole history in the library's sync
    /// format; reports its size), `load` (loading the saved document; reports its size),
    /// `memory` (heap held after a local replay, and its peak; runs crdt-bench-mem per cell),
    /// `concurrent` (replaying the concurrent traces, fork per txn; default: every concurrent
    /// trace found), or `all` (--traces names of either kind go to their workloads). Only
    /// `compare` runs workloads other than local.
    #[arg(long, default_value = "local", value_name = "WORKLOAD")]
    pub workload: String,
    /// Transaction granularity: `per-txn` (one transaction/commit per trace txn, what a live
    /// editor must do) or `whole-trace` (one for the whole trace; reproduces some published
    /// tables, and is labelled as such).
    #[arg(long, value_enum, default_value_t = Granularity::PerTxn)]
    pub granularity: Granularity,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// Fewer samples (budget 0.3 s per cell, 3 rounds, at least 3 samples; a cell whose first
    /// run takes over 5 s is timed by that one verified run): the whole default table in about
    /// 2 minutes on a 2-core machine. Ratios stay meaningful; noise is larger.
    #[arg(long)]
    pub quick: bool,
    /// Subject that speedups are measured against.
    #[arg(long, default_value = adapters::REFERENCE_DEFAULT, value_name = "NAME")]
    pub reference: String,
    /// Timed time to aim for per (subject, trace) cell, in seconds [default: 2, or 0.3 with --quick].
    #[arg(long, value_name = "SECONDS")]
    pub budget: Option<f64>,
    /// Interleaving rounds, at least [default: 10, or 3 with --quick]; more when a cell has
    /// more samples, so that no subject runs more than 2 samples in a row.
    #[arg(long, value_name = "N")]
    pub rounds: Option<usize>,
    /// Minimum samples per cell [default: 5, or 3 with --quick].
    #[arg(long, value_name = "N")]
    pub min_samples: Option<usize>,
    /// Also write the results JSON (schema crdt-bench/results/v1) to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Where run directories go (`<date>-<host>-<commit>/` with results.json, results.csv,
    /// tables.md and the charts; `latest` points at the newest). Default: reports/ in the repo.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Also store this run as baseline NAME (under target/crdt-bench/baselines/), for a later
    /// `crdt-bench ab --baseline NAME SUBJECT` from another build.
    #[arg(long, value_name = "NAME")]
    pub save_baseline: Option<String>,
    /// A single run of a cell (one sample, its latency run, its encoding, a memory child) that
    /// takes longer than this fails the cell ("timed out"); the run goes on without it
    /// [default: 600].
    #[arg(long, value_name = "SECONDS")]
    pub cell_timeout: Option<f64>,
    /// How the concurrent workload gives each txn a replica holding the merge of its parents:
    /// `fork-per-txn` (right for every history) or `per-agent` (one long-lived replica per
    /// agent, no fork; only for histories where each parent is still its agent's latest txn
    /// when used: checked per trace, and a trace it does not suit gets unsupported cells that
    /// name the txn). Named in the results and under the table.
    #[arg(long, value_enum, default_value_t = crate::workloads::ConcurrentStrategy::ForkPerTxn, value_name = "STRATEGY")]
    pub concurrent_strategy: crate::workloads::ConcurrentStrategy,
    /// Finish the interrupted run in DIR (a run directory with an incomplete results.json):
    /// same settings as recorded there, running only the cells it does not have yet. Other
    /// flags may be given only with the values the run was started with.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct LogArgs {
    #[command(flatten)]
    pub compare: CompareArgs,
    /// Also write the optimization log document (one section per step from the registry, and
    /// this run's table) to FILE, e.g. optimizations.md.
    #[arg(long, value_name = "FILE")]
    pub write_log: Option<PathBuf>,
    /// Only the steps A..B of the log, both included (names or number prefixes: `s05..s08`,
    /// `s03-spans..`, `..s02`). Each step's predecessor is added when it is outside the range,
    /// so every step still gets its speedup.
    #[arg(long, value_name = "A..B")]
    pub steps: Option<String>,
    /// The ablation instead of the linear log: the best step with one flag turned off at a
    /// time (`engine/best-without-<flag>`), each timed against the best step in one
    /// interleaved run. With --write-log FILE, only FILE's ablation section is replaced.
    #[arg(long, conflicts_with = "steps")]
    pub ablate: bool,
}

#[derive(Args, Debug)]
pub struct AbArgs {
    /// Two subjects A B (B is judged against A); with --baseline, one subject.
    #[arg(value_name = "SUBJECT", num_args = 1..=2, required = true)]
    pub subjects: Vec<String>,
    /// Compare the current build of SUBJECT with its samples in baseline NAME (saved by
    /// `compare --save-baseline NAME`). Unpaired: only as good as the machine's stability.
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Timed time to spend per trace, in seconds [default: 10, or 3 with --quick].
    #[arg(long, value_name = "SECONDS")]
    pub budget: Option<f64>,
    /// Minimum number of (A, B) pairs per trace [default: 30, or 10 with --quick].
    #[arg(long, value_name = "N")]
    pub min_pairs: Option<usize>,
    /// Fewer pairs.
    #[arg(long)]
    pub quick: bool,
    /// Differences smaller than this fraction count as "the same" (0.01 = 1%).
    #[arg(long, default_value_t = 0.01, value_name = "FRACTION")]
    pub threshold: f64,
    /// Confidence level of the bootstrap interval.
    #[arg(long, default_value_t = 0.95, value_name = "LEVEL")]
    pub confidence: f64,
    /// Also count instructions in the timed region with valgrind's callgrind (deterministic:
    /// the same binary, subject and trace give the same count however noisy the machine).
    #[arg(long)]
    pub instructions: bool,
    /// Write the per-trace results (schema crdt-bench/ab/v1) to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Directory for the paired-ratio plot. Default: reports/ in the repo.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress spinner.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Args, Debug)]
pub struct TracesArgs {
    #[command(subcommand)]
    pub action: Option<TracesAction>,
    /// Directory of traces (see `compare --help`).
    #[arg(long, value_name = "DIR", global = true)]
    pub traces_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum TracesAction {
    /// List the traces found with their statistics (the default).
    List,
    /// Download the editing traces at the pinned commit into traces/data/ (or --dest),
    /// checking each file against the SHA-256 sums compiled into this binary.
    Fetch {
        /// Base URL to download from [default: $CRDT_BENCH_TRACES_URL, else upstream at the pinned commit].
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// Where to put them [default: traces/data/ in the repo].
        #[arg(long, value_name = "DIR")]
        dest: Option<PathBuf>,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Compare(args) if args.resume.is_some() => crate::compare::resume("compare", &args, None),
        Command::Compare(args) => crate::compare::compare(args),
        Command::Log(args) if args.compare.resume.is_some() => crate::compare::resume("log", &args.compare, Some(&args)),
        Command::Log(args) => crate::compare::log(args),
        Command::Ab(args) => crate::ab::ab(args),
        Command::ReplayOnce { subject, trace, repeat, traces_dir, granularity } => {
            crate::ab::replay_once(&subject, &trace, traces_dir.as_deref(), granularity, repeat)
        }
        Command::Verify(args) => crate::compare::verify(args),
        Command::Traces(args) => crate::compare::traces_cmd(args),
        Command::Tables { results, markdown } => {
            let r = crate::results::Results::read(&results)?;
            if r.incomplete {
                eprintln!("note: {} is an incomplete run (interrupted); its finished cells are shown", results.display());
            }
            println!("{}", r.terminal_table());
            println!("{}", r.footer());
            if let Some(path) = markdown {
                crate::report::write_atomic(&path, crate::rundir::tables_markdown(&r).as_bytes())?;
            }
            Ok(crate::EXIT_OK)
        }
        Command::Plot { results, out } => crate::rundir::plot_cmd(&results, out.as_deref()),
        Command::Subjects => {
            for e in adapters::registry() {
                println!("{:<28} {:<40} positions: {:<18} {}", e.info.name, e.info.version, e.info.unit.name(), e.info.notes);
            }
            Ok(crate::EXIT_OK)
        }
    }
}
