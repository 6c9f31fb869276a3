//! A compact binary encoding of [`OpBatch`]es: what the engine sends to a peer (the `remote`
//! workload) and saves to disk (the `load` workload).
//!
//! [`encode`] never fails; [`decode`] returns a [`DecodeError`] for any bytes that are not an
//! encoding, and never panics: every read is bounds-checked, lengths taken from the input only
//! ever size an allocation after they are checked against the bytes that remain, and seq
//! arithmetic is checked. A decoded batch is *well formed* (every agent index is inside its
//! name table, every op is non-empty, no seq overflows `u32`), but whether its ops make sense
//! together (origins that exist, causal order) is for [`TextCrdt::integrate`] to check, which
//! it does before changing anything.
//!
//! [`TextCrdt::integrate`]: crate::TextCrdt::integrate
//!
//! # Format (version 3)
//!
//! Integers are unsigned LEB128 varints (7 bits a byte, low bits first, at most 10 bytes, no
//! bits beyond 64); signed deltas are zigzag-encoded first (`0, -1, 1, -2, ..` as
//! `0, 1, 2, 3, ..`).
//!
//! ```text
//! batch  := magic:"CBE" version:0x01 agents ops
//! agents := count:varint (len:varint utf8-bytes)*        -- the agent name table
//! ops    := count:varint op*
//! op     := tag:u8 [agent:varint] [seq:varint] [parents] body
//! ```
//!
//! The tag's bits:
//!
//! | bit | meaning |
//! |---|---|
//! | 0 | 0 insert, 1 delete |
//! | 1 | same agent as the previous op (else `agent` follows) |
//! | 2 | `seq` is the agent's next seq: the end of its last op in this batch, 0 for its first (else `seq` follows) |
//! | 3-4 | parents: 0 a list follows (`count:varint id*`), 1 the last char op of the previous op, 2 none (the document start) |
//! | 5-6 | insert: left origin 0 an id follows, 1 none (document start), 2 the last char op of the previous op |
//! | 7 | insert: right origin is none (document end; else an id follows) |
//! | 5 | delete: `len_chars` is 1 (else `len_chars:varint` follows) |
//! | 6 | delete: backward (a backspace run: char op `k` deletes `target - k`; version 2 only) |
//! | 7 | delete: must be 0 |
//!
//! Bodies: insert `[origin_left:id] [origin_right:id] len:varint utf8-bytes` (the text, `len`
//! bytes, at least one char); delete `target:id [len_chars:varint]`.
//!
//! An `id` is written relative to a base id: `varint(zigzag(seq - base.seq) << 1)` when its
//! agent is the base's, else `varint(agent << 1 | 1) varint(seq)`. The bases: the op's own id
//! for parents and the left origin; the left origin (or the op's id) for the right origin; the
//! previous delete's target (or the op's id) for a delete target, so a backspace run costs
//! two bytes a char and a typing run a few bytes plus its text.
//!
//! Version 3 adds each op's position hint ([`Op::pos_hint`]) after its body: `hint:varint`, 0
//! for none, else `zigzag(pos - last) + 1` where `last` is the batch's previous hint (0 before
//! the first), so a typing run's hints cost a byte or two an op.
//!
//! Version 1 is version 2 without backward deletes (bit 6 of a delete's tag reserved);
//! version 2 is version 3 without hints. The decoder reads all three; the encoder writes
//! version 3 when an op has a hint, else version 2 (byte for byte what it wrote before hints).
//!
//! A replica whose history is linear (s55's `lazy-items`) sends a whole history in another
//! form, its edits by position (magic `CBH`, in `crate::lazy`): [`decode`] reads that too, as
//! the ops replaying it makes, and so does every document's `integrate_encoded`.
//!
//! Runs are the batch's own: an [`Op`] is already a run of char ops (a typed word, a deleted
//! range), and the encoding keeps that cut exactly, so `decode(encode(b)) == b`.

use std::fmt;

use crate::ops::{BatchOp, BatchOpKind, BatchParents, Op, OpBatch, OpId, OpKind};

const MAGIC: &[u8; 3] = b"CBE";
const VERSION: u8 = 3;
/// The version without position hints: what a batch without any is written as.
const VERSION_WITHOUT_HINTS: u8 = 2;

