//! Leaves: what a chunk (chunked list) or a B-tree leaf holds. A leaf is a short run of items
//! in document order; the store above it only ever asks a leaf about offsets *within* it.
//!
//! Two kinds, each one idea of the log:
//! - [`CharItems`]: one entry per char (step 0's items, cut into chunks);
//! - [`Spans`]: run-length entries, one per run of consecutive ids typed in a row
//!   (*span coalescing*), over a [`SpanLayout`]: [`WideSpan`] (plain fields) or
//!   [`PackedSpan`] (the *compact span layout*, 28 bytes instead of 40).
//!
//! A leaf's `CAP` is the number of entries (chars or spans) above which the store splits it.

use std::cell::Cell;
use std::fmt;
use std::ops::Range;

use crate::id::AgentId;
use crate::store::Id;
use crate::store::ItemRun;
use crate::store::StoredItem;

/// Item and visible-char counts: a leaf's weight, or the sum over the leaves before one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Items, tombstones included.
    pub items: usize,
    /// Visible chars.
    pub chars: usize,
}

impl Counts {
    /// No items.
    pub const ZERO: Counts = Counts { items: 0, chars: 0 };

    pub(crate) fn add(self, other: Counts) -> Counts {
        Counts {
            items: self.items + other.items,
            chars: self.chars + other.chars,
        }
    }

    pub(crate) fn sub(self, other: Counts) -> Counts {
        Counts {
            items: self.items - other.items,
            chars: self.chars - other.chars,
        }
    }
}

/// A remembered entry of a leaf (for the cursor cache): its index and the counts of the
/// entries before it. Valid while no entry before it changes; the local edits that return one
/// guarantee that for the leaf they leave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryHint {
    /// Entry index in the leaf.
    pub index: usize,
    /// Items and visible chars in the entries before it.
    pub start: Counts,
}

/// Where a local insert goes inside a leaf: see [`Leaf::local_place`].
#[derive(Clone, Copy, Debug)]
pub struct LocalPlace {
    /// Offset the new run's first item gets.
    pub item: usize,
    /// The item before it: the left origin.
    pub origin_left: Id,
    /// The item after it, if in this leaf.
    pub origin_right: Option<Id>,
    /// Leaf-specific: the entry holding the left origin, and the left origin's offset in it.
    pub hint: (usize, u32),
    /// The entry hint that is valid after the insert (`None`: the leaf does not use hints).
    pub entry_after: Option<EntryHint>,
}

/// A leaf of items. Offsets (`item`) count items within the leaf, tombstones included;
/// `pos_chars` counts the leaf's visible chars.
pub trait Leaf: Clone + Default + fmt::Debug {
    /// Whether the leaf holds more entries than its capacity and must be split.
    fn is_overfull(&self) -> bool;
    /// Items and visible chars in the leaf.
    fn counts(&self) -> Counts;
    /// Offset of the item holding visible char `pos_chars`. Requires `pos_chars <
    /// counts().chars`.
    fn item_of_char(&self, pos_chars: usize) -> usize;
    /// Offset of the item with id `id`, if the leaf has it.
    fn item_of_id(&self, id: Id) -> Option<usize>;
    /// Visible chars among the items before offset `item` (`<= len`): where the item is in the
    /// visible text, for a store that keeps the text apart from the tree.
    fn chars_before(&self, item: usize) -> usize;
    /// The run starting at `item`, to the end of the entry holding it.
    fn run_at(&self, item: usize) -> ItemRun;
    /// Whether the item at `item` is a tombstone.
    fn is_deleted(&self, item: usize) -> bool;
    /// Inserts `run` (visible) so that its first item gets offset `item` (`<= len`).
    fn insert_run(&mut self, item: usize, run: ItemRun, text: &str);
    /// Where a local insert right after visible char `pos_chars` goes, found in one pass: the
    /// offset for the new run, the left origin (that char's item), and the right origin if it
    /// is in this leaf (`None`: the leaf ends there; look in the next leaf). The result is
    /// opaque to the store; pass it back to [`Leaf::insert_run_at`]. `hint`, from the
    /// previous local edit in this leaf, lets the search start there instead of at the
    /// leaf's first entry.
    fn local_place(&self, pos_chars: usize, hint: Option<EntryHint>) -> LocalPlace;
    /// [`Leaf::insert_run`] at a place [`Leaf::local_place`] found, without searching again.
    fn insert_run_at(&mut self, place: &LocalPlace, run: ItemRun, text: &str);
    /// Makes the item at `item` a tombstone; returns whether it was visible.
    fn mark_deleted(&mut self, item: usize) -> bool;
    /// Makes tombstones of the items from `item` on that continue its id (`id + 1`, ...), up
    /// to `max_len` and to the end of the entry holding `item`; returns how many (at least 1).
    /// Default: one item.
    fn mark_deleted_run(&mut self, item: usize, max_len: usize) -> usize {
        debug_assert!(max_len >= 1);
        self.mark_deleted(item);
        1
    }
    /// Where an insert right after the item with id `id` goes, as [`Leaf::local_place`] finds
    /// it for a visible char (`origin_left` is `id`), found in one pass over the leaf; pass it
    /// to [`Leaf::insert_run_at`]. `None` if the leaf does not hold `id`, or cannot find a
    /// place by id (the default; the store then goes by index).
    ///
    /// `need_item: false` when the caller does not read the place's `item`: a leaf that does
    /// not need it either for `insert_run_at` may then skip counting the items before the
    /// place and leave `item` 0.
    fn place_after_id(&self, id: Id, need_item: bool) -> Option<LocalPlace> {
        let _ = (id, need_item);
        None
    }
    /// [`Leaf::mark_deleted_run`] from the item with id `id`; `None` if the leaf does not
    /// hold it. The default finds the item's offset first; a leaf that can mark what it
    /// found in the same pass overrides it.
    fn mark_deleted_id_run(&mut self, id: Id, max_len: usize) -> Option<usize> {
        let item = self.item_of_id(id)?;
        Some(self.mark_deleted_run(item, max_len))
    }
    /// Makes tombstones of up to `max_chars` visible chars from `pos_chars` on (to the leaf's
    /// end at most), reporting runs of consecutive ids in document order. Returns how many,
    /// and an entry hint valid afterwards. `hint` as in [`Leaf::local_place`].
    fn delete_visible(
        &mut self,
        pos_chars: usize,
        max_chars: usize,
        hint: Option<EntryHint>,
        on_deleted: &mut dyn FnMut(Id, u32),
    ) -> (usize, Option<EntryHint>);
    /// Moves the second half of the entries into a new leaf.
    fn split_off_half(&mut self) -> Self;
    /// Moves the items from offset `item` (`<= len`) on into a new leaf, splitting an entry
    /// if `item` falls inside one.
    fn split_off_at(&mut self, item: usize) -> Self;
    /// The most items a bulk insert puts in one fresh leaf (see `LeafStore`'s `BULK_INSERT`):
    /// half the item cap, so that later typing into those leaves has room. `usize::MAX` for
    /// a leaf without an item cap (no run is long enough to need it).
    const BULK_CHUNK_ITEMS: usize;
    /// Calls `f(first_id, len)` for every entry: for the id index.
    fn for_each_id_run(&self, f: &mut dyn FnMut(Id, u32));
    /// Whether the leaf keeps its items' chars. A leaf without (`Spans` with `TEXT = false`)
    /// leaves the text to something else: a rope beside the tree (`TextApart`) or the op log,
    /// which has every inserted char (*text in the log*, see [`Leaf::push_visible_runs`]).
    const TEXT: bool = true;
    /// Whether the leaf keeps its items' origins (see [`SpanLayout::ORIGINS`]).
    const ORIGINS: bool = true;
    /// Appends the visible chars `range_chars` of this leaf to `out`. Requires
    /// [`Leaf::TEXT`].
    fn push_text(&self, range_chars: Range<usize>, out: &mut String);
    /// Appends the ids of the visible chars `range_chars` of this leaf to `out`, as runs
    /// `(first id, len)` of consecutive ids (not necessarily the longest): what a reader looks
    /// up in the op log when the leaf keeps no text.
    fn push_visible_runs(&self, range_chars: Range<usize>, out: &mut Vec<(Id, u32)>);
    /// Appends every item to `out`.
    fn dump(&self, out: &mut Vec<StoredItem>);
    /// Checks the leaf's cached counts and entries. Panics if broken.
    fn assert_invariants(&self);
}

