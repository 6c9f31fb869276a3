//! The order-statistic B-tree over leaves: internal nodes hold, for each child, its item and
//! visible-char counts, so finding the leaf of a position walks one root-to-leaf path
//! (O(log n)), and a count update walks back up. Nodes live in a `Vec` arena and refer to each
//! other by index (no `Box`, no `unsafe`); leaves are the store's arena, and the tree keeps
//! each leaf's parent so a leaf's start (for id lookups) and count updates walk upwards.
//!
//! `NODE` is the most children a node holds before it splits.
//!
//! `BRANCHLESS` (s54): the descent picks a node's child by adding up every child's counts
//! with the ones past the target masked to zero, and a count update finds a child's slot by
//! looking at every slot, so neither loop branches on the data it reads (in an editor's
//! jumps around a document, where the target falls in a node is not predictable).

use crate::structure::index::Found;
use crate::structure::index::LeafId;
use crate::structure::index::LeafIndex;
use crate::structure::leaf::Counts;

type NodeId = u32;
const NO_PARENT: NodeId = NodeId::MAX;

#[derive(Clone, Debug)]
struct Node {
    /// Node ids, or leaf ids if `bottom`.
    children: Vec<u32>,
    /// `counts[i]`: everything under `children[i]`.
    counts: Vec<Counts>,
    parent: NodeId,
    /// Whether the children are leaves.
    bottom: bool,
}

impl Node {
    /// `child`'s slot, found by looking at every slot: no early exit to mispredict.
    #[inline]
    fn slot_of_branchless(&self, child: u32) -> usize {
        let mut slot = 0;
        for (index, &c) in self.children.iter().enumerate() {
            slot |= index & usize::from(c == child).wrapping_neg();
        }
        debug_assert_eq!(self.children[slot], child, "child {child} is not under its parent");
        slot
    }

    fn slot_of(&self, child: u32) -> usize {
        match self.children.iter().position(|&c| c == child) {
            Some(slot) => slot,
            None => unreachable!("child {child} is not under its parent"),
        }
    }

    fn sum(&self) -> Counts {
        self.counts.iter().fold(Counts::ZERO, |sum, &c| sum.add(c))
    }
}

/// An order-statistic B-tree whose nodes have at most `NODE` children.
#[derive(Clone, Debug)]
pub struct BTreeIndex<const NODE: usize, const BRANCHLESS: bool = false> {
    nodes: Vec<Node>,
    root: NodeId,
    /// Parent node of each leaf, by leaf id.
    leaf_parent: Vec<NodeId>,
    totals: Counts,
}

impl<const NODE: usize, const BRANCHLESS: bool> Default for BTreeIndex<NODE, BRANCHLESS> {
    fn default() -> Self {
        const { assert!(NODE >= 4, "a B-tree node needs room for at least 4 children") };
        BTreeIndex {
            nodes: vec![Node {
                children: vec![0],
                counts: vec![Counts::ZERO],
                parent: NO_PARENT,
                bottom: true,
            }],
            root: 0,
            leaf_parent: vec![0],
            totals: Counts::ZERO,
        }
    }
}

impl<const NODE: usize, const BRANCHLESS: bool> BTreeIndex<NODE, BRANCHLESS> {
    #[inline]
    fn find(&self, target: usize, key: impl Fn(Counts) -> usize) -> Found {
        let mut node = &self.nodes[self.root as usize];
        let mut start = Counts::ZERO;
        loop {
            let mut slot = 0;
            if BRANCHLESS {
                // The children wholly before `target` are a prefix (counts are not negative):
                // add every child but the last, each masked to zero once past `target`.
                let mut end = key(start);
                let last = node.counts.len() - 1;
                for &counts in &node.counts[..last] {
                    end += key(counts);
                    let mask = usize::from(end <= target).wrapping_neg();
                    slot += mask & 1;
                    start = start.add(Counts {
                        items: counts.items & mask,
                        chars: counts.chars & mask,
                    });
                }
            } else {
                while slot + 1 < node.counts.len() && key(start) + key(node.counts[slot]) <= target {
                    start = start.add(node.counts[slot]);
                    slot += 1;
                }
            }
            let child = node.children[slot];
            if node.bottom {
                return Found { leaf: child, start };
            }
            node = &self.nodes[child as usize];
        }
    }

    /// Adds `grow - shrink` to the counts on the path from `leaf` to the root.
    fn update_path(&mut self, leaf: LeafId, grow: Counts, shrink: Counts) {
        let mut child = leaf;
        let mut node_id = self.leaf_parent[leaf as usize];
        while node_id != NO_PARENT {
            let node = &mut self.nodes[node_id as usize];
            let slot = if BRANCHLESS { node.slot_of_branchless(child) } else { node.slot_of(child) };
            node.counts[slot] = node.counts[slot].add(grow).sub(shrink);
            child = node_id;
            node_id = node.parent;
        }
        self.totals = self.totals.add(grow).sub(shrink);
    }

