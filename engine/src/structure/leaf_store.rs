//! [`LeafStore`]: the one [`SeqStore`] every structure step after step 0 is an instance of.
//!
//! Items live in leaves (an arena `Vec<L>`), ordered and counted by a [`LeafIndex`]. The
//! type parameters are the log's flags:
//! - `L`, the leaf: [`CharItems`](super::leaf::CharItems) or run-length
//!   [`Spans`](super::leaf::Spans), with its capacity;
//! - `X`, the leaf index: chunked list ([`LinearIndex`](super::index::LinearIndex)), Fenwick,
//!   prefix sums, B-tree;
//! - `I`, the id index: none (scan the leaves), or an id -> leaf table, flat or paged
//!   ([`IdTable`]), so finding an item by id does not scan the store;
//! - `CURSOR`: a cursor cache, the last leaf found and its start, reused while edits stay in
//!   that leaf;
//! - `DEFER_COUNTS`: a leaf's count change reaches the index only when something reads the
//!   index, so a run of edits inside one leaf walks up the tree once, not once per edit;
//! - `BULK_INSERT`: a run longer than [`Leaf::BULK_CHUNK_ITEMS`] goes into fresh leaves
//!   (the leaf is cut where it goes), instead of into one leaf that is then halved until it
//!   fits.
//!
//! Every step writes this algorithm once; the flags only change which parts run.

use std::cell::Cell;
use std::cell::Ref;
use std::cell::RefCell;
use std::fmt;
use std::ops::Range;

use crate::store::AgentId;
use crate::store::Id;
use crate::store::ItemRun;
use crate::store::SeqStore;
use crate::store::StoredItem;
use crate::store::insert_between_adjacent_by_index;
use crate::structure::id_index::IdTable;
use crate::structure::index::Found;
use crate::structure::index::LeafId;
use crate::structure::index::LeafIndex;
use crate::structure::leaf::Counts;
use crate::structure::leaf::EntryHint;
use crate::structure::leaf::Leaf;

/// Items in leaves, found through a leaf index; see the module docs for the flags.
#[derive(Clone)]
pub struct LeafStore<L: Leaf, X: LeafIndex, I: IdTable, const CURSOR: bool, const DEFER_COUNTS: bool = false, const BULK_INSERT: bool = false> {
    leaves: Vec<L>,
    /// Read through [`Self::index`] and written through [`Self::index_mut`], which apply
    /// `unflushed` first. A `RefCell` because a `&self` read may have to apply it.
    index: RefCell<X>,
    /// Unless `I` is `NoIdIndex`: the leaf holding each item id. Kept in step with inserts and leaf
    /// splits.
    ids: I,
    /// With `CURSOR`: the leaf of the last lookup and the counts before it. Stays valid while
    /// only that leaf changes (a leaf's start depends only on the leaves before it); any
    /// change to another leaf clears it.
    cursor: Cell<Option<Found>>,
    /// With `CURSOR`: inside the cursor's leaf, the entry the last local edit touched (so
    /// typing on does not rescan the leaf). Cleared by any other change to the store.
    entry_hint: Cell<Option<(LeafId, EntryHint)>>,
    /// With `DEFER_COUNTS`: the one leaf whose counts changed since the index last heard, and
    /// the counts the index still has for it. Every other leaf's counts in the index are
    /// exact. Leaf starts (the cursor's) depend only on true counts, so they stay valid.
    unflushed: Cell<Option<(LeafId, Counts)>>,
    /// Room for the id runs `delete_local_if` reads before it deletes, kept so that a peer's
    /// delete at its hint allocates nothing.
    scratch_runs: Vec<(Id, u32)>,
}

impl<L: Leaf, X: LeafIndex, I: IdTable, const CURSOR: bool, const DEFER_COUNTS: bool, const BULK_INSERT: bool> Default
    for LeafStore<L, X, I, CURSOR, DEFER_COUNTS, BULK_INSERT>
{
    fn default() -> Self {
        LeafStore {
            leaves: vec![L::default()],
            index: RefCell::new(X::default()),
            ids: I::default(),
            cursor: Cell::new(None),
            entry_hint: Cell::new(None),
            unflushed: Cell::new(None),
            scratch_runs: Vec::new(),
        }
    }
}

