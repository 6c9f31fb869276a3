//! [`Lazy`]: a replica that builds its CRDT state only when something needs it (s55's
//! `lazy-items`).
//!
//! While a replica's history is linear (its own edits, and agent changes between them: no
//! peer's ops), its document is a function of the edits' positions alone: replaying them in
//! order rebuilds every item, origin and op exactly. So until it must, the wrapper keeps only
//! the text (chunks of gap buffers, [`ChunkedText`]) and the edits by position (`History`), the same information
//! diamond-types keeps for local editing (its op log is positional, and it builds CRDT state
//! only to merge concurrent edits). The first time something needs CRDT state, it replays the
//! history into the wrapped document `D`:
//!
//! - an export, `version` or `frontier` (read-only: the built document is kept beside the
//!   history, and the next edit takes it over);
//! - integrating a peer's ops, or merging (the replica becomes a full one and stays one).
//!
//! So the cost of building items moves from every keystroke to the first sync, where it is one
//! replay of the history through `D` (as fast as `D`'s local replay). A replica that syncs
//! often becomes a full one at its first sync; the `remote`, `load` and concurrent workloads
//! measure that path, the `local` workload this one.
//!
//! Invisible: the history is replayed through `D`'s own `insert`, `delete` and `set_agent`,
//! as the edits came (runs merged only where `D`'s own buffer merges them: typing, the delete
//! key, and backspace runs, which are replayed as backspaces), so the built document's op log
//! is exactly the one `D` builds from the same edits. The `traces` tests compare whole op logs
//! on every trace, and the tests below on random sessions.

use std::cell::OnceCell;
use std::cell::RefCell;
use std::ops::Range;

use crate::buffered::extend_delete_run;
use crate::doc::count_chars;
use crate::encoding::put_varint;
use crate::encoding::unzigzag;
use crate::encoding::zigzag;
use crate::encoding::DecodeError;
use crate::encoding::Reader;
use crate::doc::panic_delete_out_of_range;
use crate::doc::panic_insert_out_of_range;
use crate::doc::panic_slice_out_of_range;
use crate::ops::IntegrateError;
use crate::ops::OpBatch;
use crate::ops::Version;
use crate::structure::gap_text::ChunkedText;
use crate::ImportError;
use crate::TextCrdt;

/// Bytes of a text chunk at most: a chunk's gap moves at most this far for an edit away from
/// the last one, and a jump steps over about one chunk per this many bytes.
const TEXT_CHUNK_BYTES: usize = 512;

/// One edit of a linear history, by position. Positions and lengths in chars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit {
    /// Insert the history's text up to byte `text_end` (from the previous insert's end).
    Insert { pos_chars: u32, len_chars: u32, text_end: u32 },
    /// Delete chars `pos_chars .. pos_chars + len_chars` (one delete, or delete-key presses).
    Delete { pos_chars: u32, len_chars: u32 },
    /// Backspaces: chars `pos_chars + len_chars - 1` down to `pos_chars`, one at a time.
    Backspaces { pos_chars: u32, len_chars: u32 },
    /// Edit on as the history's agent number `agent` (`set_agent` or `fork`).
    SetAgent { agent: u32 },
}

/// A linear history: the edits, their inserted text, and the agents that made them.
#[derive(Clone, Debug)]
struct History {
    edits: Vec<Edit>,
    /// Every insert's text, in order.
    text: String,
    /// The first edits' agent, then each `SetAgent`'s.
    agents: Vec<String>,
}

impl History {
    fn new(agent: &str) -> History {
        History { edits: Vec::new(), text: String::new(), agents: vec![agent.to_owned()] }
    }

    /// Records an insert; `false` (recording nothing) if a number does not fit a `u32`.
    #[inline]
    fn insert(&mut self, pos_chars: usize, text: &str, len_chars: usize) -> bool {
        let Some(text_end) = self.text.len().checked_add(text.len()).and_then(|end| u32::try_from(end).ok()) else {
            return false;
        };
        if let Some(Edit::Insert { pos_chars: start, len_chars: run, text_end: end }) = self.edits.last_mut() {
            // Typing: right after the last insert. `D`'s buffer takes it into the same run.
            if pos_chars == (*start + *run) as usize {
                let Ok(new_run) = u32::try_from(*run as usize + len_chars) else { return false };
                *run = new_run;
                *end = text_end;
                self.text.push_str(text);
                return true;
            }
        }
        let (Ok(pos_chars), Ok(len_chars)) = (u32::try_from(pos_chars), u32::try_from(len_chars)) else {
            return false;
        };
        self.edits.push(Edit::Insert { pos_chars, len_chars, text_end });
        self.text.push_str(text);
        true
    }

