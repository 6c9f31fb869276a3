//! s11-btree-node-8: Internal node capacity 8 children instead of 16.
//!
//! Predecessor: s09-btree-leaf-32.
//! Why: Narrower nodes scan fewer counts per level but have more levels.
//! Invariant: As s09-btree-leaf-32, with at most 8 children per node.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 32>, BTreeIndex<8>, FlatIdIndex, true>;

/// The step: the CRDT over [`Store`].
pub type S11BTreeNode8 = Doc<Store>;

impl Step for S11BTreeNode8 {
    const INFO: StepInfo = StepInfo {
        name: "s11-btree-node-8",
        predecessor: Some("s09-btree-leaf-32"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "node=8"],
        idea: "Internal node capacity 8 children instead of 16.",
        why: "Narrower nodes scan fewer counts per level but have more levels.",
        invariant: "As s09-btree-leaf-32, with at most 8 children per node.",
        code: "engine/src/steps/s11_btree_node_8.rs: the `BTreeIndex` capacity (a const generic)",
        notes: "Reverted: parity within noise. With three or four levels, node width hardly matters next to the work inside a leaf.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
