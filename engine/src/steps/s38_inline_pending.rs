//! s38-inline-pending: Inline pending content: a short insert run's text sits in the edit buffer itself (a 64-byte small-string) instead of a heap `String`, and the agent table hashes names with an unkeyed multiply-rotate hash instead of SipHash.
//!
//! Predecessor: s35-leaves-fit.
//! Why: Every keystroke of a typing run appends to the pending text, and every run hands it to the document; inline, the text is in the cache line the run's position and length are in, with no pointer to follow and no capacity check on the heap. Agent names are hashed on every batch a replica integrates (each name of the batch's table is looked up), where SipHash costs tens of instructions per name.
//! Invariant: As s35; the pending text is inline exactly while it fits and nothing is on the heap (`PendingText`), and reads, ops and merges are those of the step without it (the buffered-vs-unbuffered tests compare whole op logs).

use crate::buffered::Buffered;
use crate::log_entries::ChunkedEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s35_leaves_fit::Store;

/// The step: s35's store, buffer and chunked log, with `INLINE`.
pub type S38InlinePending = Buffered<Store, true, true, true, ChunkedEntries, true>;

impl Step for S38InlinePending {
    const INFO: StepInfo = StepInfo {
        name: "s38-inline-pending",
        predecessor: Some("s35-leaves-fit"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "chunked-log", "leaves-fit", "inline-pending"],
        idea: "Inline pending content: a short insert run's text sits in the edit buffer itself (a 64-byte small-string) instead of a heap `String`, and the agent table hashes names with an unkeyed multiply-rotate hash instead of SipHash.",
        why: "Every keystroke of a typing run appends to the pending text, and every run hands it to the document; inline, the text is in the cache line the run's position and length are in, with no pointer to follow and no capacity check on the heap. Agent names are hashed on every batch a replica integrates (each name of the batch's table is looked up), where SipHash costs tens of instructions per name.",
        invariant: "As s35; the pending text is inline exactly while it fits and nothing is on the heap (`PendingText`), and reads, ops and merges are those of the step without it (the buffered-vs-unbuffered tests compare whole op logs).",
        code: "engine/src/buffered.rs: `PendingText<INLINE>` (over its own `InlineText`), `Buffered<.., INLINE>`; engine/src/id.rs: `AgentTable<FAST_HASH>`, `AgentHashing`",
        notes: "Reverted: no gain anywhere, a little slower locally. `crdt-bench ab engine/s35-leaves-fit engine/s38-inline-pending --quick`: 1.035x slower on sveltecomponent (95% CI 1.031-1.039), 1.015x on rustcode (1.008-1.022, below the 1% threshold's verdict), 1.046x on seph-blog1, 1.054x on automerge-paper; callgrind 1.015x s35's instructions on sveltecomponent, 1.012x on rustcode. `compare --workload all --quick`: remote and load within noise of s35 (3.90 vs 3.92 ms on sveltecomponent), the concurrent traces (fork per txn, the most batches and so the most agent lookups) 1.07x and 1.10x slower in that one run, same memory. s35's `String` was already kept between runs, so it never allocated after the first run: there was no allocation to save, and the inline buffer costs a capacity check per keystroke (the `String` path pushes a one-byte keystroke as one byte) and 64 bytes in the buffer's struct. Agent names are looked up once per batch, not per op, so the hash was never on a hot path. (Measured with arrayvec's `ArrayString` as the inline buffer; it is now the engine's own `InlineText`, the same bytes inline plus a UTF-8 check per read, so that the engine has no third-party dependency outside `all-steps`; not re-measured, as the step stays reverted.)",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
