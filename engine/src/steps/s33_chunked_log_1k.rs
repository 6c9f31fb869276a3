//! s33-chunked-log-1k: Log chunks of 1024 entries (80 KiB) instead of 4096 (320 KiB).
//!
//! Predecessor: s32-chunked-log.
//! Why: s32 ran fewer instructions than s26 on every trace but 1.04x slower on automerge-paper in time. A 320 KiB chunk is above glibc's initial mmap threshold (128 KiB), so each new chunk may be a fresh mapping whose pages fault in one by one; an 80 KiB chunk comes from the heap, where a freed log's memory is reused.
//! Invariant: As s32.

use crate::buffered::Buffered;
use crate::log_entries::ChunkedEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s30_back_hint::Store;

/// The step: s32 with 1024-entry chunks.
pub type S33ChunkedLog1k = Buffered<Store, true, true, true, ChunkedEntries<1024>>;

impl Step for S33ChunkedLog1k {
    const INFO: StepInfo = StepInfo {
        name: "s33-chunked-log-1k",
        predecessor: Some("s32-chunked-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "log-chunk=1024"],
        idea: "Log chunks of 1024 entries (80 KiB) instead of 4096 (320 KiB).",
        why: "s32 ran fewer instructions than s26 on every trace but 1.04x slower on automerge-paper in time. A 320 KiB chunk is above glibc's initial mmap threshold (128 KiB), so each new chunk may be a fresh mapping whose pages fault in one by one; an 80 KiB chunk comes from the heap, where a freed log's memory is reused.",
        invariant: "As s32.",
        code: "engine/src/steps/s33_chunked_log_1k.rs: `ChunkedEntries<1024>`",
        notes: "Reverted: `crdt-bench ab engine/s32-chunked-log engine/s33-chunked-log-1k` gave 1.014x faster on sveltecomponent, 0.988 / 0.999 / 1.014 time ratios (undecided or the same) on the other three; no sign of the page-fault cost it was aimed at. A rerun of `ab engine/s26-max-items-2048 engine/s32-chunked-log` on automerge-paper then gave 1.005 [1.000, 1.010], so the 1.04x was the machine, not the chunks.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
