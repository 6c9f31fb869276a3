//! How the op log lays out its entries in memory: one idea of the log ([`EntryStore`]).
//!
//! The [`OpLog`](crate::oplog) works on [`EntryCore`] (an entry without its parents) and
//! [`Parents`]; a store decides the bytes:
//! - [`WideEntries`]: one `Vec` of plain entries with their parents inline (80 bytes each, and
//!   an enum with a `Vec` inside, so dropping the log visits every entry);
//! - [`ChunkedEntries`] (the *chunked log*): the same entries in fixed-size chunks, so that
//!   the log never copies itself as it grows;
//! - [`CompactEntries`] (the *compact log*): 36-byte `Copy` entries, and an entry's parents
//!   stored only where they are not "the op just before it in the log", which is the case for
//!   every local edit (a replica edits at its own frontier). Perf on rustcode had the log's
//!   `Vec` growth (each a `realloc` that copies) and its drop at 7% of a local replay;
//! - [`ChunkedCompactEntries`]: the compact log's packed entries in the chunked log's
//!   [`Chunks`]: 36 bytes an entry, never copied as the log grows;
//! - [`LeanEntries`] (the *lean log*): 24-byte entries built from the op's fields (no wide
//!   entry packed), in small chunks: what is the same from one entry to the next is not
//!   repeated in each (the agent, kept as runs; parents that are the entry before; the start
//!   of an insert's text, which is where the entry before ended), and an origin's agent takes
//!   16 bits.

use std::fmt;

use crate::id::AgentId;
use crate::id::Id;

/// An entry's parents as stored: almost every op has exactly one (the op before it), so that
/// case needs no heap allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parents {
    /// One parent.
    One(Id),
    /// None (the first op of a history) or several (a merge).
    Other(Vec<Id>),
}

impl Parents {
    /// The parents `parents`, allocating only when there are not exactly one.
    pub fn from_slice(parents: &[Id]) -> Parents {
        match parents {
            [one] => Parents::One(*one),
            _ => Parents::Other(parents.to_vec()),
        }
    }
}

impl std::ops::Deref for Parents {
    type Target = [Id];
    fn deref(&self) -> &[Id] {
        match self {
            Parents::One(one) => std::slice::from_ref(one),
            Parents::Other(parents) => parents,
        }
    }
}

/// An entry's parents as read back: borrowed, or the one parent an entry store did not store.
#[derive(Clone, Copy, Debug)]
pub enum ParentsRef<'a> {
    /// One parent.
    One(Id),
    /// Any number, as stored.
    Slice(&'a [Id]),
}

impl std::ops::Deref for ParentsRef<'_> {
    type Target = [Id];
    fn deref(&self) -> &[Id] {
        match self {
            ParentsRef::One(one) => std::slice::from_ref(one),
            ParentsRef::Slice(parents) => parents,
        }
    }
}

impl<'a> From<&'a Parents> for ParentsRef<'a> {
    fn from(parents: &'a Parents) -> ParentsRef<'a> {
        match parents {
            Parents::One(one) => ParentsRef::One(*one),
            Parents::Other(parents) => ParentsRef::Slice(parents),
        }
    }
}

/// What an entry does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// Inserts the chars `text_start..text_end` (bytes) of the log's inserted text.
    Insert {
        /// Left origin of the first char.
        origin_left: Option<Id>,
        /// Right origin of every char.
        origin_right: Option<Id>,
        /// Start of the entry's text in the log's inserted text, in bytes.
        text_start: usize,
        /// End of it, in bytes.
        text_end: usize,
    },
    /// Char op `k` deletes `target + k`, or `target - k` if `backward` (a backspace run,
    /// logged as one entry by a document with `LOG_RUNS`; always at least 2 char ops).
    Delete {
        /// The first char op's target.
        target: Id,
        /// Whether the run goes backward.
        backward: bool,
    },
}

/// An entry without its parents: a run of `len` char ops with consecutive ids from `id`, each
/// the parent of the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryCore {
    /// Id of the first char op.
    pub id: Id,
    /// Char ops, at least 1.
    pub len: u32,
    /// What the char ops do.
    pub kind: EntryKind,
}

impl EntryCore {
    /// Id of the last char op.
    pub fn last_id(&self) -> Id {
        self.id.plus(self.len - 1)
    }
}

/// Where the op log keeps its entries. Entries are only ever appended, and only the last one
/// changes (a run that grows).
pub trait EntryStore: Clone + Default + fmt::Debug {
    /// Entries held.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entry `index` without its parents.
    fn core(&self, index: usize) -> EntryCore;
    /// The last entry without its parents, if any: what every push first compares against.
    #[inline]
    fn last_core(&self) -> Option<EntryCore> {
        self.len().checked_sub(1).map(|last| self.core(last))
    }
    /// The longest run an entry can hold: the log starts a new entry rather than extend one
    /// past it.
    const MAX_RUN: u32 = u32::MAX;
    /// Entry `index`'s first seq and its length: all that a search for an id reads, which a
    /// packed store answers without unpacking the rest.
    #[inline]
    fn seq_and_len(&self, index: usize) -> (u32, u32) {
        let core = self.core(index);
        (core.id.seq, core.len)
    }
    /// The parents of entry `index`'s first char op.
    fn parents(&self, index: usize) -> ParentsRef<'_>;
    /// Appends an entry.
    fn push(&mut self, core: EntryCore, parents: Parents);
    /// Appends an entry whose one parent is `parent`, which the caller knows to be the last
    /// char op of the entry before (a local edit at a frontier of one op: that op is the last
    /// one logged). A store that leaves such parents implied need not check.
    #[inline]
    fn push_after(&mut self, core: EntryCore, parent: Id) {
        self.push(core, Parents::One(parent));
    }
    /// Replaces the last entry's core (same id; a longer run).
    fn set_last_core(&mut self, core: EntryCore);
    /// Whether the store keeps each entry's position ([`WithPositions`]): where its first char
    /// op was, in visible chars, at its parents' version. The log asks before it works one
    /// out, so a store without positions costs nothing for them.
    const POSITIONS: bool = false;
    /// Entry `index`'s position, if the store keeps positions and it is known.
    #[inline]
    fn pos(&self, _index: usize) -> Option<u32> {
        None
    }
    /// Sets the last entry's position (after a push, which leaves it unknown, or an extension).
    #[inline]
    fn set_last_pos(&mut self, _pos: Option<u32>) {}
    /// Checks the store's own invariants; for tests. Panics if one is broken.
    fn assert_invariants(&self) {}
}

