//! Tables from a [`Results`]: the terminal table and the markdown for a blog post or paper.
//! Both are computed from the results file alone, so `plot`/re-rendering never re-runs anything.

use std::fmt::Write as _;
use std::path::Path;

use crate::measure::Status;
use crate::results::{Cell, Results};
use crate::stats::Summary;

/// Writes `bytes` to `path` atomically (temp file in the same directory, then rename), so an
/// interrupted run never leaves a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    }
    let tmp = path.with_file_name(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    // fsync before the rename: otherwise a crash of the machine (not just of this process)
    // could leave the new name pointing at a file whose bytes never reached the disk.
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut f, bytes)?;
        f.sync_all()
    };
    write().map_err(|e| anyhow::anyhow!("writing {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| anyhow::anyhow!("renaming to {}: {e}", path.display()))?;
    // And the directory, so the rename itself is durable (best effort: not every platform
    // can open a directory).
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Three significant digits, in ms.
pub fn fmt_ms(ns: f64) -> String {
    let ms = ns / 1e6;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else if ms >= 1.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.3}")
    }
}

/// A duration with a unit chosen for it.
pub fn fmt_time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{} ms", fmt_ms(ns))
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// A ratio with the digits that matter: `1034x`, `17.2x`, `1.25x`, `0.0018x` (two significant
/// digits below 0.1, where a fixed 2 decimals would print 0.00x).
pub fn fmt_ratio(r: f64) -> String {
    if r >= 100.0 {
        format!("{r:.0}x")
    } else if r >= 10.0 {
        format!("{r:.1}x")
    } else if r >= 0.1 || r <= 0.0 {
        format!("{r:.2}x")
    } else {
        let decimals = (1 - r.log10().floor() as i32).max(0) as usize;
        format!("{r:.decimals$}x")
    }
}

fn status_word(c: &Cell) -> &'static str {
    match c.status {
        Status::Ok => "ok",
        Status::Failed => "FAILED",
        Status::Panicked => "PANICKED",
        Status::Unsupported => "unsupported",
    }
}

impl Results {
    pub fn cell(&self, subject: &str, trace: &str) -> Option<&Cell> {
        self.cells.iter().find(|c| c.subject == subject && c.trace == trace)
    }

    /// The subject's label for tables and charts (its name if the file does not list it).
    pub fn label(&self, subject: &str) -> String {
        self.subjects.iter().find(|s| s.name == subject).map(|s| s.label.clone()).unwrap_or_else(|| subject.into())
    }

    /// One line naming machine, commit, date and settings: the footer of every table.
    pub fn footer(&self) -> String {
        let s = &self.settings;
        format!(
            "Machine: {}. Commit {}{}. {} ({}, {}). Workload `{}`, {}; positions in {}; samples interleaved round-robin, \
             at least {} rounds (at most 2 samples of a subject in a row), budget {} per cell, min {} samples; every sample verified against endContent. {}",
            self.machine.one_line(),
            self.git.short(),
            if self.git.dirty { " (uncommitted changes)" } else { "" },
            self.created,
            self.build_profile,
            self.rustc,
            s.workload,
            s.granularity.describe(),
            s.position_unit,
            s.sampling.rounds,
            fmt_time(s.sampling.budget_ns_per_cell as f64),
            s.sampling.min_samples,
            if s.quick {
                "Quick mode (--quick): fewer samples; a cell whose first run took over 5 s is timed by that one verified run."
            } else {
                ""
            },
        ) + self.footer_tail().as_str()
    }

    /// The footer's newer parts: the cell timeout (files from before it have none) and, for a
    /// run that did not finish, a warning that says so first.
    fn footer_tail(&self) -> String {
        let mut out = String::new();
        if let Some(limit) = self.settings.cell_timeout_s {
            out.push_str(&format!(" Cell timeout {limit} s per run."));
        }
        match self.settings.concurrent_strategy {
            Some(crate::workloads::ConcurrentStrategy::PerAgent) => {
                out.push_str(" Concurrent traces replayed per agent (--concurrent-strategy per-agent).")
            }
            Some(crate::workloads::ConcurrentStrategy::ForkPerTxn) => {
                out.push_str(" Concurrent traces replayed with a fork per txn (--concurrent-strategy fork-per-txn).")
            }
            None => {}
        }
        if self.incomplete {
            out.push_str(&format!(
                " **INCOMPLETE RUN**: interrupted with {} cells finished; `crdt-bench {} --resume DIR` on its run directory finishes it.",
                self.cells.len(),
                crate::rundir::command_of(self)
            ));
        }
        out
    }

