use std::time::Instant;

use traces::units::PosUnit;
use traces::{ConcurrentTxn, Txn};

use crate::subject::{replay_local, replay_local_observed, Doc, Subject, WorkloadError};

/// The subject speedups are measured against unless `--reference` says otherwise.
pub const REFERENCE_DEFAULT: &str = "diamond-types";

/// Whether a subject is a CRDT or a no-CRDT lower bound (labelled as such in every table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A CRDT from another project.
    Library,
    /// A step of our own engine.
    Engine,
    /// No CRDT: plain text editing, the floor no CRDT can beat.
    LowerBound,
}

/// What the tables and the results JSON say about a subject.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SubjectInfo {
    /// Stable name used on the command line and in results (`diamond-types`, `engine/s00-…`).
    pub name: &'static str,
    /// Human label for tables, e.g. `cola + jumprope (text)`.
    pub label: &'static str,
    pub kind: Kind,
    /// Position unit its API takes; patches are converted to it before timing.
    pub unit: PosUnit,
    /// Crate and exact version (from Cargo.lock at build time where possible).
    pub version: &'static str,
    /// Settings that affect fairness, printed with the results.
    pub notes: &'static str,
    /// Traces this subject is known to be too slow for (an engine step's registry says so);
    /// their cells are reported as `unsupported` instead of being run.
    pub skip_traces: &'static [&'static str],
    /// Traces a `--quick` run skips for this subject (too slow for a quick run); the cells
    /// say so.
    pub quick_skip_traces: &'static [&'static str],
}

/// A registered subject: its description and its type-erased entry points.
#[derive(Clone)]
pub struct Entry {
    pub info: SubjectInfo,
    /// Replays `txns` through [`replay_local`], timing exactly that call. Returns the elapsed
    /// nanoseconds and the document (dropped by the caller, outside the timed region).
    pub timed_local: fn(&[Txn]) -> (u64, Box<dyn Doc>),
    /// The latency run: the same replay ([`replay_local_observed`]) with the clock read after
    /// every txn. Returns each txn's nanoseconds, in order, and the document. The clock reads
    /// add tens of nanoseconds per txn, so its total is not a throughput sample.
    pub latency_local: fn(&[Txn]) -> (Vec<u64>, Box<dyn Doc>),
    /// The `remote` workload: the whole history in the library's sync format, and a fresh
    /// replica of another agent integrating it.
    pub remote: Codec,
    /// The `load` workload: the document in the library's storage format, and loading it.
    pub load: Codec,
    /// The `concurrent` workload: how replicas are forked and merged, and the timed replay
    /// ([`crate::concurrent::replay_concurrent`]) of txns in this subject's position unit.
    pub concurrent_strategy: &'static str,
    pub timed_concurrent: fn(&[ConcurrentTxn]) -> Result<(u64, Box<dyn Doc>), WorkloadError>,
    /// The same workload under the per-agent strategy
    /// ([`crate::concurrent::replay_per_agent`]: one long-lived replica per agent, no fork),
    /// for subjects whose fork copies the whole document.
    pub timed_concurrent_per_agent: fn(&[ConcurrentTxn]) -> Result<(u64, Box<dyn Doc>), WorkloadError>,
}

/// One direction of bytes for a workload that moves a document between replicas: `export`
/// builds the bytes from a replay of the trace (untimed); `timed_import` times decoding them
/// into a fresh replica, exactly that, and hands the replica back for verification (outside
/// the timed region).
#[derive(Clone, Copy)]
pub struct Codec {
    /// What the bytes are (`yrs update v1`, ...); empty when unsupported.
    pub format: &'static str,
    pub export: fn(&[Txn]) -> Result<Vec<u8>, WorkloadError>,
    pub timed_import: fn(&[u8]) -> Result<(u64, Box<dyn Doc>), WorkloadError>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").field("info", &self.info).finish()
    }
}

fn timed_local<S: Subject + 'static>(txns: &[Txn]) -> (u64, Box<dyn Doc>) {
    let start = Instant::now();
    let doc = replay_local::<S>(txns);
    let ns = start.elapsed().as_nanos() as u64;
    (ns, Box::new(doc))
}

