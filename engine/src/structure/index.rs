//! Leaf indexes: how the store finds the leaf holding a position, and a leaf's start.
//!
//! The store keeps its leaves in an arena (`Vec<L>`, addressed by [`LeafId`]); an index keeps
//! their document order and their [`Counts`], and answers "which leaf holds visible char
//! `pos_chars` / item `index`, and what comes before it". Each index is one idea of the log:
//! - [`LinearIndex`]: the *chunked weighted list*: per-leaf counts in order, scanned;
//! - [`FenwickIndex`]: the same order, its prefix sums in a Fenwick tree: O(log leaves);
//! - [`PrefixIndex`]: the same order with materialized prefix sums: binary search to find,
//!   O(leaves) to update;
//! - [`BTreeIndex`](crate::structure::btree::BTreeIndex): an order-statistic B-tree over the
//!   leaves.

use std::fmt;

use crate::structure::leaf::Counts;

/// A leaf's place in the store's arena. Stable for the leaf's life (leaves are never freed).
pub type LeafId = u32;

/// The leaf holding a position, and the counts of everything before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// The leaf.
    pub leaf: LeafId,
    /// Items and visible chars in the leaves before it.
    pub start: Counts,
}

/// Document order and counts of the leaves. A new index has one empty leaf, id 0.
pub trait LeafIndex: Clone + Default + fmt::Debug {
    /// Counts of all leaves.
    fn totals(&self) -> Counts;
    /// The first leaf in document order.
    fn first(&self) -> LeafId;
    /// The leaf after `leaf`, if any.
    fn next(&self, leaf: LeafId) -> Option<LeafId>;
    /// The leaf holding visible char `pos_chars` (`< totals().chars`).
    fn find_char(&self, pos_chars: usize) -> Found;
    /// The leaf holding item `index` (`< totals().items`).
    fn find_item(&self, index: usize) -> Found;
    /// Counts of the leaves before `leaf`.
    fn start_of(&self, leaf: LeafId) -> Counts;
    /// `leaf`'s counts grew by `grow` and shrank by `shrink`.
    fn update(&mut self, leaf: LeafId, grow: Counts, shrink: Counts);
    /// Puts the new leaf `new` (its id is the next arena slot) right after `leaf`.
    fn insert_after(&mut self, leaf: LeafId, new: LeafId, counts: Counts);
    /// Checks the index against the leaves' own counts (`counts_of`), in `order`. Panics if
    /// broken.
    fn assert_invariants(&self, counts_of: &dyn Fn(LeafId) -> Counts);
}

// ---------------------------------------------------------------------------------------------

/// The chunked weighted list: leaves in order with their counts, found by scanning the counts.
#[derive(Clone, Debug)]
pub struct LinearIndex {
    /// Leaf ids in document order.
    order: Vec<LeafId>,
    /// Counts of `order[i]`.
    counts: Vec<Counts>,
    /// Where each leaf is in `order` (by leaf id).
    rank: Vec<u32>,
    totals: Counts,
}

impl Default for LinearIndex {
    fn default() -> Self {
        LinearIndex {
            order: vec![0],
            counts: vec![Counts::ZERO],
            rank: vec![0],
            totals: Counts::ZERO,
        }
    }
}

impl LinearIndex {
    /// Rank of the first leaf whose counts, added to those before it, pass `target` by
    /// `key`; and the counts before it.
    #[inline]
    fn scan(&self, target: usize, key: impl Fn(Counts) -> usize) -> (usize, Counts) {
        let mut start = Counts::ZERO;
        for (rank, &counts) in self.counts.iter().enumerate() {
            if key(start) + key(counts) > target {
                return (rank, start);
            }
            start = start.add(counts);
        }
        unreachable!("position {target} is past the end")
    }

    fn found(&self, (rank, start): (usize, Counts)) -> Found {
        Found {
            leaf: self.order[rank],
            start,
        }
    }

    /// Inserts `new` after `leaf` in the order; returns its rank.
    fn insert_in_order(&mut self, leaf: LeafId, new: LeafId, counts: Counts) -> usize {
        let rank = self.rank[leaf as usize] as usize + 1;
        self.order.insert(rank, new);
        self.counts.insert(rank, counts);
        debug_assert_eq!(new as usize, self.rank.len());
        self.rank.push(0);
        for (later_rank, &later) in self.order.iter().enumerate().skip(rank) {
            self.rank[later as usize] = later_rank as u32;
        }
        self.totals = self.totals.add(counts);
        rank
    }

