//! s21-log-backspace-runs: The op log keeps a backspace run as one entry (char op `k` deletes the item before char op `k - 1`'s target), as it already kept typing runs and delete-key runs.
//!
//! Predecessor: s20-lazy-id-index.
//! Why: A backspace run's deletes target descending ids, so a log that only extends forward runs stored one entry per backspace: an 80-byte entry, a frontier update and a `Vec` push each. rustcode deletes 457,000 chars, most of them by backspace; perf on s20 put the op log's pushes (and the growth of its entry `Vec`) at the top of what was left.
//! Invariant: A backward entry holds at least 2 char ops, all deleting one agent's items at descending seqs (none below 0); the log's ops, read char by char, are exactly those of s20's log.

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;

/// The store of this step: s20's; the step changes the op log.
pub type Store = crate::steps::s20_lazy_id_index::Store;

/// The step: s20 with a document whose log keeps backspace runs (`LOG_RUNS`).
pub type S21LogBackspaceRuns = Buffered<Store, true, true>;

impl Step for S21LogBackspaceRuns {
    const INFO: StepInfo = StepInfo {
        name: "s21-log-backspace-runs",
        predecessor: Some("s20-lazy-id-index"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=1024", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs"],
        idea: "The op log keeps a backspace run as one entry (char op `k` deletes the item before char op `k - 1`'s target), as it already kept typing runs and delete-key runs.",
        why: "A backspace run's deletes target descending ids, so a log that only extends forward runs stored one entry per backspace: an 80-byte entry, a frontier update and a `Vec` push each. rustcode deletes 457,000 chars, most of them by backspace; perf on s20 put the op log's pushes (and the growth of its entry `Vec`) at the top of what was left.",
        invariant: "A backward entry holds at least 2 char ops, all deleting one agent's items at descending seqs (none below 0); the log's ops, read char by char, are exactly those of s20's log.",
        code: "engine/src/oplog.rs: `EntryKind::Delete { backward }`, `OpLog::try_extend_last_with::<BACKWARD_RUNS>`, `OpLog::entry_ops`; engine/src/doc.rs: `Doc<S, LOG_RUNS>`, `Doc::delete_backward`",
        notes: "Kept: `crdt-bench ab engine/s20-lazy-id-index engine/s21-log-backspace-runs` gave 1.18x on automerge-paper (keystroke edits, many backspace runs), no detectable difference on rustcode and seph-blog1, and 1.014x slower on sveltecomponent. rustcode's deletes are mostly selections deleted at once, which the log already kept as runs. The op logs compare char op by char op now (`OpBatch::split_into_char_ops`): the same ops come out cut into other runs, which an exact comparison of exports flagged first.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
