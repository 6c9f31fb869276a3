//! `crdt-bench ab`: is B faster than A, by how much, and how sure are we?
//!
//! On a shared machine run times drift and switch between speed regimes minute to minute, so a
//! before/after comparison of two separate runs lies. Instead A and B run in **pairs**,
//! back to back (A B, then B A, alternating so neither always goes first), and each pair gives
//! one ratio `t_B / t_A`. A regime switch hits both halves of a pair alike, so the ratios stay
//! steady when absolute times do not. We report the median ratio and a 95% bootstrap
//! confidence interval of that median (percentile bootstrap, 2,000 resamples, fixed seed so the
//! same samples always give the same interval).
//!
//! Verdict, with threshold `t` (`--threshold`, default 1%):
//! - **faster** — the whole interval is below `1 - t` (B takes less time);
//! - **slower** — the whole interval is above `1 + t`;
//! - **same** — the whole interval is inside `[1 - t, 1 + t]`: any difference is smaller than `t`;
//! - **inconclusive** — otherwise: no difference detectable at this noise; take more pairs.
//!
//! The threshold exists because with enough pairs any tiny difference (code layout, a changed
//! symbol name) becomes "significant" without mattering.

use crate::stats::quantile;

/// A small deterministic PRNG (SplitMix64) for the bootstrap: statistics must be reproducible.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

fn median_of(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    quantile(xs, 0.5)
}

/// Median and two-sided `confidence` percentile-bootstrap interval of the median of `ratios`.
pub fn median_with_ci(ratios: &[f64], confidence: f64, resamples: usize) -> (f64, f64, f64) {
    assert!(!ratios.is_empty(), "no ratios");
    let median = median_of(&mut ratios.to_vec());
    let mut rng = SplitMix64(0x5EED_AB7E_5700_0001 ^ ratios.len() as u64);
    let mut medians = Vec::with_capacity(resamples);
    let mut buf = vec![0.0; ratios.len()];
    for _ in 0..resamples {
        for x in buf.iter_mut() {
            *x = ratios[rng.below(ratios.len())];
        }
        medians.push(median_of(&mut buf));
    }
    medians.sort_by(f64::total_cmp);
    let alpha = (1.0 - confidence) / 2.0;
    (median, quantile(&medians, alpha), quantile(&medians, 1.0 - alpha))
}

/// Median of `b / a` for two independent samples (a cross-run comparison: no pairing), with a
/// bootstrap interval that resamples each side independently.
pub fn ratio_of_medians_with_ci(a: &[f64], b: &[f64], confidence: f64, resamples: usize) -> (f64, f64, f64) {
    assert!(!a.is_empty() && !b.is_empty(), "empty sample");
    let ratio = median_of(&mut b.to_vec()) / median_of(&mut a.to_vec());
    let mut rng = SplitMix64(0x5EED_AB7E_5700_0002 ^ (a.len() as u64) << 20 ^ b.len() as u64);
    let (mut ba, mut bb) = (vec![0.0; a.len()], vec![0.0; b.len()]);
    let mut ratios = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        for x in ba.iter_mut() {
            *x = a[rng.below(a.len())];
        }
        for x in bb.iter_mut() {
            *x = b[rng.below(b.len())];
        }
        ratios.push(median_of(&mut bb) / median_of(&mut ba));
    }
    ratios.sort_by(f64::total_cmp);
    let alpha = (1.0 - confidence) / 2.0;
    (ratio, quantile(&ratios, alpha), quantile(&ratios, 1.0 - alpha))
}

