//! What crosses replicas: versions, op batches and the errors of integrating them.
//!
//! These types name agents by *name* (a replica's [`AgentId`](crate::store::AgentId) numbers
//! are its own), so a batch exported by one replica integrates into any other.

use std::collections::BTreeMap;
use std::fmt;

/// A version: for each agent, how many of its char ops are included.
///
/// Each agent's ops form one chain (a replica makes its ops one after another, and a document
/// edits as one agent at a time), so "the first `n` ops of each agent" describes a causally
/// closed set of ops exactly. That makes a version easy to send and compare, and lets a replica
/// answer [`ops_since`](crate::TextCrdt::ops_since) for a peer that has ops it lacks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Version {
    /// Agents with at least one op; agents with none are absent, so equal sets compare equal.
    seq_count_by_agent: BTreeMap<String, u32>,
}

impl Version {
    /// The empty version: the start of history, before any op.
    pub fn root() -> Version {
        Version::default()
    }

    /// How many char ops of `agent` this version includes (its next seq).
    pub fn seq_count(&self, agent: &str) -> u32 {
        self.seq_count_by_agent.get(agent).copied().unwrap_or(0)
    }

    /// Records that the first `seq_count` char ops of `agent` are included.
    pub fn set_seq_count(&mut self, agent: &str, seq_count: u32) {
        if seq_count == 0 {
            self.seq_count_by_agent.remove(agent);
        } else {
            self.seq_count_by_agent.insert(agent.to_owned(), seq_count);
        }
    }

    /// Agents and their op counts, sorted by agent name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        self.seq_count_by_agent
            .iter()
            .map(|(name, &count)| (name.as_str(), count))
    }

    /// Whether every op in `other` is also in `self`.
    pub fn includes(&self, other: &Version) -> bool {
        other
            .iter()
            .all(|(agent, count)| self.seq_count(agent) >= count)
    }

    /// Total number of char ops in the version.
    pub fn char_op_count(&self) -> u64 {
        self.seq_count_by_agent
            .values()
            .map(|&count| u64::from(count))
            .sum()
    }
}

/// The id of an op inside an [`OpBatch`]: `agent` indexes [`OpBatch::agents`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpId {
    /// Index into the batch's agent name table.
    pub agent: u32,
    /// The agent's seq of the op's first char op.
    pub seq: u32,
}

/// A run of char ops by one agent with consecutive seqs, starting at `id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Op {
    /// The first char op's id; char op `k` of the run has seq `id.seq + k`.
    pub id: OpId,
    /// The version the first char op was made at, as its frontier (the ops nothing else in that
    /// version depends on). Char op `k > 0` has the single parent `k - 1`.
    pub parents: Vec<OpId>,
    /// What the op does.
    pub kind: OpKind,
    /// Where the op's first char was, in visible chars (code points), at the version
    /// `parents`: for an insert, where its text went; for a delete run, where the range of
    /// chars it deletes starts. A hint, not part of the op's meaning: a replica at exactly
    /// `parents` may apply the op there as a local edit instead of finding its origins or
    /// targets by id, and checks that the place holds what the op names first (a wrong hint
    /// costs the lookup it meant to save, never a wrong document). `None` where the sender
    /// does not know (steps before s47 keep no positions). Two batches that differ only in
    /// hints describe the same ops.
    pub pos_hint: Option<u32>,
}

/// What an [`Op`] does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// Insert `text`, one item per Unicode code point, between two items that were adjacent
    /// (tombstones included) when the op was made: `origin_left` (`None`: the document start)
    /// and `origin_right` (`None`: the document end). Char `k > 0` has char `k - 1` as its left
    /// origin and the same right origin.
    Insert {
        /// The item just before the insert, or `None` for the start of the document.
        origin_left: Option<OpId>,
        /// The item just after the insert, or `None` for the end of the document.
        origin_right: Option<OpId>,
        /// The inserted text; its length in code points is the op's length.
        text: String,
    },
    /// Delete `len_chars` items with consecutive ids (one agent's consecutive inserts),
    /// wherever they are in the document: char op `k` deletes `target + k`, or with `backward`
    /// (a backspace run: each char op deletes the char before the last one) `target - k`.
    /// Deleting an item twice is harmless.
    Delete {
        /// The id of the item the first char op deletes.
        target: OpId,
        /// How many items, hence also how many char ops this op is.
        len_chars: u32,
        /// The run goes backward: the items are `target - len_chars + 1 ..= target`, deleted
        /// from the last to the first. A log that keeps backspace runs sends one op per run
        /// with this (s39's `backward-ops`); without it, a backspace run is one op per char.
        backward: bool,
    },
}

