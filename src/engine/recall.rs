//! Recall over lines: a value the scrubber redacted on one line of a block, printed again as a
//! whole token on one of the next [`WINDOW`] lines, is redacted there too.
//!
//! Role in the data flow: [`Scrubber::scrub_block`](super::Scrubber::scrub_block) hands each
//! value it redacted to [`Recall::remember`] once its line is written. One `memmem` pass over
//! the next lines of the block finds where the value appears again; each whole-token match
//! becomes an [`Echo`], a line the block loop visits as if a keyword were on it, where the echo
//! is redacted with the first sighting's rule and kind. An echo is a sighting too, so a value
//! repeated every few lines stays covered.
//!
//! Why: programs print a value once under a name that says it is secret and then again where
//! nothing does — a shell trace's `+ PW='…'` then `+ echo '…'`, a traceback's frame locals
//! below the call that named them, a task queue echoing a job's arguments.
//!
//! Across blocks: the values whose window runs past a block's end go into the stream's state as
//! a [`Tail`], which does not make the stream "in a block". The next block starts from them as
//! from values it saw itself, and hands on those whose window still runs past its own end, so
//! a window spans any number of short blocks. At most [`MAX_OPEN`] values of [`OPEN_BYTES`]
//! in all are open at once, a bound applied where a value is first seen, in the block and
//! across blocks alike, so the tail never has to drop one. The ordered stage scrubs a block
//! again in order with a tail only when [`Tail::passes_over`] says the tail could change it,
//! so jobs stay parallel and where the input was cut changes nothing. Values shorter than
//! [`MIN_LEN`] or of one character class (`123456789`, `localhost`) are not recalled: those
//! are words, numbers or ids more often than secrets, and would match everywhere.

use memchr::memmem;

/// How many lines after a sighting its value is looked for.
pub(super) const WINDOW: usize = 32;
/// Bounds on a value worth recalling.
const MIN_LEN: usize = 8;
const MAX_LEN: usize = 4096;
/// How much of a value the window is searched for before the rest is compared.
const PREFIX: usize = 16;
/// Distinct values whose window is open at once, and their bytes in all: past either, a new
/// value is not recalled (what a stream's state carries to its next block is bounded by it).
const MAX_OPEN: usize = 64;
const OPEN_BYTES: usize = 16 * 1024;

/// A value seen in the block: its first sighting's range (or, for a value the block started
/// with, its length), and how far the block has been searched for it.
#[derive(Debug, Clone, Copy)]
struct Sighting {
    start: usize,
    end: usize,
    /// The value the block started with (its index in the seeding tail), until the block
    /// prints it again.
    carried: Option<usize>,
    searched_to: usize,
    /// Where the line of its latest sighting ends, and who redacted it first.
    line_end: usize,
    rule: u32,
    kind: u16,
}

/// The values whose window runs on past the end of a block: what the stream's next block looks
/// for in its first lines (kept in the stream's state).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tail(Vec<TailValue>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct TailValue {
    value: Vec<u8>,
    rule: u32,
    kind: u16,
    /// Lines of its window left for the next block.
    lines: usize,
}

impl Tail {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The stream's next block, `input`, was scrubbed without this tail, redacting on its lines
    /// the values `hits` lists (line in the block, length): whether scrubbing it with the tail
    /// would give the same. When it would, the tail is aged past `input` and `load` grows by
    /// the hits within the tail's window, to be passed over the stream's following blocks of
    /// the same job; the stream's tail after them is what is left here followed by theirs.
    ///
    /// It would not when `input` holds one of the values anywhere within its window (an echo,
    /// or the value redacted again), or when the values the tail holds and those the block
    /// redacted within the window could together exceed the bound on open values (the block,
    /// scrubbed alone, recalled one that the tail would have left no room for).
    pub fn passes_over(
        &mut self,
        input: &[u8],
        hits: impl Iterator<Item = (usize, usize)>,
        load: &mut (usize, usize),
    ) -> bool {
        let window = self.0.iter().map(|t| t.lines).max().unwrap_or(0);
        if window == 0 {
            return true;
        }
        let met = self.0.iter().any(|t| {
            let to = first_lines_end(input, t.lines);
            memmem::find(&input[..to], &t.value).is_some()
        });
        if met {
            return false;
        }
        for (line, len) in hits {
            if line < window {
                load.0 += 1;
                load.1 += len;
            }
        }
        let held = self.0.iter().map(|t| t.value.len()).sum::<usize>();
        if self.0.len() + load.0 > MAX_OPEN || held + load.1 > OPEN_BYTES {
            return false;
        }
        let lines = memchr::memchr_iter(b'\n', input).take(window).count();
        self.0.retain_mut(|t| {
            t.lines = t.lines.saturating_sub(lines);
            t.lines > 0
        });
        true
    }

