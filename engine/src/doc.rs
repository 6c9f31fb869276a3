//! The CRDT algorithm, written once for every step: local edits, YjsMod integration, export,
//! integration of a peer's ops, merge. A step chooses the [`SeqStore`] underneath.
//!
//! # Semantics (diamond-types 1.0's YjsMod; the Fugue paper relates it to FugueMax)
//!
//! Every inserted char is an item with an id `(agent, seq)`, a left origin (the visible char
//! before it when it was typed, or the document start) and a right origin (the item right after
//! the left origin at that moment, *tombstone or not*, or the document end). Items are never
//! removed; a delete makes them tombstones.
//!
//! A local insert goes right after its left origin, so it lands where it was typed. A remote
//! insert goes between its origins, but other items may sit there: inserts concurrent with it.
//! `Doc::yjsmod_index` orders it among them exactly as diamond-types' `integrate`
//! (`src/list/merge/merge.rs`) does, ties between inserts with the same origins broken by agent
//! *name*, then seq; so the same history gives the same text here and in diamond-types.

use std::collections::HashMap;
use std::collections::HashSet;
use std::ops::Range;

use crate::id::AgentId;
use crate::id::AgentTable;
use crate::id::Id;
use crate::log_entries::EntryStore;
use crate::log_entries::Parents;
use crate::log_entries::WideEntries;
use crate::oplog::CharOp;
use crate::oplog::InternalKind;
use crate::oplog::InternalOp;
use crate::oplog::OpLog;
use crate::oplog::delete_target;
use crate::oplog::lowest_delete_target;
use crate::oplog::may_continue;
use crate::encoding::DecodeError;
use crate::encoding::Decoder;
use crate::ops::BatchOp;
use crate::ops::BatchOpKind;
use crate::ops::ImportError;
use crate::ops::IntegrateError;
use crate::ops::Op;
use crate::ops::OpBatch;
use crate::ops::OpId;
use crate::ops::OpKind;
use crate::ops::Version;
use crate::store::ItemRun;
use crate::store::SeqStore;
use crate::store::StoredItem;
use crate::TextCrdt;

/// A replica of a text document, editing as one agent, over the sequence store `S`.
///
/// With `LOG_RUNS`, the op log keeps a backspace run (each delete just before the last) as
/// one entry, as it keeps a typing run; without it, one entry per backspace. Either way the
/// log holds the same ops.
///
/// With `BACKWARD_OPS` (s39's `backward-ops`, which needs `LOG_RUNS` to have backward runs
/// in its log), [`TextCrdt::ops_since`] sends a backspace run as one op (`OpKind::Delete`'s
/// `backward`); without, as one op per char. Either way the batch holds the same char ops, and
/// every document integrates both.
///
/// With `KIND_BITS` (s44's `planned-kind-bits`), checking a batch tells a planned insert
/// from a planned delete by one bit per char op instead of searching the planned ops.
///
/// With `ID_APPLY` (s45's `id-addressed-apply`), a remote delete and a remote insert with
/// nothing between its origins go to the store by id ([`SeqStore::mark_deleted_id_run`],
/// [`SeqStore::insert_between_adjacent`]) instead of by an item index computed first.
#[derive(Clone, Debug)]
pub struct Doc<
    S: SeqStore,
    const LOG_RUNS: bool = false,
    E: EntryStore = WideEntries,
    const FAST_AGENT_HASH: bool = false,
    const BACKWARD_OPS: bool = false,
    const KIND_BITS: bool = false,
    const ID_APPLY: bool = false,
> {
    agents: AgentTable<FAST_AGENT_HASH>,
    /// Who local edits are attributed to.
    agent: AgentId,
    store: S,
    log: OpLog<E>,
    /// The run the last remote insert stored and the item index it got: `(first id, len,
    /// index)`. Item indices move only when items are inserted (a delete leaves a tombstone),
    /// so this stays true until the next insert, which replaces it. A peer's typing names the
    /// previous char as left origin, so most remote inserts find their place here without
    /// asking the store.
    last_insert: Option<(Id, u32, usize)>,
    /// [`Doc::delete_backward`]'s list of deleted runs, kept between calls (empty outside
    /// one): a backspace run's flush no longer allocates and frees a `Vec`.
    scratch_runs: Vec<(Id, u32)>,
}

