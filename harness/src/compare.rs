//! The `compare`, `verify` and `traces` commands.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use traces::{TraceDir, TraceKind};

use crate::cli::{CompareArgs, SelectArgs, TracesAction, TracesArgs};
use crate::machine::{build_profile, crate_versions, GitInfo, Machine, RUSTC_VERSION};
use crate::measure::{self, Granularity, Progress, SamplingPlan, Status};
use crate::results::{self, Cell, Results, Settings, StepRecord, SubjectRecord, TraceRecord};
use crate::stats::Summary;
use crate::workloads::ByteWorkload;
use crate::{latency, select, watchdog, EXIT_CELL_FAILED, EXIT_OK};

/// Finds traces; when none are found and none were asked for explicitly, fetches them (on a
/// machine with internet) so that the README's one command works on a fresh clone.
pub(crate) fn locate_or_fetch(flag: Option<&std::path::Path>) -> anyhow::Result<TraceDir> {
    match TraceDir::locate(flag) {
        Ok(dir) => Ok(dir),
        Err(not_found) if flag.is_some() || std::env::var_os(traces::ENV_TRACES_DIR).is_some() => {
            Err(anyhow::anyhow!("{not_found}"))
        }
        Err(not_found) => {
            eprintln!("No editing traces found locally; downloading them into {} ...", traces::default_data_dir().display());
            match fetch(None, None) {
                Ok(()) => TraceDir::locate(None).map_err(|e| anyhow::anyhow!("{e}")),
                Err(e) => bail!("{not_found}\nDownloading them failed too: {e:#}"),
            }
        }
    }
}

fn fetch(from: Option<String>, dest: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let base = from.unwrap_or_else(traces::fetch::base_url_from_env);
    let dest = dest.unwrap_or_else(traces::default_data_dir);
    let files = traces::fetch::fetch_all(&base, &dest, |f, i, n| {
        eprintln!("  [{}/{n}] {}", i + 1, f.local_path);
    })?;
    let downloaded = files.iter().filter(|(_, o)| *o == traces::fetch::FetchOutcome::Downloaded).count();
    eprintln!(
        "{} files in {} ({downloaded} downloaded, {} already present), all SHA-256 verified (editing-traces @ {}).",
        files.len(),
        dest.display(),
        files.len() - downloaded,
        traces::fetch::PINNED_COMMIT
    );
    Ok(())
}

pub fn traces_cmd(args: TracesArgs) -> anyhow::Result<u8> {
    match args.action.unwrap_or(TracesAction::List) {
        TracesAction::Fetch { from, dest } => {
            fetch(from, dest)?;
            Ok(EXIT_OK)
        }
        TracesAction::List => {
            let dir = TraceDir::locate(args.traces_dir.as_deref()).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Traces in {} ({:?})\n", dir.root.display(), dir.located);
            println!(
                "{:<34} {:>10} {:>8} {:>8} {:>10} {:>10} {:>9} {:>9} {:>9} {:>8}",
                "trace", "kind", "txns", "patches", "inserted", "deleted", "end len", "peak len", "non-ASCII", "1-char"
            );
            for t in dir.list() {
                let stats = match t.kind {
                    TraceKind::Sequential => traces::load_sequential(&t.path, &t.name).map(|x| x.stats()),
                    TraceKind::Concurrent => traces::load_concurrent(&t.path, &t.name).map(|x| x.stats()),
                }?;
                println!(
                    "{:<34} {:>10} {:>8} {:>8} {:>10} {:>10} {:>9} {:>9} {:>8.3}% {:>7.1}%",
                    t.name,
                    format!("{:?}", t.kind).to_lowercase(),
                    stats.txns,
                    stats.patches,
                    stats.inserted_chars,
                    stats.deleted_chars,
                    stats.end_len_chars,
                    stats.peak_len_chars.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                    stats.non_ascii_share * 100.0,
                    stats.single_char_share * 100.0
                );
            }
            println!("\nLengths in Unicode code points. non-ASCII: share of inserted chars; 1-char: share of patches that type or delete one char.");
            Ok(EXIT_OK)
        }
    }
}

/// The workloads `compare --workload` runs, in order.
pub const WORKLOADS: &[&str] = &["local", "remote", "load", "memory", "concurrent"];

/// `--workload NAME` as the list of workloads to run (`all`: every implemented one).
pub fn workloads_of(workload: &str) -> anyhow::Result<Vec<&'static str>> {
    match workload {
        "all" => Ok(WORKLOADS.to_vec()),
        w => match WORKLOADS.iter().find(|&&known| known == w) {
            Some(&known) => Ok(vec![known]),
            None => bail!(
                "unknown workload \"{w}\"; available: local (a sequential trace replayed as one agent's local edits), \
                 remote (integrating a peer's whole history in the library's sync format), load (loading a saved \
                 document), memory (heap held after a local replay, and its peak), concurrent (replaying a concurrent \
                 trace, fork per txn), all"
            ),
        },
    }
}

