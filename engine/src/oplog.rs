//! The op log: every op a replica has applied, in the order it applied them (a causal order).
//!
//! The log is what a replica exports to peers and what makes a merge possible; every step
//! keeps it (DESIGN.md section 4: a subject keeps what it needs to merge). Runs are coalesced
//! as they are pushed (consecutive typing becomes one entry), so the log stays about as small
//! as the edit history's runs.

use crate::entry_runs::EntryRuns;
use crate::id::AgentId;
use crate::id::Id;
use crate::log_entries::EntryCore;
use crate::log_entries::EntryKind;
use crate::log_entries::EntryStore;
use crate::log_entries::Parents;
use crate::log_entries::WideEntries;

/// An op with this replica's [`AgentId`]s and borrowed text: what the algorithm pushes into
/// the log and what an export trims and translates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InternalOp<'a> {
    pub id: Id,
    /// Number of char ops, at least 1.
    pub len: u32,
    /// Frontier of the version the first char op was made at (almost always one op: no
    /// allocation then).
    pub parents: Parents,
    pub kind: InternalKind<'a>,
    /// Where the first char op was, in visible chars, at the version `parents` (see
    /// [`WithPositions`](crate::log_entries::WithPositions)), if known: what a log with
    /// positions exports, a hint that a peer checks before it relies on it.
    pub pos: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InternalKind<'a> {
    Insert {
        origin_left: Option<Id>,
        origin_right: Option<Id>,
        text: &'a str,
    },
    /// Char op `k` deletes `target + k`, or with `backward` (a backspace run) `target - k`:
    /// [`delete_target`].
    Delete {
        target: Id,
        backward: bool,
    },
}

impl InternalKind<'_> {
    /// Whether this is a backward delete run.
    pub(crate) fn is_backward(&self) -> bool {
        matches!(self, InternalKind::Delete { backward: true, .. })
    }
}

/// The item that char op `offset` of a delete run from `target` deletes: `target + offset`,
/// or `target - offset` for a `backward` run (a backspace run deletes each char before the
/// last one).
#[inline]
pub(crate) fn delete_target(target: Id, backward: bool, offset: u32) -> Id {
    if backward {
        Id {
            agent: target.agent,
            seq: target.seq - offset,
        }
    } else {
        target.plus(offset)
    }
}

/// The lowest of the `len` consecutive ids a delete run from `target` deletes: a backward run
/// deletes the same ids as a forward run from its last target.
#[inline]
pub(crate) fn lowest_delete_target(target: Id, backward: bool, len: u32) -> Id {
    delete_target(target, backward, if backward { len - 1 } else { 0 })
}

/// Whether `op`, pushed right after `before`, might extend the entry `before` ended: false
/// only when [`OpLog::push`] could not extend it whatever that entry held before `before`
/// (another agent, a gap in seqs, other parents, another kind, an insert between other
/// origins, a delete run that does not go on forward). A peer's batch comes from a log that
/// already made its runs as long as they go, so for almost every op of it this is false, and
/// saves the look at the log's last entry (10,304 of 10,314 ops of sveltecomponent's history).
#[inline]
pub(crate) fn may_continue(before: &InternalOp<'_>, op: &InternalOp<'_>) -> bool {
    let last_id = before.id.plus(before.len - 1);
    if op.id.agent != last_id.agent || op.id.seq != last_id.seq.wrapping_add(1) || *op.parents != [last_id] {
        return false;
    }
    match (before.kind, op.kind) {
        (
            InternalKind::Insert { origin_right, .. },
            InternalKind::Insert {
                origin_left: new_left,
                origin_right: new_right,
                ..
            },
        ) => new_left == Some(last_id) && new_right == origin_right,
        // A forward run goes on at the char after `before`'s last target.
        (
            InternalKind::Delete { target, backward: false },
            InternalKind::Delete {
                target: new_target,
                backward: false,
            },
        ) if before.len > 1 => new_target == target.plus(before.len),
        // Backward runs (or a one-char delete, which may start one): the log decides.
        (InternalKind::Delete { .. }, InternalKind::Delete { .. }) => true,
        _ => false,
    }
}

/// One char op with its per-char parents and origins: the unit in which two descriptions of
/// the same ids are compared, whatever runs they came in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CharOp {
    /// Sorted and without duplicates, so that parent order does not matter.
    pub parents: Vec<Id>,
    pub kind: CharKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CharKind {
    Insert {
        origin_left: Option<Id>,
        origin_right: Option<Id>,
        ch: char,
    },
    Delete {
        target: Id,
    },
}

