//! The CLI contract: exit codes, error messages, results JSON (DESIGN.md section 6), on small
//! hand-made trace directories so the tests run in seconds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crdt-bench"))
}

/// A traces directory with one sequential trace `tiny` (and its given endContent).
fn trace_dir(tag: &str, end_content: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("crdt-bench-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("sequential")).unwrap();
    std::fs::create_dir_all(root.join("concurrent")).unwrap();
    let json = format!(
        r#"{{"startContent":"","endContent":{},"txns":[
            {{"patches":[[0,0,"hello"]]}},{{"patches":[[5,0," wörld"]]}},{{"patches":[[0,1,"H"],[11,0,"!"]]}}]}}"#,
        serde_json::to_string(end_content).unwrap()
    );
    write_gz(&root.join("sequential/tiny.json.gz"), &json);
    let conc = r#"{"kind":"concurrent","endContent":"a","numAgents":1,"txns":[{"parents":[],"numChildren":0,"agent":0,"patches":[[0,0,"a"]]}]}"#;
    write_gz(&root.join("concurrent/conc.json.gz"), conc);
    root
}

fn write_gz(path: &Path, json: &str) {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(json.as_bytes()).unwrap();
    std::fs::write(path, enc.finish().unwrap()).unwrap();
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output { status, stdout, stderr } = cmd.output().unwrap();
    (status.code().unwrap_or(-1), String::from_utf8_lossy(&stdout).into(), String::from_utf8_lossy(&stderr).into())
}

const FAST: &[&str] = &["--budget", "0.01", "--rounds", "2", "--min-samples", "3", "--no-progress"];

