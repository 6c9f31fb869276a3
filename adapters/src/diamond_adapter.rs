//! diamond-types 1.0.0: `ListCRDT` (an op log plus a branch). Positions are chars.

use diamond_types::list::ListCRDT;
use diamond_types::AgentId;
use traces::units::PosUnit;
use traces::Patch;

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::{failed, Subject, WorkloadError};

pub struct DiamondTypes {
    doc: ListCRDT,
    agent: AgentId,
}

impl Subject for DiamondTypes {
    fn new_doc() -> Self {
        let mut doc = ListCRDT::new();
        let agent = doc.get_or_create_agent_id("a");
        DiamondTypes { doc, agent }
    }
    fn apply_txn(&mut self, patches: &[Patch]) {
        // diamond-types has no transactions: every op goes straight into the op log.
        for p in patches {
            if p.del_chars > 0 {
                // Like DT's own benches: the op log records the deleted range, not its text.
                self.doc.delete_without_content(self.agent, p.pos_chars..p.pos_chars + p.del_chars);
            }
            if !p.ins.is_empty() {
                self.doc.insert(self.agent, p.pos_chars, &p.ins);
            }
        }
    }
    fn text(&mut self) -> String {
        self.doc.branch.content().to_string()
    }
    fn len_chars(&mut self) -> usize {
        self.doc.len()
    }

    const CONCURRENT_STRATEGY: &'static str = "fork per txn (a clone of the ListCRDT: op log and branch), merge = add_missing_operations_from + branch merge to the op log's version; agents named agent-<i>";
    fn new_agent(agent: u32) -> Result<Self, WorkloadError> {
        let mut doc = ListCRDT::new();
        let agent = doc.get_or_create_agent_id(&crate::concurrent::agent_name(agent));
        Ok(DiamondTypes { doc, agent })
    }
    fn fork(&mut self, agent: u32) -> Result<Self, WorkloadError> {
        let mut doc = ListCRDT { branch: self.doc.branch.clone(), oplog: self.doc.oplog.clone() };
        let agent = doc.get_or_create_agent_id(&crate::concurrent::agent_name(agent));
        Ok(DiamondTypes { doc, agent })
    }
    fn set_agent(&mut self, agent: u32) -> Result<(), WorkloadError> {
        self.agent = self.doc.get_or_create_agent_id(&crate::concurrent::agent_name(agent));
        Ok(())
    }
    fn merge_from(&mut self, other: &mut Self) -> Result<(), WorkloadError> {
        self.doc.oplog.add_missing_operations_from(&other.doc.oplog);
        let version = self.doc.oplog.local_version();
        self.doc.branch.merge(&self.doc.oplog, &version);
        Ok(())
    }

    const SYNC_FORMAT: &'static str = "diamond-types encoded oplog (ENCODE_PATCH: inserted text, no start content)";
    fn export_updates(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Ok(self.doc.oplog.encode(diamond_types::list::encoding::ENCODE_PATCH))
    }
    fn import_updates(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let mut doc = ListCRDT::new();
        let agent = doc.get_or_create_agent_id("b");
        // Decodes into the op log, then brings the branch (the text) up to the new version.
        doc.merge_data_and_ff(bytes).map_err(|e| failed("diamond-types decode_and_add", e))?;
        Ok(DiamondTypes { doc, agent })
    }

    const SAVE_FORMAT: &'static str = "diamond-types encoded oplog (ENCODE_FULL; loading = decode + checkout)";
    fn save(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Ok(self.doc.oplog.encode(diamond_types::list::encoding::ENCODE_FULL))
    }
    fn load(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let mut doc = ListCRDT::load_from(bytes).map_err(|e| failed("diamond-types load_from", e))?;
        let agent = doc.get_or_create_agent_id("a");
        Ok(DiamondTypes { doc, agent })
    }
}

pub(crate) fn entry() -> Entry {
    make::<DiamondTypes>(SubjectInfo {
        name: "diamond-types",
        label: "diamond-types",
        kind: Kind::Library,
        unit: PosUnit::CodePoint,
        version: "diamond-types 1.0.0",
        notes: "ListCRDT; insert + delete_without_content (the op log keeps delete ranges, not deleted text)",
        skip_traces: &[],
        quick_skip_traces: &[],
    })
}
