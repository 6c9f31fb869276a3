//! s53-branchless-scan: The scan of a leaf's spans for a visible position counts a tombstone's length as 0 through a mask made from its flag instead of branching on the flag, so the loop's only branch is its exit.
//!
//! Predecessor: s50-id-hint.
//! Why: `perf record` over `crdt-bench compare --subjects engine --traces rustcode` (s50; the run's per-sample verification included, so replay's own share is larger): `Spans::locate_char_from` is the largest single function, 12.5% of all samples, against 8% of the replay's instructions (callgrind): its loop runs at a poor rate per instruction. The loop branches on each span's tombstone flag, and in an edited document tombstones and visible spans alternate with no pattern a predictor can learn. s51 and s52 (scanning fewer or more spans) did not move time; cheaper steps in the same scan might.
//! (The walk back from the hint, `BACK_HINT`, masks tombstones the same way.)
//! Invariant: As s50; the masked scan returns what the branching one does (a tombstone never holds `pos_chars`, because the chars before the span are at most `pos_chars` throughout), which `stores_match_the_vec_model` checks against the model.

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

/// s50's store whose position scans do not branch on tombstones.
pub type Store =
    LeafStore<Spans<IdSpan, 64, 2048, false, true, false, false, false, true, true>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, true>;

/// The step: s50 with the branchless position scan.
pub type S53BranchlessScan = Buffered<Store, true, true, true, LeanEntries, false, true, true, true>;

impl Step for S53BranchlessScan {
    const INFO: StepInfo = StepInfo {
        name: "s53-branchless-scan",
        predecessor: Some("s50-id-hint"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "lean-log", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply", "lean-leaves", "id-hint", "branchless-scan"],
        idea: "The scan of a leaf's spans for a visible position counts a tombstone's length as 0 through a mask made from its flag instead of branching on the flag, so the loop's only branch is its exit.",
        why: "`perf record` over `crdt-bench compare --subjects engine --traces rustcode` (s50; the run's per-sample verification included, so replay's own share is larger): `Spans::locate_char_from` is the largest single function, 12.5% of all samples, against 8% of the replay's instructions (callgrind): its loop runs at a poor rate per instruction. The loop branches on each span's tombstone flag, and in an edited document tombstones and visible spans alternate with no pattern a predictor can learn. s51 and s52 (scanning fewer or more spans) did not move time; cheaper steps in the same scan might.",
        invariant: "As s50; the masked scan returns what the branching one does (a tombstone never holds `pos_chars`, because the chars before the span are at most `pos_chars` throughout), which `stores_match_the_vec_model` checks against the model.",
        code: "engine/src/structure/leaf.rs: `Spans::locate_char_from` and the `BRANCHLESS_SCAN` parameter",
        notes: "Kept: the best step. Time, `crdt-bench ab engine/s50-id-hint engine/s53-branchless-scan --quick`: 1.093x faster on sveltecomponent (95% CI 1.089-1.096x), 1.088x on rustcode (1.086-1.090x), 1.094x on seph-blog1 (1.092-1.097x), 1.064x on automerge-paper (1.061-1.065x). (The forward scan alone, before the walk back from the hint was masked too: 1.091x, 1.084x, 1.078x, 1.054x.) Instructions (callgrind of `replay-once`, both steps in the same binary) go up, as expected of loops that now always add: 9.44M -> 9.68M on sveltecomponent (+2.5%), 21.45M -> 21.99M rustcode (+2.5%), 31.73M -> 32.44M seph-blog1 (+2.3%), 31.69M -> 32.07M automerge-paper (+1.2%): the time went to mispredicted branches, which only `perf` showed, not to instructions. Remote: the same instruction counts as s50 on all four traces (a peer's ops are placed by id, not by position); `compare --workload remote --quick` twice gave differences of -9% to +11% in both directions on a machine changing speed regimes: no change. Memory after replay identical (630.8 KB, 1.68 MB, 1.31 MB, 888.1 KB)",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
