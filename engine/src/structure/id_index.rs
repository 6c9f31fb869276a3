//! Id indexes: which leaf holds item `(agent, seq)`, so that a remote op finds its origins
//! and delete targets without scanning the store. [`IdTable`] is the flag: a store is built
//! with [`NoIdIndex`] (scan the leaves), [`FlatIdIndex`] or [`PagedIdIndex`], or one of
//! those built on first use ([`LazyIdIndex`]).
//!
//! Tried and measured slower (2026-11-28, `crdt-bench log --steps s09..s13`): a run-length
//! version (per agent, a `BTreeMap` from the first seq of each run to its leaf, so typing into
//! one leaf adds no entry). It saves the table's 4 bytes per seq, but its map lookups on every
//! insert and every moved span made sveltecomponent 1.7x slower than the flat table.

use std::cell::Cell;
use std::cell::RefCell;

use crate::store::Id;
use crate::structure::index::LeafId;

/// No leaf: a seq that is not an item (a delete op's, or not made yet).
const NO_LEAF: LeafId = LeafId::MAX;

/// An id -> leaf table, kept in step with inserts and leaf splits by
/// [`LeafStore`](super::leaf_store::LeafStore).
pub trait IdTable: Default + Clone + std::fmt::Debug {
    /// False for [`NoIdIndex`]: the store finds ids by scanning its leaves instead.
    const ENABLED: bool;
    /// The leaf holding item `id`, if the table knows it.
    fn get(&self, id: Id) -> Option<LeafId>;
    /// Records that items `id .. id + len` are in `leaf`.
    fn assign(&mut self, id: Id, len: u32, leaf: LeafId);
    /// Number of items indexed (for invariant checks).
    fn entry_count(&self) -> usize;

    /// Makes room for the seqs of `agent` up to `seq_end` (exclusive), which a batch about
    /// to be integrated will assign: a table that grows by copying grows once. A hint.
    #[inline]
    fn reserve(&mut self, agent: crate::id::AgentId, seq_end: u32) {
        let _ = (agent, seq_end);
    }

    /// False while a lazy table ([`LazyIdIndex`]) has not been built: until then the store
    /// need not tell it about inserts and splits, and must [`IdTable::build`] it before a
    /// lookup.
    #[inline]
    fn is_built(&self) -> bool {
        true
    }

    /// Builds a lazy table from every id run of the store: `runs` calls the function it is
    /// given once per `(first id, len, leaf)`. Through `&self`, because lookups are. A table
    /// that is always built ignores it.
    fn build(&self, runs: &mut dyn FnMut(&mut dyn FnMut(Id, u32, LeafId))) {
        let _ = runs;
    }
}

/// No id index: lookups by id scan the leaves.
#[derive(Clone, Debug, Default)]
pub struct NoIdIndex;

impl IdTable for NoIdIndex {
    const ENABLED: bool = false;
    #[inline]
    fn get(&self, _id: Id) -> Option<LeafId> {
        None
    }
    #[inline]
    fn assign(&mut self, _id: Id, _len: u32, _leaf: LeafId) {}
    fn entry_count(&self) -> usize {
        0
    }
}

/// One `LeafId` per seq, per agent, in one growing `Vec`: a lookup is an array read, an
/// insert fills its run's slots, a leaf split refills the moved spans' slots.
///
/// Its cost is memory traffic: the table has a slot for every seq, deletes' seqs included,
/// and each doubling of the `Vec` copies it (perf on rustcode: 80% of the replay's page
/// faults were this table's growth).
#[derive(Clone, Debug, Default)]
pub struct FlatIdIndex {
    /// `by_agent[agent][seq]`: the leaf holding item `(agent, seq)`, or `NO_LEAF`.
    by_agent: Vec<Vec<LeafId>>,
}

impl IdTable for FlatIdIndex {
    const ENABLED: bool = true;

