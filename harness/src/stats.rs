//! Order statistics over timing samples. Medians and quantiles use linear interpolation
//! between order statistics (type 7, as numpy's default), so the median of an even-sized
//! sample is the mean of the middle two.

/// Quantile `q` in `[0, 1]` of `sorted` (which must be sorted ascending and non-empty).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    assert!(!sorted.is_empty(), "quantile of an empty sample");
    debug_assert!(sorted.windows(2).all(|w| w[0] <= w[1]), "quantile needs sorted input");
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo as f64)
}

/// Summary of one cell's samples, in nanoseconds.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Summary {
    pub n: usize,
    pub median_ns: f64,
    pub min_ns: f64,
    pub max_ns: f64,
    pub q1_ns: f64,
    pub q3_ns: f64,
}

impl Summary {
    pub fn of(samples_ns: &[u64]) -> Option<Summary> {
        if samples_ns.is_empty() {
            return None;
        }
        let mut s: Vec<f64> = samples_ns.iter().map(|&x| x as f64).collect();
        s.sort_by(f64::total_cmp);
        Some(Summary {
            n: s.len(),
            median_ns: quantile(&s, 0.5),
            min_ns: s[0],
            max_ns: s[s.len() - 1],
            q1_ns: quantile(&s, 0.25),
            q3_ns: quantile(&s, 0.75),
        })
    }

    /// Interquartile range relative to the median: a noise figure for the cell.
    pub fn iqr_rel(&self) -> f64 {
        (self.q3_ns - self.q1_ns) / self.median_ns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_quartiles_are_exact() {
        let s = Summary::of(&[5, 1, 3, 2, 4]).unwrap();
        assert_eq!((s.median_ns, s.min_ns, s.max_ns, s.q1_ns, s.q3_ns), (3.0, 1.0, 5.0, 2.0, 4.0));
        let s = Summary::of(&[4, 1, 3, 2]).unwrap();
        assert_eq!(s.median_ns, 2.5);
        assert_eq!(s.q1_ns, 1.75);
        assert!(Summary::of(&[]).is_none());
        assert_eq!(Summary::of(&[7]).unwrap().median_ns, 7.0);
    }
}
