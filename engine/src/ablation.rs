//! The ablation: the best step with one idea switched off at a time.
//!
//! The linear log credits each idea with what it gained when it was added, in the order it was
//! added. An ablation asks the other question: what is each idea worth now, with all the
//! others in place? Each variant here is [`Best`](crate::Best)'s type with one flag turned off
//! (a type parameter set back, a wrapper removed), and nothing else changed; `crdt-bench log
//! --ablate` times them all against the best step in one interleaved run.
//!
//! The variants are not steps (they are not in the log's chain and have no predecessor), so
//! they carry an [`Ablation`] record instead of a `StepInfo`. When `Best` changes, this list
//! changes with it: `best_is_what_the_ablation_starts_from` (a test) checks that the list's
//! starting point is `Best`.

use crate::buffered::Buffered;
use crate::doc::Doc;
use crate::lazy::Lazy;
use crate::log_entries::ChunkedEntries;
use crate::log_entries::LeanEntries;
use crate::structure::btree::BTreeIndex;
use crate::structure::id_index::FlatIdIndex;
use crate::structure::id_index::LazyIdIndex;
use crate::structure::index::FenwickIndex;
use crate::structure::leaf::CharItems;
use crate::structure::leaf::IdSpan;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;

/// One variant of the ablation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ablation {
    /// The flag switched off (as in `StepInfo::flags`).
    pub flag: &'static str,
    /// The subject name: `best-without-<flag>`.
    pub name: &'static str,
    /// What the variant is instead, in a few words.
    pub instead: &'static str,
}

/// The store the ablation starts from: `Best`'s (s53's: s42's with leaves that reserve
/// nothing ahead, look for an id near the last one first and scan for a position without
/// branching on tombstones).
pub type BestStore = crate::steps::s53_branchless_scan::Store;

/// `Best`'s op log entries.
type BestEntries = LeanEntries;

/// `Best`'s buffer (deletes buffered, backspace runs in the log, the length kept, backspace
/// runs sent as one op, planned kinds as bits, a peer's ops applied by id) over `S`.
type BestBuffer<S> = Buffered<S, true, true, true, BestEntries, false, true, true, true>;

/// `Best`'s store with leaf type `L`, leaf index `X`, id table `I` and the two store flags.
type StoreWith<L, X = BTreeIndex<16>, I = LazyIdIndex<FlatIdIndex>, const CURSOR: bool = true, const DEFER: bool = true> =
    LeafStore<L, X, I, CURSOR, DEFER>;

/// `Best`'s leaves (spans without origins, sized to their contents) with other capacities,
/// without walking back from the hint, with text, without the id hint or with the branching
/// scan.
type SpansWith<
    const CAP: usize,
    const MAX_ITEMS: usize,
    const BACK_HINT: bool = true,
    const TEXT: bool = false,
    const ID_HINT: bool = true,
    const BRANCHLESS_SCAN: bool = true,
> = Spans<IdSpan, CAP, MAX_ITEMS, false, BACK_HINT, false, false, TEXT, ID_HINT, BRANCHLESS_SCAN>;

/// `Best`, written out from its parts, so that each variant below differs from it in one place.
/// `Best` builds its items lazily (s55's `Lazy`), so every variant but `WithoutLazyItems` is
/// wrapped the same way: in the local workload the ablation times, a lazy replica never builds
/// its items, and the flags inside measure what they cost or save there (nothing, within
/// noise); they count once a replica builds its items: at its first merge, or an export of
/// less than the whole history (the concurrent workload times merges).
pub type BestAgain = Lazy<BestBuffer<StoreWith<SpansWith<64, 2048>>>>;

