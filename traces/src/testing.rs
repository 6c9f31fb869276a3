//! The body of the `trace_loader` fuzz target (feature `testing`): `fuzz/fuzz_targets/
//! trace_loader.rs` calls [`trace_loader`] and nothing else, and `tests/fuzz_properties.rs`
//! calls it with seeded inputs, so both run the same checks.

use std::io::Write;
use std::path::PathBuf;

use crate::units::{txns_in_unit, PosUnit};
use crate::{load_concurrent, load_sequential, parse_concurrent, parse_sequential};

/// How an input's first byte says to use the rest.
const GZIP: u8 = 1 << 0;
const CONCURRENT: u8 = 1 << 1;

/// The file each input is written to: one per process (libFuzzer runs one input at a time),
/// in the temp dir, so that the loader is fuzzed through its real entry point, the path.
fn input_path() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crdt-bench-fuzz-trace-loader-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the fuzz input dir");
    dir.join("input.json.gz")
}

/// `trace_loader`: the first byte picks a loader (bit 1: concurrent, else sequential) and
/// whether the rest is gzipped first (bit 0: the rest is then JSON text to the fuzzer, the
/// "gzip of arbitrary JSON" case; else the rest is the file as is, gzip or not). The file goes
/// through `load_sequential` / `load_concurrent`, and when the rest parses as JSON, through
/// `parse_sequential` / `parse_concurrent` as well: either must give the same answer.
///
/// A rejection must name the file; an accepted trace must be what the loader promises
/// (patches in range, replaying them gives `endContent`'s length, concurrent parents earlier
/// and agents in range) and its statistics and unit conversions must not panic.
pub fn trace_loader(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = if mode & GZIP != 0 {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(rest).expect("gzip into memory");
        gz.finish().expect("gzip into memory")
    } else {
        rest.to_vec()
    };
    let path = input_path();
    std::fs::write(&path, &file).expect("write the fuzz input file");
    let parsed = serde_json::from_slice::<serde_json::Value>(rest).ok();
    if mode & CONCURRENT != 0 {
        let loaded = load_concurrent(&path, "fuzz");
        check_error_names_file(loaded.as_ref().err(), &path);
        if let Ok(trace) = &loaded {
            check_concurrent(trace);
        }
        if let Some(json) = &parsed {
            let direct = parse_concurrent(&path, "fuzz", json);
            assert_eq!(direct.is_ok(), loaded.is_ok(), "parse_concurrent and load_concurrent disagree");
            check_error_names_file(direct.as_ref().err(), &path);
        }
    } else {
        let loaded = load_sequential(&path, "fuzz");
        check_error_names_file(loaded.as_ref().err(), &path);
        if let Ok(trace) = &loaded {
            check_sequential(trace);
        }
        if let Some(json) = &parsed {
            let direct = parse_sequential(&path, "fuzz", json);
            assert_eq!(direct.is_ok(), loaded.is_ok(), "parse_sequential and load_sequential disagree");
            check_error_names_file(direct.as_ref().err(), &path);
        }
    }
}

fn check_error_names_file(error: Option<&crate::TraceError>, path: &std::path::Path) {
    if let Some(error) = error {
        let message = error.to_string();
        assert!(message.starts_with(&*path.to_string_lossy()), "the error does not name the file: {message}");
        assert!(!message.contains('\n'), "the error is not one line: {message:?}");
    }
}

/// What an accepted sequential trace promises: replaying it on the start text never leaves
/// the document and ends at `endContent`'s length.
fn check_sequential(trace: &crate::SequentialTrace) {
    let mut doc: Vec<char> = trace.start_content.chars().collect();
    for patch in trace.patches() {
        assert!(patch.del_chars > 0 || !patch.ins.is_empty(), "an empty patch was accepted");
        let end = patch.pos_chars.checked_add(patch.del_chars).expect("a patch's end overflows");
        assert!(end <= doc.len(), "a patch past the end was accepted");
        doc.splice(patch.pos_chars..end, patch.ins.chars());
    }
    assert_eq!(doc.len(), trace.end_content.chars().count(), "the replayed length differs from endContent's");
    let stats = trace.stats();
    assert_eq!(stats.patches, trace.patch_count());
    for unit in [PosUnit::CodePoint, PosUnit::Utf16, PosUnit::Utf8] {
        assert_eq!(txns_in_unit(trace, unit).len(), trace.txns.len());
    }
}

/// What an accepted concurrent trace promises: parents point backwards, agents are in range,
/// `numChildren` counts the txns naming each one, no patch is empty.
fn check_concurrent(trace: &crate::ConcurrentTrace) {
    let mut children = vec![0usize; trace.txns.len()];
    for (index, txn) in trace.txns.iter().enumerate() {
        assert!(txn.parents.iter().all(|&parent| parent < index), "a later parent was accepted");
        assert!(txn.agent < trace.num_agents, "an agent out of range was accepted");
        assert!(txn.patches.iter().all(|p| p.del_chars > 0 || !p.ins.is_empty()), "an empty patch was accepted");
        for &parent in &txn.parents {
            children[parent] += 1;
        }
    }
    for (txn, &count) in trace.txns.iter().zip(&children) {
        assert_eq!(txn.num_children, count, "a wrong numChildren was accepted");
    }
    let _ = trace.stats();
}