// ---------------------------------------------------------------------------------------------
// One entry per char.

/// One entry per char: step 0's items in chunks of at most `CAP`.
#[derive(Clone, Debug, Default)]
pub struct CharItems<const CAP: usize> {
    items: Vec<StoredItem>,
    len_chars: usize,
}

impl<const CAP: usize> Leaf for CharItems<CAP> {
    fn is_overfull(&self) -> bool {
        self.items.len() > CAP
    }

    fn counts(&self) -> Counts {
        Counts {
            items: self.items.len(),
            chars: self.len_chars,
        }
    }

    fn item_of_char(&self, pos_chars: usize) -> usize {
        let mut visible_before = 0;
        for (item, stored) in self.items.iter().enumerate() {
            if !stored.deleted {
                if visible_before == pos_chars {
                    return item;
                }
                visible_before += 1;
            }
        }
        unreachable!("char {pos_chars} is not in this leaf")
    }

    fn item_of_id(&self, id: Id) -> Option<usize> {
        self.items.iter().position(|stored| stored.id == id)
    }

    fn chars_before(&self, item: usize) -> usize {
        self.items[..item].iter().filter(|stored| !stored.deleted).count()
    }

    fn run_at(&self, item: usize) -> ItemRun {
        let stored = &self.items[item];
        ItemRun {
            id: stored.id,
            len: 1,
            origin_left: stored.origin_left,
            origin_right: stored.origin_right,
        }
    }

    fn is_deleted(&self, item: usize) -> bool {
        self.items[item].deleted
    }

    fn insert_run(&mut self, item: usize, run: ItemRun, text: &str) {
        let new_items = run.items(text);
        self.items.splice(item..item, new_items);
        self.len_chars += run.len as usize;
    }

    fn local_place(&self, pos_chars: usize, _hint: Option<EntryHint>) -> LocalPlace {
        let item = self.item_of_char(pos_chars);
        LocalPlace {
            item: item + 1,
            origin_left: self.items[item].id,
            origin_right: self.items.get(item + 1).map(|stored| stored.id),
            hint: (item, 0),
            entry_after: None,
        }
    }

    fn insert_run_at(&mut self, place: &LocalPlace, run: ItemRun, text: &str) {
        self.insert_run(place.item, run, text);
    }

    fn mark_deleted(&mut self, item: usize) -> bool {
        let stored = &mut self.items[item];
        let was_visible = !stored.deleted;
        stored.deleted = true;
        self.len_chars -= usize::from(was_visible);
        was_visible
    }

    fn delete_visible(
        &mut self,
        pos_chars: usize,
        max_chars: usize,
        _hint: Option<EntryHint>,
        on_deleted: &mut dyn FnMut(Id, u32),
    ) -> (usize, Option<EntryHint>) {
        let mut item = self.item_of_char(pos_chars);
        let mut deleted = 0;
        while deleted < max_chars && item < self.items.len() {
            let stored = &mut self.items[item];
            if !stored.deleted {
                stored.deleted = true;
                deleted += 1;
                on_deleted(stored.id, 1);
            }
            item += 1;
        }
        self.len_chars -= deleted;
        (deleted, None)
    }

    fn split_off_half(&mut self) -> Self {
        self.split_off_at(self.items.len() / 2)
    }

    const BULK_CHUNK_ITEMS: usize = if CAP / 2 > 0 { CAP / 2 } else { 1 };

    fn split_off_at(&mut self, item: usize) -> Self {
        let items = self.items.split_off(item);
        let moved_chars = items.iter().filter(|stored| !stored.deleted).count();
        self.len_chars -= moved_chars;
        CharItems {
            items,
            len_chars: moved_chars,
        }
    }

    fn for_each_id_run(&self, f: &mut dyn FnMut(Id, u32)) {
        for stored in &self.items {
            f(stored.id, 1);
        }
    }

    fn push_text(&self, range_chars: Range<usize>, out: &mut String) {
        let visible = self.items.iter().filter(|stored| !stored.deleted);
        out.extend(
            visible
                .skip(range_chars.start)
                .take(range_chars.len())
                .map(|stored| stored.ch),
        );
    }

