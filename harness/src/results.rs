//! The results file (`--json`): schema `crdt-bench/results/v1`, as DESIGN.md section 6 fixes.
//! Everything a reader needs to trust or re-plot a number: machine, toolchain, crate versions,
//! commit, command line, settings, every sample, and per-edit latency summaries.
//!
//! Fields added after the first version (`crates`, `steps`, `latency`) default when absent, so
//! older files still read and plot.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::latency::Latency;
use crate::machine::{GitInfo, Machine};
use crate::measure::{Granularity, SamplingPlan, Status};
use crate::stats::Summary;

pub const SCHEMA: &str = "crdt-bench/results/v1";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Results {
    pub schema: String,
    pub tool_version: String,
    /// UTC, RFC 3339.
    pub created: String,
    pub command: Vec<String>,
    pub machine: Machine,
    pub rustc: String,
    pub build_profile: String,
    /// Versions of the subjects' crates, from the Cargo.lock the binary was built with.
    #[serde(default)]
    pub crates: BTreeMap<String, String>,
    pub git: GitInfo,
    pub settings: Settings,
    pub subjects: Vec<SubjectRecord>,
    /// The engine steps among the subjects, in log order (what the log table and the
    /// optimization-progress chart need, so they can be redrawn from this file alone).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepRecord>,
    pub traces: Vec<TraceRecord>,
    pub cells: Vec<Cell>,
    /// Wall time of the whole run, seconds (loading, verification and drops included; summed
    /// over the sessions of a resumed run).
    #[serde(default)]
    pub wall_s: f64,
    /// The run has not finished: this file holds the cells finished so far (a run writes it
    /// after every trace and workload), and `compare --resume DIR` runs the rest. Absent, hence
    /// `false`, in a finished run and in files from before the field existed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
}

/// Settings that affect what a number means. Printed under every table.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settings {
    pub workload: String,
    pub granularity: Granularity,
    pub reference: String,
    pub quick: bool,
    pub sampling: SamplingPlan,
    pub first_run_counts_ns: u64,
    pub traces_dir: String,
    pub position_unit: String,
    pub verification: String,
    /// `--cell-timeout`: a run of a cell taking longer than this many seconds fails the cell.
    /// Absent in files from before the limit existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell_timeout_s: Option<f64>,
    /// `--concurrent-strategy`, for runs with the concurrent workload (absent otherwise, and in
    /// files from before the choice existed: those forked per txn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrent_strategy: Option<crate::workloads::ConcurrentStrategy>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubjectRecord {
    pub name: String,
    pub label: String,
    pub kind: String,
    pub unit: String,
    pub version: String,
    pub notes: String,
}

impl From<&adapters::SubjectInfo> for SubjectRecord {
    fn from(i: &adapters::SubjectInfo) -> Self {
        let kind = serde_json::to_value(i.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        SubjectRecord {
            name: i.name.into(),
            label: i.label.into(),
            kind,
            unit: i.unit.name().into(),
            version: i.version.into(),
            notes: i.notes.into(),
        }
    }
}

/// One step of the engine's optimization log.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StepRecord {
    /// The subject name, `engine/<step>`.
    pub subject: String,
    pub predecessor: Option<String>,
    /// Position in the log (0 for the baseline).
    #[serde(default)]
    pub number: usize,
    /// The flags (ideas) switched on in this step.
    #[serde(default)]
    pub flags: Vec<String>,
    pub idea: String,
    /// On the path from step 0 to the best step (`engine`); a step off it was tried and
    /// reverted: no later kept step builds on it.
    pub kept: bool,
}

