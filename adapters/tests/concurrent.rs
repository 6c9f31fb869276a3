//! The `concurrent` workload's replay (`adapters::concurrent::replay_concurrent`, fork per
//! txn) in every CRDT adapter: on both real concurrent traces, and on hand-made histories
//! that exercise what the format allows (many agents, a merge of four parents at once, an agent
//! that appears late, two roots, a long chain), with positions converted for yrs. An agent
//! editing on two concurrent branches is rejected with an error naming the txn. The per-agent
//! strategy (`replay_per_agent`) on a history it suits, in every CRDT adapter, and its check
//! refusing the histories it does not suit.

use adapters::concurrent::{check_agent_chains, check_per_agent, concurrent_txns_in_unit};
use adapters::{Patch, WorkloadError};
use traces::{ConcurrentTrace, ConcurrentTxn, TraceDir, TraceKind};

fn txn(agent: usize, parents: &[usize], patches: &[(usize, usize, &str)]) -> ConcurrentTxn {
    ConcurrentTxn {
        parents: parents.to_vec(),
        num_children: 0,
        agent,
        patches: patches.iter().map(|&(pos, del, ins)| Patch { pos_chars: pos, del_chars: del, ins: ins.into() }).collect(),
    }
}

fn trace(name: &str, end: &str, mut txns: Vec<ConcurrentTxn>) -> ConcurrentTrace {
    for i in 0..txns.len() {
        for p in txns[i].parents.clone() {
            txns[p].num_children += 1;
        }
    }
    let num_agents = txns.iter().map(|t| t.agent + 1).max().unwrap_or(0);
    ConcurrentTrace { name: name.into(), end_content: end.into(), num_agents, txns }
}

/// Five agents; a merge of four parents; agent 4 appears only at the end; non-ASCII and an
/// astral char so that yrs' UTF-16 positions differ from code points.
fn merge_of_four() -> ConcurrentTrace {
    trace(
        "merge-of-four",
        "Xé🙂Zc·Y!",
        vec![
            txn(0, &[], &[(0, 0, "abc")]),
            txn(1, &[0], &[(0, 0, "Xé🙂")]),
            txn(2, &[0], &[(3, 0, "·Y")]),
            txn(0, &[0], &[(1, 1, ""), (0, 1, "")]),
            txn(3, &[0], &[(1, 0, "Z")]),
            txn(4, &[1, 2, 3, 4], &[(7, 0, "!")]),
        ],
    )
}

/// A long chain of one agent with a second agent branching off early and merging at the end.
fn long_chain() -> ConcurrentTrace {
    let mut txns = vec![txn(0, &[], &[(0, 0, "start.")])];
    let mut expected = String::from("start.");
    for i in 1..300 {
        let (at, last) = (expected.chars().count(), txns.len() - 1);
        txns.push(txn(0, &[last], &[(at, 0, "ab")]));
        expected.push_str("ab");
        if i % 3 == 0 {
            let (at, last) = (expected.chars().count(), txns.len() - 1);
            txns.push(txn(0, &[last], &[(at - 1, 1, "")]));
            expected.pop();
        }
    }
    // Agent 1 forks at txn 50 and types at the start; it merges with the chain's end.
    let chain_end = txns.len() - 1;
    txns.push(txn(1, &[50], &[(0, 0, ">> ")]));
    let side = txns.len() - 1;
    let len = expected.chars().count() + 3;
    txns.push(txn(2, &[chain_end, side], &[(len, 0, " end")]));
    trace("long-chain", &format!(">> {expected} end"), txns)
}

/// A history the per-agent strategy can replay: agents take turns, then three of them edit
/// concurrently on agent 0's latest txn, and a fourth merges all three (each parent still its
/// agent's latest txn when it is used).
fn taking_turns() -> ConcurrentTrace {
    trace(
        "taking-turns",
        "> -there!?",
        vec![
            txn(0, &[], &[(0, 0, "hi")]),
            txn(1, &[0], &[(2, 0, " there")]),
            txn(0, &[1], &[(0, 0, ">")]),
            txn(2, &[2], &[(9, 0, "!")]),
            txn(1, &[2], &[(1, 2, "")]),
            txn(0, &[2], &[(4, 0, "-")]),
            txn(3, &[3, 4, 5], &[(9, 0, "?")]),
        ],
    )
}

fn run(name: &str, trace: &ConcurrentTrace) -> String {
    let entry = adapters::entry(name).unwrap_or_else(|| panic!("{name} is not registered"));
    check_agent_chains(trace).unwrap_or_else(|e| panic!("{}: {e}", trace.name));
    let txns = concurrent_txns_in_unit(trace, entry.info.unit).unwrap_or_else(|e| panic!("{}: {e}", trace.name));
    let (_ns, mut doc) = (entry.timed_concurrent)(&txns).unwrap_or_else(|e| panic!("{name} on {}: {e}", trace.name));
    doc.text()
}

/// The per-agent strategy on `trace`, if [`check_per_agent`] accepts it.
fn run_per_agent(name: &str, trace: &ConcurrentTrace) -> Option<String> {
    let entry = adapters::entry(name).unwrap_or_else(|| panic!("{name} is not registered"));
    let txns = concurrent_txns_in_unit(trace, entry.info.unit).unwrap_or_else(|e| panic!("{}: {e}", trace.name));
    check_per_agent(&txns).ok()?;
    let (_ns, mut doc) = (entry.timed_concurrent_per_agent)(&txns).unwrap_or_else(|e| panic!("{name} per agent on {}: {e}", trace.name));
    Some(doc.text())
}

