//! s03-spans: Span coalescing: consecutive ids typed in a row are one run-length entry (id,
//! len, origins, tombstone flag); a chunk holds up to 64 spans and their text.
//!
//! Predecessor: s02-id-index.
//! Why: Typing makes long runs, so a chunk covers many more chars, scans inside a chunk visit
//! spans not chars, and a typed char usually just extends the last span.
//! Invariant: No two adjacent spans in a chunk could be one span (same tombstone state, next
//! id, left origin = the previous last id, same right origin); a chunk's text has one char per
//! item.

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::index::LinearIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 64>, LinearIndex, FlatIdIndex, false>;

/// The step: the CRDT over [`Store`].
pub type S03Spans = Doc<Store>;

impl Step for S03Spans {
    const INFO: StepInfo = StepInfo {
        name: "s03-spans",
        predecessor: Some("s02-id-index"),
        flags: &["chunks", "id-index", "spans"],
        idea: "Span coalescing: consecutive ids typed in a row are one run-length entry (id, len, origins, tombstone flag); a chunk holds up to 64 spans and their text.",
        why: "Typing makes long runs, so a chunk covers many more chars, scans inside a chunk visit spans not chars, and a typed char usually just extends the last span.",
        invariant: "No two adjacent spans in a chunk could be one span (same tombstone state, next id, left origin = the previous last id, same right origin); a chunk's text has one char per item.",
        code: "engine/src/structure/leaf.rs: `Spans`, `Span` (`is_continued_by`, `split_span`, `merge_in`)",
        notes: "The second biggest step: typing coalesces into spans, so a chunk covers hundreds of chars and scans visit spans, not chars; the largest gain is on rustcode, whose big pastes and deletes become one span operation.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