impl<'a> InternalOp<'a> {
    /// The op without its first `skip` char ops (`skip < len`).
    pub(crate) fn suffix(&self, skip: u32) -> InternalOp<'a> {
        debug_assert!(skip < self.len);
        if skip == 0 {
            return self.clone();
        }
        let before = self.id.plus(skip - 1);
        let kind = match self.kind {
            InternalKind::Insert {
                origin_right, text, ..
            } => InternalKind::Insert {
                origin_left: Some(before),
                origin_right,
                text: &text[byte_of_char(text, skip as usize)..],
            },
            InternalKind::Delete { target, backward } => InternalKind::Delete {
                target: delete_target(target, backward, skip),
                // A one-char run goes neither way: forward, as a log keeps it.
                backward: backward && self.len - skip > 1,
            },
        };
        // An insert's later chars went after its first ones; a delete run's later chars are
        // the range's first chars (forward: each moved down to the start as the one before
        // went; backward: the run deletes from the range's end).
        let pos = match self.kind {
            InternalKind::Insert { .. } => self.pos.and_then(|pos| pos.checked_add(skip)),
            InternalKind::Delete { .. } => self.pos,
        };
        InternalOp {
            id: self.id.plus(skip),
            len: self.len - skip,
            parents: Parents::One(before),
            kind,
            pos,
        }
    }

    /// The char op at `offset` (`offset < len`).
    pub(crate) fn char_op(&self, offset: u32) -> CharOp {
        debug_assert!(offset < self.len);
        let mut parents = if offset == 0 {
            self.parents.to_vec()
        } else {
            vec![self.id.plus(offset - 1)]
        };
        parents.sort_unstable();
        parents.dedup();
        let kind = match self.kind {
            InternalKind::Insert {
                origin_left,
                origin_right,
                text,
            } => CharKind::Insert {
                origin_left: if offset == 0 {
                    origin_left
                } else {
                    Some(self.id.plus(offset - 1))
                },
                origin_right,
                ch: text
                    .chars()
                    .nth(offset as usize)
                    .expect("insert text shorter than its op"),
            },
            InternalKind::Delete { target, backward } => CharKind::Delete {
                target: delete_target(target, backward, offset),
            },
        };
        CharOp { parents, kind }
    }
}

/// Byte offset of char `pos_chars` in `text` (or `text.len()` at the end).
pub(crate) fn byte_of_char(text: &str, pos_chars: usize) -> usize {
    text.char_indices()
        .nth(pos_chars)
        .map_or(text.len(), |(byte, _)| byte)
}

/// The op log over the entry store `E` (see [`crate::log_entries`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct OpLog<E: EntryStore = WideEntries> {
    entries: E,
    /// Text of all insert entries, in log order; one allocation instead of one per entry.
    inserted_text: String,
    /// For each agent, its entries' indices in seq order (run-length encoded: an agent's
    /// entries are mostly consecutive in the log): finds an id's op in O(log n).
    entries_by_agent: Vec<EntryRuns>,
    /// For each agent, how many of its char ops the log holds: the version vector.
    seq_count_by_agent: Vec<u32>,
    /// The ops that no other op in the log depends on: the parents of the next local op.
    frontier: Vec<Id>,
}

impl<E: EntryStore> OpLog<E> {
    /// Makes room for agents up to `agent`; agents are interned before their first op.
    /// Makes room for `text_bytes` more inserted text, so that integrating a large batch
    /// grows the log's text once instead of doubling (and copying) it step by step.
    pub(crate) fn reserve_text(&mut self, text_bytes: usize) {
        self.inserted_text.reserve(text_bytes);
    }

    pub(crate) fn ensure_agent(&mut self, agent: AgentId) {
        let count = agent.index() + 1;
        if self.seq_count_by_agent.len() < count {
            self.seq_count_by_agent.resize(count, 0);
            self.entries_by_agent.resize(count, EntryRuns::default());
        }
    }

    pub(crate) fn agent_count(&self) -> usize {
        self.seq_count_by_agent.len()
    }

    /// How many char ops of `agent` the log holds, which is also the next seq of `agent`.
    pub(crate) fn seq_count(&self, agent: AgentId) -> u32 {
        self.seq_count_by_agent
            .get(agent.index())
            .copied()
            .unwrap_or(0)
    }

    pub(crate) fn contains(&self, id: Id) -> bool {
        id.seq < self.seq_count(id.agent)
    }

