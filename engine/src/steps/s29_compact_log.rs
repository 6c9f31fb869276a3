//! s29-compact-log: The op log's entries in a compact layout: 36 bytes, `Copy`, and an entry's parents stored only where they are not the op just before it.
//!
//! Predecessor: s26-max-items-2048.
//! Why: perf on rustcode (s26): the op log's entry `Vec` growing (each growth a `realloc` that copies 80-byte entries), its per-entry parents enum and dropping it (a visit per entry, for the `Vec` an entry may hold) took about 7% of a local replay. A local edit's parents are always the op before it, so storing them says nothing.
//! Invariant: As s26; every entry's parents are stored or implied by the entry before (`CompactEntries::assert_invariants`), and the log reads back the same ops (the op-log comparison tests).

use crate::buffered::Buffered;
use crate::log_entries::CompactEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s26_max_items_2048::Store;

/// The step: s26's buffer and store, with the compact log.
pub type S29CompactLog = Buffered<Store, true, true, true, CompactEntries>;

impl Step for S29CompactLog {
    const INFO: StepInfo = StepInfo {
        name: "s29-compact-log",
        predecessor: Some("s26-max-items-2048"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "compact-log"],
        idea: "The op log's entries in a compact layout: 36 bytes, `Copy`, and an entry's parents stored only where they are not the op just before it.",
        why: "perf on rustcode (s26): the op log's entry `Vec` growing (each growth a `realloc` that copies 80-byte entries), its per-entry parents enum and dropping it (a visit per entry, for the `Vec` an entry may hold) took about 7% of a local replay. A local edit's parents are always the op before it, so storing them says nothing.",
        invariant: "As s26; every entry's parents are stored or implied by the entry before (`CompactEntries::assert_invariants`), and the log reads back the same ops (the op-log comparison tests).",
        code: "engine/src/log_entries.rs: `EntryStore`, `CompactEntries` (`PackedEntry`); engine/src/oplog.rs: `OpLog<E>`; `Doc<S, LOG_RUNS, E>`, `Buffered<.., E>`",
        notes: "Reverted (as a speed step; its memory saving waits for the memory workload): `crdt-bench ab engine/s26-max-items-2048 engine/s29-compact-log` gave 1.019x slower on sveltecomponent, parity on rustcode (1.002) and seph-blog1 (1.008), 1.064x slower on automerge-paper. Writing only what a growing run changes in `set_last_core` brought automerge-paper to 1.021x slower (instructions 1.015x), sveltecomponent 1.012x slower in time with 0.979x the instructions. The `realloc` copies perf pointed at were real but small next to packing and unpacking every entry the log touches. Entries are 36 bytes instead of 80, and local edits store no parents: a memory win the memory workload (issue 10) can weigh.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