#[test]
fn compare_writes_a_results_file_that_follows_the_contract() {
    let dir = trace_dir("ok", "Hello wörld!");
    let out = dir.join("out");
    let json = dir.join("results.json");
    let (code, stdout, stderr) = run(bin()
        .args(["compare", "--traces", "tiny", "--subjects", "string,rope,diamond-types", "--traces-dir"])
        .arg(&dir)
        .args(FAST)
        .arg("--json")
        .arg(&json)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("tiny") && stdout.contains("one transaction per trace txn"), "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["schema"], "crdt-bench/results/v1");
    for key in ["cpu_model", "cores", "os"] {
        assert!(v["machine"].get(key).is_some(), "machine.{key}");
    }
    assert!(v["git"].get("commit").is_some() && v["git"].get("dirty").is_some());
    let cells = v["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 3);
    for c in cells {
        assert_eq!(c["status"], "ok", "{c}");
        assert_eq!(c["workload"], "local");
        assert_eq!(c["patches"], 4);
        let samples: Vec<f64> = c["samples_ns"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        assert!(samples.len() >= 3 && samples.iter().all(|&x| x > 0.0), "{c}");
        let mut s = samples.clone();
        s.sort_by(f64::total_cmp);
        let median = if s.len() % 2 == 1 { s[s.len() / 2] } else { (s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0 };
        assert!((c["median_ns"].as_f64().unwrap() - median).abs() < 1e-6, "{c}");
    }
    // Every cell got a separate, verified latency run: per-1000-patch blocks and quantiles.
    for c in cells {
        let l = &c["latency"];
        assert_eq!(l["block_end_patches"], serde_json::json!([4]), "{c}");
        assert_eq!(l["txns"], 3);
        assert_eq!(l["txn_quantiles_ns"].as_array().unwrap().last().unwrap()[0], 1.0);
    }
    assert!(v["crates"]["jumprope"].is_string(), "crate versions from Cargo.lock: {}", v["crates"]);

    // The run directory, and `latest` pointing at it.
    let run_dir = out.join("latest");
    for f in ["results.json", "results.csv", "tables.md", "comparison-tiny.png", "latency-tiny.svg", "latency-cdf-tiny.png"] {
        assert!(run_dir.join(f).is_file(), "{f} missing in the run directory");
    }
    let name = std::fs::read_link(&run_dir).unwrap();
    assert!(name.to_str().unwrap().contains(&v["machine"]["hostname"].as_str().unwrap().replace('.', "-")), "{name:?}");
    let md = std::fs::read_to_string(run_dir.join("tables.md")).unwrap();
    assert!(md.contains("| subject | tiny |") && md.contains("String (no CRDT)") && md.contains("Machine:"), "{md}");
    let csv = std::fs::read_to_string(run_dir.join("results.csv")).unwrap();
    let samples: usize = cells.iter().map(|c| c["samples_ns"].as_array().unwrap().len()).sum();
    assert_eq!(csv.lines().count(), 1 + samples, "one row per sample:\n{csv}");

    // `plot` redraws the same files byte for byte from the saved JSON, running nothing.
    let again = dir.join("again");
    let (code, _, stderr) = run(bin().arg("plot").arg(run_dir.join("results.json")).arg("--out").arg(&again));
    assert_eq!(code, 0, "{stderr}");
    assert_same_files(&run_dir, &again);

    // `tables` re-renders the same tables from the saved file without running anything.
    let (code, stdout2, _) = run(bin().arg("tables").arg(&json));
    assert_eq!(code, 0);
    assert!(stdout2.contains("Median time, ms"), "{stdout2}");
}

#[test]
fn a_wrong_result_is_reported_failed_with_exit_code_1_never_as_a_time() {
    // Same length as the real result, different text: loads fine, fails verification.
    let dir = trace_dir("bad", "Hellö world!");
    let dir_ok = dir.clone();
    let json = dir.join("r.json");
    let (code, stdout, stderr) = run(bin()
        .args(["compare", "--traces", "tiny", "--subjects", "string,rope", "--traces-dir"])
        .arg(&dir_ok)
        .args(FAST)
        .arg("--json")
        .arg(&json)
        .arg("--out")
        .arg(dir.join("out")));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains("FAILED") && stdout.contains("first difference at char"), "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for c in v["cells"].as_array().unwrap() {
        assert_eq!(c["status"], "failed");
        assert!(c.get("median_ns").is_none() && c["samples_ns"].as_array().unwrap().is_empty(), "{c}");
    }
}

#[test]
fn bad_usage_and_bad_input_exit_2_with_a_clear_message() {
    let dir = trace_dir("usage", "Hello wörld!");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["compare", "--subjects", "nosuch"], "unknown subject \"nosuch\""),
        (vec!["compare", "--traces", "nosuch"], "no trace named \"nosuch\""),
        (vec!["compare", "--traces", "conc"], "Concurrent trace"),
        (vec!["compare", "--workload", "concurrent", "--traces", "tiny"], "Sequential trace"),
        (vec!["compare", "--workload", "sideways"], "unknown workload \"sideways\""),
        (vec!["compare", "--reference", "nosuch"], "unknown --reference"),
        (vec!["compare", "--granularity", "sometimes"], "invalid value"),
    ];
    for (args, needle) in cases {
        let (code, stdout, stderr) = run(bin().args(&args).arg("--traces-dir").arg(&dir).args(FAST));
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(needle), "{args:?}: stderr should contain {needle:?}: {stderr}");
    }
    // A traces directory that is not one.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let (code, _, stderr) = run(bin().args(["compare", "--traces-dir"]).arg(&empty));
    assert_eq!(code, 2);
    assert!(stderr.contains("no editing traces found") && stderr.contains("sequential/"), "{stderr}");
    // A corrupt trace file: an error naming the file, txn and patch.
    write_gz(
        &dir.join("sequential/broken.json.gz"),
        r#"{"startContent":"","endContent":"a","txns":[{"patches":[[0,0,"a"]]},{"patches":[[3,0,"b"]]}]}"#,
    );
    let (code, _, stderr) = run(bin().args(["compare", "--traces", "broken", "--traces-dir"]).arg(&dir).args(FAST));
    assert_eq!(code, 2);
    assert!(stderr.contains("broken.json.gz") && stderr.contains("txn 1, patch 0"), "{stderr}");
}

#[test]
fn traces_lists_statistics() {
    let dir = trace_dir("list", "Hello wörld!");
    let (code, stdout, stderr) = run(bin().args(["traces", "--traces-dir"]).arg(&dir));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("tiny") && stdout.contains("conc") && stdout.contains("sequential"), "{stdout}");
}

