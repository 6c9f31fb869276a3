//! [`GapText`]: a document's text as UTF-8 in one array with a gap at the last edit, addressed
//! by char (code point) position. What s55's replica with a linear history keeps instead of
//! CRDT items ([`crate::lazy`]).
//!
//! Editing traces are local: most edits are next to the last one, so moving the gap there
//! copies a few bytes, and an insert is a copy into the gap. A far edit moves the bytes in
//! between once (a `memmove`), and finding a char position counts chars only over the bytes
//! between the gap and the edit, eight ASCII bytes at a time.

use std::ops::Range;

/// Text with a gap: `buf[..gap_start]` is the text before the gap, `buf[gap_end..]` the text
/// after it; the bytes in the gap are garbage.
#[derive(Clone, Debug, Default)]
pub struct GapText {
    buf: Vec<u8>,
    gap_start: usize,
    gap_end: usize,
    /// Chars in `buf[..gap_start]`.
    gap_start_chars: usize,
    len_chars: usize,
}

/// Bytes a new gap text reserves on its first insert.
const MIN_CAPACITY_BYTES: usize = 256;

/// Whether `byte` continues a UTF-8 char (0b10xx_xxxx) rather than starting one.
#[inline]
fn is_continuation(byte: u8) -> bool {
    (byte as i8) < -0x40
}

/// Bytes from `from` that hold the next `n_chars` chars of `bytes` (valid UTF-8 from `from`).
#[inline]
fn bytes_of_chars_forward(bytes: &[u8], from: usize, mut n_chars: usize) -> usize {
    let mut at = from;
    // Eight ASCII bytes are eight chars.
    while n_chars >= 8 {
        let Some(word) = bytes.get(at..at + 8) else { break };
        let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        if word & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        at += 8;
        n_chars -= 8;
    }
    while n_chars > 0 {
        at += 1;
        // Past the char's lead byte: skip its continuation bytes.
        while at < bytes.len() && is_continuation(bytes[at]) {
            at += 1;
        }
        n_chars -= 1;
    }
    at - from
}

/// Bytes before `to` that hold the `n_chars` chars of `bytes` that end there.
#[inline]
fn bytes_of_chars_backward(bytes: &[u8], to: usize, mut n_chars: usize) -> usize {
    let mut at = to;
    while n_chars >= 8 && at >= 8 {
        let word = u64::from_le_bytes(bytes[at - 8..at].try_into().expect("8 bytes"));
        if word & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        at -= 8;
        n_chars -= 8;
    }
    while n_chars > 0 {
        at -= 1;
        // Back to the char's lead byte.
        while is_continuation(bytes[at]) {
            at -= 1;
        }
        n_chars -= 1;
    }
    to - at
}

impl GapText {
    /// Number of chars.
    #[inline]
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    /// Number of bytes of UTF-8.
    pub fn len_bytes(&self) -> usize {
        self.buf.len() - (self.gap_end - self.gap_start)
    }

    /// Heap bytes held (the gap included).
    pub fn capacity_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// Moves the gap to just before char `pos_chars` (at most `len_chars()`).
    #[inline]
    fn move_gap(&mut self, pos_chars: usize) {
        debug_assert!(pos_chars <= self.len_chars);
        if pos_chars < self.gap_start_chars {
            let len_bytes = bytes_of_chars_backward(&self.buf, self.gap_start, self.gap_start_chars - pos_chars);
            let from = self.gap_start - len_bytes;
            self.buf.copy_within(from..self.gap_start, self.gap_end - len_bytes);
            self.gap_start = from;
            self.gap_end -= len_bytes;
        } else if pos_chars > self.gap_start_chars {
            let len_bytes = bytes_of_chars_forward(&self.buf, self.gap_end, pos_chars - self.gap_start_chars);
            self.buf.copy_within(self.gap_end..self.gap_end + len_bytes, self.gap_start);
            self.gap_start += len_bytes;
            self.gap_end += len_bytes;
        }
        self.gap_start_chars = pos_chars;
    }

    /// Makes the gap at least `len_bytes` long, doubling the array (at least).
    #[cold]
    #[inline(never)]
    fn grow(&mut self, len_bytes: usize) {
        let old_len = self.buf.len();
        let after_len = old_len - self.gap_end;
        let new_len = (old_len * 2).max(old_len + len_bytes).max(MIN_CAPACITY_BYTES);
        self.buf.resize(new_len, 0);
        let new_gap_end = new_len - after_len;
        self.buf.copy_within(self.gap_end..old_len, new_gap_end);
        self.gap_end = new_gap_end;
    }

    /// Inserts `text` (`text_chars` chars) before char `pos_chars`.
    ///
    /// # Panics
    /// In debug builds, if `pos_chars > len_chars()` (the caller checks it).
    #[inline]
    pub fn insert(&mut self, pos_chars: usize, text: &str, text_chars: usize) {
        debug_assert_eq!(text.chars().count(), text_chars);
        self.move_gap(pos_chars);
        if self.gap_end - self.gap_start < text.len() {
            self.grow(text.len());
        }
        self.buf[self.gap_start..self.gap_start + text.len()].copy_from_slice(text.as_bytes());
        self.gap_start += text.len();
        self.gap_start_chars += text_chars;
        self.len_chars += text_chars;
    }

