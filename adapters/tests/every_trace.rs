//! Every subject, on every sequential trace (the non-ASCII ones included), reaches
//! `endContent` through the same replay entry point the harness times.

use traces::units::txns_in_unit;
use traces::{TraceDir, TraceKind};

fn check_subject(name: &str) {
    let entry = adapters::entry(name).unwrap_or_else(|| panic!("subject {name} not registered"));
    let dir = TraceDir::locate(None).unwrap_or_else(|e| panic!("this test needs the editing traces: {e}"));
    let seq: Vec<_> = dir.list().into_iter().filter(|t| t.kind == TraceKind::Sequential).collect();
    assert_eq!(seq.len(), 16, "expected 8 traces and their 8 ascii_only copies");
    for t in seq.iter().filter(|t| !t.name.starts_with("ascii_only/")) {
        let trace = traces::load_sequential(&t.path, &t.name).unwrap();
        let txns = txns_in_unit(&trace, entry.info.unit);
        let (_ns, mut doc) = (entry.timed_local)(&txns);
        let text = doc.text();
        assert!(
            text == trace.end_content,
            "{name} on {}: text differs from endContent ({} vs {} chars)",
            t.name,
            text.chars().count(),
            trace.end_content.chars().count()
        );
        assert_eq!(doc.len_chars(), trace.end_content.chars().count(), "{name} on {}: len_chars", t.name);
    }
}

macro_rules! subject_tests {
    ($($fn_name:ident => $subject:literal,)*) => {
        $( #[test] fn $fn_name() { check_subject($subject); } )*
    };
}

subject_tests! {
    string => "string",
    rope => "rope",
    rope_buf => "rope-buf",
    diamond_types => "diamond-types",
    cola => "cola",
    loro => "loro",
    automerge => "automerge",
    yrs => "yrs",
}

#[test]
fn registry_names_are_unique_and_match_the_contract() {
    let names: Vec<_> = adapters::registry().iter().map(|e| e.info.name).collect();
    for want in ["diamond-types", "cola", "loro", "automerge", "yrs", "string", "rope", "rope-buf"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "duplicate names in {names:?}");
}

/// yrs counts UTF-16 units. A trace with characters outside the BMP (none of the real traces
/// has one) must still land right: that is what the conversion in traces::units is for.
#[test]
fn astral_characters_land_where_typed_in_every_subject() {
    let trace = traces::SequentialTrace {
        name: "astral".into(),
        start_content: String::new(),
        end_content: "a😀é𝄞xb".into(),
        txns: vec![
            traces::Txn { patches: vec![traces::Patch { pos_chars: 0, del_chars: 0, ins: "ab".into() }] },
            traces::Txn { patches: vec![traces::Patch { pos_chars: 1, del_chars: 0, ins: "😀é𝄞".into() }] },
            traces::Txn { patches: vec![traces::Patch { pos_chars: 3, del_chars: 1, ins: "𝄞x".into() }] },
        ],
    };
    for entry in adapters::registry() {
        let txns = txns_in_unit(&trace, entry.info.unit);
        let (_, mut doc) = (entry.timed_local)(&txns);
        assert_eq!(doc.text(), trace.end_content, "{}", entry.info.name);
    }
}
