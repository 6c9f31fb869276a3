//! s35-leaves-fit: Split-off leaves sized to their contents again (s23's `leaf-reserve` off): a leaf no longer starts with the capacity of the leaf it was split from.
//!
//! Predecessor: s32-chunked-log.
//! Why: The memory workload (issue 10): the best step held 2.66 MB after replaying sveltecomponent and 7.52 MB after rustcode, 3.5-3.8x diamond-types. `compare --workload memory` on `engine/best-without-leaf-reserve` gave 1.93 and 5.43 MB, and the ablation (`log --ablate`, 2026-12-01) had that flag at 1.00x [0.98x, 1.02x] of the best step's time: once leaves hold 64 spans and 2048 items, most splits come from a full leaf and refill slowly, so the reserved half-leaf was mostly empty.
//! Invariant: As s32; capacities are not observable, the leaf's contents and counts are the same.

use crate::buffered::Buffered;
use crate::log_entries::ChunkedEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s30's (and s32's), with leaves that do not reserve on split.
pub type Store = LeafStore<Spans<WideSpan, 64, 2048, false, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s32's buffer and chunked log over [`Store`].
pub type S35LeavesFit = Buffered<Store, true, true, true, ChunkedEntries>;

impl Step for S35LeavesFit {
    const INFO: StepInfo = StepInfo {
        name: "s35-leaves-fit",
        predecessor: Some("s32-chunked-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "chunked-log", "leaves-fit"],
        idea: "Split-off leaves sized to their contents again (s23's `leaf-reserve` off): a leaf no longer starts with the capacity of the leaf it was split from.",
        why: "The memory workload (issue 10): the best step held 2.66 MB after replaying sveltecomponent and 7.52 MB after rustcode, 3.5-3.8x diamond-types. `compare --workload memory` on `engine/best-without-leaf-reserve` gave 1.93 and 5.43 MB, and the ablation (`log --ablate`, 2026-12-01) had that flag at 1.00x [0.98x, 1.02x] of the best step's time: once leaves hold 64 spans and 2048 items, the capacity a split-off leaf reserved mostly stayed empty.",
        invariant: "As s32; capacities are not observable, the leaf's contents and counts are the same.",
        code: "engine/src/structure/leaf.rs: `Spans<S, CAP, MAX_ITEMS, RESERVE = false>`",
        notes: "Reverted, a trade: 27% less memory, certain, for a small time cost. `crdt-bench compare --workload memory` (deterministic byte counts): retained 1.93 MB after sveltecomponent (s32: 2.66), 5.43 MB after rustcode (7.52), 4.41 MB after seph-blog1 (6.25), 2.90 MB after automerge-paper (3.94). Its time took two days to settle and was briefly the best step: a long `ab engine/s32-chunked-log engine/s35-leaves-fit --budget 6` on a quiet machine (476-2056 pairs per trace) had s35 1.011x faster on sveltecomponent, 1.017x on rustcode, 1.020x on seph-blog1, the same on automerge-paper, so it was made the best step; but on the next build (same code for both steps) everything else said slower: the same `ab` 1.029x slower on sveltecomponent (1.024-1.033) and 1.049x on automerge-paper (1.041-1.054), the log run 0.98x [0.96x, 1.00x] of s32's speed, and the ablation on s35 had `leaves-fit` off 1.04x faster (0.96 [0.93, 0.98]); callgrind has it at 1.014x s32's instructions on sveltecomponent (fitted leaves regrow, a `realloc` and a copy, as they refill). Differences of a few percent between builds of unchanged code are code layout, not the idea, so the instruction count and the majority of the runs decide: s32 (and then s34, which builds on it) is the best step, and s35 is the variant to pick when memory matters more. (s37 and s38 were built and measured on s35.) A step cannot be both until the memory comes without the regrowth.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
