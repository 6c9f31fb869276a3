//! Per-edit latency: how long each txn takes, over the trace and as a distribution.
//!
//! Throughput samples time a whole replay; they cannot show that a subject slows down as the
//! document grows, or that one edit in ten thousand stalls for 20 ms (a dropped frame). So after
//! a cell's throughput samples, it gets one more, separate run: the same replay loop
//! ([`adapters::replay_local_observed`]) with the clock read after every txn, verified against
//! `endContent` like every other run. Its times never mix with the throughput samples: reading
//! the clock costs tens of nanoseconds per txn, which matters for the fastest subjects.
//!
//! A results file keeps this compact (a few KB per cell, whatever the trace length):
//! - time per block of [`BLOCK_PATCHES`] patches, for latency against position in the trace;
//! - per-txn latency at a fixed set of quantiles, dense in the tail (p99.9, p99.99, ...) and
//!   ending with the maximum, for the distribution.

use adapters::{Entry, Txn};
use serde::{Deserialize, Serialize};
use traces::SequentialTrace;

use crate::measure::{run_checked, CellRun, Inputs, Progress, Status};
use crate::stats::Summary;

/// Patches per block of the over-the-trace series.
pub const BLOCK_PATCHES: usize = 1_000;

/// One cell's latency run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Patches per block: a block ends at the first txn boundary at or after each multiple.
    pub block_patches: usize,
    /// Patches applied by the end of each block (its position in the trace).
    pub block_end_patches: Vec<usize>,
    /// Time spent in each block's txns, ns.
    pub block_time_ns: Vec<u64>,
    /// `[p, ns]`: the smallest per-txn latency that at least a fraction `p` of txns do not
    /// exceed (an observed value, no interpolation); p ascending, the last is p = 1, the max.
    pub txn_quantiles_ns: Vec<(f64, u64)>,
    pub txns: usize,
    /// Sum of the per-txn times, ns (above a throughput sample by the clock reads).
    pub total_ns: u64,
}

impl Latency {
    /// Summarises per-txn times `txn_ns` of a replay of `txns`.
    pub fn from_txn_times(txns: &[Txn], txn_ns: &[u64]) -> Latency {
        assert_eq!(txns.len(), txn_ns.len(), "one time per txn");
        let (mut block_end_patches, mut block_time_ns) = (Vec::new(), Vec::new());
        let (mut patches_done, mut block_ns) = (0usize, 0u64);
        for (i, (txn, &ns)) in txns.iter().zip(txn_ns).enumerate() {
            patches_done += txn.patches.len();
            block_ns += ns;
            let block_full = patches_done >= (block_end_patches.len() + 1) * BLOCK_PATCHES;
            if block_full || i + 1 == txns.len() {
                block_end_patches.push(patches_done);
                block_time_ns.push(std::mem::take(&mut block_ns));
            }
        }
        let mut sorted = txn_ns.to_vec();
        sorted.sort_unstable();
        let txn_quantiles_ns = if sorted.is_empty() {
            Vec::new()
        } else {
            quantile_grid().into_iter().map(|p| (p, nearest_rank(&sorted, p))).collect()
        };
        Latency {
            block_patches: BLOCK_PATCHES,
            block_end_patches,
            block_time_ns,
            txn_quantiles_ns,
            txns: txns.len(),
            total_ns: txn_ns.iter().sum(),
        }
    }

    /// The latency at quantile `p`, if the file has it (p50, p99 and the max always are).
    pub fn quantile_ns(&self, p: f64) -> Option<u64> {
        self.txn_quantiles_ns.iter().find(|(q, _)| (q - p).abs() < 1e-12).map(|&(_, ns)| ns)
    }
}

/// p = 0, 0.01, ..., 0.99, then 0.991 ... 0.999, 0.9991 ... 0.9999, 0.99991 ... 0.99999, and 1.
/// Each p is one integer divided by another, so it is the double nearest its decimal (and
/// prints as, e.g., 0.999 in the results file).
fn quantile_grid() -> Vec<f64> {
    let mut grid: Vec<f64> = (0..100).map(|k| k as f64 / 100.0).collect();
    for decade in [1_000u32, 10_000, 100_000] {
        grid.extend((1..10).map(|k| (decade - 10 + k) as f64 / decade as f64));
    }
    grid.push(1.0);
    grid
}

