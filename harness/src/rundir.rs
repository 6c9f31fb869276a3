//! The run directory: everything one run produced, tied to the machine and commit that made it.
//!
//! ```text
//! reports/<date>-<host>-<short commit>[-<command>]/   (no suffix for `compare`)
//!     results.json   the results file (schema crdt-bench/results/v1): every sample
//!     results.csv    one row per sample, for re-plotting elsewhere
//!     tables.md      the markdown tables, with their footer
//!     *.svg, *.png   the charts (see `plot`)
//! reports/latest[-<command>]  ->  the newest of them (a relative symlink; a copy where
//!                                 symlinks are not available)
//! ```
//!
//! Everything but `results.json` is derived from `results.json` alone, by [`render`], which is
//! also what `crdt-bench plot` runs: so a saved run redraws byte for byte. The only timestamp
//! in any file is the run's `created`, which comes from the JSON.
//!
//! A run directory is built in a temporary directory beside it and renamed into place, and each
//! file in it is written atomically, so an interrupted run never leaves half a directory or a
//! half-written JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::measure::Status;
use crate::results::Results;

/// The subcommand that produced `results` (`compare`, `log`, ...), from its recorded command
/// line; `compare` for a file whose command line does not say.
pub fn command_of(results: &Results) -> &str {
    results.command.get(1).map(String::as_str).filter(|c| !c.starts_with('-')).unwrap_or("compare")
}

/// The command, with `log --ablate` told apart from the linear log (`ablate`): what names a
/// run's directory and its `latest-*` link.
pub fn run_kind(results: &Results) -> &str {
    match command_of(results) {
        "log" if crate::report::is_ablation(results) => "ablate",
        command => command,
    }
}

/// `<date>-<host>-<short commit>` plus `-<command>` for commands other than `compare`
/// (`-ablate` for `log --ablate`).
pub fn dir_name(results: &Results) -> String {
    let date = results.created.get(..10).unwrap_or("undated");
    let host: String = results
        .machine
        .hostname
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
        .collect();
    let command = run_kind(results);
    let suffix = if command == "compare" { String::new() } else { format!("-{command}") };
    format!("{date}-{host}-{}{suffix}", results.git.short())
}

/// Writes the finished run directory `dir` for `results` (normally `out_root/<dir_name>`) and
/// points `latest[-<kind>]` beside it at it. Returns the files in it.
///
/// The directory is built whole beside `dir` and swapped in by renames (the old one, such as
/// the run's own incomplete results, is moved aside first and removed last), so a kill at any
/// point leaves either the old directory or the new one under `dir`.
pub fn write_run(dir: &Path, results: &Results) -> anyhow::Result<Vec<PathBuf>> {
    let out_root = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = dir.file_name().and_then(|n| n.to_str()).context("the run directory has no name")?.to_owned();
    let tmp = out_root.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = out_root.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let _ = std::fs::remove_dir_all(&old);
    std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    results.write(&tmp.join("results.json"))?;
    render(results, &tmp)?;
    // Same day, same commit: the new run replaces the old one.
    if dir.exists() {
        std::fs::rename(dir, &old).with_context(|| format!("moving {} aside", dir.display()))?;
    }
    std::fs::rename(&tmp, dir).with_context(|| format!("moving the run into {}", dir.display()))?;
    let _ = std::fs::remove_dir_all(&old);
    let command = run_kind(results);
    let latest = if command == "compare" { "latest".to_owned() } else { format!("latest-{command}") };
    point_latest(out_root, &latest, &name)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    Ok(files)
}

/// Everything derived from `results` into `dir`: results.csv, tables.md and every chart.
pub fn render(results: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let csv = dir.join("results.csv");
    crate::report::write_atomic(&csv, samples_csv(results).as_bytes())?;
    let md = dir.join("tables.md");
    crate::report::write_atomic(&md, tables_markdown(results).as_bytes())?;
    let mut files = vec![csv, md];
    if results.has_other_workloads() {
        // The local charts from the local cells; the memory chart from the memory cells.
        let local = results.only_workload("local");
        if !local.cells.is_empty() {
            files.extend(crate::plot::all_plots(&local, dir)?);
        }
        files.extend(crate::plot::memory_plots(results, dir)?);
    } else {
        files.extend(crate::plot::all_plots(results, dir)?);
    }
    Ok(files)
}

