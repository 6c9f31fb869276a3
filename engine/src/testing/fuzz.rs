//! The bodies of the engine's fuzz targets (`fuzz/fuzz_targets/*.rs` call these and nothing
//! else; `tests/fuzz_properties.rs` calls them with seeded inputs). Each takes arbitrary bytes
//! and panics only when it finds a bug.

use std::sync::OnceLock;

use crate::encoding::{decode, encode};
use crate::testing::history::{assert_same_state, World};
use crate::{IntegrateError, OpBatch, S00NaiveVec, TextCrdt, Version};

/// Which step an input runs on: its first byte, modulo the number of steps (so one input runs
/// one step, and the fuzzer still reaches every step's code).
fn pick_step(selector: u8) -> usize {
    usize::from(selector) % crate::STEPS.len()
}

/// Calls `$body!(StepType, "name")` for the `index`th step of [`crate::for_each_step!`].
macro_rules! with_step {
    ($index:expr, $body:ident) => {{
        let wanted = $index;
        let mut at = 0usize;
        macro_rules! one {
            ($step:ty, $name:literal) => {
                if at == wanted {
                    $body!($step, $name);
                }
                at += 1;
            };
        }
        crate::for_each_step!(one);
        let _ = at;
    }};
}

/// `edit_merge`: the first byte picks a step, the rest drive a random edit/merge script
/// ([`World::from_bytes`]: a few replicas, local inserts and deletes, merges and integrates in
/// random directions, forks, agent swaps), checked after every action against diamond-types
/// and each replica's `Vec<char>` model, then for convergence and the export laws.
///
/// The script is not replayed on step 0 as well: diamond-types already checks every action of
/// every step, and a second replay halved the executions a second (measured: 23 ms an input
/// with it, most of it the invariant checks).
pub fn edit_merge(data: &[u8]) {
    let Some((&selector, script)) = data.split_first() else {
        return;
    };
    macro_rules! run {
        ($step:ty, $name:literal) => {
            World::<$step>::from_bytes($name, script).run();
        };
    }
    with_step!(pick_step(selector), run);
}

/// The histories a decoded batch lands on (the second byte of an `op_decoder` input picks one):
/// an empty replica, and the converged documents of a few seeded concurrent histories, as
/// their whole op log. Agents and ids in fuzz input then often name items that exist.
pub fn base_histories() -> &'static [OpBatch] {
    static BASES: OnceLock<Vec<OpBatch>> = OnceLock::new();
    BASES.get_or_init(|| {
        let mut bases = vec![OpBatch::default()];
        for seed in 0..7 {
            let doc = World::<S00NaiveVec>::new("s00-naive-vec", seed).run();
            bases.push(doc.ops_since(&Version::root()));
        }
        bases
    })
}

/// What integrating a decoded batch into a base replica gave, for comparing two steps.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    result: Result<(), IntegrateError>,
    text: String,
    version: Version,
    frontier: Vec<(String, u32)>,
}

/// Integrates `batch` into a replica holding `base`, and checks the replica: on an error it is
/// exactly as before (invariants, text, version, frontier), or for origins out of order holds
/// exactly the ops before the refused one; on success it holds the batch,
/// integrating the batch again changes nothing, its whole log rebuilds it in an empty replica,
/// and it still takes local edits.
fn integrate_checked<D: TextCrdt>(base: &OpBatch, batch: &OpBatch) -> Outcome {
    let mut doc = D::new("fuzz-observer");
    doc.integrate(base).expect("a base history integrates");
    let before = (doc.text(), doc.version(), doc.frontier());
    let result = doc.integrate(batch);
    doc.assert_invariants();
    let after = (doc.text(), doc.version(), doc.frontier());
    match &result {
        // The one refusal that keeps a prefix: origins out of order, which only applying the
        // ops before it can show (`TextCrdt::integrate`). Exactly those ops stay applied.
        Err(IntegrateError::Malformed { op_index, reason }) if *reason == crate::doc::ORIGINS_OUT_OF_ORDER => {
            let mut prefix = D::new("fuzz-observer");
            prefix.integrate(base).expect("a base history integrates");
            let ops = OpBatch { agents: batch.agents.clone(), ops: batch.ops[..*op_index].to_vec() };
            prefix.integrate(&ops).expect("the ops before the refused one integrate");
            assert_eq!(
                (prefix.text(), prefix.version(), prefix.frontier()),
                after,
                "a batch refused for origins out of order must keep exactly the ops before it"
            );
        }
        Err(error) => {
            assert_eq!(after, before, "the rejected batch ({error}) changed the replica");
        }
        Ok(()) => {
            assert!(after.1.includes(&before.1), "integrating lost ops");
            doc.integrate(batch).expect("a batch that integrated integrates again");
            doc.assert_invariants();
            assert_eq!((doc.text(), doc.version(), doc.frontier()), after, "integrating twice");
            let mut copy = D::new("fuzz-copy");
            copy.integrate(&doc.ops_since(&Version::root()))
                .expect("a replica's own log integrates");
            copy.assert_invariants();
            assert_same_state(&copy, &doc, "the whole log of the replica, in an empty one");
            let mut edited = doc.fork("fuzz-editor");
            edited.insert(0, "<");
            edited.insert(edited.len_chars(), ">");
            edited.delete(0, 1);
            edited.assert_invariants();
            assert_eq!(edited.text(), format!("{}>", after.0), "local edits after the batch");
        }
    }
    Outcome { result, text: after.0, version: after.1, frontier: after.2 }
}

/// `op_decoder`: the first byte picks a step, the second a base history
/// ([`base_histories`]), the rest go to [`decode`]. A decode error must say where (an offset
/// inside the input); a decoded batch must re-encode to itself, and integrating it must either
/// be refused leaving the replica as it was, or leave a replica that passes every check of
/// [`integrate_checked`], with the same outcome on step 0 as on the picked step.
pub fn op_decoder(data: &[u8]) {
    let [selector, base_selector, bytes @ ..] = data else {
        return;
    };
    let batch = match decode(bytes) {
        Ok(batch) => batch,
        Err(error) => {
            assert!(error.offset <= bytes.len(), "{error} is past the end of {} bytes", bytes.len());
            return;
        }
    };
    assert_eq!(decode(&encode(&batch)).as_ref(), Ok(&batch), "decode(encode(batch)) != batch");
    let bases = base_histories();
    let base = &bases[usize::from(*base_selector) % bases.len()];
    macro_rules! run {
        ($step:ty, $name:literal) => {
            let outcome = integrate_checked::<$step>(base, &batch);
            if $name != "s00-naive-vec" {
                let model = integrate_checked::<S00NaiveVec>(base, &batch);
                assert_eq!(outcome, model, concat!($name, " and s00-naive-vec disagree"));
            }
        };
    }
    with_step!(pick_step(*selector), run);
}
