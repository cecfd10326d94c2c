//! The key/value scanner: one reader for every `key <op> value` syntax a log prints.
//!
//! Where it runs: at the keyword hits of its rule (the prefilter already found them), never
//! over a whole clean line. At each hit it takes the whole identifier around the hit as the
//! key, asks the name table ([`names`]) whether that key names a secret, and only then reads
//! the structure around it:
//!
//! - how the key is quoted (`"k"`, `'k'`, `\"k\"` at any escape depth, `&quot;k&quot;`, `%22k%22`,
//!   `<k>` as an XML element, `:k` as a Ruby symbol, `--k` as a command-line flag, or bare);
//! - the operator (`:`, `=`, `=>`, `:=`, `,` in a `(name, value)` pair, the element's `>`,
//!   the space after a flag, or none — prose);
//! - the value: a quoted string that ends at the quote closing *its* string (the [`lexer`]
//!   knows the escape depth), an unquoted word that ends where its syntax ends (space, `&`,
//!   the bracket or quote closing an enclosing structure — never a `}` that opens nothing), a
//!   container (object, dict, list, tuple, Ruby hash, DynamoDB typed value) whose string
//!   leaves are judged one by one, or a scheme and its credential (`Bearer …`).
//!
//! Each value is then judged ([`judge`]): null/None/true, placeholders (scrubd's own and other
//! tools'), templates, code, small numbers; for non-password keys also short values, plain
//! words, URLs without credentials, paths, ARNs, dates. What passes is reported as a span.
//! Nothing here allocates per line: the scratch ([`KvScratch`]) is reused.

mod diagnose;
pub mod lexer;
pub mod lines;
pub mod names;
mod printf;

use super::escapes::{self, after as backslashes_after, before as backslashes_before};
use super::redact;
use super::substr;
use lexer::{Lexer, Quote};
pub use names::{KeyClass, Names, RawNames, Values, Verdict as KeyVerdict};

/// The built-in name table (`patterns/names.toml`).
pub fn builtin_names() -> Result<RawNames, String> {
    parse_names(include_str!("../../../patterns/names.toml"))
}

/// Parse the `[names]` table of a TOML text (a names file or a rule file).
pub fn parse_names(text: &str) -> Result<RawNames, String> {
    #[derive(serde::Deserialize)]
    struct File {
        #[serde(default)]
        names: RawNames,
    }
    let f: File = toml::from_str(text).map_err(|e| e.message().to_string())?;
    f.names.validate()?;
    Ok(f.names)
}

/// Deepest container nesting followed under a sensitive key; deeper is redacted whole.
const MAX_DEPTH: usize = 16;
/// Longest container followed under a sensitive key; beyond, the rest is redacted whole.
const MAX_CONTAINER: usize = 64 << 10;

/// How a key and its value were written (for `scrubd explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `"k": v`, `'k' => v`, `"col" = v`…
    Quoted,
    /// `k=v`, `k: v`, `k := v`…
    Bare,
    /// `<k>v</k>`.
    XmlElement,
    /// `:k => v`.
    RubySymbol,
    /// `--k v`, `--k=v`.
    Flag,
    /// `("k", v)`, `["k", v, …]`.
    Pair,
    /// A value inside a container under a sensitive key.
    Container,
    /// `… k <generated-looking word>`.
    Prose,
    /// `Content-Disposition: form-data; name="k"`, a blank line, the value (a multipart body).
    FormPart,
}

impl Syntax {
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Quoted => "quoted key",
            Syntax::Bare => "bare key",
            Syntax::XmlElement => "XML element",
            Syntax::RubySymbol => "Ruby symbol",
            Syntax::Flag => "command-line flag",
            Syntax::Pair => "name/value pair",
            Syntax::Container => "inside a container",
            Syntax::Prose => "prose",
            Syntax::FormPart => "multipart form part",
        }
    }
}

/// Why a value under a sensitive key was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Empty,
    NonValue,
    Placeholder,
    Code,
    SmallNumber,
    Mask,
    TooShort,
    PlainWords,
    Url,
    Path,
    Arn,
    Email,
    Date,
    DottedName,
    CookieList,
    Assignment,
    NotGenerated,
    Message,
    PublicSignature,
    Address,
}

impl Keep {
    pub fn describe(self) -> &'static str {
        match self {
            Keep::Empty => "empty",
            Keep::NonValue => "null/None/true/false or similar",
            Keep::Placeholder => "a placeholder or template",
            Keep::Code => "code, not a value",
            Keep::SmallNumber => "a small number",
            Keep::Mask => "a mask (one character repeated)",
            Keep::TooShort => "too short for a machine credential",
            Keep::PlainWords => "plain words",
            Keep::Url => "a URL without credentials",
            Keep::Path => "a file path",
            Keep::Arn => "an ARN",
            Keep::Email => "an email address",
            Keep::Date => "a date or time",
            Keep::DottedName => "a dotted name",
            Keep::CookieList => "a list of cookies, judged one by one",
            Keep::Assignment => "another key/value pair",
            Keep::NotGenerated => "not a generated-looking word",
            Keep::Message => "a message about the field (a sentence)",
            Keep::PublicSignature => "a public-key signature the message's certificate verifies",
            Keep::Address => "an IP address",
        }
    }
}

/// One redacted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvSpan {
    pub start: usize,
    pub end: usize,
    /// Index into [`Names::kinds`].
    pub kind: u16,
    /// The key it sits under (byte range in the line).
    pub key: (usize, usize),
    pub syntax: Syntax,
    /// What made the value secret beyond its key, for `scrubd explain`.
    pub note: Note,
}

/// Why a store grammar read a value as secret (byte ranges in the line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Note {
    #[default]
    None,
    /// Expression placeholder `placeholder` bound to attribute `name` in the expression
    /// under key `expr`.
    Bound {
        placeholder: (usize, usize),
        name: (usize, usize),
        expr: (usize, usize),
    },
    /// A statement parameter or literal in a sensitive column.
    Column,
    /// A key that holds a secret in this store's context (SSM SecureString, …).
    Context,
}

/// What the scanner decided about one key, for `scrubd explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub key: (usize, usize),
    pub verdict: KeyVerdict,
    pub syntax: Option<Syntax>,
    /// The value read, and why it was kept (`None`: redacted).
    pub value: Option<(usize, usize)>,
    pub kept: Option<Keep>,
}

/// Per-worker scratch of the scanner.
#[derive(Debug, Default)]
pub struct KvScratch {
    lexer: Lexer,
    probe: Lexer,
    occurrences: Vec<(usize, usize)>,
}

/// The kind a span gets when the key was given by a context rule: the rule's own kind.
pub const RULE_KIND: u16 = u16::MAX;

/// The key/value scanner over a compiled name table.
#[derive(Debug)]
pub struct KvScanner {
    names: Names,
}

/// Schemes that precede a credential in an authorization value; the scheme stays.
const SCHEMES: &[&[u8]] = &[
    b"bearer",
    b"basic",
    b"token",
    b"digest",
    b"negotiate",
    b"ntlm",
    b"apikey",
    b"api-key",
    b"key",
    b"sso-key",
    b"bot",
    b"oauth",
    b"ssws",
    b"aws4-hmac-sha256",
    b"aws",
    b"hmac",
    b"jwt",
    b"dpop",
    b"mac",
    b"splunk",
    b"geniekey",
    b"signature",
    b"credential",
];
/// Schemes whose credential is a parameter list running to the end of the value.
const LIST_SCHEMES: &[&[u8]] = &[
    b"digest",
    b"aws4-hmac-sha256",
    b"oauth",
    b"hmac",
    b"signature",
    b"mac",
];

/// Sink for decisions when explaining.
type Explain<'a> = Option<&'a mut Vec<Decision>>;

struct Ctx<'l, 'o, 'e> {
    line: &'l [u8],
    out: &'o mut Vec<KvSpan>,
    explain: Explain<'e>,
}

impl Ctx<'_, '_, '_> {
    fn decide(&mut self, d: Decision) {
        if let Some(e) = self.explain.as_deref_mut() {
            e.push(d);
        }
    }
}

impl KvScanner {
    pub fn new(names: Names) -> Self {
        KvScanner { names }
    }

    pub fn names(&self) -> &Names {
        &self.names
    }

    /// The values a traceback inside a JSON string annotates under sensitive names
    /// ([`diagnose::escaped`]), for its frame line's quote at `quote`.
    fn escaped_traceback(&self, cx: &mut Ctx<'_, '_, '_>, quote: usize) {
        let mut found = Vec::new();
        diagnose::escaped(&self.names, cx.line, quote, &mut found);
        for ((start, end), key, class) in found {
            cx.out.push(KvSpan {
                start,
                end,
                kind: class.kind,
                key,
                syntax: Syntax::Prose,
                note: Note::None,
            });
        }
    }

    /// Scan `line` at keyword hits `hits` (byte ranges, in order), appending redacted values
    /// to `out` and, when `explain` is given, one decision per sensitive-looking key.
    pub fn scan(
        &self,
        line: &[u8],
        hits: impl Iterator<Item = (usize, usize)>,
        sc: &mut KvScratch,
        out: &mut Vec<KvSpan>,
        explain: Explain<'_>,
    ) {
        printf::scan(self, line, out);
        let mut cx = Ctx { line, out, explain };
        sc.lexer.reset();
        let mut last_key = (usize::MAX, usize::MAX);
        let mut last_phrase = (usize::MAX, usize::MAX);
        let mut taken_until = 0;
        let mut traceback_read = false;
        let mut job_read = false;
        for (s, e) in hits {
            if s < taken_until || e > line.len() {
                continue;
            }
            if line[s] == b'"' && line[s..e].eq_ignore_ascii_case(diagnose::FRAME_KEYWORD) {
                // `\", line `: a traceback's frame line inside a JSON string. One read from the
                // first frame to the line's end takes in the frames after it.
                if !traceback_read && s > 0 && line[s - 1] == b'\\' {
                    traceback_read = true;
                    self.escaped_traceback(&mut cx, s);
                }
                continue;
            }
            let (ks, ke) = ident_bounds(line, s, e);
            // A word glued to a placeholder is what is left of a token already redacted.
            if (ks, ke) == last_key || ke <= ks || line[..ks].ends_with_placeholder() {
                continue;
            }
            last_key = (ks, ke);
            // pydantic's error text in a JSON string: `\npassword\n  String … input_value='…'`.
            if let Some((key, (vs, ve))) = lines::escaped_location_input(line, ks, ke) {
                if let KeyVerdict::Sensitive(class) = self.names.classify(&line[key.0..key.1]) {
                    if lines::error_input_is_secret(line, (vs, ve), class) {
                        cx.out.push(KvSpan {
                            start: vs,
                            end: ve,
                            kind: class.kind,
                            key,
                            syntax: Syntax::Prose,
                            note: Note::None,
                        });
                    }
                    cx.decide(Decision {
                        key,
                        verdict: KeyVerdict::Sensitive(class),
                        syntax: Some(Syntax::Prose),
                        value: Some((vs, ve)),
                        kept: None,
                    });
                    taken_until = taken_until.max(ve);
                    continue;
                }
            }
            // `"Client Secret": …`, `{\"api key\": …}`: a quoted key of several words is
            // judged whole, like `"client_secret"` (a space separates words as `_` does).
            if let Some((ps, pe)) = quoted_phrase(line, ks, ke) {
                if (ps, pe) == last_phrase {
                    continue;
                }
                last_phrase = (ps, pe);
                match self.names.classify(&line[ps..pe]) {
                    KeyVerdict::Sensitive(class) => {
                        sc.lexer.feed(line, ps);
                        if let Some(end) = self.key_value(&mut cx, sc, (ps, pe), 0, class, false) {
                            taken_until = taken_until.max(end);
                        }
                    }
                    verdict @ KeyVerdict::Benign(_) => cx.decide(Decision {
                        key: (ps, pe),
                        verdict,
                        syntax: None,
                        value: None,
                        kept: None,
                    }),
                    KeyVerdict::NotSensitive => {}
                }
                continue;
            }
            // `confirmation code for … is 839201`, `MFA code: 123456`: a keyword of two words
            // (the name table's `<qualifier> code`), judged whole like a quoted phrase.
            if line[s..e].contains(&b' ') {
                if let KeyVerdict::Sensitive(class) = self.names.classify(&line[ks..ke]) {
                    let end = if assigned_after(line, ks, ke) {
                        sc.lexer.feed(line, ks);
                        self.key_value(&mut cx, sc, (ks, ke), 0, class, false)
                    } else {
                        sc.lexer.feed(line, ke);
                        self.prose(&mut cx, &mut sc.lexer, (ks, ke), class)
                    };
                    if let Some(end) = end {
                        taken_until = taken_until.max(end);
                    }
                }
                continue;
            }
            // `--password`: the dashes mark a flag, they are not part of the name.
            let mut ks2 = ks;
            while ks2 < ke && line[ks2] == b'-' {
                ks2 += 1;
            }
            let dashes = ks2 - ks;
            let mut ke2 = ke;
            while ke2 > ks2 && matches!(line[ke2 - 1], b'.' | b'-') {
                ke2 -= 1;
            }
            if ke2 <= ks2 {
                continue;
            }
            if is_test_verdict(line, ks2, ke2) {
                continue;
            }
            let verdict = self.names.classify(&line[ks2..ke2]);
            let class = match verdict {
                KeyVerdict::Sensitive(c) => c,
                KeyVerdict::NotSensitive => {
                    // `api key abc…` in prose: a qualifier one space before.
                    if let Some(end) = self.prose_compound(&mut cx, sc, ks2, ke2) {
                        taken_until = taken_until.max(end);
                    }
                    continue;
                }
                KeyVerdict::Benign(_) => {
                    cx.decide(Decision {
                        key: (ks2, ke2),
                        verdict,
                        syntax: None,
                        value: None,
                        kept: None,
                    });
                    continue;
                }
            };
            // A job named for a secret, its arguments or result printed apart from its name.
            // (Looked for once a line: a later name would find no other.)
            if !job_read
                && line[ks2..ke2].iter().any(|&b| b == b'_' || b == b'.')
                && self.function_named_for_a_secret(&line[ks2..ke2])
            {
                job_read = true;
                self.job_printed_apart(&mut cx, (ks2, ke2), class);
            }
            // `secret key: …`, `token count = 5`: a sensitive word and the word after it are
            // one key when an operator follows both, and the pair's verdict is the key's.
            let (ke2, class) = match self.next_word_compound(line, ks2, ke2) {
                Some((we, KeyVerdict::Sensitive(c))) => (we, c),
                Some((we, verdict @ KeyVerdict::Benign(_))) => {
                    cx.decide(Decision {
                        key: (ks2, we),
                        verdict,
                        syntax: None,
                        value: None,
                        kept: None,
                    });
                    continue;
                }
                _ => (ke2, class),
            };
            // `{"name": "DB_PASSWORD", "value": "…"}`, `<add key="ApiKey" value="…"/>`: the
            // sensitive name is a value; its secret is the sibling `value`.
            if let Some((from, field)) = name_field_string(line, ks2, ke2) {
                // A part of a multipart body printed on one line (a bytes repr, a JSON
                // string): its value follows the part's headers and a blank line.
                if let Some(v) = form_part_value(line, field, from) {
                    if let Some(end) = self.judge_push(
                        &mut cx,
                        v,
                        (ks2, ke2),
                        class,
                        Syntax::FormPart,
                        false,
                        None,
                    ) {
                        taken_until = taken_until.max(end);
                    }
                    continue;
                }
                // A value attribute wins over the element's text (`<x value="…" name="pw">t</x>`).
                // Element content only for an attribute of a start tag (`<x name="pw">…`),
                // not after a `>` in text (`key: \"remember_token\"` … `>=12 characters`).
                let after = value_field_after(line, from, dotted_prefix(line, field)).filter(|s| {
                    !matches!(s, Sibling::Content(_))
                        || memchr::memrchr2(b'<', b'>', &line[..field])
                            .is_some_and(|i| line[i] == b'<')
                });
                let sibling = match after {
                    Some(Sibling::Content(_)) | None => value_field_before(line, field).or(after),
                    key => key,
                };
                let got = match sibling {
                    Some(Sibling::Key(vs, ve)) => {
                        let saved = std::mem::take(&mut sc.lexer);
                        sc.lexer.feed(line, vs);
                        let got = self.key_value(&mut cx, sc, (vs, ve), 0, class, false);
                        sc.lexer = saved;
                        Some(got)
                    }
                    Some(Sibling::Content(cs)) => {
                        let ce = memchr::memchr(b'<', &line[cs..]).map_or(line.len(), |i| cs + i);
                        Some(self.judge_push(
                            &mut cx,
                            (cs, ce),
                            (ks2, ke2),
                            class,
                            Syntax::XmlElement,
                            false,
                            None,
                        ))
                    }
                    None => None,
                };
                if let Some(got) = got {
                    if let Some(end) = got {
                        taken_until = taken_until.max(end);
                    }
                    continue;
                }
            }
            sc.lexer.feed(line, ks);
            if let Some(end) = self.key_value(&mut cx, sc, (ks2, ke2), dashes, class, true) {
                taken_until = taken_until.max(end);
            }
        }
    }

