//! s37-text-apart: The visible text kept apart from the CRDT metadata: the tree's leaves hold only ids, origins and counts, and the visible text sits in a rope addressed by visible char position.
//!
//! Predecessor: s35-leaves-fit.
//! Why: perf on sveltecomponent (s35): memmove was 17% of a local replay's cycles, 7% of it under `insert_after_entry`, which shifts the rest of the leaf's text (tombstones' chars included, up to 2048 of them) for every run it inserts, beside the spans it shifts. A rope moves only its own small node's bytes, deleted text is kept nowhere but the op log, and a leaf split copies no text.
//! Invariant: As s35; every leaf's text is empty (`Spans::assert_invariants` with `TEXT = false`), the rope's visible length equals the tree's, and the rope's chars are the tree's visible items' in order (`TextApart::dump`, checked against the model and the op log).

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
use crate::structure::text_apart::TextApart;

/// The store of this step: s35's tree with leaves that keep no text, and the text in a rope.
pub type Store = TextApart<
    LeafStore<Spans<WideSpan, 64, 2048, false, true, false, false, false>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>,
>;

/// The step: s35's buffer and chunked log over [`Store`].
pub type S37TextApart = Buffered<Store, true, true, true, ChunkedEntries>;

impl Step for S37TextApart {
    const INFO: StepInfo = StepInfo {
        name: "s37-text-apart",
        predecessor: Some("s35-leaves-fit"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "chunked-log", "leaves-fit", "text-apart"],
        idea: "The visible text kept apart from the CRDT metadata: the tree's leaves hold only ids, origins and counts, and the visible text sits in a rope addressed by visible char position.",
        why: "perf on sveltecomponent (s35): memmove was 17% of a local replay's cycles, 7% of it under `insert_after_entry`, which shifts the rest of the leaf's text (tombstones' chars included, up to 2048 of them) for every run it inserts, beside the spans it shifts. A rope moves only its own small node's bytes, deleted text is kept nowhere but the op log, and a leaf split copies no text.",
        invariant: "As s35; every leaf's text is empty (`Spans::assert_invariants` with `TEXT = false`), the rope's visible length equals the tree's, and the rope's chars are the tree's visible items' in order (`TextApart::dump`, checked against the model and the op log).",
        code: "engine/src/structure/text_apart.rs: `TextApart` (over jumprope's `JumpRope`); engine/src/structure/leaf.rs: `Spans<.., TEXT = false>`; `SeqStore::chars_before` (a remote op's visible position)",
        notes: "Reverted: 1.22-1.25x slower, for less memory on rustcode only. `crdt-bench ab engine/s35-leaves-fit engine/s37-text-apart --instructions --quick`: 1.248x slower on sveltecomponent (95% CI 1.242-1.254), 1.244x on rustcode, 1.238x on seph-blog1, 1.217x on automerge-paper; 1.21x / 1.13x / 1.20x / 1.12x the instructions. Merging a peer's history (`compare --workload remote --quick`) was about 1.3x slower too (4.31 -> 5.60 ms on sveltecomponent, 15.3 -> 22.0 ms on automerge-paper): each remote op now also asks the tree for its visible position (`chars_before`) and the rope searches for it again. Memory after replay (`--workload memory`): 1.75 MB on sveltecomponent (s35: 1.93), 3.91 MB on rustcode (5.43), 4.20 MB on seph-blog1 (4.41), 2.91 MB on automerge-paper (2.90): the tombstones' text is gone, but the rope's nodes cost about what it held except on rustcode, whose big deletes left the most dead text. Callgrind on sveltecomponent says why: the rope is 26% of the instructions (its skip list is searched from the head for every edit, `mut_cursor_at_char` 8.9%, `insert_at_cursor` 10.2%) while the leaf text work it replaces was about 5%: the tree already found the place, and a second structure has to find it again. Text apart only pays with a text structure that shares the tree's search (which is what text in the leaves is).",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
