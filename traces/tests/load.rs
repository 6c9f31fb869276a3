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

/// A fresh directory for one test's hand-made files.
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crdt-bench-traces-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gz_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Loads `bytes` written to `dir/name` as a sequential trace; the error must name the file
/// and contain every one of `needles`.
fn bytes_err(dir: &std::path::Path, name: &str, bytes: &[u8], needles: &[&str]) -> traces::TraceError {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let e = load_sequential(&path, name).expect_err("bad bytes must be rejected");
    let msg = e.to_string();
    assert!(msg.starts_with(&*path.to_string_lossy()), "names the file first: {msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
    for n in needles {
        assert!(msg.contains(n), "{name}: {msg:?} should contain {n:?}");
    }
    e
}

const GOOD: &str = r#"{"startContent":"","endContent":"ab","txns":[{"patches":[[0,0,"ab"]]}]}"#;

#[test]
fn rejects_empty_truncated_and_non_gzip_files_naming_the_place() {
    let dir = temp_dir("bytes");
    let e = bytes_err(&dir, "empty.json.gz", b"", &["the file is empty"]);
    assert!(matches!(e.kind, TraceErrorKind::Decode(_)), "{e}");
    // Not gzip and not JSON either: plain bytes are parsed as JSON and fail at line 1.
    bytes_err(&dir, "notgzip.json.gz", b"PK\x03\x04 this is a zip", &["JSON", "line 1 column 1"]);
    // A good file cut in half: gzip says where it stopped.
    let whole = gz_bytes(GOOD.repeat(50).as_bytes());
    bytes_err(&dir, "truncated.json.gz", &whole[..whole.len() / 2], &["gzip", "decompressed bytes", "truncated"]);
    // Gzip of something that is not JSON.
    bytes_err(&dir, "notjson.json.gz", &gz_bytes(b"hello, world"), &["JSON", "line 1 column 1"]);
    // JSON cut short (gzip intact).
    bytes_err(&dir, "shortjson.json.gz", &gz_bytes(&GOOD.as_bytes()[..40]), &["JSON", "EOF", "column 40"]);
    // The good file itself loads, gzipped or not.
    std::fs::write(dir.join("good.json.gz"), gz_bytes(GOOD.as_bytes())).unwrap();
    assert!(load_sequential(&dir.join("good.json.gz"), "good").is_ok());
    std::fs::write(dir.join("good.json"), GOOD).unwrap();
    assert!(load_sequential(&dir.join("good.json"), "good").is_ok());
}

#[test]
fn rejects_invalid_utf8_and_lone_surrogates() {
    let dir = temp_dir("utf8");
    let mut bad = br#"{"startContent":"","endContent":"a"#.to_vec();
    let offset = bad.len();
    bad.extend_from_slice(b"\xff\"}");
    bytes_err(&dir, "raw.json", &bad, &["not UTF-8", &format!("byte offset {offset}")]);
    bytes_err(&dir, "gz.json.gz", &gz_bytes(&bad), &["not UTF-8", &format!("decompressed byte offset {offset}")]);
    let surrogate = r#"{"startContent":"","endContent":"\ud800","txns":[{"patches":[[0,0,"\ud800"]]}]}"#;
    bytes_err(&dir, "surrogate.json.gz", &gz_bytes(surrogate.as_bytes()), &["JSON", "surrogate", "line 1 column"]);
}

#[test]
fn rejects_a_directory_and_an_unreadable_path() {
    let dir = temp_dir("dir");
    std::fs::create_dir_all(dir.join("adir.json.gz")).unwrap();
    let e = load_sequential(&dir.join("adir.json.gz"), "adir").unwrap_err();
    assert!(matches!(e.kind, TraceErrorKind::Io(_)) && e.to_string().contains("cannot read: it is a directory"), "{e}");
    // A path through a regular file cannot be opened (works as root, unlike a chmod).
    std::fs::write(dir.join("plain"), "x").unwrap();
    let e = load_sequential(&dir.join("plain/inside.json.gz"), "inside").unwrap_err();
    assert!(matches!(e.kind, TraceErrorKind::Io(_)) && e.to_string().contains("cannot read"), "{e}");
}

#[test]
fn rejects_a_final_text_that_differs_from_end_content() {
    // Same length, different text: the lengths agree, the replayed text does not.
    let e = seq_err("text", r#"{"startContent":"","endContent":"abXd","txns":[{"patches":[[0,0,"abcd"]]}]}"#);
    assert!(matches!(e.kind, TraceErrorKind::EndContentMismatch { at_char: 2 }), "{e}");
    assert!(e.to_string().contains("first differ at char 2"), "{e}");
}

#[test]
fn rejects_traces_without_txns() {
    let e = seq_err("notxns", r#"{"startContent":"a","endContent":"a","txns":[]}"#);
    assert!(matches!(e.kind, TraceErrorKind::NoTxns), "{e}");
    assert!(e.to_string().contains("\"txns\" is empty"), "{e}");
    let e = conc_err("cnotxns", r#"{"kind":"concurrent","endContent":"","numAgents":1,"txns":[]}"#);
    assert!(matches!(e.kind, TraceErrorKind::NoTxns), "{e}");
}

#[test]
fn rejects_parents_out_of_range_and_wrong_concurrent_shapes() {
    let json = r#"{"kind":"concurrent","endContent":"a","numAgents":1,"txns":[{"parents":[99],"numChildren":0,"agent":0,"patches":[[0,0,"a"]]}]}"#;
    let e = conc_err("cfar", json);
    assert!(matches!(e.kind, TraceErrorKind::ParentNotBefore { parent: 99 }), "{e}");
    assert!(e.to_string().contains("txn 0: parent 99 is not an earlier txn"), "{e}");
    let e = conc_err("cself", &json.replace("[99]", "[0]"));
    assert!(matches!(e.kind, TraceErrorKind::ParentNotBefore { parent: 0 }), "{e}");
    for (name, from, to, needle) in [
        ("cnoagents", r#""numAgents":1"#, r#""numAgents":"one""#, "numAgents"),
        ("cparentstr", r#""parents":[]"#, r#""parents":["x"]"#, "parent is not a non-negative integer"),
        ("cnopatches", r#","patches":[[0,0,"a"]]"#, "", "patches"),
        ("cemptypatch", r#"[0,0,"a"]"#, r#"[0,0,""]"#, "empty patch"),
    ] {
        let e = conc_err(name, &json.replace("[99]", "[]").replace(from, to));
        assert!(e.to_string().contains(needle), "{name}: {e}");
    }
}

#[test]
fn refuses_a_huge_file_with_a_clear_limit_instead_of_running_out_of_memory() {
    // A gzip bomb: 129 MiB of spaces (valid JSON whitespace) in well under a MB of gzip. The
    // loader stops inflating one byte past its limit.
    let dir = temp_dir("huge");
    let path = dir.join("huge.json.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::fast());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..129 {
        enc.write_all(&chunk).unwrap();
    }
    enc.write_all(GOOD.as_bytes()).unwrap();
    enc.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 10 << 20);
    let e = load_sequential(&path, "huge").unwrap_err();
    assert!(matches!(e.kind, TraceErrorKind::TooLarge { limit_bytes } if limit_bytes == traces::DEFAULT_MAX_TRACE_BYTES), "{e}");
    assert!(e.to_string().contains("limit of 128 MiB") && e.to_string().contains(traces::ENV_MAX_TRACE_MIB), "{e}");
    // A plain (not gzipped) file past the limit is refused from its size, without reading it:
    // a sparse file of 300 MB takes no disk space.
    let plain = dir.join("huge.json");
    std::fs::File::create(&plain).unwrap().set_len(300 << 20).unwrap();
    let e = load_sequential(&plain, "huge").unwrap_err();
    assert!(matches!(e.kind, TraceErrorKind::TooLarge { .. }), "{e}");
}
