//! s20-lazy-id-index: The id -> leaf table is built the first time an id is looked up (the first peer's op), not kept from the first keystroke.
//!
//! Predecessor: s18-buffered-deletes.
//! Why: A local edit never looks an item up by id: the cursor finds the place and its neighbours' ids. Yet every insert filled a table slot per char and every leaf split refilled the moved spans' slots; perf on rustcode (s18) put 30% of the replay in that table, nearly all of it the growth of its `Vec` (copies and fresh pages).
//! Invariant: Until it is built, the lazy table is empty and nothing reads it; once built it is exact, as s02's table: every item's id maps to the leaf holding it.

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s16's, with the id table built on first use.
pub type Store = LeafStore<Spans<WideSpan, 32, 1024>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: the document over [`Store`] behind s18's insert and delete buffer.
pub type S20LazyIdIndex = Buffered<Store, true>;

impl Step for S20LazyIdIndex {
    const INFO: StepInfo = StepInfo {
        name: "s20-lazy-id-index",
        predecessor: Some("s18-buffered-deletes"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=1024", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index"],
        idea: "The id -> leaf table is built the first time an id is looked up (the first peer's op), not kept from the first keystroke.",
        why: "A local edit never looks an item up by id: the cursor finds the place and its neighbours' ids. Yet every insert filled a table slot per char and every leaf split refilled the moved spans' slots; perf on rustcode (s18) put 30% of the replay in that table, nearly all of it the growth of its `Vec` (copies and fresh pages).",
        invariant: "Until it is built, the lazy table is empty and nothing reads it; once built it is exact, as s02's table: every item's id maps to the leaf holding it.",
        code: "engine/src/structure/id_index.rs: `LazyIdIndex`, `IdTable::is_built`, `IdTable::build`; engine/src/structure/leaf_store.rs: `LeafStore::build_ids`",
        notes: "Kept: `crdt-bench ab engine/s18-buffered-deletes engine/s20-lazy-id-index` gave 1.38x on rustcode, 1.18x on seph-blog1, 1.16x on sveltecomponent and 1.08x on automerge-paper (the trace with the fewest chars per edit). The cost moves to the first remote op, which pays one pass over the leaves; the remote workload (issue 10) is where that shows. The model test now leaves three quarters of some seeds' ops unread, so a lazy table is built from a large store; a build that skips a leaf fails it.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
