//! The `concurrent` workload: replaying a concurrent trace (a DAG of txns) in a subject.
//!
//! [`replay_concurrent`] is **the** loop (the timed region): txn `i` runs on a replica holding
//! the merge of its parents' replicas, edits as txn `i`'s agent, and is kept until its last
//! child has used it; the parent's last child takes the replica over ([`Subject::set_agent`])
//! instead of copying it ([`Subject::fork`]) where the library can change a replica's agent.
//! The end state merges every leaf (txns no one builds on). This is the *fork per txn*
//! strategy: every branch costs a fork, which in most libraries copies the whole document.
//!
//! [`replay_per_agent`] is the other strategy: one long-lived replica per agent; txn `i` runs
//! on its agent's replica after that replica merged, from each parent's agent's replica, what
//! it lacks. No fork at all, but it is only right when, as txn `i` runs, every parent is still
//! the latest txn of its agent (else its agent's replica holds more than the parent, and the
//! merge would bring in edits txn `i` never saw): [`check_per_agent`] checks exactly that,
//! naming the first txn that breaks it, and the replay refuses such a trace.
//!
//! Agents: agent `i` is named [`agent_name`]`(i)` (`agent-<i>`) in the engine and
//! diamond-types, which order concurrent inserts by agent name; loro and yrs take a numeric
//! peer / client id, `i + 1`, and automerge a numeric actor, `i + 1` as 4 big-endian bytes:
//! those order concurrent inserts by that number, which for agent numbers below 10 sorts as
//! the names do.
//!
//! A trace in which one agent edits on two concurrent branches (its txns do not form a
//! causal chain) would give two replicas the same agent and diverging histories: libraries
//! that id ops by (agent, seq) cannot represent that. [`check_agent_chains`] rejects such a
//! trace with an error naming the txn, before anything runs.

use traces::{ConcurrentTrace, ConcurrentTxn, Patch};

use crate::subject::{Subject, WorkloadError};

/// The name of agent `agent` of a concurrent trace, in every subject that names agents.
pub fn agent_name(agent: u32) -> String {
    format!("agent-{agent}")
}

/// Checks that each agent's txns form one causal chain: every txn of an agent has the
/// agent's previous txn (in trace order) in its causal past. `Err` names the first txn that
/// does not. O(txns x agents) time and memory.
pub fn check_agent_chains(trace: &ConcurrentTrace) -> Result<(), String> {
    check_chains(trace.num_agents, &trace.txns)
}

fn check_chains(agents: usize, txns: &[ConcurrentTxn]) -> Result<(), String> {
    // For each txn: how many txns of each agent are in its causal past (itself included).
    let mut seen: Vec<Vec<u32>> = Vec::with_capacity(txns.len());
    let mut count = vec![0u32; agents];
    for (i, txn) in txns.iter().enumerate() {
        let mut past = vec![0u32; agents];
        for &p in &txn.parents {
            let Some(parent) = seen.get(p) else {
                return Err(format!("txn {i} names parent {p}, which does not come before it"));
            };
            for (a, &n) in parent.iter().enumerate() {
                past[a] = past[a].max(n);
            }
        }
        let Some(slot) = past.get_mut(txn.agent) else {
            return Err(format!("txn {i} names agent {}, but the trace has {agents} agents", txn.agent));
        };
        if *slot != count[txn.agent] {
            return Err(format!(
                "txn {i}: agent {} edits on two concurrent branches (its txn {} before this one is not in this txn's past); \
                 subjects that id ops by (agent, seq) cannot replay that",
                txn.agent,
                count[txn.agent]
            ));
        }
        *slot += 1;
        count[txn.agent] += 1;
        seen.push(past);
    }
    Ok(())
}

