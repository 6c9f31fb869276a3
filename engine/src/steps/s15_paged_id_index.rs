//! s15-paged-id-index: The id index cut into 4 KiB pages allocated on first use, instead of one `Vec` per agent that doubles as it grows.
//!
//! Predecessor: s13-leaf-text-cap.
//! Why: perf on rustcode: a third of the replay's time was in the kernel (page faults, clearing fresh pages) against 5% for diamond-types, and 80% of those page faults came from the flat id table's growth: every doubling copies the table into fresh memory, and the table has a slot for every seq, deletes' included. Pages never move, and a run of deletes longer than a page gets none.
//! Invariant: As s13; the id index's pages hold exactly the items of the leaves (checked by `assert_invariants`).

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::PagedIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 32, 1024>, BTreeIndex<16>, PagedIdIndex, true>;

/// The step: the CRDT over [`Store`].
pub type S15PagedIdIndex = Doc<Store>;

impl Step for S15PagedIdIndex {
    const INFO: StepInfo = StepInfo {
        name: "s15-paged-id-index",
        predecessor: Some("s13-leaf-text-cap"),
        flags: &["btree", "paged-id-index", "spans", "cursor-cache", "leaf=32", "max-items=1024"],
        idea: "The id index cut into 4 KiB pages allocated on first use, instead of one `Vec` per agent that doubles as it grows.",
        why: "perf on rustcode: a third of the replay's time was in the kernel (page faults, clearing fresh pages) against 5% for diamond-types, and 80% of those page faults came from the flat id table's growth: every doubling copies the table into fresh memory, and the table has a slot for every seq, deletes' included. Pages never move, and a run of deletes longer than a page gets none.",
        invariant: "As s13; the id index's pages hold exactly the items of the leaves (checked by `assert_invariants`).",
        code: "engine/src/structure/id_index.rs: `PagedIdIndex` (the `IdTable` flag of `LeafStore`)",
        notes: "Reverted: it removed 80% of the page faults on rustcode (52,000 to 14,000 over 20 replays, `perf stat`) and the instruction counts stayed equal (callgrind: 0.99x on sveltecomponent, 1.01x on automerge-paper), yet the interleaved times went the wrong way on three traces (`crdt-bench ab engine/s13-leaf-text-cap engine/s15-paged-id-index`: 1.036x faster on rustcode, 1.03-1.06x slower on the others). The faults cost less inside the harness than in a `perf` loop of replays, and the extra level of indirection costs on every assign. The flat table stays.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