fn latency_local<S: Subject + 'static>(txns: &[Txn]) -> (Vec<u64>, Box<dyn Doc>) {
    let mut stamps = Vec::with_capacity(txns.len() + 1);
    let doc = replay_local_observed::<S, _>(txns, |_| stamps.push(Instant::now()));
    let txn_ns = stamps.windows(2).map(|w| (w[1] - w[0]).as_nanos() as u64).collect();
    (txn_ns, Box::new(doc))
}

fn save_export<S: Subject + 'static>(txns: &[Txn]) -> Result<Vec<u8>, WorkloadError> {
    replay_local::<S>(txns).save()
}

fn timed_load<S: Subject + 'static>(bytes: &[u8]) -> Result<(u64, Box<dyn Doc>), WorkloadError> {
    let start = Instant::now();
    let doc = S::load(bytes)?;
    let ns = start.elapsed().as_nanos() as u64;
    Ok((ns, Box::new(doc)))
}

fn timed_concurrent<S: Subject + 'static>(txns: &[ConcurrentTxn]) -> Result<(u64, Box<dyn Doc>), WorkloadError> {
    let start = Instant::now();
    let doc = crate::concurrent::replay_concurrent::<S>(txns)?;
    let ns = start.elapsed().as_nanos() as u64;
    Ok((ns, Box::new(doc)))
}

fn timed_concurrent_per_agent<S: Subject + 'static>(txns: &[ConcurrentTxn]) -> Result<(u64, Box<dyn Doc>), WorkloadError> {
    // Untimed: whether the strategy can replay these txns at all.
    crate::concurrent::check_per_agent(txns).map_err(WorkloadError::Failed)?;
    let start = Instant::now();
    let doc = crate::concurrent::replay_per_agent::<S>(txns)?;
    let ns = start.elapsed().as_nanos() as u64;
    Ok((ns, Box::new(doc)))
}

fn timed_import<S: Subject + 'static>(bytes: &[u8]) -> Result<(u64, Box<dyn Doc>), WorkloadError> {
    let start = Instant::now();
    let doc = S::import_updates(bytes)?;
    let ns = start.elapsed().as_nanos() as u64;
    Ok((ns, Box::new(doc)))
}

/// Builds an entry for subject type `S`.
pub(crate) fn make<S: Subject + 'static>(info: SubjectInfo) -> Entry {
    Entry {
        info,
        timed_local: timed_local::<S>,
        latency_local: latency_local::<S>,
        remote: Codec { format: S::SYNC_FORMAT, export: S::remote_history, timed_import: timed_import::<S> },
        load: Codec { format: S::SAVE_FORMAT, export: save_export::<S>, timed_import: timed_load::<S> },
        concurrent_strategy: S::CONCURRENT_STRATEGY,
        timed_concurrent: timed_concurrent::<S>,
        timed_concurrent_per_agent: timed_concurrent_per_agent::<S>,
    }
}

/// Every subject compiled into this build, in table order: our engine, the libraries, then the
/// lower bounds (then, only with `CRDT_BENCH_TEST_SUBJECTS=1`, the broken test subjects).
pub fn registry() -> Vec<Entry> {
    let mut out = Vec::new();
    crate::engine_adapter::register(&mut out);
    #[cfg(feature = "diamond-types")]
    out.push(crate::diamond_adapter::entry());
    #[cfg(feature = "cola")]
    out.push(crate::cola_adapter::entry());
    #[cfg(feature = "loro")]
    out.push(crate::loro_adapter::entry());
    #[cfg(feature = "automerge")]
    out.push(crate::automerge_adapter::entry());
    #[cfg(feature = "yrs")]
    out.push(crate::yrs_adapter::entry());
    crate::lower_bounds::register(&mut out);
    crate::broken::register(&mut out);
    out
}

/// Looks a subject up by name.
pub fn entry(name: &str) -> Option<Entry> {
    registry().into_iter().find(|e| e.info.name == name)
}