impl<S: SeqStore, const LOG_RUNS: bool, E: EntryStore, const FAST_AGENT_HASH: bool, const BACKWARD_OPS: bool, const KIND_BITS: bool, const ID_APPLY: bool>
    Doc<S, LOG_RUNS, E, FAST_AGENT_HASH, BACKWARD_OPS, KIND_BITS, ID_APPLY>
{
    /// Number of entries in the op log (coalesced runs of ops): a size measure for reports.
    pub fn op_log_entry_count(&self) -> usize {
        self.log.entry_count()
    }

    /// [`TextCrdt::delete`]; `may_extend` as in [`Doc::insert_counted`].
    #[track_caller]
    // Pinned, as `insert_counted`: left to LLVM, whether these two were inlined into the
    // buffer's flush changed from build to build and from step to step with what else the
    // binary held, and moved a step's instruction count by 3% (s49's notes).
    #[inline(always)]
    pub(crate) fn delete_forward(&mut self, pos_chars: usize, len_chars: usize, may_extend: bool) {
        let doc_len_chars = self.store.len_chars();
        if pos_chars
            .checked_add(len_chars)
            .is_none_or(|end| end > doc_len_chars)
        {
            panic_delete_out_of_range(pos_chars, len_chars, doc_len_chars);
        }
        // One op per run of consecutive ids, in document order (as one op per char would be
        // after the log coalesces them). Only the first can meet an entry from before.
        let log = &mut self.log;
        let agent = self.agent;
        let mut may_extend = may_extend;
        // Each run is at `pos_chars` when it goes: the runs before it moved the rest down.
        let pos = u32::try_from(pos_chars).ok();
        self.store
            .delete_local(pos_chars, len_chars, &mut |target, len| {
                let id = Id {
                    agent,
                    seq: log.seq_count(agent),
                };
                log.push_local::<LOG_RUNS>(id, len, InternalKind::Delete { target, backward: false }, may_extend, pos);
                may_extend = true;
            });
        debug_assert_eq!(self.store.len_chars(), doc_len_chars - len_chars);
    }

    /// Deletes like [`TextCrdt::delete`], but logs the chars from the last to the first, one
    /// op each: exactly what `len_chars` backspaces ending at `pos_chars + len_chars` log. A
    /// buffered backspace run ([`Buffered`](crate::buffered::Buffered)) flushes through it.
    /// `may_extend` as in [`Doc::insert_counted`].
    pub(crate) fn delete_backward(&mut self, pos_chars: usize, len_chars: usize, may_extend: bool) {
        let doc_len_chars = self.store.len_chars();
        if pos_chars
            .checked_add(len_chars)
            .is_none_or(|end| end > doc_len_chars)
        {
            panic_delete_out_of_range(pos_chars, len_chars, doc_len_chars);
        }
        let mut runs = std::mem::take(&mut self.scratch_runs);
        debug_assert!(runs.is_empty());
        self.store
            .delete_local(pos_chars, len_chars, &mut |target, len| runs.push((target, len)));
        // Only the first push can meet an entry from before this call.
        let mut may_extend = may_extend;
        // The runs go last first, so each is where the runs before it in the document end.
        let mut run_end_chars = pos_chars + len_chars;
        for &(target, len) in runs.iter().rev() {
            run_end_chars -= len as usize;
            let run_pos_chars = run_end_chars;
            if LOG_RUNS {
                // The run's chars, last first: one backward entry (or one more stretch of it).
                let id = self.next_local_id();
                let last = target.plus(len - 1);
                let kind = InternalKind::Delete {
                    target: last,
                    backward: len > 1,
                };
                self.log.push_local::<true>(id, len, kind, may_extend, u32::try_from(run_pos_chars).ok());
                may_extend = true;
                continue;
            }
            for offset in (0..len).rev() {
                let id = self.next_local_id();
                let target = target.plus(offset);
                let kind = InternalKind::Delete {
                    target,
                    backward: false,
                };
                let char_pos = u32::try_from(run_pos_chars + offset as usize).ok();
                self.log.push_local::<false>(id, 1, kind, may_extend, char_pos);
                may_extend = true;
            }
        }
        runs.clear();
        self.scratch_runs = runs;
    }

    /// [`TextCrdt::insert`] of `text`, whose length in chars the caller knows (`len_chars`):
    /// a buffered run counted its chars as they came. `may_extend: false` when the caller
    /// knows the insert cannot continue the op log's last entry ([`OpLog::push_local`]).
    #[track_caller]
    // Pinned: see `delete_forward`.
    #[inline(always)]
    pub(crate) fn insert_counted(&mut self, pos_chars: usize, text: &str, len_chars: usize, may_extend: bool) {
        debug_assert_eq!(count_chars(text), len_chars);
        let doc_len_chars = self.store.len_chars();
        if pos_chars > doc_len_chars {
            panic_insert_out_of_range(pos_chars, doc_len_chars);
        }
        if text.is_empty() {
            return;
        }
        let len_before = doc_len_chars;
        let len = u32::try_from(len_chars).expect("insert of more than u32::MAX chars");
        let id = self.next_local_id();
        // The store finds the place once and inserts there. Its origins are adjacent, so
        // YjsMod (`yjsmod_index`, which remote inserts go through) has nothing to order the
        // run against: it lands right after its left origin and right before its right one.
        // Debug builds check exactly that.
        // The store does not say where the run went: forget the last remote one (it may
        // have moved).
        self.last_insert = None;
        let (origin_left, origin_right) = self.store.insert_local(pos_chars, id, text, len);
        #[cfg(debug_assertions)]
        {
            let start = self.index_after(origin_left);
            assert_eq!(self.index_of_id(id), start, "a local insert must land where it was typed");
            assert_eq!(self.index_of_right(origin_right), start + len as usize);
        }
        let kind = InternalKind::Insert {
            origin_left,
            origin_right,
            text,
        };
        self.log.push_local::<LOG_RUNS>(id, len, kind, may_extend, u32::try_from(pos_chars).ok());
        debug_assert_eq!(self.store.len_chars(), len_before + len as usize);
    }

    fn next_local_id(&self) -> Id {
        Id {
            agent: self.agent,
            seq: self.log.seq_count(self.agent),
        }
    }

    fn index_of_id(&self, id: Id) -> usize {
        if let Some((first, len, index)) = self.last_insert {
            if id.agent == first.agent && first.seq <= id.seq && id.seq - first.seq < len {
                let index = index + (id.seq - first.seq) as usize;
                debug_assert_eq!(self.store.index_of_id(id), Some(index), "stale last insert");
                return index;
            }
        }
        match self.store.index_of_id(id) {
            Some(index) => index,
            None => unreachable!("item {id:?} is in the op log but not in the store"),
        }
    }

    /// Index of the first item after `origin` (the document start for `None`).
    fn index_after(&self, origin: Option<Id>) -> usize {
        origin.map_or(0, |id| self.index_of_id(id) + 1)
    }

    /// Index of `origin` (the document end for `None`).
    fn index_of_right(&self, origin: Option<Id>) -> usize {
        origin.map_or(self.store.len_items(), |id| self.index_of_id(id))
    }

    /// The run of items at `index`, with its origins: the store's, or for a store that keeps
    /// none (*origins in the log*) the op log's, the run cut where its insert entry ends (a
    /// stored run is then only a run of consecutive ids, and may cross from one insert op to
    /// the next, whose origins differ).
    #[inline]
    fn stored_run_at(&self, index: usize) -> ItemRun {
        let run = self.store.run_at(index);
        if S::KEEPS_ORIGINS {
            return run;
        }
        let Some((origin_left, origin_right, entry_left)) = self.log.insert_origins(run.id) else {
            unreachable!("item {:?} is in the store but not an insert of the op log", run.id)
        };
        ItemRun {
            id: run.id,
            len: run.len.min(entry_left),
            origin_left,
            origin_right,
        }
    }

    /// Whether `new` goes before `other` when both have the same origins: by agent name, then
    /// seq (a replica can meet itself when two branches edit as one agent).
    fn goes_before(&self, new: Id, other: Id) -> bool {
        let new_key = (self.agents.name(new.agent), new.seq);
        let other_key = (self.agents.name(other.agent), other.seq);
        new_key < other_key
    }

    /// Where the run `new` goes, scanning from `start` (the index right after its left origin).
    ///
    /// Every item between `new`'s origins is concurrent with it: the origins were adjacent
    /// when `new` was made. For each such item `other`, compare where `other` was inserted:
    /// - its left origin is before ours: `other` and what follows belong to an enclosing
    ///   insert; stop here.
    /// - its left origin is after ours: `other` is inside a sibling's subtree; skip it.
    /// - same left origin, same right origin: siblings; the smaller (name, seq) goes first.
    /// - same left origin, different right origin: if `other`'s right origin comes before
    ///   ours, we may still go before it; remember the first such spot (`scan_start`) and go
    ///   there unless a later sibling says to continue.
    ///
    /// This is diamond-types' `integrate` over item indices instead of tree cursors. A run
    /// (`other.len > 1`) is skipped whole after its first item: later items have the item
    /// before them as left origin, which is after `start`, so each would be skipped anyway.
    ///
    /// `None` if the place would not be between the origins: origins that contradict each
    /// other (the right one before the left one, or the scan carried past it), which no replica
    /// makes (they were adjacent, left before right) but a hostile batch can name, and which
    /// would leave an item after its own right origin. The usual case (nothing between the
    /// origins) needs no lookup to rule that out.
    fn yjsmod_index(&self, new: &ItemRun, start: usize) -> Option<usize> {
        let len_items = self.store.len_items();
        match new.origin_right {
            None if start == len_items => return Some(start),
            Some(right) if start < len_items && self.store.run_at(start).id == right => return Some(start),
            _ => {}
        }
        let new_right = self.index_of_right(new.origin_right);
        if new_right < start {
            return None;
        }
        let mut index = start;
        let mut scan_start = start;
        let mut scanning = false;
        while index < len_items {
            let other = self.stored_run_at(index);
            if Some(other.id) == new.origin_right {
                break;
            }
            let other_left_index = self.index_after(other.origin_left);
            if other_left_index < start {
                break;
            }
            if other_left_index == start {
                if other.origin_right == new.origin_right {
                    if self.goes_before(new.id, other.id) {
                        break;
                    }
                    scanning = false;
                } else if self.index_of_right(other.origin_right) < new_right {
                    if !scanning {
                        scanning = true;
                        scan_start = index;
                    }
                } else {
                    scanning = false;
                }
            }
            // The right origin inside this run, past its first item: stop at it, as a scan item
            // by item (step 0's) would. Only a hostile batch gets here (a real right origin
            // inside a run is right after its left origin, the fast case above), but every
            // step must place, or refuse, its ops alike.
            if let Some(right) = new.origin_right {
                if right.agent == other.id.agent && right.seq > other.id.seq && right.seq - other.id.seq < other.len {
                    index += (right.seq - other.id.seq) as usize;
                    break;
                }
            }
            index += other.len as usize;
        }
        let index = if scanning { scan_start } else { index };
        (index <= new_right).then_some(index)
    }

    /// Places the insert run `run` (whose left origin is just before `start`) and stores it.
    /// `None`, changing nothing, if its origins contradict each other ([`Doc::yjsmod_index`]).
    fn integrate_insert(&mut self, run: ItemRun, text: &str, start: usize) -> Option<usize> {
        let index = self.yjsmod_index(&run, start)?;
        self.store.insert_run(index, run, text);
        self.last_insert = Some((run.id, run.len, index));
        Some(index)
    }

    /// Applies `op` at its position hint, as a local edit, if the hint holds: this replica is
    /// at exactly the op's parents (so it sees the document its author saw: nothing is
    /// concurrent with the op) and the store finds there what the op names (an insert's
    /// origins on either side of the place; a delete's targets as the visible chars there).
    /// `false`, changing nothing, otherwise: the caller applies the op by id.
    ///
    /// Only a log with positions ([`EntryStore::POSITIONS`], s47's `pos-hints`) uses hints:
    /// its export sends them, so what it sends a peer of the same step is what it applies.
    fn apply_at_hint(&mut self, op: &InternalOp<'_>) -> bool {
        let Some(pos) = op.pos else {
            return false;
        };
        let at_parents = match (&op.parents, self.log.frontier()) {
            (Parents::One(parent), [only]) => parent == only,
            (parents, frontier) => parents.len() == frontier.len() && parents.iter().all(|parent| frontier.contains(parent)),
        };
        if !at_parents {
            return false;
        }
        let pos_chars = pos as usize;
        let len_chars = self.store.len_chars();
        match op.kind {
            InternalKind::Insert {
                origin_left,
                origin_right,
                text,
            } => {
                if pos_chars > len_chars {
                    return false;
                }
                let run = ItemRun {
                    id: op.id,
                    len: op.len,
                    origin_left,
                    origin_right,
                };
                if !self.store.insert_local_if(pos_chars, run, text) {
                    return false;
                }
                // The store does not say where the run went (as for a local insert).
                self.last_insert = None;
                true
            }
            InternalKind::Delete { target, backward } => {
                if pos_chars.checked_add(op.len as usize).is_none_or(|end| end > len_chars) {
                    return false;
                }
                let lowest = lowest_delete_target(target, backward, op.len);
                self.store.delete_local_if(pos_chars, op.len as usize, lowest)
            }
        }
    }

    /// Applies an op that [`Doc::plan`] accepted to the store and the log. `Err`, changing
    /// nothing, for what only applying can see: an insert whose origins are out of order.
    ///
    /// `may_extend`: whether `op` might extend the log's last entry ([`OpLog::push`]).
    fn apply_op(&mut self, op: &InternalOp<'_>, may_extend: bool) -> Result<(), &'static str> {
        if E::POSITIONS && self.apply_at_hint(op) {
            self.log.push::<LOG_RUNS>(op, op.pos, may_extend);
            return Ok(());
        }
        match op.kind {
            InternalKind::Insert {
                origin_left,
                origin_right,
                text,
            } => {
                let run = ItemRun {
                    id: op.id,
                    len: op.len,
                    origin_left,
                    origin_right,
                };
                if ID_APPLY && self.store.insert_between_adjacent(run, text) {
                    // Placed by id, without an item index to remember.
                    self.last_insert = None;
                } else {
                    let start = self.index_after(origin_left);
                    if self.integrate_insert(run, text, start).is_none() {
                        return Err(ORIGINS_OUT_OF_ORDER);
                    }
                }
            }
            InternalKind::Delete { target, backward } => {
                // A run at a time: consecutive ids are usually consecutive items, so one id
                // lookup serves as many chars as the store finds in a row there. A backward
                // run deletes the same ids as a forward one from its lowest.
                let target = lowest_delete_target(target, backward, op.len);
                let mut offset = 0;
                while offset < op.len {
                    let id = target.plus(offset);
                    let max_len = (op.len - offset) as usize;
                    // A concurrent delete may have got there first: deleting twice is harmless.
                    let marked = if ID_APPLY {
                        match self.store.mark_deleted_id_run(id, max_len) {
                            Some(marked) => marked,
                            None => unreachable!("item {id:?} is in the op log but not in the store"),
                        }
                    } else {
                        let index = self.index_of_id(id);
                        self.store.mark_deleted_run(index, max_len)
                    };
                    debug_assert!(marked >= 1);
                    offset += marked as u32;
                }
            }
        }
        // Applied by id: where the op was is not known here (its hint, if any, unchecked).
        self.log.push::<LOG_RUNS>(op, None, may_extend);
        Ok(())
    }

    /// Applies what [`Doc::plan`] accepted. An op whose origins turn out to be out of order
    /// stops it there, with the ops before it applied (see [`TextCrdt::integrate`]).
    // Not inlined: see `plan`.
    #[inline(never)]
    fn apply_plan(&mut self, plan: Plan<'_>) -> Result<(), IntegrateError> {
        for name in &plan.new_agents {
            let agent = self.agents.intern(name);
            self.log.ensure_agent(agent);
        }
        for (agent, &seq_end) in plan.seq_end_by_agent.iter().enumerate() {
            let agent = AgentId(agent as u32);
            if seq_end > self.log.seq_count(agent) {
                self.store.reserve_ids(agent, seq_end);
            }
        }
        let text_bytes: usize = plan
            .ops
            .iter()
            .map(|op| match op.kind {
                InternalKind::Insert { text, .. } => text.len(),
                InternalKind::Delete { .. } => 0,
            })
            .sum();
        self.log.reserve_text(text_bytes);
        let mut before: Option<&InternalOp<'_>> = None;
        for (op, &op_index) in plan.ops.iter().zip(&plan.batch_index_of_op) {
            // Only the batch's first op meets an entry from before the batch; each later one
            // meets the entry its predecessor ended.
            let may_extend = before.is_none_or(|before| may_continue(before, op));
            self.apply_op(op, may_extend).map_err(|reason| IntegrateError::Malformed { op_index, reason })?;
            before = Some(op);
        }
        Ok(())
    }

    /// Translates a batch into this replica's ids and checks it, without changing anything:
    /// the ops still to apply (duplicates dropped, partly known ops trimmed) and the agent
    /// names to intern first.
    ///
    /// The ops come one at a time, borrowed (from an [`OpBatch`], or decoded straight from
    /// bytes, whose decoding errors end the plan); `agents` is the table their ids index and
    /// `op_count` how many there are.
    // Not inlined (nor `apply_plan`): inlined into `integrate_encoded`, the two loops shared
    // one frame and its register pressure; apart, the remote workload runs 3.8-4.3% fewer
    // instructions (callgrind of `examples/integrate`, all four traces).
    #[inline(never)]
    fn plan<'b>(
        &self,
        agents: &[&'b str],
        op_count: usize,
        ops: impl Iterator<Item = Result<BatchOp<'b>, DecodeError>>,
    ) -> Result<Plan<'b>, ImportError> {
        let mut plan = Plan {
            new_agents: Vec::new(),
            // At most one planned op per batch op: no regrowth (and copying) of a large plan.
            ops: Vec::with_capacity(op_count),
            seq_end_by_agent: Vec::new(),
            batch_index_of_op: Vec::with_capacity(op_count),
        };
        let known_agent_count = self.agents.len();
        let agent_by_batch_index: Vec<AgentId> = agents
            .iter()
            .map(|&name| {
                if let Some(agent) = self.agents.get(name) {
                    return agent;
                }
                let new_index = plan
                    .new_agents
                    .iter()
                    .position(|&new| new == name)
                    .unwrap_or_else(|| {
                        plan.new_agents.push(name);
                        plan.new_agents.len() - 1
                    });
                AgentId((known_agent_count + new_index) as u32)
            })
            .collect();
        let agent_count = known_agent_count + plan.new_agents.len();
        let seq_count_by_agent: Vec<u32> = (0..agent_count)
            .map(|index| self.log.seq_count(AgentId(index as u32)))
            .collect();
        let mut known = Known::<E, KIND_BITS> {
            log: &self.log,
            planned_kinds_by_agent: if KIND_BITS {
                seq_count_by_agent.iter().map(|&first_seq| PlannedKinds::starting_at(first_seq)).collect()
            } else {
                Vec::new()
            },
            seq_count_by_agent,
            planned_by_agent: vec![Vec::new(); agent_count],
            last_found: std::cell::Cell::new(None),
        };
        for (op_index, op) in ops.enumerate() {
            let op = op?;
            let checker = OpChecker {
                doc_agents: self.agents.names(),
                new_agents: &plan.new_agents,
                op_index,
            };
            let op = checker.translate(op, &agent_by_batch_index)?;
            // Checked in place, then moved once into the plan: the op is about 90 bytes, and
            // passing it through `check` and back in a `Result` copied it twice more.
            let known_len = checker.check(&op, &known, &plan.ops)?;
            if known_len == op.len {
                continue;
            }
            // Nothing known (the usual case): the op itself, moved, not copied.
            let new_part = if known_len == 0 { op } else { op.suffix(known_len) };
            known.seq_count_by_agent[new_part.id.agent.index()] = new_part.id.seq + new_part.len;
            known.planned_by_agent[new_part.id.agent.index()].push((new_part.id.seq, plan.ops.len()));
            if KIND_BITS {
                let is_insert = matches!(new_part.kind, InternalKind::Insert { .. });
                known.planned_kinds_by_agent[new_part.id.agent.index()].push(is_insert, new_part.len);
            }
            plan.ops.push(new_part);
            plan.batch_index_of_op.push(op_index);
        }
        plan.seq_end_by_agent = known.seq_count_by_agent;
        Ok(plan)
    }

    fn to_op_id(&self, id: Id, batch: &mut BatchBuilder) -> OpId {
        OpId {
            agent: batch.agent_index(id.agent, self.agents.names()),
            seq: id.seq,
        }
    }

    fn export_op(&self, op: &InternalOp<'_>, batch: &mut BatchBuilder) -> Op {
        let id = self.to_op_id(op.id, batch);
        let parents = op
            .parents
            .iter()
            .map(|&parent| self.to_op_id(parent, batch))
            .collect();
        let kind = match op.kind {
            InternalKind::Insert {
                origin_left,
                origin_right,
                text,
            } => OpKind::Insert {
                origin_left: origin_left.map(|origin| self.to_op_id(origin, batch)),
                origin_right: origin_right.map(|origin| self.to_op_id(origin, batch)),
                text: text.to_owned(),
            },
            InternalKind::Delete { target, backward } => OpKind::Delete {
                target: self.to_op_id(target, batch),
                len_chars: op.len,
                backward,
            },
        };
        Op {
            id,
            parents,
            kind,
            pos_hint: op.pos,
        }
    }

    fn assert_items_match_log(&self) {
        // What the log says each item must be, and which items it deletes.
        let mut expected = HashMap::new();
        let mut deleted = HashSet::new();
        for op in self.log.ops() {
            match op.kind {
                InternalKind::Insert {
                    origin_left,
                    origin_right,
                    text,
                } => {
                    for (offset, ch) in (0u32..).zip(text.chars()) {
                        let left = if offset == 0 {
                            origin_left
                        } else {
                            Some(op.id.plus(offset - 1))
                        };
                        expected.insert(op.id.plus(offset), (left, origin_right, ch));
                    }
                }
                InternalKind::Delete { target, backward } => {
                    deleted.extend((0..op.len).map(|offset| delete_target(target, backward, offset)))
                }
            }
        }
        let items = self.store.dump();
        assert_eq!(items.len(), self.store.len_items());
        assert_eq!(
            items.len(),
            expected.len(),
            "the store and the log disagree on the item count"
        );
        let mut index_by_id = HashMap::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            assert!(
                index_by_id.insert(item.id, index).is_none(),
                "item {:?} is stored twice",
                item.id
            );
            let from_log = expected.get(&item.id).copied().map(|(left, right, ch)| {
                // A store that keeps no deleted text lists no char for a tombstone, and one
                // that keeps no text (text in the log) none for any item.
                let ch = if !S::KEEPS_TEXT || (item.deleted && !S::KEEPS_DELETED_TEXT) { StoredItem::NO_CHAR } else { ch };
                (left, right, ch)
            });
            // A store that keeps no origins (origins in the log) lists none.
            let from_log = from_log.map(|(left, right, ch)| {
                if S::KEEPS_ORIGINS { (left, right, ch) } else { (None, None, ch) }
            });
            assert_eq!(
                from_log,
                Some((item.origin_left, item.origin_right, item.ch)),
                "item {:?}",
                item.id
            );
            assert_eq!(
                item.deleted,
                deleted.contains(&item.id),
                "tombstone of {:?}",
                item.id
            );
        }
        // YATA's order invariant: every item sits after its left origin, before its right.
        for (index, item) in items.iter().enumerate() {
            let (origin_left, origin_right, _) = expected[&item.id];
            if let Some(left) = origin_left {
                assert!(
                    index_by_id[&left] < index,
                    "item {:?} is not after its left origin",
                    item.id
                );
            }
            if let Some(right) = origin_right {
                assert!(
                    index < index_by_id[&right],
                    "item {:?} is not before its right origin",
                    item.id
                );
            }
        }
        // The chars from the log, not the store's: for a store without text they are the
        // only ones, and for the others the check above has compared them.
        let visible: String = items
            .iter()
            .filter(|item| !item.deleted)
            .map(|item| expected[&item.id].2)
            .collect();
        assert_eq!(self.store.len_chars(), visible.chars().count());
        assert_eq!(self.text(), visible);
    }

    /// The visible chars `range_chars` (in range), from the store, or for a store that keeps
    /// no text (text in the log) from the op log: the store lists which items are visible,
    /// the log has every inserted char.
    fn read_text(&self, range_chars: Range<usize>) -> String {
        if S::KEEPS_TEXT {
            return if range_chars == (0..self.store.len_chars()) { self.store.text() } else { self.store.slice(range_chars) };
        }
        let mut text = String::with_capacity(range_chars.len());
        for (id, len) in self.store.visible_runs(range_chars) {
            self.log.push_inserted_text(id, len, &mut text);
        }
        text
    }
}

