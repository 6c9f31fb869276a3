//! Where and from what a result came: machine, toolchain, commit. Written into every results
//! file, because absolute times mean nothing without them.

use std::process::Command;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Machine {
    pub cpu_model: String,
    pub cores: usize,
    pub memory_bytes: Option<u64>,
    pub os: String,
    pub hostname: String,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct GitInfo {
    /// Full commit hash, or "unknown" outside a git checkout.
    pub commit: String,
    /// Uncommitted changes to tracked files (the timed code may differ from the commit).
    pub dirty: bool,
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

impl Machine {
    pub fn detect() -> Machine {
        let cpuinfo = read("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split(':').nth(1))
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
        let memory_bytes = read("/proc/meminfo").and_then(|m| {
            let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        });
        let kernel = read("/proc/sys/kernel/osrelease").map(|s| s.trim().to_owned()).unwrap_or_default();
        let os = format!("{} {kernel}", std::env::consts::OS).trim().to_owned();
        let hostname = read("/proc/sys/kernel/hostname")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown-host".into());
        Machine {
            cpu_model,
            cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            memory_bytes,
            os,
            hostname,
        }
    }

    /// One line for table footers.
    pub fn one_line(&self) -> String {
        let mem = self.memory_bytes.map(|b| format!(", {:.0} GiB", b as f64 / (1u64 << 30) as f64)).unwrap_or_default();
        format!("{} ({} cores{mem}), {}", self.cpu_model, self.cores, self.os)
    }
}

impl GitInfo {
    pub fn detect() -> GitInfo {
        let root = traces::repo_root();
        let git = |args: &[&str]| {
            Command::new("git").arg("-C").arg(&root).args(args).output().ok().filter(|o| o.status.success())
        };
        let commit = git(&["rev-parse", "HEAD"])
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|o| !o.stdout.is_empty());
        GitInfo { commit, dirty }
    }

    pub fn short(&self) -> String {
        let c: String = self.commit.chars().take(9).collect();
        if self.dirty {
            format!("{c}-dirty")
        } else {
            c
        }
    }
}

/// `rustc -V` of the compiler that built this binary (captured by build.rs).
pub const RUSTC_VERSION: &str = env!("CRDT_BENCH_RUSTC_VERSION");

/// Versions of the subjects' crates in the Cargo.lock this binary was built with (by build.rs):
/// name -> version (versions joined by ", " if the lock has several).
pub fn crate_versions() -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::<String, String>::new();
    for (name, version) in env!("CRDT_BENCH_CRATE_VERSIONS").split_whitespace().filter_map(|nv| nv.split_once('@')) {
        out.entry(name.to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(version);
            })
            .or_insert_with(|| version.to_owned());
    }
    out
}

/// The build profile: timings from a debug build are not benchmarks.
pub fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug (debug assertions on: NOT representative)"
    } else {
        "release"
    }
}
