//! Hand-written cases, each run for every registered step: the API's contract, the ordering
//! rules on small examples worked out by hand, and the error paths of `integrate`.

use engine::IntegrateError;
use engine::Op;
use engine::OpBatch;
use engine::OpId;
use engine::OpKind;
use engine::TextCrdt;
use engine::Version;

/// Runs `$check::<Step>()` for every registered step.
macro_rules! for_every_step {
    ($check:ident) => {{
        macro_rules! call {
            ($step:ty, $name:literal) => {
                $check::<$step>();
            };
        }
        engine::for_each_step!(call);
    }};
}

fn check<D: TextCrdt>(doc: &D, text: &str) {
    doc.assert_invariants();
    assert_eq!(doc.text(), text);
    assert_eq!(doc.len_chars(), text.chars().count());
}

fn sync_both<D: TextCrdt>(a: &mut D, b: &mut D) {
    a.merge(b);
    b.merge(a);
    a.assert_invariants();
    b.assert_invariants();
    assert_eq!(a.text(), b.text());
    assert_eq!(a.version(), b.version());
}

fn local_edits_land_where_typed<D: TextCrdt>() {
    let mut doc = D::new("a");
    doc.insert(0, "hello");
    doc.insert(5, " world");
    doc.insert(0, ">");
    check(&doc, ">hello world");
    doc.delete(0, 1);
    // An insert at 0 after deleting the char at 0 lands at 0, before the tombstone's neighbours.
    doc.insert(0, "C");
    doc.insert(0, "B");
    check(&doc, "BChello world");
    doc.delete(2, 6);
    check(&doc, "BCworld");
    doc.insert(2, " ");
    check(&doc, "BC world");
    assert_eq!(doc.slice(1..4), "C w");
    assert_eq!(doc.slice(8..8), "");
    doc.insert(3, "");
    doc.delete(3, 0);
    check(&doc, "BC world");
}

#[test]
fn local_edits_land_where_typed_for_every_step() {
    for_every_step!(local_edits_land_where_typed);
}

fn positions_count_code_points<D: TextCrdt>() {
    let mut doc = D::new("a");
    doc.insert(0, "🙂é字");
    doc.insert(1, "x");
    check(&doc, "🙂xé字");
    doc.delete(2, 1);
    check(&doc, "🙂x字");
    assert_eq!(doc.slice(1..3), "x字");
}

#[test]
fn positions_count_code_points_for_every_step() {
    for_every_step!(positions_count_code_points);
}

fn concurrent_inserts_at_one_place_order_by_agent_name<D: TextCrdt>() {
    // Three agents type at position 0 of an empty document concurrently. Ties break by agent
    // name, so the text is the same whatever the merge order and whoever created whom.
    let mut zed = D::new("zed");
    let mut alice = D::new("alice");
    let mut mike = D::new("mike");
    zed.insert(0, "Z");
    alice.insert(0, "A");
    mike.insert(0, "M");
    let mut order_1 = zed.fork("observer-1");
    order_1.merge(&mike);
    order_1.merge(&alice);
    let mut order_2 = alice.fork("observer-2");
    order_2.merge(&zed);
    order_2.merge(&mike);
    check(&order_1, "AMZ");
    check(&order_2, "AMZ");
}

#[test]
fn concurrent_inserts_at_one_place_order_by_agent_name_for_every_step() {
    for_every_step!(concurrent_inserts_at_one_place_order_by_agent_name);
}

fn concurrent_typing_does_not_interleave<D: TextCrdt>() {
    // FugueMax's property: two runs typed forwards at the same place stay whole.
    let mut a = D::new("a");
    a.insert(0, "[]");
    let mut b = a.fork("b");
    for (offset, ch) in "abc".chars().enumerate() {
        a.insert(1 + offset, &ch.to_string());
    }
    for (offset, ch) in "xyz".chars().enumerate() {
        b.insert(1 + offset, &ch.to_string());
    }
    sync_both(&mut a, &mut b);
    check(&a, "[abcxyz]");
}

#[test]
fn concurrent_typing_does_not_interleave_for_every_step() {
    for_every_step!(concurrent_typing_does_not_interleave);
}

