//! Describing a trace: the numbers a reader needs to judge a benchmark on it.

use crate::model::{ConcurrentTrace, SequentialTrace};

/// Summary statistics of a trace. Lengths are Unicode code points.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TraceStats {
    pub txns: usize,
    pub patches: usize,
    pub inserted_chars: usize,
    pub deleted_chars: usize,
    pub end_len_chars: usize,
    /// Largest document length reached during the replay (sequential traces only; for a
    /// concurrent trace this is `None`).
    pub peak_len_chars: Option<usize>,
    /// Share of inserted characters that are not ASCII, in `[0, 1]`.
    pub non_ascii_share: f64,
    /// Share of patches that insert exactly one char and delete nothing, or delete exactly one
    /// char and insert nothing: keystrokes.
    pub single_char_share: f64,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[derive(Default)]
struct Acc {
    patches: usize,
    inserted: usize,
    deleted: usize,
    non_ascii: usize,
    single: usize,
}

impl Acc {
    fn add(&mut self, p: &crate::Patch) -> isize {
        let ins = p.ins_chars();
        self.patches += 1;
        self.inserted += ins;
        self.deleted += p.del_chars;
        self.non_ascii += p.ins.chars().filter(|c| !c.is_ascii()).count();
        if (ins == 1 && p.del_chars == 0) || (ins == 0 && p.del_chars == 1) {
            self.single += 1;
        }
        ins as isize - p.del_chars as isize
    }
}

impl SequentialTrace {
    pub fn stats(&self) -> TraceStats {
        let mut acc = Acc::default();
        let mut len = self.start_content.chars().count() as isize;
        let mut peak = len;
        for p in self.patches() {
            len += acc.add(p);
            peak = peak.max(len);
        }
        TraceStats {
            txns: self.txns.len(),
            patches: acc.patches,
            inserted_chars: acc.inserted,
            deleted_chars: acc.deleted,
            end_len_chars: self.end_content.chars().count(),
            peak_len_chars: Some(peak as usize),
            non_ascii_share: ratio(acc.non_ascii, acc.inserted),
            single_char_share: ratio(acc.single, acc.patches),
        }
    }
}

impl ConcurrentTrace {
    pub fn stats(&self) -> TraceStats {
        let mut acc = Acc::default();
        for p in self.txns.iter().flat_map(|t| &t.patches) {
            acc.add(p);
        }
        TraceStats {
            txns: self.txns.len(),
            patches: acc.patches,
            inserted_chars: acc.inserted,
            deleted_chars: acc.deleted,
            end_len_chars: self.end_content.chars().count(),
            peak_len_chars: None,
            non_ascii_share: ratio(acc.non_ascii, acc.inserted),
            single_char_share: ratio(acc.single, acc.patches),
        }
    }
}