    /// The terminal report: one block per trace, then the summary matrix.
    pub fn terminal_table(&self) -> String {
        if self.has_other_workloads() {
            // Local cells through this same code, then the other workloads' tables.
            let mut out = String::new();
            let local = self.only_workload("local");
            if !local.cells.is_empty() {
                out.push_str(&local.terminal_table());
                out.push('\n');
            }
            out.push('\n');
            out.push_str(&self.other_workloads_markdown());
            return out;
        }
        let mut out = String::new();
        let reference = &self.settings.reference;
        for t in &self.traces {
            let _ = writeln!(
                out,
                "\n{}  ({} txns, {} patches, {} chars at the end)",
                t.name, t.txns, t.patches, t.end_len_chars
            );
            let _ = writeln!(
                out,
                "  {:<42} {:>10} {:>10} {:>7} {:>5} {:>10} {:>9}",
                "subject", "median", "min", "IQR", "n", "ns/patch", format!("vs {}", short(reference))
            );
            for c in self.cells.iter().filter(|c| c.trace == t.name) {
                let label = self.label(&c.subject);
                match c.summary() {
                    Some(s) => {
                        let _ = writeln!(
                            out,
                            "  {:<42} {:>10} {:>10} {:>6.0}% {:>5} {:>10.0} {:>9}",
                            label,
                            fmt_time(s.median_ns),
                            fmt_time(s.min_ns),
                            s.iqr_rel() * 100.0,
                            s.n,
                            s.median_ns / c.patches as f64,
                            c.speedup_vs_reference.map(fmt_ratio).unwrap_or_else(|| "-".into())
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "  {:<42} {}: {}",
                            label,
                            status_word(c),
                            c.message.as_deref().unwrap_or("")
                        );
                    }
                }
            }
        }
        out.push('\n');
        out.push_str(&self.markdown_ms_table());
        out
    }

    /// Subjects in the order of their first cell (the registry's table order).
    pub fn subjects_in_order(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for c in &self.cells {
            if !v.contains(&c.subject.as_str()) {
                v.push(&c.subject);
            }
        }
        v
    }

    /// A subject x trace markdown matrix under `caption`; `ok` formats a verified cell, other
    /// cells show their status.
    fn markdown_matrix(&self, caption: &str, ok: impl Fn(&Cell, &Summary) -> String) -> String {
        let mut out = String::new();
        let traces: Vec<&str> = self.traces.iter().map(|t| t.name.as_str()).collect();
        let _ = writeln!(out, "{caption}\n");
        let _ = writeln!(out, "| subject | {} |", traces.join(" | "));
        let _ = writeln!(out, "|---|{}", "---:|".repeat(traces.len()));
        for s in self.subjects_in_order() {
            let cells: Vec<String> = traces
                .iter()
                .map(|t| match self.cell(s, t) {
                    Some(c) => match c.summary() {
                        Some(sum) => ok(c, &sum),
                        None => status_word(c).to_owned(),
                    },
                    None => "-".into(),
                })
                .collect();
            let _ = writeln!(out, "| {} | {} |", self.label(s), cells.join(" | "));
        }
        out
    }

    /// Median ms per trace, one row per subject (the style of the published tables).
    pub fn markdown_ms_table(&self) -> String {
        let caption = format!("Median time, ms (lower is better); workload `{}`", self.settings.workload);
        self.markdown_matrix(&caption, |_, sum| fmt_ms(sum.median_ns))
    }

    /// ns per patch with the speedup against the reference, one row per subject.
    pub fn markdown_ns_table(&self) -> String {
        let caption = format!(
            "Median ns per patch, and speedup vs `{}` measured in the same run (> 1 is faster)",
            self.settings.reference
        );
        self.markdown_matrix(&caption, |c, sum| {
            format!(
                "{:.0} ns ({})",
                sum.median_ns / c.patches as f64,
                c.speedup_vs_reference.map(fmt_ratio).unwrap_or_else(|| "-".into())
            )
        })
    }

