//! The binary encoding of op batches (`engine::encoding`): roundtrips on random concurrent
//! histories and on a real trace, and the decoder on hostile input (every truncation, bit
//! flips, random bytes): each gives an error or a well-formed batch, never a panic, and a
//! decoded hostile batch never panics `integrate` either.

use engine::encoding::{decode, encode};
use engine::testing::history::World;
use engine::{OpBatch, TextCrdt, Version};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use traces::TraceDir;

type D = engine::Best;

/// A random concurrent history (the generator the conformance suite runs, checked against
/// diamond-types as it plays), converged into one replica of the best step.
fn random_history(seed: u64) -> D {
    World::<D>::new(<D as engine::Step>::INFO.name, seed).run()
}

fn check_roundtrip(doc: &D, what: &str) -> Vec<u8> {
    let batch = doc.ops_since(&Version::root());
    let bytes = encode(&batch);
    let decoded = decode(&bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(decoded, batch, "{what}: decode(encode(batch)) != batch");
    let mut fresh = D::new("observer");
    fresh.integrate(&decoded).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(fresh.text() == doc.text(), "{what}: the decoded history gives another text");
    bytes
}

/// Decodes hostile bytes; if they decode, integrating them must not panic either. And
/// `integrate_encoded`, which plans straight from the bytes, must do what decoding then
/// integrating does: the same document, or an error (the same one if the bytes decode), and
/// on error no change at all.
fn decode_hostile(bytes: &[u8]) {
    let mut fresh = D::new("observer");
    let mut direct = D::new("observer");
    let via_batch = decode(bytes).map(|batch| fresh.integrate(&batch));
    let encoded = direct.integrate_encoded(bytes);
    match (&via_batch, &encoded) {
        (Ok(Ok(())), Ok(())) => {
            assert!(direct.text() == fresh.text());
            assert_eq!(direct.version(), fresh.version());
        }
        (Ok(Err(e1)), Err(engine::ImportError::Integrate(e2))) => assert_eq!(e1, e2),
        // Reading op by op, it reports the first problem it meets: a bad op before the bytes
        // stop making sense is reported as that op's.
        (Err(_), Err(_)) => {}
        _ => panic!("decode + integrate gave {via_batch:?}, integrate_encoded {encoded:?}"),
    }
    // Refused means unchanged, but for origins out of order, which only applying shows
    // (then a causal prefix stays applied; `integrate` documents it).
    let out_of_order = matches!(
        encoded,
        Err(engine::ImportError::Integrate(engine::IntegrateError::Malformed { reason, .. })) if reason == engine::doc::ORIGINS_OUT_OF_ORDER
    );
    if encoded.is_err() && !out_of_order {
        assert_eq!(direct.len_chars(), 0, "a refused batch changed the document");
        assert_eq!(direct.version(), Version::root(), "a refused batch changed the document");
    }
    direct.assert_invariants();
    fresh.assert_invariants();
}

#[test]
fn random_histories_roundtrip() {
    for seed in 0..300 {
        let doc = random_history(seed);
        check_roundtrip(&doc, &format!("seed {seed}"));
    }
}

/// A replica part-way through a history takes the rest as bytes: `integrate_encoded` gives
/// what `integrate` of the decoded batch gives, and the history's text.
#[test]
fn integrate_encoded_matches_integrate_from_any_version() {
    for seed in 0..200 {
        let doc = random_history(seed);
        let all = doc.ops_since(&Version::root());
        // A peer that has the first `k` ops of the history.
        let k = (seed as usize * 7) % (all.ops.len() + 1);
        let mut peer = D::new("peer");
        peer.integrate(&OpBatch { agents: all.agents.clone(), ops: all.ops[..k].to_vec() }).expect("a prefix of a causal order");
        let bytes = encode(&doc.ops_since(&peer.version()));
        let mut via_batch = peer.fork("peer");
        via_batch.integrate(&decode(&bytes).expect("decode")).expect("integrate");
        peer.integrate_encoded(&bytes).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        peer.assert_invariants();
        assert!(peer.text() == via_batch.text() && peer.text() == doc.text(), "seed {seed}");
        assert_eq!(peer.version(), doc.version(), "seed {seed}");
    }
}

#[test]
fn random_histories_survive_truncation_and_bit_flips() {
    let mut rng = SmallRng::seed_from_u64(7);
    for seed in 0..40 {
        let bytes = encode(&random_history(seed).ops_since(&Version::root()));
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "seed {seed}: a prefix of {len} bytes decoded");
        }
        for _ in 0..200 {
            let mut flipped = bytes.clone();
            for _ in 0..rng.gen_range(1..4) {
                let i = rng.gen_range(0..flipped.len());
                flipped[i] ^= 1 << rng.gen_range(0..8);
            }
            decode_hostile(&flipped);
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = SmallRng::seed_from_u64(11);
    for _ in 0..20_000 {
        let len = rng.gen_range(0..64);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        // Half of them behind a valid header, so the decoder gets past the magic.
        if rng.gen_bool(0.5) {
            let mut with_header = b"CBE\x01".to_vec();
            with_header.append(&mut bytes);
            bytes = with_header;
        }
        decode_hostile(&bytes);
    }
}

#[test]
fn a_real_trace_roundtrips_compactly() {
    let dir = TraceDir::locate(None).unwrap_or_else(|e| panic!("{e}"));
    let trace = dir.load_sequential("sveltecomponent").unwrap();
    let mut doc = D::new("a");
    let mut prefix_doc = None;
    for (i, p) in trace.patches().enumerate() {
        if p.del_chars > 0 {
            doc.delete(p.pos_chars, p.del_chars);
        }
        if !p.ins.is_empty() {
            doc.insert(p.pos_chars, &p.ins);
        }
        if i == 400 {
            prefix_doc = Some(doc.fork("a"));
        }
    }
    assert!(doc.text() == trace.end_content);
    let bytes = check_roundtrip(&doc, "sveltecomponent");
    let batch: OpBatch = doc.ops_since(&Version::root());
    // A typing run or delete costs a few bytes plus its text.
    let text_bytes: usize =
        batch.ops.iter().map(|op| if let engine::OpKind::Insert { text, .. } = &op.kind { text.len() } else { 0 }).sum();
    let per_op = (bytes.len() - text_bytes) as f64 / batch.ops.len() as f64;
    assert!(per_op < 6.0, "{per_op:.1} bytes per op besides the text ({} ops, {} bytes)", batch.ops.len(), bytes.len());

    // Every truncation of the first 400 patches' encoding is an error.
    let prefix = encode(&prefix_doc.expect("trace has 400 patches").ops_since(&Version::root()));
    for len in 0..prefix.len() {
        assert!(decode(&prefix[..len]).is_err(), "a prefix of {len} bytes decoded");
    }
}

/// s47's position hints are only hints: a replica that gets wrong ones (shifted, random, or
/// none) reaches the same document and version as one that gets the true ones, and exports
/// the same char ops.
#[test]
fn position_hints_that_lie_change_nothing_but_the_path() {
    type P = engine::steps::s47_pos_hints::S47PosHints;
    let mut hinted_ops = 0;
    for seed in 0..40 {
        let doc = World::<P>::new(<P as engine::Step>::INFO.name, seed).run();
        let batch = doc.ops_since(&Version::root());
        hinted_ops += batch.ops.iter().filter(|op| op.pos_hint.is_some()).count();
        let mut rng = SmallRng::seed_from_u64(seed);
        let lies: [&dyn Fn(Option<u32>, &mut SmallRng) -> Option<u32>; 4] = [
            &|hint, _| hint,
            &|_, _| None,
            &|hint, _| hint.map(|pos| pos + 1),
            &|_, rng| Some(rng.gen_range(0..8)),
        ];
        for (lie_index, lie) in lies.iter().enumerate() {
            let mut told = batch.clone();
            for op in &mut told.ops {
                op.pos_hint = lie(op.pos_hint, &mut rng);
            }
            let mut fresh = P::new("observer");
            fresh.integrate(&decode(&encode(&told)).unwrap()).unwrap_or_else(|e| panic!("seed {seed}, lie {lie_index}: {e}"));
            fresh.assert_invariants();
            assert!(fresh.text() == doc.text(), "seed {seed}, lie {lie_index}: another text");
            assert_eq!(fresh.version(), doc.version(), "seed {seed}, lie {lie_index}");
            assert_eq!(
                fresh.ops_since(&Version::root()).split_into_char_ops(),
                batch.split_into_char_ops(),
                "seed {seed}, lie {lie_index}: other ops"
            );
        }
    }
    assert!(hinted_ops > 0, "no op had a hint: the test tested nothing");
}
