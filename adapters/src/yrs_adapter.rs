//! yrs 0.28: a `Doc` with one `TextRef`. yrs 0.28 counts offsets in UTF-8 bytes by default and
//! has no code-point mode, only `OffsetKind::Utf16`; so this subject declares
//! [`PosUnit::Utf16`] and the harness converts the trace's code-point positions to UTF-16
//! units in `traces::units` before timing (exact for characters outside the BMP too).

use yrs::{Doc, GetString, OffsetKind, Options, Text, TextRef, Transact};
use traces::units::PosUnit;
use traces::Patch;

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::Subject;

pub struct Yrs {
    doc: Doc,
    text: TextRef,
}

impl Subject for Yrs {
    fn new_doc() -> Self {
        let mut options = Options::with_client_id(yrs::block::ClientID::new(1));
        options.offset_kind = OffsetKind::Utf16;
        let doc = Doc::with_options(options);
        let text = doc.get_or_insert_text("text");
        Yrs { doc, text }
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