const KIND_DELETE: u8 = 1 << 0;
const SAME_AGENT: u8 = 1 << 1;
const NEXT_SEQ: u8 = 1 << 2;
const PARENTS_SHIFT: u8 = 3;
const PARENTS_LIST: u8 = 0;
const PARENTS_PREVIOUS: u8 = 1;
const PARENTS_NONE: u8 = 2;
const LEFT_SHIFT: u8 = 5;
const LEFT_ID: u8 = 0;
const LEFT_NONE: u8 = 1;
const LEFT_PREVIOUS: u8 = 2;
const RIGHT_NONE: u8 = 1 << 7;
const DELETE_ONE: u8 = 1 << 5;
const DELETE_BACKWARD: u8 = 1 << 6;
const DELETE_RESERVED: u8 = 0b1000_0000;

/// Why [`decode`] rejected some bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset in the input where decoding stopped.
    pub offset: usize,
    /// What was wrong there.
    pub reason: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an engine op batch (at byte {}): {}", self.offset, self.reason)
    }
}

impl std::error::Error for DecodeError {}

pub(crate) fn zigzag(delta: i64) -> u64 {
    ((delta << 1) ^ (delta >> 63)) as u64
}

pub(crate) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_id(out: &mut Vec<u8>, id: OpId, base: OpId) {
    if id.agent == base.agent {
        put_varint(out, zigzag(i64::from(id.seq) - i64::from(base.seq)) << 1);
    } else {
        put_varint(out, (u64::from(id.agent) << 1) | 1);
        put_varint(out, u64::from(id.seq));
    }
}

/// The last char op of `op`.
fn last_id(op: &Op) -> OpId {
    let len = u32::try_from(op.len_chars()).unwrap_or(u32::MAX);
    OpId { agent: op.id.agent, seq: op.id.seq.saturating_add(len.saturating_sub(1)) }
}

/// Per-agent next seq, grown on demand (agent indexes are dense in a batch's table).
#[derive(Default)]
struct NextSeqs(Vec<u64>);

impl NextSeqs {
    #[inline]
    fn get(&self, agent: u32) -> u64 {
        self.0.get(agent as usize).copied().unwrap_or(0)
    }
    #[inline]
    fn set(&mut self, agent: u32, next: u64) {
        match self.0.get_mut(agent as usize) {
            Some(slot) => *slot = next,
            None => self.grow_to_set(agent, next),
        }
    }

    #[cold]
    fn grow_to_set(&mut self, agent: u32, next: u64) {
        self.0.resize(agent as usize + 1, 0);
        self.0[agent as usize] = next;
    }
}

