//! s48-lean-leaves: Leaves sized to what they hold again: a split-off leaf gets its contents' capacity (no `leaf-reserve`) and a leaf's span array doubles as it grows (no `full-spans`), now that a span is 12 bytes and holds no text or origins.
//!
//! Predecessor: s46-lean-log.
//! Why: The ablation of s46 (`crdt-bench log --ablate --quick`, a run not kept: this step changed the best step) timed two flags as costs, not gains: without `leaf-reserve` 0.96 [0.96, 0.96] of the best step's time, without `full-spans` 0.96 [0.96, 0.97], on all four traces. Both were added (s23, s34) when a span held its origins and a leaf its text, and a leaf's growth copied those; since s40-s42 a span is 12 bytes and a leaf holds no text, so allocating every leaf full does not pay for itself.
//! Invariant: As s46 (the leaves are s32's growth policy over s42's id spans: `Spans::assert_invariants`).

use crate::buffered::Buffered;
use crate::log_entries::LeanEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::IdSpan;
use crate::structure::leaf::Spans;
use crate::structure::leaf_store::LeafStore;

/// s42's store with leaves that reserve nothing ahead.
pub type Store =
    LeafStore<Spans<IdSpan, 64, 2048, false, true, false, false, false>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s46 over leaves sized to their contents.
pub type S48LeanLeaves = Buffered<Store, true, true, true, LeanEntries, false, true, true, true>;

impl Step for S48LeanLeaves {
    const INFO: StepInfo = StepInfo {
        name: "s48-lean-leaves",
        predecessor: Some("s46-lean-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "lean-log", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply", "lean-leaves"],
        idea: "Leaves sized to what they hold again: a split-off leaf gets its contents' capacity (no `leaf-reserve`) and a leaf's span array doubles as it grows (no `full-spans`), now that a span is 12 bytes and holds no text or origins.",
        why: "The ablation of s46 (`crdt-bench log --ablate --quick`, a run not kept: this step changed the best step) timed two flags as costs, not gains: without `leaf-reserve` 0.96 [0.96, 0.96] of the best step's time, without `full-spans` 0.96 [0.96, 0.97], on all four traces. Both were added (s23, s34) when a span held its origins and a leaf its text, and a leaf's growth copied those; since s40-s42 a span is 12 bytes and a leaf holds no text, so allocating every leaf full does not pay for itself.",
        invariant: "As s46 (the leaves are s32's growth policy over s42's id spans: `Spans::assert_invariants`).",
        code: "engine/src/steps/s48_lean_leaves.rs: the store's `RESERVE` and `FULL_SPANS` parameters (engine/src/structure/leaf.rs: `Spans`)",
        notes: "Kept as parity: fewer instructions and less memory, and a time effect smaller than what the build's code layout does to it. Instructions (callgrind of `replay-once`, the timed region, deterministic): 10.33M -> 9.63M on sveltecomponent (-6.8%), 23.11M -> 21.81M on rustcode (-5.6%); allocation is not where they went (malloc, realloc, free and memcpy within 0.1M of s46's on sveltecomponent). Memory held after replay (`compare --workload memory`): 653 -> 629 KB on sveltecomponent, 1.82 -> 1.67 MB on rustcode, 1.34 -> 1.30 MB on seph-blog1, 891 -> 881 KB on automerge-paper. Time, three runs that disagree: `crdt-bench ab engine/s46-lean-log engine/s48-lean-leaves --quick` with s46 as `Best` gave s48 1.030x faster on sveltecomponent (95% CI 1.025-1.033x), 1.032x on seph-blog1, 1.028x on automerge-paper, no difference on rustcode; the same `ab` rebuilt with s48 as `Best` (the same two types, laid out differently in the binary) gave s48 1.026x slower on sveltecomponent (1.021-1.032x) and 1.047x slower on rustcode (1.044-1.050x); the log run (every step interleaved) 0.98x [0.97x, 0.98x]. A 3% time difference between these two steps is not a property of either; the instruction count and the memory are.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
