//! s22-known-length: The buffer keeps the document's length itself, so checking a keystroke's position no longer reads it through the document, the store and the tree.
//!
//! Predecessor: s21-log-backspace-runs.
//! Why: Every edit checks its position against the length (an edit out of range must panic before it is buffered). The buffer read it through two `RefCell`s, the store's totals and the deferred count change: perf on sveltecomponent (s21) put `Buffered::len_chars_with_run` at 3.9% of the replay, for a number the buffer can keep with one add per edit.
//! Invariant: The kept length equals the document's length with the pending run applied; edits update it, and integrate and merge set it from the document.

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;

/// The store of this step: s20's.
pub type Store = crate::steps::s20_lazy_id_index::Store;

/// The step: s21 with a buffer that keeps the length (`KNOWN_LEN`).
pub type S22KnownLength = Buffered<Store, true, true, true>;

impl Step for S22KnownLength {
    const INFO: StepInfo = StepInfo {
        name: "s22-known-length",
        predecessor: Some("s21-log-backspace-runs"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=1024", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length"],
        idea: "The buffer keeps the document's length itself, so checking a keystroke's position no longer reads it through the document, the store and the tree.",
        why: "Every edit checks its position against the length (an edit out of range must panic before it is buffered). The buffer read it through two `RefCell`s, the store's totals and the deferred count change: perf on sveltecomponent (s21) put `Buffered::len_chars_with_run` at 3.9% of the replay, for a number the buffer can keep with one add per edit.",
        invariant: "The kept length equals the document's length with the pending run applied; edits update it, and integrate and merge set it from the document.",
        code: "engine/src/buffered.rs: `Buffered<S, DELETES, LOG_RUNS, KNOWN_LEN = true>` (`known_len_chars`)",
        notes: "Kept: `crdt-bench ab engine/s21-log-backspace-runs engine/s22-known-length` gave 1.018x (rustcode) to 1.093x (automerge-paper, the most keystrokes per ms), every CI above 1. Small, and the kind of cost a profile of the tree alone never shows: the check sat in front of every buffered keystroke.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