/// The real traces directory (CI has it beside the clone).
fn real_traces() -> PathBuf {
    traces::TraceDir::locate(None).unwrap_or_else(|e| panic!("this test needs the editing traces: {e}")).root
}

#[test]
fn ab_a_against_itself_gives_an_interval_containing_one() {
    let json = std::env::temp_dir().join(format!("crdt-bench-aa-{}.json", std::process::id()));
    // 99% rather than 95%: a correct 95% interval still misses 1.0 in one A/A run out of 20,
    // and a test must not fail that often by design.
    let (code, stdout, stderr) = run(bin()
        .args(["ab", "rope", "rope", "--traces", "sveltecomponent", "--budget", "1", "--min-pairs", "30"])
        .args(["--confidence", "0.99", "--no-progress", "--traces-dir"])
        .arg(real_traces())
        .arg("--out")
        .arg(std::env::temp_dir())
        .arg("--json")
        .arg(&json));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["schema"], "crdt-bench/ab/v1");
    let r = &v["results"][0];
    for key in ["a", "b", "trace", "ratio_median", "ci_low", "ci_high", "verdict", "pairs"] {
        assert!(r.get(key).is_some(), "missing {key}: {r}");
    }
    let (lo, hi) = (r["ci_low"].as_f64().unwrap(), r["ci_high"].as_f64().unwrap());
    assert!(lo <= 1.0 && 1.0 <= hi, "A/A interval [{lo}, {hi}] must contain 1.0:\n{stdout}");
    assert!(r["pairs"].as_u64().unwrap() >= 30);
    assert_ne!(r["verdict"], "faster");
    assert_ne!(r["verdict"], "slower");
    // `plot` redraws the paired-ratio chart from the ab file.
    let figures = std::env::temp_dir().join(format!("crdt-bench-aa-plot-{}", std::process::id()));
    let (code, stdout, stderr) = run(bin().arg("plot").arg(&json).arg("--out").arg(&figures));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    for ext in ["svg", "png"] {
        assert!(figures.join(format!("ab-rope-vs-rope.{ext}")).exists(), "{stdout}\n{stderr}");
    }
}

#[test]
fn ab_detects_a_real_difference() {
    // The buffered rope is 1.3-1.5x faster than the plain one on every trace here.
    let (code, stdout, stderr) = run(bin()
        .args(["ab", "rope", "rope-buf", "--traces", "sveltecomponent", "--budget", "0.5", "--min-pairs", "20", "--no-progress"])
        .arg("--traces-dir")
        .arg(real_traces())
        .arg("--out")
        .arg(std::env::temp_dir()));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("rope-buf is") && stdout.contains("faster than rope"), "{stdout}");
}

#[test]
fn instruction_counts_repeat_exactly() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        panic!("this test needs valgrind (apt-get install valgrind); .ci/run installs it");
    }
    let count = || {
        let json = std::env::temp_dir().join(format!("crdt-bench-ins-{}-{:?}.json", std::process::id(), std::thread::current().id()));
        let (code, stdout, stderr) = run(bin()
            .args(["ab", "rope", "string", "--traces", "sveltecomponent", "--budget", "0.01", "--min-pairs", "2"])
            .args(["--instructions", "--no-progress", "--traces-dir"])
            .arg(real_traces())
            .arg("--out")
            .arg(std::env::temp_dir())
            .arg("--json")
            .arg(&json));
        assert_eq!(code, 0, "{stdout}\n{stderr}");
        assert!(!stderr.contains("not deterministic"), "{stderr}");
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let r = &v["results"][0];
        (r["instructions_a"].as_u64().unwrap(), r["instructions_b"].as_u64().unwrap())
    };
    let first = count();
    assert!(first.0 > 1_000_000 && first.1 > 1_000_000, "{first:?}");
    assert_eq!(first, count(), "same binary, subject and trace: same instruction counts");
}