    /// Append the values of `later`, the tail the stream's next blocks left (scrubbed without
    /// this one, see [`passes_over`](Self::passes_over)).
    pub fn extend(&mut self, later: Tail) {
        debug_assert!(later
            .0
            .iter()
            .all(|l| self.0.iter().all(|t| t.value != l.value)));
        self.0.extend(later.0);
    }
}

/// A later occurrence of a redacted value: its range in the block, and the rule and kind that
/// redacted the value first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Echo {
    pub start: usize,
    pub end: usize,
    pub rule: u32,
    pub kind: u16,
}

/// The values redacted so far in one block, and where they appear again ahead.
#[derive(Debug, Default)]
pub(super) struct Recall {
    seen: Vec<Sighting>,
    /// The values the block started with (the stream's tail).
    carried: Vec<TailValue>,
    /// Echoes not yet reached, by start.
    ahead: Vec<Echo>,
    /// The last line whose window was measured: (its end, the window's end).
    window: (usize, usize),
}

/// Bytes that may continue a value on its left: a match after one is the end of a longer
/// token (`/reset/…`, `x-…`), not the value.
fn continues_left(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b"_-+/.~%\\".contains(&b)
}

/// Bytes that may continue a value on its right, or make it a key (`…=`, `…:`).
fn continues_right(b: u8) -> bool {
    continues_left(b) || b"=:".contains(&b)
}

/// Whether `v` is worth looking for again: long enough, one line, holding a letter and mixing at
/// least two of lower case, upper case, digits and other bytes (no date, address or version:
/// `2026-11-24`, `10.0.0.1`), and a single atom of a line's syntax: no quote, backslash,
/// bracket, tab, `,` or `;` anywhere in it (a pass phrase's inner spaces are kept), and no
/// space, `:` or `=` at its start or space or `:` at its end.
/// A value holding one of those was cut by a parse across the line's syntax (`pagetoken':`),
/// and its echo would take a key's quote or a delimiter with it, so that the line parses
/// differently once redacted.
fn qualifies(v: &[u8]) -> bool {
    // One lookup a byte: every redacted value passes through here.
    const NOT_IN_A_VALUE: [bool; 256] = {
        let mut t = [false; 256];
        let bad = b"\t\n\x0b\x0c\r'\"`\\()[]{}<>,;";
        let mut i = 0;
        while i < bad.len() {
            t[bad[i] as usize] = true;
            i += 1;
        }
        t
    };
    if !(MIN_LEN..=MAX_LEN).contains(&v.len()) {
        return false;
    }
    let (first, last) = (v[0], v[v.len() - 1]);
    if b":= ".contains(&first) || b": ".contains(&last) {
        return false;
    }
    let mut classes = 0u8;
    for &b in v {
        if NOT_IN_A_VALUE[b as usize] {
            return false;
        }
        classes |= match b {
            b'a'..=b'z' => 1,
            b'A'..=b'Z' => 2,
            b'0'..=b'9' => 4,
            _ => 8,
        };
    }
    classes & 3 != 0 && classes.count_ones() >= 2
}

impl Recall {
    /// Forget the previous block.
    pub fn clear(&mut self) {
        self.seen.clear();
        self.carried.clear();
        self.ahead.clear();
        self.window = (usize::MAX, 0);
    }

    /// The start of the next echo not yet reached.
    pub fn next_at(&self) -> Option<usize> {
        self.ahead.first().map(|e| e.start)
    }

    /// `input[start..end]` was redacted by `rule` as `kind` on the line ending at `line_end`:
    /// look for it on the next [`WINDOW`] lines of `input`.
    pub fn remember(
        &mut self,
        input: &[u8],
        (start, end): (usize, usize),
        line_end: usize,
        rule: u32,
        kind: u16,
    ) {
        let value = &input[start..end];
        if !qualifies(value) {
            return;
        }
        let to = self.window_to(input, line_end);
        // A value whose window ended before this line is forgotten, wherever the block began.
        let carried = &self.carried;
        // An echo is redacted by the value's first sighting in its window, whichever rule
        // redacted it since: as the stream's tail carries it, so that where a block ends
        // changes nothing.
        let (from, rule, kind) = match self
            .seen
            .iter()
            .position(|s| s.searched_to >= line_end && value_of(s, input, carried) == value)
        {
            Some(i) => {
                let s = &mut self.seen[i];
                let from = s.searched_to.max(line_end);
                s.searched_to = s.searched_to.max(to);
                s.line_end = line_end;
                if s.carried.take().is_some() {
                    (s.start, s.end) = (start, end);
                }
                (from, s.rule, s.kind)
            }
            None if self.room_for(value.len(), line_end) => {
                self.seen.push(Sighting {
                    start,
                    end,
                    carried: None,
                    searched_to: to,
                    line_end,
                    rule,
                    kind,
                });
                (line_end, rule, kind)
            }
            None => return,
        };
        let ahead = &mut self.ahead;
        find_echoes(input, from, to, value, |s, e| {
            insert(ahead, s, e, rule, kind)
        });
    }

