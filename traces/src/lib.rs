//! Editing traces: load, validate, describe, find and fetch them.
//!
//! The traces are the public `josephg/editing-traces` data set (CC BY 4.0). Two formats:
//!
//! * **sequential** — one user's history: `{startContent, endContent, txns: [{time, patches}]}`;
//! * **concurrent** — several users typing at once:
//!   `{kind: "concurrent", endContent, numAgents, txns: [{parents, numChildren, agent, time, patches}]}`.
//!
//! A patch is `[pos, del, ins]`: at `pos` delete `del` characters, then insert `ins`. Positions
//! and lengths count **Unicode code points** (never bytes); this crate keeps them in that unit
//! (`pos_chars`, `del_chars`) and converts only in [`units`].
//!
//! Every loader validates what it reads: a bad file is a [`TraceError`] that names the file, the
//! txn and the patch, never a panic and never a silently wrong trace.
//!
//! ```no_run
//! let dir = traces::TraceDir::locate(None).unwrap();
//! let trace = dir.load_sequential("sveltecomponent").unwrap();
//! let stats = trace.stats();
//! println!("{} patches, final length {} chars", stats.patches, stats.end_len_chars);
//! ```

mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
mod find;
mod load;
mod model;
mod stats;
#[cfg(feature = "testing")]
pub mod testing;
pub mod units;

pub use error::{TraceError, TraceErrorKind};
pub use find::{default_data_dir, repo_root, LoadByNameError, Located, NotFound, TraceDir, TraceKind, TraceRef, ENV_TRACES_DIR, STANDARD_TRACES};
pub use load::{load_concurrent, load_sequential, parse_concurrent, parse_sequential, DEFAULT_MAX_TRACE_BYTES, ENV_MAX_TRACE_MIB};
pub use model::{ConcurrentTrace, ConcurrentTxn, Patch, SequentialTrace, Txn};
pub use stats::TraceStats;
