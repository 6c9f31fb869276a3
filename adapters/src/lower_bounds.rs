//! No-CRDT lower bounds: what plain text editing costs, with no history and no merge ability.
//! Every table labels these rows "no CRDT"; only the buffered rope, the fastest of them and
//! faster than every CRDT on most traces, is also called the (practical) lower bound. `String`
//! is slower than several CRDTs, so it bounds nothing.

use jumprope::{JumpRope, JumpRopeBuf};
use traces::units::PosUnit;
use traces::Patch;

use crate::registry::{make, Entry, Kind, SubjectInfo};
use crate::subject::Subject;

/// `String` splicing: O(document) per patch, char positions found by SIMD counting.
#[derive(Debug, Default)]
pub struct StringDoc(String);

impl Subject for StringDoc {
    fn new_doc() -> Self {
        StringDoc(String::new())
    }
    fn apply_txn(&mut self, patches: &[Patch]) {
        for p in patches {
            let start = str_indices::chars::to_byte_idx(&self.0, p.pos_chars);
            let end = start + str_indices::chars::to_byte_idx(&self.0[start..], p.del_chars);
            self.0.replace_range(start..end, &p.ins);
        }
    }
    fn text(&mut self) -> String {
        self.0.clone()
    }
    fn len_chars(&mut self) -> usize {
        str_indices::chars::count(&self.0)
    }
}

/// A rope with a fixed seed for its skip-list heights. `JumpRope::new()` seeds from entropy in
/// release builds (its `ddos_protection` feature), which makes run-to-run work (and
/// instruction counts) vary; a benchmark wants the same work every run.
pub(crate) fn seeded_rope() -> JumpRope {
    JumpRope::new_from_seed(123)
}

/// The two jumprope flavours, so one `Subject` impl serves both.
pub trait Rope {
    fn fresh() -> Self;
    fn remove(&mut self, range_chars: std::ops::Range<usize>);
    fn insert(&mut self, pos_chars: usize, text: &str);
    fn len_chars(&self) -> usize;
    fn to_text(&self) -> String;
    /// Applies buffered edits (see [`Subject::finish`]).
    fn flush(&mut self) {}
}

impl Rope for JumpRope {
    fn fresh() -> Self {
        seeded_rope()
    }
    fn remove(&mut self, range_chars: std::ops::Range<usize>) {
        JumpRope::remove(self, range_chars)
    }
    fn insert(&mut self, pos_chars: usize, text: &str) {
        JumpRope::insert(self, pos_chars, text)
    }
    fn len_chars(&self) -> usize {
        JumpRope::len_chars(self)
    }
    fn to_text(&self) -> String {
        self.to_string()
    }
}

/// jumprope's buffered rope: merges adjacent edits before they reach the skip list.
impl Rope for JumpRopeBuf {
    fn fresh() -> Self {
        JumpRopeBuf::with_rope(seeded_rope())
    }
    fn remove(&mut self, range_chars: std::ops::Range<usize>) {
        JumpRopeBuf::remove(self, range_chars)
    }
    fn insert(&mut self, pos_chars: usize, text: &str) {
        JumpRopeBuf::insert(self, pos_chars, text)
    }
    fn len_chars(&self) -> usize {
        JumpRopeBuf::len_chars(self)
    }
    fn flush(&mut self) {
        // `borrow` applies the buffer to the inner rope.
        drop(JumpRopeBuf::borrow(self));
    }
    fn to_text(&self) -> String {
        self.to_string()
    }
}

/// A jumprope (`JumpRope` or `JumpRopeBuf`) as a subject.
#[derive(Debug)]
pub struct RopeDoc<R>(R);

impl<R: Rope> Subject for RopeDoc<R> {
    fn new_doc() -> Self {
        RopeDoc(R::fresh())
    }
    fn apply_txn(&mut self, patches: &[Patch]) {
        for p in patches {
            if p.del_chars > 0 {
                self.0.remove(p.pos_chars..p.pos_chars + p.del_chars);
            }
            if !p.ins.is_empty() {
                self.0.insert(p.pos_chars, &p.ins);
            }
        }
    }
    fn text(&mut self) -> String {
        self.0.to_text()
    }
    fn len_chars(&mut self) -> usize {
        self.0.len_chars()
    }
    fn finish(&mut self) {
        self.0.flush();
    }
}

pub(crate) fn register(out: &mut Vec<Entry>) {
    const NOTE: &str = "no CRDT: keeps no history and cannot merge";
    out.push(make::<StringDoc>(SubjectInfo {
        name: "string",
        label: "String (no CRDT)",
        kind: Kind::LowerBound,
        unit: PosUnit::CodePoint,
        version: "std",
        notes: "no CRDT: keeps no history and cannot merge; not a lower bound (slower than several CRDTs: every edit shifts the tail of the text)",
        skip_traces: &[],
        quick_skip_traces: &[],
    }));
    out.push(make::<RopeDoc<JumpRope>>(SubjectInfo {
        name: "rope",
        label: "jumprope (no CRDT)",
        kind: Kind::LowerBound,
        unit: PosUnit::CodePoint,
        version: "jumprope 1.1.2",
        notes: NOTE,
        skip_traces: &[],
        quick_skip_traces: &[],
    }));
    out.push(make::<RopeDoc<JumpRopeBuf>>(SubjectInfo {
        name: "rope-buf",
        label: "jumprope buffered (no CRDT, lower bound)",
        kind: Kind::LowerBound,
        unit: PosUnit::CodePoint,
        version: "jumprope 1.1.2",
        notes: "no CRDT; the practical lower bound for local typing: JumpRopeBuf merges adjacent edits before applying them",
        skip_traces: &[],
        quick_skip_traces: &[],
    }));
}