/// Geometric mean over traces of `median(b) / median(a)`, with a bootstrap interval that
/// resamples every trace's two samples independently (as [`ratio_of_medians_with_ci`]) and
/// takes the geometric mean of each resample's ratios. `pairs`: per trace, `(a, b)`.
pub fn geomean_ratio_with_ci(pairs: &[(Vec<f64>, Vec<f64>)], confidence: f64, resamples: usize) -> (f64, f64, f64) {
    assert!(!pairs.is_empty() && pairs.iter().all(|(a, b)| !a.is_empty() && !b.is_empty()), "empty sample");
    let geomean = |ratios: &[f64]| (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
    let point: Vec<f64> = pairs
        .iter()
        .map(|(a, b)| median_of(&mut b.clone()) / median_of(&mut a.clone()))
        .collect();
    let mut rng = SplitMix64(0x5EED_AB7E_5700_0003 ^ pairs.len() as u64);
    let mut bufs: Vec<(Vec<f64>, Vec<f64>)> = pairs.iter().map(|(a, b)| (vec![0.0; a.len()], vec![0.0; b.len()])).collect();
    let mut means = Vec::with_capacity(resamples);
    let mut ratios = vec![0.0; pairs.len()];
    for _ in 0..resamples {
        for (k, ((a, b), (ba, bb))) in pairs.iter().zip(bufs.iter_mut()).enumerate() {
            for x in ba.iter_mut() {
                *x = a[rng.below(a.len())];
            }
            for x in bb.iter_mut() {
                *x = b[rng.below(b.len())];
            }
            ratios[k] = median_of(bb) / median_of(ba);
        }
        means.push(geomean(&ratios));
    }
    means.sort_by(f64::total_cmp);
    let alpha = (1.0 - confidence) / 2.0;
    (geomean(&point), quantile(&means, alpha), quantile(&means, 1.0 - alpha))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Faster,
    Slower,
    Same,
    Inconclusive,
}

/// See the module doc. `ci` is the interval of B time / A time.
pub fn verdict(ci_low: f64, ci_high: f64, threshold: f64) -> Verdict {
    if ci_high < 1.0 - threshold {
        Verdict::Faster
    } else if ci_low > 1.0 + threshold {
        Verdict::Slower
    } else if ci_low >= 1.0 - threshold && ci_high <= 1.0 + threshold {
        Verdict::Same
    } else {
        Verdict::Inconclusive
    }
}

/// "B is 1.23x faster than A (95% CI 1.19-1.27)" from a ratio `B time / A time` and its CI.
pub fn sentence(a: &str, b: &str, trace: &str, ratio: f64, lo: f64, hi: f64, confidence: f64, v: Verdict, threshold: f64) -> String {
    let pct = confidence * 100.0;
    let (speed, s_lo, s_hi) = (1.0 / ratio, 1.0 / hi, 1.0 / lo);
    match v {
        Verdict::Faster => format!(
            "{b} is {speed:.3}x faster than {a} on {trace} ({pct:.0}% CI {s_lo:.3}-{s_hi:.3}x)"
        ),
        Verdict::Slower => format!(
            "{b} is {:.3}x slower than {a} on {trace} ({pct:.0}% CI {:.3}-{:.3}x)",
            ratio, lo, hi
        ),
        Verdict::Same => format!(
            "{b} and {a} are the same within {:.1}% on {trace} (time ratio B/A {ratio:.4}, {pct:.0}% CI {lo:.4}-{hi:.4})",
            threshold * 100.0
        ),
        Verdict::Inconclusive => format!(
            "no detectable difference between {b} and {a} on {trace} at this noise (time ratio B/A {ratio:.4}, {pct:.0}% CI {lo:.4}-{hi:.4}); more pairs may decide"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_brackets_the_median_and_shrinks_with_more_data() {
        let small: Vec<f64> = (0..21).map(|i| 1.0 + (i as f64 - 10.0) * 0.01).collect();
        let (m, lo, hi) = median_with_ci(&small, 0.95, 2000);
        assert!((m - 1.0).abs() < 1e-12);
        assert!(lo < 1.0 && hi > 1.0 && lo >= 0.9 && hi <= 1.1, "{lo} {hi}");
        let big: Vec<f64> = (0..2001).map(|i| 1.0 + ((i % 21) as f64 - 10.0) * 0.01).collect();
        let (_, lo2, hi2) = median_with_ci(&big, 0.95, 2000);
        assert!(hi2 - lo2 < hi - lo, "more data, narrower interval");
        // Deterministic: same input, same interval.
        assert_eq!(median_with_ci(&small, 0.95, 2000), median_with_ci(&small, 0.95, 2000));
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(0.80, 0.85, 0.01), Verdict::Faster);
        assert_eq!(verdict(1.10, 1.20, 0.01), Verdict::Slower);
        assert_eq!(verdict(0.995, 1.004, 0.01), Verdict::Same);
        assert_eq!(verdict(0.95, 1.03, 0.01), Verdict::Inconclusive);
        // A real but tiny difference is "same", not "faster".
        assert_eq!(verdict(0.994, 0.996, 0.01), Verdict::Same);
    }

    #[test]
    fn unpaired_ratio_of_medians() {
        let a = vec![10.0, 11.0, 9.0, 10.0, 10.5];
        let b = vec![5.0, 5.5, 4.5, 5.0, 5.2];
        let (r, lo, hi) = ratio_of_medians_with_ci(&a, &b, 0.95, 1000);
        assert!((r - 0.5).abs() < 1e-12);
        assert!(lo <= r && r <= hi && lo > 0.4 && hi < 0.62, "{lo} {hi}");
    }
}

// ---------------------------------------------------------------------------------------------
// The command.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};
use traces::TraceKind;

use crate::cli::AbArgs;
use crate::machine::{build_profile, GitInfo, Machine, RUSTC_VERSION};
use crate::measure::{self, run_verified, Granularity, Status};
use crate::results::Results;

pub const AB_SCHEMA: &str = "crdt-bench/ab/v1";

/// One trace's comparison, as `--json` writes it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AbRecord {
    pub a: String,
    pub b: String,
    pub trace: String,
    /// Median of the paired ratios `t_B / t_A` (cross-run: ratio of medians). < 1: B is faster.
    pub ratio_median: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub confidence: f64,
    pub threshold: f64,
    pub verdict: Verdict,
    /// Number of (A, B) pairs; 0 for a cross-run (`--baseline`) comparison, which is unpaired.
    pub pairs: usize,
    pub paired: bool,
    pub a_median_ns: f64,
    pub b_median_ns: f64,
    pub a_samples_ns: Vec<u64>,
    pub b_samples_ns: Vec<u64>,
    pub patches: usize,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub instructions_a: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub instructions_b: Option<u64>,
    /// `instructions_b / instructions_a`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub instructions_ratio: Option<f64>,
    pub sentence: String,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AbFile {
    pub schema: String,
    pub created: String,
    pub command: Vec<String>,
    pub machine: Machine,
    pub rustc: String,
    pub build_profile: String,
    pub git: GitInfo,
    pub granularity: Granularity,
    pub workload: String,
    /// How instructions were counted, when they were.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub instructions_tool: Option<String>,
    pub results: Vec<AbRecord>,
}

/// Where `compare --save-baseline NAME` keeps runs: under the cargo target directory (like
/// criterion's baselines), so they survive `git checkout` of another revision.
pub fn baseline_path(name: &str) -> anyhow::Result<PathBuf> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) || name.starts_with('.') {
        bail!("baseline name \"{name}\" must be letters, digits, '-', '_' or '.'");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| traces::repo_root().join("target"));
    Ok(target.join("crdt-bench").join("baselines").join(format!("{name}.json")))
}

