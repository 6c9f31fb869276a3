//! Interleaved, verified timing of subjects on a trace.
//!
//! For one trace:
//! 1. **Verify and warm up.** Each subject replays the trace once; its text must equal
//!    `endContent` or the cell is `failed` (`panicked` if it panicked) and leaves the run.
//! 2. **Plan.** From that first time, each subject gets a number of samples that fits the
//!    per-cell budget: at least `min_samples`, at most `max_samples`.
//! 3. **Sample, interleaved.** `rounds` rounds (more if a cell would run over
//!    [`MAX_SAMPLES_IN_A_ROW`] samples per round); in each, every subject runs its share of
//!    samples, in an order shuffled every round ([`round_order`]), so that drift of the
//!    machine (these machines switch between speed regimes) hits every subject alike, and no
//!    subject always runs right after the same one. **Every sample is verified**
//!    against `endContent` before its time is kept.
//!
//! A first run that takes at least [`FIRST_RUN_COUNTS_NS`] counts as a sample: warm-up effects
//! are negligible at that length and it saves the slowest libraries one multi-second run.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use adapters::{Doc, Entry, PosUnit, Txn};
use traces::units::txns_in_unit;
use traces::SequentialTrace;

/// See the module doc.
pub const FIRST_RUN_COUNTS_NS: u64 = 1_000_000_000;

/// How trace txns map to library transactions. Printed with every result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Granularity {
    /// One transaction / commit per trace txn: what a live editor syncing each edit must do.
    PerTxn,
    /// One transaction for the whole trace, as some published tables did. Labelled as such.
    WholeTrace,
}

impl Granularity {
    pub fn describe(self) -> &'static str {
        match self {
            Granularity::PerTxn => "one transaction per trace txn",
            Granularity::WholeTrace => "one transaction for the whole trace (NOT how a live editor syncs)",
        }
    }
}

/// Sampling settings.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SamplingPlan {
    /// Target total timed time per (subject, trace) cell.
    pub budget_ns_per_cell: u64,
    pub rounds: usize,
    pub min_samples: usize,
    pub max_samples: usize,
    /// `--quick` only (and `Some` exactly in quick runs, which also skip the subjects'
    /// `quick_skip_traces`): a cell whose verified first run takes at least this long is timed by
    /// that run alone (n = 1), to keep the quick table within minutes. `None` otherwise.
    pub single_sample_above_ns: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Failed,
    Panicked,
    Unsupported,
}

/// One (subject, trace) cell: its samples or why it has none.
#[derive(Clone, Debug)]
pub struct CellRun {
    pub subject: String,
    pub status: Status,
    pub samples_ns: Vec<u64>,
    pub message: Option<String>,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the panic hook with one that records the message instead of printing it (a
/// panicking subject is reported in its cell, and must not scribble over the progress bar).
pub fn install_quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
    }));
}

pub(crate) fn take_panic_message() -> String {
    LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "panicked".into())
}

/// Txns as one subject must receive them: in its position unit, grouped per `granularity`.
/// Built before any timing.
pub fn prepare_txns(trace: &SequentialTrace, unit: PosUnit, granularity: Granularity) -> Vec<Txn> {
    let txns = txns_in_unit(trace, unit);
    match granularity {
        Granularity::PerTxn => txns,
        Granularity::WholeTrace => vec![Txn { patches: txns.into_iter().flat_map(|t| t.patches).collect() }],
    }
}

/// Describes how `got` differs from `want`, for a failed cell.
pub fn describe_mismatch(got: &str, want: &str) -> String {
    let (g, w): (Vec<char>, Vec<char>) = (got.chars().collect(), want.chars().collect());
    let at = g.iter().zip(&w).position(|(a, b)| a != b).unwrap_or(g.len().min(w.len()));
    let around = |s: &[char]| -> String {
        s[at.saturating_sub(10)..(at + 20).min(s.len())].iter().collect::<String>().escape_debug().to_string()
    };
    format!(
        "text differs from endContent: got {} chars, want {}; first difference at char {at}: got \"{}\", want \"{}\"",
        g.len(),
        w.len(),
        around(&g),
        around(&w)
    )
}

/// Runs `entry` once on `txns` and verifies the result. `Ok(ns)` only for a verified run.
pub fn run_verified(entry: &Entry, txns: &[Txn], end_content: &str) -> Result<u64, (Status, String)> {
    run_checked(|| (entry.timed_local)(txns), end_content)
}

/// Runs `replay` (one of an [`Entry`]'s replay functions), catching a panic, and verifies the
/// document it returns against `end_content`. `Ok` only for a verified run.
pub fn run_checked<T>(replay: impl FnOnce() -> (T, Box<dyn Doc>), end_content: &str) -> Result<T, (Status, String)> {
    let (measured, mut doc) =
        catch_unwind(AssertUnwindSafe(replay)).map_err(|_| (Status::Panicked, take_panic_message()))?;
    let text = catch_unwind(AssertUnwindSafe(|| doc.text()))
        .map_err(|_| (Status::Panicked, format!("reading the text: {}", take_panic_message())))?;
    // Dropping a big document can take a while; it is outside the timed region either way.
    drop(doc);
    if text != end_content {
        return Err((Status::Failed, describe_mismatch(&text, end_content)));
    }
    Ok(measured)
}

