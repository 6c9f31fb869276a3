//! Tables for the workloads other than `local` (`remote`, `load`, `memory`), and the summary
//! across workloads in the style of the Eg-walker paper (rows are subjects, columns are
//! workloads, each cell the value and its ratio to the reference).
//!
//! A results file whose cells are all `local` renders exactly as it always has; one with other
//! workloads renders its local cells through the same code (on [`Results::only_workload`]) and
//! adds the tables here.

use std::fmt::Write as _;

use crate::measure::Status;
use crate::report::{fmt_ms, fmt_ratio};
use crate::results::{Cell, Results};

/// A size in bytes with a unit chosen for it (KB and MB are 10^3 and 10^6 bytes).
pub fn fmt_bytes(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.2} GB", bytes / 1e9)
    } else if bytes >= 1e6 {
        format!("{:.2} MB", bytes / 1e6)
    } else if bytes >= 1e3 {
        format!("{:.1} KB", bytes / 1e3)
    } else {
        format!("{bytes:.0} B")
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

/// What each workload measures, for captions.
fn describe(workload: &str) -> &'static str {
    match workload {
        "local" => "replaying the trace as one agent's local edits",
        "remote" => "a fresh replica of another agent decoding and integrating the whole history in the library's sync format",
        "load" => "loading the saved document (the library's storage format, a snapshot where it has one) into a fresh replica",
        "memory" => "heap held by the document after a local replay, and the peak during it (counting allocator, separate process, untimed)",
        "concurrent" => "replaying a concurrent trace: each txn on a replica holding the merge of its parents, as its agent; the end state merges every leaf",
        _ => "",
    }
}

impl Results {
    /// The workloads of the cells, in the order they first appear.
    pub fn workloads(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for c in &self.cells {
            if !v.contains(&c.workload.as_str()) {
                v.push(&c.workload);
            }
        }
        v
    }

    /// Whether some cell is of a workload other than `local`.
    pub fn has_other_workloads(&self) -> bool {
        self.cells.iter().any(|c| c.workload != "local")
    }

    /// A copy with only the cells of `workload` (and that as its workload setting).
    pub fn only_workload(&self, workload: &str) -> Results {
        let mut r = self.clone();
        r.cells.retain(|c| c.workload == workload);
        let cells = &r.cells;
        r.traces.retain(|t| cells.iter().any(|c| c.trace == t.name));
        r.settings.workload = workload.to_owned();
        r
    }

    fn workload_cell(&self, subject: &str, trace: &str, workload: &str) -> Option<&Cell> {
        self.cells.iter().find(|c| c.subject == subject && c.trace == trace && c.workload == workload)
    }

    /// A subject x trace matrix of `workload`'s cells: `ok` formats a verified cell.
    fn workload_matrix(&self, workload: &str, caption: &str, ok: impl Fn(&Cell) -> Option<String>) -> String {
        let mut out = String::new();
        let traces: Vec<&str> = self
            .traces
            .iter()
            .map(|t| t.name.as_str())
            .filter(|t| self.cells.iter().any(|c| c.trace == *t && c.workload == workload))
            .collect();
        let _ = writeln!(out, "{caption}\n");
        let _ = writeln!(out, "| subject | {} |", traces.join(" | "));
        let _ = writeln!(out, "|---|{}", "---:|".repeat(traces.len()));
        let subjects: Vec<&str> = self.subjects_in_order();
        for s in subjects {
            if !self.cells.iter().any(|c| c.subject == s && c.workload == workload) {
                continue;
            }
            let cells: Vec<String> = traces
                .iter()
                .map(|t| match self.workload_cell(s, t, workload) {
                    Some(c) if c.status == Status::Ok => ok(c).unwrap_or_else(|| "-".into()),
                    Some(c) => status_word(c).to_owned(),
                    None => "-".into(),
                })
                .collect();
            let _ = writeln!(out, "| {} | {} |", self.label(s), cells.join(" | "));
        }
        out
    }