pub fn save_baseline(results: &Results, name: &str) -> anyhow::Result<PathBuf> {
    let path = baseline_path(name)?;
    results.write(&path)?;
    Ok(path)
}

/// Paired, interleaved samples of A and B on one input. Both are verified once first (the
/// warm-up), and every later run is verified too. Returns (a_ns, b_ns), pair by pair.
fn paired_samples(
    a: &adapters::Entry,
    b: &adapters::Entry,
    txns_a: &[adapters::Txn],
    txns_b: &[adapters::Txn],
    end_content: &str,
    budget_ns: u64,
    min_pairs: usize,
    max_pairs: usize,
    bar: Option<&indicatif::ProgressBar>,
) -> Result<(Vec<u64>, Vec<u64>), String> {
    let run = |e: &adapters::Entry, t: &[adapters::Txn]| {
        run_verified(e, t, end_content).map_err(|(s, m)| format!("{} {:?}: {m}", e.info.name, s))
    };
    run(a, txns_a)?;
    run(b, txns_b)?;
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    let mut spent_ns = 0u64;
    while xs.len() < max_pairs && (xs.len() < min_pairs || spent_ns < budget_ns) {
        // Alternate who goes first, so a "second run is warmer" effect cancels out.
        let (ta, tb) = if xs.len() % 2 == 0 {
            let ta = run(a, txns_a)?;
            (ta, run(b, txns_b)?)
        } else {
            let tb = run(b, txns_b)?;
            (run(a, txns_a)?, tb)
        };
        spent_ns += ta + tb;
        xs.push(ta);
        ys.push(tb);
        if let Some(bar) = bar {
            bar.set_message(format!("{} pairs", xs.len()));
            bar.tick();
        }
    }
    Ok((xs, ys))
}

