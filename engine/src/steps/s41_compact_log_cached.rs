//! s41-compact-log-cached: s36's packed log entries (36 bytes instead of 80, in chunks that never move) on s40, with the last entry also kept unpacked, so that the comparison every push makes against it reads no packed fields.
//!
//! Predecessor: s40-text-in-log.
//! Why: DHAT on s40 after a local replay: the op log's 80-byte entries are the largest part of what the engine holds (1.64 of 4.14 MB on rustcode, 2.29 of 4.03 MB on seph-blog1, 0.98 of 1.77 MB on sveltecomponent). s36 packed them and was reverted for 3-7% more instructions: every push unpacked the last entry to ask whether the op extends it.
//! Invariant: As s40; every entry's parents are stored or implied by the entry before, and the unpacked copy of the last entry equals the packed one (`CompactEntries::assert_invariants`).

use crate::buffered::Buffered;
use crate::log_entries::ChunkedCompactEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s40_text_in_log::Store;

/// The step: s40's store and buffer, with the packed entries in chunks.
pub type S41CompactLogCached = Buffered<Store, true, true, true, ChunkedCompactEntries, false, true>;

impl Step for S41CompactLogCached {
    const INFO: StepInfo = StepInfo {
        name: "s41-compact-log-cached",
        predecessor: Some("s40-text-in-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "full-spans", "backward-ops", "text-in-log", "compact-log"],
        idea: "s36's packed log entries (36 bytes instead of 80, in chunks that never move) on s40, with the last entry also kept unpacked, so that the comparison every push makes against it reads no packed fields.",
        why: "DHAT on s40 after a local replay: the op log's 80-byte entries are the largest part of what the engine holds (1.64 of 4.14 MB on rustcode, 2.29 of 4.03 MB on seph-blog1, 0.98 of 1.77 MB on sveltecomponent). s36 packed them and was reverted for 3-7% more instructions: every push unpacked the last entry to ask whether the op extends it.",
        invariant: "As s40; every entry's parents are stored or implied by the entry before, and the unpacked copy of the last entry equals the packed one (`CompactEntries::assert_invariants`).",
        code: "engine/src/log_entries.rs: `CompactEntries::last` (and `ChunkedCompactEntries`)",
        notes: "Reverted, a trade again: 20-31% less memory for 1-3% more time. `crdt-bench compare --workload memory` (deterministic byte counts): retained 1.77 -> 1.23 MB after sveltecomponent, 4.14 -> 3.24 MB after rustcode, 4.03 -> 2.77 MB after seph-blog1, 2.50 -> 1.78 MB after automerge-paper (diamond-types: 0.76 / 1.98 / 2.66 / 1.81, so below it on automerge-paper and within 5% on seph-blog1). But `crdt-bench ab engine/s40-text-in-log engine/s41-compact-log-cached --instructions --quick`: 1.089x s40's instructions on sveltecomponent, 1.080x on rustcode, 1.067x on seph-blog1, 1.036x on automerge-paper, and 1.032x slower on sveltecomponent (95% CI 1.026-1.036), 1.014x on rustcode (1.010-1.022), 1.011x and 1.013x on the others (95% CIs 1.004-1.018 and 1.004-1.020: inconclusive at the 1% threshold). Keeping the last entry unpacked did not remove what packing costs, so the comparison against the last entry was not where s36 lost it: the packing on every push and the unpacking in `OpLog::find` (a binary search that unpacks each entry it visits) are left, and a callgrind of both steps per function is what should come next. The cached last entry stays in `CompactEntries` (s29 and s36 use it too from this step on). This is the step to pick where memory matters more than 3%.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
