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

    const CONCURRENT_STRATEGY: &'static str = "fork per txn (AutoCommit::fork, then with_actor), merge = AutoCommit::merge; every replica descends from one deterministic origin change (actor 00, time 0) that creates the text object; agent i is actor (i+1) as 4 big-endian bytes";
    fn new_agent(agent: u32) -> Result<Self, WorkloadError> {
        // One origin for every replica, byte-identical (fixed actor and time), so that all of
        // them edit the same text object and their origin changes deduplicate on merge.
        let mut doc = AutoCommit::new_with_encoding(TextEncoding::UnicodeCodePoint).with_actor(ActorId::from(vec![0u8]));
        let text = doc.put_object(ROOT, "text", ObjType::Text).map_err(|e| failed("automerge put_object", e))?;
        doc.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
        doc.set_actor(agent_actor(agent));
        Ok(Automerge { doc, text })
    }
    fn fork(&mut self, agent: u32) -> Result<Self, WorkloadError> {
        let doc = self.doc.fork().with_actor(agent_actor(agent));
        Ok(Automerge { doc, text: self.text.clone() })
    }
    fn set_agent(&mut self, agent: u32) -> Result<(), WorkloadError> {
        self.doc.set_actor(agent_actor(agent));
        Ok(())
    }
    fn merge_from(&mut self, other: &mut Self) -> Result<(), WorkloadError> {
        self.doc.merge(&mut other.doc).map_err(|e| failed("automerge merge", e))?;
        Ok(())
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

/// Agent `i` of a concurrent trace: actor `i + 1`, big-endian (actor 0 is the origin).
fn agent_actor(agent: u32) -> ActorId {
    ActorId::from((agent + 1).to_be_bytes().to_vec())
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