fn overlapping_deletes_delete_once<D: TextCrdt>() {
    let mut a = D::new("a");
    a.insert(0, "0123456789");
    let mut b = a.fork("b");
    a.delete(2, 5);
    b.delete(4, 5);
    b.insert(2, "x");
    sync_both(&mut a, &mut b);
    check(&a, "01x9");
    // Every char op counts, double deletes included: a made 10 + 5, b made 5 + 1.
    assert_eq!(a.version().seq_count("a"), 15);
    assert_eq!(a.version().seq_count("b"), 6);
}

#[test]
fn overlapping_deletes_delete_once_for_every_step() {
    for_every_step!(overlapping_deletes_delete_once);
}

fn fork_copies_and_changes_agent<D: TextCrdt>() {
    let mut a = D::new("a");
    a.insert(0, "ab");
    let mut b = a.fork("b");
    assert_eq!((a.agent(), b.agent()), ("a", "b"));
    assert_eq!(b.version(), a.version());
    b.insert(2, "c");
    check(&a, "ab");
    check(&b, "abc");
    assert_eq!(b.frontier(), vec![("b".to_owned(), 0)]);
    a.merge(&b);
    // A handover: `a` continues b's chain (it has all of b's ops).
    a.set_agent("b");
    a.insert(0, "<");
    assert_eq!(a.version().seq_count("b"), 2);
    assert_eq!(a.frontier(), vec![("b".to_owned(), 1)]);
    check(&a, "<abc");
}

#[test]
fn fork_copies_and_changes_agent_for_every_step() {
    for_every_step!(fork_copies_and_changes_agent);
}

fn ops_since_a_version_inside_a_run<D: TextCrdt>() {
    let mut a = D::new("a");
    a.insert(0, "abc");
    let halfway = {
        let mut v = Version::root();
        v.set_seq_count("a", 1);
        v
    };
    let batch = a.ops_since(&halfway);
    assert_eq!(batch.agents, vec!["a".to_owned()]);
    let a0 = OpId { agent: 0, seq: 0 };
    let expected = Op {
        id: OpId { agent: 0, seq: 1 },
        parents: vec![a0],
        kind: OpKind::Insert {
            origin_left: Some(a0),
            origin_right: None,
            text: "bc".into(),
        },
        pos_hint: None,
    };
    // A step with positions (s47) sends where "bc" went: after "a". The others send none.
    assert!(matches!(batch.ops[0].pos_hint, None | Some(1)), "hint {:?}", batch.ops[0].pos_hint);
    let mut ops = batch.ops.clone();
    ops[0].pos_hint = None;
    assert_eq!(ops, vec![expected]);
    // A replica holding only the first char takes the rest.
    let mut b = D::new("b");
    b.integrate(&a.ops_since(&Version::root())).unwrap();
    check(&b, "abc");
    // Partly known ops are trimmed: integrating the whole run into a replica with a prefix.
    let mut c = D::new("c");
    let first_char = OpBatch {
        agents: vec!["a".into()],
        ops: vec![Op {
            id: a0,
            parents: vec![],
            kind: OpKind::Insert {
                origin_left: None,
                origin_right: None,
                text: "a".into(),
            },
            pos_hint: None,
        }],
    };
    c.integrate(&first_char).unwrap();
    check(&c, "a");
    c.integrate(&a.ops_since(&Version::root())).unwrap();
    check(&c, "abc");
    assert_eq!(c.version(), a.version());
}

#[test]
fn ops_since_a_version_inside_a_run_for_every_step() {
    for_every_step!(ops_since_a_version_inside_a_run);
}

/// A document with some history, and a batch of its ops that another replica can use.
fn document_and_its_ops<D: TextCrdt>() -> (D, OpBatch) {
    let mut a = D::new("a");
    a.insert(0, "hello");
    a.delete(1, 2);
    let batch = a.ops_since(&Version::root());
    (a, batch)
}