// ---------------------------------------------------------------------------------------------

/// The entry store `E` and, beside it, each entry's position (`u32::MAX`: unknown): where the
/// entry's first char op was, in visible chars, at its parents' version. An insert's chars
/// went to `pos..pos + len`; a delete run's chars were the visible `pos..pos + len` (a
/// backward run deletes them from the last). A peer at exactly those parents can apply the
/// op there, as a local edit, instead of finding its origins or targets by id (s47).
#[derive(Clone, Debug, Default)]
pub struct WithPositions<E: EntryStore> {
    inner: E,
    pos_by_entry: Chunks<u32, 1024>,
}

const POS_UNKNOWN: u32 = u32::MAX;

impl<E: EntryStore> EntryStore for WithPositions<E> {
    #[inline]
    fn len(&self) -> usize {
        self.inner.len()
    }
    #[inline]
    fn core(&self, index: usize) -> EntryCore {
        self.inner.core(index)
    }
    #[inline]
    fn last_core(&self) -> Option<EntryCore> {
        self.inner.last_core()
    }
    const MAX_RUN: u32 = E::MAX_RUN;
    #[inline]
    fn seq_and_len(&self, index: usize) -> (u32, u32) {
        self.inner.seq_and_len(index)
    }
    #[inline]
    fn parents(&self, index: usize) -> ParentsRef<'_> {
        self.inner.parents(index)
    }
    #[inline]
    fn push(&mut self, core: EntryCore, parents: Parents) {
        self.inner.push(core, parents);
        self.pos_by_entry.push(POS_UNKNOWN);
    }
    #[inline]
    fn push_after(&mut self, core: EntryCore, parent: Id) {
        self.inner.push_after(core, parent);
        self.pos_by_entry.push(POS_UNKNOWN);
    }
    #[inline]
    fn set_last_core(&mut self, core: EntryCore) {
        self.inner.set_last_core(core);
    }
    const POSITIONS: bool = true;
    #[inline]
    fn pos(&self, index: usize) -> Option<u32> {
        let pos = *self.pos_by_entry.get(index);
        (pos != POS_UNKNOWN).then_some(pos)
    }
    #[inline]
    fn set_last_pos(&mut self, pos: Option<u32>) {
        // A position of u32::MAX would read back as unknown, which is only a lost hint.
        *self.pos_by_entry.last_mut().expect("no entry to set the position of") = pos.unwrap_or(POS_UNKNOWN);
    }
    fn assert_invariants(&self) {
        self.inner.assert_invariants();
        self.pos_by_entry.assert_invariants();
        assert_eq!(self.pos_by_entry.len(), self.inner.len(), "a position for each entry");
    }
}

// ---------------------------------------------------------------------------------------------

/// One plain entry with its parents inline (80 bytes).
#[derive(Clone, Debug)]
pub struct WideEntry {
    core: EntryCore,
    parents: Parents,
}

/// Plain entries, parents inline, in the list `V`: a `Vec` ([`WideEntries`]) or [`Chunks`]
/// ([`ChunkedEntries`]). The two differ only in how the list grows.
#[derive(Clone, Debug, Default)]
pub struct PlainEntries<V: EntryVec<WideEntry>> {
    entries: V,
}

/// Plain entries in one `Vec` that doubles as it grows.
pub type WideEntries = PlainEntries<Vec<WideEntry>>;

impl<V: EntryVec<WideEntry>> EntryStore for PlainEntries<V> {
    #[inline]
    fn len(&self) -> usize {
        self.entries.len()
    }
    #[inline]
    fn core(&self, index: usize) -> EntryCore {
        self.entries.get(index).core
    }
    #[inline]
    fn last_core(&self) -> Option<EntryCore> {
        self.entries.last().map(|entry| entry.core)
    }
    fn parents(&self, index: usize) -> ParentsRef<'_> {
        (&self.entries.get(index).parents).into()
    }
    #[inline]
    fn push(&mut self, core: EntryCore, parents: Parents) {
        self.entries.push(WideEntry { core, parents });
    }
    #[inline]
    fn set_last_core(&mut self, core: EntryCore) {
        let last = self.entries.last_mut().expect("no entry to extend");
        debug_assert_eq!(last.core.id, core.id);
        last.core = core;
    }
    fn assert_invariants(&self) {
        self.entries.assert_invariants();
    }
}

// ---------------------------------------------------------------------------------------------

