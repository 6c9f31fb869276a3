//! Downloading the editing traces at a pinned commit, checked against SHA-256 sums compiled in.
//!
//! Nothing is trusted from the network: each file is downloaded to a temporary name, its
//! SHA-256 compared with [`FILES`], and only then renamed into place. A file already present
//! with the right hash is not downloaded again.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The upstream commit of `josephg/editing-traces` whose files [`FILES`] pins.
pub const PINNED_COMMIT: &str = "762fa6c";

/// Default download base: upstream raw files at [`PINNED_COMMIT`]. Override with
/// `--from URL` or `$CRDT_BENCH_TRACES_URL` (e.g. a mirror, or a local server in tests).
pub const DEFAULT_BASE_URL: &str = "https://raw.githubusercontent.com/josephg/editing-traces/762fa6c/";

/// Environment variable overriding [`DEFAULT_BASE_URL`].
pub const ENV_BASE_URL: &str = "CRDT_BENCH_TRACES_URL";

/// One file to fetch: where it lives upstream, where it goes locally, and its SHA-256.
#[derive(Clone, Copy, Debug)]
pub struct TraceFile {
    pub upstream_path: &'static str,
    pub local_path: &'static str,
    pub sha256: &'static str,
}

macro_rules! files {
    ($( $up:literal => $local:literal, $sha:literal; )*) => {
        &[ $( TraceFile { upstream_path: $up, local_path: $local, sha256: $sha }, )* ]
    };
}

/// Every file of the data set at [`PINNED_COMMIT`].
pub const FILES: &[TraceFile] = files! {
    "sequential_traces/automerge-paper.json.gz" => "sequential/automerge-paper.json.gz", "42c0ff1720c0cad77077e190e36135c9cab9f7bbc266351c0a7fe4981c6a1546";
    "sequential_traces/clownschool_flat.json.gz" => "sequential/clownschool_flat.json.gz", "b433734c2b372651ca3254245d998de4a17d5c16594c9715bd09fa448ac86946";
    "sequential_traces/friendsforever_flat.json.gz" => "sequential/friendsforever_flat.json.gz", "a385143a43b59eb9a0fcc9f5a0807f39c070db8cde8f2885a43d0225b3732f46";
    "sequential_traces/json-crdt-blog-post.json.gz" => "sequential/json-crdt-blog-post.json.gz", "30d0c2f2f4c37cb61a27c940eda73fe2767405092da270185c5ddd9c409e716d";
    "sequential_traces/json-crdt-patch.json.gz" => "sequential/json-crdt-patch.json.gz", "c7e60bdeacd8fd3a560f34f3d306ec88d4976e6a3cc6820ecb88f5c1017dca5a";
    "sequential_traces/rustcode.json.gz" => "sequential/rustcode.json.gz", "a13d472b5641dcad18d52882eff8c2d68ecbc27aa0f1e5a17eeb42f0f3130f38";
    "sequential_traces/seph-blog1.json.gz" => "sequential/seph-blog1.json.gz", "43b5d326ca8c9094cd94e28ab66cd2f3073ce2893db959a0388c53f0aed8156d";
    "sequential_traces/sveltecomponent.json.gz" => "sequential/sveltecomponent.json.gz", "0393353a1ff0281f4a2adad080b0843bffa7988f9a4869ed04faf0984f78a234";
    "sequential_traces/ascii_only/automerge-paper.json.gz" => "sequential/ascii_only/automerge-paper.json.gz", "42c0ff1720c0cad77077e190e36135c9cab9f7bbc266351c0a7fe4981c6a1546";
    "sequential_traces/ascii_only/clownschool_flat.json.gz" => "sequential/ascii_only/clownschool_flat.json.gz", "b433734c2b372651ca3254245d998de4a17d5c16594c9715bd09fa448ac86946";
    "sequential_traces/ascii_only/friendsforever_flat.json.gz" => "sequential/ascii_only/friendsforever_flat.json.gz", "a385143a43b59eb9a0fcc9f5a0807f39c070db8cde8f2885a43d0225b3732f46";
    "sequential_traces/ascii_only/json-crdt-blog-post.json.gz" => "sequential/ascii_only/json-crdt-blog-post.json.gz", "4a376baaa596a587cbee471599115a2ae517392e5d71679738823e33f889b071";
    "sequential_traces/ascii_only/json-crdt-patch.json.gz" => "sequential/ascii_only/json-crdt-patch.json.gz", "0f3f468b7cafc7448f03ac7cb42db813163729006b49e4da059cda29576b2baa";
    "sequential_traces/ascii_only/rustcode.json.gz" => "sequential/ascii_only/rustcode.json.gz", "8c437698b099d9dcb322165026e02761495a80fec04adf783afac61b08be5e85";
    "sequential_traces/ascii_only/seph-blog1.json.gz" => "sequential/ascii_only/seph-blog1.json.gz", "3a9967515e1dce748103b623512629f7d25a9a8bd362e465b9520aec750c536f";
    "sequential_traces/ascii_only/sveltecomponent.json.gz" => "sequential/ascii_only/sveltecomponent.json.gz", "0393353a1ff0281f4a2adad080b0843bffa7988f9a4869ed04faf0984f78a234";
    "concurrent_traces/clownschool.json.gz" => "concurrent/clownschool.json.gz", "b53866c8ab53233755a7b6ad60698a66cad041607e95c07056b036f464240b94";
    "concurrent_traces/friendsforever.json.gz" => "concurrent/friendsforever.json.gz", "c80f9ee71bb2f063d58d1db8513d60145f0f7e209f6c72c8600b22eee73a2769";
};

