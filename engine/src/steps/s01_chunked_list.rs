//! s01-chunked-list: Chunked weighted list: items in chunks of at most 64, each chunk knowing
//! its item and visible-char counts.
//!
//! Predecessor: s00-naive-vec.
//! Why: A position lookup skips whole chunks by their counts instead of visiting every item,
//! and an insert shifts one chunk's items instead of the document's tail.
//! Invariant: Each chunk's cached counts equal its items'; the list's totals equal the sum; no
//! chunk holds more than 64 items and only an empty document has an empty chunk.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::index::LinearIndex;
use crate::structure::leaf::CharItems;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::NoIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<CharItems<64>, LinearIndex, NoIdIndex, false>;

/// The step: the CRDT over [`Store`].
pub type S01ChunkedList = Doc<Store>;

impl Step for S01ChunkedList {
    const INFO: StepInfo = StepInfo {
        name: "s01-chunked-list",
        predecessor: Some("s00-naive-vec"),
        flags: &["chunks"],
        idea: "Chunked weighted list: items in chunks of at most 64, each chunk knowing its item and visible-char counts.",
        why: "A position lookup skips whole chunks by their counts instead of visiting every item, and an insert shifts one chunk's items instead of the document's tail.",
        invariant: "Each chunk's cached counts equal its items'; the list's totals equal the sum; no chunk holds more than 64 items and only an empty document has an empty chunk.",
        code: "engine/src/structure/leaf_store.rs: `LeafStore`; engine/src/structure/index.rs: `LinearIndex`; engine/src/structure/leaf.rs: `CharItems`",
        notes: "The biggest single step, two orders of magnitude: a lookup now scans about n/64 chunk counts plus one chunk. Deletes still touch one item per char, because a chunk holds chars.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
