//! One trait for every subject of a benchmark: third-party CRDT libraries, our engine's steps,
//! and no-CRDT lower bounds.
//!
//! * [`Subject`] is what an adapter implements: a fresh document, apply one transaction of
//!   patches, read the text back.
//! * [`replay_local`] is **the** local-replay loop. The CLI, the tests and the criterion benches
//!   all call it (through [`Entry::timed_local`]), so there is no second copy to drift; the
//!   latency run ([`Entry::latency_local`]) runs the same loop with an observer
//!   ([`replay_local_observed`]).
//! * [`registry`] lists every subject with its name, label, kind and position unit.
//!
//! This is the only crate whose normal dependencies include diamond-types, cola-crdt, loro,
//! automerge and yrs; each sits behind a cargo feature of the same name, all on by default.

mod broken;
pub mod concurrent;
mod lower_bounds;
mod registry;
mod subject;

#[cfg(feature = "automerge")]
mod automerge_adapter;
#[cfg(feature = "cola")]
mod cola_adapter;
#[cfg(feature = "diamond-types")]
mod diamond_adapter;
mod engine_adapter;
#[cfg(feature = "loro")]
mod loro_adapter;
#[cfg(feature = "yrs")]
mod yrs_adapter;

pub use broken::ENV_TEST_SUBJECTS;
pub use registry::{entry, registry, Codec, Entry, Kind, SubjectInfo, REFERENCE_DEFAULT};
pub use subject::{
    replay_local, replay_local_observed, Doc, Subject, Unsupported, WorkloadError, NO_MERGE, NO_STORAGE_FORMAT, NO_SYNC_FORMAT,
};
pub use traces::units::PosUnit;
pub use traces::{Patch, Txn};