/// Commands that only replay locally (`verify`, `log`) accept only `local`.
fn check_workload(args: &SelectArgs) -> anyhow::Result<()> {
    if args.workload != "local" {
        workloads_of(&args.workload)?;
        bail!("this command runs only the local workload; `compare --workload {}` runs the others", args.workload);
    }
    Ok(())
}

/// The progress bar (when stderr is a terminal), and the (trace, workload) being run, which
/// puts every run under the watchdog.
struct Bar {
    bar: Option<ProgressBar>,
    group: Option<(String, String)>,
}

impl Progress for Bar {
    fn planned(&mut self, runs: u64) {
        if let Some(b) = &self.bar {
            b.inc_length(runs);
        }
    }
    fn ran(&mut self, what: &str) {
        if let Some(b) = &self.bar {
            b.set_message(what.to_owned());
            b.inc(1);
        }
    }
    fn group(&self) -> Option<(&str, &str)> {
        self.group.as_ref().map(|(t, w)| (t.as_str(), w.as_str()))
    }
}

pub fn compare(args: CompareArgs) -> anyhow::Result<u8> {
    let registry = adapters::registry();
    let entries = select::subjects(args.select.subjects.as_deref(), &registry)?;
    let (results, run_dir) = measure_entries(&args, entries)?;
    println!("{}", results.terminal_table());
    println!("{}", results.footer());
    finish(&args, results, &run_dir)
}

/// `crdt-bench log`: every step of the engine's optimization log, plus the reference, timed
/// in one interleaved run.
pub fn log(log_args: crate::cli::LogArgs) -> anyhow::Result<u8> {
    let mut args = log_args.compare;
    if args.quick {
        // The log's point is each step's speedup over its predecessor, with a CI: three
        // samples per cell (compare's quick default) leave intervals too wide to call. Most
        // steps replay a trace in milliseconds, so more samples cost little; the slow early
        // steps still get one sample (the quick cutoff) and the run stays within minutes.
        // Ten rounds spread each cell's samples over the run, so a speed-regime switch of the
        // machine hits every step alike.
        args.budget.get_or_insert(1.0);
        args.rounds.get_or_insert(10);
        args.min_samples.get_or_insert(5);
    }
    if args.select.subjects.is_some() {
        bail!("`log` runs every engine step and the reference; use `compare --subjects` to pick subjects");
    }
    check_workload(&args.select)?;
    let registry = adapters::registry();
    let mut entries: Vec<_> = if log_args.ablate {
        let mut names = vec!["engine".to_owned()];
        names.extend(engine::ablation::ABLATIONS.iter().map(|a| format!("engine/{}", a.name)));
        registry.iter().filter(|e| names.iter().any(|n| n == e.info.name)).cloned().collect()
    } else {
        let wanted = select_steps(log_args.steps.as_deref())?;
        registry
            .iter()
            .filter(|e| e.info.name.strip_prefix("engine/").is_some_and(|step| wanted.contains(&step)))
            .cloned()
            .collect()
    };
    match registry.iter().find(|e| e.info.name == args.reference) {
        Some(r) => entries.push(r.clone()),
        None => bail!("unknown --reference \"{}\"; see `crdt-bench subjects`", args.reference),
    }
    let (results, run_dir) = measure_entries(&args, entries)?;
    println!("{}", results.terminal_table());
    let existing = match &log_args.write_log {
        Some(path) if path.exists() => Some(
            std::fs::read_to_string(path).with_context(|| format!("reading {} to update it", path.display()))?,
        ),
        _ => None,
    };
    if log_args.ablate {
        let section = crate::report::ablation_markdown(&results);
        println!("{section}");
        if let Some(path) = &log_args.write_log {
            let doc = crate::report::with_ablation_section(existing.as_deref().unwrap_or(""), &section);
            crate::report::write_atomic(path, doc.as_bytes())?;
            eprintln!("Wrote the ablation section of {}", path.display());
        }
    } else {
        println!("{}", crate::report::log_markdown(&results));
        if let Some(path) = &log_args.write_log {
            // A linear log rewrites the document but keeps its ablation (a run of its own).
            let mut doc = crate::report::optimizations_markdown(&results);
            if let Some(section) = existing.as_deref().and_then(crate::report::ablation_section) {
                doc = crate::report::with_ablation_section(&doc, section);
            }
            crate::report::write_atomic(path, doc.as_bytes())?;
            eprintln!("Wrote the optimization log to {}", path.display());
        }
    }
    finish(&args, results, &run_dir)
}

