//! The optimization log's registry: every step, in log order, with what it adds.
//!
//! Two views of one list, kept in the same order (a test checks that they agree):
//! - [`STEPS`]: the steps' [`StepInfo`], for the CLI, reports and `optimizations.md`;
//! - [`for_each_step!`](crate::for_each_step): the steps' types, for static dispatch in tests,
//!   adapters and benches.
//!
//! To add a step: write `steps/sNN_name.rs` (a store, or a wrapper, plus `impl Step`), then add
//! one line to `STEPS`, one to `for_each_step!` and, if it is the new best, change [`Best`].

use crate::steps;
use crate::TextCrdt;

/// What a step of the optimization log is and why it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepInfo {
    /// Stable name (`s00-naive-vec`), used by the CLI (`engine/<name>`) and in reports.
    pub name: &'static str,
    /// The step this one adds one idea to; `None` for step 0.
    pub predecessor: Option<&'static str>,
    /// The ideas switched on in this step, as flag names (`chunks`, `spans`, `btree`,
    /// `leaf=32`, ...): the one-line answer to "what differs between two steps".
    pub flags: &'static [&'static str],
    /// The one idea it adds.
    pub idea: &'static str,
    /// Why the idea should make it faster (or smaller).
    pub why: &'static str,
    /// The invariant the idea adds (checked by the step's `assert_invariants`).
    pub invariant: &'static str,
    /// Where the idea lives in the code: files and types.
    pub code: &'static str,
    /// What the measurements showed beyond the numbers (surprises, why a step was reverted).
    /// Qualitative: the numbers themselves come from a `crdt-bench log` run.
    pub notes: &'static str,
    /// Traces this step is too slow to replay in tests (over a minute in release).
    pub skip_traces: &'static [&'static str],
    /// Traces `crdt-bench log --quick` skips for this step (too slow for a quick run; the
    /// table says so).
    pub quick_skip_traces: &'static [&'static str],
}

impl StepInfo {
    /// Whether the log kept this step: whether it is on the chain of predecessors from
    /// [`Best`] back to step 0. A step off that chain was *reverted*: it stays registered and
    /// measured (an honest log keeps its losers), but no kept step builds on it.
    pub fn kept(&self) -> bool {
        let mut on_chain = Some(Best::INFO.name);
        while let Some(name) = on_chain {
            if name == self.name {
                return true;
            }
            on_chain = STEPS
                .iter()
                .find(|step| step.name == name)
                .and_then(|step| step.predecessor);
        }
        false
    }
}

/// A registered step: a [`TextCrdt`] with its registry entry.
pub trait Step: TextCrdt {
    /// This step's entry in [`STEPS`].
    const INFO: StepInfo;
}