    /// Start a block, `input`, with the values the stream's previous block left (see
    /// [`Tail`]): each is open for what is left of its window, as if the block had seen it.
    pub fn seed(&mut self, input: &[u8], tail: Tail) {
        self.carried = tail.0;
        for (i, t) in self.carried.iter().enumerate() {
            let to = first_lines_end(input, t.lines);
            let ahead = &mut self.ahead;
            find_echoes(input, 0, to, &t.value, |s, e| {
                insert(ahead, s, e, t.rule, t.kind)
            });
            self.seen.push(Sighting {
                start: 0,
                end: t.value.len(),
                carried: Some(i),
                searched_to: to,
                line_end: 0,
                rule: t.rule,
                kind: t.kind,
            });
        }
    }

    /// The values of this block, `input`, whose window runs past its end, into `tail`: all of
    /// them (the bound on open values holds them).
    pub fn tail(&self, input: &[u8], tail: &mut Tail) {
        tail.0.clear();
        let mut block_lines = None;
        for s in self.seen.iter().filter(|s| s.searched_to == input.len()) {
            let lines = match s.carried {
                Some(i) => {
                    let lines = *block_lines
                        .get_or_insert_with(|| memchr::memchr_iter(b'\n', input).count());
                    self.carried[i].lines.saturating_sub(lines)
                }
                // Line breaks from the sighting's own to the block's end: the lines after it,
                // plus one.
                None => match memchr::memchr_iter(b'\n', &input[s.line_end..]).count() {
                    0 => 0,
                    breaks => (WINDOW + 1).saturating_sub(breaks),
                },
            };
            if lines > 0 {
                tail.0.push(TailValue {
                    value: value_of(s, input, &self.carried).to_vec(),
                    rule: s.rule,
                    kind: s.kind,
                    lines,
                });
            }
        }
        debug_assert!(tail.0.len() <= MAX_OPEN);
        debug_assert!(tail.0.iter().map(|t| t.value.len()).sum::<usize>() <= OPEN_BYTES);
    }

    /// The end of the window after the line ending at `line_end`. Lines are remembered in
    /// order, so the window slides: it moves on by as many lines as the block did, and the
    /// block's bytes are counted through about once, not once per value.
    fn window_to(&mut self, input: &[u8], line_end: usize) -> usize {
        let (at, to) = self.window;
        let to = if at == line_end {
            to
        } else if at < line_end && line_end <= to {
            let k = memchr::memchr_iter(b'\n', &input[at..line_end]).count();
            match k.checked_sub(1) {
                None => to,
                Some(_) if to == input.len() => to,
                Some(k) => memchr::memchr_iter(b'\n', &input[to + 1..])
                    .nth(k)
                    .map_or(input.len(), |i| to + 1 + i),
            }
        } else {
            window_end(input, line_end)
        };
        self.window = (line_end, to);
        to
    }

    /// Whether a new value of `len` bytes, seen on the line ending at `line_end`, fits the bound
    /// on open values, once the values whose window ended before the line are forgotten.
    fn room_for(&mut self, len: usize, line_end: usize) -> bool {
        self.seen.retain(|s| s.searched_to >= line_end);
        self.seen.len() < MAX_OPEN
            && self.seen.iter().map(|s| s.end - s.start).sum::<usize>() + len <= OPEN_BYTES
    }

    /// Hand each echo starting before `line_end` to `f`, and forget it. The block loop visits
    /// every echo's line, so none of them starts before `line_start`.
    pub fn take_line(&mut self, line_start: usize, line_end: usize, mut f: impl FnMut(Echo)) {
        let n = self.ahead.partition_point(|e| e.start < line_end);
        for e in self.ahead.drain(..n) {
            debug_assert!(e.start >= line_start);
            f(e);
        }
    }
}