fn median_ns(xs: &[u64]) -> f64 {
    crate::stats::Summary::of(xs).map(|s| s.median_ns).unwrap_or(f64::NAN)
}

pub fn ab(args: AbArgs) -> anyhow::Result<u8> {
    let sel = &args.select;
    if sel.workload != "local" {
        bail!("workload \"{}\" is not implemented yet; available: local", sel.workload);
    }
    if !(0.5..1.0).contains(&args.confidence) {
        bail!("--confidence must be in [0.5, 1), e.g. 0.95");
    }
    if !(0.0..0.5).contains(&args.threshold) {
        bail!("--threshold must be in [0, 0.5), e.g. 0.01 for 1%");
    }
    let registry = adapters::registry();
    let find = |name: &str| {
        registry.iter().find(|e| e.info.name == name).cloned().ok_or_else(|| {
            anyhow::anyhow!(
                "unknown subject \"{name}\". Available: {}",
                registry.iter().map(|e| e.info.name).collect::<Vec<_>>().join(", ")
            )
        })
    };
    let (baseline, a, b) = match (&args.baseline, args.subjects.as_slice()) {
        (None, [a, b]) => (None, find(a)?, find(b)?),
        (Some(name), [s]) => {
            let path = baseline_path(name)?;
            if !path.exists() {
                bail!("no baseline \"{name}\" at {}; make one with `crdt-bench compare --save-baseline {name}`", path.display());
            }
            (Some((name.clone(), Results::read(&path)?)), find(s)?, find(s)?)
        }
        (None, _) => bail!("ab takes two subjects: `crdt-bench ab A B` (or `ab --baseline NAME SUBJECT`)"),
        (Some(_), _) => bail!("with --baseline, ab takes one subject: `crdt-bench ab --baseline NAME SUBJECT`"),
    };
    let dir = crate::compare::locate_or_fetch(sel.traces_dir.as_deref())?;
    let trace_refs = match (&baseline, &sel.traces) {
        (Some((_, r)), None) => {
            let names: Vec<String> = r.traces.iter().map(|t| t.name.clone()).collect();
            crate::select::traces(Some(&names.join(",")), &dir, TraceKind::Sequential)?
        }
        _ => crate::select::traces(sel.traces.as_deref(), &dir, TraceKind::Sequential)?,
    };
    let instructions_tool = if args.instructions { Some(callgrind_version()?) } else { None };
    if let Some((name, r)) = &baseline {
        eprintln!(
            "warning: comparing against baseline \"{name}\" (commit {}, {}): samples from two runs are not paired, \
             so the result is only as good as this machine's stability between the runs.",
            r.git.short(),
            r.created
        );
    }
    measure::install_quiet_panic_hook();
    let budget_ns = (args.budget.unwrap_or(if args.quick { 3.0 } else { 10.0 }) * 1e9) as u64;
    let min_pairs = args.min_pairs.unwrap_or(if args.quick { 10 } else { 30 }).max(2);

    let mut records = Vec::new();
    let mut failed = false;
    for tr in &trace_refs {
        let trace = traces::load_sequential(&tr.path, &tr.name)?;
        let patches = trace.patch_count();
        // One shared input when the units agree: the same bytes at the same addresses for A and
        // B (two copies of the input measurably differ in speed, by cache placement alone).
        let txns_a = measure::prepare_txns(&trace, a.info.unit, sel.granularity);
        let converted_b;
        let txns_b = if b.info.unit == a.info.unit {
            &txns_a
        } else {
            converted_b = measure::prepare_txns(&trace, b.info.unit, sel.granularity);
            &converted_b
        };
        let bar = (!args.no_progress && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_prefix(tr.name.clone());
            bar.set_style(indicatif::ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]").expect("template"));
            bar
        });
        let (a_label, a_ns, b_ns, paired) = match &baseline {
            None => match paired_samples(&a, &b, &txns_a, txns_b, &trace.end_content, budget_ns, min_pairs, 1_000_000, bar.as_ref()) {
                Ok((x, y)) => (a.info.name.to_owned(), x, y, true),
                Err(msg) => {
                    eprintln!("{}: FAILED: {msg}", tr.name);
                    failed = true;
                    continue;
                }
            },
            Some((name, r)) => {
                let Some(cell) = r.cell(b.info.name, &tr.name).filter(|c| c.status == Status::Ok) else {
                    eprintln!("{}: baseline \"{name}\" has no ok cell for {}; skipped", tr.name, b.info.name);
                    continue;
                };
                let want = cell.samples_ns.len().max(min_pairs);
                let mut now = Vec::with_capacity(want);
                let mut err = None;
                for _ in 0..=want {
                    match run_verified(&b, txns_b, &trace.end_content) {
                        Ok(ns) => now.push(ns),
                        Err((s, m)) => {
                            err = Some(format!("{s:?}: {m}"));
                            break;
                        }
                    }
                }
                if let Some(msg) = err {
                    eprintln!("{}: FAILED: {msg}", tr.name);
                    failed = true;
                    continue;
                }
                now.remove(0); // the first run was the warm-up
                (format!("{name}:{}", b.info.name), cell.samples_ns.clone(), now, false)
            }
        };
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let (ratio, lo, hi) = if paired {
            let ratios: Vec<f64> = a_ns.iter().zip(&b_ns).map(|(&x, &y)| y as f64 / x as f64).collect();
            median_with_ci(&ratios, args.confidence, 2000)
        } else {
            let fa: Vec<f64> = a_ns.iter().map(|&x| x as f64).collect();
            let fb: Vec<f64> = b_ns.iter().map(|&x| x as f64).collect();
            ratio_of_medians_with_ci(&fa, &fb, args.confidence, 2000)
        };
        let v = verdict(lo, hi, args.threshold);
        let (ia, ib) = if args.instructions {
            let ib = instructions_median(b.info.name, &tr.name, &dir.root, sel.granularity)?;
            // A baseline file holds times, not instruction counts of the old build.
            let ia = match baseline {
                Some(_) => None,
                None => Some(instructions_median(a.info.name, &tr.name, &dir.root, sel.granularity)?),
            };
            (ia, Some(ib))
        } else {
            (None, None)
        };
        let rec = AbRecord {
            sentence: sentence(&a_label, b.info.name, &tr.name, ratio, lo, hi, args.confidence, v, args.threshold),
            a: a_label,
            b: b.info.name.to_owned(),
            trace: tr.name.clone(),
            ratio_median: ratio,
            ci_low: lo,
            ci_high: hi,
            confidence: args.confidence,
            threshold: args.threshold,
            verdict: v,
            pairs: if paired { a_ns.len() } else { 0 },
            paired,
            a_median_ns: median_ns(&a_ns),
            b_median_ns: median_ns(&b_ns),
            a_samples_ns: a_ns,
            b_samples_ns: b_ns,
            patches,
            instructions_a: ia,
            instructions_b: ib,
            instructions_ratio: ia.zip(ib).map(|(x, y)| y as f64 / x as f64),
        };
        print_record(&rec);
        records.push(rec);
    }
    let file = AbFile {
        schema: AB_SCHEMA.into(),
        created: crate::results::now_rfc3339(),
        command: std::env::args().collect(),
        machine: Machine::detect(),
        rustc: RUSTC_VERSION.into(),
        build_profile: build_profile().into(),
        git: GitInfo::detect(),
        granularity: sel.granularity,
        workload: sel.workload.clone(),
        instructions_tool,
        results: records,
    };
    if let Some(path) = &args.json {
        crate::report::write_atomic(path, serde_json::to_string_pretty(&file)?.as_bytes())?;
        eprintln!("Wrote {}", path.display());
    }
    write_plot(&args, &file)?;
    Ok(if failed { crate::EXIT_CELL_FAILED } else { crate::EXIT_OK })
}