/// A growing list in chunks of `CHUNK`, each allocated once at its full size: pushing never
/// moves what it holds (a `Vec` that doubles copies every element on each growth, and
/// `realloc` copied: perf had that at 4-5% of a local replay). What the chunked logs keep
/// their entries in.
#[derive(Debug)]
pub struct Chunks<T, const CHUNK: usize> {
    /// Each with room for `CHUNK` elements, so that pushing never reallocates one.
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T, const CHUNK: usize> Default for Chunks<T, CHUNK> {
    fn default() -> Self {
        Chunks { chunks: Vec::new(), len: 0 }
    }
}

impl<T: Clone, const CHUNK: usize> Clone for Chunks<T, CHUNK> {
    /// A clone (a fork) keeps each chunk's full capacity: a derived `Clone` would size the
    /// last chunk to its contents, and the clone's next push would reallocate it.
    fn clone(&self) -> Self {
        let chunks = self
            .chunks
            .iter()
            .map(|chunk| {
                let mut copy = Vec::with_capacity(CHUNK);
                copy.extend_from_slice(chunk);
                copy
            })
            .collect();
        Chunks { chunks, len: self.len }
    }
}

/// The few operations a log needs from the list holding its entries: a `Vec`, or [`Chunks`].
pub trait EntryVec<T>: Clone + Default + fmt::Debug {
    /// Elements held.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Element `index`.
    fn get(&self, index: usize) -> &T;
    /// The last element, if any.
    fn last(&self) -> Option<&T>;
    /// The last element, mutably.
    fn last_mut(&mut self) -> Option<&mut T>;
    /// Appends an element.
    fn push(&mut self, value: T);
    /// Checks the list's own invariants; for tests.
    fn assert_invariants(&self) {}
}

impl<T: Clone + fmt::Debug> EntryVec<T> for Vec<T> {
    #[inline]
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    #[inline]
    fn get(&self, index: usize) -> &T {
        &self[index]
    }
    #[inline]
    fn last(&self) -> Option<&T> {
        <[T]>::last(self)
    }
    #[inline]
    fn last_mut(&mut self) -> Option<&mut T> {
        <[T]>::last_mut(self)
    }
    #[inline]
    fn push(&mut self, value: T) {
        Vec::push(self, value);
    }
}

impl<T, const CHUNK: usize> Chunks<T, CHUNK> {
    /// Starts a chunk: once every `CHUNK` pushes, so kept out of the push itself.
    #[cold]
    #[inline(never)]
    fn add_chunk(&mut self) {
        self.chunks.push(Vec::with_capacity(CHUNK));
    }
}

impl<T: Clone + fmt::Debug, const CHUNK: usize> EntryVec<T> for Chunks<T, CHUNK> {
    #[inline]
    fn len(&self) -> usize {
        self.len
    }
    #[inline]
    fn get(&self, index: usize) -> &T {
        &self.chunks[index / CHUNK][index % CHUNK]
    }
    #[inline]
    fn last(&self) -> Option<&T> {
        self.chunks.last().and_then(|chunk| chunk.last())
    }
    #[inline]
    fn last_mut(&mut self) -> Option<&mut T> {
        self.chunks.last_mut().and_then(|chunk| chunk.last_mut())
    }
    #[inline(always)]
    fn push(&mut self, value: T) {
        if self.len % CHUNK == 0 {
            self.add_chunk();
        }
        let chunk = self.chunks.last_mut().expect("a chunk with room");
        debug_assert!(chunk.len() < CHUNK && chunk.capacity() >= CHUNK);
        chunk.push(value);
        self.len += 1;
    }
    fn assert_invariants(&self) {
        assert_eq!(self.chunks.len(), self.len.div_ceil(CHUNK), "chunk count");
        for (number, chunk) in self.chunks.iter().enumerate() {
            let full = number + 1 < self.chunks.len();
            assert!(chunk.capacity() >= CHUNK, "chunk {number} has no room for {CHUNK} entries");
            assert!(!full || chunk.len() == CHUNK, "chunk {number} is not full but not the last");
        }
    }
}

/// Plain entries in [`Chunks`] of `CHUNK` (the *chunked log*): a growing log never moves what
/// it holds.
pub type ChunkedEntries<const CHUNK: usize = 4096> = PlainEntries<Chunks<WideEntry, CHUNK>>;

// ---------------------------------------------------------------------------------------------

/// Compact entries: [`PackedEntry`]s, and parents only where they are not "the last char op
/// of the entry before" (stored in `other_parents`, by entry index).
///
/// `V` holds the packed entries: a `Vec` (s29's compact log) or [`Chunks`]
/// ([`ChunkedCompactEntries`]: packed and never moved).
#[derive(Clone, Debug, Default)]
pub struct CompactEntries<V: EntryVec<PackedEntry> = Vec<PackedEntry>> {
    entries: V,
    /// `(entry index, parents)` of the entries whose parents are not implied, by index.
    other_parents: Vec<(u32, Parents)>,
    /// The last entry unpacked: every push compares against it (can the op extend it?), and
    /// unpacking it each time was most of what packing cost (s36).
    last: Option<EntryCore>,
}

/// An [`EntryCore`] in 36 bytes: nine `u32`s. `None` origins use the reserved agent
/// `u32::MAX`; the kind, direction and "parents stored apart" flags live in the length's top
/// bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PackedEntry {
    id_agent: u32,
    id_seq: u32,
    /// Bits 0..29: length. Bit 31: delete. Bit 30: backward. Bit 29: parents in `other_parents`.
    len_and_flags: u32,
    /// Insert: left origin, right origin, text start, text end. Delete: target, then zeros.
    payload: [u32; 6],
}

const _: () = assert!(std::mem::size_of::<PackedEntry>() == 36);

const DELETE_BIT: u32 = 1 << 31;
const BACKWARD_BIT: u32 = 1 << 30;
const OWN_PARENTS_BIT: u32 = 1 << 29;
const LEN_MASK: u32 = OWN_PARENTS_BIT - 1;
const NONE_AGENT: u32 = u32::MAX;

