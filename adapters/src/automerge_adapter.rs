//! automerge 0.12: `AutoCommit` with one text object. The text encoding is set explicitly to
//! Unicode code points, so cargo feature unification (`utf16-indexing`) cannot change it.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ReadDoc, TextEncoding, ROOT};
use traces::units::PosUnit;
use traces::Patch;

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::{failed, Subject, WorkloadError};

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

    const SYNC_FORMAT: &'static str = "automerge changes (save_after(&[]): every change chunk)";
    fn export_updates(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Ok(self.doc.save_after(&[]))
    }
    fn import_updates(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let mut doc =
            AutoCommit::new_with_encoding(TextEncoding::UnicodeCodePoint).with_actor(ActorId::from(vec![2u8]));
        doc.load_incremental(bytes).map_err(|e| failed("automerge load_incremental", e))?;
        let text = text_object(&doc)?;
        Ok(Automerge { doc, text })
    }

    const SAVE_FORMAT: &'static str = "automerge document (save(): compressed columnar)";
    fn save(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Ok(self.doc.save())
    }
    fn load(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let options = automerge::LoadOptions::new().text_encoding(TextEncoding::UnicodeCodePoint);
        let doc = AutoCommit::load_with_options(bytes, options).map_err(|e| failed("automerge load", e))?;
        let text = text_object(&doc)?;
        Ok(Automerge { doc, text })
    }
}

/// The id of the root's `text` object of a decoded document.
fn text_object(doc: &AutoCommit) -> Result<ObjId, WorkloadError> {
    match doc.get(ROOT, "text") {
        Ok(Some((automerge::Value::Object(ObjType::Text), id))) => Ok(id),
        other => Err(WorkloadError::Failed(format!("automerge: the decoded document has no text object at \"text\": {other:?}"))),
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
