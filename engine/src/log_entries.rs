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
//!   [`Chunks`]: 36 bytes an entry, never copied as the log grows.

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
    /// The parents of entry `index`'s first char op.
    fn parents(&self, index: usize) -> ParentsRef<'_>;
    /// Appends an entry.
    fn push(&mut self, core: EntryCore, parents: Parents);
    /// Replaces the last entry's core (same id; a longer run).
    fn set_last_core(&mut self, core: EntryCore);
    /// Checks the store's own invariants; for tests. Panics if one is broken.
    fn assert_invariants(&self) {}
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
    #[inline]
    fn push(&mut self, value: T) {
        if self.len % CHUNK == 0 {
            self.chunks.push(Vec::with_capacity(CHUNK));
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    fn random_id(rng: &mut SmallRng) -> Id {
        Id {
            agent: AgentId(rng.gen_range(0..4)),
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
                model.push((core, parents));
            }
            compact.assert_invariants();
            chunked.assert_invariants();
            chunked_compact.assert_invariants();
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