fn pack_id(id: Option<Id>) -> [u32; 2] {
    match id {
        Some(id) => {
            debug_assert_ne!(id.agent.0, NONE_AGENT);
            [id.agent.0, id.seq]
        }
        None => [NONE_AGENT, 0],
    }
}

fn unpack_id([agent, seq]: [u32; 2]) -> Option<Id> {
    (agent != NONE_AGENT).then_some(Id {
        agent: AgentId(agent),
        seq,
    })
}

fn to_u32(value: usize, what: &str) -> u32 {
    u32::try_from(value).unwrap_or_else(|_| panic!("{what} {value} does not fit the compact log"))
}

impl PackedEntry {
    #[inline]
    fn pack(core: EntryCore, own_parents: bool) -> PackedEntry {
        assert!(core.len <= LEN_MASK, "run of {} ops is too long for the compact log", core.len);
        let mut len_and_flags = core.len | if own_parents { OWN_PARENTS_BIT } else { 0 };
        let payload = match core.kind {
            EntryKind::Insert {
                origin_left,
                origin_right,
                text_start,
                text_end,
            } => {
                let [left_agent, left_seq] = pack_id(origin_left);
                let [right_agent, right_seq] = pack_id(origin_right);
                [
                    left_agent,
                    left_seq,
                    right_agent,
                    right_seq,
                    to_u32(text_start, "text offset"),
                    to_u32(text_end, "text offset"),
                ]
            }
            EntryKind::Delete { target, backward } => {
                len_and_flags |= DELETE_BIT | if backward { BACKWARD_BIT } else { 0 };
                [target.agent.0, target.seq, 0, 0, 0, 0]
            }
        };
        PackedEntry {
            id_agent: core.id.agent.0,
            id_seq: core.id.seq,
            len_and_flags,
            payload,
        }
    }

    #[inline]
    fn unpack(self) -> EntryCore {
        let [a, b, c, d, e, f] = self.payload;
        let kind = if self.len_and_flags & DELETE_BIT == 0 {
            EntryKind::Insert {
                origin_left: unpack_id([a, b]),
                origin_right: unpack_id([c, d]),
                text_start: e as usize,
                text_end: f as usize,
            }
        } else {
            EntryKind::Delete {
                target: Id {
                    agent: AgentId(a),
                    seq: b,
                },
                backward: self.len_and_flags & BACKWARD_BIT != 0,
            }
        };
        EntryCore {
            id: Id {
                agent: AgentId(self.id_agent),
                seq: self.id_seq,
            },
            len: self.len_and_flags & LEN_MASK,
            kind,
        }
    }

    fn own_parents(self) -> bool {
        self.len_and_flags & OWN_PARENTS_BIT != 0
    }
}

/// The compact log's packed entries in [`Chunks`] of `CHUNK`: 36 bytes an entry, and a
/// growing log never copies them.
pub type ChunkedCompactEntries<const CHUNK: usize = 4096> = CompactEntries<Chunks<PackedEntry, CHUNK>>;

impl<V: EntryVec<PackedEntry>> CompactEntries<V> {
    /// The parent an entry at `index` has when its parents are not stored: the last char op
    /// of the entry before.
    #[inline]
    fn implied_parent(&self, index: usize) -> Option<Id> {
        let before = self.entries.get(index.checked_sub(1)?);
        Some(Id {
            agent: AgentId(before.id_agent),
            seq: before.id_seq + (before.len_and_flags & LEN_MASK) - 1,
        })
    }

    /// Checks that every entry's parents are stored or implied, and stored ones are sorted by
    /// entry index. Panics if not.
    fn check_parents_table(&self) {
        let mut stored = self.other_parents.iter().map(|(index, _)| *index as usize);
        for index in 0..self.entries.len() {
            if self.entries.get(index).own_parents() {
                assert_eq!(stored.next(), Some(index), "entry {index}'s parents are not stored");
            } else {
                assert!(index > 0, "the first entry has no entry before it to imply its parents");
            }
        }
        assert_eq!(stored.next(), None, "parents stored for an entry that implies them");
    }
}

impl<V: EntryVec<PackedEntry>> EntryStore for CompactEntries<V> {
    #[inline]
    fn len(&self) -> usize {
        self.entries.len()
    }
    #[inline]
    fn core(&self, index: usize) -> EntryCore {
        self.entries.get(index).unpack()
    }
    #[inline]
    fn last_core(&self) -> Option<EntryCore> {
        self.last
    }
    fn parents(&self, index: usize) -> ParentsRef<'_> {
        if !self.entries.get(index).own_parents() {
            let parent = self.implied_parent(index).expect("the first entry stores its parents");
            return ParentsRef::One(parent);
        }
        let at = self
            .other_parents
            .binary_search_by_key(&index, |(stored, _)| *stored as usize)
            .expect("entry flagged with stored parents has none");
        (&self.other_parents[at].1).into()
    }
    #[inline]
    fn push(&mut self, core: EntryCore, parents: Parents) {
        let implied = matches!(parents, Parents::One(parent) if Some(parent) == self.implied_parent(self.entries.len()));
        if !implied {
            let index = to_u32(self.entries.len(), "entry index");
            self.other_parents.push((index, parents));
        }
        self.entries.push(PackedEntry::pack(core, !implied));
        self.last = Some(core);
    }
    #[inline]
    fn set_last_core(&mut self, core: EntryCore) {
        let last = self.entries.last_mut().expect("no entry to extend");
        let own_parents = last.own_parents();
        let packed = PackedEntry::pack(core, own_parents);
        // Only what a growing run changes (its length, direction and text end) is written:
        // a full store of 36 bytes per extension was measurable on automerge-paper.
        debug_assert_eq!(
            (last.id_agent, last.id_seq, &last.payload[..5]),
            (packed.id_agent, packed.id_seq, &packed.payload[..5]),
            "set_last_core changed more than the run's length"
        );
        last.len_and_flags = packed.len_and_flags;
        last.payload[5] = packed.payload[5];
        self.last = Some(core);
    }
    fn assert_invariants(&self) {
        self.entries.assert_invariants();
        self.check_parents_table();
        assert_eq!(self.last, self.entries.last().map(|last| last.unpack()), "the unpacked last entry is stale");
    }
}

