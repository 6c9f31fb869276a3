//! s51-leaf-32: Leaves of at most 32 spans instead of 64: half the spans that a lookup by position scans and that an insert shifts, for a tree one level deeper in places.
//!
//! Predecessor: s50-id-hint.
//! Why: `perf` of a local replay of rustcode (s50): `Spans::locate_char_from`, the scan of a leaf's spans for a visible position, is the largest single function (12.5% of the replay's samples), and the span array's shifts (`memmove`) another 9%. Both grow with the spans a leaf holds. s09/s24 chose the leaf size when a leaf also held its text and its spans were 40 bytes; since s37 (text apart) and s48 (lean leaves) a span is 12 bytes and a leaf has no text to shift, so the trade-off is worth measuring again.
//! Invariant: As s50, with at most 32 spans a leaf (`assert_invariants`: no leaf over capacity).

use crate::buffered::Buffered;
use crate::log_entries::LeanEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::IdSpan;
use crate::structure::leaf::Spans;
use crate::structure::leaf_store::LeafStore;

/// s50's store with leaves of at most 32 spans.
pub type Store =
    LeafStore<Spans<IdSpan, 32, 2048, false, true, false, false, false, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s50 with 32-span leaves.
pub type S51Leaf32 = Buffered<Store, true, true, true, LeanEntries, false, true, true, true>;

impl Step for S51Leaf32 {
    const INFO: StepInfo = StepInfo {
        name: "s51-leaf-32",
        predecessor: Some("s50-id-hint"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "lean-log", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply", "lean-leaves", "id-hint"],
        idea: "Leaves of at most 32 spans instead of 64: half the spans that a lookup by position scans and that an insert shifts, for a tree one level deeper in places.",
        why: "`perf` of a local replay of rustcode (s50): `Spans::locate_char_from`, the scan of a leaf's spans for a visible position, is the largest single function (12.5% of the replay's samples), and the span array's shifts (`memmove`) another 9%. Both grow with the spans a leaf holds. s09/s24 chose the leaf size when a leaf also held its text and its spans were 40 bytes; since s37 (text apart) and s48 (lean leaves) a span is 12 bytes and a leaf has no text to shift, so the trade-off is worth measuring again.",
        invariant: "As s50, with at most 32 spans a leaf (`assert_invariants`: no leaf over capacity).",
        code: "engine/src/steps/s51_leaf_32.rs: the `CAP` parameter of `Spans`",
        notes: "Reverted (kept in the log; `Best` stays s50). Instructions (callgrind of `replay-once`, the timed region): the same as s50 within 0.3% (9.78M -> 9.78M sveltecomponent, 22.16M -> 22.09M rustcode, 33.96M -> 34.00M seph-blog1, 34.72M -> 34.73M automerge-paper): the shorter scans and shifts are paid back in descents, splits and count updates. Time, `crdt-bench ab engine/s50-id-hint engine/s51-leaf-32 --quick`: 1.074x slower on sveltecomponent (95% CI 1.070-1.078x), 1.063x on rustcode, 1.069x on seph-blog1, 1.039x on automerge-paper; twice the leaves touch more memory. Remote (`compare --workload remote --quick`): 2.33 -> 2.32 ms, 5.31 -> 5.30, 6.45 -> 6.42, 3.58 -> 3.56 (no difference). Memory after replay up 0-7% (630.7 -> 665.1 KB sveltecomponent, 1.31 -> 1.38 MB seph-blog1, 885.0 -> 950.7 KB automerge-paper): more leaves, each with its own allocation and tree entry.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
