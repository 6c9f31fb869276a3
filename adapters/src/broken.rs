//! Deliberately broken subjects, for testing that a misbehaving subject fails only its own
//! cell (issue 11): `test/panic` panics in the middle of a replay, `test/hang` never finishes
//! one (it sleeps, so a test does not burn a core), `test/wrong-text` finishes with a text that
//! is not `endContent`. Otherwise they are the `string` subject.
//!
//! They are registered only when the environment variable [`ENV_TEST_SUBJECTS`] is `1`, so a
//! normal run, `crdt-bench subjects` and the default subject list never see them; the CLI
//! tests set it for the child processes they start (and `crdt-bench-mem` inherits it).

use traces::units::PosUnit;
use traces::Patch;

use crate::lower_bounds::StringDoc;
use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::{Subject, WorkloadError};

/// Set to `1` to register the broken subjects.
pub const ENV_TEST_SUBJECTS: &str = "CRDT_BENCH_TEST_SUBJECTS";

const PANIC: u8 = 0;
const HANG: u8 = 1;
const WRONG_TEXT: u8 = 2;

/// `string`, broken in the way `MODE` says.
#[derive(Debug)]
pub struct Broken<const MODE: u8> {
    doc: StringDoc,
    txns_applied: usize,
}

impl<const MODE: u8> Subject for Broken<MODE> {
    fn new_doc() -> Self {
        Broken { doc: StringDoc::new_doc(), txns_applied: 0 }
    }
    fn apply_txn(&mut self, patches: &[Patch]) {
        // From the second txn on, so the failure is in the middle of a replay, not at its start.
        if self.txns_applied == 1 {
            match MODE {
                PANIC => panic!("test/panic: deliberate panic at txn 1"),
                HANG => loop {
                    std::thread::sleep(std::time::Duration::from_secs(1));
                },
                _ => {}
            }
        }
        self.txns_applied += 1;
        self.doc.apply_txn(patches);
    }
    fn text(&mut self) -> String {
        let text = self.doc.text();
        if MODE == WRONG_TEXT {
            // Same length, one char different: only a full comparison catches it.
            let mut chars: Vec<char> = text.chars().collect();
            if let Some(last) = chars.last_mut() {
                *last = if *last == '#' { '%' } else { '#' };
            }
            return chars.into_iter().collect();
        }
        text
    }
    /// Its "sync format" is the (correct) text, so that the `remote` workload has something
    /// to import and the imported replica shows the same breakage.
    fn export_updates(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Ok(self.doc.text().into_bytes())
    }
    fn import_updates(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let text = String::from_utf8(bytes.to_vec()).map_err(|e| WorkloadError::Failed(format!("not UTF-8: {e}")))?;
        let mut doc = Self::new_doc();
        if !text.is_empty() {
            doc.doc.apply_txn(&[Patch { pos_chars: 0, del_chars: 0, ins: text }]);
        }
        Ok(doc)
    }
    const SYNC_FORMAT: &'static str = "test only: the text as UTF-8";
}

pub(crate) fn register(out: &mut Vec<Entry>) {
    if std::env::var(ENV_TEST_SUBJECTS).as_deref() != Ok("1") {
        return;
    }
    let info = |name, notes| SubjectInfo {
        name,
        label: name,
        kind: Kind::LowerBound,
        unit: PosUnit::CodePoint,
        version: "test only",
        notes,
        skip_traces: &[],
        quick_skip_traces: &[],
    };
    out.push(make::<Broken<PANIC>>(info("test/panic", "test only: panics at txn 1")));
    out.push(make::<Broken<HANG>>(info("test/hang", "test only: never finishes a replay")));
    out.push(make::<Broken<WRONG_TEXT>>(info("test/wrong-text", "test only: ends with the wrong text")));
}