    /// Read the keys `keys` (exact identifiers) of `line` as sensitive keys of the rule's own
    /// kind ([`RULE_KIND`]): the `context-keys` scanner, for keys that hold a secret only in
    /// a store's context (`Value` of an SSM SecureString).
    pub fn scan_context(
        &self,
        line: &[u8],
        keys: &[memchr::memmem::Finder<'static>],
        sc: &mut KvScratch,
        out: &mut Vec<KvSpan>,
        explain: Explain<'_>,
    ) {
        let mut cx = Ctx { line, out, explain };
        sc.occurrences.clear();
        for k in keys {
            for at in k.find_iter(line) {
                let end = at + k.needle().len();
                let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
                if (at == 0 || !word(line[at - 1])) && line.get(end).map_or(true, |&b| !word(b)) {
                    sc.occurrences.push((at, end));
                }
            }
        }
        if sc.occurrences.is_empty() {
            return;
        }
        sc.occurrences.sort_unstable();
        sc.lexer.reset();
        let before = cx.out.len();
        let class = KeyClass {
            kind: RULE_KIND,
            password: false,
            code: false,
            cookie: false,
            auth: false,
        };
        let mut taken_until = 0;
        let occurrences = std::mem::take(&mut sc.occurrences);
        for &(ks, ke) in &occurrences {
            if ks < taken_until {
                continue;
            }
            sc.lexer.feed(line, ks);
            if let Some(end) = self.key_value(&mut cx, sc, (ks, ke), 0, class, false) {
                taken_until = taken_until.max(end);
            }
        }
        sc.occurrences = occurrences;
        for sp in &mut cx.out[before..] {
            sp.note = Note::Context;
        }
    }

    /// Read given keys (byte ranges of `line`, in order) as sensitive keys of the given classes
    /// — for the store grammars, which learn from a line's structure which keys hold secrets
    /// (`:rt` bound to `refresh_token` in an UpdateExpression).
    pub(crate) fn scan_keys(
        &self,
        line: &[u8],
        keys: &[(usize, usize, KeyClass, Note)],
        sc: &mut KvScratch,
        out: &mut Vec<KvSpan>,
    ) {
        let mut cx = Ctx {
            line,
            out,
            explain: None,
        };
        sc.lexer.reset();
        let mut taken_until = 0;
        for &(ks, ke, class, note) in keys {
            if ks < taken_until || ks < sc.lexer.pos() {
                continue;
            }
            sc.lexer.feed(line, ks);
            let before = cx.out.len();
            if let Some(end) = self.key_value(&mut cx, sc, (ks, ke), 0, class, false) {
                taken_until = taken_until.max(end);
            }
            for sp in &mut cx.out[before..] {
                sp.note = note;
            }
        }
    }

    /// The content of the quoted string value of the key at `(ks, ke)` (`"UpdateExpression":
    /// "SET …"`), at whatever escape depth the line puts it.
    pub(crate) fn string_value(
        &self,
        line: &[u8],
        (ks, ke): (usize, usize),
        sc: &mut KvScratch,
    ) -> Option<(usize, usize)> {
        let open = key_open(line, ks, ke, 0);
        let after = key_close(line, ke, open)?;
        let mut p = after;
        while p < line.len() && line[p] == b' ' {
            p += 1;
        }
        let op = operator(&line[p..]).filter(|o| !matches!(o, Op::Pair))?;
        let mut v = p + op.len();
        while v < line.len() && line[v] == b' ' {
            v += 1;
        }
        let QuoteTok::Char { at } = quote_at(line, v)? else {
            return None;
        };
        sc.lexer.reset();
        sc.lexer.feed(line, v);
        read_string(line, &mut sc.lexer, at).map(|(cs, ce, _)| (cs, ce))
    }

    /// Judge the items of the list whose `[` (or `(`) is at `open` by position: item `i` under
    /// the class `classes(i)`, if any. For positional parameters (`Parameters: [...]`,
    /// `args=(…)`, `[generated in …] (…)`); a list of tuples (executemany) applies the
    /// positions to each tuple.
    pub(crate) fn scan_items(
        &self,
        line: &[u8],
        open: usize,
        classes: &dyn Fn(usize) -> Option<KeyClass>,
        sc: &mut KvScratch,
        out: &mut Vec<KvSpan>,
    ) -> Option<usize> {
        let mut cx = Ctx {
            line,
            out,
            explain: None,
        };
        sc.probe.reset();
        sc.probe.feed(line, open);
        self.walk_items(&mut cx, &mut sc.probe, open, classes, 0)
    }

    fn walk_items(
        &self,
        cx: &mut Ctx,
        probe: &mut Lexer,
        at: usize,
        classes: &dyn Fn(usize) -> Option<KeyClass>,
        depth: usize,
    ) -> Option<usize> {
        let line = cx.line;
        probe.feed(line, at + 1);
        let base = probe.frames.len();
        let mut index = 0;
        let mut i = at + 1;
        let mut seen_item = false;
        while i < line.len() {
            probe.feed(line, i);
            if probe.frames.len() < base {
                return Some(i);
            }
            let b = line[i];
            match b {
                b' ' | b'\t' => i += 1,
                b',' => {
                    if seen_item {
                        index += 1;
                    }
                    seen_item = false;
                    i += 1;
                }
                b']' | b')' | b'}' => {
                    probe.feed(line, i + 1);
                    if probe.frames.len() < base {
                        return Some(i + 1);
                    }
                    i += 1;
                }
                b'(' | b'[' if depth == 0 && !seen_item => {
                    // executemany: a list of tuples, each positional.
                    i = self.walk_items(cx, probe, i, classes, depth + 1)?;
                    seen_item = false;
                }
                b'{' | b'[' | b'(' => {
                    i = self.walk(cx, probe, i, classes(index), 0)?;
                    seen_item = true;
                }
                _ => {
                    seen_item = true;
                    if let Some(QuoteTok::Char { at: q }) = quote_at(line, i) {
                        let (cs, ce, after) = read_string(line, probe, q)?;
                        if let Some(c) = classes(index) {
                            if judge(&line[cs..ce], c.values(), false, None).is_ok() {
                                cx.out.push(KvSpan {
                                    start: cs,
                                    end: ce,
                                    kind: c.kind,
                                    key: (at, at),
                                    syntax: Syntax::Container,
                                    note: Note::None,
                                });
                            }
                        }
                        i = after;
                    } else {
                        let end = unquoted_end_in(line, probe, i, false, true).max(i + 1);
                        if let Some(c) = classes(index) {
                            if judge(&line[i..end], c.values(), false, line.get(end).copied())
                                .is_ok()
                            {
                                cx.out.push(KvSpan {
                                    start: i,
                                    end,
                                    kind: c.kind,
                                    key: (at, at),
                                    syntax: Syntax::Container,
                                    note: Note::None,
                                });
                            }
                        }
                        i = end;
                    }
                }
            }
        }
        None
    }

    /// The end of the word one space after the key `ks..ke` and the verdict on both words
    /// as one key, when a colon follows that word (`secret key: …`, `token count: 5`).
    fn next_word_compound(&self, line: &[u8], ks: usize, ke: usize) -> Option<(usize, KeyVerdict)> {
        // Not after a flag (`--api-key Ab0c=…`: the next word is the value).
        if line.get(ke) != Some(&b' ') || (ks > 0 && line[ks - 1] == b'-') {
            return None;
        }
        let ws = ke + 1;
        // A word of letters only: a value (`Aa0a0a0a=…`) rarely is one, a key's word is.
        let we = line[ws..]
            .iter()
            .position(|b| !b.is_ascii_alphabetic())
            .map_or(line.len(), |i| ws + i);
        if we == ws || we - ks >= names::MAX_KEY {
            return None;
        }
        // A colon right after the second word, then a space or the value (`secret key:IwJz…`):
        // `=` follows words that are values as often (`auth_method=password author=…`), and
        // a colon before a non-alphanumeric byte is a path or markup (`<wsse:Password …>`).
        if line.get(we) != Some(&b':')
            || line
                .get(we + 1)
                .is_some_and(|&b| b != b' ' && !b.is_ascii_alphanumeric())
        {
            return None;
        }
        Some((we, self.names.classify(&line[ks..we])))
    }

    /// `… api key sk-abc…` / `using client secret Zx-…`: a key spelled as two words.
    fn prose_compound(
        &self,
        cx: &mut Ctx,
        sc: &mut KvScratch,
        ks: usize,
        ke: usize,
    ) -> Option<usize> {
        let line = cx.line;
        if ks < 2 || line[ks - 1] != b' ' {
            return None;
        }
        let ps = line[..ks - 1]
            .iter()
            .rposition(|b| !b.is_ascii_alphanumeric())
            .map_or(0, |p| p + 1);
        if ps + 1 >= ks {
            return None;
        }
        if matches!(
            self.names.classify(&line[ps..ks - 1]),
            KeyVerdict::Sensitive(_)
        ) {
            return None; // the first word speaks for itself
        }
        // `api key`: the space separates the words as `_` would.
        let KeyVerdict::Sensitive(class) = self.names.classify(&line[ps..ke]) else {
            return None;
        };
        // `secret key: …`, `api key = …`, `"API Key": …`: the two words are the key of an
        // assignment.
        if assigned_after(line, ps, ke) {
            sc.lexer.feed(line, ps);
            return self.key_value(cx, sc, (ps, ke), 0, class, false);
        }
        // `api key 'x' not recognised`: a quoted value right after, as after one word.
        if line.get(ke) == Some(&b' ') && quote_at(line, ke + 1).is_some() {
            sc.lexer.feed(line, ps);
            return self.key_value(cx, sc, (ps, ke), 0, class, true);
        }
        sc.lexer.feed(line, ke);
        self.prose(cx, &mut sc.lexer, (ps, ke), class)
    }

    /// Read the syntax after a sensitive key and the value it introduces. Returns the end of
    /// the last redacted byte.
    fn key_value(
        &self,
        cx: &mut Ctx,
        sc: &mut KvScratch,
        (ks, ke): (usize, usize),
        dashes: usize,
        class: KeyClass,
        prose: bool,
    ) -> Option<usize> {
        let line = cx.line;
        let verdict = KeyVerdict::Sensitive(class);
        let open = key_open(line, ks, ke, dashes);
        if matches!(open, Open::CloseTag) {
            return None;
        }
        // `<the_password value="…"/>`: the tag names the secret, an attribute holds it.
        if open == Open::Xml && line.get(ke) == Some(&b' ') {
            if let Some(Sibling::Key(vs, ve)) = value_field_after(line, ke, b"") {
                let saved = std::mem::take(&mut sc.lexer);
                sc.lexer.feed(line, vs);
                let got = self.key_value(cx, sc, (vs, ve), 0, class, false);
                sc.lexer = saved;
                return got;
            }
        }
        // Where the key's own quoting ends.
        let (mut after_key, open) = match key_close(line, ke, open) {
            Some(p) => (p, open),
            None => (ke, Open::Bare),
        };
        // `apikey[]= …`, `some_dict["secret"] = …`: a subscript around or after the key.
        if line[after_key..].starts_with(b"[]") {
            after_key += 2;
        } else if let Some(n) =
            footnote_marker(&line[after_key..]).filter(|_| matches!(open, Open::Quote { .. }))
        {
            // Joi's `annotate()`: `"otp" [1]: "…"`, the marker of the error's footnote.
            after_key += n;
        } else if let Some(close) =
            Some(after_key + line[after_key..].iter().take_while(|&&b| b == b' ').count())
                .filter(|&c| line.get(c) == Some(&b']') && ks >= 2)
                .filter(|_| {
                    // The subscript's `[` before the key's quote, escaped at any depth (`[\\\"k\\\"]`).
                    let before = &line[..ks];
                    let n = before
                        .iter()
                        .rev()
                        .take_while(|&&b| matches!(b, b'"' | b'\'' | b'\\' | b' '))
                        .count();
                    before.len() > n && before[before.len() - n - 1] == b'['
                })
        {
            // (WordPress's style spaces the key: `$_POST[ 'password' ]`.)
            after_key = close + 1;
        }
        let mut p = after_key;
        let spaces_from = p;
        while p < line.len() && matches!(line[p], b' ' | b'\t') && p - spaces_from < 64 {
            p += 1;
        }
        let spaced = p > spaces_from;
        let mut to_eol = false;
        let (syntax, value_at, strict) = match open {
            Open::Xml => (Syntax::XmlElement, after_key, false),
            _ => {
                let rest = &line[p..];
                let op = operator(rest);
                match (open, op) {
                    (Open::Symbol, Some(Op::Arrow)) => (Syntax::RubySymbol, p + 2, false),
                    (Open::Symbol, Some(Op::Colon)) if line.get(p + 1) == Some(&b' ') => {
                        // Psych's YAML of symbol keys: `:clientSecret: value`.
                        to_eol = starts_line(line, ks - 1);
                        (Syntax::RubySymbol, p + 1, !to_eol)
                    }
                    (Open::Symbol, _) => return None,
                    // An option quoted in a list (`['--password', '…']`) is followed by its
                    // value, as on a command line.
                    (Open::Quote { .. }, Some(Op::Pair))
                        if dashes > 0
                            && pair_position(line, ks - dashes)
                            && !next_element_is_an_option(line, p + 1) =>
                    {
                        (Syntax::Flag, p + 1, false)
                    }
                    (_, Some(Op::Pair))
                        if matches!(open, Open::Quote { .. } | Open::Token(_))
                            && pair_position(line, ks) =>
                    {
                        (Syntax::Pair, p + 1, !pair_is_tuple(line, ks))
                    }
                    (_, Some(Op::Pair)) => return None,
                    (Open::Flag, Some(Op::Equals)) => (Syntax::Flag, p + 1, false),
                    (Open::Flag, None)
                        if spaced
                            && rest.first().is_some_and(|&b| b != b'-')
                            && !starts_with_prose_word(rest) =>
                    {
                        (Syntax::Flag, p, false)
                    }
                    (Open::Bare, Some(op)) => {
                        if bare_key_is_not_a_key(line, (ks, ke), op)
                            || (matches!(op, Op::Colon) && self.names.needs_operator(&line[ks..ke]))
                        {
                            return None;
                        }
                        // `validation errors on /oauth/token: [...]`: a path's last segment.
                        if matches!(op, Op::Colon) && ks > 0 && line[ks - 1] == b'/' {
                            return None;
                        }
                        // `k: v` unquoted is as often prose (`Password: incorrect`) as a dump;
                        // but a key that starts its line (YAML, an indented dump) owns the line.
                        let quoted = next_is_quote(line, p + op.len());
                        if matches!(op, Op::Colon)
                            && !quoted
                            && starts_line(line, ks)
                            && line.get(p + 1) == Some(&b' ')
                            && (line
                                .first()
                                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'-')
                                || !line[ks].is_ascii_uppercase()
                                || line[ks..ke].iter().all(|b| !b.is_ascii_lowercase()))
                        {
                            to_eol = true;
                        }
                        let strict = matches!(op, Op::Colon) && !quoted && !to_eol;
                        (Syntax::Bare, p + op.len(), strict)
                    }
                    (Open::Quote { .. } | Open::Token(_) | Open::Flag, Some(op)) => {
                        (Syntax::Quoted, p + op.len(), false)
                    }
                    // `"otp" with value "123l53" fails …` (Joi), ``Path `password` (`…`, length
                    // 8) is shorter …`` (mongoose): a quoted name in a message, its value after.
                    (Open::Quote { run, .. }, None) if prose && spaced => {
                        return self.quoted_name_prose(cx, (ks, ke), p, run, class);
                    }
                    (Open::Bare, None)
                        if !spaced && rest.first() == Some(&b'(') && is_constructor(line, ks) =>
                    {
                        return self.constructor_args(cx, (ks, ke), p + 1, class);
                    }
                    (Open::Bare, None)
                        if !spaced && rest.first() == Some(&b'(') && literal_args(line, p + 1) =>
                    {
                        return self.call_args(cx, (ks, ke), p + 1, class);
                    }
                    (Open::Bare | Open::Flag, None) if prose => {
                        // SQL's `PASSWORD 'x'` / `IDENTIFIED BY 'x'`: a quoted value right after;
                        // not after a URL path's last segment (httpx's `POST http://…/oauth/token
                        // "HTTP/1.1 200 OK"`).
                        if spaced
                            && quote_at(line, p).is_some()
                            && !(ks > 0 && line[ks - 1] == b'/')
                        {
                            (Syntax::Bare, p, false)
                        } else if let Some(after) = typed_assignment(line, p) {
                            // Go's `var token string = "…"`.
                            (Syntax::Bare, after, false)
                        } else {
                            sc.lexer.feed(line, ke);
                            return self.prose(cx, &mut sc.lexer, (ks, ke), class);
                        }
                    }
                    _ => return None,
                }
            }
        };
        // `token: string = "…"` (TypeScript, Rust, Kotlin, Swift): past the type.
        let value_at = match syntax {
            Syntax::Bare | Syntax::Quoted => typed_assignment(line, value_at).unwrap_or(value_at),
            _ => value_at,
        };
        // `GET /reset?token= HTTP/1.1`: a query string's value never starts with a space (it
        // would be `+` or `%20`), so the parameter is empty and the next word is not its value.
        let in_query = syntax == Syntax::Bare
            && !spaced
            && line.get(p) == Some(&b'=')
            && ks > 0
            && matches!(line[ks - 1], b'?' | b'&');
        let mut v = value_at;
        while !in_query && v < line.len() && matches!(line[v], b' ' | b'\t') && v - value_at < 64 {
            v += 1;
        }
        if v >= line.len() || (in_query && matches!(line[v], b' ' | b'\t')) {
            cx.decide(Decision {
                key: (ks, ke),
                verdict,
                syntax: Some(syntax),
                value: None,
                kept: Some(Keep::Empty),
            });
            return None;
        }
        sc.probe.copy_from(&sc.lexer);
        sc.probe.feed(line, v);
        self.value(
            cx,
            &mut sc.probe,
            v,
            (ks, ke),
            class,
            syntax,
            strict,
            if syntax == Syntax::XmlElement {
                Shape::Xml
            } else if to_eol {
                Shape::Line
            } else {
                Shape::Word
            },
        )
    }

    /// `store_refresh_token(42, 'def5…')`, `rqjobs.verify_token('bob', 'evt_…')`: a function
    /// named for a secret, printed with its arguments — a job queue's description of a job (RQ,
    /// Dramatiq), a repr, a source line. The name says one argument is the secret but not which:
    /// the positional string arguments that look generated are judged (numbers, names, e-mail
    /// addresses, URLs and UUIDs — task and request ids — stay). Keyword arguments
    /// (`token='…'`) are keys of their own; reading stops at the first.
    fn call_args(
        &self,
        cx: &mut Ctx,
        key: (usize, usize),
        from: usize,
        class: KeyClass,
    ) -> Option<usize> {
        let line = cx.line;
        if !self.function_named_for_a_secret(&line[key.0..key.1]) {
            return None;
        }
        let mut end = None;
        let mut i = from;
        for _ in 0..CALL_ARGS {
            while line.get(i) == Some(&b' ') {
                i += 1;
            }
            match *line.get(i)? {
                b'"' | b'\'' | b'\\' => {
                    let Some(lit) = string_literal(line, i) else {
                        break;
                    };
                    end = self.judge_argument(cx, lit, key, class).or(end);
                    i = lit.after;
                }
                b'0'..=b'9' | b'-' => {
                    i += 1;
                    while line
                        .get(i)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.')
                    {
                        i += 1;
                    }
                }
                _ => break,
            }
            while line.get(i) == Some(&b' ') {
                i += 1;
            }
            if line.get(i) != Some(&b',') {
                break;
            }
            i += 1;
        }
        end
    }

    /// What a job queue prints beside a job's name: its positional arguments (`task sent:
    /// tasks.verify_token(<id>) args=(44, '…')`, `[actors.store_token] Received args=(…)`,
    /// `'argsrepr': "(…)"`) and a string it returned (Celery's `Task tasks.create_session[<id>]
    /// succeeded in 0.009s: '…'`, its events' `result='…'`), judged as [`Self::call_args`]
    /// judges arguments.
    fn job_printed_apart(&self, cx: &mut Ctx, key: (usize, usize), class: KeyClass) {
        let line = cx.line;
        if let Some(at) = job_args(line, key.1) {
            self.call_args(cx, key, at, class);
        }
        if let Some(value) = job_result(line, key.1) {
            self.judge_argument(cx, value, key, class);
        }
    }

    /// A string a call was given or returned, under a name that says only that one of them is
    /// a secret: judged if it looks generated and is not an id (UUID) or a host name.
    fn judge_argument(
        &self,
        cx: &mut Ctx,
        Literal { s, e, after }: Literal,
        key: (usize, usize),
        class: KeyClass,
    ) -> Option<usize> {
        let v = &cx.line[s..e];
        if !looks_generated(v) || is_uuid(v) || is_host(v) {
            return None;
        }
        let next = cx.line.get(after).copied();
        self.judge_push(cx, (s, e), key, class, Syntax::Quoted, true, next)
    }

    /// Whether a sensitive name's last part, after the dots of a path, still names a secret:
    /// the function's own name (`rqjobs.verify_token`; `$cordovaOauth.google` is a provider's
    /// method). A name with no dot was classified whole already.
    fn function_named_for_a_secret(&self, name: &[u8]) -> bool {
        name.iter().rposition(|&b| b == b'.').map_or(true, |dot| {
            matches!(
                self.names.classify(&name[dot + 1..]),
                KeyVerdict::Sensitive(_)
            )
        })
    }

    /// `new NetworkCredential("bob", "pw")`, `HTTPBasicAuth('bob', 'pw')`: a credential class
    /// built from string literals. With two or more, the first is the user and the others are
    /// secrets (password-like); a lone argument is judged as a machine credential.
    fn constructor_args(
        &self,
        cx: &mut Ctx,
        key: (usize, usize),
        from: usize,
        class: KeyClass,
    ) -> Option<usize> {
        let line = cx.line;
        let mut args = [Literal {
            s: 0,
            e: 0,
            after: 0,
        }; 4];
        let mut n = 0;
        let mut i = from;
        while i < line.len() && n < args.len() {
            while line.get(i) == Some(&b' ') {
                i += 1;
            }
            let lit = string_literal(line, i)?;
            args[n] = lit;
            n += 1;
            i = lit.after;
            while line.get(i) == Some(&b' ') {
                i += 1;
            }
            match line.get(i) {
                Some(b',') => i += 1,
                Some(b')') => break,
                _ => return None,
            }
        }
        // `NetworkCredential(` at the line's end: no argument to judge.
        let secret_args = match n {
            0 => return None,
            1 => &args[..1],
            _ => &args[1..n],
        };
        let class = KeyClass {
            password: n > 1,
            code: false,
            ..class
        };
        let mut end = None;
        for &Literal { s, e, after } in secret_args {
            if s < e {
                end = self
                    .judge_push(
                        cx,
                        (s, e),
                        key,
                        class,
                        Syntax::Quoted,
                        false,
                        line.get(after).copied(),
                    )
                    .or(end);
            }
        }
        end
    }