impl<S: SeqStore, const LOG_RUNS: bool, E: EntryStore, const FAST_AGENT_HASH: bool, const BACKWARD_OPS: bool, const KIND_BITS: bool, const ID_APPLY: bool> TextCrdt
    for Doc<S, LOG_RUNS, E, FAST_AGENT_HASH, BACKWARD_OPS, KIND_BITS, ID_APPLY>
{
    fn new(agent: &str) -> Self {
        let mut agents = AgentTable::default();
        let agent = agents.intern(agent);
        let mut log = OpLog::default();
        log.ensure_agent(agent);
        Doc {
            agents,
            agent,
            store: S::default(),
            log,
            last_insert: None,
            scratch_runs: Vec::new(),
        }
    }

    fn agent(&self) -> &str {
        self.agents.name(self.agent)
    }

    fn set_agent(&mut self, agent: &str) {
        self.agent = self.agents.intern(agent);
        self.log.ensure_agent(self.agent);
    }

    fn insert(&mut self, pos_chars: usize, text: &str) {
        self.insert_counted(pos_chars, text, count_chars(text), true);
    }

    fn delete(&mut self, pos_chars: usize, len_chars: usize) {
        self.delete_forward(pos_chars, len_chars, true);
    }


    fn len_chars(&self) -> usize {
        self.store.len_chars()
    }

    fn text(&self) -> String {
        self.read_text(0..self.store.len_chars())
    }

    fn slice(&self, range_chars: Range<usize>) -> String {
        let len_chars = self.store.len_chars();
        if range_chars.start > range_chars.end || range_chars.end > len_chars {
            panic_slice_out_of_range(range_chars, len_chars);
        }
        self.read_text(range_chars)
    }

    fn fork(&self, agent: &str) -> Self {
        let mut fork = self.clone();
        fork.set_agent(agent);
        fork
    }

    fn version(&self) -> Version {
        let mut version = Version::root();
        for (index, name) in self.agents.names().iter().enumerate() {
            version.set_seq_count(name, self.log.seq_count(AgentId(index as u32)));
        }
        version
    }

    fn frontier(&self) -> Vec<(String, u32)> {
        let mut frontier: Vec<(String, u32)> = self
            .log
            .frontier()
            .iter()
            .map(|id| (self.agents.name(id.agent).to_owned(), id.seq))
            .collect();
        frontier.sort_unstable();
        frontier
    }

    fn ops_since(&self, since: &Version) -> OpBatch {
        let known_by_agent: Vec<u32> = self
            .agents
            .names()
            .iter()
            .map(|name| since.seq_count(name))
            .collect();
        let mut batch = BatchBuilder {
            batch: OpBatch::default(),
            index_by_agent: vec![None; self.agents.len()],
        };
        for op in self.log.ops_not_in(&known_by_agent, BACKWARD_OPS) {
            let known = known_by_agent[op.id.agent.index()];
            if op.id.seq + op.len <= known {
                continue;
            }
            let new_part = op.suffix(known.saturating_sub(op.id.seq));
            let exported = self.export_op(&new_part, &mut batch);
            batch.batch.ops.push(exported);
        }
        batch.batch
    }

    fn integrate(&mut self, ops: &OpBatch) -> Result<(), IntegrateError> {
        let agents: Vec<&str> = ops.agents.iter().map(String::as_str).collect();
        let plan = self
            .plan(&agents, ops.ops.len(), ops.ops.iter().map(|op| Ok(BatchOp::from(op))))
            .map_err(|error| match error {
                ImportError::Integrate(error) => error,
                ImportError::Decode(_) => unreachable!("a batch in memory has no decoding to fail"),
            })?;
        self.apply_plan(plan)
    }

    fn integrate_encoded(&mut self, bytes: &[u8]) -> Result<(), ImportError> {
        if crate::lazy::is_history(bytes) {
            // A linear history by position (s55's export): its ops, made by replaying it.
            let batch = crate::lazy::decode_history_as_batch(bytes)?;
            return Ok(self.integrate(&batch)?);
        }
        // The same plan as `integrate`'s, fed by the decoder: the ops' text stays in `bytes`.
        let decoder = Decoder::new(bytes)?;
        let agents = decoder.agents().to_vec();
        let plan = self.plan(&agents, decoder.op_count(), decoder)?;
        Ok(self.apply_plan(plan)?)
    }

    fn merge(&mut self, other: &Self) {
        let missing = other.ops_since(&self.version());
        if let Err(error) = self.integrate(&missing) {
            panic!("merge failed: {error}");
        }
    }

    fn assert_invariants(&self) {
        self.agents.assert_invariants();
        self.store.assert_invariants();
        self.log.assert_invariants();
        assert_eq!(self.agents.len(), self.log.agent_count());
        assert!(self.agent.index() < self.agents.len());
        if let Some((first, len, index)) = self.last_insert {
            for offset in [0, len - 1] {
                assert_eq!(
                    self.store.index_of_id(first.plus(offset)),
                    Some(index + offset as usize),
                    "the last insert's remembered place is stale"
                );
            }
        }
        self.assert_items_match_log();
    }
}

