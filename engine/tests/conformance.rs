//! Conformance of every registered step: seeded random concurrent histories, checked against
//! diamond-types 1.0 and against the CRDT laws.
//!
//! A history has 2 to 5 replicas (agents with random names, so that name order and replica
//! order differ) making random local inserts and deletes, biased towards the same few
//! positions so that concurrent inserts at one place and overlapping deletes are common, with
//! random syncs in between (merge, integrate of the missing ops, integrate of everything with
//! duplicates, one op at a time). Diamond-types replays the same edits from the same positions
//! in a shared `OpLog` with one `Branch` per replica; after every action the touched replica's
//! text must equal its branch's. After a full sync every replica holds the same text as
//! diamond-types (merged, and checked out from scratch); exporting everything into an empty
//! replica, again (duplicates), and in a random causal order, changes nothing.
//! `assert_invariants()` runs after every operation.
//!
//! On failure the step, the seed, the replayed actions and a command that reruns the seed are
//! printed. The long run (see engine/README.md):
//!
//! ```text
//! ENGINE_FUZZ_SEED_START=10000 ENGINE_FUZZ_COUNT=1000000 \
//!     cargo test --release -p engine --test conformance -- --ignored --nocapture
//! ```

use diamond_types::list::Branch;
use diamond_types::list::OpLog as DtOpLog;
use engine::OpBatch;
use engine::OpId;
use engine::OpKind;
use engine::TextCrdt;
use engine::Version;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::Rng;
use rand::SeedableRng;

/// Seeds per step in the default `cargo test` run, split over tests so they run in parallel.
const CI_SEEDS_PER_TEST: u64 = 2_500;

const NAMES: &[&str] = &[
    "a", "b", "aa", "ab", "B", "alice", "bob", "carol", "mike", "seph", "zed", "é", "日本",
];

/// Mostly ASCII letters; some multi-byte chars so that code points and bytes differ.
const CHARS: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'x', 'y', 'z', ' ', 'é', '字', '🙂',
];

#[derive(Clone, Copy, Debug)]
enum SyncHow {
    /// `to.merge(&from)`.
    Merge,
    /// `to.integrate(&from.ops_since(&to.version()))`.
    Missing,
    /// `to.integrate(&from.ops_since(&Version::root()))`: mostly duplicates.
    Everything,
    /// The missing ops one batch per op.
    OneByOne,
}

#[derive(Clone, Debug)]
enum Action {
    Insert {
        replica: usize,
        pos_chars: usize,
        text: String,
    },
    Delete {
        replica: usize,
        pos_chars: usize,
        len_chars: usize,
    },
    Sync {
        from: usize,
        to: usize,
        how: SyncHow,
    },
    /// A new replica: `from.fork(name)`.
    Fork { from: usize, name: &'static str },
    /// Two replicas sync both ways, then swap agents (`set_agent`): each continues the other's
    /// chain of ops, which is allowed once it has all of them.
    SwapAgents { first: usize, second: usize },
}

struct Replica<D> {
    doc: D,
    dt_branch: Branch,
    dt_agent: u32,
}

const MAX_REPLICAS: usize = 6;

/// One random history being played on our engine and on diamond-types at once.
struct World<D> {
    step_name: &'static str,
    seed: u64,
    rng: SmallRng,
    replicas: Vec<Replica<D>>,
    /// Names not used yet, for forks.
    unused_names: Vec<&'static str>,
    dt_oplog: DtOpLog,
    /// Where this history's edits cluster.
    hot_pos_chars: usize,
    /// What happened so far, printed if anything fails.
    actions: Vec<Action>,
}

impl<D> Drop for World<D> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "\nFAILED: step {}, seed {}. Actions so far:",
                self.step_name, self.seed
            );
            for action in &self.actions {
                eprintln!("  {action:?}");
            }
            eprintln!(
                "rerun with: ENGINE_FUZZ_SEED_START={} ENGINE_FUZZ_COUNT=1 cargo test -p engine \
                 --test conformance fuzz_random_histories -- --ignored --nocapture",
                self.seed
            );
        }
    }
}

impl<D: TextCrdt> World<D> {
    fn new(step_name: &'static str, seed: u64) -> Self {
        let mut rng = SmallRng::seed_from_u64(seed);
        let replica_count = rng.gen_range(2..=5);
        let mut names = NAMES.to_vec();
        names.shuffle(&mut rng);
        let mut dt_oplog = DtOpLog::new();
        let replicas = names[..replica_count]
            .iter()
            .map(|name| Replica {
                doc: D::new(name),
                dt_branch: Branch::new(),
                dt_agent: dt_oplog.get_or_create_agent_id(name),
            })
            .collect();
        let unused_names = names[replica_count..].to_vec();
        let hot_pos_chars = rng.gen_range(0..6);
        World {
            step_name,
            seed,
            rng,
            replicas,
            unused_names,
            dt_oplog,
            hot_pos_chars,
            actions: Vec::new(),
        }
    }