    /// The full markdown report: both tables, the subjects' fairness notes, the footer.
    pub fn markdown(&self) -> String {
        if self.has_other_workloads() {
            let local = self.only_workload("local");
            let mut out = if local.cells.is_empty() {
                let mut out = String::from("# crdt-bench compare\n\nSubjects:\n\n");
                for s in &self.subjects {
                    let _ = writeln!(out, "- **{}** (`{}`, {}; positions in {}): {}", s.label, s.name, s.version, s.unit, s.notes);
                }
                out
            } else {
                local.markdown()
            };
            out.push('\n');
            out.push_str(&self.other_workloads_markdown());
            let _ = writeln!(out, "\n{}", self.footer());
            return out;
        }
        let mut out = String::new();
        let _ = writeln!(out, "# crdt-bench compare\n");
        out.push_str(&self.markdown_ms_table());
        out.push('\n');
        out.push_str(&self.markdown_ns_table());
        out.push('\n');
        let _ = writeln!(out, "Subjects:\n");
        for s in &self.subjects {
            let _ = writeln!(out, "- **{}** (`{}`, {}; positions in {}): {}", s.label, s.name, s.version, s.unit, s.notes);
        }
        let failed: Vec<&Cell> = self.cells.iter().filter(|c| c.status != Status::Ok).collect();
        if !failed.is_empty() {
            let _ = writeln!(out, "\nCells without a time:\n");
            for c in failed {
                let _ = writeln!(
                    out,
                    "- {} on {}: {} — {}",
                    c.subject,
                    c.trace,
                    status_word(c),
                    c.message.as_deref().unwrap_or("")
                );
            }
        }
        let _ = writeln!(out, "\n{}", self.footer());
        out
    }
}

fn short(name: &str) -> &str {
    if name.len() > 14 {
        name.get(..14).unwrap_or(name)
    } else {
        name
    }
}

/// Start and end markers of the ablation section in `optimizations.md`: `log --ablate
/// --write-log` replaces what is between them, and a plain `log --write-log` keeps it.
pub const ABLATION_START: &str = "<!-- ablation: generated by `crdt-bench log --ablate` -->";
/// See [`ABLATION_START`].
pub const ABLATION_END: &str = "<!-- end of ablation -->";

/// Whether `results` is a `log --ablate` run.
pub fn is_ablation(results: &Results) -> bool {
    results.command.iter().any(|arg| arg == "--ablate")
}