    /// Read and judge the value starting at `v` (the probe lexer is at `v`).
    #[allow(clippy::too_many_arguments)]
    fn value(
        &self,
        cx: &mut Ctx,
        probe: &mut Lexer,
        v: usize,
        key: (usize, usize),
        class: KeyClass,
        syntax: Syntax,
        strict: bool,
        shape: Shape,
    ) -> Option<usize> {
        let line = cx.line;
        let xml = shape == Shape::Xml;
        let verdict = KeyVerdict::Sensitive(class);
        let mut v = v;
        // URL-encoded (`%3A%20%22v%22`): encoded spaces after the operator are not the value.
        if percent_encoded(line, v) {
            while line[v..].starts_with(b"%20") || line[v..].starts_with(b"+") {
                v += if line[v] == b'+' { 1 } else { 3 };
            }
        }
        if v >= line.len() {
            return None;
        }
        let b = line[v];
        if xml {
            // Element content up to the next tag; nested elements speak for themselves.
            if line[v..].starts_with(b"<![CDATA[") {
                let cs = v + 9;
                let ce = substr::find(&line[cs..], b"]]>").map_or(line.len(), |i| cs + i);
                return self.judge_push(cx, (cs, ce), key, class, syntax, false, None);
            }
            if line[v..].starts_with(b"<value>") {
                return self.value(cx, probe, v + 7, key, class, syntax, strict, Shape::Xml);
            }
            if b == b'<' {
                return None;
            }
            // Without a tag after it on the line, the content is one word: `<JWT>` in prose
            // (`Expected 'Authorization: Bearer <JWT>'; Missing …`) names a shape, and what
            // follows it is the sentence.
            let end = memchr::memchr(b'<', &line[v..]).map_or_else(
                || {
                    line[v..]
                        .iter()
                        .position(|b| b.is_ascii_whitespace() || matches!(b, b'\'' | b'"' | b'\\'))
                        .map_or(line.len(), |i| v + i)
                },
                |i| v + i,
            );
            if end == v {
                return None;
            }
            return self.judge_push(cx, (v, end), key, class, syntax, false, None);
        }
        if let Some(q) = quote_at(line, v) {
            return match q {
                QuoteTok::Char { at } => {
                    let (cs, mut ce, _) = read_string(line, probe, at)?;
                    // A shell word quoted `'…'\''…'` (bash -x writes a `'` in a value so):
                    // one value, through the last part.
                    if line[at] == b'\'' {
                        while line[ce..].starts_with(b"'\\''") {
                            match memchr::memchr(b'\'', &line[ce + 4..]) {
                                Some(i) => ce = ce + 4 + i,
                                None => break,
                            }
                        }
                    }
                    self.scheme_and_push(cx, (cs, ce), key, class, syntax, strict)
                }
                QuoteTok::Token(t) => {
                    let cs = v + t.len();
                    let ce = substr::find(&line[cs..], t).map_or(line.len(), |i| cs + i);
                    self.scheme_and_push(cx, (cs, ce), key, class, syntax, strict)
                }
            };
        }
        match b {
            b'{' | b'[' | b'(' => {
                let before = cx.out.len();
                let end = self.walk(cx, probe, v, Some(class), 0);
                let redacted = cx.out.len() > before;
                cx.decide(Decision {
                    key,
                    verdict,
                    syntax: Some(Syntax::Container),
                    value: Some((v, end.unwrap_or(line.len()))),
                    kept: if redacted { None } else { Some(Keep::Empty) },
                });
                if redacted {
                    cx.out[before..].iter().map(|s| s.end).max()
                } else {
                    None
                }
            }
            b'<' => {
                // `<redacted>`, `<Session 0x7f…>`: one angle-bracketed token.
                let end = memchr::memchr(b'>', &line[v..]).map_or(line.len(), |i| v + i + 1);
                // Python's repr of an object (`<method 'CSRFProtect.exempt' of <…>>`,
                // `<function f at 0x…>`, `<flask.ctx.RequestContext object at …>`), whole or
                // cut by its printer: a type's name, then a space.
                if is_object_repr(&line[v..end]) {
                    cx.decide(Decision {
                        key,
                        verdict,
                        syntax: Some(syntax),
                        value: Some((v, end)),
                        kept: Some(Keep::Code),
                    });
                    return None;
                }
                self.judge_push(
                    cx,
                    (v, end),
                    key,
                    class,
                    syntax,
                    strict,
                    line.get(end).copied(),
                )
            }
            _ if call_name_len(&line[v..]).is_some() => {
                // `Binary(b'…')`, `SecretStr('…')`: judge the arguments; ids and dates stay.
                let n = call_name_len(&line[v..]).unwrap_or(0);
                if !SECRET_WRAPPERS
                    .iter()
                    .any(|c| line[v..v + n].eq_ignore_ascii_case(c))
                {
                    cx.decide(Decision {
                        key,
                        verdict,
                        syntax: Some(syntax),
                        value: Some((v, v + n)),
                        kept: Some(Keep::Code),
                    });
                    return None;
                }
                probe.feed(line, v + n);
                let before = cx.out.len();
                self.walk(cx, probe, v + n, Some(class), 0);
                cx.out[before..].iter().map(|s| s.end).max()
            }
            _ => {
                // A scheme keeps its place: `Authorization: Bearer <credential>`.
                let (cs, list) = match scheme_len(&line[v..])
                    .or_else(|| class.auth.then(|| any_scheme_len(&line[v..])).flatten())
                {
                    Some((n, list)) => (v + n, list),
                    None => (v, false),
                };
                let ce = if let Some(t) = template_end(line, cs) {
                    t
                } else if list {
                    string_end(line, probe, cs)
                } else if shape == Shape::Line {
                    line_value_end(line, cs)
                } else {
                    unquoted_end(line, probe, cs, false)
                };
                if class.cookie && memchr::memchr(b'=', &line[cs..ce]).is_some() {
                    cx.decide(Decision {
                        key,
                        verdict,
                        syntax: Some(syntax),
                        value: Some((cs, ce)),
                        kept: Some(Keep::CookieList),
                    });
                    return None;
                }
                if !list && line[v - 1] != b'=' && is_assignment(&line[cs..ce]) {
                    // `auth: token_count=5`: the value is the next key/value pair (after
                    // `k=`, glued, `x=y` is the value itself: `api_key=Aa00=x`).
                    cx.decide(Decision {
                        key,
                        verdict,
                        syntax: Some(syntax),
                        value: Some((cs, ce)),
                        kept: Some(Keep::Assignment),
                    });
                    return None;
                }
                // `login_password: battery winter 63 (from form)`: a pass phrase in prose
                // position runs over a few words, unless the first is the prose's own.
                let ce = if class.password && strict && shape == Shape::Word {
                    phrase_end(line, cs, ce)
                } else if class.password && line[v - 1] == b'=' {
                    // `password=river monkey 24` ending a line (or a string that holds
                    // `password=…`): a pass phrase, not a word and prose.
                    assignment_string_end(line, probe, key.0, cs)
                        .or_else(|| probe.frames.is_empty().then(|| phrase_end(line, cs, ce)))
                        .unwrap_or(ce)
                        .max(ce)
                } else {
                    ce
                };
                self.judge_push(
                    cx,
                    (cs, ce),
                    key,
                    class,
                    syntax,
                    strict,
                    next_byte(line, ce),
                )
            }
        }
    }

    /// A quoted value: keep a leading scheme, judge the rest.
    fn scheme_and_push(
        &self,
        cx: &mut Ctx,
        (cs, ce): (usize, usize),
        key: (usize, usize),
        class: KeyClass,
        syntax: Syntax,
        strict: bool,
    ) -> Option<usize> {
        let line = cx.line;
        let cs = match scheme_len(&line[cs..ce])
            .or_else(|| class.auth.then(|| any_scheme_len(&line[cs..ce])).flatten())
        {
            Some((n, _)) => cs + n,
            None => cs,
        };
        if class.cookie && memchr::memchr(b'=', &line[cs..ce]).is_some() {
            cx.decide(Decision {
                key,
                verdict: KeyVerdict::Sensitive(class),
                syntax: Some(syntax),
                value: Some((cs, ce)),
                kept: Some(Keep::CookieList),
            });
            return None;
        }
        self.judge_push(
            cx,
            (cs, ce),
            key,
            class,
            syntax,
            strict,
            line.get(ce + 1).copied(),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn judge_push(
        &self,
        cx: &mut Ctx,
        (s, e): (usize, usize),
        key: (usize, usize),
        class: KeyClass,
        syntax: Syntax,
        strict: bool,
        next: Option<u8>,
    ) -> Option<usize> {
        // A name in a list (`[..., "api_key", "value", ...]`) is as often a list of names; so
        // is one in a tuple of more than two (an SQL column list `("password", "last_login",
        // …)`): only a `(name, value)` 2-tuple is a pair whatever its value looks like.
        let strict = strict || (syntax == Syntax::Pair && !closes_tuple(cx.line, e));
        let verdict = if syntax == Syntax::Pair && strict {
            let v = cx.line[s..e].trim_ascii();
            let v = v
                .strip_prefix(b"\"")
                .and_then(|x| x.strip_suffix(b"\""))
                .unwrap_or(v);
            if looks_generated(v) && !is_uuid(v) {
                Ok(())
            } else {
                Err(Keep::NotGenerated)
            }
        } else if names_itself(&cx.line[s..e], &cx.line[key.0..key.1]) {
            Err(Keep::Code)
        } else if ends_with_ignore_case(&cx.line[key.0..key.1], b"signature")
            && memchr::memmem::find(cx.line, b"SigningCert").is_some()
        {
            // An SNS message's `Signature`: RSA over the message, verified with the public
            // certificate at its `SigningCertURL`; anyone may check it, no one can reuse it.
            Err(Keep::PublicSignature)
        } else {
            judge(&cx.line[s..e], class.values(), strict, next)
        };
        cx.decide(Decision {
            key,
            verdict: KeyVerdict::Sensitive(class),
            syntax: Some(syntax),
            value: Some((s, e)),
            kept: verdict.err(),
        });
        if verdict.is_err() {
            return None;
        }
        cx.out.push(KvSpan {
            start: s,
            end: e,
            kind: class.kind,
            key,
            syntax,
            note: Note::None,
        });
        Some(e)
    }

    /// Walk a container opening at `at` under a sensitive key: judge every leaf (strings and
    /// bare words) under the class in force — the container's, or that of a sensitive inner
    /// key; a benign inner key keeps its value. DynamoDB type tags are transparent. Returns the
    /// end (after the closing bracket), or `None` if the line ends first.
    fn walk(
        &self,
        cx: &mut Ctx,
        probe: &mut Lexer,
        at: usize,
        class: Option<KeyClass>,
        depth: usize,
    ) -> Option<usize> {
        let line = cx.line;
        probe.feed(line, at + 1);
        let base = probe.frames.len();
        let limit = (at + MAX_CONTAINER).min(line.len());
        let mut pending: Pending = Pending::None;
        let mut inner_key: (usize, usize) = (at, at);
        let mut i = at + 1;
        loop {
            while i < limit && matches!(line[i], b' ' | b'\t') {
                i += 1;
            }
            if i >= limit {
                if i < line.len() {
                    // Over the bound: fail closed, the rest of the container goes.
                    if let Some(c) = class {
                        let end = container_end(line, probe, i, base);
                        cx.out.push(KvSpan {
                            start: i,
                            end,
                            kind: c.kind,
                            key: inner_key,
                            syntax: Syntax::Container,
                            note: Note::None,
                        });
                        return Some(end);
                    }
                }
                return None;
            }
            probe.feed(line, i);
            if probe.frames.len() < base {
                return Some(i);
            }
            let effective = match pending {
                Pending::Sensitive(c) => Some(c),
                Pending::Benign => None,
                Pending::Tag | Pending::None => class,
                Pending::Neutral => class.map(|c| KeyClass {
                    password: false,
                    code: false,
                    ..c
                }),
            };
            let b = line[i];
            match b {
                b'}' | b']' | b')' => {
                    probe.feed(line, i + 1);
                    if probe.frames.len() < base {
                        return Some(i + 1);
                    }
                    i += 1;
                }
                b',' | b';' => {
                    pending = Pending::None;
                    i += 1;
                }
                b'{' | b'[' | b'(' => {
                    if depth + 1 >= MAX_DEPTH {
                        let end = container_end(line, probe, i, probe.frames.len());
                        if let Some(c) = effective {
                            cx.out.push(KvSpan {
                                start: i,
                                end,
                                kind: c.kind,
                                key: inner_key,
                                syntax: Syntax::Container,
                                note: Note::None,
                            });
                        }
                        i = end;
                    } else {
                        i = self.walk(cx, probe, i, effective, depth + 1)?;
                    }
                    pending = Pending::None;
                }
                _ => {
                    if let Some(q) = quote_at(line, i) {
                        let (cs, ce, after) = match q {
                            QuoteTok::Char { at } => read_string(line, probe, at)?,
                            QuoteTok::Token(t) => {
                                let cs = i + t.len();
                                let ce =
                                    substr::find(&line[cs..], t).map_or(line.len(), |k| cs + k);
                                (cs, ce, (ce + t.len()).min(line.len()))
                            }
                        };
                        let mut j = after;
                        while j < line.len() && line[j] == b' ' {
                            j += 1;
                        }
                        if let Some(op) = operator(&line[j..]).filter(|o| !matches!(o, Op::Pair)) {
                            pending = self.inner_key(&line[cs..ce]);
                            inner_key = (cs, ce);
                            i = j + op.len();
                            continue;
                        }
                        // A cookie list's items (`"cookies": ["theme=light", "session=…"]`, API
                        // Gateway's payload 2.0) are pairs: the cookie rules judge each by name.
                        let pair = |c: KeyClass| {
                            c.cookie && memchr::memchr(b'=', &line[cs..ce]).is_some_and(|e| e > 0)
                        };
                        if let Some(c) = effective.filter(|&c| !pair(c)) {
                            let strict = matches!(pending, Pending::Neutral);
                            if judge(&line[cs..ce], c.values(), strict, None).is_ok() {
                                cx.out.push(KvSpan {
                                    start: cs,
                                    end: ce,
                                    kind: c.kind,
                                    key: inner_key,
                                    syntax: Syntax::Container,
                                    note: Note::None,
                                });
                            }
                        }
                        pending = Pending::None;
                        i = after;
                        continue;
                    }
                    // PEM armour is one unit; the private-key rule owns what follows it.
                    if let Some(end) = pem_armour_end(line, i) {
                        i = end;
                        continue;
                    }
                    // A bare word: a key (`password:`, `:token =>`) or a scalar leaf.
                    let ws = if b == b':' { i + 1 } else { i };
                    let mut we = ws;
                    while we < limit && is_ident(line[we]) {
                        we += 1;
                    }
                    if we == ws {
                        i += 1;
                        continue;
                    }
                    let mut j = we;
                    while j < line.len() && line[j] == b' ' {
                        j += 1;
                    }
                    if let Some(op) = operator(&line[j..]).filter(|o| !matches!(o, Op::Pair)) {
                        pending = self.inner_key(&line[ws..we]);
                        inner_key = (ws, we);
                        i = j + op.len();
                        continue;
                    }
                    let end = unquoted_end_in(line, probe, i, false, true).max(we);
                    // Text glued to a placeholder is the rest of a token already redacted.
                    let glued = placeholder_at(line, end)
                        || (i > 0 && line[i - 1] == b']' && line[..i].ends_with_placeholder());
                    if let (Some(c), false) = (effective, glued) {
                        if judge(&line[i..end], c.values(), true, line.get(end).copied()).is_ok() {
                            cx.out.push(KvSpan {
                                start: i,
                                end,
                                kind: c.kind,
                                key: inner_key,
                                syntax: Syntax::Container,
                                note: Note::None,
                            });
                        }
                    }
                    pending = Pending::None;
                    i = end.max(i + 1);
                }
            }
        }
    }

    /// Whether `key word` (`session name`, `token count`) names something else than a secret.
    fn is_benign_compound(&self, key: &[u8], word: &[u8]) -> bool {
        if key.len() + word.len() + 1 > names::MAX_KEY
            || !word.iter().all(|b| b.is_ascii_alphabetic())
        {
            return false;
        }
        let mut joined = [0u8; names::MAX_KEY];
        joined[..key.len()].copy_from_slice(key);
        joined[key.len()] = b'_';
        joined[key.len() + 1..key.len() + 1 + word.len()].copy_from_slice(word);
        matches!(
            self.names.classify(&joined[..key.len() + 1 + word.len()]),
            KeyVerdict::Benign(_)
        )
    }

    fn inner_key(&self, key: &[u8]) -> Pending {
        if matches!(
            key,
            b"S" | b"N"
                | b"B"
                | b"SS"
                | b"NS"
                | b"BS"
                | b"M"
                | b"L"
                | b"NULL"
                | b"BOOL"
                | b"$binary"
                | b"base64"
        ) {
            return Pending::Tag;
        }
        // MongoDB extended JSON around ids, dates and numbers.
        if matches!(
            key,
            b"$oid"
                | b"$date"
                | b"$numberLong"
                | b"$numberInt"
                | b"$numberDecimal"
                | b"$numberDouble"
                | b"$timestamp"
                | b"$uuid"
                | b"subType"
        ) {
            return Pending::Benign;
        }
        match self.names.classify(key) {
            KeyVerdict::Sensitive(c) => Pending::Sensitive(c),
            KeyVerdict::Benign(_) => Pending::Benign,
            KeyVerdict::NotSensitive if is_metadata_key(key) => Pending::Benign,
            KeyVerdict::NotSensitive => Pending::Neutral,
        }
    }

    /// A quoted name in a message (`"otp" with value "…"`, ``Path `password` (`…`)``): the
    /// quoted string after `with value`, or in parentheses right after the name, is its value.
    fn quoted_name_prose(
        &self,
        cx: &mut Ctx,
        key: (usize, usize),
        at: usize,
        run: usize,
        class: KeyClass,
    ) -> Option<usize> {
        let line = cx.line;
        let rest = &line[at..];
        // `CREATE TABLE "password_resets" ("id" …`, `ON "passwordreset" ("user_id")`: a SQL
        // table named for the credential and its column list, not a value.
        let quote_start = key.0.saturating_sub(run + 1);
        if rest.starts_with(b"(") && preceded_by_word(line, quote_start, SQL_TABLE_WORDS) {
            return None;
        }
        let q = if rest.starts_with(b"(") {
            at + 1
        } else if starts_with_ignore_case(rest, b"with value ") {
            at + b"with value ".len()
        } else {
            return None;
        };
        // The value is quoted as the name is, at the same escape depth (`\"otp\" with value
        // \"…\"` in a JSON string).
        let q = q + run;
        let open = *line.get(q)?;
        if !matches!(open, b'"' | b'\'' | b'`') || line[q - run..q].iter().any(|&b| b != b'\\') {
            return None;
        }
        let mut close_token = [b'\\'; 9];
        close_token[run.min(8)] = open;
        let close_token = &close_token[..=run.min(8)];
        let vs = q + 1;
        let ve = vs + substr::find(&line[vs..], close_token)?;
        self.judge_push(cx, (vs, ve), key, class, Syntax::Prose, false, None)
    }

    /// A sensitive key with no operator: prose. Redact a generated-looking word among the
    /// next few; after `with/using <password-key>`, the next word whatever it looks like.
    fn prose(
        &self,
        cx: &mut Ctx,
        lexer: &mut Lexer,
        key: (usize, usize),
        class: KeyClass,
    ) -> Option<usize> {
        let line = cx.line;
        let (ks, ke) = key;
        if self.names.needs_operator(&line[ks..ke]) {
            return None;
        }
        let explicit = class.password && preceded_by_word(line, ks, &[b"with", b"using", b"via"]);
        if line.get(ke) != Some(&b' ') {
            return None; // `set-password/`, `token.`: no word follows the key
        }
        if ks > 0 && matches!(line[ks - 1], b'=' | b'/') {
            // `auth_method=password app.py:146`: another pair's value; `POST /account/password
            // HTTP/1.1`: a path's last segment.
            return None;
        }
        let mut i = ke;
        let mut last = None;
        // `password for user 'postgres' is 'admin'`, `code for bob@x.io is 839201`: after an
        // owner, a few more words, and only a value after `is`/`was`/`:` is taken.
        let mut owner_seen = false;
        let (mut owner_first, mut of_name_to) = (false, false);
        for n in 0..7 {
            if n >= 4 && !owner_seen {
                break;
            }
            while i < line.len() && line[i] == b' ' {
                i += 1;
            }
            let k = backslashes_after(line, i);
            if matches!(line.get(i + k), Some(b'"' | b'\'')) {
                // `the password is 'Secret123'`, `password for user 'x' is "y"`: a quoted
                // value after a linking word, quoted at any escape depth (`is \"y\"` in a
                // JSON message). Any other credential's (`cookie secret is "s50c…"`) when it
                // looks generated.
                let Some(lit) = string_literal(line, i) else {
                    break;
                };
                let linked = preceded_by_word(line, i, &[b"is", b"was", b"be", b"to", b"as"]);
                let v = &line[lit.s..lit.e];
                let secret = if class.password {
                    judge(v, Values::Password, false, None).is_ok()
                } else {
                    judge(v, class.values(), true, None).is_ok() && looks_generated(v)
                };
                if linked && secret {
                    cx.out.push(KvSpan {
                        start: lit.s,
                        end: lit.e,
                        kind: class.kind,
                        key,
                        syntax: Syntax::Prose,
                        note: Note::None,
                    });
                    cx.decide(Decision {
                        key,
                        verdict: KeyVerdict::Sensitive(class),
                        syntax: Some(Syntax::Prose),
                        value: Some((lit.s, lit.e)),
                        kept: None,
                    });
                    return Some(lit.e);
                }
                if !class.password {
                    break;
                }
                i = lit.after;
                continue;
            }
            // What follows is no word: a blank, a bracket, or a character outside printable
            // ASCII, written as itself or as a `\u` escape (`│` or `\u2502` of a rich panel).
            if i >= line.len()
                || !(line[i].is_ascii_graphic())
                || matches!(line[i], b'"' | b'\'' | b'`' | b'(' | b'[' | b'{' | b'<')
                || escapes::unicode_at(line, i).is_some_and(|(c, _)| !(0x21..0x7f).contains(&c))
            {
                break;
            }
            lexer.feed(line, i);
            let mut end = unquoted_end(line, lexer, i, false);
            if end <= i {
                break;
            }
            while end > i + 1 && matches!(line[end - 1], b'.' | b',' | b';' | b':' | b')' | b']') {
                end -= 1;
            }
            let word = &line[i..end];
            if !word.iter().any(u8::is_ascii_alphanumeric) {
                break; // `\` (a continuation), `-`, `|`
            }
            if is_option_word(word) {
                break; // `passwd -S root`, `password --stdin`: the command's options
            }
            if memchr::memchr(b'=', word)
                .is_some_and(|p| p > 0 && p + 1 < word.len() && word[p + 1] != b'=')
            {
                break; // `key=value`: the next pair, not prose
            }
            let owner = [&b"for"[..], b"of", b"by", b"from", b"to", b"at", b"on"]
                .iter()
                .any(|w| word.eq_ignore_ascii_case(w));
            if owner {
                owner_seen = true;
            }
            // `reset password of alice to <value>`: `of`/`for`, one name, `to`.
            let to_value = n == 3 && of_name_to;
            if n == 2 {
                of_name_to = class.password && owner_first && word.eq_ignore_ascii_case(b"to");
            }
            if n == 0 {
                owner_first = word.eq_ignore_ascii_case(b"of") || word.eq_ignore_ascii_case(b"for");
            }
            // `token for user 42: <value>`, `password of alice is <value>`.
            let linked = owner_seen
                && (preceded_by_word(line, i, &[b"is", b"was"])
                    || line[..i].trim_ascii_end().ends_with(b":")
                    || to_value);
            if n == 0 && self.is_benign_compound(&line[ks..ke], word) {
                break; // `session name …`, `token count …`: not the credential
            }
            let stop = STOPWORDS.iter().any(|s| word.eq_ignore_ascii_case(s));
            let take = if explicit && n == 0 {
                !stop && judge(word, Values::Password, false, None).is_ok()
            } else if class.password && (n == 0 || linked) {
                // `password pass123` (netrc, ftp), `password for bob is pass123`: the next
                // word, if it is not a plain word.
                !stop
                    && judge(word, Values::Password, true, None).is_ok()
                    && !word.iter().all(u8::is_ascii_digit)
                    && !is_sql_type(word)
            } else if owner_seen && !(class.code || class.password) {
                // `token for <user>`: what follows names an owner, not the credential, until a
                // `:` or `is` links a value to the key.
                linked && !stop && looks_generated(word) && !is_class_name(word)
            } else {
                // `sent otp 839201`, `OTP is 839201`: a code however short, right after the
                // key or its linking verb (not `OTP retry in 1800 ms`).
                looks_generated(word) && !is_class_name(word)
                    || class.code
                        && is_code_shaped(word)
                        && (n == 0 || linked || preceded_by_word(line, i, &[b"is", b"was"]))
            };
            if take {
                cx.out.push(KvSpan {
                    start: i,
                    end,
                    kind: class.kind,
                    key,
                    syntax: Syntax::Prose,
                    note: Note::None,
                });
                cx.decide(Decision {
                    key,
                    verdict: KeyVerdict::Sensitive(class),
                    syntax: Some(Syntax::Prose),
                    value: Some((i, end)),
                    kept: None,
                });
                last = Some(end);
            } else if last.is_some() {
                break; // the run of credentials ended (`load_credentials <id> <secret>`)
            }
            if line
                .get(end)
                .is_some_and(|&b| matches!(b, b'.' | b',' | b';' | b':' | b'='))
                && (n > 0 || last.is_some())
                && !(owner_seen && last.is_none() && line.get(end) == Some(&b':'))
            {
                break;
            }
            i = end.max(i + 1);
            if owner_seen && last.is_none() && line.get(i) == Some(&b':') {
                i += 1; // `password for user admin: …`
            }
        }
        if last.is_some() {
            return last;
        }
        cx.decide(Decision {
            key,
            verdict: KeyVerdict::Sensitive(class),
            syntax: Some(Syntax::Prose),
            value: None,
            kept: Some(Keep::NotGenerated),
        });
        None
    }
}

/// A value with a placeholder or another tool's mask inside it.
fn is_masked(v: &[u8]) -> bool {
    // `[redacted…`, `[filtered…`, `[masked…`, `<redacted…`, `(redacted…` (any case, scrubd's
    // own `[REDACTED:kind]` among them), found by their bracket.
    let word = |at: usize| {
        let rest = &v[at + 1..];
        let starts = |w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
        starts(b"redacted") || (v[at] == b'[' && (starts(b"filtered") || starts(b"masked")))
    };
    memchr::memchr3_iter(b'[', b'<', b'(', v).any(word)
        || memchr::memchr_iter(b'*', v).any(|i| v[i..].starts_with(b"***"))
        || shown_head(v)
}

/// Most letters and digits a value shown by its head (`sk_live_4eC3...`, `eyJhbGciOi…`) keeps
/// to count as masked. A printer's length limit cuts a value anywhere (loguru's and
/// better_exceptions' reprs at 128 characters, rich's at a column): more of it than this is a
/// secret cut short, still a secret.
const SHOWN_HEAD_MAX: usize = 15;

/// A value shown by its head only, then `...` or `…`: another tool's mask.
fn shown_head(v: &[u8]) -> bool {
    let head = v
        .strip_suffix(b"...")
        .or_else(|| v.strip_suffix("\u{2026}".as_bytes()));
    head.is_some_and(|h| h.iter().filter(|b| b.is_ascii_alphanumeric()).count() <= SHOWN_HEAD_MAX)
}

/// Whether a whole scrubd placeholder (`[REDACTED:kind…]`) starts at `i`.
fn placeholder_at(line: &[u8], i: usize) -> bool {
    redact::placeholder_len(&line[i..]).is_some()
}

trait EndsWithPlaceholder {
    fn ends_with_placeholder(&self) -> bool;
}
impl EndsWithPlaceholder for [u8] {
    /// Whether the bytes end with a whole scrubd placeholder.
    fn ends_with_placeholder(&self) -> bool {
        // Every placeholder ends in `]`: most keys are not preceded by one, and the reverse
        // search below would scan the whole line before them.
        if self.last() != Some(&b']') {
            return false;
        }
        redact::rfind_open(self)
            .is_some_and(|p| redact::placeholder_len(&self[p..]) == Some(self.len() - p))
    }
}

/// `-----BEGIN RSA PRIVATE KEY-----` (or END) at `i`: the end of the armour line.
fn pem_armour_end(line: &[u8], i: usize) -> Option<usize> {
    let rest = &line[i..];
    let dashes = rest.iter().take_while(|&&b| b == b'-').count();
    if dashes < 5 || !(rest[dashes..].starts_with(b"BEGIN") || rest[dashes..].starts_with(b"END")) {
        return None;
    }
    let label = substr::find(&rest[dashes..], b"-----").map_or(rest.len(), |p| dashes + p);
    let end = label + rest[label..].iter().take_while(|&&b| b == b'-').count();
    Some(i + end.min(rest.len()))
}

/// A `<placeholder with spaces>` or `{template(...)}` at `cs`: its end (after the closer).
fn template_end(line: &[u8], cs: usize) -> Option<usize> {
    let (open, close) = match line.get(cs)? {
        b'<' => (b'<', b'>'),
        b'{' => (b'{', b'}'),
        _ => return None,
    };
    let mut depth = 0usize;
    for (i, &b) in line[cs..].iter().enumerate().take(256) {
        if b == open {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return Some(cs + i + 1);
            }
        }
    }
    None
}

/// `<type> = ` at `p` (after spaces): where the value after the `=` starts.
fn typed_assignment(line: &[u8], p: usize) -> Option<usize> {
    let mut i = p;
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    let ts = i;
    while i < line.len()
        && i - ts < 32
        && (line[i].is_ascii_alphanumeric()
            || matches!(
                line[i],
                b'_' | b'[' | b']' | b'*' | b'&' | b'<' | b'>' | b'.' | b'?'
            ))
    {
        i += 1;
    }
    const TYPES: &[&[u8]] = &[
        b"string",
        b"String",
        b"str",
        b"&str",
        b"&'static",
        b"[]byte",
        b"[]string",
        b"byte",
        b"bytes",
        b"text",
        b"char",
        b"char*",
        b"*char",
        b"any",
        b"auto",
        b"Secret",
        b"SecretStr",
        b"SecretString",
        b"SecureString",
        b"Option<String>",
        b"Option<&str>",
        b"string?",
        b"String?",
        b"Str",
    ];
    if !TYPES.contains(&&line[ts..i]) {
        return None;
    }
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    let op = operator(&line[i..])?;
    matches!(op, Op::Equals | Op::Walrus).then_some(i + op.len())
}

/// End of a password assigned by a whole quoted string (`--data 'password=battery orange 95'`,
/// `- "DB_PASSWORD=correct horse 7"`): the key opens the innermost string, which closes on
/// this line with no other `name=` or `name:` and no prose word (`for`, `by`…) inside. The value then runs to the closing
/// quote, spaces and all: the string holds nothing else.
fn assignment_string_end(line: &[u8], probe: &Lexer, ks: usize, cs: usize) -> Option<usize> {
    let Some(&lexer::Frame::Str { q }) = probe.frames.last() else {
        return None;
    };
    // The key, after an option's dashes (`"--password=…"`), opens the string.
    let ks = ks
        - line[..ks]
            .iter()
            .rev()
            .take(2)
            .take_while(|&&b| b == b'-')
            .count();
    if ks == 0 || line[ks - 1] != q || (ks >= 2 && line[ks - 2] == b'\\') {
        return None;
    }
    let close = cs + memchr::memchr(q, &line[cs..])?;
    if line[close - 1] == b'\\' {
        return None;
    }
    let inside = &line[cs..close];
    // Another pair, or prose after the value (`password=x for user bob`): not one value.
    let more = inside.split(|b| b.is_ascii_whitespace()).skip(1).any(|w| {
        w.contains(&b'=')
            || w.ends_with(b":")
            || STOPWORDS.iter().any(|s| w.eq_ignore_ascii_case(s))
    });
    (!more && memchr::memchr(b'&', inside).is_none()).then_some(close)
}

/// End of a pass phrase starting with the word `cs..ce`: up to five words, stopping at `(`,
/// `,`, `;`, ` - `, a colour code or the line's end, when the first word is a plain word but
/// not a prose word (`changed`, `too`, `reset`…), no later word is a function word (`for`,
/// `the`: prose after a value), and the phrase is not plain words.
fn phrase_end(line: &[u8], cs: usize, ce: usize) -> usize {
    let first = &line[cs..ce];
    if !is_wordy(first)
        || STOPWORDS.iter().any(|s| first.eq_ignore_ascii_case(s))
        || NON_VALUES.iter().any(|s| first.eq_ignore_ascii_case(s))
    {
        return ce;
    }
    let mut end = ce;
    let mut i = ce;
    for _ in 0..4 {
        if line.get(i) != Some(&b' ') {
            break;
        }
        let ws = i + 1;
        let we = line[ws..]
            .iter()
            .position(|&b| b == b' ' || b == 0x1b)
            .map_or(line.len(), |p| ws + p);
        let w = &line[ws..we];
        if w.is_empty()
            || w.iter()
                .any(|b| matches!(b, b'(' | b',' | b';' | b'"' | b'\'' | b'=' | b':'))
            || w == b"-"
        {
            break;
        }
        if STOPWORDS.iter().any(|s| w.eq_ignore_ascii_case(s)) {
            return ce;
        }
        end = we;
        i = we;
    }
    let phrase = &line[cs..end];
    let stops_cleanly = end == line.len()
        || line[end] == 0x1b
        || line[end..].starts_with(b" (")
        || line[end..].starts_with(b" -");
    if stops_cleanly && !is_wordy(phrase) && phrase.iter().any(u8::is_ascii_digit) {
        end
    } else {
        ce
    }
}

/// Where an unquoted value can end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// At the end of its word (space, delimiter, enclosing bracket or quote).
    Word,
    /// At the next tag (`<k>value</k>`).
    Xml,
    /// At the end of the line (a YAML `key: some value`), before a ` #` comment.
    Line,
}