/// `text.chars().count()`, with a plain loop for the short texts of typing (the library's
/// counter is built for long ones; a keystroke paid a call and its set-up).
#[inline]
pub(crate) fn count_chars(text: &str) -> usize {
    if text.len() == 1 {
        // A keystroke (most of a trace's inserts): one byte of UTF-8 is one ASCII char. The
        // filtered count below costs about 20 instructions even for one byte.
        return 1;
    }
    if text.len() <= 16 {
        // A char starts at every byte that is not a continuation byte (0b10xx_xxxx).
        text.bytes().filter(|&byte| (byte as i8) >= -0x40).count()
    } else {
        text.chars().count()
    }
}

#[track_caller]
#[cold]
#[inline(never)]
pub(crate) fn panic_insert_out_of_range(pos_chars: usize, len_chars: usize) -> ! {
    panic!("insert position {pos_chars} is out of range for a document of {len_chars} chars")
}

#[track_caller]
#[cold]
#[inline(never)]
pub(crate) fn panic_delete_out_of_range(pos_chars: usize, len_chars: usize, doc_len_chars: usize) -> ! {
    panic!(
        "delete of {len_chars} chars at position {pos_chars} is out of range for a document of \
         {doc_len_chars} chars"
    )
}

#[track_caller]
#[cold]
#[inline(never)]
pub(crate) fn panic_slice_out_of_range(range_chars: Range<usize>, len_chars: usize) -> ! {
    panic!("slice {range_chars:?} is out of range for a document of {len_chars} chars")
}