impl<L: Leaf, X: LeafIndex, I: IdTable, const CURSOR: bool, const DEFER_COUNTS: bool, const BULK_INSERT: bool> fmt::Debug
    for LeafStore<L, X, I, CURSOR, DEFER_COUNTS, BULK_INSERT>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeafStore")
            .field("leaves", &self.leaves.len())
            .field("totals", &self.totals())
            .finish()
    }
}

impl<L: Leaf, X: LeafIndex, I: IdTable, const CURSOR: bool, const DEFER_COUNTS: bool, const BULK_INSERT: bool>
    LeafStore<L, X, I, CURSOR, DEFER_COUNTS, BULK_INSERT>
{
    /// The leaf index, up to date: a deferred count change is applied first.
    #[inline]
    fn index(&self) -> Ref<'_, X> {
        if DEFER_COUNTS {
            self.flush_counts();
        }
        self.index.borrow()
    }

    /// The leaf index for writing, up to date.
    #[inline]
    fn index_mut(&mut self) -> &mut X {
        if DEFER_COUNTS {
            self.flush_counts();
        }
        self.index.get_mut()
    }

    /// Tells the index the deferred count change, if any.
    #[inline]
    fn flush_counts(&self) {
        if let Some((leaf, known)) = self.unflushed.take() {
            let now = self.leaves[leaf as usize].counts();
            let (grow, shrink) = counts_change(known, now);
            self.index.borrow_mut().update(leaf, grow, shrink);
        }
    }

    /// The store's counts, without flushing: the index's totals corrected by the deferred
    /// change.
    #[inline]
    fn totals(&self) -> Counts {
        let totals = self.index.borrow().totals();
        match self.unflushed.get() {
            Some((leaf, known)) => totals.sub(known).add(self.leaves[leaf as usize].counts()),
            None => totals,
        }
    }

    /// The leaf holding position `target` in the unit `key` picks (visible chars or items):
    /// the cursor's leaf if it holds it, else `search` in the index (which becomes the cursor).
    #[inline]
    fn find(&self, target: usize, key: fn(Counts) -> usize, search: impl FnOnce(&X) -> Found) -> Found {
        if CURSOR {
            if let Some(found) = self.cursor.get() {
                let len = key(self.leaves[found.leaf as usize].counts());
                if key(found.start) <= target && target < key(found.start) + len {
                    return found;
                }
            }
        }
        let found = search(&self.index());
        if CURSOR {
            self.cursor.set(Some(found));
        }
        found
    }

    #[inline]
    fn find_char(&self, pos_chars: usize) -> Found {
        self.find(pos_chars, |c| c.chars, |index| index.find_char(pos_chars))
    }

    #[inline]
    fn find_item(&self, index: usize) -> Found {
        self.find(index, |c| c.items, |leaf_index| leaf_index.find_item(index))
    }

    /// Counts before `leaf`.
    #[inline]
    fn start_of(&self, leaf: LeafId) -> Counts {
        if CURSOR {
            if let Some(found) = self.cursor.get() {
                if found.leaf == leaf {
                    return found.start;
                }
            }
        }
        self.index().start_of(leaf)
    }

    /// Call before changing `leaf`'s counts: a cursor on another leaf may be after it. Any
    /// entry hint goes too (a local edit sets a new one afterwards).
    #[inline]
    fn will_change(&self, leaf: LeafId) {
        if CURSOR {
            if self.cursor.get().is_some_and(|found| found.leaf != leaf) {
                self.cursor.set(None);
            }
            self.entry_hint.set(None);
        }
    }

    /// The entry hint for `leaf`, if the last local edit left one there.
    #[inline]
    fn entry_hint(&self, leaf: LeafId) -> Option<EntryHint> {
        if !CURSOR {
            return None;
        }
        self.entry_hint.get().filter(|&(hinted, _)| hinted == leaf).map(|(_, hint)| hint)
    }

    /// After a local edit of `leaf` that did not split it: remember the leaf's entry hint.
    #[inline]
    fn set_entry_hint(&self, leaf: LeafId, hint: Option<EntryHint>, split: bool) {
        if CURSOR && !split {
            self.entry_hint.set(hint.map(|hint| (leaf, hint)));
        }
    }

    /// Tells the index how `leaf` changed since it had `before`, and splits it if overfull.
    /// Returns whether it split.
    #[inline]
    fn did_change(&mut self, leaf: LeafId, before: Counts) -> bool {
        let after = self.leaves[leaf as usize].counts();
        let overfull = self.leaves[leaf as usize].is_overfull();
        if after != before {
            let deferred_here = DEFER_COUNTS && self.unflushed.get().is_some_and(|(deferred, _)| deferred == leaf);
            if deferred_here {
                // The deferred change already spans this edit (it is applied as "now minus
                // what the index has"); a split reads the index, which applies it.
            } else if DEFER_COUNTS && !overfull {
                // Any other leaf's deferred change goes in now; the index has exact counts for
                // `leaf`, `before`.
                self.flush_counts();
                self.unflushed.set(Some((leaf, before)));
            } else {
                let (grow, shrink) = counts_change(before, after);
                self.index_mut().update(leaf, grow, shrink);
            }
        }
        if overfull {
            self.split_until_within_capacity(leaf);
            return true;
        }
        false
    }

    /// Splits `leaf` in halves until no part is over capacity (one split, except when a long
    /// paste of chars went into a one-entry-per-char leaf).
    fn split_until_within_capacity(&mut self, leaf: LeafId) {
        let new_leaf = self.split(leaf);
        if self.leaves[new_leaf as usize].is_overfull() {
            self.split_until_within_capacity(new_leaf);
        }
        if self.leaves[leaf as usize].is_overfull() {
            self.split_until_within_capacity(leaf);
        }
    }

    /// Moves the second half of `leaf` into a new leaf right after it. A cursor on `leaf`
    /// stays valid: the leaf's start did not move.
    fn split(&mut self, leaf: LeafId) -> LeafId {
        // A deferred change of `leaf` is measured against its counts, so it goes in first.
        self.flush_counts();
        let new_leaf = self.leaves[leaf as usize].split_off_half();
        self.index_mut().update(leaf, Counts::ZERO, new_leaf.counts());
        self.push_leaf_after(leaf, new_leaf)
    }

    fn set_leaf_of_ids(&mut self, id: Id, len: u32, leaf: LeafId) {
        self.ids.assign(id, len, leaf);
    }

    fn leaf_of_id(&self, id: Id) -> Option<LeafId> {
        if !self.ids.is_built() {
            self.build_ids();
        }
        self.ids.get(id)
    }

    /// Builds a lazy id index from the leaves (every arena leaf is in the order).
    #[cold]
    fn build_ids(&self) {
        let leaves = &self.leaves;
        self.ids.build(&mut |add| {
            for (leaf_id, leaf) in leaves.iter().enumerate() {
                leaf.for_each_id_run(&mut |id, len| add(id, len, leaf_id as LeafId));
            }
        });
    }

    /// Inserts `run` at offset `item` of `leaf`.
    fn insert_into(&mut self, leaf: LeafId, item: usize, run: ItemRun, text: &str) {
        if BULK_INSERT && run.len as usize > L::BULK_CHUNK_ITEMS {
            self.insert_bulk(leaf, item, run, text);
            return;
        }
        self.will_change(leaf);
        let before = self.leaves[leaf as usize].counts();
        self.leaves[leaf as usize].insert_run(item, run, text);
        if I::ENABLED {
            self.set_leaf_of_ids(run.id, run.len, leaf);
        }
        self.did_change(leaf, before);
    }

    /// With `BULK_INSERT`: inserts a long `run` at offset `item` of `leaf` in O(run): the
    /// leaf is cut at `item`, the run goes into fresh leaves of at most
    /// [`Leaf::BULK_CHUNK_ITEMS`] items each (the first into `leaf` if the cut left it empty),
    /// and the cut-off part follows them. Each item's id is indexed once, where inserting
    /// the run whole and halving the leaf until it fits moves it O(log run) times.
    fn insert_bulk(&mut self, leaf: LeafId, item: usize, run: ItemRun, text: &str) {
        // The cut changes `leaf`'s counts: a deferred change of it goes in first.
        self.flush_counts();
        // Many leaves change: no cached place survives.
        if CURSOR {
            self.cursor.set(None);
            self.entry_hint.set(None);
        }
        let before = self.leaves[leaf as usize].counts();
        let rest = self.leaves[leaf as usize].split_off_at(item);
        let (grow, shrink) = counts_change(before, self.leaves[leaf as usize].counts());
        self.index_mut().update(leaf, grow, shrink);
        let mut last = leaf;
        let mut chars = text.char_indices().map(|(byte, _)| byte).chain(std::iter::once(text.len()));
        let mut from_byte = chars.next().unwrap_or(0);
        let mut offset = 0u32;
        while offset < run.len {
            let len = (run.len - offset).min(L::BULK_CHUNK_ITEMS as u32);
            let to_byte = chars.nth(len as usize - 1).expect("run text shorter than the run");
            let chunk = ItemRun {
                id: run.id.plus(offset),
                len,
                origin_left: if offset == 0 { run.origin_left } else { Some(run.id.plus(offset - 1)) },
                origin_right: run.origin_right,
            };
            let chunk_text = &text[from_byte..to_byte];
            if offset == 0 && self.leaves[leaf as usize].counts().items == 0 {
                // Only the first leaf can be empty here (a cut at its start, or the empty store).
                self.leaves[leaf as usize].insert_run(0, chunk, chunk_text);
                let counts = self.leaves[leaf as usize].counts();
                self.index_mut().update(leaf, counts, Counts::ZERO);
                self.set_leaf_of_ids(chunk.id, len, leaf);
            } else {
                let mut fresh = L::default();
                fresh.insert_run(0, chunk, chunk_text);
                last = self.push_leaf_after(last, fresh);
            }
            from_byte = to_byte;
            offset += len;
        }
        if rest.counts().items > 0 {
            self.push_leaf_after(last, rest);
        }
    }

    /// Adds `new` to the arena, to the index right after `after`, and its ids to the id
    /// index.
    fn push_leaf_after(&mut self, after: LeafId, new: L) -> LeafId {
        let new_id = LeafId::try_from(self.leaves.len()).expect("more than u32::MAX leaves");
        let counts = new.counts();
        self.index_mut().insert_after(after, new_id, counts);
        if I::ENABLED && self.ids.is_built() {
            new.for_each_id_run(&mut |id, len| self.ids.assign(id, len, new_id));
        }
        self.leaves.push(new);
        new_id
    }

    /// [`SeqStore::insert_local`], and with `expected` origins, [`SeqStore::insert_local_if`]:
    /// `None`, changing nothing, when the origins found are not those. One body, so that the
    /// local path and a peer's op at its hint cannot drift apart; `expected: None` folds away.
    #[inline(always)]
    fn insert_local_expecting(
        &mut self,
        pos_chars: usize,
        id: Id,
        text: &str,
        len: u32,
        expected: Option<(Option<Id>, Option<Id>)>,
    ) -> Option<(Option<Id>, Option<Id>)> {
        debug_assert_eq!(text.chars().count(), len as usize);
        if pos_chars == 0 {
            let first = self.index().first();
            let origin_right = (self.len_items() > 0).then(|| self.leaves[first as usize].run_at(0).id);
            if expected.is_some_and(|expected| expected != (None, origin_right)) {
                return None;
            }
            let run = ItemRun {
                id,
                len,
                origin_left: None,
                origin_right,
            };
            self.insert_into(first, 0, run, text);
            return Some((None, origin_right));
        }
        // One search down to the leaf (usually a cursor-cache hit), one pass over the leaf.
        let found = self.find_char(pos_chars - 1);
        let leaf = found.leaf;
        let hint = self.entry_hint(leaf);
        let place = self.leaves[leaf as usize].local_place(pos_chars - 1 - found.start.chars, hint);
        let origin_right = place.origin_right.or_else(|| {
            // The item after the left origin is the next leaf's first (leaves other than an
            // empty store's only leaf are never empty).
            self.index()
                .next(leaf)
                .map(|next| self.leaves[next as usize].run_at(0).id)
        });
        if expected.is_some_and(|expected| expected != (Some(place.origin_left), origin_right)) {
            return None;
        }
        let run = ItemRun {
            id,
            len,
            origin_left: Some(place.origin_left),
            origin_right,
        };
        if BULK_INSERT && len as usize > L::BULK_CHUNK_ITEMS {
            self.insert_bulk(leaf, place.item, run, text);
            return Some((run.origin_left, origin_right));
        }
        self.will_change(leaf);
        let before = self.leaves[leaf as usize].counts();
        self.leaves[leaf as usize].insert_run_at(&place, run, text);
        if I::ENABLED {
            self.set_leaf_of_ids(id, len, leaf);
        }
        let split = self.did_change(leaf, before);
        self.set_entry_hint(leaf, place.entry_after, split);
        Some((run.origin_left, origin_right))
    }

    /// Calls `f(leaf, range)` for each leaf holding visible chars of `range_chars`, in order,
    /// with the part of `range_chars` in it (leaf-relative, not empty).
    fn for_each_leaf_in(&self, range_chars: Range<usize>, mut f: impl FnMut(&L, Range<usize>)) {
        if range_chars.is_empty() {
            return;
        }
        let found = self.index().find_char(range_chars.start);
        let mut start_chars = found.start.chars;
        let mut leaf_id = Some(found.leaf);
        while let Some(id) = leaf_id {
            if start_chars >= range_chars.end {
                break;
            }
            let leaf = &self.leaves[id as usize];
            let leaf_chars = leaf.counts().chars;
            let from = range_chars.start.saturating_sub(start_chars);
            let to = (range_chars.end - start_chars).min(leaf_chars);
            if from < to {
                f(leaf, from..to);
            }
            start_chars += leaf_chars;
            leaf_id = self.index().next(id);
        }
    }

    /// Leaves in document order.
    fn leaves_in_order(&self) -> impl Iterator<Item = LeafId> + '_ {
        std::iter::successors(Some(self.index().first()), |&leaf| self.index().next(leaf))
    }
}