    fn assert_order(&self, counts_of: &dyn Fn(LeafId) -> Counts) {
        let mut totals = Counts::ZERO;
        assert_eq!(self.order.len(), self.rank.len());
        for (rank, &leaf) in self.order.iter().enumerate() {
            assert_eq!(self.rank[leaf as usize] as usize, rank, "stale rank of leaf {leaf}");
            assert_eq!(self.counts[rank], counts_of(leaf), "stale counts of leaf {leaf}");
            totals = totals.add(self.counts[rank]);
        }
        assert_eq!(totals, self.totals, "stale totals");
    }
}

impl LeafIndex for LinearIndex {
    fn totals(&self) -> Counts {
        self.totals
    }
    fn first(&self) -> LeafId {
        self.order[0]
    }
    fn next(&self, leaf: LeafId) -> Option<LeafId> {
        self.order.get(self.rank[leaf as usize] as usize + 1).copied()
    }
    fn find_char(&self, pos_chars: usize) -> Found {
        self.found(self.scan(pos_chars, |c| c.chars))
    }
    fn find_item(&self, index: usize) -> Found {
        self.found(self.scan(index, |c| c.items))
    }
    fn start_of(&self, leaf: LeafId) -> Counts {
        let rank = self.rank[leaf as usize] as usize;
        self.counts[..rank]
            .iter()
            .fold(Counts::ZERO, |sum, &counts| sum.add(counts))
    }
    fn update(&mut self, leaf: LeafId, grow: Counts, shrink: Counts) {
        let counts = &mut self.counts[self.rank[leaf as usize] as usize];
        *counts = counts.add(grow).sub(shrink);
        self.totals = self.totals.add(grow).sub(shrink);
    }
    fn insert_after(&mut self, leaf: LeafId, new: LeafId, counts: Counts) {
        self.insert_in_order(leaf, new, counts);
    }
    fn assert_invariants(&self, counts_of: &dyn Fn(LeafId) -> Counts) {
        self.assert_order(counts_of);
    }
}

// ---------------------------------------------------------------------------------------------

/// The chunked list's prefix sums in a Fenwick (binary indexed) tree: finding a leaf and a
/// leaf's start are O(log leaves), a count update too; a new leaf rebuilds the tree (O(leaves),
/// once per leaf split).
#[derive(Clone, Debug, Default)]
pub struct FenwickIndex {
    list: LinearIndex,
    /// 1-based Fenwick tree over `list.counts`: `tree[i]` sums ranks `i - lowbit(i)..i`.
    tree: Vec<Counts>,
}

impl FenwickIndex {
    fn rebuild(&mut self) {
        let n = self.list.counts.len();
        self.tree.clear();
        self.tree.push(Counts::ZERO);
        self.tree.extend_from_slice(&self.list.counts);
        for i in 1..=n {
            let parent = i + (i & i.wrapping_neg());
            if parent <= n {
                self.tree[parent] = self.tree[parent].add(self.tree[i]);
            }
        }
    }

    /// Sum of the counts of ranks `0..rank`.
    fn prefix(&self, rank: usize) -> Counts {
        let mut sum = Counts::ZERO;
        let mut i = rank;
        while i > 0 {
            sum = sum.add(self.tree[i]);
            i &= i - 1;
        }
        sum
    }

    /// The rank whose range passes `target`, by descending the tree's implicit binary search.
    #[inline]
    fn search(&self, target: usize, key: impl Fn(Counts) -> usize) -> (usize, Counts) {
        if self.tree.is_empty() {
            return self.list.scan(target, key);
        }
        let n = self.tree.len() - 1;
        let mut pos = 0usize;
        let mut start = Counts::ZERO;
        let mut step = if n == 0 { 0 } else { 1usize << (usize::BITS - 1 - n.leading_zeros()) };
        while step > 0 {
            let next = pos + step;
            if next <= n && key(start) + key(self.tree[next]) <= target {
                pos = next;
                start = start.add(self.tree[next]);
            }
            step >>= 1;
        }
        // `pos` ranks sum to at most `target`; rank `pos` is the one that passes it.
        (pos, start)
    }
}

