//! s54-branchless-descent: The B-tree's descent picks each node's child by summing every child's counts with those past the target masked to zero, and a count update finds a child's slot by looking at every slot: no loop in the tree branches on the counts or ids it reads.
//!
//! Predecessor: s53-branchless-scan.
//! Why: s53 showed that mispredicted branches, not instructions, were a large part of local replay's time: masking one data-dependent branch in the leaf scan made it 5-9% faster. Local replay of sveltecomponent takes about 1.1 ms for some 14,000 flushes of the edit buffer (callgrind's count of op-log pushes), a few hundred cycles each, so each mispredict (15-20 cycles) is several percent of one. The B-tree's descent (`find_char`, 3.5% of the samples in s53's `perf` run) exits its loop over a node's children at a place that depends on the position, and the count update after each edit (`update_path`, 5.1%) searches each node on the path for the child it came from: both mispredict about once per level.
//! Invariant: As s53; the masked descent returns the child the branching one does (the children wholly before the target are a prefix, since counts are not negative), and `slot_of_branchless` the slot `slot_of` does (each child is under its parent exactly once); `assert_invariants` and `stores_match_the_vec_model` (stores with the flag, with small nodes) check both.

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

/// s53's store with the branchless B-tree.
pub type Store =
    LeafStore<Spans<IdSpan, 64, 2048, false, true, false, false, false, true, true>, BTreeIndex<16, true>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s53 with the branchless descent and count update.
pub type S54BranchlessDescent = Buffered<Store, true, true, true, LeanEntries, false, true, true, true>;

impl Step for S54BranchlessDescent {
    const INFO: StepInfo = StepInfo {
        name: "s54-branchless-descent",
        predecessor: Some("s53-branchless-scan"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "lean-log", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply", "lean-leaves", "id-hint", "branchless-scan", "branchless-descent"],
        idea: "The B-tree's descent picks each node's child by summing every child's counts with those past the target masked to zero, and a count update finds a child's slot by looking at every slot: no loop in the tree branches on the counts or ids it reads.",
        why: "s53 showed that mispredicted branches, not instructions, were a large part of local replay's time: masking one data-dependent branch in the leaf scan made it 5-9% faster. Local replay of sveltecomponent takes about 1.1 ms for some 14,000 flushes of the edit buffer (callgrind's count of op-log pushes), a few hundred cycles each, so each mispredict (15-20 cycles) is several percent of one. The B-tree's descent (`find_char`, 3.5% of the samples in s53's `perf` run) exits its loop over a node's children at a place that depends on the position, and the count update after each edit (`update_path`, 5.1%) searches each node on the path for the child it came from: both mispredict about once per level.",
        invariant: "As s53; the masked descent returns the child the branching one does (the children wholly before the target are a prefix, since counts are not negative), and `slot_of_branchless` the slot `slot_of` does (each child is under its parent exactly once); `assert_invariants` and `stores_match_the_vec_model` (stores with the flag, with small nodes) check both.",
        code: "engine/src/structure/btree.rs: `BTreeIndex::find`, `BTreeIndex::update_path` and the `BRANCHLESS` parameter",
        notes: "Reverted (kept in the log; `Best` stays s53). Time, `crdt-bench ab engine/s53-branchless-scan engine/s54-branchless-descent --quick`: 1.034x slower on sveltecomponent (95% CI 1.029-1.038x), 1.043x slower on rustcode (1.040-1.044x), 1.021x slower on seph-blog1, no difference on automerge-paper (1.010x, CI 1.007-1.012x). Instructions (callgrind of `replay-once`): 9.68M -> 10.03M sveltecomponent (+3.7%), 21.99M -> 23.27M rustcode (+5.8%), 32.44M -> 33.38M seph-blog1 (+2.9%), 32.07M -> 32.53M automerge-paper (+1.4%). Unlike s53's leaf scan, which stops at the span it finds and masked only what it read anyway, these loops now read every child of every node on the path (up to 16, two counts each) where the branching ones stopped early; with the cursor cache and deferred counts, descents and count updates are rare enough that the mispredicts saved cost less than the extra work. The remaining mispredicts worth masking are in loops that read every element anyway.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
