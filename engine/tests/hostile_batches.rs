//! Decoded batches that name what a replica does not have: unknown items, unknown agents,
//! parents in the future, ids outside the name table. Each is built by hand, sent through the
//! encoding (`encode`, then `decode`: what a peer's bytes become), and integrated into a
//! replica holding alice's "hello" and bob's " world" on every step: the replica must refuse
//! it with the error naming the problem and stay exactly as it was.

use engine::encoding::{decode, encode};
use engine::{IntegrateError, Op, OpBatch, OpId, OpKind, TextCrdt};

/// Batch agent indexes of [`batch`]: alice and bob are the replica's, mallory is new to it.
const ALICE: u32 = 0;
const BOB: u32 = 1;
const MALLORY: u32 = 2;

fn id(agent: u32, seq: u32) -> OpId {
    OpId { agent, seq }
}

fn batch(ops: Vec<Op>) -> OpBatch {
    OpBatch { agents: vec!["alice".into(), "bob".into(), "mallory".into()], ops }
}

fn insert(at: OpId, parents: Vec<OpId>, left: Option<OpId>, right: Option<OpId>, text: &str) -> Op {
    Op { id: at, parents, kind: OpKind::Insert { origin_left: left, origin_right: right, text: text.into() }, pos_hint: None }
}

fn delete(at: OpId, parents: Vec<OpId>, target: OpId, len_chars: u32) -> Op {
    Op { id: at, parents, kind: OpKind::Delete { target, len_chars, backward: false }, pos_hint: None }
}

/// The replica: alice typed "hello" (seqs 0-4), bob " world" after it (0-5), alice deleted
/// the "o" of hello (seq 5), so alice has 6 ops, bob 6.
fn replica<D: TextCrdt>() -> D {
    let mut alice = D::new("alice");
    alice.insert(0, "hello");
    let mut bob = alice.fork("bob");
    bob.insert(5, " world");
    alice.merge(&bob);
    alice.set_agent("alice");
    alice.delete(4, 1);
    assert_eq!(alice.text(), "hell world");
    alice
}

/// Encodes and decodes `ops` (the decoder must accept it: each case is well formed as bytes),
/// integrates it into [`replica`] on every step and returns the error, checking that every
/// step gives the same one and that the replica is unchanged.
fn refused(ops: Vec<Op>) -> IntegrateError {
    let decoded = decode(&encode(&batch(ops))).expect("well-formed bytes decode");
    let mut errors = Vec::new();
    macro_rules! one {
        ($step:ty, $name:literal) => {
            let mut doc = replica::<$step>();
            let before = (doc.text(), doc.version(), doc.frontier());
            let error = doc.integrate(&decoded).expect_err(concat!($name, " accepted the batch"));
            doc.assert_invariants();
            assert_eq!((doc.text(), doc.version(), doc.frontier()), before, "{}: {error}", $name);
            // The replica still works: it takes a local edit and a real peer's ops.
            let mut peer = doc.fork("carol");
            peer.insert(0, "> ");
            doc.integrate(&peer.ops_since(&doc.version())).expect($name);
            doc.assert_invariants();
            assert_eq!(doc.text(), "> hell world");
            errors.push(($name, error));
        };
    }
    engine::for_each_step!(one);
    let (_, first) = errors[0].clone();
    for (name, error) in &errors {
        assert_eq!(error, &first, "{name} refuses differently from s00-naive-vec");
    }
    first
}

fn malformed(reason: &'static str) -> IntegrateError {
    IntegrateError::Malformed { op_index: 0, reason }
}

fn not_ready(agent: &str, seq: u32) -> IntegrateError {
    IntegrateError::NotReady { op_index: 0, missing_agent: agent.into(), missing_seq: seq }
}

#[test]
fn a_delete_of_an_unknown_item() {
    // alice has 6 ops; (alice, 40) is no item.
    let error = refused(vec![delete(id(ALICE, 6), vec![id(ALICE, 5)], id(ALICE, 40), 1)]);
    assert_eq!(error, malformed("delete target is not a known insert"));
}

#[test]
fn a_delete_running_past_the_known_items() {
    // bob's " world" is seqs 0-5: a delete of 7 from seq 0 runs past it.
    let error = refused(vec![delete(id(ALICE, 6), vec![id(ALICE, 5)], id(BOB, 0), 7)]);
    assert_eq!(error, malformed("delete target is not a known insert"));
}

#[test]
fn a_delete_whose_target_is_a_delete() {
    // (alice, 5) is alice's delete of "o": not an item.
    let error = refused(vec![delete(id(ALICE, 6), vec![id(ALICE, 5)], id(ALICE, 5), 1)]);
    assert_eq!(error, malformed("delete target is not a known insert"));
}

#[test]
fn an_insert_after_an_unknown_item() {
    let error = refused(vec![insert(id(ALICE, 6), vec![id(ALICE, 5)], Some(id(BOB, 99)), None, "x")]);
    assert_eq!(error, malformed("insert origin is not a known insert"));
}

#[test]
fn an_insert_before_an_item_of_an_unknown_agent() {
    // mallory is new to the replica: it has none of her items.
    let error = refused(vec![insert(id(ALICE, 6), vec![id(ALICE, 5)], Some(id(ALICE, 0)), Some(id(MALLORY, 0)), "x")]);
    assert_eq!(error, malformed("insert origin is not a known insert"));
}

