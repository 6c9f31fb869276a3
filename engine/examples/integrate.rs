//! Times decoding and integrating a trace's whole history into an empty replica, for the best
//! step and for diamond-types side by side (samples alternate): the engine's side of the
//! `remote` workload, for profiling it without the harness (`crdt-bench compare --workload
//! remote` is the measurement of record, against every library).
//! Under callgrind, `--toggle-collect='*integrate_once*'` counts just the engine's integration
//! and `--toggle-collect='*dt_merge_once*'` just diamond-types' (`ENCODE_PATCH` bytes decoded
//! and merged into an empty `ListCRDT`, as the harness's diamond-types adapter does).
//!
//! `cargo run --release -p engine --example integrate -- rustcode [repeats] [engine|dt|both]`

use std::time::Instant;

use diamond_types::list::ListCRDT;
use engine::Best;
use engine::TextCrdt;
use engine::Version;
use traces::TraceDir;

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "sveltecomponent".to_owned());
    let repeats: usize = args.next().map_or(5, |n| n.parse().expect("repeats: a number"));
    let which = args.next().unwrap_or_else(|| "both".to_owned());
    let (run_engine, run_dt) = match which.as_str() {
        "engine" => (true, false),
        "dt" => (false, true),
        "both" => (true, true),
        other => panic!("which: engine, dt or both, not {other:?}"),
    };
    let dir = TraceDir::locate(None).unwrap_or_else(|not_found| panic!("{not_found}"));
    let trace = dir.load_sequential(&name).unwrap_or_else(|e| panic!("{e}"));
    let mut doc = Best::new("trace");
    let mut dt = ListCRDT::new();
    let dt_agent = dt.get_or_create_agent_id("trace");
    if !trace.start_content.is_empty() {
        doc.insert(0, &trace.start_content);
        dt.insert(dt_agent, 0, &trace.start_content);
    }
    for txn in &trace.txns {
        for patch in &txn.patches {
            if patch.del_chars > 0 {
                doc.delete(patch.pos_chars, patch.del_chars);
                dt.delete_without_content(dt_agent, patch.pos_chars..patch.pos_chars + patch.del_chars);
            }
            if !patch.ins.is_empty() {
                doc.insert(patch.pos_chars, &patch.ins);
                dt.insert(dt_agent, patch.pos_chars, &patch.ins);
            }
        }
    }
    let ops = doc.ops_since(&Version::root());
    // What the remote workload sends (`export_encoded`): an op batch, or from s55 the history
    // by position. The timed part decodes it too.
    let bytes = doc.export_encoded(&Version::root());
    let dt_bytes = dt.oplog.encode(diamond_types::list::encoding::ENCODE_PATCH);
    let mut engine_ms = Vec::new();
    let mut dt_ms = Vec::new();
    for _ in 0..repeats {
        if run_engine {
            let start = Instant::now();
            let copy = integrate_once(&bytes);
            engine_ms.push(start.elapsed().as_secs_f64() * 1e3);
            assert!(copy.text() == trace.end_content, "engine: wrong text");
        }
        if run_dt {
            let start = Instant::now();
            let copy = dt_merge_once(&dt_bytes);
            dt_ms.push(start.elapsed().as_secs_f64() * 1e3);
            assert!(copy.branch.content().to_string() == trace.end_content, "diamond-types: wrong text");
        }
    }
    let median = |times: &mut Vec<f64>| {
        times.sort_by(f64::total_cmp);
        (times[times.len() / 2], times[0])
    };
    if run_engine {
        let (med, min) = median(&mut engine_ms);
        println!("{name}: engine {} ops ({} bytes), integrate median {med:.2} ms (min {min:.2})", ops.ops.len(), bytes.len());
    }
    if run_dt {
        let (med, min) = median(&mut dt_ms);
        println!("{name}: diamond-types ({} bytes), merge median {med:.2} ms (min {min:.2})", dt_bytes.len());
    }
}

/// The timed part (and what `valgrind --tool=callgrind --toggle-collect=*integrate_once*`
/// counts): a fresh replica decoding and integrating the whole history, as in the harness.
#[inline(never)]
fn integrate_once(bytes: &[u8]) -> Best {
    let mut copy = Best::new("observer");
    copy.integrate_encoded(bytes).expect("integrate");
    copy
}

/// diamond-types' side, as the harness's adapter does it: decode into a fresh op log and bring
/// the branch (the text) up to date.
#[inline(never)]
fn dt_merge_once(bytes: &[u8]) -> ListCRDT {
    let mut copy = ListCRDT::new();
    copy.get_or_create_agent_id("observer");
    copy.merge_data_and_ff(bytes).expect("diamond-types merge");
    copy
}
