//! s10-btree-leaf-128: Leaf capacity 128 spans instead of 32 (the larger variant).
//!
//! Predecessor: s09-btree-leaf-32.
//! Why: Bigger leaves mean a shallower tree, fewer splits and more cursor-cache hits, at the
//! cost of longer scans inside a leaf.
//! Invariant: As s08-btree, with at most 128 spans per leaf.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 128>, BTreeIndex<16>, FlatIdIndex, true>;

/// The step: the CRDT over [`Store`].
pub type S10BTreeLeaf128 = Doc<Store>;

impl Step for S10BTreeLeaf128 {
    const INFO: StepInfo = StepInfo {
        name: "s10-btree-leaf-128",
        predecessor: Some("s09-btree-leaf-32"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=128"],
        idea: "Leaf capacity 128 spans instead of 32 (the larger variant).",
        why: "Bigger leaves mean a shallower tree, fewer splits and more cursor-cache hits, at the cost of longer scans inside a leaf.",
        invariant: "As s08-btree, with at most 128 spans per leaf.",
        code: "engine/src/steps/s10_btree_leaf_128.rs: the `Spans` capacity (a const generic)",
        notes: "Reverted, and the largest surprise of the log: several times slower on rustcode. Long leaves hold long texts (tombstones' chars included) that every keystroke shifts and, with non-ASCII chars, that byte-offset lookups walk. This is what motivated s13.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