/// Integrating `batch` into `doc` fails with an error matching `expected`, and changes nothing.
fn assert_refused<D: TextCrdt>(
    doc: &mut D,
    batch: &OpBatch,
    expected: fn(&IntegrateError) -> bool,
) {
    let (text, version, frontier) = (doc.text(), doc.version(), doc.frontier());
    let error = doc.integrate(batch).expect_err("batch should be refused");
    assert!(expected(&error), "unexpected error: {error}");
    assert!(!error.to_string().is_empty());
    doc.assert_invariants();
    assert_eq!(
        (doc.text(), doc.version(), doc.frontier()),
        (text, version, frontier)
    );
}

fn malformed_and_unready_batches_change_nothing<D: TextCrdt>() {
    let (source, good) = document_and_its_ops::<D>();
    let mut doc = D::new("b");
    doc.insert(0, "x");
    let not_ready = |e: &IntegrateError| matches!(e, IntegrateError::NotReady { .. });
    let malformed = |e: &IntegrateError| matches!(e, IntegrateError::Malformed { .. });

    // The second op alone: its parent is missing.
    let second_only = OpBatch {
        agents: good.agents.clone(),
        ops: good.ops[1..].to_vec(),
    };
    assert_refused(&mut doc, &second_only, not_ready);
    // Ops reversed: not a causal order.
    let reversed = OpBatch {
        agents: good.agents.clone(),
        ops: good.ops.iter().rev().cloned().collect(),
    };
    assert_refused(&mut doc, &reversed, not_ready);
    // A seq gap: the agent's op 0 is missing.
    let mut gap = good.clone();
    gap.ops[0].id.seq = 3;
    assert_refused(&mut doc, &gap, not_ready);

    // A bad op after a good one: the good one must not be applied either.
    let mut bad_tail = good.clone();
    bad_tail.ops[1].kind = OpKind::Delete {
        target: OpId { agent: 0, seq: 40 },
        len_chars: 1,
        backward: false,
    };
    assert_refused(&mut doc, &bad_tail, malformed);
    let mut unknown_agent = good.clone();
    unknown_agent.ops[0].id.agent = 7;
    assert_refused(&mut doc, &unknown_agent, malformed);
    let mut empty_insert = good.clone();
    empty_insert.ops[0].kind = OpKind::Insert {
        origin_left: None,
        origin_right: None,
        text: String::new(),
    };
    assert_refused(&mut doc, &empty_insert, malformed);
    let mut origin_in_future = good.clone();
    origin_in_future.ops[0].kind = OpKind::Insert {
        origin_left: Some(OpId { agent: 0, seq: 2 }),
        origin_right: None,
        text: "hello".into(),
    };
    assert_refused(&mut doc, &origin_in_future, not_ready_or_malformed);
    // A delete whose target is a delete op, not an inserted char.
    let mut target_is_a_delete = good.clone();
    target_is_a_delete.ops.push(Op {
        id: OpId { agent: 0, seq: 7 },
        parents: vec![OpId { agent: 0, seq: 6 }],
        kind: OpKind::Delete {
            target: OpId { agent: 0, seq: 5 },
            len_chars: 1,
            backward: false,
        },
        pos_hint: None,
    });
    assert_refused(&mut doc, &target_is_a_delete, malformed);
    // A backspace run (backward delete) reaching below seq 0, and one over a delete op.
    for (target_seq, len_chars) in [(1, 3), (6, 2)] {
        let mut bad_backward = good.clone();
        bad_backward.ops.push(Op {
            id: OpId { agent: 0, seq: 7 },
            parents: vec![OpId { agent: 0, seq: 6 }],
            kind: OpKind::Delete {
                target: OpId { agent: 0, seq: target_seq },
                len_chars,
                backward: true,
            },
            pos_hint: None,
        });
        assert_refused(&mut doc, &bad_backward, malformed);
    }

    // After all that, the good batch still works.
    doc.integrate(&good).unwrap();
    doc.assert_invariants();
    let mut expected = source.fork("check");
    expected.merge(&doc);
    assert_eq!(doc.text(), expected.text());
}

fn not_ready_or_malformed(error: &IntegrateError) -> bool {
    matches!(
        error,
        IntegrateError::NotReady { .. } | IntegrateError::Malformed { .. }
    )
}

