//! Reading and validating trace files.
//!
//! Files are parsed into `serde_json::Value` first and converted by hand, so that a shape error
//! can name the txn and patch it is in (serde's derive would only give a line and column).

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{TraceError, TraceErrorKind as K};
use crate::model::{ConcurrentTrace, ConcurrentTxn, Patch, SequentialTrace, Txn};

/// Reads a gzipped (or, if the name does not end in `.gz`, plain) JSON sequential trace.
pub fn load_sequential(path: &Path, name: &str) -> Result<SequentialTrace, TraceError> {
    let json = read_json(path)?;
    parse_sequential(path, name, &json)
}

/// Reads a gzipped (or plain) JSON concurrent trace.
pub fn load_concurrent(path: &Path, name: &str) -> Result<ConcurrentTrace, TraceError> {
    let json = read_json(path)?;
    parse_concurrent(path, name, &json)
}

/// The most bytes a trace may have, decompressed, unless [`ENV_MAX_TRACE_MIB`] says otherwise.
/// The largest real trace is 16 MB; a parsed `serde_json::Value` takes several times its text,
/// so a file of several hundred MB would exhaust memory. Refusing it up front, with the limit
/// named, beats being killed by the kernel half-way through a run.
pub const DEFAULT_MAX_TRACE_BYTES: u64 = 128 << 20;

/// Environment variable that raises (or lowers) [`DEFAULT_MAX_TRACE_BYTES`], in MiB.
pub const ENV_MAX_TRACE_MIB: &str = "CRDT_BENCH_MAX_TRACE_MIB";

fn max_trace_bytes() -> u64 {
    std::env::var(ENV_MAX_TRACE_MIB)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_MAX_TRACE_BYTES, |mib| mib.saturating_mul(1 << 20))
}

fn read_json(path: &Path) -> Result<Value, TraceError> {
    let limit = max_trace_bytes();
    let io = |e| TraceError::new(path, K::Io(e));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("it is a directory")));
    }
    if meta.len() == 0 {
        return Err(TraceError::new(path, K::Decode("the file is empty".into())));
    }
    let mut magic = [0u8; 2];
    let gzipped = file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
    if !gzipped && meta.len() > limit {
        return Err(TraceError::new(path, K::TooLarge { limit_bytes: limit }));
    }
    std::io::Seek::rewind(&mut file).map_err(io)?;
    // Read at most `limit + 1` bytes: one more than allowed proves the file too large without
    // reading (or inflating) the rest of it.
    let mut bytes = Vec::new();
    let read = if gzipped {
        flate2::read::GzDecoder::new(std::io::BufReader::new(file)).take(limit + 1).read_to_end(&mut bytes)
    } else {
        file.take(limit + 1).read_to_end(&mut bytes)
    };
    if let Err(e) = read {
        let what = if gzipped { "gzip" } else { "reading" };
        return Err(TraceError::new(
            path,
            K::Decode(format!("{what}: {e} after {} decompressed bytes (truncated or corrupt file?)", bytes.len())),
        ));
    }
    if bytes.len() as u64 > limit {
        return Err(TraceError::new(path, K::TooLarge { limit_bytes: limit }));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let place = if gzipped { "decompressed byte offset" } else { "byte offset" };
        TraceError::new(path, K::Decode(format!("not UTF-8 at {place} {at}")))
    })?;
    // serde_json rejects lone surrogates (`"\ud800"`) in strings, naming line and column.
    serde_json::from_str(&text).map_err(|e| TraceError::new(path, K::Decode(format!("JSON: {e}"))))
}

fn shape(path: &Path, msg: impl Into<String>) -> TraceError {
    TraceError::new(path, K::Shape(msg.into()))
}

fn object<'a>(path: &Path, v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, TraceError> {
    v.as_object().ok_or_else(|| shape(path, format!("{what} is not a JSON object")))
}

fn field<'a>(path: &Path, o: &'a Map<String, Value>, key: &str) -> Result<&'a Value, TraceError> {
    o.get(key).ok_or_else(|| shape(path, format!("missing field \"{key}\"")))
}

fn string(path: &Path, v: &Value, what: &str) -> Result<String, TraceError> {
    v.as_str().map(str::to_owned).ok_or_else(|| shape(path, format!("{what} is not a string")))
}

fn count(path: &Path, v: &Value, what: &str) -> Result<usize, TraceError> {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| shape(path, format!("{what} is not a non-negative integer")))
}

fn array<'a>(path: &Path, v: &'a Value, what: &str) -> Result<&'a Vec<Value>, TraceError> {
    v.as_array().ok_or_else(|| shape(path, format!("{what} is not an array")))
}

/// Converts a `[pos, del, ins]` array. Shape only; range checks are the caller's.
fn patch(path: &Path, v: &Value, txn: usize, i: usize) -> Result<Patch, TraceError> {
    let err = |e: TraceError| e.at(txn, Some(i));
    let a = array(path, v, "patch").map_err(err)?;
    if a.len() != 3 {
        return Err(err(shape(path, format!("patch has {} elements, want [pos, del, ins]", a.len()))));
    }
    let p = Patch {
        pos_chars: count(path, &a[0], "pos").map_err(err)?,
        del_chars: count(path, &a[1], "del").map_err(err)?,
        ins: string(path, &a[2], "ins").map_err(err)?,
    };
    if p.del_chars == 0 && p.ins.is_empty() {
        return Err(err(TraceError::new(path, K::EmptyPatch)));
    }
    Ok(p)
}