/// Whether only indentation (and a YAML list dash) precedes `ks` on its line.
fn starts_line(line: &[u8], ks: usize) -> bool {
    let pre = line[..ks].trim_ascii_start();
    pre.is_empty() || pre == b"-" || pre == b"- "
}

/// End of a line-long value: before trailing spaces and a ` #` comment.
fn line_value_end(line: &[u8], cs: usize) -> usize {
    let last = closing_tags_start(line, cs);
    let mut end = substr::find(&line[cs..last], b" #").map_or(last, |i| cs + i);
    // A plain YAML scalar cannot hold `: `: a second `key: value` starts at its last word.
    if let Some(c) = substr::find(&line[cs..end], b": ").map(|i| cs + i) {
        end = line[cs..c]
            .iter()
            .rposition(|&b| b == b' ')
            .map_or(cs, |p| cs + p);
    }
    let mut e = end;
    while e > cs && line[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    // An opener after a space ends the line: what follows prints a structure on the next lines
    // (`console.warn('auth:', 'expired token', err)` writes `auth: expired token {`), not the
    // value's end.
    if e > cs + 1 && matches!(line[e - 1], b'{' | b'[') && line[e - 2] == b' ' {
        e -= 1;
        while e > cs && line[e - 1].is_ascii_whitespace() {
            e -= 1;
        }
    }
    e
}

/// Constructors whose arguments are ids, numbers or dates, never a secret.
/// Calls whose argument is the secret itself (`Binary(b'…')`, `SecretStr('…')`); any other
/// call (`Buffer.from("x", "base64")`, `ObjectId('…')`, `os.getenv("X")`) is code.
const SECRET_WRAPPERS: &[&[u8]] = &[
    b"Binary",
    b"bytes",
    b"bytearray",
    b"SecretStr",
    b"SecretBytes",
    b"Secret",
    b"Sensitive",
    b"Password",
    b"str",
    b"String",
    b"new String",
    b"Buffer",
    b"b64decode",
    b"base64.b64decode",
    b"unhexlify",
];

#[allow(dead_code)]
const NON_SECRET_CALLS: &[&[u8]] = &[
    b"ObjectId",
    b"UUID",
    b"Decimal",
    b"datetime",
    b"datetime.datetime",
    b"date",
    b"Timestamp",
    b"ISODate",
    b"NumberLong",
    b"NumberInt",
    b"NumberDecimal",
    b"Int64",
    b"Long",
    b"Date",
    b"new Date",
    b"time",
    b"timedelta",
    b"Duration",
];

/// Length of `Name(` at the start of `v` (up to and excluding the parenthesis).
fn call_name_len(v: &[u8]) -> Option<usize> {
    if !v
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return None;
    }
    let n = v
        .iter()
        .take(64)
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'.'))?;
    (v.get(n) == Some(&b'(') && name_like(&v[..n])).then_some(n)
}

/// Words that follow a credential noun in prose without being the credential.
const STOPWORDS: &[&[u8]] = &[
    b"is",
    b"was",
    b"for",
    b"of",
    b"to",
    b"the",
    b"a",
    b"an",
    b"and",
    b"or",
    b"from",
    b"on",
    b"in",
    b"by",
    b"reset",
    b"change",
    b"changed",
    b"expired",
    b"invalid",
    b"missing",
    b"required",
    b"too",
    b"not",
    b"has",
    b"had",
    b"have",
    b"will",
    b"must",
    b"should",
    b"did",
    b"does",
    b"that",
    b"this",
    b"it",
    b"as",
    b"at",
    b"with",
];

#[derive(Debug, Clone, Copy)]
enum Pending {
    None,
    Sensitive(KeyClass),
    Benign,
    Neutral,
    Tag,
}

/// Inner keys of a credentials object that describe it rather than hold it.
fn is_metadata_key(key: &[u8]) -> bool {
    let mut w = names::Words::default();
    if !names::split(key, &mut w) {
        return false;
    }
    let mut slots: [&[u8]; 16] = [&[]; 16];
    let words = w.fill(&mut slots);
    let last = words.last().copied().unwrap_or_default();
    const META: &[&[u8]] = &[
        b"user",
        b"username",
        b"email",
        b"login",
        b"name",
        b"id",
        b"type",
        b"kind",
        b"region",
        b"expiration",
        b"expires",
        b"expiry",
        b"created",
        b"updated",
        b"date",
        b"time",
        b"timestamp",
        b"at",
        b"version",
        b"arn",
        b"url",
        b"uri",
        b"host",
        b"port",
        b"scope",
        b"scopes",
        b"issuer",
        b"audience",
        b"label",
        b"description",
        b"status",
        b"count",
        b"provider",
        b"method",
        b"alg",
        b"algorithm",
        b"role",
        b"account",
        b"owner",
        b"path",
        // What a validation error says about the field (express-validator, Joi, ajv, zod).
        b"msg",
        b"message",
        b"messages",
        b"error",
        b"errors",
        b"location",
        b"code",
        // Cookie attributes and lifetimes: a serialised session's `cookie` object
        // (`{"originalMaxAge":86400000,"httpOnly":true,…}` in express-session stores).
        b"age",
        b"maxage",
        b"ttl",
        b"timeout",
        b"duration",
        b"lifetime",
        b"length",
        b"size",
        b"domain",
        b"samesite",
        b"httponly",
        b"secure",
        // A decoded token's registered claims (`jwt: {claims: {sub, iat, jti, …}}`): ids and
        // times, not the token.
        b"sub",
        b"iat",
        b"exp",
        b"nbf",
        b"jti",
        b"iss",
        b"aud",
    ];
    META.contains(&last)
}

/// How a key is opened on its left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Bare,
    /// A quote character `c` preceded by `run` backslashes.
    Quote {
        c: u8,
        run: usize,
    },
    /// An opaque quote spelling: `&quot;`, `%22`, `\x22`, `\u0022`.
    Token(&'static [u8]),
    Xml,
    CloseTag,
    Symbol,
    Flag,
}

const QUOTE_TOKENS: &[&[u8]] = &[
    b"&quot;", b"&#34;", b"&#x22;", b"&#39;", b"&#x27;", b"&apos;", b"%22", b"%27", b"\\x22",
    b"\\x27", b"\\u0022", b"\\u0027",
];

/// The bytes some quote token ends with (`QUOTE_ENDS`) or starts with (`QUOTE_STARTS`), in
/// either case: `key_open` and `quote_at` try the tokens only after or at one of them.
const QUOTE_ENDS: [bool; 256] = quote_token_bytes(true);
const QUOTE_STARTS: [bool; 256] = quote_token_bytes(false);

const fn quote_token_bytes(last: bool) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < QUOTE_TOKENS.len() {
        let t = QUOTE_TOKENS[i];
        let b = if last { t[t.len() - 1] } else { t[0] };
        set[b.to_ascii_lowercase() as usize] = true;
        set[b.to_ascii_uppercase() as usize] = true;
        i += 1;
    }
    set
}

