//! s43-compact-log-retried: s41's packed log entries (36 bytes instead of 80, in chunks that never move, the last entry also kept unpacked) on s42, whose smaller spans made room in the instruction budget that packing costs.
//!
//! Predecessor: s42-origins-in-log.
//! Why: After s42 the op log's 80-byte entries are most of what the engine holds. s41 packed them on s40 for 20-31% less memory and was reverted for 1-3% more time (4-9% more instructions: packing every entry it pushes, unpacking the entries a lookup visits); s42 took 4-8% of the instructions away, and now also looks origins up in the log, so both the gain and the cost change.
//! Invariant: As s42; every entry's parents are stored or implied by the entry before, and the unpacked copy of the last entry equals the packed one (`CompactEntries::assert_invariants`).

use crate::buffered::Buffered;
use crate::log_entries::ChunkedCompactEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s42_origins_in_log::Store;

/// The step: s42's store and buffer, with the packed entries in chunks.
pub type S43CompactLogRetried = Buffered<Store, true, true, true, ChunkedCompactEntries, false, true>;

impl Step for S43CompactLogRetried {
    const INFO: StepInfo = StepInfo {
        name: "s43-compact-log-retried",
        predecessor: Some("s42-origins-in-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "full-spans", "backward-ops", "text-in-log", "origins-in-log", "compact-log"],
        idea: "s41's packed log entries (36 bytes instead of 80, in chunks that never move, the last entry also kept unpacked) on s42, whose smaller spans made room in the instruction budget that packing costs.",
        why: "After s42 the op log's 80-byte entries are most of what the engine holds. s41 packed them on s40 for 20-31% less memory and was reverted for 1-3% more time (4-9% more instructions: packing every entry it pushes, unpacking the entries a lookup visits); s42 took 4-8% of the instructions away, and now also looks origins up in the log, so both the gain and the cost change.",
        invariant: "As s42; every entry's parents are stored or implied by the entry before, and the unpacked copy of the last entry equals the packed one (`CompactEntries::assert_invariants`).",
        code: "engine/src/log_entries.rs: `CompactEntries`, `ChunkedCompactEntries`",
        notes: "Reverted, a trade again, and a worse one than s41: 36-40% less memory for 3-8% more time. `crdt-bench compare --workload memory` (deterministic byte counts): retained 1.43 -> 0.89 MB after sveltecomponent, 3.10 -> 2.20 MB after rustcode, 3.15 -> 1.89 MB after seph-blog1, 1.92 -> 1.20 MB after automerge-paper (diamond-types: 0.76 / 1.98 / 2.66 / 1.81: below it on seph-blog1 and automerge-paper, 17% and 11% above on the others). But `crdt-bench ab engine/s42-origins-in-log engine/s43-compact-log-retried --quick`: 1.070x slower on sveltecomponent (95% CI 1.065-1.076), 1.043x on rustcode (1.039-1.048), 1.045x on seph-blog1 (1.041-1.051), 1.026x on automerge-paper (1.020-1.032); a second run with `--instructions` on two traces: 1.105x and 1.081x s42's instructions on sveltecomponent and seph-blog1. A build of this step without the cached last entry (the last entry unpacked on each look instead) counted 1.092x and 1.069x: now that the edit buffer tells the log when a run cannot extend the last entry, few pushes look at it (5,495 of 25,463 on seph-blog1), and copying 48 bytes on every push costs more than unpacking on those few. What is left is the packing itself, about 80 instructions per pushed entry on seph-blog1 (callgrind of s41: the `Option<Id>` origins to sentinel agents, the flag bits, the implied-parent check against the entry before, the chunk index): the log would have to build packed entries straight from the op, not pack a wide one. This is the step to pick where memory matters more than 5%.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
