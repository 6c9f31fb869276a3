//! s05-fenwick: Chunked Fenwick list: the chunks' prefix sums (items and visible chars) in a
//! Fenwick tree, so finding the chunk of a position and a chunk's start are O(log chunks).
//!
//! Predecessor: s03-spans.
//! Why: The linear list scans all chunk counts before the edit; on a 100k-char document that is
//! hundreds of chunks per lookup. The Fenwick tree reads log2 of that; a chunk split rebuilds
//! it (rare: once per ~32 new spans).
//! Invariant: Every Fenwick prefix equals the sum of the chunk counts before it.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::index::FenwickIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 64>, FenwickIndex, FlatIdIndex, false>;

/// The step: the CRDT over [`Store`].
pub type S05Fenwick = Doc<Store>;

impl Step for S05Fenwick {
    const INFO: StepInfo = StepInfo {
        name: "s05-fenwick",
        predecessor: Some("s03-spans"),
        flags: &["chunks", "id-index", "spans", "fenwick"],
        idea: "Chunked Fenwick list: the chunks' prefix sums (items and visible chars) in a Fenwick tree, so finding the chunk of a position and a chunk's start are O(log chunks).",
        why: "The linear list scans all chunk counts before the edit; on a 100k-char document that is hundreds of chunks per lookup. The Fenwick tree reads log2 of that; a chunk split rebuilds it (rare: once per ~32 new spans).",
        invariant: "Every Fenwick prefix equals the sum of the chunk counts before it.",
        code: "engine/src/structure/index.rs: `FenwickIndex`",
        notes: "Helps most on the long documents (seph-blog1, automerge-paper); on sveltecomponent and rustcode the linear scan over a few hundred chunk counts was already cheap and the Fenwick rebuild on every chunk split costs about as much as it saves.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
