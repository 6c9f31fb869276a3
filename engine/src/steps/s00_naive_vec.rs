//! s00-naive-vec: a `Vec` with one item per character; every lookup is a linear scan.
//!
//! Predecessor: none.
//! Idea: the simplest store that can be right. Positions and ids are found by scanning from
//! the start; inserting shifts the tail of the `Vec`.
//! Why: it is the baseline every later step is timed against, and simple enough to trust.
//! Invariant: `len_chars` equals the number of items that are not tombstones.

use std::ops::Range;

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::store::Id;
use crate::store::ItemRun;
use crate::store::SeqStore;
use crate::store::StoredItem;

/// Step 0: the CRDT over [`VecStore`].
pub type S00NaiveVec = Doc<VecStore>;

impl Step for S00NaiveVec {
    const INFO: StepInfo = StepInfo {
        name: "s00-naive-vec",
        predecessor: None,
        flags: &[],
        idea: "A Vec with one item per character; positions and ids are found by linear scans.",
        why: "The baseline: the simplest store that can be right, to time and test every later \
              step against.",
        invariant: "len_chars equals the number of items that are not tombstones.",
        code: "engine/src/steps/s00_naive_vec.rs: `VecStore`",
        notes: "About three orders of magnitude slower than diamond-types: every position lookup scans the document from the start, and a delete of n chars does n scans.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}

/// One item per inserted character, in document order.
#[derive(Clone, Debug, Default)]
pub struct VecStore {
    items: Vec<StoredItem>,
    /// Visible items, kept so that `len_chars` is not a scan.
    len_chars: usize,
}

impl SeqStore for VecStore {
    fn len_items(&self) -> usize {
        self.items.len()
    }

    fn len_chars(&self) -> usize {
        self.len_chars
    }

    fn index_of_char(&self, pos_chars: usize) -> usize {
        debug_assert!(pos_chars < self.len_chars);
        let mut visible_before = 0;
        for (index, item) in self.items.iter().enumerate() {
            if !item.deleted {
                if visible_before == pos_chars {
                    return index;
                }
                visible_before += 1;
            }
        }
        panic!(
            "char position {pos_chars} is out of range for {} chars",
            self.len_chars
        )
    }

    fn index_of_id(&self, id: Id) -> Option<usize> {
        self.items.iter().position(|item| item.id == id)
    }

    fn run_at(&self, index: usize) -> ItemRun {
        let item = &self.items[index];
        ItemRun {
            id: item.id,
            len: 1,
            origin_left: item.origin_left,
            origin_right: item.origin_right,
        }
    }

    fn is_deleted(&self, index: usize) -> bool {
        self.items[index].deleted
    }

    fn insert_run(&mut self, index: usize, run: ItemRun, text: &str) {
        debug_assert_eq!(text.chars().count(), run.len as usize);
        let items = run.items(text);
        self.items.splice(index..index, items);
        self.len_chars += run.len as usize;
    }

    fn mark_deleted(&mut self, index: usize) -> bool {
        let item = &mut self.items[index];
        let was_visible = !item.deleted;
        item.deleted = true;
        if was_visible {
            self.len_chars -= 1;
        }
        was_visible
    }

    fn text(&self) -> String {
        self.items
            .iter()
            .filter(|item| !item.deleted)
            .map(|item| item.ch)
            .collect()
    }

    fn slice(&self, range_chars: Range<usize>) -> String {
        debug_assert!(range_chars.end <= self.len_chars);
        let visible = self.items.iter().filter(|item| !item.deleted);
        visible
            .skip(range_chars.start)
            .take(range_chars.len())
            .map(|item| item.ch)
            .collect()
    }

    fn dump(&self) -> Vec<StoredItem> {
        self.items.clone()
    }

    fn assert_invariants(&self) {
        let visible = self.items.iter().filter(|item| !item.deleted).count();
        assert_eq!(self.len_chars, visible, "len_chars is stale");
    }
}