    pub(crate) fn frontier(&self) -> &[Id] {
        &self.frontier
    }

    pub(crate) fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// Appends `op`, extending the last entry when `op` continues it (with `BACKWARD_RUNS`,
    /// also when a one-char delete continues a backspace run).
    ///
    /// A backward delete run goes in as one entry with `BACKWARD_RUNS`; without, as one entry
    /// per char op (what such a log makes of backspaces typed here).
    ///
    /// `pos`: where the op was at its parents' version, if the caller knows (it applied the
    /// op there); a log with positions keeps it (an op's own `pos` is a peer's unchecked hint).
    ///
    /// `may_extend: false` skips the attempt to extend the last entry (see
    /// [`OpLog::push_local`]): a caller pushing a batch passes [`may_continue`] of the op
    /// pushed before.
    pub(crate) fn push<const BACKWARD_RUNS: bool>(&mut self, op: &InternalOp<'_>, pos: Option<u32>, may_extend: bool) {
        if let InternalKind::Delete { target, backward: true } = op.kind {
            if !BACKWARD_RUNS && op.len > 1 {
                for offset in 0..op.len {
                    let char_op = op.suffix(offset);
                    let kind = InternalKind::Delete {
                        target: delete_target(target, true, offset),
                        backward: false,
                    };
                    // Char op `offset` deletes the range's char `len - 1 - offset`.
                    let char_pos = pos.map(|pos| pos + (op.len - 1 - offset));
                    self.push_entry::<false>(char_op.id, 1, char_op.parents, kind, true, char_pos);
                }
                return;
            }
        }
        self.push_entry::<BACKWARD_RUNS>(op.id, op.len, op.parents.clone(), op.kind, may_extend, pos);
    }

    /// [`OpLog::push`] of the op `id`, `len`, `parents`, `kind`; a backward delete (only with
    /// `BACKWARD_RUNS`, or of one char) deletes `target`, `target - 1`, .... `may_extend: false`
    /// when the caller already found that the op does not continue the last entry.
    fn push_entry<const BACKWARD_RUNS: bool>(
        &mut self,
        id: Id,
        len: u32,
        parents: Parents,
        kind: InternalKind<'_>,
        may_extend: bool,
        pos: Option<u32>,
    ) {
        debug_assert!(BACKWARD_RUNS || !kind.is_backward() || len == 1);
        assert_eq!(
            id.seq,
            self.seq_count(id.agent),
            "op pushed out of its agent's order"
        );
        debug_assert!(len > 0);
        let new_seq_count = id.seq.checked_add(len).expect("seq overflow");
        // The new op depends on its parents and on its agent's earlier ops, so none of those is
        // on the frontier any more.
        if matches!((&*parents, self.frontier.as_slice()), ([parent], [only]) if parent == only) {
            // A history without concurrency (the common case): the frontier is one op, the
            // new op's parent.
            self.frontier[0] = id.plus(len - 1);
        } else {
            self.frontier
                .retain(|frontier_id| frontier_id.agent != id.agent && !parents.contains(frontier_id));
            self.frontier.push(id.plus(len - 1));
        }
        self.seq_count_by_agent[id.agent.index()] = new_seq_count;
        if !(may_extend && self.try_extend_last_with::<BACKWARD_RUNS>(id, len, &parents, kind, pos)) {
            self.append_entry(id, len, parents, kind);
            if E::POSITIONS {
                self.entries.set_last_pos(pos);
            }
        }
    }

    /// Adds a new entry for the op `id`, `len`, `parents`, `kind` (the frontier and version
    /// vector are the caller's).
    #[inline]
    fn append_entry(&mut self, id: Id, len: u32, parents: Parents, kind: InternalKind<'_>) {
        self.append_entry_with(id, len, kind, |entries, core| entries.push(core, parents));
    }

    /// [`OpLog::append_entry`] of an op whose one parent is the last op logged. (Inlining
    /// pinned, as the entry store's `push_after`: the local hot path; s49's notes.)
    #[inline(always)]
    fn append_entry_after(&mut self, id: Id, len: u32, parent: Id, kind: InternalKind<'_>) {
        self.append_entry_with(id, len, kind, |entries, core| entries.push_after(core, parent));
    }