// ---------------------------------------------------------------------------------------------

/// A [`LeanEntries`] entry: six `u32`s. The entry's agent is not here ([`LeanEntries`] keeps
/// agents as runs of entries), nor its parents when they are the entry before's last char op,
/// nor the start of its text (the entry before's `text_end`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeanEntry {
    seq: u32,
    /// Bits 0..29: length. Bit 31: delete. Bit 30: backward. Bit 29: parents stored apart.
    len_and_flags: u32,
    /// Insert: the left origin's seq. Delete: the target's seq.
    a: u32,
    /// Insert: the right origin's seq. Delete: the target's agent.
    b: u32,
    /// Insert: the left origin's agent in the low 16 bits, the right one's in the high 16
    /// ([`AGENT16_NONE`] for none, [`AGENT16_FAR`] for an agent that does not fit, found in
    /// `LeanEntries::far_origins`). Delete: 0.
    origin_agents: u32,
    /// Bytes of the log's inserted text up to the end of this entry: an insert's text runs
    /// from the entry before's `text_end` to its own.
    text_end: u32,
}

const _: () = assert!(std::mem::size_of::<LeanEntry>() == 24);

/// An absent origin's 16-bit agent.
const AGENT16_NONE: u32 = 0xFFFF;
/// The 16-bit agent of an origin whose agent is `AGENT16_FAR` or more: stored apart.
const AGENT16_FAR: u32 = 0xFFFE;
/// The longest run a lean entry holds.
const LEAN_LEN_MASK: u32 = OWN_PARENTS_BIT - 1;

/// Entries of 24 bytes ([`LeanEntry`]) in [`Chunks`] of `CHUNK`, built from the op's own
/// fields, and side tables for what is rare: the agent of each run of entries, parents that
/// are not the entry before's last char op, origins whose agent needs more than 16 bits.
#[derive(Clone, Debug)]
pub struct LeanEntries<const CHUNK: usize = 1024, const CACHE_LAST: bool = true> {
    entries: Chunks<LeanEntry, CHUNK>,
    /// `(first entry index, agent)` for each run of entries by one agent, ascending.
    agent_runs: Vec<(u32, AgentId)>,
    /// `(entry index, parents)` of the entries whose parents are not implied, ascending.
    other_parents: Vec<(u32, Parents)>,
    /// `(entry index, origin_left, origin_right)` of the inserts with an origin whose agent
    /// does not fit 16 bits, ascending.
    far_origins: Vec<(u32, Option<Id>, Option<Id>)>,
    /// The last entry's agent and where its text starts (meaningless while there is no
    /// entry): what every push and extension reads of the entry before, kept at hand so that
    /// neither looks it up in the agent runs and the chunks.
    last_agent: AgentId,
    last_text_start: u32,
    /// The last entry's text end: where the next entry's text starts.
    text_end: u32,
    /// The last entry unpacked: every op pushed is first compared with it (can the op extend
    /// it?), which for a peer's ops is every push; unpacking it each time cost more than
    /// keeping the core that `push` has in hand anyway. Only with `CACHE_LAST` (else `None`
    /// and [`EntryStore::last_core`] unpacks the last entry).
    last: Option<EntryCore>,
}

/// An origin's 16-bit agent field, and whether the origin must be stored apart.
#[inline]
fn agent16(origin: Option<Id>) -> (u32, bool) {
    match origin {
        None => (AGENT16_NONE, false),
        Some(id) if id.agent.0 < AGENT16_FAR => (id.agent.0, false),
        Some(_) => (AGENT16_FAR, true),
    }
}

impl<const CHUNK: usize, const CACHE_LAST: bool> Default for LeanEntries<CHUNK, CACHE_LAST> {
    fn default() -> Self {
        LeanEntries {
            entries: Chunks::default(),
            agent_runs: Vec::new(),
            other_parents: Vec::new(),
            far_origins: Vec::new(),
            last_agent: AgentId(0),
            last_text_start: 0,
            text_end: 0,
            last: None,
        }
    }
}

impl<const CHUNK: usize, const CACHE_LAST: bool> LeanEntries<CHUNK, CACHE_LAST> {
    /// The agent of entry `index`.
    #[inline]
    fn agent_of(&self, index: usize) -> AgentId {
        let index = index as u32;
        match self.agent_runs.last() {
            // Most lookups are of recent entries, and a lone agent has one run.
            Some(&(first, agent)) if first <= index => agent,
            _ => {
                let run = self.agent_runs.partition_point(|&(first, _)| first <= index);
                self.agent_runs[run - 1].1
            }
        }
    }

    /// The last char op of entry `index`.
    #[inline]
    fn last_id_of(&self, index: usize) -> Id {
        let entry = self.entries.get(index);
        Id {
            agent: self.agent_of(index),
            seq: entry.seq + (entry.len_and_flags & LEAN_LEN_MASK) - 1,
        }
    }

    /// Where entry `index`'s text starts: where the entry before's ended.
    #[inline]
    fn text_start_of(&self, index: usize) -> u32 {
        index.checked_sub(1).map_or(0, |before| self.entries.get(before).text_end)
    }

