//! s46-lean-log: The op log's entries in 24 bytes instead of 80, written straight from the op: what repeats from one entry to the next is not stored in each (the agent, kept as runs of entries; parents that are the entry before's last char op; where an insert's text starts, which is where the entry before's ended), origins' agents take 16 bits, and the entries sit in chunks of 1,024 (24 KB) instead of 4,096 (320 KB).
//!
//! Predecessor: s45-id-addressed-apply.
//! Why: After s45 the engine held more memory than diamond-types after every standard trace (1.06-1.87x), and the op log's 80-byte entries in chunks of 4,096 were most of it: 983 KB of the 1.43 MB after sveltecomponent (10,314 entries; the tree's 184 leaves hold 162 KB, the inserted text 180 KB). The log's push is also a quarter of a local replay's instructions (callgrind on sveltecomponent: `push_local` 2.48M of 10.06M, `append_entry` 144 instructions a call). s43 packed the wide entries into 36 bytes and lost 3-8% of time to the packing; this layout is built from the op's fields directly and keeps nothing that the entry before implies.
//! Invariant: As s45; `LeanEntries::assert_invariants`: agent runs start at entry 0, ascend and never put two runs of one agent side by side; parents are stored apart exactly for the entries flagged so, far origins exactly for the inserts flagged so; a delete's text end is the entry before's (`stores_read_back_what_was_pushed` checks every entry store against a `Vec` model).

use crate::buffered::Buffered;
use crate::log_entries::LeanEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s42_origins_in_log::Store;

/// The step: s45 with the lean log.
pub type S46LeanLog = Buffered<Store, true, true, true, LeanEntries, false, true, true, true>;

impl Step for S46LeanLog {
    const INFO: StepInfo = StepInfo {
        name: "s46-lean-log",
        predecessor: Some("s45-id-addressed-apply"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "lean-log", "full-spans", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply"],
        idea: "The op log's entries in 24 bytes instead of 80, written straight from the op: what repeats from one entry to the next is not stored in each (the agent, kept as runs of entries; parents that are the entry before's last char op; where an insert's text starts, which is where the entry before's ended), origins' agents take 16 bits, and the entries sit in chunks of 1,024 (24 KB) instead of 4,096 (320 KB).",
        why: "After s45 the engine held more memory than diamond-types after every standard trace (1.06-1.87x), and the op log's 80-byte entries in chunks of 4,096 were most of it: 983 KB of the 1.43 MB after sveltecomponent (10,314 entries; the tree's 184 leaves hold 162 KB, the inserted text 180 KB). The log's push is also a quarter of a local replay's instructions (callgrind on sveltecomponent: `push_local` 2.48M of 10.06M, `append_entry` 144 instructions a call). s43 packed the wide entries into 36 bytes and lost 3-8% of time to the packing; this layout is built from the op's fields directly and keeps nothing that the entry before implies.",
        invariant: "As s45; `LeanEntries::assert_invariants`: agent runs start at entry 0, ascend and never put two runs of one agent side by side; parents are stored apart exactly for the entries flagged so, far origins exactly for the inserts flagged so; a delete's text end is the entry before's (`stores_read_back_what_was_pushed` checks every entry store against a `Vec` model).",
        code: "engine/src/log_entries.rs: `LeanEntries`, `LeanEntry`; `EntryStore::seq_and_len`, `EntryStore::MAX_RUN`",
        notes: "Kept for memory, at a small cost in time. Memory held after replay (`compare --workload memory`, deterministic): 1.37 / 2.97 / 3.02 / 1.86 MB -> 653 KB / 1.82 / 1.34 / 0.89 MB on sveltecomponent / rustcode / seph-blog1 / automerge-paper, below diamond-types' 763 KB / 1.98 / 2.66 / 1.81 MB on all four (0.86 / 0.92 / 0.50 / 0.49x). Local time (`ab engine/s45-id-addressed-apply engine/s46-lean-log --instructions --quick`): 1.01-1.03x slower, 2.8-5.3% more instructions (seph-blog1 242 -> 254 a patch), the price of unpacking the last entry to try extending it and of the agent runs; keeping the last entry unpacked beside the chunk (`last`) bought back some of it. The per-agent entry index is run-length encoded for every step (`EntryRuns`: 64 KB -> under 1 KB on sveltecomponent).",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
