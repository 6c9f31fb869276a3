//! s45-id-addressed-apply: A peer's delete, and a peer's insert with nothing between its origins, go to the store by id: the id index names the leaf, one pass over the leaf finds the span and edits it, and no item index is computed (a walk up the tree) only to be searched for again (a walk down and a second pass over the leaf).
//!
//! Predecessor: s44-planned-kind-bits.
//! Why: Callgrind of the remote workload on sveltecomponent (s44, `examples/integrate`): 24.3M instructions for 10,314 ops (3,722 inserts, 6,592 deletes). `Doc::index_of_id` costs 3.41M (14%), 2.12M of it for the deletes' targets; every index it returns is then looked up again by `mark_deleted_run` or `insert_run` (`find_item` and `Spans::locate`), and each insert first reads the item after its left origin by index (`run_at`, 1.31M) to see whether the fast YjsMod case applies.
//! Invariant: As s44; `SeqStore::mark_deleted_id_run` and `SeqStore::insert_between_adjacent` do what their by-index defaults do (`stores_match_the_vec_model` runs both against the model), and every step places, or refuses, a batch's ops alike (conformance, hostile-batch and fuzz tests for every step).

use crate::buffered::Buffered;
use crate::log_entries::ChunkedEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s42_origins_in_log::Store;

/// The step: s44 applying a peer's ops by id.
pub type S45IdAddressedApply = Buffered<Store, true, true, true, ChunkedEntries, false, true, true, true>;

impl Step for S45IdAddressedApply {
    const INFO: StepInfo = StepInfo {
        name: "s45-id-addressed-apply",
        predecessor: Some("s44-planned-kind-bits"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "leaf-reserve", "back-hint", "chunked-log", "full-spans", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply"],
        idea: "A peer's delete, and a peer's insert with nothing between its origins, go to the store by id: the id index names the leaf, one pass over the leaf finds the span and edits it, and no item index is computed (a walk up the tree) only to be searched for again (a walk down and a second pass over the leaf).",
        why: "Callgrind of the remote workload on sveltecomponent (s44, `examples/integrate`): 24.3M instructions for 10,314 ops (3,722 inserts, 6,592 deletes). `Doc::index_of_id` costs 3.41M (14%), 2.12M of it for the deletes' targets; every index it returns is then looked up again by `mark_deleted_run` or `insert_run` (`find_item` and `Spans::locate`), and each insert first reads the item after its left origin by index (`run_at`, 1.31M) to see whether the fast YjsMod case applies.",
        invariant: "As s44; `SeqStore::mark_deleted_id_run` and `SeqStore::insert_between_adjacent` do what their by-index defaults do (`stores_match_the_vec_model` runs both against the model), and every step places, or refuses, a batch's ops alike (conformance, hostile-batch and fuzz tests for every step).",
        code: "engine/src/store.rs: `SeqStore::mark_deleted_id_run`, `SeqStore::insert_between_adjacent`; engine/src/structure/leaf_store.rs: their overrides; engine/src/structure/leaf.rs: `Leaf::place_after_id`, `Spans::locate_id`; engine/src/doc.rs: `Doc::apply_op`, `ID_APPLY`",
        notes: "Kept. Remote, callgrind of `examples/integrate` with this step as `Best`: 24.31M -> 19.81M instructions on sveltecomponent (-18.5%), 62.3M -> 50.5M on seph-blog1 (-19%). `Doc::index_of_id` and the by-index `run_at` are gone from the profile; what is left on sveltecomponent: the op log's `push_entry` 3.16M (16%), decoding 2.97M (15%), the id table's `assign` 1.29M, `did_change` 1.37M. Local replay applies no peer's ops, so its code is unchanged (the log's ratio to s44 is code layout and noise); the ablation shows the flag as about 1.0 for the same reason. Diamond-types on sveltecomponent: 7.93M, so the engine's remote is still 2.5x its instructions: the next ideas are the op log push for a batch (each op checked for extending the last entry, which 106 of sveltecomponent's 10,314 do, then appended with its parents) and decoding straight into the log.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
