//! s06-prefix-sums: Binary search over written-out prefix sums instead of the Fenwick tree:
//! finding is a partition_point over a plain array, but an edit rewrites the sums of every
//! later chunk.
//!
//! Predecessor: s05-fenwick.
//! Why: A binary search over a contiguous array is branch-predictable and cache-friendly; the
//! question is whether the O(chunks) update (a tight loop) costs less than the Fenwick tree's
//! scattered reads.
//! Invariant: The written-out prefix sum of each chunk equals the sum of the counts up to it.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::index::PrefixIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 64>, PrefixIndex, FlatIdIndex, false>;

/// The step: the CRDT over [`Store`].
pub type S06PrefixSums = Doc<Store>;

impl Step for S06PrefixSums {
    const INFO: StepInfo = StepInfo {
        name: "s06-prefix-sums",
        predecessor: Some("s05-fenwick"),
        flags: &["chunks", "id-index", "spans", "prefix-sums"],
        idea: "Binary search over written-out prefix sums instead of the Fenwick tree: finding is a partition_point over a plain array, but an edit rewrites the sums of every later chunk.",
        why: "A binary search over a contiguous array is branch-predictable and cache-friendly; the question is whether the O(chunks) update (a tight loop) costs less than the Fenwick tree's scattered reads.",
        invariant: "The written-out prefix sum of each chunk equals the sum of the counts up to it.",
        code: "engine/src/structure/index.rs: `PrefixIndex`",
        notes: "Reverted: rewriting the prefix sums of every later chunk after each edit costs more than the binary search saves over the Fenwick descent; slower on all four traces.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
