//! cola-crdt 0.1.1. cola tracks CRDT metadata only and stores no text, so the subject pairs a
//! `cola::Replica` with a jumprope `JumpRope` holding the text; both are timed. cola's length
//! unit is ours to choose: code points, like the traces.

use cola::Replica;
use jumprope::JumpRope;
use traces::units::PosUnit;
use traces::Patch;

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::Subject;

pub struct Cola {
    replica: Replica,
    text: JumpRope,
}

impl Subject for Cola {
    fn new_doc() -> Self {
        // Replica id 0 panics in cola; 1 is this document's agent.
        Cola { replica: Replica::new(1, 0), text: crate::lower_bounds::seeded_rope() }
    }
    fn apply_txn(&mut self, patches: &[Patch]) {
        for p in patches {
            if p.del_chars > 0 {
                let range = p.pos_chars..p.pos_chars + p.del_chars;
                // The returned op is what a peer would be sent; cola's own state (what it needs
                // to merge) is updated either way.
                let _deletion = self.replica.deleted(range.clone());
                self.text.remove(range);
            }
            if !p.ins.is_empty() {
                let len_chars = p.ins.chars().count();
                let _insertion = self.replica.inserted(p.pos_chars, len_chars);
                self.text.insert(p.pos_chars, &p.ins);
            }
        }
    }
    fn text(&mut self) -> String {
        self.text.to_string()
    }
    fn len_chars(&mut self) -> usize {
        self.text.len_chars()
    }
}

pub(crate) fn entry() -> Entry {
    make::<Cola>(SubjectInfo {
        name: "cola",
        label: "cola + jumprope (text)",
        kind: Kind::Library,
        unit: PosUnit::CodePoint,
        version: "cola-crdt 0.1.1 + jumprope 1.1.2",
        notes: "cola stores no text: its Replica is paired with a JumpRope holding the text, both timed",
        skip_traces: &[],
        quick_skip_traces: &[],
    })
}
