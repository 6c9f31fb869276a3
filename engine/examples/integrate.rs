//! Times decoding and integrating a trace's whole history into an empty replica, for the best step: the
//! engine's side of the `remote` workload, for profiling it without the harness (`crdt-bench
//! compare --workload remote` is the measurement of record, against the other libraries).
//! Under callgrind, `--toggle-collect='*integrate_once*'` counts just the integration.
//!
//! `cargo run --release -p engine --example integrate -- rustcode [repeats]`

use std::time::Instant;

use engine::Best;
use engine::TextCrdt;
use engine::Version;
use traces::TraceDir;

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "sveltecomponent".to_owned());
    let repeats: usize = args.next().map_or(5, |n| n.parse().expect("repeats: a number"));
    let dir = TraceDir::locate(None).unwrap_or_else(|not_found| panic!("{not_found}"));
    let trace = dir.load_sequential(&name).unwrap_or_else(|e| panic!("{e}"));
    let mut doc = Best::new("trace");
    doc.insert(0, &trace.start_content);
    for txn in &trace.txns {
        for patch in &txn.patches {
            if patch.del_chars > 0 {
                doc.delete(patch.pos_chars, patch.del_chars);
            }
            if !patch.ins.is_empty() {
                doc.insert(patch.pos_chars, &patch.ins);
            }
        }
    }
    let ops = doc.ops_since(&Version::root());
    // What the remote workload sends: the encoded batch; the timed part decodes it too.
    let bytes = engine::encoding::encode(&ops);
    let mut times_ms = Vec::new();
    for _ in 0..repeats {
        let start = Instant::now();
        let copy = integrate_once(&bytes);
        times_ms.push(start.elapsed().as_secs_f64() * 1e3);
        assert!(copy.text() == trace.end_content, "wrong text");
    }
    times_ms.sort_by(f64::total_cmp);
    println!("{name}: {} ops, integrate median {:.2} ms (min {:.2})", ops.ops.len(), times_ms[times_ms.len() / 2], times_ms[0]);
}

/// The timed part (and what `valgrind --tool=callgrind --toggle-collect=*integrate_once*`
/// counts): a fresh replica decoding and integrating the whole history, as in the harness.
#[inline(never)]
fn integrate_once(bytes: &[u8]) -> Best {
    let mut copy = Best::new("observer");
    copy.integrate_encoded(bytes).expect("integrate");
    copy
}