    /// Records a delete; `false` (recording nothing) if a number does not fit a `u32`.
    /// Merges by `Buffered`'s rule ([`extend_delete_run`]), so that a replay's calls make the
    /// runs the edits made.
    #[inline]
    fn delete(&mut self, pos_chars: usize, len_chars: usize) -> bool {
        let (Ok(pos), Ok(len)) = (u32::try_from(pos_chars), u32::try_from(len_chars)) else {
            return false;
        };
        let last_run = match self.edits.last() {
            Some(&Edit::Delete { pos_chars, len_chars }) => Some((pos_chars as usize, len_chars as usize, false)),
            Some(&Edit::Backspaces { pos_chars, len_chars }) => Some((pos_chars as usize, len_chars as usize, true)),
            _ => None,
        };
        if let Some((mut start, mut run, mut backward)) = last_run {
            if extend_delete_run(&mut start, &mut run, &mut backward, pos_chars, len_chars) {
                let Ok(run) = u32::try_from(run) else { return false };
                // `start` only moves down, from a u32.
                let start = start as u32;
                *self.edits.last_mut().expect("a delete run is the last edit") = if backward {
                    Edit::Backspaces { pos_chars: start, len_chars: run }
                } else {
                    Edit::Delete { pos_chars: start, len_chars: run }
                };
                return true;
            }
        }
        self.edits.push(Edit::Delete { pos_chars: pos, len_chars: len });
        true
    }

    fn set_agent(&mut self, agent: &str) {
        if self.edits.is_empty() {
            // No edit was made as the old agent: nothing to replay it for.
            self.agents.clear();
            self.agents.push(agent.to_owned());
            return;
        }
        self.edits.push(Edit::SetAgent { agent: self.agents.len() as u32 });
        self.agents.push(agent.to_owned());
    }

    /// The document these edits make: each replayed through `D`'s own API, in order.
    fn replay<D: TextCrdt>(&self) -> D {
        let mut doc = D::new(&self.agents[0]);
        let mut text_start = 0;
        for edit in &self.edits {
            match *edit {
                Edit::Insert { pos_chars, text_end, .. } => {
                    doc.insert(pos_chars as usize, &self.text[text_start..text_end as usize]);
                    text_start = text_end as usize;
                }
                Edit::Delete { pos_chars, len_chars } => doc.delete(pos_chars as usize, len_chars as usize),
                Edit::Backspaces { pos_chars, len_chars } => {
                    for offset in (0..len_chars).rev() {
                        doc.delete((pos_chars + offset) as usize, 1);
                    }
                }
                Edit::SetAgent { agent } => doc.set_agent(&self.agents[agent as usize]),
            }
        }
        doc
    }

    fn assert_invariants(&self) {
        assert!(!self.agents.is_empty(), "a history without its first agent");
        let mut text_end = 0;
        let mut set_agents = 0;
        for edit in &self.edits {
            match *edit {
                Edit::Insert { len_chars, text_end: end, .. } => {
                    assert!(end as usize > text_end, "an empty insert in the history");
                    assert_eq!(count_chars(&self.text[text_end..end as usize]), len_chars as usize, "insert length");
                    text_end = end as usize;
                }
                Edit::Delete { len_chars, .. } => assert!(len_chars > 0, "an empty delete in the history"),
                Edit::Backspaces { len_chars, .. } => assert!(len_chars >= 2, "a backspace run shorter than 2"),
                Edit::SetAgent { agent } => {
                    set_agents += 1;
                    assert_eq!(agent as usize, set_agents, "agent numbers out of order");
                }
            }
        }
        assert_eq!(text_end, self.text.len(), "text no insert owns");
        assert_eq!(set_agents + 1, self.agents.len(), "agents no edit names");
    }
}

/// The first bytes of a history sent by position ([`encode_history`]); an op batch starts
/// with `CBE` ([`crate::encoding`]).
const HISTORY_MAGIC: &[u8; 4] = b"CBH\x01";

const EDIT_INSERT: u64 = 0;
const EDIT_DELETE: u64 = 1;
const EDIT_BACKSPACES: u64 = 2;
const EDIT_SET_AGENT: u64 = 3;

