//! s36-chunked-compact-log: The op log's entries packed (s29's 36-byte entries, parents stored only where they are not the op before) and kept in s32's chunks that never move.
//!
//! Predecessor: s35-leaves-fit.
//! Why: Memory (issue 10's workload): after s35 the engine held 1.93 MB after replaying sveltecomponent, 2.5x diamond-types, and about half of it was the op log's 80-byte entries, in 4096-entry chunks allocated whole (320 KiB each). s29 packed the entries into a doubling `Vec` and lost what packing saved to the copies of its growth; in chunks there is no growth to pay for.
//! Invariant: As s35; every chunk but the last is full and none was reallocated, every entry's parents are stored or implied by the entry before (`CompactEntries::assert_invariants`), and the log reads back the same ops.

use crate::buffered::Buffered;
use crate::log_entries::ChunkedCompactEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s35_leaves_fit::Store;

/// The step: s35's buffer and store, with the packed entries in chunks.
pub type S36ChunkedCompactLog = Buffered<Store, true, true, true, ChunkedCompactEntries>;

impl Step for S36ChunkedCompactLog {
    const INFO: StepInfo = StepInfo {
        name: "s36-chunked-compact-log",
        predecessor: Some("s35-leaves-fit"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "chunked-log", "leaves-fit", "compact-log"],
        idea: "The op log's entries packed (s29's 36-byte entries, parents stored only where they are not the op before) and kept in s32's chunks that never move.",
        why: "Memory (issue 10's workload): after s35 the engine held 1.93 MB after replaying sveltecomponent, 2.5x diamond-types, and about half of it was the op log's 80-byte entries, in 4096-entry chunks allocated whole (320 KiB each). s29 packed the entries into a doubling `Vec` and lost what packing saved to the copies of its growth; in chunks there is no growth to pay for.",
        invariant: "As s35; every chunk but the last is full and none was reallocated, every entry's parents are stored or implied by the entry before (`CompactEntries::assert_invariants`), and the log reads back the same ops.",
        code: "engine/src/log_entries.rs: `ChunkedCompactEntries` (`CompactEntries<Chunks<PackedEntry>>`, `EntryVec`)",
        notes: "Reverted, a trade: less memory for a little time. `crdt-bench compare --workload memory` (deterministic byte counts): retained 1.39 MB after sveltecomponent (s35: 1.93), 4.53 MB after rustcode (5.43), 3.15 MB after seph-blog1 (4.41), 2.18 MB after automerge-paper (2.90): 17-29% less, 1.2-2.3x diamond-types' instead of 1.6-2.7x. But `crdt-bench ab engine/s35-leaves-fit engine/s36-chunked-compact-log --instructions --quick` had it at 1.076x s35's instructions on sveltecomponent, 1.060x on rustcode, 1.056x on seph-blog1, 1.032x on automerge-paper, and 1.029x slower on sveltecomponent (95% CI 1.017-1.040; the other three within noise, 1.009-1.015). Packing an entry on every push and unpacking the last one on every extension attempt costs more than the smaller chunks save in time; the local-speed target is the one further from met, so s35 stays the best step. Next for memory: compare and extend the packed last entry in place instead of unpacking it (try_extend_last_with reads it on every push).",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
