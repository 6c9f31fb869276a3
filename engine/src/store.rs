//! The sequence store: the part of the engine a step swaps.
//!
//! A store holds every item ever inserted (tombstones included) in document order and answers
//! the few questions the algorithm in [`doc`](crate::doc) asks. Positions come in two units:
//! an *index* counts items, tombstones included; `pos_chars` counts visible chars only.
//!
//! The store knows nothing about YjsMod, ops or agents' names; it must only keep items in the
//! order it is told and find them again. Every store is checked against a plain `Vec` model
//! (`tests` below).

use std::fmt;
use std::ops::Range;

pub use crate::id::AgentId;
pub use crate::id::Id;

/// A run of items with consecutive ids (`id`, `id + 1`, ...) in which each item's left origin
/// is the item before it and all share one right origin. An insert op is one run; a store may
/// keep runs whole (later steps do) or one item each (step 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemRun {
    /// Id of the first item.
    pub id: Id,
    /// Number of items, at least 1.
    pub len: u32,
    /// Left origin of the first item (`None`: the document start).
    pub origin_left: Option<Id>,
    /// Right origin of every item (`None`: the document end).
    pub origin_right: Option<Id>,
}

impl ItemRun {
    /// The run's items, one per char of `text` (which holds `len` chars), visible.
    pub fn items<'t>(self, text: &'t str) -> impl Iterator<Item = StoredItem> + 't {
        (0u32..).zip(text.chars()).map(move |(offset, ch)| StoredItem {
            id: self.id.plus(offset),
            origin_left: if offset == 0 {
                self.origin_left
            } else {
                Some(self.id.plus(offset - 1))
            },
            origin_right: self.origin_right,
            ch,
            deleted: false,
        })
    }
}

/// One item, as [`SeqStore::dump`] lists it for checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredItem {
    /// The insert op's id for this char.
    pub id: Id,
    /// Item this one was inserted after.
    pub origin_left: Option<Id>,
    /// Item this one was inserted before.
    pub origin_right: Option<Id>,
    /// The character ([`StoredItem::NO_CHAR`] for a tombstone of a store that does not keep
    /// deleted text, see [`SeqStore::KEEPS_DELETED_TEXT`]).
    pub ch: char,
    /// Whether it is a tombstone.
    pub deleted: bool,
}

impl StoredItem {
    /// The char a store that keeps no deleted text lists for a tombstone.
    pub const NO_CHAR: char = '\u{FFFD}';
}

/// [`SeqStore::insert_between_adjacent`] with index-at-a-time queries: for the default, and
/// for a store whose id index is off.
pub(crate) fn insert_between_adjacent_by_index<S: SeqStore + ?Sized>(store: &mut S, run: ItemRun, text: &str) -> bool {
    let Some(left) = run.origin_left else {
        return false;
    };
    let Some(index) = store.index_of_id(left).map(|left_index| left_index + 1) else {
        return false;
    };
    let adjacent = match run.origin_right {
        None => index == store.len_items(),
        Some(right) => index < store.len_items() && store.run_at(index).id == right,
    };
    if adjacent {
        store.insert_run(index, run, text);
    }
    adjacent
}

/// Items in document order, tombstones included. See the module docs for units.
pub trait SeqStore: Clone + Default + fmt::Debug {
    /// Whether [`SeqStore::dump`] lists a tombstone's char. A store that keeps the visible
    /// text apart from its items (`TextApart`) has no deleted text (the op log does), and lists
    /// [`StoredItem::NO_CHAR`] instead.
    const KEEPS_DELETED_TEXT: bool = true;

    /// Whether the store keeps its items' chars at all. One that does not (*text in the
    /// log*) lists [`StoredItem::NO_CHAR`] for every item, cannot answer [`SeqStore::text`]
    /// or [`SeqStore::slice`] (they panic), and leaves reading to the document, which looks
    /// [`SeqStore::visible_runs`] up in its op log: the log has every inserted char already.
    const KEEPS_TEXT: bool = true;

    /// Whether the store keeps its items' origins. One that does not (*origins in the log*)
    /// returns `None` origins from [`SeqStore::run_at`] and [`SeqStore::dump`], and its runs
    /// may cross from one insert op to the next (they are only runs of consecutive ids): the
    /// document reads an item's origins from its op log, which has them for every insert.
    const KEEPS_ORIGINS: bool = true;

    /// Number of items, tombstones included.
    fn len_items(&self) -> usize;

    /// Number of visible chars.
    fn len_chars(&self) -> usize;

    /// Index of the item holding the visible char at `pos_chars`. Requires
    /// `pos_chars < len_chars()`.
    fn index_of_char(&self, pos_chars: usize) -> usize;

