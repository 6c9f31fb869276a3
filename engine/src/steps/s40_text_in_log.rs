//! s40-text-in-log: The tree keeps no text at all: a leaf holds ids, origins and counts, and a read (`text`, `slice`) takes the visible items' chars from the op log, which holds every inserted char already.
//!
//! Predecessor: s39-backward-ops.
//! Why: DHAT on rustcode (s39) after a local replay: 6.21 MB held, 1.99 MB of it (32%) the leaves' text, tombstones' chars included, in strings sized for a full leaf; the op log's `inserted_text` holds the same chars again (0.68 MB). Every insert into a leaf also finds its byte offset in the leaf's text and shifts the rest of it, and every split copies half of it (about 5% of a local replay's instructions on sveltecomponent, s37's callgrind).
//! Invariant: As s39; every leaf's text is empty (`Spans::assert_invariants` with `TEXT = false`), the store's visible runs are the model's visible items in order (`stores_match_the_vec_model`), and the text read from the log is the items' chars by the log (`Doc::assert_invariants`).

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

/// The store of this step: s34's (s39's) with leaves that keep no text (`TEXT = false`).
pub type Store =
    LeafStore<Spans<WideSpan, 64, 2048, true, true, false, true, false>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s39's buffer, chunked log and backward ops over [`Store`].
pub type S40TextInLog = Buffered<Store, true, true, true, ChunkedEntries, false, true>;

impl Step for S40TextInLog {
    const INFO: StepInfo = StepInfo {
        name: "s40-text-in-log",
        predecessor: Some("s39-backward-ops"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "full-spans", "backward-ops", "text-in-log"],
        idea: "The tree keeps no text at all: a leaf holds ids, origins and counts, and a read (`text`, `slice`) takes the visible items' chars from the op log, which holds every inserted char already.",
        why: "DHAT on rustcode (s39) after a local replay: 6.21 MB held, 1.99 MB of it (32%) the leaves' text, tombstones' chars included, in strings sized for a full leaf; the op log's `inserted_text` holds the same chars again (0.68 MB). Every insert into a leaf also finds its byte offset in the leaf's text and shifts the rest of it, and every split copies half of it (about 5% of a local replay's instructions on sveltecomponent, s37's callgrind).",
        invariant: "As s39; every leaf's text is empty (`Spans::assert_invariants` with `TEXT = false`), the store's visible runs are the model's visible items in order (`stores_match_the_vec_model`), and the text read from the log is the items' chars by the log (`Doc::assert_invariants`).",
        code: "engine/src/doc.rs: `Doc::read_text`; engine/src/oplog.rs: `OpLog::push_inserted_text`; engine/src/store.rs: `SeqStore::KEEPS_TEXT`, `SeqStore::visible_runs`; engine/src/structure/leaf.rs: `Leaf::push_visible_runs`, `Spans<.., TEXT = false>`",
        notes: "Kept, and the best step: faster on sveltecomponent and rustcode in every run, fewer instructions on all four, 3-7% faster remotely, and 20-33% less memory. The first log run with it (c199f27) had it at 1.06x / 1.14x / 0.98x / 0.99x (seph-blog1 and automerge-paper at parity, their CIs across 1), the ablation at 1.10x [1.08, 1.13] (`best-without-text-in-log`); `crdt-bench ab engine/s39-backward-ops engine/s40-text-in-log --instructions --quick` (the machine in its fast regime): 1.104x faster on sveltecomponent (95% CI 1.099-1.108), 1.189x on rustcode (1.182-1.195), 1.106x on seph-blog1 (1.097-1.114), 1.095x on automerge-paper (1.088-1.105); 0.919 / 0.795 / 0.927 / 0.963 of s39's instructions (rustcode gains most: its big pastes and deletes made the longest leaf texts to shift and split). `crdt-bench compare --workload memory` (deterministic byte counts): retained 2.21 -> 1.77 MB after sveltecomponent, 6.21 -> 4.14 MB after rustcode, 5.07 -> 4.03 MB after seph-blog1, 3.16 -> 2.50 MB after automerge-paper (diamond-types: 0.76 / 1.98 / 2.66 / 1.81). `compare --workload remote --quick`: 2.61 -> 2.52 ms, 5.86 -> 5.47, 7.10 -> 6.90, 3.90 -> 3.74 (an integrated insert no longer copies its text into a leaf). The cost is in reads, which no workload times: a whole `text()` (median of 21, timed by a throwaway program on this machine, not by the harness) takes 59 us instead of 45 on sveltecomponent, 248 instead of 190 on rustcode, 798 instead of 216 on seph-blog1, 616 instead of 190 on automerge-paper, one id lookup in the log (a binary search over the agent's entries) per visible run; still under a millisecond, and a reader that walked runs with a cursor in the log would pay less. Unlike s37-text-apart (reverted: a rope beside the tree had to find every place a second time), nothing is searched twice: the log is appended to on every edit already.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