    /// Logs the op's text and indexes the entry; `push` stores it with its parents. (Always
    /// inlined: as a call of its own, the entry store's `push` inside it stopped being inlined,
    /// and the wide entry was built and copied twice: +2.6% instructions on a local replay.)
    #[inline(always)]
    fn append_entry_with(&mut self, id: Id, len: u32, kind: InternalKind<'_>, push: impl FnOnce(&mut E, EntryCore)) {
        let kind = match kind {
            InternalKind::Insert {
                origin_left,
                origin_right,
                text,
            } => {
                let text_start = self.inserted_text.len();
                self.inserted_text.push_str(text);
                EntryKind::Insert {
                    origin_left,
                    origin_right,
                    text_start,
                    text_end: self.inserted_text.len(),
                }
            }
            InternalKind::Delete { target, backward } => EntryKind::Delete {
                target,
                backward: backward && len > 1,
            },
        };
        let entry_index = u32::try_from(self.entries.len()).expect("more than u32::MAX log entries");
        self.entries_by_agent[id.agent.index()].push(entry_index);
        push(&mut self.entries, EntryCore { id, len, kind });
    }

    /// Extends the last entry with `op` if `op` is exactly what the entry's next char op
    /// would have been (same agent, next seq, parent = the entry's last char op, continuing
    /// the insert or the delete run; with `BACKWARD_RUNS`, a delete run may go backward:
    /// each char op deleting the item before the last one's target).
    #[inline]
    fn try_extend_last_with<const BACKWARD_RUNS: bool>(
        &mut self,
        id: Id,
        len: u32,
        parents: &[Id],
        kind: InternalKind<'_>,
        pos: Option<u32>,
    ) -> bool {
        let Some(mut last) = self.entries.last_core() else {
            return false;
        };
        let last_id = last.last_id();
        if last.id.agent != id.agent || id.seq != last_id.seq + 1 || parents.len() != 1 || parents[0] != last_id {
            return false;
        }
        if len > E::MAX_RUN - last.len {
            // The entry store's runs stop here.
            return false;
        }
        // The extended entry's position, if the op's fits the entry's (see `WithPositions`).
        let last_pos = if E::POSITIONS { self.entries.pos(self.entries.len() - 1) } else { None };
        let extended_pos;
        match (&mut last.kind, kind) {
            (
                EntryKind::Insert {
                    origin_right,
                    text_end,
                    ..
                },
                InternalKind::Insert {
                    origin_left: new_left,
                    origin_right: new_right,
                    text,
                },
            ) if new_left == Some(last_id) && new_right == *origin_right => {
                debug_assert_eq!(*text_end, self.inserted_text.len());
                self.inserted_text.push_str(text);
                *text_end = self.inserted_text.len();
                // Typing on: the new chars go right after the entry's.
                extended_pos = last_pos.filter(|&last_pos| pos.is_some_and(|pos| last_pos.checked_add(last.len) == Some(pos)));
            }
            (
                EntryKind::Delete {
                    target,
                    backward: last_backward,
                },
                InternalKind::Delete {
                    target: new_target,
                    backward,
                },
            ) => {
                let forward_ok = !*last_backward && !backward && new_target == target.plus(last.len);
                // Backward: the new run starts at the item just before the last one deleted.
                let backward_ok = BACKWARD_RUNS
                    && (backward || len == 1)
                    && (*last_backward || last.len == 1)
                    && new_target.agent == target.agent
                    && new_target.seq.checked_add(last.len) == Some(target.seq);
                if forward_ok {
                    // Delete key held: the range grows at its end, its start stays.
                    extended_pos = last_pos.filter(|&last_pos| pos == Some(last_pos));
                } else if backward_ok {
                    *last_backward = true;
                    // Backspace held: the new chars end where the range began.
                    extended_pos = pos.filter(|&pos| pos.checked_add(len) == last_pos);
                } else {
                    return false;
                }
            }
            _ => return false,
        }
        last.len += len;
        self.entries.set_last_core(last);
        if E::POSITIONS {
            self.entries.set_last_pos(extended_pos);
        }
        true
    }

