//! The one place where trace positions change unit.
//!
//! Traces count Unicode code points. Some libraries index text by UTF-16 code units (yrs) or
//! UTF-8 bytes. An adapter that needs another unit gets its patches converted **here, before
//! timing starts**, by replaying the trace on a plain `String`; the conversion is never inside
//! a timed region and never spread over adapters.

use crate::model::{Patch, SequentialTrace, Txn};

/// A position unit a text API can count in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PosUnit {
    /// Unicode scalar values; the traces' own unit.
    CodePoint,
    /// UTF-16 code units (a char outside the BMP counts 2).
    Utf16,
    /// UTF-8 bytes.
    Utf8,
}

impl PosUnit {
    pub fn name(self) -> &'static str {
        match self {
            PosUnit::CodePoint => "code points",
            PosUnit::Utf16 => "UTF-16 code units",
            PosUnit::Utf8 => "UTF-8 bytes",
        }
    }

    fn len_of(self, s: &str) -> usize {
        match self {
            PosUnit::CodePoint => s.chars().count(),
            PosUnit::Utf16 => s.chars().map(char::len_utf16).sum(),
            PosUnit::Utf8 => s.len(),
        }
    }
}

/// Returns the trace's txns with every `pos_chars` / `del_chars` re-expressed in `unit` (the
/// field names then lie about the unit; the caller knows which unit it asked for). For
/// [`PosUnit::CodePoint`] this is a plain clone.
///
/// Cost: one replay on a `String`, O(patches x document). Fine outside a timed region.
pub fn txns_in_unit(trace: &SequentialTrace, unit: PosUnit) -> Vec<Txn> {
    if unit == PosUnit::CodePoint {
        return trace.txns.clone();
    }
    let mut txns: Vec<Txn> = Vec::with_capacity(trace.txns.len());
    replay_on_string(trace, |txn, doc, p| {
        // A txn may have no patches: keep every txn, in place.
        while txns.len() <= txn {
            txns.push(Txn::default());
        }
        let start_byte = byte_of_char(doc, p.pos_chars);
        let end_byte = start_byte + byte_of_char(&doc[start_byte..], p.del_chars);
        txns[txn].patches.push(Patch {
            pos_chars: unit.len_of(&doc[..start_byte]),
            del_chars: unit.len_of(&doc[start_byte..end_byte]),
            ins: p.ins.clone(),
        });
    });
    txns.resize_with(trace.txns.len(), Txn::default);
    txns
}

/// **The** plain replay of a trace: its patches applied in order to its start text on a
/// `String`, returning the final text. `before_each(txn_index, doc, patch)` sees the document
/// just before each patch (unit conversion reads positions there). The loader uses it to check
/// `endContent`; [`txns_in_unit`] to convert positions. Panics on an out-of-range patch, which
/// the loader rules out before calling it.
pub fn replay_on_string(trace: &SequentialTrace, mut before_each: impl FnMut(usize, &str, &Patch)) -> String {
    let mut doc = trace.start_content.clone();
    for (t, txn) in trace.txns.iter().enumerate() {
        for p in &txn.patches {
            before_each(t, &doc, p);
            let start_byte = byte_of_char(&doc, p.pos_chars);
            let end_byte = start_byte + byte_of_char(&doc[start_byte..], p.del_chars);
            doc.replace_range(start_byte..end_byte, &p.ins);
        }
    }
    doc
}

/// Byte offset of code point `pos_chars` in `s` (`s.len()` when it is the end), by SIMD
/// char counting. Panics if `pos_chars` is past the end: traces are validated on load, so
/// that is a bug in the caller.
pub fn byte_of_char(s: &str, pos_chars: usize) -> usize {
    let b = str_indices::chars::to_byte_idx(s, pos_chars);
    assert!(
        b < s.len() || str_indices::chars::count(s) >= pos_chars,
        "char position {pos_chars} past the end of a {}-char string",
        str_indices::chars::count(s)
    );
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_conversion_counts_astral_chars_twice() {
        let t = SequentialTrace {
            name: "t".into(),
            start_content: String::new(),
            end_content: "a😀bé".into(),
            txns: vec![
                Txn { patches: vec![Patch { pos_chars: 0, del_chars: 0, ins: "a😀b".into() }] },
                Txn { patches: vec![Patch { pos_chars: 3, del_chars: 0, ins: "é".into() }] },
                Txn { patches: vec![Patch { pos_chars: 1, del_chars: 2, ins: "😀b".into() }] },
            ],
        };
        let u16s = txns_in_unit(&t, PosUnit::Utf16);
        assert_eq!((u16s[1].patches[0].pos_chars, u16s[1].patches[0].del_chars), (4, 0));
        assert_eq!((u16s[2].patches[0].pos_chars, u16s[2].patches[0].del_chars), (1, 3));
        let u8s = txns_in_unit(&t, PosUnit::Utf8);
        assert_eq!((u8s[1].patches[0].pos_chars, u8s[1].patches[0].del_chars), (6, 0));
        assert_eq!((u8s[2].patches[0].pos_chars, u8s[2].patches[0].del_chars), (1, 5));
        assert_eq!(txns_in_unit(&t, PosUnit::CodePoint), t.txns);
    }
}