fn check(name: &str) {
    for t in [merge_of_four(), long_chain()] {
        let text = run(name, &t);
        assert!(text == t.end_content, "{name} on {}: {text:?} != {:?}", t.name, t.end_content);
        // Agent 0 moves on before the others build on its first txn: not for per-agent.
        assert!(run_per_agent(name, &t).is_none(), "{}: the per-agent strategy must be refused", t.name);
    }
    let t = taking_turns();
    let text = run(name, &t);
    assert!(text == t.end_content, "{name} on {}: {text:?} != {:?}", t.name, t.end_content);
    let text = run_per_agent(name, &t).unwrap_or_else(|| panic!("{}: the per-agent strategy applies", t.name));
    assert!(text == t.end_content, "{name} per agent on {}: {text:?} != {:?}", t.name, t.end_content);
    // Two roots (two agents start from the empty document at once): the order of their
    // concurrent inserts at the start is each library's own, but everyone must converge.
    let two_roots = trace(
        "two-roots",
        "",
        vec![txn(0, &[], &[(0, 0, "hi")]), txn(1, &[], &[(0, 0, "yo")]), txn(2, &[0, 1], &[(4, 0, "!")])],
    );
    let text = run(name, &two_roots);
    assert!(text == "hiyo!" || text == "yohi!", "{name} on two roots: {text:?}");
    let dir = TraceDir::locate(None).unwrap_or_else(|e| panic!("this test needs the editing traces: {e}"));
    let found: Vec<_> = dir.list().into_iter().filter(|t| t.kind == TraceKind::Concurrent).collect();
    assert!(found.len() >= 2, "expected friendsforever and clownschool");
    for t in found {
        let trace = traces::load_concurrent(&t.path, &t.name).unwrap();
        let text = run(name, &trace);
        assert!(text == trace.end_content, "{name} on {}: text differs from endContent", t.name);
        if let Some(text) = run_per_agent(name, &trace) {
            assert!(text == trace.end_content, "{name} per agent on {}: text differs from endContent", t.name);
        }
    }
}

/// When the per-agent strategy is wrong for a trace: a parent that its agent has moved past.
/// Agent 0 types twice; agent 1 builds on agent 0's *first* txn only, so agent 0's replica
/// holds an edit agent 1 never saw. The check names the txn, and the strategy is refused.
#[test]
fn the_per_agent_strategy_is_refused_where_it_would_be_wrong() {
    let t = trace(
        "moved-on",
        "",
        vec![txn(0, &[], &[(0, 0, "a")]), txn(0, &[0], &[(1, 0, "b")]), txn(1, &[0], &[(0, 0, "c")]), txn(2, &[1, 2], &[])],
    );
    let e = check_per_agent(&t.txns).unwrap_err();
    assert!(e.contains("txn 2") && e.contains("parent txn 0"), "{e}");
    let entry = adapters::entry("engine").unwrap();
    match (entry.timed_concurrent_per_agent)(&t.txns) {
        Err(WorkloadError::Failed(why)) => assert!(why.contains("txn 2"), "{why}"),
        other => panic!("expected the strategy refused, got ok={}", other.is_ok()),
    }
    // Fork per txn replays it.
    assert_eq!(run("engine", &t), "cab");
    assert!(check_per_agent(&taking_turns().txns).is_ok());
    assert!(check_per_agent(&merge_of_four().txns).is_err() && check_per_agent(&long_chain().txns).is_err());
}

/// Neither real concurrent trace suits the per-agent strategy: in both, an agent builds on
/// another's txn after that agent has moved on (friendsforever at txn 35, clownschool at txn
/// 109), so its replica would bring in edits the txn never saw. The check says so, naming the
/// txn; `run_per_agent` in `check` then skips them.
#[test]
fn the_real_concurrent_traces_are_refused_by_the_per_agent_check() {
    let dir = TraceDir::locate(None).unwrap_or_else(|e| panic!("this test needs the editing traces: {e}"));
    for t in dir.list().into_iter().filter(|t| t.kind == TraceKind::Concurrent) {
        let trace = traces::load_concurrent(&t.path, &t.name).unwrap();
        let why = check_per_agent(&trace.txns).expect_err(&t.name);
        assert!(why.starts_with("txn ") && why.contains("no longer agent"), "{}: {why}", t.name);
    }
}

#[test]
fn engine() {
    check("engine");
}
#[test]
fn diamond_types() {
    check("diamond-types");
}
#[test]
fn loro() {
    check("loro");
}
#[test]
fn automerge() {
    check("automerge");
}
#[test]
fn yrs() {
    check("yrs");
}

#[test]
fn cola_and_the_lower_bounds_are_unsupported_with_a_reason() {
    let t = merge_of_four();
    for name in ["cola", "string", "rope", "rope-buf"] {
        let entry = adapters::entry(name).unwrap();
        match (entry.timed_concurrent)(&t.txns) {
            Err(WorkloadError::Unsupported(why)) => assert!(!why.is_empty(), "{name}"),
            other => panic!("{name}: expected unsupported, got ok={}", other.is_ok()),
        }
    }
}

#[test]
fn an_agent_on_two_concurrent_branches_is_rejected_naming_the_txn() {
    let t = trace(
        "split-agent",
        "",
        vec![txn(0, &[], &[(0, 0, "a")]), txn(1, &[0], &[(1, 0, "b")]), txn(1, &[0], &[(0, 0, "c")])],
    );
    let e = check_agent_chains(&t).unwrap_err();
    assert!(e.contains("txn 2") && e.contains("agent 1"), "{e}");
    assert!(check_agent_chains(&merge_of_four()).is_ok() && check_agent_chains(&long_chain()).is_ok());
}