    /// Pushes a local op: one made at this log's frontier (its parents). Same effect as
    /// [`OpLog::push`] with `parents: frontier().to_vec()`, without allocating the parents
    /// when the op continues the last entry (typing, holding delete): the common case.
    ///
    /// With `BACKWARD_RUNS`, a delete with `backward` deletes `target`, `target - 1`, ...,
    /// and a backspace run extends the last entry as typing does.
    ///
    /// `may_extend: false` skips the attempt to extend the last entry: a caller that knows the
    /// op cannot continue it (an edit buffer flushing a run that began because the edit did
    /// not continue the run before) saves the look at the last entry. Skipping is always
    /// correct; at worst a run the log could have coalesced takes two entries.
    ///
    /// `pos`: where the op is (for a delete run, where its range starts), in visible chars.
    pub(crate) fn push_local<const BACKWARD_RUNS: bool>(
        &mut self,
        id: Id,
        len: u32,
        kind: InternalKind<'_>,
        may_extend: bool,
        pos: Option<u32>,
    ) {
        debug_assert_eq!(id.seq, self.seq_count(id.agent));
        if let [parent] = *self.frontier.as_slice() {
            // The common case (one agent typing): one parent, and after the op the frontier is
            // exactly its last char op, whether it extends the last entry or starts one.
            if !(may_extend && self.try_extend_last_with::<BACKWARD_RUNS>(id, len, &[parent], kind, pos)) {
                // A frontier of one op is the last op logged: every other op is before it.
                self.append_entry_after(id, len, parent, kind);
                if E::POSITIONS {
                    self.entries.set_last_pos(pos);
                }
            }
            self.seq_count_by_agent[id.agent.index()] = id.seq.checked_add(len).expect("seq overflow");
            self.frontier[0] = id.plus(len - 1);
            return;
        }
        let frontier = std::mem::take(&mut self.frontier);
        let extended = may_extend && self.try_extend_last_with::<BACKWARD_RUNS>(id, len, &frontier, kind, pos);
        self.frontier = frontier;
        if extended {
            self.seq_count_by_agent[id.agent.index()] = id.seq + len;
            // The frontier was exactly [the last entry's last op]; now it is this op's last.
            self.frontier[0] = id.plus(len - 1);
        } else {
            let parents = Parents::from_slice(&self.frontier);
            // Not extending again: that was just tried with the same parents.
            self.push_entry::<BACKWARD_RUNS>(id, len, parents, kind, false, pos);
        }
    }

    /// Entry index and offset of the char op `id`.
    fn find(&self, id: Id) -> Option<(usize, u32)> {
        if !self.contains(id) {
            return None;
        }
        let by_seq = &self.entries_by_agent[id.agent.index()];
        let entry_index = by_seq
            .last_where(|entry_index| self.entries.seq_and_len(entry_index as usize).0 <= id.seq)
            .expect("an agent's first entry starts at seq 0") as usize;
        let (seq, len) = self.entries.seq_and_len(entry_index);
        debug_assert!(id.seq < seq + len);
        Some((entry_index, id.seq - seq))
    }

    /// Entry `index`'s ops: the whole entry as one op, or (unless `backward_ops`) a backward
    /// delete run as one op per char, as a log without backward runs holds it.
    fn entry_ops(&self, index: usize, backward_ops: bool) -> impl Iterator<Item = InternalOp<'_>> + '_ {
        let entry = self.entries.core(index);
        let (count, backward) = match entry.kind {
            EntryKind::Delete { backward: true, .. } if !backward_ops => (entry.len, true),
            _ => (1, false),
        };
        (0..count).map(move |offset| {
            if backward {
                self.backward_char_op(index, offset)
            } else {
                self.entry_op(index)
            }
        })
    }