/// Whether `bytes` claim to be a history by position rather than an op batch.
pub(crate) fn is_history(bytes: &[u8]) -> bool {
    bytes.starts_with(HISTORY_MAGIC)
}

/// A linear history as bytes: what a replica whose history is linear sends for "everything"
/// (diamond-types sends its positional op log the same way). Varints as in
/// [`crate::encoding`]:
///
/// ```text
/// history := magic:"CBH" version:0x01 agents:(count (len utf8)*) edits:(count edit*)
/// edit    := tag:varint body    -- tag = kind | value << 2
///   kind 0 insert:     value = the text's length in bytes; body = pos utf8-bytes
///   kind 1 delete:     value = len_chars;                  body = pos
///   kind 2 backspaces: value = len_chars (at least 2);     body = pos
///   kind 3 set agent:  value = the agent's index (1, 2, .. in order); no body
/// pos     := varint(zigzag(pos_chars - cursor))  -- cursor: the last insert's end, or the
///                                                -- last delete's position; 0 at first
/// ```
///
/// The ops a history stands for are the ones replaying it makes, so it needs no ids or
/// origins, and no receiver has to check that they agree with the positions: there is nothing
/// redundant in it to disagree.
fn encode_history(history: &History) -> Vec<u8> {
    let mut out = HISTORY_MAGIC.to_vec();
    put_varint(&mut out, history.agents.len() as u64);
    for agent in &history.agents {
        put_varint(&mut out, agent.len() as u64);
        out.extend_from_slice(agent.as_bytes());
    }
    put_varint(&mut out, history.edits.len() as u64);
    let mut cursor: i64 = 0;
    let mut text_start = 0;
    for edit in &history.edits {
        match *edit {
            Edit::Insert { pos_chars, len_chars, text_end } => {
                let text = &history.text.as_bytes()[text_start..text_end as usize];
                put_varint(&mut out, EDIT_INSERT | (text.len() as u64) << 2);
                put_varint(&mut out, zigzag(i64::from(pos_chars) - cursor));
                out.extend_from_slice(text);
                cursor = i64::from(pos_chars) + i64::from(len_chars);
                text_start = text_end as usize;
            }
            Edit::Delete { pos_chars, len_chars } | Edit::Backspaces { pos_chars, len_chars } => {
                let kind = if matches!(edit, Edit::Delete { .. }) { EDIT_DELETE } else { EDIT_BACKSPACES };
                put_varint(&mut out, kind | u64::from(len_chars) << 2);
                put_varint(&mut out, zigzag(i64::from(pos_chars) - cursor));
                cursor = i64::from(pos_chars);
            }
            Edit::SetAgent { agent } => put_varint(&mut out, EDIT_SET_AGENT | u64::from(agent) << 2),
        }
    }
    out
}

