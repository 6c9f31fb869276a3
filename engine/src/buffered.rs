//! [`Buffered`]: local edits collected into runs before they reach the document.
//!
//! Typing is mostly a run of inserts, each right after the last, and deleting mostly a run of
//! deletes at one place (the delete key) or moving left (backspace). The wrapper keeps the
//! current run aside (its position, length and, for inserts, its text) and applies it to the
//! wrapped [`Doc`] as one edit when the next edit does not continue it, or before anything
//! reads the document. One tree walk per run instead of one per keystroke.
//!
//! Buffering is invisible: every read (text, length, slice, version, frontier, export), fork,
//! integrate and merge applies the run first, and the ops logged are exactly the ops the
//! unbuffered document logs for the same edits (same ids, origins, targets and order; the
//! `traces` tests compare whole op logs). That is why a backspace run is applied through
//! [`Doc::delete_backward`] (one op per char, last char first, which a `LOG_RUNS` document
//! stores as one backward entry), and why an insert followed by
//! a backspace is not cancelled inside the buffer.
//!
//! Reads take `&self`, so the document and the run sit in `RefCell`s: a read applies the run
//! through a shared reference.

use std::cell::Ref;
use std::cell::RefCell;
use std::ops::Range;

use crate::doc::count_chars;
use crate::doc::panic_delete_out_of_range;
use crate::doc::panic_insert_out_of_range;
use crate::doc::Doc;
use crate::log_entries::EntryStore;
use crate::log_entries::WideEntries;
use crate::ops::IntegrateError;
use crate::ops::OpBatch;
use crate::ops::Version;
use crate::store::SeqStore;
use crate::TextCrdt;

/// The run of local edits not yet applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Run {
    None,
    /// Chars to insert at `pos_chars`; the text is in [`Pending::text`].
    Insert { pos_chars: usize, len_chars: usize },
    /// Chars `pos_chars .. pos_chars + len_chars` to delete: as one range (delete key, or a
    /// single delete), or as backspaces from the last char to the first.
    Delete { pos_chars: usize, len_chars: usize, backward: bool },
}

#[derive(Clone, Debug)]
struct Pending<const INLINE: bool> {
    run: Run,
    /// The insert run's text.
    text: PendingText<INLINE>,
    /// The run began because an edit did not continue the run before it, which was applied
    /// then and is the op log's last entry ([`apply`]).
    follows_run: bool,
}

/// Bytes of a run's text [`PendingText`] keeps inline: a cache line.
const INLINE_TEXT_BYTES: usize = 64;

/// The insert run's text. Without `INLINE`, a `String` kept between runs (so a run does not
/// allocate once it has grown). With `INLINE` (s38's `inline-pending`), a short run's text
/// sits in the buffer itself (a small-string: no pointer to follow, nothing on the heap) and
/// only a run longer than [`INLINE_TEXT_BYTES`] moves to the `String`.
#[derive(Clone, Debug, Default)]
struct PendingText<const INLINE: bool> {
    /// With `INLINE`: the text while it fits and `heap` is empty.
    inline: InlineText<INLINE_TEXT_BYTES>,
    /// The text otherwise (always, without `INLINE`).
    heap: String,
}

impl<const INLINE: bool> PendingText<INLINE> {
    #[inline]
    fn push(&mut self, text: &str) {
        if INLINE && self.heap.is_empty() {
            if self.inline.try_push_str(text) {
                return;
            }
            // Too long for the inline buffer: the whole run moves to the heap.
            self.heap.push_str(self.inline.as_str());
            self.inline.clear();
        }
        push_text(&mut self.heap, text);
    }

    #[inline]
    fn as_str(&self) -> &str {
        if INLINE && self.heap.is_empty() {
            self.inline.as_str()
        } else {
            &self.heap
        }
    }

    #[inline]
    fn clear(&mut self) {
        if INLINE {
            self.inline.clear();
        }
        self.heap.clear();
    }

    fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }

    fn chars(&self) -> std::str::Chars<'_> {
        self.as_str().chars()
    }
}

/// Up to `N` bytes of text in place (a small-string; no heap). Only whole `str`s are pushed,
/// so the bytes are always UTF-8; [`InlineText::as_str`] still checks (the workspace forbids
/// `unsafe`), which for at most `N` bytes is a few instructions per read.
#[derive(Clone, Debug)]
struct InlineText<const N: usize> {
    bytes: [u8; N],
    len_bytes: usize,
}

impl<const N: usize> Default for InlineText<N> {
    fn default() -> Self {
        Self { bytes: [0; N], len_bytes: 0 }
    }
}

impl<const N: usize> InlineText<N> {
    /// Appends `text` if it fits; leaves the buffer unchanged and returns false if not.
    #[inline]
    fn try_push_str(&mut self, text: &str) -> bool {
        let end = self.len_bytes + text.len();
        if end > N {
            return false;
        }
        self.bytes[self.len_bytes..end].copy_from_slice(text.as_bytes());
        self.len_bytes = end;
        true
    }

    #[inline]
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len_bytes]).expect("InlineText holds whole strs only")
    }

    #[inline]
    fn clear(&mut self) {
        self.len_bytes = 0;
    }
}

/// A [`Doc`] whose local edits are buffered into runs; see the module docs. `DELETES`: buffer
/// delete runs too, not only insert runs. `LOG_RUNS`: the document's (see [`Doc`]).
/// `KNOWN_LEN`: keep the document's length (run included) here, so that checking an edit's
/// position does not read it through the document and its tree. `INLINE`: a short run's text
/// inline ([`PendingText`]) and the document's agent table on a fast hash
/// ([`Doc`]'s `FAST_AGENT_HASH`): s38's `inline-pending`.
#[derive(Clone, Debug)]
pub struct Buffered<
    S: SeqStore,
    const DELETES: bool,
    const LOG_RUNS: bool = false,
    const KNOWN_LEN: bool = false,
    E: EntryStore = WideEntries,
    const INLINE: bool = false,
    const BACKWARD_OPS: bool = false,
    const KIND_BITS: bool = false,
    const ID_APPLY: bool = false,
> {
    doc: RefCell<Doc<S, LOG_RUNS, E, INLINE, BACKWARD_OPS, KIND_BITS, ID_APPLY>>,
    /// With `KNOWN_LEN`: the document's length in chars once the run is applied.
    known_len_chars: usize,
    pending: RefCell<Pending<INLINE>>,
    /// A copy of the doc's agent name, so that [`TextCrdt::agent`] can hand out a `&str`.
    agent: String,
}

impl<S: SeqStore, const DELETES: bool, const LOG_RUNS: bool, const KNOWN_LEN: bool, E: EntryStore, const INLINE: bool, const BACKWARD_OPS: bool, const KIND_BITS: bool, const ID_APPLY: bool>
    Buffered<S, DELETES, LOG_RUNS, KNOWN_LEN, E, INLINE, BACKWARD_OPS, KIND_BITS, ID_APPLY>
{
    /// The document with the run applied.
    fn doc(&self) -> Ref<'_, Doc<S, LOG_RUNS, E, INLINE, BACKWARD_OPS, KIND_BITS, ID_APPLY>> {
        let mut pending = self.pending.borrow_mut();
        if pending.run != Run::None {
            apply(&mut self.doc.borrow_mut(), &mut pending);
        }
        drop(pending);
        self.doc.borrow()
    }

    /// The document with the run applied, for writing.
    fn doc_mut(&mut self) -> &mut Doc<S, LOG_RUNS, E, INLINE, BACKWARD_OPS, KIND_BITS, ID_APPLY> {
        let doc = self.doc.get_mut();
        let pending = self.pending.get_mut();
        if pending.run != Run::None {
            apply(doc, pending);
        }
        doc
    }

    /// Chars in the document once the run is applied (without applying it).
    fn len_chars_with_run(&self) -> usize {
        if KNOWN_LEN {
            return self.known_len_chars;
        }
        let len_chars = self.doc.borrow().len_chars();
        match self.pending.borrow().run {
            Run::None => len_chars,
            Run::Insert { len_chars: run, .. } => len_chars + run,
            Run::Delete { len_chars: run, .. } => len_chars - run,
        }
    }
}