/// Without `buffered-inserts` (and so without `buffered-deletes`, which extends that buffer;
/// `known-length` belongs to the buffer too): the document itself.
pub type WithoutBuffering = Lazy<Doc<BestStore, true, BestEntries, false, true, true, true>>;
/// Without `buffered-deletes`: only typing runs are buffered.
pub type WithoutBufferedDeletes = Lazy<Buffered<BestStore, false, true, true, BestEntries, false, true, true, true>>;
/// Without `log-backspace-runs`: a backspace is its own log entry.
/// (`backward-ops` has nothing to send then: the log has no backward runs.)
pub type WithoutLogBackspaceRuns = Lazy<Buffered<BestStore, true, false, true, BestEntries, false, true, true, true>>;
/// Without `known-length`: the buffer reads the length through the document.
pub type WithoutKnownLength = Lazy<Buffered<BestStore, true, true, false, BestEntries, false, true, true, true>>;
/// Without `lazy-id-index`: the id table is kept from the first keystroke.
pub type WithoutLazyIdIndex = Lazy<BestBuffer<StoreWith<SpansWith<64, 2048>, BTreeIndex<16>, FlatIdIndex>>>;
/// Without `deferred-counts`: every edit updates the B-tree's counts up to the root.
pub type WithoutDeferredCounts = Lazy<BestBuffer<StoreWith<SpansWith<64, 2048>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, true, false>>>;
/// Without `cursor-cache`: every lookup starts at the root.
pub type WithoutCursorCache = Lazy<BestBuffer<StoreWith<SpansWith<64, 2048>, BTreeIndex<16>, LazyIdIndex<FlatIdIndex>, false, true>>>;
/// Without `btree`: the leaves' counts in a Fenwick tree over a chunk list (s05-s07's index).
pub type WithoutBTree = Lazy<BestBuffer<StoreWith<SpansWith<64, 2048>, FenwickIndex>>>;
/// Without `spans`: one entry per char, 64 per leaf (s01-s02's leaves; an item keeps its char
/// and origins, as those leaves have no form without, so `text-in-log` and `origins-in-log`
/// go with it).
pub type WithoutSpans = Lazy<BestBuffer<StoreWith<CharItems<64>>>>;
/// Without `leaf=64`: 32 spans per leaf.
pub type WithoutLeaf64 = Lazy<BestBuffer<StoreWith<SpansWith<32, 2048>>>>;
/// Without `max-items=2048`: 1024 items per leaf.
pub type WithoutMaxItems2048 = Lazy<BestBuffer<StoreWith<SpansWith<64, 1024>>>>;
/// Without `back-hint`: a char before the entry hint is looked for from the leaf's start.
pub type WithoutBackHint = Lazy<BestBuffer<StoreWith<SpansWith<64, 2048, false>>>>;
/// Without `lean-log`: the op log's 80-byte entries in chunks of 4,096 (s45's log).
pub type WithoutLeanLog = Lazy<Buffered<BestStore, true, true, true, ChunkedEntries, false, true, true, true>>;
/// Without `backward-ops`: a backspace run is sent as one op per char (s34). The ablation
/// times local replay, which sends nothing: this flag shows in the remote workload.
pub type WithoutBackwardOps = Lazy<Buffered<BestStore, true, true, true, BestEntries, false, false, true, true>>;
/// Without `text-in-log`: the leaves keep their items' chars (as s39's; origins still in the log).
pub type WithoutTextInLog = Lazy<BestBuffer<StoreWith<SpansWith<64, 2048, true, true>>>>;
/// Without `origins-in-log`: the spans keep their origins (s40's store, but sized to their
/// contents as s48's).
pub type WithoutOriginsInLog = Lazy<BestBuffer<StoreWith<Spans<WideSpan, 64, 2048, false, true, false, false, false, true, true>>>>;
/// Without `planned-kind-bits`: checking a batch searches its planned ops for an origin's or
/// a target's kind (s42). Local replay checks no batch: this flag shows in the remote workload.
pub type WithoutPlannedKindBits = Lazy<Buffered<BestStore, true, true, true, BestEntries, false, true, false, true>>;
/// Without `lean-leaves`: split-off leaves keep the capacity of the leaf they came from, and
/// a full span array grows straight to its full size (s46's leaves: `leaf-reserve` and
/// `full-spans` back).
pub type WithoutLeanLeaves = Lazy<BestBuffer<StoreWith<Spans<IdSpan, 64, 2048, true, true, false, true, false, true, true>>>>;
/// Without `id-addressed-apply`: a peer's op is applied at an item index found first (s44).
/// Local replay applies no peer's ops: this flag shows in the remote workload.
pub type WithoutIdAddressedApply = Lazy<Buffered<BestStore, true, true, true, BestEntries, false, true, true, false>>;