/// Encodes `batch` (see the module doc for the format).
pub fn encode(batch: &OpBatch) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + batch.ops.len() * 4);
    out.extend_from_slice(MAGIC);
    let hints = batch.ops.iter().any(|op| op.pos_hint.is_some());
    out.push(if hints { VERSION } else { VERSION_WITHOUT_HINTS });
    let mut last_hint: i64 = 0;
    put_varint(&mut out, batch.agents.len() as u64);
    for name in &batch.agents {
        put_varint(&mut out, name.len() as u64);
        out.extend_from_slice(name.as_bytes());
    }
    put_varint(&mut out, batch.ops.len() as u64);
    let mut next = NextSeqs::default();
    let mut prev: Option<(u32, OpId)> = None; // (agent, last char op) of the previous op
    let mut last_target: Option<OpId> = None;
    for op in &batch.ops {
        let mut tag = 0u8;
        let same_agent = prev.is_some_and(|(agent, _)| agent == op.id.agent);
        if same_agent {
            tag |= SAME_AGENT;
        }
        let next_seq = next.get(op.id.agent) == u64::from(op.id.seq);
        if next_seq {
            tag |= NEXT_SEQ;
        }
        let prev_last = prev.map(|(_, last)| last);
        let parents_mode = if op.parents.is_empty() {
            PARENTS_NONE
        } else if prev_last.is_some() && op.parents.len() == 1 && Some(op.parents[0]) == prev_last {
            PARENTS_PREVIOUS
        } else {
            PARENTS_LIST
        };
        tag |= parents_mode << PARENTS_SHIFT;
        match &op.kind {
            OpKind::Insert { origin_left, origin_right, .. } => {
                let left_mode = match origin_left {
                    None => LEFT_NONE,
                    Some(l) if Some(*l) == prev_last => LEFT_PREVIOUS,
                    Some(_) => LEFT_ID,
                };
                tag |= left_mode << LEFT_SHIFT;
                if origin_right.is_none() {
                    tag |= RIGHT_NONE;
                }
            }
            OpKind::Delete { len_chars, backward, .. } => {
                tag |= KIND_DELETE;
                if *len_chars == 1 {
                    tag |= DELETE_ONE;
                }
                if *backward {
                    tag |= DELETE_BACKWARD;
                }
            }
        }
        out.push(tag);
        if !same_agent {
            put_varint(&mut out, u64::from(op.id.agent));
        }
        if !next_seq {
            put_varint(&mut out, u64::from(op.id.seq));
        }
        if parents_mode == PARENTS_LIST {
            put_varint(&mut out, op.parents.len() as u64);
            for &p in &op.parents {
                put_id(&mut out, p, op.id);
            }
        }
        match &op.kind {
            OpKind::Insert { origin_left, origin_right, text } => {
                if let Some(l) = origin_left {
                    if Some(*l) != prev_last {
                        put_id(&mut out, *l, op.id);
                    }
                }
                if let Some(r) = origin_right {
                    put_id(&mut out, *r, origin_left.unwrap_or(op.id));
                }
                put_varint(&mut out, text.len() as u64);
                out.extend_from_slice(text.as_bytes());
            }
            OpKind::Delete { target, len_chars, .. } => {
                put_id(&mut out, *target, last_target.unwrap_or(op.id));
                last_target = Some(*target);
                if *len_chars != 1 {
                    put_varint(&mut out, u64::from(*len_chars));
                }
            }
        }
        if hints {
            match op.pos_hint {
                None => put_varint(&mut out, 0),
                Some(pos) => {
                    put_varint(&mut out, zigzag(i64::from(pos) - last_hint) + 1);
                    last_hint = i64::from(pos);
                }
            }
        }
        next.set(op.id.agent, u64::from(op.id.seq) + op.len_chars() as u64);
        prev = Some((op.id.agent, last_id(op)));
    }
    out
}

pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn err<T>(&self, reason: &'static str) -> Result<T, DecodeError> {
        Err(DecodeError { offset: self.at, reason })
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    #[inline]
    pub(crate) fn byte(&mut self) -> Result<u8, DecodeError> {
        match self.bytes.get(self.at) {
            Some(&b) => {
                self.at += 1;
                Ok(b)
            }
            None => self.err("unexpected end of input"),
        }
    }

    pub(crate) fn take(&mut self, len: u64) -> Result<&'a [u8], DecodeError> {
        if len > self.remaining() as u64 {
            return self.err("a length runs past the end of the input");
        }
        let start = self.at;
        self.at += len as usize;
        Ok(&self.bytes[start..self.at])
    }

    /// A varint. Most in a batch are one byte (ids relative to the op before, short lengths):
    /// those are read inline, the rest by [`Reader::varint_long`].
    #[inline]
    pub(crate) fn varint(&mut self) -> Result<u64, DecodeError> {
        match self.bytes.get(self.at) {
            Some(&b) if b < 0x80 => {
                self.at += 1;
                Ok(u64::from(b))
            }
            _ => self.varint_long(),
        }
    }

    fn varint_long(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            if i == 9 && bits > 1 {
                return self.err("varint overflows 64 bits");
            }
            v |= bits << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.err("varint longer than 10 bytes")
    }

    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let v = self.varint()?;
        u32::try_from(v).or_else(|_| self.err(what))
    }

    /// A count of items that each take at least `min_bytes`: checked against what remains, so
    /// it can size an allocation.
    pub(crate) fn count(&mut self, min_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.varint()?;
        if n > (self.remaining() / min_bytes.max(1)) as u64 {
            return self.err("a count is larger than the input could hold");
        }
        Ok(n as usize)
    }

    #[inline]
    fn id(&mut self, base: OpId, agents: usize) -> Result<OpId, DecodeError> {
        let head = self.varint()?;
        if head & 1 == 0 {
            let seq = i64::from(base.seq) + unzigzag(head >> 1);
            match u32::try_from(seq) {
                Ok(seq) => Ok(OpId { agent: base.agent, seq }),
                Err(_) => self.err("an id's seq is outside 0..2^32"),
            }
        } else {
            let agent = head >> 1;
            if agent >= agents as u64 {
                return self.err("an id names an agent outside the name table");
            }
            let seq = self.u32("an id's seq is outside 0..2^32")?;
            Ok(OpId { agent: agent as u32, seq })
        }
    }

    #[inline]
    pub(crate) fn str(&mut self) -> Result<&'a str, DecodeError> {
        let len = self.varint()?;
        let start = self.at;
        let bytes = self.take(len)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s),
            Err(_) => Err(DecodeError { offset: start, reason: "text is not UTF-8" }),
        }
    }
}

