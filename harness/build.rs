//! Captures the compiler version and the subjects' crate versions (from Cargo.lock) so every
//! results file can say what built the binary and what exactly it timed.

/// Crates whose exact versions a result depends on: the libraries the adapters drive.
const TIMED_CRATES: &[&str] = &["diamond-types", "cola-crdt", "loro", "automerge", "yrs", "jumprope", "str_indices"];

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=CRDT_BENCH_RUSTC_VERSION={version}");

    // Cargo.lock is at the workspace root, one level up.
    let lock_path = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock_path.display());
    println!("cargo:rerun-if-changed=build.rs");
    let lock = std::fs::read_to_string(&lock_path).unwrap_or_default();
    println!("cargo:rustc-env=CRDT_BENCH_CRATE_VERSIONS={}", locked_versions(&lock).join(" "));
}

/// `name@version` for each of [`TIMED_CRATES`] in a Cargo.lock (every version, if several).
/// Cargo.lock lists each package as `[[package]]`, then `name = "..."`, then `version = "..."`.
fn locked_versions(lock: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut name: Option<&str> = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"'));
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            if TIMED_CRATES.contains(&n) {
                out.push(format!("{n}@{}", v.trim_matches('"')));
            }
        }
    }
    out
}