    /// Index of the item with id `id`, if the store has it.
    fn index_of_id(&self, id: Id) -> Option<usize>;

    /// The run of items starting at `index` (at least one item, at most to the end of the
    /// stored run holding it). Requires `index < len_items()`.
    fn run_at(&self, index: usize) -> ItemRun;

    /// Whether the item at `index` is a tombstone.
    fn is_deleted(&self, index: usize) -> bool;

    /// Inserts `run`, visible, so that its first item gets index `index`; `text` holds one char
    /// per item. Requires `index <= len_items()`.
    fn insert_run(&mut self, index: usize, run: ItemRun, text: &str);

    /// Makes the item at `index` a tombstone. Returns whether it was visible before.
    fn mark_deleted(&mut self, index: usize) -> bool;

    /// Makes tombstones of the item at `index` and of the items after it that continue its
    /// id (`id + 1`, `id + 2`, ...), up to `max_len` items in all; returns how many (at least
    /// 1). Items already deleted count too. The default marks one item; a store that keeps
    /// runs marks as much of the run as it holds there at once.
    fn mark_deleted_run(&mut self, index: usize, max_len: usize) -> usize {
        debug_assert!(max_len >= 1);
        self.mark_deleted(index);
        1
    }

    /// [`SeqStore::mark_deleted_run`] of the item with id `id`: makes tombstones of it and of
    /// the items after it that continue its id, up to `max_len` in all, and returns how many
    /// (at least 1); `None`, changing nothing, if the store has no item `id`.
    ///
    /// The default finds the item's index first; a store with an id index overrides it to go
    /// to the item's leaf directly, without an index to compute and search for again (s45's
    /// `id-addressed-apply`).
    fn mark_deleted_id_run(&mut self, id: Id, max_len: usize) -> Option<usize> {
        let index = self.index_of_id(id)?;
        Some(self.mark_deleted_run(index, max_len))
    }

    /// Inserts `run` right after its left origin if the item after that is its right origin
    /// (or the end, for `None`): the case with no concurrent insert between the origins, where
    /// the YjsMod scan has nothing to look at. Returns whether it did; `false`, changing
    /// nothing, otherwise (a `None` left origin, an origin the store lacks, or items between
    /// the origins), and the caller places `run` by index.
    ///
    /// The default does it by index; a store with an id index overrides it, as
    /// [`SeqStore::mark_deleted_id_run`].
    fn insert_between_adjacent(&mut self, run: ItemRun, text: &str) -> bool {
        insert_between_adjacent_by_index(self, run, text)
    }

    /// A hint before a batch is integrated: ids of `agent` up to `seq_end` (exclusive) are
    /// coming, so a store with an id index can make room for them at once. Default: nothing.
    fn reserve_ids(&mut self, agent: AgentId, seq_end: u32) {
        let _ = (agent, seq_end);
    }

    /// Visible chars among the items before index `index` (`<= len_items()`): the position
    /// in the visible text of the item at `index`. The default walks the whole store.
    fn chars_before(&self, index: usize) -> usize {
        self.dump()[..index].iter().filter(|item| !item.deleted).count()
    }

    /// The visible text.
    fn text(&self) -> String;

    /// The visible chars in `range_chars`. Requires `range_chars.end <= len_chars()`.
    fn slice(&self, range_chars: Range<usize>) -> String;

    /// The ids of the visible chars in `range_chars`, in order, as runs `(first id, len)` of
    /// consecutive ids (not necessarily the longest). Requires `range_chars.end <=
    /// len_chars()`. The default walks [`SeqStore::dump`].
    fn visible_runs(&self, range_chars: Range<usize>) -> Vec<(Id, u32)> {
        let visible = self.dump().into_iter().filter(|item| !item.deleted);
        visible.skip(range_chars.start).take(range_chars.len()).map(|item| (item.id, 1)).collect()
    }

    /// Every item in document order. O(n); for invariant checks and tests.
    fn dump(&self) -> Vec<StoredItem>;

    /// Checks the store's own invariants (cached counts match the items, ...). Panics if broken.
    fn assert_invariants(&self);