    fn push_visible_runs(&self, range_chars: Range<usize>, out: &mut Vec<(Id, u32)>) {
        let visible = self.items.iter().filter(|stored| !stored.deleted);
        out.extend(visible.skip(range_chars.start).take(range_chars.len()).map(|stored| (stored.id, 1)));
    }

    fn dump(&self, out: &mut Vec<StoredItem>) {
        out.extend_from_slice(&self.items);
    }

    fn assert_invariants(&self) {
        let visible = self.items.iter().filter(|stored| !stored.deleted).count();
        assert_eq!(self.len_chars, visible, "leaf len_chars is stale");
    }
}

// ---------------------------------------------------------------------------------------------
// Spans.

/// A run of items with consecutive ids, as the algorithm sees it: what a [`SpanLayout`]
/// stores. Items after the first have the item before them as left origin; all share the
/// right origin and the tombstone flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Id of the first item.
    pub id: Id,
    /// Items, at least 1.
    pub len: u32,
    /// Left origin of the first item.
    pub origin_left: Option<Id>,
    /// Right origin of every item.
    pub origin_right: Option<Id>,
    /// Whether every item is a tombstone.
    pub deleted: bool,
}

impl Span {
    fn last_id(&self) -> Id {
        self.id.plus(self.len - 1)
    }

    /// The offset of `id` in this span, if the span holds it.
    #[inline]
    fn offset_of(&self, id: Id) -> Option<u32> {
        (self.id.agent == id.agent && self.id.seq <= id.seq && id.seq < self.id.seq + self.len).then(|| id.seq - self.id.seq)
    }

    /// The items `offset..` of this span. Without `origins` (the layout keeps none, so the
    /// span's are `None`), the suffix's are `None` too.
    fn suffix(&self, offset: u32, origins: bool) -> Span {
        debug_assert!(offset < self.len);
        Span {
            id: self.id.plus(offset),
            len: self.len - offset,
            origin_left: if offset == 0 || !origins {
                self.origin_left
            } else {
                Some(self.id.plus(offset - 1))
            },
            origin_right: self.origin_right,
            deleted: self.deleted,
        }
    }

    /// Whether `next`, stored right after this span, continues it (so the two can be one).
    /// With `origins` (the layout keeps them), `next`'s origins must be what the merged span
    /// would say; without, a span is only a run of consecutive ids with one tombstone flag
    /// (its items' origins are the op log's), so the ids and the flag decide.
    fn is_continued_by(&self, next: &Span, origins: bool) -> bool {
        self.deleted == next.deleted
            && next.id == self.id.plus(self.len)
            && (!origins || (next.origin_left == Some(self.last_id()) && next.origin_right == self.origin_right))
    }
}

/// How a span is laid out in memory. The algorithm works on [`Span`]; a layout only decides
/// the bytes.
pub trait SpanLayout: Copy + fmt::Debug {
    /// Whether the layout keeps the origins. One that does not ([`IdSpan`], *origins in the
    /// log*) unpacks them as `None`: the document reads an item's origins from its op log,
    /// which holds them for every insert already.
    const ORIGINS: bool = true;
    /// Stores `span`.
    fn pack(span: Span) -> Self;
    /// Reads it back.
    fn unpack(self) -> Span;
    /// `unpack().len`, without unpacking the rest (the hot loops only need the lengths).
    fn len(self) -> u32;
    /// `unpack().deleted`.
    fn deleted(self) -> bool;
}

/// The plain layout: [`Span`] as it is (40 bytes: two `Option<Id>` of 12 bytes each, padding).
pub type WideSpan = Span;

const _: () = assert!(std::mem::size_of::<WideSpan>() == 40);

impl SpanLayout for WideSpan {
    fn pack(span: Span) -> Self {
        span
    }
    fn unpack(self) -> Span {
        self
    }
    fn len(self) -> u32 {
        self.len
    }
    fn deleted(self) -> bool {
        self.deleted
    }
}

/// The compact layout, 28 bytes instead of 40: seven `u32`s, no `Option` discriminants and no
/// padding. The tombstone flag lives in the length's top bit, and a `None` origin is the
/// reserved agent `u32::MAX`. Fewer bytes per span means more spans per cache line in the
/// scans that find an item in a leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PackedSpan {
    id_agent: u32,
    id_seq: u32,
    /// Bit 31: tombstone. Bits 0..31: length.
    len_and_deleted: u32,
    origin_left_agent: u32,
    origin_left_seq: u32,
    origin_right_agent: u32,
    origin_right_seq: u32,
}

const NONE_AGENT: u32 = u32::MAX;
const DELETED_BIT: u32 = 1 << 31;

/// A span's length with its tombstone flag in the top bit: how [`PackedSpan`], [`IdSpan`] and
/// `Spans::lens` keep both in one `u32`.
fn len_word(span: &Span) -> u32 {
    debug_assert!(span.len < DELETED_BIT);
    span.len | if span.deleted { DELETED_BIT } else { 0 }
}

/// The length in a [`len_word`].
#[inline]
fn word_len(word: u32) -> u32 {
    word & !DELETED_BIT
}

/// The tombstone flag in a [`len_word`].
#[inline]
fn word_deleted(word: u32) -> bool {
    word & DELETED_BIT != 0
}

/// The visible chars of a span of `len` items: `len`, or 0 for a tombstone, through a mask
/// made from the flag rather than a branch on it (s53's `BRANCHLESS_SCAN`).
#[inline(always)]
fn visible_len_masked(len: usize, deleted: bool) -> usize {
    len & usize::from(deleted).wrapping_sub(1)
}

const _: () = assert!(std::mem::size_of::<PackedSpan>() == 28);

fn pack_id(id: Option<Id>) -> (u32, u32) {
    match id {
        Some(id) => {
            debug_assert_ne!(id.agent.0, NONE_AGENT);
            (id.agent.0, id.seq)
        }
        None => (NONE_AGENT, 0),
    }
}

fn unpack_id(agent: u32, seq: u32) -> Option<Id> {
    (agent != NONE_AGENT).then_some(Id {
        agent: AgentId(agent),
        seq,
    })
}

