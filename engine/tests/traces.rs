//! Every step replays every editing trace to its `endContent`: the sequential traces as one
//! agent's local edits, the concurrent ones by fork and merge (each txn on a replica at its
//! parents' merged version, as its agent). A step skips the traces its `StepInfo::skip_traces`
//! names (too slow to replay in tests).
//!
//! The default run replays each distinct history once: `ascii_only/*` traces are copies of the
//! others with non-ASCII chars replaced, so their positions and lengths (in code points) are
//! the same, and the engine never looks at char values. `cargo test -p engine --test traces --
//! --ignored` replays them too.
//!
//! Traces come from `traces::TraceDir::locate` (`$CRDT_BENCH_TRACES`, `traces/data/`, or
//! `../shared/traces/`). If none are found the tests fail, saying where they looked.

use engine::OpBatch;
use engine::Step;
use engine::TextCrdt;
use engine::Version;
use traces::ConcurrentTrace;
use traces::SequentialTrace;
use traces::TraceDir;
use traces::TraceKind;

fn trace_dir() -> TraceDir {
    TraceDir::locate(None).unwrap_or_else(|not_found| panic!("{not_found}"))
}

/// The traces of `kind` that test `part` of `part_count` replays: biggest files first, each to
/// the part with the fewest bytes so far, so that the parts (tests running in parallel) take
/// about as long as each other.
fn trace_names(
    kind: TraceKind,
    part: usize,
    part_count: usize,
    with_ascii_only: Copies,
) -> Vec<String> {
    let mut found: Vec<(u64, String)> = trace_dir()
        .list()
        .into_iter()
        .filter(|t| t.kind == kind)
        .filter(|t| with_ascii_only == Copies::Included || !t.name.starts_with("ascii_only/"))
        .map(|t| (std::fs::metadata(&t.path).map_or(0, |m| m.len()), t.name))
        .collect();
    assert!(
        !found.is_empty(),
        "no {kind:?} traces in {}",
        trace_dir().root.display()
    );
    found.sort_by(|a, b| b.cmp(a));
    let mut bytes_by_part = vec![0; part_count];
    let mut names = Vec::new();
    for (bytes, name) in found {
        let lightest = (0..part_count).min_by_key(|&p| bytes_by_part[p]).unwrap();
        bytes_by_part[lightest] += bytes;
        if lightest == part {
            names.push(name);
        }
    }
    names
}

/// Whether to replay the `ascii_only/*` copies of the traces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Copies {
    Included,
    Excluded,
}

fn replay_sequential<D: TextCrdt>(trace: &SequentialTrace) -> D {
    let mut doc = D::new("trace");
    doc.insert(0, &trace.start_content);
    for patch in trace.patches() {
        if patch.del_chars > 0 {
            doc.delete(patch.pos_chars, patch.del_chars);
        }
        if !patch.ins.is_empty() {
            doc.insert(patch.pos_chars, &patch.ins);
        }
    }
    doc
}

/// Replays a concurrent trace: txn `i` runs on a replica holding the merge of its parents'
/// replicas, edits as its agent, and is kept until its last child has used it. A replica whose
/// last child it is moves into that child (`set_agent`) instead of being copied (`fork`).
fn replay_concurrent<D: TextCrdt>(trace: &ConcurrentTrace) -> D {
    let agent_names: Vec<String> = (0..trace.num_agents)
        .map(|agent| format!("agent-{agent}"))
        .collect();
    let mut docs: Vec<Option<D>> = Vec::with_capacity(trace.txns.len());
    let mut children_left: Vec<usize> = trace.txns.iter().map(|txn| txn.num_children).collect();
    for txn in &trace.txns {
        let name = &agent_names[txn.agent];
        let mut doc = match txn.parents.split_first() {
            None => D::new(name),
            Some((&first, others)) => {
                children_left[first] -= 1;
                let mut doc = if children_left[first] == 0 {
                    let mut doc = docs[first].take().expect("parent replica already dropped");
                    doc.set_agent(name);
                    doc
                } else {
                    docs[first]
                        .as_ref()
                        .expect("parent replica already dropped")
                        .fork(name)
                };
                for &other in others {
                    doc.merge(
                        docs[other]
                            .as_ref()
                            .expect("parent replica already dropped"),
                    );
                    children_left[other] -= 1;
                    if children_left[other] == 0 {
                        docs[other] = None;
                    }
                }
                doc
            }
        };
        for patch in &txn.patches {
            if patch.del_chars > 0 {
                doc.delete(patch.pos_chars, patch.del_chars);
            }
            if !patch.ins.is_empty() {
                doc.insert(patch.pos_chars, &patch.ins);
            }
        }
        docs.push(Some(doc));
    }
    // The end state is the merge of every txn: of the leaves, the txns nobody builds on.
    let mut leaves = trace
        .txns
        .iter()
        .zip(docs)
        .filter(|(txn, _)| txn.num_children == 0)
        .map(|(_, doc)| doc.expect("leaf dropped"));
    let mut end = leaves.next().expect("a trace without txns");
    for leaf in leaves {
        end.merge(&leaf);
    }
    end
}

