//! [`TextApart`]: the visible text kept apart from the CRDT metadata.
//!
//! The leaves of the other steps keep every item's char, tombstones included, beside the
//! item's id, origins and counts; an insert into a leaf shifts the rest of the leaf's text
//! (up to `MAX_ITEMS` bytes and more) and a split copies half of it. Here the tree holds only
//! ids, origins and counts (leaves with `TEXT = false`), and the visible text sits in a rope
//! addressed by visible char position ([`jumprope::JumpRope`], the rope the harness's `rope`
//! subject times): a local edit is the same position in both; a remote one finds its visible
//! position from the tree ([`SeqStore::chars_before`]). Deleted text is not kept anywhere in
//! the store: the op log has every inserted char.

use std::fmt;
use std::ops::Range;

use jumprope::JumpRope;

use crate::id::AgentId;
use crate::store::Id;
use crate::store::ItemRun;
use crate::store::SeqStore;
use crate::store::StoredItem;

/// A store `T` that keeps no text (ids, origins, counts) and the visible text in a rope.
#[derive(Clone)]
pub struct TextApart<T: SeqStore> {
    tree: T,
    text: JumpRope,
}

impl<T: SeqStore> Default for TextApart<T> {
    fn default() -> Self {
        TextApart {
            tree: T::default(),
            // A fixed seed: the rope's node heights, and so its memory, are the same every run
            // (jumprope's default with `ddos_protection` seeds from entropy).
            text: JumpRope::new_from_seed(0x7e47_a9a7),
        }
    }
}

impl<T: SeqStore> fmt::Debug for TextApart<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextApart")
            .field("tree", &self.tree)
            .field("text_len_chars", &self.text.len_chars())
            .finish()
    }
}

impl<T: SeqStore> SeqStore for TextApart<T> {
    const KEEPS_DELETED_TEXT: bool = false;

    fn len_items(&self) -> usize {
        self.tree.len_items()
    }

    fn len_chars(&self) -> usize {
        self.tree.len_chars()
    }

    fn index_of_char(&self, pos_chars: usize) -> usize {
        self.tree.index_of_char(pos_chars)
    }

    fn index_of_id(&self, id: Id) -> Option<usize> {
        self.tree.index_of_id(id)
    }

    fn run_at(&self, index: usize) -> ItemRun {
        self.tree.run_at(index)
    }

    fn is_deleted(&self, index: usize) -> bool {
        self.tree.is_deleted(index)
    }

    fn insert_run(&mut self, index: usize, run: ItemRun, text: &str) {
        let pos_chars = self.tree.chars_before(index);
        self.tree.insert_run(index, run, text);
        self.text.insert(pos_chars, text);
    }

    fn mark_deleted(&mut self, index: usize) -> bool {
        let was_visible = self.tree.mark_deleted(index);
        if was_visible {
            // The items before `index` did not change.
            let pos_chars = self.tree.chars_before(index);
            self.text.remove(pos_chars..pos_chars + 1);
        }
        was_visible
    }

    fn mark_deleted_run(&mut self, index: usize, max_len: usize) -> usize {
        let visible_before = self.tree.len_chars();
        let marked = self.tree.mark_deleted_run(index, max_len);
        // The run is consecutive items, so its visible chars were consecutive in the text.
        let removed_chars = visible_before - self.tree.len_chars();
        if removed_chars > 0 {
            let pos_chars = self.tree.chars_before(index);
            self.text.remove(pos_chars..pos_chars + removed_chars);
        }
        marked
    }

    fn reserve_ids(&mut self, agent: AgentId, seq_end: u32) {
        self.tree.reserve_ids(agent, seq_end);
    }

    fn chars_before(&self, index: usize) -> usize {
        self.tree.chars_before(index)
    }

    fn text(&self) -> String {
        self.text.to_string()
    }

    fn slice(&self, range_chars: Range<usize>) -> String {
        self.text.slice_substrings(range_chars).collect()
    }

    fn dump(&self) -> Vec<StoredItem> {
        let mut items = self.tree.dump();
        let mut visible = self.text.chars();
        for item in &mut items {
            item.ch = if item.deleted {
                StoredItem::NO_CHAR
            } else {
                visible.next().expect("the rope is shorter than the visible items")
            };
        }
        assert_eq!(visible.next(), None, "the rope is longer than the visible items");
        items
    }

    fn assert_invariants(&self) {
        self.tree.assert_invariants();
        self.text.check();
        assert_eq!(self.text.len_chars(), self.tree.len_chars(), "the rope and the tree disagree on the visible length");
    }

    fn insert_local(&mut self, pos_chars: usize, id: Id, text: &str, len_chars: u32) -> (Option<Id>, Option<Id>) {
        let origins = self.tree.insert_local(pos_chars, id, text, len_chars);
        self.text.insert(pos_chars, text);
        origins
    }

    fn delete_local(&mut self, pos_chars: usize, len_chars: usize, on_deleted: &mut dyn FnMut(Id, u32)) {
        self.tree.delete_local(pos_chars, len_chars, on_deleted);
        self.text.remove(pos_chars..pos_chars + len_chars);
    }
}
