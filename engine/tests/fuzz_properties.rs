//! The fuzz targets' checks (`engine::testing::fuzz`, what `fuzz/` runs for hours) run here on
//! a fixed set of seeded inputs, so that CI runs them too (a few seconds), and on every input a
//! fuzzer found a bug with (the regression tests at the end).

use engine::encoding::encode;
use engine::testing::fuzz::{base_histories, edit_merge, op_decoder};
use engine::testing::history::World;
use engine::{OpBatch, OpId, OpKind, S00NaiveVec, TextCrdt, Version, STEPS};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn random_bytes(rng: &mut SmallRng, max_len: usize) -> Vec<u8> {
    let len = rng.gen_range(0..=max_len);
    (0..len).map(|_| rng.gen()).collect()
}

/// Random scripts on every step: each step gets a few byte strings as its script (the same
/// bytes the fuzzer would mutate), and is checked against diamond-types and the `Vec<char>`
/// model.
#[test]
fn edit_merge_on_seeded_scripts_for_every_step() {
    let mut rng = SmallRng::seed_from_u64(11);
    for step in 0..STEPS.len() {
        for _ in 0..3 {
            let mut input = vec![step as u8];
            input.extend(random_bytes(&mut rng, 400));
            edit_merge(&input);
        }
    }
}

/// An op batch a peer could send: a seeded history's ops since a random earlier version.
fn history_batch(rng: &mut SmallRng) -> OpBatch {
    let doc = World::<S00NaiveVec>::new("s00-naive-vec", rng.gen_range(100..200)).run();
    let all = doc.ops_since(&Version::root());
    // Half the time the whole log; else what a peer at some earlier version lacks.
    if rng.gen_bool(0.5) || all.ops.is_empty() {
        return all;
    }
    let mut since = Version::root();
    for (index, name) in all.agents.iter().enumerate() {
        let seqs = all.ops.iter().filter(|op| op.id.agent as usize == index);
        let max = seqs.map(|op| op.id.seq + op.len_chars() as u32).max().unwrap_or(0);
        since.set_seq_count(name, rng.gen_range(0..=max));
    }
    // A version that is not causally closed gives a batch that is not ready: also a case.
    doc.ops_since(&since)
}

/// Changes one id or name of the batch into one that names something that does not exist (or
/// not yet): an unknown item, an unknown agent, a parent in the future, a seq gap.
fn break_batch(batch: &mut OpBatch, rng: &mut SmallRng) {
    if batch.ops.is_empty() {
        return;
    }
    let shift = |id: &mut OpId, rng: &mut SmallRng| {
        id.seq = id.seq.saturating_add(rng.gen_range(1..1000));
    };
    let index = rng.gen_range(0..batch.ops.len());
    let op = &mut batch.ops[index];
    match rng.gen_range(0..6) {
        0 => match op.parents.first_mut() {
            Some(parent) => shift(parent, rng),
            None => op.parents.push(OpId { agent: op.id.agent, seq: op.id.seq + 5 }),
        },
        1 => shift(&mut op.id, rng),
        2 => match &mut op.kind {
            OpKind::Insert { origin_left: Some(id), .. } | OpKind::Delete { target: id, .. } => shift(id, rng),
            OpKind::Insert { origin_right, .. } => *origin_right = Some(OpId { agent: 0, seq: 1 << 20 }),
        },
        3 => {
            let agent = op.id.agent as usize;
            batch.agents[agent] = "mallory".to_owned();
        }
        4 => {
            // A later op as this op's parent.
            let later = batch.ops[rng.gen_range(index..batch.ops.len())].id;
            batch.ops[index].parents = vec![later];
        }
        _ => {
            if let OpKind::Delete { len_chars, .. } = &mut op.kind {
                *len_chars = len_chars.saturating_add(rng.gen_range(1..1 << 20));
            } else {
                op.parents.clear();
            }
        }
    }
}

/// Encodings of real and broken batches, then truncated, bit-flipped, overwritten or
/// spliced, landing on every step and every base history: each must decode to an error, or
/// to a batch that integrates or is refused leaving the replica intact.
#[test]
fn op_decoder_on_seeded_hostile_bytes() {
    let mut rng = SmallRng::seed_from_u64(12);
    let bases = base_histories().len() as u8;
    for round in 0..300u32 {
        let mut batch = history_batch(&mut rng);
        if round % 3 != 0 {
            break_batch(&mut batch, &mut rng);
        }
        let mut bytes = encode(&batch);
        match round % 5 {
            0 => {} // the encoding as is
            1 => bytes.truncate(rng.gen_range(0..=bytes.len())),
            2 => {
                for _ in 0..rng.gen_range(1..4) {
                    let at = rng.gen_range(0..bytes.len());
                    bytes[at] ^= 1 << rng.gen_range(0..8);
                }
            }
            3 => {
                let at = rng.gen_range(4..=bytes.len().max(4));
                bytes.truncate(at);
                bytes.extend(random_bytes(&mut rng, 16));
            }
            _ => {
                bytes.truncate(4);
                bytes.extend(random_bytes(&mut rng, 64));
            }
        }
        let mut input = vec![(round % STEPS.len() as u32) as u8, rng.gen_range(0..bases)];
        input.extend(bytes);
        op_decoder(&input);
    }
    for _ in 0..200 {
        op_decoder(&random_bytes(&mut rng, 64));
    }
}

/// Unbroken batches, whole, land on the empty base: they must integrate, so that the seeded
/// run above checks the success path too (not only refusals).
#[test]
fn op_decoder_accepts_real_batches() {
    let mut rng = SmallRng::seed_from_u64(13);
    for step in 0..STEPS.len() {
        let doc = World::<S00NaiveVec>::new("s00-naive-vec", rng.gen_range(0..50)).run();
        let batch = doc.ops_since(&Version::root());
        let mut input = vec![step as u8, 0];
        input.extend(encode(&batch));
        op_decoder(&input);
        let mut fresh = S00NaiveVec::new("x");
        fresh.integrate(&batch).unwrap();
        assert_eq!(fresh.text(), doc.text());
    }
}

// Inputs the fuzzers found bugs with, kept as files (libFuzzer's crash artifacts, minimized)
// in tests/fuzz_regressions/<target>/.

/// op_decoder, first minutes of the first run: a batch onto the empty replica (base 0) whose
/// inserts, all new, include one whose left origin ends up after its right origin (both
/// inserted earlier in the same batch). It was accepted and broke the order invariant
/// ("item .. is not before its right origin"); now it is refused while applying, keeping the
/// ops before it (`integrate_checked` checks exactly that). See `hostile_batches.rs`,
/// `an_insert_whose_origins_are_in_reverse_order`, for the single-op form.
#[test]
fn op_decoder_regression_reversed_origins_within_one_batch() {
    op_decoder(include_bytes!("fuzz_regressions/op_decoder/reversed-origins-within-one-batch"));
}

/// op_decoder, after the reversed-origins fix (2026-12-01): a hostile insert whose right origin
/// lies inside a run of items, past the run's first item, in the stretch the YjsMod scan walks.
/// Step 0 scans item by item and stopped at the right origin; the run-length steps skipped the
/// run whole, went past it and refused the op (`ORIGINS_OUT_OF_ORDER`): the steps disagreed.
/// The scan now stops inside a run at the right origin too.
#[test]
fn op_decoder_regression_right_origin_inside_a_run() {
    op_decoder(include_bytes!("fuzz_regressions/op_decoder/right-origin-inside-a-run"));
}
