//! s27-max-items-4096: Leaves of up to 4096 items instead of 2048 (64 spans).
//!
//! Predecessor: s26-max-items-2048.
//! Why: s26 gained on every trace by doubling the item cap; doubling it again tests where the longer text shift starts to cost more than the fewer leaves save.
//! Invariant: As s26, with at most 4096 items per leaf.

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
pub type Store = LeafStore<Spans<WideSpan, 64, 4096, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s22's buffer over [`Store`].
pub type S27MaxItems4096 = Buffered<Store, true, true, true>;

impl Step for S27MaxItems4096 {
    const INFO: StepInfo = StepInfo {
        name: "s27-max-items-4096",
        predecessor: Some("s26-max-items-2048"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=4096", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve"],
        idea: "Leaves of up to 4096 items instead of 2048 (64 spans).",
        why: "s26 gained on every trace by doubling the item cap; doubling it again tests where the longer text shift starts to cost more than the fewer leaves save.",
        invariant: "As s26, with at most 4096 items per leaf.",
        code: "engine/src/steps/s27_max_items_4096.rs: the store type (`Spans<WideSpan, 64, 4096, true>`)",
        notes: "Reverted: `crdt-bench ab engine/s26-max-items-2048 engine/s27-max-items-4096` gave 1.025x slower on automerge-paper, 1.021x slower on seph-blog1, about 1.01x slower on sveltecomponent (CI 1.008-1.015, inside the 1% threshold) and no detectable difference on rustcode. The item cap's best is 2048 on this machine.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