/// What [`Doc::plan`] accepted: agent names to intern (in this order, so that the
/// provisional [`AgentId`]s the ops use become the real ones) and the ops to apply.
struct Plan<'b> {
    new_agents: Vec<&'b str>,
    ops: Vec<InternalOp<'b>>,
    /// Per agent (new ones included): its seq count once the ops are applied.
    seq_end_by_agent: Vec<u32>,
    /// Beside `ops`: each one's index in the batch, for errors.
    batch_index_of_op: Vec<usize>,
}

/// [`IntegrateError::Malformed`]'s reason for an insert whose right origin is before its left
/// origin in the document: the one malformation only applying the ops can see.
pub const ORIGINS_OUT_OF_ORDER: &str = "insert's right origin is before its left origin";

/// The ids known while checking a batch: the document's, plus those of the ops accepted
/// from the batch so far.
struct Known<'d, E: EntryStore, const KIND_BITS: bool> {
    log: &'d OpLog<E>,
    /// With `KIND_BITS` (s44's `planned-kind-bits`), per agent: which planned char ops are
    /// inserts, one bit each, so that checking an origin or a delete target planned earlier in
    /// the batch needs no search for its op ([`Known::find_planned`]).
    planned_kinds_by_agent: Vec<PlannedKinds>,
    /// Per agent (provisional agents included): char ops known so far.
    seq_count_by_agent: Vec<u32>,
    /// Per agent: the first seq and the index of each planned op, in seq order (the seqs
    /// beside the indices, so that a search reads one compact array).
    planned_by_agent: Vec<Vec<(u32, usize)>>,
    /// The planned op [`Known::find_planned`] found last (by index): consecutive ops of a
    /// peer's typing often name the same right origin, so it is tried before a search.
    last_found: std::cell::Cell<Option<usize>>,
}

