//! yrs 0.28: a `Doc` with one `TextRef`. yrs 0.28 counts offsets in UTF-8 bytes by default and
//! has no code-point mode, only `OffsetKind::Utf16`; so this subject declares
//! [`PosUnit::Utf16`] and the harness converts the trace's code-point positions to UTF-16
//! units in `traces::units` before timing (exact for characters outside the BMP too).

use yrs::updates::decoder::Decode;
use yrs::{Doc, GetString, OffsetKind, Options, ReadTxn, StateVector, Text, TextRef, Transact, Update};
use traces::units::PosUnit;
use traces::Patch;

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::{failed, Subject, WorkloadError};

pub struct Yrs {
    doc: Doc,
    text: TextRef,
}

impl Subject for Yrs {
    fn new_doc() -> Self {
        Yrs::empty(1)
    }
    fn apply_txn(&mut self, patches: &[Patch]) {
        // One yrs transaction per trace txn; dropping it commits. (One transaction for a whole
        // trace is super-linear in yrs: blocks are only squashed at commit.)
        let mut txn = self.doc.transact_mut();
        for p in patches {
            // Positions here are UTF-16 units (converted before timing); see the module doc.
            if p.del_chars > 0 {
                self.text.remove_range(&mut txn, p.pos_chars as u32, p.del_chars as u32);
            }
            if !p.ins.is_empty() {
                self.text.insert(&mut txn, p.pos_chars as u32, &p.ins);
            }
        }
    }
    fn text(&mut self) -> String {
        let txn = self.doc.transact();
        let s = self.text.get_string(&txn);
        s
    }

    const CONCURRENT_STRATEGY: &'static str = "fork per txn (a new Doc with the agent's client id, given the parent's full state as an update v1; yrs fixes the client id at creation, so a parent's last child takes its replica over only when it is the same agent), merge = apply the update from own state vector; agent i is client id i+1";
    fn new_agent(agent: u32) -> Result<Self, WorkloadError> {
        Ok(Yrs::empty(u64::from(agent) + 1))
    }
    fn fork(&mut self, agent: u32) -> Result<Self, WorkloadError> {
        let mut copy = Yrs::empty(u64::from(agent) + 1);
        copy.merge_from(self)?;
        Ok(copy)
    }
    fn set_agent(&mut self, agent: u32) -> Result<(), WorkloadError> {
        // The client id is fixed at creation: a replica can only go on as its own agent.
        if self.doc.client_id() == yrs::block::ClientID::new(u64::from(agent) + 1) {
            Ok(())
        } else {
            Err(WorkloadError::Unsupported("yrs fixes the client id when the document is created"))
        }
    }
    fn merge_from(&mut self, other: &mut Self) -> Result<(), WorkloadError> {
        let since = self.doc.transact().state_vector();
        let missing = other.doc.transact().encode_state_as_update_v1(&since);
        let update = Update::decode_v1(&missing).map_err(|e| failed("yrs Update::decode_v1", e))?;
        self.doc.transact_mut().apply_update(update).map_err(|e| failed("yrs apply_update", e))?;
        Ok(())
    }

    const SYNC_FORMAT: &'static str = "yrs update v1 (encode_state_as_update_v1 from the empty state vector)";
    fn export_updates(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Ok(self.doc.transact().encode_state_as_update_v1(&StateVector::default()))
    }
    fn import_updates(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let update = Update::decode_v1(bytes).map_err(|e| failed("yrs Update::decode_v1", e))?;
        let yrs = Yrs::empty(2);
        yrs.doc.transact_mut().apply_update(update).map_err(|e| failed("yrs apply_update", e))?;
        Ok(yrs)
    }

    // yrs has no snapshot format distinct from its updates: the stored document is the full
    // state as an update, in the v2 encoding (yrs' compact one).
    const SAVE_FORMAT: &'static str = "yrs update v2 (full state; yrs has no separate snapshot format)";
    fn save(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Ok(self.doc.transact().encode_state_as_update_v2(&StateVector::default()))
    }
    fn load(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let update = Update::decode_v2(bytes).map_err(|e| failed("yrs Update::decode_v2", e))?;
        let yrs = Yrs::empty(1);
        yrs.doc.transact_mut().apply_update(update).map_err(|e| failed("yrs apply_update", e))?;
        Ok(yrs)
    }
}

impl Yrs {
    fn empty(client_id: u64) -> Yrs {
        let mut options = Options::with_client_id(yrs::block::ClientID::new(client_id));
        options.offset_kind = OffsetKind::Utf16;
        let doc = Doc::with_options(options);
        let text = doc.get_or_insert_text("text");
        Yrs { doc, text }
    }
}

pub(crate) fn entry() -> Entry {
    make::<Yrs>(SubjectInfo {
        name: "yrs",
        label: "yrs",
        kind: Kind::Library,
        unit: PosUnit::Utf16,
        version: "yrs 0.28.1",
        notes: "OffsetKind::Utf16 (0.28 has no code-point mode); positions converted from code points before timing; one transact_mut() per transaction",
        skip_traces: &[],
        quick_skip_traces: &[],
    })
}
