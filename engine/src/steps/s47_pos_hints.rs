//! s47-pos-hints: The op log keeps where each op was (its visible position at its parents' version), sends it with the op as a hint, and a peer at exactly the op's parents applies the op there as a local edit, after checking that the place holds the op's origins or targets, instead of finding them by id.
//!
//! Predecessor: s46-lean-log.
//! Why: Local replay of sveltecomponent costs 10.2M instructions for 19,700 patches, but integrating the same history from a peer (10,314 ops) costs 20.7M (s46, callgrind of `examples/integrate`), 2.6x diamond-types' 7.8M; diamond-types' merge of a history without concurrency applies its ops by position (its ops carry them). The hypothesis: an op that carries where it was applies, at a replica at its parents, as cheaply as a local edit, with no id lookup and without building the lazy id index.
//! Invariant: As s46; a hinted op is applied at its hint only when the replica's frontier is the op's parents and the store finds there exactly the op's origins (`SeqStore::insert_local_if`) or its targets as the visible chars (`SeqStore::delete_local_if`), else by id as before; both store methods are checked against the model (`stores_match_the_vec_model`), and every step places a batch's ops alike (conformance, hostile-batch and fuzz tests).

use crate::buffered::Buffered;
use crate::log_entries::LeanEntries;
use crate::log_entries::WithPositions;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s42_origins_in_log::Store;

/// The step: s46 with positions in its log and hints in its ops.
pub type S47PosHints = Buffered<Store, true, true, true, WithPositions<LeanEntries>, false, true, true, true>;

impl Step for S47PosHints {
    const INFO: StepInfo = StepInfo {
        name: "s47-pos-hints",
        predecessor: Some("s46-lean-log"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "lean-log", "full-spans", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply", "pos-hints"],
        idea: "The op log keeps where each op was (its visible position at its parents' version), sends it with the op as a hint, and a peer at exactly the op's parents applies the op there as a local edit, after checking that the place holds the op's origins or targets, instead of finding them by id.",
        why: "Local replay of sveltecomponent costs 10.2M instructions for 19,700 patches, but integrating the same history from a peer (10,314 ops) costs 20.7M (s46, callgrind of `examples/integrate`), 2.6x diamond-types' 7.8M; diamond-types' merge of a history without concurrency applies its ops by position (its ops carry them). The hypothesis: an op that carries where it was applies, at a replica at its parents, as cheaply as a local edit, with no id lookup and without building the lazy id index.",
        invariant: "As s46; a hinted op is applied at its hint only when the replica's frontier is the op's parents and the store finds there exactly the op's origins (`SeqStore::insert_local_if`) or its targets as the visible chars (`SeqStore::delete_local_if`), else by id as before; both store methods are checked against the model (`stores_match_the_vec_model`), and every step places a batch's ops alike (conformance, hostile-batch and fuzz tests).",
        code: "engine/src/log_entries.rs: `WithPositions`; engine/src/oplog.rs: positions in `push_local`, `push`, `try_extend_last_with`, `InternalOp::suffix`; engine/src/doc.rs: `Doc::apply_at_hint`; engine/src/store.rs: `SeqStore::insert_local_if`, `SeqStore::delete_local_if`; engine/src/structure/leaf_store.rs: their overrides; engine/src/encoding.rs: format version 3; engine/src/ops.rs: `Op::pos_hint`",
        notes: "Reverted (kept in the log; `Best` stays s46). Remote, callgrind of `examples/integrate` with this step as `Best` on sveltecomponent: 20.71M -> 27.76M instructions at first (the hint check read the range's ids through a fresh `Vec` and a walk from the root: 2M of allocation alone), 24.05M after checking inside the cursor's leaf with a kept buffer: still 16% more than by id. `compare --workload remote --quick --subjects engine/s46-lean-log,engine/s47-pos-hints,diamond-types` (reports of that run not kept): 2.54 -> 2.90 ms on sveltecomponent, 5.66 -> 6.53 rustcode, 6.86 -> 7.95 seph-blog1, 3.79 -> 4.33 automerge-paper (1.14-1.16x slower); the hints also add 8-9% to the encoding (135.7 -> 147.4 KB on sveltecomponent). Why it lost: after s45 a peer's op by id is already cheap (the id index names the leaf; one pass over it), while by position a delete pays a descent when the cursor is elsewhere, a walk over the leaf's spans by visible counts, and a second look to check the targets before changing anything; 3 of sveltecomponent's 10,314 ops had no hint (an extension whose positions did not line up) and the first of them built the lazy id index, so inserts paid for it anyway. What the remote profile says is left (s46, 20.7M): the op log's push 4-5M (22%), decoding 3.5M (17%), checking the batch (`plan`) about 3M; the store's part is under half, so no change to how ops are placed can close a 2.6x gap alone.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