impl SpanLayout for PackedSpan {
    fn pack(span: Span) -> Self {
        let (origin_left_agent, origin_left_seq) = pack_id(span.origin_left);
        let (origin_right_agent, origin_right_seq) = pack_id(span.origin_right);
        PackedSpan {
            id_agent: span.id.agent.0,
            id_seq: span.id.seq,
            len_and_deleted: len_word(&span),
            origin_left_agent,
            origin_left_seq,
            origin_right_agent,
            origin_right_seq,
        }
    }
    fn unpack(self) -> Span {
        Span {
            id: Id {
                agent: AgentId(self.id_agent),
                seq: self.id_seq,
            },
            len: self.len(),
            origin_left: unpack_id(self.origin_left_agent, self.origin_left_seq),
            origin_right: unpack_id(self.origin_right_agent, self.origin_right_seq),
            deleted: self.deleted(),
        }
    }
    #[inline]
    fn len(self) -> u32 {
        word_len(self.len_and_deleted)
    }
    #[inline]
    fn deleted(self) -> bool {
        word_deleted(self.len_and_deleted)
    }
}

/// The layout without origins (*origins in the log*): 12 bytes instead of 40, the first id and
/// the length with the tombstone flag in its top bit. An item's origins are a function of
/// its id and the op log (the insert entry's origins for the entry's first char, the char
/// before otherwise), so the tree need not keep a copy; a span is just a run of consecutive
/// ids with one tombstone flag, and two such runs side by side merge whatever their origins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdSpan {
    id_agent: u32,
    id_seq: u32,
    /// Bit 31: tombstone. Bits 0..31: length.
    len_and_deleted: u32,
}

const _: () = assert!(std::mem::size_of::<IdSpan>() == 12);

impl SpanLayout for IdSpan {
    const ORIGINS: bool = false;
    #[inline]
    fn pack(span: Span) -> Self {
        IdSpan {
            id_agent: span.id.agent.0,
            id_seq: span.id.seq,
            len_and_deleted: len_word(&span),
        }
    }
    #[inline]
    fn unpack(self) -> Span {
        Span {
            id: Id {
                agent: AgentId(self.id_agent),
                seq: self.id_seq,
            },
            len: self.len(),
            origin_left: None,
            origin_right: None,
            deleted: self.deleted(),
        }
    }
    #[inline]
    fn len(self) -> u32 {
        word_len(self.len_and_deleted)
    }
    #[inline]
    fn deleted(self) -> bool {
        word_deleted(self.len_and_deleted)
    }
}

/// Run-length entries (one per span) and the leaf's chars, tombstones' chars included, in
/// item order (so an item offset is a char offset into `text`).
///
/// `CAP` bounds the spans; `MAX_ITEMS` (default: unbounded) also bounds the items, so that
/// one long pasted span cannot make a leaf's text (which every insert into the leaf shifts)
/// arbitrarily long: an overfull leaf is then split in the middle of its items.
///
/// `BACK_HINT`: a char before the entry hint (a backspace past the start of the span last
/// edited, a jump back a little) is found by walking back from the hint, not by scanning
/// from the leaf's first span.
///
/// `RESERVE`: a leaf split off another starts with the other's capacities (for spans and
/// text) instead of exactly its contents, so the inserts that refill it do not grow its
/// `Vec` and `String` step by step (each growth a `malloc`, a copy and a `free`).
///
/// `LENS_APART`: the spans' lengths and tombstone flags are also kept in an array of their
/// own (4 bytes a span), which is all that the scans for an item or a char read: 64 spans'
/// lengths are 4 cache lines instead of 40.
///
/// `FULL_SPANS`: a span array that is full grows straight to [`Spans::FULL_CAPACITY`] (`CAP`
/// plus the 2 spans one edit can add before the store splits the leaf), not by doubling from
/// 4; with `RESERVE` a split-off leaf inherits that capacity, so a leaf's spans are allocated
/// once and never copied to grow (a clone, in a fork, keeps that capacity too).
///
/// `TEXT = false` (*text apart*): the leaf keeps no text at all, only ids, origins and counts;
/// the store above it keeps the visible text in a structure of its own ([`TextApart`]).
///
/// `ID_HINT` (s50): a lookup by id starts at the span where the last one found its id
/// ([`Spans::find_id`]); without it the `id_hint` field is there but never read.
///
/// `BRANCHLESS_SCAN` (s53): the scan for a visible position adds a tombstone's length to the
/// visible count as 0 through a mask instead of branching on the flag
/// ([`Spans::locate_char_from`]); the loop's only branch is its exit.
///
/// [`TextApart`]: crate::structure::text_apart::TextApart
#[derive(Debug)]
pub struct Spans<
    S: SpanLayout,
    const CAP: usize,
    const MAX_ITEMS: usize = { usize::MAX },
    const RESERVE: bool = false,
    const BACK_HINT: bool = false,
    const LENS_APART: bool = false,
    const FULL_SPANS: bool = false,
    const TEXT: bool = true,
    const ID_HINT: bool = false,
    const BRANCHLESS_SCAN: bool = false,
> {
    spans: Vec<S>,
    /// With `LENS_APART`: each span's length, its top bit the tombstone flag, in span order
    /// (empty otherwise).
    lens: Vec<u32>,
    text: String,
    counts: Counts,
    /// With `ID_HINT`: the span in which the last lookup by id found its id, where the next
    /// lookup looks first (a hint: checked, and any index is safe).
    id_hint: Cell<u32>,
}

/// `vec.split_off(at)`; with `RESERVE`, the part moved out gets `vec`'s capacity (see
/// [`Spans`]).
fn split_off_vec<T: Copy, const RESERVE: bool>(vec: &mut Vec<T>, at: usize) -> Vec<T> {
    if !RESERVE {
        return vec.split_off(at);
    }
    let mut moved = Vec::with_capacity(vec.capacity());
    moved.extend_from_slice(&vec[at..]);
    vec.truncate(at);
    moved
}


impl<S: SpanLayout, const CAP: usize, const MAX_ITEMS: usize, const RESERVE: bool, const BACK_HINT: bool, const LENS_APART: bool, const FULL_SPANS: bool, const TEXT: bool, const ID_HINT: bool, const BRANCHLESS_SCAN: bool> Clone for Spans<S, CAP, MAX_ITEMS, RESERVE, BACK_HINT, LENS_APART, FULL_SPANS, TEXT, ID_HINT, BRANCHLESS_SCAN> {
    fn clone(&self) -> Self {
        // A derived clone would size the span array to its contents; with `FULL_SPANS` the
        // copy keeps the full capacity, so a fork's leaves do not grow step by step either.
        let spans = if FULL_SPANS && self.spans.capacity() >= Self::FULL_CAPACITY {
            let mut spans = Vec::with_capacity(self.spans.capacity());
            spans.extend_from_slice(&self.spans);
            spans
        } else {
            self.spans.clone()
        };
        Spans {
            spans,
            lens: self.lens.clone(),
            text: self.text.clone(),
            counts: self.counts,
            id_hint: self.id_hint.clone(),
        }
    }
}

