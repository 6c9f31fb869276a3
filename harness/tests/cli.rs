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
    assert!(out.join("compare.md").exists() && out.join("compare.json").exists());
    let md = std::fs::read_to_string(out.join("compare.md")).unwrap();
    assert!(md.contains("| subject | tiny |") && md.contains("no CRDT, lower bound"), "{md}");

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
        (vec!["compare", "--workload", "remote"], "not implemented yet"),
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