/// The whole history, exported and integrated into an empty replica, gives the same text.
fn check_export<D: TextCrdt>(doc: &D, what: &str) {
    let mut copy = D::new("observer");
    copy.integrate(&doc.ops_since(&Version::root()))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        copy.text() == doc.text(),
        "{what}: the exported history gives a different text"
    );
    assert_eq!(copy.version(), doc.version(), "{what}");
}

fn sequential_traces_reach_end_content<D: Step>(part: usize, part_count: usize, copies: Copies) {
    let dir = trace_dir();
    for name in trace_names(TraceKind::Sequential, part, part_count, copies) {
        if D::INFO.skip_traces.contains(&name.as_str()) {
            continue;
        }
        let trace = dir.load_sequential(&name).unwrap();
        let doc: D = replay_sequential(&trace);
        let what = format!("step {}, trace {name}", D::INFO.name);
        // Compared with `==` rather than assert_eq!: a diff of two 100 KB texts helps nobody.
        assert!(
            doc.text() == trace.end_content,
            "{what}: text differs from endContent"
        );
        assert_eq!(doc.len_chars(), trace.end_content.chars().count(), "{what}");
        doc.assert_invariants();
    }
}

/// Step 0 replays the big traces in 13 to 23 s each; parts let them run in parallel.
const SEQUENTIAL_PARTS: usize = 3;

macro_rules! sequential_part_tests {
    ($($test:ident: $part:expr),* $(,)?) => {$(
        #[test]
        fn $test() {
            macro_rules! check {
                ($step:ty, $name:literal) => {
                    let part_count = SEQUENTIAL_PARTS;
                    sequential_traces_reach_end_content::<$step>($part, part_count, Copies::Excluded);
                };
            }
            engine::for_each_step!(check);
        }
    )*};
}

sequential_part_tests!(
    sequential_traces_reach_end_content_part_0: 0,
    sequential_traces_reach_end_content_part_1: 1,
    sequential_traces_reach_end_content_part_2: 2,
);

#[test]
#[ignore = "the ascii_only copies replay the same histories; about a minute for step 0"]
fn sequential_traces_with_ascii_only_copies_reach_end_content() {
    macro_rules! check {
        ($step:ty, $name:literal) => {
            sequential_traces_reach_end_content::<$step>(0, 1, Copies::Included);
        };
    }
    engine::for_each_step!(check);
}

fn concurrent_traces_reach_end_content<D: Step>() {
    let dir = trace_dir();
    for name in trace_names(TraceKind::Concurrent, 0, 1, Copies::Included) {
        if D::INFO.skip_traces.contains(&name.as_str()) {
            continue;
        }
        let trace = dir.load_concurrent(&name).unwrap();
        let doc: D = replay_concurrent(&trace);
        let what = format!("step {}, concurrent trace {name}", D::INFO.name);
        assert!(
            doc.text() == trace.end_content,
            "{what}: text differs from endContent"
        );
        doc.assert_invariants();
        check_export(&doc, &what);
    }
}

#[test]
fn concurrent_traces_reach_end_content_for_every_step() {
    macro_rules! check {
        ($step:ty, $name:literal) => {
            concurrent_traces_reach_end_content::<$step>();
        };
    }
    engine::for_each_step!(check);
}

/// Whether two batches hold the same char ops in the same order, however they cut them into
/// runs (a log with backspace runs as entries cuts them otherwise).
fn same_char_ops(a: &OpBatch, b: &OpBatch) -> bool {
    a == b || a.split_into_char_ops() == b.split_into_char_ops()
}

/// A buffered step logs exactly the ops of the unbuffered document it wraps, on every trace
/// (same ids, origins, targets, parents and order): buffering is invisible.
fn same_ops_as_unbuffered<B: Step, U: Step>() {
    let dir = trace_dir();
    let root = Version::root();
    for name in trace_names(TraceKind::Sequential, 0, 1, Copies::Excluded) {
        let trace = dir.load_sequential(&name).unwrap();
        let buffered: B = replay_sequential(&trace);
        let unbuffered: U = replay_sequential(&trace);
        assert!(
            same_char_ops(&buffered.ops_since(&root), &unbuffered.ops_since(&root)),
            "{} and {} log different ops on {name}",
            B::INFO.name,
            U::INFO.name
        );
    }
    for name in trace_names(TraceKind::Concurrent, 0, 1, Copies::Excluded) {
        let trace = dir.load_concurrent(&name).unwrap();
        let buffered: B = replay_concurrent(&trace);
        let unbuffered: U = replay_concurrent(&trace);
        assert!(
            same_char_ops(&buffered.ops_since(&root), &unbuffered.ops_since(&root)),
            "{} and {} log different ops on concurrent {name}",
            B::INFO.name,
            U::INFO.name
        );
    }
}

