//! loro 1.17: `LoroDoc` with one text container; the plain `insert`/`delete` take Unicode
//! code-point positions.

use loro::{LoroDoc, LoroText};
use traces::units::PosUnit;
use traces::Patch;

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::{failed, Subject, WorkloadError};

pub struct Loro {
    doc: LoroDoc,
    text: LoroText,
}

impl Subject for Loro {
    fn new_doc() -> Self {
        let doc = LoroDoc::new();
        // The default peer id is random; fix it so runs are deterministic.
        doc.set_peer_id(1).expect("set_peer_id on a fresh doc");
        let text = doc.get_text("text");
        Loro { doc, text }
    }
    fn apply_txn(&mut self, patches: &[Patch]) {
        for p in patches {
            if p.del_chars > 0 {
                self.text.delete(p.pos_chars, p.del_chars).expect("loro delete");
            }
            if !p.ins.is_empty() {
                self.text.insert(p.pos_chars, &p.ins).expect("loro insert");
            }
        }
        self.doc.commit();
    }
    fn text(&mut self) -> String {
        self.text.to_string()
    }
    fn len_chars(&mut self) -> usize {
        self.text.len_unicode()
    }

    const CONCURRENT_STRATEGY: &'static str = "fork per txn (LoroDoc::fork, then set_peer_id), merge = import of export(updates since own oplog_vv); agent i is peer i+1";
    fn new_agent(agent: u32) -> Result<Self, WorkloadError> {
        let doc = LoroDoc::new();
        doc.set_peer_id(u64::from(agent) + 1).map_err(|e| failed("loro set_peer_id", e))?;
        let text = doc.get_text("text");
        Ok(Loro { doc, text })
    }
    fn fork(&mut self, agent: u32) -> Result<Self, WorkloadError> {
        let doc = self.doc.fork();
        doc.set_peer_id(u64::from(agent) + 1).map_err(|e| failed("loro set_peer_id", e))?;
        let text = doc.get_text("text");
        Ok(Loro { doc, text })
    }
    fn set_agent(&mut self, agent: u32) -> Result<(), WorkloadError> {
        self.doc.set_peer_id(u64::from(agent) + 1).map_err(|e| failed("loro set_peer_id", e))
    }
    fn merge_from(&mut self, other: &mut Self) -> Result<(), WorkloadError> {
        let missing = other
            .doc
            .export(loro::ExportMode::updates(&self.doc.oplog_vv()))
            .map_err(|e| failed("loro export updates", e))?;
        self.doc.import(&missing).map_err(|e| failed("loro import", e))?;
        Ok(())
    }

    const SYNC_FORMAT: &'static str = "loro updates (ExportMode::all_updates)";
    fn export_updates(&mut self) -> Result<Vec<u8>, WorkloadError> {
        self.doc.export(loro::ExportMode::all_updates()).map_err(|e| failed("loro export", e))
    }
    fn import_updates(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let doc = LoroDoc::new();
        doc.set_peer_id(2).map_err(|e| failed("loro set_peer_id", e))?;
        doc.import(bytes).map_err(|e| failed("loro import", e))?;
        let text = doc.get_text("text");
        Ok(Loro { doc, text })
    }

    const SAVE_FORMAT: &'static str = "loro snapshot (ExportMode::Snapshot)";
    fn save(&mut self) -> Result<Vec<u8>, WorkloadError> {
        self.doc.export(loro::ExportMode::Snapshot).map_err(|e| failed("loro export snapshot", e))
    }
    fn load(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let doc = LoroDoc::from_snapshot(bytes).map_err(|e| failed("loro from_snapshot", e))?;
        let text = doc.get_text("text");
        Ok(Loro { doc, text })
    }
}

pub(crate) fn entry() -> Entry {
    make::<Loro>(SubjectInfo {
        name: "loro",
        label: "loro",
        kind: Kind::Library,
        unit: PosUnit::CodePoint,
        version: "loro 1.17.1",
        notes: "LoroText insert/delete (Unicode code points); doc.commit() at each transaction boundary",
        skip_traces: &[],
        quick_skip_traces: &[],
    })
}
