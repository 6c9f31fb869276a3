//! s12-btree-node-32: Internal node capacity 32 children instead of 16.
//!
//! Predecessor: s09-btree-leaf-32.
//! Why: Wider nodes make the tree shallower; each level scans more counts.
//! Invariant: As s09-btree-leaf-32, with at most 32 children per node.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 32>, BTreeIndex<32>, FlatIdIndex, true>;

/// The step: the CRDT over [`Store`].
pub type S12BTreeNode32 = Doc<Store>;

impl Step for S12BTreeNode32 {
    const INFO: StepInfo = StepInfo {
        name: "s12-btree-node-32",
        predecessor: Some("s09-btree-leaf-32"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "node=32"],
        idea: "Internal node capacity 32 children instead of 16.",
        why: "Wider nodes make the tree shallower; each level scans more counts.",
        invariant: "As s09-btree-leaf-32, with at most 32 children per node.",
        code: "engine/src/steps/s12_btree_node_32.rs: the `BTreeIndex` capacity (a const generic)",
        notes: "Reverted: parity within noise, for the same reason as s11.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
