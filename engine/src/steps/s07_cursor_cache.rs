//! s07-cursor-cache: Cursor cache: the chunk of the last lookup and its start are remembered; a
//! lookup that falls in that chunk skips the index. Any change to another chunk (e.g. a remote
//! insert) clears it.
//!
//! Predecessor: s05-fenwick.
//! Why: Editing traces are local: most edits land in the chunk of the previous one, and every
//! edit does several lookups there (the origin, the insert, the delete), so most lookups become
//! a bounds check.
//! Invariant: A cached cursor's start equals the index's start of its chunk (checked after
//! every op in tests, including after remote integration).

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::index::FenwickIndex;
use crate::structure::leaf::Spans;
use crate::structure::leaf::WideSpan;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<Spans<WideSpan, 64>, FenwickIndex, FlatIdIndex, true>;

/// The step: the CRDT over [`Store`].
pub type S07CursorCache = Doc<Store>;

impl Step for S07CursorCache {
    const INFO: StepInfo = StepInfo {
        name: "s07-cursor-cache",
        predecessor: Some("s05-fenwick"),
        flags: &["chunks", "id-index", "spans", "fenwick", "cursor-cache"],
        idea: "Cursor cache: the chunk of the last lookup and its start are remembered; a lookup that falls in that chunk skips the index. Any change to another chunk (e.g. a remote insert) clears it.",
        why: "Editing traces are local: most edits land in the chunk of the previous one, and every edit does several lookups there (the origin, the insert, the delete), so most lookups become a bounds check.",
        invariant: "A cached cursor's start equals the index's start of its chunk (checked after every op in tests, including after remote integration).",
        code: "engine/src/structure/leaf_store.rs: `LeafStore` with `CURSOR = true` (`cursor`, `find_char`, `find_item`, `will_change`)",
        notes: "The cursor remembers the chunk and, inside it, the entry the last local edit touched, so typing on scans from there instead of from the chunk's start. Any edit elsewhere clears it (tested by the model test's mix of local and remote operations and by the conformance histories).",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