/// Decodes [`encode_history`]'s bytes into a history and the text it makes (and its length
/// in chars), checking every edit against the text as it goes. Never panics: every position
/// and length is checked before it is used.
///
/// # Errors
/// A [`DecodeError`] for bytes that are not a complete, well-formed history whose every edit
/// fits the text it is made on.
fn decode_history(bytes: &[u8]) -> Result<(History, ChunkedText<TEXT_CHUNK_BYTES>, usize), DecodeError> {
    if !is_history(bytes) {
        return Err(DecodeError { offset: 0, reason: "not a history (no CBH magic and version)" });
    }
    let mut reader = Reader { bytes, at: HISTORY_MAGIC.len() };
    let agent_count = reader.count(1)?;
    if agent_count == 0 {
        return reader.err("a history names no agent");
    }
    let mut agents = Vec::with_capacity(agent_count);
    for _ in 0..agent_count {
        agents.push(reader.str()?.to_owned());
    }
    let edit_count = reader.count(1)?;
    let mut history = History { edits: Vec::with_capacity(edit_count), text: String::new(), agents };
    let mut text = ChunkedText::<TEXT_CHUNK_BYTES>::default();
    let mut len_chars: usize = 0;
    let mut cursor: i64 = 0;
    let mut next_agent: u64 = 1;
    for _ in 0..edit_count {
        let tag = reader.varint()?;
        let (kind, value) = (tag & 3, tag >> 2);
        if kind == EDIT_SET_AGENT {
            if value != next_agent || value >= history.agents.len() as u64 {
                return reader.err("an agent change out of order or outside the name table");
            }
            history.edits.push(Edit::SetAgent { agent: value as u32 });
            next_agent += 1;
            continue;
        }
        let pos = cursor.checked_add(unzigzag(reader.varint()?)).filter(|&pos| pos >= 0);
        let Some(pos) = pos.and_then(|pos| usize::try_from(pos).ok()) else {
            return reader.err("an edit's position is before the text's start");
        };
        if kind == EDIT_INSERT {
            if value == 0 {
                return reader.err("an empty insert");
            }
            if pos > len_chars {
                return reader.err("an insert's position is past the end of the text");
            }
            let start = reader.at;
            let inserted = std::str::from_utf8(reader.take(value)?)
                .map_err(|_| DecodeError { offset: start, reason: "text is not UTF-8" })?;
            let inserted_chars = count_chars(inserted);
            let Ok(text_end) = u32::try_from(history.text.len() + inserted.len()) else {
                return reader.err("a history's text is over 4 GiB");
            };
            history.text.push_str(inserted);
            history.edits.push(Edit::Insert { pos_chars: pos as u32, len_chars: inserted_chars as u32, text_end });
            text.insert(pos, inserted, inserted_chars);
            len_chars += inserted_chars;
            cursor = (pos + inserted_chars) as i64;
        } else {
            let min_len = if kind == EDIT_BACKSPACES { 2 } else { 1 };
            if value < min_len || pos as u64 + value > len_chars as u64 {
                return reader.err("a delete is empty (or a backspace run one char) or runs past the end of the text");
            }
            let (pos_chars, run) = (pos as u32, value as u32);
            history.edits.push(if kind == EDIT_DELETE {
                Edit::Delete { pos_chars, len_chars: run }
            } else {
                Edit::Backspaces { pos_chars, len_chars: run }
            });
            text.delete(pos, value as usize);
            len_chars -= value as usize;
            cursor = pos as i64;
        }
    }
    if next_agent != history.agents.len() as u64 {
        return reader.err("agents that no edit changes to");
    }
    if reader.remaining() != 0 {
        return reader.err("trailing bytes after the history");
    }
    Ok((history, text, len_chars))
}

/// The op batch a history by position stands for: the ops replaying it makes (through s53,
/// whose ops every step shares). How a document that does not keep histories reads one.
pub(crate) fn decode_history_as_batch(bytes: &[u8]) -> Result<OpBatch, DecodeError> {
    let (history, _, _) = decode_history(bytes)?;
    let doc: crate::steps::s53_branchless_scan::S53BranchlessScan = history.replay();
    Ok(doc.ops_since(&Version::root()))
}

/// The replica while its history is linear.
#[derive(Debug)]
struct Linear<D> {
    /// The text, but for the run at the history's end it may not have taken in yet.
    text: RefCell<Text>,
    history: History,
    /// Chars in the text with the run applied.
    len_chars: usize,
    /// `D` built from the history by a read that needed it (an export, a version), kept until
    /// the next edit, which takes it over.
    built: OnceCell<D>,
}

/// The text and the run of edits it has not taken in yet: typing, or a range being deleted.
/// One chunk edit per run instead of one per keystroke (as `Buffered` does for `D`), and the
/// run's text is not copied twice: it is the history's text from `text_start` on.
#[derive(Clone, Debug, Default)]
struct Text {
    chunks: ChunkedText<TEXT_CHUNK_BYTES>,
    run: Run,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Run {
    #[default]
    None,
    Insert { pos_chars: usize, len_chars: usize, text_start: usize },
    Delete { pos_chars: usize, len_chars: usize },
}

impl Text {
    /// Applies the run (whose inserted text is `history_text[text_start..]`) and empties it.
    #[inline]
    fn apply_run(&mut self, history_text: &str) {
        match std::mem::take(&mut self.run) {
            Run::None => {}
            Run::Insert { pos_chars, len_chars, text_start } => {
                self.chunks.insert(pos_chars, &history_text[text_start..], len_chars);
            }
            Run::Delete { pos_chars, len_chars } => self.chunks.delete(pos_chars, len_chars),
        }
    }
}

impl<D> Linear<D> {
    /// The text with the run applied.
    fn text(&self) -> std::cell::Ref<'_, ChunkedText<TEXT_CHUNK_BYTES>> {
        let mut text = self.text.borrow_mut();
        if text.run != Run::None {
            text.apply_run(&self.history.text);
        }
        drop(text);
        std::cell::Ref::map(self.text.borrow(), |text| &text.chunks)
    }
}

#[derive(Debug)]
enum State<D> {
    Linear(Linear<D>),
    Full(D),
}

