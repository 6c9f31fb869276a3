//! s18-buffered-deletes: Delete runs buffered too: the delete key (deletes at one place) and backspace (each delete just before the last) collect and apply as one range.
//!
//! Predecessor: s17-buffered-inserts.
//! Why: After typing, deleting is the commonest edit in the traces, mostly backspace runs; each delete paid a tree lookup and a leaf edit. A backspace run is applied as one range deletion in the tree, and logged as the unbuffered backspaces are (one op per char, last char first: `Doc::delete_backward`), so the op log does not change.
//! Invariant: As s17, for delete runs too: a backspace run holds single-char deletes only, so "last char first" is the order the unbuffered step logs.

use crate::buffered::Buffered;
use crate::registry::Step;
use crate::registry::StepInfo;

/// The store of this step: s16's; the step wraps the document.
pub type Store = crate::steps::s16_deferred_counts::Store;

/// The step: s16's document behind an insert and delete buffer.
pub type S18BufferedDeletes = Buffered<Store, true>;

impl Step for S18BufferedDeletes {
    const INFO: StepInfo = StepInfo {
        name: "s18-buffered-deletes",
        predecessor: Some("s17-buffered-inserts"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=32", "max-items=1024", "deferred-counts", "buffered-inserts", "buffered-deletes"],
        idea: "Delete runs buffered too: the delete key (deletes at one place) and backspace (each delete just before the last) collect and apply as one range.",
        why: "After typing, deleting is the commonest edit in the traces, mostly backspace runs; each delete paid a tree lookup and a leaf edit. A backspace run is applied as one range deletion in the tree, and logged as the unbuffered backspaces are (one op per char, last char first: `Doc::delete_backward`), so the op log does not change.",
        invariant: "As s17, for delete runs too: a backspace run holds single-char deletes only, so \"last char first\" is the order the unbuffered step logs.",
        code: "engine/src/buffered.rs: `Buffered<S, DELETES = true>`; engine/src/doc.rs: `Doc::delete_backward`",
        notes: "`crdt-bench ab engine/s16-deferred-counts engine/s18-buffered-deletes` (both buffers): 1.27x on sveltecomponent, 1.16x on rustcode, 1.72x on seph-blog1, 2.51x on automerge-paper, which has the most keystroke-sized edits. A first design merged any delete just before the run; that logs a different op order than the unbuffered backspaces when a selection is deleted backwards, so a backspace run takes single-char deletes only. The random-session test catches a backspace run applied forwards (first op that differs, seed 0).",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