impl<E: EntryStore, const KIND_BITS: bool> Known<'_, E, KIND_BITS> {
    fn contains(&self, id: Id) -> bool {
        id.seq < self.seq_count_by_agent[id.agent.index()]
    }

    /// The known char op `id`, from the document's log or from the ops planned before.
    fn char_op(&self, id: Id, planned: &[InternalOp<'_>]) -> Option<CharOp> {
        if self.log.contains(id) {
            return self.log.char_op(id);
        }
        let (op, offset) = self.find_planned(id, planned)?;
        Some(op.char_op(offset))
    }

    fn is_insert(&self, id: Id, planned: &[InternalOp<'_>]) -> Option<bool> {
        if self.log.contains(id) {
            return self.log.is_insert(id);
        }
        if KIND_BITS {
            if !self.contains(id) {
                return None;
            }
            return Some(self.planned_kinds_by_agent[id.agent.index()].all_inserts(id.seq, 1));
        }
        let (op, _) = self.find_planned(id, planned)?;
        Some(matches!(op.kind, InternalKind::Insert { .. }))
    }

    /// If `id` is a known insert: how many known insert char ops follow from it in one op or
    /// entry (at least 1). `None` if it is a delete or unknown.
    fn insert_run_from(&self, id: Id, planned: &[InternalOp<'_>]) -> Option<u32> {
        if self.log.contains(id) {
            return self.log.insert_run_from(id);
        }
        let (op, offset) = self.find_planned(id, planned)?;
        matches!(op.kind, InternalKind::Insert { .. }).then_some(op.len - offset)
    }

    /// Whether `len` ids from `target` on are all known inserts, checked a run at a time.
    fn all_inserts(&self, target: Id, len: u32, planned: &[InternalOp<'_>]) -> bool {
        let mut checked = 0;
        while checked < len {
            let id = target.plus(checked);
            if KIND_BITS && !self.log.contains(id) {
                // The rest is past the log: planned, or unknown. The planned ops of an agent
                // continue its log's seqs without a gap, so one range of bits answers.
                let rest = len - checked;
                let Some(last_seq) = id.seq.checked_add(rest - 1) else { return false };
                return self.contains(Id { agent: id.agent, seq: last_seq })
                    && self.planned_kinds_by_agent[id.agent.index()].all_inserts(id.seq, rest);
            }
            match self.insert_run_from(id, planned) {
                Some(run) => checked = checked.saturating_add(run),
                None => return false,
            }
        }
        true
    }

    fn find_planned<'p, 'b>(
        &self,
        id: Id,
        planned: &'p [InternalOp<'b>],
    ) -> Option<(&'p InternalOp<'b>, u32)> {
        if !self.contains(id) {
            return None;
        }
        let by_seq = &self.planned_by_agent[id.agent.index()];
        // Most often the agent's last op (an origin typed just before): no search.
        let &(last_seq, last_index) = by_seq.last()?;
        let op_index = if last_seq <= id.seq {
            last_index
        } else if let Some(found) = self
            .last_found
            .get()
            .filter(|&found| planned[found].id.agent == id.agent && planned[found].id.seq <= id.seq && id.seq - planned[found].id.seq < planned[found].len)
        {
            found
        } else {
            let after = by_seq.partition_point(|&(seq, _)| seq <= id.seq);
            let found = by_seq[after.checked_sub(1)?].1;
            self.last_found.set(Some(found));
            found
        };
        let op = &planned[op_index];
        debug_assert!(op.id.seq <= id.seq && id.seq < op.id.seq + op.len);
        Some((op, id.seq - op.id.seq))
    }
}

/// Which of an agent's planned char ops are inserts: one bit per char op, for the seqs from
/// `first_seq` (the agent's seq count in the log when the plan began) on, in the order they
/// were planned, which is seq order without gaps ([`OpChecker::check`] plans only the part of
/// an op past what is known).
#[derive(Clone, Debug, Default)]
struct PlannedKinds {
    first_seq: u32,
    len_bits: u32,
    words: Vec<u64>,
}

impl PlannedKinds {
    fn starting_at(first_seq: u32) -> PlannedKinds {
        PlannedKinds { first_seq, len_bits: 0, words: Vec::new() }
    }

    /// Appends `count` char ops, inserts or not.
    fn push(&mut self, insert: bool, count: u32) {
        let mut left = count;
        while left > 0 {
            let bit = self.len_bits % 64;
            if bit == 0 {
                self.words.push(0);
            }
            let take = left.min(64 - bit);
            if insert {
                let last = self.words.len() - 1;
                self.words[last] |= low_bits(take) << bit;
            }
            self.len_bits += take;
            left -= take;
        }
    }

    /// Whether the `count` planned char ops from `seq` on are all inserts; `false` if any of
    /// them is not planned.
    fn all_inserts(&self, seq: u32, count: u32) -> bool {
        let Some(start) = seq.checked_sub(self.first_seq) else { return false };
        if start.checked_add(count).is_none_or(|end| end > self.len_bits) {
            return false;
        }
        let (mut at, mut left) = (start, count);
        while left > 0 {
            let bit = at % 64;
            let take = left.min(64 - bit);
            let mask = low_bits(take) << bit;
            if self.words[(at / 64) as usize] & mask != mask {
                return false;
            }
            at += take;
            left -= take;
        }
        true
    }
}

/// A word with its low `count` bits set (`count` at most 64).
fn low_bits(count: u32) -> u64 {
    debug_assert!(count <= 64);
    if count == 64 { u64::MAX } else { (1u64 << count) - 1 }
}

/// Checks one op of a batch against what is known before it.
struct OpChecker<'c, 'b> {
    doc_agents: &'c [String],
    new_agents: &'c [&'b str],
    op_index: usize,
}

impl<'b> OpChecker<'_, 'b> {
    fn malformed(&self, reason: &'static str) -> IntegrateError {
        IntegrateError::Malformed {
            op_index: self.op_index,
            reason,
        }
    }

    fn name(&self, agent: AgentId) -> String {
        let known_agent_count = self.doc_agents.len();
        if agent.index() < known_agent_count {
            self.doc_agents[agent.index()].to_owned()
        } else {
            self.new_agents[agent.index() - known_agent_count].to_owned()
        }
    }

    fn not_ready(&self, missing: Id) -> IntegrateError {
        IntegrateError::NotReady {
            op_index: self.op_index,
            missing_agent: self.name(missing.agent),
            missing_seq: missing.seq,
        }
    }

    /// The op in this replica's (or provisional) agent ids.
    fn translate(
        &self,
        op: BatchOp<'b>,
        agent_by_batch_index: &[AgentId],
    ) -> Result<InternalOp<'b>, IntegrateError> {
        let id = |op_id: OpId| -> Result<Id, IntegrateError> {
            let agent = agent_by_batch_index
                .get(op_id.agent as usize)
                .ok_or(self.malformed("agent index outside the batch's agent table"))?;
            Ok(Id {
                agent: *agent,
                seq: op_id.seq,
            })
        };
        let len = u32::try_from(op.len_chars).map_err(|_| self.malformed("op longer than u32::MAX chars"))?;
        let kind = match op.kind {
            BatchOpKind::Insert {
                origin_left,
                origin_right,
                text,
            } => InternalKind::Insert {
                origin_left: origin_left.map(id).transpose()?,
                origin_right: origin_right.map(id).transpose()?,
                text,
            },
            BatchOpKind::Delete { target, backward } => {
                let target = id(target)?;
                let in_range = if backward {
                    target.seq.checked_sub(len.saturating_sub(1)).is_some()
                } else {
                    target.seq.checked_add(len).is_some()
                };
                if !in_range {
                    return Err(self.malformed("delete target range overflows u32 seqs"));
                }
                // A one-char run goes neither way: forward, as a log keeps it.
                InternalKind::Delete {
                    target,
                    backward: backward && len > 1,
                }
            }
        };
        if len == 0 {
            return Err(self.malformed("empty op"));
        }
        if op.id.seq.checked_add(len).is_none() {
            return Err(self.malformed("op overflows u32 seqs"));
        }
        let parents = match *op.parents {
            [parent] => Parents::One(id(parent)?),
            ref parents => Parents::Other(parents.iter().map(|&parent| id(parent)).collect::<Result<Vec<Id>, _>>()?),
        };
        Ok(InternalOp {
            id: id(op.id)?,
            len,
            parents,
            kind,
            pos: op.pos_hint,
        })
    }

    /// Checks `op` and returns how many of its char ops are known already (`op.len` if all
    /// are): the rest, `op.suffix(known_len)`, is what is new.
    fn check<const KIND_BITS: bool>(
        &self,
        op: &InternalOp<'b>,
        known: &Known<'_, impl EntryStore, KIND_BITS>,
        planned: &[InternalOp<'b>],
    ) -> Result<u32, IntegrateError> {
        for &parent in op.parents.iter() {
            if !known.contains(parent) {
                return Err(self.not_ready(parent));
            }
        }
        let next_seq = known.seq_count_by_agent[op.id.agent.index()];
        if op.id.seq > next_seq {
            return Err(self.not_ready(Id {
                agent: op.id.agent,
                seq: next_seq,
            }));
        }
        // A known id must name the same op here as in the batch, or two replicas edited as one
        // agent and silently ignoring the batch's version would hide a divergence.
        let known_len = (next_seq - op.id.seq).min(op.len);
        for offset in 0..known_len {
            let id = op.id.plus(offset);
            if known.char_op(id, planned) != Some(op.char_op(offset)) {
                return Err(IntegrateError::Conflict {
                    op_index: self.op_index,
                    agent: self.name(id.agent),
                    seq: id.seq,
                });
            }
        }
        if known_len == op.len {
            return Ok(known_len);
        }
        // Only the part that is new is checked: a partly known insert's new part has the char
        // before it as left origin.
        let suffix;
        let new_part = if known_len == 0 {
            op
        } else {
            suffix = op.suffix(known_len);
            &suffix
        };
        // The parents are known, so everything in the op's causal past is known: an origin or
        // target we do not know is not in it.
        let is_known_insert = |id: Id| known.is_insert(id, planned) == Some(true);
        match new_part.kind {
            InternalKind::Insert {
                origin_left,
                origin_right,
                ..
            } => {
                if !origin_left.is_none_or(is_known_insert)
                    || !origin_right.is_none_or(is_known_insert)
                {
                    return Err(self.malformed("insert origin is not a known insert"));
                }
                if origin_left.is_some() && origin_left == origin_right {
                    return Err(self.malformed("insert has the same left and right origin"));
                }
            }
            InternalKind::Delete { target, backward } => {
                let lowest = lowest_delete_target(target, backward, new_part.len);
                if !known.all_inserts(lowest, new_part.len, planned) {
                    return Err(self.malformed("delete target is not a known insert"));
                }
            }
        }
        Ok(known_len)
    }
}

