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

/// One item, as [`SeqStore::dump`] lists it for checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredItem {
    /// The insert op's id for this char.
    pub id: Id,
    /// Item this one was inserted after.
    pub origin_left: Option<Id>,
    /// Item this one was inserted before.
    pub origin_right: Option<Id>,
    /// The character.
    pub ch: char,
    /// Whether it is a tombstone.
    pub deleted: bool,
}

/// Items in document order, tombstones included. See the module docs for units.
pub trait SeqStore: Clone + Default + fmt::Debug {
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

    /// The visible text.
    fn text(&self) -> String;

    /// The visible chars in `range_chars`. Requires `range_chars.end <= len_chars()`.
    fn slice(&self, range_chars: Range<usize>) -> String;

    /// Every item in document order. O(n); for invariant checks and tests.
    fn dump(&self) -> Vec<StoredItem>;

    /// Checks the store's own invariants (cached counts match the items, ...). Panics if broken.
    fn assert_invariants(&self);
}

#[cfg(test)]
mod tests {
    //! Every store against a plain `Vec<StoredItem>` with seeded random operations.

    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    use super::*;
    use crate::steps::s00_naive_vec::VecStore;

    const CHARS: &[char] = &['a', 'b', 'c', 'x', 'é', '字', '🙂', '\n'];

    /// A new store is added here to be checked against the model.
    macro_rules! for_each_store {
        ($callback:ident) => {
            $callback!(VecStore);
        };
    }

    struct Model {
        items: Vec<StoredItem>,
        next_seq_by_agent: [u32; 3],
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
        };
        for op_index in 0..op_count {
            let context = format!("store seed {seed}, op {op_index}");
            if model.items.is_empty() || rng.gen_bool(0.6) {
                insert_random_run(&mut rng, &mut store, &mut model);
            } else {
                let index = rng.gen_range(0..model.items.len());
                let was_visible = store.mark_deleted(index);
                assert_eq!(was_visible, !model.items[index].deleted, "{context}");
                model.items[index].deleted = true;
            }
            store.assert_invariants();
            check_queries(&mut rng, &store, &model, &context);
        }
    }

    fn insert_random_run<S: SeqStore>(rng: &mut SmallRng, store: &mut S, model: &mut Model) {
        let agent_index = rng.gen_range(0..3);
        let len = rng.gen_range(1..=4u32);
        let id = Id {
            agent: AgentId(agent_index as u32),
            seq: model.next_seq_by_agent[agent_index],
        };
        model.next_seq_by_agent[agent_index] += len;
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

    fn check_queries<S: SeqStore>(rng: &mut SmallRng, store: &S, model: &Model, context: &str) {
        assert_eq!(store.dump(), model.items, "{context}");
        assert_eq!(store.len_items(), model.items.len(), "{context}");
        let visible: Vec<(usize, &StoredItem)> = model.visible().collect();
        assert_eq!(store.len_chars(), visible.len(), "{context}");
        let text: String = visible.iter().map(|(_, item)| item.ch).collect();
        assert_eq!(store.text(), text, "{context}");
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
                    check_store_against_model::<$store>(seed, 60);
                }
            };
        }
        for_each_store!(check);
    }
}
