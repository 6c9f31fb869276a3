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

/// Chars that start in the eight bytes of `word`: its bytes that are not continuation bytes
/// (0b10xx_xxxx: high bit set, next bit clear).
#[inline]
fn chars_starting_in(word: u64) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let continuation = word & HIGH & !((word << 1) & HIGH);
    8 - continuation.count_ones() as usize
}

/// Reads the eight bytes at `at`.
#[inline]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// Bytes from `from` that hold the next `n_chars` chars of `bytes` (valid UTF-8 from `from`).
#[inline]
fn bytes_of_chars_forward(bytes: &[u8], from: usize, mut n_chars: usize) -> usize {
    let mut at = from;
    // Whole words while they hold fewer chars than are left, so that the byte loop below
    // always has the last char to find (and with it, the end of that char).
    while at + 8 <= bytes.len() {
        let chars = chars_starting_in(word_at(bytes, at));
        if chars >= n_chars {
            break;
        }
        at += 8;
        n_chars -= chars;
    }
    // A word may have ended inside a char (counted already): skip the rest of it.
    while at < bytes.len() && is_continuation(bytes[at]) {
        at += 1;
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
    // Whole words while they start fewer chars than are left. A word may begin inside a char
    // whose lead byte is further back: the byte loop below counts that char when it reaches
    // the lead.
    while at >= 8 {
        let chars = chars_starting_in(word_at(bytes, at - 8));
        if chars >= n_chars {
            break;
        }
        at -= 8;
        n_chars -= chars;
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

    /// A gap text holding `text` (`text_chars` chars), its gap at the end.
    pub fn from_text(text: &str, text_chars: usize) -> GapText {
        let mut new = GapText::default();
        new.insert(0, text, text_chars);
        new
    }

    /// Splits off the chars from `at_chars` on into a new gap text.
    pub fn split_off(&mut self, at_chars: usize) -> GapText {
        self.move_gap(at_chars);
        let after = std::str::from_utf8(&self.buf[self.gap_end..]).expect("the text after the gap is UTF-8");
        let right = GapText::from_text(after, self.len_chars - at_chars);
        self.gap_end = self.buf.len();
        self.len_chars = at_chars;
        right
    }

    /// Checks that both halves are UTF-8 and the char counts are right. O(n).
    pub fn assert_invariants(&self) {
        assert!(self.gap_start <= self.gap_end && self.gap_end <= self.buf.len(), "gap out of bounds");
        let (before, after) = self.halves();
        assert_eq!(before.chars().count(), self.gap_start_chars, "chars before the gap");
        assert_eq!(before.chars().count() + after.chars().count(), self.len_chars, "chars in all");
    }
}


/// Text as a list of [`GapText`] chunks of at most `MAX_CHUNK_BYTES` bytes each, with a
/// cursor at the last chunk edited: an edit moves a gap inside one small chunk, never across
/// the whole document (a lone gap buffer moved 15M chars over rustcode's far jumps), and finds
/// its chunk by stepping over chunks' char counts from the cursor (usually zero steps).
#[derive(Clone, Debug)]
pub struct ChunkedText<const MAX_CHUNK_BYTES: usize> {
    /// Never empty: an empty text is one empty chunk. No other chunk is empty.
    chunks: Vec<GapText>,
    len_chars: usize,
    /// The chunk the last edit was in, and the chars in the chunks before it.
    cursor_chunk: usize,
    cursor_chars_before: usize,
}

impl<const MAX_CHUNK_BYTES: usize> Default for ChunkedText<MAX_CHUNK_BYTES> {
    fn default() -> Self {
        ChunkedText { chunks: vec![GapText::default()], len_chars: 0, cursor_chunk: 0, cursor_chars_before: 0 }
    }
}

impl<const MAX_CHUNK_BYTES: usize> ChunkedText<MAX_CHUNK_BYTES> {
    /// Number of chars.
    #[inline]
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    /// Moves the cursor to the chunk holding char `pos_chars` (the earlier chunk when
    /// `pos_chars` is where one ends and the next begins: typing at a chunk's end stays in
    /// it) and returns the offset of `pos_chars` in it.
    #[inline]
    fn locate(&mut self, pos_chars: usize) -> usize {
        debug_assert!(pos_chars <= self.len_chars);
        while pos_chars < self.cursor_chars_before {
            self.cursor_chunk -= 1;
            self.cursor_chars_before -= self.chunks[self.cursor_chunk].len_chars();
        }
        while pos_chars > self.cursor_chars_before + self.chunks[self.cursor_chunk].len_chars() {
            self.cursor_chars_before += self.chunks[self.cursor_chunk].len_chars();
            self.cursor_chunk += 1;
        }
        pos_chars - self.cursor_chars_before
    }

    /// Inserts `text` (`text_chars` chars) before char `pos_chars` (checked by the caller).
    #[inline]
    pub fn insert(&mut self, pos_chars: usize, text: &str, text_chars: usize) {
        let mut offset = self.locate(pos_chars);
        if text.len() > MAX_CHUNK_BYTES / 2 {
            return self.insert_long(offset, text, text_chars);
        }
        // Halve the chunk until the half that holds the place has room (once, unless the
        // chars' widths differ a lot between the halves).
        while self.chunks[self.cursor_chunk].len_bytes() + text.len() > MAX_CHUNK_BYTES {
            let chunk = &mut self.chunks[self.cursor_chunk];
            let half_chars = chunk.len_chars() / 2;
            let right = chunk.split_off(half_chars);
            self.chunks.insert(self.cursor_chunk + 1, right);
            if offset > half_chars {
                self.cursor_chars_before += half_chars;
                self.cursor_chunk += 1;
                offset -= half_chars;
            }
        }
        self.chunks[self.cursor_chunk].insert(offset, text, text_chars);
        self.len_chars += text_chars;
    }

    /// An insert longer than half a chunk: the chunk is split at the place and the text goes
    /// in between as new chunks of at most half a chunk each.
    #[cold]
    #[inline(never)]
    fn insert_long(&mut self, offset: usize, text: &str, text_chars: usize) {
        let at = self.cursor_chunk;
        let right = self.chunks[at].split_off(offset);
        let mut pieces = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let mut cut = rest.len().min(MAX_CHUNK_BYTES / 2);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let piece = &rest[..cut];
            pieces.push(GapText::from_text(piece, piece.chars().count()));
            rest = &rest[cut..];
        }
        pieces.push(right);
        self.chunks.splice(at + 1..at + 1, pieces);
        self.chunks.retain(|chunk| chunk.len_chars() > 0);
        if self.chunks.is_empty() {
            self.chunks.push(GapText::default());
        }
        self.len_chars += text_chars;
        self.cursor_chunk = 0;
        self.cursor_chars_before = 0;
    }

    /// Deletes chars `pos_chars .. pos_chars + len_chars` (checked by the caller).
    #[inline]
    pub fn delete(&mut self, pos_chars: usize, len_chars: usize) {
        let mut offset = self.locate(pos_chars);
        let mut remaining = len_chars;
        while remaining > 0 {
            let chunk_chars = self.chunks[self.cursor_chunk].len_chars();
            if offset == chunk_chars {
                // At the chunk's end: the chars to delete start in the next one.
                self.cursor_chars_before += chunk_chars;
                self.cursor_chunk += 1;
                offset = 0;
                continue;
            }
            let n = remaining.min(chunk_chars - offset);
            self.chunks[self.cursor_chunk].delete(offset, n);
            remaining -= n;
            if self.chunks[self.cursor_chunk].len_chars() == 0 && self.chunks.len() > 1 {
                self.chunks.remove(self.cursor_chunk);
                if self.cursor_chunk == self.chunks.len() {
                    // Removed the last chunk: the cursor goes to the end of the one before.
                    self.cursor_chunk -= 1;
                    self.cursor_chars_before -= self.chunks[self.cursor_chunk].len_chars();
                    offset = self.chunks[self.cursor_chunk].len_chars();
                }
            }
        }
        self.len_chars -= len_chars;
    }

    /// The chars in `range_chars` (checked by the caller).
    pub fn slice(&self, range_chars: Range<usize>) -> String {
        let mut out = String::new();
        let mut chunk_start = 0;
        for chunk in &self.chunks {
            let chunk_end = chunk_start + chunk.len_chars();
            let start = range_chars.start.max(chunk_start);
            let end = range_chars.end.min(chunk_end);
            if start < end {
                out.push_str(&chunk.slice(start - chunk_start..end - chunk_start));
            }
            chunk_start = chunk_end;
        }
        out
    }

    /// The whole text.
    pub fn to_string_all(&self) -> String {
        let mut out = String::new();
        for chunk in &self.chunks {
            out.push_str(&chunk.to_string_all());
        }
        out
    }

    /// Checks every chunk, the counts, the cursor and the size bounds. O(n).
    pub fn assert_invariants(&self) {
        assert!(!self.chunks.is_empty(), "no chunk");
        assert!(self.chunks.len() == 1 || self.chunks.iter().all(|chunk| chunk.len_chars() > 0), "an empty chunk among others");
        for chunk in &self.chunks {
            chunk.assert_invariants();
        }
        assert_eq!(self.chunks.iter().map(GapText::len_chars).sum::<usize>(), self.len_chars, "chars in all");
        assert!(self.cursor_chunk < self.chunks.len(), "cursor past the chunks");
        let before: usize = self.chunks[..self.cursor_chunk].iter().map(GapText::len_chars).sum();
        assert_eq!(before, self.cursor_chars_before, "chars before the cursor");
        for chunk in &self.chunks {
            assert!(chunk.len_bytes() <= MAX_CHUNK_BYTES, "a chunk over {MAX_CHUNK_BYTES} bytes");
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::SmallRng;
    use rand::Rng;
    use rand::SeedableRng;

    use super::*;

    const CHARS: &[char] = &['a', 'b', 'x', ' ', 'é', '字', '🙂', '\n'];

    /// What the model test drives: both text types.
    trait Text: Default {
        fn insert(&mut self, pos_chars: usize, text: &str, text_chars: usize);
        fn delete(&mut self, pos_chars: usize, len_chars: usize);
        fn len_chars(&self) -> usize;
        fn slice(&self, range_chars: std::ops::Range<usize>) -> String;
        fn to_string_all(&self) -> String;
        fn assert_invariants(&self);
    }

    macro_rules! impl_text {
        ($ty:ty) => {
            impl Text for $ty {
                fn insert(&mut self, pos_chars: usize, text: &str, text_chars: usize) {
                    <$ty>::insert(self, pos_chars, text, text_chars)
                }
                fn delete(&mut self, pos_chars: usize, len_chars: usize) {
                    <$ty>::delete(self, pos_chars, len_chars)
                }
                fn len_chars(&self) -> usize {
                    <$ty>::len_chars(self)
                }
                fn slice(&self, range_chars: std::ops::Range<usize>) -> String {
                    <$ty>::slice(self, range_chars)
                }
                fn to_string_all(&self) -> String {
                    <$ty>::to_string_all(self)
                }
                fn assert_invariants(&self) {
                    <$ty>::assert_invariants(self)
                }
            }
        };
    }
    impl_text!(GapText);
    impl_text!(ChunkedText<64>);
    impl_text!(ChunkedText<2048>);

    #[test]
    fn gap_text_matches_a_vec_of_chars() {
        check_against_model::<GapText>();
    }

    #[test]
    fn chunked_text_matches_a_vec_of_chars() {
        // Small chunks: splits, long inserts and emptied chunks all the time.
        check_against_model::<ChunkedText<64>>();
        check_against_model::<ChunkedText<2048>>();
    }

    /// Seeded random inserts, deletes and slices, local (near the last edit) and far, short
    /// and long, against a `Vec<char>`.
    fn check_against_model<T: Text>() {
        for seed in 0..40 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut text = T::default();
            let mut model: Vec<char> = Vec::new();
            let mut caret = 0usize;
            for step in 0..600 {
                let far = rng.gen_bool(0.2);
                if far || caret > model.len() {
                    caret = rng.gen_range(0..=model.len());
                }
                if model.is_empty() || rng.gen_bool(0.6) {
                    // Long runs of ASCII exercise the eight-byte steps.
                    let len = match rng.gen_range(0..20) {
                        0 => rng.gen_range(1..200),
                        1 | 2 => rng.gen_range(1..40),
                        _ => rng.gen_range(1..4),
                    };
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
                    let max = if rng.gen_bool(0.05) { 300 } else { 20 };
                    let len = rng.gen_range(1..=(model.len() - pos).min(max));
                    text.delete(pos, len);
                    model.drain(pos..pos + len);
                    caret = pos;
                }
                let context = format!("seed {seed}, step {step}");
                assert_eq!(text.len_chars(), model.len(), "{context}");
                if step % 25 == 0 {
                    text.assert_invariants();
                    assert_eq!(text.to_string_all(), model.iter().collect::<String>(), "{context}");
                    let a = rng.gen_range(0..=model.len());
                    let b = rng.gen_range(a..=model.len());
                    assert_eq!(text.slice(a..b), model[a..b].iter().collect::<String>(), "{context}: slice {a}..{b}");
                }
            }
            text.assert_invariants();
            assert_eq!(text.to_string_all(), model.iter().collect::<String>());
        }
    }
}