impl StepRecord {
    /// Records of the registered steps whose subjects are in `subjects`, in log order.
    pub fn for_subjects(subjects: &[&str]) -> Vec<StepRecord> {
        let mut kept: Vec<&str> = Vec::new();
        let mut step = Some(<engine::Best as engine::Step>::INFO.name);
        while let Some(name) = step {
            kept.push(name);
            step = engine::STEPS.iter().find(|s| s.name == name).and_then(|s| s.predecessor);
        }
        engine::STEPS
            .iter()
            .enumerate()
            .map(|(number, s)| (format!("engine/{}", s.name), number, s))
            .filter(|(subject, _, _)| subjects.contains(&subject.as_str()))
            .map(|(subject, number, s)| StepRecord {
                subject,
                predecessor: s.predecessor.map(str::to_owned),
                number,
                flags: s.flags.iter().map(|f| (*f).to_owned()).collect(),
                idea: s.idea.to_owned(),
                kept: kept.contains(&s.name),
            })
            .collect()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TraceRecord {
    pub name: String,
    pub txns: usize,
    pub patches: usize,
    pub end_len_chars: usize,
    pub peak_len_chars: Option<usize>,
    pub non_ascii_share: f64,
    pub single_char_share: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cell {
    pub subject: String,
    pub trace: String,
    pub workload: String,
    pub status: Status,
    /// Why the cell failed / is unsupported.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    pub patches: usize,
    pub samples_ns: Vec<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub median_ns: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub min_ns: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub q1_ns: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub q3_ns: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ns_per_patch_median: Option<f64>,
    /// Reference median / this median, from the same run: > 1 means faster than the reference.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub speedup_vs_reference: Option<f64>,
    /// Per-edit latency from a separate verified run (see `latency.rs`); absent when the run
    /// had none for this cell (older files, whole-trace granularity, or `--quick` skipping a
    /// cell slower than 5 s).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub latency: Option<Latency>,
    /// `remote` and `load`: size of the encoded document in bytes; `memory`: heap bytes the
    /// document holds after the replay. Absent for `local`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bytes: Option<u64>,
    /// `memory`: the most heap bytes in use during the replay (relative to its start).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub peak_bytes: Option<u64>,
    /// `remote` and `load`: what the bytes are (the library's format).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub format: Option<String>,
    /// `concurrent`: how the subject makes and merges replicas (e.g. fork per txn).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub strategy: Option<String>,
}

/// The `N` of a `crdt-bench/results/vN` schema name.
fn schema_version(schema: &str) -> Option<u32> {
    schema.strip_prefix("crdt-bench/results/v")?.parse().ok()
}

impl Cell {
    /// Why this cell cannot be true as written, if it cannot: a number must come from verified
    /// samples, and a cell that failed has none.
    pub fn contradiction(&self) -> Option<String> {
        let timed = self.workload != "memory";
        match self.status {
            Status::Ok if timed && self.samples_ns.is_empty() => return Some("status ok but no samples".into()),
            Status::Ok if !timed && self.bytes.is_none() => return Some("status ok but no bytes".into()),
            Status::Ok => {}
            other => {
                let status = format!("{other:?}").to_lowercase();
                if !self.samples_ns.is_empty() {
                    return Some(format!("status {status} but {} samples", self.samples_ns.len()));
                }
                if self.median_ns.is_some() || self.bytes.is_some() {
                    return Some(format!("status {status} but it has a median or a size"));
                }
            }
        }
        if self.samples_ns.contains(&0) {
            return Some("a sample of 0 ns".into());
        }
        let summary = Summary::of(&self.samples_ns);
        let recorded = [("median_ns", self.median_ns, summary.as_ref().map(|s| s.median_ns)), ("min_ns", self.min_ns, summary.as_ref().map(|s| s.min_ns))];
        for (name, recorded, from_samples) in recorded {
            match (recorded, from_samples) {
                (Some(r), Some(s)) if (r - s).abs() > 1e-6 * s.abs().max(1.0) => {
                    return Some(format!("{name} is {r} but its samples give {s}"));
                }
                (Some(_), None) => return Some(format!("{name} without samples")),
                _ => {}
            }
        }
        None
    }

    pub fn summary(&self) -> Option<Summary> {
        if self.status == Status::Ok {
            Summary::of(&self.samples_ns)
        } else {
            None
        }
    }
}

/// Current UTC time as RFC 3339 (no date crate needed for one timestamp).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

impl Results {
    /// Reads and checks a results file: the schema must match, and no cell may contradict
    /// itself (see [`Cell::contradiction`]). Every error is one line naming the file and, for a
    /// cell, its JSON path.
    pub fn read(path: &std::path::Path) -> anyhow::Result<Results> {
        let p = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{p}: cannot read: {e}"))?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            let hint = if e.is_eof() { " (truncated: the file ends mid-way)" } else { "" };
            anyhow::anyhow!("{p}: not JSON{hint}: {e}")
        })?;
        match v.get("schema").and_then(|s| s.as_str()) {
            Some(SCHEMA) => {}
            Some(newer) if schema_version(newer).is_some_and(|n| n > schema_version(SCHEMA).unwrap_or(0)) => anyhow::bail!(
                "{p}: schema is \"{newer}\", written by a newer crdt-bench; this tool reads \"{SCHEMA}\" (update crdt-bench to read it)"
            ),
            other => anyhow::bail!("{p}: schema is {other:?}, this tool reads \"{SCHEMA}\""),
        }
        // From the text, not the `Value`: serde then names the line and column of a bad field.
        drop(v);
        let results: Results =
            serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{p}: not a valid {SCHEMA} file: {e}"))?;
        for (i, c) in results.cells.iter().enumerate() {
            if let Some(why) = c.contradiction() {
                anyhow::bail!("{p}: cells[{i}] ({} on {}, {}): {why}", c.subject, c.trace, c.workload);
            }
            let same = |o: &&Cell| o.subject == c.subject && o.trace == c.trace && o.workload == c.workload;
            if let Some(j) = results.cells[..i].iter().position(|o| same(&o)) {
                anyhow::bail!("{p}: cells[{i}] ({} on {}, {}): the same cell as cells[{j}]", c.subject, c.trace, c.workload);
            }
        }
        Ok(results)
    }

    /// Writes atomically: a temp file beside the target, then a rename.
    pub fn write(&self, path: &std::path::Path) -> anyhow::Result<()> {
        let json = serde_json::to_string_pretty(self)?;
        crate::report::write_atomic(path, json.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrong_schema_is_rejected_with_a_clear_error() {
        let dir = std::env::temp_dir().join(format!("crdt-bench-schema-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("r.json");
        std::fs::write(&p, r#"{"schema":"something/else","cells":[]}"#).unwrap();
        let e = super::Results::read(&p).unwrap_err().to_string();
        assert!(e.contains("something/else") && e.contains(super::SCHEMA), "{e}");
        std::fs::write(&p, "not json").unwrap();
        assert!(super::Results::read(&p).unwrap_err().to_string().contains("not JSON"));
    }

    #[test]
    fn rfc3339_shape() {
        let s = super::now_rfc3339();
        assert_eq!(s.len(), 20, "{s}");
        assert!(s.starts_with("20") && s.ends_with('Z'), "{s}");
    }
}
