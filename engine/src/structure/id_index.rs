//! The id index: which leaf holds item `(agent, seq)`, so that a remote op finds its origins
//! and delete targets without scanning the store.
//!
//! One `LeafId` per seq, per agent: a lookup is an array read, an insert fills its run's
//! slots, a leaf split refills the moved spans' slots.
//!
//! Tried and measured slower (2026-11-28, `crdt-bench log --steps s09..s13`): a run-length
//! version (per agent, a `BTreeMap` from the first seq of each run to its leaf, so typing into
//! one leaf adds no entry). It saves the table's 4 bytes per seq, but its map lookups on every
//! insert and every moved span made sveltecomponent 1.7x slower than this plain table.

use crate::store::Id;
use crate::structure::index::LeafId;

/// No leaf: a seq that is not an item (a delete op's, or not made yet).
const NO_LEAF: LeafId = LeafId::MAX;

/// Item id -> leaf.
#[derive(Clone, Debug, Default)]
pub struct IdIndex {
    /// `by_agent[agent][seq]`: the leaf holding item `(agent, seq)`, or `NO_LEAF`.
    by_agent: Vec<Vec<LeafId>>,
}

impl IdIndex {
    /// The leaf holding item `id`, if `id` is an item of the store.
    #[inline]
    pub fn get(&self, id: Id) -> Option<LeafId> {
        let leaf = *self.by_agent.get(id.agent.index())?.get(id.seq as usize)?;
        (leaf != NO_LEAF).then_some(leaf)
    }

    /// Records that items `id .. id + len` are in `leaf`.
    #[inline]
    pub fn assign(&mut self, id: Id, len: u32, leaf: LeafId) {
        let agent = id.agent.index();
        if self.by_agent.len() <= agent {
            self.by_agent.resize_with(agent + 1, Vec::new);
        }
        let by_seq = &mut self.by_agent[agent];
        let end = (id.seq + len) as usize;
        if by_seq.len() < end {
            by_seq.resize(end, NO_LEAF);
        }
        by_seq[id.seq as usize..end].fill(leaf);
    }

    /// Number of items indexed (for invariant checks).
    pub fn entry_count(&self) -> usize {
        self.by_agent
            .iter()
            .map(|by_seq| by_seq.iter().filter(|&&leaf| leaf != NO_LEAF).count())
            .sum()
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

    #[test]
    fn matches_a_per_seq_model() {
        for seed in 0..200 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut index = IdIndex::default();
            let mut model: Vec<Vec<Option<LeafId>>> = vec![vec![None; 300]; 3];
            for _ in 0..100 {
                let agent = rng.gen_range(0..3u32);
                let start = rng.gen_range(0..280u32);
                let len = rng.gen_range(1..=20u32).min(300 - start);
                let leaf = rng.gen_range(0..6u32);
                index.assign(Id { agent: AgentId(agent), seq: start }, len, leaf);
                for seq in start..start + len {
                    model[agent as usize][seq as usize] = Some(leaf);
                }
                for (agent, seqs) in model.iter().enumerate() {
                    for (seq, &leaf) in seqs.iter().enumerate() {
                        let id = Id { agent: AgentId(agent as u32), seq: seq as u32 };
                        assert_eq!(index.get(id), leaf, "seed {seed}, {id:?}");
                    }
                }
            }
        }
    }
}
