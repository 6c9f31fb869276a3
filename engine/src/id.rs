//! Ids: agents interned to small numbers, and the `(agent, seq)` id of every char op.

use std::collections::HashMap;

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
#[derive(Clone, Debug, Default)]
pub(crate) struct AgentTable {
    names: Vec<String>,
    ids_by_name: HashMap<String, AgentId>,
}

impl AgentTable {
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