    /// A local insert: finds where the visible char position `pos_chars` is, inserts there
    /// `text` as the run `id, id + 1, ...` and returns its origins `(left, right)`: the item
    /// holding the visible char before `pos_chars` (`None` at the start) and the item right
    /// after that one, tombstone or not (`None` at the end). Requires `pos_chars <=
    /// len_chars()` and a non-empty `text`; `len_chars` is `text`'s length in chars (the
    /// caller counted it once).
    ///
    /// The default does it with the index-at-a-time queries above, walking the store four
    /// times; a store that can find a place once and work around it overrides this.
    fn insert_local(&mut self, pos_chars: usize, id: Id, text: &str, len_chars: u32) -> (Option<Id>, Option<Id>) {
        debug_assert_eq!(text.chars().count(), len_chars as usize);
        let (origin_left, origin_right, index) = local_place_by_index(self, pos_chars);
        let run = ItemRun {
            id,
            len: len_chars,
            origin_left,
            origin_right,
        };
        self.insert_run(index, run, text);
        (origin_left, origin_right)
    }

    /// [`SeqStore::insert_local`] of the run `run` (`run.len` chars of `text`) at
    /// `pos_chars`, if the origins found there are `run`'s; else `false`, changing nothing. A
    /// peer's op made at this replica's version goes in so (s47's `pos-hints`): no id lookup.
    /// Requires `pos_chars <= len_chars()`.
    ///
    /// The default finds the origins as [`SeqStore::insert_local`] does, then inserts by index.
    fn insert_local_if(&mut self, pos_chars: usize, run: ItemRun, text: &str) -> bool {
        let (origin_left, origin_right, index) = local_place_by_index(self, pos_chars);
        if (origin_left, origin_right) != (run.origin_left, run.origin_right) {
            return false;
        }
        self.insert_run(index, run, text);
        true
    }

    /// [`SeqStore::delete_local`] of the visible chars `pos_chars..pos_chars + len_chars` if
    /// they are the items `lowest, lowest + 1, ...` in that order; else `false`, changing
    /// nothing. Requires the range to be within `len_chars()`.
    ///
    /// The default reads the range's ids with [`SeqStore::visible_runs`].
    fn delete_local_if(&mut self, pos_chars: usize, len_chars: usize, lowest: Id) -> bool {
        let mut expected = lowest;
        for (first, len) in self.visible_runs(pos_chars..pos_chars + len_chars) {
            if first != expected {
                return false;
            }
            expected = expected.plus(len);
        }
        self.delete_local(pos_chars, len_chars, &mut |_, _| {});
        true
    }

    /// A local delete of the visible chars `pos_chars..pos_chars + len_chars`: makes them
    /// tombstones and calls `on_deleted(first_id, len)` for each run of consecutive ids among
    /// them, in document order. Requires the range to be within `len_chars()`.
    ///
    /// The default deletes one char at a time, two walks per char.
    fn delete_local(&mut self, pos_chars: usize, len_chars: usize, on_deleted: &mut dyn FnMut(Id, u32)) {
        for _ in 0..len_chars {
            let index = self.index_of_char(pos_chars);
            let target = self.run_at(index).id;
            let was_visible = self.mark_deleted(index);
            debug_assert!(was_visible);
            on_deleted(target, 1);
        }
    }
}

/// Where a local insert at `pos_chars` goes, found with index-at-a-time queries: its origins
/// (the item holding the visible char before `pos_chars`, `None` at the start; the item right
/// after that one, tombstone or not, `None` at the end) and the item index it gets. What the
/// default [`SeqStore::insert_local`] and [`SeqStore::insert_local_if`] share.
fn local_place_by_index<S: SeqStore + ?Sized>(store: &S, pos_chars: usize) -> (Option<Id>, Option<Id>, usize) {
    let (origin_left, index) = if pos_chars == 0 {
        (None, 0)
    } else {
        let index = store.index_of_char(pos_chars - 1);
        (Some(store.run_at(index).id), index + 1)
    };
    let origin_right = (index < store.len_items()).then(|| store.run_at(index).id);
    (origin_left, origin_right, index)
}

#[cfg(test)]
mod tests {
    //! Every store against a plain `Vec<StoredItem>` with seeded random operations.

    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    use super::*;
    use crate::steps::s00_naive_vec::VecStore;
    use crate::structure::btree::BTreeIndex;
    use crate::structure::id_index::FlatIdIndex;
    use crate::structure::id_index::LazyIdIndex;
    use crate::structure::id_index::NoIdIndex;
    use crate::structure::id_index::PagedIdIndex;
    use crate::structure::index::FenwickIndex;
    use crate::structure::index::LinearIndex;
    use crate::structure::index::PrefixIndex;
    use crate::structure::leaf::CharItems;
    use crate::structure::leaf::IdSpan;
    use crate::structure::leaf::PackedSpan;
    use crate::structure::leaf::Spans;
    use crate::structure::leaf::WideSpan;
    use crate::structure::leaf_store::LeafStore;

