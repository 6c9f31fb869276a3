//! Finding a traces directory and the traces in it.
//!
//! A traces directory has the layout of the editing-traces data set as this project stores it:
//!
//! ```text
//! sequential/NAME.json.gz              -> trace "NAME"
//! sequential/ascii_only/NAME.json.gz   -> trace "ascii_only/NAME"
//! concurrent/NAME.json.gz              -> trace "NAME" (concurrent)
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::TraceError;
use crate::model::{ConcurrentTrace, SequentialTrace};

/// Environment variable naming a traces directory (checked after `--traces-dir`).
pub const ENV_TRACES_DIR: &str = "CRDT_BENCH_TRACES";

/// The four traces of the standard comparison table, in table order.
pub const STANDARD_TRACES: [&str; 4] = ["sveltecomponent", "rustcode", "seph-blog1", "automerge-paper"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    Sequential,
    Concurrent,
}

/// A trace file found in a directory, not yet loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceRef {
    pub name: String,
    pub kind: TraceKind,
    pub path: PathBuf,
}

/// How a directory was found, for messages ("traces from $CRDT_BENCH_TRACES = ...").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Located {
    Flag,
    Env,
    RepoData,
    Shared,
}

/// A directory that holds traces.
#[derive(Clone, Debug)]
pub struct TraceDir {
    pub root: PathBuf,
    pub located: Located,
}

/// No traces directory anywhere: says where it looked and why each place did not qualify.
#[derive(Debug)]
pub struct NotFound {
    pub looked: Vec<(PathBuf, String)>,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "no editing traces found. Looked in:")?;
        for (p, why) in &self.looked {
            writeln!(f, "  {}  ({why})", p.display())?;
        }
        write!(
            f,
            "Provide them with --traces-dir DIR or {ENV_TRACES_DIR}=DIR (a directory with sequential/ and \
             concurrent/ subdirectories of *.json.gz files), or run `crdt-bench traces fetch` on a \
             machine with internet access to download them into traces/data/."
        )
    }
}

impl std::error::Error for NotFound {}

/// The repository root, as compiled in. Used for the default locations.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Where `crdt-bench traces fetch` puts downloaded traces.
pub fn default_data_dir() -> PathBuf {
    repo_root().join("traces").join("data")
}

impl TraceDir {
    /// Finds traces: `flag` (from `--traces-dir`), then `$CRDT_BENCH_TRACES`, then
    /// `traces/data/` in the repo, then `../shared/traces/` beside the repo.
    /// An explicitly given directory (flag or env) that is not a traces directory is an error
    /// rather than a reason to fall through: the user asked for that one.
    pub fn locate(flag: Option<&Path>) -> Result<TraceDir, NotFound> {
        let mut looked = Vec::new();
        let env = std::env::var_os(ENV_TRACES_DIR).filter(|v| !v.is_empty()).map(PathBuf::from);
        let explicit = [(flag.map(Path::to_path_buf), Located::Flag, "--traces-dir"), (env, Located::Env, ENV_TRACES_DIR)];
        for (candidate, located, what) in explicit {
            if let Some(root) = candidate {
                return match check(&root) {
                    Ok(()) => Ok(TraceDir { root, located }),
                    Err(why) => Err(NotFound { looked: vec![(root, format!("given by {what}: {why}"))] }),
                };
            }
        }
        let repo = repo_root();
        let defaults = [
            (default_data_dir(), Located::RepoData),
            (repo.join("..").join("shared").join("traces"), Located::Shared),
        ];
        for (root, located) in defaults {
            match check(&root) {
                Ok(()) => return Ok(TraceDir { root, located }),
                Err(why) => looked.push((root, why)),
            }
        }
        Err(NotFound { looked })
    }

    /// Every trace in the directory, sequential first, each group sorted by name.
    pub fn list(&self) -> Vec<TraceRef> {
        let mut out = Vec::new();
        let groups = [
            (self.root.join("sequential"), "", TraceKind::Sequential),
            (self.root.join("sequential").join("ascii_only"), "ascii_only/", TraceKind::Sequential),
            (self.root.join("concurrent"), "", TraceKind::Concurrent),
        ];
        for (dir, prefix, kind) in groups {
            let mut here: Vec<TraceRef> = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| {
                    let path = e.path();
                    let file = path.file_name()?.to_str()?;
                    let stem = file.strip_suffix(".json.gz").or_else(|| file.strip_suffix(".json"))?;
                    Some(TraceRef { name: format!("{prefix}{stem}"), kind, path: path.clone() })
                })
                .collect();
            here.sort_by(|a, b| a.name.cmp(&b.name));
            out.extend(here);
        }
        out
    }

    /// Finds a trace by name (`sveltecomponent`, `ascii_only/rustcode`, `friendsforever`).
    pub fn find(&self, name: &str) -> Option<TraceRef> {
        self.list().into_iter().find(|t| t.name == name)
    }

    pub fn load_sequential(&self, name: &str) -> Result<SequentialTrace, LoadByNameError> {
        match self.find(name) {
            Some(t) if t.kind == TraceKind::Sequential => Ok(crate::load_sequential(&t.path, &t.name)?),
            Some(_) => Err(LoadByNameError::WrongKind { name: name.to_owned(), want: TraceKind::Sequential }),
            None => Err(self.unknown(name)),
        }
    }

    pub fn load_concurrent(&self, name: &str) -> Result<ConcurrentTrace, LoadByNameError> {
        match self.find(name) {
            Some(t) if t.kind == TraceKind::Concurrent => Ok(crate::load_concurrent(&t.path, &t.name)?),
            Some(_) => Err(LoadByNameError::WrongKind { name: name.to_owned(), want: TraceKind::Concurrent }),
            None => Err(self.unknown(name)),
        }
    }

    fn unknown(&self, name: &str) -> LoadByNameError {
        LoadByNameError::Unknown {
            name: name.to_owned(),
            root: self.root.clone(),
            available: self.list().into_iter().map(|t| t.name).collect(),
        }
    }
}

fn check(root: &Path) -> Result<(), String> {
    if !root.exists() {
        return Err("does not exist".into());
    }
    let seq = root.join("sequential");
    if !seq.is_dir() {
        return Err("has no sequential/ subdirectory".into());
    }
    let any = std::fs::read_dir(&seq)
        .map_err(|e| format!("cannot read sequential/: {e}"))?
        .flatten()
        .any(|e| e.file_name().to_string_lossy().ends_with(".json.gz"));
    if any {
        Ok(())
    } else {
        Err("sequential/ holds no *.json.gz files".into())
    }
}

/// Loading a trace by name failed.
#[derive(Debug)]
pub enum LoadByNameError {
    Unknown { name: String, root: PathBuf, available: Vec<String> },
    WrongKind { name: String, want: TraceKind },
    Bad(TraceError),
}

impl From<TraceError> for LoadByNameError {
    fn from(e: TraceError) -> Self {
        LoadByNameError::Bad(e)
    }
}

impl fmt::Display for LoadByNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadByNameError::Unknown { name, root, available } => write!(
                f,
                "no trace named \"{name}\" in {}; available: {}",
                root.display(),
                available.join(", ")
            ),
            LoadByNameError::WrongKind { name, want } => {
                write!(f, "trace \"{name}\" is not a {want:?} trace")
            }
            LoadByNameError::Bad(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LoadByNameError {}