impl<S: SpanLayout, const CAP: usize, const MAX_ITEMS: usize, const RESERVE: bool, const BACK_HINT: bool, const LENS_APART: bool, const FULL_SPANS: bool, const TEXT: bool, const ID_HINT: bool, const BRANCHLESS_SCAN: bool> Default for Spans<S, CAP, MAX_ITEMS, RESERVE, BACK_HINT, LENS_APART, FULL_SPANS, TEXT, ID_HINT, BRANCHLESS_SCAN> {
    fn default() -> Self {
        Spans {
            spans: Vec::new(),
            lens: Vec::new(),
            text: String::new(),
            counts: Counts::ZERO,
            id_hint: Cell::new(0),
        }
    }
}

impl<S: SpanLayout, const CAP: usize, const MAX_ITEMS: usize, const RESERVE: bool, const BACK_HINT: bool, const LENS_APART: bool, const FULL_SPANS: bool, const TEXT: bool, const ID_HINT: bool, const BRANCHLESS_SCAN: bool> Spans<S, CAP, MAX_ITEMS, RESERVE, BACK_HINT, LENS_APART, FULL_SPANS, TEXT, ID_HINT, BRANCHLESS_SCAN> {
    /// Calls `f(index, len, deleted)` for the spans from `first` on until it returns
    /// `Some`; reads only the lengths array with `LENS_APART`.
    #[inline(always)]
    fn scan<R>(&self, first: usize, mut f: impl FnMut(usize, usize, bool) -> Option<R>) -> Option<R> {
        if LENS_APART {
            for (index, &entry) in self.lens.iter().enumerate().skip(first) {
                if let Some(found) = f(index, word_len(entry) as usize, word_deleted(entry)) {
                    return Some(found);
                }
            }
        } else {
            for (index, span) in self.spans.iter().enumerate().skip(first) {
                if let Some(found) = f(index, span.len() as usize, span.deleted()) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Span `index`'s length and tombstone flag.
    #[inline(always)]
    fn len_and_deleted(&self, index: usize) -> (usize, bool) {
        if LENS_APART {
            let entry = self.lens[index];
            (word_len(entry) as usize, word_deleted(entry))
        } else {
            let span = self.spans[index];
            (span.len() as usize, span.deleted())
        }
    }

    /// Writes span `index`.
    #[inline]
    fn set_span(&mut self, index: usize, span: Span) {
        self.spans[index] = S::pack(span);
        if LENS_APART {
            self.lens[index] = len_word(&span);
        }
    }

    /// The most spans a leaf holds between two splits: `CAP`, plus what one edit adds before
    /// the store sees the leaf overfull (an insert inside a span: the split and the new span;
    /// a delete: a split at each end of the range; a remote mark: the same).
    pub const FULL_CAPACITY: usize = CAP + 2;

    /// Inserts `span` before span `index`.
    #[inline]
    fn insert_span(&mut self, index: usize, span: Span) {
        if FULL_SPANS && self.spans.len() == self.spans.capacity() {
            self.grow_spans();
        }
        self.spans.insert(index, S::pack(span));
        if LENS_APART {
            self.lens.insert(index, len_word(&span));
        }
    }

    /// With `FULL_SPANS`: makes room for [`Spans::FULL_CAPACITY`] spans at once (or double,
    /// for a leaf that a long paste left over capacity).
    #[cold]
    #[inline(never)]
    fn grow_spans(&mut self) {
        let len = self.spans.len();
        self.spans.reserve_exact(Self::FULL_CAPACITY.max(2 * len) - len);
    }

    /// Removes span `index`.
    #[inline]
    fn remove_span(&mut self, index: usize) {
        self.spans.remove(index);
        if LENS_APART {
            self.lens.remove(index);
        }
    }

    /// The span holding the item with id `id`, the item's offset in it, and the items before
    /// that span; `None` if the leaf does not hold `id`. A linear scan (the id index names the
    /// leaf, not the span).
    #[inline]
    fn locate_id(&self, id: Id) -> Option<(usize, u32, usize)> {
        if ID_HINT {
            let (index, offset) = self.find_id(id)?;
            // The items before: a sum of lengths, lighter than the id scan it replaces.
            let before = (0..index).map(|before| self.len_and_deleted(before).0).sum();
            return Some((index, offset, before));
        }
        let mut before = 0usize;
        for (index, span) in self.spans.iter().enumerate() {
            let span = span.unpack();
            if let Some(offset) = span.offset_of(id) {
                return Some((index, offset, before));
            }
            before += span.len as usize;
        }
        None
    }

    /// The span holding the item with id `id` and the item's offset in it. With `ID_HINT`,
    /// looked for first around the span of the last lookup by id (a peer's ops come in
    /// causal order, and the next one mostly continues or deletes next to what the last one
    /// touched: the same span, the pieces a delete just split it into, or the next), then
    /// from the leaf's start; without, [`Spans::locate_id`]'s scan.
    #[inline]
    fn find_id(&self, id: Id) -> Option<(usize, u32)> {
        if !ID_HINT {
            return self.locate_id(id).map(|(index, offset, _)| (index, offset));
        }
        let at = |index: usize| self.spans[index].unpack().offset_of(id).map(|offset| (index, offset));
        let hint = self.id_hint.get() as usize;
        let near = hint.saturating_sub(1)..(hint + 3).min(self.spans.len());
        let found = near.into_iter().find_map(at).or_else(|| (0..self.spans.len()).find_map(at));
        if let Some((index, _)) = found {
            self.id_hint.set(index as u32);
        }
        found
    }

    /// [`Leaf::mark_deleted_run`] from offset `offset` of span `index`.
    #[inline]
    fn mark_deleted_in_span(&mut self, index: usize, offset: u32, max_len: usize) -> usize {
        let (span_len, deleted) = self.len_and_deleted(index);
        // A span's items have consecutive ids: the run goes on to the span's end.
        let len = (span_len - offset as usize).min(max_len);
        if !deleted {
            let index = self.delete_in_span(index, offset, len as u32);
            self.merge_in(index..index + 2);
        }
        len
    }

    /// The span holding item `item` and the item's offset in it. Requires `item < items`.
    #[inline]
    fn locate(&self, item: usize) -> (usize, u32) {
        let mut before = 0usize;
        let found = self.scan(0, |index, len, _| {
            if item < before + len {
                return Some((index, (item - before) as u32));
            }
            before += len;
            None
        });
        match found {
            Some(found) => found,
            None => unreachable!("item {item} is not in this leaf of {} items", self.counts.items),
        }
    }

    /// The span holding visible char `pos_chars`, the offset in it, and the item offset of
    /// the span's start.
    #[inline]
    fn locate_char(&self, pos_chars: usize) -> (usize, u32, usize) {
        let (index, offset, start) = self.locate_char_from(pos_chars, None);
        (index, offset, start.items)
    }

    /// As [`Spans::locate_char`], starting the scan at `hint` when the char is not before it;
    /// returns the span's start counts.
    #[inline]
    fn locate_char_from(&self, pos_chars: usize, hint: Option<EntryHint>) -> (usize, u32, Counts) {
        let (first, mut start) = match hint {
            Some(hint) if hint.index < self.spans.len() && hint.start.chars <= pos_chars => (hint.index, hint.start),
            // Nearer the hint than the leaf's start: walk back until a span starts at or
            // before the char, then scan forward as usual.
            Some(hint) if BACK_HINT && hint.index < self.spans.len() && pos_chars >= hint.start.chars / 2 => {
                let (mut index, mut start) = (hint.index, hint.start);
                while start.chars > pos_chars {
                    index -= 1;
                    let (len, deleted) = self.len_and_deleted(index);
                    start.items -= len;
                    if BRANCHLESS_SCAN {
                        // As the forward scan below.
                        start.chars -= visible_len_masked(len, deleted);
                    } else if !deleted {
                        start.chars -= len;
                    }
                }
                (index, start)
            }
            _ => (0, Counts::ZERO),
        };
        let found = if BRANCHLESS_SCAN {
            // Tombstones and visible spans alternate unpredictably in an edited document, so a
            // branch on the flag mispredicts often. A tombstone's visible length is 0 here (the
            // flag as a mask): it can never be where `pos_chars` is, since `start.chars <=
            // pos_chars` all along, so only the exit branch is left.
            self.scan(first, |index, len, deleted| {
                let visible = visible_len_masked(len, deleted);
                if pos_chars < start.chars + visible {
                    return Some((index, (pos_chars - start.chars) as u32, start));
                }
                start.chars += visible;
                start.items += len;
                None
            })
        } else {
            self.scan(first, |index, len, deleted| {
                if !deleted {
                    if pos_chars < start.chars + len {
                        return Some((index, (pos_chars - start.chars) as u32, start));
                    }
                    start.chars += len;
                }
                start.items += len;
                None
            })
        };
        match found {
            Some(found) => found,
            None => unreachable!("char {pos_chars} is not in this leaf"),
        }
    }

    /// Byte offset of char (item) `item` in `text`. All-ASCII leaves (the common case) skip
    /// the scan.
    #[inline]
    fn byte_of_item(&self, item: usize) -> usize {
        if self.text.len() == self.counts.items {
            item
        } else {
            self.text
                .char_indices()
                .nth(item)
                .map_or(self.text.len(), |(byte, _)| byte)
        }
    }

    /// Splits span `index` so that a span starts at its offset `offset` (`0 < offset < len`).
    fn split_span(&mut self, index: usize, offset: u32) {
        let span = self.spans[index].unpack();
        let mut head = span;
        head.len = offset;
        self.set_span(index, head);
        self.insert_span(index + 1, span.suffix(offset, S::ORIGINS));
    }

    /// Moves spans `at..` (with their text and counts) into a new leaf.
    fn split_off_spans(&mut self, at: usize) -> Self {
        let spans = split_off_vec::<_, RESERVE>(&mut self.spans, at);
        let lens = if LENS_APART { split_off_vec::<_, RESERVE>(&mut self.lens, at) } else { Vec::new() };
        let mut moved = Counts::ZERO;
        for span in &spans {
            moved.items += span.len() as usize;
            if !span.deleted() {
                moved.chars += span.len() as usize;
            }
        }
        let text = if !TEXT {
            String::new()
        } else if RESERVE {
            let byte = self.byte_of_item(self.counts.items - moved.items);
            // Not more than a full leaf's worth: a long paste is halved many times, and each
            // half taking the paste's whole capacity cost gigabytes (and 1.7x on rustcode).
            let moved_bytes = self.text.len() - byte;
            let mut text = String::with_capacity(self.text.capacity().min(MAX_ITEMS).max(moved_bytes));
            text.push_str(&self.text[byte..]);
            self.text.truncate(byte);
            text
        } else {
            let byte = self.byte_of_item(self.counts.items - moved.items);
            self.text.split_off(byte)
        };
        self.counts = self.counts.sub(moved);
        Spans {
            spans,
            lens,
            text,
            counts: moved,
            id_hint: Cell::new(0),
        }
    }

    /// Merges each span in `range` (clamped to the leaf) into the span before it where that
    /// span continues it.
    fn merge_in(&mut self, range: Range<usize>) {
        let end = range.end.min(self.spans.len());
        let mut index = range.start.max(1);
        let mut end = end;
        while index < end {
            let prev = self.spans[index - 1].unpack();
            let next = self.spans[index].unpack();
            if prev.is_continued_by(&next, S::ORIGINS) {
                let mut merged = prev;
                merged.len += next.len;
                self.set_span(index - 1, merged);
                self.remove_span(index);
                end -= 1;
            } else {
                index += 1;
            }
        }
    }

    /// Inserts `run` at item offset `item`, right after the item at `after` (span index,
    /// offset in it; `None` when `item == 0`).
    fn insert_after_entry(&mut self, item: usize, after: Option<(usize, u32)>, run: ItemRun, text: &str) {
        if TEXT {
            let byte = self.byte_of_item(item);
            self.text.insert_str(byte, text);
        }
        self.counts.items += run.len as usize;
        self.counts.chars += run.len as usize;
        let new = Span {
            id: run.id,
            len: run.len,
            origin_left: run.origin_left,
            origin_right: run.origin_right,
            deleted: false,
        };
        let Some((index, offset)) = after else {
            self.insert_span(0, new);
            return;
        };
        let mut before = self.spans[index].unpack();
        if offset + 1 == before.len {
            // After a span's last item: typing on is the common case, and extends the span.
            if before.is_continued_by(&new, S::ORIGINS) {
                before.len += new.len;
                self.set_span(index, before);
            } else {
                self.insert_span(index + 1, new);
            }
        } else {
            self.split_span(index, offset + 1);
            self.insert_span(index + 1, new);
        }
    }

    /// Makes the items `offset..offset + len` of visible span `index` a tombstone span,
    /// splitting as needed. Returns the index of the tombstone span.
    fn delete_in_span(&mut self, index: usize, offset: u32, len: u32) -> usize {
        let span_len = self.spans[index].len();
        debug_assert!(!self.spans[index].deleted() && offset + len <= span_len);
        let mut index = index;
        if offset > 0 {
            self.split_span(index, offset);
            index += 1;
        }
        if len < span_len - offset {
            self.split_span(index, len);
        }
        let mut span = self.spans[index].unpack();
        span.deleted = true;
        self.set_span(index, span);
        self.counts.chars -= len as usize;
        index
    }
}

impl<S: SpanLayout, const CAP: usize, const MAX_ITEMS: usize, const RESERVE: bool, const BACK_HINT: bool, const LENS_APART: bool, const FULL_SPANS: bool, const TEXT: bool, const ID_HINT: bool, const BRANCHLESS_SCAN: bool> Leaf for Spans<S, CAP, MAX_ITEMS, RESERVE, BACK_HINT, LENS_APART, FULL_SPANS, TEXT, ID_HINT, BRANCHLESS_SCAN> {
    const TEXT: bool = TEXT;
    const ORIGINS: bool = S::ORIGINS;

    fn is_overfull(&self) -> bool {
        self.spans.len() > CAP || self.counts.items > MAX_ITEMS
    }

    fn counts(&self) -> Counts {
        self.counts
    }

    fn item_of_char(&self, pos_chars: usize) -> usize {
        let (_, offset, items_before) = self.locate_char(pos_chars);
        items_before + offset as usize
    }

    fn item_of_id(&self, id: Id) -> Option<usize> {
        let (_, offset, items_before) = self.locate_id(id)?;
        Some(items_before + offset as usize)
    }

    fn place_after_id(&self, id: Id, need_item: bool) -> Option<LocalPlace> {
        // `None`: not counted. Only a leaf with text reads `item` in `insert_run_at` (to find
        // its byte), and counting the items before the span costs more than finding it from
        // the hint; then `item` is left 0.
        let (index, offset, items_before) = if ID_HINT && !need_item && !TEXT {
            let (index, offset) = self.find_id(id)?;
            (index, offset, None)
        } else {
            let (index, offset, items_before) = self.locate_id(id)?;
            (index, offset, Some(items_before))
        };
        let span = self.spans[index].unpack();
        let origin_right = if offset + 1 < span.len {
            Some(span.id.plus(offset + 1))
        } else {
            self.spans.get(index + 1).map(|next| next.unpack().id)
        };
        Some(LocalPlace {
            item: items_before.map_or(0, |items_before| items_before + offset as usize + 1),
            origin_left: id,
            origin_right,
            hint: (index, offset),
            entry_after: None,
        })
    }

    fn mark_deleted_id_run(&mut self, id: Id, max_len: usize) -> Option<usize> {
        let (index, offset) = self.find_id(id)?;
        Some(self.mark_deleted_in_span(index, offset, max_len))
    }

    fn chars_before(&self, item: usize) -> usize {
        if item >= self.counts.items {
            return self.counts.chars;
        }
        let mut items_before = 0usize;
        let mut chars_before = 0usize;
        self.scan(0, |_, len, deleted| {
            if items_before + len > item {
                if !deleted {
                    chars_before += item - items_before;
                }
                return Some(());
            }
            items_before += len;
            if !deleted {
                chars_before += len;
            }
            None
        });
        chars_before
    }

    fn run_at(&self, item: usize) -> ItemRun {
        let (index, offset) = self.locate(item);
        let span = self.spans[index].unpack().suffix(offset, S::ORIGINS);
        ItemRun {
            id: span.id,
            len: span.len,
            origin_left: span.origin_left,
            origin_right: span.origin_right,
        }
    }

    fn is_deleted(&self, item: usize) -> bool {
        self.len_and_deleted(self.locate(item).0).1
    }

    fn insert_run(&mut self, item: usize, run: ItemRun, text: &str) {
        debug_assert!(item <= self.counts.items);
        let after = (item > 0).then(|| self.locate(item - 1));
        self.insert_after_entry(item, after, run, text);
    }

    fn local_place(&self, pos_chars: usize, hint: Option<EntryHint>) -> LocalPlace {
        let (index, offset, start) = self.locate_char_from(pos_chars, hint);
        let items_before = start.items;
        let span = self.spans[index].unpack();
        let origin_right = if offset + 1 < span.len {
            Some(span.id.plus(offset + 1))
        } else {
            self.spans.get(index + 1).map(|next| next.unpack().id)
        };
        LocalPlace {
            item: items_before + offset as usize + 1,
            origin_left: span.id.plus(offset),
            origin_right,
            hint: (index, offset),
            // The insert extends this span or goes after it: its start does not move.
            entry_after: Some(EntryHint { index, start }),
        }
    }

    fn insert_run_at(&mut self, place: &LocalPlace, run: ItemRun, text: &str) {
        self.insert_after_entry(place.item, Some(place.hint), run, text);
    }

    fn mark_deleted(&mut self, item: usize) -> bool {
        let (index, offset) = self.locate(item);
        if self.len_and_deleted(index).1 {
            return false;
        }
        let index = self.delete_in_span(index, offset, 1);
        self.merge_in(index..index + 2);
        true
    }

    fn mark_deleted_run(&mut self, item: usize, max_len: usize) -> usize {
        let (index, offset) = self.locate(item);
        self.mark_deleted_in_span(index, offset, max_len)
    }

    // Pinned: left to LLVM, whether this was inlined into the store's `delete_local`
    // changed with what else the binary held (s50 first got it as a call: +1.5% instructions
    // on a local replay that never runs the code s50 changed).
    #[inline(always)]
    fn delete_visible(
        &mut self,
        pos_chars: usize,
        max_chars: usize,
        hint: Option<EntryHint>,
        on_deleted: &mut dyn FnMut(Id, u32),
    ) -> (usize, Option<EntryHint>) {
        let (mut index, mut offset, start) = self.locate_char_from(pos_chars, hint);
        let first = index;
        // Afterwards the span before `first` may have absorbed a tombstone after it, but its
        // start stays: that is the hint to hand back.
        let hint_after = match first.checked_sub(1) {
            Some(before) => {
                let (len, deleted) = self.len_and_deleted(before);
                EntryHint {
                    index: before,
                    start: Counts {
                        items: start.items - len,
                        chars: start.chars - if deleted { 0 } else { len },
                    },
                }
            }
            None => EntryHint {
                index: 0,
                start: Counts::ZERO,
            },
        };
        let mut deleted = 0usize;
        while deleted < max_chars && index < self.spans.len() {
            let (span_len, span_deleted) = self.len_and_deleted(index);
            if span_deleted {
                index += 1;
                continue;
            }
            let available = span_len as u32 - offset;
            let len = available.min((max_chars - deleted) as u32);
            let target = self.spans[index].unpack().id.plus(offset);
            index = self.delete_in_span(index, offset, len) + 1;
            offset = 0;
            deleted += len as usize;
            on_deleted(target, len);
        }
        self.merge_in(first..index + 1);
        (deleted, Some(hint_after))
    }

    fn split_off_half(&mut self) -> Self {
        if self.spans.len() <= CAP && self.counts.items > MAX_ITEMS {
            // Too many items in few spans: cut in the middle of the items, inside a span if
            // need be.
            self.split_off_at(self.counts.items / 2)
        } else {
            self.split_off_spans(self.spans.len() / 2)
        }
    }

    const BULK_CHUNK_ITEMS: usize = if MAX_ITEMS == usize::MAX { usize::MAX } else { MAX_ITEMS / 2 };

    fn split_off_at(&mut self, item: usize) -> Self {
        if item == self.counts.items {
            return Self::default();
        }
        let (index, offset) = self.locate(item);
        if offset > 0 {
            self.split_span(index, offset);
            self.split_off_spans(index + 1)
        } else {
            self.split_off_spans(index)
        }
    }

    fn for_each_id_run(&self, f: &mut dyn FnMut(Id, u32)) {
        for span in &self.spans {
            let span = span.unpack();
            f(span.id, span.len);
        }
    }

    fn push_text(&self, range_chars: Range<usize>, out: &mut String) {
        assert!(TEXT, "a leaf without text: the store above it keeps the text (see `TextApart`)");
        let mut chars = self.text.chars();
        let mut visible_before = 0usize;
        for span in &self.spans {
            if visible_before >= range_chars.end {
                break;
            }
            let len = span.len() as usize;
            if span.deleted() {
                // `nth(len - 1)` skips `len` chars.
                chars.nth(len - 1);
                continue;
            }
            let skip = range_chars.start.saturating_sub(visible_before).min(len);
            let take = (range_chars.end - visible_before).min(len) - skip;
            if skip > 0 {
                chars.nth(skip - 1);
            }
            out.extend(chars.by_ref().take(take));
            let rest = len - skip - take;
            if rest > 0 {
                chars.nth(rest - 1);
            }
            visible_before += len;
        }
    }

    fn push_visible_runs(&self, range_chars: Range<usize>, out: &mut Vec<(Id, u32)>) {
        let mut visible_before = 0usize;
        for span in &self.spans {
            if visible_before >= range_chars.end {
                break;
            }
            if span.deleted() {
                continue;
            }
            let len = span.len() as usize;
            let skip = range_chars.start.saturating_sub(visible_before).min(len);
            let take = (range_chars.end - visible_before).min(len) - skip;
            if take > 0 {
                out.push((span.unpack().id.plus(skip as u32), take as u32));
            }
            visible_before += len;
        }
    }

    fn dump(&self, out: &mut Vec<StoredItem>) {
        let mut chars = self.text.chars();
        for span in &self.spans {
            let span = span.unpack();
            for offset in 0..span.len {
                let item = span.suffix(offset, S::ORIGINS);
                out.push(StoredItem {
                    id: item.id,
                    origin_left: item.origin_left,
                    origin_right: item.origin_right,
                    ch: if TEXT { chars.next().expect("leaf text shorter than its items") } else { StoredItem::NO_CHAR },
                    deleted: span.deleted,
                });
            }
        }
    }

    fn assert_invariants(&self) {
        let mut counts = Counts::ZERO;
        for (index, span) in self.spans.iter().enumerate() {
            let unpacked = span.unpack();
            assert!(unpacked.len >= 1, "empty span");
            assert_eq!(S::pack(unpacked).unpack(), unpacked, "span layout does not round-trip");
            counts.items += unpacked.len as usize;
            if !unpacked.deleted {
                counts.chars += unpacked.len as usize;
            }
            if index > 0 {
                let prev = self.spans[index - 1].unpack();
                assert!(
                    !prev.is_continued_by(&unpacked, S::ORIGINS),
                    "spans {} and {index} should have been coalesced",
                    index - 1
                );
            }
        }
        assert_eq!(counts, self.counts, "leaf counts are stale");
        if LENS_APART {
            let expected: Vec<u32> = self.spans.iter().map(|span| len_word(&span.unpack())).collect();
            assert_eq!(self.lens, expected, "the lengths array and the spans disagree");
        } else {
            assert!(self.lens.is_empty(), "a lengths array without LENS_APART");
        }
        if TEXT {
            assert_eq!(self.text.chars().count(), counts.items, "leaf text and items disagree");
        } else {
            assert!(self.text.is_empty() && self.text.capacity() == 0, "a leaf without TEXT holds text");
        }
        if FULL_SPANS && RESERVE {
            // Allocated once at full size (a split-off leaf inherits it), or not yet at all.
            let capacity = self.spans.capacity();
            assert!(capacity == 0 || capacity >= Self::FULL_CAPACITY, "a span array of {capacity}, below its full capacity");
        }
    }
}