/// Every step, in log order (with the `all-steps` feature; without it, only [`Best`]).
#[cfg(feature = "all-steps")]
pub const STEPS: &[StepInfo] = &[
    steps::s00_naive_vec::S00NaiveVec::INFO,
    steps::s01_chunked_list::S01ChunkedList::INFO,
    steps::s02_id_index::S02IdIndex::INFO,
    steps::s03_spans::S03Spans::INFO,
    steps::s04_compact_spans::S04CompactSpans::INFO,
    steps::s05_fenwick::S05Fenwick::INFO,
    steps::s06_prefix_sums::S06PrefixSums::INFO,
    steps::s07_cursor_cache::S07CursorCache::INFO,
    steps::s08_btree::S08BTree::INFO,
    steps::s09_btree_leaf_32::S09BTreeLeaf32::INFO,
    steps::s10_btree_leaf_128::S10BTreeLeaf128::INFO,
    steps::s11_btree_node_8::S11BTreeNode8::INFO,
    steps::s12_btree_node_32::S12BTreeNode32::INFO,
    steps::s13_leaf_text_cap::S13LeafTextCap::INFO,
    steps::s14_leaf_text_cap_256::S14LeafTextCap256::INFO,
    steps::s15_paged_id_index::S15PagedIdIndex::INFO,
    steps::s16_deferred_counts::S16DeferredCounts::INFO,
    steps::s17_buffered_inserts::S17BufferedInserts::INFO,
    steps::s18_buffered_deletes::S18BufferedDeletes::INFO,
    steps::s19_bulk_insert::S19BulkInsert::INFO,
    steps::s20_lazy_id_index::S20LazyIdIndex::INFO,
    steps::s21_log_backspace_runs::S21LogBackspaceRuns::INFO,
    steps::s22_known_length::S22KnownLength::INFO,
    steps::s23_leaf_reserve::S23LeafReserve::INFO,
    steps::s24_leaf_64::S24Leaf64::INFO,
    steps::s25_leaf_128::S25Leaf128::INFO,
    steps::s26_max_items_2048::S26MaxItems2048::INFO,
    steps::s27_max_items_4096::S27MaxItems4096::INFO,
    steps::s28_bulk_insert_retried::S28BulkInsertRetried::INFO,
    steps::s29_compact_log::S29CompactLog::INFO,
    steps::s30_back_hint::S30BackHint::INFO,
    steps::s31_lens_apart::S31LensApart::INFO,
    steps::s32_chunked_log::S32ChunkedLog::INFO,
    steps::s33_chunked_log_1k::S33ChunkedLog1k::INFO,
    steps::s34_full_spans::S34FullSpans::INFO,
    steps::s35_leaves_fit::S35LeavesFit::INFO,
    steps::s36_chunked_compact_log::S36ChunkedCompactLog::INFO,
    steps::s37_text_apart::S37TextApart::INFO,
    steps::s38_inline_pending::S38InlinePending::INFO,
    steps::s39_backward_ops::S39BackwardOps::INFO,
    steps::s40_text_in_log::S40TextInLog::INFO,
    steps::s41_compact_log_cached::S41CompactLogCached::INFO,
    steps::s42_origins_in_log::S42OriginsInLog::INFO,
    steps::s43_compact_log_retried::S43CompactLogRetried::INFO,
    steps::s44_planned_kind_bits::S44PlannedKindBits::INFO,
    steps::s45_id_addressed_apply::S45IdAddressedApply::INFO,
    steps::s46_lean_log::S46LeanLog::INFO,
    steps::s47_pos_hints::S47PosHints::INFO,
    steps::s48_lean_leaves::S48LeanLeaves::INFO,
    steps::s49_unpacked_last::S49UnpackedLast::INFO,
    steps::s50_id_hint::S50IdHint::INFO,
    steps::s51_leaf_32::S51Leaf32::INFO,
    steps::s52_leaf_128::S52Leaf128::INFO,
    steps::s53_branchless_scan::S53BranchlessScan::INFO,
    steps::s54_branchless_descent::S54BranchlessDescent::INFO,
    steps::s55_lazy_items::S55LazyItems::INFO,
];

/// Every step, in log order (with the `all-steps` feature; without it, only [`Best`]).
#[cfg(not(feature = "all-steps"))]
pub const STEPS: &[StepInfo] = &[Best::INFO];

/// The fastest kept step: what the harness calls `engine`.
pub type Best = steps::s55_lazy_items::S55LazyItems;

