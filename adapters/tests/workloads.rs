//! The `remote` and `load` codecs of every subject: each CRDT's export decodes into a fresh
//! replica with the same text (on a hand-made history with non-ASCII and astral chars, and on
//! the first 2,000 txns of a real trace, to keep the suite fast); lower bounds say
//! `unsupported` with a reason; corrupt bytes give an error or a wrong text, never a pass.

use adapters::{Codec, Entry, Patch, Txn, WorkloadError};
use traces::units::txns_in_unit;
use traces::{SequentialTrace, TraceDir};

const CRDTS: &[&str] = &["engine", "diamond-types", "cola", "loro", "automerge", "yrs"];
const NO_CRDT: &[&str] = &["string", "rope", "rope-buf"];

fn txn(patches: &[(usize, usize, &str)]) -> Txn {
    Txn { patches: patches.iter().map(|&(pos, del, ins)| Patch { pos_chars: pos, del_chars: del, ins: ins.into() }).collect() }
}

/// A small history in code points (no subject here needs conversion but yrs, handled below).
fn hand_made() -> (Vec<Txn>, &'static str) {
    let txns = vec![
        txn(&[(0, 0, "hello")]),
        txn(&[(5, 0, " wörld")]),
        txn(&[(0, 1, "H"), (11, 0, "!")]),
        txn(&[(11, 1, ""), (10, 1, ""), (9, 1, "")]),
        txn(&[(6, 0, "🙂 ")]),
    ];
    (txns, "Hello 🙂 wör")
}

fn entry(name: &str) -> Entry {
    adapters::entry(name).unwrap_or_else(|| panic!("{name} is not registered"))
}

fn roundtrip(codec: &Codec, txns: &[Txn], want: &str, what: &str) -> usize {
    let bytes = (codec.export)(txns).unwrap_or_else(|e| panic!("{what}: export: {e}"));
    let (_ns, mut doc) = (codec.timed_import)(&bytes).unwrap_or_else(|e| panic!("{what}: import: {e}"));
    assert!(doc.text() == want, "{what}: imported text {:?} != {want:?}", doc.text());
    bytes.len()
}

/// The hand-made history as `entry` receives it (yrs: UTF-16 positions).
fn hand_made_for(e: &Entry) -> (Vec<Txn>, &'static str) {
    let (txns, want) = hand_made();
    let trace = SequentialTrace { name: "hand-made".into(), start_content: String::new(), end_content: want.into(), txns };
    (txns_in_unit(&trace, e.info.unit), want)
}

/// The first `n` txns of `trace`, with the text they end at.
fn truncated(trace: &SequentialTrace, n: usize) -> SequentialTrace {
    let txns: Vec<Txn> = trace.txns.iter().take(n).cloned().collect();
    let mut text: Vec<char> = trace.start_content.chars().collect();
    for p in txns.iter().flat_map(|t| &t.patches) {
        text.splice(p.pos_chars..p.pos_chars + p.del_chars, p.ins.chars());
    }
    SequentialTrace {
        name: trace.name.clone(),
        start_content: trace.start_content.clone(),
        end_content: text.into_iter().collect(),
        txns,
    }
}

#[test]
fn every_crdt_roundtrips_a_hand_made_history_remote_and_load() {
    for name in CRDTS {
        let e = entry(name);
        let (txns, want) = hand_made_for(&e);
        assert!(!e.remote.format.is_empty() && !e.load.format.is_empty(), "{name}: formats are named");
        roundtrip(&e.remote, &txns, want, &format!("{name} remote"));
        roundtrip(&e.load, &txns, want, &format!("{name} load"));
    }
}

#[test]
fn every_crdt_roundtrips_the_start_of_a_real_trace() {
    let dir = TraceDir::locate(None).unwrap_or_else(|e| panic!("this test needs the editing traces: {e}"));
    let trace = truncated(&dir.load_sequential("sveltecomponent").unwrap(), 2_000);
    for name in CRDTS {
        let e = entry(name);
        let txns = txns_in_unit(&trace, e.info.unit);
        let remote = roundtrip(&e.remote, &txns, &trace.end_content, &format!("{name} remote"));
        let load = roundtrip(&e.load, &txns, &trace.end_content, &format!("{name} load"));
        assert!(remote > 0 && load > 0);
    }
}

#[test]
fn lower_bounds_are_unsupported_with_a_reason() {
    let (txns, _) = hand_made();
    for name in NO_CRDT {
        let e = entry(name);
        for codec in [&e.remote, &e.load] {
            match (codec.export)(&txns) {
                Err(WorkloadError::Unsupported(why)) => assert!(why.contains("no CRDT"), "{name}: {why}"),
                other => panic!("{name}: expected unsupported, got {:?}", other.map(|b| b.len())),
            }
            assert!(matches!((codec.timed_import)(b"x"), Err(WorkloadError::Unsupported(_))));
        }
    }
}

#[test]
fn corrupt_bytes_are_an_error_or_a_wrong_text_never_a_pass() {
    for name in CRDTS {
        let e = entry(name);
        let (txns, want) = hand_made_for(&e);
        for codec in [&e.remote, &e.load] {
            let bytes = (codec.export)(&txns).unwrap();
            // Truncated: an error (or, for a format that tolerates it, not the full text).
            for len in [0, 1, bytes.len() / 2, bytes.len() - 1] {
                if let Ok((_, mut doc)) = std::panic::catch_unwind(|| (codec.timed_import)(&bytes[..len])).unwrap_or(Err(WorkloadError::Failed("panicked".into()))) {
                    assert!(doc.text() != want, "{name}: {len} of {} bytes gave the whole text", bytes.len());
                }
            }
        }
    }
}
