//! Our text CRDT, as an optimization log of steps that share one algorithm.
//!
//! The semantics are diamond-types 1.0's (YjsMod; the Fugue paper relates it to FugueMax): for
//! any history, our merged text equals diamond-types' merged text. The algorithm (origins,
//! YjsMod integration, op log, export, integrate, merge) is written once, in [`doc`], generic
//! over a [`SeqStore`](store::SeqStore); a step picks the store (and later wrappers), and the
//! [`registry`] lists the steps.
//!
//! ```
//! use engine::TextCrdt;
//!
//! let mut alice = engine::Best::new("alice");
//! alice.insert(0, "hello");
//! let mut bob = alice.fork("bob");
//! alice.insert(5, " world");
//! bob.insert(0, "> ");
//! alice.merge(&bob);
//! bob.integrate(&alice.ops_since(&bob.version())).unwrap();
//! assert_eq!(alice.text(), "> hello world");
//! assert_eq!(bob.text(), alice.text());
//! assert_eq!(bob.version(), alice.version());
//! ```
//!
//! Positions and lengths count Unicode code points (`pos_chars`, `len_chars`). The crate does
//! no I/O and prints nothing.

#![warn(missing_docs)]

#[cfg(feature = "all-steps")]
pub mod ablation;
pub mod buffered;
pub mod doc;
pub mod encoding;
mod entry_runs;
mod id;
pub mod lazy;
pub mod log_entries;
mod oplog;
mod ops;
pub mod registry;
pub mod steps;
pub mod store;
pub mod structure;
#[cfg(feature = "testing")]
pub mod testing;

use std::ops::Range;

pub use doc::Doc;
pub use ops::ImportError;
pub use ops::IntegrateError;
pub use ops::Op;
pub use ops::OpBatch;
pub use ops::OpId;
pub use ops::OpKind;
pub use ops::Version;
pub use registry::Best;
pub use registry::Step;
pub use registry::StepInfo;
pub use registry::STEPS;
pub use steps::s00_naive_vec::S00NaiveVec;

/// A replica of a text document: what every step implements.
///
/// A replica edits as one agent at a time. Agent names must not be shared by two replicas that
/// edit concurrently (as in diamond-types); [`integrate`](TextCrdt::integrate) reports such a
/// clash as [`IntegrateError::Conflict`] when it sees one.
pub trait TextCrdt: Sized {
    /// An empty document whose local edits are made by `agent`.
    fn new(agent: &str) -> Self;

    /// The agent local edits are attributed to.
    fn agent(&self) -> &str;

    /// Continues editing as `agent`: what [`fork`](TextCrdt::fork) does, without the copy. The
    /// agent's seqs continue from the ops of it this document already has.
    fn set_agent(&mut self, agent: &str);

    /// Inserts `text` so that its first char gets position `pos_chars`.
    ///
    /// # Panics
    /// If `pos_chars > len_chars()`, with a message naming both.
    fn insert(&mut self, pos_chars: usize, text: &str);

    /// Deletes the `len_chars` chars starting at `pos_chars`.
    ///
    /// # Panics
    /// If `pos_chars + len_chars > len_chars()`, with a message naming all three.
    fn delete(&mut self, pos_chars: usize, len_chars: usize);

    /// Number of chars (Unicode code points) in the text.
    fn len_chars(&self) -> usize;

    /// The text.
    fn text(&self) -> String;

    /// The chars in `range_chars`.
    ///
    /// # Panics
    /// If the range is reversed or ends past `len_chars()`.
    fn slice(&self, range_chars: Range<usize>) -> String;

    /// A copy of this replica that edits as `agent`.
    fn fork(&self, agent: &str) -> Self;

    /// The ops this replica has, as a version a peer can send back to ask for what it lacks.
    fn version(&self) -> Version;

    /// The frontier: the last ops nothing else in the document depends on, as
    /// `(agent name, seq)` sorted by name (diamond-types' "remote version").
    fn frontier(&self) -> Vec<(String, u32)>;

    /// The ops this replica has that `since` lacks, in a causal order.
    fn ops_since(&self, since: &Version) -> OpBatch;

    /// Applies a peer's ops. Ops already here are ignored. On error nothing changes, with one
    /// exception: an insert whose origins are out of order in the document (its right origin
    /// before its left one) is malformed, but only applying the ops before it can show that;
    /// then those ops stay applied (a causal prefix of the batch: a state a peer could have
    /// sent), and the error ([`IntegrateError::Malformed`] with the reason
    /// [`doc::ORIGINS_OUT_OF_ORDER`]) names the op. No replica makes such an op.
    ///
    /// # Errors
    /// [`IntegrateError::NotReady`] if an op depends on an op neither this replica nor the
    /// batch before it has; [`IntegrateError::Malformed`] or [`IntegrateError::Conflict`] if
    /// the batch cannot be right.
    fn integrate(&mut self, ops: &OpBatch) -> Result<(), IntegrateError>;

    /// Decodes `bytes` (an [`encoding`] of a batch) and integrates it: the same as
    /// [`encoding::decode`] then [`integrate`](TextCrdt::integrate), and what a replica does
    /// with a peer's message. A document may do it without building the batch (the engine's
    /// own does: the ops' text is read in place). On error nothing changes.
    ///
    /// # Errors
    /// [`ImportError::Decode`] if the bytes are not an encoded batch, else what
    /// [`integrate`](TextCrdt::integrate) returns, as [`ImportError::Integrate`]. A document
    /// that reads op by op reports the first problem it meets: an op that cannot be
    /// integrated, before bytes further on that do not decode, is reported as the former.
    fn integrate_encoded(&mut self, bytes: &[u8]) -> Result<(), ImportError> {
        let batch = encoding::decode(bytes)?;
        self.integrate(&batch)?;
        Ok(())
    }

    /// The ops [`ops_since`](TextCrdt::ops_since) returns, encoded for a peer: what a replica
    /// sends, and what a peer's [`integrate_encoded`](TextCrdt::integrate_encoded) reads. The
    /// default is [`encoding::encode`] of `ops_since`; a replica whose history is linear (s55's
    /// `lazy-items`) sends the whole history as its edits by position instead, when `since` is
    /// the root (every engine replica reads both forms).
    fn export_encoded(&self, since: &Version) -> Vec<u8> {
        encoding::encode(&self.ops_since(since))
    }

    /// Applies every op of `other` that this replica lacks.
    ///
    /// # Panics
    /// If the two replicas disagree about an op (two replicas edited as one agent).
    fn merge(&mut self, other: &Self);

    /// Checks every invariant, in O(n) or worse; for tests. Panics if one is broken.
    fn assert_invariants(&self);

    /// Applies buffered local edits. Steps that buffer do this before any read, export or
    /// merge by themselves; calling it only moves that work to a chosen moment.
    fn flush(&mut self) {}
}