fn key_open(line: &[u8], ks: usize, ke: usize, dashes: usize) -> Open {
    if dashes > 0 {
        // An option quoted whole (`'--db_password': …`, `['--password', '…']`): the quotes
        // are the key's.
        if let Some(q) = ks.checked_sub(dashes + 1) {
            let (c, run) = (line[q], backslashes_before(line, q));
            let closes = line.len() > ke + run
                && line[ke..ke + run].iter().all(|&b| b == b'\\')
                && line[ke + run] == c;
            if matches!(c, b'"' | b'\'') && closes {
                return Open::Quote { c, run };
            }
        }
        return Open::Flag;
    }
    if ks == 0 {
        return Open::Bare;
    }
    let pre = &line[..ks];
    let last = pre[ks - 1];
    // Most keys have no byte a quote token ends with before them.
    if QUOTE_ENDS[last as usize] {
        for t in QUOTE_TOKENS {
            if ends_with_ignore_case(pre, t) {
                return Open::Token(t);
            }
        }
    }
    // `< the_password >`: spaces inside the tag.
    if last == b' ' {
        let t = pre.trim_ascii_end();
        if t.ends_with(b"<") {
            return Open::Xml;
        }
        if t.ends_with(b"</") {
            return Open::CloseTag;
        }
    }
    match last {
        b'"' | b'\'' | b'`' => {
            let run = backslashes_before(pre, ks - 1);
            Open::Quote { c: last, run }
        }
        b'<' => Open::Xml,
        b'/' if ks >= 2 && pre[ks - 2] == b'<' => Open::CloseTag,
        // `${TOKEN}`, `${TOKEN:?required}`: a variable reference, not an assignment.
        b'{' if ks >= 2 && pre[ks - 2] == b'$' => Open::CloseTag,
        b':' if ks < 2 || matches!(pre[ks - 2], b' ' | b'\t' | b'{' | b'(' | b'[' | b',') => {
            Open::Symbol
        }
        b':' => {
            // `<wsse:Password …>`, `</ns0:clientSecret>`: a namespace prefix.
            let p = pre[..ks - 1]
                .iter()
                .rposition(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
                .map_or(0, |i| i + 1);
            match (
                p.checked_sub(1).map(|i| pre[i]),
                p.checked_sub(2).map(|i| pre[i]),
            ) {
                (Some(b'/'), Some(b'<')) => Open::CloseTag,
                (Some(b'<'), _) => Open::Xml,
                _ => Open::Bare,
            }
        }
        _ => Open::Bare,
    }
}

/// The length of ` [12]` (a footnote marker, one to three digits) followed by `:`.
fn footnote_marker(rest: &[u8]) -> Option<usize> {
    let digits = rest.strip_prefix(b" [")?;
    let n = digits
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    ((1..=3).contains(&n) && digits[n..].starts_with(b"]:")).then_some(n + 3)
}

/// Where the key's quoting closes (after the closing quote), if it does.
fn key_close(line: &[u8], ke: usize, open: Open) -> Option<usize> {
    let rest = &line[ke..];
    match open {
        Open::Quote { c, run } => {
            let n = backslashes_after(rest, 0);
            (n == run && rest.get(n) == Some(&c)).then_some(ke + n + 1)
        }
        Open::Token(t) => starts_with_ignore_case(rest, t).then_some(ke + t.len()),
        Open::Xml => {
            let gt = rest
                .iter()
                .take(256)
                .position(|&b| b == b'>' || b == b'<')?;
            // After the name, spaces or attributes (`name="v"`): `<requests.auth.HTTPBasicAuth
            // object at 0x7f…>` is Python's repr of an object and werkzeug's `<Authorization
            // Basic dXNlcjpwdw==>` one of a header, not start tags.
            let inside = &rest[..gt];
            let attrs = inside.trim_ascii_start();
            let name = attrs
                .iter()
                .take_while(|&&b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.')
                })
                .count();
            let attribute = name > 0 && attrs[name..].trim_ascii_start().first() == Some(&b'=');
            (rest[gt] == b'>'
                && (gt == 0 || rest[0] == b' ')
                && (gt == 0 || rest[gt - 1] != b'/')
                && (attrs.is_empty() || attribute))
                .then_some(ke + gt + 1)
        }
        _ => Some(ke),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Arrow,
    Walrus,
    /// A longer assignment operator of this many bytes.
    Long(u8),
    Equals,
    Colon,
    Pair,
}

impl Op {
    fn len(self) -> usize {
        match self {
            Op::Arrow | Op::Walrus => 2,
            Op::Long(n) => n as usize,
            _ => 1,
        }
    }
}

/// The quoted key of several words (`"Client Secret": `) around the word `ks..ke`: the
/// string's content range, when the string holds only words, spaces, `_` and `-`, has a space,
/// and an assignment operator follows its closing quote (which must match the opening one,
/// escapes included: `\"api key\": `).
fn quoted_phrase(line: &[u8], ks: usize, ke: usize) -> Option<(usize, usize)> {
    let inner = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-');
    // Most keys end where a phrase would (`"token_count"`): the phrase is the key itself,
    // which holds no space unless its keyword does.
    let grows = (ks > 0 && inner(line[ks - 1])) || line.get(ke).is_some_and(|&b| inner(b));
    if !grows && !line[ks..ke].contains(&b' ') {
        return None;
    }
    let mut ps = ks;
    while ps > 0 && inner(line[ps - 1]) && ke - ps < names::MAX_KEY {
        ps -= 1;
    }
    let mut pe = ke;
    while pe < line.len() && inner(line[pe]) && pe - ps < names::MAX_KEY {
        pe += 1;
    }
    let open = opening_quote(line, ps)?;
    if !line[pe..].starts_with(open) {
        return None;
    }
    let phrase = &line[ps..pe];
    if !phrase.contains(&b' ')
        || phrase.starts_with(b" ")
        || phrase.ends_with(b" ")
        || phrase.windows(2).any(|w| w == b"  ")
    {
        return None;
    }
    assigned_after(line, ps, pe).then_some((ps, pe))
}

/// The quote right before `at` with the backslashes that escape it (`"`, `\"`, `\\\"`).
fn opening_quote(line: &[u8], at: usize) -> Option<&[u8]> {
    let q = at.checked_sub(1)?;
    if !matches!(line[q], b'"' | b'\'') {
        return None;
    }
    let mut os = q;
    os -= backslashes_before(line, os);
    Some(&line[os..at])
}

/// Whether an assignment operator follows the key `ks..ke` (after its closing quote when an
/// opening one comes right before it, and up to two spaces): `k: `, `k = `, `"k": `.
fn assigned_after(line: &[u8], ks: usize, ke: usize) -> bool {
    let mut p = ke;
    if let Some(open) = opening_quote(line, ks) {
        if line[ke..].starts_with(open) {
            p += open.len();
        }
    }
    let at = p;
    while line.get(p) == Some(&b' ') && p - at < 2 {
        p += 1;
    }
    operator(&line[p..]).is_some_and(|o| !matches!(o, Op::Pair))
}

fn operator(rest: &[u8]) -> Option<Op> {
    match rest {
        [b'=', b'>', ..] => Some(Op::Arrow),
        [b':', b'=', ..] => Some(Op::Walrus),
        // Makefile and BNF `::=`, `:::=`, `?=`; PHP `.=`; `+=`; Ruby `||=`.
        [b':', b':', b':', b'=', ..] => Some(Op::Long(4)),
        [b':', b':', b'=', ..] => Some(Op::Long(3)),
        [b'|', b'|', b'=', ..] => Some(Op::Long(3)),
        [b'?' | b'.' | b'+', b'=', ..] => Some(Op::Long(2)),
        // URL-encoded JSON or form (`%22k%22%3A%22v%22`, `k%3Dv`).
        [b'%', b'3', b'A' | b'a' | b'D' | b'd', ..] => Some(Op::Long(3)),
        // Quoted-printable (a mail's body: Django's error mails, `=3D` is `=`) before a quoted
        // value; `token=3Dab…` may be a value starting `3D`, read whole.
        [b'=', b'3', b'D', b'\'' | b'"', ..] | [b'=', b'3', b'D', b' ', b'\'' | b'"', ..] => {
            Some(Op::Long(3))
        }
        [b'=', b'='] | [b'=', b'=', ..] => None,
        // Ruby/Perl's match operator (`password =~ /\d/`); `password=~x8…` is a value.
        [b'=', b'~'] | [b'=', b'~', b' ' | b'\t' | b'/', ..] => None,
        [b'=', ..] => Some(Op::Equals),
        [b':', b':', ..] => None,
        [b':', b'/', b'/', ..] => None,
        [b':', ..] => Some(Op::Colon),
        [b',', ..] => Some(Op::Pair),
        _ => None,
    }
}

/// A quoted key followed by `,` is a name in a pair only right after `(`, `[` or `,`.
fn pair_position(line: &[u8], ks: usize) -> bool {
    let mut p = ks;
    while p > 0 && matches!(line[p - 1], b'"' | b'\'' | b'\\' | b'`') {
        p -= 1;
    }
    while p > 0 && line[p - 1] == b' ' {
        p -= 1;
    }
    p > 0 && matches!(line[p - 1], b'(' | b'[' | b',')
}

/// Whether the list element after the `,` at `p` is another option (`'--password',
/// '--stdin'`): then the option before it has no value there.
fn next_element_is_an_option(line: &[u8], p: usize) -> bool {
    let v = line[p..]
        .iter()
        .position(|&b| !matches!(b, b' ' | b'"' | b'\'' | b'\\'))
        .map(|i| p + i);
    v.is_some_and(|v| line[v] == b'-')
}

fn pair_is_tuple(line: &[u8], ks: usize) -> bool {
    let mut p = ks;
    while p > 0 && matches!(line[p - 1], b'"' | b'\'' | b'\\' | b'`' | b' ') {
        p -= 1;
    }
    p > 0 && line[p - 1] == b'('
}

/// Whether the value ending at `e` closes its tuple: only quotes, backslashes (escaped
/// quotes) and spaces before a `)`.
fn closes_tuple(line: &[u8], e: usize) -> bool {
    line[e..]
        .iter()
        .find(|b| !matches!(b, b'"' | b'\'' | b'\\' | b'`' | b' '))
        == Some(&b')')
}

fn next_is_quote(line: &[u8], p: usize) -> bool {
    let mut p = p;
    while p < line.len() && line[p] == b' ' {
        p += 1;
    }
    quote_at(line, p).is_some()
}

/// A bare key that is part of something else: an ARN (`arn:aws:secretsmanager:…:secret:x`),
/// a path (`/etc/secret:ro`), a chain of colons (`io.jsonwebtoken:jjwt-api:0.12.6`,
/// `auth.tokens:INFO:…`, `auth:token`), the shell's `PWD`.
fn bare_key_is_not_a_key(line: &[u8], (ks, ke): (usize, usize), op: Op) -> bool {
    let tok_start = line[..ks]
        .iter()
        .rposition(|&b| matches!(b, b' ' | b'"' | b'\'' | b'=' | b',' | b'(' | b'[' | b'{'))
        .map_or(0, |p| p + 1);
    let tok = &line[tok_start..ks];
    if starts_with_ignore_case(tok, b"arn:") {
        return true;
    }
    // The shell's working directory (`PWD=/srv/app`), but not ODBC's `PWD=<password>`.
    if matches!(&line[ks..ke], b"PWD" | b"OLDPWD") {
        let value = line[ke..]
            .iter()
            .find(|&&b| !matches!(b, b'=' | b':' | b' ' | b'"' | b'\''));
        return value.map_or(true, |&b| matches!(b, b'/' | b'~' | b'$' | b'.' | b';'));
    }
    if !matches!(op, Op::Colon) {
        return false;
    }
    // `/etc/secret:ro`, `arn:…:secret:x`: but `scope::key: value` (a space after) is a key.
    if ks > 0
        && matches!(line[ks - 1], b'/' | b'\\' | b':')
        && line.get(ke + 1).is_some_and(|b| !b.is_ascii_whitespace())
    {
        return true;
    }
    // `k:v:w` with no space after the colon: a coordinate or a logger prefix, not `k: v`.
    let after = ke + 1;
    if line.get(after).is_some_and(|b| !b.is_ascii_whitespace()) {
        let word_end = line[after..]
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .map_or(line.len(), |p| after + p);
        if memchr::memchr(b':', &line[after..word_end]).is_some() {
            return true;
        }
    }
    false
}

/// A quote token at `v`: a quote character (after optional backslashes and a string prefix:
/// Python `b r u f`, C# `@` verbatim and `$` interpolated), or an opaque spelling.
#[derive(Debug, Clone, Copy)]
enum QuoteTok {
    /// The raw quote character is at `at`.
    Char {
        at: usize,
    },
    Token(&'static [u8]),
}

fn quote_at(line: &[u8], v: usize) -> Option<QuoteTok> {
    let rest = line.get(v..)?;
    if rest.first().is_some_and(|&b| QUOTE_STARTS[b as usize]) {
        for t in QUOTE_TOKENS {
            if starts_with_ignore_case(rest, t) {
                return Some(QuoteTok::Token(t));
            }
        }
    }
    let mut p = 0;
    while p < 2
        && rest.get(p).is_some_and(|b| {
            matches!(
                b.to_ascii_lowercase(),
                b'b' | b'u' | b'r' | b'f' | b'@' | b'$'
            )
        })
    {
        p += 1;
    }
    // The prefix's quote may be escaped (`b\"…\"`: a bytes repr inside a JSON string).
    let escapes = backslashes_after(rest, p);
    if p > 0 && !matches!(rest.get(p + escapes), Some(b'"' | b'\'')) {
        p = 0;
    }
    let bs = backslashes_after(rest, p);
    match rest.get(p + bs) {
        Some(b'"' | b'\'' | b'`') => Some(QuoteTok::Char { at: v + p + bs }),
        _ => None,
    }
}

/// Read the string whose opening quote is at `at`; the probe lexer is at or before `at`.
/// Returns (content start, content end, position after the closing token). An unterminated
/// string (a printer cut it short) runs to the end of the line, or to the closing tags that
/// end it (`<td>api_key = 'Xk9…</td>`: the cell was closed, not the string).
fn read_string(line: &[u8], probe: &mut Lexer, at: usize) -> Option<(usize, usize, usize)> {
    probe.feed(line, at);
    let frame = match probe.step(line) {
        Quote::Opened { frame } => frame,
        _ => {
            // Not an opening quote here (it closed an enclosing string): no value.
            return None;
        }
    };
    let cs = at + 1;
    while probe.pos() < line.len() {
        probe.skip_plain(line, line.len());
        if probe.pos() == line.len() {
            break;
        }
        let p = probe.pos();
        if let Quote::Closed {
            frame: f,
            token_start,
        } = probe.step(line)
        {
            // A doubled quote inside the string (`'o''Brien'` in YAML and SQL, `"a""b"` in
            // CSV; two literals side by side in Python and shell) does not end the value.
            let doubled =
                f == frame && token_start == p && p > cs && line.get(p + 1) == Some(&line[p]);
            if f <= frame && !doubled {
                return Some((cs, token_start.max(cs), p + 1));
            }
        }
    }
    let end = closing_tags_start(line, cs);
    Some((cs, end, end))
}

/// Where the closing tags (`</td>`, `</td></tr>`) that end `line`, after `from`, start, or the
/// line's end (trailing whitespace stays with the tags).
fn closing_tags_start(line: &[u8], from: usize) -> usize {
    let mut end = line.len();
    loop {
        let t = line[from..end].trim_ascii_end();
        let Some(body) = t.strip_suffix(b">") else {
            break;
        };
        let name = body
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(b))
            .count();
        let open = body.len() - name;
        if name == 0 || !body[..open].ends_with(b"</") {
            break;
        }
        end = from + open - 2;
    }
    if end == line.len() {
        return end;
    }
    from + line[from..end].trim_ascii_end().len()
}

/// Where the string enclosing `from` ends (for scheme parameter lists), or the line's end
/// (before the closing tags that end it).
fn string_end(line: &[u8], probe: &Lexer, from: usize) -> usize {
    if probe.string_depth() == 0 {
        return closing_tags_start(line, from);
    }
    let mut lx = probe.clone();
    let depth = lx.frames.len();
    lx.feed(line, from);
    while lx.pos() < line.len() {
        lx.skip_plain(line, line.len());
        if lx.pos() == line.len() {
            break;
        }
        let p = lx.pos();
        if let Quote::Closed { token_start, .. } = lx.step(line) {
            if lx.frames.len() < depth {
                return token_start.min(p);
            }
        }
    }
    closing_tags_start(line, from)
}

/// End of an unquoted value starting at `v`: whitespace, a quote or bracket closing an
/// enclosing structure, `&` before another parameter, `,`/`;` between items, a closing tag.
/// The value at `v` follows a percent-encoded operator or space (`%3D`, `%3A`, `%20`).
fn percent_encoded(line: &[u8], v: usize) -> bool {
    v >= 3
        && line[v - 3] == b'%'
        && matches!(
            (line[v - 2], line[v - 1].to_ascii_uppercase()),
            (b'3', b'A' | b'D') | (b'2', b'0')
        )
}

/// `%26` `%20` `%22` `%27` `%2C` `%3B` `%7D` `%5D` `%29` at the start of `s`: a delimiter.
fn encoded_delimiter(s: &[u8]) -> bool {
    s.len() >= 3
        && matches!(
            (s[1], s[2].to_ascii_uppercase()),
            (b'2', b'6' | b'0' | b'2' | b'7' | b'C' | b'9')
                | (b'3', b'B')
                | (b'7', b'D')
                | (b'5', b'D')
        )
}

fn unquoted_end(line: &[u8], probe: &Lexer, v: usize, xml: bool) -> usize {
    unquoted_end_in(line, probe, v, xml, false)
}

/// [`unquoted_end`]; `container`: a scalar inside a container also ends where a nested
/// structure opens (`{`, `[`, `(`), so a span never swallows an opening bracket.
fn unquoted_end_in(line: &[u8], probe: &Lexer, v: usize, xml: bool, container: bool) -> usize {
    let encoded = percent_encoded(line, v);
    let brackets = probe.layer_brackets();
    let has = |open: u8| brackets.contains(&lexer::Frame::Br { b: open });
    let in_brackets = !brackets.is_empty();
    // Whether the quote at `j`, after any backslashes, closes an enclosing string: the end of
    // the line at this depth.
    let closes_at = |j: usize| {
        let r = backslashes_after(line, j);
        matches!(line.get(j + r), Some(&q @ (b'"' | b'\'' | b'`')) if probe.would_close(q, r))
    };
    let mut i = v;
    while i < line.len() {
        let b = line[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' | 0 | 0x1b => break,
            b'\\' => {
                let r = backslashes_after(line, i);
                match line.get(i + r) {
                    Some(&q @ (b'"' | b'\'' | b'`'))
                        if probe.would_close(q, r) || (i > v && lexer::opens_string(line, i)) =>
                    {
                        break
                    }
                    Some(b'n' | b't' | b'r') if probe.is_escaped_control(r) => break,
                    Some(_) => i += r + 1,
                    None => {
                        i = line.len();
                    }
                }
            }
            b'"' | b'\'' | b'`' => {
                // A quote closing an enclosing string, or opening one after the value started
                // (`0{b'…'`): a span must not take half of a string's quotes.
                if probe.would_close(b, 0) || (i > v && lexer::opens_string(line, i)) {
                    break;
                }
                i += 1;
            }
            // In URL-encoded text an encoded delimiter ends the value (`%26` is `&`).
            b'%' if encoded && encoded_delimiter(&line[i..]) => break,
            b'{' | b'[' | b'(' if container => break,
            b'}' if has(b'{') => break,
            b']' if has(b'[') => break,
            b')' if has(b'(') => break,
            b',' | b';' => {
                if in_brackets
                    || line.get(i + 1).map_or(true, |c| c.is_ascii_whitespace())
                    || closes_at(i + 1)
                    || next_is_param(line, i + 1, true)
                    || (b == b';' && spaced_key_follows(line, i + 1))
                {
                    break;
                }
                i += 1;
            }
            // In a query string a bare `&flag` is a parameter too (`?a=1&debug`); elsewhere
            // (`password=Tr0ub4dor&3xyz`) `&` is a character of the value unless a parameter
            // with a value follows it (a form body: `password=x&user=bob`).
            b'&' => {
                if next_is_param(line, i + 1, false)
                    && (next_is_assignment(line, i + 1) || after_query_key(line, v))
                {
                    break;
                }
                i += 1;
            }
            b'<' if xml || line.get(i + 1) == Some(&b'/') => break,
            b'>' if xml || in_tag(line, v) => break,
            _ => i += 1,
        }
    }
    i
}

/// Fields that hold a name whose value sits in a sibling field.
const NAME_FIELDS: &[&[u8]] = &[
    b"name",
    b"key",
    b"parametername",
    b"parameterkey",
    b"paramname",
    b"variable",
    b"var",
    b"env",
    b"field",
    b"setting",
    b"property",
    b"option",
    b"header",
    b"secretname",
    b"envname",
    b"optionname",
    b"type",
];
/// Fields naming the field an error record is about (express-validator's `path`/`param`, ajv's
/// `instancePath`, mongoose's `path`, pydantic's `loc` list): the sensitive name must be the
/// last segment of their value (`'/credentials/password'`, `('body', 'password')`).
const PATH_FIELDS: &[&[u8]] = &[b"path", b"param", b"instancepath", b"loc"];
/// The sibling fields that hold the value.
const VALUE_FIELDS: &[&[u8]] = &[
    b"value",
    b"val",
    b"parametervalue",
    b"paramvalue",
    b"content",
    b"secretvalue",
    b"stringvalue",
    b"data",
    b"input",
];

/// If the identifier at `ks..ke` is the value of a name field (`"name": "DB_PASSWORD"`,
/// `key="ApiKey"`, `'Name': '/app/db/password'`, `{name: DB_PASSWORD, …}`, or the last item of
/// an error's location, `'loc': ('body', 'password')`), the position after that value, and
/// where the name field starts.
fn name_field_string(line: &[u8], ks: usize, ke: usize) -> Option<(usize, usize)> {
    let name_char =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'/' | b'-');
    let mut qs = ks;
    while qs > 0 && ks - qs < 128 && name_char(line[qs - 1]) {
        qs -= 1;
    }
    let mut qe = ke;
    while qe < line.len() && qe - ke < 128 && name_char(line[qe]) {
        qe += 1;
    }
    let last = qe == ke;
    // The quotes may be escaped (`{\"name\": \"DB_PASSWORD\", …}` in a JSON string): the
    // closing quote has as many backslashes before it as the opening one.
    let run = backslashes_before(line, qs.saturating_sub(1));
    let closes = |q: u8| {
        line.len() > qe + run
            && line[qe..qe + run].iter().all(|&b| b == b'\\')
            && line[qe + run] == q
    };
    let (mut p, mut after) = match qs.checked_sub(1).map(|i| line[i]) {
        Some(q @ (b'"' | b'\'')) if closes(q) => (qs - 1 - run, qe + run + 1),
        // Unquoted (`{name: DB_PASSWORD, value: …}`): right after the operator and a space,
        // up to a separator.
        Some(b' ') if matches!(line.get(qe), None | Some(b',' | b'}' | b' ' | b';')) => (qs, qe),
        // Right after `=`, up to a separator: the AWS CLI's shorthand
        // (`ParameterKey=DBPassword,ParameterValue=…`, `{name=DB_PASSWORD,value=…}`) and form
        // bodies (`….1.ParameterKey=DBPassword&….1.ParameterValue=…`).
        Some(b'=')
            if matches!(
                line.get(qe),
                None | Some(b',' | b'}' | b'&' | b' ' | b'\'' | b'"')
            ) =>
        {
            (qs, qe)
        }
        // An element's text (`<ParameterKey>DBPassword</ParameterKey>`): its tag is the field.
        Some(b'>') if line[qe..].starts_with(b"</") => {
            let tag = qs - 1;
            let open = memchr::memrchr(b'<', &line[..tag])?;
            let (local, _) = start_tag(line, open).filter(|&(_, e)| e == tag)?;
            let name = &line[open + 1..tag];
            let close = &line[qe + 2..];
            if !close.starts_with(name) || close.get(name.len()) != Some(&b'>') {
                return None;
            }
            let named = NAME_FIELDS
                .iter()
                .any(|n| line[local..tag].eq_ignore_ascii_case(n));
            return named.then_some((qe + 2 + name.len() + 1, open + 1));
        }
        _ => return None,
    };
    // The last item of a list (`('body', 'password')`, `["credentials","client_secret"]`).
    // Pretty-printed lists put (escaped) newlines around the items (`[\n  \"password\"\n]`).
    let mut list = false;
    let mut a = skip_blanks(line, after);
    if line.get(a) == Some(&b',') {
        a = skip_blanks(line, a + 1);
    }
    if last && matches!(line.get(a), Some(b')' | b']')) {
        let mut j = p;
        while j > 0 && p - j < 256 {
            match line[j - 1] {
                b'(' | b'[' => {
                    list = true;
                    p = j - 1;
                    after = a + 1;
                    break;
                }
                b'"' | b'\'' => match string_open_before(line, 0, j - 1, None) {
                    Some(o) => j = o,
                    None => break,
                },
                b',' | b' ' | b'\\' => j -= 1,
                c if c.is_ascii_alphanumeric() || c == b'_' => j -= 1,
                _ => break,
            }
        }
    }
    // Before the value: `name=` / `"name": ` / `'Key' => `.
    while p > 0 && line[p - 1] == b' ' {
        p -= 1;
    }
    let op_end = p;
    while p > 0 && matches!(line[p - 1], b'=' | b':' | b'>') && op_end - p < 2 {
        p -= 1;
    }
    if p == op_end {
        return None;
    }
    while p > 0 && line[p - 1] == b' ' {
        p -= 1;
    }
    let mut f_end = p;
    if f_end > 0 && matches!(line[f_end - 1], b'"' | b'\'') {
        f_end -= 1;
        f_end -= backslashes_before(line, f_end);
    }
    let mut f = f_end;
    while f > 0 && (line[f - 1].is_ascii_alphanumeric() || line[f - 1] == b'_') {
        f -= 1;
    }
    let field = &line[f..f_end];
    let is = |set: &[&[u8]]| set.iter().any(|n| field.eq_ignore_ascii_case(n));
    let named = if list {
        is(PATH_FIELDS)
    } else {
        is(NAME_FIELDS) || (last && is(PATH_FIELDS))
    };
    named.then_some((after, f))
}

