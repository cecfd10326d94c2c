//! The scrubber: turns a block of input lines into the same lines with secrets replaced.
//!
//! Why per line: a log line is the unit every consumer keeps (one in, one out), and secrets in
//! logs live inside one line — except PEM blocks, which a rule's `block` continuation follows
//! across lines with per-stream [`StreamState`].
//!
//! Why the prefilter comes first: most lines hold no secret. One Aho-Corasick pass over the
//! whole block finds the lines that contain any rule keyword; everything between them is copied
//! to the output in one `extend_from_slice`, with no per-line work and no allocation. Only on a
//! keyword line do the candidate rules' regexes run, on that line alone.
//!
//! What the caller must not assume: that a [`Hit`] is one regex match. Overlapping matches are
//! merged into one redacted span, reported once, with the kind of the highest-priority rule.

use regex::bytes::CaptureLocations;

use super::jwt::{JwtCache, Report};
use super::keyvalue::{lines, Decision, KvScratch, KvSpan};
use super::plain;
use super::recall::Recall;
use super::redact::{self, Mode};
use super::rule::{Matcher, Scanner};
use super::ruleset::RuleSet;
use super::substr;
use super::validate::Verdict;
use std::borrow::Cow;
use std::sync::Arc;

/// One redacted span of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Line index within the block passed to [`Scrubber::scrub_block`] (0-based).
    pub line: usize,
    /// Index of the winning rule in the [`RuleSet`].
    pub rule: u32,
    /// Kind id; name it with [`RuleSet::kind_name`].
    pub kind: u16,
    /// Byte range of the secret in the input line.
    pub start: usize,
    pub end: usize,
    /// For JWTs, the header's normalised `alg`.
    pub alg: Option<&'static str>,
    /// For JWTs, what the token says about its issuer's configuration (no token text).
    pub jwt: Option<Report>,
    /// In hash mode, the fingerprint written into the placeholder.
    pub fingerprint: Option<[u8; 12]>,
}

/// Per-stream state carried from one line to the next: an open multi-line block, or an SQL
/// statement whose parameters a later line prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamState {
    block: Option<OpenBlock>,
    pub(crate) sql: super::stores::sql::SqlCarry,
    /// A sensitive name whose value a following line prints (YAML lists).
    lines: Option<super::keyvalue::lines::LineCarry>,
    /// Values redacted near the end of the last block that the next lines may print again.
    recall: super::recall::Tail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct OpenBlock {
    rule: u32,
    lines: u32,
    /// How the opening line framed the block, for lines that repeat the frame.
    frame: Frame,
}

/// Where the opening marker stood in its line: each line of a log written through a collector
/// repeats what came before it (a syslog or CRI prefix, Docker's `{"log":"`) and, in JSON
/// lines, what came after it (`\n","stream":…`). A following line is also read as a body
/// line from the same column, where the byte before it repeats the opening line's, up to the
/// first byte that followed the opening line's match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Frame {
    /// Bytes before the marker (0: none, or a frame no following line can repeat).
    prefix: u32,
    /// The byte right before the marker.
    before: u8,
    /// The byte right after the opening line's match (0: the match ended the line).
    close: u8,
}

impl Frame {
    /// The frame of an opening marker at `line[start..end]`. A frame closed by a byte a
    /// placeholder is made of (`[REDACTED:…]`) is none: a following line's redaction could
    /// close a frame where the line had none, and scrubbing the output again must change
    /// nothing.
    fn around(line: &[u8], start: usize, end: usize) -> Self {
        let close = line.get(end).copied().unwrap_or(0);
        if start == 0 || redact::is_placeholder_byte(close) || b"[]".contains(&close) {
            return Self::default();
        }
        Self {
            prefix: start as u32,
            before: line[start - 1],
            close,
        }
    }

    /// The part of `line` in the opening line's frame, and where it starts: from the marker's
    /// column to the first `close` byte, without an escaped line break before it.
    fn body_of(self, line: &[u8]) -> Option<(usize, &[u8])> {
        let at = self.prefix as usize;
        if at == 0 || at >= line.len() || line[at - 1] != self.before {
            return None;
        }
        // A redaction before the column moved the frame: this is not a line of it (and was
        // not before it was scrubbed).
        if redact::find_open(&line[..at]).is_some() {
            return None;
        }
        let mut piece = &line[at..];
        if self.close != 0 {
            piece = super::escapes::trim_breaks(&piece[..memchr::memchr(self.close, piece)?]);
        }
        Some((at, piece))
    }
}

impl StreamState {
    /// Whether state is carried to the next line (an open block, pending SQL parameters):
    /// the next lines must be scrubbed in order with this state.
    pub fn in_block(&self) -> bool {
        self.block.is_some() || self.sql.active() || self.lines.is_some()
    }

    /// Whether values redacted near the end of the last block may be printed again at the
    /// start of the next: the stream's state is worth keeping, though not in a block.
    pub fn recalls(&self) -> bool {
        !self.recall.is_empty()
    }

    /// The stream's next block, `input`, was scrubbed from a fresh state, with `hits` (their
    /// lines counted from `first_line`): whether scrubbing it from this state would give the
    /// same. When it would, this state becomes what is left of it past `input`, which the
    /// state the fresh scrub ended in [follows](Self::followed_by); `load` accumulates over
    /// the stream's blocks in one job (see [`Tail::passes_over`](super::recall::Tail)).
    pub fn passes_over(
        &mut self,
        input: &[u8],
        hits: &[Hit],
        first_line: usize,
        load: &mut (usize, usize),
    ) -> bool {
        let hits = hits.iter().map(|h| (h.line - first_line, h.end - h.start));
        !self.in_block() && self.recall.passes_over(input, hits, load)
    }

    /// This state (what is left of one that [passed over](Self::passes_over) the stream's
    /// last blocks) followed by `later`, the state scrubbing those blocks fresh ended in.
    pub fn followed_by(&mut self, later: StreamState) {
        let mut tail = std::mem::take(&mut self.recall);
        *self = later;
        tail.extend(std::mem::take(&mut self.recall));
        self.recall = tail;
    }
}

/// Per-worker scratch space, reused across lines so clean and dirty lines allocate nothing.
pub struct Scratch {
    /// Per rule: its regex's capture slots, made when the rule first runs.
    locs: Vec<Option<CaptureLocations>>,
    candidates: Vec<bool>,
    chosen: Vec<u32>,
    spans: Vec<Span>,
    placeholders: Vec<(usize, usize)>,
    /// Keyword hits of the current line: (prefilter pattern, start, end), in order of end.
    kw_hits: Vec<(u32, usize, usize)>,
    /// Keyword hits of the current block, in order of end; and its lower-cased copy.
    block_hits: Vec<(u32, usize, usize)>,
    lower: Vec<u8>,
    /// Whether `chosen` came from keyword hits (so gates apply) or was forced.
    gated: bool,
    /// Per gate, for the current line: 0 not evaluated, 1 open, 2 closed.
    gate_state: Vec<u8>,
    gate_caches: Vec<regex_automata::hybrid::dfa::Cache>,
    kv: KvScratch,
    kv_spans: Vec<KvSpan>,
    kv_hits: Vec<(usize, usize)>,
    /// The redacted form of the current line, and its copied segments (out start, out end,
    /// line start), for [`Scrubber::settle`].
    settle_text: Vec<u8>,
    /// A parameter list printed over lines, line breaks as spaces ([`sql::list_items`]).
    ///
    /// [`sql::list_items`]: super::stores::sql::list_items
    list_text: Vec<u8>,
    settle_segs: Vec<(usize, usize, usize)>,
    /// The current line's keyword hits while `kw_hits` holds those of its redacted form.
    settle_hits: Vec<(u32, usize, usize)>,
    /// Values a [`LineCarry`](super::keyvalue::lines::LineCarry) found on the current line.
    carried: Vec<(usize, usize, super::keyvalue::KeyClass)>,
    /// A quoted value the key/value rule redacted on this line that runs on past its end
    /// (no closing quote): its quote and kind, for the lines that continue it.
    open_string: Option<(u8, u16)>,
    /// A multi-line block's end marker found on the line that opened it: (rule, range), and
    /// the opening line's frame.
    block_end: Option<(u32, usize, usize, Frame)>,
    /// Recent JWT analyses, and when the lines being scrubbed were seen.
    jwt: JwtCache,
    /// The current line's plain form (no colour codes, references decoded), and the range of
    /// the line each of its bytes came from.
    plain: Vec<u8>,
    plain_map: Vec<(usize, usize)>,
    /// Values redacted earlier in the block, and where later lines print them again.
    recall: Recall,
}

impl Scratch {
    /// When the lines scrubbed next were read or logged (Unix seconds), which JWTs' `expired`
    /// and `long_lifetime` are judged against; `None` (the default): the wall clock.
    pub fn set_seen_at(&mut self, unix_secs: Option<i64>) {
        self.jwt.set_seen_at(unix_secs);
    }

    /// This worker's cache of JWT analyses.
    pub fn jwt_cache(&self) -> &JwtCache {
        &self.jwt
    }
}

const GATE_UNKNOWN: u8 = 0;
const GATE_OPEN: u8 = 1;
const GATE_CLOSED: u8 = 2;

/// Where [`Scrubber::scrub_block`] stands when a line completes what earlier lines printed.
struct Earlier<'a> {
    input: &'a [u8],
    line_start: usize,
    line_end: usize,
    line_no: usize,
    /// The first of this block's hits in the caller's vector.
    hits_base: usize,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    rule: u32,
    kind: u16,
    priority: i32,
    alg: Option<&'static str>,
    jwt: Option<Report>,
    /// For the key/value scanner: the key the value sits under.
    key: Option<(u32, u32)>,
    /// For the store grammars: what made the value secret.
    note: super::keyvalue::Note,
}