fn patches(path: &Path, txn_obj: &Map<String, Value>, txn: usize) -> Result<Vec<Patch>, TraceError> {
    let ps = array(path, field(path, txn_obj, "patches").map_err(|e| e.at(txn, None))?, "patches")
        .map_err(|e| e.at(txn, None))?;
    ps.iter().enumerate().map(|(i, v)| patch(path, v, txn, i)).collect()
}

/// Applies the length effect of `p` to a document of `len_chars`, or says why it cannot apply.
fn apply_len(path: &Path, len_chars: usize, p: &Patch, txn: usize, i: usize) -> Result<usize, TraceError> {
    if p.pos_chars.checked_add(p.del_chars).is_none_or(|end| end > len_chars) {
        return Err(TraceError::new(
            path,
            K::OutOfRange { pos_chars: p.pos_chars, del_chars: p.del_chars, doc_len_chars: len_chars },
        )
        .at(txn, Some(i)));
    }
    Ok(len_chars - p.del_chars + p.ins_chars())
}

/// Converts and validates an already-parsed sequential trace. `path` is only used in errors.
pub fn parse_sequential(path: &Path, name: &str, json: &Value) -> Result<SequentialTrace, TraceError> {
    let root = object(path, json, "the trace")?;
    if root.get("kind").and_then(Value::as_str) == Some("concurrent") {
        return Err(shape(path, "this is a concurrent trace; load it with load_concurrent"));
    }
    let start_content = match root.get("startContent") {
        Some(v) => string(path, v, "startContent")?,
        None => String::new(),
    };
    let end_content = string(path, field(path, root, "endContent")?, "endContent")?;
    let raw_txns = array(path, field(path, root, "txns")?, "txns")?;
    if raw_txns.is_empty() {
        return Err(TraceError::new(path, K::NoTxns));
    }
    let mut txns = Vec::with_capacity(raw_txns.len());
    let mut len_chars = start_content.chars().count();
    for (t, v) in raw_txns.iter().enumerate() {
        let o = object(path, v, "txn").map_err(|e| e.at(t, None))?;
        let ps = patches(path, o, t)?;
        for (i, p) in ps.iter().enumerate() {
            len_chars = apply_len(path, len_chars, p, t, i)?;
        }
        txns.push(Txn { patches: ps });
    }
    let end_content_chars = end_content.chars().count();
    if len_chars != end_content_chars {
        return Err(TraceError::new(path, K::EndLengthMismatch { replayed_chars: len_chars, end_content_chars }));
    }
    // Lengths agree; the text itself must too, or every subject would "fail verification" on
    // what is really a broken file. One replay on a String (in range: checked above).
    let trace = SequentialTrace { name: name.to_owned(), start_content, end_content, txns };
    let replayed = crate::units::replay_on_string(&trace, |_, _, _| {});
    if replayed != trace.end_content {
        let at_char = replayed.chars().zip(trace.end_content.chars()).position(|(a, b)| a != b).unwrap_or(0);
        return Err(TraceError::new(path, K::EndContentMismatch { at_char }));
    }
    Ok(trace)
}

/// Converts and validates an already-parsed concurrent trace. Positions cannot be range-checked
/// without merging versions (that is a CRDT's job), so this checks the structure: parents point
/// backwards, agents are in range, `numChildren` is consistent, patches are non-empty.
pub fn parse_concurrent(path: &Path, name: &str, json: &Value) -> Result<ConcurrentTrace, TraceError> {
    let root = object(path, json, "the trace")?;
    if root.get("kind").and_then(Value::as_str) != Some("concurrent") {
        return Err(shape(path, "not a concurrent trace (no \"kind\": \"concurrent\")"));
    }
    let end_content = string(path, field(path, root, "endContent")?, "endContent")?;
    let num_agents = count(path, field(path, root, "numAgents")?, "numAgents")?;
    let raw_txns = array(path, field(path, root, "txns")?, "txns")?;
    if raw_txns.is_empty() {
        return Err(TraceError::new(path, K::NoTxns));
    }
    let mut txns: Vec<ConcurrentTxn> = Vec::with_capacity(raw_txns.len());
    for (t, v) in raw_txns.iter().enumerate() {
        let at = |e: TraceError| e.at(t, None);
        let o = object(path, v, "txn").map_err(at)?;
        let parents = array(path, field(path, o, "parents").map_err(at)?, "parents")
            .map_err(at)?
            .iter()
            .map(|p| count(path, p, "parent"))
            .collect::<Result<Vec<_>, _>>()
            .map_err(at)?;
        if let Some(&parent) = parents.iter().find(|&&p| p >= t) {
            return Err(at(TraceError::new(path, K::ParentNotBefore { parent })));
        }
        let agent = count(path, field(path, o, "agent").map_err(at)?, "agent").map_err(at)?;
        if agent >= num_agents {
            return Err(at(TraceError::new(path, K::BadAgent { agent, num_agents })));
        }
        let num_children = count(path, field(path, o, "numChildren").map_err(at)?, "numChildren").map_err(at)?;
        let patches = patches(path, o, t)?;
        txns.push(ConcurrentTxn { parents, num_children, agent, patches });
    }
    let mut children = vec![0usize; txns.len()];
    for t in &txns {
        for &p in &t.parents {
            children[p] += 1;
        }
    }
    for (i, (t, &actual)) in txns.iter().zip(&children).enumerate() {
        if t.num_children != actual {
            return Err(TraceError::new(path, K::ChildCountMismatch { declared: t.num_children, actual }).at(i, None));
        }
    }
    Ok(ConcurrentTrace { name: name.to_owned(), end_content, num_agents, txns })
}