/// The position after spaces and written-out line breaks and tabs at any escape depth
/// (`\n    `, `\\\\n`) from `i`.
fn skip_blanks(line: &[u8], mut i: usize) -> usize {
    loop {
        match line.get(i) {
            Some(b' ') => i += 1,
            Some(b'\\') => {
                let run = backslashes_after(line, i);
                if !matches!(line.get(i + run), Some(b'n' | b'r' | b't')) {
                    return i;
                }
                i += run + 1;
            }
            _ => return i,
        }
    }
}

/// A line break inside a logged body at `i`: a real one, or escaped at any depth (`\\r\\n`,
/// `\\\\n`); its length.
fn body_break(line: &[u8], i: usize) -> Option<usize> {
    let escaped = |at: usize, c: u8| {
        let n = line[at..].iter().take_while(|&&b| b == b'\\').count();
        (n > 0 && line.get(at + n) == Some(&c)).then_some(n + 1)
    };
    let rest = &line[i..];
    if rest.starts_with(b"\r\n") {
        return Some(2);
    }
    if rest.starts_with(b"\n") {
        return Some(1);
    }
    match escaped(i, b'r') {
        Some(r) => escaped(i + r, b'n').map(|n| r + n),
        None => escaped(i, b'n'),
    }
}

/// The value of a multipart body's part whose name field starts at `field` and ends before
/// `after` (`Content-Disposition: form-data; name="password"`, its other headers, a blank
/// line, the value up to the next break). A part with a `filename` is a file's content.
fn form_part_value(line: &[u8], field: usize, after: usize) -> Option<(usize, usize)> {
    let before = line[..field].trim_ascii_end();
    let disposition = before
        .len()
        .checked_sub(10)
        .is_some_and(|i| before[i..].eq_ignore_ascii_case(b"form-data;"));
    if !disposition || line.get(after) == Some(&b';') {
        return None;
    }
    let mut i = after + body_break(line, after)?;
    // Up to 4 more header lines (`Content-Type: text/plain`), then the blank line.
    for _ in 0..5 {
        if let Some(n) = body_break(line, i) {
            let vs = i + n;
            let mut ve = vs;
            while ve < line.len() && body_break(line, ve).is_none() {
                ve += 1;
            }
            // Cut short before the body's last break: the line ends with the string or
            // bytes repr that holds the body, its closing quote (escaped or not) no value.
            if ve == line.len() {
                ve = vs + line[vs..].trim_ascii_end().len();
                if ve > vs && matches!(line[ve - 1], b'\'' | b'"') {
                    ve -= 1;
                    while ve > vs && line[ve - 1] == b'\\' {
                        ve -= 1;
                    }
                }
            }
            return (ve > vs).then_some((vs, ve));
        }
        let header = line[i..].iter().take(256).position(|&b| b == b':')?;
        if !line[i..i + header]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        {
            return None;
        }
        i += header;
        while i < line.len() && body_break(line, i).is_none() {
            i += 1;
        }
        i += body_break(line, i)?;
    }
    None
}

/// Where the value of a name/value pair is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sibling {
    /// A value field, read as a key (`value="…"`, `"Value": …`).
    Key(usize, usize),
    /// The content of the element whose start tag holds the name (`<x name="pw">…</x>`).
    Content(usize),
}

/// The path before a flattened name field at `field` (`Parameters.member.1.` of
/// `'Parameters.member.1.ParameterKey'`, as AWS's query protocol flattens lists of pairs), or
/// nothing.
fn dotted_prefix(line: &[u8], field: usize) -> &[u8] {
    if field == 0 || line[field - 1] != b'.' {
        return b"";
    }
    let start = line[..field]
        .iter()
        .rposition(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.')))
        .map_or(0, |i| i + 1);
    &line[start..field]
}

/// Whether the quoted field name `w` is a value field of the name field whose flattened path
/// is `prefix` (see [`dotted_prefix`]): `"value"` beside `"name"`, and
/// `'Parameters.member.1.ParameterValue'` or `'MessageAttributes.entry.1.Value.StringValue'`
/// beside `'….1.ParameterKey'` / `'….1.Name'`, never another member's.
fn is_value_field(w: &[u8], prefix: &[u8]) -> bool {
    let (path, last) = match w.iter().rposition(|&b| b == b'.') {
        Some(d) => w.split_at(d + 1),
        None => (&w[..0], w),
    };
    paths_match(path, prefix) && VALUE_FIELDS.iter().any(|v| last.eq_ignore_ascii_case(v))
}

/// Whether a value field's flattened path `path` is within the name field's `prefix`.
fn paths_match(path: &[u8], prefix: &[u8]) -> bool {
    if prefix.is_empty() {
        path.is_empty()
    } else {
        path.starts_with(prefix)
    }
}

/// The value field after `from` within the same small object or tag; `prefix` is the name
/// field's flattened path (see [`dotted_prefix`]).
fn value_field_after(line: &[u8], from: usize, prefix: &[u8]) -> Option<Sibling> {
    let end = (from + 512).min(line.len());
    let mut i = from;
    while i < end {
        let b = line[i];
        match b {
            b'>' => {
                // The start tag ended: a `<value>` child, or the element's text.
                let rest = &line[i + 1..];
                // `<value>` or a namespaced `<ns0:value>` child
                if let Some((local, name_end)) = start_tag(line, i + 1) {
                    if line[local..name_end].eq_ignore_ascii_case(b"value") {
                        return Some(Sibling::Key(local, name_end));
                    }
                }
                let self_closing = i > 0 && line[i - 1] == b'/';
                if !self_closing && rest.first().is_some_and(|&c| c != b'<') {
                    return Some(Sibling::Content(i + 1));
                }
                return None;
            }
            b'"' | b'\'' => {
                // A string (`\"value\"` escaped) is read at its own depth, up to its quote.
                let k = backslashes_before(line, i);
                let lit = string_literal(line, i - k)
                    .filter(|l| l.after <= end && backslashes_before(line, l.after - 1) >= k)?;
                // `"value": …`: a quoted field name.
                if is_value_field(&line[lit.s..lit.e], prefix) && operator_follows(line, lit.after)
                {
                    return Some(Sibling::Key(lit.s, lit.e));
                }
                i = lit.after;
            }
            // A nested value (`params: { limit: 12 }`) is another field's.
            b'{' | b'[' | b'(' => i = closing_bracket(line, i, end)? + 1,
            // Sibling elements (`</ParameterKey><ParameterValue>…`, other siblings between):
            // a value element's text is the value.
            b'<' if i == from && from > 0 && line[from - 1] == b'>' => {
                while i < end {
                    let (local, name_end) = start_tag(&line[..end], i)?;
                    let text = name_end + 1;
                    if VALUE_FIELDS
                        .iter()
                        .any(|v| line[local..name_end].eq_ignore_ascii_case(v))
                    {
                        return Some(Sibling::Content(text));
                    }
                    // Past this sibling's end tag (`</Type>`, `</ns0:Type>`).
                    let tag = &line[i + 1..name_end];
                    let close = memchr::memmem::find(&line[text..end], b"</")? + text;
                    let after = close + 2 + tag.len();
                    if !line[close + 2..].starts_with(tag) || line.get(after) != Some(&b'>') {
                        return None;
                    }
                    i = after + 1;
                }
                return None;
            }
            b'}' | b']' | b')' | b'<' => return None,
            _ if b.is_ascii_alphabetic()
                && (i == 0 || !(line[i - 1].is_ascii_alphanumeric() || line[i - 1] == b'_')) =>
            {
                let mut e = i;
                while e < end && (line[e].is_ascii_alphanumeric() || line[e] == b'_') {
                    e += 1;
                }
                let w = &line[i..e];
                // A flattened field is the same member's (`….1.ParameterValue` and
                // `….1.Value.StringValue` beside `….1.ParameterKey` / `….1.Name`), never
                // another's; `Value` in `….1.Value.DataType=` is a path's segment.
                if VALUE_FIELDS.iter().any(|v| w.eq_ignore_ascii_case(v))
                    && paths_match(dotted_prefix(line, i), prefix)
                    && (line.get(e) != Some(&b'.') || operator_follows(line, e))
                {
                    return Some(Sibling::Key(i, e));
                }
                if NAME_FIELDS.iter().any(|v| w.eq_ignore_ascii_case(v)) {
                    return None;
                }
                i = e;
            }
            _ => i += 1,
        }
    }
    None
}

/// The start tag `<name>` (or `<ns0:name>`) at `i`: where its local name starts and where the
/// name ends, at the `>`.
fn start_tag(line: &[u8], i: usize) -> Option<(usize, usize)> {
    let v = line.get(i + 1..).filter(|_| line[i] == b'<')?;
    let n = v
        .iter()
        .take(64)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'))
        .count();
    if n == 0 || v.get(n) != Some(&b'>') {
        return None;
    }
    let local = v[..n].iter().rposition(|&b| b == b':').map_or(0, |c| c + 1);
    Some((i + 1 + local, i + 1 + n))
}

/// The value field before `to` within the same object or tag (`<x value="…" name="pw"/>`).
fn value_field_before(line: &[u8], to: usize) -> Option<Sibling> {
    let start = to.saturating_sub(512);
    let mut i = to;
    // Past the name field's own opening quote (`"path"`, `\"path\"`), whose escape depth the
    // record's other strings share.
    // An unquoted name field (`name="pw"`, `name=\"pw\"`) has its value's depth.
    let mut depth = None;
    if i > start && matches!(line[i - 1], b'"' | b'\'') {
        let k = backslashes_before(line, i - 1);
        depth = Some(k);
        i -= 1 + k;
    } else {
        let mut j = to + line[to..].iter().take_while(|&&b| is_ident(b)).count();
        j = skip_blanks(line, j);
        if matches!(line.get(j), Some(b'=' | b':')) {
            j = skip_blanks(line, j + 1);
        }
        let k = backslashes_after(line, j);
        if matches!(line.get(j + k), Some(b'"' | b'\'')) {
            depth = Some(k);
        }
    }
    while i > start {
        let b = line[i - 1];
        match b {
            // A quoted string is skipped whole: brackets inside a value do not end the tag.
            b'"' | b'\'' => match string_open_before(line, start, i - 1, depth) {
                Some(q) => {
                    // `"value": …, "path": "password"`: a quoted field name.
                    let w = &line[q + 1..i - 1];
                    let w = &w[..w.len() - backslashes_before(w, w.len())];
                    if VALUE_FIELDS.iter().any(|v| w.eq_ignore_ascii_case(v))
                        && operator_follows(line, i)
                    {
                        return Some(Sibling::Key(q + 1, q + 1 + w.len()));
                    }
                    i = q - backslashes_before(line, q);
                }
                None => return None,
            },
            b'{' | b'[' | b'(' | b'<' | b'>' | b'}' => return None,
            _ if b.is_ascii_alphanumeric() || b == b'_' => {
                let e = i;
                while i > start && (line[i - 1].is_ascii_alphanumeric() || line[i - 1] == b'_') {
                    i -= 1;
                }
                let w = &line[i..e];
                // A field name is followed (after a quote, escaped or not, and spaces) by `=`
                // or `:`.
                let mut k = e;
                while line.get(k) == Some(&b'\\') {
                    k += 1;
                }
                if matches!(line.get(k), Some(b'"' | b'\'')) {
                    k += 1;
                }
                while line.get(k) == Some(&b' ') {
                    k += 1;
                }
                if matches!(line.get(k), Some(b'=' | b':'))
                    && VALUE_FIELDS.iter().any(|v| w.eq_ignore_ascii_case(v))
                {
                    return Some(Sibling::Key(i, e));
                }
            }
            _ => i -= 1,
        }
    }
    None
}

/// Whether a quote with `r` backslashes before it delimits a string at escape depth `k` (opened
/// by `k` backslashes and a quote): `k` of them escape the quote for the enclosing strings, and
/// the rest are whole escaped backslashes of the content, `2(k+1)` bytes each at that depth.
fn delimits_at_depth(r: usize, k: usize) -> bool {
    r >= k && (r - k) % (2 * (k + 1)) == 0
}

/// The quote opening the string closed at `close`, at or after `start`. The string's escape
/// depth is `depth` where the caller knows it (a record's fields share their name field's), or
/// else what the closing quote's backslashes read as. `None` if the closing quote does not
/// delimit a string at that depth, or no opening quote is found.
fn string_open_before(
    line: &[u8],
    start: usize,
    close: usize,
    depth: Option<usize>,
) -> Option<usize> {
    let (q, run) = (line[close], backslashes_before(line, close));
    let k = depth.unwrap_or(run);
    if !delimits_at_depth(run, k) {
        return None;
    }
    let mut to = close - run;
    loop {
        let o = start + memchr::memrchr(q, &line[start..to])?;
        let r = backslashes_before(line, o);
        if r < k {
            // The enclosing string's quote: no string of this depth opens in between.
            return None;
        }
        if delimits_at_depth(r, k) {
            return Some(o);
        }
        to = o - r;
    }
}

/// Whether `:` or `=` follows `at`, after spaces.
fn operator_follows(line: &[u8], mut at: usize) -> bool {
    while line.get(at) == Some(&b' ') {
        at += 1;
    }
    matches!(line.get(at), Some(b':' | b'='))
}

/// The bracket closing the one at `open`, before `end`, past quoted strings; `None` if none.
fn closing_bracket(line: &[u8], open: usize, end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < end {
        match line[i] {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'"' | b'\'' => {
                let k = backslashes_before(line, i);
                let lit = string_literal(line, i - k).filter(|l| l.after <= end)?;
                i = lit.after - 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `name=` (or with `colon`, `name:`) at `p`: the next item of a parameter list.
fn next_is_param(line: &[u8], p: usize, colon: bool) -> bool {
    let mut q = p;
    while q < line.len() && q - p < 64 && is_ident(line[q]) {
        q += 1;
    }
    if q == p {
        // `&amp;`, or a placeholder where a parameter was (`a&[REDACTED:jwt]`).
        return line[p..].starts_with(b"amp;") || placeholder_at(line, p);
    }
    match line.get(q) {
        None => !colon,
        Some(b'=') => true,
        Some(b':') => colon,
        Some(b'&' | b'#') | Some(b' ') => !colon,
        _ => false,
    }
}

/// A connection string's key of several words at `p` (`Persist Security Info=`, `User Id=`,
/// `Initial Catalog =`): capitalised words, single spaces, then `=`.
fn spaced_key_follows(line: &[u8], p: usize) -> bool {
    let rest = &line[p..line.len().min(p + 48)];
    let Some(eq) = memchr::memchr(b'=', rest) else {
        return false;
    };
    let key = rest[..eq].trim_ascii_end();
    key.contains(&b' ')
        && key.split(|&b| b == b' ').all(|w| {
            w.first().is_some_and(u8::is_ascii_uppercase) && w.iter().all(u8::is_ascii_alphanumeric)
        })
}

/// `name=` at `p` (or `&amp;`, or a placeholder where a parameter was).
fn next_is_assignment(line: &[u8], p: usize) -> bool {
    let q = p + line[p..]
        .iter()
        .take(64)
        .take_while(|&&b| is_ident(b))
        .count();
    if q == p {
        return line[p..].starts_with(b"amp;") || placeholder_at(line, p);
    }
    line.get(q) == Some(&b'=')
}

/// Whether the value at `v` is a query-string parameter's: `v` follows `name=` right after a
/// `?` or `&` (`/login?user=bob&password=…`).
fn after_query_key(line: &[u8], v: usize) -> bool {
    let Some(eq) = v.checked_sub(1).filter(|&eq| line[eq] == b'=') else {
        return false;
    };
    let mut k = eq;
    while k > 0 && eq - k < 64 && is_ident(line[k - 1]) {
        k -= 1;
    }
    k < eq && k > 0 && matches!(line[k - 1], b'?' | b'&')
}

/// Whether `v` lies inside an HTML/XML tag (`<a href=…?token=x>`).
fn in_tag(line: &[u8], v: usize) -> bool {
    let lt = memchr::memrchr(b'<', &line[..v]);
    let gt = memchr::memrchr(b'>', &line[..v]);
    match (lt, gt) {
        (Some(l), Some(g)) => l > g,
        (Some(_), None) => true,
        _ => false,
    }
}

/// End of the container whose bracket frame sits at `base - 1` (or opens at `i`), for the
/// fail-closed redaction past the bounds.
fn container_end(line: &[u8], probe: &Lexer, i: usize, base: usize) -> usize {
    let mut lx = probe.clone();
    lx.feed(line, i);
    let depth = base.min(lx.frames.len()).max(1);
    while lx.pos() < line.len() {
        lx.step(line);
        if lx.frames.len() < depth {
            return lx.pos() - 1;
        }
    }
    line.len()
}

/// An authorization value is `<scheme> <credentials>` (RFC 7235): any first word followed by a
/// space and more (`Api-Token abc…`, `Klaviyo-API-Key abc…`) is a scheme.
fn any_scheme_len(v: &[u8]) -> Option<(usize, bool)> {
    let n = v
        .iter()
        .take(32)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        .count();
    if n == 0 || !v[0].is_ascii_alphabetic() || v.get(n) != Some(&b' ') {
        return None;
    }
    let mut m = n;
    while v.get(m) == Some(&b' ') {
        m += 1;
    }
    (m < v.len() && v[m].is_ascii_graphic()).then_some((m, v[m..].contains(&b'=')))
}

/// Length of a scheme word and the spaces after it at the start of `v`, and whether its
/// credential is a parameter list.
fn scheme_len(v: &[u8]) -> Option<(usize, bool)> {
    for s in SCHEMES {
        if v.len() > s.len() + 1 && starts_with_ignore_case(v, s) && v[s.len()] == b' ' {
            let mut n = s.len();
            while n < v.len() && v[n] == b' ' {
                n += 1;
            }
            if n >= v.len() {
                return None;
            }
            return Some((n, LIST_SCHEMES.contains(s)));
        }
    }
    None
}

/// `-S`, `--stdin`: a command's option (a letter, or a word of letters and dashes).
fn is_option_word(w: &[u8]) -> bool {
    match w {
        [b'-', c] => c.is_ascii_alphabetic(),
        [b'-', b'-', rest @ ..] => {
            rest.first().is_some_and(u8::is_ascii_lowercase)
                && rest.iter().all(|b| b.is_ascii_lowercase() || *b == b'-')
        }
        _ => false,
    }
}

/// `--password via the CLI is insecure` (docker's warning): the word after a flag is a
/// function word followed by more prose, not the flag's value.
fn starts_with_prose_word(rest: &[u8]) -> bool {
    let n = rest.iter().take_while(|b| b.is_ascii_lowercase()).count();
    n > 0
        && rest.get(n) == Some(&b' ')
        && rest.get(n + 1).is_some_and(u8::is_ascii_alphabetic)
        && (STOPWORDS.iter().any(|w| *w == &rest[..n]) || &rest[..n] == b"via")
}

/// Words a SQL table name follows (`CREATE TABLE x (…)`, `ON x (…)`, `INSERT INTO x (…)`).
const SQL_TABLE_WORDS: &[&[u8]] = &[
    b"table",
    b"exists",
    b"on",
    b"into",
    b"references",
    b"index",
    b"update",
    b"join",
    b"from",
];

fn preceded_by_word(line: &[u8], ks: usize, words: &[&[u8]]) -> bool {
    let mut p = ks;
    while p > 0 && line[p - 1] == b' ' {
        p -= 1;
    }
    let ws = line[..p]
        .iter()
        .rposition(|b| !b.is_ascii_alphabetic())
        .map_or(0, |q| q + 1);
    let w = &line[ws..p];
    // The key may be two words (`client secret`): look one word further back.
    if words.iter().any(|x| w.eq_ignore_ascii_case(x)) {
        return true;
    }
    let mut p2 = ws;
    while p2 > 0 && line[p2 - 1] == b' ' {
        p2 -= 1;
    }
    let ws2 = line[..p2]
        .iter()
        .rposition(|b| !b.is_ascii_alphabetic())
        .map_or(0, |q| q + 1);
    words.iter().any(|x| line[ws2..p2].eq_ignore_ascii_case(x))
}

/// The identifier around a keyword hit: `[A-Za-z0-9_.-]` both ways, not counting the letter
/// of an escape sequence before it (`\tsecret`, `\u00e9token`).
fn ident_bounds(line: &[u8], s: usize, e: usize) -> (usize, usize) {
    let mut ks = s;
    while ks > 0 && is_ident(line[ks - 1]) && s - ks < names::MAX_KEY {
        ks -= 1;
    }
    // An escape sequence right before: its letters are not the key's.
    let run = backslashes_before(line, ks);
    if run % 2 == 1 && ks < s {
        let skip = match line[ks] {
            b'n' | b't' | b'r' | b'b' | b'f' | b'v' | b'a' | b'0' => 1,
            b'u' => 5,
            b'x' => 3,
            _ => 0,
        };
        if ks + skip <= s {
            ks += skip;
        }
    }
    // A percent-escape right before (`%22password`, `%3Fapi_key`): its hex digits are not the key's.
    if ks > 0
        && line[ks - 1] == b'%'
        && ks + 2 <= s
        && line[ks..ks + 2].iter().all(u8::is_ascii_hexdigit)
    {
        ks += 2;
    }
    let mut ke = e;
    while ke < line.len() && is_ident(line[ke]) && ke - e < names::MAX_KEY {
        ke += 1;
    }
    (ks, ke)
}

pub(crate) fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn starts_with_ignore_case(s: &[u8], p: &[u8]) -> bool {
    s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p)
}

fn ends_with_ignore_case(s: &[u8], p: &[u8]) -> bool {
    s.len() >= p.len() && s[s.len() - p.len()..].eq_ignore_ascii_case(p)
}

/// Judge a value under a sensitive key, by what the key holds ([`Values`]): a password (any
/// real value counts), a one-time code (a code's shape counts, however short), or a machine
/// credential (8+ bytes, not plain words, not a URL/path/date…). `strict`: the syntax is as
/// often prose as data, so plain words never count.
pub fn judge(value: &[u8], values: Values, strict: bool, next: Option<u8>) -> Result<(), Keep> {
    let password = values == Values::Password;
    let v = value.trim_ascii();
    if v.is_empty() {
        return Err(Keep::Empty);
    }
    // A value holding a placeholder was scrubbed already (here or upstream), or masked by
    // another tool (`ops_eyJ…..[Redacted]`, `abcd…wxyz`): what is left is not judged again.
    if is_masked(v) {
        return Err(Keep::Placeholder);
    }
    // A value running to the end of an object literal's line keeps its comma (`auth: undefined,`).
    let word = v.strip_suffix(b",").unwrap_or(v);
    if is_placeholder(v) || is_placeholder(word) {
        return Err(Keep::Placeholder);
    }
    if NON_VALUES.iter().any(|n| word.eq_ignore_ascii_case(n)) {
        return Err(Keep::NonValue);
    }
    if is_header_name(v) {
        // `cookies=Set-Cookie: csrftoken=…`: a header's name, its value after it.
        return Err(Keep::Assignment);
    }
    if !password && is_header_name_value(word) {
        // `'WTF_CSRF_HEADERS': ['X-CSRFToken', 'X-CSRF-Token']`: which header carries one.
        return Err(Keep::NonValue);
    }
    if matches!(next, Some(b'('))
        || (v.ends_with(b"()") && call_name_len(v) == Some(v.len() - 2))
        || is_code(v)
        || (matches!(next, Some(b'"' | b'\'')) && is_subscript(v))
    {
        return Err(Keep::Code);
    }
    if values == Values::Code && is_code_shaped(v) {
        return Ok(());
    }
    if v.iter().all(u8::is_ascii_digit) && v.len() < 6 {
        return Err(Keep::SmallNumber);
    }
    if v.len() > 1
        && (v.iter().all(|&b| b == v[0]) && !v[0].is_ascii_alphanumeric()
            || v.iter().all(|&b| b == b'x' || b == b'X'))
    {
        return Err(Keep::Mask);
    }
    if is_url_without_userinfo(v) {
        return Err(Keep::Url);
    }
    if is_env_reference(v) {
        return Err(Keep::Placeholder);
    }
    if substr::find(v, b"-----").is_some() {
        // PEM armour: the private-key rule owns the body.
        return Err(Keep::Placeholder);
    }
    if starts_with_ignore_case(v, b"arn:") {
        return Err(Keep::Arn);
    }
    if is_identifier_chain(v) {
        return Err(Keep::Code);
    }
    if is_message(v) {
        return Err(Keep::Message);
    }
    if is_pattern(v) {
        return Err(Keep::Code);
    }
    if password && !strict {
        return Ok(());
    }
    if is_wordy(v) {
        return Err(Keep::PlainWords);
    }
    if password {
        return Ok(());
    }
    if is_class_name(v) {
        // `verifier: CognitoJwtVerifier`, `auth: OAuthPasswordBearer`: words, in PascalCase.
        return Err(Keep::PlainWords);
    }
    if v.len() < 8 {
        return Err(Keep::TooShort);
    }
    if starts_with_ignore_case(v, b"arn:") {
        return Err(Keep::Arn);
    }
    if is_path(v) {
        return Err(Keep::Path);
    }
    if is_ip_address(v) {
        return Err(Keep::Address);
    }
    if is_email(v) {
        return Err(Keep::Email);
    }
    if is_date(v) {
        return Err(Keep::Date);
    }
    if is_dotted_name(v) {
        return Err(Keep::DottedName);
    }
    if is_slug(v) {
        return Err(Keep::PlainWords);
    }
    Ok(())
}

/// A sentence a program wrote where a field's value would be: validation messages under the
/// field's name (`Shorter than minimum length 12.`, `Unknown field.`, `Ensure this value has at
/// least 12 characters (it has 8).`, `Too small: expected string to have >=12 characters`).
/// Capitalised, words of letters (numbers apart), mostly lower-case, and a sentence's end: a
/// full stop, a colon after its first word, or five words or more. A capitalised pass phrase
/// of a few words (`Correct horse battery staple`) is not one.
fn is_message(v: &[u8]) -> bool {
    if !v[0].is_ascii_uppercase() || !v.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        return false;
    }
    let (mut words, mut lower, mut colon_first) = (0, 0, false);
    for w in v.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        let core = w.trim_ascii_start();
        let core = match core.iter().position(u8::is_ascii_alphanumeric) {
            Some(a) => &core[a..],
            None => continue,
        };
        let end = core
            .iter()
            .rposition(u8::is_ascii_alphanumeric)
            .map_or(0, |e| e + 1);
        let core = &core[..end];
        let letters = core.iter().any(u8::is_ascii_alphabetic);
        let digits = core.iter().any(u8::is_ascii_digit);
        if (letters && digits)
            || core.len() > 24
            || !core
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'\'' || *b == b'-')
        {
            return false;
        }
        words += 1;
        if core.len() >= 2 && core.iter().all(|b| b.is_ascii_lowercase()) {
            lower += 1;
        }
        if words == 1 && w.ends_with(b":") {
            colon_first = true;
        }
    }
    let ended = v.ends_with(b".") || colon_first || words >= 5;
    words >= 2 && ended && 2 * lower >= words
}

/// A regular expression anchored at both ends with a class or quantifier in it
/// (`^rt_[A-Za-z0-9_-]{40,}$`, `/^\d{6}$/`), or nothing but a character class's ranges
/// (`A-Za-z0-9_-`): validation messages print the pattern a value failed to match.
fn is_pattern(v: &[u8]) -> bool {
    let body = v
        .strip_prefix(b"/")
        .and_then(|b| b.strip_suffix(b"/"))
        .unwrap_or(v);
    if body.len() > 3 && body.starts_with(b"^") && body.ends_with(b"$") {
        let class =
            memchr::memchr(b'[', body).is_some_and(|o| memchr::memchr(b']', &body[o..]).is_some());
        let escape = [&b"\\d"[..], b"\\w", b"\\s"]
            .iter()
            .any(|e| substr::find(body, e).is_some());
        let quantifier = memchr::memchr(b'{', body)
            .is_some_and(|o| body.get(o + 1).is_some_and(u8::is_ascii_digit));
        return class || escape || quantifier;
    }
    // `A-Za-z0-9_-`: ranges and the odd punctuation, nothing else.
    let mut ranges = 0;
    let mut i = 0;
    while i < v.len() {
        if i + 2 < v.len()
            && v[i + 1] == b'-'
            && [&b"AZ"[..], b"az", b"09", b"AF", b"af"].contains(&&[v[i], v[i + 2]][..])
        {
            ranges += 1;
            i += 3;
        } else if v[i].is_ascii_alphanumeric() {
            return false;
        } else {
            i += 1;
        }
    }
    ranges >= 2
}

/// A one-time code as apps send and log them: 4 to 12 digits (`839201`, a 4-digit SMS code),
/// or 4 to 32 letters and digits with at least one digit, in groups joined by `-` or a single
/// space (`A7X9QZ`, `a1b2c-3d4e5`, `1234 5678`). Plain words (`sms`, `totp`) are not.
fn is_code_shaped(v: &[u8]) -> bool {
    if v.iter().all(u8::is_ascii_digit) {
        return (4..=12).contains(&v.len());
    }
    (4..=32).contains(&v.len())
        && !is_date(v)
        && v.iter().any(u8::is_ascii_digit)
        && v.first().is_some_and(u8::is_ascii_alphanumeric)
        && v.last().is_some_and(u8::is_ascii_alphanumeric)
        && v.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b' ')
        && !v
            .windows(2)
            .any(|w| !w[0].is_ascii_alphanumeric() && !w[1].is_ascii_alphanumeric())
}

