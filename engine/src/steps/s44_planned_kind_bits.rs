//! s44-planned-kind-bits: Checking a peer's batch keeps one bit per planned char op of each agent (set for an insert), so that an origin or a delete target planned earlier in the same batch is checked with a bit test instead of a search for its op.
//!
//! Predecessor: s42-origins-in-log.
//! Why: Callgrind of the remote workload on sveltecomponent (s42, `examples/integrate`): 25.1M instructions, 7.8% of them (1.97M) in `Known::find_planned`, the binary search over the batch's planned ops that checks an insert's origins and a delete's targets are inserts. A whole history arrives as one batch, so almost every origin and target is planned, not in the log yet; an agent's planned char ops continue its log's seqs without a gap, so their kinds fit a bit array indexed by seq.
//! Invariant: As s42; a batch is accepted or refused exactly as before (the hostile-batch tests run for every step), and `PlannedKinds` answers as a `Vec<bool>` model does (`planned_kinds_match_a_vec_model`).

use crate::buffered::Buffered;
use crate::log_entries::ChunkedEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s42_origins_in_log::Store;

/// The step: s42 with the planned kinds as bits.
pub type S44PlannedKindBits = Buffered<Store, true, true, true, ChunkedEntries, false, true, true>;

impl Step for S44PlannedKindBits {
    const INFO: StepInfo = StepInfo {
        name: "s44-planned-kind-bits",
        predecessor: Some("s42-origins-in-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "full-spans", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits"],
        idea: "Checking a peer's batch keeps one bit per planned char op of each agent (set for an insert), so that an origin or a delete target planned earlier in the same batch is checked with a bit test instead of a search for its op.",
        why: "Callgrind of the remote workload on sveltecomponent (s42, `examples/integrate`): 25.1M instructions, 7.8% of them (1.97M) in `Known::find_planned`, the binary search over the batch's planned ops that checks an insert's origins and a delete's targets are inserts. A whole history arrives as one batch, so almost every origin and target is planned, not in the log yet; an agent's planned char ops continue its log's seqs without a gap, so their kinds fit a bit array indexed by seq.",
        invariant: "As s42; a batch is accepted or refused exactly as before (the hostile-batch tests run for every step), and `PlannedKinds` answers as a `Vec<bool>` model does (`planned_kinds_match_a_vec_model`).",
        code: "engine/src/doc.rs: `PlannedKinds`, `Known::is_insert`, `Known::all_inserts`; `Doc`'s and `Buffered`'s `KIND_BITS`",
        notes: "Kept (on the chain to s45, the best step). Remote, callgrind of `examples/integrate` (the engine's side of the remote workload) with this step as `Best`: 25.15M -> 24.31M instructions on sveltecomponent (-3.3%), 64.6M -> 62.3M on seph-blog1 (-3.6%); `Known::find_planned` (1.97M on sveltecomponent) is gone, `PlannedKinds::all_inserts` costs 0.34M. Local replay, which checks no batch: `crdt-bench ab engine/s42-origins-in-log engine/s44-planned-kind-bits --instructions --quick`: 1.0091x s42's instructions on seph-blog1, 1.0046x on automerge-paper (time: no detectable difference, 0.993x and 0.987x), from code layout only (the local path is unchanged).",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