/// The ablation's table: per variant of the best step with one flag off, its time relative to
/// the best step's (per trace, and the geometric mean with a 95% bootstrap CI), all from one
/// interleaved run. Above 1: the idea helps the best step; below 1: the best step would be
/// faster without it.
pub fn ablation_markdown(results: &Results) -> String {
    let mut out = String::new();
    let traces: Vec<&str> = results.traces.iter().map(|t| t.name.as_str()).collect();
    let samples = |subject: &str, trace: &str| -> Option<Vec<f64>> {
        let c = results.cell(subject, trace)?;
        (c.status == Status::Ok && !c.samples_ns.is_empty()).then(|| c.samples_ns.iter().map(|&ns| ns as f64).collect())
    };
    let best = results.subjects.iter().find(|s| s.name == "engine").map(|s| s.label.clone()).unwrap_or_else(|| "engine".into());
    let _ = writeln!(out, "{ABLATION_START}
");
    let _ = writeln!(out, "## Ablation: each idea switched off in the best step
");
    let _ = writeln!(
        out,
        "The best step ({best}) with one flag turned off at a time, timed against it in one interleaved run. \
         Time with the flag off over the best step's time: per trace (median over median), and the geometric mean \
         over {} with a 95% bootstrap CI. Above 1: the idea earns its place now that all the others are in; \
         *helps* when the whole CI is above 1 + {:.0}%, *hurts* when it is below 1 - {:.0}%, *no effect* otherwise.\n",
        traces.join(", "),
        PARITY_BAND * 100.0,
        PARITY_BAND * 100.0
    );
    let _ = write!(out, "| flag off | instead | time off / best (95% CI) |");
    for t in &traces {
        let _ = write!(out, " {t} |");
    }
    let _ = writeln!(out, " verdict |");
    let _ = write!(out, "|---|---|---:|");
    for _ in &traces {
        let _ = write!(out, "---:|");
    }
    let _ = writeln!(out, "---|");
    for ablation in engine::ablation::ABLATIONS {
        let subject = format!("engine/{}", ablation.name);
        if !results.cells.iter().any(|c| c.subject == subject) {
            continue;
        }
        let mut pairs = Vec::new();
        let mut per_trace = Vec::new();
        for t in &traces {
            match (samples("engine", t), samples(&subject, t)) {
                (Some(best), Some(off)) => {
                    let (m, _, _) = crate::ab::ratio_of_medians_with_ci(&best, &off, 0.95, 2_000);
                    per_trace.push(fmt_time_ratio(m));
                    pairs.push((best, off));
                }
                _ => per_trace.push("failed".into()),
            }
        }
        let (overall, verdict) = if pairs.is_empty() {
            ("-".to_owned(), "not measured")
        } else {
            let (m, lo, hi) = crate::ab::geomean_ratio_with_ci(&pairs, 0.95, 2_000);
            let verdict = if lo > 1.0 + PARITY_BAND {
                "helps"
            } else if hi < 1.0 - PARITY_BAND {
                "hurts"
            } else {
                "no effect"
            };
            (format!("{} [{}, {}]", fmt_time_ratio(m), fmt_time_ratio(lo), fmt_time_ratio(hi)), verdict)
        };
        let _ = write!(out, "| `{}` | {} | {overall} |", ablation.flag, ablation.instead);
        for cell in &per_trace {
            let _ = write!(out, " {cell} |");
        }
        let _ = writeln!(out, " {verdict} |");
    }
    let _ = writeln!(
        out,
        "\nMade by `{}`.\n\n{}\n\n{ABLATION_END}",
        std::iter::once("crdt-bench").chain(results.command.iter().skip(1).map(String::as_str)).collect::<Vec<_>>().join(" "),
        results.footer()
    );
    out
}

/// `doc` with its ablation section (between the markers) replaced by `section`, or with
/// `section` appended if it has none.
pub fn with_ablation_section(doc: &str, section: &str) -> String {
    match (doc.find(ABLATION_START), doc.find(ABLATION_END)) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{}{}", &doc[..start], section.trim_end(), &doc[end + ABLATION_END.len()..])
        }
        _ => format!("{}\n\n{}\n", doc.trim_end(), section.trim_end()),
    }
}

/// The ablation section of `doc`, markers included, if it has one.
pub fn ablation_section(doc: &str) -> Option<&str> {
    let start = doc.find(ABLATION_START)?;
    let end = doc.find(ABLATION_END)?;
    (start < end).then(|| &doc[start..end + ABLATION_END.len()])
}