/// A validated match of one rule, before merging; what `scrubd explain` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: u32,
    pub kind: u16,
    pub start: usize,
    pub end: usize,
    pub alg: Option<&'static str>,
    pub jwt: Option<Report>,
    /// The key the secret sits under, when a scanner read one.
    pub key: Option<(usize, usize)>,
    /// What made the value secret beyond its key (store grammars).
    pub note: super::keyvalue::Note,
}

/// Scrubs lines with a shared [`RuleSet`]. Cheap to clone; one per worker thread.
#[derive(Debug, Clone)]
pub struct Scrubber {
    rules: Arc<RuleSet>,
    mode: Mode,
}

impl Scrubber {
    pub fn new(rules: Arc<RuleSet>, mode: Mode) -> Self {
        Scrubber { rules, mode }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// Fresh scratch space for one worker.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            locs: self.rules.rules().iter().map(|_| None).collect(),
            candidates: vec![false; self.rules.len()],
            chosen: Vec::new(),
            spans: Vec::new(),
            placeholders: Vec::new(),
            kw_hits: Vec::new(),
            block_hits: Vec::new(),
            lower: Vec::new(),
            gated: false,
            gate_state: vec![GATE_UNKNOWN; self.rules.gates().len()],
            gate_caches: self
                .rules
                .gates()
                .iter()
                .map(|g| g.dfa.create_cache())
                .collect(),
            kv: KvScratch::default(),
            kv_spans: Vec::new(),
            kv_hits: Vec::new(),
            settle_text: Vec::new(),
            list_text: Vec::new(),
            settle_segs: Vec::new(),
            settle_hits: Vec::new(),
            carried: Vec::new(),
            open_string: None,
            block_end: None,
            jwt: self.rules.jwt().cache(),
            plain: Vec::new(),
            plain_map: Vec::new(),
            recall: Recall::default(),
        }
    }

    /// `text` as it may be shown outside the data path (a file's or stream's name, a line of
    /// scrubd's own log, an error message), with the secrets in it redacted, or `None` when it
    /// holds none. Scrubbed as a stream of its own: nothing before it leaves a block open in it.
    pub fn scrub_text(&self, text: &[u8], scratch: &mut Scratch) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(text.len() + 32);
        let mut hits = Vec::new();
        self.scrub_block(
            text,
            &mut StreamState::default(),
            scratch,
            &mut out,
            &mut hits,
        );
        (out != text).then_some(out)
    }

    /// [`scrub_text`](Self::scrub_text) for text: `text` itself when it holds no secret.
    pub fn scrub_str<'t>(&self, text: &'t str, scratch: &mut Scratch) -> Cow<'t, str> {
        match self.scrub_text(text.as_bytes(), scratch) {
            None => Cow::Borrowed(text),
            Some(out) => match String::from_utf8(out) {
                Ok(shown) => Cow::Owned(shown),
                Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
            },
        }
    }

    /// Scrub `input`, a block of whole lines (each ending in `\n`, except perhaps the last),
    /// appending the result to `out` and one [`Hit`] per redacted span to `hits`.
    /// Line endings (`\n`, `\r\n`, none) are copied unchanged.
    pub fn scrub_block(
        &self,
        input: &[u8],
        state: &mut StreamState,
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
        hits: &mut Vec<Hit>,
    ) {
        // One keyword pass over the whole block: it finds the next line worth a look and, at the
        // same time, which rules are candidates on it — no second scan of the line.
        let have_keywords = self.rules.prefilter().is_some();
        let mut block_hits = std::mem::take(&mut scratch.block_hits);
        block_hits.clear();
        if have_keywords {
            self.rules
                .find_keywords(input, &mut scratch.lower, &mut block_hits);
        }
        let mut next_hit = 0;
        let hits_base = hits.len();
        scratch.recall.clear();
        if state.recalls() {
            scratch
                .recall
                .seed(input, std::mem::take(&mut state.recall));
        }
        let mut pos = 0; // always at a line start
        let mut line_no = 0; // index of the line starting at `pos`
        let every_line = !self.rules.always().is_empty() || !have_keywords;
        while pos < input.len() {
            let line_start = if state.in_block() || every_line {
                pos
            } else {
                // The next line with a keyword on it, or printing a value redacted above.
                let at = match (block_hits.get(next_hit), scratch.recall.next_at()) {
                    (None, None) => {
                        out.extend_from_slice(&input[pos..]);
                        break;
                    }
                    (Some(&(_, k, _)), Some(e)) => k.min(e),
                    (Some(&(_, k, _)), None) => k,
                    (None, Some(e)) => e,
                };
                let start = memchr::memrchr(b'\n', &input[pos..at]).map_or(pos, |i| pos + i + 1);
                out.extend_from_slice(&input[pos..start]);
                line_no += memchr::memchr_iter(b'\n', &input[pos..start]).count();
                start
            };
            let (content_end, next) = match memchr::memchr(b'\n', &input[line_start..]) {
                Some(i) => {
                    let nl = line_start + i;
                    let end = if nl > line_start && input[nl - 1] == b'\r' {
                        nl - 1
                    } else {
                        nl
                    };
                    (end, nl + 1)
                }
                None => (input.len(), input.len()),
            };
            self.begin_candidates(scratch);
            // Keywords hold no line breaks, so a hit starting before `next` lies in this line
            // (hits are in order of end, hence grouped by line).
            while let Some(&(p, s, e)) = block_hits.get(next_hit).filter(|h| h.1 < next) {
                self.add_candidates(p as usize, scratch);
                scratch.kw_hits.push((p, s - line_start, e - line_start));
                next_hit += 1;
            }
            if state.sql.active() {
                self.add_carry_rules(scratch);
            }
            self.end_candidates(scratch);
            let line = &input[line_start..content_end];
            scratch.spans.clear();
            let body = match state.block.take() {
                Some(open) => self.continue_block(line, open, state, scratch),
                None => None,
            };
            match body {
                Some(framed) => {
                    if framed {
                        // The frame around the body (a syslog prefix, a JSON record) is read
                        // like any line.
                        self.scan(line, state, scratch);
                    }
                    self.add_echoes(line_start, content_end, scratch);
                    self.write_line(line, line_no, scratch, out, hits)
                }
                None => {
                    self.scan(line, state, scratch);
                    let at = Earlier {
                        input,
                        line_start,
                        line_end: content_end,
                        line_no,
                        hits_base,
                    };
                    let location = state.lines.as_ref().and_then(|c| c.fresh_location());
                    if let Some((ind, class)) = location {
                        self.redact_before(&at, ind, class, scratch, out, hits);
                    }
                    if state.sql.active() {
                        self.sql_before(&at, state, scratch, out, hits);
                    }
                    self.add_echoes(line_start, content_end, scratch);
                    self.write_line(line, line_no, scratch, out, hits);
                }
            }
            self.remember_line(
                input,
                line_start,
                content_end,
                line_no,
                scratch,
                &hits[hits_base..],
            );
            out.extend_from_slice(&input[content_end..next]);
            pos = next;
            line_no += 1;
        }
        scratch.block_hits = block_hits;
        scratch.recall.tail(input, &mut state.recall);
    }

    /// The echoes of values redacted above that lie on the line `line_start..line_end`
    /// (see [`Recall`]), as spans.
    fn add_echoes(&self, line_start: usize, line_end: usize, scratch: &mut Scratch) {
        let spans = &mut scratch.spans;
        scratch.recall.take_line(line_start, line_end, |e| {
            spans.push(Span {
                start: e.start - line_start,
                end: e.end - line_start,
                rule: e.rule,
                kind: e.kind,
                priority: self.rules.rules()[e.rule as usize].priority,
                alg: None,
                jwt: None,
                key: None,
                note: Default::default(),
            })
        });
    }

    /// Hand the values redacted on line `line_no` (`line_start..line_end` of `input`, its hits
    /// last in `hits`, the block's hits) to the block's [`Recall`]. Session ids are not recalled: programs print
    /// them in clear on every line as log correlation ids (dovecot's `session=`, Keycloak's
    /// `sid`), where they name a session but open none. A URI's password is remembered with
    /// the pieces its first `/` cuts it into: a parser handed it unescaped reads the head as
    /// the port and the tail as the path (libpq's `'port': '<head>'`, `'dbname': '<tail>@…'`).
    fn remember_line(
        &self,
        input: &[u8],
        line_start: usize,
        line_end: usize,
        line_no: usize,
        scratch: &mut Scratch,
        hits: &[Hit],
    ) {
        for h in hits.iter().rev().take_while(|h| h.line == line_no) {
            let kind = self.rules.kind_name(h.kind);
            if kind == "session-cookie" {
                continue;
            }
            let (start, end) = (line_start + h.start, line_start + h.end);
            let recall = &mut scratch.recall;
            recall.remember(input, (start, end), line_end, h.rule, h.kind);
            if kind != "uri-credentials" {
                continue;
            }
            if let Some(cut) = memchr::memchr(b'/', &input[start..end]) {
                // In JSON the `/` may be written `\/`: the head ends before its backslashes.
                let head = input[start..start + cut]
                    .iter()
                    .rposition(|&b| b != b'\\')
                    .map_or(start, |i| start + i + 1);
                for piece in [(start, head), (start + cut + 1, end)] {
                    recall.remember(input, piece, line_end, h.rule, h.kind);
                }
            }
        }
    }

    /// A line naming a record's field (`path: 'password',`) whose value an earlier line of the
    /// block printed (`value: '…',`, see [`lines::value_before`]): that line is written again,
    /// redacted. Only within a block: a line of an earlier block is gone.
    fn redact_before(
        &self,
        at: &Earlier,
        ind: usize,
        class: super::keyvalue::KeyClass,
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
        hits: &mut Vec<Hit>,
    ) {
        let Some(kv_rule) = self.rules.kv_rule() else {
            return;
        };
        let Some((vs, ve)) = lines::value_before(at.input, at.line_start, ind, class) else {
            return;
        };
        let from = memchr::memrchr(b'\n', &at.input[..vs]).map_or(0, |i| i + 1);
        let span = self.carried_span(kv_rule, vs, ve, class);
        self.rewrite_lines(at, from, &[span], scratch, out, hits);
    }

    /// SQL parameters printed on earlier lines of the block than the line that completes
    /// them: a list over lines that this line closes (util.inspect's `parameters: [` with an
    /// item a line), or knex's query object whose `bindings: [` come before its `sql: '…'`
    /// (this line). The items in sensitive positions are redacted where they stand; a list
    /// begun in an earlier block is not reached.
    fn sql_before(
        &self,
        at: &Earlier,
        state: &mut StreamState,
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
        hits: &mut Vec<Hit>,
    ) {
        use super::stores::sql;
        let (Some(kv), Some(&rule)) =
            (self.rules.kv_or_builtin(), self.rules.carry_rules().first())
        else {
            return;
        };
        let input = at.input;
        let (open, from, text_end) = if let Some((lines, col)) = state.sql.open_list() {
            // Back to the line that opened the list; its own items were read with it.
            let mut start = at.line_start;
            for _ in 0..lines {
                if start == 0 {
                    state.sql.clear();
                    return;
                }
                start = memchr::memrchr(b'\n', &input[..start - 1]).map_or(0, |i| i + 1);
            }
            let from = start + memchr::memchr(b'\n', &input[start..]).map_or(0, |i| i + 1);
            (start + col, from, at.line_end)
        } else if state.sql.fresh() {
            let line = &input[at.line_start..at.line_end];
            let Some(open) = sql::sql_field(line)
                .and_then(|ind| sql::bindings_before(input, at.line_start, ind))
            else {
                return;
            };
            let from = memchr::memrchr(b'\n', &input[..open]).map_or(0, |i| i + 1);
            (open, from, at.line_start)
        } else {
            return;
        };
        let mut found = std::mem::take(&mut scratch.kv_spans);
        let mut text = std::mem::take(&mut scratch.list_text);
        found.clear();
        let closed = sql::list_items(
            kv,
            &input[..text_end],
            open,
            state.sql.sensitive(),
            &mut scratch.kv,
            &mut text,
            &mut found,
        );
        scratch.list_text = text;
        if closed {
            state.sql.clear();
            let ri = rule as usize;
            let priority = self.rules.rules()[ri].priority;
            let mut earlier = Vec::new();
            for k in found.iter().filter(|k| k.start >= from && k.start < k.end) {
                let span = Span {
                    start: k.start,
                    end: k.end,
                    rule,
                    kind: self.rules.scanner_kind_id(ri, k.kind),
                    priority,
                    alg: None,
                    jwt: None,
                    key: None,
                    note: k.note,
                };
                if k.start >= at.line_start {
                    scratch.spans.push(Span {
                        start: k.start - at.line_start,
                        end: k.end - at.line_start,
                        ..span
                    });
                } else {
                    earlier.push(span);
                }
            }
            if !earlier.is_empty() {
                self.rewrite_lines(at, from, &earlier, scratch, out, hits);
            }
        }
        scratch.kv_spans = found;
    }

    /// Write lines `from..at.line_start` of the block, already in `out`, again with the spans
    /// `extra` (ranges in the block) added to what they had (their hits). Each line went out
    /// with its terminator and no placeholder holds a line break, so the lines' output is
    /// found by counting line breaks back from the end of `out`.
    fn rewrite_lines(
        &self,
        at: &Earlier,
        from: usize,
        extra: &[Span],
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
        hits: &mut Vec<Hit>,
    ) {
        let input = at.input;
        let n = memchr::memchr_iter(b'\n', &input[from..at.line_start]).count();
        if n == 0 || n > at.line_no {
            return;
        }
        let first_no = at.line_no - n;
        let mut p = out.len();
        for _ in 0..n {
            let Some(q) = p.checked_sub(1) else {
                return;
            };
            p = memchr::memrchr(b'\n', &out[..q]).map_or(0, |i| i + 1);
        }
        out.truncate(p);
        let own = &hits[at.hits_base..];
        let keep = at.hits_base
            + own
                .iter()
                .rposition(|h| h.line < first_no)
                .map_or(0, |i| i + 1);
        let old: Vec<Hit> = hits.drain(keep..).collect();
        let saved = std::mem::take(&mut scratch.spans);
        let (mut start, mut no, mut oi) = (from, first_no, 0);
        while start < at.line_start {
            let nl = start + memchr::memchr(b'\n', &input[start..at.line_start]).unwrap_or(0);
            let end = if nl > start && input[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            scratch.spans.clear();
            while let Some(h) = old.get(oi).filter(|h| h.line == no) {
                scratch.spans.push(Span {
                    start: h.start,
                    end: h.end,
                    rule: h.rule,
                    kind: h.kind,
                    priority: self.rules.rules()[h.rule as usize].priority,
                    alg: h.alg,
                    jwt: h.jwt,
                    key: None,
                    note: Default::default(),
                });
                oi += 1;
            }
            for sp in extra.iter().filter(|sp| sp.start >= start && sp.end <= end) {
                scratch.spans.push(Span {
                    start: sp.start - start,
                    end: sp.end - start,
                    ..*sp
                });
            }
            self.write_line(&input[start..end], no, scratch, out, hits);
            out.extend_from_slice(&input[end..nl + 1]);
            start = nl + 1;
            no += 1;
        }
        scratch.spans = saved;
    }

    /// The span of a value the key/value rule found through another line (a line carry, a
    /// record's location after its value).
    fn carried_span(
        &self,
        kv_rule: u32,
        start: usize,
        end: usize,
        class: super::keyvalue::KeyClass,
    ) -> Span {
        Span {
            start,
            end,
            rule: kv_rule,
            kind: self.rules.scanner_kind_id(kv_rule as usize, class.kind),
            priority: self.rules.rules()[kv_rule as usize].priority,
            alg: None,
            jwt: None,
            key: None,
            note: Default::default(),
        }
    }

    /// The spans of `line`, whose candidate rules are chosen, into `scratch.spans`: the rules,
    /// the settling passes, a block the line opens. A keyword line holding colour codes or
    /// character references is scanned as a reader sees it and the spans mapped back (see
    /// [`plain`]).
    fn scan(&self, line: &[u8], state: &mut StreamState, scratch: &mut Scratch) {
        scratch.block_end = None;
        let mut plain = std::mem::take(&mut scratch.plain);
        let mut map = std::mem::take(&mut scratch.plain_map);
        if (!scratch.chosen.is_empty() || state.lines.is_some())
            && plain::strip(line, &mut plain, &mut map)
        {
            self.begin_candidates(scratch);
            self.rules
                .find_keywords(&plain, &mut scratch.lower, &mut scratch.kw_hits);
            for i in 0..scratch.kw_hits.len() {
                self.add_candidates(scratch.kw_hits[i].0 as usize, scratch);
            }
            if state.sql.active() {
                self.add_carry_rules(scratch);
            }
            self.end_candidates(scratch);
            self.find_spans(&plain, Some(state), scratch);
            self.settle(&plain, scratch);
            self.keep_block_end(state, scratch);
            map_spans(&map, line.len(), &mut scratch.spans);
        } else {
            self.find_spans(line, Some(state), scratch);
            self.settle(line, scratch);
            self.keep_block_end(state, scratch);
        }
        scratch.plain = plain;
        scratch.plain_map = map;
    }

    /// The SQL rules run on every line while a statement's parameters are pending.
    fn add_carry_rules(&self, scratch: &mut Scratch) {
        for &r in self.rules.carry_rules() {
            if !scratch.candidates[r as usize] {
                scratch.candidates[r as usize] = true;
                scratch.chosen.push(r);
            }
        }
    }

    /// All validated matches in `line`, unmerged (for `explain` and rule examples).
    /// With `only = Some(rule)`, just that rule runs (regardless of keywords).
    pub fn findings(
        &self,
        line: &[u8],
        only: Option<usize>,
        scratch: &mut Scratch,
    ) -> Vec<Finding> {
        let (mut plain, mut map) = (Vec::new(), Vec::new());
        if plain::strip(line, &mut plain, &mut map) {
            let mut found = self.findings(&plain, only, scratch);
            for f in &mut found {
                (f.start, f.end) = plain::map_back(&map, line.len(), f.start, f.end);
                f.key = f.key.map(|(s, e)| plain::map_back(&map, line.len(), s, e));
            }
            return found;
        }
        scratch.spans.clear();
        match only {
            Some(r) => {
                scratch.chosen.clear();
                scratch.chosen.push(r as u32);
            }
            None => self.select_candidates(line, scratch),
        }
        scratch.gated = only.is_none();
        self.find_spans(line, None, scratch);
        scratch
            .spans
            .iter()
            .map(|s| Finding {
                rule: s.rule,
                kind: s.kind,
                start: s.start,
                end: s.end,
                alg: s.alg,
                jwt: s.jwt,
                key: s.key.map(|(a, b)| (a as usize, b as usize)),
                note: s.note,
            })
            .collect()
    }

    /// What the key/value scanner decided about each sensitive-looking key of `line`
    /// (recognised key, syntax, value read, and why it was kept), for `scrubd explain`.
    pub fn key_decisions(&self, line: &[u8], scratch: &mut Scratch) -> Vec<Decision> {
        let (mut plain, mut map) = (Vec::new(), Vec::new());
        if plain::strip(line, &mut plain, &mut map) {
            let mut decisions = self.key_decisions(&plain, scratch);
            for d in &mut decisions {
                d.key = plain::map_back(&map, line.len(), d.key.0, d.key.1);
                d.value = d
                    .value
                    .map(|(s, e)| plain::map_back(&map, line.len(), s, e));
            }
            return decisions;
        }
        let mut decisions = Vec::new();
        let Some(kv) = self.rules.kv() else {
            return decisions;
        };
        let Some(ri) = self
            .rules
            .rules()
            .iter()
            .position(|r| r.scanner() == Some(Scanner::KeyValue))
        else {
            return decisions;
        };
        self.select_candidates(line, scratch);
        self.kv_hits_for(ri, line, scratch);
        let hits = std::mem::take(&mut scratch.kv_hits);
        scratch.kv_spans.clear();
        kv.scan(
            line,
            hits.iter().copied(),
            &mut scratch.kv,
            &mut scratch.kv_spans,
            Some(&mut decisions),
        );
        scratch.kv_hits = hits;
        decisions
    }

    /// The keyword hits of rule `ri` in `line`, by start, into `scratch.kv_hits`: from the
    /// line's prefilter hits when gated, else by searching the line.
    fn kv_hits_for(&self, ri: usize, line: &[u8], scratch: &mut Scratch) {
        scratch.kv_hits.clear();
        if scratch.gated {
            for &(p, s, e) in &scratch.kw_hits {
                if self.rules.keyword_rules(p as usize).contains(&(ri as u32)) {
                    scratch.kv_hits.push((s, e));
                }
            }
        } else if let Some(ac) = self.rules.prefilter() {
            for m in ac.find_overlapping_iter(line) {
                if self
                    .rules
                    .keyword_rules(m.pattern().as_usize())
                    .contains(&(ri as u32))
                {
                    scratch.kv_hits.push((m.start(), m.end()));
                }
            }
        }
        scratch.kv_hits.sort_unstable();
        scratch.kv_hits.dedup();
    }

    /// Rules whose keywords occur in `line`, in rule order, into `scratch.chosen`.
    fn select_candidates(&self, line: &[u8], scratch: &mut Scratch) {
        self.begin_candidates(scratch);
        // The block's keyword search, not the overlapping Aho-Corasick pass: the same hits in
        // the same order, at a fraction of the cost.
        self.rules
            .find_keywords(line, &mut scratch.lower, &mut scratch.kw_hits);
        for i in 0..scratch.kw_hits.len() {
            self.add_candidates(scratch.kw_hits[i].0 as usize, scratch);
        }
        self.end_candidates(scratch);
    }

    fn begin_candidates(&self, scratch: &mut Scratch) {
        scratch.chosen.clear();
        scratch.chosen.extend_from_slice(self.rules.always());
        scratch.kw_hits.clear();
        scratch.gated = true;
        scratch.gate_state.fill(GATE_UNKNOWN);
    }

    /// Add the rules keyword `pattern` selects (once each).
    fn add_candidates(&self, pattern: usize, scratch: &mut Scratch) {
        for &r in self.rules.keyword_rules(pattern) {
            if !scratch.candidates[r as usize] {
                scratch.candidates[r as usize] = true;
                scratch.chosen.push(r);
            }
        }
    }

    fn end_candidates(&self, scratch: &mut Scratch) {
        for &r in &scratch.chosen {
            scratch.candidates[r as usize] = false;
        }
        scratch.chosen.sort_unstable();
    }

    /// Run the chosen rules over `line`, pushing validated spans. With a `state`, a rule with a
    /// `block` whose end is not on this line opens the block.
    fn find_spans(&self, line: &[u8], mut state: Option<&mut StreamState>, scratch: &mut Scratch) {
        // A value the line before announced (`- --api-key` then `- <value>`).
        if let (Some(st), Some(kv_rule), Some(kv)) =
            (state.as_deref_mut(), self.rules.kv_rule(), self.rules.kv())
        {
            if let Some(carry) = st.lines.take() {
                let mut values = std::mem::take(&mut scratch.carried);
                st.lines = carry.apply_all(kv.names(), line, &mut values);
                for &(s, e, class) in &values {
                    let span = self.carried_span(kv_rule, s, e, class);
                    push_clipped(line, span, &[], &mut scratch.spans);
                }
                values.clear();
                scratch.carried = values;
            }
        }
        if scratch.chosen.is_empty() {
            return;
        }
        // Any keyword line may announce a carry (`- mysqladmin` names no key, only a command).
        let announce = state.is_some();
        scratch.open_string = None;
        self.run_rules(line, state.as_deref_mut(), scratch);
        if announce {
            if let (Some(st), Some(kv)) = (state, self.rules.kv()) {
                // A new announcement replaces a pending one; a keyword line that announces
                // nothing (`- -uroot` among the items) leaves it waiting.
                let redacted_to = scratch.spans.iter().map(|s| s.end).max().unwrap_or(0);
                let carry =
                    super::keyvalue::lines::LineCarry::detect(kv.names(), line, redacted_to)
                        .or_else(|| {
                            let (quote, kind) = scratch.open_string.or_else(|| {
                                let (quote, kind) = wrapped_token(line, &scratch.spans)?;
                                let kv_rule = self.rules.kv_rule()? as usize;
                                Some((quote, self.rules.scanner_kind_index(kv_rule, kind)))
                            })?;
                            Some(super::keyvalue::lines::LineCarry::open_string(
                                line, quote, kind,
                            ))
                        });
                if let Some(carry) = carry {
                    st.lines = Some(carry);
                }
            }
        }
        if !scratch.spans.is_empty() {
            propagate(line, &mut scratch.spans, &scratch.placeholders);
        }
    }

    /// Run the chosen rules over `line`, pushing validated spans.
    fn run_rules(&self, line: &[u8], mut state: Option<&mut StreamState>, scratch: &mut Scratch) {
        scratch.placeholders.clear();
        if redact::find_open(line).is_some() {
            find_placeholders(line, &mut scratch.placeholders);
        }
        let rules = self.rules.rules();
        for ci in 0..scratch.chosen.len() {
            let ri = scratch.chosen[ci] as usize;
            let rule = &rules[ri];
            let m = match &rule.matcher {
                Matcher::Regex(m) => m,
                Matcher::Scanner(Scanner::KeyValue) => {
                    self.scan_key_values(ri, line, scratch);
                    continue;
                }
                Matcher::Scanner(Scanner::ContextKeys) => {
                    self.scan_context_keys(ri, line, scratch);
                    continue;
                }
                Matcher::Scanner(Scanner::DynamoDbExpression | Scanner::Sql) => {
                    self.scan_store(ri, line, state.as_deref_mut(), scratch);
                    continue;
                }
            };
            if rule
                .requires_set
                .as_ref()
                .is_some_and(|set| !set.found_in(line))
            {
                continue;
            }
            if scratch.gated {
                if let Some(g) = self.rules.rule_gate(ri) {
                    if !self.gate_open(g as usize, line, scratch) {
                        continue;
                    }
                }
            }
            let regex = m.regex.get();
            let locs = scratch.locs[ri].get_or_insert_with(|| regex.capture_locations());
            let mut at = 0;
            while at <= line.len() {
                let Some(mt) = regex.captures_read_at(locs, line, at) else {
                    break;
                };
                // Go on from the end of the secret, not of the match: a regex that consumes a
                // delimiter after the value (or before the key) must not swallow the context
                // the next `key: value` needs (`password:X password:Y` left Y; fuzz finding).
                let secret_end = m
                    .secret_groups
                    .iter()
                    .find_map(|&g| locs.get(g))
                    .map(|(_, e)| e);
                at = match secret_end {
                    Some(e) if e > mt.start() => e.min(mt.end()),
                    _ if mt.end() > mt.start() => mt.end(),
                    _ => mt.end() + 1,
                };
                if let (Some(block), Some(st)) = (&m.block, state.as_deref_mut()) {
                    let after = m
                        .secret_groups
                        .iter()
                        .find_map(|&g| locs.get(g))
                        .map_or(mt.end(), |(_, e)| e);
                    let frame = Frame::around(line, mt.start(), mt.end());
                    match block
                        .end
                        .as_ref()
                        .and_then(|end| end.get().find(&line[after..]))
                    {
                        // Closed on this line — unless another rule's span takes the end
                        // marker (checked once all spans are known, see `keep_block_end`).
                        Some(m) => {
                            scratch.block_end =
                                Some((ri as u32, after + m.start(), after + m.end(), frame))
                        }
                        None => {
                            st.block = Some(OpenBlock {
                                rule: ri as u32,
                                lines: 0,
                                frame,
                            });
                        }
                    }
                }
                let Some((s, e)) = m.secret_groups.iter().find_map(|&g| locs.get(g)) else {
                    continue;
                };
                let key = m
                    .key_groups
                    .iter()
                    .find_map(|&g| locs.get(g))
                    .map(|(ks, ke)| &line[ks..ke]);
                match &m.values {
                    None => self.push_span(
                        line,
                        (s, e),
                        key,
                        ri,
                        (&mut scratch.spans, &scratch.placeholders, &mut scratch.jwt),
                    ),
                    Some((values, groups)) => {
                        for caps in values.get().captures_iter(&line[s..e]) {
                            if let Some(v) = groups.iter().find_map(|&g| caps.get(g)) {
                                let span = (s + v.start(), s + v.end());
                                self.push_span(
                                    line,
                                    span,
                                    key,
                                    ri,
                                    (&mut scratch.spans, &scratch.placeholders, &mut scratch.jwt),
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// Run the key/value scanner (rule `ri`) at its keyword hits in `line`, pushing spans.
    fn scan_key_values(&self, ri: usize, line: &[u8], scratch: &mut Scratch) {
        let Some(kv) = self.rules.kv() else { return };
        self.kv_hits_for(ri, line, scratch);
        if scratch.kv_hits.is_empty() {
            return;
        }
        scratch.kv_spans.clear();
        let hits = std::mem::take(&mut scratch.kv_hits);
        kv.scan(
            line,
            hits.iter().copied(),
            &mut scratch.kv,
            &mut scratch.kv_spans,
            None,
        );
        scratch.kv_hits = hits;
        scratch.open_string = scratch
            .kv_spans
            .iter()
            .rev()
            .find(|k| super::keyvalue::lines::runs_on(line, k.start, k.end))
            .map(|k| (line[k.start - 1], k.kind));
        self.push_kv_spans(ri, line, scratch);
    }

    /// The `context-keys` scanner: rule `ri`'s keys read as sensitive on this line.
    fn scan_context_keys(&self, ri: usize, line: &[u8], scratch: &mut Scratch) {
        let Some(kv) = self.rules.kv_or_builtin() else {
            return;
        };
        // The keywords are the context: without one, the keys mean nothing here.
        self.kv_hits_for(ri, line, scratch);
        if scratch.kv_hits.is_empty() {
            return;
        }
        scratch.kv_spans.clear();
        kv.scan_context(
            line,
            &self.rules.rules()[ri].context_keys,
            &mut scratch.kv,
            &mut scratch.kv_spans,
            None,
        );
        self.push_kv_spans(ri, line, scratch);
    }

    /// The store grammars (DynamoDB expressions, SQL) for rule `ri`.
    fn scan_store(
        &self,
        ri: usize,
        line: &[u8],
        state: Option<&mut StreamState>,
        scratch: &mut Scratch,
    ) {
        let Some(kv) = self.rules.kv_or_builtin() else {
            return;
        };
        let rule = &self.rules.rules()[ri];
        scratch.kv_spans.clear();
        let carry = state.map(|s| &mut s.sql);
        if !scratch.gated && !carry.as_deref().is_some_and(|c| c.active()) {
            // Run alone (explain, examples): only where its keywords are, as when gated.
            self.kv_hits_for(ri, line, scratch);
            if scratch.kv_hits.is_empty() {
                return;
            }
        }
        match rule.scanner() {
            Some(Scanner::DynamoDbExpression) => {
                super::stores::dynamodb::scan(kv, line, &mut scratch.kv, &mut scratch.kv_spans)
            }
            Some(Scanner::Sql) => {
                super::stores::sql::scan(kv, line, carry, &mut scratch.kv, &mut scratch.kv_spans)
            }
            _ => {}
        }
        self.push_kv_spans(ri, line, scratch);
    }

    /// Turn the scanner's spans into the line's spans (rule `ri`).
    fn push_kv_spans(&self, ri: usize, line: &[u8], scratch: &mut Scratch) {
        let priority = self.rules.rules()[ri].priority;
        for k in &scratch.kv_spans {
            if k.start >= k.end {
                continue;
            }
            let span = Span {
                start: k.start,
                end: k.end,
                rule: ri as u32,
                kind: self.rules.scanner_kind_id(ri, k.kind),
                priority,
                alg: None,
                jwt: None,
                key: Some((k.key.0 as u32, k.key.1 as u32)),
                note: k.note,
            };
            push_clipped(line, span, &scratch.placeholders, &mut scratch.spans);
        }
    }

    /// Whether a rule of gate `g` can match `line`: from each of the gate's keyword hits, find
    /// where its window starts (back over `class` bytes to the hit's end, minus `lead`) and run
    /// the gate's anchored DFA from there. Every match starts in such a window (proved by
    /// [`super::coverage::prove_window`]), so if none of these short runs finds a match, no rule
    /// of the gate matches anywhere in the line. Evaluated once per line.
    fn gate_open(&self, g: usize, line: &[u8], scratch: &mut Scratch) -> bool {
        match scratch.gate_state[g] {
            GATE_OPEN => return true,
            GATE_CLOSED => return false,
            _ => {}
        }
        let gate = &self.rules.gates()[g];
        let cache = &mut scratch.gate_caches[g];
        // Every start below `covered` is known not to begin a match.
        let mut covered = 0;
        let mut open = false;
        for &(p, s, e) in &scratch.kw_hits {
            if s < covered || !self.rules.pattern_gates(p as usize).contains(&(g as u32)) {
                continue;
            }
            let mut r = e;
            while r > covered && gate.class[line[r - 1] as usize] {
                r -= 1;
            }
            let lo = r.saturating_sub(gate.lead).max(covered);
            let input = regex_automata::Input::new(line)
                .range(lo..)
                .anchored(regex_automata::Anchored::Yes)
                .earliest(true);
            // An error (the lazy DFA gave up) counts as a possible match: fail open.
            if !matches!(gate.dfa.try_search_fwd(cache, &input), Ok(None)) {
                open = true;
                break;
            }
            covered = s + 1;
        }
        scratch.gate_state[g] = if open { GATE_OPEN } else { GATE_CLOSED };
        open
    }

    /// Validate the value at `span` of a match of rule `ri` and keep it as a span.
    fn push_span(
        &self,
        line: &[u8],
        (s, e): (usize, usize),
        key: Option<&[u8]>,
        ri: usize,
        (spans, placeholders, jwt): (&mut Vec<Span>, &[(usize, usize)], &mut JwtCache),
    ) {
        if s == e {
            return;
        }
        let rule = &self.rules.rules()[ri];
        let Verdict::Accept { alg } = rule.validator.check(&line[s..e], key, line.get(e).copied())
        else {
            return;
        };
        if rule.validator == super::validate::Validator::None
            && super::validate::is_elided(&line[s..e])
        {
            return;
        }
        // Base64 of a script or a config: taken when its text holds a secret the rules find.
        // (A value inside it that is base64 of text again is read the same way, each level a
        // quarter shorter.)
        if rule.validator == super::validate::Validator::EncodedText {
            let holds = super::validate::decoded_text(&line[s..e])
                .is_some_and(|text| self.scrub_text(&text, &mut self.scratch()).is_some());
            if !holds {
                return;
            }
        }
        if line[s..e].starts_with(redact::OPEN) {
            return;
        }
        let names = self.rules.kv_or_builtin().map(|kv| kv.names());
        let jwt = alg
            .zip(names)
            .map(|(alg, names)| self.rules.jwt().analyze(&line[s..e], alg, names, jwt));
        let span = Span {
            start: s,
            end: e,
            rule: ri as u32,
            kind: self.rules.kind_id(ri, key),
            priority: rule.priority,
            alg,
            jwt,
            key: None,
            note: Default::default(),
        };
        push_clipped(line, span, placeholders, spans);
    }

    /// A line following an open block: redact it as body, close the block, or both.
    /// Returns `Some(framed)` when the line was handled as a body line; `framed` when the body is only part of it (read in the opening line's [`Frame`]): the
    /// rest of such a line must still be scanned.
    fn continue_block(
        &self,
        line: &[u8],
        mut open: OpenBlock,
        state: &mut StreamState,
        scratch: &mut Scratch,
    ) -> Option<bool> {
        let ri = open.rule as usize;
        let rule = &self.rules.rules()[ri];
        let block = rule.regex()?.block.as_ref()?;
        if block
            .end
            .as_ref()
            .is_some_and(|end| end.get().is_match(line))
            || open.lines >= block.max_lines
        {
            return None;
        }
        // A line too long to scan says nothing of the block (a key's body line joined with
        // others by a collector): the block stays open for the lines after it.
        if super::redact::is_oversize(line) {
            state.block = Some(open);
            return Some(false);
        }
        // Blank lines inside the block (YAML folds a quoted PEM with them) keep it open.
        if line.trim_ascii().is_empty() {
            open.lines += 1;
            state.block = Some(open);
            return Some(false);
        }
        let body = block.body.get();
        let (caps, at) = match body.captures(line) {
            Some(c) => (c, 0),
            None => {
                let (at, piece) = open.frame.body_of(line)?;
                (body.captures(piece)?, at)
            }
        };
        if let Some(m) = caps.name("secret").filter(|m| !m.is_empty()) {
            scratch.spans.push(Span {
                start: at + m.start(),
                end: at + m.end(),
                rule: open.rule,
                kind: self.rules.kind_id(ri, None),
                priority: rule.priority,
                alg: None,
                jwt: None,
                key: None,
                note: Default::default(),
            });
        }
        open.lines += 1;
        state.block = Some(open);
        Some(at > 0)
    }

    /// Make the line's redaction a fixpoint: scrub its redacted form again and map what that
    /// finds back onto the line, until nothing new is found (at most [`SETTLE_ROUNDS`] more
    /// passes; a line still changing after them is redacted from the last round's first new
    /// value to its end). One rule's redaction can change how another reads what remains — a quote,
    /// bracket or `=` inside a removed span shifts the structure around it, a key glued to a
    /// token is cut loose — and scrubbing scrubd's output must change nothing. Only lines with
    /// a span pay for it (a rescan of that line).
    fn settle(&self, line: &[u8], scratch: &mut Scratch) {
        if scratch.spans.is_empty() {
            return;
        }
        let mut line_hits = std::mem::take(&mut scratch.settle_hits);
        line_hits.clone_from(&scratch.kw_hits);
        let mut unsettled: Option<Span> = None;
        for _ in 0..SETTLE_ROUNDS {
            let mut text = std::mem::take(&mut scratch.settle_text);
            let mut segs = std::mem::take(&mut scratch.settle_segs);
            self.redacted_text(line, &mut scratch.spans, &mut text, &mut segs);
            let first = std::mem::take(&mut scratch.spans);
            self.begin_candidates(scratch);
            self.redacted_hits(&line_hits, &text, &segs, &mut scratch.kw_hits);
            for i in 0..scratch.kw_hits.len() {
                self.add_candidates(scratch.kw_hits[i].0 as usize, scratch);
            }
            self.end_candidates(scratch);
            self.find_spans(&text, None, scratch);
            let again = std::mem::replace(&mut scratch.spans, first);
            let mut added: Option<Span> = None;
            for sp in again {
                let Some(&(os, _, ls)) = segs
                    .iter()
                    .find(|&&(os, oe, _)| sp.start >= os && sp.end <= oe)
                else {
                    continue;
                };
                let (start, end) = (ls + sp.start - os, ls + sp.end - os);
                // The key too, where the line holds it (not inside a placeholder).
                let key = sp.key.and_then(|(ks, ke)| {
                    let (ks, ke) = (ks as usize, ke as usize);
                    let &(os, _, ls) = segs.iter().find(|&&(os, oe, _)| ks >= os && ke <= oe)?;
                    Some(((ls + ks - os) as u32, (ls + ke - os) as u32))
                });
                if !scratch
                    .spans
                    .iter()
                    .any(|s| s.start <= start && end <= s.end)
                {
                    let span = Span {
                        start,
                        end,
                        key,
                        ..sp
                    };
                    scratch.spans.push(span);
                    if !added.is_some_and(|a| start >= a.start) {
                        added = Some(span);
                    }
                }
            }
            scratch.settle_text = text;
            scratch.settle_segs = segs;
            unsettled = added;
            if unsettled.is_none() {
                break;
            }
        }
        // Still finding more after the last round (a garbled line whose quotes pair up anew
        // each time): fail closed, redacting from the first value the last round found to the
        // line's end, so no later pass reads the rest differently.
        if let Some(sp) = unsettled {
            scratch.spans.push(Span {
                end: line.len(),
                key: None,
                ..sp
            });
        }
        scratch.settle_hits = line_hits;
    }

    /// `line` with `spans` (sorted here) replaced by placeholders, into `text`; and the
    /// segments copied from `line`, as (text start, text end, line start), into `segs`.
    fn redacted_text(
        &self,
        line: &[u8],
        spans: &mut [Span],
        text: &mut Vec<u8>,
        segs: &mut Vec<(usize, usize, usize)>,
    ) {
        text.clear();
        segs.clear();
        spans.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut copied = 0;
        let mut i = 0;
        while i < spans.len() {
            let (start, mut end, kind) = (spans[i].start, spans[i].end, spans[i].kind);
            let mut j = i + 1;
            while j < spans.len() && spans[j].start < end {
                end = end.max(spans[j].end);
                j += 1;
            }
            if start > copied {
                segs.push((text.len(), text.len() + start - copied, copied));
                text.extend_from_slice(&line[copied..start]);
            }
            self.mode
                .write_placeholder(self.rules.kind_name(kind), &line[start..end], text);
            copied = copied.max(end);
            i = j;
        }
        segs.push((text.len(), text.len() + line.len() - copied, copied));
        text.extend_from_slice(&line[copied..]);
    }

    /// The keyword hits of `text`, a redaction of a line whose hits are `line_hits` and whose
    /// copied segments `segs` are, in the order [`RuleSet::find_keywords`] gives them, without
    /// searching all of `text`: a hit inside a copied segment is a hit of the line there, and
    /// every other hit overlaps a placeholder, so only the placeholders and a keyword's length
    /// around them are searched.
    fn redacted_hits(
        &self,
        line_hits: &[(u32, usize, usize)],
        text: &[u8],
        segs: &[(usize, usize, usize)],
        out: &mut Vec<(u32, usize, usize)>,
    ) {
        out.clear();
        for &(p, s, e) in line_hits {
            if let Some(&(os, _, ls)) = segs
                .iter()
                .find(|&&(os, oe, ls)| ls <= s && e <= ls + (oe - os))
            {
                out.push((p, os + s - ls, os + e - ls));
            }
        }
        if let Some(ac) = self.rules.prefilter() {
            let margin = self.rules.longest_keyword().saturating_sub(1);
            let mut gap_start = 0;
            // The last segment ends `text` (it may be empty), so every gap precedes one.
            for &(os, oe, _) in segs {
                let (a, b) = (gap_start, os);
                gap_start = oe;
                if a >= b {
                    continue;
                }
                let lo = a.saturating_sub(margin);
                let hi = (b + margin).min(text.len());
                for m in ac.find_overlapping_iter(&text[lo..hi]) {
                    let (s, e) = (lo + m.start(), lo + m.end());
                    if s < b && a < e {
                        out.push((m.pattern().as_u32(), s, e));
                    }
                }
            }
        }
        out.sort_unstable_by_key(|&(p, s, e)| (e, s, p));
        out.dedup();
    }

    /// A block whose end marker sits on its opening line stays closed only if the marker
    /// survives redaction: a span over it (a JWT's last segment swallowing `-----END`) means
    /// the output has no end marker, so the block is open — as it will be when scrubd's output
    /// is scrubbed again.
    fn keep_block_end(&self, state: &mut StreamState, scratch: &mut Scratch) {
        if let Some((rule, s, e, frame)) = scratch.block_end.take() {
            if state.block.is_none() && scratch.spans.iter().any(|sp| sp.start < e && s < sp.end) {
                state.block = Some(OpenBlock {
                    rule,
                    lines: 0,
                    frame,
                });
            }
        }
    }

    /// Merge `scratch.spans` and write `line` with placeholders into `out`.
    fn write_line(
        &self,
        line: &[u8],
        line_no: usize,
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
        hits: &mut Vec<Hit>,
    ) {
        if scratch.spans.is_empty() {
            out.extend_from_slice(line);
            return;
        }
        let spans = &mut scratch.spans;
        spans.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut copied = 0;
        let mut i = 0;
        while i < spans.len() {
            let mut merged = spans[i];
            let mut j = i + 1;
            while j < spans.len() && spans[j].start < merged.end {
                let s = spans[j];
                merged.end = merged.end.max(s.end);
                if s.priority > merged.priority {
                    merged.rule = s.rule;
                    merged.kind = s.kind;
                    merged.priority = s.priority;
                }
                merged.alg = merged.alg.or(s.alg);
                merged.jwt = merged.jwt.or(s.jwt);
                j += 1;
            }
            out.extend_from_slice(&line[copied..merged.start]);
            let kind = self.rules.kind_name(merged.kind);
            let secret = &line[merged.start..merged.end];
            let fingerprint = self.mode.fingerprint(secret);
            self.mode.write_placeholder(kind, secret, out);
            copied = merged.end;
            hits.push(Hit {
                line: line_no,
                rule: merged.rule,
                kind: merged.kind,
                start: merged.start,
                end: merged.end,
                alg: merged.alg,
                jwt: merged.jwt,
                fingerprint,
            });
            i = j;
        }
        out.extend_from_slice(&line[copied..]);
    }
}

/// Move `spans`, found in the plain form of a line, onto the line (see [`plain`]).
fn map_spans(map: &[(usize, usize)], line_len: usize, spans: &mut [Span]) {
    for sp in spans {
        (sp.start, sp.end) = plain::map_back(map, line_len, sp.start, sp.end);
        if let Some((ks, ke)) = sp.key {
            let (ks, ke) = plain::map_back(map, line_len, ks as usize, ke as usize);
            sp.key = Some((ks as u32, ke as u32));
        }
    }
}

/// Push `span`, minus any placeholder already in the line (scrubd's own, from an earlier pass
/// or upstream): the parts around it that hold a letter or digit are redacted on their own,
/// so a value that contains a placeholder is still redacted and the placeholder stays as is.
/// A span that opens right after a quote (or a scheme's word after it) and runs to the end of
/// the line with no quote closing it (`'card': 'rk_live_51Hvy…` that stackprinter or rich wrapped): the quote and the
/// span's kind, for the lines that hold the rest ([`LineCarry::open_string`]).
///
/// [`LineCarry::open_string`]: super::keyvalue::lines::LineCarry::open_string
fn wrapped_token(line: &[u8], spans: &[Span]) -> Option<(u8, u16)> {
    // Printers that wrap values indent them (a locals listing, a box); a line at column 0
    // ending in an open string is as often a line cut short, and the next line another's.
    if !(line.starts_with(b" ") || line.starts_with(b"\t") || line.starts_with("│".as_bytes())) {
        return None;
    }
    let end = line.trim_ascii_end().len();
    let span = spans
        .iter()
        .filter(|s| s.end >= end)
        .max_by_key(|s| s.end)?;
    // Cut short by its printer (`…`, `...`): nothing more of it follows.
    if super::keyvalue::lines::cut_short(&line[span.start..end]) {
        return None;
    }
    // Right after the quote, or after a scheme's word (`'Bearer …`, `'token …`).
    let head = &line[..span.start];
    let scheme = head.strip_suffix(b" ").map_or(0, |h| {
        h.iter()
            .rev()
            .take_while(|b| b.is_ascii_alphabetic())
            .count()
            + 1
    });
    let quote = *head.get(head.len().checked_sub(scheme + 1)?)?;
    (matches!(quote, b'\'' | b'"') && memchr::memchr(quote, &line[span.start..]).is_none())
        .then_some((quote, span.kind))
}

fn push_clipped(line: &[u8], span: Span, placeholders: &[(usize, usize)], spans: &mut Vec<Span>) {
    let mut from = span.start;
    for &(ps, pe) in placeholders
        .iter()
        .filter(|&&(ps, pe)| ps < span.end && span.start < pe)
    {
        if ps > from && line[from..ps].iter().any(u8::is_ascii_alphanumeric) {
            spans.push(Span {
                start: from,
                end: ps,
                ..span
            });
        }
        from = from.max(pe);
    }
    if from < span.end && line[from..span.end].iter().any(u8::is_ascii_alphanumeric) {
        spans.push(Span {
            start: from,
            end: span.end,
            ..span
        });
    }
}

/// How many extra passes [`Scrubber::settle`] may take to reach a fixpoint.
const SETTLE_ROUNDS: usize = 3;

/// A secret found once in a line is a secret wherever else it appears in that line: Django's
/// `args=(…)` after the interpolated statement, a token echoed in a URL and a header. Each
/// span's bytes (8 or more, not plain words) are searched for again; other occurrences that
/// are whole tokens become spans of the same rule and kind.
fn propagate(line: &[u8], spans: &mut Vec<Span>, placeholders: &[(usize, usize)]) {
    let n = spans.len();
    for i in 0..n {
        let sp = spans[i];
        let v = &line[sp.start..sp.end];
        // A one-time code or PIN (six digits and more) echoed on its line goes too
        // (`"secretLoginCode":"383060"},"challengeMetadata":"CODE-383060"`); shorter digit runs
        // and words are too likely to recur by chance.
        let digits = v.iter().all(u8::is_ascii_digit);
        if (if digits { v.len() < 6 } else { v.len() < 8 })
            || super::keyvalue::is_wordy(v)
            || v.starts_with(redact::OPEN)
        {
            continue;
        }
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        for at in substr::find_iter(line, v) {
            let end = at + v.len();
            if at == sp.start
                || (at > 0 && word(line[at - 1]) && word(v[0]))
                || (end < line.len() && word(line[end]) && word(v[v.len() - 1]))
                || placeholders.iter().any(|&(ps, pe)| at < pe && ps < end)
                || spans
                    .iter()
                    .any(|s| s.rule == sp.rule && s.start == at && s.end == end)
            {
                continue;
            }
            spans.push(Span {
                start: at,
                end,
                ..sp
            });
        }
    }
}

/// Byte ranges of scrubd placeholders (`[REDACTED:...]`) already in `line`.
fn find_placeholders(line: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut at = 0;
    while let Some(i) = redact::find_open(&line[at..]) {
        let s = at + i;
        match redact::placeholder_len(&line[s..]) {
            Some(n) => {
                out.push((s, s + n));
                at = s + n;
            }
            None => at = s + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::examples::unmark;

    /// Jenkins' first start through a collector that frames each line: the password under the
    /// line announcing it is redacted in the same frame, and scrubbing again changes nothing.
    #[test]
    fn an_announced_password_in_framed_lines_is_redacted() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let mut scratch = s.scratch();
        let secret = "3f2b8c9d7e6a4b1c9d8e7f6a5b4c3d2e";
        for (before, after) in [
            ("Dec  3 05:00:00 ci jenkins[712]: ", ""),
            ("2026-12-03T05:00:00.123Z stdout F ", ""),
            (
                r#"{"log":""#,
                r#"\n","stream":"stdout","time":"2026-12-03T05:00:00Z"}"#,
            ),
        ] {
            let input: String = [
                "Please use the following password to proceed to installation:",
                "",
                secret,
                "",
                "This may also be found at: /var/jenkins_home/secrets/initialAdminPassword",
            ]
            .iter()
            .map(|l| format!("{before}{l}{after}\n"))
            .collect();
            let out = s.scrub_text(input.as_bytes(), &mut scratch).unwrap();
            let out = String::from_utf8(out).unwrap();
            assert_eq!(out, input.replace(secret, "[REDACTED:password]"));
            assert_eq!(s.scrub_text(out.as_bytes(), &mut scratch), None, "{out}");
        }
    }

    /// A token format matched up to the end of an unclosed string (stackprinter and rich wrap
    /// long values) goes on in the lines that hold the rest, whatever the key, after a scheme's
    /// word too; a string closed on its line carries nothing.
    #[test]
    fn a_wrapped_token_goes_on_to_the_next_lines() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let mut scratch = s.scratch();
        let rest = "1qMCHYu2YhIksviMjjlIaShrBT9cPqeXRW1qPquO11CW7PTJfGfTzD3pz";
        for head in [
            "     payload = {'card': 'rk_live_51HvyVW89NfoMVvqCwFJESFNdy81H4bgG4wLxJYjS5",
            "     headers = {'Authorization': 'Bearer sk_live_51UHNEEiO8RmSVdNl2NKGi4ida",
        ] {
            let input = format!("{head}\n                {rest}',\n     next = 1\n");
            let out = s.scrub_text(input.as_bytes(), &mut scratch).unwrap();
            let out = String::from_utf8(out).unwrap();
            assert!(!out.contains(rest) && out.contains("next = 1"), "{out}");
        }
        let input =
            format!("     payload = {{'card': 'rk_live_51HvyVW89NfoMVvqCwFJESFN'}}\n     {rest}\n");
        let out = s.scrub_text(input.as_bytes(), &mut scratch).unwrap();
        assert!(String::from_utf8(out).unwrap().contains(rest));
        // Not indented: a line cut short, the next line another's.
        let input = "value=\"rk_live_51HvyVW89NfoMVvqCwFJESFN\nc.storage.googleapis.com\n";
        let out = s.scrub_text(input.as_bytes(), &mut scratch).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("\nc.storage.googleapis.com"));
    }

    /// A URI password holding `/`, handed to a parser unescaped, comes back in pieces: libpq
    /// reads the head as the port and the tail as the database; both are recalled with the
    /// password, in plain text and in JSON that escapes the `/`, and a short piece is not.
    #[test]
    fn the_pieces_a_parser_cuts_from_a_uri_password_are_recalled() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let mut scratch = s.scratch();
        for uri in [
            "conninfo = 'postgresql://app:Kq8vNw2LpX/Zt9mQ4rWx7b@db.internal:5432/app'",
            r#"{"dsn":"postgres:\/\/app:Kq8vNw2LpX\/Zt9mQ4rWx7b@db.internal:5432\/app"}"#,
        ] {
            let input = format!(
                "{uri}\nparams = {{'dbname': 'Zt9mQ4rWx7b@db.internal:5432/app',\n          \
                 'host': 'app',\n          'port': 'Kq8vNw2LpX',\n          'user': 'app'}}\n"
            );
            let out = s.scrub_text(input.as_bytes(), &mut scratch).unwrap();
            let out = String::from_utf8(out).unwrap();
            assert!(
                !out.contains("Kq8vNw2LpX") && !out.contains("Zt9mQ4rWx7b"),
                "{out}"
            );
            assert!(
                out.contains("'host': 'app'") && out.contains("'user': 'app'"),
                "{out}"
            );
        }
        // Pieces under eight characters are words and numbers as often as secrets.
        let input = "url = 'redis://:Kq8vNw2/Zt9mQ4rWx7b@cache:6379/0'\nport=Kq8vNw2\n";
        let out = s.scrub_text(input.as_bytes(), &mut scratch).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .ends_with("\nport=Kq8vNw2\n"));
    }

    /// A value redacted under a name that says it is secret is redacted where a later line of
    /// the block prints it bare (a shell trace echoing a variable), with the first sighting's
    /// kind; a longer word holding it, a session id, and lines past the window stay as they are.
    #[test]
    fn a_redacted_value_is_redacted_where_a_later_line_echoes_it() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let mut scratch = s.scratch();
        let pw = "Tr0ub4dor-and-3";
        let mut input = format!(
            "+ DB_PASSWORD='{pw}'\n+ echo connecting\n+ psql -W '{pw}'\nuser {pw}x logged in\n"
        );
        input.push_str("set-cookie: sessionid=Q3kd9XlmPq2Zr8Tw\nrequest Q3kd9XlmPq2Zr8Tw done\n");
        let out = s.scrub_text(input.as_bytes(), &mut scratch).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "+ DB_PASSWORD='[REDACTED:password]'");
        assert_eq!(lines[2], "+ psql -W '[REDACTED:password]'");
        assert_eq!(lines[3], format!("user {pw}x logged in"));
        assert!(!lines[4].contains("Q3kd9XlmPq2Zr8Tw"), "{out}");
        assert!(lines[5].contains("Q3kd9XlmPq2Zr8Tw"), "{out}");
        assert_eq!(s.scrub_text(out.as_bytes(), &mut scratch), None, "{out}");

        let mut far = format!("+ DB_PASSWORD='{pw}'\n");
        far.push_str(&"clean line\n".repeat(super::super::recall::WINDOW));
        far.push_str(&format!("+ echo '{pw}'\n"));
        let out = String::from_utf8(s.scrub_text(far.as_bytes(), &mut scratch).unwrap()).unwrap();
        assert!(out.ends_with(&format!("+ echo '{pw}'\n")), "{out}");
    }

    /// Recall does not depend on where the input was cut: a stream scrubbed in two blocks, its
    /// state carried, comes out as it does in one, wherever the cut (an echo just past it, a
    /// chain of echoes across it, a value whose window ends just before it).
    #[test]
    fn recall_is_the_same_wherever_the_block_is_cut() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let mut scratch = s.scratch();
        let pw = "Tr0ub4dor-and-3";
        let mut lines: Vec<String> = (0..70).map(|i| format!("step {i} ok")).collect();
        lines[2] = format!("+ DB_PASSWORD='{pw}'");
        lines[20] = format!("+ echo '{pw}'");
        lines[52] = format!("+ psql -W '{pw}'");
        lines[53] = "+ API_TOKEN=gh0_Zq8LmW3xTb7NpK2v".into();
        lines[69] = "+ curl -H 'X: gh0_Zq8LmW3xTb7NpK2v'".into();
        let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let whole =
            String::from_utf8(s.scrub_text(input.as_bytes(), &mut scratch).unwrap()).unwrap();
        assert!(!whole.contains(pw) && !whole.contains("gh0_Zq8"), "{whole}");
        let ends: Vec<usize> = input.match_indices('\n').map(|(i, _)| i + 1).collect();
        for &cut in &ends {
            let mut state = StreamState::default();
            let (mut out, mut hits) = (Vec::new(), Vec::new());
            for part in [&input[..cut], &input[cut..]] {
                s.scrub_block(
                    part.as_bytes(),
                    &mut state,
                    &mut scratch,
                    &mut out,
                    &mut hits,
                );
            }
            assert_eq!(String::from_utf8(out).unwrap(), whole, "cut at byte {cut}");
        }
    }

    /// A PEM key logged line by line through a collector that frames each line (syslog, CRI,
    /// Docker's json-file, and that inside JSON): the body lines are redacted as bare ones are.
    #[test]
    fn a_private_key_in_framed_lines_is_redacted_line_by_line() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let body = [
            "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
            "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
        ];
        let frames: [(&str, &str); 4] = [
            ("Dec  2 13:00:00 host app[12]: ", ""),
            ("2026-12-02T13:00:00.000000000Z stderr F ", ""),
            (
                r#"{"log":""#,
                r#"\n","stream":"stderr","time":"2026-12-02T13:00:00Z"}"#,
            ),
            (r#"{"m":"{\"log\":\""#, r#"\\n\"}"}"#),
        ];
        let mut scratch = s.scratch();
        for (before, after) in frames {
            let mut input = String::new();
            for l in [
                "-----BEGIN RSA PRIVATE KEY-----",
                body[0],
                body[1],
                "-----END RSA PRIVATE KEY-----",
                "done",
            ] {
                input.push_str(&format!("{before}{l}{after}\n"));
            }
            let out = s.scrub_text(input.as_bytes(), &mut scratch).unwrap();
            let out = String::from_utf8(out).unwrap();
            let expect = input
                .replace(body[0], "[REDACTED:private-key]")
                .replace(body[1], "[REDACTED:private-key]");
            assert_eq!(out, expect);
            assert_eq!(s.scrub_text(out.as_bytes(), &mut scratch), None, "{out}");
        }
        // The frame of a body line is scanned like any line.
        let frame = "app[12] password=Xk9fQ2mZ7pL4vR8s: ";
        let lines = ["-----BEGIN RSA PRIVATE KEY-----", body[0], body[1]];
        let input: String = lines.iter().map(|l| format!("{frame}{l}\n")).collect();
        let (mut out, mut hits) = (Vec::new(), Vec::new());
        let mut state = StreamState::default();
        let mut scratch = s.scratch();
        s.scrub_block(
            input.as_bytes(),
            &mut state,
            &mut scratch,
            &mut out,
            &mut hits,
        );
        let out = String::from_utf8(out).unwrap();
        assert!(
            !out.contains("Xk9fQ2mZ7pL4vR8s") && !out.contains(body[0]),
            "{out}"
        );
    }

    /// A following line is in the opening line's frame only where it repeats the byte before
    /// the marker and no redaction before the column moved it; a frame closed by a byte of a
    /// placeholder is none. Each case was found by the idempotence property: the output of
    /// the first pass, scrubbed again, read a body where the input had none.
    #[test]
    fn a_frame_is_the_same_bytes_at_the_same_column_and_scrubbing_again_changes_nothing() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let mut scratch = s.scratch();
        let pad = "p".repeat(29);
        for (input, expect) in [
            // Closed by `[`: the output's `"AB [REDACTED:jwt]` read `AB ` as a body.
            (
                format!("\"-----BEGIN RSA PRIVATE KEY-----[\n\"AB {jwt}\n"),
                "\"-----BEGIN RSA PRIVATE KEY-----[\n\"AB [REDACTED:jwt]\n".to_string(),
            ),
            // `B` is not the `"` before the marker: `earer` is no body.
            (
                format!("\"-----BEGIN RSA PRIVATE KEY-----\"\nBearer\"{jwt}\n"),
                "\"-----BEGIN RSA PRIVATE KEY-----\"\nBearer\"[REDACTED:jwt]\n".to_string(),
            ),
            // The redaction before the column moves a `"` onto it.
            (
                format!("{pad}\"-----BEGIN RSA PRIVATE KEY-----\"\npassword=hunter2 \"QUJD\"\n"),
                format!(
                    "{pad}\"-----BEGIN RSA PRIVATE KEY-----\"\n\
                     password=[REDACTED:password] \"QUJD\"\n"
                ),
            ),
        ] {
            let out = s.scrub_text(input.as_bytes(), &mut scratch).unwrap();
            assert_eq!(String::from_utf8_lossy(&out), expect);
            assert_eq!(s.scrub_text(&out, &mut scratch), None, "{expect}");
        }
        // The frame still holds where it is repeated.
        let out = s
            .scrub_text(
                b"x\"-----BEGIN RSA PRIVATE KEY-----\"\nx\"QUJDRA==\"\n",
                &mut scratch,
            )
            .unwrap();
        assert_eq!(
            out,
            b"x\"-----BEGIN RSA PRIVATE KEY-----\"\nx\"[REDACTED:private-key]\"\n"
        );
    }

    /// Names and messages are scrubbed like lines; a clean one is left alone.
    #[test]
    fn text_shown_outside_the_data_path_is_scrubbed() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let mut scratch = s.scratch();
        let shown = |t: &str, scratch: &mut Scratch| {
            s.scrub_text(t.as_bytes(), scratch)
                .map(|o| String::from_utf8(o).unwrap())
        };
        let key = shown("upload-AKIAQ3EGRJ7XPLMW4NZT.log", &mut scratch).unwrap();
        assert!(
            !key.contains("AKIAQ3EGRJ7XPLMW4NZT") && key.starts_with("upload-"),
            "{key}"
        );
        // A name may hold line breaks; a block it opens ends with it: the next starts fresh.
        let body = "MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0";
        let pem = shown(
            &format!("-----BEGIN RSA PRIVATE KEY-----\n{body}"),
            &mut scratch,
        );
        assert!(!pem.unwrap().contains(body));
        assert_eq!(shown(body, &mut scratch), None);
        assert_eq!(shown("app/2026-12-02.log", &mut scratch), None);
        assert_eq!(shown("", &mut scratch), None);
    }

    /// Keyword selection and window gates must not change what is found: on every line, the
    /// findings of the whole set equal those of each rule run alone (no keywords, no gates).
    #[test]
    fn gates_and_keywords_change_no_finding() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for r in s.rules().rules() {
            for ex in r
                .examples
                .redact
                .iter()
                .filter_map(|e| unmark(e).map(|(t, _)| t))
                .chain(r.examples.keep.clone())
            {
                lines.push(ex.clone().into_bytes());
                lines.push(ex.to_ascii_uppercase().into_bytes());
                lines.push(format!("x{ex} {ex}x").into_bytes());
                lines.push(ex.replace(['"', ' '], "").into_bytes());
            }
        }
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        for e in std::fs::read_dir(corpus).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "log") {
                lines.extend(
                    std::fs::read(&p)
                        .unwrap()
                        .split(|&b| b == b'\n')
                        .map(|l| l.to_vec()),
                );
            }
        }
        lines.extend(
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/leaky.log"))
                .unwrap()
                .split(|&b| b == b'\n')
                .map(|l| l.to_vec()),
        );
        let mut scratch = s.scratch();
        let mut gated = 0;
        for line in &lines {
            let order = |f: &Finding| (f.rule, f.start, f.end, f.kind, f.key);
            let mut all = s.findings(line, None, &mut scratch);
            let mut alone: Vec<Finding> = (0..s.rules().len())
                .flat_map(|r| s.findings(line, Some(r), &mut scratch))
                .collect();
            all.sort_by_key(order);
            alone.sort_by_key(order);
            assert_eq!(all, alone, "{}", String::from_utf8_lossy(line));
            gated += scratch
                .gate_state
                .iter()
                .filter(|&&g| g == GATE_CLOSED)
                .count();
        }
        assert!(
            gated > 0,
            "no gate ever closed: the test does not exercise them"
        );
    }

    /// `settle` takes the keyword hits of a redacted line from the line's own hits plus a
    /// search around each placeholder: they must be exactly what searching all of it finds.
    #[test]
    fn redacted_hits_equal_a_full_search() {
        let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let hashed = Scrubber::new(s.rules.clone(), Mode::hash(&[7; 32]).unwrap());
        // No built-in keyword can hold a placeholder's first or last byte; these can, so
        // the search around placeholders must reach a keyword's length beyond them.
        let edges = RuleSet::load(&crate::engine::ruleset::LoadOptions {
            files: vec![(
                "edges.toml".into(),
                r#"[[rule]]
id = "edges"
kind = "edges"
description = "keywords across placeholder edges"
keywords = ["=[red", "]&n", "d]", "]=["]
regex = '(?P<secret>q{40})'
"#
                .into(),
            )],
            skip_coverage_proof: true,
            ..Default::default()
        })
        .unwrap();
        let edges = Scrubber::new(Arc::new(edges), Mode::Mask);
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for r in s.rules().rules() {
            for (ex, marks) in r.examples.redact.iter().filter_map(|e| unmark(e)) {
                lines.push(ex.clone().into_bytes());
                for &(a, b) in &marks {
                    let secret = &ex[a..b];
                    lines.push(
                        format!("password={secret}&n=1 {secret}{secret} {secret}={secret}")
                            .into_bytes(),
                    );
                }
            }
        }
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        for e in std::fs::read_dir(corpus).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "log") {
                let text = std::fs::read(&p).unwrap();
                lines.extend(text.split(|&b| b == b'\n').map(|l| l.to_vec()));
            }
        }
        let (mut text, mut segs, mut fast, mut full, mut lower) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut redacted = 0;
        let mut straddling = 0;
        for s in [&s, &hashed, &edges] {
            let mut scratch = s.scratch();
            let (mut plain, mut map) = (Vec::new(), Vec::new());
            for line in &lines {
                // `findings` scans a coloured line without its codes, and leaves that state.
                let line = if plain::strip(line, &mut plain, &mut map) {
                    &plain
                } else {
                    line
                };
                s.findings(line, None, &mut scratch);
                if scratch.spans.is_empty() {
                    continue;
                }
                redacted += 1;
                let mut spans = scratch.spans.clone();
                s.redacted_text(line, &mut spans, &mut text, &mut segs);
                s.redacted_hits(&scratch.kw_hits, &text, &segs, &mut fast);
                full.clear();
                s.rules.find_keywords(&text, &mut lower, &mut full);
                assert_eq!(fast, full, "{}", String::from_utf8_lossy(&text));
                straddling += full
                    .iter()
                    .filter(|&&(_, a, b)| segs.iter().all(|&(s, e, _)| a < s || b > e))
                    .filter(|&&(_, a, b)| segs.iter().any(|&(s, e, _)| s < e && a < e && s < b))
                    .count();
            }
        }
        assert!(redacted > 1000, "only {redacted} redacted lines");
        assert!(
            straddling > 100,
            "only {straddling} hits across a placeholder's edge"
        );
    }
}
