//! s04-compact-spans: Compact span layout: a span packed into seven u32s (28 bytes instead of
//! 40): tombstone flag in the length's top bit, None origins as a reserved agent.
//!
//! Predecessor: s03-spans.
//! Why: The scans inside a chunk read every span's length; fewer bytes per span means fewer
//! cache lines per scan and smaller chunks to memmove on insert.
//! Invariant: size_of::<PackedSpan>() == 28 (a compile-time assertion), and every span round-
//! trips through the packing.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::index::LinearIndex;
use crate::structure::leaf::PackedSpan;
use crate::structure::leaf::Spans;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<PackedSpan, 64>, LinearIndex, FlatIdIndex, false>;

/// The step: the CRDT over [`Store`].
pub type S04CompactSpans = Doc<Store>;

impl Step for S04CompactSpans {
    const INFO: StepInfo = StepInfo {
        name: "s04-compact-spans",
        predecessor: Some("s03-spans"),
        flags: &["chunks", "id-index", "spans", "compact-spans"],
        idea: "Compact span layout: a span packed into seven u32s (28 bytes instead of 40): tombstone flag in the length's top bit, None origins as a reserved agent.",
        why: "The scans inside a chunk read every span's length; fewer bytes per span means fewer cache lines per scan and smaller chunks to memmove on insert.",
        invariant: "size_of::<PackedSpan>() == 28 (a compile-time assertion), and every span round-trips through the packing.",
        code: "engine/src/structure/leaf.rs: `PackedSpan` (the `SpanLayout` trait)",
        notes: "Reverted: slower than its predecessor in every full log run (0.84x to 0.88x of s03's speed geometrically; an early development run with three samples had it at 1.10x, which is why it was first kept). Packing does not pay here: the hot scans read only a span's length and tombstone flag, which are as cheap in the wide layout, while every split, coalescing check and insert packs and unpacks whole spans. s05 and every later step build on s03's wide spans; the packed layout stays in the code (and in the model test) for this step.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