    #[inline]
    fn get(&self, id: Id) -> Option<LeafId> {
        let leaf = *self.by_agent.get(id.agent.index())?.get(id.seq as usize)?;
        (leaf != NO_LEAF).then_some(leaf)
    }

    #[inline]
    fn assign(&mut self, id: Id, len: u32, leaf: LeafId) {
        let agent = id.agent.index();
        if self.by_agent.len() <= agent {
            self.by_agent.resize_with(agent + 1, Vec::new);
        }
        let by_seq = &mut self.by_agent[agent];
        let (start, end) = (id.seq as usize, (id.seq + len) as usize);
        if by_seq.len() <= start {
            // New seqs (an insert integrated or typed): written once, not first as `NO_LEAF`
            // and then again (a delete's seqs in between stay `NO_LEAF`).
            by_seq.resize(start, NO_LEAF);
            by_seq.resize(end, leaf);
            return;
        }
        if by_seq.len() < end {
            by_seq.resize(end, NO_LEAF);
        }
        by_seq[start..end].fill(leaf);
    }

    fn reserve(&mut self, agent: crate::id::AgentId, seq_end: u32) {
        let agent = agent.index();
        if self.by_agent.len() <= agent {
            self.by_agent.resize_with(agent + 1, Vec::new);
        }
        let by_seq = &mut self.by_agent[agent];
        // Exact: the batch says how far it goes, so doubling's spare half would be waste.
        by_seq.reserve_exact((seq_end as usize).saturating_sub(by_seq.len()));
    }

    fn entry_count(&self) -> usize {
        self.by_agent
            .iter()
            .map(|by_seq| by_seq.iter().filter(|&&leaf| leaf != NO_LEAF).count())
            .sum()
    }
}

/// Seqs per page of [`PagedIdIndex`]: 1024 slots of 4 bytes, one 4 KiB memory page.
const PAGE_SEQS: usize = 1024;

/// A page of [`PagedIdIndex`]: the leaves of `PAGE_SEQS` consecutive seqs.
type Page = Box<[LeafId; PAGE_SEQS]>;

/// The flat table cut into fixed pages allocated on first use: growing never copies, and a
/// range of seqs that holds no items (a long run of deletes) never gets a page.
#[derive(Clone, Debug, Default)]
pub struct PagedIdIndex {
    /// `by_agent[agent][seq / PAGE_SEQS][seq % PAGE_SEQS]`: as in [`FlatIdIndex`].
    by_agent: Vec<Vec<Option<Page>>>,
}

impl IdTable for PagedIdIndex {
    const ENABLED: bool = true;

    #[inline]
    fn get(&self, id: Id) -> Option<LeafId> {
        let seq = id.seq as usize;
        let page = self.by_agent.get(id.agent.index())?.get(seq / PAGE_SEQS)?.as_ref()?;
        let leaf = page[seq % PAGE_SEQS];
        (leaf != NO_LEAF).then_some(leaf)
    }

    #[inline]
    fn assign(&mut self, id: Id, len: u32, leaf: LeafId) {
        let agent = id.agent.index();
        if self.by_agent.len() <= agent {
            self.by_agent.resize_with(agent + 1, Vec::new);
        }
        let pages = &mut self.by_agent[agent];
        let mut seq = id.seq as usize;
        let end = seq + len as usize;
        while seq < end {
            let page_index = seq / PAGE_SEQS;
            if pages.len() <= page_index {
                pages.resize_with(page_index + 1, || None);
            }
            let page = pages[page_index].get_or_insert_with(|| Box::new([NO_LEAF; PAGE_SEQS]));
            let from = seq % PAGE_SEQS;
            let to = (end - page_index * PAGE_SEQS).min(PAGE_SEQS);
            page[from..to].fill(leaf);
            seq = page_index * PAGE_SEQS + to;
        }
    }

