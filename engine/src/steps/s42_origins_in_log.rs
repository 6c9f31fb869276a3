//! s42-origins-in-log: The tree keeps no origins either: a span is the first id and a length with the tombstone flag (12 bytes instead of 40), and the YjsMod scan over concurrent inserts reads an item's origins from the op log, which holds them for every insert already.
//!
//! Predecessor: s40-text-in-log.
//! Why: After s40 the leaves' span arrays are a large part of what the engine holds (a leaf allocates its 66 spans of 40 bytes once, s34), and callgrind of a local replay on seph-blog1 (s40) has 9% of the instructions in `memmove`, most of it shifting spans inside a leaf (`insert_after_entry`, `split_span`). An item's origins are a function of its id and the op log (the insert entry's origins for the entry's first char, the char before for the others), so the tree's copy is redundant; only a remote insert that meets concurrent items between its origins reads them.
//! Invariant: As s40; the store lists no origins (`stores_match_the_vec_model` with `KEEPS_ORIGINS = false`), two spans side by side merge when their ids continue and their tombstone flags agree (`Spans::assert_invariants`), and every item sits between the origins the log gives it (`Doc::assert_invariants`).

use crate::buffered::Buffered;
use crate::log_entries::ChunkedEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::IdSpan;
use crate::structure::leaf::Spans;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s40's with spans that keep no origins ([`IdSpan`]).
pub type Store =
    LeafStore<Spans<IdSpan, 64, 2048, true, true, false, true, false>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s40's buffer, chunked log and backward ops over [`Store`].
pub type S42OriginsInLog = Buffered<Store, true, true, true, ChunkedEntries, false, true>;

impl Step for S42OriginsInLog {
    const INFO: StepInfo = StepInfo {
        name: "s42-origins-in-log",
        predecessor: Some("s40-text-in-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "full-spans", "backward-ops", "text-in-log", "origins-in-log"],
        idea: "The tree keeps no origins either: a span is the first id and a length with the tombstone flag (12 bytes instead of 40), and the YjsMod scan over concurrent inserts reads an item's origins from the op log, which holds them for every insert already.",
        why: "After s40 the leaves' span arrays are a large part of what the engine holds (a leaf allocates its 66 spans of 40 bytes once, s34), and callgrind of a local replay on seph-blog1 (s40) has 9% of the instructions in `memmove`, most of it shifting spans inside a leaf (`insert_after_entry`, `split_span`). An item's origins are a function of its id and the op log (the insert entry's origins for the entry's first char, the char before for the others), so the tree's copy is redundant; only a remote insert that meets concurrent items between its origins reads them.",
        invariant: "As s40; the store lists no origins (`stores_match_the_vec_model` with `KEEPS_ORIGINS = false`), two spans side by side merge when their ids continue and their tombstone flags agree (`Spans::assert_invariants`), and every item sits between the origins the log gives it (`Doc::assert_invariants`).",
        code: "engine/src/structure/leaf.rs: `IdSpan`, `SpanLayout::ORIGINS`; engine/src/doc.rs: `Doc::stored_run_at`; engine/src/oplog.rs: `OpLog::insert_origins`; engine/src/store.rs: `SeqStore::KEEPS_ORIGINS`",
        notes: "Kept. `crdt-bench ab engine/s40-text-in-log engine/s42-origins-in-log --instructions --quick`: 1.130x faster on sveltecomponent (95% CI 1.124-1.136), 1.125x on rustcode (1.120-1.130), 1.148x on seph-blog1 (1.139-1.157), 1.119x on automerge-paper (1.114-1.122); 0.919 / 0.928 / 0.932 / 0.962 of s40's instructions. `crdt-bench compare --workload memory` (deterministic byte counts): retained 1.77 -> 1.43 MB after sveltecomponent, 4.14 -> 3.10 MB after rustcode, 4.03 -> 3.15 MB after seph-blog1, 2.50 -> 1.92 MB after automerge-paper (diamond-types: 0.76 / 1.98 / 2.66 / 1.81). `compare --workload remote --quick` (the machine in its slow regime): 3.74 -> 3.63 ms, 7.36 -> 7.25, 8.82 -> 8.17, 5.27 -> 5.06 (diamond-types 1.27 / 3.11 / 3.43 / 2.35): a remote insert of a linear history finds its right origin right after its left one and never reads an origin, so it gains only the smaller spans. Spans also merge more often than before (ids that continue are enough), so leaves hold fewer of them. The cost is in concurrent merges only: each item the YjsMod scan passes looks its origins up in the log (a binary search over its agent's entries). `compare --workload concurrent --quick` (one run): 250 -> 267 ms on clownschool, 143 -> 144 ms on friendsforever (diamond-types 402 / 266): still well ahead of diamond-types, and a cursor into the log that remembered the last entry found would give most of it back.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
