//! s32-chunked-log: The op log's entries in chunks of 4096, each allocated once at its full size, so that a growing log never copies what it holds.
//!
//! Predecessor: s30-back-hint.
//! Why: perf on sveltecomponent (s30): `realloc` growing the log's entry `Vec` (and copying it, since the allocator's mmap threshold has risen past the log's size after the first large free) was 4-5% of a local replay. s29 shrank the entries instead and lost more to packing than it saved.
//! Invariant: As s30; every chunk but the last is full and none was reallocated (`ChunkedEntries::assert_invariants`), and the log reads back the same ops.

use crate::buffered::Buffered;
use crate::log_entries::ChunkedEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s30_back_hint::Store;

/// The step: s30's buffer and store, with the chunked log.
pub type S32ChunkedLog = Buffered<Store, true, true, true, ChunkedEntries>;

impl Step for S32ChunkedLog {
    const INFO: StepInfo = StepInfo {
        name: "s32-chunked-log",
        predecessor: Some("s30-back-hint"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log"],
        idea: "The op log's entries in chunks of 4096, each allocated once at its full size, so that a growing log never copies what it holds.",
        why: "perf on sveltecomponent (s30): `realloc` growing the log's entry `Vec` (and copying it, since the allocator's mmap threshold has risen past the log's size after the first large free) was 4-5% of a local replay. s29 shrank the entries instead and lost more to packing than it saved.",
        invariant: "As s30; every chunk but the last is full and none was reallocated (`ChunkedEntries::assert_invariants`), and the log reads back the same ops.",
        code: "engine/src/log_entries.rs: `ChunkedEntries`",
        notes: "Kept (the best step until s34): `crdt-bench ab engine/s30-back-hint engine/s32-chunked-log --instructions --quick` gave 1.051x faster on sveltecomponent (instructions 0.918x), 1.026x on rustcode (0.934x), 1.047x on seph-blog1 (0.995x), 1.026x on automerge-paper (0.988x). The same bytes as s30's log, only never copied: where s29's smaller entries lost to packing, not moving them at all wins.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
