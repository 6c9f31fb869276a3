//! The `remote` and `load` workloads (a document moved between replicas as bytes), and the
//! `concurrent` workload (see [`run_concurrent_trace`]).
//!
//! For each subject: its [`Codec::export`] replays the trace (untimed) and encodes the
//! document: for `remote` its whole history in the library's sync format, for `load` the
//! document in its storage format (a snapshot where the library has one). Then samples, exactly
//! as the local workload's ([`measure::run_interleaved`]: verified first run, interleaved
//! shuffled rounds, every sample verified), each timing [`Codec::timed_import`]: decoding the
//! bytes into a fresh replica (of another agent, for `remote`) and integrating them. The
//! replica's text is compared with `endContent` outside the timed region. The cell carries the
//! encoded size (`bytes`) and the format.

use std::panic::{catch_unwind, AssertUnwindSafe};

use adapters::{Codec, Entry, WorkloadError};
use traces::SequentialTrace;

use crate::measure::{self, CellRun, Inputs, Progress, SamplingPlan, Status};

/// Which of the two byte workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteWorkload {
    Remote,
    Load,
}

impl ByteWorkload {
    pub fn name(self) -> &'static str {
        match self {
            ByteWorkload::Remote => "remote",
            ByteWorkload::Load => "load",
        }
    }

    fn codec(self, e: &Entry) -> &Codec {
        match self {
            ByteWorkload::Remote => &e.remote,
            ByteWorkload::Load => &e.load,
        }
    }
}

/// A cell of a byte workload: the samples, and the encoded size and format when it has them.
pub struct ByteCell {
    pub run: CellRun,
    pub bytes: Option<u64>,
    pub format: Option<String>,
}

fn from_error(e: WorkloadError) -> (Status, String) {
    match e {
        WorkloadError::Unsupported(why) => (Status::Unsupported, why.to_owned()),
        WorkloadError::Failed(why) => (Status::Failed, why),
    }
}

/// One verified import of `bytes`: `Ok(ns)` only when the replica's text is `end_content`.
pub fn import_verified(codec: &Codec, bytes: &[u8], end_content: &str) -> Result<u64, (Status, String)> {
    let imported = catch_unwind(AssertUnwindSafe(|| (codec.timed_import)(bytes)))
        .map_err(|_| (Status::Panicked, measure::take_panic_message()))?;
    let (ns, doc) = imported.map_err(from_error)?;
    measure::run_checked(|| (ns, doc), end_content)
}

/// Runs `workload` for `entries` on `trace` (see the module doc).
pub fn run_trace(
    workload: ByteWorkload,
    trace: &SequentialTrace,
    entries: &[Entry],
    inputs: &Inputs,
    plan: &SamplingPlan,
    progress: &mut dyn Progress,
) -> Vec<ByteCell> {
    let mut cells = measure::initial_cells(&trace.name, entries, plan, progress);
    // Untimed: replay and encode, once per subject.
    progress.planned(entries.len() as u64);
    let mut encoded: Vec<Option<Vec<u8>>> = Vec::with_capacity(entries.len());
    for (e, cell) in entries.iter().zip(cells.iter_mut()) {
        if cell.status != Status::Ok {
            encoded.push(None);
            progress.ran(&format!("{} {}: skipped", trace.name, e.info.name));
            continue;
        }
        let codec = workload.codec(e);
        let result = measure::watched(progress, e.info.name, || catch_unwind(AssertUnwindSafe(|| (codec.export)(inputs.get(e)))))
            .map_err(|_| (Status::Panicked, format!("encoding: {}", measure::take_panic_message())))
            .and_then(|r| r.map_err(from_error));
        match result {
            Ok(bytes) => encoded.push(Some(bytes)),
            Err((status, message)) => {
                cell.status = status;
                cell.message = Some(message);
                encoded.push(None);
            }
        }
        progress.ran(&format!("{} {}: encoded", trace.name, e.info.name));
    }
    let index_of = |e: &Entry| entries.iter().position(|x| std::ptr::eq(x, e)).expect("an entry of this run");
    let runs = measure::run_interleaved(&trace.name, entries, cells, plan, progress, |e| {
        let bytes = encoded[index_of(e)].as_deref().expect("encoded before sampling");
        import_verified(workload.codec(e), bytes, &trace.end_content)
    });
    runs.into_iter()
        .zip(entries)
        .zip(&encoded)
        .map(|((run, e), bytes)| {
            let ok = run.status == Status::Ok;
            ByteCell {
                bytes: bytes.as_ref().filter(|_| ok).map(|b| b.len() as u64),
                format: Some(workload.codec(e).format.to_owned()).filter(|f| !f.is_empty()),
                run,
            }
        })
        .collect()
}