impl Op {
    /// Number of char ops in the run (chars inserted or deleted).
    pub fn len_chars(&self) -> usize {
        match &self.kind {
            OpKind::Insert { text, .. } => text.chars().count(),
            OpKind::Delete { len_chars, .. } => *len_chars as usize,
        }
    }
}

/// An op as [`integrate`](crate::TextCrdt::integrate) reads it: borrowed from an [`OpBatch`],
/// or straight from encoded bytes ([`crate::encoding`]), so that integrating a decoded batch
/// neither copies its text nor allocates its (one) parent per op.
#[derive(Clone, Debug)]
pub(crate) struct BatchOp<'a> {
    pub id: OpId,
    /// Char ops in the run (at least 1 for a well-formed op; 0 is rejected as malformed).
    pub len_chars: u64,
    pub parents: BatchParents<'a>,
    pub kind: BatchOpKind<'a>,
    pub pos_hint: Option<u32>,
}

#[derive(Clone, Debug)]
pub(crate) enum BatchParents<'a> {
    One(OpId),
    Slice(&'a [OpId]),
    Owned(Vec<OpId>),
}

impl std::ops::Deref for BatchParents<'_> {
    type Target = [OpId];
    fn deref(&self) -> &[OpId] {
        match self {
            BatchParents::One(one) => std::slice::from_ref(one),
            BatchParents::Slice(parents) => parents,
            BatchParents::Owned(parents) => parents,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum BatchOpKind<'a> {
    Insert {
        origin_left: Option<OpId>,
        origin_right: Option<OpId>,
        text: &'a str,
    },
    Delete {
        target: OpId,
        backward: bool,
    },
}

impl<'a> From<&'a Op> for BatchOp<'a> {
    fn from(op: &'a Op) -> BatchOp<'a> {
        let (len_chars, kind) = match &op.kind {
            OpKind::Insert {
                origin_left,
                origin_right,
                text,
            } => (
                text.chars().count() as u64,
                BatchOpKind::Insert {
                    origin_left: *origin_left,
                    origin_right: *origin_right,
                    text,
                },
            ),
            OpKind::Delete {
                target,
                len_chars,
                backward,
            } => (
                u64::from(*len_chars),
                BatchOpKind::Delete {
                    target: *target,
                    backward: *backward,
                },
            ),
        };
        let parents = match op.parents.as_slice() {
            &[one] => BatchParents::One(one),
            parents => BatchParents::Slice(parents),
        };
        BatchOp {
            id: op.id,
            len_chars,
            parents,
            kind,
            pos_hint: op.pos_hint,
        }
    }
}

impl BatchOp<'_> {
    /// The owned [`Op`].
    pub(crate) fn to_op(&self) -> Op {
        let kind = match self.kind {
            BatchOpKind::Insert {
                origin_left,
                origin_right,
                text,
            } => OpKind::Insert {
                origin_left,
                origin_right,
                text: text.to_owned(),
            },
            BatchOpKind::Delete { target, backward } => OpKind::Delete {
                target,
                // Decoded delete lengths fit in u32 (the decoder checks).
                len_chars: self.len_chars as u32,
                backward,
            },
        };
        Op {
            id: self.id,
            parents: self.parents.to_vec(),
            kind,
            pos_hint: self.pos_hint,
        }
    }
}

/// Ops to send to a peer, in a causal order (every op after the ops it depends on), with the
/// agent name table their [`OpId`]s index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpBatch {
    /// Agent names; `OpId::agent` indexes this.
    pub agents: Vec<String>,
    /// The ops, each after everything it depends on.
    pub ops: Vec<Op>,
}

impl OpBatch {
    /// Whether the batch holds no op.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Total number of char ops in the batch.
    pub fn char_op_count(&self) -> usize {
        self.ops.iter().map(Op::len_chars).sum()
    }