    fn entry_count(&self) -> usize {
        self.by_agent
            .iter()
            .flatten()
            .flatten()
            .map(|page| page.iter().filter(|&&leaf| leaf != NO_LEAF).count())
            .sum()
    }
}

/// Table `T`, built the first time an id is looked up: until a peer's op needs an id, inserts
/// and splits do not touch it.
///
/// A replica that only edits locally never looks an item up by id (the cursor finds the place
/// and the neighbours' ids), so it never pays for the table, in time or memory. The first
/// remote op (or any lookup) pays one pass over the leaves to build it; from then on it is
/// kept in step like `T`. Nothing a merge needs is dropped: the table is derived from the
/// leaves, which hold every item's id.
#[derive(Clone, Debug, Default)]
pub struct LazyIdIndex<T: IdTable> {
    built: Cell<bool>,
    /// Empty until `built`.
    table: RefCell<T>,
}

impl<T: IdTable> IdTable for LazyIdIndex<T> {
    const ENABLED: bool = true;

    #[inline]
    fn get(&self, id: Id) -> Option<LeafId> {
        debug_assert!(self.built.get(), "lookup in a lazy id index that was not built");
        self.table.borrow().get(id)
    }

    #[inline]
    fn assign(&mut self, id: Id, len: u32, leaf: LeafId) {
        if self.built.get() {
            self.table.get_mut().assign(id, len, leaf);
        }
    }

    fn entry_count(&self) -> usize {
        self.table.borrow().entry_count()
    }

    fn reserve(&mut self, agent: crate::id::AgentId, seq_end: u32) {
        // Room only, built or not: a build fills the same table.
        self.table.get_mut().reserve(agent, seq_end);
    }

    #[inline]
    fn is_built(&self) -> bool {
        self.built.get()
    }

    fn build(&self, runs: &mut dyn FnMut(&mut dyn FnMut(Id, u32, LeafId))) {
        if self.built.get() {
            return;
        }
        let mut table = self.table.borrow_mut();
        runs(&mut |id, len, leaf| table.assign(id, len, leaf));
        self.built.set(true);
    }
}

#[cfg(test)]
mod tests {
    //! Against a plain per-seq model, with seeded random range assignments.

    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    use super::*;
    use crate::id::AgentId;

    /// Seeded random range assignments, some of them crossing pages; after each, every id
    /// agrees with the model.
    fn matches_a_per_seq_model<T: IdTable>() {
        const SEQS: u32 = 3 * PAGE_SEQS as u32 + 100;
        for seed in 0..100 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut index = T::default();
            let mut model: Vec<Vec<Option<LeafId>>> = vec![vec![None; SEQS as usize]; 3];
            for _ in 0..60 {
                let agent = rng.gen_range(0..3u32);
                let start = rng.gen_range(0..SEQS - 1);
                let len = if rng.gen_bool(0.2) { rng.gen_range(1..=2000u32) } else { rng.gen_range(1..=20u32) }
                    .min(SEQS - start);
                let leaf = rng.gen_range(0..6u32);
                index.assign(Id { agent: AgentId(agent), seq: start }, len, leaf);
                for seq in start..start + len {
                    model[agent as usize][seq as usize] = Some(leaf);
                }
                let mut expected_count = 0;
                for (agent, seqs) in model.iter().enumerate() {
                    for (seq, &leaf) in seqs.iter().enumerate() {
                        let id = Id { agent: AgentId(agent as u32), seq: seq as u32 };
                        assert_eq!(index.get(id), leaf, "seed {seed}, {id:?}");
                        expected_count += usize::from(leaf.is_some());
                    }
                }
                assert_eq!(index.entry_count(), expected_count, "seed {seed}");
            }
        }
    }

    #[test]
    fn flat_matches_a_per_seq_model() {
        matches_a_per_seq_model::<FlatIdIndex>();
    }

    #[test]
    fn paged_matches_a_per_seq_model() {
        matches_a_per_seq_model::<PagedIdIndex>();
    }
}
