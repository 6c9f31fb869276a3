//! criterion benches over the same registry, replay loop (`adapters::replay_local`, via
//! `Entry::timed_local`) and verification as the CLI: one group per workload,
//! `BenchmarkId::new(subject, trace)`, throughput in patches.
//!
//! ```sh
//! cargo bench -p harness                                   # default subjects and traces
//! CRDT_BENCH_SUBJECTS=rope,rope-buf CRDT_BENCH_TRACE_NAMES=rustcode cargo bench -p harness
//! cargo bench -p harness -- --save-baseline before         # criterion's own baselines
//! cargo bench -p harness -- --baseline before
//! ```
//!
//! Default subjects are the ones fast enough for criterion's 10+ samples per benchmark
//! (automerge, yrs and the naive engine step take seconds per replay: use `crdt-bench compare`
//! for them, or name them in `CRDT_BENCH_SUBJECTS`).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use harness::measure::{prepare_txns, run_verified, Granularity};

const DEFAULT_SUBJECTS: &str = "diamond-types,cola,loro,string,rope,rope-buf";

fn list(var: &str, default: &str) -> Vec<String> {
    std::env::var(var).unwrap_or_else(|_| default.to_owned()).split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

fn local(c: &mut Criterion) {
    let dir = traces::TraceDir::locate(None).unwrap_or_else(|e| panic!("{e}"));
    let subjects = list("CRDT_BENCH_SUBJECTS", DEFAULT_SUBJECTS);
    let trace_names = list("CRDT_BENCH_TRACE_NAMES", &traces::STANDARD_TRACES.join(","));
    let mut group = c.benchmark_group("local");
    // 10 samples (criterion's minimum) so that slower subjects finish; criterion's own
    // --warm-up-time / --measurement-time still apply.
    group.sample_size(10);
    for trace_name in &trace_names {
        let trace = dir.load_sequential(trace_name).unwrap_or_else(|e| panic!("{e}"));
        group.throughput(Throughput::Elements(trace.patch_count() as u64));
        for name in &subjects {
            let entry = adapters::entry(name).unwrap_or_else(|| panic!("unknown subject {name}"));
            let txns = prepare_txns(&trace, entry.info.unit, Granularity::PerTxn);
            // A number is only worth printing if the result was verified.
            if let Err((status, msg)) = run_verified(&entry, &txns, &trace.end_content) {
                panic!("{name} on {trace_name}: {status:?}: {msg}");
            }
            group.bench_with_input(BenchmarkId::new(name.as_str(), trace_name), &txns, |b, txns| {
                b.iter_custom(|iters| {
                    let mut total_ns = 0u64;
                    for _ in 0..iters {
                        let (ns, doc) = (entry.timed_local)(txns);
                        total_ns += ns;
                        drop(doc); // outside the timed region, as in the CLI
                    }
                    Duration::from_nanos(total_ns)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, local);
criterion_main!(benches);
