//! The in-memory form of a trace. Positions are Unicode code points.

/// One edit: at `pos_chars` delete `del_chars` characters, then insert `ins`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    pub pos_chars: usize,
    pub del_chars: usize,
    pub ins: String,
}

impl Patch {
    /// Length of the inserted text in code points.
    pub fn ins_chars(&self) -> usize {
        self.ins.chars().count()
    }
}

/// One transaction of a sequential trace: patches applied in order, as one user action.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Txn {
    pub patches: Vec<Patch>,
}

/// A single user's (or a linearized) editing history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SequentialTrace {
    /// File stem, e.g. `sveltecomponent`, or `ascii_only/sveltecomponent`.
    pub name: String,
    pub start_content: String,
    pub end_content: String,
    pub txns: Vec<Txn>,
}

impl SequentialTrace {
    /// Total number of patches (a replace counts once).
    pub fn patch_count(&self) -> usize {
        self.txns.iter().map(|t| t.patches.len()).sum()
    }

    /// All patches in order, ignoring txn boundaries.
    pub fn patches(&self) -> impl Iterator<Item = &Patch> + '_ {
        self.txns.iter().flat_map(|t| t.patches.iter())
    }
}

/// One transaction of a concurrent trace. Its positions are relative to the document at the
/// merge of its parents' versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcurrentTxn {
    /// Indices of earlier txns; empty means the start document.
    pub parents: Vec<usize>,
    /// How many later txns name this one as a parent (lets a replayer drop a version early).
    pub num_children: usize,
    pub agent: usize,
    pub patches: Vec<Patch>,
}

/// Several users editing at once (a DAG of txns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcurrentTrace {
    pub name: String,
    pub end_content: String,
    pub num_agents: usize,
    pub txns: Vec<ConcurrentTxn>,
}

impl ConcurrentTrace {
    pub fn patch_count(&self) -> usize {
        self.txns.iter().map(|t| t.patches.len()).sum()
    }
}