#[cfg(feature = "all-steps")]
#[test]
fn buffered_steps_log_exactly_the_ops_of_the_unbuffered_step() {
    use engine::steps::s16_deferred_counts::S16DeferredCounts;
    same_ops_as_unbuffered::<engine::steps::s17_buffered_inserts::S17BufferedInserts, S16DeferredCounts>();
    same_ops_as_unbuffered::<engine::steps::s18_buffered_deletes::S18BufferedDeletes, S16DeferredCounts>();
    // A store change under the buffer: the ops stay the same too.
    same_ops_as_unbuffered::<engine::steps::s19_bulk_insert::S19BulkInsert, S16DeferredCounts>();
    same_ops_as_unbuffered::<engine::steps::s20_lazy_id_index::S20LazyIdIndex, S16DeferredCounts>();
    // A log change: the same char ops, cut into other runs.
    same_ops_as_unbuffered::<engine::steps::s21_log_backspace_runs::S21LogBackspaceRuns, S16DeferredCounts>();
    same_ops_as_unbuffered::<engine::steps::s22_known_length::S22KnownLength, S16DeferredCounts>();
    // A wire change: backspace runs sent as one op each, the same char ops.
    same_ops_as_unbuffered::<engine::steps::s39_backward_ops::S39BackwardOps, S16DeferredCounts>();
    same_ops_as_unbuffered::<engine::steps::s40_text_in_log::S40TextInLog, S16DeferredCounts>();
}

#[cfg(feature = "all-steps")]
#[test]
fn every_step_integrates_a_history_by_position() {
    // s55 sends a linear history as its edits by position: every step must read it as the
    // ops that replaying it makes (the ops s53 sends for the same trace).
    use engine::steps::s53_branchless_scan::S53BranchlessScan;
    use engine::steps::s55_lazy_items::S55LazyItems;
    let dir = trace_dir();
    let trace = dir.load_sequential("sveltecomponent").unwrap();
    let root = Version::root();
    let source: S55LazyItems = replay_sequential(&trace);
    let bytes = source.export_encoded(&root);
    let batch = replay_sequential::<S53BranchlessScan>(&trace).ops_since(&root);
    assert!(bytes.starts_with(b"CBH"), "s55 sent an op batch, not its history");
    assert_eq!(engine::encoding::decode(&bytes).as_ref(), Ok(&batch));
    macro_rules! check {
        ($step:ty, $name:literal) => {
            let mut copy = <$step>::new("observer");
            copy.integrate_encoded(&bytes).unwrap_or_else(|e| panic!("{}: {e}", $name));
            assert!(copy.text() == trace.end_content, "{}: wrong text from a history", $name);
            copy.assert_invariants();
            assert!(same_char_ops(&copy.ops_since(&root), &batch), "{}: different ops", $name);
        };
    }
    engine::for_each_step!(check);
}

/// s39 sends a backspace run as one backward op; every step must integrate such a batch into
/// the same document, and the batch must hold the char ops every other step sends.
#[cfg(feature = "all-steps")]
#[test]
fn every_step_integrates_backward_delete_ops() {
    use engine::steps::s34_full_spans::S34FullSpans;
    use engine::steps::s39_backward_ops::S39BackwardOps;
    use engine::OpKind;
    let dir = trace_dir();
    let trace = dir.load_sequential("sveltecomponent").unwrap();
    let root = Version::root();
    let source: S39BackwardOps = replay_sequential(&trace);
    let batch = source.ops_since(&root);
    let forward_only = replay_sequential::<S34FullSpans>(&trace).ops_since(&root);
    let backward_count = batch
        .ops
        .iter()
        .filter(|op| matches!(op.kind, OpKind::Delete { backward: true, .. }))
        .count();
    // Not vacuous: the trace has backspace runs, and they became fewer ops.
    assert!(backward_count > 100, "only {backward_count} backward ops");
    assert!(batch.ops.len() < forward_only.ops.len());
    assert!(same_char_ops(&batch, &forward_only), "s39 and s34 send different char ops");
    let bytes = engine::encoding::encode(&batch);
    assert_eq!(engine::encoding::decode(&bytes).as_ref(), Ok(&batch));
    macro_rules! check {
        ($step:ty, $name:literal) => {
            let mut copy = <$step>::new("observer");
            copy.integrate_encoded(&bytes).unwrap_or_else(|e| panic!("{}: {e}", $name));
            assert!(copy.text() == trace.end_content, "{}: wrong text from backward ops", $name);
            copy.assert_invariants();
            // What it sends on holds the same char ops, whatever runs its log cut them into.
            assert!(same_char_ops(&copy.ops_since(&root), &batch), "{}: different ops", $name);
        };
    }
    engine::for_each_step!(check);
}
