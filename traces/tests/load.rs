//! The loader accepts good traces, rejects each kind of bad one with an error naming file, txn
//! and patch, and describes a small hand-made trace exactly.

use std::io::Write;
use std::path::PathBuf;

use traces::{load_concurrent, load_sequential, TraceErrorKind};

/// Writes `json` gzipped into a fresh temp file and returns its path.
fn gz_file(name: &str, json: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crdt-bench-traces-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.json.gz"));
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(json.as_bytes()).unwrap();
    std::fs::write(&path, enc.finish().unwrap()).unwrap();
    path
}

fn seq_err(name: &str, json: &str) -> traces::TraceError {
    let path = gz_file(name, json);
    let err = load_sequential(&path, name).expect_err("bad trace must be rejected");
    assert_eq!(err.file, path, "error names the file");
    assert!(err.to_string().contains(&*path.to_string_lossy()), "message names the file: {err}");
    err
}

#[test]
fn good_sequential_trace_loads_with_exact_stats() {
    // ab -> aXb -> aXYb | -> aXYé! (b deleted) | -> aXYzzé! -> aXYé!
    let json = r#"{"startContent":"ab","endContent":"aXYé!","txns":[
        {"time":"t","patches":[[1,0,"X"],[2,0,"Y"]]},
        {"time":"t","patches":[[3,1,"é!"]]},
        {"time":"t","patches":[[3,0,"zz"],[3,2,""]]}
    ]}"#;
    let path = gz_file("good", json);
    let t = load_sequential(&path, "good").unwrap();
    assert_eq!(t.txns.len(), 3);
    assert_eq!(t.patch_count(), 5);
    let s = t.stats();
    // inserted: X, Y, é!, zz = 1+1+2+2 = 6; deleted: 1 + 2 = 3.
    assert_eq!((s.txns, s.patches, s.inserted_chars, s.deleted_chars), (3, 5, 6, 3));
    // lengths: 2 -> 3 -> 4 -> 5 (aXYé!) -> 7 (aXYzzé!) -> 5
    assert_eq!((s.end_len_chars, s.peak_len_chars), (5, Some(7)));
    assert!((s.non_ascii_share - 1.0 / 6.0).abs() < 1e-12, "{}", s.non_ascii_share);
    // single-char edits: X, Y (insert 1, delete 0); the others are not.
    assert!((s.single_char_share - 2.0 / 5.0).abs() < 1e-12);
    let mut doc: Vec<char> = t.start_content.chars().collect();
    for p in t.patches() {
        doc.splice(p.pos_chars..p.pos_chars + p.del_chars, p.ins.chars());
    }
    assert_eq!(doc.iter().collect::<String>(), t.end_content);
}