/// A document `D` whose CRDT state is built on first need; see the [module docs](self).
#[derive(Debug)]
pub struct Lazy<D> {
    state: State<D>,
    /// The agent name, so that [`TextCrdt::agent`] can hand out a `&str` in either state.
    agent: String,
}

impl<D: TextCrdt> Lazy<D> {
    /// The full document, built first if the history is still linear.
    fn full_ref(&self) -> &D {
        match &self.state {
            State::Linear(linear) => linear.built.get_or_init(|| linear.history.replay()),
            State::Full(doc) => doc,
        }
    }

    /// The full document, for writing: from here on the replica is a full one.
    #[cold]
    #[inline(never)]
    fn become_full(&mut self) -> &mut D {
        if let State::Linear(linear) = &mut self.state {
            let doc = linear.built.take().unwrap_or_else(|| linear.history.replay());
            self.state = State::Full(doc);
        }
        match &mut self.state {
            State::Full(doc) => doc,
            State::Linear(_) => unreachable!("just made full"),
        }
    }

    /// The linear state to edit, unless the replica is full, or a read built `D` (which then
    /// takes over: keeping both in step would cost what building saved).
    #[inline]
    fn linear_mut(&mut self) -> Option<&mut Linear<D>> {
        match &mut self.state {
            State::Linear(linear) if linear.built.get().is_none() => Some(linear),
            _ => None,
        }
    }

    /// Whether the history is still linear and `D` has not been built (for tests and
    /// reports).
    pub fn is_linear(&self) -> bool {
        matches!(&self.state, State::Linear(linear) if linear.built.get().is_none())
    }
}

impl<D: TextCrdt> TextCrdt for Lazy<D> {
    fn new(agent: &str) -> Self {
        Lazy {
            state: State::Linear(Linear { text: RefCell::default(), history: History::new(agent), len_chars: 0, built: OnceCell::new() }),
            agent: agent.to_owned(),
        }
    }

    fn agent(&self) -> &str {
        &self.agent
    }

    fn set_agent(&mut self, agent: &str) {
        match self.linear_mut() {
            Some(linear) => linear.history.set_agent(agent),
            None => self.become_full().set_agent(agent),
        }
        self.agent = agent.to_owned();
    }

    #[track_caller]
    #[inline]
    fn insert(&mut self, pos_chars: usize, text: &str) {
        let Some(linear) = self.linear_mut() else {
            return self.become_full().insert(pos_chars, text);
        };
        let len_chars = linear.len_chars;
        if pos_chars > len_chars {
            panic_insert_out_of_range(pos_chars, len_chars);
        }
        if text.is_empty() {
            return;
        }
        let text_chars = count_chars(text);
        let text_start = linear.history.text.len();
        if !linear.history.insert(pos_chars, text, text_chars) {
            // Past what the history's u32s hold (4 GiB of text): the full document has no
            // such limit.
            return self.become_full().insert(pos_chars, text);
        }
        linear.len_chars += text_chars;
        let pending = linear.text.get_mut();
        if let Run::Insert { pos_chars: start, len_chars: run, .. } = &mut pending.run {
            if pos_chars == *start + *run {
                *run += text_chars;
                return;
            }
        }
        pending.apply_run(&linear.history.text[..text_start]);
        pending.run = Run::Insert { pos_chars, len_chars: text_chars, text_start };
    }

    #[track_caller]
    #[inline]
    fn delete(&mut self, pos_chars: usize, len_chars: usize) {
        let Some(linear) = self.linear_mut() else {
            return self.become_full().delete(pos_chars, len_chars);
        };
        let doc_len_chars = linear.len_chars;
        if pos_chars.checked_add(len_chars).is_none_or(|end| end > doc_len_chars) {
            panic_delete_out_of_range(pos_chars, len_chars, doc_len_chars);
        }
        if len_chars == 0 {
            return;
        }
        if !linear.history.delete(pos_chars, len_chars) {
            return self.become_full().delete(pos_chars, len_chars);
        }
        linear.len_chars -= len_chars;
        let pending = linear.text.get_mut();
        if let Run::Delete { pos_chars: start, len_chars: run } = &mut pending.run {
            // The text needs only the range: chars after it (the delete key) or just before
            // it (backspace) extend it, whatever order the history keeps.
            if pos_chars == *start {
                *run += len_chars;
                return;
            }
            if pos_chars + len_chars == *start {
                *start = pos_chars;
                *run += len_chars;
                return;
            }
        }
        pending.apply_run(&linear.history.text);
        pending.run = Run::Delete { pos_chars, len_chars };
    }

