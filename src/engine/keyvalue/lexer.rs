//! Where in a line's structure a byte sits: inside which strings (at what escape depth) and
//! which brackets. The key/value scanner needs this to know where a value ends — at the quote
//! that closes *its* string, not at an escaped one, not at one of an enclosing string.
//!
//! Logs nest strings: JSON inside a JSON string (`\"`), a Python repr inside JSON (`'` with
//! `\\'` as its escape), JSON inside a Python `b'…'` (`"` with `\\"`), three levels deep in
//! pymongo's structured logs (`\\\"`). One rule covers them all. Each open string layer has a
//! quote character `q`; text inside it is encoded by escaping `\` and `q` with a backslash. So a
//! quote `c` preceded by a run of `r` backslashes is resolved from the outermost layer in: at
//! a layer with quote `q`, an even run means `c` is unescaped there — it closes that layer if
//! `c == q`, otherwise it is plain text whose run halves at the next layer in; an odd run means
//! `c` was escaped there and reaches the next layer with `(r-1)/2` backslashes. A quote that
//! reaches the innermost level unescaped may open a new string (if it is not an apostrophe).
//! An escaped quote at the top level (`body={\"a\": 1}` logged bare) opens layers we never saw
//! open; they are kept as virtual layers so the arithmetic stays right.
//!
//! Brackets are tracked per layer, so an unquoted value knows whether a `}` closes an
//! enclosing object (`{password: ab}`) or is part of the value (`password = ab}c`).

/// One open thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Frame {
    /// A string opened by quote `q`.
    Str { q: u8 },
    /// A string layer whose opening quote we never saw (escaped quotes at the top level).
    Virt { q: u8 },
    /// An open bracket: `{`, `[` or `(`.
    Br { b: u8 },
}

/// Deepest nesting tracked; deeper openings are ignored (values then end early at worst,
/// which the container bound and fail-closed rules cover).
const MAX_FRAMES: usize = 48;

/// Bytes that only end a backslash run in [`Lexer::step`]: all but backslash, quotes and
/// brackets.
static PLAIN: [bool; 256] = {
    let mut t = [true; 256];
    let special = *b"\\\"'`{[()]}";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = false;
        i += 1;
    }
    t
};

/// What a quote character did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quote {
    /// It closed frame `frame` (and everything inside it); the closing token (the quote and
    /// the backslashes that escape it at outer layers) starts at `token_start`.
    Closed { frame: usize, token_start: usize },
    /// It opened a string (frame index `frame`); its content starts after the quote.
    Opened { frame: usize },
    /// Plain text (an apostrophe, or escaped at the innermost level).
    Literal,
}

/// The frame stack at a position of a line, advanced byte by byte with [`Lexer::feed`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Lexer {
    pub(crate) frames: Vec<Frame>,
    pos: usize,
    run: usize,
}

