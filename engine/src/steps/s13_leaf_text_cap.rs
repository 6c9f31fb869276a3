//! s13-leaf-text-cap: Leaves bounded in items too (1024), not only in spans: a leaf with a long pasted span is split inside the span.
//!
//! Predecessor: s09-btree-leaf-32.
//! Why: A leaf keeps its items' text in one string that every insert into the leaf shifts; with only spans bounded, a paste of thousands of chars makes every later keystroke in that leaf move kilobytes (perf on rustcode: memmove was the top symbol).
//! Invariant: No leaf holds more than 1024 items (and at most 32 spans).

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 32, 1024>, BTreeIndex<16>, FlatIdIndex, true>;

/// The step: the CRDT over [`Store`].
pub type S13LeafTextCap = Doc<Store>;

impl Step for S13LeafTextCap {
    const INFO: StepInfo = StepInfo {
        name: "s13-leaf-text-cap",
        predecessor: Some("s09-btree-leaf-32"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=1024"],
        idea: "Leaves bounded in items too (1024), not only in spans: a leaf with a long pasted span is split inside the span.",
        why: "A leaf keeps its items' text in one string that every insert into the leaf shifts; with only spans bounded, a paste of thousands of chars makes every later keystroke in that leaf move kilobytes (perf on rustcode: memmove was the top symbol).",
        invariant: "No leaf holds more than 1024 items (and at most 32 spans).",
        code: "engine/src/structure/leaf.rs: `Spans` (`MAX_ITEMS`, `is_overfull`, `split_off_half`)",
        notes: "Kept: bounding a leaf's items removes the long-leaf memmoves that a big paste causes; rustcode gains most. Remaining cost (perf, sveltecomponent): the per-op count update up the B-tree, the op log's push, and memmove of leaf texts; buffering (part 2) attacks all three.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