    fn len_chars(&self) -> usize {
        match &self.state {
            State::Linear(linear) => linear.len_chars,
            State::Full(doc) => doc.len_chars(),
        }
    }

    fn text(&self) -> String {
        match &self.state {
            State::Linear(linear) => linear.text().to_string_all(),
            State::Full(doc) => doc.text(),
        }
    }

    fn slice(&self, range_chars: Range<usize>) -> String {
        match &self.state {
            State::Linear(linear) => {
                let len_chars = linear.len_chars;
                if range_chars.start > range_chars.end || range_chars.end > len_chars {
                    panic_slice_out_of_range(range_chars, len_chars);
                }
                linear.text().slice(range_chars)
            }
            State::Full(doc) => doc.slice(range_chars),
        }
    }

    fn fork(&self, agent: &str) -> Self {
        let state = match &self.state {
            State::Linear(linear) => {
                // A fork is a copy that edits on as `agent`: its history says so.
                let mut history = linear.history.clone();
                history.set_agent(agent);
                let text = Text { chunks: linear.text().clone(), run: Run::None };
                State::Linear(Linear { text: RefCell::new(text), history, len_chars: linear.len_chars, built: OnceCell::new() })
            }
            State::Full(doc) => State::Full(doc.fork(agent)),
        };
        Lazy { state, agent: agent.to_owned() }
    }

    fn version(&self) -> Version {
        self.full_ref().version()
    }

    fn frontier(&self) -> Vec<(String, u32)> {
        self.full_ref().frontier()
    }

    fn ops_since(&self, since: &Version) -> OpBatch {
        self.full_ref().ops_since(since)
    }

    fn integrate(&mut self, ops: &OpBatch) -> Result<(), IntegrateError> {
        self.become_full().integrate(ops)
    }

    fn export_encoded(&self, since: &Version) -> Vec<u8> {
        match &self.state {
            // Everything, from a linear history: the history itself, by position.
            State::Linear(linear) if *since == Version::root() => encode_history(&linear.history),
            _ => self.full_ref().export_encoded(since),
        }
    }

    fn integrate_encoded(&mut self, bytes: &[u8]) -> Result<(), ImportError> {
        if !is_history(bytes) {
            return self.become_full().integrate_encoded(bytes);
        }
        let (mut history, chunks, len_chars) = decode_history(bytes)?;
        history.set_agent(&self.agent);
        if let Some(linear) = self.linear_mut().filter(|linear| linear.history.edits.is_empty()) {
            // A replica with no edits of its own takes the peer's history as its own, and
            // edits on as itself (the agent change recorded above). Still linear: nothing
            // is built.
            *linear = Linear { text: RefCell::new(Text { chunks, run: Run::None }), history, len_chars, built: OnceCell::new() };
            return Ok(());
        }
        // Otherwise the peer's ops are what its history makes, integrated as any peer's.
        let peer: D = history.replay();
        let doc = self.become_full();
        let missing = peer.ops_since(&doc.version());
        Ok(doc.integrate(&missing)?)
    }

    fn merge(&mut self, other: &Self) {
        let other = other.full_ref();
        self.become_full().merge(other);
    }

    fn assert_invariants(&self) {
        match &self.state {
            State::Linear(linear) => {
                let text = linear.text();
                text.assert_invariants();
                assert_eq!(text.len_chars(), linear.len_chars, "the known length is stale");
                linear.history.assert_invariants();
                assert_eq!(linear.history.agents.last().map(String::as_str), Some(self.agent.as_str()), "the agent name copy is stale");
                // The history makes this text, and a valid document.
                let replayed: D = linear.history.replay();
                replayed.assert_invariants();
                assert_eq!(replayed.text(), text.to_string_all(), "the history does not make the text");
                if let Some(built) = linear.built.get() {
                    assert_eq!(built.text(), replayed.text(), "the built document is stale");
                }
            }
            State::Full(doc) => {
                doc.assert_invariants();
                assert_eq!(doc.agent(), self.agent, "the agent name copy is stale");
            }
        }
    }