/// Progress callback: called after every run with a short description.
pub trait Progress {
    fn planned(&mut self, runs: u64);
    fn ran(&mut self, what: &str);
    /// The (trace, workload) the runs now starting belong to, when a run should be under the
    /// `--cell-timeout` watchdog (see [`watched`]); `None` (the default) for no watchdog.
    fn group(&self) -> Option<(&str, &str)> {
        None
    }
}

/// Runs `run` (one run of `subject`: a sample, a latency run, an encoding) with the watchdog's
/// clock going, when `progress` names a group (see `watchdog.rs`).
pub fn watched<T>(progress: &dyn Progress, subject: &str, run: impl FnOnce() -> T) -> T {
    let _armed = progress.group().map(|(trace, workload)| {
        crate::watchdog::arm(|| crate::watchdog::CellId {
            subject: subject.to_owned(),
            trace: trace.to_owned(),
            workload: workload.to_owned(),
        })
    });
    run()
}

/// One trace's txns as each of a set of subjects must receive them: built once per position
/// unit, before any timing, and shared by the throughput and latency runs.
pub struct Inputs(Vec<(PosUnit, Vec<Txn>)>);

impl Inputs {
    pub fn new(trace: &SequentialTrace, entries: &[Entry], granularity: Granularity) -> Inputs {
        let mut inputs: Vec<(PosUnit, Vec<Txn>)> = Vec::new();
        for e in entries {
            if !inputs.iter().any(|(u, _)| *u == e.info.unit) {
                inputs.push((e.info.unit, prepare_txns(trace, e.info.unit, granularity)));
            }
        }
        Inputs(inputs)
    }

    /// The txns for `entry`, which must be one of the entries the inputs were built for.
    pub fn get(&self, entry: &Entry) -> &[Txn] {
        &self.0.iter().find(|(u, _)| *u == entry.info.unit).expect("inputs built for this entry's unit").1
    }
}

/// Times `entries` on `trace` (see the module doc), with `inputs` built for them. Returns one
/// cell per entry, in order.
pub fn run_trace(
    trace: &SequentialTrace,
    entries: &[Entry],
    inputs: &Inputs,
    plan: &SamplingPlan,
    progress: &mut dyn Progress,
) -> Vec<CellRun> {
    let cells = initial_cells(&trace.name, entries, plan, progress);
    run_interleaved(&trace.name, entries, cells, plan, progress, |e| run_verified(e, inputs.get(e), &trace.end_content))
}

/// One cell per entry, `Ok` (to be run) unless the subject's registry entry skips this trace
/// (`unsupported`, saying why). Shared by every timed workload.
pub fn initial_cells(
    trace_name: &str,
    entries: &[Entry],
    plan: &SamplingPlan,
    progress: &mut dyn Progress,
) -> Vec<CellRun> {
    progress.planned(entries.len() as u64);
    let base_name = trace_name.strip_prefix("ascii_only/").unwrap_or(trace_name);
    entries
        .iter()
        .map(|e| {
            let mut cell = CellRun { subject: e.info.name.to_owned(), status: Status::Ok, samples_ns: Vec::new(), message: None };
            if plan.single_sample_above_ns.is_some() && e.info.quick_skip_traces.contains(&base_name) {
                cell.status = Status::Unsupported;
                cell.message = Some("skipped in --quick: the subject's registry entry marks this trace as too slow for a quick run".into());
                progress.ran(&format!("{trace_name} {}: skipped (quick)", e.info.name));
            } else if e.info.skip_traces.contains(&base_name) {
                cell.status = Status::Unsupported;
                cell.message = Some("skipped: the subject's registry entry marks this trace as too slow for it".into());
                progress.ran(&format!("{trace_name} {}: skipped", e.info.name));
            }
            cell
        })
        .collect()
}

