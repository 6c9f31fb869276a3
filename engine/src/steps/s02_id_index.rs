//! s02-id-index: Id lookup without scans: a table from every item id (agent, seq) to the chunk
//! holding it.
//!
//! Predecessor: s01-chunked-list.
//! Why: Remote inserts and deletes find their origins and targets by id; without the table each
//! lookup scans every item. With it, a lookup is one array read, a scan of one chunk and the
//! chunk's start.
//! Invariant: Every item's table entry names the chunk that holds it, and the table names no
//! item the store lacks (updated on insert and on every chunk split).

use crate::doc::Doc;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::structure::index::LinearIndex;
use crate::structure::leaf::CharItems;
use crate::structure::leaf_store::LeafStore;
use crate::structure::id_index::FlatIdIndex;

/// The store of this step: see the module docs.
pub type Store = LeafStore<CharItems<64>, LinearIndex, FlatIdIndex, false>;

/// The step: the CRDT over [`Store`].
pub type S02IdIndex = Doc<Store>;

impl Step for S02IdIndex {
    const INFO: StepInfo = StepInfo {
        name: "s02-id-index",
        predecessor: Some("s01-chunked-list"),
        flags: &["chunks", "id-index"],
        idea: "Id lookup without scans: a table from every item id (agent, seq) to the chunk holding it.",
        why: "Remote inserts and deletes find their origins and targets by id; without the table each lookup scans every item. With it, a lookup is one array read, a scan of one chunk and the chunk's start.",
        invariant: "Every item's table entry names the chunk that holds it, and the table names no item the store lacks (updated on insert and on every chunk split).",
        code: "engine/src/structure/id_index.rs: `IdIndex`; engine/src/structure/leaf_store.rs: `LeafStore` with `ID_INDEX = true` (`set_leaf_of_ids`, `leaf_of_id`)",
        notes: "Local replay never looks an item up by id (a local insert knows its place), so on these traces the table is pure overhead: parity or a little slower. It is there for remote integration, where without it every origin and delete target costs a scan of the document. A run-length version (a BTreeMap per agent from run start to leaf) was tried on the final structure and was 1.7x slower on sveltecomponent than this plain table: it is described in engine/src/structure/id_index.rs.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
