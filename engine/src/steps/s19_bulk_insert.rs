//! s19-bulk-insert: A long run (a paste) goes into fresh leaves of half the item cap, cut into the leaf where it lands, instead of into that leaf and then halving it until it fits.
//!
//! Predecessor: s18-buffered-deletes.
//! Why: rustcode is 16 pastes of over 1,000 chars (398,000 chars, three quarters of what it inserts) and 31,000 keystrokes, and buffering did nothing for it. A paste of n chars went into one leaf that was then halved about log2(n / 1024) times, each halving moving half the text, spans and id-index entries again; diamond-types puts a paste in one span.
//! Invariant: As s18; a bulk insert leaves every leaf within its caps, no empty leaf but the first, and each item's id indexed to its leaf (`LeafStore::assert_invariants`).

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s16's with `BULK_INSERT`.
pub type Store = LeafStore<Spans<WideSpan, 32, 1024>, BTreeIndex<16>, FlatIdIndex, true, true, true>;

/// The step: the document over [`Store`], behind s18's insert and delete buffer.
pub type S19BulkInsert = Buffered<Store, true>;

impl Step for S19BulkInsert {
    const INFO: StepInfo = StepInfo {
        name: "s19-bulk-insert",
        predecessor: Some("s18-buffered-deletes"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=1024", "deferred-counts", "buffered-inserts", "buffered-deletes", "bulk-insert"],
        idea: "A long run (a paste) goes into fresh leaves of half the item cap, cut into the leaf where it lands, instead of into that leaf and then halving it until it fits.",
        why: "rustcode is 16 pastes of over 1,000 chars (398,000 chars, three quarters of what it inserts) and 31,000 keystrokes, and buffering did nothing for it. A paste of n chars went into one leaf that was then halved about log2(n / 1024) times, each halving moving half the text, spans and id-index entries again; diamond-types puts a paste in one span.",
        invariant: "As s18; a bulk insert leaves every leaf within its caps, no empty leaf but the first, and each item's id indexed to its leaf (`LeafStore::assert_invariants`).",
        code: "engine/src/structure/leaf_store.rs: `LeafStore` with `BULK_INSERT = true` (`insert_bulk`); engine/src/structure/leaf.rs: `Leaf::split_off_at`",
        notes: "Reverted: `crdt-bench ab engine/s18-buffered-deletes engine/s19-bulk-insert` gave 1.07x faster on rustcode but 1.05x slower on sveltecomponent and 1.03x on seph-blog1 (parity on automerge-paper), though those traces have almost no run long enough to take the new path; the cost is code size and layout in the hot insert path, not the idea. perf on rustcode after it: the pastes' splitting is gone from the profile, and what is left at the top is memmove from the growth of the flat id table and the op log's entry `Vec` (each doubling copies) and the leaves' text. Kept in the log as the O(n) paste it is; the next try is to pair it with storage that does not copy on growth.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