    /// The tables of one non-local workload: median ms and encoded size (remote, load), or
    /// retained and peak heap (memory); then the reasons of cells without a value.
    pub fn workload_markdown(&self, workload: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## Workload `{workload}`: {}\n", describe(workload));
        match workload {
            "memory" => {
                out.push_str(&self.workload_matrix(workload, "Heap bytes held by the document after the replay (retained)", |c| {
                    c.bytes.map(|b| fmt_bytes(b as f64))
                }));
                out.push('\n');
                out.push_str(&self.workload_matrix(workload, "Peak heap bytes during the replay", |c| {
                    c.peak_bytes.map(|b| fmt_bytes(b as f64))
                }));
            }
            _ => {
                let caption = format!(
                    "Median time, ms (lower is better), and speedup vs `{}` measured in the same run",
                    self.settings.reference
                );
                out.push_str(&self.workload_matrix(workload, &caption, |c| {
                    let median = c.median_ns?;
                    Some(match c.speedup_vs_reference {
                        Some(r) => format!("{} ({})", fmt_ms(median), fmt_ratio(r)),
                        None => fmt_ms(median),
                    })
                }));
                if workload != "concurrent" {
                    out.push('\n');
                    out.push_str(&self.workload_matrix(workload, "Encoded size", |c| c.bytes.map(|b| fmt_bytes(b as f64))));
                }
                let mut formats: Vec<(String, String)> = Vec::new();
                for c in self.cells.iter().filter(|c| c.workload == workload) {
                    if let Some(f) = c.format.as_ref().or(c.strategy.as_ref()) {
                        if !formats.iter().any(|(s, _)| *s == c.subject) {
                            formats.push((c.subject.clone(), f.clone()));
                        }
                    }
                }
                if !formats.is_empty() {
                    let _ = writeln!(out, "\n{}:\n", if workload == "concurrent" { "Strategies" } else { "Formats" });
                    for (s, f) in formats {
                        let _ = writeln!(out, "- {}: {f}", self.label(&s));
                    }
                }
            }
        }
        let without: Vec<&Cell> = self.cells.iter().filter(|c| c.workload == workload && c.status != Status::Ok).collect();
        if !without.is_empty() {
            let _ = writeln!(out, "\nCells without a value:\n");
            let mut seen: Vec<(String, String)> = Vec::new();
            for c in without {
                let msg = c.message.clone().unwrap_or_default();
                // Unsupported cells say the same on every trace: once per subject.
                if c.status == Status::Unsupported {
                    if seen.iter().any(|(s, m)| *s == c.subject && *m == msg) {
                        continue;
                    }
                    seen.push((c.subject.clone(), msg.clone()));
                    let _ = writeln!(out, "- {}: {} — {msg}", c.subject, status_word(c));
                } else {
                    let _ = writeln!(out, "- {} on {}: {} — {msg}", c.subject, c.trace, status_word(c));
                }
            }
        }
        out
    }

    /// Per trace: rows are subjects, columns are the workloads' values (median time, size,
    /// memory), each with its ratio to the reference's value (> 1: the reference needs more).
    pub fn summary_markdown(&self) -> String {
        let mut out = String::new();
        let reference = self.settings.reference.as_str();
        let workloads = self.workloads();
        let mut columns: Vec<(&str, &str, fn(&Cell) -> Option<f64>, bool)> = Vec::new();
        for w in &workloads {
            match *w {
                "local" => columns.push(("local", "local ms", |c| c.median_ns, true)),
                "remote" => {
                    columns.push(("remote", "remote ms", |c| c.median_ns, true));
                    columns.push(("remote", "update size", |c| c.bytes.map(|b| b as f64), false));
                }
                "load" => {
                    columns.push(("load", "load ms", |c| c.median_ns, true));
                    columns.push(("load", "saved size", |c| c.bytes.map(|b| b as f64), false));
                }
                "concurrent" => columns.push(("concurrent", "concurrent ms", |c| c.median_ns, true)),
                "memory" => {
                    columns.push(("memory", "memory retained", |c| c.bytes.map(|b| b as f64), false));
                    columns.push(("memory", "memory peak", |c| c.peak_bytes.map(|b| b as f64), false));
                }
                _ => {}
            }
        }
        let _ = writeln!(out, "## Summary across workloads\n");
        let _ = writeln!(
            out,
            "Each value with its ratio to `{reference}`'s (reference value / this value: > 1 means less time or fewer bytes than the reference).\n"
        );
        for t in &self.traces {
            let columns: Vec<_> =
                columns.iter().filter(|(w, ..)| self.cells.iter().any(|c| c.trace == t.name && c.workload == *w)).collect();
            if columns.len() < 2 {
                continue; // a trace of one workload (a concurrent trace) has its table above
            }
            let _ = writeln!(out, "### {}\n", t.name);
            let heads: Vec<&str> = columns.iter().map(|c| c.1).collect();
            let _ = writeln!(out, "| subject | {} |", heads.join(" | "));
            let _ = writeln!(out, "|---|{}", "---:|".repeat(heads.len()));
            for s in self.subjects_in_order() {
                let vals: Vec<String> = columns
                    .iter()
                    .map(|&&(w, _, value, is_time)| {
                        let Some(c) = self.workload_cell(s, &t.name, w) else { return "-".into() };
                        if c.status != Status::Ok {
                            return status_word(c).to_owned();
                        }
                        let Some(v) = value(c) else { return "-".into() };
                        let shown = if is_time { format!("{} ms", fmt_ms(v)) } else { fmt_bytes(v) };
                        let r = self.workload_cell(reference, &t.name, w).filter(|r| r.status == Status::Ok).and_then(value);
                        match r {
                            Some(r) if v > 0.0 => format!("{shown} ({})", fmt_ratio(r / v)),
                            _ => shown,
                        }
                    })
                    .collect();
                let _ = writeln!(out, "| {} | {} |", self.label(s), vals.join(" | "));
            }
            out.push('\n');
        }
        out
    }

    /// Everything after the local tables for a run with other workloads.
    pub fn other_workloads_markdown(&self) -> String {
        let mut out = String::new();
        for w in self.workloads() {
            if w != "local" {
                out.push_str(&self.workload_markdown(w));
                out.push('\n');
            }
        }
        if self.workloads().len() > 1 {
            out.push_str(&self.summary_markdown());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_get_units() {
        assert_eq!(super::fmt_bytes(999.0), "999 B");
        assert_eq!(super::fmt_bytes(25_300.0), "25.3 KB");
        assert_eq!(super::fmt_bytes(2_700_000.0), "2.70 MB");
    }
}
