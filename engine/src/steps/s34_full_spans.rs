//! s34-full-spans: A leaf's span array is allocated once at its full size (64 + 2 spans) instead of doubling up from 4, and a split-off leaf inherits it: no leaf's spans are ever copied to grow.
//!
//! Predecessor: s32-chunked-log.
//! Why: callgrind on rustcode (s32): `realloc` under `Spans::delete_visible` and `insert_after_entry` was 4% of a local replay's instructions. A long paste fills a leaf with few spans; `split_off_half` then cuts it by items, each half keeps the few-span capacity, and the deletes that later split those spans grow the array 4 -> 8 -> ... -> 128, copying it each time.
//! Invariant: As s32; with `FULL_SPANS` and `RESERVE` a leaf's span array has capacity 0 (never used) or at least `CAP + 2`, the most one edit can reach before the store splits the leaf (`Spans::assert_invariants`).

use crate::buffered::Buffered;
use crate::log_entries::ChunkedEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s30's (s32's) with `FULL_SPANS` leaves.
pub type Store =
    LeafStore<Spans<WideSpan, 64, 2048, true, true, false, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s32's buffer and chunked log over [`Store`].
pub type S34FullSpans = Buffered<Store, true, true, true, ChunkedEntries>;

impl Step for S34FullSpans {
    const INFO: StepInfo = StepInfo {
        name: "s34-full-spans",
        predecessor: Some("s32-chunked-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "full-spans"],
        idea: "A leaf's span array is allocated once at its full size (64 + 2 spans) instead of doubling up from 4, and a split-off leaf inherits it: no leaf's spans are ever copied to grow.",
        why: "callgrind on rustcode (s32): `realloc` under `Spans::delete_visible` and `insert_after_entry` was 4% of a local replay's instructions. A long paste fills a leaf with few spans; `split_off_half` then cuts it by items, each half keeps the few-span capacity, and the deletes that later split those spans grow the array 4 -> 8 -> ... -> 128, copying it each time.",
        invariant: "As s32; with `FULL_SPANS` and `RESERVE` a leaf's span array has capacity 0 (never used) or at least `CAP + 2`, the most one edit can reach before the store splits the leaf (`Spans::assert_invariants`).",
        code: "engine/src/structure/leaf.rs: `Spans<.., FULL_SPANS = true>`, `Spans::grow_spans`, `Spans::FULL_CAPACITY`",
        notes: "Kept, and the best step: fewer instructions and less memory, and, after a day that said otherwise, faster. Callgrind (timed region only): 0.978x s32's instructions on sveltecomponent, 0.979x on rustcode, 0.980x on seph-blog1, 0.989x on automerge-paper. Memory after replay (`compare --workload memory`, deterministic): 2.21 MB on sveltecomponent (s32: 2.66), 6.21 MB on rustcode (7.52), 5.07 MB on seph-blog1 (6.25), 3.16 MB on automerge-paper (3.94), 17-20% less: doubling took a full leaf's array from 64 to 128 spans, a full one stops at 66. Time: the first quiet-machine `ab engine/s32-chunked-log engine/s34-full-spans` (879-3528 pairs a trace) found it 1.029x slower on sveltecomponent, the same on rustcode, 1.010x and 1.018x slower on seph-blog1 and automerge-paper, and it was reverted; on the next day's build (same code for both steps) the same `ab --budget 3` (237-919 pairs) found it 1.034x faster on sveltecomponent (95% CI 1.024-1.041), 1.056x on rustcode, 1.046x on seph-blog1, 1.028x on automerge-paper, and two log runs had it at 1.02x and 1.04x [1.02x, 1.07x] of s32's speed. A few percent between builds of unchanged code is code layout; the instruction count does not move with it and says this step does less work, so it is the best step. A clone (a fork) keeps the full capacity too: a derived `Clone` sized the arrays to their contents and broke the invariant (the conformance suite caught it). Measured in the same session as three changes shared by every step (not flags, so not in the ablation): a run's chars counted once (the buffer counts them as keys come and hands the count down, `Doc::insert_counted`), one-byte keystrokes appended to the run without a slice copy, and the op log's local push with one parent skipping the frontier's take/retain; those took s32 to 0.92-0.94x its instructions on the four traces.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
