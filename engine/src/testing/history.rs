//! Random concurrent histories, played on a step and on diamond-types 1.0 at once: the
//! generator behind `tests/conformance.rs` and the `edit_merge` fuzz target, written once.
//!
//! A history has 2 to 5 replicas (agents with random names, so that name order and replica
//! order differ) making random local inserts and deletes, biased towards the same few
//! positions so that concurrent inserts at one place and overlapping deletes are common, with
//! random syncs in between (merge, integrate of the missing ops, integrate of everything with
//! duplicates, one op at a time), forks and agent swaps. Diamond-types replays the same edits
//! from the same positions in a shared `OpLog` with one `Branch` per replica; after every
//! action the touched replica's text must equal its branch's and its `Vec<char>` model's. After
//! a full sync every replica holds the same text as diamond-types (merged, and checked out
//! from scratch); exporting everything into an empty replica, again (duplicates), and in a
//! random causal order, changes nothing. `assert_invariants()` runs after every operation.
//!
//! Every choice comes from a [`HistoryRng`]: a seeded [`SmallRng`] for the seeded tests, or the
//! bytes of a fuzz input ([`ByteRng`]), so that a coverage-guided fuzzer mutates scripts.

use diamond_types::list::Branch;
use diamond_types::list::OpLog as DtOpLog;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::Rng;
use rand::RngCore;
use rand::SeedableRng;

use crate::OpBatch;
use crate::OpId;
use crate::OpKind;
use crate::TextCrdt;
use crate::Version;

/// Where a history's choices come from; printed when it fails.
#[derive(Clone, Copy, Debug)]
enum Source {
    Seed(u64),
    Bytes,
}

/// The randomness of a history: one type for both sources, so that each step's [`World`] is
/// compiled once.
#[derive(Clone, Debug)]
pub enum HistoryRng {
    /// A seeded generator (the tests).
    Seeded(SmallRng),
    /// A fuzz input's bytes.
    Bytes(ByteRng),
}

impl RngCore for HistoryRng {
    fn next_u32(&mut self) -> u32 {
        match self {
            HistoryRng::Seeded(rng) => rng.next_u32(),
            HistoryRng::Bytes(rng) => rng.next_u32(),
        }
    }
    fn next_u64(&mut self) -> u64 {
        match self {
            HistoryRng::Seeded(rng) => rng.next_u64(),
            HistoryRng::Bytes(rng) => rng.next_u64(),
        }
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        match self {
            HistoryRng::Seeded(rng) => rng.fill_bytes(dest),
            HistoryRng::Bytes(rng) => rng.fill_bytes(dest),
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

/// "Random" numbers read from a byte string, one byte per number, then zeros.
///
/// The byte goes into the *top* bits: `gen_range` scales the high part of a multiplication
/// and `gen_bool` compares against a threshold, so each byte picks evenly among a choice's
/// outcomes (one byte per choice keeps a fuzz input short). Zeros once the bytes run out end
/// every loop of the generator: zero is always an accepted sample.
#[derive(Clone, Debug)]
pub struct ByteRng {
    bytes: Vec<u8>,
    at: usize,
}

impl ByteRng {
    /// A source reading `bytes` from the start.
    pub fn new(bytes: &[u8]) -> Self {
        ByteRng { bytes: bytes.to_vec(), at: 0 }
    }

    fn next_byte(&mut self) -> u8 {
        let byte = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at = self.at.saturating_add(1);
        byte
    }
}

impl RngCore for ByteRng {
    fn next_u32(&mut self) -> u32 {
        u32::from(self.next_byte()) << 24
    }
    fn next_u64(&mut self) -> u64 {
        u64::from(self.next_byte()) << 56
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            *byte = self.next_byte();
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

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
    /// The text as a `Vec` of chars, edited with the same positions as `doc` by local edits
    /// (the simplest model of a text there is) and set to diamond-types' text after a sync.
    model: Vec<char>,
}

const MAX_REPLICAS: usize = 6;

/// One random history being played on our engine and on diamond-types at once.
pub struct World<D> {
    step_name: &'static str,
    source: Source,
    rng: HistoryRng,
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
                "\nFAILED: step {}, {}. Actions so far:",
                self.step_name,
                match self.source {
                    Source::Seed(seed) => format!("seed {seed}"),
                    Source::Bytes => "history driven by fuzz input bytes".to_owned(),
                }
            );
            for action in &self.actions {
                eprintln!("  {action:?}");
            }
            if let Source::Seed(seed) = self.source {
                eprintln!(
                    "rerun with: ENGINE_FUZZ_SEED_START={seed} ENGINE_FUZZ_COUNT=1 cargo test \
                     -p engine --test conformance fuzz_random_histories -- --ignored --nocapture"
                );
            }
        }
    }
}

impl<D: TextCrdt> World<D> {
    /// The history of seed `seed` (a [`SmallRng`] drives every choice).
    pub fn new(step_name: &'static str, seed: u64) -> Self {
        Self::with_rng(step_name, Source::Seed(seed), HistoryRng::Seeded(SmallRng::seed_from_u64(seed)))
    }