/// Decodes [`encode`]'s output. Never panics; see the module doc for what is checked.
///
/// # Errors
/// A [`DecodeError`] naming the byte offset and the problem, for any input that is not a
/// complete, well-formed encoding (trailing bytes included).
pub fn decode(bytes: &[u8]) -> Result<OpBatch, DecodeError> {
    if crate::lazy::is_history(bytes) {
        // A linear history sent by position: its ops are what replaying it makes.
        return crate::lazy::decode_history_as_batch(bytes);
    }
    let mut decoder = Decoder::new(bytes)?;
    let agents = decoder.agents().iter().map(|&name| name.to_owned()).collect();
    let mut ops = Vec::with_capacity(decoder.op_count());
    for op in &mut decoder {
        ops.push(op?.to_op());
    }
    Ok(OpBatch { agents, ops })
}

/// Reads an encoding one op at a time, borrowing each insert's text from the bytes: what
/// [`decode`] collects into an [`OpBatch`], and what a document's
/// [`integrate_encoded`](crate::TextCrdt::integrate_encoded) plans from directly, without a
/// `String` and a `Vec` per op.
///
/// As an iterator it yields every op, then (if bytes are left over) one error, and after any
/// error nothing more.
pub(crate) struct Decoder<'a> {
    r: Reader<'a>,
    agents: Vec<&'a str>,
    op_count: usize,
    ops_read: usize,
    done: bool,
    next: NextSeqs,
    /// (agent, last char op) of the previous op.
    prev: Option<(u32, OpId)>,
    last_target: Option<OpId>,
    /// The format version read from the header (1 has no backward deletes, 1 and 2 no hints).
    version: u8,
    /// The previous position hint (0 before the first): what a hint is relative to.
    last_hint: i64,
}

impl<'a> Decoder<'a> {
    /// Reads the header and the agent name table.
    pub(crate) fn new(bytes: &'a [u8]) -> Result<Decoder<'a>, DecodeError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(MAGIC.len() as u64).ok() != Some(&MAGIC[..]) {
            return Err(DecodeError { offset: 0, reason: "missing the \"CBE\" magic" });
        }
        let version = r.byte()?;
        if !(1..=VERSION).contains(&version) {
            return Err(DecodeError { offset: 3, reason: "unknown format version" });
        }
        let agent_count = r.count(1)?;
        let mut agents = Vec::with_capacity(agent_count);
        for _ in 0..agent_count {
            agents.push(r.str()?);
        }
        let op_count = r.count(2)?;
        Ok(Decoder {
            version,
            r,
            agents,
            op_count,
            ops_read: 0,
            done: false,
            next: NextSeqs::default(),
            prev: None,
            last_target: None,
            last_hint: 0,
        })
    }

    /// The batch's agent name table: what the ops' [`OpId::agent`]s index.
    pub(crate) fn agents(&self) -> &[&'a str] {
        &self.agents
    }

    /// How many ops the batch says it holds (checked against the bytes, so it can size an
    /// allocation).
    pub(crate) fn op_count(&self) -> usize {
        self.op_count
    }