/// The bytes of the value `s` stands for: in the block, or carried into it.
fn value_of<'a>(s: &Sighting, input: &'a [u8], carried: &'a [TailValue]) -> &'a [u8] {
    match s.carried {
        Some(i) => &carried[i].value,
        None => &input[s.start..s.end],
    }
}

/// Add the echo `start..end` to `ahead` (by start), unless it is there.
fn insert(ahead: &mut Vec<Echo>, start: usize, end: usize, rule: u32, kind: u16) {
    let i = ahead.partition_point(|x| (x.start, x.end) < (start, end));
    if ahead.get(i).map(|x| (x.start, x.end)) != Some((start, end)) {
        ahead.insert(
            i,
            Echo {
                start,
                end,
                rule,
                kind,
            },
        );
    }
}

/// Each whole-token occurrence of `value` in `input[from..to]`, as its range, to `f`.
fn find_echoes(
    input: &[u8],
    from: usize,
    to: usize,
    value: &[u8],
    mut f: impl FnMut(usize, usize),
) {
    if from >= to {
        return;
    }
    // A prefix makes the searcher cheap to build (a JWT is hundreds of bytes) and is as rare
    // in the window as the whole value; each match is then compared in full.
    let prefix = &value[..value.len().min(PREFIX)];
    for at in memmem::find_iter(&input[from..to], prefix) {
        let (s, e) = (from + at, from + at + value.len());
        if e > to || &input[s..e] != value {
            continue;
        }
        if stands_alone(input, s, e) {
            f(s, e);
        }
    }
}

/// Whether `input[s..e]` stands as a whole value in its line: nothing that continues a token
/// on either side, and not a key (`"…":`, `'…' :`), so that writing a placeholder there leaves
/// the rest of the line parsing as it did.
fn stands_alone(input: &[u8], s: usize, e: usize) -> bool {
    if s > 0 && continues_left(input[s - 1]) {
        return false;
    }
    let Some(&next) = input.get(e) else {
        return true;
    };
    if next == b'.' {
        // A sentence's full stop, not a dotted name.
        return !input.get(e + 1).is_some_and(|&b| continues_right(b));
    }
    if continues_right(next) {
        return false;
    }
    if b"'\"`".contains(&next) {
        let after = input[e + 1..].iter().find(|&&b| b != b' ' && b != b'\t');
        return after != Some(&b':') && after != Some(&b'=');
    }
    true
}

/// Where the first `lines` lines of `input` end.
fn first_lines_end(input: &[u8], lines: usize) -> usize {
    match lines.checked_sub(1) {
        None => 0,
        Some(n) => memchr::memchr_iter(b'\n', input)
            .nth(n)
            .unwrap_or(input.len()),
    }
}