/// The steps `log --steps A..B` runs: the range (by log order), plus each one's predecessor.
fn select_steps(range: Option<&str>) -> anyhow::Result<Vec<&'static str>> {
    let names: Vec<&'static str> = engine::STEPS.iter().map(|s| s.name).collect();
    let Some(range) = range else {
        return Ok(names);
    };
    let Some((from, to)) = range.split_once("..") else {
        bail!("--steps takes a range A..B (e.g. s05..s08), got \"{range}\"");
    };
    let find = |part: &str, default: usize| -> anyhow::Result<usize> {
        let part = part.trim();
        if part.is_empty() {
            return Ok(default);
        }
        let matching: Vec<usize> = (0..names.len())
            .filter(|&i| names[i] == part || names[i].starts_with(&format!("{part}-")))
            .collect();
        match matching.as_slice() {
            [i] => Ok(*i),
            _ => bail!("--steps: no step \"{part}\"; the steps are: {}", names.join(", ")),
        }
    };
    let (from, to) = (find(from, 0)?, find(to, names.len() - 1)?);
    if from > to {
        bail!("--steps {range}: {} comes after {} in the log", names[from], names[to]);
    }
    let mut wanted: Vec<&'static str> = names[from..=to].to_vec();
    for step in &engine::STEPS[from..=to] {
        if let Some(pred) = step.predecessor {
            if !wanted.contains(&pred) {
                wanted.push(pred);
            }
        }
    }
    Ok(wanted)
}

/// A run in progress: the results so far, and the run directory they are written to after
/// every (trace, workload) group of cells, so that an interrupted run loses at most the group
/// it was in (see `compare --resume`).
struct RunFile {
    results: Results,
    dir: std::path::PathBuf,
    /// Patches of the trace being run: what a cell that times out records.
    patches: usize,
}

impl RunFile {
    fn save(&self) -> anyhow::Result<()> {
        self.results.write(&self.dir.join("results.json")).with_context(|| format!("saving the results so far in {}", self.dir.display()))
    }
}

fn lock(run: &Mutex<RunFile>) -> std::sync::MutexGuard<'_, RunFile> {
    // A panic while holding the lock would be ours, not a subject's (those are caught inside
    // the runs); the data is still the last consistent state, so go on with it.
    run.lock().unwrap_or_else(|e| e.into_inner())
}