    fn run(mut self) {
        if self.rng.gen_bool(0.5) {
            self.share_a_base_text();
        }
        // Mostly short histories (many of them); some long ones for deeper interleavings.
        let action_count = if self.rng.gen_bool(0.1) {
            self.rng.gen_range(40..=150)
        } else {
            self.rng.gen_range(1..=40)
        };
        for _ in 0..action_count {
            let action = self.random_action();
            self.apply(action);
        }
        self.sync_everyone();
        self.check_converged();
        self.check_export_laws();
    }

    /// Replica 0 types a text and everyone merges it, so that edits also land inside text
    /// that all replicas share.
    fn share_a_base_text(&mut self) {
        let len_chars = self.rng.gen_range(1..=10);
        let text = self.random_text(len_chars);
        self.apply(Action::Insert {
            replica: 0,
            pos_chars: 0,
            text,
        });
        for to in 1..self.replicas.len() {
            self.apply(Action::Sync {
                from: 0,
                to,
                how: SyncHow::Merge,
            });
        }
    }

    fn random_text(&mut self, len_chars: usize) -> String {
        (0..len_chars)
            .map(|_| *CHARS.choose(&mut self.rng).unwrap())
            .collect()
    }

    /// A position biased towards the start, the end and the hot spot.
    fn random_pos(&mut self, len_chars: usize) -> usize {
        match self.rng.gen_range(0..10) {
            0..=2 => 0,
            3..=4 => len_chars,
            5..=6 => self.hot_pos_chars.min(len_chars),
            _ => self.rng.gen_range(0..=len_chars),
        }
    }

    fn random_action(&mut self) -> Action {
        let replica = self.rng.gen_range(0..self.replicas.len());
        let len_chars = self.replicas[replica].doc.len_chars();
        let roll = self.rng.gen_range(0..100);
        if roll < 45 || (roll < 75 && len_chars == 0) {
            let pos_chars = self.random_pos(len_chars);
            let text_len_chars = if self.rng.gen_bool(0.1) {
                self.rng.gen_range(4..=8)
            } else {
                self.rng.gen_range(1..=3)
            };
            let text = self.random_text(text_len_chars);
            Action::Insert {
                replica,
                pos_chars,
                text,
            }
        } else if roll < 75 {
            let pos_chars = self.random_pos(len_chars - 1);
            let len_chars = self.rng.gen_range(1..=(len_chars - pos_chars).min(4));
            Action::Delete {
                replica,
                pos_chars,
                len_chars,
            }
        } else if roll < 78 && self.replicas.len() < MAX_REPLICAS {
            let name = self.unused_names.pop().expect("more replicas than names");
            Action::Fork {
                from: replica,
                name,
            }
        } else if roll < 80 {
            let second =
                (replica + self.rng.gen_range(1..self.replicas.len())) % self.replicas.len();
            Action::SwapAgents {
                first: replica,
                second,
            }
        } else {
            let from = (replica + self.rng.gen_range(1..self.replicas.len())) % self.replicas.len();
            let how = *[
                SyncHow::Merge,
                SyncHow::Missing,
                SyncHow::Everything,
                SyncHow::OneByOne,
            ]
            .choose(&mut self.rng)
            .unwrap();
            Action::Sync {
                from,
                to: replica,
                how,
            }
        }
    }