#[test]
fn ab_usage_errors_exit_2() {
    for (args, needle) in [
        (vec!["ab", "rope"], "two subjects"),
        (vec!["ab", "rope", "nosuch"], "unknown subject"),
        (vec!["ab", "--baseline", "never-saved-xyz", "rope"], "no baseline"),
        (vec!["ab", "--baseline", "../x", "rope"], "must be letters"),
        (vec!["ab", "rope", "string", "--confidence", "2"], "--confidence"),
    ] {
        let (code, stdout, stderr) = run(bin().args(&args));
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn baseline_round_trip_across_runs() {
    let dir = trace_dir("baseline", "Hello wörld!");
    let name = format!("test-{}", std::process::id());
    let (code, _, stderr) = run(bin()
        .args(["compare", "--traces", "tiny", "--subjects", "string,rope", "--traces-dir"])
        .arg(&dir)
        .args(FAST)
        .args(["--save-baseline", &name, "--out"])
        .arg(dir.join("out")));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("Saved baseline"), "{stderr}");
    let (code, stdout, stderr) =
        run(bin().args(["ab", "--baseline", &name, "rope", "--no-progress", "--traces-dir"]).arg(&dir).arg("--out").arg(dir.join("out")));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stderr.contains("only as good as this machine's stability"), "{stderr}");
    assert!(stdout.contains(&format!("{name}:rope")), "{stdout}");
}

/// Every file in `a` exists in `b` with the same bytes, and the other way round.
fn assert_same_files(a: &Path, b: &Path) {
    let names = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
        v.sort();
        v
    };
    assert_eq!(names(a), names(b));
    for n in names(a) {
        assert!(std::fs::read(a.join(&n)).unwrap() == std::fs::read(b.join(&n)).unwrap(), "{n:?} differs");
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/results-small.json")
}

/// The text of every `<text>` element of an SVG, which must parse as XML.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: not XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).map(|t| t.trim().to_owned()).collect()
}