/// Values that sit under secret-sounding keys but are not secrets.
const NON_VALUES: &[&[u8]] = &[
    b"true",
    b"false",
    b"null",
    b"none",
    b"nil",
    b"undefined",
    b"yes",
    b"no",
    b"on",
    b"off",
    b"n/a",
    b"na",
    b"empty",
    b"unset",
    b"not set",
    b"notset",
    b"required",
    b"optional",
    b"string",
    b"str",
    b"bytes",
    b"redacted",
    b"masked",
    b"hidden",
    b"omitted",
    b"filtered",
    b"removed",
    b"sensitive",
    b"changeme!",
    b"<nil>",
    b"nan",
    b"[filtered]",
    b"[redacted]",
    b"[hidden]",
    b"[masked]",
    b"[removed]",
    b"(hidden)",
    b"(redacted)",
    b"(filtered)",
    b"[secure]",
    b"[sensitive]",
    b"*",
    b"?",
    b"...",
    b"\xe2\x80\xa6",
    b"-",
    b"--",
    b"object",
    b"[object object]",
    b"function",
    b"<function>",
    b"default",
    b"set",
    b"present",
    b"provided",
    b"missing",
    b"invalid",
    b"expired",
    b"valid",
    b"ok",
    b"error",
    b"none provided",
    b"not provided",
];

/// scrubd's own placeholders and other tools', templates, masks and bind parameters.
pub fn is_placeholder(v: &[u8]) -> bool {
    // A bind parameter with a cast: `$1::VARCHAR`, `:name::text`.
    let v = match substr::find(v, b"::") {
        Some(i)
            if i > 0
                && v[i + 2..].iter().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b' ' | b'(' | b')')
                }) =>
        {
            &v[..i]
        }
        _ => v,
    };
    if v.is_empty() {
        return false;
    }
    if is_env_reference(v) || is_x_mask(v) {
        return true;
    }
    if v.starts_with(b"&lt;") && v.ends_with(b"&gt;") {
        return true;
    }
    if v.starts_with(redact::OPEN)
        || v.starts_with(b"***")
        || v.starts_with(b"\xe2\x80\xa2\xe2\x80\xa2")
    {
        return true;
    }
    if v.starts_with(b"${")
        || v.starts_with(b"{{")
        || v.starts_with(b"%(")
        || v.starts_with(b"$(")
        || v.starts_with(b"#{")
    {
        return true;
    }
    if (v.starts_with(b"<") && v.ends_with(b">")) || is_bracketed_words(v) {
        return true;
    }
    if v.starts_with(b"{") && v.ends_with(b"}") && !v.contains(&b'"') {
        return true;
    }
    // printf-style and SQL/DynamoDB bind parameters: `%s`, `%d`, `?`, `$1`, `:name`, `@name`.
    if matches!(v, b"%s" | b"%d" | b"%r" | b"%v" | b"%q" | b"{}" | b"?") {
        return true;
    }
    if v.len() <= 64 && v[0] == b'$' && is_variable_name(&v[1..]) {
        return true;
    }
    if v.len() <= 64
        && matches!(v[0], b'$' | b':' | b'@')
        && v.len() > 1
        && v[1..]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        && !(v[0] == b'$' && v.len() > 24)
    {
        return true;
    }
    false
}

/// `--- PASS: TestLogin (0.00s)` (go test), `PASS: t/login.sh` (automake's test driver),
/// ` PASS  src/login.test.js` (jest): a test runner's verdict as the first word of its line, not
/// a password's name. Only the bare upper-case word, then `: ` or spaces and a test's name or
/// path; `PASS=…`, `PASS = '…'`, `"PASS": …` and `DB_PASS: …` stay names.
fn is_test_verdict(line: &[u8], ks: usize, ke: usize) -> bool {
    if &line[ks..ke] != b"PASS" {
        return false;
    }
    let rest = line[ke..].strip_prefix(b":").unwrap_or(&line[ke..]);
    let name = rest.trim_ascii_start();
    name.len() < rest.len()
        && name
            .first()
            .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_'))
        && line[..ks]
            .iter()
            .all(|&b| !b.is_ascii_alphanumeric() && !matches!(b, b'"' | b'\'' | b'=' | b':'))
}

/// Words in brackets, parentheses or bold stars: `[hidden]`, `(not set)`, `**redacted**`; what
/// loggers, ORMs and config dumps print instead of a value (a secret has no spaces-and-letters
/// shape this short).
fn is_bracketed_words(v: &[u8]) -> bool {
    let inner = match v {
        [b'[', inner @ .., b']'] | [b'(', inner @ .., b')'] => inner,
        [b'*', b'*', inner @ .., b'*', b'*'] => inner,
        _ => return false,
    };
    v.len() <= 24
        && inner.iter().any(|b| b.is_ascii_alphabetic())
        && inner
            .iter()
            .all(|b| b.is_ascii_alphabetic() || matches!(b, b' ' | b'_' | b'-'))
}

/// A shell/env variable name as written in references: `UPPER_SNAKE` or `lower_snake`, or
/// `{NAME}`; mixed case (`$ecretPass1`) reads as a value, not a reference.
fn is_variable_name(n: &[u8]) -> bool {
    let n = n
        .strip_prefix(b"{")
        .and_then(|x| x.strip_suffix(b"}"))
        .unwrap_or(n);
    !n.is_empty()
        && (n[0].is_ascii_alphabetic() || n[0] == b'_')
        && n.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && (n.iter().all(|b| !b.is_ascii_lowercase()) || n.iter().all(|b| !b.is_ascii_uppercase()))
}