fn measure_entries(args: &CompareArgs, entries: Vec<adapters::Entry>) -> anyhow::Result<(Results, std::path::PathBuf)> {
    let sel = &args.select;
    let workloads = workloads_of(&sel.workload)?;
    let mem_child = if workloads.contains(&"memory") { Some(crate::memory::child_binary()?) } else { None };
    if adapters::entry(&args.reference).is_none() {
        bail!("unknown --reference \"{}\"; see `crdt-bench subjects`", args.reference);
    }
    if !entries.iter().any(|e| e.info.name == args.reference) {
        eprintln!("note: the reference {} is not among --subjects, so no speedups are shown", args.reference);
    }
    let cell_timeout_s = args.cell_timeout.unwrap_or(watchdog::DEFAULT_CELL_TIMEOUT_S);
    if !(cell_timeout_s.is_finite() && cell_timeout_s > 0.0) {
        bail!("--cell-timeout must be a positive number of seconds, got {cell_timeout_s}");
    }
    let started = Instant::now();
    let dir = locate_or_fetch(sel.traces_dir.as_deref())?;
    let (trace_refs, concurrent_refs) = pick_traces(sel.traces.as_deref(), &dir, &workloads)?;
    let sequential_workloads: Vec<&str> = workloads.iter().copied().filter(|w| *w != "concurrent").collect();

    let plan = SamplingPlan {
        budget_ns_per_cell: (args.budget.unwrap_or(if args.quick { 0.3 } else { 2.0 }) * 1e9) as u64,
        rounds: args.rounds.unwrap_or(if args.quick { 3 } else { 10 }).max(1),
        min_samples: args.min_samples.unwrap_or(if args.quick { 3 } else { 5 }).max(1),
        max_samples: 10_000,
        single_sample_above_ns: args.quick.then_some(5_000_000_000),
    };
    if plan.budget_ns_per_cell == 0 {
        bail!("--budget must be positive");
    }

    let fresh = || Results {
        schema: results::SCHEMA.into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        created: results::now_rfc3339(),
        command: std::env::args().collect(),
        machine: Machine::detect(),
        rustc: RUSTC_VERSION.into(),
        build_profile: build_profile().into(),
        crates: crate_versions(),
        git: GitInfo::detect(),
        settings: Settings {
            workload: sel.workload.clone(),
            granularity: sel.granularity,
            reference: args.reference.clone(),
            quick: args.quick,
            sampling: plan.clone(),
            first_run_counts_ns: measure::FIRST_RUN_COUNTS_NS,
            traces_dir: dir.root.display().to_string(),
            position_unit: "Unicode code points (converted before timing for subjects that count otherwise)".into(),
            verification: "every sample's final text compared with endContent, outside the timed region".into(),
            cell_timeout_s: Some(cell_timeout_s),
            concurrent_strategy: workloads.contains(&"concurrent").then_some(args.concurrent_strategy),
        },
        subjects: entries.iter().map(|e| SubjectRecord::from(&e.info)).collect(),
        steps: StepRecord::for_subjects(&entries.iter().map(|e| e.info.name).collect::<Vec<_>>()),
        traces: Vec::new(),
        cells: Vec::new(),
        wall_s: 0.0,
        incomplete: true,
    };
    let (mut results, run_dir) = match &args.resume {
        None => {
            let results = fresh();
            let out_root = args.out.clone().unwrap_or_else(|| traces::repo_root().join("reports"));
            let run_dir = out_root.join(crate::rundir::dir_name(&results));
            (results, run_dir)
        }
        Some(run_dir) => {
            // `resume` checked the file and parsed these args from its command line; what
            // could still differ is the machine's state.
            let recorded = Results::read(&run_dir.join("results.json"))?;
            let now = fresh();
            if recorded.settings.traces_dir != now.settings.traces_dir {
                bail!(
                    "--resume {}: the run read its traces from {}, this one finds them in {} (pass --traces-dir or set {})",
                    run_dir.display(),
                    recorded.settings.traces_dir,
                    now.settings.traces_dir,
                    traces::ENV_TRACES_DIR
                );
            }
            if recorded.git.commit != now.git.commit {
                bail!(
                    "--resume {}: the run was made at commit {}, this checkout is at {}; its cells and new ones would come from two builds",
                    run_dir.display(),
                    recorded.git.short(),
                    now.git.short()
                );
            }
            (recorded, run_dir.clone())
        }
    };
    results.incomplete = true;
    let wall_before_s = results.wall_s;
    // Every trace with cells still to run is loaded and validated before anything is written:
    // a bad file ends the command with its error and no run directory.
    let has_todo = |trace: &str, workload: &str| {
        entries.iter().any(|e| !results.cells.iter().any(|c| c.subject == e.info.name && c.trace == trace && c.workload == workload))
    };
    let mut sequential = Vec::new();
    for tr in trace_refs.iter().filter(|tr| sequential_workloads.iter().any(|w| has_todo(&tr.name, w))) {
        sequential.push(traces::load_sequential(&tr.path, &tr.name)?);
    }
    let mut concurrent = Vec::new();
    for tr in concurrent_refs.iter().filter(|tr| has_todo(&tr.name, "concurrent")) {
        let trace = traces::load_concurrent(&tr.path, &tr.name)?;
        adapters::concurrent::check_agent_chains(&trace).map_err(|e| anyhow::anyhow!("{}: {e}", tr.path.display()))?;
        concurrent.push(trace);
    }
    std::fs::create_dir_all(&run_dir).with_context(|| format!("cannot create the run directory {} (see --out)", run_dir.display()))?;
    let command = crate::rundir::command_of(&results).to_owned();
    let run = Arc::new(Mutex::new(RunFile { results, dir: run_dir.clone(), patches: 0 }));
    lock(&run).save().with_context(|| format!("cannot write into {} (see --out)", run_dir.display()))?;
    eprintln!(
        "Writing results to {} as cells finish (`crdt-bench {command} --resume {}` finishes an interrupted run); cell timeout {cell_timeout_s} s per run (--cell-timeout).",
        run_dir.display(),
        run_dir.display(),
    );
    start_watchdog(&run, &command, cell_timeout_s);

    let bar = if args.no_progress || !std::io::stderr().is_terminal() {
        None
    } else {
        let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} runs  {wide_msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        Some(b)
    };
    let mut progress = Bar { bar, group: None };
    measure::install_quiet_panic_hook();

    // The entries of `workload` on `trace` that have no cell yet (all of them unless resuming).
    let todo = |trace: &str, workload: &str| -> Vec<adapters::Entry> {
        let run = lock(&run);
        let done = |e: &adapters::Entry| {
            run.results.cells.iter().any(|c| c.subject == e.info.name && c.trace == trace && c.workload == workload)
        };
        entries.iter().filter(|e| !done(e)).cloned().collect()
    };
    for trace in &sequential {
        let tr = trace;
        let stats = trace.stats();
        if progress.bar.is_none() {
            eprintln!("{}: {} subjects ...", tr.name, entries.len());
        }
        record_trace(&mut lock(&run), &tr.name, &stats);
        let inputs = measure::Inputs::new(trace, &entries, sel.granularity);
        for &workload in &sequential_workloads {
            let todo = todo(&tr.name, workload);
            if todo.is_empty() {
                continue;
            }
            progress.group = Some((tr.name.clone(), workload.to_owned()));
            let new_cells: Vec<Cell> = match workload {
                "local" => local_cells(args, trace, &todo, &inputs, &plan, &mut progress),
                "remote" | "load" => {
                    let which = if workload == "remote" { ByteWorkload::Remote } else { ByteWorkload::Load };
                    crate::workloads::run_trace(which, trace, &todo, &inputs, &plan, &mut progress)
                        .into_iter()
                        .map(|c| {
                            let mut cell = timed_cell(c.run, &tr.name, workload, stats.patches, None);
                            cell.bytes = c.bytes;
                            cell.format = c.format;
                            cell.ns_per_patch_median = None;
                            cell
                        })
                        .collect()
                }
                "memory" => {
                    let child = mem_child.as_deref().expect("located above");
                    let cells = measure::initial_cells(&trace.name, &todo, &plan, &mut progress);
                    crate::memory::run_trace(child, &tr.name, &dir.root, sel.granularity, &todo, cells, &mut progress)
                        .into_iter()
                        .map(|c| {
                            let mut cell = timed_cell(c.run, &tr.name, workload, stats.patches, None);
                            cell.ns_per_patch_median = None;
                            cell.bytes = c.retained_bytes;
                            cell.peak_bytes = c.peak_bytes;
                            cell
                        })
                        .collect()
                }
                other => unreachable!("workloads_of returned {other}"),
            };
            progress.group = None;
            let mut run = lock(&run);
            run.patches = stats.patches;
            merge_group(&mut run.results, &entries, &tr.name, workload, new_cells, &args.reference);
            run.results.wall_s = wall_before_s + started.elapsed().as_secs_f64();
            run.save()?;
        }
    }
    for trace in &concurrent {
        let tr = trace;
        let todo = todo(&tr.name, "concurrent");
        let stats = trace.stats();
        if progress.bar.is_none() {
            eprintln!("{} (concurrent): {} subjects ...", tr.name, entries.len());
        }
        {
            let mut run = lock(&run);
            record_trace(&mut run, &tr.name, &stats);
            run.patches = stats.patches;
        }
        progress.group = Some((tr.name.clone(), "concurrent".to_owned()));
        let runs = crate::workloads::run_concurrent_trace(trace, &todo, &plan, args.concurrent_strategy, &mut progress);
        progress.group = None;
        let strategy = |subject: &str| {
            let own = entries.iter().find(|e| e.info.name == subject).map(|e| e.concurrent_strategy).filter(|s| !s.is_empty());
            match args.concurrent_strategy {
                crate::workloads::ConcurrentStrategy::ForkPerTxn => own,
                crate::workloads::ConcurrentStrategy::PerAgent => own.map(|_| crate::workloads::ConcurrentStrategy::PER_AGENT),
            }
        };
        let new_cells = runs
            .into_iter()
            .map(|run| {
                let named = strategy(&run.subject).map(str::to_owned);
                let mut cell = timed_cell(run, &tr.name, "concurrent", stats.patches, None);
                cell.strategy = named;
                cell
            })
            .collect();
        let mut run = lock(&run);
        merge_group(&mut run.results, &entries, &tr.name, "concurrent", new_cells, &args.reference);
        run.results.wall_s = wall_before_s + started.elapsed().as_secs_f64();
        run.save()?;
    }
    if let Some(b) = &progress.bar {
        b.finish_and_clear();
    }
    // Every cell has run: the results are complete (the file on disk says so once `finish`
    // has written the run directory).
    let mut results = lock(&run).results.clone();
    results.wall_s = wall_before_s + started.elapsed().as_secs_f64();
    results.incomplete = false;
    Ok((results, run_dir))
}

