//! s30-back-hint: The cursor cache's entry hint also serves a char before it: the leaf walks back from the hint instead of scanning from its first span.
//!
//! Predecessor: s26-max-items-2048.
//! Why: perf on sveltecomponent (s26): `Spans::delete_visible` was 10% of a local replay, most of it the scan over a leaf's spans (40 bytes each, up to 64) to find the char. A backspace run that goes past the start of the span last edited (the hint) lands before the hint, and the scan then started from the leaf's first span.
//! Invariant: As s26; the walk back stops at a span that starts at or before the char (the forward scan then finds it as without a hint; the store model test covers it).

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s26's with `BACK_HINT` leaves.
pub type Store = LeafStore<Spans<WideSpan, 64, 2048, true, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s26's buffer over [`Store`].
pub type S30BackHint = Buffered<Store, true, true, true>;

impl Step for S30BackHint {
    const INFO: StepInfo = StepInfo {
        name: "s30-back-hint",
        predecessor: Some("s26-max-items-2048"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint"],
        idea: "The cursor cache's entry hint also serves a char before it: the leaf walks back from the hint instead of scanning from its first span.",
        why: "perf on sveltecomponent (s26): `Spans::delete_visible` was 10% of a local replay, most of it the scan over a leaf's spans (40 bytes each, up to 64) to find the char. A backspace run that goes past the start of the span last edited (the hint) lands before the hint, and the scan then started from the leaf's first span.",
        invariant: "As s26; the walk back stops at a span that starts at or before the char (the forward scan then finds it as without a hint; the store model test covers it).",
        code: "engine/src/structure/leaf.rs: `Spans` with `BACK_HINT = true` (`Spans::locate_char_from`)",
        notes: "Kept (best until s32): `crdt-bench ab engine/s26-max-items-2048 engine/s30-back-hint --instructions --quick` gave 1.057x faster on sveltecomponent (instructions 0.961x), 1.037x on rustcode (0.968x), 1.042x on seph-blog1 (0.966x), 1.023x on automerge-paper (0.981x). Measured again after a fix shared by every step (the op log no longer tries twice to extend its last entry with a local op that does not continue it: 2.5-8% fewer instructions for s26 and s30 alike): instructions 0.977x / 0.983x / 0.983x / 0.990x of s26's, time 1.020x faster on sveltecomponent, 1.023x on seph-blog1, within 1.3% on the other two. The walk back is taken only when the char is nearer the hint than the leaf start (at least half the hint's chars); a mutation that stops the walk one char early fails the store model test.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