/// The base URL to use: `$CRDT_BENCH_TRACES_URL` if set, else [`DEFAULT_BASE_URL`].
pub fn base_url_from_env() -> String {
    std::env::var(ENV_BASE_URL).ok().filter(|s| !s.is_empty()).unwrap_or_else(|| DEFAULT_BASE_URL.to_owned())
}

#[derive(Debug)]
pub enum FetchError {
    /// The server could not be reached or answered with an error.
    Http { url: String, message: String },
    /// The bytes arrived but are not the pinned file.
    Checksum { url: String, want: String, got: String },
    Io { path: PathBuf, error: std::io::Error },
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Http { url, message } => write!(f, "downloading {url} failed: {message}"),
            FetchError::Checksum { url, want, got } => {
                write!(f, "{url}: SHA-256 mismatch (want {want}, got {got}); the file was not kept")
            }
            FetchError::Io { path, error } => write!(f, "writing {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for FetchError {}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchOutcome {
    AlreadyPresent,
    Downloaded,
}

/// Downloads every file of [`FILES`] from `base_url` into `dest`, verifying each.
/// `on_file` is called before each file (for progress output). Stops at the first error.
pub fn fetch_all(
    base_url: &str,
    dest: &Path,
    mut on_file: impl FnMut(&TraceFile, usize, usize),
) -> Result<Vec<(TraceFile, FetchOutcome)>, FetchError> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(120))
        .build();
    let mut out = Vec::with_capacity(FILES.len());
    for (i, file) in FILES.iter().enumerate() {
        on_file(file, i, FILES.len());
        out.push((*file, fetch_one(&agent, base_url, dest, file)?));
    }
    Ok(out)
}

fn fetch_one(agent: &ureq::Agent, base_url: &str, dest: &Path, file: &TraceFile) -> Result<FetchOutcome, FetchError> {
    let target = dest.join(file.local_path);
    if let Ok(existing) = std::fs::read(&target) {
        if sha256_hex(&existing) == file.sha256 {
            return Ok(FetchOutcome::AlreadyPresent);
        }
    }
    let url = format!("{}/{}", base_url.trim_end_matches('/'), file.upstream_path);
    let http = |message: String| FetchError::Http { url: url.clone(), message };
    let response = agent.get(&url).call().map_err(|e| http(e.to_string()))?;
    let mut bytes = Vec::new();
    response
        .into_reader()
        .take(64 << 20) // no trace file is near 64 MiB; a larger answer is not a trace
        .read_to_end(&mut bytes)
        .map_err(|e| http(e.to_string()))?;
    let got = sha256_hex(&bytes);
    if got != file.sha256 {
        return Err(FetchError::Checksum { url, want: file.sha256.to_owned(), got });
    }
    let io = |path: &Path, error| FetchError::Io { path: path.to_owned(), error };
    let parent = target.parent().expect("local_path has a directory");
    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    let tmp = target.with_extension("gz.part");
    std::fs::write(&tmp, &bytes).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &target).map_err(|e| io(&target, e))?;
    Ok(FetchOutcome::Downloaded)
}