    /// The same char ops, in the same order, one [`Op`] each. Two batches hold the same ops
    /// exactly when these are equal, however each cut its char ops into runs (a log that keeps
    /// backspace runs as one entry cuts them differently from one that does not). Position
    /// hints are left out (`None`): they are not part of what an op means.
    pub fn split_into_char_ops(&self) -> OpBatch {
        let mut ops = Vec::with_capacity(self.char_op_count());
        for op in &self.ops {
            let id_at = |offset: u32| OpId {
                agent: op.id.agent,
                seq: op.id.seq + offset,
            };
            let parents_at = |offset: u32| {
                if offset == 0 {
                    op.parents.clone()
                } else {
                    vec![id_at(offset - 1)]
                }
            };
            match &op.kind {
                OpKind::Insert {
                    origin_left,
                    origin_right,
                    text,
                } => {
                    for (offset, ch) in (0u32..).zip(text.chars()) {
                        ops.push(Op {
                            id: id_at(offset),
                            parents: parents_at(offset),
                            kind: OpKind::Insert {
                                origin_left: if offset == 0 { *origin_left } else { Some(id_at(offset - 1)) },
                                origin_right: *origin_right,
                                text: ch.to_string(),
                            },
                            pos_hint: None,
                        });
                    }
                }
                OpKind::Delete {
                    target,
                    len_chars,
                    backward,
                } => {
                    for offset in 0..*len_chars {
                        let seq = if *backward { target.seq - offset } else { target.seq + offset };
                        ops.push(Op {
                            id: id_at(offset),
                            parents: parents_at(offset),
                            kind: OpKind::Delete {
                                target: OpId {
                                    agent: target.agent,
                                    seq,
                                },
                                len_chars: 1,
                                backward: false,
                            },
                            pos_hint: None,
                        });
                    }
                }
            }
        }
        OpBatch {
            agents: self.agents.clone(),
            ops,
        }
    }
}

/// Why [`integrate`](crate::TextCrdt::integrate) refused a batch. The document is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntegrateError {
    /// The op cannot be right whatever else arrives: an agent index outside the name table, an
    /// empty op, a seq overflow, or an origin or delete target that is not an insert in the
    /// op's causal past.
    Malformed {
        /// Index of the offending op in the batch.
        op_index: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The op depends on an op that this replica does not have and that the batch does not
    /// bring before it (a missing parent, or a gap in the agent's seqs).
    NotReady {
        /// Index of the offending op in the batch.
        op_index: usize,
        /// Agent of the first missing op.
        missing_agent: String,
        /// Seq of the first missing op.
        missing_seq: u32,
    },
    /// The batch gives an id this replica already has to a different op. That happens when two
    /// replicas edit as the same agent; the replicas can no longer converge.
    Conflict {
        /// Index of the offending op in the batch.
        op_index: usize,
        /// Agent of the disputed id.
        agent: String,
        /// Seq of the disputed id.
        seq: u32,
    },
}

impl fmt::Display for IntegrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntegrateError::Malformed { op_index, reason } => {
                write!(f, "op {op_index} of the batch is malformed: {reason}")
            }
            IntegrateError::NotReady {
                op_index,
                missing_agent,
                missing_seq,
            } => write!(
                f,
                "op {op_index} of the batch is not causally ready: it needs op \
                 ({missing_agent:?}, {missing_seq}), which neither the document nor the batch \
                 before it has"
            ),
            IntegrateError::Conflict {
                op_index,
                agent,
                seq,
            } => write!(
                f,
                "op {op_index} of the batch conflicts with this document's op ({agent:?}, {seq}): \
                 two replicas edited as the same agent"
            ),
        }
    }
}

impl std::error::Error for IntegrateError {}

/// Why [`integrate_encoded`](crate::TextCrdt::integrate_encoded) refused some bytes. The
/// document is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The bytes are not an encoded batch.
    Decode(crate::encoding::DecodeError),
    /// They are, but the batch cannot be integrated here.
    Integrate(IntegrateError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Decode(error) => error.fmt(f),
            ImportError::Integrate(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<crate::encoding::DecodeError> for ImportError {
    fn from(error: crate::encoding::DecodeError) -> ImportError {
        ImportError::Decode(error)
    }
}

impl From<IntegrateError> for ImportError {
    fn from(error: IntegrateError) -> ImportError {
        ImportError::Integrate(error)
    }
}
