//! s36-chunked-compact-log: The op log's entries packed (s29's 36-byte entries, parents stored only where they are not the op before) and kept in s32's chunks that never move.
//!
//! Predecessor: s32-chunked-log.
//! Why: Memory (issue 10's workload): the best step (s32) held 2.66 MB after replaying sveltecomponent, 3.5x diamond-types, and about half of it was the op log's 80-byte entries, in 4096-entry chunks allocated whole (320 KiB each). s29 packed the entries into a doubling `Vec` and lost what packing saved to the copies of its growth; in chunks there is no growth to pay for.
//! Invariant: As s32; every chunk but the last is full and none was reallocated, every entry's parents are stored or implied by the entry before (`CompactEntries::assert_invariants`), and the log reads back the same ops.

use crate::buffered::Buffered;
use crate::log_entries::ChunkedCompactEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s30_back_hint::Store;

/// The step: s32's buffer and store (s30's), with the packed entries in chunks.
pub type S36ChunkedCompactLog = Buffered<Store, true, true, true, ChunkedCompactEntries>;

impl Step for S36ChunkedCompactLog {
    const INFO: StepInfo = StepInfo {
        name: "s36-chunked-compact-log",
        predecessor: Some("s32-chunked-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "compact-log"],
        idea: "The op log's entries packed (s29's 36-byte entries, parents stored only where they are not the op before) and kept in s32's chunks that never move.",
        why: "Memory (issue 10's workload): the best step (s32) held 2.66 MB after replaying sveltecomponent, 3.5x diamond-types, and about half of it was the op log's 80-byte entries, in 4096-entry chunks allocated whole (320 KiB each). s29 packed the entries into a doubling `Vec` and lost what packing saved to the copies of its growth; in chunks there is no growth to pay for.",
        invariant: "As s32; every chunk but the last is full and none was reallocated, every entry's parents are stored or implied by the entry before (`CompactEntries::assert_invariants`), and the log reads back the same ops.",
        code: "engine/src/log_entries.rs: `ChunkedCompactEntries` (`CompactEntries<Chunks<PackedEntry>>`, `EntryVec`)",
        notes: "Reverted, a trade: less memory for a little time. `crdt-bench compare --workload memory` (deterministic byte counts): retained 2.12 MB after sveltecomponent (s32: 2.66), 6.62 MB after rustcode (7.52), 4.98 MB after seph-blog1 (6.25), 3.22 MB after automerge-paper (3.94): 12-20% less. But `crdt-bench ab engine/s32-chunked-log engine/s36-chunked-compact-log --instructions --quick` had it at 1.073x s32's instructions on sveltecomponent, 1.056x on rustcode, 1.053x on seph-blog1, 1.029x on automerge-paper, and a second `ab --quick` at 1.017x slower on sveltecomponent (95% CI 1.013-1.022), 1.015x on rustcode (1.010-1.020), 1.005x on seph-blog1. Packing an entry on every push and unpacking the last one on every extension attempt costs more than the smaller chunks save in time. (First built on s35-leaves-fit: 1.39 / 4.53 / 3.15 / 2.18 MB together, 1.2-2.3x diamond-types'.) Next for memory: compare and extend the packed last entry in place instead of unpacking it. (s41 tried that on s40: still 4-9% more instructions; since then `CompactEntries` keeps the last entry unpacked for this step too.)",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