    fn op(&mut self) -> Result<BatchOp<'a>, DecodeError> {
        let r = &mut self.r;
        let agent_count = self.agents.len();
        let tag_at = r.at;
        let tag = r.byte()?;
        let agent = if tag & SAME_AGENT != 0 {
            match self.prev {
                Some((agent, _)) => agent,
                None => return r.err("the first op cannot reuse the previous op's agent"),
            }
        } else {
            let agent = r.varint()?;
            if agent >= agent_count as u64 {
                return r.err("an op's agent is outside the name table");
            }
            agent as u32
        };
        let seq = if tag & NEXT_SEQ != 0 {
            match u32::try_from(self.next.get(agent)) {
                Ok(seq) => seq,
                Err(_) => return r.err("seq overflows u32"),
            }
        } else {
            r.u32("an op's seq is outside 0..2^32")?
        };
        let id = OpId { agent, seq };
        let prev_last = self.prev.map(|(_, last)| last);
        let parents = match (tag >> PARENTS_SHIFT) & 0b11 {
            PARENTS_LIST => {
                let n = r.count(1)?;
                let mut parents = Vec::with_capacity(n);
                for _ in 0..n {
                    parents.push(r.id(id, agent_count)?);
                }
                BatchParents::Owned(parents)
            }
            PARENTS_PREVIOUS => match prev_last {
                Some(last) => BatchParents::One(last),
                None => return r.err("the first op cannot have the previous op as its parent"),
            },
            PARENTS_NONE => BatchParents::Slice(&[]),
            _ => return Err(DecodeError { offset: tag_at, reason: "unknown parents mode" }),
        };
        let (kind, len_chars) = if tag & KIND_DELETE == 0 {
            let origin_left = match (tag >> LEFT_SHIFT) & 0b11 {
                LEFT_ID => Some(r.id(id, agent_count)?),
                LEFT_NONE => None,
                LEFT_PREVIOUS => match prev_last {
                    Some(last) => Some(last),
                    None => return r.err("the first op cannot have the previous op as its left origin"),
                },
                _ => return Err(DecodeError { offset: tag_at, reason: "unknown left origin mode" }),
            };
            let origin_right =
                if tag & RIGHT_NONE != 0 { None } else { Some(r.id(origin_left.unwrap_or(id), agent_count)?) };
            let text = r.str()?;
            let len_chars = crate::doc::count_chars(text) as u64;
            if len_chars == 0 {
                return r.err("an insert with no text");
            }
            (BatchOpKind::Insert { origin_left, origin_right, text }, len_chars)
        } else {
            let backward = tag & DELETE_BACKWARD != 0;
            if tag & DELETE_RESERVED != 0 || (backward && self.version < 2) {
                return Err(DecodeError { offset: tag_at, reason: "reserved tag bits set on a delete" });
            }
            let target = r.id(self.last_target.unwrap_or(id), agent_count)?;
            self.last_target = Some(target);
            let len_chars = if tag & DELETE_ONE != 0 { 1 } else { r.u32("a delete's length is outside 0..2^32")? };
            if len_chars == 0 {
                return r.err("a delete of no chars");
            }
            let in_range = if backward {
                target.seq >= len_chars - 1
            } else {
                u64::from(target.seq) + u64::from(len_chars) <= u64::from(u32::MAX) + 1
            };
            if !in_range {
                return r.err("a delete's target range overflows u32 seqs");
            }
            (BatchOpKind::Delete { target, backward }, u64::from(len_chars))
        };
        let end = u64::from(seq) + len_chars;
        if end > u64::from(u32::MAX) + 1 {
            return r.err("an op's seqs overflow u32");
        }
        let pos_hint = if self.version >= 3 {
            match r.varint()? {
                0 => None,
                v => {
                    let pos = self.last_hint.checked_add(unzigzag(v - 1)).unwrap_or(-1);
                    let Ok(pos) = u32::try_from(pos) else {
                        return r.err("a position hint outside 0..2^32");
                    };
                    self.last_hint = i64::from(pos);
                    Some(pos)
                }
            }
        } else {
            None
        };
        let last = OpId { agent, seq: (end - 1) as u32 };
        self.next.set(agent, end);
        self.prev = Some((agent, last));
        Ok(BatchOp { id, len_chars, parents, kind, pos_hint })
    }
}