fn print_record(r: &AbRecord) {
    println!("{}", r.sentence);
    let n = if r.paired { format!("{} pairs, interleaved A/B", r.pairs) } else { format!("{} + {} unpaired samples", r.a_samples_ns.len(), r.b_samples_ns.len()) };
    println!(
        "    A {}: median {}   B {}: median {}   ({n}; threshold {:.1}%)",
        r.a,
        crate::report::fmt_time(r.a_median_ns),
        r.b,
        crate::report::fmt_time(r.b_median_ns),
        r.threshold * 100.0
    );
    if let (Some(ia), Some(ib)) = (r.instructions_a, r.instructions_b) {
        println!(
            "    instructions (callgrind, timed region only): A {ia} ({:.0}/patch), B {ib} ({:.0}/patch), B/A {:.4}",
            ia as f64 / r.patches as f64,
            ib as f64 / r.patches as f64,
            ib as f64 / ia as f64
        );
    } else if let Some(ib) = r.instructions_b {
        println!("    instructions (callgrind, timed region only): B {ib} ({:.0}/patch)", ib as f64 / r.patches as f64);
    }
}

/// The paired ratios B/A per trace, as `ab-<A>-vs-<B>.svg/.png` in `--out` (default
/// reports/). Cross-run (`--baseline`) comparisons have no pairs and get no plot.
fn write_plot(args: &AbArgs, file: &AbFile) -> anyhow::Result<()> {
    let dir = args.out.clone().unwrap_or_else(|| traces::repo_root().join("reports"));
    if let Some(stem) = ab_plot(file, &dir)? {
        eprintln!("Wrote {}/{stem}.svg and .png", dir.display());
    }
    Ok(())
}