/// Without `id-hint`: a lookup by id scans its leaf from the first span (s48's store).
/// Local replay looks nothing up by id: this flag shows in the remote workload.
pub type WithoutIdHint = Lazy<BestBuffer<StoreWith<SpansWith<64, 2048, true, false, false>>>>;

/// Without `branchless-scan`: the scan for a position branches on each span's tombstone flag
/// (s50's store).
pub type WithoutBranchlessScan = Lazy<BestBuffer<StoreWith<SpansWith<64, 2048, true, false, true, false>>>>;

/// Without `lazy-items`: the CRDT items and op log kept from the first keystroke (s53).
pub type WithoutLazyItems = BestBuffer<StoreWith<SpansWith<64, 2048>>>;

/// Every variant, in the order [`for_each_ablation!`](crate::for_each_ablation) lists them.
pub const ABLATIONS: &[Ablation] = &[
    Ablation { flag: "buffered-inserts", name: "best-without-buffering", instead: "no edit buffer at all (the buffered-deletes and known-length flags go with it)" },
    Ablation { flag: "buffered-deletes", name: "best-without-buffered-deletes", instead: "only typing runs buffered" },
    Ablation { flag: "log-backspace-runs", name: "best-without-log-backspace-runs", instead: "one log entry per backspace" },
    Ablation { flag: "known-length", name: "best-without-known-length", instead: "the buffer reads the length through the document" },
    Ablation { flag: "lazy-id-index", name: "best-without-lazy-id-index", instead: "the id table kept from the first keystroke" },
    Ablation { flag: "deferred-counts", name: "best-without-deferred-counts", instead: "counts walked up to the root after every edit" },
    Ablation { flag: "cursor-cache", name: "best-without-cursor-cache", instead: "every lookup from the root" },
    Ablation { flag: "btree", name: "best-without-btree", instead: "a Fenwick tree over a chunk list" },
    Ablation { flag: "spans", name: "best-without-spans", instead: "one entry per char, 64 per leaf (each with its char and origins: text-in-log and origins-in-log go with it)" },
    Ablation { flag: "leaf=64", name: "best-without-leaf-64", instead: "32 spans per leaf" },
    Ablation { flag: "max-items=2048", name: "best-without-max-items-2048", instead: "1024 items per leaf" },
    Ablation { flag: "back-hint", name: "best-without-back-hint", instead: "a char before the entry hint looked for from the leaf's start" },
    Ablation { flag: "lean-log", name: "best-without-lean-log", instead: "80-byte log entries in chunks of 4,096 (s45's log)" },
    Ablation { flag: "backward-ops", name: "best-without-backward-ops", instead: "a backspace run sent as one op per char (local replay sends nothing)" },
    Ablation { flag: "text-in-log", name: "best-without-text-in-log", instead: "every leaf keeps its items' chars, tombstones' included" },
    Ablation { flag: "origins-in-log", name: "best-without-origins-in-log", instead: "spans keep their origins (40 bytes instead of 12)" },
    Ablation { flag: "planned-kind-bits", name: "best-without-planned-kind-bits", instead: "a batch's planned ops searched for an origin's kind (local replay checks no batch)" },
    Ablation { flag: "lean-leaves", name: "best-without-lean-leaves", instead: "split-off leaves keep their capacity, full span arrays allocated whole (s46's leaves)" },
    Ablation { flag: "id-addressed-apply", name: "best-without-id-addressed-apply", instead: "a peer's ops applied at an item index found first (local replay applies none)" },
    Ablation { flag: "id-hint", name: "best-without-id-hint", instead: "a lookup by id scans its leaf from the start (local replay looks up no id)" },
    Ablation { flag: "branchless-scan", name: "best-without-branchless-scan", instead: "the scan for a position branches on each span's tombstone flag" },
    Ablation { flag: "lazy-items", name: "best-without-lazy-items", instead: "CRDT items and op log kept from the first keystroke (s53)" },
];