/// The markdown tables for the command that made the run: `log` gets the optimization-log
/// table first; every run gets the comparison tables (ms per trace, ns/patch with speedups).
pub fn tables_markdown(results: &Results) -> String {
    match command_of(results) {
        "log" if crate::report::is_ablation(results) => {
            format!("{}\n\n{}", crate::report::ablation_markdown(results), results.markdown())
        }
        "log" => format!("{}\n{}", crate::report::log_markdown(results), results.markdown()),
        _ => results.markdown(),
    }
}

/// One row per sample (cells without samples get one row with empty sample columns, so a
/// failed cell is not silently missing).
pub fn samples_csv(results: &Results) -> String {
    let mut out = String::from("subject,trace,workload,status,sample,time_ns,patches,ns_per_patch\n");
    for c in &results.cells {
        let status = match c.status {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Panicked => "panicked",
            Status::Unsupported => "unsupported",
        };
        let head = format!("{},{},{},{status}", csv_field(&c.subject), csv_field(&c.trace), csv_field(&c.workload));
        if c.samples_ns.is_empty() {
            let _ = writeln!(out, "{head},,,{},", c.patches);
        }
        for (i, ns) in c.samples_ns.iter().enumerate() {
            let per_patch = *ns as f64 / c.patches.max(1) as f64;
            let _ = writeln!(out, "{head},{i},{ns},{},{per_patch:.3}", c.patches);
        }
    }
    out
}

/// A CSV field, quoted when it must be (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Points `out_root/link` at the sibling directory `target`, replacing what was there.
fn point_latest(out_root: &Path, link: &str, target: &str) -> anyhow::Result<()> {
    let path = out_root.join(link);
    let tmp = out_root.join(format!(".{link}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, &tmp).with_context(|| format!("creating the symlink {}", tmp.display()))?;
    #[cfg(not(unix))]
    copy_dir(&out_root.join(target), &tmp)?;
    // A rename replaces a symlink or file atomically, but not a directory (a copy made where
    // symlinks are not available): remove that first.
    if path.is_dir() && !path.is_symlink() {
        std::fs::remove_dir_all(&path)?;
    }
    std::fs::rename(&tmp, &path).with_context(|| format!("updating {}", path.display()))?;
    Ok(())
}

#[cfg(not(unix))]
fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

/// `crdt-bench plot RESULTS.json [--out DIR]`: redraws every chart and table of a saved run,
/// running nothing. Default output: the directory the results file is in.
pub fn plot_cmd(results_path: &Path, out: Option<&Path>) -> anyhow::Result<u8> {
    let dir = match out {
        Some(d) => d.to_path_buf(),
        None => results_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf(),
    };
    // An `ab --json` file: its paired-ratio chart.
    let is_ab = std::fs::read_to_string(results_path)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|v| v.get("schema").and_then(|s| s.as_str()) == Some(crate::ab::AB_SCHEMA));
    if is_ab {
        let text = std::fs::read_to_string(results_path)?;
        let file: crate::ab::AbFile = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: not a valid {} file: {e}", results_path.display(), crate::ab::AB_SCHEMA))?;
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        match crate::ab::ab_plot(&file, &dir)? {
            Some(stem) => {
                for ext in ["svg", "png"] {
                    println!("{}", dir.join(format!("{stem}.{ext}")).display());
                }
                eprintln!("Redrew the paired-ratio chart from {} (nothing was run).", results_path.display());
            }
            None => eprintln!("{} has no paired comparison (a --baseline run): no chart to draw.", results_path.display()),
        }
        return Ok(crate::EXIT_OK);
    }
    let results = Results::read(results_path)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut files = render(&results, &dir)?;
    let copy = dir.join("results.json");
    if !copy.exists() || !same_file(&copy, results_path) {
        // Copied byte for byte: the directory is then a complete run directory.
        crate::report::write_atomic(&copy, &std::fs::read(results_path)?)?;
        files.insert(0, copy);
    }
    for f in &files {
        println!("{}", f.display());
    }
    eprintln!("Redrew {} files from {} (nothing was run).", files.len(), results_path.display());
    Ok(crate::EXIT_OK)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_it_must() {
        assert_eq!(csv_field("rope"), "rope");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