impl LeafIndex for FenwickIndex {
    fn totals(&self) -> Counts {
        self.list.totals
    }
    fn first(&self) -> LeafId {
        self.list.first()
    }
    fn next(&self, leaf: LeafId) -> Option<LeafId> {
        self.list.next(leaf)
    }
    fn find_char(&self, pos_chars: usize) -> Found {
        self.list.found(self.search(pos_chars, |c| c.chars))
    }
    fn find_item(&self, index: usize) -> Found {
        self.list.found(self.search(index, |c| c.items))
    }
    fn start_of(&self, leaf: LeafId) -> Counts {
        if self.tree.is_empty() {
            return self.list.start_of(leaf);
        }
        self.prefix(self.list.rank[leaf as usize] as usize)
    }
    fn update(&mut self, leaf: LeafId, grow: Counts, shrink: Counts) {
        self.list.update(leaf, grow, shrink);
        if self.tree.is_empty() {
            self.rebuild();
            return;
        }
        let mut i = self.list.rank[leaf as usize] as usize + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].add(grow).sub(shrink);
            i += i & i.wrapping_neg();
        }
    }
    fn insert_after(&mut self, leaf: LeafId, new: LeafId, counts: Counts) {
        self.list.insert_in_order(leaf, new, counts);
        self.rebuild();
    }
    fn assert_invariants(&self, counts_of: &dyn Fn(LeafId) -> Counts) {
        self.list.assert_order(counts_of);
        if !self.tree.is_empty() {
            for rank in 0..=self.list.counts.len() {
                let expected = self.list.counts[..rank]
                    .iter()
                    .fold(Counts::ZERO, |sum, &c| sum.add(c));
                assert_eq!(self.prefix(rank), expected, "Fenwick prefix {rank} is stale");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// The chunked list with its prefix sums written out: a binary search finds a leaf, but every
/// count update rewrites the sums of all later leaves.
#[derive(Clone, Debug, Default)]
pub struct PrefixIndex {
    list: LinearIndex,
    /// `ends[rank]`: counts of ranks `0..=rank`. Empty until the first update.
    ends: Vec<Counts>,
}

impl PrefixIndex {
    fn rebuild_from(&mut self, rank: usize) {
        self.ends.resize(self.list.counts.len(), Counts::ZERO);
        let mut sum = if rank == 0 { Counts::ZERO } else { self.ends[rank - 1] };
        for r in rank..self.list.counts.len() {
            sum = sum.add(self.list.counts[r]);
            self.ends[r] = sum;
        }
    }

    #[inline]
    fn search(&self, target: usize, key: impl Fn(Counts) -> usize) -> (usize, Counts) {
        if self.ends.is_empty() {
            return self.list.scan(target, key);
        }
        let rank = self.ends.partition_point(|&end| key(end) <= target);
        let start = if rank == 0 { Counts::ZERO } else { self.ends[rank - 1] };
        (rank, start)
    }
}

impl LeafIndex for PrefixIndex {
    fn totals(&self) -> Counts {
        self.list.totals
    }
    fn first(&self) -> LeafId {
        self.list.first()
    }
    fn next(&self, leaf: LeafId) -> Option<LeafId> {
        self.list.next(leaf)
    }
    fn find_char(&self, pos_chars: usize) -> Found {
        self.list.found(self.search(pos_chars, |c| c.chars))
    }
    fn find_item(&self, index: usize) -> Found {
        self.list.found(self.search(index, |c| c.items))
    }
    fn start_of(&self, leaf: LeafId) -> Counts {
        let rank = self.list.rank[leaf as usize] as usize;
        if self.ends.is_empty() {
            self.list.start_of(leaf)
        } else if rank == 0 {
            Counts::ZERO
        } else {
            self.ends[rank - 1]
        }
    }
    fn update(&mut self, leaf: LeafId, grow: Counts, shrink: Counts) {
        self.list.update(leaf, grow, shrink);
        let rank = if self.ends.is_empty() { 0 } else { self.list.rank[leaf as usize] as usize };
        self.rebuild_from(rank);
    }
    fn insert_after(&mut self, leaf: LeafId, new: LeafId, counts: Counts) {
        let rank = self.list.insert_in_order(leaf, new, counts);
        self.ends.insert(rank, Counts::ZERO);
        self.rebuild_from(rank);
    }
    fn assert_invariants(&self, counts_of: &dyn Fn(LeafId) -> Counts) {
        self.list.assert_order(counts_of);
        if !self.ends.is_empty() {
            let mut sum = Counts::ZERO;
            for (rank, &counts) in self.list.counts.iter().enumerate() {
                sum = sum.add(counts);
                assert_eq!(self.ends[rank], sum, "prefix sum {rank} is stale");
            }
        }
    }
}