/// The optimization log's table: one row per engine step (in log order) with its predecessor,
/// its idea, and per trace the median time and the speedup vs the reference. The steps come
/// from the results file, so a saved run renders the log it timed.
pub fn log_markdown(results: &Results) -> String {
    let mut out = String::new();
    let traces: Vec<&str> = results.traces.iter().map(|t| t.name.as_str()).collect();
    let reference = &results.settings.reference;
    let rows = log_rows(results);
    let _ = writeln!(out, "# Optimization log\n");
    let _ = writeln!(
        out,
        "Step speedup: the predecessor's median time over this step's, per trace, geometric mean over the traces \
         both ran ({}); 95% bootstrap CI in brackets. Time vs `{reference}`: this step's median over `{reference}`'s, \
         geometric mean, same run (< 1 is faster than `{reference}`). Result: *faster* / *slower* when the whole CI is \
         above / below 1 and the speedup is at least {:.0}%; *parity* otherwise; *reverted* when no kept step builds on it.\n",
        traces.join(", "),
        PARITY_BAND * 100.0
    );
    let _ = writeln!(out, "| No. | step | flags added | idea | step speedup (95% CI) | time vs {reference} | result |");
    let _ = writeln!(out, "|---:|---|---|---|---:|---:|---|");
    for row in &rows {
        let speedup = match row.speedup {
            Some((m, lo, hi)) => format!("{} [{}, {}]", fmt_ratio(m), fmt_ratio(lo), fmt_ratio(hi)),
            None => "-".into(),
        };
        let vs_ref = row.time_vs_reference.map(fmt_time_ratio).unwrap_or_else(|| "-".into());
        let mut idea = row.idea.clone();
        if !row.skipped.is_empty() {
            let _ = write!(idea, " *(not run on {}: too slow for this run)*", row.skipped.join(", "));
        }
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | {} |",
            row.number,
            row.subject.trim_start_matches("engine/"),
            row.flags_added,
            idea,
            speedup,
            vs_ref,
            row.result
        );
    }
    let _ = writeln!(out, "\n### Per trace\n");
    let _ = writeln!(out, "Median ms; in brackets the step speedup vs the predecessor (95% CI), then the time relative to `{reference}`.\n");
    let _ = writeln!(out, "| step | {} |", traces.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(traces.len()));
    let mut subjects: Vec<String> = rows.iter().map(|r| r.subject.clone()).collect();
    subjects.push(reference.clone());
    for subject in &subjects {
        let row = rows.iter().find(|r| &r.subject == subject);
        let cells: Vec<String> = traces
            .iter()
            .enumerate()
            .map(|(k, t)| match results.cell(subject, t) {
                Some(c) => match c.summary() {
                    Some(s) => {
                        let mut cell = fmt_ms(s.median_ns);
                        if let Some(Some((m, lo, hi))) = row.map(|r| r.per_trace[k]) {
                            let _ = write!(cell, " ({} [{}, {}])", fmt_ratio(m), fmt_ratio(lo), fmt_ratio(hi));
                        }
                        if subject != reference {
                            if let Some(speedup) = c.speedup_vs_reference {
                                let _ = write!(cell, " · {}", fmt_time_ratio(1.0 / speedup));
                            }
                        }
                        cell
                    }
                    None if c.status == Status::Unsupported => "skipped".into(),
                    None => status_word(c).to_owned(),
                },
                None => "-".into(),
            })
            .collect();
        let _ = writeln!(out, "| `{}` | {} |", subject.trim_start_matches("engine/"), cells.join(" | "));
    }
    let command: Vec<&str> = std::iter::once("crdt-bench").chain(results.command.iter().skip(1).map(String::as_str)).collect();
    let _ = writeln!(out, "\nMade by `{}`.", command.join(" "));
    let _ = writeln!(out, "\n{}", results.footer());
    out
}

/// A step's speedup counts as a change only beyond this (with the whole CI past 1): a 1%
/// "significant" speedup from code layout is parity, not progress.
pub const PARITY_BAND: f64 = 0.03;

/// One row of the log table, computed from a run's cells.
#[derive(Clone, Debug)]
pub struct LogRow {
    pub number: usize,
    pub subject: String,
    /// Flags this step adds to (and `-flag`: removes from) its predecessor's.
    pub flags_added: String,
    pub idea: String,
    /// Geometric mean over traces of the step speedup vs the predecessor, with its 95% CI.
    pub speedup: Option<(f64, f64, f64)>,
    /// Per trace (in `results.traces` order): speedup vs predecessor and CI.
    pub per_trace: Vec<Option<(f64, f64, f64)>>,
    /// Geometric mean of this step's time over the reference's.
    pub time_vs_reference: Option<f64>,
    /// Traces the step did not run (too slow for the run's mode).
    pub skipped: Vec<String>,
    /// faster / parity / slower / reverted / baseline.
    pub result: &'static str,
}

/// "0.45x time" style: a time ratio (not a speedup), two significant decimals.
pub fn fmt_time_ratio(r: f64) -> String {
    if r >= 100.0 {
        format!("{r:.0}")
    } else if r >= 10.0 {
        format!("{r:.1}")
    } else {
        format!("{r:.2}")
    }
}

