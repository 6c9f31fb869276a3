//! s39-backward-ops: A backspace run crosses the wire as one op (`OpKind::Delete`'s `backward`: char op `k` deletes `target - k`), as s21 keeps it as one log entry, instead of one op per char.
//!
//! Predecessor: s34-full-spans.
//! Why: The `remote` workload on automerge-paper integrates 56,554 ops, 48,993 of them one-char deletes and 42,926 of those continuing a backspace run (the op before deleted the next char). Callgrind on that integration (120M instructions): the delete target's id lookup was 14.7% (50,276 lookups) and the op-log push 12.2%, both once per op. An op's chars had to go forward, so the log's backward entries were cut into single-char ops on export.
//! Invariant: As s34; an exported batch holds the same char ops in the same order as s34's (`OpBatch::split_into_char_ops` equal), and every step integrates a batch with backward ops (a log without backward runs stores it one entry per char).

use crate::buffered::Buffered;
use crate::log_entries::ChunkedEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s34_full_spans::Store;

/// The step: s34's store, buffer and chunked log, with `BACKWARD_OPS`.
pub type S39BackwardOps = Buffered<Store, true, true, true, ChunkedEntries, false, true>;

impl Step for S39BackwardOps {
    const INFO: StepInfo = StepInfo {
        name: "s39-backward-ops",
        predecessor: Some("s34-full-spans"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "full-spans", "backward-ops"],
        idea: "A backspace run crosses the wire as one op (`OpKind::Delete`'s `backward`: char op `k` deletes `target - k`), as s21 keeps it as one log entry, instead of one op per char.",
        why: "The `remote` workload on automerge-paper integrates 56,554 ops, 48,993 of them one-char deletes and 42,926 of those continuing a backspace run (the op before deleted the next char). Callgrind on that integration (120M instructions): the delete target's id lookup was 14.7% (50,276 lookups) and the op-log push 12.2%, both once per op. An op's chars had to go forward, so the log's backward entries were cut into single-char ops on export.",
        invariant: "As s34; an exported batch holds the same char ops in the same order as s34's (`OpBatch::split_into_char_ops` equal), and every step integrates a batch with backward ops (a log without backward runs stores it one entry per char).",
        code: "engine/src/ops.rs: `OpKind::Delete { backward }`; engine/src/doc.rs: `Doc<.., BACKWARD_OPS>`, `apply_op` (a backward run deletes from its lowest id); engine/src/oplog.rs: `delete_target`, `OpLog::ops_not_in(.., backward_ops)`, `OpLog::push`; engine/src/encoding.rs: format version 2, tag bit 6 of a delete",
        notes: "PENDING",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
