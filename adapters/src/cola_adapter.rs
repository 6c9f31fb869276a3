//! cola-crdt 0.1.1. cola tracks CRDT metadata only and stores no text, so the subject pairs a
//! `cola::Replica` with a jumprope `JumpRope` holding the text; both are timed. cola's length
//! unit is ours to choose: code points, like the traces.

use cola::Replica;
use jumprope::JumpRope;
use traces::units::PosUnit;
use traces::{Patch, Txn};

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::{failed, Subject, WorkloadError};

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

    // cola merges replicas only by sending each other ops (no state merge, no op log to
    // export the missing ones from): fork per txn would need every replica to keep its ops.
    fn new_agent(_agent: u32) -> Result<Self, WorkloadError> {
        Err(WorkloadError::Unsupported(
            "cola merges only by exchanging ops (it has no state merge and keeps no op log); the per-agent strategy that would need is not implemented",
        ))
    }

    // cola keeps no op log, so the document cannot export its past: the remote input is
    // recorded while replaying (untimed), every insertion with its text and every deletion,
    // as a peer would have been sent them, and bincode-serialized (cola's types are serde).
    const SYNC_FORMAT: &'static str = "the empty origin replica (encoded) and every cola Insertion (with its text) and Deletion, bincode; the text goes into a jumprope, as locally (cola stores none)";
    fn remote_history(txns: &[Txn]) -> Result<Vec<u8>, WorkloadError> {
        let mut doc = Cola::new_doc();
        // cola replicas must descend from one origin (`fork` or `decode` of it): two
        // `Replica::new`s do not merge. The peer starts from the empty origin, encoded.
        let origin = doc.replica.encode();
        let mut edits: Vec<Edit> = Vec::new();
        for txn in txns {
            for p in &txn.patches {
                if p.del_chars > 0 {
                    let range = p.pos_chars..p.pos_chars + p.del_chars;
                    edits.push(Edit::Delete(doc.replica.deleted(range.clone())));
                    doc.text.remove(range);
                }
                if !p.ins.is_empty() {
                    let insertion = doc.replica.inserted(p.pos_chars, p.ins.chars().count());
                    edits.push(Edit::Insert(insertion, p.ins.clone()));
                    doc.text.insert(p.pos_chars, &p.ins);
                }
            }
        }
        bincode::serialize(&(origin, edits)).map_err(|e| failed("bincode serialize", e))
    }
    fn import_updates(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let (origin, edits): (cola::EncodedReplica, Vec<Edit>) =
            bincode::deserialize(bytes).map_err(|e| failed("bincode deserialize", e))?;
        let replica = Replica::decode(2, &origin).map_err(|e| failed("cola Replica::decode", e))?;
        let mut doc = Cola { replica, text: crate::lower_bounds::seeded_rope() };
        for edit in &edits {
            match edit {
                Edit::Insert(insertion, text) => {
                    // `None`: already integrated, or backlogged for lack of its context (never,
                    // for ops in the order they were made; verification would catch it).
                    if let Some(offset) = doc.replica.integrate_insertion(insertion) {
                        doc.text.insert(offset, text);
                    }
                }
                Edit::Delete(deletion) => {
                    // Ranges in ascending order, in the text before the deletion: removed from
                    // the back so earlier offsets stay valid.
                    for range in doc.replica.integrate_deletion(deletion).into_iter().rev() {
                        doc.text.remove(range);
                    }
                }
            }
        }
        Ok(doc)
    }

    // Storage: cola's encoded replica (its CRDT state) plus the text, which cola does not
    // store.
    const SAVE_FORMAT: &'static str = "cola EncodedReplica + the text (cola stores none), bincode";
    fn save(&mut self) -> Result<Vec<u8>, WorkloadError> {
        bincode::serialize(&(self.replica.encode(), self.text.to_string())).map_err(|e| failed("bincode serialize", e))
    }
    fn load(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let (encoded, text): (cola::EncodedReplica, String) =
            bincode::deserialize(bytes).map_err(|e| failed("bincode deserialize", e))?;
        let replica = Replica::decode(1, &encoded).map_err(|e| failed("cola Replica::decode", e))?;
        let mut rope = crate::lower_bounds::seeded_rope();
        rope.insert(0, &text);
        Ok(Cola { replica, text: rope })
    }
}

/// One op a cola replica sends its peers.
#[derive(serde::Serialize, serde::Deserialize)]
enum Edit {
    Insert(cola::Insertion, String),
    Delete(cola::Deletion),
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