#[test]
fn an_insert_whose_origins_are_the_same_item() {
    let error = refused(vec![insert(id(ALICE, 6), vec![id(ALICE, 5)], Some(id(ALICE, 1)), Some(id(ALICE, 1)), "x")]);
    assert_eq!(error, malformed("insert has the same left and right origin"));
}

#[test]
fn an_op_of_an_unknown_agent_that_skips_its_first_seqs() {
    // mallory's first op here is her seq 3: her 0-2 are missing.
    let error = refused(vec![insert(id(MALLORY, 3), vec![id(ALICE, 5)], None, None, "x")]);
    assert_eq!(error, not_ready("mallory", 0));
}

#[test]
fn an_op_of_a_known_agent_past_its_next_seq() {
    let error = refused(vec![insert(id(BOB, 9), vec![id(ALICE, 5)], None, None, "x")]);
    assert_eq!(error, not_ready("bob", 6));
}

#[test]
fn a_parent_in_the_future() {
    // alice has seqs 0-5; a parent (alice, 100) has not happened yet.
    let error = refused(vec![insert(id(BOB, 6), vec![id(ALICE, 100)], None, None, "x")]);
    assert_eq!(error, not_ready("alice", 100));
}

#[test]
fn a_parent_of_an_unknown_agent() {
    let error = refused(vec![insert(id(BOB, 6), vec![id(BOB, 5), id(MALLORY, 0)], None, None, "x")]);
    assert_eq!(error, not_ready("mallory", 0));
}

#[test]
fn a_parent_later_in_the_same_batch() {
    // Op 0 names op 1 as its parent: the batch is not in causal order.
    let error = refused(vec![
        insert(id(BOB, 6), vec![id(ALICE, 6)], None, None, "x"),
        insert(id(ALICE, 6), vec![id(ALICE, 5)], None, None, "y"),
    ]);
    assert_eq!(error, not_ready("alice", 6));
}

#[test]
fn an_op_that_is_its_own_parent() {
    let error = refused(vec![insert(id(ALICE, 6), vec![id(ALICE, 6)], None, None, "x")]);
    assert_eq!(error, not_ready("alice", 6));
}

#[test]
fn a_bad_op_after_good_ones_refuses_the_whole_batch() {
    // Op 0 and 1 are fine; op 2 deletes an unknown item: nothing of the batch may land.
    let error = refused(vec![
        insert(id(ALICE, 6), vec![id(ALICE, 5)], Some(id(ALICE, 4)), Some(id(BOB, 0)), "!"),
        insert(id(MALLORY, 0), vec![id(ALICE, 6)], None, Some(id(ALICE, 0)), "m"),
        delete(id(MALLORY, 1), vec![id(MALLORY, 0)], id(MALLORY, 7), 1),
    ]);
    assert_eq!(error, IntegrateError::Malformed { op_index: 2, reason: "delete target is not a known insert" });
}

#[test]
fn a_conflicting_version_of_a_known_op() {
    // (alice, 0) is "h" here; the batch says it was "j".
    let error = refused(vec![insert(id(ALICE, 0), vec![], None, None, "j")]);
    assert_eq!(error, IntegrateError::Conflict { op_index: 0, agent: "alice".into(), seq: 0 });
}

/// Ids that name an agent outside the batch's name table cannot come out of the decoder: it
/// refuses the bytes, naming the offset. (An `OpBatch` built in memory with such an index is
/// refused by `integrate` as malformed.)
#[test]
fn an_agent_outside_the_name_table() {
    let good = encode(&batch(vec![insert(id(ALICE, 6), vec![id(ALICE, 5)], None, None, "x")]));
    let mut bad = batch(vec![insert(id(ALICE, 6), vec![id(7, 5)], None, None, "x")]);
    let bytes = encode(&bad);
    assert_ne!(bytes, good);
    let error = decode(&bytes).expect_err("agent 7 of a 3-name table");
    assert_eq!(error.reason, "an id names an agent outside the name table");
    assert!(error.offset < bytes.len());
    // The op's own agent, too.
    bad.ops[0] = insert(id(9, 0), vec![], None, None, "x");
    let error = decode(&encode(&bad)).expect_err("agent 9 of a 3-name table");
    assert_eq!(error.reason, "an op's agent is outside the name table");
    // In memory, integrate refuses it.
    let mut doc = replica::<engine::Best>();
    let before = (doc.text(), doc.version());
    assert_eq!(doc.integrate(&bad), Err(malformed("agent index outside the batch's agent table")));
    assert_eq!((doc.text(), doc.version()), before);
    assert_eq!(doc.version(), replica::<engine::Best>().version());
}

/// An insert whose left origin comes after its right origin in the document ("x" after the
/// last "d" and before the first "h") cannot come from a real replica (origins were adjacent,
/// left before right, when the op was made, and document order never changes). It used to be
/// accepted, leaving an item outside its origins (`assert_invariants`: "is not before its
/// right origin"); it is now refused while applying (`doc::ORIGINS_OUT_OF_ORDER`), and being
/// the batch's first op, nothing is applied.
#[test]
fn an_insert_whose_origins_are_in_reverse_order() {
    let error = refused(vec![insert(id(ALICE, 6), vec![id(ALICE, 5)], Some(id(BOB, 5)), Some(id(ALICE, 0)), "x")]);
    assert_eq!(error, IntegrateError::Malformed { op_index: 0, reason: engine::doc::ORIGINS_OUT_OF_ORDER });
}