/// `run.push_str(text)`; a one-byte text (most keystrokes) is pushed as that byte, without
/// the call to copy a slice.
#[inline]
fn push_text(run: &mut String, text: &str) {
    match text.as_bytes() {
        &[byte] => run.push(char::from(byte)),
        _ => run.push_str(text),
    }
}

/// Extends the delete run of chars `*start .. *start + *run` (deleted as backspaces, last
/// char first, if `*backward`) by a delete of `len_chars` at `pos_chars`, if that delete
/// continues it as one run the unbuffered document logs the same way; `false`, changing
/// nothing, otherwise. Also what s55's history merges its deletes by ([`crate::lazy`]), so
/// that replaying it makes the same runs.
#[inline]
pub(crate) fn extend_delete_run(start: &mut usize, run: &mut usize, backward: &mut bool, pos_chars: usize, len_chars: usize) -> bool {
    // The delete key: the next chars, at the same place. Logged in document order either way,
    // so a one-char run may become a forward one.
    if pos_chars == *start && !*backward {
        *run += len_chars;
        return true;
    }
    // Backspace: the char just before. Only single chars, so that "last char first" is the
    // order the unbuffered document logs.
    if len_chars == 1 && pos_chars + 1 == *start && (*backward || *run == 1) {
        *start = pos_chars;
        *run += 1;
        *backward = true;
        return true;
    }
    false
}

/// Applies the run to `doc` and empties it. Returns whether there was a run.
///
/// A run that began because an edit did not continue the run before it
/// (`Pending::follows_run`) cannot continue that run's op-log entry, which is still the
/// log's last: its push skips the attempt (the run would have taken the edit otherwise).
fn apply<S: SeqStore, const LOG_RUNS: bool, E: EntryStore, const INLINE: bool, const BACKWARD_OPS: bool, const KIND_BITS: bool, const ID_APPLY: bool>(
    doc: &mut Doc<S, LOG_RUNS, E, INLINE, BACKWARD_OPS, KIND_BITS, ID_APPLY>,
    pending: &mut Pending<INLINE>,
) -> bool {
    let may_extend = !pending.follows_run;
    pending.follows_run = false;
    match std::mem::replace(&mut pending.run, Run::None) {
        Run::None => return false,
        Run::Insert { pos_chars, len_chars } => {
            doc.insert_counted(pos_chars, pending.text.as_str(), len_chars, may_extend);
            pending.text.clear();
        }
        Run::Delete { pos_chars, len_chars, backward: false } => doc.delete_forward(pos_chars, len_chars, may_extend),
        Run::Delete { pos_chars, len_chars, backward: true } => doc.delete_backward(pos_chars, len_chars, may_extend),
    }
    true
}