    /// Deletes chars `pos_chars .. pos_chars + len_chars`.
    ///
    /// # Panics
    /// In debug builds, if the range ends past `len_chars()` (the caller checks it).
    #[inline]
    pub fn delete(&mut self, pos_chars: usize, len_chars: usize) {
        debug_assert!(pos_chars + len_chars <= self.len_chars);
        self.move_gap(pos_chars);
        self.gap_end += bytes_of_chars_forward(&self.buf, self.gap_end, len_chars);
        self.len_chars -= len_chars;
    }

    /// The chars in `range_chars` (checked by the caller).
    pub fn slice(&self, range_chars: Range<usize>) -> String {
        debug_assert!(range_chars.start <= range_chars.end && range_chars.end <= self.len_chars);
        let mut out = String::new();
        // Walk the two halves as one char sequence.
        let (before, after) = self.halves();
        let mut skip = range_chars.start;
        let mut take = range_chars.end - range_chars.start;
        for half in [before, after] {
            if take == 0 {
                break;
            }
            let half_chars = half.chars().count();
            if skip >= half_chars {
                skip -= half_chars;
                continue;
            }
            let start = bytes_of_chars_forward(half.as_bytes(), 0, skip);
            let n = take.min(half_chars - skip);
            let len = bytes_of_chars_forward(half.as_bytes(), start, n);
            out.push_str(&half[start..start + len]);
            take -= n;
            skip = 0;
        }
        out
    }

    /// The whole text.
    pub fn to_string_all(&self) -> String {
        let (before, after) = self.halves();
        let mut out = String::with_capacity(before.len() + after.len());
        out.push_str(before);
        out.push_str(after);
        out
    }

    /// The text before and after the gap.
    fn halves(&self) -> (&str, &str) {
        // Only whole chars are ever copied in, and the gap always sits between chars.
        let before = std::str::from_utf8(&self.buf[..self.gap_start]).expect("the text before the gap is UTF-8");
        let after = std::str::from_utf8(&self.buf[self.gap_end..]).expect("the text after the gap is UTF-8");
        (before, after)
    }

    /// Checks that both halves are UTF-8 and the char counts are right. O(n).
    pub fn assert_invariants(&self) {
        assert!(self.gap_start <= self.gap_end && self.gap_end <= self.buf.len(), "gap out of bounds");
        let (before, after) = self.halves();
        assert_eq!(before.chars().count(), self.gap_start_chars, "chars before the gap");
        assert_eq!(before.chars().count() + after.chars().count(), self.len_chars, "chars in all");
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    use super::*;

    const CHARS: &[char] = &['a', 'b', 'x', ' ', 'é', '字', '🙂', '\n'];

    /// Seeded random inserts, deletes and slices, local (near the last edit) and far, against
    /// a `Vec<char>`.
    #[test]
    fn gap_text_matches_a_vec_of_chars() {
        for seed in 0..40 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut text = GapText::default();
            let mut model: Vec<char> = Vec::new();
            let mut caret = 0usize;
            for step in 0..600 {
                let far = rng.gen_bool(0.2);
                if far || caret > model.len() {
                    caret = rng.gen_range(0..=model.len());
                }
                if model.is_empty() || rng.gen_bool(0.6) {
                    // Long runs of ASCII exercise the eight-byte steps.
                    let len = if rng.gen_bool(0.1) { rng.gen_range(1..40) } else { rng.gen_range(1..4) };
                    let ascii = rng.gen_bool(0.5);
                    let new: String = (0..len)
                        .map(|_| if ascii { 'q' } else { CHARS[rng.gen_range(0..CHARS.len())] })
                        .collect();
                    text.insert(caret, &new, len);
                    for (i, c) in new.chars().enumerate() {
                        model.insert(caret + i, c);
                    }
                    caret += len;
                } else {
                    let pos = caret.min(model.len() - 1);
                    let len = rng.gen_range(1..=(model.len() - pos).min(20));
                    text.delete(pos, len);
                    model.drain(pos..pos + len);
                    caret = pos;
                }
                let context = format!("seed {seed}, step {step}");
                assert_eq!(text.len_chars(), model.len(), "{context}");
                if step % 50 == 0 {
                    text.assert_invariants();
                    assert_eq!(text.to_string_all(), model.iter().collect::<String>(), "{context}");
                    let a = rng.gen_range(0..=model.len());
                    let b = rng.gen_range(a..=model.len());
                    assert_eq!(text.slice(a..b), model[a..b].iter().collect::<String>(), "{context}: slice {a}..{b}");
                }
            }
            text.assert_invariants();
            assert_eq!(text.to_string_all(), model.iter().collect::<String>());
            assert_eq!(text.len_bytes(), model.iter().map(|c| c.len_utf8()).sum::<usize>());
        }
    }
}