impl Lexer {
    pub(crate) fn reset(&mut self) {
        self.frames.clear();
        self.pos = 0;
        self.run = 0;
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Copy `other`'s state without allocating when capacity allows.
    pub(crate) fn copy_from(&mut self, other: &Lexer) {
        self.frames.clear();
        self.frames.extend_from_slice(&other.frames);
        self.pos = other.pos;
        self.run = other.run;
    }

    /// Advance over `line[self.pos..to]`.
    pub(crate) fn feed(&mut self, line: &[u8], to: usize) {
        let to = to.min(line.len());
        while self.pos < to {
            self.skip_plain(line, to);
            if self.pos < to {
                self.step(line);
            }
        }
    }

    /// Advance over bytes [`step`](Self::step) would do nothing with but end a backslash run
    /// (most of a line): a table look-up per byte instead of the whole step.
    #[inline]
    pub(crate) fn skip_plain(&mut self, line: &[u8], to: usize) {
        let from = self.pos;
        let mut p = from;
        while p < to && PLAIN[line[p] as usize] {
            p += 1;
        }
        if p > from {
            self.pos = p;
            self.run = 0;
        }
    }

    /// Process one byte; returns what a quote did (or `Literal` for other bytes).
    pub(crate) fn step(&mut self, line: &[u8]) -> Quote {
        let i = self.pos;
        let b = line[i];
        self.pos += 1;
        let mut what = Quote::Literal;
        match b {
            b'\\' => {
                self.run += 1;
                return what;
            }
            b'"' | b'\'' | b'`' => what = self.quote(line, i, b, self.run),
            b'{' | b'[' | b'(' if self.frames.len() < MAX_FRAMES => {
                self.frames.push(Frame::Br { b })
            }
            b'}' | b']' | b')' => self.close_bracket(b),
            _ => {}
        }
        self.run = 0;
        what
    }

    /// Whether the innermost frame is a string (we are inside string content, not between
    /// strings at the innermost layer) — used to tell a key's quotes from a value's.
    pub(crate) fn string_depth(&self) -> usize {
        self.frames
            .iter()
            .filter(|f| !matches!(f, Frame::Br { .. }))
            .count()
    }

    /// Open brackets of the innermost layer, innermost last.
    pub(crate) fn layer_brackets(&self) -> &[Frame] {
        let from = self
            .frames
            .iter()
            .rposition(|f| !matches!(f, Frame::Br { .. }))
            .map_or(0, |p| p + 1);
        &self.frames[from..]
    }

    /// Resolve quote `c` at `i`, preceded by `run` backslashes.
    fn quote(&mut self, line: &[u8], i: usize, c: u8, run: usize) -> Quote {
        let mut r = run;
        // Backslashes that escape the quote itself at outer layers (part of its token).
        let mut escapes = 0usize;
        let mut weight = 1usize;
        for j in 0..self.frames.len() {
            let q = match self.frames[j] {
                Frame::Str { q } | Frame::Virt { q } => q,
                Frame::Br { .. } => continue,
            };
            if r % 2 == 0 {
                if c == q {
                    self.frames.truncate(j);
                    return Quote::Closed {
                        frame: j,
                        token_start: i - escapes,
                    };
                }
                r /= 2;
            } else {
                escapes += weight;
                r = (r - 1) / 2;
            }
            weight = weight.saturating_mul(2);
        }
        if !opens_string(line, i - run) {
            return Quote::Literal;
        }
        if self.frames.len() + 6 > MAX_FRAMES {
            return Quote::Literal;
        }
        if r % 2 == 1 {
            // Escaped at layers we did not see open: `\"` is one, `\\\"` two.
            let k = ((r + 1).ilog2() as usize).clamp(1, 4);
            let at = self
                .frames
                .iter()
                .rposition(|f| !matches!(f, Frame::Br { .. }))
                .map_or(0, |p| p + 1);
            for _ in 0..k {
                self.frames.insert(at, Frame::Virt { q: c });
            }
        }
        self.frames.push(Frame::Str { q: c });
        Quote::Opened {
            frame: self.frames.len() - 1,
        }
    }

    fn close_bracket(&mut self, b: u8) {
        let want = match b {
            b'}' => b'{',
            b']' => b'[',
            _ => b'(',
        };
        for j in (0..self.frames.len()).rev() {
            match self.frames[j] {
                Frame::Br { b } if b == want => {
                    self.frames.truncate(j);
                    return;
                }
                Frame::Br { .. } => continue,
                _ => return,
            }
        }
    }

    /// What quote `c` at `i` (with `run` backslashes before it) would do, without changing
    /// the state: whether it closes one of the open strings.
    pub(crate) fn would_close(&self, c: u8, run: usize) -> bool {
        let mut r = run;
        for f in &self.frames {
            let q = match *f {
                Frame::Str { q } | Frame::Virt { q } => q,
                Frame::Br { .. } => continue,
            };
            if r % 2 == 0 {
                if c == q {
                    return true;
                }
                r /= 2;
            } else {
                r = (r - 1) / 2;
            }
        }
        false
    }

    /// Whether an escape letter (`n`, `t`, `r`) after `run` backslashes is a control character
    /// at some layer (so whitespace for the value being read), not a backslash and a letter.
    pub(crate) fn is_escaped_control(&self, run: usize) -> bool {
        let mut r = run;
        for f in &self.frames {
            if matches!(f, Frame::Br { .. }) {
                continue;
            }
            if r == 0 {
                return false;
            }
            if r % 2 == 1 {
                return true;
            }
            r /= 2;
        }
        // At the top level, `\n` in a line is an escaped newline printed by the logger.
        r % 2 == 1
    }
}

/// Whether a quote whose token starts at `p` can open a string: not an apostrophe (a quote
/// right after a letter or digit), allowing Python's `b'`, `u'`, `r'`, `f'`, `rb'` prefixes.
pub(crate) fn opens_string(line: &[u8], p: usize) -> bool {
    let mut k = p;
    let mut prefix = 0;
    while prefix < 2
        && k > 0
        && matches!(line[k - 1].to_ascii_lowercase(), b'b' | b'u' | b'r' | b'f')
    {
        k -= 1;
        prefix += 1;
    }
    if prefix > 0 && k > 0 && is_word(line[k - 1]) {
        k = p;
    }
    k == 0 || !is_word(line[k - 1])
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feed `line` up to the first `|` marker (removed) and return the frames there.
    fn frames_at(marked: &str) -> Vec<Frame> {
        let at = marked.find('|').unwrap();
        let line = marked.replacen('|', "", 1);
        let mut lx = Lexer::default();
        lx.feed(line.as_bytes(), at);
        lx.frames
    }

    /// `feed` skips plain bytes in bulk; at every position it must leave the state that
    /// stepping byte by byte leaves.
    #[test]
    fn feed_equals_stepping_every_byte() {
        let lines = [
            r#"{"a": "{\"b\": \"x\\\"y\"}", "p": 'it\'s', "q": `t`}"#,
            r#"b'{"p": "a\\"b"}' x=\\\\"y" z=\ q"#,
            "\x1b[32mINFO\x1b[0m token=\"ab\\\\\" (x) [y] {z}",
            r#"body={\"p\": \"x\"}; a\\b c\\\"d"#,
            "\x1bno bracket 'x' \\",
        ];
        for line in lines {
            let line = line.as_bytes();
            for to in 0..=line.len() {
                let mut fed = Lexer::default();
                fed.feed(line, to);
                let mut stepped = Lexer::default();
                while stepped.pos < to {
                    stepped.step(line);
                }
                assert_eq!(
                    (&fed.frames, fed.pos, fed.run),
                    (&stepped.frames, stepped.pos, stepped.run),
                    "{:?} at {to}",
                    String::from_utf8_lossy(line)
                );
            }
        }
    }

    const S: Frame = Frame::Str { q: b'"' };
    const SQ: Frame = Frame::Str { q: b'\'' };
    const V: Frame = Frame::Virt { q: b'"' };
    const OBJ: Frame = Frame::Br { b: b'{' };

    #[test]
    fn json_and_json_in_json() {
        assert_eq!(frames_at(r#"{"a": "|x"}"#), [OBJ, S]);
        assert_eq!(frames_at(r#"{"a": "x"|}"#), [OBJ]);
        assert_eq!(frames_at(r#"{"a": "{\"b\": \"|x\"}"}"#), [OBJ, S, OBJ, S]);
        assert_eq!(
            frames_at(r#"{"a": "{\"b\": \"x\\\"y|\"}"}"#),
            [OBJ, S, OBJ, S]
        );
        assert_eq!(frames_at(r#"{"a": "{\"b\": \"x\"|}"}"#), [OBJ, S, OBJ]);
    }

    #[test]
    fn repr_inside_json_uses_double_backslash_escapes() {
        assert_eq!(
            frames_at(r#"{"m": "u={'p': 'hun\\'|ter'}"}"#),
            [OBJ, S, OBJ, SQ]
        );
        assert_eq!(
            frames_at(r#"{"m": "u={'p': 'hun\\'ter'|}"}"#),
            [OBJ, S, OBJ]
        );
    }

    #[test]
    fn json_inside_bytes_repr() {
        assert_eq!(frames_at(r#"b'{"p": "a\\"|b"}'"#), [SQ, OBJ, S]);
        assert_eq!(frames_at(r#"b'{"p": "a\\"b"|}'"#), [SQ, OBJ]);
    }

    #[test]
    fn escaped_quotes_at_top_level_open_virtual_layers() {
        assert_eq!(frames_at(r#"body={\"p\": \"|x\"}"#), [V, OBJ, S]);
        assert_eq!(frames_at(r#"body={\"p\": \"x\"|}"#), [V, OBJ]);
        assert_eq!(frames_at(r#"body={\"p\": \"x\"}|"#), [V]);
    }

    #[test]
    fn apostrophes_are_text() {
        assert_eq!(frames_at("it's the user's |token"), []);
        assert_eq!(frames_at(r#"{"m": "don't |x"}"#), [OBJ, S]);
    }

    #[test]
    fn escaped_backslash_before_closing_quote() {
        assert_eq!(frames_at(r#"{"a": "x\\"|, "b": 1}"#), [OBJ]);
    }

    #[test]
    fn closing_token_includes_outer_escapes() {
        let line = r#"{"a": "{\"b\": \"xy\"}"}"#;
        let mut lx = Lexer::default();
        let mut closes = Vec::new();
        while lx.pos() < line.len() {
            if let Quote::Closed { frame, token_start } = lx.step(line.as_bytes()) {
                closes.push((frame, token_start));
            }
        }
        let inner = line.find(r#"xy\""#).unwrap() + 2;
        assert!(closes.contains(&(3, inner)), "{closes:?}");
    }
}
