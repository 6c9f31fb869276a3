//! s31-lens-apart: A leaf keeps its spans' lengths and tombstone flags in an array of their own (4 bytes a span), which is all that the scans for an item or a char read.
//!
//! Predecessor: s30-back-hint.
//! Why: perf on sveltecomponent and rustcode (s30): the scans over a leaf's spans (`Spans::delete_visible`, `Spans::local_place`, `locate`) were 12-14% of a local replay, striding over 40-byte spans to read 5 bytes of each. 64 spans' lengths fit in 4 cache lines instead of 40.
//! Invariant: As s30; the lengths array says what the spans say, span by span (`Spans::assert_invariants`, run by the store model test).

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s30's with `LENS_APART` leaves.
pub type Store = LeafStore<Spans<WideSpan, 64, 2048, true, true, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s30's buffer over [`Store`].
pub type S31LensApart = Buffered<Store, true, true, true>;

impl Step for S31LensApart {
    const INFO: StepInfo = StepInfo {
        name: "s31-lens-apart",
        predecessor: Some("s30-back-hint"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "lens-apart"],
        idea: "A leaf keeps its spans' lengths and tombstone flags in an array of their own (4 bytes a span), which is all that the scans for an item or a char read.",
        why: "perf on sveltecomponent and rustcode (s30): the scans over a leaf's spans (`Spans::delete_visible`, `Spans::local_place`, `locate`) were 12-14% of a local replay, striding over 40-byte spans to read 5 bytes of each. 64 spans' lengths fit in 4 cache lines instead of 40.",
        invariant: "As s30; the lengths array says what the spans say, span by span (`Spans::assert_invariants`, run by the store model test).",
        code: "engine/src/structure/leaf.rs: `Spans` with `LENS_APART = true` (`Spans::scan`, `Spans::set_span` / `insert_span` / `remove_span`)",
        notes: "Reverted: `crdt-bench ab engine/s30-back-hint engine/s31-lens-apart --instructions --quick` gave 1.027x slower on sveltecomponent (instructions 1.042x), 1.043x on rustcode (1.038x), 1.031x on seph-blog1 (1.036x), 1.016x on automerge-paper (1.022x). With the cursor cache and the back hint most scans are a few spans long, so the cache lines saved are few, while every span insert, split and merge now writes two arrays.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