/// Draws `file`'s paired-ratio chart into `dir` (what `ab` draws, and `plot AB.json` redraws);
/// returns its file stem, or `None` when the file has no paired comparison.
pub fn ab_plot(file: &AbFile, dir: &std::path::Path) -> anyhow::Result<Option<String>> {
    let series: Vec<(String, Vec<f64>)> = file
        .results
        .iter()
        .filter(|r| r.paired)
        .map(|r| (r.trace.clone(), r.a_samples_ns.iter().zip(&r.b_samples_ns).map(|(&a, &b)| b as f64 / a as f64).collect()))
        .collect();
    let Some(first) = file.results.iter().find(|r| r.paired) else { return Ok(None) };
    let clean = |s: &str| s.replace(['/', ':'], "_");
    let stem = format!("ab-{}-vs-{}", clean(&first.a), clean(&first.b));
    let title = format!("{} / {}: paired time ratios ({}, {})", first.b, first.a, file.workload, file.machine.cpu_model);
    crate::plot::ab::ab_ratio_plot(dir, &stem, &title, &series)?;
    Ok(Some(stem))
}

// ---------------------------------------------------------------------------------------------
// Instruction counts: deterministic, whatever the machine's noise.

/// `valgrind --version`, or an error saying how to install it.
fn callgrind_version() -> anyhow::Result<String> {
    let out = Command::new("valgrind").arg("--version").output();
    match out {
        Ok(o) if o.status.success() => Ok(format!(
            "{} --tool=callgrind, collection toggled on adapters::replay_local (the timed region)",
            String::from_utf8_lossy(&o.stdout).trim()
        )),
        _ => bail!(
            "--instructions needs valgrind (callgrind), which was not found. Install it, e.g. \
             `apt-get install valgrind` (Debian/Ubuntu), `dnf install valgrind` or `brew install valgrind`"
        ),
    }
}