impl<S: SeqStore, const DELETES: bool, const LOG_RUNS: bool, const KNOWN_LEN: bool, E: EntryStore, const INLINE: bool, const BACKWARD_OPS: bool, const KIND_BITS: bool, const ID_APPLY: bool> TextCrdt
    for Buffered<S, DELETES, LOG_RUNS, KNOWN_LEN, E, INLINE, BACKWARD_OPS, KIND_BITS, ID_APPLY>
{
    fn new(agent: &str) -> Self {
        Buffered {
            doc: RefCell::new(Doc::new(agent)),
            known_len_chars: 0,
            pending: RefCell::new(Pending { run: Run::None, text: PendingText::default(), follows_run: false }),
            agent: agent.to_owned(),
        }
    }

    fn agent(&self) -> &str {
        &self.agent
    }

    fn set_agent(&mut self, agent: &str) {
        // The run was typed by the old agent.
        self.doc_mut().set_agent(agent);
        self.agent = agent.to_owned();
    }

    #[track_caller]
    fn insert(&mut self, pos_chars: usize, text: &str) {
        let len_chars = self.len_chars_with_run();
        if pos_chars > len_chars {
            panic_insert_out_of_range(pos_chars, len_chars);
        }
        if text.is_empty() {
            return;
        }
        let text_chars = count_chars(text);
        if KNOWN_LEN {
            self.known_len_chars += text_chars;
        }
        let pending = self.pending.get_mut();
        if let Run::Insert { pos_chars: start, len_chars: run } = &mut pending.run {
            if pos_chars == *start + *run {
                *run += text_chars;
                pending.text.push(text);
                return;
            }
        }
        pending.follows_run = apply(self.doc.get_mut(), pending);
        pending.run = Run::Insert { pos_chars, len_chars: text_chars };
        pending.text.push(text);
    }

    #[track_caller]
    fn delete(&mut self, pos_chars: usize, len_chars: usize) {
        if !DELETES {
            self.doc_mut().delete(pos_chars, len_chars);
            if KNOWN_LEN {
                self.known_len_chars -= len_chars;
            }
            return;
        }
        let doc_len_chars = self.len_chars_with_run();
        if pos_chars
            .checked_add(len_chars)
            .is_none_or(|end| end > doc_len_chars)
        {
            panic_delete_out_of_range(pos_chars, len_chars, doc_len_chars);
        }
        if len_chars == 0 {
            return;
        }
        if KNOWN_LEN {
            self.known_len_chars -= len_chars;
        }
        let pending = self.pending.get_mut();
        if let Run::Delete { pos_chars: start, len_chars: run, backward } = &mut pending.run {
            if extend_delete_run(start, run, backward, pos_chars, len_chars) {
                return;
            }
        }
        pending.follows_run = apply(self.doc.get_mut(), pending);
        pending.run = Run::Delete { pos_chars, len_chars, backward: false };
    }

    fn len_chars(&self) -> usize {
        self.len_chars_with_run()
    }

    fn text(&self) -> String {
        self.doc().text()
    }

    fn slice(&self, range_chars: Range<usize>) -> String {
        self.doc().slice(range_chars)
    }

    fn fork(&self, agent: &str) -> Self {
        let doc = self.doc().fork(agent);
        Buffered {
            known_len_chars: doc.len_chars(),
            doc: RefCell::new(doc),
            pending: RefCell::new(Pending { run: Run::None, text: PendingText::default(), follows_run: false }),
            agent: agent.to_owned(),
        }
    }

    fn version(&self) -> Version {
        self.doc().version()
    }

    fn frontier(&self) -> Vec<(String, u32)> {
        self.doc().frontier()
    }

    fn ops_since(&self, since: &Version) -> OpBatch {
        self.doc().ops_since(since)
    }

    fn integrate(&mut self, ops: &OpBatch) -> Result<(), IntegrateError> {
        let result = self.doc_mut().integrate(ops);
        if KNOWN_LEN {
            self.known_len_chars = self.doc.get_mut().len_chars();
        }
        result
    }

    fn integrate_encoded(&mut self, bytes: &[u8]) -> Result<(), crate::ImportError> {
        let result = self.doc_mut().integrate_encoded(bytes);
        if KNOWN_LEN {
            self.known_len_chars = self.doc.get_mut().len_chars();
        }
        result
    }

    fn merge(&mut self, other: &Self) {
        let other = other.doc();
        self.doc_mut().merge(&other);
        if KNOWN_LEN {
            self.known_len_chars = self.doc.get_mut().len_chars();
        }
    }

    fn assert_invariants(&self) {
        let pending = self.pending.borrow();
        let doc = self.doc.borrow();
        doc.assert_invariants();
        assert_eq!(doc.agent(), self.agent, "the agent name copy is stale");
        if KNOWN_LEN {
            let with_run = match pending.run {
                Run::None => doc.len_chars(),
                Run::Insert { len_chars, .. } => doc.len_chars() + len_chars,
                Run::Delete { len_chars, .. } => doc.len_chars() - len_chars,
            };
            assert_eq!(self.known_len_chars, with_run, "the known length is stale");
        }
        if INLINE {
            assert!(
                pending.text.heap.is_empty() || pending.text.inline.len_bytes == 0,
                "the run's text both inline and on the heap"
            );
        }
        match pending.run {
            Run::None => assert!(pending.text.is_empty(), "text left from an applied run"),
            Run::Insert { pos_chars, len_chars } => {
                assert!(len_chars > 0, "an empty insert run");
                assert_eq!(pending.text.chars().count(), len_chars, "insert run length");
                assert!(pos_chars <= doc.len_chars(), "insert run past the end");
            }
            Run::Delete { pos_chars, len_chars, .. } => {
                assert!(pending.text.is_empty(), "text in a delete run");
                assert!(len_chars > 0, "an empty delete run");
                assert!(pos_chars + len_chars <= doc.len_chars(), "delete run past the end");
            }
        }
    }

    fn flush(&mut self) {
        self.doc_mut();
    }
}

