//! s28-bulk-insert-retried: s19's bulk insert again, on the current best: a paste goes into fresh leaves of half the item cap instead of into one leaf that is then halved until it fits.
//!
//! Predecessor: s26-max-items-2048.
//! Why: s19 was 1.07x faster on rustcode but reverted for 1.03-1.05x slower on traces it barely touches, blamed on code layout in the insert path. Since then the id table is lazy (a halving no longer refills id slots) and leaves are larger (a paste is halved fewer times), which shrinks what bulk insert saves; but the hot path also changed. Retried rather than assumed.
//! Invariant: As s26; a bulk insert leaves every leaf within its caps and no empty leaf but the first (`LeafStore::assert_invariants`).

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s26's with `BULK_INSERT`.
pub type Store = LeafStore<Spans<WideSpan, 64, 2048, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true, true>;

/// The step: s22's buffer over [`Store`].
pub type S28BulkInsertRetried = Buffered<Store, true, true, true>;

impl Step for S28BulkInsertRetried {
    const INFO: StepInfo = StepInfo {
        name: "s28-bulk-insert-retried",
        predecessor: Some("s26-max-items-2048"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "bulk-insert"],
        idea: "s19's bulk insert again, on the current best: a paste goes into fresh leaves of half the item cap instead of into one leaf that is then halved until it fits.",
        why: "s19 was 1.07x faster on rustcode but reverted for 1.03-1.05x slower on traces it barely touches, blamed on code layout in the insert path. Since then the id table is lazy (a halving no longer refills id slots) and leaves are larger (a paste is halved fewer times), which shrinks what bulk insert saves; but the hot path also changed. Retried rather than assumed.",
        invariant: "As s26; a bulk insert leaves every leaf within its caps and no empty leaf but the first (`LeafStore::assert_invariants`).",
        code: "engine/src/structure/leaf_store.rs: `LeafStore` with `BULK_INSERT = true` (`insert_bulk`); engine/src/structure/leaf.rs: `Leaf::split_off_at`",
        notes: "Reverted again: `crdt-bench ab engine/s26-max-items-2048 engine/s28-bulk-insert-retried` gave 1.030-1.048x slower on all four traces, rustcode included (where s19 had gained 1.07x). With the lazy id table and 2048-item leaves, halving a pasted leaf is cheap enough that the bulk path's extra work (and its weight in the insert path) no longer pays anywhere.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