/// Adds `name`'s record to the run's traces, once.
fn record_trace(run: &mut RunFile, name: &str, stats: &traces::TraceStats) {
    if !run.results.traces.iter().any(|t| t.name == name) {
        run.results.traces.push(trace_record(name, stats));
    }
    run.patches = stats.patches;
}

/// Puts the cells of one (trace, workload) group into `results`: the ones it had (a resumed
/// run's) and `new` ones, in `entries` order, with every speedup recomputed from the group's
/// reference cell.
fn merge_group(results: &mut Results, entries: &[adapters::Entry], trace: &str, workload: &str, new: Vec<Cell>, reference: &str) {
    let in_group = |c: &Cell| c.trace == trace && c.workload == workload;
    let (mut group, rest): (Vec<Cell>, Vec<Cell>) = std::mem::take(&mut results.cells).into_iter().partition(in_group);
    results.cells = rest;
    group.extend(new);
    group.sort_by_key(|c| entries.iter().position(|e| e.info.name == c.subject).unwrap_or(usize::MAX));
    if workload != "memory" {
        let ref_median = group.iter().find(|c| c.subject == reference).and_then(Cell::summary).map(|s| s.median_ns);
        for c in &mut group {
            c.speedup_vs_reference = match (c.summary(), ref_median) {
                (Some(s), Some(r)) => Some(r / s.median_ns),
                _ => None,
            };
        }
    }
    results.cells.extend(group);
}