/// The log's rows: each step's speedup vs its predecessor (from the same run's interleaved
/// samples) and its time relative to the reference.
pub fn log_rows(results: &Results) -> Vec<LogRow> {
    let samples = |subject: &str, trace: &str| -> Option<Vec<f64>> {
        let c = results.cell(subject, trace)?;
        (c.status == Status::Ok && !c.samples_ns.is_empty()).then(|| c.samples_ns.iter().map(|&ns| ns as f64).collect())
    };
    let reference = &results.settings.reference;
    results
        .steps
        .iter()
        .map(|step| {
            let pred_subject = step.predecessor.as_ref().map(|p| format!("engine/{p}"));
            let pred_record = pred_subject.as_ref().and_then(|p| results.steps.iter().find(|s| &s.subject == p));
            let flags_added = match pred_record {
                Some(pred) => {
                    let mut changes: Vec<String> =
                        step.flags.iter().filter(|f| !pred.flags.contains(f)).map(|f| format!("+{f}")).collect();
                    changes.extend(pred.flags.iter().filter(|f| !step.flags.contains(f)).map(|f| format!("-{f}")));
                    if changes.is_empty() { "-".into() } else { changes.join(" ") }
                }
                None if step.predecessor.is_none() => "(baseline)".into(),
                // The predecessor was not in this run: take its flags from the registry.
                None => {
                    let pred_flags: Vec<&str> = engine::STEPS
                        .iter()
                        .find(|s| Some(s.name) == step.predecessor.as_deref())
                        .map(|s| s.flags.to_vec())
                        .unwrap_or_default();
                    let mut changes: Vec<String> =
                        step.flags.iter().filter(|f| !pred_flags.contains(&f.as_str())).map(|f| format!("+{f}")).collect();
                    changes.extend(pred_flags.iter().filter(|f| !step.flags.iter().any(|g| g == *f)).map(|f| format!("-{f}")));
                    if changes.is_empty() { "-".into() } else { changes.join(" ") }
                }
            };
            let mut pairs = Vec::new();
            let mut per_trace = Vec::new();
            let mut skipped = Vec::new();
            let mut vs_ref_logs = Vec::new();
            for t in &results.traces {
                let own = samples(&step.subject, &t.name);
                if own.is_none() {
                    skipped.push(t.name.clone());
                }
                let pred = pred_subject.as_deref().and_then(|p| samples(p, &t.name));
                match (&own, pred) {
                    (Some(own), Some(pred)) => {
                        per_trace.push(Some(crate::ab::ratio_of_medians_with_ci(own, &pred, 0.95, 2_000)));
                        pairs.push((own.clone(), pred));
                    }
                    _ => per_trace.push(None),
                }
                if let (Some(c), Some(_)) = (results.cell(&step.subject, &t.name), &own) {
                    if let Some(speedup) = c.speedup_vs_reference {
                        vs_ref_logs.push((1.0 / speedup).ln());
                    }
                }
            }
            let speedup = (!pairs.is_empty()).then(|| crate::ab::geomean_ratio_with_ci(&pairs, 0.95, 2_000));
            let result = if step.predecessor.is_none() {
                "baseline"
            } else if !step.kept {
                "reverted"
            } else {
                match speedup {
                    Some((m, lo, _)) if lo > 1.0 && m >= 1.0 + PARITY_BAND => "faster",
                    Some((m, _, hi)) if hi < 1.0 && m <= 1.0 - PARITY_BAND => "slower",
                    Some(_) => "parity",
                    None => "not measured",
                }
            };
            LogRow {
                number: step.number,
                subject: step.subject.clone(),
                flags_added,
                idea: step.idea.clone(),
                speedup,
                per_trace,
                time_vs_reference: (!vs_ref_logs.is_empty() && results.cells.iter().any(|c| &c.subject == reference))
                    .then(|| (vs_ref_logs.iter().sum::<f64>() / vs_ref_logs.len() as f64).exp()),
                skipped,
                result,
            }
        })
        .collect()
}