    fn flush(&mut self) {
        match &mut self.state {
            // The text's pending run goes in now, inside the replay's timing (`Subject::finish`),
            // not in the first read after it.
            State::Linear(linear) => linear.text.get_mut().apply_run(&linear.history.text),
            State::Full(doc) => doc.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Lazy against the document it wraps, on seeded random sessions shaped like typing, with
    //! reads, forks, exports and merges at random moments: same texts, same whole op logs.

    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    use super::*;
    use crate::steps::s53_branchless_scan::S53BranchlessScan as Inner;

    fn random_edit<A: TextCrdt, B: TextCrdt>(rng: &mut SmallRng, a: &mut A, b: &mut B, caret: &mut usize) {
        let len = a.len_chars();
        assert_eq!(len, b.len_chars());
        if rng.gen_bool(0.1) || *caret > len {
            *caret = rng.gen_range(0..=len);
        }
        match rng.gen_range(0..10) {
            0..=5 => {
                let text = ["a", "bc", "é", "🙂", "xyz", "\n"][rng.gen_range(0..6)];
                a.insert(*caret, text);
                b.insert(*caret, text);
                *caret += text.chars().count();
            }
            6 | 7 if *caret > 0 => {
                // Backspace.
                *caret -= 1;
                a.delete(*caret, 1);
                b.delete(*caret, 1);
            }
            _ if *caret < len => {
                // Delete key, sometimes several chars.
                let n = rng.gen_range(1..=(len - *caret).min(3));
                a.delete(*caret, n);
                b.delete(*caret, n);
            }
            _ => {}
        }
    }

    #[test]
    fn lazy_logs_exactly_what_the_document_logs() {
        for seed in 0..30 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut lazy = Lazy::<Inner>::new("alice");
            let mut plain = Inner::new("alice");
            let mut caret = 0;
            for step in 0..400 {
                random_edit(&mut rng, &mut lazy, &mut plain, &mut caret);
                match rng.gen_range(0..200) {
                    0 => {
                        let agent = format!("agent-{step}");
                        lazy.set_agent(&agent);
                        plain.set_agent(&agent);
                    }
                    1 => {
                        let agent = format!("fork-{step}");
                        lazy = lazy.fork(&agent);
                        plain = plain.fork(&agent);
                    }
                    // A read that builds the document; the next edit takes it over.
                    2 => assert_eq!(lazy.version(), plain.version(), "seed {seed}, step {step}"),
                    3 => assert_eq!(lazy.text(), plain.text(), "seed {seed}, step {step}"),
                    // What a replay's `Subject::finish` does: the text's run goes in.
                    6 => {
                        lazy.flush();
                        plain.flush();
                        lazy.assert_invariants();
                    }
                    4 | 5 => {
                        let len = plain.len_chars();
                        let start = rng.gen_range(0..=len);
                        let end = rng.gen_range(start..=len);
                        assert_eq!(lazy.slice(start..end), plain.slice(start..end), "seed {seed}, step {step}");
                    }
                    _ => {}
                }
            }
            lazy.assert_invariants();
            assert_eq!(lazy.text(), plain.text(), "seed {seed}");
            assert_eq!(lazy.ops_since(&Version::root()), plain.ops_since(&Version::root()), "seed {seed}: op logs");
            assert_eq!(lazy.frontier(), plain.frontier(), "seed {seed}");
        }
    }

    #[test]
    fn linear_replicas_merge_as_full_ones() {
        for seed in 0..20 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut a = Lazy::<Inner>::new("a");
            let mut plain_a = Inner::new("a");
            let mut caret = 0;
            for _ in 0..50 {
                random_edit(&mut rng, &mut a, &mut plain_a, &mut caret);
            }
            let mut b = a.fork("b");
            let mut plain_b = plain_a.fork("b");
            assert!(b.is_linear(), "a fork of a linear replica is linear");
            let mut caret_b = caret;
            for _ in 0..50 {
                random_edit(&mut rng, &mut a, &mut plain_a, &mut caret);
                random_edit(&mut rng, &mut b, &mut plain_b, &mut caret_b);
            }
            a.merge(&b);
            plain_a.merge(&plain_b);
            assert!(!a.is_linear(), "a merge makes a replica full");
            a.assert_invariants();
            b.assert_invariants();
            assert_eq!(a.text(), plain_a.text(), "seed {seed}");
            assert_eq!(a.ops_since(&Version::root()), plain_a.ops_since(&Version::root()), "seed {seed}");
            // The other way, through the encoded batch a peer would send.
            let bytes = crate::encoding::encode(&plain_a.ops_since(&b.version()));
            b.integrate_encoded(&bytes).expect("a peer's ops integrate");
            assert_eq!(b.text(), a.text(), "seed {seed}: converged");
        }
    }

