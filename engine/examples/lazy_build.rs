//! What s55's laziness defers, and what it costs when it comes due: times a local replay of a
//! trace into the best step (a linear history: text and edits by position), then the first
//! read that needs CRDT state (`version()`, which replays the history through s53), beside a
//! local replay straight into s53. Samples alternate; medians printed.
//!
//! `cargo run --release -p engine --example lazy_build -- rustcode [repeats]`

use std::time::Instant;

use engine::steps::s53_branchless_scan::S53BranchlessScan;
use engine::Best;
use engine::TextCrdt;
use traces::TraceDir;

fn replay<D: TextCrdt>(trace: &traces::SequentialTrace) -> D {
    let mut doc = D::new("trace");
    if !trace.start_content.is_empty() {
        doc.insert(0, &trace.start_content);
    }
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
    doc.flush();
    doc
}

fn median(mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[ms.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "sveltecomponent".to_owned());
    let repeats: usize = args.next().map_or(21, |n| n.parse().expect("repeats: a number"));
    let dir = TraceDir::locate(None).unwrap_or_else(|not_found| panic!("{not_found}"));
    let trace = dir.load_sequential(&name).unwrap_or_else(|e| panic!("{e}"));
    let (mut lazy_ms, mut build_ms, mut full_ms) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..repeats {
        let start = Instant::now();
        let lazy: Best = replay(&trace);
        lazy_ms.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        let version = lazy.version();
        build_ms.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        let full: S53BranchlessScan = replay(&trace);
        full_ms.push(start.elapsed().as_secs_f64() * 1e3);
        // Checked, so that no number comes from a wrong result.
        assert_eq!(lazy.text(), trace.end_content, "lazy replay");
        assert_eq!(full.text(), trace.end_content, "s53 replay");
        assert_eq!(version, full.version(), "the built version");
    }
    println!(
        "{name}: s55 local replay {:.2} ms, then its first version() (building s53's state) {:.2} ms; s53 local replay {:.2} ms (medians of {repeats})",
        median(lazy_ms),
        median(build_ms),
        median(full_ms)
    );
}