    /// An insert's origins from its packed fields (and the far table, if needed).
    fn origins_of(&self, index: usize, entry: &LeanEntry) -> (Option<Id>, Option<Id>) {
        let origin = |agent16: u32, seq: u32| -> Option<Option<Id>> {
            match agent16 {
                AGENT16_NONE => Some(None),
                AGENT16_FAR => None,
                agent => Some(Some(Id { agent: AgentId(agent), seq })),
            }
        };
        let left = origin(entry.origin_agents & 0xFFFF, entry.a);
        let right = origin(entry.origin_agents >> 16, entry.b);
        match (left, right) {
            (Some(left), Some(right)) => (left, right),
            (left, right) => {
                let at = self
                    .far_origins
                    .binary_search_by_key(&(index as u32), |&(stored, _, _)| stored)
                    .expect("an origin flagged far is in the far table");
                let (_, far_left, far_right) = self.far_origins[at];
                (left.unwrap_or(far_left), right.unwrap_or(far_right))
            }
        }
    }

    /// Entry `index` (`entry`, whose agent is `agent` and text starts at `text_start`) as a
    /// core.
    #[inline]
    fn unpack(&self, index: usize, entry: &LeanEntry, agent: AgentId, text_start: u32) -> EntryCore {
        let id = Id { agent, seq: entry.seq };
        let len = entry.len_and_flags & LEAN_LEN_MASK;
        let kind = if entry.len_and_flags & DELETE_BIT != 0 {
            EntryKind::Delete {
                target: Id {
                    agent: AgentId(entry.b),
                    seq: entry.a,
                },
                backward: entry.len_and_flags & BACKWARD_BIT != 0,
            }
        } else {
            let (origin_left, origin_right) = self.origins_of(index, entry);
            EntryKind::Insert {
                origin_left,
                origin_right,
                text_start: text_start as usize,
                text_end: entry.text_end as usize,
            }
        };
        EntryCore { id, len, kind }
    }

    /// The last char op of the last entry.
    #[inline]
    fn last_id(&self) -> Option<Id> {
        let last = self.entries.last()?;
        Some(Id {
            agent: self.last_agent,
            seq: last.seq + (last.len_and_flags & LEAN_LEN_MASK) - 1,
        })
    }

    /// Appends `core` (its parents stored apart by the caller if `own_parents`).
    #[inline(always)]
    fn append(&mut self, core: &EntryCore, own_parents: bool) {
        let index = self.entries.len();
        let (mut entry, far) = Self::pack(core, own_parents);
        let text_start = self.text_end;
        match core.kind {
            EntryKind::Delete { .. } => entry.text_end = text_start,
            EntryKind::Insert { origin_left, origin_right, .. } => {
                self.text_end = entry.text_end;
                if far {
                    self.far_origins.push((to_u32(index, "entry index"), origin_left, origin_right));
                }
            }
        }
        if index == 0 || self.last_agent != core.id.agent {
            self.agent_runs.push((to_u32(index, "entry index"), core.id.agent));
            self.last_agent = core.id.agent;
        }
        self.last_text_start = text_start;
        self.entries.push(entry);
        if CACHE_LAST {
            self.last = Some(*core);
        }
    }

    /// The packed entry for `core` (its agent, parents and text start are the caller's).
    #[inline]
    fn pack(core: &EntryCore, own_parents: bool) -> (LeanEntry, bool) {
        assert!(core.len <= LEAN_LEN_MASK, "a run of {} chars is too long for the lean log", core.len);
        let mut len_and_flags = core.len | if own_parents { OWN_PARENTS_BIT } else { 0 };
        let (a, b, origin_agents, text_end, far) = match core.kind {
            EntryKind::Insert {
                origin_left,
                origin_right,
                text_end,
                ..
            } => {
                let (left_agent, left_far) = agent16(origin_left);
                let (right_agent, right_far) = agent16(origin_right);
                (
                    origin_left.map_or(0, |id| id.seq),
                    origin_right.map_or(0, |id| id.seq),
                    left_agent | right_agent << 16,
                    text_end,
                    left_far || right_far,
                )
            }
            EntryKind::Delete { target, backward } => {
                len_and_flags |= DELETE_BIT | if backward { BACKWARD_BIT } else { 0 };
                // A delete adds no text: its text end is the insert before's.
                (target.seq, target.agent.0, 0, usize::MAX, false)
            }
        };
        let entry = LeanEntry {
            seq: core.id.seq,
            len_and_flags,
            a,
            b,
            origin_agents,
            text_end: if text_end == usize::MAX { 0 } else { to_u32(text_end, "text offset") },
        };
        (entry, far)
    }
}

impl<const CHUNK: usize, const CACHE_LAST: bool> EntryStore for LeanEntries<CHUNK, CACHE_LAST> {
    const MAX_RUN: u32 = LEAN_LEN_MASK;

    #[inline]
    fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    fn seq_and_len(&self, index: usize) -> (u32, u32) {
        let entry = self.entries.get(index);
        (entry.seq, entry.len_and_flags & LEAN_LEN_MASK)
    }

    fn core(&self, index: usize) -> EntryCore {
        self.unpack(index, self.entries.get(index), self.agent_of(index), self.text_start_of(index))
    }

    #[inline]
    fn last_core(&self) -> Option<EntryCore> {
        if CACHE_LAST {
            return self.last;
        }
        let index = self.entries.len().checked_sub(1)?;
        Some(self.unpack(index, self.entries.get(index), self.last_agent, self.last_text_start))
    }

