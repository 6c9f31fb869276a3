//! s24-leaf-64: Leaves of up to 64 spans instead of 32 (items still capped at 1024 per leaf).
//!
//! Predecessor: s23-leaf-reserve.
//! Why: s09 chose 32 spans per leaf when every keystroke searched its leaf; since buffering (s17, s18) and the entry hint, a leaf is searched about once per run, while the number of leaves still sets the cost of splits, allocations and the tree's height. Fewer, larger leaves should now pay.
//! Invariant: As s23, with at most 64 spans per leaf.

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s23's with other leaf capacities.
pub type Store = LeafStore<Spans<WideSpan, 64, 1024, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s22's buffer over [`Store`].
pub type S24Leaf64 = Buffered<Store, true, true, true>;

impl Step for S24Leaf64 {
    const INFO: StepInfo = StepInfo {
        name: "s24-leaf-64",
        predecessor: Some("s23-leaf-reserve"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=1024", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve"],
        idea: "Leaves of up to 64 spans instead of 32 (items still capped at 1024 per leaf).",
        why: "s09 chose 32 spans per leaf when every keystroke searched its leaf; since buffering (s17, s18) and the entry hint, a leaf is searched about once per run, while the number of leaves still sets the cost of splits, allocations and the tree's height. Fewer, larger leaves should now pay.",
        invariant: "As s23, with at most 64 spans per leaf.",
        code: "engine/src/steps/s24_leaf_64.rs: the store type (`Spans<WideSpan, 64, 1024, true>`)",
        notes: "Kept: `crdt-bench ab engine/s23-leaf-reserve engine/s24-leaf-64` (a first run with the same store under a temporary name) gave 1.063-1.068x on sveltecomponent, rustcode and seph-blog1 and 1.032x on automerge-paper. The same idea before buffering (s10-btree-leaf-128) was reverted: which capacity is best depends on how often a leaf is searched.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
