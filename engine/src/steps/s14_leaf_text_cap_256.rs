//! s14-leaf-text-cap-256: Item bound 256 per leaf instead of 1024 (the smaller variant).
//!
//! Predecessor: s13-leaf-text-cap.
//! Why: Shorter leaf texts to shift and scan, at the cost of more leaves and splits.
//! Invariant: No leaf holds more than 256 items (and at most 32 spans).

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 32, 256>, BTreeIndex<16>, FlatIdIndex, true>;

/// The step: the CRDT over [`Store`].
pub type S14LeafTextCap256 = Doc<Store>;

impl Step for S14LeafTextCap256 {
    const INFO: StepInfo = StepInfo {
        name: "s14-leaf-text-cap-256",
        predecessor: Some("s13-leaf-text-cap"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=256"],
        idea: "Item bound 256 per leaf instead of 1024 (the smaller variant).",
        why: "Shorter leaf texts to shift and scan, at the cost of more leaves and splits.",
        invariant: "No leaf holds more than 256 items (and at most 32 spans).",
        code: "engine/src/steps/s14_leaf_text_cap_256.rs: the `Spans` item bound (a const generic)",
        notes: "Reverted: more splits and id-index updates for shorter leaf texts; no gain.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
