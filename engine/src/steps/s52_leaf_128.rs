//! s52-leaf-128: Leaves of at most 128 spans instead of 64: half as many leaves (fewer descents, splits and count updates along the path), for twice the spans a position lookup may scan.
//!
//! Predecessor: s50-id-hint.
//! Why: s51 (32 spans) ran the same instructions as s50 and 4-7% slower, so the other direction is the one to measure. `perf` of a local replay of rustcode (s50): `Spans::locate_char_from`, the scan of a leaf's spans for a visible position, is the largest single function (12.5% of the replay's samples), and the span array's shifts (`memmove`) another 9%. Both grow with the spans a leaf holds. s09/s24 chose the leaf size when a leaf also held its text and its spans were 40 bytes; since s37 (text apart) and s48 (lean leaves) a span is 12 bytes and a leaf has no text to shift, so the trade-off is worth measuring again.
//! Invariant: As s50, with at most 128 spans a leaf (`assert_invariants`: no leaf over capacity).

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

/// s50's store with leaves of at most 128 spans.
pub type Store =
    LeafStore<Spans<IdSpan, 128, 2048, false, true, false, false, false, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s50 with 128-span leaves.
pub type S52Leaf128 = Buffered<Store, true, true, true, LeanEntries, false, true, true, true>;

impl Step for S52Leaf128 {
    const INFO: StepInfo = StepInfo {
        name: "s52-leaf-128",
        predecessor: Some("s50-id-hint"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=128", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "lean-log", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply", "lean-leaves", "id-hint"],
        idea: "Leaves of at most 128 spans instead of 64: half as many leaves (fewer descents, splits and count updates along the path), for twice the spans a position lookup may scan.",
        why: "s51 (32 spans) ran the same instructions as s50 and 4-7% slower, so the other direction is the one to measure. `perf` of a local replay of rustcode (s50): `Spans::locate_char_from`, the scan of a leaf's spans for a visible position, is the largest single function (12.5% of the replay's samples), and the span array's shifts (`memmove`) another 9%. Both grow with the spans a leaf holds. s09/s24 chose the leaf size when a leaf also held its text and its spans were 40 bytes; since s37 (text apart) and s48 (lean leaves) a span is 12 bytes and a leaf has no text to shift, so the trade-off is worth measuring again.",
        invariant: "As s50, with at most 128 spans a leaf (`assert_invariants`: no leaf over capacity).",
        code: "engine/src/steps/s51_leaf_32.rs: the `CAP` parameter of `Spans`",
        notes: "Reverted as parity (kept in the log; `Best` stays s50). Instructions (callgrind of `replay-once`): +0.8% on sveltecomponent (9.78M -> 9.86M), -0.6% on rustcode (22.16M -> 22.02M), +0.1% on seph-blog1 (33.96M -> 34.00M), 0.0% on automerge-paper (34.72M). Time, `crdt-bench ab engine/s50-id-hint engine/s52-leaf-128 --quick`: 1.020x faster on sveltecomponent (95% CI 1.015-1.025x), 1.014x on rustcode, 1.017x on seph-blog1, 1.013x on automerge-paper: inside the 3% that the binary's code layout alone moves a step by (s48's and s49's notes), with instructions that do not move. Remote (`compare --workload remote --quick`): 2.33 -> 2.35 ms, 5.31 -> 5.26, 6.45 -> 6.57, 3.58 -> 3.64 (mixed, within noise). Memory after replay: 630.7 -> 620.7 KB sveltecomponent, 1.68 -> 1.64 MB rustcode, 1.31 -> 1.28 MB seph-blog1, 885.0 -> 890.9 KB automerge-paper (-2 to +1%). Together with s51: the leaf size is not where the remaining local time is; 64 stays.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
