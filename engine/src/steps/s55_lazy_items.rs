//! s55-lazy-items: While its history is linear (its own edits, no peer's), a replica keeps only the text, in a gap buffer, and its edits by position, as diamond-types does; it builds its CRDT items and op log by replaying those edits the first time something needs them (an export, a version, a peer's ops, a merge), and is a full replica from then on.
//!
//! Predecessor: s53-branchless-scan.
//! Why: s53's local replay is 1.6-1.7x the buffered rope (no CRDT) on sveltecomponent and rustcode, and `perf record` over it spreads the difference over CRDT bookkeeping that a replica which never merges does for nothing: the op log's push (13% of all samples), shifting a leaf's spans (`memmove`, 9%), the leaf scan (8%). A linear history needs none of it to be merged later: its positions determine every item, origin and op, so building them can wait for the first sync and happen once, in one replay. diamond-types keeps exactly this for local editing (a positional op log and the text) and builds CRDT state only when it merges concurrent edits.
//! Invariant: As s53 once full. While linear: the gap buffer's text is what replaying the history through s53 gives (`assert_invariants` replays it), and the built document's op log is exactly s53's for the same edits (`lazy_logs_exactly_what_the_document_logs`, and the `traces` tests' whole-log comparison).

use crate::lazy::Lazy;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s53_branchless_scan::S53BranchlessScan;

/// The step: s53 built on first need.
pub type S55LazyItems = Lazy<S53BranchlessScan>;

impl Step for S55LazyItems {
    const INFO: StepInfo = StepInfo {
        name: "s55-lazy-items",
        predecessor: Some("s53-branchless-scan"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "lean-log", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply", "lean-leaves", "id-hint", "branchless-scan", "lazy-items"],
        idea: "While its history is linear (its own edits, no peer's), a replica keeps only the text, in a gap buffer, and its edits by position, as diamond-types does; it builds its CRDT items and op log by replaying those edits the first time something needs them (an export, a version, a peer's ops, a merge), and is a full replica from then on.",
        why: "s53's local replay is 1.6-1.7x the buffered rope (no CRDT) on sveltecomponent and rustcode, and `perf record` over it spreads the difference over CRDT bookkeeping that a replica which never merges does for nothing: the op log's push (13% of all samples), shifting a leaf's spans (`memmove`, 9%), the leaf scan (8%). A linear history needs none of it to be merged later: its positions determine every item, origin and op, so building them can wait for the first sync and happen once, in one replay. diamond-types keeps exactly this for local editing (a positional op log and the text) and builds CRDT state only when it merges concurrent edits.",
        invariant: "As s53 once full. While linear: the gap buffer's text is what replaying the history through s53 gives (`assert_invariants` replays it), and the built document's op log is exactly s53's for the same edits (`lazy_logs_exactly_what_the_document_logs`, and the `traces` tests' whole-log comparison).",
        code: "engine/src/lazy.rs: `Lazy`, `History`; engine/src/structure/gap_text.rs: `GapText`",
        notes: "TODO",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