impl<'a> Iterator for Decoder<'a> {
    type Item = Result<BatchOp<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.ops_read == self.op_count {
            self.done = true;
            return (self.r.remaining() != 0).then(|| self.r.err("trailing bytes after the last op"));
        }
        self.ops_read += 1;
        let op = self.op();
        self.done = op.is_err();
        Some(op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(agent: u32, seq: u32) -> OpId {
        OpId { agent, seq }
    }

    fn sample() -> OpBatch {
        OpBatch {
            agents: vec!["alice".into(), "bob".into(), "日本".into()],
            ops: vec![
                Op {
                    id: id(0, 0),
                    parents: vec![],
                    kind: OpKind::Insert { origin_left: None, origin_right: None, text: "hello".into() },
                    pos_hint: None,
                },
                Op {
                    id: id(0, 5),
                    parents: vec![id(0, 4)],
                    kind: OpKind::Insert { origin_left: Some(id(0, 4)), origin_right: None, text: " wörld🙂".into() },
                    pos_hint: Some(5),
                },
                Op {
                    id: id(1, 0),
                    parents: vec![id(0, 4)],
                    kind: OpKind::Insert { origin_left: None, origin_right: Some(id(0, 0)), text: "> ".into() },
                    pos_hint: Some(0),
                },
                Op { id: id(0, 12), parents: vec![id(0, 11), id(1, 1)], kind: OpKind::Delete { target: id(0, 11), len_chars: 1, backward: false }, pos_hint: None },
                Op { id: id(0, 13), parents: vec![id(0, 12)], kind: OpKind::Delete { target: id(0, 10), len_chars: 1, backward: false }, pos_hint: None },
                Op { id: id(2, 7), parents: vec![id(0, 13)], kind: OpKind::Delete { target: id(1, 0), len_chars: 2, backward: false }, pos_hint: None },
                Op { id: id(2, 9), parents: vec![id(2, 8)], kind: OpKind::Delete { target: id(0, 9), len_chars: 3, backward: true }, pos_hint: None },
            ],
        }
    }

    #[test]
    fn roundtrip_of_a_hand_made_batch() {
        let batch = sample();
        let bytes = encode(&batch);
        assert_eq!(decode(&bytes), Ok(batch));
        assert_eq!(decode(&encode(&OpBatch::default())), Ok(OpBatch::default()));
    }

    #[test]
    fn a_batch_without_hints_is_version_2_and_hints_survive_in_version_3() {
        let hinted = sample();
        assert_eq!(encode(&hinted)[3], VERSION);
        let mut unhinted = sample();
        for op in &mut unhinted.ops {
            op.pos_hint = None;
        }
        let bytes = encode(&unhinted);
        assert_eq!(bytes[3], VERSION_WITHOUT_HINTS);
        assert_eq!(decode(&bytes), Ok(unhinted));
        // Hints far apart, both ways, and at the ends of u32.
        let mut extremes = sample();
        let hints = [Some(u32::MAX), Some(0), None, Some(7), Some(u32::MAX), None, Some(1)];
        for (op, hint) in extremes.ops.iter_mut().zip(hints) {
            op.pos_hint = hint;
        }
        assert_eq!(decode(&encode(&extremes)), Ok(extremes));
    }

    #[test]
    fn varints_and_zigzag_roundtrip_at_the_edges() {
        for v in [0u64, 1, 127, 128, 16_383, 16_384, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut r = Reader { bytes: &out, at: 0 };
            assert_eq!(r.varint(), Ok(v));
            assert_eq!(r.remaining(), 0);
        }
        for d in [0i64, -1, 1, i64::from(u32::MAX), -i64::from(u32::MAX), i64::MIN, i64::MAX] {
            assert_eq!(unzigzag(zigzag(d)), d);
        }
        // An 11th byte, and bits past 64, are errors.
        assert!(Reader { bytes: &[0xff; 11], at: 0 }.varint().is_err());
        let mut too_big = vec![0xff; 9];
        too_big.push(0x02);
        assert!(Reader { bytes: &too_big, at: 0 }.varint().is_err());
    }

    #[test]
    fn every_prefix_and_every_bit_flip_is_an_error_or_a_batch() {
        let bytes = encode(&sample());
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "prefix of {len} bytes decoded");
        }
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[i] ^= 1 << bit;
                let _ = decode(&flipped);
            }
        }
    }

    #[test]
    fn huge_counts_do_not_allocate() {
        // Claims u64::MAX agents, then u32::MAX ops: rejected by the remaining-bytes check.
        let mut bytes = b"CBE\x01".to_vec();
        put_varint(&mut bytes, u64::MAX);
        assert!(decode(&bytes).is_err());
        let mut bytes = b"CBE\x01\x00".to_vec();
        put_varint(&mut bytes, u64::from(u32::MAX));
        assert!(decode(&bytes).is_err());
    }
}