#[test]
fn malformed_and_unready_batches_change_nothing_for_every_step() {
    for_every_step!(malformed_and_unready_batches_change_nothing);
}

fn two_replicas_editing_as_one_agent_conflict<D: TextCrdt>() {
    let mut first = D::new("same");
    let mut second = D::new("same");
    first.insert(0, "a");
    second.insert(0, "b");
    let conflict = |e: &IntegrateError| matches!(e, IntegrateError::Conflict { .. });
    assert_refused(&mut first, &second.ops_since(&Version::root()), conflict);
    check(&first, "a");
}

#[test]
fn two_replicas_editing_as_one_agent_conflict_for_every_step() {
    for_every_step!(two_replicas_editing_as_one_agent_conflict);
}

fn empty_batches_and_empty_documents<D: TextCrdt>() {
    let mut doc = D::new("a");
    doc.integrate(&OpBatch::default()).unwrap();
    check(&doc, "");
    assert!(doc.ops_since(&Version::root()).is_empty());
    assert_eq!(doc.version(), Version::root());
    assert!(doc.frontier().is_empty());
    let other = D::new("b");
    doc.merge(&other);
    check(&doc, "");
}

#[test]
fn empty_batches_and_empty_documents_for_every_step() {
    for_every_step!(empty_batches_and_empty_documents);
}

#[test]
#[should_panic(expected = "insert position 4 is out of range for a document of 3 chars")]
fn insert_out_of_range_panics_with_position_and_length() {
    let mut doc = engine::Best::new("a");
    doc.insert(0, "abc");
    doc.insert(4, "x");
}

#[test]
#[should_panic(
    expected = "delete of 2 chars at position 2 is out of range for a document of 3 chars"
)]
fn delete_out_of_range_panics_with_position_and_length() {
    let mut doc = engine::Best::new("a");
    doc.insert(0, "abc");
    doc.delete(2, 2);
}

#[test]
#[should_panic(expected = "delete of 18446744073709551615 chars at position 1")]
fn delete_with_overflowing_range_panics() {
    let mut doc = engine::Best::new("a");
    doc.insert(0, "abc");
    doc.delete(1, usize::MAX);
}

#[test]
#[should_panic(expected = "slice 1..5 is out of range for a document of 3 chars")]
fn slice_out_of_range_panics_with_range_and_length() {
    let mut doc = engine::Best::new("a");
    doc.insert(0, "abc");
    doc.slice(1..5);
}

/// Out-of-range panics for every step (the `should_panic` tests above cover `Best` only).
#[test]
fn out_of_range_panics_for_every_step() {
    fn panics<D: TextCrdt>() {
        let edit = |f: fn(&mut D)| {
            let mut doc = D::new("a");
            doc.insert(0, "abc");
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut doc))).is_err()
        };
        assert!(edit(|d| d.insert(4, "x")));
        assert!(edit(|d| d.delete(3, 1)));
        assert!(edit(|d| {
            d.slice(2..4);
        }));
        assert!(!edit(|d| d.insert(3, "x")));
        assert!(!edit(|d| d.delete(0, 3)));
    }
    for_every_step!(panics);
}