/// The optimization log document (`optimizations.md`): one section per step, straight from the
/// engine's registry (name, predecessor, idea, why, invariant), then the numbers of `results`.
/// Nothing in it is typed by hand, so it cannot drift from the code or from a run.
pub fn optimizations_markdown(results: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# The optimization log\n");
    let _ = writeln!(
        out,
        "Our engine, step by step. Each step names its predecessor and adds exactly one idea; every step \
         has diamond-types' merge semantics and passes the same conformance suite (`engine/tests/`). \
         This file is generated by `{}`: the step descriptions come from the engine's registry \
         (`engine/src/registry.rs`), the numbers from that run.\n",
        std::iter::once("crdt-bench").chain(results.command.iter().skip(1).map(String::as_str)).collect::<Vec<_>>().join(" ")
    );
    let rows = log_rows(results);
    let reference = &results.settings.reference;
    let _ = writeln!(out, "## Steps\n");
    for (number, s) in engine::STEPS.iter().enumerate() {
        let _ = writeln!(out, "### {number}. `{}`\n", s.name);
        let _ = writeln!(out, "- **Predecessor:** {}", s.predecessor.map(|p| format!("`{p}`")).unwrap_or_else(|| "none (the baseline)".into()));
        let flags = if s.flags.is_empty() { "none".to_owned() } else { s.flags.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ") };
        let _ = writeln!(out, "- **Flags:** {flags}");
        let _ = writeln!(out, "- **What changed:** {}", s.idea);
        let _ = writeln!(out, "- **Why it should help:** {}", s.why);
        let _ = writeln!(out, "- **Invariant it adds:** {}", s.invariant);
        let _ = writeln!(out, "- **Where it lives:** {}", s.code);
        let subject = format!("engine/{}", s.name);
        match rows.iter().find(|r| r.subject == subject) {
            Some(row) => {
                let mut measured = String::new();
                if let Some((m, lo, hi)) = row.speedup {
                    let _ = write!(measured, "{} the speed of its predecessor (95% CI {} to {}), geometric mean over the traces; ", fmt_ratio(m), fmt_ratio(lo), fmt_ratio(hi));
                }
                if let Some(r) = row.time_vs_reference {
                    let _ = write!(measured, "{} times `{reference}`'s time; ", fmt_time_ratio(r));
                }
                let _ = write!(measured, "result: **{}**", row.result);
                let per_trace: Vec<String> = results
                    .traces
                    .iter()
                    .zip(&row.per_trace)
                    .filter_map(|(t, p)| p.map(|(m, lo, hi)| format!("{} {} [{}, {}]", t.name, fmt_ratio(m), fmt_ratio(lo), fmt_ratio(hi))))
                    .collect();
                if !per_trace.is_empty() {
                    let _ = write!(measured, ". Per trace: {}", per_trace.join("; "));
                }
                if !row.skipped.is_empty() {
                    let _ = write!(measured, ". Not run on {} in this run (too slow for it)", row.skipped.join(", "));
                }
                let _ = writeln!(out, "- **Measured:** {measured}.");
            }
            None => {
                let _ = writeln!(out, "- **Measured:** not in this run.");
            }
        }
        if !s.notes.is_empty() {
            let _ = writeln!(out, "- **What we learned:** {}", s.notes);
        }
        if !s.skip_traces.is_empty() {
            let _ = writeln!(out, "- **Too slow for (tests):** {}", s.skip_traces.join(", "));
        }
        if !s.quick_skip_traces.is_empty() {
            let _ = writeln!(out, "- **Skipped by `--quick`:** {}", s.quick_skip_traces.join(", "));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Numbers\n");
    let table = log_markdown(results);
    // Drop log_markdown's own title: this document has one.
    let body = table.split_once('\n').map(|(_, rest)| rest.trim_start()).unwrap_or(&table);
    out.push_str(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ablation_section_is_replaced_in_place_and_kept_by_a_linear_log() {
        let section = |body: &str| format!("{ABLATION_START}\n{body}\n{ABLATION_END}");
        // Appended when the document has none.
        let doc = with_ablation_section("# Log\n\nsteps\n", &section("first"));
        assert_eq!(ablation_section(&doc), Some(section("first").as_str()));
        assert!(doc.starts_with("# Log\n\nsteps"));
        // Replaced in place, the rest untouched.
        let doc = format!("{doc}\n\ntrailer\n");
        let doc = with_ablation_section(&doc, &section("second"));
        assert_eq!(ablation_section(&doc), Some(section("second").as_str()));
        assert!(!doc.contains("first"));
        assert!(doc.starts_with("# Log\n\nsteps") && doc.trim_end().ends_with("trailer"));
        // A linear log's new document takes the old one's section along.
        let regenerated = with_ablation_section("# Log\n\nnew steps\n", ablation_section(&doc).unwrap());
        assert_eq!(ablation_section(&regenerated), Some(section("second").as_str()));
        assert!(regenerated.contains("new steps"));
    }
}
