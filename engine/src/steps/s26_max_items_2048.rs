//! s26-max-items-2048: Leaves of up to 2048 items instead of 1024 (64 spans).
//!
//! Predecessor: s24-leaf-64.
//! Why: With 64 spans a leaf often reaches the item cap before the span cap; a higher cap means fewer leaves again, at the price of longer text to shift inside a leaf on every insert.
//! Invariant: As s24, with at most 2048 items per leaf.

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
pub type Store = LeafStore<Spans<WideSpan, 64, 2048, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s22's buffer over [`Store`].
pub type S26MaxItems2048 = Buffered<Store, true, true, true>;

impl Step for S26MaxItems2048 {
    const INFO: StepInfo = StepInfo {
        name: "s26-max-items-2048",
        predecessor: Some("s24-leaf-64"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve"],
        idea: "Leaves of up to 2048 items instead of 1024 (64 spans).",
        why: "With 64 spans a leaf often reaches the item cap before the span cap; a higher cap means fewer leaves again, at the price of longer text to shift inside a leaf on every insert.",
        invariant: "As s24, with at most 2048 items per leaf.",
        code: "engine/src/steps/s26_max_items_2048.rs: the store type (`Spans<WideSpan, 64, 2048, true>`)",
        notes: "Kept (best until s30): `crdt-bench ab engine/s24-leaf-64 engine/s26-max-items-2048` gave 1.061x on rustcode (its long pastes fill leaves by items, not spans), 1.057x on automerge-paper, 1.020x on seph-blog1, 1.016x on sveltecomponent. With 128 spans per leaf the same cap had looked worse (measured against s23): the two capacities interact, so each is timed against the step it changes.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