#[cfg(test)]
mod tests {
    //! Buffered against unbuffered, on seeded random editing sessions shaped like typing:
    //! runs of inserts at the caret, delete-key and backspace runs, jumps, multi-char edits,
    //! and reads at random moments. After each session the texts and whole op logs must be
    //! equal, and a merge of two buffered replicas must equal the unbuffered merge.

    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    use super::*;
    use crate::steps::s16_deferred_counts::Store;

    type Plain = Doc<Store>;

    /// One random edit, applied to both documents; `caret` is where typing goes on.
    fn random_edit<A: TextCrdt, B: TextCrdt>(rng: &mut SmallRng, a: &mut A, b: &mut B, caret: &mut usize) {
        let len = b.len_chars();
        assert_eq!(a.len_chars(), len);
        *caret = (*caret).min(len);
        if rng.gen_bool(0.1) {
            *caret = rng.gen_range(0..=len);
        }
        match rng.gen_range(0..10) {
            0..=4 => {
                let text = if rng.gen_bool(0.9) { "x" } else { "ab🙂" };
                a.insert(*caret, text);
                b.insert(*caret, text);
                *caret += text.chars().count();
            }
            5..=6 if *caret > 0 => {
                // Backspace.
                a.delete(*caret - 1, 1);
                b.delete(*caret - 1, 1);
                *caret -= 1;
            }
            7 if *caret < len => {
                // The delete key, sometimes several chars (a selection).
                let n = if rng.gen_bool(0.8) { 1 } else { rng.gen_range(1..=(len - *caret).min(5)) };
                a.delete(*caret, n);
                b.delete(*caret, n);
            }
            8 if *caret >= 2 => {
                // A selection deleted backwards over two chars: not a backspace run.
                a.delete(*caret - 2, 2);
                b.delete(*caret - 2, 2);
                *caret -= 2;
            }
            _ => {
                // A read in the middle of a run applies it.
                assert_eq!(a.text(), b.text());
            }
        }
    }