/// Calls `$callback!(Type, "best-without-<flag>")` for every variant of the ablation, in the
/// order of [`ABLATIONS`].
#[macro_export]
macro_rules! for_each_ablation {
    ($callback:ident) => {
        $callback!($crate::ablation::WithoutBuffering, "best-without-buffering");
        $callback!($crate::ablation::WithoutBufferedDeletes, "best-without-buffered-deletes");
        $callback!($crate::ablation::WithoutLogBackspaceRuns, "best-without-log-backspace-runs");
        $callback!($crate::ablation::WithoutKnownLength, "best-without-known-length");
        $callback!($crate::ablation::WithoutLazyIdIndex, "best-without-lazy-id-index");
        $callback!($crate::ablation::WithoutDeferredCounts, "best-without-deferred-counts");
        $callback!($crate::ablation::WithoutCursorCache, "best-without-cursor-cache");
        $callback!($crate::ablation::WithoutBTree, "best-without-btree");
        $callback!($crate::ablation::WithoutSpans, "best-without-spans");
        $callback!($crate::ablation::WithoutLeaf64, "best-without-leaf-64");
        $callback!($crate::ablation::WithoutMaxItems2048, "best-without-max-items-2048");
        $callback!($crate::ablation::WithoutBackHint, "best-without-back-hint");
        $callback!($crate::ablation::WithoutLeanLog, "best-without-lean-log");
        $callback!($crate::ablation::WithoutBackwardOps, "best-without-backward-ops");
        $callback!($crate::ablation::WithoutTextInLog, "best-without-text-in-log");
        $callback!($crate::ablation::WithoutOriginsInLog, "best-without-origins-in-log");
        $callback!($crate::ablation::WithoutPlannedKindBits, "best-without-planned-kind-bits");
        $callback!($crate::ablation::WithoutLeanLeaves, "best-without-lean-leaves");
        $callback!($crate::ablation::WithoutIdAddressedApply, "best-without-id-addressed-apply");
        $callback!($crate::ablation::WithoutIdHint, "best-without-id-hint");
        $callback!($crate::ablation::WithoutBranchlessScan, "best-without-branchless-scan");
        $callback!($crate::ablation::WithoutLazyItems, "best-without-lazy-items");
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Step;

    #[test]
    fn best_is_what_the_ablation_starts_from() {
        // Same types: this fails to compile if `Best` moves on and the list does not.
        let _: fn(BestAgain) -> crate::Best = |doc| doc;
        let _: fn(BestStore) -> StoreWith<SpansWith<64, 2048>> = |store| store;
        // Every flag switched off is one of Best's.
        for ablation in ABLATIONS {
            assert!(crate::Best::INFO.flags.contains(&ablation.flag), "{} is not a flag of the best step", ablation.flag);
            // Named after the flag, except the whole buffer (named for what goes).
            let expected = match ablation.flag {
                "buffered-inserts" => "best-without-buffering".to_owned(),
                flag => format!("best-without-{}", flag.replace('=', "-")),
            };
            assert_eq!(ablation.name, expected);
        }
        let mut names = Vec::new();
        macro_rules! collect {
            ($ty:ty, $name:literal) => {
                names.push($name);
            };
        }
        crate::for_each_ablation!(collect);
        let listed: Vec<&str> = ABLATIONS.iter().map(|a| a.name).collect();
        assert_eq!(names, listed, "for_each_ablation! and ABLATIONS disagree");
    }
}