/// Calls `$callback!(StepType, "step-name")` for every registered step, in log order.
///
/// ```
/// use engine::TextCrdt;
///
/// let mut names = Vec::new();
/// macro_rules! collect {
///     ($step:ty, $name:literal) => {
///         let mut doc = <$step>::new("alice");
///         doc.insert(0, "hi");
///         assert_eq!(doc.text(), "hi");
///         names.push($name);
///     };
/// }
/// engine::for_each_step!(collect);
/// assert_eq!(names[0], "s00-naive-vec");
/// ```
#[cfg(feature = "all-steps")]
#[macro_export]
macro_rules! for_each_step {
    ($callback:ident) => {
        $callback!($crate::steps::s00_naive_vec::S00NaiveVec, "s00-naive-vec");
        $callback!($crate::steps::s01_chunked_list::S01ChunkedList, "s01-chunked-list");
        $callback!($crate::steps::s02_id_index::S02IdIndex, "s02-id-index");
        $callback!($crate::steps::s03_spans::S03Spans, "s03-spans");
        $callback!($crate::steps::s04_compact_spans::S04CompactSpans, "s04-compact-spans");
        $callback!($crate::steps::s05_fenwick::S05Fenwick, "s05-fenwick");
        $callback!($crate::steps::s06_prefix_sums::S06PrefixSums, "s06-prefix-sums");
        $callback!($crate::steps::s07_cursor_cache::S07CursorCache, "s07-cursor-cache");
        $callback!($crate::steps::s08_btree::S08BTree, "s08-btree");
        $callback!($crate::steps::s09_btree_leaf_32::S09BTreeLeaf32, "s09-btree-leaf-32");
        $callback!($crate::steps::s10_btree_leaf_128::S10BTreeLeaf128, "s10-btree-leaf-128");
        $callback!($crate::steps::s11_btree_node_8::S11BTreeNode8, "s11-btree-node-8");
        $callback!($crate::steps::s12_btree_node_32::S12BTreeNode32, "s12-btree-node-32");
        $callback!($crate::steps::s13_leaf_text_cap::S13LeafTextCap, "s13-leaf-text-cap");
        $callback!($crate::steps::s14_leaf_text_cap_256::S14LeafTextCap256, "s14-leaf-text-cap-256");
        $callback!($crate::steps::s15_paged_id_index::S15PagedIdIndex, "s15-paged-id-index");
        $callback!($crate::steps::s16_deferred_counts::S16DeferredCounts, "s16-deferred-counts");
        $callback!($crate::steps::s17_buffered_inserts::S17BufferedInserts, "s17-buffered-inserts");
        $callback!($crate::steps::s18_buffered_deletes::S18BufferedDeletes, "s18-buffered-deletes");
        $callback!($crate::steps::s19_bulk_insert::S19BulkInsert, "s19-bulk-insert");
        $callback!($crate::steps::s20_lazy_id_index::S20LazyIdIndex, "s20-lazy-id-index");
        $callback!($crate::steps::s21_log_backspace_runs::S21LogBackspaceRuns, "s21-log-backspace-runs");
        $callback!($crate::steps::s22_known_length::S22KnownLength, "s22-known-length");
        $callback!($crate::steps::s23_leaf_reserve::S23LeafReserve, "s23-leaf-reserve");
        $callback!($crate::steps::s24_leaf_64::S24Leaf64, "s24-leaf-64");
        $callback!($crate::steps::s25_leaf_128::S25Leaf128, "s25-leaf-128");
        $callback!($crate::steps::s26_max_items_2048::S26MaxItems2048, "s26-max-items-2048");
        $callback!($crate::steps::s27_max_items_4096::S27MaxItems4096, "s27-max-items-4096");
        $callback!($crate::steps::s28_bulk_insert_retried::S28BulkInsertRetried, "s28-bulk-insert-retried");
        $callback!($crate::steps::s29_compact_log::S29CompactLog, "s29-compact-log");
        $callback!($crate::steps::s30_back_hint::S30BackHint, "s30-back-hint");
        $callback!($crate::steps::s31_lens_apart::S31LensApart, "s31-lens-apart");
        $callback!($crate::steps::s32_chunked_log::S32ChunkedLog, "s32-chunked-log");
        $callback!($crate::steps::s33_chunked_log_1k::S33ChunkedLog1k, "s33-chunked-log-1k");
        $callback!($crate::steps::s34_full_spans::S34FullSpans, "s34-full-spans");
        $callback!($crate::steps::s35_leaves_fit::S35LeavesFit, "s35-leaves-fit");
        $callback!($crate::steps::s36_chunked_compact_log::S36ChunkedCompactLog, "s36-chunked-compact-log");
        $callback!($crate::steps::s37_text_apart::S37TextApart, "s37-text-apart");
        $callback!($crate::steps::s38_inline_pending::S38InlinePending, "s38-inline-pending");
        $callback!($crate::steps::s39_backward_ops::S39BackwardOps, "s39-backward-ops");
        $callback!($crate::steps::s40_text_in_log::S40TextInLog, "s40-text-in-log");
        $callback!($crate::steps::s41_compact_log_cached::S41CompactLogCached, "s41-compact-log-cached");
        $callback!($crate::steps::s42_origins_in_log::S42OriginsInLog, "s42-origins-in-log");
        $callback!($crate::steps::s43_compact_log_retried::S43CompactLogRetried, "s43-compact-log-retried");
        $callback!($crate::steps::s44_planned_kind_bits::S44PlannedKindBits, "s44-planned-kind-bits");
        $callback!($crate::steps::s45_id_addressed_apply::S45IdAddressedApply, "s45-id-addressed-apply");
        $callback!($crate::steps::s46_lean_log::S46LeanLog, "s46-lean-log");
        $callback!($crate::steps::s47_pos_hints::S47PosHints, "s47-pos-hints");
        $callback!($crate::steps::s48_lean_leaves::S48LeanLeaves, "s48-lean-leaves");
        $callback!($crate::steps::s49_unpacked_last::S49UnpackedLast, "s49-unpacked-last");
        $callback!($crate::steps::s50_id_hint::S50IdHint, "s50-id-hint");
        $callback!($crate::steps::s51_leaf_32::S51Leaf32, "s51-leaf-32");
        $callback!($crate::steps::s52_leaf_128::S52Leaf128, "s52-leaf-128");
        $callback!($crate::steps::s53_branchless_scan::S53BranchlessScan, "s53-branchless-scan");
        $callback!($crate::steps::s54_branchless_descent::S54BranchlessDescent, "s54-branchless-descent");
        $callback!($crate::steps::s55_lazy_items::S55LazyItems, "s55-lazy-items");
    };
}

/// Calls `$callback!(StepType, "step-name")` for [`Best`] only: the `all-steps` feature is off.
#[cfg(not(feature = "all-steps"))]
#[macro_export]
macro_rules! for_each_step {
    ($callback:ident) => {
        $callback!($crate::Best, "s55-lazy-items");
    };
}