/// Starts the `--cell-timeout` watchdog: a run past the limit is recorded as a failed cell in
/// the run's results file, and the process replaced by `crdt-bench COMMAND --resume DIR`
/// (see `watchdog.rs` for why a restart and not an abandoned thread).
fn start_watchdog(run: &Arc<Mutex<RunFile>>, command: &str, cell_timeout_s: f64) {
    let (run, command) = (Arc::clone(run), command.to_owned());
    watchdog::start(std::time::Duration::from_secs_f64(cell_timeout_s), move |cell| {
        let mut run = lock(&run);
        let limit = cell_timeout_s.to_string();
        let message = format!("timed out: a run took over {limit} s (--cell-timeout); the run went on without this cell");
        let failed = Cell {
            status: Status::Failed,
            message: Some(message),
            ..timed_cell(
                measure::CellRun { subject: cell.subject.clone(), status: Status::Failed, samples_ns: Vec::new(), message: None },
                &cell.trace,
                &cell.workload,
                run.patches,
                None,
            )
        };
        run.results.cells.retain(|c| !(c.subject == cell.subject && c.trace == cell.trace && c.workload == cell.workload));
        run.results.cells.push(failed);
        if let Err(e) = run.save() {
            eprintln!("\nerror: {e:#}");
            std::process::exit(i32::from(crate::EXIT_USAGE));
        }
        eprintln!(
            "\n{} on {} ({}) timed out after {limit} s: recorded as failed; going on in a fresh process (`crdt-bench {command} --resume {}`).",
            cell.subject,
            cell.trace,
            cell.workload,
            run.dir.display()
        );
        restart(&command, &run.dir);
    });
}

/// Replaces this process with `crdt-bench COMMAND --resume DIR`: the hung run's thread goes
/// with the old process image. Returns only if that fails (then the caller exits).
fn restart(command: &str, dir: &std::path::Path) {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("error: cannot find this binary to restart it ({e}); run `crdt-bench {command} --resume {}`", dir.display());
            return;
        }
    };
    let mut cmd = std::process::Command::new(exe);
    cmd.arg(command).arg("--resume").arg(dir);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = cmd.exec();
        eprintln!("error: restarting failed ({err}); run `crdt-bench {command} --resume {}`", dir.display());
    }
    #[cfg(not(unix))]
    {
        // No exec: run the rest in a child and end with its exit code.
        match cmd.status() {
            Ok(status) => std::process::exit(status.code().unwrap_or(i32::from(crate::EXIT_CELL_FAILED))),
            Err(err) => eprintln!("error: restarting failed ({err}); run `crdt-bench {command} --resume {}`", dir.display()),
        }
    }
}

/// The traces each kind of workload runs: `--traces` names, split by kind when `workloads`
/// has both kinds (`all`); by default the four standard sequential traces and every concurrent
/// trace in the directory. A trace of the wrong kind for the only kind asked for is an error.
fn pick_traces(
    arg: Option<&str>,
    dir: &TraceDir,
    workloads: &[&str],
) -> anyhow::Result<(Vec<traces::TraceRef>, Vec<traces::TraceRef>)> {
    let wants_concurrent = workloads.contains(&"concurrent");
    let wants_sequential = workloads.iter().any(|w| *w != "concurrent");
    let every_concurrent = || dir.list().into_iter().filter(|t| t.kind == TraceKind::Concurrent).collect::<Vec<_>>();
    match (wants_sequential, wants_concurrent, arg) {
        (true, false, _) => Ok((select::traces(arg, dir, TraceKind::Sequential)?, Vec::new())),
        (false, true, Some(_)) => Ok((Vec::new(), select::traces(arg, dir, TraceKind::Concurrent)?)),
        (false, true, None) => Ok((Vec::new(), every_concurrent())),
        (_, _, None) => Ok((select::traces(None, dir, TraceKind::Sequential)?, every_concurrent())),
        (_, _, Some(names)) => {
            let all = dir.list();
            let (mut seq, mut conc) = (Vec::new(), Vec::new());
            for name in names.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match all.iter().find(|t| t.name == name) {
                    Some(t) if t.kind == TraceKind::Concurrent => conc.push(name.to_owned()),
                    Some(_) => seq.push(name.to_owned()),
                    None => {
                        select::traces(Some(name), dir, TraceKind::Sequential)?;
                    }
                }
            }
            let seq = if seq.is_empty() { select::traces(None, dir, TraceKind::Sequential)? } else { select::traces(Some(&seq.join(",")), dir, TraceKind::Sequential)? };
            let conc = if conc.is_empty() { every_concurrent() } else { select::traces(Some(&conc.join(",")), dir, TraceKind::Concurrent)? };
            Ok((seq, conc))
        }
    }
}

/// The local workload's cells on one trace: samples, then the latency run.
fn local_cells(
    args: &CompareArgs,
    trace: &traces::SequentialTrace,
    entries: &[adapters::Entry],
    inputs: &measure::Inputs,
    plan: &SamplingPlan,
    progress: &mut Bar,
) -> Vec<Cell> {
    let sel = &args.select;
    let stats = trace.stats();
    let mut runs = measure::run_trace(trace, entries, inputs, plan, progress);
    // Per-txn latency means nothing when the whole trace is one txn.
    let mut latencies = match sel.granularity {
        Granularity::PerTxn => {
            latency::run_trace(trace, entries, inputs, &mut runs, plan.single_sample_above_ns, progress)
        }
        Granularity::WholeTrace => vec![None; entries.len()],
    };
    runs.into_iter()
        .zip(latencies.drain(..))
        .map(|(run, latency)| timed_cell(run, &trace.name, "local", stats.patches, latency))
        .collect()
}

