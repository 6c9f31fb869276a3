//! Ids: agents interned to small numbers, and the `(agent, seq)` id of every char op.

use std::collections::hash_map::DefaultHasher;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::hash::Hasher;

/// An agent (the author of a replica's local edits) interned to a small number.
///
/// Numbers are local to one replica: two replicas may number the same agent differently, which
/// is why everything that crosses replicas ([`OpBatch`](crate::OpBatch),
/// [`Version`](crate::Version)) names agents by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgentId(pub u32);

impl AgentId {
    /// The agent's number as an index into per-agent tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The id of one char op: the `seq`-th char op of `agent`, counting from 0.
///
/// Every char op consumes one seq, the insert of a char and the delete of a char alike, as in
/// diamond-types; so our ids are diamond-types' `(agent, seq)` ids, and frontiers compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    /// Who made the op.
    pub agent: AgentId,
    /// How many char ops `agent` had made before this one.
    pub seq: u32,
}

impl Id {
    /// The id `offset` char ops later in the same agent's sequence.
    pub fn plus(self, offset: u32) -> Id {
        Id {
            agent: self.agent,
            seq: self.seq + offset,
        }
    }
}

/// Interns agent names. Ties between concurrent inserts break by *name*, so the table is how
/// the algorithm gets from an [`AgentId`] back to the name it must compare.
///
/// `FAST_HASH` (part of s38's `inline-pending`): names hash with a multiply-rotate hash (the
/// construction of rustc's FxHash: no key, one multiply per 8 bytes) instead of std's keyed
/// SipHash. The trade: a peer that picks agent names to collide can make interning quadratic.
#[derive(Clone, Debug, Default)]
pub(crate) struct AgentTable<const FAST_HASH: bool = false> {
    names: Vec<String>,
    ids_by_name: HashMap<String, AgentId, AgentHashing<FAST_HASH>>,
}

/// The agent table's hashers: std's SipHash, keyed per table, or with `FAST` the unkeyed
/// multiply-rotate hash (see [`AgentTable`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct AgentHashing<const FAST: bool> {
    sip_keys: RandomState,
}

/// A hasher [`AgentHashing`] builds.
pub(crate) enum AgentHasher {
    Sip(DefaultHasher),
    Fast(u64),
}

/// FxHash's multiplier (from the golden ratio): spreads every input bit over the high bits.
const FAST_HASH_MULTIPLIER: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for AgentHasher {
    fn write(&mut self, bytes: &[u8]) {
        match self {
            AgentHasher::Sip(sip) => sip.write(bytes),
            AgentHasher::Fast(hash) => {
                for chunk in bytes.chunks(8) {
                    let mut word = [0u8; 8];
                    word[..chunk.len()].copy_from_slice(chunk);
                    *hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(FAST_HASH_MULTIPLIER);
                }
            }
        }
    }

    fn finish(&self) -> u64 {
        match self {
            AgentHasher::Sip(sip) => sip.finish(),
            AgentHasher::Fast(hash) => *hash,
        }
    }
}

impl<const FAST: bool> BuildHasher for AgentHashing<FAST> {
    type Hasher = AgentHasher;

    fn build_hasher(&self) -> AgentHasher {
        if FAST {
            AgentHasher::Fast(0)
        } else {
            AgentHasher::Sip(self.sip_keys.build_hasher())
        }
    }
}

impl<const FAST_HASH: bool> AgentTable<FAST_HASH> {
    pub(crate) fn intern(&mut self, name: &str) -> AgentId {
        if let Some(&agent) = self.ids_by_name.get(name) {
            return agent;
        }
        let agent = AgentId(u32::try_from(self.names.len()).expect("more than u32::MAX agents"));
        self.names.push(name.to_owned());
        self.ids_by_name.insert(name.to_owned(), agent);
        agent
    }

    pub(crate) fn get(&self, name: &str) -> Option<AgentId> {
        self.ids_by_name.get(name).copied()
    }

    pub(crate) fn name(&self, agent: AgentId) -> &str {
        &self.names[agent.index()]
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    pub(crate) fn assert_invariants(&self) {
        assert_eq!(
            self.names.len(),
            self.ids_by_name.len(),
            "agent names are not unique"
        );
        for (index, name) in self.names.iter().enumerate() {
            assert_eq!(self.ids_by_name.get(name).map(|a| a.index()), Some(index));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both hashes intern the same names to the same numbers: the hash is not observable.
    #[test]
    fn fast_and_keyed_hashes_intern_alike() {
        let mut keyed = AgentTable::<false>::default();
        let mut fast = AgentTable::<true>::default();
        let names: Vec<String> = (0..500)
            .map(|i| match i % 4 {
                0 => format!("agent-{i}"),
                1 => format!("{i:x}"),
                2 => format!("{}{i}", "é🙂".repeat(i % 9 + 1)),
                _ => format!("a-much-longer-agent-name-than-eight-bytes-{i}"),
            })
            .collect();
        for round in 0..2 {
            for name in &names {
                assert_eq!(keyed.intern(name), fast.intern(name), "round {round}, {name}");
            }
        }
        assert_eq!(fast.len(), names.len());
        for name in &names {
            assert_eq!(fast.name(fast.get(name).unwrap()), name);
        }
        assert_eq!(fast.get("not an agent"), None);
        keyed.assert_invariants();
        fast.assert_invariants();
    }
}