    const CHARS: &[char] = &['a', 'b', 'c', 'x', 'é', '字', '🙂', '\n'];

    /// A new store is added here to be checked against the model.
    macro_rules! for_each_store {
        ($callback:ident) => {
            $callback!(VecStore);
            $callback!(crate::steps::s01_chunked_list::Store);
            $callback!(crate::steps::s02_id_index::Store);
            $callback!(crate::steps::s03_spans::Store);
            $callback!(crate::steps::s04_compact_spans::Store);
            $callback!(crate::steps::s05_fenwick::Store);
            $callback!(crate::steps::s06_prefix_sums::Store);
            $callback!(crate::steps::s07_cursor_cache::Store);
            $callback!(crate::steps::s08_btree::Store);
            $callback!(crate::steps::s09_btree_leaf_32::Store);
            $callback!(crate::steps::s10_btree_leaf_128::Store);
            $callback!(crate::steps::s11_btree_node_8::Store);
            $callback!(crate::steps::s12_btree_node_32::Store);
            $callback!(crate::steps::s13_leaf_text_cap::Store);
            $callback!(crate::steps::s14_leaf_text_cap_256::Store);
            $callback!(crate::steps::s15_paged_id_index::Store);
            $callback!(crate::steps::s16_deferred_counts::Store);
            $callback!(LeafStore<Spans<PackedSpan, 4, 6>, BTreeIndex<4>, FlatIdIndex, true>);
            // Tiny capacities, so that the few hundred items of a test split leaves and
            // nodes often and grow the B-tree several levels deep.
            $callback!(LeafStore<CharItems<4>, LinearIndex, NoIdIndex, false>);
            $callback!(LeafStore<CharItems<4>, FenwickIndex, FlatIdIndex, true>);
            $callback!(LeafStore<Spans<WideSpan, 3>, LinearIndex, FlatIdIndex, false>);
            $callback!(LeafStore<Spans<PackedSpan, 3>, FenwickIndex, FlatIdIndex, true>);
            $callback!(LeafStore<Spans<PackedSpan, 3>, PrefixIndex, FlatIdIndex, true>);
            $callback!(LeafStore<Spans<PackedSpan, 3>, BTreeIndex<4>, FlatIdIndex, true>);
            $callback!(LeafStore<Spans<PackedSpan, 3>, BTreeIndex<4>, NoIdIndex, false>);
            $callback!(LeafStore<Spans<WideSpan, 3>, BTreeIndex<4>, PagedIdIndex, true>);
            $callback!(LeafStore<Spans<WideSpan, 3>, BTreeIndex<4>, FlatIdIndex, true, true>);
            $callback!(LeafStore<CharItems<4>, FenwickIndex, NoIdIndex, false, true>);
            $callback!(LeafStore<Spans<WideSpan, 3, 6>, BTreeIndex<4>, FlatIdIndex, true, true, true>);
            $callback!(LeafStore<CharItems<4>, BTreeIndex<4>, FlatIdIndex, true, false, true>);
            $callback!(crate::steps::s19_bulk_insert::Store);
            $callback!(LeafStore<Spans<WideSpan, 3>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(crate::steps::s20_lazy_id_index::Store);
            $callback!(LeafStore<Spans<WideSpan, 3, 6, true>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(crate::steps::s23_leaf_reserve::Store);
            $callback!(crate::steps::s26_max_items_2048::Store);
            $callback!(LeafStore<Spans<WideSpan, 3, 6, true, true>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(crate::steps::s30_back_hint::Store);
            $callback!(LeafStore<Spans<WideSpan, 3, 6, true, true, true>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(LeafStore<Spans<PackedSpan, 3, 6, false, false, true>, BTreeIndex<4>, FlatIdIndex, true, true>);
            $callback!(crate::steps::s31_lens_apart::Store);
            $callback!(LeafStore<Spans<WideSpan, 3, 6, true, true, false, true>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(crate::steps::s34_full_spans::Store);
            // Text apart (s37) needs the `all-steps` feature: its rope is an optional dependency.
            #[cfg(feature = "all-steps")]
            $callback!(crate::structure::text_apart::TextApart<LeafStore<Spans<WideSpan, 3, 6, false, true, false, false, false>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>>);
            #[cfg(feature = "all-steps")]
            $callback!(crate::structure::text_apart::TextApart<LeafStore<CharItems<4>, BTreeIndex<4>, FlatIdIndex, true, false, true>>);
            #[cfg(feature = "all-steps")]
            $callback!(crate::steps::s37_text_apart::Store);
            // Text in the log (s40): leaves without text, read back as visible runs.
            $callback!(LeafStore<Spans<WideSpan, 3, 6, true, true, false, true, false>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(crate::steps::s40_text_in_log::Store);
            // Origins in the log (s42): spans of ids and lengths only.
            $callback!(LeafStore<Spans<IdSpan, 3, 6, true, true, false, true, false>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(LeafStore<Spans<IdSpan, 3>, BTreeIndex<4>, FlatIdIndex, true>);
            $callback!(crate::steps::s42_origins_in_log::Store);
            // Id hint (s50): lookups by id start at the span the last one found.
            $callback!(LeafStore<Spans<IdSpan, 3, 6, false, true, false, false, false, true>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(LeafStore<Spans<IdSpan, 3, 6, false, true, false, false, true, true>, BTreeIndex<4>, FlatIdIndex, true, true>);
            $callback!(crate::steps::s50_id_hint::Store);
            // Branchless scan (s53): a position scan that masks tombstones' lengths.
            $callback!(LeafStore<Spans<IdSpan, 3, 6, false, true, false, false, false, true, true>, BTreeIndex<4>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(LeafStore<Spans<IdSpan, 3, 6, false, false, false, false, true, false, true>, BTreeIndex<4>, FlatIdIndex, true, true>);
            $callback!(crate::steps::s53_branchless_scan::Store);
            // Branchless descent (s54): the B-tree's child choice and slot search without
            // data-dependent branches; small nodes so that the tree is several levels deep.
            $callback!(LeafStore<Spans<IdSpan, 3, 6, false, true, false, false, false, true, true>, BTreeIndex<4, true>, LazyIdIndex<FlatIdIndex>, true, true>);
            $callback!(LeafStore<Spans<IdSpan, 3, 6, false, true, false, false, false, true, true>, BTreeIndex<4, true>, FlatIdIndex, false, false>);
            $callback!(crate::steps::s54_branchless_descent::Store);
        };
    }

    struct Model {
        items: Vec<StoredItem>,
        next_seq_by_agent: [u32; 3],
        /// Where the last local edit left the caret: local edits often go on from there, as
        /// typing does (runs of edits in one leaf are what the cursor cache and deferred
        /// counts are for).
        caret_chars: usize,
    }

    impl Model {
        fn visible(&self) -> impl Iterator<Item = (usize, &StoredItem)> {
            self.items
                .iter()
                .enumerate()
                .filter(|(_, item)| !item.deleted)
        }
    }

    fn check_store_against_model<S: SeqStore>(seed: u64, op_count: usize) {
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut store = S::default();
        let mut model = Model {
            items: Vec::new(),
            next_seq_by_agent: [0; 3],
            caret_chars: 0,
        };
        // Some seeds read nothing for most of their ops: a store that builds a table on first
        // read (a lazy id index) then builds it from a large store, not from a few items.
        let quiet_until = if seed % 4 == 0 { op_count * 3 / 4 } else { 0 };
        for op_index in 0..op_count {
            let context = format!("store seed {seed}, op {op_index}");
            let visible_count = model.visible().count();
            let choice = rng.gen_range(0..12);
            if model.items.is_empty() || choice < 4 {
                insert_random_run(&mut rng, &mut store, &mut model);
            } else if choice < 6 {
                insert_local(&mut rng, &mut store, &mut model, &context);
            } else if choice < 7 && visible_count > 0 {
                delete_local(&mut rng, &mut store, &mut model, &context);
            } else if choice < 9 {
                let index = rng.gen_range(0..model.items.len());
                let was_visible = store.mark_deleted(index);
                assert_eq!(was_visible, !model.items[index].deleted, "{context}");
                model.items[index].deleted = true;
            } else if choice == 10 {
                mark_deleted_id_run(&mut rng, &mut store, &mut model, &context);
            } else if choice == 11 {
                insert_between_adjacent(&mut rng, &mut store, &mut model, &context);
            } else {
                // A remote delete of a run: the store marks what continues the item's id.
                let index = rng.gen_range(0..model.items.len());
                let max_len = rng.gen_range(1..=8);
                let marked = store.mark_deleted_run(index, max_len);
                assert!((1..=max_len).contains(&marked), "{context}: marked {marked} of at most {max_len}");
                let first = model.items[index].id;
                for offset in 0..marked {
                    let item = &mut model.items[index + offset];
                    assert_eq!(item.id, first.plus(offset as u32), "{context}: marked an item that does not continue the run");
                    item.deleted = true;
                }
            }
            store.assert_invariants();
            // Not after every op: queries read the index, which applies a deferred count
            // change, and a wrong one must get the chance to meet the next edit first.
            if (op_index >= quiet_until && rng.gen_bool(0.3)) || op_index + 1 == op_count {
                check_queries(&mut rng, &store, &model, &context);
            }
        }
    }

    /// `mark_deleted_id_run` must mark what `mark_deleted_run` at the id's index would, and
    /// nothing for an id the store lacks.
    fn mark_deleted_id_run<S: SeqStore>(rng: &mut SmallRng, store: &mut S, model: &mut Model, context: &str) {
        if rng.gen_bool(0.1) {
            let absent = Id {
                agent: AgentId(rng.gen_range(0..3)),
                seq: 1_000_000,
            };
            assert_eq!(store.mark_deleted_id_run(absent, 3), None, "{context}: deleted an absent id");
            return;
        }
        let index = rng.gen_range(0..model.items.len());
        let first = model.items[index].id;
        let max_len = rng.gen_range(1..=8);
        let marked = store.mark_deleted_id_run(first, max_len);
        let Some(marked) = marked.filter(|marked| (1..=max_len).contains(marked)) else {
            panic!("{context}: marked {marked:?} of at most {max_len}");
        };
        for offset in 0..marked {
            let item = &mut model.items[index + offset];
            assert_eq!(item.id, first.plus(offset as u32), "{context}: marked an item that does not continue the run");
            item.deleted = true;
        }
    }

    /// `insert_between_adjacent` must insert right after the left origin exactly when the
    /// item after it is the right origin (the end for `None`), and change nothing otherwise.
    fn insert_between_adjacent<S: SeqStore>(rng: &mut SmallRng, store: &mut S, model: &mut Model, context: &str) {
        let left_index = rng.gen_range(0..model.items.len());
        let after_left = model.items.get(left_index + 1).map(|item| item.id);
        let origin_left = (!rng.gen_bool(0.05)).then(|| model.items[left_index].id);
        let origin_right = if rng.gen_bool(0.7) {
            after_left
        } else if rng.gen_bool(0.3) {
            None
        } else {
            Some(model.items[rng.gen_range(0..model.items.len())].id)
        };
        let len = rng.gen_range(1..=3u32);
        let id = next_id(rng, model, len);
        let text: String = (0..len).map(|_| CHARS[rng.gen_range(0..CHARS.len())]).collect();
        let run = ItemRun {
            id,
            len,
            origin_left,
            origin_right,
        };
        let expected = origin_left.is_some() && origin_right == after_left;
        assert_eq!(store.insert_between_adjacent(run, &text), expected, "{context}: insert_between_adjacent of {run:?}");
        if !expected {
            return;
        }
        let items = text.chars().enumerate().map(|(offset, ch)| {
            let offset = offset as u32;
            StoredItem {
                id: id.plus(offset),
                origin_left: if offset == 0 { origin_left } else { Some(id.plus(offset - 1)) },
                origin_right,
                ch,
                deleted: false,
            }
        });
        model.items.splice(left_index + 1..left_index + 1, items);
    }

    fn next_id(rng: &mut SmallRng, model: &mut Model, len: u32) -> Id {
        let agent_index = rng.gen_range(0..3);
        let id = Id {
            agent: AgentId(agent_index as u32),
            seq: model.next_seq_by_agent[agent_index],
        };
        model.next_seq_by_agent[agent_index] += len;
        id
    }

    /// `insert_local` must find the place and origins the model says, and insert there.
    fn insert_local<S: SeqStore>(rng: &mut SmallRng, store: &mut S, model: &mut Model, context: &str) {
        let visible: Vec<usize> = model.visible().map(|(index, _)| index).collect();
        let pos_chars = if model.caret_chars <= visible.len() && rng.gen_bool(0.6) {
            model.caret_chars
        } else {
            rng.gen_range(0..=visible.len())
        };
        let len = rng.gen_range(1..=3u32);
        model.caret_chars = pos_chars + len as usize;
        let id = next_id(rng, model, len);
        let text: String = (0..len)
            .map(|_| CHARS[rng.gen_range(0..CHARS.len())])
            .collect();
        let (origin_left, index) = match pos_chars {
            0 => (None, 0),
            _ => (Some(model.items[visible[pos_chars - 1]].id), visible[pos_chars - 1] + 1),
        };
        let origin_right = model.items.get(index).map(|item| item.id);
        if rng.gen_bool(0.5) {
            // A peer's op at its hint: refused, changing nothing, unless the origins match.
            let run = |origin_left, origin_right| ItemRun {
                id,
                len,
                origin_left,
                origin_right,
            };
            // No item has this id (the model's seqs stay small).
            let wrong_left = Some(Id { agent: AgentId(0), seq: u32::MAX });
            let before = store.dump();
            assert!(!store.insert_local_if(pos_chars, run(wrong_left, origin_right), &text), "{context}: insert_local_if took a wrong left origin");
            assert!(!store.insert_local_if(pos_chars, run(origin_left, wrong_left), &text), "{context}: insert_local_if took a wrong right origin");
            assert_eq!(store.dump(), before, "{context}: a refused insert_local_if changed the store");
            assert!(store.insert_local_if(pos_chars, run(origin_left, origin_right), &text), "{context}: insert_local_if refused the right origins");
        } else {
            let origins = store.insert_local(pos_chars, id, &text, text.chars().count() as u32);
            assert_eq!(origins, (origin_left, origin_right), "{context}: insert_local origins");
        }
        let items = text.chars().enumerate().map(|(offset, ch)| {
            let offset = offset as u32;
            StoredItem {
                id: id.plus(offset),
                origin_left: if offset == 0 { origin_left } else { Some(id.plus(offset - 1)) },
                origin_right,
                ch,
                deleted: false,
            }
        });
        model.items.splice(index..index, items);
    }

    /// `delete_local` must delete the model's visible range and report its ids in order.
    fn delete_local<S: SeqStore>(rng: &mut SmallRng, store: &mut S, model: &mut Model, context: &str) {
        let visible: Vec<usize> = model.visible().map(|(index, _)| index).collect();
        let pos_chars = if model.caret_chars < visible.len() && rng.gen_bool(0.6) {
            model.caret_chars
        } else {
            rng.gen_range(0..visible.len())
        };
        let len_chars = rng.gen_range(1..=(visible.len() - pos_chars).min(12));
        model.caret_chars = pos_chars;
        let expected: Vec<Id> = visible[pos_chars..pos_chars + len_chars]
            .iter()
            .map(|&index| model.items[index].id)
            .collect();
        if rng.gen_bool(0.5) {
            // A peer's delete run at its hint: only if the range is one id run, ascending.
            let lowest = expected[0];
            let one_run = expected.iter().enumerate().all(|(offset, &id)| id == lowest.plus(offset as u32));
            let before = store.dump();
            let wrong = Id { agent: lowest.agent, seq: lowest.seq.wrapping_add(1) };
            assert!(!store.delete_local_if(pos_chars, len_chars, wrong), "{context}: delete_local_if took wrong targets");
            assert_eq!(store.dump(), before, "{context}: a refused delete_local_if changed the store");
            let deleted = store.delete_local_if(pos_chars, len_chars, lowest);
            assert_eq!(deleted, one_run, "{context}: delete_local_if of {expected:?} from {lowest:?}");
            if deleted {
                for &index in &visible[pos_chars..pos_chars + len_chars] {
                    model.items[index].deleted = true;
                }
            } else {
                assert_eq!(store.dump(), before, "{context}: a refused delete_local_if changed the store");
            }
            return;
        }
        let mut reported = Vec::new();
        store.delete_local(pos_chars, len_chars, &mut |id, len| {
            assert!(len >= 1);
            reported.extend((0..len).map(|offset| id.plus(offset)));
        });
        assert_eq!(reported, expected, "{context}: delete_local reported ids");
        for &index in &visible[pos_chars..pos_chars + len_chars] {
            model.items[index].deleted = true;
        }
    }

    fn insert_random_run<S: SeqStore>(rng: &mut SmallRng, store: &mut S, model: &mut Model) {
        // Mostly short runs, sometimes a paste longer than a small leaf.
        let len = if rng.gen_bool(0.1) { rng.gen_range(5..=20u32) } else { rng.gen_range(1..=4u32) };
        let id = next_id(rng, model, len);
        let index = rng.gen_range(0..=model.items.len());
        // The store must not care what the origins mean, only keep them; any id will do.
        let some_id = |rng: &mut SmallRng| {
            if model.items.is_empty() || rng.gen_bool(0.2) {
                None
            } else {
                Some(model.items[rng.gen_range(0..model.items.len())].id)
            }
        };
        let run = ItemRun {
            id,
            len,
            origin_left: some_id(rng),
            origin_right: some_id(rng),
        };
        let text: String = (0..len)
            .map(|_| CHARS[rng.gen_range(0..CHARS.len())])
            .collect();
        store.insert_run(index, run, &text);
        let items = text.chars().enumerate().map(|(offset, ch)| {
            let offset = offset as u32;
            StoredItem {
                id: id.plus(offset),
                origin_left: if offset == 0 {
                    run.origin_left
                } else {
                    Some(id.plus(offset - 1))
                },
                origin_right: run.origin_right,
                ch,
                deleted: false,
            }
        });
        model.items.splice(index..index, items);
    }

    /// What `S::dump` must list for the model's `item`: without the chars or origins the store
    /// does not keep.
    fn as_stored<S: SeqStore>(item: &StoredItem) -> StoredItem {
        let keeps_char = S::KEEPS_TEXT && (S::KEEPS_DELETED_TEXT || !item.deleted);
        StoredItem {
            ch: if keeps_char { item.ch } else { StoredItem::NO_CHAR },
            origin_left: item.origin_left.filter(|_| S::KEEPS_ORIGINS),
            origin_right: item.origin_right.filter(|_| S::KEEPS_ORIGINS),
            ..*item
        }
    }

    fn check_queries<S: SeqStore>(rng: &mut SmallRng, store: &S, model: &Model, context: &str) {
        let expected: Vec<StoredItem> = model.items.iter().map(as_stored::<S>).collect();
        assert_eq!(store.dump(), expected, "{context}");
        for _ in 0..4 {
            let index = rng.gen_range(0..=model.items.len());
            let expected = model.items[..index].iter().filter(|item| !item.deleted).count();
            assert_eq!(store.chars_before(index), expected, "{context}, chars before item {index}");
        }
        assert_eq!(store.len_items(), model.items.len(), "{context}");
        let visible: Vec<(usize, &StoredItem)> = model.visible().collect();
        assert_eq!(store.len_chars(), visible.len(), "{context}");
        let text: String = visible.iter().map(|(_, item)| item.ch).collect();
        if S::KEEPS_TEXT {
            assert_eq!(store.text(), text, "{context}");
        }
        let visible_ids: Vec<Id> = visible.iter().map(|(_, item)| item.id).collect();
        let run_ids = |runs: Vec<(Id, u32)>| -> Vec<Id> {
            runs.into_iter().flat_map(|(id, len)| (0..len).map(move |offset| id.plus(offset))).collect()
        };
        assert_eq!(run_ids(store.visible_runs(0..visible.len())), visible_ids, "{context}, visible runs");
        for (pos_chars, (index, _)) in visible.iter().enumerate() {
            assert_eq!(
                store.index_of_char(pos_chars),
                *index,
                "{context}, pos {pos_chars}"
            );
        }
        for (index, item) in model.items.iter().enumerate() {
            assert_eq!(store.index_of_id(item.id), Some(index), "{context}");
            assert_eq!(store.is_deleted(index), item.deleted, "{context}");
            check_run_at(store, model, index, context);
        }
        let absent = Id {
            agent: AgentId(rng.gen_range(0..4)),
            seq: 1_000 + rng.gen_range(0..9),
        };
        assert_eq!(store.index_of_id(absent), None, "{context}");
        let end = rng.gen_range(0..=visible.len());
        let start = rng.gen_range(0..=end);
        assert_eq!(run_ids(store.visible_runs(start..end)), visible_ids[start..end], "{context}, visible runs {start}..{end}");
        if !S::KEEPS_TEXT {
            return;
        }
        assert_eq!(
            store.slice(start..end),
            text.chars()
                .skip(start)
                .take(end - start)
                .collect::<String>()
        );
    }

    /// A run may be shorter than the model's longest possible run, never wrong.
    fn check_run_at<S: SeqStore>(store: &S, model: &Model, index: usize, context: &str) {
        let run = store.run_at(index);
        let first = &model.items[index];
        assert!(
            run.len >= 1 && index + run.len as usize <= model.items.len(),
            "{context}"
        );
        if !S::KEEPS_ORIGINS {
            // Only a run of consecutive ids (the origins are the op log's).
            assert_eq!((run.id, run.origin_left, run.origin_right), (first.id, None, None), "{context}");
            for offset in 1..run.len {
                assert_eq!(model.items[index + offset as usize].id, run.id.plus(offset), "{context}");
            }
            return;
        }
        assert_eq!(
            (run.id, run.origin_left, run.origin_right),
            (first.id, first.origin_left, first.origin_right),
            "{context}"
        );
        for offset in 1..run.len {
            let item = &model.items[index + offset as usize];
            assert_eq!(item.id, run.id.plus(offset), "{context}");
            assert_eq!(item.origin_left, Some(run.id.plus(offset - 1)), "{context}");
            assert_eq!(item.origin_right, run.origin_right, "{context}");
        }
    }

    #[test]
    fn stores_match_the_vec_model() {
        macro_rules! check {
            ($store:ty) => {
                for seed in 0..300 {
                    check_store_against_model::<$store>(seed, 80);
                }
            };
        }
        for_each_store!(check);
    }
}