    /// Splits `node_id`, which has one child too many, moving its second half into a new
    /// sibling; splits upwards as needed.
    fn split(&mut self, node_id: NodeId) {
        let new_id = self.nodes.len() as NodeId;
        let node = &mut self.nodes[node_id as usize];
        let half = node.children.len() / 2;
        let children = node.children.split_off(half);
        let counts = node.counts.split_off(half);
        let bottom = node.bottom;
        let parent = node.parent;
        let kept = node.sum();
        let sibling = Node {
            children,
            counts,
            parent,
            bottom,
        };
        let moved = sibling.sum();
        for &child in &sibling.children {
            if bottom {
                self.leaf_parent[child as usize] = new_id;
            } else {
                self.nodes[child as usize].parent = new_id;
            }
        }
        self.nodes.push(sibling);
        if parent == NO_PARENT {
            let root_id = self.nodes.len() as NodeId;
            self.nodes.push(Node {
                children: vec![node_id, new_id],
                counts: vec![kept, moved],
                parent: NO_PARENT,
                bottom: false,
            });
            self.nodes[node_id as usize].parent = root_id;
            self.nodes[new_id as usize].parent = root_id;
            self.root = root_id;
            return;
        }
        let parent_node = &mut self.nodes[parent as usize];
        let slot = parent_node.slot_of(node_id);
        parent_node.counts[slot] = kept;
        parent_node.children.insert(slot + 1, new_id);
        parent_node.counts.insert(slot + 1, moved);
        if parent_node.children.len() > NODE {
            self.split(parent);
        }
    }

    fn assert_node(&self, node_id: NodeId, depth: usize, leaf_depth: &mut Option<usize>) -> Counts {
        let node = &self.nodes[node_id as usize];
        assert_eq!(node.children.len(), node.counts.len());
        assert!(!node.children.is_empty() && node.children.len() <= NODE, "node {node_id} size");
        for (slot, &child) in node.children.iter().enumerate() {
            if node.bottom {
                assert_eq!(self.leaf_parent[child as usize], node_id, "leaf {child}'s parent");
                assert_eq!(*leaf_depth.get_or_insert(depth), depth, "leaves at different depths");
            } else {
                assert_eq!(self.nodes[child as usize].parent, node_id, "node {child}'s parent");
                let below = self.assert_node(child, depth + 1, leaf_depth);
                assert_eq!(below, node.counts[slot], "stale counts of node {child}");
            }
        }
        node.sum()
    }
}

impl<const NODE: usize, const BRANCHLESS: bool> LeafIndex for BTreeIndex<NODE, BRANCHLESS> {
    fn totals(&self) -> Counts {
        self.totals
    }

    fn first(&self) -> LeafId {
        let mut node = &self.nodes[self.root as usize];
        while !node.bottom {
            node = &self.nodes[node.children[0] as usize];
        }
        node.children[0]
    }

    fn next(&self, leaf: LeafId) -> Option<LeafId> {
        // Up until a node has a child after ours, then down its leftmost path.
        let mut child = leaf;
        let mut node_id = self.leaf_parent[leaf as usize];
        loop {
            let node = &self.nodes[node_id as usize];
            let slot = node.slot_of(child);
            if slot + 1 < node.children.len() {
                let mut down = node.children[slot + 1];
                let mut bottom = node.bottom;
                while !bottom {
                    let below = &self.nodes[down as usize];
                    bottom = below.bottom;
                    down = below.children[0];
                }
                return Some(down);
            }
            if node.parent == NO_PARENT {
                return None;
            }
            child = node_id;
            node_id = node.parent;
        }
    }

    fn find_char(&self, pos_chars: usize) -> Found {
        debug_assert!(pos_chars < self.totals.chars);
        self.find(pos_chars, |c| c.chars)
    }

    fn find_item(&self, index: usize) -> Found {
        debug_assert!(index < self.totals.items);
        self.find(index, |c| c.items)
    }

    fn start_of(&self, leaf: LeafId) -> Counts {
        let mut start = Counts::ZERO;
        let mut child = leaf;
        let mut node_id = self.leaf_parent[leaf as usize];
        while node_id != NO_PARENT {
            let node = &self.nodes[node_id as usize];
            let slot = node.slot_of(child);
            for &counts in &node.counts[..slot] {
                start = start.add(counts);
            }
            child = node_id;
            node_id = node.parent;
        }
        start
    }

    fn update(&mut self, leaf: LeafId, grow: Counts, shrink: Counts) {
        self.update_path(leaf, grow, shrink);
    }

    fn insert_after(&mut self, leaf: LeafId, new: LeafId, counts: Counts) {
        let parent = self.leaf_parent[leaf as usize];
        debug_assert_eq!(new as usize, self.leaf_parent.len());
        self.leaf_parent.push(parent);
        let node = &mut self.nodes[parent as usize];
        let slot = node.slot_of(leaf);
        node.children.insert(slot + 1, new);
        node.counts.insert(slot + 1, Counts::ZERO);
        // Count the new leaf on the whole path, then split if the parent overflowed.
        self.update_path(new, counts, Counts::ZERO);
        if self.nodes[parent as usize].children.len() > NODE {
            self.split(parent);
        }
    }

    fn assert_invariants(&self, counts_of: &dyn Fn(LeafId) -> Counts) {
        let mut leaf_depth = None;
        let totals = self.assert_node(self.root, 0, &mut leaf_depth);
        assert_eq!(totals, self.totals, "stale totals");
        assert_eq!(self.nodes[self.root as usize].parent, NO_PARENT);
        for (leaf, &parent) in self.leaf_parent.iter().enumerate() {
            let node = &self.nodes[parent as usize];
            let slot = node.slot_of(leaf as LeafId);
            assert_eq!(node.counts[slot], counts_of(leaf as LeafId), "stale counts of leaf {leaf}");
        }
    }
}
