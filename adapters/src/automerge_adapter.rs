//! automerge 0.12: `AutoCommit` with one text object. The text encoding is set explicitly to
//! Unicode code points, so cargo feature unification (`utf16-indexing`) cannot change it.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ReadDoc, TextEncoding, ROOT};
use traces::units::PosUnit;
use traces::Patch;

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::Subject;

pub struct Automerge {
    doc: AutoCommit,
    text: ObjId,
}

impl Subject for Automerge {
    fn new_doc() -> Self {
        let mut doc =
            AutoCommit::new_with_encoding(TextEncoding::UnicodeCodePoint).with_actor(ActorId::from(vec![1u8]));
        let text = doc.put_object(ROOT, "text", ObjType::Text).expect("create text object");
        Automerge { doc, text }
    }
    fn apply_txn(&mut self, patches: &[Patch]) {
        for p in patches {
            self.doc.splice_text(&self.text, p.pos_chars, p.del_chars as isize, &p.ins).expect("automerge splice_text");
        }
        self.doc.commit();
    }
    fn text(&mut self) -> String {
        self.doc.text(&self.text).expect("read automerge text")
    }
    fn save(&mut self) -> Result<Vec<u8>, crate::Unsupported> {
        Ok(self.doc.save())
    }
}

pub(crate) fn entry() -> Entry {
    make::<Automerge>(SubjectInfo {
        name: "automerge",
        label: "automerge",
        kind: Kind::Library,
        unit: PosUnit::CodePoint,
        version: "automerge 0.12.0",
        notes: "AutoCommit with TextEncoding::UnicodeCodePoint; splice_text per patch; commit() at each transaction boundary",
        skip_traces: &[],
        quick_skip_traces: &[],
    })
}