/// The smallest value with at least a fraction `p` of `sorted` at or below it (p = 0: the min).
fn nearest_rank(sorted: &[u64], p: f64) -> u64 {
    // The epsilon keeps p * n = 999.0000000000001 (rounding) from counting as rank 1000.
    let rank = (p * sorted.len() as f64 - 1e-9).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The latency runs on one trace, after its throughput runs (`cells`, one per entry): one
/// verified run per `ok` cell, except cells whose median is at least `skip_above_ns` (`--quick`
/// keeps its time bound that way). A latency run that fails verification or panics fails its
/// cell and drops its samples, as any later failing run does in `measure::run_trace`: the
/// subject is not deterministic, so none of its numbers can be trusted.
pub fn run_trace(
    trace: &SequentialTrace,
    entries: &[Entry],
    inputs: &Inputs,
    cells: &mut [CellRun],
    skip_above_ns: Option<u64>,
    progress: &mut dyn Progress,
) -> Vec<Option<Latency>> {
    let mut out = vec![None; entries.len()];
    let slow = |c: &CellRun| {
        let median_ns = Summary::of(&c.samples_ns).map_or(0.0, |s| s.median_ns);
        skip_above_ns.is_some_and(|limit| median_ns >= limit as f64)
    };
    let todo: Vec<usize> = (0..entries.len()).filter(|&i| cells[i].status == Status::Ok && !slow(&cells[i])).collect();
    progress.planned(todo.len() as u64);
    for i in todo {
        let (entry, txns) = (&entries[i], inputs.get(&entries[i]));
        match crate::measure::watched(progress, entry.info.name, || run_checked(|| (entry.latency_local)(txns), &trace.end_content)) {
            Ok(txn_ns) => out[i] = Some(Latency::from_txn_times(txns, &txn_ns)),
            Err((status, msg)) => {
                cells[i].status = status;
                cells[i].message = Some(format!("failed on the latency run: {msg}"));
                cells[i].samples_ns.clear();
            }
        }
        progress.ran(&format!("{} {}: latency", trace.name, entry.info.name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use adapters::Patch;

    fn txn(patches: usize) -> Txn {
        Txn { patches: (0..patches).map(|_| Patch { pos_chars: 0, del_chars: 0, ins: "a".into() }).collect() }
    }

    #[test]
    fn blocks_close_at_txn_boundaries_past_each_multiple() {
        // 2,500 single-patch txns, then one txn of 700 patches: blocks end at 1000, 2000, and
        // the last block holds 500 + 700 patches.
        let mut txns: Vec<Txn> = (0..2_500).map(|_| txn(1)).collect();
        txns.push(txn(700));
        let ns: Vec<u64> = (0..txns.len() as u64).map(|i| 10 + i % 3).collect();
        let l = Latency::from_txn_times(&txns, &ns);
        assert_eq!(l.block_end_patches, vec![1_000, 2_000, 3_200]);
        assert_eq!(l.block_time_ns.iter().sum::<u64>(), ns.iter().sum::<u64>());
        assert_eq!(l.total_ns, ns.iter().sum::<u64>());
        assert_eq!(l.txns, 2_501);
    }

    #[test]
    fn quantiles_are_observed_values_ending_in_the_max() {
        let txns: Vec<Txn> = (0..1_000).map(|_| txn(1)).collect();
        let ns: Vec<u64> = (1..=1_000).collect();
        let l = Latency::from_txn_times(&txns, &ns);
        assert_eq!(l.quantile_ns(0.0), Some(1));
        assert_eq!(l.quantile_ns(0.5), Some(500));
        assert_eq!(l.quantile_ns(0.99), Some(990));
        assert_eq!(l.quantile_ns(0.999), Some(999));
        assert_eq!(l.quantile_ns(1.0), Some(1_000));
        assert!(l.txn_quantiles_ns.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
        assert_eq!(l.txn_quantiles_ns.len(), 128);
    }
}