#[test]
fn rejects_out_of_range_insert_naming_txn_and_patch() {
    let e = seq_err("oob", r#"{"startContent":"","endContent":"ab","txns":[{"patches":[[0,0,"a"]]},{"patches":[[0,0,"b"],[5,0,"c"]]}]}"#);
    assert_eq!((e.txn, e.patch), (Some(1), Some(1)));
    assert!(matches!(e.kind, TraceErrorKind::OutOfRange { pos_chars: 5, del_chars: 0, doc_len_chars: 2 }), "{e}");
    assert!(e.to_string().contains("txn 1, patch 1"), "{e}");
}

#[test]
fn rejects_delete_past_end() {
    let e = seq_err("del", r#"{"startContent":"abc","endContent":"","txns":[{"patches":[[1,3,""]]}]}"#);
    assert!(matches!(e.kind, TraceErrorKind::OutOfRange { pos_chars: 1, del_chars: 3, doc_len_chars: 3 }), "{e}");
}

#[test]
fn delete_length_counts_code_points_not_bytes() {
    // "é😀" is 2 code points (6 bytes): deleting 2 at 0 is in range.
    let path = gz_file("cp", r#"{"startContent":"é😀","endContent":"","txns":[{"patches":[[0,2,""]]}]}"#);
    assert!(load_sequential(&path, "cp").is_ok());
}

#[test]
fn rejects_empty_patch() {
    let e = seq_err("empty", r#"{"startContent":"a","endContent":"a","txns":[{"patches":[[0,0,""]]}]}"#);
    assert!(matches!(e.kind, TraceErrorKind::EmptyPatch));
    assert_eq!((e.txn, e.patch), (Some(0), Some(0)));
}

#[test]
fn rejects_wrong_shapes() {
    let cases = [
        ("nofield", r#"{"startContent":"","txns":[]}"#, "endContent"),
        ("badpatch", r#"{"endContent":"a","txns":[{"patches":[[0,"x","a"]]}]}"#, "del"),
        ("shortpatch", r#"{"endContent":"a","txns":[{"patches":[[0,0]]}]}"#, "elements"),
        ("negative", r#"{"endContent":"a","txns":[{"patches":[[-1,0,"a"]]}]}"#, "pos"),
        ("notarray", r#"{"endContent":"","txns":{}}"#, "txns"),
        ("concurrent", r#"{"kind":"concurrent","endContent":"","numAgents":1,"txns":[]}"#, "concurrent"),
    ];
    for (name, json, needle) in cases {
        let e = seq_err(name, json);
        assert!(matches!(e.kind, TraceErrorKind::Shape(_)), "{name}: {e}");
        assert!(e.to_string().contains(needle), "{name}: {e} should mention {needle}");
    }
}

#[test]
fn rejects_end_content_length_mismatch() {
    let e = seq_err("end", r#"{"startContent":"","endContent":"abc","txns":[{"patches":[[0,0,"ab"]]}]}"#);
    assert!(matches!(e.kind, TraceErrorKind::EndLengthMismatch { replayed_chars: 2, end_content_chars: 3 }));
}

#[test]
fn rejects_garbage_bytes_and_missing_files() {
    let dir = std::env::temp_dir().join(format!("crdt-bench-traces-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("garbage.json.gz");
    std::fs::write(&path, [0x1f, 0x8b, 0, 1, 2, 3]).unwrap();
    let e = load_sequential(&path, "garbage").unwrap_err();
    assert!(matches!(e.kind, TraceErrorKind::Decode(_)), "{e}");
    let e = load_sequential(&dir.join("missing.json.gz"), "missing").unwrap_err();
    assert!(matches!(e.kind, TraceErrorKind::Io(_)), "{e}");
}

fn conc_err(name: &str, json: &str) -> traces::TraceError {
    let path = gz_file(name, json);
    load_concurrent(&path, name).expect_err("bad concurrent trace must be rejected")
}

#[test]
fn concurrent_loader_checks_structure() {
    let ok = r#"{"kind":"concurrent","endContent":"ab","numAgents":2,"txns":[
        {"parents":[],"numChildren":2,"agent":0,"patches":[[0,0,"a"]]},
        {"parents":[0],"numChildren":0,"agent":1,"patches":[[1,0,"b"]]},
        {"parents":[0],"numChildren":0,"agent":0,"patches":[[1,0,"c"]]}]}"#;
    let t = load_concurrent(&gz_file("cok", ok), "cok").unwrap();
    assert_eq!((t.txns.len(), t.num_agents, t.patch_count()), (3, 2, 3));

    let e = conc_err("cparent", &ok.replace(r#""parents":[0],"numChildren":0,"agent":1"#, r#""parents":[1],"numChildren":0,"agent":1"#));
    assert!(matches!(e.kind, TraceErrorKind::ParentNotBefore { parent: 1 }), "{e}");
    assert_eq!(e.txn, Some(1));
    let e = conc_err("cagent", &ok.replace(r#""agent":1"#, r#""agent":2"#));
    assert!(matches!(e.kind, TraceErrorKind::BadAgent { agent: 2, num_agents: 2 }), "{e}");
    let e = conc_err("cchildren", &ok.replace(r#""numChildren":2"#, r#""numChildren":1"#));
    assert!(matches!(e.kind, TraceErrorKind::ChildCountMismatch { declared: 1, actual: 2 }), "{e}");
    let e = conc_err("ckind", &ok.replace(r#""kind":"concurrent","#, ""));
    assert!(matches!(e.kind, TraceErrorKind::Shape(_)), "{e}");
}

#[test]
fn locate_reports_where_it_looked() {
    let dir = std::env::temp_dir().join(format!("crdt-bench-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let e = traces::TraceDir::locate(Some(&dir)).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(&*dir.to_string_lossy()) && msg.contains("sequential/"), "{msg}");
    assert!(msg.contains("traces fetch"), "says how to get traces: {msg}");
}

/// The real data set, wherever it is found (skips with a message when absent).
#[test]
fn every_real_trace_loads() {
    let dir = traces::TraceDir::locate(None).unwrap_or_else(|e| panic!("this test needs the editing traces: {e}"));
    let list = dir.list();
    assert!(list.len() >= 18, "expected the 16 sequential + 2 concurrent traces, found {}", list.len());
    for t in list {
        match t.kind {
            traces::TraceKind::Sequential => {
                // Loading validates ranges and the final length; the text itself is checked by
                // the adapters' tests (the `string` subject replays every trace).
                load_sequential(&t.path, &t.name).unwrap();
            }
            traces::TraceKind::Concurrent => {
                load_concurrent(&t.path, &t.name).unwrap();
            }
        }
    }
}
