use traces::{Patch, Txn};

/// A capability this subject does not have (e.g. `fork` on a no-CRDT lower bound).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsupported;

/// A text document that can replay an editing trace.
///
/// Positions in the patches are in the unit the subject declares in its
/// [`SubjectInfo::unit`](crate::SubjectInfo::unit) (almost always code points); the harness
/// converts them before timing starts, in `traces::units`, never inside an adapter.
///
/// Every CRDT subject must keep what it needs to merge with a peer (its history / metadata):
/// that is the work a real editor pays for, and what makes the comparison fair.
pub trait Subject: Sized {
    /// A fresh, empty document, editing as one fixed agent (so runs are deterministic).
    fn new_doc() -> Self;

    /// Applies one transaction: each patch in order (delete `del_chars` at `pos_chars`, then
    /// insert `ins` there), then ends the transaction (commit, where the library has one).
    fn apply_txn(&mut self, patches: &[Patch]);

    /// Applies whatever edits the subject still buffers. Called once, inside the timed region,
    /// after the last txn of a replay: a subject that buffers edits cannot leave work past
    /// the timer. Default: nothing to do.
    fn finish(&mut self) {}

    /// The whole text. Not timed.
    fn text(&mut self) -> String;

    /// Length in code points. Not timed.
    fn len_chars(&mut self) -> usize {
        self.text().chars().count()
    }

    // Capabilities for the merge, remote and load workloads. Optional: the default says the
    // subject does not support them, and the harness reports such cells as `unsupported`.

    /// A fresh, empty document editing as agent `agent` of a concurrent trace (named as
    /// [`crate::concurrent::agent_name`] says, or numbered `agent + 1` where the library
    /// numbers its peers). Replicas made this way must merge: a library whose documents need a
    /// common origin starts each from the same deterministic one. The `concurrent` workload.
    fn new_agent(_agent: u32) -> Result<Self, WorkloadError> {
        Err(WorkloadError::Unsupported(NO_MERGE))
    }

    /// A copy of this document that edits as `agent`.
    fn fork(&mut self, _agent: u32) -> Result<Self, WorkloadError> {
        Err(WorkloadError::Unsupported(NO_MERGE))
    }

    /// Continues editing as `agent` (what `fork` does, without the copy). A library that fixes
    /// its peer id at creation says `Unsupported`, and the replay forks instead.
    fn set_agent(&mut self, _agent: u32) -> Result<(), WorkloadError> {
        Err(WorkloadError::Unsupported("the peer id is fixed when the document is created"))
    }

    /// Brings everything `other` has into `self`.
    fn merge_from(&mut self, _other: &mut Self) -> Result<(), WorkloadError> {
        Err(WorkloadError::Unsupported(NO_MERGE))
    }

    /// How concurrent replicas are made and merged, for the results (e.g. `fork per txn:
    /// LoroDoc::fork, merge by export/import of the missing updates`).
    const CONCURRENT_STRATEGY: &'static str = "";

    /// The document in the library's own storage format (a snapshot where the library has
    /// one): the `load` workload's input. Not timed.
    fn save(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Err(WorkloadError::Unsupported(NO_STORAGE_FORMAT))
    }

    /// A fresh replica decoded from [`Subject::save`]'s output: the `load` workload's timed
    /// region.
    fn load(_bytes: &[u8]) -> Result<Self, WorkloadError> {
        Err(WorkloadError::Unsupported(NO_STORAGE_FORMAT))
    }

    /// What [`Subject::save`] writes, for the results (e.g. `loro snapshot`).
    const SAVE_FORMAT: &'static str = "";

    /// This document's whole history in the library's own sync format (what a peer that has
    /// nothing is sent): the `remote` workload's input. Not timed.
    fn export_updates(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Err(WorkloadError::Unsupported(NO_SYNC_FORMAT))
    }

    /// The `remote` workload's input for `txns`: replays them (untimed) and exports the
    /// history. The default is [`replay_local`] then [`Subject::export_updates`]; a subject
    /// whose document cannot export its past (cola keeps no op log) overrides this to record
    /// its ops while replaying.
    fn remote_history(txns: &[Txn]) -> Result<Vec<u8>, WorkloadError> {
        replay_local::<Self>(txns).export_updates()
    }

    /// A fresh, empty replica of *another* agent that has decoded and integrated
    /// [`Subject::remote_history`]'s bytes: the `remote` workload's timed region.
    fn import_updates(_bytes: &[u8]) -> Result<Self, WorkloadError> {
        Err(WorkloadError::Unsupported(NO_SYNC_FORMAT))
    }

    /// What [`Subject::export_updates`] sends, for the results (e.g. `yrs update v1`).
    const SYNC_FORMAT: &'static str = "";
}

/// The reason a subject that cannot merge gives.
pub const NO_MERGE: &str = "no CRDT: cannot merge concurrent edits";
/// The reason a subject without a sync format gives.
pub const NO_SYNC_FORMAT: &str = "no CRDT: keeps no history, so it has nothing a peer could merge";
/// The reason a subject without a storage format gives.
pub const NO_STORAGE_FORMAT: &str = "no CRDT: keeps no history, so it has no document format to load";

/// Why a subject cannot run a workload, or how running it went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkloadError {
    /// The subject cannot do this at all; the reason goes into its `unsupported` cell.
    Unsupported(&'static str),
    /// It tried and failed, e.g. its decoder rejected its own bytes (a `failed` cell).
    Failed(String),
}

impl std::fmt::Display for WorkloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkloadError::Unsupported(why) => write!(f, "unsupported: {why}"),
            WorkloadError::Failed(why) => f.write_str(why),
        }
    }
}

/// A library error as a [`WorkloadError::Failed`], saying what was being done.
pub(crate) fn failed(what: &str, e: impl std::fmt::Debug) -> WorkloadError {
    WorkloadError::Failed(format!("{what}: {e:?}"))
}

/// A replayed document, type-erased, for verification after timing.
pub trait Doc {
    fn text(&mut self) -> String;
    fn len_chars(&mut self) -> usize;
}

impl<S: Subject> Doc for S {
    fn text(&mut self) -> String {
        Subject::text(self)
    }
    fn len_chars(&mut self) -> usize {
        Subject::len_chars(self)
    }
}

/// The local workload: a fresh document, then every txn applied as this agent's own edits.
/// This is the whole timed region of the `local` workload (and the symbol `ab --instructions`
/// tells callgrind to count, hence `inline(never)`).
#[inline(never)]
pub fn replay_local<S: Subject>(txns: &[Txn]) -> S {
    // The no-op observer inlines away: this is the same loop as without an observer.
    replay_local_observed::<S, _>(txns, |_| {})
}

/// [`replay_local`]'s loop with an observer: `observe(txns_done)` is called once after the
/// document is created (with 0) and once after each txn. The latency run uses it to read the
/// clock between txns; keeping one loop for both means latency is measured on exactly the
/// code that is timed.
#[inline(always)]
pub fn replay_local_observed<S: Subject, O: FnMut(usize)>(txns: &[Txn], mut observe: O) -> S {
    let mut doc = S::new_doc();
    observe(0);
    for (i, txn) in txns.iter().enumerate() {
        doc.apply_txn(&txn.patches);
        if i + 1 == txns.len() {
            // Inside the last txn's latency, as a reader of the document would pay it.
            doc.finish();
        }
        observe(i + 1);
    }
    if txns.is_empty() {
        doc.finish();
    }
    doc
}