    fn check_sessions<const DELETES: bool, const LOG_RUNS: bool, const KNOWN_LEN: bool, const INLINE: bool>() {
        let mut entries = (0, 0);
        for seed in 0..150 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut buffered = Buffered::<Store, DELETES, LOG_RUNS, KNOWN_LEN, WideEntries, INLINE>::new("alice");
            let mut plain = Plain::new("alice");
            let mut caret = 0;
            for _ in 0..rng.gen_range(1..300) {
                random_edit(&mut rng, &mut buffered, &mut plain, &mut caret);
                buffered.assert_invariants();
            }
            // A concurrent session on a fork, then merges both ways.
            let mut buffered_bob = buffered.fork("bob");
            let mut plain_bob = plain.fork("bob");
            let mut bob_caret = caret;
            for _ in 0..rng.gen_range(0..100) {
                random_edit(&mut rng, &mut buffered, &mut plain, &mut caret);
                random_edit(&mut rng, &mut buffered_bob, &mut plain_bob, &mut bob_caret);
            }
            buffered.merge(&buffered_bob);
            plain.merge(&plain_bob);
            let root = Version::root();
            // Compared char op by char op: a log with `LOG_RUNS` cuts the same ops into
            // other runs.
            let (ours, theirs) = (
                buffered.ops_since(&root).split_into_char_ops(),
                plain.ops_since(&root).split_into_char_ops(),
            );
            if let Some(at) = (0..ours.ops.len().max(theirs.ops.len())).find(|&i| ours.ops.get(i) != theirs.ops.get(i)) {
                panic!(
                    "seed {seed}: op logs differ at op {at}: buffered {:?}, unbuffered {:?}",
                    ours.ops.get(at),
                    theirs.ops.get(at)
                );
            }
            assert_eq!(ours.agents, theirs.agents, "seed {seed}");
            assert_eq!(buffered.text(), plain.text(), "seed {seed}");
            assert_eq!(buffered.len_chars(), plain.len_chars(), "seed {seed}");
            assert_eq!(buffered.frontier(), plain.frontier(), "seed {seed}");
            buffered.assert_invariants();
            entries.0 += buffered.doc().op_log_entry_count();
            entries.1 += plain.op_log_entry_count();
        }
        // The same ops in fewer entries: backspace runs are one entry each.
        if LOG_RUNS {
            assert!(entries.0 < entries.1, "log entries {} (runs) vs {} (plain)", entries.0, entries.1);
        }
    }

    #[test]
    fn buffered_inserts_log_exactly_the_unbuffered_ops() {
        check_sessions::<false, false, false, false>();
    }

    #[test]
    fn buffered_deletes_log_exactly_the_unbuffered_ops() {
        check_sessions::<true, false, false, false>();
    }

    #[test]
    fn backspace_runs_as_log_entries_log_exactly_the_unbuffered_ops() {
        check_sessions::<true, true, false, false>();
    }

    #[test]
    fn a_buffer_that_knows_the_length_logs_exactly_the_unbuffered_ops() {
        check_sessions::<true, true, true, false>();
        check_sessions::<false, false, true, false>();
    }

    #[test]
    fn an_inline_run_text_logs_exactly_the_unbuffered_ops() {
        check_sessions::<true, true, true, true>();
    }

    #[test]
    fn a_run_longer_than_the_inline_text_moves_to_the_heap_whole() {
        let mut doc = Buffered::<Store, true, true, true, WideEntries, true>::new("a");
        let mut expected = String::new();
        for round in 0..3 {
            // A run that crosses the inline capacity in the middle of a multi-byte char.
            for i in 0..(INLINE_TEXT_BYTES + 7) {
                let text = if i % 5 == 0 { "é🙂" } else { "x" };
                let caret = doc.len_chars();
                doc.insert(caret, text);
                expected.push_str(text);
                doc.assert_invariants();
            }
            assert!(!doc.pending.borrow().text.heap.is_empty(), "round {round}: the run did not move to the heap");
            assert_eq!(doc.text(), expected, "round {round}");
            // The next run starts inline again.
            doc.insert(0, "ab");
            expected.insert_str(0, "ab");
            assert!(doc.pending.borrow().text.heap.is_empty());
            assert_eq!(doc.text(), expected);
        }
    }

    #[test]
    fn out_of_range_edits_panic_as_unbuffered_ones_do() {
        let mut doc = Buffered::<Store, true>::new("a");
        doc.insert(0, "abc");
        let insert = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut doc = doc.clone();
            doc.insert(4, "x");
        }));
        assert!(insert.is_err());
        doc.delete(2, 1);
        let delete = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut doc = doc.clone();
            doc.delete(1, 2);
        }));
        assert!(delete.is_err());
        assert_eq!(doc.text(), "ab");
    }
}
