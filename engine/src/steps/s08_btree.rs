//! s08-btree: Order-statistic B-tree: leaves of up to 64 spans under internal nodes of up to 16
//! children that hold each child's counts; nodes in a Vec arena, indices not pointers.
//!
//! Predecessor: s07-cursor-cache.
//! Why: Every operation is O(log n) including a leaf split, which costs the Fenwick list an
//! O(chunks) rebuild and insert into the chunk array; on long documents splits are frequent
//! enough to matter.
//! Invariant: Every node's counts equal the sums below; all leaves are at one depth; no node
//! holds more than 16 children; each leaf's and node's parent link is right.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::leaf::PackedSpan;
use crate::structure::leaf::Spans;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<PackedSpan, 64>, BTreeIndex<16>, true, true>;

/// The step: the CRDT over [`Store`].
pub type S08BTree = Doc<Store>;

impl Step for S08BTree {
    const INFO: StepInfo = StepInfo {
        name: "s08-btree",
        predecessor: Some("s07-cursor-cache"),
        flags: &["btree", "id-index", "spans", "compact-spans", "cursor-cache"],
        idea: "Order-statistic B-tree: leaves of up to 64 spans under internal nodes of up to 16 children that hold each child's counts; nodes in a Vec arena, indices not pointers.",
        why: "Every operation is O(log n) including a leaf split, which costs the Fenwick list an O(chunks) rebuild and insert into the chunk array; on long documents splits are frequent enough to matter.",
        invariant: "Every node's counts equal the sums below; all leaves are at one depth; no node holds more than 16 children; each leaf's and node's parent link is right.",
        code: "engine/src/structure/btree.rs: `BTreeIndex`",
        notes: "About parity with the chunked Fenwick list plus cursor: at these document sizes the Fenwick rebuild on a split is rare and cheap. Kept because every operation is O(log n), which the chunked list cannot promise, and because the next steps tune it.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