    /// The history that `bytes` choose: each random choice reads the next byte (zeros once
    /// they run out), so a fuzzer's mutations of the bytes are mutations of the script.
    pub fn from_bytes(step_name: &'static str, bytes: &[u8]) -> Self {
        Self::with_rng(step_name, Source::Bytes, HistoryRng::Bytes(ByteRng::new(bytes)))
    }

    fn with_rng(step_name: &'static str, source: Source, mut rng: HistoryRng) -> Self {
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
                model: Vec::new(),
            })
            .collect();
        let unused_names = names[replica_count..].to_vec();
        let hot_pos_chars = rng.gen_range(0..6);
        World {
            step_name,
            source,
            rng,
            replicas,
            unused_names,
            dt_oplog,
            hot_pos_chars,
            actions: Vec::new(),
        }
    }

    /// Plays the history, checking after every action, and returns the converged replica 0
    /// (for callers that compare steps, or want a document with a concurrent history).
    ///
    /// # Panics
    /// On the first difference from diamond-types or the model, or a broken invariant, after
    /// printing the step, the seed (or that fuzz bytes drove it) and the actions so far.
    pub fn run(mut self) -> D {
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
        let mut replicas = std::mem::take(&mut self.replicas);
        replicas.swap_remove(0).doc
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
                    model,
                } = &mut self.replicas[replica];
                doc.insert(pos_chars, text);
                dt_branch.insert(&mut self.dt_oplog, *dt_agent, pos_chars, text);
                model.splice(pos_chars..pos_chars, text.chars());
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
                    model,
                } = &mut self.replicas[replica];
                doc.delete(pos_chars, len_chars);
                model.drain(pos_chars..pos_chars + len_chars);
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
                    model: source.model.clone(),
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
        let replica = &mut self.replicas[touched];
        replica.doc.assert_invariants();
        let dt_text = replica.dt_branch.content().to_string();
        let text = replica.doc.text();
        assert_eq!(text, dt_text, "replica {touched} differs from diamond-types");
        assert_eq!(
            text,
            replica.model.iter().collect::<String>(),
            "replica {touched} differs from its Vec<char> model"
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
        // A merge is diamond-types' to model; the Vec model continues from its text.
        target.model = target.dt_branch.content().to_string().chars().collect();
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

/// Asserts that two replicas (of any steps) hold the same text, version and frontier.
pub fn assert_same_state<A: TextCrdt, B: TextCrdt>(actual: &A, expected: &B, what: &str) {
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

/// The batch's ops, one batch each (same agent table).
pub fn split_into_single_ops(batch: &OpBatch) -> Vec<OpBatch> {
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
fn random_causal_order(singles: &[OpBatch], rng: &mut impl Rng) -> Vec<usize> {
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