    fn apply(&mut self, action: Action) {
        self.actions.push(action.clone());
        let touched = match action {
            Action::Insert {
                replica,
                pos_chars,
                ref text,
            } => {
                let Replica {
                    doc,
                    dt_branch,
                    dt_agent,
                } = &mut self.replicas[replica];
                doc.insert(pos_chars, text);
                dt_branch.insert(&mut self.dt_oplog, *dt_agent, pos_chars, text);
                replica
            }
            Action::Delete {
                replica,
                pos_chars,
                len_chars,
            } => {
                let Replica {
                    doc,
                    dt_branch,
                    dt_agent,
                } = &mut self.replicas[replica];
                doc.delete(pos_chars, len_chars);
                dt_branch.delete(
                    &mut self.dt_oplog,
                    *dt_agent,
                    pos_chars..pos_chars + len_chars,
                );
                replica
            }
            Action::Sync { from, to, how } => {
                self.sync(from, to, how);
                to
            }
            Action::Fork { from, name } => {
                let source = &self.replicas[from];
                let fork = Replica {
                    doc: source.doc.fork(name),
                    dt_branch: source.dt_branch.clone(),
                    dt_agent: self.dt_oplog.get_or_create_agent_id(name),
                };
                assert_eq!(fork.doc.agent(), name);
                assert_same_state(&fork.doc, &source.doc, "fork");
                self.replicas.push(fork);
                self.replicas.len() - 1
            }
            Action::SwapAgents { first, second } => {
                self.sync(first, second, SyncHow::Merge);
                self.sync(second, first, SyncHow::Merge);
                let first_agent = self.replicas[first].doc.agent().to_owned();
                let second_agent = self.replicas[second].doc.agent().to_owned();
                self.replicas[first].doc.set_agent(&second_agent);
                self.replicas[second].doc.set_agent(&first_agent);
                let dt_first_agent = self.replicas[first].dt_agent;
                self.replicas[first].dt_agent = self.replicas[second].dt_agent;
                self.replicas[second].dt_agent = dt_first_agent;
                self.replicas[second].doc.assert_invariants();
                first
            }
        };
        let replica = &self.replicas[touched];
        replica.doc.assert_invariants();
        let dt_text = replica.dt_branch.content().to_string();
        assert_eq!(
            replica.doc.text(),
            dt_text,
            "replica {touched} differs from diamond-types"
        );
        assert_eq!(replica.doc.len_chars(), replica.dt_branch.len());
        let dt_frontier = dt_frontier(&replica.dt_branch, &self.dt_oplog);
        assert_eq!(
            replica.doc.frontier(),
            dt_frontier,
            "replica {touched}'s frontier differs from diamond-types'"
        );
    }

    fn sync(&mut self, from: usize, to: usize, how: SyncHow) {
        let (source, target) = two_mut(&mut self.replicas, from, to);
        match how {
            SyncHow::Merge => target.doc.merge(&source.doc),
            SyncHow::Missing => target
                .doc
                .integrate(&source.doc.ops_since(&target.doc.version()))
                .unwrap(),
            SyncHow::Everything => target
                .doc
                .integrate(&source.doc.ops_since(&Version::root()))
                .unwrap(),
            SyncHow::OneByOne => {
                for batch in split_into_single_ops(&source.doc.ops_since(&target.doc.version())) {
                    target.doc.integrate(&batch).unwrap();
                    target.doc.assert_invariants();
                }
            }
        }
        assert!(target.doc.version().includes(&source.doc.version()));
        target
            .dt_branch
            .merge(&self.dt_oplog, source.dt_branch.local_version_ref());
    }

    fn sync_everyone(&mut self) {
        for from in 1..self.replicas.len() {
            self.apply(Action::Sync {
                from,
                to: 0,
                how: SyncHow::Merge,
            });
        }
        for to in 1..self.replicas.len() {
            self.apply(Action::Sync {
                from: 0,
                to,
                how: SyncHow::Missing,
            });
        }
    }

    fn check_converged(&self) {
        let first = &self.replicas[0].doc;
        let dt_from_scratch = self.dt_oplog.checkout_tip().content().to_string();
        assert_eq!(
            first.text(),
            dt_from_scratch,
            "differs from diamond-types' checkout from scratch"
        );
        let dt_frontier = dt_frontier(&self.replicas[0].dt_branch, &self.dt_oplog);
        assert_eq!(
            first.frontier(),
            dt_frontier,
            "frontier differs from diamond-types' remote version"
        );
        for (index, replica) in self.replicas.iter().enumerate() {
            assert_eq!(
                replica.doc.text(),
                first.text(),
                "replica {index} did not converge"
            );
            assert_eq!(
                replica.doc.version(),
                first.version(),
                "replica {index}'s version differs"
            );
            assert_eq!(
                replica.doc.frontier(),
                first.frontier(),
                "replica {index}'s frontier differs"
            );
        }
    }