/// Builds an [`OpBatch`], adding agent names to its table as ops first mention them.
struct BatchBuilder {
    batch: OpBatch,
    index_by_agent: Vec<Option<u32>>,
}

impl BatchBuilder {
    fn agent_index(&mut self, agent: AgentId, agent_names: &[String]) -> u32 {
        *self.index_by_agent[agent.index()].get_or_insert_with(|| {
            self.batch.agents.push(agent_names[agent.index()].to_owned());
            (self.batch.agents.len() - 1) as u32
        })
    }
}

#[cfg(test)]
mod tests {
    use super::PlannedKinds;
    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    /// Seeded random runs of inserts and deletes, then random range questions, each answered
    /// by `PlannedKinds` and by a plain `Vec<bool>` of the same char ops.
    #[test]
    fn planned_kinds_match_a_vec_model() {
        let mut rng = SmallRng::seed_from_u64(44);
        for round in 0..200 {
            let first_seq: u32 = rng.gen_range(0..200);
            let mut kinds = PlannedKinds::starting_at(first_seq);
            let mut model: Vec<bool> = Vec::new();
            for _ in 0..rng.gen_range(0..40) {
                let insert = rng.gen_bool(0.6);
                // Runs up to 150 cross word boundaries, and some fill whole words.
                let count = rng.gen_range(1..150);
                kinds.push(insert, count);
                model.extend(std::iter::repeat_n(insert, count as usize));
            }
            for _ in 0..100 {
                let seq = rng.gen_range(0..first_seq + model.len() as u32 + 10);
                let count = rng.gen_range(1..200);
                let expected = seq >= first_seq
                    && (seq - first_seq + count) as usize <= model.len()
                    && model[(seq - first_seq) as usize..(seq - first_seq + count) as usize].iter().all(|&insert| insert);
                assert_eq!(kinds.all_inserts(seq, count), expected, "round {round}: seq {seq}, count {count}");
            }
        }
        // At the edge of u32 seqs: out of range, not an overflow.
        let mut kinds = PlannedKinds::starting_at(u32::MAX - 1);
        kinds.push(true, 1);
        assert!(kinds.all_inserts(u32::MAX - 1, 1));
        assert!(!kinds.all_inserts(u32::MAX, 1));
        assert!(!kinds.all_inserts(u32::MAX - 1, u32::MAX));
    }
}