    fn parents(&self, index: usize) -> ParentsRef<'_> {
        if self.entries.get(index).len_and_flags & OWN_PARENTS_BIT == 0 {
            return ParentsRef::One(self.last_id_of(index - 1));
        }
        let at = self
            .other_parents
            .binary_search_by_key(&(index as u32), |(stored, _)| *stored)
            .expect("entry flagged with stored parents has none");
        (&self.other_parents[at].1).into()
    }

    #[inline]
    fn push(&mut self, core: EntryCore, parents: Parents) {
        let implied = matches!(parents, Parents::One(parent) if self.last_id() == Some(parent));
        self.append(&core, !implied);
        if !implied {
            let index = to_u32(self.entries.len() - 1, "entry index");
            self.other_parents.push((index, parents));
        }
    }

    #[inline(always)]
    fn push_after(&mut self, core: EntryCore, parent: Id) {
        debug_assert_eq!(self.last_id(), Some(parent), "push_after: not the last op");
        let _ = parent;
        self.append(&core, false);
    }

    #[inline]
    fn set_last_core(&mut self, core: EntryCore) {
        assert!(core.len <= LEAN_LEN_MASK, "a run of {} chars is too long for the lean log", core.len);
        let last = self.entries.last_mut().expect("no entry to extend");
        debug_assert_eq!(last.seq, core.id.seq, "set_last_core changed the entry's id");
        // Only what a growing run changes: its length, direction and text end.
        last.len_and_flags = (last.len_and_flags & !(LEAN_LEN_MASK | BACKWARD_BIT))
            | core.len
            | match core.kind {
                EntryKind::Delete { backward: true, .. } => BACKWARD_BIT,
                _ => 0,
            };
        if let EntryKind::Insert { text_end, .. } = core.kind {
            last.text_end = to_u32(text_end, "text offset");
            self.text_end = last.text_end;
        }
        if CACHE_LAST {
            self.last = Some(core);
        }
    }

    fn assert_invariants(&self) {
        self.entries.assert_invariants();
        // Agent runs: ascending, starting at entry 0, never two of one agent side by side.
        assert_eq!(self.agent_runs.first().map(|&(first, _)| first), (!self.entries.is_empty()).then_some(0));
        for pair in self.agent_runs.windows(2) {
            assert!(pair[0].0 < pair[1].0, "agent runs out of order");
            assert_ne!(pair[0].1, pair[1].1, "two runs of one agent side by side");
        }
        // Parents: stored exactly for the entries flagged so, in order.
        let mut stored = self.other_parents.iter().map(|&(index, _)| index as usize);
        let mut far = self.far_origins.iter().map(|&(index, _, _)| index as usize);
        let mut text_end = 0;
        for index in 0..self.entries.len() {
            let entry = self.entries.get(index);
            if entry.len_and_flags & OWN_PARENTS_BIT != 0 {
                assert_eq!(stored.next(), Some(index), "entry {index}'s parents are not stored");
            } else {
                assert!(index > 0, "the first entry has no entry before it to imply its parents");
            }
            if entry.len_and_flags & DELETE_BIT == 0 {
                let agents = entry.origin_agents;
                if agents & 0xFFFF == AGENT16_FAR || agents >> 16 == AGENT16_FAR {
                    assert_eq!(far.next(), Some(index), "entry {index}'s far origins are not stored");
                }
                assert!(entry.text_end >= text_end, "entry {index}'s text ends before it starts");
            } else {
                assert_eq!(entry.origin_agents, 0);
                assert_eq!(entry.text_end, text_end, "delete entry {index} moved the text end");
            }
            text_end = entry.text_end;
        }
        assert_eq!(stored.next(), None, "parents stored for an entry that implies them");
        assert_eq!(far.next(), None, "far origins stored for an entry without them");
        if let Some(last) = self.entries.len().checked_sub(1) {
            assert_eq!(self.last_agent, self.agent_of(last), "the last entry's agent is stale");
            assert_eq!(self.last_text_start, self.text_start_of(last), "the last entry's text start is stale");
            assert_eq!(self.text_end, self.entries.get(last).text_end, "the text end is stale");
            let unpacked = self.unpack(last, self.entries.get(last), self.last_agent, self.last_text_start);
            assert_eq!(self.last, CACHE_LAST.then_some(unpacked), "the unpacked last entry is stale");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    fn random_id(rng: &mut SmallRng) -> Id {
        Id {
            // Now and then an agent beyond 16 bits (the lean log stores its origins apart).
            agent: AgentId(if rng.gen_bool(0.05) { 0xFFFE + rng.gen_range(0..3) } else { rng.gen_range(0..4) }),
            seq: rng.gen_range(0..1000),
        }
    }

    fn random_core(rng: &mut SmallRng, text_end: &mut usize) -> EntryCore {
        let len = rng.gen_range(1..50);
        let kind = if rng.gen_bool(0.5) {
            let text_start = *text_end;
            *text_end += len as usize * rng.gen_range(1..=4);
            EntryKind::Insert {
                origin_left: rng.gen_bool(0.8).then(|| random_id(rng)),
                origin_right: rng.gen_bool(0.5).then(|| random_id(rng)),
                text_start,
                text_end: *text_end,
            }
        } else {
            EntryKind::Delete {
                target: random_id(rng),
                backward: len > 1 && rng.gen_bool(0.3),
            }
        };
        EntryCore {
            id: random_id(rng),
            len,
            kind,
        }
    }

    /// Both stores read back what was pushed (parents implied or not) and what the last
    /// entry was changed to, as a plain `Vec` of `(core, parents)` does.
    #[test]
    fn stores_read_back_what_was_pushed() {
        for seed in 0..200 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut model: Vec<(EntryCore, Vec<Id>)> = Vec::new();
            let mut wide = WideEntries::default();
            let mut compact: CompactEntries = CompactEntries::default();
            let mut chunked = ChunkedEntries::<7>::default();
            let mut chunked_compact = ChunkedCompactEntries::<7>::default();
            let mut lean = LeanEntries::<7>::default();
            let mut lean_unpacked = LeanEntries::<7, false>::default();
            let mut positioned = WithPositions::<LeanEntries<7>>::default();
            let mut pos_model: Vec<Option<u32>> = Vec::new();
            let mut text_end = 0;
            for _ in 0..rng.gen_range(0..200) {
                if !model.is_empty() && rng.gen_bool(0.2) {
                    let (core, _) = model.last_mut().unwrap();
                    core.len += rng.gen_range(1..5);
                    let core = *core;
                    wide.set_last_core(core);
                    compact.set_last_core(core);
                    chunked.set_last_core(core);
                    chunked_compact.set_last_core(core);
                    lean.set_last_core(core);
                    lean_unpacked.set_last_core(core);
                    positioned.set_last_core(core);
                    if rng.gen_bool(0.5) {
                        let pos = rng.gen_bool(0.8).then(|| rng.gen_range(0..1000));
                        positioned.set_last_pos(pos);
                        *pos_model.last_mut().unwrap() = pos;
                    }
                    continue;
                }
                let core = random_core(&mut rng, &mut text_end);
                let parents = match (model.last(), rng.gen_range(0..4)) {
                    // The common case: the last op of the entry before.
                    (Some((before, _)), 0 | 1) => vec![before.last_id()],
                    (_, 2) => vec![random_id(&mut rng)],
                    _ => (0..rng.gen_range(0..4)).map(|_| random_id(&mut rng)).collect(),
                };
                wide.push(core, Parents::from_slice(&parents));
                compact.push(core, Parents::from_slice(&parents));
                chunked.push(core, Parents::from_slice(&parents));
                chunked_compact.push(core, Parents::from_slice(&parents));
                lean.push(core, Parents::from_slice(&parents));
                lean_unpacked.push(core, Parents::from_slice(&parents));
                positioned.push(core, Parents::from_slice(&parents));
                pos_model.push(None);
                model.push((core, parents));
            }
            compact.assert_invariants();
            chunked.assert_invariants();
            chunked_compact.assert_invariants();
            lean.assert_invariants();
            lean_unpacked.assert_invariants();
            positioned.assert_invariants();
            assert_eq!(lean.last_core(), model.last().map(|(core, _)| *core), "seed {seed}");
            assert_eq!(lean_unpacked.last_core(), model.last().map(|(core, _)| *core), "seed {seed}");
            for (index, (core, parents)) in model.iter().enumerate() {
                assert_eq!(positioned.core(index), *core, "seed {seed} entry {index}");
                assert_eq!(&*positioned.parents(index), parents.as_slice(), "seed {seed} entry {index}");
                assert_eq!(positioned.pos(index), pos_model[index], "seed {seed} entry {index}");
            }
            // A fork keeps the chunks' room.
            let mut forked = chunked.clone();
            let mut forked_compact = chunked_compact.clone();
            forked.assert_invariants();
            forked_compact.assert_invariants();
            if let Some((core, parents)) = model.last() {
                forked.push(*core, Parents::from_slice(parents));
                forked.assert_invariants();
                forked_compact.push(*core, Parents::from_slice(parents));
                forked_compact.assert_invariants();
            }
            assert_eq!(wide.len(), model.len());
            assert_eq!(chunked.len(), model.len());
            assert_eq!(compact.len(), model.len());
            for (index, (core, parents)) in model.iter().enumerate() {
                assert_eq!(wide.core(index), *core, "seed {seed} entry {index}");
                assert_eq!(compact.core(index), *core, "seed {seed} entry {index}");
                assert_eq!(&*wide.parents(index), parents.as_slice(), "seed {seed} entry {index}");
                assert_eq!(&*compact.parents(index), parents.as_slice(), "seed {seed} entry {index}");
                assert_eq!(chunked.core(index), *core, "seed {seed} entry {index}");
                assert_eq!(&*chunked.parents(index), parents.as_slice(), "seed {seed} entry {index}");
                assert_eq!(chunked_compact.core(index), *core, "seed {seed} entry {index}");
                assert_eq!(&*chunked_compact.parents(index), parents.as_slice(), "seed {seed} entry {index}");
                assert_eq!(lean.core(index), *core, "seed {seed} entry {index}");
                assert_eq!(&*lean.parents(index), parents.as_slice(), "seed {seed} entry {index}");
                assert_eq!(lean.seq_and_len(index), (core.id.seq, core.len), "seed {seed} entry {index}");
                assert_eq!(lean_unpacked.core(index), *core, "seed {seed} entry {index}");
                assert_eq!(&*lean_unpacked.parents(index), parents.as_slice(), "seed {seed} entry {index}");
            }
            assert_eq!(chunked_compact.len(), model.len());
        }
    }

    /// The common case costs no stored parents at all.
    #[test]
    fn local_editing_stores_no_parents() {
        let mut compact: CompactEntries = CompactEntries::default();
        let agent = AgentId(0);
        let mut seq = 0;
        let mut parents = Parents::Other(Vec::new());
        for len in 1..100 {
            let core = EntryCore {
                id: Id { agent, seq },
                len,
                kind: EntryKind::Delete {
                    target: Id { agent, seq: 0 },
                    backward: false,
                },
            };
            compact.push(core, parents);
            parents = Parents::One(core.last_id());
            seq += len;
        }
        assert_eq!(compact.other_parents.len(), 1, "only the first entry stores its (empty) parents");
        compact.assert_invariants();
    }
}
