//! The `trace_loader` fuzz target's checks (`traces::testing::trace_loader`, what `fuzz/` runs
//! for hours) on a fixed set of seeded inputs, so that CI runs them too: small valid traces,
//! the same with one JSON value replaced, truncated or bit-flipped, each raw, gzipped and as
//! gzipped JSON text, through both loaders. And every input a fuzzer found a bug with.

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use traces::testing::trace_loader;

/// Mode bits of a `trace_loader` input (its first byte).
const GZIP: u8 = 1;
const CONCURRENT: u8 = 2;

const SEQUENTIAL: &[&str] = &[
    r#"{"startContent":"ab","endContent":"aXYé!","txns":[{"time":"t","patches":[[1,0,"X"],[2,0,"Y"]]},{"time":"t","patches":[[3,1,"é!"]]}]}"#,
    r#"{"endContent":"","txns":[]}"#,
    r#"{"startContent":"🙂🙂","endContent":"🙂","txns":[{"patches":[[1,1,""]]}]}"#,
];

const CONCURRENT_TRACES: &[&str] = &[
    r#"{"kind":"concurrent","endContent":"ab","numAgents":2,"txns":[{"parents":[],"numChildren":2,"agent":0,"patches":[[0,0,"a"]]},{"parents":[0],"numChildren":1,"agent":1,"patches":[[1,0,"b"]]},{"parents":[0,1],"numChildren":0,"agent":0,"patches":[[0,0,"c"],[0,1,""]]}]}"#,
    r#"{"kind":"concurrent","endContent":"","numAgents":1,"txns":[]}"#,
];

/// JSON values to put in place of another: wrong types, huge, negative, fractional numbers,
/// lone surrogates, nesting.
const VALUES: &[&str] = &[
    "null", "-1", "1.5", "1e300", "18446744073709551616", "18446744073709551615", "\"\\ud800\"",
    "\"x\"", "[]", "{}", "[[0,0,\"\"]]", "[[99,0,\"a\"]]", "[[0,99,\"\"]]", "[0]", "[[[[[]]]]]", "true",
];

/// Replaces one JSON scalar or bracket of `json` with a value from [`VALUES`].
fn replace_a_value(json: &str, rng: &mut SmallRng) -> String {
    let starts: Vec<usize> = json
        .char_indices()
        .filter(|&(i, c)| (c.is_ascii_digit() || "[{\"".contains(c)) && (i == 0 || b":,[".contains(&json.as_bytes()[i - 1])))
        .map(|(i, _)| i)
        .collect();
    let Some(&start) = starts.choose(rng) else { return json.to_owned() };
    // The value ends at the next ',' or ']' or '}' at its own depth (good enough for these
    // small traces: strings hold none of them).
    let mut depth = 0i32;
    let mut end = json.len();
    for (offset, c) in json[start..].char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' if depth == 0 => { end = start + offset; break; }
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => { end = start + offset; break; }
            _ => {}
        }
    }
    format!("{}{}{}", &json[..start], VALUES.choose(rng).unwrap(), &json[end..])
}

fn run(mode: u8, body: &[u8]) {
    let mut input = vec![mode];
    input.extend_from_slice(body);
    trace_loader(&input);
}

#[test]
fn trace_loader_on_seeded_inputs() {
    let mut rng = SmallRng::seed_from_u64(21);
    for (kind, traces) in [(0, SEQUENTIAL), (CONCURRENT, CONCURRENT_TRACES)] {
        for &trace in traces {
            // Valid traces, and the other loader's view of them.
            for mode in 0..4 {
                run(mode, trace.as_bytes());
            }
            for _ in 0..60 {
                let mut json = trace.to_owned();
                for _ in 0..rng.gen_range(1..3) {
                    json = replace_a_value(&json, &mut rng);
                }
                run(kind | GZIP, json.as_bytes());
                run(kind, json.as_bytes());
                let mut bytes = json.into_bytes();
                match rng.gen_range(0..3) {
                    0 => bytes.truncate(rng.gen_range(0..=bytes.len())),
                    1 => {
                        let at = rng.gen_range(0..bytes.len());
                        bytes[at] ^= 1 << rng.gen_range(0..8);
                    }
                    _ => bytes.insert(rng.gen_range(0..=bytes.len()), rng.gen()),
                }
                run(kind | GZIP, &bytes);
            }
            // A gzip stream cut short, and one with flipped bits.
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut gz, trace.as_bytes()).unwrap();
            let gz = gz.finish().unwrap();
            for len in [0, 1, 2, 10, gz.len() / 2, gz.len() - 4, gz.len() - 1] {
                run(kind, &gz[..len]);
            }
            for _ in 0..20 {
                let mut flipped = gz.clone();
                let at = rng.gen_range(0..flipped.len());
                flipped[at] ^= 1 << rng.gen_range(0..8);
                run(kind, &flipped);
            }
        }
    }
    for _ in 0..100 {
        let len = rng.gen_range(0..200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        trace_loader(&bytes);
    }
}
