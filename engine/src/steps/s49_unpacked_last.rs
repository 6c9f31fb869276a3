//! s49-unpacked-last: The lean log keeps no unpacked copy of its last entry: every push and extension check unpacks the 24-byte packed entry instead of copying a 56-byte core into the log after every push.
//!
//! Predecessor: s48-lean-leaves.
//! Why: perf on the local replay of sveltecomponent and rustcode (s48): `LeanEntries::push_after` took 5.4% of the samples, and 24% of those sat on one instruction, the first 16-byte load of the 56-byte `EntryCore` that `append` copies into `last` after every push: the core was just written field by field, so the wide loads wait on the stores (a store-forwarding stall), once per log entry. The entry it copies is already in the log, packed in 24 bytes, with its agent and text start kept at hand.
//! Invariant: As s48; `LeanEntries::assert_invariants` (the cached last-entry fields, agent and text start, match the entry).

use crate::buffered::Buffered;
use crate::log_entries::LeanEntries;
use crate::registry::Step;
use crate::registry::StepInfo;
use crate::steps::s48_lean_leaves::Store;

/// The step: s48 with a lean log that unpacks its last entry when asked (reverted).
pub type S49UnpackedLast = Buffered<Store, true, true, true, LeanEntries<1024, false>, false, true, true, true>;

impl Step for S49UnpackedLast {
    const INFO: StepInfo = StepInfo {
        name: "s49-unpacked-last",
        predecessor: Some("s48-lean-leaves"),
        flags: &["btree", "id-index", "spans", "cursor-cache", "leaf=64", "max-items=2048", "deferred-counts", "buffered-inserts", "buffered-deletes", "lazy-id-index", "log-backspace-runs", "known-length", "back-hint", "lean-log", "backward-ops", "text-in-log", "origins-in-log", "planned-kind-bits", "id-addressed-apply", "lean-leaves", "unpacked-last"],
        idea: "The lean log keeps no unpacked copy of its last entry: every push and extension check unpacks the 24-byte packed entry instead of copying a 56-byte core into the log after every push.",
        why: "perf on the local replay of sveltecomponent and rustcode (s48): `LeanEntries::push_after` took 5.4% of the samples, and 24% of those sat on one instruction, the first 16-byte load of the 56-byte `EntryCore` that `append` copies into `last` after every push: the core was just written field by field, so the wide loads wait on the stores (a store-forwarding stall), once per log entry. The entry it copies is already in the log, packed in 24 bytes, with its agent and text start kept at hand.",
        invariant: "As s48; `LeanEntries::assert_invariants` (the cached last-entry fields, agent and text start, match the entry).",
        code: "engine/src/log_entries.rs: `LeanEntries`'s `CACHE_LAST` parameter",
        notes: "Reverted (kept in the log; `Best` stays s48). The first build said kept: `crdt-bench ab engine/s48-lean-leaves engine/s49-unpacked-last --quick --instructions` had s49 1.036x faster on sveltecomponent, 1.032x on rustcode, 1.036x on seph-blog1, 1.024x on automerge-paper, with 1.5-3.2% fewer instructions (callgrind: 10.23M -> 9.90M on sveltecomponent); remote 1% slower (`compare --workload remote --quick`). The next build, with this step as `Best` and nothing else changed, reversed it: s49 had 1.3% more instructions than s48 (10.26M vs 10.13M) and `ab` found no difference on any trace. The callgrind profiles showed why: LLVM had inlined `Doc::delete_forward` and `Doc::insert_counted` into the buffer's flush for one of the two types and not for the other, and which one changed with the binary. With the local hot path's inlining pinned (`#[inline(always)]` on those two, `OpLog::append_entry_after` and `LeanEntries::push_after`, kept for every step), the idea alone: s48 9.88M, s49 10.16M instructions on sveltecomponent (+2.8%), 22.36M vs 22.88M on rustcode (+2.3%); `ab`: s49 1.018x slower on sveltecomponent (95% CI 1.014-1.021x), 1.014x slower on rustcode, no difference on seph-blog1 and automerge-paper. Unpacking the last entry for every extension check costs more than the copy it saves.",
        skip_traces: &[],
        quick_skip_traces: &[],
    };
}