/// Replays `txns` (in the subject's position unit) as the module doc says, and returns the
/// merge of every leaf. The `concurrent` workload's timed region.
#[inline(never)]
pub fn replay_concurrent<S: Subject>(txns: &[ConcurrentTxn]) -> Result<S, WorkloadError> {
    let gone = |i: usize, p: usize| {
        WorkloadError::Failed(format!("txn {i}: its parent txn {p}'s replica was already handed to its last child"))
    };
    let mut docs: Vec<Option<S>> = Vec::with_capacity(txns.len());
    let mut children_left: Vec<usize> = txns.iter().map(|t| t.num_children).collect();
    let mut leaves: Vec<S> = Vec::new();
    for (i, txn) in txns.iter().enumerate() {
        let agent = u32::try_from(txn.agent).map_err(|_| WorkloadError::Failed(format!("txn {i}: agent number too large")))?;
        let mut doc = match txn.parents.split_first() {
            None => S::new_agent(agent)?,
            Some((&first, others)) => {
                let left = children_left.get_mut(first).ok_or_else(|| gone(i, first))?;
                *left = left.saturating_sub(1);
                let mut doc = if *left == 0 {
                    let mut doc = docs.get_mut(first).and_then(Option::take).ok_or_else(|| gone(i, first))?;
                    match doc.set_agent(agent) {
                        Ok(()) => doc,
                        Err(WorkloadError::Unsupported(_)) => doc.fork(agent)?,
                        Err(e) => return Err(e),
                    }
                } else {
                    docs.get_mut(first).and_then(Option::as_mut).ok_or_else(|| gone(i, first))?.fork(agent)?
                };
                for &other in others {
                    let source = docs.get_mut(other).and_then(Option::as_mut).ok_or_else(|| gone(i, other))?;
                    doc.merge_from(source)?;
                    let left = &mut children_left[other];
                    *left = left.saturating_sub(1);
                    if *left == 0 {
                        docs[other] = None;
                    }
                }
                doc
            }
        };
        doc.apply_txn(&txn.patches);
        if txn.num_children == 0 {
            leaves.push(doc);
            docs.push(None);
        } else {
            docs.push(Some(doc));
        }
    }
    let mut leaves = leaves.into_iter();
    let mut end = match leaves.next() {
        Some(doc) => doc,
        None => S::new_agent(0)?,
    };
    for mut leaf in leaves {
        end.merge_from(&mut leaf)?;
    }
    end.finish();
    Ok(end)
}

/// Checks that [`replay_per_agent`] replays `txns` exactly: each agent's txns form one
/// causal chain ([`check_agent_chains`]'s condition), and when txn `i` runs (in trace order),
/// each of its parents is the latest txn so far of the parent's agent, so that agent's
/// replica holds exactly the parent's history. `Err` names the first txn that breaks it.
pub fn check_per_agent(txns: &[ConcurrentTxn]) -> Result<(), String> {
    let agents = txns.iter().map(|t| t.agent + 1).max().unwrap_or(0);
    check_chains(agents, txns)?;
    let mut latest: Vec<Option<usize>> = vec![None; agents];
    for (i, txn) in txns.iter().enumerate() {
        for &p in &txn.parents {
            let parent_agent = txns[p].agent;
            if latest[parent_agent] != Some(p) {
                return Err(format!(
                    "txn {i}: its parent txn {p} is no longer agent {parent_agent}'s latest (txn {} is), so that agent's \
                     replica holds edits txn {i} did not see; the per-agent strategy cannot replay this trace",
                    latest[parent_agent].map_or_else(|| "none".to_owned(), |l| l.to_string())
                ));
            }
        }
        latest[txn.agent] = Some(i);
    }
    Ok(())
}