/// `ghp_xxxxxxxxxxxxxxxx`, `AKIAXXXXXXXXXXXXXXXX`, `glpat-XXXX-XXXX`: a documentation mask.
fn is_x_mask(v: &[u8]) -> bool {
    if v.len() < 8 {
        return false;
    }
    // One pass: every value a key-value rule judges comes here (a JWT is hundreds of bytes).
    let (mut xs, mut run, mut longest) = (0, 0, 0);
    for &b in v {
        if b | 0x20 == b'x' {
            xs += 1;
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest >= 8 || xs * 2 >= v.len()
}

/// `DB_PASSWORD`, `API_TOKEN_NAME`: the name of a variable holding the secret, not the secret.
fn is_env_reference(v: &[u8]) -> bool {
    v.len() >= 4
        && v[0].is_ascii_uppercase()
        && v.contains(&b'_')
        && v.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && !v.ends_with(b"_")
}

/// Lower-case words and phrases (`expired`, `invalid_token`, `not provided`); a capital
/// first letter allowed (`Bearer`, `Incorrect`).
pub fn is_wordy(v: &[u8]) -> bool {
    // `AWSCURRENT`, `ACTIVE`, `VARCHAR`: constants and keywords.
    if v.len() > 1
        && v[0].is_ascii_uppercase()
        && v.iter()
            .all(|&b| b.is_ascii_uppercase() || b == b'_' || b == b'-')
    {
        return true;
    }
    v.iter()
        .all(|&b| b.is_ascii_alphabetic() || matches!(b, b' ' | b'_' | b'-'))
        && v.iter().skip(1).all(|&b| !b.is_ascii_uppercase())
}

/// A class name: an identifier of letters and digits, capitalised, ending in a capitalised word
/// that names a kind of object (`CognitoJwtVerifier`, `RedisSessionStore`, `OAuth2PasswordBearer`,
/// `RS256Signer`). A generated token does not end in one of these words.
fn is_class_name(v: &[u8]) -> bool {
    const KINDS: &[&[u8]] = &[
        b"Provider",
        b"Store",
        b"Client",
        b"Verifier",
        b"Manager",
        b"Handler",
        b"Backend",
        b"Authentication",
        b"Auth",
        b"Bearer",
        b"Factory",
        b"Service",
        b"Middleware",
        b"Strategy",
        b"Serializer",
        b"Validator",
        b"Generator",
        b"Hasher",
        b"Signer",
        b"Encoder",
        b"Decoder",
        b"Helper",
        b"Adapter",
        b"Builder",
        b"Resolver",
        b"Loader",
        b"Policy",
        b"Exception",
        b"Error",
        b"Interceptor",
        b"Filter",
        b"Guard",
        b"Plugin",
        b"Module",
    ];
    v.len() <= 64
        && v.first().is_some_and(u8::is_ascii_uppercase)
        && v.iter().all(u8::is_ascii_alphanumeric)
        && KINDS
            .iter()
            .any(|k| v.len() > k.len() + 1 && v.ends_with(k))
}

fn is_url_without_userinfo(v: &[u8]) -> bool {
    let Some(i) = substr::find(v, b"://") else {
        return false;
    };
    if i == 0
        || i > 24
        || !v[..i]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        || !name_like(&v[..i])
        || !(v[..i].iter().all(|b| !b.is_ascii_lowercase())
            || v[..i].iter().all(|b| !b.is_ascii_uppercase()))
    {
        // Schemes are words in one case (`https`, `mongodb+srv`, `S3`).
        return false;
    }
    let authority_end = v[i + 3..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(v.len(), |p| i + 3 + p);
    memchr::memchr(b'@', &v[i + 3..authority_end]).is_none() && memchr::memchr(b'?', v).is_none()
}

fn is_path(v: &[u8]) -> bool {
    if is_relative_word_path(v) {
        return true;
    }
    let starts = v.starts_with(b"/")
        || v.starts_with(b"./")
        || v.starts_with(b"~/")
        || v.starts_with(b"../")
        || (v.len() > 3 && v[0].is_ascii_alphabetic() && &v[1..3] == b":\\");
    if !starts || v.contains(&b' ') || v.iter().filter(|&&b| b == b'/' || b == b'\\').count() < 2 {
        return false;
    }
    // Base64 starting with `/` is not a path.
    if v.iter()
        .any(|&b| matches!(b, b'+' | b'=' | b'!' | b'@' | b'$' | b'%' | b'^' | b'*'))
    {
        return false;
    }
    // Random segments: one long one, or two that each mix upper and lower case with digits
    // (`/Qe/j4SQ5yEvR9sFv/2S5gGpA99Ffrfj`; `/Users/Bob/Library` has no digits).
    let mixed = |seg: &&[u8]| {
        seg.iter().any(u8::is_ascii_uppercase)
            && seg.iter().any(u8::is_ascii_lowercase)
            && seg.iter().any(u8::is_ascii_digit)
    };
    let mut segs = v.split(|&b| b == b'/' || b == b'\\');
    !(segs
        .clone()
        .any(|seg| seg.len() >= 16 && looks_generated(seg))
        || segs.by_ref().filter(mixed).count() >= 2)
}

/// `some/dir/a/file.pem`, `certs/prod/client-key.pem`: a relative path of plain lowercase
/// names (a generated token with slashes mixes case and digits).
fn is_relative_word_path(v: &[u8]) -> bool {
    v.iter().filter(|&&b| b == b'/').count() >= 2
        && v.split(|&b| b == b'/').all(|seg| {
            !seg.is_empty()
                && seg.len() <= 32
                && seg.iter().any(u8::is_ascii_lowercase)
                && seg.iter().all(|&b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
                })
                && seg.iter().filter(|b| b.is_ascii_digit()).count() <= 4
                && !looks_generated(seg)
        })
}

/// An HTTP header's name with its colon (`Set-Cookie:`, `x-api-key:`): words joined by `-`.
fn is_header_name(v: &[u8]) -> bool {
    v.strip_suffix(b":").is_some_and(|name| {
        name.contains(&b'-')
            && name.first().is_some_and(u8::is_ascii_alphabetic)
            && name.last().is_some_and(u8::is_ascii_alphabetic)
            && name.iter().all(|&b| b.is_ascii_alphabetic() || b == b'-')
    })
}

/// `<name rest…`: an object's repr (a dotted type or kind name, a space after it).
fn is_object_repr(v: &[u8]) -> bool {
    let Some(body) = v.strip_prefix(b"<") else {
        return false;
    };
    let n = body
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
        .count();
    n > 0 && body[0].is_ascii_alphabetic() && body.get(n) == Some(&b' ')
}

/// An HTTP header's name as a value (`X-CSRFToken`, `X-Api-Key`, `Proxy-Authorization`):
/// letters in hyphen-joined words, each capitalised.
fn is_header_name_value(v: &[u8]) -> bool {
    v.contains(&b'-')
        && v.len() <= 64
        && v.split(|&b| b == b'-').all(|w| {
            w.first().is_some_and(u8::is_ascii_uppercase) && w.iter().all(u8::is_ascii_alphabetic)
        })
}

/// An IPv4 address, a port allowed (`127.0.0.1`, `10.0.3.7:5432`).
fn is_ip_address(v: &[u8]) -> bool {
    let host = match memchr::memrchr(b':', v) {
        Some(c)
            if (2..=6).contains(&(v.len() - c)) && v[c + 1..].iter().all(u8::is_ascii_digit) =>
        {
            &v[..c]
        }
        _ => v,
    };
    let mut n = 0;
    host.split(|&b| b == b'.').all(|octet| {
        n += 1;
        (1..=3).contains(&octet.len()) && octet.iter().all(u8::is_ascii_digit)
    }) && n == 4
}

fn is_email(v: &[u8]) -> bool {
    let Some(at) = memchr::memchr(b'@', v) else {
        return false;
    };
    at > 0
        && v[..at]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'))
        && v[at + 1..].contains(&b'.')
        && v[at + 1..]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        && v[at + 1..]
            .split(|&b| b == b'.')
            .all(|label| !label.is_empty())
        && v.rsplit(|&b| b == b'.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic))
}

fn is_date(v: &[u8]) -> bool {
    // 2024-11-24, 2024-11-24T07:07:46Z, 24/Nov/2026:06:57:13 +0000, 07:07:46.123
    let digits = v.iter().filter(|b| b.is_ascii_digit()).count();
    let seps = v
        .iter()
        .filter(|&&b| matches!(b, b'-' | b':' | b'/' | b'.' | b'T' | b'Z' | b'+' | b' '))
        .count();
    v.len() >= 8
        && digits >= 6
        && digits + seps + 3 >= v.len()
        && (v.contains(&b':') || v.iter().filter(|&&b| b == b'-').count() == 2)
}

/// `django.contrib.auth.backends.ModelBackend`, `app.services.token`: module and class names.
fn is_dotted_name(v: &[u8]) -> bool {
    let dots = v.iter().filter(|&&b| b == b'.').count();
    dots >= 2
        && v.split(|&b| b == b'.')
            .all(|seg| !seg.is_empty() && seg.iter().all(|&b| b.is_ascii_alphabetic() || b == b'_'))
}

/// `apiKey: this.apiKey,`, `password = settings.PASSWORD`, `BlindKeySignatures =
/// Ed25519.BlindKeySignatures`: a member access whose last name is the key itself refers to
/// where the value lives (code, config templates), it is not the value.
fn names_itself(value: &[u8], key: &[u8]) -> bool {
    let v = value.trim_ascii();
    let v = v
        .strip_suffix(b",")
        .or_else(|| v.strip_suffix(b";"))
        .unwrap_or(v);
    let Some(dot) = memchr::memrchr(b'.', v) else {
        return false;
    };
    let chain_ok = dot > 0
        && dot + 1 < v.len()
        && !v[0].is_ascii_digit()
        && v.iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.'))
        && substr::find(v, b"..").is_none();
    let canon = |s: &[u8]| -> Vec<u8> {
        s.iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
            .collect()
    };
    let key = key.rsplit(|&b| b == b'.').next().unwrap_or(key);
    chain_ok && !key.is_empty() && canon(&v[dot + 1..]) == canon(key)
}

/// A host name (`6535-5u9b.apps.googleusercontent.com`): it ends in a top-level domain.
fn is_host(v: &[u8]) -> bool {
    v.iter().rposition(|&b| b == b'.').is_some_and(|dot| {
        let tld = &v[dot + 1..];
        dot > 0 && (2..=6).contains(&tld.len()) && tld.iter().all(u8::is_ascii_lowercase)
    })
}

/// A searcher for a fixed word, built once.
type Finder = std::sync::LazyLock<memchr::memmem::Finder<'static>>;

/// The quoted string a job returned, printed after `from`: Celery's `succeeded in 0.009s: '…'`
/// and `result='…'`. Its content's range.
fn job_result(line: &[u8], from: usize) -> Option<Literal> {
    static SUCCEEDED: Finder = Finder::new(|| memchr::memmem::Finder::new(b" succeeded in "));
    static RESULT: Finder = Finder::new(|| memchr::memmem::Finder::new(b" result="));
    let rest = &line[from..];
    let at = if let Some(p) = SUCCEEDED.find(rest) {
        let t = from + p + 14;
        let n = line[t..]
            .iter()
            .take_while(|b| b.is_ascii_digit() || **b == b'.')
            .count();
        if n == 0 || !line[t + n..].starts_with(b"s: ") {
            return None;
        }
        t + n + 3
    } else {
        from + RESULT.find(rest)? + 8
    };
    string_literal(line, at)
}

/// A string literal found in a line: its content's range and the index just past its closing
/// quote.
#[derive(Clone, Copy)]
pub(crate) struct Literal {
    pub(crate) s: usize,
    pub(crate) e: usize,
    pub(crate) after: usize,
}

/// The string literal whose opening quote (`'` or `"`, bare or escaped as a string inside a
/// string prints it: `\"`, `\\\"`, `\\\\\\\"`) is at `at`, up to its closing quote at the same
/// depth. A backslash escapes the byte after it; at depth k (k backslashes before the quote) a
/// quote with k + 2(k+1)m backslashes before it closes the literal (m escaped backslashes end
/// the content), any other count is a quote of the content's own. A quote with fewer
/// backslashes ends the enclosing string and so this literal too. `None` if `at` holds no
/// quote or the line ends first.
pub(crate) fn string_literal(line: &[u8], at: usize) -> Option<Literal> {
    let k = backslashes_after(line, at);
    let q = *line.get(at + k)?;
    if !matches!(q, b'"' | b'\'') {
        return None;
    }
    let s = at + k + 1;
    let mut j = s;
    while let Some(p) = memchr::memchr(q, &line[j..]) {
        let qi = j + p;
        let r = backslashes_before(line, qi);
        if r < k || delimits_at_depth(r, k) {
            let e = qi - r.min(k);
            return Some(Literal {
                s,
                e,
                after: qi + 1,
            });
        }
        j = qi + 1;
    }
    None
}

/// Where a job's printed positional arguments start after `from`: just inside the bracket of
/// `args=(…)` (Celery's events, Dramatiq's messages), `args: (…)`, `'args': (…)` or Celery's
/// `'argsrepr': "(…)"`.
fn job_args(line: &[u8], from: usize) -> Option<usize> {
    static ARGS: Finder = Finder::new(|| memchr::memmem::Finder::new(b"args"));
    let rest = &line[from..];
    ARGS.find_iter(rest)
        .map(|p| from + p)
        .filter(|&p| !line[p - 1].is_ascii_alphanumeric() && line[p - 1] != b'_')
        .find_map(|p| {
            let mut i = p + 4;
            if line[i.min(line.len())..].starts_with(b"repr") {
                i += 4;
            }
            // A quoted key (`'args':`, `\"argsrepr\":` in a string) closes as it opened.
            let k = backslashes_after(line, i);
            if matches!(line.get(i + k), Some(b'\'' | b'"')) {
                if line.get(p - 1) != line.get(i + k) {
                    return None;
                }
                i += k + 1;
            }
            if !matches!(line.get(i), Some(b'=' | b':')) {
                return None;
            }
            i += 1;
            while line.get(i) == Some(&b' ') {
                i += 1;
            }
            // Celery's `'argsrepr': "(48, '…')"`: the tuple's repr as a string.
            while line.get(i) == Some(&b'\\') {
                i += 1;
            }
            if matches!(line.get(i), Some(b'"' | b'\'')) {
                i += 1;
            }
            matches!(line.get(i), Some(b'(' | b'[')).then_some(i + 1)
        })
}

/// Positional arguments a call's printer shows (RQ's and Dramatiq's job descriptions).
const CALL_ARGS: usize = 8;

/// A call's arguments at `at` (just after its `(`) start with a string literal (its quote
/// bare or escaped) or a number.
fn literal_args(line: &[u8], at: usize) -> bool {
    let t = line[at.min(line.len())..].trim_ascii_start();
    let q = t.iter().position(|&b| b != b'\\').map(|i| t[i]);
    matches!(t.first(), Some(b'0'..=b'9')) || matches!(q, Some(b'"' | b'\''))
}

/// The identifier at `ks` names a class being built: after `new ` / `New-Object `, or spelled
/// in PascalCase (`HTTPBasicAuth(`, `UsernamePasswordCredentials(`).
fn is_constructor(line: &[u8], ks: usize) -> bool {
    let mut t = ks;
    while t > 0
        && (line[t - 1].is_ascii_alphanumeric() || line[t - 1] == b'.' || line[t - 1] == b'_')
    {
        t -= 1;
    }
    let before = line[..t].trim_ascii_end();
    let word_start = before
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
        .map_or(0, |p| p + 1);
    let word = &before[word_start..];
    let after_new = t > before.len()
        && (word.eq_ignore_ascii_case(b"new") || word.eq_ignore_ascii_case(b"new-object"));
    // The class name: the last segment of a dotted path (`System.Net.NetworkCredential`).
    let name = line[t..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'.')
        .count();
    let last = line[t..t + name]
        .rsplit(|&b| b == b'.')
        .next()
        .unwrap_or(&[]);
    let pascal =
        last.first().is_some_and(u8::is_ascii_uppercase) && last.iter().any(u8::is_ascii_lowercase);
    after_new || pascal
}

/// `new AWS.SharedIniFileCredentials(…)`, `os.environ.get("X")`, `await getToken()`: code.
fn is_code(v: &[u8]) -> bool {
    let v = v
        .strip_suffix(b",")
        .or_else(|| v.strip_suffix(b";"))
        .unwrap_or(v);
    if let Some(call) = v.strip_prefix(b"new ") {
        // A constructor call, whatever follows its `(` (the value may stop at a space inside).
        return call_name_len(call)
            .is_some_and(|n| n > 0 && (call[0].is_ascii_uppercase() || call[..n].contains(&b'.')));
    }
    let v = v.strip_prefix(b"await ").unwrap_or(v);
    call_name_len(v).is_some_and(|n| {
        n > 0
            && v[..n].iter().any(|b| b.is_ascii_lowercase())
            && v.ends_with(b")")
            && (n >= 3 || v[..n].contains(&b'.'))
            && code_arguments(&v[n + 1..v.len() - 1])
    })
}

/// Whether `args` (between a call's parentheses) read as code: brackets balanced and, outside
/// quoted strings, no byte that only a random string would put there (`Jh(Z7kbX\`[~.<qVj&y)`
/// is a generated password, `os.getenv("DB_PASSWORD", "")` is code).
fn code_arguments(args: &[u8]) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            q @ (b'"' | b'\'') => match memchr::memchr(q, &args[i + 1..]) {
                Some(e) => i += e + 1,
                None => return false,
            },
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            b'`' | b'~' | b'<' | b'>' | b'&' | b'|' | b'^' | b'!' | b'#' | b'?' | b';' | b'\\'
            | b'@' | b'%' | b'*' | b'+' => return false,
            _ => {}
        }
        i += 1;
    }
    depth == 0
}

/// `this.apiKey`, `env.PERKEEP_TEST_PASSWORD`, `request.json_body['hey']`, `$_POST["password"]`:
/// a reference to where the secret is, not the secret.
fn is_identifier_chain(v: &[u8]) -> bool {
    // A `$` escaped for the shell, at any depth (`\$_POST[`, `\\$_POST[` in a JSON string).
    let v = &v[backslashes_after(v, 0)..];
    let v = v
        .strip_suffix(b",")
        .or_else(|| v.strip_suffix(b";"))
        .unwrap_or(v);
    if let Some(rest) = v.strip_prefix(b"$") {
        let n = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        return n > 0
            && is_variable_name(&rest[..n])
            && n < rest.len()
            && matches!(rest[n], b'.' | b'[' | b'-' | b'/');
    }
    let head = v
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
        .count();
    let chain = &v[..head];
    if head == 0 || !chain.contains(&b'.') || !v[0].is_ascii_alphabetic() {
        return false;
    }
    // What follows the chain: nothing, a subscript or a call (the value may stop inside).
    if head < v.len() && !matches!(v[head], b'[' | b'(') {
        return false;
    }
    name_like(chain)
        && chain.split(|&b| b == b'.').all(|seg| {
            !seg.is_empty()
                && seg[0].is_ascii_alphabetic()
                && seg.iter().any(|b| b"aeiouAEIOU".contains(b))
                && seg.iter().filter(|b| b.is_ascii_digit()).count() <= 2
                && !(seg.len() > 12 && looks_generated(seg))
        })
}

/// The byte after an unquoted value ending at `at`: a quote escaped at any depth counts as
/// the quote (`rec[\"user\"]` inside a JSON string is `rec["user"]`).
fn next_byte(line: &[u8], at: usize) -> Option<u8> {
    let n = backslashes_after(line, at);
    match line.get(at + n) {
        Some(&q @ (b'"' | b'\'')) if n > 0 => Some(q),
        _ => line.get(at).copied(),
    }
}

/// `rec["password"]`, `partner['api_key']`, `S['password_hash']`, `CONFIG["db_pass"]`: a
/// variable's subscript by a quoted key (the value stops at the quote), not the secret. The
/// name has a lower-case letter, or is upper-case letters only (a constant, a one-letter name):
/// a random string's head is upper-case mixed with digits.
fn is_subscript(v: &[u8]) -> bool {
    let Some(name) = v.strip_suffix(b"[") else {
        return false;
    };
    (1..=32).contains(&name.len())
        && name[0].is_ascii_alphabetic()
        && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        && (name.iter().any(u8::is_ascii_lowercase)
            || name.iter().all(|&b| b.is_ascii_uppercase() || b == b'_'))
}

/// `name=…`: an unquoted value that is itself the next assignment.
fn is_assignment(v: &[u8]) -> bool {
    let n = v
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
        .count();
    if n == 0 || !v[0].is_ascii_alphabetic() || !name_like(&v[..n]) {
        return false;
    }
    // `name=…` (not base64 padding `abc==`), or `name:` ending the value (`session: session:`).
    match v.get(n) {
        Some(b'=') => v.get(n + 1).is_some_and(|&b| b != b'='),
        Some(b':') => n + 1 == v.len(),
        _ => false,
    }
}

/// `token_count`, `userId`, `X-Request-Id`, `sha256`: spelled like a name. `Aa0AAAaa` or
/// `Aa000000` (the head of a generated value with `=` inside) is not: in names a digit ends a
/// word, it is not followed by a letter, and letters outnumber digits.
fn name_like(w: &[u8]) -> bool {
    let digits = w.iter().filter(|b| b.is_ascii_digit()).count();
    let letters = w.iter().filter(|b| b.is_ascii_alphabetic()).count();
    letters > digits
        && !w
            .windows(2)
            .any(|p| p[0].is_ascii_digit() && p[1].is_ascii_alphabetic())
}

/// `VARCHAR(300)`, `TEXT`: a column type after a column name in DDL.
fn is_sql_type(w: &[u8]) -> bool {
    let n = w
        .iter()
        .take_while(|b| b.is_ascii_uppercase() || **b == b'_')
        .count();
    n >= 3 && (n == w.len() || w[n] == b'(' || w[n] == b',')
}

/// A word that looks machine-generated: long enough, letters and digits mixed, varied.
pub fn looks_generated(w: &[u8]) -> bool {
    if w.len() < 10 || w.len() > 4096 {
        return false;
    }
    if !w
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b"+/=_.-~:".contains(&b))
    {
        return false;
    }
    if is_date(w)
        || is_dotted_name(w)
        || is_path(w)
        || starts_with_ignore_case(w, b"arn:")
        || w.contains(&b':')
    {
        return false;
    }
    if w.starts_with(b"0x")
        || w.starts_with(b"0X")
        || is_slug(w)
        || substr::find(w, b"-----").is_some()
    {
        return false;
    }
    let digits = w.iter().filter(|b| b.is_ascii_digit()).count();
    let letters = w.iter().filter(|b| b.is_ascii_alphabetic()).count();
    if digits == 0 || letters == 0 {
        return false;
    }
    let upper = w.iter().any(|b| b.is_ascii_uppercase());
    let lower = w.iter().any(|b| b.is_ascii_lowercase());
    // Hex (request ids, digests) counts only when long: session ids and tokens are often hex.
    let hex = w.iter().all(|b| b.is_ascii_hexdigit() || *b == b'-');
    if !(upper && lower || hex && w.len() >= 20) && digits * 4 < w.len() {
        return false;
    }
    entropy(w) >= 3.0
}

/// A UUID in its canonical form (`80d6b8ec-a04c-4a24-9332-3c24d1c79495`). Some tokens are
/// UUIDs, so under a secret's name one is redacted; where only the value's look says it is a
/// secret (a tuple beside a name, a call's argument) it is an id: a task, job or request id.
fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, &b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// A name made of lower-case words and numbers (`botocore-session-1795000000`, `web-2`,
/// `key-0`): a label someone chose, not a generated secret.
pub fn is_slug(w: &[u8]) -> bool {
    let mut words = 0;
    let mut numbers = 0;
    for seg in w.split(|&b| matches!(b, b'-' | b'_' | b'.')) {
        if seg.len() >= 2
            && seg.iter().all(u8::is_ascii_lowercase)
            && seg.iter().any(|b| b"aeiouy".contains(b))
        {
            words += 1;
        } else if !seg.is_empty() && seg.iter().all(u8::is_ascii_digit) {
            numbers += 1;
        } else {
            return false;
        }
    }
    words >= 1 && numbers <= 2 && words + numbers >= 2
}

/// Shannon entropy in bits per byte.
fn entropy(w: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in w {
        counts[b as usize] += 1;
    }
    let n = w.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
