//! Our engine's steps, one subject per registered step (`engine/<step>`), plus `engine`
//! naming the best step ([`engine::Best`]). The list comes from `engine::for_each_step!`, so a
//! new step shows up here by being registered there. The ablation's variants (the best step
//! with one flag off, `engine/best-without-<flag>`) come from `engine::for_each_ablation!`.

use std::sync::OnceLock;

use engine::Step;
use traces::units::PosUnit;
use traces::Patch;

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::{failed, Subject, WorkloadError};

/// A step of the engine as a subject. It keeps its full op log, so it can export and merge:
/// the same work the CRDT libraries do.
pub struct EngineSubject<S>(S);

impl<S: engine::TextCrdt> Subject for EngineSubject<S> {
    fn new_doc() -> Self {
        EngineSubject(S::new("a"))
    }
    fn apply_txn(&mut self, patches: &[Patch]) {
        for p in patches {
            if p.del_chars > 0 {
                self.0.delete(p.pos_chars, p.del_chars);
            }
            if !p.ins.is_empty() {
                self.0.insert(p.pos_chars, &p.ins);
            }
        }
    }
    fn finish(&mut self) {
        self.0.flush();
    }
    fn text(&mut self) -> String {
        self.0.text()
    }
    fn len_chars(&mut self) -> usize {
        self.0.len_chars()
    }
    const CONCURRENT_STRATEGY: &'static str =
        "fork per txn (TextCrdt::fork; a parent's last child takes it over with set_agent), merge = TextCrdt::merge; agents named agent-<i>";
    fn new_agent(agent: u32) -> Result<Self, WorkloadError> {
        Ok(EngineSubject(S::new(&crate::concurrent::agent_name(agent))))
    }
    fn fork(&mut self, agent: u32) -> Result<Self, WorkloadError> {
        Ok(EngineSubject(self.0.fork(&crate::concurrent::agent_name(agent))))
    }
    fn set_agent(&mut self, agent: u32) -> Result<(), WorkloadError> {
        self.0.set_agent(&crate::concurrent::agent_name(agent));
        Ok(())
    }
    fn merge_from(&mut self, other: &mut Self) -> Result<(), WorkloadError> {
        self.0.merge(&other.0);
        Ok(())
    }

    const SYNC_FORMAT: &'static str = "engine op batch (engine::encoding, varints, one entry per typing run / delete); from s55 (lazy-items), a replica whose history is linear sends it as its edits by position (ids and origins are what replaying them makes), as diamond-types sends its positional op log";
    fn export_updates(&mut self) -> Result<Vec<u8>, WorkloadError> {
        Ok(self.0.export_encoded(&engine::Version::root()))
    }
    fn import_updates(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let mut doc = S::new("b");
        doc.integrate_encoded(bytes).map_err(|e| failed("decoding and integrating the op batch", e))?;
        Ok(EngineSubject(doc))
    }

    // The engine has no snapshot format: its saved document is its op log, and loading it
    // replays that log (as `import_updates` does).
    const SAVE_FORMAT: &'static str = "engine op batch, or from s55 a linear history by position (no snapshot format: loading integrates the whole op log or takes the history over)";
    fn save(&mut self) -> Result<Vec<u8>, WorkloadError> {
        self.export_updates()
    }
    fn load(bytes: &[u8]) -> Result<Self, WorkloadError> {
        let mut doc = S::new("a");
        doc.integrate_encoded(bytes).map_err(|e| failed("decoding and integrating the op batch", e))?;
        Ok(EngineSubject(doc))
    }
}

const NOTES: &str = "our engine: keeps its full op log (can export ops and merge); no edit buffering";
const NOTES_BUFFERED: &str = "our engine: keeps its full op log (can export ops and merge); buffers the current typing (and delete) run, applied before any read and inside the timed region, logging the same ops as unbuffered";
const NOTES_LAZY_IDS: &str = "our engine: keeps its full op log (can export ops and merge); buffers the current typing (and delete) run, applied before any read and inside the timed region, logging the same ops as unbuffered; builds its id -> leaf table on the first lookup (a peer's op), so a replica that only types never builds it";

const NOTES_LAZY_ITEMS: &str = "our engine: keeps its full history (can export ops and merge): while the history is linear (no peer's ops), as the text and its edits by position, as diamond-types does, and builds its CRDT items and op log from them on the first export or merge (outside the local workload's timing; the remote and concurrent workloads include it)";

fn info<S: Step>(name: &'static str, label: &'static str) -> SubjectInfo {
    SubjectInfo {
        name,
        label,
        kind: Kind::Engine,
        unit: PosUnit::CodePoint,
        version: "this repository",
        notes: if S::INFO.flags.contains(&"lazy-items") {
            NOTES_LAZY_ITEMS
        } else if S::INFO.flags.contains(&"lazy-id-index") {
            NOTES_LAZY_IDS
        } else if S::INFO.flags.contains(&"buffered-inserts") {
            NOTES_BUFFERED
        } else {
            NOTES
        },
        skip_traces: S::INFO.skip_traces,
        quick_skip_traces: S::INFO.quick_skip_traces,
    }
}

/// The subject record of an ablation variant: the best step's, with the variant's name.
fn ablation_info(name: &'static str) -> SubjectInfo {
    let mut info = info::<engine::Best>(name, name);
    // Every variant but the one without it builds its items lazily, like the best step; only
    // that one is timed with its CRDT state (and buffer and lazy id table) from the start.
    if name.ends_with("-without-lazy-items") {
        info.notes = NOTES_LAZY_IDS;
    }
    info
}

pub(crate) fn register(out: &mut Vec<Entry>) {
    static BEST_LABEL: OnceLock<String> = OnceLock::new();
    let best = BEST_LABEL.get_or_init(|| format!("engine (best step: {})", engine::Best::INFO.name));
    out.push(make::<EngineSubject<engine::Best>>(info::<engine::Best>("engine", best.as_str())));
    macro_rules! add {
        ($step:ty, $name:literal) => {
            out.push(make::<EngineSubject<$step>>(info::<$step>(concat!("engine/", $name), concat!("engine/", $name))));
        };
    }
    engine::for_each_step!(add);
    macro_rules! add_ablation {
        ($ty:ty, $name:literal) => {
            out.push(make::<EngineSubject<$ty>>(ablation_info(concat!("engine/", $name))));
        };
    }
    engine::for_each_ablation!(add_ablation);
}