/// How the `concurrent` workload gives each txn a replica holding the merge of its parents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ConcurrentStrategy {
    /// Fork a replica per txn from its first parent (taken over, not copied, by the parent's
    /// last child where the library can change a replica's agent) and merge the other
    /// parents into it: right for every history.
    #[default]
    ForkPerTxn,
    /// One long-lived replica per agent, merging from each parent's agent what it lacks: no
    /// fork at all, but right only when each parent is still its agent's latest txn when used
    /// (checked per trace; a trace it does not suit gets unsupported cells naming the txn).
    PerAgent,
}

impl ConcurrentStrategy {
    /// For the cells' `strategy`: how replicas are made, in the per-agent case (the fork per
    /// txn case is each subject's own `concurrent_strategy` text).
    pub const PER_AGENT: &'static str =
        "per agent (one long-lived replica per agent, merging from each parent's agent what it lacks; no fork)";
}

/// The `concurrent` workload on one concurrent trace: samples as the local workload's
/// ([`measure::run_interleaved`]), each one replay of the whole DAG
/// ([`adapters::concurrent::replay_concurrent`], fork per txn) verified against `endContent`.
/// Positions are converted per subject unit before any timing.
pub fn run_concurrent_trace(
    trace: &traces::ConcurrentTrace,
    entries: &[Entry],
    plan: &SamplingPlan,
    strategy: ConcurrentStrategy,
    progress: &mut dyn Progress,
) -> Vec<CellRun> {
    let mut cells = measure::initial_cells(&trace.name, entries, plan, progress);
    // The per-agent strategy is right only for some histories: checked once, before anything
    // runs; a trace it does not suit gets unsupported cells that say why (the txn).
    if strategy == ConcurrentStrategy::PerAgent {
        if let Err(why) = adapters::concurrent::check_per_agent(&trace.txns) {
            for cell in cells.iter_mut().filter(|c| c.status == Status::Ok) {
                cell.status = Status::Unsupported;
                cell.message = Some(format!("the per-agent strategy does not suit this trace: {why}"));
            }
            return cells;
        }
    }
    let timed = |e: &Entry| match strategy {
        ConcurrentStrategy::ForkPerTxn => e.timed_concurrent,
        ConcurrentStrategy::PerAgent => e.timed_concurrent_per_agent,
    };
    let mut inputs: Vec<(adapters::PosUnit, Result<Vec<traces::ConcurrentTxn>, WorkloadError>)> = Vec::new();
    for e in entries {
        if !inputs.iter().any(|(u, _)| *u == e.info.unit) {
            let converted = catch_unwind(AssertUnwindSafe(|| adapters::concurrent::concurrent_txns_in_unit(trace, e.info.unit)))
                .unwrap_or_else(|_| Err(WorkloadError::Failed(format!("converting positions: {}", measure::take_panic_message()))));
            inputs.push((e.info.unit, converted));
        }
    }
    let input = |e: &Entry| &inputs.iter().find(|(u, _)| *u == e.info.unit).expect("converted for every unit").1;
    for (e, cell) in entries.iter().zip(cells.iter_mut()) {
        if cell.status != Status::Ok {
            continue;
        }
        if let Err(err) = input(e) {
            let (status, message) = from_error(err.clone());
            cell.status = status;
            cell.message = Some(message);
            progress.ran(&format!("{} {}: no input", trace.name, e.info.name));
        }
    }
    measure::run_interleaved(&trace.name, entries, cells, plan, progress, |e| {
        let txns = input(e).as_ref().expect("cells without input are not run");
        let replayed = catch_unwind(AssertUnwindSafe(|| (timed(e))(txns)))
            .map_err(|_| (Status::Panicked, measure::take_panic_message()))?;
        let (ns, doc) = replayed.map_err(from_error)?;
        measure::run_checked(|| (ns, doc), &trace.end_content)
    })
}