/// The results file's record of a trace: its name and statistics.
fn trace_record(name: &str, stats: &traces::TraceStats) -> TraceRecord {
    TraceRecord {
        name: name.to_owned(),
        txns: stats.txns,
        patches: stats.patches,
        end_len_chars: stats.end_len_chars,
        peak_len_chars: stats.peak_len_chars,
        non_ascii_share: stats.non_ascii_share,
        single_char_share: stats.single_char_share,
    }
}

/// A results cell from a timed run (its speedup is set by [`merge_group`]).
fn timed_cell(
    run: measure::CellRun,
    trace: &str,
    workload: &str,
    patches: usize,
    latency: Option<crate::latency::Latency>,
) -> Cell {
    let summary = if run.status == Status::Ok { Summary::of(&run.samples_ns) } else { None };
    Cell {
        subject: run.subject,
        trace: trace.to_owned(),
        workload: workload.to_owned(),
        status: run.status,
        message: run.message,
        patches,
        samples_ns: run.samples_ns,
        median_ns: summary.as_ref().map(|s| s.median_ns),
        min_ns: summary.as_ref().map(|s| s.min_ns),
        q1_ns: summary.as_ref().map(|s| s.q1_ns),
        q3_ns: summary.as_ref().map(|s| s.q3_ns),
        ns_per_patch_median: summary.as_ref().map(|s| s.median_ns / patches as f64),
        speedup_vs_reference: None,
        latency,
        bytes: None,
        peak_bytes: None,
        format: None,
        strategy: None,
    }
}

/// Writes the finished run directory (see `rundir.rs`; `results.json` is no longer marked
/// incomplete) and `--json FILE`, and turns the cells' statuses into the exit code, listing
/// the cells that failed.
fn finish(args: &CompareArgs, results: Results, run_dir: &std::path::Path) -> anyhow::Result<u8> {
    debug_assert!(!results.incomplete, "measure_entries returns finished runs");
    let files = crate::rundir::write_run(run_dir, &results).context("writing the run directory")?;
    if let Some(path) = &args.json {
        results.write(path)?;
    }
    if let Some(name) = &args.save_baseline {
        let path = crate::ab::save_baseline(&results, name)?;
        eprintln!("Saved baseline \"{name}\" to {}", path.display());
    }
    let charts = files.iter().filter(|f| f.extension().is_some_and(|e| e == "png")).count();
    eprintln!(
        "\nWrote {} (results.json, results.csv, tables.md, {charts} charts as SVG and PNG){} in {:.0} s.",
        run_dir.display(),
        args.json.as_ref().map(|p| format!(" and {}", p.display())).unwrap_or_default(),
        results.wall_s
    );
    let bad: Vec<&Cell> = results.cells.iter().filter(|c| matches!(c.status, Status::Failed | Status::Panicked)).collect();
    if !bad.is_empty() {
        eprintln!("{} cell(s) failed verification, panicked or timed out:", bad.len());
        for c in bad {
            let status = format!("{:?}", c.status).to_lowercase();
            let message = c.message.as_deref().unwrap_or("");
            let first_line = message.lines().next().unwrap_or("");
            eprintln!("  {status:<9} {} on {} ({}): {first_line}", c.subject, c.trace, c.workload);
        }
        return Ok(EXIT_CELL_FAILED);
    }
    Ok(EXIT_OK)
}

pub fn verify(sel: SelectArgs) -> anyhow::Result<u8> {
    check_workload(&sel)?;
    let registry = adapters::registry();
    let entries = select::subjects(sel.subjects.as_deref(), &registry)?;
    let dir = locate_or_fetch(sel.traces_dir.as_deref())?;
    let trace_refs = select::traces(sel.traces.as_deref(), &dir, TraceKind::Sequential)?;
    measure::install_quiet_panic_hook();
    let mut bad = 0;
    for tr in &trace_refs {
        let trace = traces::load_sequential(&tr.path, &tr.name)?;
        for e in &entries {
            let txns = measure::prepare_txns(&trace, e.info.unit, sel.granularity);
            match measure::run_verified(e, &txns, &trace.end_content) {
                Ok(ns) => println!("ok        {:<28} {:<34} {}", e.info.name, tr.name, crate::report::fmt_time(ns as f64)),
                Err((status, msg)) => {
                    bad += 1;
                    println!("{:<9} {:<28} {:<34} {msg}", format!("{status:?}").to_lowercase(), e.info.name, tr.name);
                }
            }
        }
    }
    Ok(if bad > 0 { EXIT_CELL_FAILED } else { EXIT_OK })
}

