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
        notes: "Kept, and the best step: the remote workload on automerge-paper 2.8x faster, nothing else changed. `crdt-bench compare --workload remote --subjects engine/s34-full-spans,engine/s39-backward-ops,diamond-types --quick` (one run, the machine in its slow regime): automerge-paper 18.4 -> 6.48 ms (diamond-types 2.69 ms: from 6.8x its time to 2.4x), sveltecomponent 5.42 -> 5.31, rustcode 13.7 -> 13.7, seph-blog1 17.7 -> 17.0 (within noise: those traces have few backspace runs, 373 of 10,645 ops on sveltecomponent). Encoded size: automerge-paper 322.9 -> 240.7 KB, the others 0.3-1% smaller. The batch has 13,651 ops instead of 56,554 there; callgrind on its decoding and integration (`valgrind --tool=callgrind --toggle-collect='*integrate_once*' target/release/examples/integrate automerge-paper 1`): 120.4M -> 36.9M instructions (sveltecomponent 25.9M; its batch has 10,314 ops instead of 10,645, and its s34 count on this build was not taken); op counts as `target/release/examples/integrate TRACE` prints them. Local replay does the same work as s34 (only export changed), so the log and the ablation show it at parity; the ablation's `best-without-backward-ops` is s34. The op model changed for every step (a delete op may go backward, format version 2; version 1 still decodes), and every step integrates such a batch (`every_step_integrates_backward_delete_ops` in engine/tests/traces.rs); only this step sends them.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