/// Replays `txns` with one replica per agent, as the module doc says, and returns the merge of
/// every agent's replica (the merge of every leaf: each txn is in its agent's replica). The
/// `concurrent` workload's timed region under the per-agent strategy.
///
/// Requires [`check_per_agent`] to pass (checked before the clock starts, by the caller): on
/// another trace the merges would bring in edits a txn never saw.
#[inline(never)]
pub fn replay_per_agent<S: Subject>(txns: &[ConcurrentTxn]) -> Result<S, WorkloadError> {
    let agents = txns.iter().map(|t| t.agent + 1).max().unwrap_or(0);
    let mut replicas: Vec<Option<S>> = (0..agents).map(|_| None).collect();
    for txn in txns {
        let agent = u32::try_from(txn.agent).map_err(|_| WorkloadError::Failed("agent number too large".into()))?;
        let mut doc = match replicas[txn.agent].take() {
            Some(doc) => doc,
            None => S::new_agent(agent)?,
        };
        for &p in &txn.parents {
            let source_agent = txns[p].agent;
            if source_agent == txn.agent {
                continue;
            }
            let source = replicas[source_agent].as_mut().ok_or_else(|| {
                WorkloadError::Failed(format!("agent {source_agent} has no replica, but a parent is its txn {p}"))
            })?;
            doc.merge_from(source)?;
        }
        doc.apply_txn(&txn.patches);
        replicas[txn.agent] = Some(doc);
    }
    let mut replicas = replicas.into_iter().flatten();
    let mut end = match replicas.next() {
        Some(doc) => doc,
        None => S::new_agent(0)?,
    };
    for mut other in replicas {
        end.merge_from(&mut other)?;
    }
    end.finish();
    Ok(end)
}

/// `trace`'s txns with positions in `unit`. Each txn's positions are relative to the merge of
/// its parents, so the conversion replays the trace through the engine (untimed, before any
/// timing) to know the text each txn edits.
pub fn concurrent_txns_in_unit(trace: &ConcurrentTrace, unit: traces::units::PosUnit) -> Result<Vec<ConcurrentTxn>, WorkloadError> {
    use traces::units::PosUnit;
    if unit == PosUnit::CodePoint {
        return Ok(trace.txns.clone());
    }
    let convert = |text: &str, pos_chars: usize| -> usize {
        let prefix: String = text.chars().take(pos_chars).collect();
        match unit {
            PosUnit::Utf16 => prefix.encode_utf16().count(),
            _ => prefix.len(),
        }
    };
    let mut out: Vec<ConcurrentTxn> = Vec::with_capacity(trace.txns.len());
    // A document made only of ASCII inserts is ASCII throughout: every unit counts the same.
    if trace.txns.iter().all(|t| t.patches.iter().all(|p| p.ins.is_ascii())) {
        return Ok(trace.txns.clone());
    }
    // Replay txn by txn on engine replicas (fork per txn, each replica dropped once its last
    // child has used it), converting each patch against the text right before it.
    type E = crate::engine_adapter::EngineSubject<engine::Best>;
    let missing = |i: usize, p: usize| WorkloadError::Failed(format!("txn {i}: parent {p}'s replica is gone"));
    let mut docs: Vec<Option<E>> = Vec::with_capacity(trace.txns.len());
    let mut children_left: Vec<usize> = trace.txns.iter().map(|t| t.num_children).collect();
    for (i, txn) in trace.txns.iter().enumerate() {
        let agent = txn.agent as u32;
        let mut doc = match txn.parents.split_first() {
            None => E::new_agent(agent)?,
            Some((&first, others)) => {
                let mut doc = docs.get_mut(first).and_then(Option::as_mut).ok_or_else(|| missing(i, first))?.fork(agent)?;
                for &o in others {
                    let source = docs.get_mut(o).and_then(Option::as_mut).ok_or_else(|| missing(i, o))?;
                    doc.merge_from(source)?;
                }
                for &p in &txn.parents {
                    if let Some(left) = children_left.get_mut(p) {
                        *left = left.saturating_sub(1);
                        if *left == 0 {
                            docs[p] = None;
                        }
                    }
                }
                doc
            }
        };
        let mut patches = Vec::with_capacity(txn.patches.len());
        for p in &txn.patches {
            let text = doc.text();
            let start = convert(&text, p.pos_chars);
            let end = convert(&text, p.pos_chars + p.del_chars);
            patches.push(Patch { pos_chars: start, del_chars: end - start, ins: p.ins.clone() });
            doc.apply_txn(std::slice::from_ref(p));
        }
        out.push(ConcurrentTxn { parents: txn.parents.clone(), num_children: txn.num_children, agent: txn.agent, patches });
        docs.push((txn.num_children > 0).then_some(doc));
    }
    Ok(out)
}
