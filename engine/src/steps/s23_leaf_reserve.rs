//! s23-leaf-reserve: A leaf split off another starts with the other's capacities, so refilling it does not grow its span `Vec` and text `String` step by step.
//!
//! Predecessor: s22-known-length.
//! Why: A split moved the second half of a leaf into a `Vec` and a `String` of exactly that size; the next inserts into the new leaf then doubled them again (a `malloc`, a copy and a `free` each time). perf on sveltecomponent (s21): `malloc`/`free` at 5-7% of the replay, most of it under `Spans::insert_after_entry`.
//! Invariant: None new: capacities are not observable; the leaf's contents and counts are as in s22.

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// The store of this step: s20's, with leaves that reserve on split.
pub type Store = LeafStore<Spans<WideSpan, 32, 1024, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s22's buffer over [`Store`].
pub type S23LeafReserve = Buffered<Store, true, true, true>;

impl Step for S23LeafReserve {
    const INFO: StepInfo = StepInfo {
        name: "s23-leaf-reserve",
        predecessor: Some("s22-known-length"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=1024", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve"],
        idea: "A leaf split off another starts with the other's capacities, so refilling it does not grow its span `Vec` and text `String` step by step.",
        why: "A split moved the second half of a leaf into a `Vec` and a `String` of exactly that size; the next inserts into the new leaf then doubled them again (a `malloc`, a copy and a `free` each time). perf on sveltecomponent (s21): `malloc`/`free` at 5-7% of the replay, most of it under `Spans::insert_after_entry`.",
        invariant: "None new: capacities are not observable; the leaf's contents and counts are as in s22.",
        code: "engine/src/structure/leaf.rs: `Spans<S, CAP, MAX_ITEMS, RESERVE = true>`, `Spans::split_off_spans`",
        notes: "Kept: `crdt-bench ab engine/s22-known-length engine/s23-leaf-reserve` gave 1.076x on sveltecomponent, 1.030x on rustcode, 1.021x on seph-blog1, parity on automerge-paper. The first version gave each half the whole capacity of the leaf it came from: rustcode's long pastes are halved many times, every half got the paste's capacity, and rustcode ran 1.71x slower. The text now reserves at most a full leaf's worth (`MAX_ITEMS` bytes).",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
