//! Resolving `--subjects` and `--traces` into registry entries and trace files, with errors
//! that list what is available.

use adapters::Entry;
use anyhow::bail;
use traces::{TraceDir, TraceKind, TraceRef};

/// The subjects `compare` runs when `--subjects` is not given: every library, every lower
/// bound, and `engine` (the best step). Individual steps are `crdt-bench log`'s business.
pub fn default_subjects(registry: &[Entry]) -> Vec<Entry> {
    registry.iter().filter(|e| !e.info.name.starts_with("engine/")).cloned().collect()
}

/// Parses a comma-separated subject list. `all` means every registered subject.
pub fn subjects(arg: Option<&str>, registry: &[Entry]) -> anyhow::Result<Vec<Entry>> {
    let Some(arg) = arg else { return Ok(default_subjects(registry)) };
    if arg == "all" {
        return Ok(registry.to_vec());
    }
    let mut out: Vec<Entry> = Vec::new();
    for name in arg.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match registry.iter().find(|e| e.info.name == name) {
            Some(e) if !out.iter().any(|o| o.info.name == name) => out.push(e.clone()),
            Some(_) => {}
            None => bail!(
                "unknown subject \"{name}\". Available: {}",
                registry.iter().map(|e| e.info.name).collect::<Vec<_>>().join(", ")
            ),
        }
    }
    if out.is_empty() {
        bail!("--subjects names no subject");
    }
    Ok(out)
}

/// Parses a comma-separated trace list (default: the four standard traces) and checks each is
/// a trace of `kind` in `dir`.
pub fn traces(arg: Option<&str>, dir: &TraceDir, kind: TraceKind) -> anyhow::Result<Vec<TraceRef>> {
    let names: Vec<String> = match arg {
        Some(a) => a.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        None => traces::STANDARD_TRACES.iter().map(|s| s.to_string()).collect(),
    };
    if names.is_empty() {
        bail!("--traces names no trace");
    }
    let all = dir.list();
    let mut out = Vec::new();
    for name in names {
        match all.iter().find(|t| t.name == name) {
            Some(t) if t.kind == kind => out.push(t.clone()),
            Some(t) => bail!(
                "trace \"{name}\" is a {:?} trace; this workload replays {:?} traces",
                t.kind,
                kind
            ),
            None => bail!(
                "no trace named \"{name}\" in {}. Available: {}",
                dir.root.display(),
                all.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }
    }
    Ok(out)
}
