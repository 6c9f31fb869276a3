//! Conformance of every registered step: seeded random concurrent histories, checked against
//! diamond-types 1.0, a `Vec<char>` model and the CRDT laws. The generator and its checks are
//! `engine::testing::history` (shared with the `edit_merge` fuzz target in `fuzz/`); this file
//! picks the seeds and the steps.
//!
//! On failure the step, the seed, the replayed actions and a command that reruns the seed are
//! printed. The long run (see engine/README.md):
//!
//! ```text
//! ENGINE_FUZZ_SEED_START=10000 ENGINE_FUZZ_COUNT=1000000 \
//!     cargo test --release -p engine --test conformance -- --ignored --nocapture
//! ```

use engine::testing::history::World;

/// Seeds per step in the default `cargo test` run, split over tests so they run in parallel.
const CI_SEEDS_PER_TEST: u64 = 2_500;

/// Runs `seeds` on every step, or on the steps named in `ENGINE_FUZZ_STEPS` (comma-separated
/// step names), for a long run on one step.
fn run_seeds(seeds: std::ops::Range<u64>) {
    let only: Option<Vec<String>> = std::env::var("ENGINE_FUZZ_STEPS")
        .ok()
        .map(|names| names.split(',').map(|name| name.trim().to_owned()).collect());
    if let Some(names) = &only {
        for name in names {
            assert!(
                engine::STEPS.iter().any(|step| step.name == name),
                "ENGINE_FUZZ_STEPS names an unknown step {name:?}"
            );
        }
    }
    macro_rules! run_step {
        ($step:ty, $name:literal) => {
            let selected = only.as_ref().map_or(true, |names| names.iter().any(|n| n == $name));
            for seed in seeds.clone().filter(|_| selected) {
                World::<$step>::new($name, seed).run();
            }
        };
    }
    engine::for_each_step!(run_step);
}

#[test]
fn random_histories_part_0() {
    run_seeds(0..CI_SEEDS_PER_TEST);
}

#[test]
fn random_histories_part_1() {
    run_seeds(CI_SEEDS_PER_TEST..2 * CI_SEEDS_PER_TEST);
}

#[test]
fn random_histories_part_2() {
    run_seeds(2 * CI_SEEDS_PER_TEST..3 * CI_SEEDS_PER_TEST);
}

#[test]
fn random_histories_part_3() {
    run_seeds(3 * CI_SEEDS_PER_TEST..4 * CI_SEEDS_PER_TEST);
}

/// The ablation's variants (`engine::ablation`: the best step with one flag off) are timed by
/// `crdt-bench log --ablate`; they must be correct CRDTs too. Fewer seeds than the steps: each
/// differs from a tested step in one type parameter.
#[cfg(feature = "all-steps")]
#[test]
fn random_histories_of_the_ablation_variants() {
    macro_rules! run_variant {
        ($ty:ty, $name:literal) => {
            for seed in 0..500 {
                World::<$ty>::new($name, seed).run();
            }
        };
    }
    engine::for_each_ablation!(run_variant);
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a number")),
        Err(_) => default,
    }
}

/// The long run: `ENGINE_FUZZ_COUNT` histories per step from seed `ENGINE_FUZZ_SEED_START`
/// (defaults: 1,000,000 from 10,000, just past the seeds CI runs).
#[test]
#[ignore = "long run; see engine/README.md"]
fn fuzz_random_histories() {
    let start = env_u64("ENGINE_FUZZ_SEED_START", 4 * CI_SEEDS_PER_TEST);
    let count = env_u64("ENGINE_FUZZ_COUNT", 1_000_000);
    const CHUNK: u64 = 10_000;
    let begun = std::time::Instant::now();
    let mut next = start;
    while next < start + count {
        let end = (next + CHUNK).min(start + count);
        run_seeds(next..end);
        eprintln!(
            "seeds {start}..{end} passed ({} histories per step, {:.0?})",
            end - start,
            begun.elapsed()
        );
        next = end;
    }
}