    /// Char op `offset` of backward delete entry `index`, as a one-char op.
    fn backward_char_op(&self, index: usize, offset: u32) -> InternalOp<'_> {
        let entry = self.entries.core(index);
        let EntryKind::Delete { target, backward: true } = entry.kind else {
            unreachable!("not a backward delete entry");
        };
        InternalOp {
            id: entry.id.plus(offset),
            len: 1,
            parents: if offset == 0 {
                Parents::from_slice(&self.entries.parents(index))
            } else {
                Parents::One(entry.id.plus(offset - 1))
            },
            kind: InternalKind::Delete {
                target: delete_target(target, true, offset),
                backward: false,
            },
            // Char op `offset` deletes the range's char `len - 1 - offset`.
            pos: self.entries.pos(index).map(|pos| pos + (entry.len - 1 - offset)),
        }
    }

    /// Entry `index` as one op (a backward delete run too).
    fn entry_op(&self, index: usize) -> InternalOp<'_> {
        let entry = self.entries.core(index);
        let kind = match entry.kind {
            EntryKind::Insert {
                origin_left,
                origin_right,
                text_start,
                text_end,
            } => InternalKind::Insert {
                origin_left,
                origin_right,
                text: &self.inserted_text[text_start..text_end],
            },
            EntryKind::Delete { target, backward } => InternalKind::Delete { target, backward },
        };
        InternalOp {
            id: entry.id,
            len: entry.len,
            parents: Parents::from_slice(&self.entries.parents(index)),
            kind,
            pos: self.entries.pos(index),
        }
    }

    /// The ops in log order (a causal order).
    /// A backward delete run is one op.
    pub(crate) fn ops(&self) -> impl Iterator<Item = InternalOp<'_>> + '_ {
        (0..self.entries.len()).flat_map(|index| self.entry_ops(index, true))
    }

    /// The ops of the entries that hold a char op not in the version `known_by_agent` (char
    /// ops per agent, by agent index), in log order; each whole (the caller trims an entry's
    /// known prefix). The entries come from each agent's seq-ordered index, so a peer that is
    /// a few ops behind costs a few binary searches and those entries, not a walk over the
    /// whole log (which made a fork-per-txn replay quadratic in the log's length).
    /// `backward_ops`: a backward delete run as one op (else one op per char).
    pub(crate) fn ops_not_in(&self, known_by_agent: &[u32], backward_ops: bool) -> impl Iterator<Item = InternalOp<'_>> + '_ {
        debug_assert_eq!(known_by_agent.len(), self.entries_by_agent.len());
        let mut first_new_by_agent = Vec::with_capacity(self.entries_by_agent.len());
        let mut new_entry_count = 0usize;
        for (by_seq, &known) in self.entries_by_agent.iter().zip(known_by_agent) {
            // The first entry that ends after `known`: it and every later one hold new ops.
            let first_new =
                by_seq.partition_point(|entry_index| {
                    let (seq, len) = self.entries.seq_and_len(entry_index as usize);
                    seq + len - 1 < known
                });
            new_entry_count += by_seq.len() - first_new;
            first_new_by_agent.push(first_new);
        }
        // Most of the log is new (an export from scratch): walking it all is cheaper than
        // sorting its indices.
        let new_indices: Option<Vec<u32>> = (new_entry_count * 4 < self.entries.len()).then(|| {
            let mut indices = Vec::with_capacity(new_entry_count);
            for (by_seq, &first_new) in self.entries_by_agent.iter().zip(&first_new_by_agent) {
                indices.extend(by_seq.iter_from(first_new));
            }
            // Each agent's indices are ascending; log order interleaves them.
            indices.sort_unstable();
            indices
        });
        let (all, some) = match new_indices {
            Some(indices) => (None, Some(indices.into_iter().map(|index| index as usize))),
            None => (Some(0..self.entries.len()), None),
        };
        all.into_iter()
            .flatten()
            .chain(some.into_iter().flatten())
            .flat_map(move |index| self.entry_ops(index, backward_ops))
    }

    /// The char op with id `id`, if the log has it.
    pub(crate) fn char_op(&self, id: Id) -> Option<CharOp> {
        let (entry_index, offset) = self.find(id)?;
        // A backward run's op knows its direction (`InternalOp::char_op`).
        Some(self.entry_op(entry_index).char_op(offset))
    }

    /// If `id` is an insert char op: how many insert char ops its entry holds from `id` on
    /// (`id`, `id + 1`, ...; at least 1). `None` if `id` is a delete or unknown. Lets a delete
    /// range be checked one entry at a time instead of one char at a time.
    pub(crate) fn insert_run_from(&self, id: Id) -> Option<u32> {
        let (entry_index, offset) = self.find(id)?;
        let entry = self.entries.core(entry_index);
        matches!(entry.kind, EntryKind::Insert { .. }).then_some(entry.len - offset)
    }

    /// If `id` is an insert char op: its left and right origins, and how many insert char ops
    /// its entry holds from `id` on (at least 1; they all share the right origin, and each
    /// after the first has the one before as left origin). How a document whose store keeps
    /// no origins (*origins in the log*) reads an item's.
    pub(crate) fn insert_origins(&self, id: Id) -> Option<(Option<Id>, Option<Id>, u32)> {
        let (entry_index, offset) = self.find(id)?;
        let entry = self.entries.core(entry_index);
        match entry.kind {
            EntryKind::Insert {
                origin_left,
                origin_right,
                ..
            } => {
                let left = if offset == 0 { origin_left } else { Some(entry.id.plus(offset - 1)) };
                Some((left, origin_right, entry.len - offset))
            }
            EntryKind::Delete { .. } => None,
        }
    }

    /// Appends the chars that insert char ops `id`, `id + 1`, ..., `id + len - 1` inserted to
    /// `out`: how a document whose store keeps no text reads it (text in the log). The run may
    /// cross entries. Panics if one of them is not an insert of the log (the store and the
    /// log disagree).
    pub(crate) fn push_inserted_text(&self, id: Id, len: u32, out: &mut String) {
        let (mut id, mut remaining) = (id, len);
        while remaining > 0 {
            let (entry_index, offset) = self.find(id).expect("a stored item that is not in the op log");
            let entry = self.entries.core(entry_index);
            let EntryKind::Insert { text_start, text_end, .. } = entry.kind else {
                panic!("a stored item whose op is a delete");
            };
            let take = (entry.len - offset).min(remaining);
            let text = &self.inserted_text[text_start..text_end];
            if text.len() == entry.len as usize {
                // One byte a char: offsets are byte offsets.
                out.push_str(&text[offset as usize..(offset + take) as usize]);
            } else {
                let from = byte_of_char(text, offset as usize);
                let to = from + byte_of_char(&text[from..], take as usize);
                out.push_str(&text[from..to]);
            }
            id = id.plus(take);
            remaining -= take;
        }
    }

    /// `Some(true)` if `id` is an insert char op, `Some(false)` if a delete, `None` if unknown.
    pub(crate) fn is_insert(&self, id: Id) -> Option<bool> {
        let (entry_index, _) = self.find(id)?;
        Some(matches!(
            self.entries.core(entry_index).kind,
            EntryKind::Insert { .. }
        ))
    }

    pub(crate) fn assert_invariants(&self) {
        let agent_count = self.seq_count_by_agent.len();
        assert_eq!(self.entries_by_agent.len(), agent_count);
        // Each agent's entries tile its seqs 0..seq_count without gaps or overlaps.
        for (agent_index, by_seq) in self.entries_by_agent.iter().enumerate() {
            let mut next_seq = 0;
            by_seq.assert_invariants();
            for entry_index in by_seq.iter() {
                let entry = self.entries.core(entry_index as usize);
                assert_eq!(entry.id.agent.index(), agent_index);
                assert_eq!(
                    entry.id.seq, next_seq,
                    "agent {agent_index}'s entries are not contiguous"
                );
                next_seq = entry.id.seq + entry.len;
            }
            assert_eq!(next_seq, self.seq_count_by_agent[agent_index]);
        }
        let indexed: usize = self.entries_by_agent.iter().map(EntryRuns::len).sum();
        assert_eq!(indexed, self.entries.len());
        // Insert texts tile `inserted_text` in log order.
        let mut expected_text_start = 0;
        for entry_index in 0..self.entries.len() {
            let entry = self.entries.core(entry_index);
            assert!(entry.len > 0);
            assert!(entry.id.agent.index() < agent_count);
            if let EntryKind::Insert {
                text_start,
                text_end,
                ..
            } = entry.kind
            {
                assert_eq!(text_start, expected_text_start);
                expected_text_start = text_end;
                let text = &self.inserted_text[text_start..text_end];
                assert_eq!(text.chars().count(), entry.len as usize);
            }
            self.assert_entry_depends_on_earlier(entry_index);
        }
        assert_eq!(expected_text_start, self.inserted_text.len());
        self.entries.assert_invariants();
        self.assert_frontier();
    }

    /// Parents, origins and delete targets name char ops logged before the entry, and origins
    /// and targets are inserts: the log is in a causal order.
    fn assert_entry_depends_on_earlier(&self, entry_index: usize) {
        let entry = self.entries.core(entry_index);
        let earlier = |id: Id| matches!(self.find(id), Some((found, _)) if found < entry_index);
        let earlier_insert = |id: Id| earlier(id) && self.is_insert(id) == Some(true);
        for &parent in self.entries.parents(entry_index).iter() {
            assert!(
                earlier(parent),
                "entry {entry_index} has parent {parent:?} not logged before it"
            );
        }
        match entry.kind {
            EntryKind::Insert {
                origin_left,
                origin_right,
                ..
            } => {
                for origin in [origin_left, origin_right].into_iter().flatten() {
                    assert!(
                        earlier_insert(origin),
                        "entry {entry_index}: bad origin {origin:?}"
                    );
                }
            }
            EntryKind::Delete { target, backward } => {
                if backward {
                    assert!(entry.len >= 2, "entry {entry_index}: a backward run of one char");
                    assert!(target.seq + 1 >= entry.len, "entry {entry_index}: backward run below seq 0");
                }
                for offset in 0..entry.len {
                    let id = if backward {
                        Id {
                            agent: target.agent,
                            seq: target.seq - offset,
                        }
                    } else {
                        target.plus(offset)
                    };
                    assert!(
                        earlier_insert(id),
                        "entry {entry_index}: bad delete target {id:?}"
                    );
                }
            }
        }
    }

    /// The frontier is exactly the agents' last char ops that no entry names as a parent.
    fn assert_frontier(&self) {
        let mut expected: Vec<Id> = (0..self.seq_count_by_agent.len())
            .filter(|&agent_index| self.seq_count_by_agent[agent_index] > 0)
            .map(|agent_index| Id {
                agent: AgentId(agent_index as u32),
                seq: self.seq_count_by_agent[agent_index] - 1,
            })
            .filter(|last| {
                (0..self.entries.len()).all(|index| !self.entries.parents(index).contains(last))
            })
            .collect();
        let mut actual = self.frontier.clone();
        expected.sort_unstable();
        actual.sort_unstable();
        assert_eq!(actual, expected, "frontier is stale");
    }
}