/// Steps 1-3 of the module doc for any timed workload: `run_once(entry)` runs one verified
/// sample of `entry` (`Ok(ns)` only for a verified run). Cells not `Ok` in `cells` are not
/// run (whoever set them reported them to `progress`). Returns `cells` with their samples.
pub fn run_interleaved(
    trace_name: &str,
    entries: &[Entry],
    mut cells: Vec<CellRun>,
    plan: &SamplingPlan,
    progress: &mut dyn Progress,
    mut run_once: impl FnMut(&Entry) -> Result<u64, (Status, String)>,
) -> Vec<CellRun> {
    // 1. Verify and warm up (`initial_cells` planned these runs, one per entry).
    let mut needed = vec![0usize; entries.len()];
    for (i, e) in entries.iter().enumerate() {
        if cells[i].status != Status::Ok {
            continue;
        }
        match watched(progress, e.info.name, || run_once(e)) {
            Ok(ns) => {
                let want = (plan.budget_ns_per_cell / ns.max(1)) as usize;
                let mut n = want.clamp(plan.min_samples, plan.max_samples);
                if plan.single_sample_above_ns.is_some_and(|limit| ns >= limit) {
                    n = 1;
                }
                if ns >= FIRST_RUN_COUNTS_NS {
                    cells[i].samples_ns.push(ns);
                    n -= 1;
                }
                needed[i] = n;
            }
            Err((status, msg)) => {
                cells[i].status = status;
                cells[i].message = Some(msg);
            }
        }
        progress.ran(&format!("{trace_name} {}: verified", e.info.name));
    }

    // 2 + 3. Interleaved rounds; samples spread evenly over the rounds. More rounds than asked
    // when a cell would otherwise run many samples in a row: a regime switch of the machine
    // lasting a few hundred ms then hit one subject's block of samples and moved its median
    // (an ablation run had the best step 1.4x slower on sveltecomponent than every variant).
    progress.planned(needed.iter().sum::<usize>() as u64);
    let rounds = effective_rounds(plan.rounds, &needed);
    for r in 0..rounds {
        for i in round_order(entries.len(), r) {
            if cells[i].status != Status::Ok {
                continue;
            }
            let share = needed[i] * (r + 1) / rounds - needed[i] * r / rounds;
            for _ in 0..share {
                let e = &entries[i];
                match watched(progress, e.info.name, || run_once(e)) {
                    Ok(ns) => cells[i].samples_ns.push(ns),
                    Err((status, msg)) => {
                        // A subject that passed once and fails later is non-deterministic:
                        // its earlier samples are not trustworthy either.
                        cells[i].status = status;
                        cells[i].message = Some(format!("failed on a later run: {msg}"));
                        cells[i].samples_ns.clear();
                        break;
                    }
                }
                progress.ran(&format!("{trace_name} {}", e.info.name));
            }
        }
    }
    cells
}

/// The most samples one subject runs in a row within a round.
pub const MAX_SAMPLES_IN_A_ROW: usize = 2;

/// Rounds to run: at least `asked` (and 1), and enough that no cell runs more than
/// [`MAX_SAMPLES_IN_A_ROW`] of its `needed` samples per round.
pub fn effective_rounds(asked: usize, needed: &[usize]) -> usize {
    let most = needed.iter().copied().max().unwrap_or(0);
    asked.max(1).max(most.div_ceil(MAX_SAMPLES_IN_A_ROW))
}

/// The order in which `len` subjects run in round `round`: a permutation that changes every
/// round (Fisher-Yates driven by SplitMix64 seeded with the round), the same for the same
/// round in every run.
///
/// Rotating one fixed order (what this did before) kept neighbours together: in a 35-subject
/// `log`, steps adjacent in the list always ran within moments of each other, so a regime
/// switch of the machine could slow a whole block of them in every round (a `log --quick`
/// had five adjacent steps 1.35x slower on one trace than `ab` found them).
pub fn round_order(len: usize, round: usize) -> Vec<usize> {
    let mut state = (round as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut next = move || {
        // SplitMix64.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..len).collect();
    for i in (1..len).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_grow_so_that_no_cell_runs_many_samples_in_a_row() {
        assert_eq!(effective_rounds(10, &[5, 7]), 10);
        assert_eq!(effective_rounds(0, &[]), 1);
        assert_eq!(effective_rounds(10, &[700, 3]), 350);
        let needed = [701, 40, 1];
        let rounds = effective_rounds(3, &needed);
        for &n in &needed {
            let mut total = 0;
            for r in 0..rounds {
                let share = n * (r + 1) / rounds - n * r / rounds;
                assert!(share <= MAX_SAMPLES_IN_A_ROW, "{share} samples in a row");
                total += share;
            }
            assert_eq!(total, n);
        }
    }

    #[test]
    fn round_orders_are_permutations_that_change_every_round() {
        for len in [0, 1, 2, 5, 35] {
            for round in 0..20 {
                let mut order = round_order(len, round);
                assert_eq!(order, round_order(len, round), "not deterministic");
                order.sort_unstable();
                assert_eq!(order, (0..len).collect::<Vec<_>>(), "not a permutation");
            }
        }
        let orders: Vec<Vec<usize>> = (0..10).map(|round| round_order(35, round)).collect();
        for pair in orders.windows(2) {
            assert_ne!(pair[0], pair[1], "two rounds in the same order");
        }
        // Subject 0 does not always run first, and not always right before subject 1.
        assert!(orders.iter().any(|order| order[0] != 0));
        let always_followed = orders.iter().all(|order| {
            let at = order.iter().position(|&i| i == 0).unwrap();
            order.get(at + 1) == Some(&1)
        });
        assert!(!always_followed, "subject 1 always follows subject 0");
    }

    #[test]
    fn mismatch_description_points_at_first_difference() {
        let m = describe_mismatch("hello world", "hello there");
        assert!(m.contains("first difference at char 6"), "{m}");
        assert!(m.contains("got 11 chars, want 11"), "{m}");
        let m = describe_mismatch("abc", "abcd");
        assert!(m.contains("at char 3"), "{m}");
    }
}