    /// Exporting everything into an empty replica, twice, and in a random causal order, gives
    /// the same text and version; a batch that is not causally ready is refused harmlessly.
    fn check_export_laws(&mut self) {
        let source = &self.replicas[0].doc;
        let everything = source.ops_since(&Version::root());
        assert!(source.ops_since(&source.version()).is_empty());

        let mut copy = D::new("observer");
        copy.integrate(&everything).unwrap();
        copy.assert_invariants();
        assert_same_state(&copy, source, "export into an empty replica");
        copy.integrate(&everything).unwrap();
        copy.assert_invariants();
        assert_same_state(&copy, source, "integrating everything twice");

        let singles = split_into_single_ops(&everything);
        let order = random_causal_order(&singles, &mut self.rng);
        let mut shuffled = D::new("observer");
        let batches_at_once = self.rng.gen_bool(0.5);
        if batches_at_once {
            let mut batch = OpBatch {
                agents: everything.agents.clone(),
                ops: Vec::new(),
            };
            batch
                .ops
                .extend(order.iter().map(|&index| singles[index].ops[0].clone()));
            shuffled.integrate(&batch).unwrap();
        } else {
            for &index in &order {
                shuffled.integrate(&singles[index]).unwrap();
                shuffled.assert_invariants();
            }
        }
        shuffled.assert_invariants();
        assert_same_state(&shuffled, source, "integrating in a random causal order");

        // Any op whose dependencies are missing is refused and changes nothing.
        if let Some(op) = singles.choose(&mut self.rng) {
            let mut empty = D::new("observer");
            let op = &op.ops[0];
            let has_dependency = op.id.seq > 0
                || !op.parents.is_empty()
                || !matches!(
                    op.kind,
                    OpKind::Insert {
                        origin_left: None,
                        origin_right: None,
                        ..
                    }
                );
            let result = empty.integrate(&OpBatch {
                agents: everything.agents.clone(),
                ops: vec![op.clone()],
            });
            assert_eq!(result.is_err(), has_dependency, "{result:?} for {op:?}");
            if has_dependency {
                empty.assert_invariants();
                assert_eq!(empty.text(), "");
                assert_eq!(empty.version(), Version::root());
            }
        }
    }
}

fn assert_same_state<D: TextCrdt>(actual: &D, expected: &D, what: &str) {
    assert_eq!(actual.text(), expected.text(), "{what}: text differs");
    assert_eq!(
        actual.version(),
        expected.version(),
        "{what}: version differs"
    );
    assert_eq!(
        actual.frontier(),
        expected.frontier(),
        "{what}: frontier differs"
    );
}

fn dt_frontier(branch: &Branch, oplog: &DtOpLog) -> Vec<(String, u32)> {
    let mut frontier: Vec<(String, u32)> = branch
        .remote_version(oplog)
        .iter()
        .map(|id| (id.agent.to_string(), id.seq as u32))
        .collect();
    frontier.sort_unstable();
    frontier
}

fn two_mut<T>(items: &mut [T], from: usize, to: usize) -> (&T, &mut T) {
    assert_ne!(from, to);
    if from < to {
        let (left, right) = items.split_at_mut(to);
        (&left[from], &mut right[0])
    } else {
        let (left, right) = items.split_at_mut(from);
        (&right[0], &mut left[to])
    }
}

fn split_into_single_ops(batch: &OpBatch) -> Vec<OpBatch> {
    batch
        .ops
        .iter()
        .map(|op| OpBatch {
            agents: batch.agents.clone(),
            ops: vec![op.clone()],
        })
        .collect()
}

/// A random order of `singles` in which every op comes after the ops holding its parents and
/// its agent's earlier ops (Kahn's algorithm with a random pick among the ready ops).
fn random_causal_order(singles: &[OpBatch], rng: &mut SmallRng) -> Vec<usize> {
    let ops: Vec<_> = singles.iter().map(|batch| &batch.ops[0]).collect();
    let holder = |id: OpId| {
        ops.iter()
            .position(|op| {
                op.id.agent == id.agent
                    && op.id.seq <= id.seq
                    && id.seq < op.id.seq + op.len_chars() as u32
            })
            .expect("parent not in the batch")
    };
    let dependencies: Vec<Vec<usize>> = ops
        .iter()
        .map(|op| {
            let mut deps: Vec<usize> = op.parents.iter().map(|&parent| holder(parent)).collect();
            if op.id.seq > 0 {
                deps.push(holder(OpId {
                    agent: op.id.agent,
                    seq: op.id.seq - 1,
                }));
            }
            deps
        })
        .collect();
    let mut done = vec![false; ops.len()];
    let mut order = Vec::with_capacity(ops.len());
    while order.len() < ops.len() {
        let ready: Vec<usize> = (0..ops.len())
            .filter(|&i| !done[i] && dependencies[i].iter().all(|&d| done[d]))
            .collect();
        let pick = *ready.choose(rng).expect("dependency cycle");
        done[pick] = true;
        order.push(pick);
    }
    order
}

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
