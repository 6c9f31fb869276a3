//! s50-id-hint: A leaf remembers the span in which its last lookup by id found the id, and the next lookup by id looks there first (that span, the one before and the two after), then scans the leaf from its start as before.
//!
//! Predecessor: s48-lean-leaves.
//! Why: Callgrind of `engine/examples/integrate` (the engine's side of the remote workload) on sveltecomponent, s48: 1.22M of the 20.8M instructions are `Spans::locate_id`, the linear scan of a leaf's spans for the span holding an id (the id table names the leaf, not the span): every delete target and every insert's left origin starts it at the leaf's first span, and counts the items before the span on the way. A peer's ops arrive in causal order, and the next op mostly continues or deletes next to what the one before touched: the same span, the pieces a delete just split it into, or the span after.
//! Invariant: As s48; the hint is only a place to look first: any value is safe (a lookup checks the spans it names and falls back to the full scan), so no invariant ties it to the spans; `stores_match_the_vec_model` runs stores with the hint, with and without text, against the model.

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

/// s48's store whose leaves look for an id near their last one first.
pub type Store =
    LeafStore<Spans<IdSpan, 64, 2048, false, true, false, false, false, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s48 with the id hint in its leaves.
pub type S50IdHint = Buffered<Store, true, true, true, LeanEntries, false, true, true, true>;

impl Step for S50IdHint {
    const INFO: StepInfo = StepInfo {
        name: "s50-id-hint",
        predecessor: Some("s48-lean-leaves"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "lean-log", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply", "lean-leaves", "id-hint"],
        idea: "A leaf remembers the span in which its last lookup by id found the id, and the next lookup by id looks there first (that span, the one before and the two after), then scans the leaf from its start as before.",
        why: "Callgrind of `engine/examples/integrate` (the engine's side of the remote workload) on sveltecomponent, s48: 1.22M of the 20.8M instructions are `Spans::locate_id`, the linear scan of a leaf's spans for the span holding an id (the id table names the leaf, not the span): every delete target and every insert's left origin starts it at the leaf's first span, and counts the items before the span on the way. A peer's ops arrive in causal order, and the next op mostly continues or deletes next to what the one before touched: the same span, the pieces a delete just split it into, or the span after.",
        invariant: "As s48; the hint is only a place to look first: any value is safe (a lookup checks the spans it names and falls back to the full scan), so no invariant ties it to the spans; `stores_match_the_vec_model` runs stores with the hint, with and without text, against the model.",
        code: "engine/src/structure/leaf.rs: `Spans::find_id` and the `ID_HINT` parameter",
        notes: "Kept (the best step until s53). Remote, callgrind of `examples/integrate` with each as `Best` (deterministic), s48 -> s50: sveltecomponent 20.82M -> 19.35M instructions (-7.1%), rustcode 46.23M -> 43.46M (-6.0%), seph-blog1 52.98M -> 48.81M (-7.9%), automerge-paper 29.48M -> 27.12M (-8.0%). Two parts: a lookup looks at the hinted span, the one before and the two after first (-4 to -5% alone: 19.82M on sveltecomponent), and a peer's insert placed by id no longer counts the items before its place, which only a leaf with text or a bulk insert reads (`Leaf::place_after_id`'s `need_item`). Time, `crdt-bench compare --workload remote --quick --subjects engine/s48-lean-leaves,engine/s50-id-hint,diamond-types`: 2.60 -> 2.42 ms on sveltecomponent (1.07x), 5.74 -> 5.46 (1.05x), 6.85 -> 6.46 (1.06x), 3.82 -> 3.58 (1.07x); memory after replay unchanged (the hint fits in the leaf's padding). Local replay looks no id up, so this step is parity there by construction: `ab engine/s48-lean-leaves engine/s50-id-hint --quick` no difference on sveltecomponent and rustcode, 1.02x faster on seph-blog1 and automerge-paper; callgrind of the local replay 1.6% more instructions (9.99M -> 10.16M on sveltecomponent), which is the build's code layout: the same s48 counted 9.88M in the build before.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