#[test]
fn plot_draws_every_chart_of_a_hand_made_results_file() {
    let out = std::env::temp_dir().join(format!("crdt-bench-plot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let (code, stdout, stderr) = run(bin().arg("plot").arg(fixture()).arg("--out").arg(&out));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let titles = [
        ("comparison-rustcode", "rustcode: time to replay 36,981 patches (lower is better)"),
        ("comparison-sveltecomponent", "sveltecomponent: time to replay 18,335 patches (lower is better)"),
        ("progress", "Optimization log: each engine step's speedup vs diamond-types (log scale)"),
        ("latency-rustcode", "rustcode: time per patch as the document grows (log scale)"),
        ("latency-cdf-rustcode", "rustcode: per-edit latency distribution (40,173 txns)"),
    ];
    for (stem, title) in titles {
        let texts = svg_texts(&out.join(format!("{stem}.svg")));
        assert!(texts.iter().any(|t| t == title), "{stem}.svg has no title {title:?}: {texts:?}");
        assert!(texts.iter().any(|t| t.contains("Example CPU 3000") && t.contains("commit 012345678")), "{stem}: machine and commit");
        let png = std::fs::read(out.join(format!("{stem}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000, "{stem}.png: {} bytes", png.len());
        // IHDR: 800 px wide.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 800, "{stem}.png width");
    }
    // The CDF legend carries p50/p99/max; the failed cell is shown as failed, not as a time.
    let cdf = svg_texts(&out.join("latency-cdf-rustcode.svg"));
    assert!(cdf.iter().any(|t| t.starts_with("automerge: p50") && t.contains("max 22 ms")), "{cdf:?}");
    assert!(svg_texts(&out.join("comparison-rustcode.svg")).iter().any(|t| t == "FAILED verification"));
    let md = std::fs::read_to_string(out.join("tables.md")).unwrap();
    assert!(md.contains("| subject | sveltecomponent | rustcode |") && md.contains("Median ns per patch"), "{md}");
}

#[test]
fn plot_reads_a_file_without_the_newer_sections() {
    // A results file from before latency runs, crate versions and step records.
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(fixture()).unwrap()).unwrap();
    let obj = v.as_object_mut().unwrap();
    obj.remove("crates");
    obj.remove("steps");
    for c in obj["cells"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("latency");
    }
    let dir = std::env::temp_dir().join(format!("crdt-bench-plot-old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("results.json"), serde_json::to_string(&v).unwrap()).unwrap();
    let (code, stdout, stderr) = run(bin().arg("plot").arg(dir.join("results.json")));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(dir.join("comparison-rustcode.png").is_file());
    assert!(!dir.join("latency-rustcode.png").exists() && !dir.join("progress.png").exists());
}

#[test]
fn plot_rejects_a_results_file_of_another_schema() {
    let dir = std::env::temp_dir().join(format!("crdt-bench-plot-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("other.json");
    std::fs::write(&path, r#"{"schema":"crdt-bench/other/v9","results":[]}"#).unwrap();
    let (code, stdout, stderr) = run(bin().arg("plot").arg(&path));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("schema is Some(\"crdt-bench/other/v9\")") && stderr.contains("this tool reads \"crdt-bench/results/v1\""),
        "{stderr}"
    );
    assert!(!dir.join("results.csv").exists(), "nothing is written for a rejected file");
    // An ab file is read as one (its chart is redrawn), and a broken one says what is wrong.
    let ab = dir.join("ab.json");
    std::fs::write(&ab, r#"{"schema":"crdt-bench/ab/v1","results":[]}"#).unwrap();
    let (code, stdout, stderr) = run(bin().arg("plot").arg(&ab));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("not a valid crdt-bench/ab/v1 file"), "{stderr}");
}

#[test]
fn log_prints_the_step_table_for_a_range_and_writes_the_log_document() {
    let dir = trace_dir("log", "Hello wörld!");
    let doc = dir.join("optimizations.md");
    let (code, stdout, stderr) = run(bin()
        .args(["log", "--traces", "tiny", "--steps", "s07..s09", "--traces-dir"])
        .arg(&dir)
        .args(FAST)
        .arg("--out")
        .arg(dir.join("out"))
        .arg("--write-log")
        .arg(&doc));
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("| No. | step | flags added | idea | step speedup (95% CI) | time vs diamond-types | result |"), "{stdout}");
    // The range, plus the predecessor of its first step (s07 builds on s05).
    for step in ["s05-fenwick", "s07-cursor-cache", "s08-btree", "s09-btree-leaf-32"] {
        assert!(stdout.contains(&format!("`{step}`")), "{step} missing:\n{stdout}");
    }
    assert!(!stdout.contains("`s06-prefix-sums`"), "{stdout}");
    assert!(stdout.contains("+cursor-cache"), "{stdout}");
    let row = stdout.lines().find(|l| l.contains("| `s08-btree` |") && l.starts_with("| 8 |")).expect("s08 row");
    assert!(["faster", "parity", "slower"].iter().any(|r| row.ends_with(&format!("| {r} |"))), "{row}");
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(text.contains("### 8. `s08-btree`") && text.contains("**Where it lives:**"), "{text}");

    let (code, _, stderr) = run(bin().args(["log", "--steps", "s99..s07", "--traces-dir"]).arg(&dir).args(FAST));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no step \"s99\"") && stderr.contains("s00-naive-vec"), "{stderr}");
    let (code, _, stderr) = run(bin().args(["log", "--steps", "s08..s07", "--traces-dir"]).arg(&dir).args(FAST));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("comes after"), "{stderr}");
}

#[test]
fn workload_all_verifies_every_crdt_and_reports_sizes_memory_and_unsupported_reasons() {
    let dir = trace_dir("workloads", "Hello wörld!");
    let out = dir.join("out");
    let json = dir.join("results.json");
    let subjects = "engine,diamond-types,cola,loro,automerge,yrs,string";
    let (code, stdout, stderr) = run(bin()
        .args(["compare", "--workload", "all", "--traces", "tiny", "--subjects", subjects, "--traces-dir"])
        .arg(&dir)
        .args(FAST)
        .arg("--json")
        .arg(&json)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    for needle in ["Workload `remote`", "Workload `load`", "Workload `memory`", "Workload `concurrent`", "Encoded size", "Summary across workloads"] {
        assert!(stdout.contains(needle), "{needle} missing:\n{stdout}");
    }
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["settings"]["workload"], "all");
    let cells = v["cells"].as_array().unwrap();
    // 4 workloads on the sequential trace, and `concurrent` on the directory's concurrent one.
    assert_eq!(cells.len(), 7 * 5);
    for c in cells {
        let (subject, workload) = (c["subject"].as_str().unwrap(), c["workload"].as_str().unwrap());
        let what = format!("{subject} {workload}: {c}");
        match (subject, workload) {
            (_, "local") => {
                assert_eq!(c["status"], "ok", "{what}");
                assert!(c.get("bytes").is_none() && c.get("peak_bytes").is_none(), "{what}");
            }
            ("string" | "cola", "concurrent") => {
                assert_eq!(c["status"], "unsupported", "{what}");
                assert!(!c["message"].as_str().unwrap().is_empty(), "{what}");
            }
            (_, "concurrent") => {
                assert_eq!(c["status"], "ok", "{what}");
                assert_eq!(c["trace"], "conc", "{what}");
                assert!(c["strategy"].as_str().unwrap().contains("fork per txn"), "{what}");
            }
            ("string", "remote" | "load") => {
                assert_eq!(c["status"], "unsupported", "{what}");
                assert!(c["message"].as_str().unwrap().contains("no CRDT"), "{what}");
                assert!(c.get("median_ns").is_none() && c.get("bytes").is_none(), "{what}");
            }
            (_, "remote" | "load") => {
                assert_eq!(c["status"], "ok", "{what}");
                assert!(c["bytes"].as_u64().unwrap() > 0, "{what}");
                assert!(c["samples_ns"].as_array().unwrap().len() >= 3, "{what}");
                assert!(c["median_ns"].as_f64().unwrap() > 0.0, "{what}");
                assert!(!c["format"].as_str().unwrap().is_empty(), "{what}");
            }
            (_, "memory") => {
                assert_eq!(c["status"], "ok", "{what}");
                let (retained, peak) = (c["bytes"].as_u64().unwrap(), c["peak_bytes"].as_u64().unwrap());
                assert!(retained > 0 && peak >= retained, "{what}");
            }
            _ => panic!("unexpected cell {what}"),
        }
    }
    let run_dir = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.') && !p.is_symlink())
        .unwrap();
    let tables = std::fs::read_to_string(run_dir.join("tables.md")).unwrap();
    assert!(tables.contains("Workload `memory`") && tables.contains("Peak heap bytes"), "{tables}");
    // The memory chart, and the local charts from the local cells.
    for chart in ["memory-tiny.svg", "memory-tiny.png", "comparison-tiny.svg"] {
        assert!(run_dir.join(chart).exists(), "{chart} missing in {}", run_dir.display());
    }
    let svg = std::fs::read_to_string(run_dir.join("memory-tiny.svg")).unwrap();
    roxmltree::Document::parse(&svg).expect("the memory chart is valid SVG");
}

#[test]
fn a_failed_import_is_reported_failed_never_as_a_time() {
    // Same length as the real result, different text: every imported replica fails verification.
    let dir = trace_dir("remote-wrong", "Hellö world!");
    let (code, stdout, stderr) = run(bin()
        .args(["compare", "--workload", "remote", "--traces", "tiny", "--subjects", "engine,loro", "--traces-dir"])
        .arg(&dir)
        .args(FAST)
        .arg("--out")
        .arg(dir.join("out")));
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("FAILED"), "{stdout}");
}

#[test]
fn a_closed_stdout_ends_the_listing_quietly() {
    // `crdt-bench subjects | head`: the reader goes away. The read end is closed before the
    // binary has started printing, so its first line meets a broken pipe.
    let mut child = bin()
        .arg("subjects")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "a closed stdout made it panic:\n{stderr}");
    // 141 (128 + SIGPIPE) when the pipe was closed in time, 0 if it had printed everything.
    assert!(matches!(out.status.code(), Some(0) | Some(141)), "exit {:?}, stderr:\n{stderr}", out.status.code());
}
