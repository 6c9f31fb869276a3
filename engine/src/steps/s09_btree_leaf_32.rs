//! s09-btree-leaf-32: Leaf capacity 32 spans instead of 64.
//!
//! Predecessor: s08-btree.
//! Why: Smaller leaves make the scan inside a leaf and its memmoves shorter, at the cost of a
//! deeper tree and more splits.
//! Invariant: As s08-btree, with at most 32 spans per leaf.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 32>, BTreeIndex<16>, FlatIdIndex, true>;

/// The step: the CRDT over [`Store`].
pub type S09BTreeLeaf32 = Doc<Store>;

impl Step for S09BTreeLeaf32 {
    const INFO: StepInfo = StepInfo {
        name: "s09-btree-leaf-32",
        predecessor: Some("s08-btree"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32"],
        idea: "Leaf capacity 32 spans instead of 64.",
        why: "Smaller leaves make the scan inside a leaf and its memmoves shorter, at the cost of a deeper tree and more splits.",
        invariant: "As s08-btree, with at most 32 spans per leaf.",
        code: "engine/src/steps/s09_btree_leaf_32.rs: the `Spans` capacity (a const generic)",
        notes: "Kept: shorter leaves mean shorter scans and memmoves inside a leaf; the extra depth costs less than it saves.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