#[test]
fn registry_lists_every_step_once_in_log_order() {
    let mut names = Vec::new();
    macro_rules! collect {
        ($step:ty, $name:literal) => {
            assert_eq!(<$step as engine::Step>::INFO.name, $name);
            names.push($name);
        };
    }
    engine::for_each_step!(collect);
    let registered: Vec<&str> = engine::STEPS.iter().map(|step| step.name).collect();
    assert_eq!(names, registered, "STEPS and for_each_step! disagree");
    // Kept steps form one chain from step 0 to `Best`: each builds on the last kept step
    // before it. A reverted step builds on the step it was measured against, an earlier one
    // (normally the last kept step then; a step kept again later, as s34 was, leaves the
    // reverted steps between it and its re-keeping on their own predecessors).
    #[cfg(feature = "all-steps")]
    for (index, step) in engine::STEPS.iter().enumerate() {
        let last_kept_before = engine::STEPS[..index].iter().rev().find(|s| s.kept()).map(|s| s.name);
        if step.kept() {
            assert_eq!(
                step.predecessor, last_kept_before,
                "kept step {} must build on the last kept step before it",
                step.name
            );
        } else {
            let earlier = step
                .predecessor
                .is_some_and(|pred| engine::STEPS[..index].iter().any(|s| s.name == pred));
            assert!(earlier, "reverted step {} must build on an earlier step", step.name);
        }
        assert!(!step.idea.is_empty() && !step.why.is_empty() && !step.invariant.is_empty());
        assert!(!step.code.is_empty(), "step {} must say where its idea lives", step.name);
        if let Some(pred) = step.predecessor {
            let pred = engine::STEPS.iter().find(|s| s.name == pred).unwrap();
            let added: Vec<_> = step.flags.iter().filter(|f| !pred.flags.contains(f)).collect();
            assert!(!added.is_empty(), "step {} adds no flag to {}", step.name, pred.name);
        }
    }
    let kept: Vec<&str> = engine::STEPS.iter().filter(|s| s.kept()).map(|s| s.name).collect();
    assert_eq!(kept.first(), Some(&engine::STEPS[0].name));
    assert_eq!(kept.last(), Some(&<engine::Best as engine::Step>::INFO.name));
    assert!(registered.contains(&<engine::Best as engine::Step>::INFO.name));
}

/// The cursor cache (s07 on) remembers the leaf of the last edit and the counts before it.
/// A remote insert or delete in an *earlier* leaf moves that leaf's start: the cache must be
/// dropped (or fixed), or the next local edit lands in the wrong place. `assert_invariants`
/// checks the cached start against the index after every step here.
fn remote_edits_before_the_cursor_invalidate_it<D: TextCrdt>() {
    let mut alice = D::new("alice");
    let mut model = String::new();
    // Typing backwards makes one span per char: hundreds of spans, many leaves.
    for i in 0..600 {
        let ch = char::from(b'a' + (i % 26) as u8);
        alice.insert(0, &ch.to_string());
        model.insert(0, ch);
    }
    let mut bob = alice.fork("bob");
    // Alice works at the end: the cursor sits on the last leaf.
    alice.insert(600, "XY");
    model.push_str("XY");
    check(&alice, &model);
    // Bob edits near the start (the first leaf) and just before alice's place (her leaf, before
    // the entry her last edit touched); alice integrates it.
    bob.insert(590, "---");
    bob.insert(3, "+++");
    bob.delete(10, 5);
    alice.integrate(&bob.ops_since(&alice.version())).unwrap();
    model.insert_str(590, "---");
    model.insert_str(3, "+++");
    model.replace_range(10..15, "");
    check(&alice, &model);
    // Alice continues where she was: the end moved by -2 chars.
    let end = model.chars().count();
    alice.insert(end, "Z");
    model.push('Z');
    check(&alice, &model);
    alice.delete(end - 2, 2);
    model.replace_range(end - 2..end, "");
    check(&alice, &model);
    // A local insert at the very start changes the first leaf without searching for it.
    alice.insert(0, "^");
    model.insert(0, '^');
    let end = model.chars().count();
    alice.insert(end - 3, "W");
    model.insert(end - 3, 'W');
    check(&alice, &model);
    // And the other way round: the cursor in an early leaf, a remote edit after it.
    alice.insert(1, "<");
    model.insert(1, '<');
    let mut carol = alice.fork("carol");
    carol.insert(500, ">>");
    alice.insert(2, "=");
    model.insert(2, '=');
    alice.merge(&carol);
    model.insert_str(501, ">>");
    check(&alice, &model);
    alice.insert(3, "!");
    model.insert(3, '!');
    check(&alice, &model);
}

#[test]
fn remote_edits_before_the_cursor_invalidate_it_for_every_step() {
    for_every_step!(remote_edits_before_the_cursor_invalidate_it);
}