/// Counts the instructions `subject` executes inside the timed region (`replay_local`) when
/// replaying `trace` once, under callgrind. The replay runs in a child process of this same
/// binary (the hidden `replay-once` command), so trace loading and verification are not
/// counted: callgrind collects only while `replay_local` is on the stack.
pub fn count_instructions(subject: &str, trace: &str, traces_dir: &Path, granularity: Granularity) -> anyhow::Result<u64> {
    let exe = std::env::current_exe().context("locating this binary")?;
    let out_file = std::env::temp_dir().join(format!("crdt-bench-callgrind-{}-{}.out", std::process::id(), subject.replace('/', "_")));
    let g = match granularity {
        Granularity::PerTxn => "per-txn",
        Granularity::WholeTrace => "whole-trace",
    };
    let started = Instant::now();
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg("--collect-atstart=no")
        .arg("--toggle-collect=*replay_local*")
        .arg(&exe)
        .args(["replay-once", subject, trace, "--granularity", g, "--traces-dir"])
        .arg(traces_dir)
        .output()
        .context("running valgrind")?;
    if !output.status.success() {
        bail!(
            "callgrind run of {subject} on {trace} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).lines().rev().take(5).collect::<Vec<_>>().join(" | ")
        );
    }
    let text = std::fs::read_to_string(&out_file).with_context(|| format!("reading {}", out_file.display()))?;
    let _ = std::fs::remove_file(&out_file);
    let total = text
        .lines()
        .find_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse::<u64>().ok())
        .context("callgrind output has no summary line")?;
    if total == 0 {
        bail!("callgrind counted 0 instructions for {subject}: the replay_local symbol was not found (was the binary built without symbols?)");
    }
    if started.elapsed().as_secs() >= 10 {
        eprintln!("    (callgrind {subject} on {trace}: {:.0} s)", started.elapsed().as_secs_f64());
    }
    Ok(total)
}

/// Runs callgrind [`INSTRUCTION_RUNS`] times and returns the median count. A deterministic
/// subject gives the same count every time; one that seeds a RNG from entropy (diamond-types'
/// internal rope does, in release builds) varies, and we warn with its spread rather than
/// pretend one count is exact.
fn instructions_median(subject: &str, trace: &str, traces_dir: &Path, granularity: Granularity) -> anyhow::Result<u64> {
    let mut counts: Vec<u64> =
        (0..INSTRUCTION_RUNS).map(|_| count_instructions(subject, trace, traces_dir, granularity)).collect::<Result<_, _>>()?;
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    let spread = (counts[counts.len() - 1] - counts[0]) as f64 / median as f64;
    if spread > 0.001 {
        eprintln!(
            "    note: {subject}'s instruction count varies between runs by {:.2}% ({} .. {}): it is not deterministic \
             (e.g. seeds a RNG from entropy); the median of {INSTRUCTION_RUNS} runs is reported",
            spread * 100.0,
            counts[0],
            counts[counts.len() - 1]
        );
    }
    Ok(median)
}

/// Callgrind runs per (subject, trace) for `--instructions`.
pub const INSTRUCTION_RUNS: usize = 3;

/// The hidden `replay-once` command: one verified replay (for callgrind). Exit 1 if the result
/// is wrong.
pub fn replay_once(subject: &str, trace: &str, traces_dir: Option<&Path>, granularity: Granularity, repeat: usize) -> anyhow::Result<u8> {
    let entry = adapters::entry(subject).ok_or_else(|| anyhow::anyhow!("unknown subject \"{subject}\""))?;
    let dir = traces::TraceDir::locate(traces_dir).map_err(|e| anyhow::anyhow!("{e}"))?;
    let t = dir.load_sequential(trace).map_err(|e| anyhow::anyhow!("{e}"))?;
    let txns = measure::prepare_txns(&t, entry.info.unit, granularity);
    for _ in 1..repeat {
        if let Err((s, m)) = run_verified(&entry, &txns, &t.end_content) {
            eprintln!("{s:?}: {m}");
            return Ok(crate::EXIT_CELL_FAILED);
        }
    }
    match run_verified(&entry, &txns, &t.end_content) {
        Ok(_) => Ok(crate::EXIT_OK),
        Err((s, m)) => {
            eprintln!("{s:?}: {m}");
            Ok(crate::EXIT_CELL_FAILED)
        }
    }
}
