//! s25-leaf-128: Leaves of up to 128 spans.
//!
//! Predecessor: s24-leaf-64.
//! Why: s24 gained on every trace going from 32 to 64 spans; the next doubling shows whether the trend holds or the scan inside a leaf starts to cost more than the leaves it saves.
//! Invariant: As s23, with at most 128 spans per leaf.

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
pub type Store = LeafStore<Spans<WideSpan, 128, 1024, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s22's buffer over [`Store`].
pub type S25Leaf128 = Buffered<Store, true, true, true>;

impl Step for S25Leaf128 {
    const INFO: StepInfo = StepInfo {
        name: "s25-leaf-128",
        predecessor: Some("s24-leaf-64"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=128", "max-items=1024", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve"],
        idea: "Leaves of up to 128 spans.",
        why: "s24 gained on every trace going from 32 to 64 spans; the next doubling shows whether the trend holds or the scan inside a leaf starts to cost more than the leaves it saves.",
        invariant: "As s23, with at most 128 spans per leaf.",
        code: "engine/src/steps/s25_leaf_128.rs: the store type (`Spans<WideSpan, 128, 1024, true>`)",
        notes: "Reverted: against s23 in separate runs 128 spans looked a little better than 64 (1.038-1.091x against 1.032-1.068x), but head to head (`crdt-bench ab engine/s24-leaf-64 engine/s25-leaf-128`) it was 1.020x slower on sveltecomponent, about 1.01x slower on automerge-paper and not distinguishable on the other two: two steps compared through a third are not compared. 64 spans stay.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