/// `compare --resume DIR` (and `log --resume DIR`): finishes the interrupted run in DIR with
/// the settings recorded there (its command line is parsed again), running only the cells its
/// results file does not have. A flag given with `--resume` must have the value the run was
/// started with (or be left out).
pub fn resume(subcommand: &str, given: &CompareArgs, given_log: Option<&crate::cli::LogArgs>) -> anyhow::Result<u8> {
    use clap::Parser;
    use crate::cli::{Cli, Command};
    let dir = given.resume.clone().expect("called with --resume");
    let shown = dir.display();
    if !dir.is_dir() {
        bail!("--resume {shown}: not a directory (give the run directory, which holds results.json)");
    }
    let path = dir.join("results.json");
    if !path.is_file() {
        bail!("--resume {shown}: no results.json in it (was it a run directory?)");
    }
    let recorded = Results::read(&path)?;
    if !recorded.incomplete {
        bail!("--resume {shown}: that run is complete, nothing to resume (`crdt-bench plot {}` redraws it)", path.display());
    }
    let was = crate::rundir::command_of(&recorded);
    if was != subcommand {
        bail!("--resume {shown}: that is a `{was}` run; resume it with `crdt-bench {was} --resume {shown}`");
    }
    let parsed = Cli::try_parse_from(&recorded.command)
        .map_err(|e| anyhow::anyhow!("--resume {shown}: its recorded command line does not parse: {}", e.to_string().lines().next().unwrap_or("")))?;
    let defaults = Cli::try_parse_from(["crdt-bench", subcommand, "--resume", "DIR"]).expect("the defaults parse");
    match (parsed.command, defaults.command) {
        (Command::Compare(mut rec), Command::Compare(def)) => {
            check_resume_flags(&dir, &compare_flags(given), &compare_flags(&def), &compare_flags(&rec))?;
            rec.resume = Some(dir);
            rec.no_progress |= given.no_progress;
            compare(rec)
        }
        (Command::Log(mut rec), Command::Log(def)) => {
            let given_log = given_log.expect("a log resume passes its log args");
            let flags = |l: &crate::cli::LogArgs| {
                let mut f = compare_flags(&l.compare);
                f.extend([("--write-log", format!("{:?}", l.write_log)), ("--steps", format!("{:?}", l.steps)), ("--ablate", format!("{:?}", l.ablate))]);
                f
            };
            check_resume_flags(&dir, &flags(given_log), &flags(&def), &flags(&rec))?;
            rec.compare.resume = Some(dir);
            rec.compare.no_progress |= given.no_progress;
            log(rec)
        }
        _ => bail!("--resume {shown}: its recorded command line is not a `{subcommand}` command"),
    }
}

/// The flags of a compare-like command that set what a run measures or writes, each with its
/// value (as `Debug`, which is enough to compare them and to show them).
fn compare_flags(a: &CompareArgs) -> Vec<(&'static str, String)> {
    let s = &a.select;
    vec![
        ("--traces", format!("{:?}", s.traces)),
        ("--subjects", format!("{:?}", s.subjects)),
        ("--traces-dir", format!("{:?}", s.traces_dir)),
        ("--workload", format!("{:?}", s.workload)),
        ("--granularity", format!("{:?}", s.granularity)),
        ("--quick", format!("{:?}", a.quick)),
        ("--reference", format!("{:?}", a.reference)),
        ("--budget", format!("{:?}", a.budget)),
        ("--rounds", format!("{:?}", a.rounds)),
        ("--min-samples", format!("{:?}", a.min_samples)),
        ("--json", format!("{:?}", a.json)),
        ("--out", format!("{:?}", a.out)),
        ("--save-baseline", format!("{:?}", a.save_baseline)),
        ("--cell-timeout", format!("{:?}", a.cell_timeout)),
        ("--concurrent-strategy", format!("{:?}", a.concurrent_strategy)),
    ]
}

/// A flag given with `--resume` (not at its default) must equal the recorded one.
fn check_resume_flags(
    dir: &std::path::Path,
    given: &[(&'static str, String)],
    defaults: &[(&'static str, String)],
    recorded: &[(&'static str, String)],
) -> anyhow::Result<()> {
    for (((flag, g), (_, d)), (_, r)) in given.iter().zip(defaults).zip(recorded) {
        if g != d && g != r {
            bail!(
                "--resume {}: {flag} {} conflicts with the run, which was started with {}; resume with the recorded settings (leave {flag} out)",
                dir.display(),
                show_flag_value(g),
                if r == d { format!("no {flag}") } else { format!("{flag} {}", show_flag_value(r)) }
            );
        }
    }
    Ok(())
}

/// `Some("x")` -> `x`, for messages.
fn show_flag_value(debug: &str) -> String {
    let inner = debug.strip_prefix("Some(").and_then(|s| s.strip_suffix(')')).unwrap_or(debug);
    inner.trim_matches('"').to_owned()
}