impl<L: Leaf, X: LeafIndex, I: IdTable, const CURSOR: bool, const DEFER_COUNTS: bool, const BULK_INSERT: bool> SeqStore
    for LeafStore<L, X, I, CURSOR, DEFER_COUNTS, BULK_INSERT>
{
    // A store over leaves without text (TextApart's tree, text in the log) lists no chars.
    const KEEPS_DELETED_TEXT: bool = L::TEXT;
    const KEEPS_TEXT: bool = L::TEXT;
    const KEEPS_ORIGINS: bool = L::ORIGINS;

    fn len_items(&self) -> usize {
        self.totals().items
    }

    fn len_chars(&self) -> usize {
        self.totals().chars
    }

    fn index_of_char(&self, pos_chars: usize) -> usize {
        let found = self.find_char(pos_chars);
        let leaf = &self.leaves[found.leaf as usize];
        found.start.items + leaf.item_of_char(pos_chars - found.start.chars)
    }

    fn chars_before(&self, index: usize) -> usize {
        if index >= self.len_items() {
            return self.len_chars();
        }
        let found = self.find_item(index);
        found.start.chars + self.leaves[found.leaf as usize].chars_before(index - found.start.items)
    }

    fn index_of_id(&self, id: Id) -> Option<usize> {
        if I::ENABLED {
            let leaf = self.leaf_of_id(id)?;
            let item = self.leaves[leaf as usize].item_of_id(id)?;
            return Some(self.start_of(leaf).items + item);
        }
        let mut start_items = 0;
        for leaf in self.leaves_in_order() {
            let leaf = &self.leaves[leaf as usize];
            if let Some(item) = leaf.item_of_id(id) {
                return Some(start_items + item);
            }
            start_items += leaf.counts().items;
        }
        None
    }

    fn reserve_ids(&mut self, agent: AgentId, seq_end: u32) {
        self.ids.reserve(agent, seq_end);
    }

    fn run_at(&self, index: usize) -> ItemRun {
        let found = self.find_item(index);
        self.leaves[found.leaf as usize].run_at(index - found.start.items)
    }

    fn is_deleted(&self, index: usize) -> bool {
        let found = self.find_item(index);
        self.leaves[found.leaf as usize].is_deleted(index - found.start.items)
    }

    fn insert_run(&mut self, index: usize, run: ItemRun, text: &str) {
        // At a leaf boundary, append to the earlier leaf: typing at a leaf's end stays there.
        let (leaf, item) = if index == 0 {
            (self.index().first(), 0)
        } else {
            let found = self.find_item(index - 1);
            (found.leaf, index - found.start.items)
        };
        self.insert_into(leaf, item, run, text);
    }

    fn mark_deleted(&mut self, index: usize) -> bool {
        let found = self.find_item(index);
        self.will_change(found.leaf);
        let before = self.leaves[found.leaf as usize].counts();
        let was_visible = self.leaves[found.leaf as usize].mark_deleted(index - found.start.items);
        self.did_change(found.leaf, before);
        was_visible
    }

    fn mark_deleted_run(&mut self, index: usize, max_len: usize) -> usize {
        let found = self.find_item(index);
        self.will_change(found.leaf);
        let before = self.leaves[found.leaf as usize].counts();
        let marked = self.leaves[found.leaf as usize].mark_deleted_run(index - found.start.items, max_len);
        self.did_change(found.leaf, before);
        marked
    }

    fn mark_deleted_id_run(&mut self, id: Id, max_len: usize) -> Option<usize> {
        if !I::ENABLED {
            let index = self.index_of_id(id)?;
            return Some(self.mark_deleted_run(index, max_len));
        }
        // The id index names the leaf; the leaf finds the span and marks it in one pass. No
        // item index is computed (a walk up the tree) and searched for again (a walk down).
        let leaf = self.leaf_of_id(id)?;
        self.will_change(leaf);
        let before = self.leaves[leaf as usize].counts();
        let marked = self.leaves[leaf as usize].mark_deleted_id_run(id, max_len);
        debug_assert!(marked.is_some(), "the id index names leaf {leaf} for {id:?}, which lacks it");
        self.did_change(leaf, before);
        marked
    }

    fn insert_between_adjacent(&mut self, run: ItemRun, text: &str) -> bool {
        let Some(left) = run.origin_left else {
            return false;
        };
        if !I::ENABLED {
            return insert_between_adjacent_by_index(self, run, text);
        }
        let Some(leaf) = self.leaf_of_id(left) else {
            return false;
        };
        // Only a bulk insert reads the place's item offset.
        let bulk = BULK_INSERT && run.len as usize > L::BULK_CHUNK_ITEMS;
        let Some(place) = self.leaves[leaf as usize].place_after_id(left, bulk) else {
            // A leaf that cannot place by id.
            return insert_between_adjacent_by_index(self, run, text);
        };
        let after_left = place.origin_right.or_else(|| {
            // The item after the left origin is the next leaf's first (leaves other than an
            // empty store's only leaf are never empty).
            self.index()
                .next(leaf)
                .map(|next| self.leaves[next as usize].run_at(0).id)
        });
        if after_left != run.origin_right {
            return false;
        }
        // As a local insert after `left`: into `left`'s leaf, right after it.
        if bulk {
            self.insert_bulk(leaf, place.item, run, text);
            return true;
        }
        self.will_change(leaf);
        let before = self.leaves[leaf as usize].counts();
        self.leaves[leaf as usize].insert_run_at(&place, run, text);
        self.set_leaf_of_ids(run.id, run.len, leaf);
        self.did_change(leaf, before);
        true
    }

    fn insert_local(&mut self, pos_chars: usize, id: Id, text: &str, len: u32) -> (Option<Id>, Option<Id>) {
        self.insert_local_expecting(pos_chars, id, text, len, None)
            .expect("a local insert expects no origins")
    }

    fn insert_local_if(&mut self, pos_chars: usize, run: ItemRun, text: &str) -> bool {
        let expected = (run.origin_left, run.origin_right);
        self.insert_local_expecting(pos_chars, run.id, text, run.len, Some(expected))
            .is_some()
    }

    fn delete_local_if(&mut self, pos_chars: usize, len_chars: usize, lowest: Id) -> bool {
        // The ids first, then the delete: a mismatch must change nothing. The range is
        // usually inside the leaf found through the cursor (where the delete then starts).
        let mut runs = std::mem::take(&mut self.scratch_runs);
        runs.clear();
        let found = self.find_char(pos_chars);
        let leaf = &self.leaves[found.leaf as usize];
        let from = pos_chars - found.start.chars;
        if from + len_chars <= leaf.counts().chars {
            leaf.push_visible_runs(from..from + len_chars, &mut runs);
        } else {
            self.for_each_leaf_in(pos_chars..pos_chars + len_chars, |leaf, range| leaf.push_visible_runs(range, &mut runs));
        }
        let mut expected = lowest;
        let mut matches = true;
        for &(first, len) in &runs {
            matches &= first == expected;
            expected = expected.plus(len);
        }
        self.scratch_runs = runs;
        if !matches {
            return false;
        }
        self.delete_local(pos_chars, len_chars, &mut |_, _| {});
        true
    }

    fn delete_local(&mut self, pos_chars: usize, len_chars: usize, on_deleted: &mut dyn FnMut(Id, u32)) {
        let mut remaining = len_chars;
        while remaining > 0 {
            // The chars after a deleted run move down to `pos_chars`.
            let found = self.find_char(pos_chars);
            let hint = self.entry_hint(found.leaf);
            self.will_change(found.leaf);
            let before = self.leaves[found.leaf as usize].counts();
            let (deleted, hint_after) = self.leaves[found.leaf as usize].delete_visible(
                pos_chars - found.start.chars,
                remaining,
                hint,
                on_deleted,
            );
            debug_assert!(deleted > 0);
            remaining -= deleted;
            let split = self.did_change(found.leaf, before);
            self.set_entry_hint(found.leaf, hint_after, split);
        }
    }

    fn text(&self) -> String {
        assert!(L::TEXT, "this store keeps no text: its document reads the text from the op log");
        let mut text = String::new();
        for leaf in self.leaves_in_order() {
            let leaf = &self.leaves[leaf as usize];
            leaf.push_text(0..leaf.counts().chars, &mut text);
        }
        text
    }

    fn slice(&self, range_chars: Range<usize>) -> String {
        assert!(L::TEXT, "this store keeps no text: its document reads the text from the op log");
        let mut text = String::new();
        self.for_each_leaf_in(range_chars, |leaf, range| leaf.push_text(range, &mut text));
        text
    }

    fn visible_runs(&self, range_chars: Range<usize>) -> Vec<(Id, u32)> {
        let mut runs = Vec::new();
        self.for_each_leaf_in(range_chars, |leaf, range| leaf.push_visible_runs(range, &mut runs));
        runs
    }

    fn dump(&self) -> Vec<StoredItem> {
        let mut items = Vec::with_capacity(self.len_items());
        for leaf in self.leaves_in_order() {
            self.leaves[leaf as usize].dump(&mut items);
        }
        items
    }

    fn assert_invariants(&self) {
        for leaf in &self.leaves {
            leaf.assert_invariants();
            assert!(!leaf.is_overfull(), "a leaf is over capacity");
        }
        // Checked on a copy with the deferred change applied: flushing here would hide a
        // wrong deferred change from the checks after every op of the model test.
        let mut index = self.index.borrow().clone();
        if let Some((leaf, known)) = self.unflushed.get() {
            assert!(DEFER_COUNTS, "a deferred change without DEFER_COUNTS");
            let (grow, shrink) = counts_change(known, self.leaves[leaf as usize].counts());
            index.update(leaf, grow, shrink);
        }
        index.assert_invariants(&|leaf| self.leaves[leaf as usize].counts());
        let in_order: Vec<LeafId> =
            std::iter::successors(Some(index.first()), |&leaf| index.next(leaf)).collect();
        assert_eq!(in_order.len(), self.leaves.len(), "a leaf is missing from the order");
        for (rank, &leaf) in in_order.iter().enumerate() {
            assert!(
                rank == 0 || self.leaves[leaf as usize].counts().items > 0,
                "an empty leaf other than the first"
            );
        }
        if I::ENABLED && !self.ids.is_built() {
            assert_eq!(self.ids.entry_count(), 0, "a lazy id index holds entries before it was built");
        }
        if I::ENABLED && self.ids.is_built() {
            let mut indexed = 0usize;
            for (leaf_id, leaf) in self.leaves.iter().enumerate() {
                leaf.for_each_id_run(&mut |id, len| {
                    for offset in 0..len {
                        assert_eq!(
                            self.leaf_of_id(id.plus(offset)),
                            Some(leaf_id as LeafId),
                            "id index is stale for {:?}",
                            id.plus(offset)
                        );
                    }
                    indexed += len as usize;
                });
            }
            assert_eq!(indexed, self.len_items(), "the leaves' id runs do not cover the items");
            assert_eq!(self.ids.entry_count(), indexed, "id index names items the store does not have");
        }
        if CURSOR {
            if let Some(found) = self.cursor.get() {
                assert_eq!(
                    index.start_of(found.leaf),
                    found.start,
                    "the cursor cache is stale"
                );
            }
        }
    }
}

/// `(grow, shrink)`: what to add to and take from `before` to get `after`, per count (the
/// index's update takes unsigned changes).
#[inline]
fn counts_change(before: Counts, after: Counts) -> (Counts, Counts) {
    let grow = Counts {
        items: after.items.saturating_sub(before.items),
        chars: after.chars.saturating_sub(before.chars),
    };
    let shrink = Counts {
        items: before.items.saturating_sub(after.items),
        chars: before.chars.saturating_sub(after.chars),
    };
    (grow, shrink)
}