#[cfg(test)]
mod tests {
    use rand::Rng;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    use super::*;
    use crate::log_entries::LeanEntries;

    /// A random op of `agent` at its next seq: mostly one that could continue the op before
    /// (its parent, its origins, its next target), sometimes one that breaks any of those.
    fn random_op<'a>(rng: &mut SmallRng, log: &OpLog<LeanEntries>, before: Option<&InternalOp<'_>>, text: &'a str) -> InternalOp<'a> {
        let agent = AgentId(rng.gen_range(0..2));
        let id = Id { agent, seq: log.seq_count(agent) };
        let len = rng.gen_range(1..4u32);
        let some_id = |rng: &mut SmallRng| Id { agent: AgentId(rng.gen_range(0..2)), seq: rng.gen_range(0..4) };
        let last = before.map(|before| before.id.plus(before.len - 1));
        let parents = match last {
            Some(last) if rng.gen_bool(0.7) => Parents::One(last),
            _ => Parents::One(some_id(rng)),
        };
        let kind = if rng.gen_bool(0.5) {
            let origin_right = match before.map(|before| before.kind) {
                Some(InternalKind::Insert { origin_right, .. }) if rng.gen_bool(0.7) => origin_right,
                _ => rng.gen_bool(0.5).then(|| some_id(rng)),
            };
            InternalKind::Insert {
                origin_left: if rng.gen_bool(0.7) { last } else { Some(some_id(rng)) },
                origin_right,
                text: &text[..len as usize],
            }
        } else {
            let target = match before.map(|before| (before.kind, before.len)) {
                Some((InternalKind::Delete { target, backward: false }, before_len)) if rng.gen_bool(0.5) => target.plus(before_len),
                Some((InternalKind::Delete { target, .. }, _)) if rng.gen_bool(0.5) && target.seq >= len + 2 => Id { agent: target.agent, seq: target.seq - 1 },
                _ => Id { agent: AgentId(rng.gen_range(0..2)), seq: rng.gen_range(3..12) },
            };
            InternalKind::Delete { target, backward: len > 1 && rng.gen_bool(0.3) }
        };
        InternalOp { id, len, parents, kind, pos: None }
    }

    /// Skipping the extension check where [`may_continue`] says no changes no entry: a log
    /// that always tries ends with exactly the same entries.
    #[test]
    fn may_continue_never_misses_an_extension() {
        let text = "abcd";
        for seed in 0..500 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut always = OpLog::<LeanEntries>::default();
            let mut skipping = OpLog::<LeanEntries>::default();
            for log in [&mut always, &mut skipping] {
                log.ensure_agent(AgentId(1));
            }
            let mut before: Option<InternalOp<'_>> = None;
            let mut skipped = 0;
            for _ in 0..rng.gen_range(1..60) {
                let op = random_op(&mut rng, &always, before.as_ref(), text);
                always.push::<true>(&op, None, true);
                let may_extend = before.as_ref().is_none_or(|before| may_continue(before, &op));
                skipped += usize::from(!may_extend);
                skipping.push::<true>(&op, None, may_extend);
                before = Some(op);
            }
            let (always_ops, skipping_ops): (Vec<_>, Vec<_>) = (always.ops().collect(), skipping.ops().collect());
            assert_eq!(always_ops, skipping_ops, "seed {seed} ({skipped} checks skipped)");
            assert!(always.entry_count() < 60, "seed {seed}: some ops extended entries");
        }
    }
}
