//! The optimization log's registry: every step, in log order, with what it adds.
//!
//! Two views of one list, kept in the same order (a test checks that they agree):
//! - [`STEPS`]: the steps' [`StepInfo`], for the CLI, reports and `optimizations.md`;
//! - [`for_each_step!`](crate::for_each_step): the steps' types, for static dispatch in tests,
//!   adapters and benches.
//!
//! To add a step: write `steps/sNN_name.rs` (a store, or a wrapper, plus `impl Step`), then add
//! one line to `STEPS`, one to `for_each_step!` and, if it is the new best, change [`Best`].

use crate::steps::s00_naive_vec::S00NaiveVec;
use crate::TextCrdt;

/// What a step of the optimization log is and why it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepInfo {
    /// Stable name (`s00-naive-vec`), used by the CLI (`engine/<name>`) and in reports.
    pub name: &'static str,
    /// The step this one adds one idea to; `None` for step 0.
    pub predecessor: Option<&'static str>,
    /// The one idea it adds.
    pub idea: &'static str,
    /// Why the idea should make it faster (or smaller).
    pub why: &'static str,
    /// The invariant the idea adds (checked by the step's `assert_invariants`).
    pub invariant: &'static str,
    /// Traces this step is too slow to replay in tests (over a minute in release).
    pub skip_traces: &'static [&'static str],
}

/// A registered step: a [`TextCrdt`] with its registry entry.
pub trait Step: TextCrdt {
    /// This step's entry in [`STEPS`].
    const INFO: StepInfo;
}

/// Every step, in log order.
pub const STEPS: &[StepInfo] = &[S00NaiveVec::INFO];

/// The fastest step: what the harness calls `engine`.
pub type Best = S00NaiveVec;

/// Calls `$callback!(StepType, "step-name")` for every registered step, in log order.
///
/// ```
/// use engine::TextCrdt;
///
/// let mut names = Vec::new();
/// macro_rules! collect {
///     ($step:ty, $name:literal) => {
///         let mut doc = <$step>::new("alice");
///         doc.insert(0, "hi");
///         assert_eq!(doc.text(), "hi");
///         names.push($name);
///     };
/// }
/// engine::for_each_step!(collect);
/// assert_eq!(names[0], "s00-naive-vec");
/// ```
#[macro_export]
macro_rules! for_each_step {
    ($callback:ident) => {
        $callback!($crate::S00NaiveVec, "s00-naive-vec");
    };
}