    #[test]
    fn a_history_by_position_stands_for_exactly_the_ops_the_document_sends() {
        for seed in 0..20 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut lazy = Lazy::<Inner>::new("a");
            let mut plain = Inner::new("a");
            let mut caret = 0;
            for step in 0..300 {
                random_edit(&mut rng, &mut lazy, &mut plain, &mut caret);
                if step == 150 && seed % 2 == 0 {
                    lazy.set_agent("c");
                    plain.set_agent("c");
                }
            }
            let bytes = lazy.export_encoded(&Version::root());
            assert!(is_history(&bytes), "seed {seed}: a linear replica sends its history");
            let ops = plain.ops_since(&Version::root());
            assert_eq!(crate::encoding::decode(&bytes).expect("decodes"), ops, "seed {seed}: decode");
            // A fresh lazy replica takes the history over, still linear.
            let mut fresh = Lazy::<Inner>::new("b");
            fresh.integrate_encoded(&bytes).expect("integrates");
            assert!(fresh.is_linear(), "seed {seed}");
            fresh.assert_invariants();
            assert_eq!(fresh.text(), plain.text(), "seed {seed}");
            assert_eq!(fresh.ops_since(&Version::root()), ops, "seed {seed}: the ops it stands for");
            assert_eq!(fresh.agent(), "b");
            // A document without histories reads it as those ops (and stores them as any
            // peer's: its own cut of runs may differ, so the texts and versions are compared).
            let mut full = Inner::new("b");
            full.integrate_encoded(&bytes).expect("integrates");
            let mut by_ops = Inner::new("b");
            by_ops.integrate(&ops).expect("integrates");
            assert_eq!(full.text(), plain.text(), "seed {seed}");
            assert_eq!(full.version(), by_ops.version(), "seed {seed}");
            assert_eq!(full.ops_since(&Version::root()), by_ops.ops_since(&Version::root()), "seed {seed}");
            // A replica with edits of its own merges it as a peer's ops.
            let mut other = Lazy::<Inner>::new("d");
            let mut plain_other = Inner::new("d");
            let mut caret_other = 0;
            for _ in 0..20 {
                random_edit(&mut rng, &mut other, &mut plain_other, &mut caret_other);
            }
            other.integrate_encoded(&bytes).expect("integrates");
            plain_other.integrate(&ops).expect("integrates");
            other.assert_invariants();
            assert_eq!(other.text(), plain_other.text(), "seed {seed}: merged");
            assert_eq!(other.version(), plain_other.version(), "seed {seed}: merged");
        }
    }

    #[test]
    fn every_prefix_and_bit_flip_of_a_history_is_an_error_or_a_history() {
        let mut rng = SmallRng::seed_from_u64(7);
        let mut lazy = Lazy::<Inner>::new("a");
        let mut plain = Inner::new("a");
        let mut caret = 0;
        for _ in 0..40 {
            random_edit(&mut rng, &mut lazy, &mut plain, &mut caret);
        }
        lazy.set_agent("b");
        random_edit(&mut rng, &mut lazy, &mut plain, &mut caret);
        let bytes = lazy.export_encoded(&Version::root());
        for len in 0..bytes.len() {
            assert!(decode_history(&bytes[..len]).is_err(), "prefix of {len} bytes decoded");
            let mut fresh = Lazy::<Inner>::new("x");
            assert!(fresh.integrate_encoded(&bytes[..len]).is_err());
            assert_eq!(fresh.text(), "", "a failed import changed the replica");
        }
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[i] ^= 1 << bit;
                let mut fresh = Lazy::<Inner>::new("x");
                if fresh.integrate_encoded(&flipped).is_ok() {
                    // Whatever it decoded to is a valid history that makes its text.
                    fresh.assert_invariants();
                }
            }
        }
    }

    #[test]
    fn out_of_range_edits_panic_as_the_documents_do() {
        for edit in [
            (|doc: &mut Lazy<Inner>| doc.insert(4, "x")) as fn(&mut Lazy<Inner>),
            |doc| doc.delete(2, 2),
            |doc| doc.delete(usize::MAX, 2),
            |doc| {
                doc.slice(2..4);
            },
        ] {
            let result = std::panic::catch_unwind(|| {
                let mut doc = Lazy::<Inner>::new("a");
                doc.insert(0, "abc");
                edit(&mut doc);
            });
            let message = result.expect_err("out of range must panic");
            let message = message.downcast_ref::<String>().expect("a formatted message");
            assert!(message.contains("out of range"), "{message}");
        }
    }
}
