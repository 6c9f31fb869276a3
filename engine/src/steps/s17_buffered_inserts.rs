//! s17-buffered-inserts: A typing run (each insert right after the last) collects in a buffer and enters the tree as one span.
//!
//! Predecessor: s16-deferred-counts.
//! Why: Most inserts in the traces are one char typed right after the previous one. Each paid a cursor check, a leaf scan from the entry hint, a span extension, a text insert into the leaf and an op-log push; a buffered run pays one of each per run and a `String::push_str` per keystroke.
//! Invariant: The buffered run, applied, gives exactly the document and op log the unbuffered step has after the same edits: every read, export, fork, integrate and merge applies it first (`Buffered::doc`), and the traces tests compare whole op logs.

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;

/// The store of this step: s16's; the step wraps the document.
pub type Store = crate::steps::s16_deferred_counts::Store;

/// The step: s16's document behind an insert buffer.
pub type S17BufferedInserts = Buffered<Store, false>;

impl Step for S17BufferedInserts {
    const INFO: StepInfo = StepInfo {
        name: "s17-buffered-inserts",
        predecessor: Some("s16-deferred-counts"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=1024", "deferred-counts", "buffered-inserts"],
        idea: "A typing run (each insert right after the last) collects in a buffer and enters the tree as one span.",
        why: "Most inserts in the traces are one char typed right after the previous one. Each paid a cursor check, a leaf scan from the entry hint, a span extension, a text insert into the leaf and an op-log push; a buffered run pays one of each per run and a `String::push_str` per keystroke.",
        invariant: "The buffered run, applied, gives exactly the document and op log the unbuffered step has after the same edits: every read, export, fork, integrate and merge applies it first (`Buffered::doc`), and the traces tests compare whole op logs.",
        code: "engine/src/buffered.rs: `Buffered<S, DELETES = false>`",
        notes: "The buffer is a wrapper, not a store change: `Doc` is untouched, and the wrapper needs `RefCell`s because reads take `&self` and must apply the run. Reads in the middle of a run (the random-session test does them) cost an apply; the traces never read mid-replay. `Subject::finish` now applies buffers inside the timed region, for this step and for `rope-buf`, which before left its last buffered edit to the untimed text read.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
