//! [`EntryRuns`]: one agent's op-log entry indices, as runs of consecutive indices.
//!
//! The op log finds an id's entry through each agent's entries in seq order. A plain list of
//! indices costs 4 bytes an entry (64 KB of 256 KB capacity after sveltecomponent, whose one
//! agent has every entry); but an agent's entries are mostly consecutive in the log (a replica
//! typing alone logs nothing else), so runs of indices hold the same list in a few words.
//! Each run also records how many of the agent's entries come before it, so counting and
//! positioning stay O(log runs) however the agents interleave.

/// One agent's entry indices in ascending order, run-length encoded. A *position* is an
/// ordinal in that list (0 for the agent's first entry).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct EntryRuns {
    /// `(first entry index, entries of this agent before the run)`, both ascending; run `r`
    /// holds entries `first .. first + count(r)`.
    runs: Vec<(u32, u32)>,
    /// Entries in all.
    len: u32,
}

impl EntryRuns {
    /// Entries held.
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// Entries in run `run`.
    #[inline]
    fn run_len(&self, run: usize) -> u32 {
        let end = self.runs.get(run + 1).map_or(self.len, |&(_, before)| before);
        end - self.runs[run].1
    }

    /// Appends `entry_index`, which is above every index held.
    #[inline]
    pub(crate) fn push(&mut self, entry_index: u32) {
        match self.runs.last() {
            Some(&(first, before)) if first + (self.len - before) == entry_index => {}
            _ => {
                debug_assert!(self.runs.last().is_none_or(|&(first, _)| first < entry_index));
                self.runs.push((entry_index, self.len));
            }
        }
        self.len += 1;
    }

    /// The entry index at `position` (`< len()`).
    #[cfg(test)]
    fn get(&self, position: usize) -> u32 {
        let position = position as u32;
        let run = self.runs.partition_point(|&(_, before)| before <= position) - 1;
        let (first, before) = self.runs[run];
        first + (position - before)
    }

    /// The number of entries (a position) for which `pred` holds, given that it holds for a
    /// prefix of them: [`slice::partition_point`] over the entry indices.
    #[inline]
    pub(crate) fn partition_point(&self, mut pred: impl FnMut(u32) -> bool) -> usize {
        // Runs whose first entry satisfies `pred`; the answer is in the last of them.
        let run = self.runs.partition_point(|&(first, _)| pred(first));
        if run == 0 {
            return 0;
        }
        let (first, before) = self.runs[run - 1];
        let len = self.run_len(run - 1);
        // `pred(first)` holds: search the rest of the run.
        let within = 1 + range_partition_point(1, len, |offset| pred(first + offset));
        (before + within) as usize
    }

    /// The last entry index for which `pred` holds, given that it holds for a prefix of them
    /// (`None` if it holds for none): one binary search over the runs, one inside a run.
    #[inline]
    pub(crate) fn last_where(&self, mut pred: impl FnMut(u32) -> bool) -> Option<u32> {
        let run = self.runs.partition_point(|&(first, _)| pred(first));
        let (first, _) = *self.runs.get(run.checked_sub(1)?)?;
        let len = self.run_len(run - 1);
        Some(first + range_partition_point(1, len, |offset| pred(first + offset)))
    }

    /// The entry indices from `position` on, ascending.
    pub(crate) fn iter_from(&self, position: usize) -> impl Iterator<Item = u32> + '_ {
        let position = position.min(self.len()) as u32;
        let run = self.runs.partition_point(|&(_, before)| before <= position).saturating_sub(1);
        (run..self.runs.len()).flat_map(move |r| {
            let (first, before) = self.runs[r];
            let skip = position.saturating_sub(before);
            first + skip..first + self.run_len(r)
        })
    }

    /// Every entry index, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.iter_from(0)
    }

    /// Checks that runs are non-empty, ascending, not touching (two touching runs would be
    /// one) and that their counts add up. Panics if not.
    pub(crate) fn assert_invariants(&self) {
        let mut expected_before = 0;
        for (run, &(first, before)) in self.runs.iter().enumerate() {
            assert_eq!(before, expected_before, "run {run}: wrong count of entries before it");
            let len = self.run_len(run);
            assert!(len > 0, "run {run} is empty");
            if let Some(&(next_first, _)) = self.runs.get(run + 1) {
                assert!(first + len < next_first, "run {run} touches or overlaps the next");
            }
            expected_before += len;
        }
        assert_eq!(expected_before, self.len);
    }
}

/// How many of `start..end`, from `start`, satisfy `pred` (which holds for a prefix of them):
/// `partition_point` over a range of `u32`s, without collecting it.
#[inline]
fn range_partition_point(start: u32, end: u32, mut pred: impl FnMut(u32) -> bool) -> u32 {
    let (mut low, mut high) = (start, end.max(start));
    while low < high {
        let mid = low + (high - low) / 2;
        if pred(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low - start
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    /// Against a plain `Vec` of indices: every query, after every push.
    #[test]
    fn runs_match_a_vec_model() {
        for seed in 0..300 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut model: Vec<u32> = Vec::new();
            let mut runs = EntryRuns::default();
            let mut next = 0u32;
            for _ in 0..rng.gen_range(0..120) {
                // Mostly consecutive, sometimes a gap (another agent's entries).
                next += if rng.gen_bool(0.7) { 0 } else { rng.gen_range(1..5) };
                runs.push(next);
                model.push(next);
                next += 1;
                runs.assert_invariants();
                assert_eq!(runs.len(), model.len());
                let probe = rng.gen_range(0..next + 2);
                assert_eq!(
                    runs.partition_point(|index| index < probe),
                    model.partition_point(|&index| index < probe),
                    "seed {seed}"
                );
                let last = model.iter().rev().find(|&&index| index < probe).copied();
                assert_eq!(runs.last_where(|index| index < probe), last, "seed {seed}");
                let position = rng.gen_range(0..model.len());
                assert_eq!(runs.get(position), model[position], "seed {seed}");
                let from = rng.gen_range(0..=model.len() + 1);
                assert_eq!(
                    runs.iter_from(from).collect::<Vec<_>>(),
                    model.get(from..).unwrap_or(&[]).to_vec(),
                    "seed {seed} from {from}"
                );
            }
            assert_eq!(runs.iter().collect::<Vec<_>>(), model);
        }
    }

    /// One agent typing alone: one run, whatever the number of entries.
    #[test]
    fn a_lone_agent_is_one_run() {
        let mut runs = EntryRuns::default();
        for index in 0..10_000 {
            runs.push(index);
        }
        assert_eq!(runs.runs.len(), 1);
        assert_eq!(runs.len(), 10_000);
    }
}