/// A hostile batch whose insert names a right origin that is before its left origin (no
/// replica makes one: the origins were adjacent, left before right). Only applying the ops
/// shows it; the op is refused as malformed, the ops before it stay applied, and the
/// document stays consistent (before the check, the item landed after its own right origin
/// and broke the store's invariants).
fn origins_out_of_order_are_refused<D: TextCrdt>() {
    let mut doc = D::new("a");
    doc.insert(0, "abc");
    let a = |seq| OpId { agent: 0, seq };
    let b = |seq| OpId { agent: 1, seq };
    let hostile = OpBatch {
        agents: vec!["a".into(), "b".into()],
        ops: vec![
            // A well-formed op first: it stays applied.
            Op { id: b(0), parents: vec![a(2)], kind: OpKind::Insert { origin_left: Some(a(2)), origin_right: None, text: "d".into() }, pos_hint: None },
            Op { id: b(1), parents: vec![b(0)], kind: OpKind::Insert { origin_left: Some(a(2)), origin_right: Some(a(0)), text: "x".into() }, pos_hint: None },
        ],
    };
    let error = doc.integrate(&hostile).unwrap_err();
    assert_eq!(error, IntegrateError::Malformed { op_index: 1, reason: engine::doc::ORIGINS_OUT_OF_ORDER });
    check(&doc, "abcd");
    // The same bytes through the decoder.
    let mut doc2 = D::new("a");
    doc2.insert(0, "abc");
    let result = doc2.integrate_encoded(&engine::encoding::encode(&hostile));
    assert_eq!(result, Err(engine::ImportError::Integrate(error)));
    check(&doc2, "abcd");
}

#[test]
fn origins_out_of_order_are_refused_for_every_step() {
    for_every_step!(origins_out_of_order_are_refused);
}

/// `ops_since(v)` is exactly the ops a replica at `v` lacks, for versions taken all along a
/// history of three replicas that edit and merge: nothing missing (the replica at `v` reaches
/// the full state) and nothing extra (the char op count is the difference of the versions).
fn ops_since_a_version_is_exactly_what_it_lacks<D: TextCrdt>() {
    let mut replicas = vec![D::new("a"), D::new("b"), D::new("c")];
    let mut snapshots: Vec<D> = Vec::new();
    // A fixed linear congruential sequence: deterministic without a dependency.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |bound: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % bound.max(1)
    };
    for round in 0..120 {
        let who = next(3);
        match next(6) {
            0 => {
                let from = (who + 1 + next(2)) % 3;
                let other = replicas[from].fork("x");
                replicas[who].merge(&other);
            }
            1 if replicas[who].len_chars() > 0 => {
                let len = replicas[who].len_chars();
                let pos = next(len);
                let n = 1 + next((len - pos).min(4));
                replicas[who].delete(pos, n);
            }
            _ => {
                let pos = next(replicas[who].len_chars() + 1);
                let text = if round % 7 == 0 { "é🙂z" } else { "xy" };
                for (offset, ch) in text.chars().enumerate() {
                    replicas[who].insert(pos + offset, &ch.to_string());
                }
            }
        }
        if round % 5 == 0 {
            snapshots.push(replicas[who].fork("snapshot"));
        }
    }
    let mut full = replicas.remove(0);
    for other in &replicas {
        full.merge(other);
    }
    snapshots.push(D::new("empty"));
    snapshots.push(full.fork("everything"));
    for (index, snapshot) in snapshots.iter().enumerate() {
        let since = snapshot.version();
        let missing = full.ops_since(&since);
        assert_eq!(
            missing.split_into_char_ops().ops.len() as u64,
            full.version().char_op_count() - since.char_op_count(),
            "snapshot {index}: ops_since gave other ops than the replica lacks"
        );
        let mut replica = snapshot.fork("replica");
        replica.integrate(&missing).unwrap_or_else(|error| panic!("snapshot {index}: {error}"));
        replica.assert_invariants();
        assert_eq!(replica.version(), full.version(), "snapshot {index}");
        assert_eq!(replica.text(), full.text(), "snapshot {index}");
    }
}

#[test]
fn ops_since_a_version_is_exactly_what_it_lacks_for_every_step() {
    for_every_step!(ops_since_a_version_is_exactly_what_it_lacks);
}