/// Where the [`WINDOW`] lines after the line ending at `line_end` end.
fn window_end(input: &[u8], line_end: usize) -> usize {
    let rest = &input[line_end..];
    memchr::memchr_iter(b'\n', rest)
        .nth(WINDOW)
        .map_or(input.len(), |i| line_end + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echoes(input: &[u8], value: &str) -> Vec<(usize, usize)> {
        let mut r = Recall::default();
        let start = memmem::find(input, value.as_bytes()).unwrap();
        let line_end = memchr::memchr(b'\n', &input[start..]).map_or(input.len(), |i| start + i);
        r.remember(input, (start, start + value.len()), line_end, 3, 4);
        let mut v = Vec::new();
        while let Some(at) = r.next_at() {
            r.take_line(at, at + 1, |e| {
                assert_eq!((e.rule, e.kind), (3, 4));
                v.push((e.start, e.end));
            });
        }
        v
    }

    #[test]
    fn a_value_is_found_again_as_a_whole_token_within_the_window() {
        let input = b"+ PW='s3cr3t-Pass'\n+ echo 's3cr3t-Pass'\nx s3cr3t-Passw0rd\n";
        let got = echoes(input, "s3cr3t-Pass");
        assert_eq!(got, vec![(27, 38)], "only the whole token on line 2");
    }

    #[test]
    fn only_single_values_standing_alone_are_recalled() {
        // Cut across a line's syntax: never looked for.
        for v in [
            "pagetoken':",
            "a=b, Secret1",
            "Secret1 x]",
            " Secret12",
            ":Secret12",
        ] {
            assert!(!qualifies(v.as_bytes()), "{v}");
        }
        for v in ["hunter autumn 24", "s3cr3t-Pass", "dGVzdDEyMw=="] {
            assert!(qualifies(v.as_bytes()), "{v}");
        }
        // A key, a longer token's tail or head: not echoes; a value then a full stop is.
        let input =
            b"pw=Abcdefgh1\n{'Abcdefgh1': 1} /x/Abcdefgh1 Abcdefgh1.txt Abcdefgh1=2 Abcdefgh1.\n";
        assert_eq!(
            echoes(input, "Abcdefgh1"),
            vec![(input.len() - 11, input.len() - 2)]
        );
    }

    #[test]
    fn values_beyond_the_window_or_too_plain_are_not_recalled() {
        let mut input = b"password=Hunter2Hunter2\n".to_vec();
        input.extend(std::iter::repeat_n(&b"clean\n"[..], WINDOW).flatten());
        input.extend_from_slice(b"Hunter2Hunter2\n");
        assert!(echoes(&input, "Hunter2Hunter2").is_empty());
        assert!(echoes(b"pin=12345678\n12345678\n", "12345678").is_empty());
        assert!(echoes(b"pw=aB3\naB3\n", "aB3").is_empty());
        assert!(echoes(b"pw=2026-11-24\nat 2026-11-24\n", "2026-11-24").is_empty());
        assert!(echoes(b"pw=Hunter2x'\nx Hunter2x' y\n", "Hunter2x'").is_empty());
    }

    #[test]
    fn the_sliding_window_ends_where_a_fresh_count_does() {
        let mut input = Vec::new();
        let mut seed = 7u32;
        for _ in 0..400 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            input.extend(std::iter::repeat_n(b'x', (seed >> 16) as usize % 5));
            input.push(b'\n');
        }
        input.extend_from_slice(b"tail");
        let mut r = Recall::default();
        r.clear();
        let ends: Vec<usize> = (0..input.len()).filter(|&i| input[i] == b'\n').collect();
        for (n, &e) in ends.iter().enumerate() {
            if n % 3 == 1 {
                continue; // lines skipped, as between keyword lines
            }
            assert_eq!(r.window_to(&input, e), window_end(&input, e), "line {n}");
        }
        assert_eq!(r.window_to(&input, input.len()), input.len());
    }

    #[test]
    fn values_whose_window_ended_make_room_for_new_ones() {
        let mut input = String::new();
        for i in 0..MAX_OPEN {
            input.push_str(&format!("k=Value{i:02}_abcdef\n"));
        }
        input.push_str(&"\n".repeat(WINDOW + 1));
        input.push_str("k=Fresh_Value9\nFresh_Value9\n");
        let input = input.as_bytes();
        let mut r = Recall::default();
        let mut line_start = 0;
        for line in input.split_inclusive(|&b| b == b'\n') {
            let end = line_start + line.len() - 1;
            if let Some(p) = line.strip_prefix(b"k=") {
                r.remember(
                    input,
                    (line_start + 2, line_start + 2 + p.len() - 1),
                    end,
                    0,
                    0,
                );
            }
            line_start += line.len();
        }
        let at = r.next_at().expect("the new value is recalled");
        assert_eq!(&input[at..at + 12], b"Fresh_Value9");
    }

    #[test]
    fn a_value_searched_again_from_its_echo_is_not_found_twice() {
        let input = b"k=Abcdefgh1\nAbcdefgh1\nAbcdefgh1\n";
        let mut r = Recall::default();
        r.remember(input, (2, 11), 11, 0, 0);
        r.remember(input, (12, 21), 21, 0, 0);
        let mut v = Vec::new();
        while let Some(at) = r.next_at() {
            r.take_line(at, at + 1, |e| v.push(e.start));
        }
        assert_eq!(v, vec![12, 22]);
    }

    #[test]
    fn a_value_redacted_again_by_another_rule_is_echoed_as_first_seen() {
        // Seen as rule 0, then redacted by rule 5 on line 2, which carries its window on to
        // the last line: the echo there is rule 0's, as the stream's tail would carry the
        // value had the block ended after line 2.
        let mut input = b"k=Abcdefgh1\nv=Abcdefgh1\n".to_vec();
        input.extend(std::iter::repeat_n(b'\n', WINDOW - 1));
        input.extend_from_slice(b"Abcdefgh1\n");
        let mut r = Recall::default();
        r.clear();
        r.remember(&input, (2, 11), 11, 0, 0);
        r.remember(&input, (14, 23), 23, 5, 6);
        let mut v = Vec::new();
        while let Some(at) = r.next_at() {
            r.take_line(at, at + 1, |e| v.push((e.start, e.rule, e.kind)));
        }
        assert_eq!(v, vec![(14, 0, 0), (input.len() - 10, 0, 0)]);
    }
}
