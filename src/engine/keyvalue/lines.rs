//! Values announced by the line before: YAML prints a flag and its value, or a name and its
//! value, as separate lines of a list.
//!
//! ```yaml
//! command:
//! - --api-key          # a sensitive flag with nothing after it…
//! - IIC0XKB6GIbOTta0   # …takes the next list item as its value
//! env:
//! - name: PUSH_TOKEN   # a sensitive name…
//!   value: 7pftamFNm   # …gives the next `value:` of the same item
//! ```
//!
//!
//! Pretty-printed DynamoDB items (Dynamoose's logger writes `JSON.stringify(params, null, 4)`,
//! `util.inspect` breaks an object wider than 80 columns) put a sensitive attribute's name and
//! its typed value on separate lines:
//!
//! ```text
//!         "refreshToken": {    # a sensitive name opening an object…
//!             "S": "7250…"     # …whose one `S`/`B` member, on the next line, is its value
//!         },
//! ```
//!
//! On one line (`"refreshToken": {"S": "7250…"}`) the key/value scanner reads the same value.
//!
//! Software that generates a credential at first start prints it under a line that names it:
//!
//! ```text
//! Please use the following password to proceed to installation:   # Jenkins
//!
//! 3f2b8c9d7e6a4b1c9d8e7f6a5b4c3d2e
//! ```
//!
//! Pydantic's `str(ValidationError)` names the field on one line and echoes its input on the
//! next:
//!
//! ```text
//! credentials.client_secret                   # a location ending in a sensitive name…
//!   String should have at least 40 characters [type=string_too_short, input_value='…', input_type=str]
//! ```
//!
//! The same text inside a JSON string (`…\ncredentials.client_secret\n  String …`) is one
//! line; [`escaped_location_input`] reads it there.
//!
//! Node's util.inspect breaks an array wider than 72 columns an element a line; a name and its
//! value are then consecutive elements:
//!
//! ```text
//!   'X-Api-Key',      # req.rawHeaders: a sensitive name as an element…
//!   'ak_dtae3hZ…',    # …the next element is its value (also `'--api-key',` in process.argv)
//! ```
//!
//! Printers that fit a mapping to the console's width break an item between its key and its
//! value (rich's pretty printer and locals box), or split the value's string into pieces
//! (pprint, at a space) or wrap it on (rich, at the width, from column 0):
//!
//! ```text
//!         'refresh_token':                 # a sensitive key ending its line…
//! 'rt_zK8mQ2pL7xR4vN9wT3bC6hD1fG5sA0eY…    # …its string opens the next, and runs on
//! {'authorization': 'Bearer '              # a piece split at a space…
//!                   'yJ7kq2Lx9PzR4mWv8',   # …the next piece, at the same column
//! ```
//!
//! The scrubber keeps a [`LineCarry`] in the stream state for at most a couple of lines.

use super::diagnose::{self, Columns};
use super::names::{Names, Verdict};
use super::{judge, string_literal, KeyClass, Values};
use crate::engine::escapes::{self, after as backslashes_after};
use crate::engine::redact;
use crate::engine::substr;

/// How many lines a carried name waits for its value.
const CARRY_LINES: u8 = 2;

/// A sensitive name whose value comes on a following line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCarry {
    class: KeyClass,
    shape: Shape,
    /// Indentation of the line that announced it.
    indent: usize,
    lines: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `- --api-key`: the next list item is the value.
    FlagItem,
    /// `- name: PUSH_TOKEN`: the next `value:` key of the item is the value.
    NameItem,
    /// `'X-Api-Key',` / `'--api-key',`: an array printed an element a line (Node's
    /// util.inspect of `req.rawHeaders`, `process.argv`, a spawn error's `spawnargs`), the
    /// element a sensitive name: the next element, alone on its line at the same indentation,
    /// is its value.
    ListItem,
    /// `++ jq -r .refresh_token` (bash -x of a command substitution): the `+ VAR=value` that
    /// follows assigns its output.
    Substitution,
    /// `- mysqladmin`: a command's arguments as list items; `-p<password>` among them.
    MysqlItems,
    /// `"refreshToken": {`: the DynamoDB type member (`"S": …`, `B: …`) on the next, deeper
    /// line is the value.
    TypedMember,
    /// `"#a0": "refreshToken"` among a pretty-printed request's `ExpressionAttributeNames`:
    /// the `ExpressionAttributeValues` that follow hold its value under a placeholder the
    /// update expression (printed later, if at all) pairs with it.
    ExpressionName,
    /// Inside those `ExpressionAttributeValues`: every `S`/`B` member that looks like a
    /// machine credential (not plain words, emails, dates, numbers).
    ExpressionValues,
    /// `Please use the following password to proceed to installation:` (Jenkins),
    /// `Password for the elastic user (…):` (Elasticsearch), a bare `password:`: a line naming
    /// a credential and ending in a colon; the next non-blank line, when it is one token that
    /// looks like the credential, is its value. The lines may be framed by a collector (see
    /// [`Frame`]).
    Announced(Frame),
    /// `credentials.client_secret` alone on a line (pydantic's error location): the
    /// `input_value=` of the message line after it.
    ErrorLocation,
    /// `path: 'password',` / `instancePath: '/client_secret',` / `path: [ 'password' ],` on a
    /// line of a pretty-printed validation error record (express-validator, mongoose, ajv,
    /// zod through `util.inspect`): the record's `value:` / `input:` / `data:` line further
    /// down, at the same indentation, before the record closes.
    ErrorPath,
    /// A traceback's frame line (`File "app.py", line 13, in login`): the source line after
    /// it may name a secret that better_exceptions / loguru annotate below ([`diagnose`]).
    Frame,
    /// Under a frame's source line, its names' values (`│   └ 'hunter2'`), the sensitive
    /// names' columns carried.
    Annotations(Columns),
    /// A quoted value that runs past the end of its line (no closing quote): a printer wrapped
    /// it (rich's locals box, stackprinter at 60 columns). The indented lines after it that do
    /// not start the next item (`name = …`, `'key': …`) hold the rest, up to the quote (the
    /// byte).
    OpenString(u8),
    /// `"L": [` or `"SS": [` after a [`Shape::TypedMember`] announcement: each `S`/`B` member
    /// or string item of the list, down to the line back at the announcing indentation.
    TypedList,
    /// `'refresh_token':` ending a line (rich's locals box and pretty printer break an item
    /// too wide for the console between its key and value): the string opening the next line
    /// is its value, and when it runs on, the lines after it ([`Shape::OpenString`]).
    KeyEnd,
    /// A quoted-printable line (a mail's body: Django's error mails through the console
    /// backend) whose last value runs into the soft break `=` ending it: the next line goes on
    /// with the value, up to a space or quote, and on to the line after while it breaks again.
    SoftBreak,
    /// `'authorization': 'Bearer '` ending a line: pprint split the string at a space, and
    /// each following line that starts with a string at the first piece's column (`indent`)
    /// holds the next piece, down to the last one (followed by `,` or a bracket).
    Pieces(u8),
}

/// How many bytes of an announcing line's frame are kept.
const FRAME_BYTES: usize = 64;

/// What a collector wrote around an announcing line's text, so the value line is read inside
/// the same frame: Docker's json-file (`{"log":"password:\n","stream":…}`), CRI
/// (`2026-…Z stdout F password:`), syslog (`Dec  3 05:00:00 host jenkins[7]: …`).
///
/// The frame is not parsed by format: the value line's frame is the part it shares with the
/// announcing line before the announced name, digits counted as equal (timestamps, pids), up
/// to a space or quote. The value is what follows, up to the end of the line or, when the
/// announcement was closed by a JSON string's escaped line break, to the string's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// The announcing line up to its sensitive name (at most [`FRAME_BYTES`]), digits as `0`.
    prefix: [u8; FRAME_BYTES],
    len: u8,
    /// The announcement ended a JSON string (`:\n"`), its closing quote escaped by this many
    /// backslashes (`:\\n\"` inside a JSON string): the value ends its string too.
    json: Option<u8>,
}

impl Frame {
    fn new(line: &[u8], name_at: usize, json: Option<u8>) -> Self {
        let mut prefix = [0; FRAME_BYTES];
        let len = name_at.min(FRAME_BYTES);
        for (p, &b) in prefix.iter_mut().zip(&line[..len]) {
            *p = mask(b);
        }
        Frame {
            prefix,
            len: len as u8,
            json,
        }
    }

    /// The text of `line` inside this frame (trimmed), and where it starts; `None` when
    /// `line` is not in the frame of a JSON announcement.
    fn text_of(self, line: &[u8]) -> Option<(usize, &[u8])> {
        // The shared part: equal bytes, and a run of digits for a run of digits of any length
        // (a timestamp's fraction loses its trailing zeros).
        let prefix = &self.prefix[..self.len as usize];
        let (mut i, mut j) = (0, 0);
        while i < prefix.len() && j < line.len() {
            if prefix[i] == b'0' && line[j].is_ascii_digit() {
                while i < prefix.len() && prefix[i] == b'0' {
                    i += 1;
                }
                while j < line.len() && line[j].is_ascii_digit() {
                    j += 1;
                }
            } else if prefix[i] == line[j] {
                i += 1;
                j += 1;
            } else {
                break;
            }
        }
        // Back to the end of a space or quote: the frame ends between words.
        let mut at = j;
        while at > 0 && !matches!(line[at - 1], b' ' | b'\t' | b'"') {
            at -= 1;
        }
        // A frame holds more than words (a timestamp, a pid, JSON): `Enter password:` does not
        // frame `Enter 4f3a…`.
        let framed = line[..at]
            .iter()
            .any(|b| !b.is_ascii_alphabetic() && !b.is_ascii_whitespace());
        let at = if framed { at } else { 0 };
        let mut text = &line[at..];
        if let Some(close) = self.json {
            if !framed {
                return None;
            }
            // The string ends at a quote escaped as its opening was: `"` after an even number
            // of backslashes at the top level, `\"` after 1, 5, 9… one level deeper.
            let close = usize::from(close);
            let end = memchr::memchr_iter(b'"', text)
                .find(|&q| escapes::before(text, q) % (2 * (close + 1)) == close)?;
            text = escapes::trim_breaks(&text[..end - close]);
        }
        let lead = text.len() - text.trim_ascii_start().len();
        Some((at + lead, text.trim_ascii()))
    }
}

fn mask(b: u8) -> u8 {
    if b.is_ascii_digit() {
        b'0'
    } else {
        b
    }
}

/// Where a JSON string holding `:` and escaped line breaks ends an announcement in `t`
/// (`{"log":"password:\n","stream":…}`, or that inside a JSON string): the colon's index and
/// how many backslashes escape the string's closing quote (0, or 1 one level deeper).
fn json_announcement(t: &[u8]) -> Option<(usize, u8)> {
    // A searcher built once: JSON lines hold a `:` per key, and `memmem::find_iter` would
    // build one per call.
    static COLON_ESCAPE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b":\\"));
    COLON_ESCAPE.find_iter(t).find_map(|colon| {
        let (mut i, mut breaks) = (colon + 1, 0);
        loop {
            let run = backslashes_after(t, i);
            i += run;
            match t.get(i) {
                Some(b'n' | b'r') if run > 0 => breaks += 1,
                Some(b'"') if breaks > 0 && run <= 1 => return Some((colon, run as u8)),
                _ => return None,
            }
            i += 1;
        }
    })
}

/// Where the text after an xtrace marker (`+ `, `++ `) starts, allowing a leading timestamp
/// token (a CI runner's prefix).
fn xtrace_at(line: &[u8], marker: &[u8]) -> Option<usize> {
    if line.starts_with(marker) {
        return Some(marker.len());
    }
    let sp = memchr::memchr(b' ', line)?;
    let after = &line[sp + 1..];
    (sp > 8
        && line[..sp]
            .iter()
            .all(|b| b.is_ascii_digit() || b":-.TZ".contains(b))
        && after.starts_with(marker))
    .then_some(sp + 1 + marker.len())
}

/// Whether `b` may be part of an error location (`items.0.password`).
fn location_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.')
}

/// The last name of a location (`items.0.password` -> `password`), or `None` if `loc` is not one.
fn location_name(loc: &[u8]) -> Option<&[u8]> {
    if loc.is_empty() || !loc.iter().all(|&b| location_char(b)) {
        return None;
    }
    loc.split(|&b| b == b'.')
        .rev()
        .find(|seg| !seg.is_empty() && !seg.iter().all(u8::is_ascii_digit))
}

/// The input pydantic echoes in the message segment `text[from..]` (up to an escaped newline):
/// `… [type=string_too_short, input_value='…', input_type=str]`; the value's range without its
/// quotes (at any escape depth), or a list or mapping whole.
fn error_input(text: &[u8], from: usize) -> Option<(usize, usize)> {
    let seg = &text[from..];
    let seg = &seg[..substr::find(seg, b"\\n").unwrap_or(seg.len())];
    let at = substr::find(seg, b"input_value=")?;
    substr::find(&seg[..at], b"[type=")?;
    let vs = at + b"input_value=".len();
    let ve = vs + substr::find(&seg[vs..], b", input_type=")?;
    let v = &seg[vs..ve];
    let slashes = backslashes_after(v, 0);
    let (s, e) = match v.get(slashes) {
        Some(b'\'' | b'"') if v.len() >= 2 * (slashes + 1) => (slashes + 1, v.len() - slashes - 1),
        Some(b'[' | b'{' | b'(') => (1, v.len() - 1),
        _ => (0, v.len()),
    };
    (s < e && v[s..e].iter().any(u8::is_ascii_alphanumeric))
        .then_some((from + vs + s, from + vs + e))
}

/// Whether an echoed input at `s..e` (a string's content, or a list's or mapping's) may be
/// the secret its location names: a string as the key/value scanner judges one; a list or
/// mapping unless scrubd already redacted it.
pub(crate) fn error_input_is_secret(line: &[u8], (s, e): (usize, usize), class: KeyClass) -> bool {
    let v = &line[s..e];
    if redact::find_open(v).is_some() {
        return false;
    }
    let container = s > 0 && matches!(line[s - 1], b'[' | b'{' | b'(');
    container || judge(v, class.values(), false, None).is_ok()
}

/// In a line holding pydantic's error text with escaped newlines, a location around the key
/// at `ks..ke` (`\ncredentials.client_secret\n  String should … input_value='…'`): the range
/// of its last name, and of the input echoed on the message segment after it.
pub(crate) fn escaped_location_input(
    line: &[u8],
    ks: usize,
    ke: usize,
) -> Option<((usize, usize), (usize, usize))> {
    let n = backslashes_after(line, ke);
    if n == 0 || line.get(ke + n) != Some(&b'n') {
        return None;
    }
    let escaped_nl = |at: usize| line.get(at) == Some(&b'n') && at > 0 && line[at - 1] == b'\\';
    let mut s = ks;
    while s > 0 && location_char(line[s - 1]) && !escaped_nl(s - 1) {
        s -= 1;
    }
    if s < 2 || !escaped_nl(s - 1) || !line[s..ke].iter().all(|&b| location_char(b)) {
        return None;
    }
    let name = location_name(&line[s..ke])?;
    let ns = ke - name.len();
    if line[ns..ke] != *name {
        return None; // a numeric last segment (`items.0`) names no field
    }
    Some(((ns, ke), error_input(line, ke + n + 1)?))
}

fn indent(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

fn unquote(v: &[u8]) -> (usize, usize) {
    let (mut s, mut e) = (0, v.len());
    if e >= 2 && matches!(v[0], b'"' | b'\'') && v[e - 1] == v[0] {
        s += 1;
        e -= 1;
    }
    (s, e)
}

/// The key of a line that is only `"key": {` (JSON) or `key: {` (`util.inspect`), trailing
/// spaces allowed.
fn opened_object_key(rest: &[u8]) -> Option<&[u8]> {
    opened_key(rest, b'{')
}

/// The key of a line that is only `"key": <open>` or `key: <open>`.
fn opened_key(rest: &[u8], open: u8) -> Option<&[u8]> {
    let rest = rest
        .trim_ascii_end()
        .strip_suffix(&[open])?
        .trim_ascii_end();
    let key = rest.strip_suffix(b":")?.trim_ascii_end();
    let (s, e) = unquote(key);
    let key = &key[s..e];
    (!key.is_empty()
        && key
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$')))
    .then_some(key)
}

/// How a printer broke the last item of a mapping at the end of a line (its text past the
/// indentation and any box's right border).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break<'a> {
    /// `'api_key':` (rich's locals and pretty printer), `api_key=` (a repr's keyword): the
    /// value opens the next line.
    Key(&'a [u8]),
    /// `'authorization': 'Bearer '`: a string split at a space, the next piece a line below
    /// at the same column (pprint's implicit concatenation); the quote, and the offset of the
    /// opening one.
    Split(&'a [u8], u8, usize),
    /// `'authorization': 'Bearer`: a string that runs past the line (rich wraps it).
    Open(&'a [u8], u8, usize),
}

/// The quoted key `'name'` / `"name"` ending `body` (before its `:`), spaces allowed after it.
fn quoted_key_end(body: &[u8]) -> Option<&[u8]> {
    let body = body.trim_ascii_end();
    let q = *body.last()?;
    if !matches!(q, b'\'' | b'"') {
        return None;
    }
    let open = memchr::memrchr(q, &body[..body.len() - 1])?;
    let key = &body[open + 1..body.len() - 1];
    let before = body[..open].trim_ascii_end();
    key_like(key).filter(|_| {
        matches!(before.last(), None | Some(b'{' | b'(' | b',')) || before.ends_with("│".as_bytes())
    })
}

/// The identifier ending `body` (before its `=`): a keyword argument or attribute of a repr.
fn bare_key_end(body: &[u8]) -> Option<&[u8]> {
    let n = body
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    let (before, key) = body.split_at(body.len() - n);
    (key.first().is_some_and(u8::is_ascii_alphabetic)
        && matches!(before.last(), None | Some(b' ' | b'(' | b',')))
    .then_some(key)
}

fn key_like(key: &[u8]) -> Option<&[u8]> {
    ((1..=64).contains(&key.len())
        && key
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
    .then_some(key)
}

/// Whether `line` is a quoted-printable line broken softly: 76 bytes (RFC 2045's limit, where
/// encoders wrap), ending in `=`, every other `=` an escape (`=3D`, `=20`).
fn soft_break(line: &[u8]) -> bool {
    let t = line.strip_suffix(b"\r").unwrap_or(line);
    if t.len() != 76 || !t.ends_with(b"=") {
        return false;
    }
    let body = &t[..75];
    memchr::memchr_iter(b'=', body).all(|i| {
        body.get(i + 1..i + 3).is_some_and(|h| {
            h.iter()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b))
        })
    })
}

/// How `text` breaks its last item, if it does (see [`Break`]).
fn broken_item(text: &[u8]) -> Option<Break<'_>> {
    match *text.last()? {
        b':' => return quoted_key_end(&text[..text.len() - 1]).map(Break::Key),
        b'=' => return bare_key_end(&text[..text.len() - 1]).map(Break::Key),
        _ => {}
    }
    // The line's last quote: a split piece's closing one, or an open string's opening one.
    let last = memchr::memrchr2(b'\'', b'"', text)?;
    let q = text[last];
    let (open, split) = if last + 1 == text.len() && last > 0 && text[last - 1] == b' ' {
        (memchr::memrchr(q, &text[..last])?, true)
    } else {
        (last, false)
    };
    let head = &text[..open];
    let key = match head.trim_ascii_end().split_last()? {
        (b':', body) => quoted_key_end(body)?,
        (b'=', body) if head.ends_with(b"=") => bare_key_end(body)?,
        _ => return None,
    };
    if split {
        return Some(Break::Split(key, q, open));
    }
    // As the scanner's own open strings ([`runs_on`]): something to carry on from, not a
    // placeholder (scrubbed already) nor cut short by its printer.
    let piece = &text[open + 1..];
    (piece.iter().any(u8::is_ascii_alphanumeric)
        && redact::find_open(piece).is_none()
        && !cut_short(piece))
    .then_some(Break::Open(key, q, open))
}

/// Whether a value's printer cut it short (`…`, `...` at its end): the rest is not shown.
pub(crate) fn cut_short(v: &[u8]) -> bool {
    v.ends_with(b"...") || v.ends_with("\u{2026}".as_bytes())
}

/// Columns (characters) up to byte `at` of `line`.
fn column(line: &[u8], at: usize) -> usize {
    line[..at].iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Most lines a wrapped value continues on.
const OPEN_STRING_LINES: u8 = 16;

/// Whether the value at `s..e` (a key/value span) is a quoted string that runs on past the end
/// of the line: its quote before it, no closing quote (it ends where the line does), and not
/// cut short by its printer (`...`, `…`: nothing follows).
pub(crate) fn runs_on(line: &[u8], s: usize, e: usize) -> bool {
    let text = unboxed_end(line);
    e == line.len()
        && s > 0
        && s < e
        && line[s..e].iter().any(u8::is_ascii_alphanumeric)
        && matches!(line[s - 1], b'\'' | b'"')
        && !text.ends_with(b"...")
        && !text.ends_with("\u{2026}".as_bytes())
}

/// `line` without its trailing spaces and the right-hand borders of a box around it (`│ │`).
fn unboxed_end(line: &[u8]) -> &[u8] {
    let mut t = line.trim_ascii_end();
    while let Some(rest) = t.strip_suffix("│".as_bytes()) {
        t = rest.trim_ascii_end();
    }
    t
}

/// Whether `text` (a line past its indentation) starts like a name and its value
/// (`region = 'eu-west-1'`, `'api_secret': '…'`, `user_id: 88`): the next item, not the rest of
/// a wrapped value.
fn starts_item(text: &[u8]) -> bool {
    if matches!(text.first(), Some(b'\'' | b'"')) {
        return true;
    }
    let n = text
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    n > 0
        && text[0].is_ascii_alphabetic()
        && matches!(text[n..].trim_ascii_start().first(), Some(b'=' | b':'))
}

/// Where a line's text starts past its indentation and any box drawn around it (rich's `│`
/// borders): the byte offset and the column (in characters).
fn boxed_indent(line: &[u8]) -> (usize, usize) {
    let (mut i, mut col) = (0, 0);
    loop {
        if line.get(i) == Some(&b' ') {
            i += 1;
        } else if line[i..].starts_with("│".as_bytes()) {
            i += "│".len();
        } else {
            return (i, col);
        }
        col += 1;
    }
}

/// Most annotation lines under a frame's source line (one a name).
const ANNOTATION_LINES: u8 = 64;

/// Most lines an [`Shape::ExpressionName`] waits for its values, and the values are read.
const EXPRESSION_LINES: u8 = 32;

/// The attribute names of the `"#a0": "refreshToken"` (or `'#a0': '…'`) entries on `line`: a
/// pretty-printed `ExpressionAttributeNames` has one a line, `util.inspect` puts a short one on
/// one line (`ExpressionAttributeNames: { '#rt': 'refreshToken', '#u': 'updatedAt' },`).
fn expression_names(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    // Walked by `#`, not by quote: most keyword lines hold none, and JSON lines that do
    // (`"pk": "SESSION#…"`) hold a few among dozens of quotes.
    let mut i = 0;
    std::iter::from_fn(move || {
        let from = i;
        while let Some(k) = memchr::memchr(b'#', &line[i..]) {
            let sigil = i + k;
            i = sigil + 1;
            let Some(q_at) = sigil
                .checked_sub(1)
                .filter(|&q| q >= from && matches!(line[q], b'"' | b'\''))
            else {
                continue;
            };
            let Some(j) = placeholder_entry(line, q_at, b'#') else {
                continue;
            };
            let Some(&vq) = line.get(j).filter(|&&c| c == b'"' || c == b'\'') else {
                continue;
            };
            let n = ident_len(&line[j + 1..]);
            if n > 0 && line.get(j + 1 + n) == Some(&vq) {
                i = j + 2 + n;
                return Some(&line[j + 1..j + 1 + n]);
            }
        }
        None
    })
}

/// For a quote at `q_at` opening a placeholder key (`"#a0"`, `':rt'`: `sigil` then a name, the
/// same quote), then `:`: where its value starts (spaces skipped).
fn placeholder_entry(line: &[u8], q_at: usize, sigil: u8) -> Option<usize> {
    let q = line[q_at];
    if line.get(q_at + 1) != Some(&sigil) {
        return None;
    }
    let ident = ident_len(&line[q_at + 2..]);
    let j = q_at + 2 + ident;
    if ident == 0 || line.get(j) != Some(&q) {
        return None;
    }
    let j = skip_spaces(line, j + 1);
    (line.get(j) == Some(&b':')).then(|| skip_spaces(line, j + 1))
}

/// The string values of the `":rt": "v"`, `':rt': 'v'`, `':rt': { S: 'v' }` and
/// `":rt": {"S": "v"}` entries on `line` (an `ExpressionAttributeValues` entry a line, or a
/// whole short one), as byte ranges without the quotes.
fn expression_values(line: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut i = 0;
    while let Some(k) = memchr::memchr2(b'"', b'\'', &line[i..]) {
        let q_at = i + k;
        i = q_at + 1;
        let Some(mut j) = placeholder_entry(line, q_at, b':') else {
            continue;
        };
        if line.get(j) == Some(&b'{') {
            // `{ S: 'v' }`: the typed member's value
            j = skip_spaces(line, j + 1);
            let end = memchr::memchr(b'}', &line[j..]).map_or(line.len(), |c| j + c);
            let Some((s, e)) = typed_member(&line[j..end]) else {
                continue;
            };
            out.push((j + s, j + e));
            i = j + e + 1;
            continue;
        }
        if !matches!(line.get(j), Some(b'"' | b'\'')) {
            continue;
        }
        let Some(end) = string_literal(line, j).map(|l| l.e) else {
            continue;
        };
        out.push((j + 1, end));
        i = end + 1;
    }
}

fn ident_len(s: &[u8]) -> usize {
    s.iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count()
}

fn skip_spaces(line: &[u8], mut at: usize) -> usize {
    while line.get(at) == Some(&b' ') {
        at += 1;
    }
    at
}

/// Most lines a [`Shape::TypedList`] is followed for.
const TYPED_LIST_LINES: u8 = 64;

/// `"L": [`, `"SS": [`, `"BS": [` (or unquoted): a DynamoDB list or set opening.
fn opens_typed_list(rest: &[u8]) -> bool {
    let Some(key) = opened_key(rest, b'[') else {
        return false;
    };
    matches!(key, b"L" | b"SS" | b"BS")
}

/// The credential a line announces: it ends in `:` (a label for what follows), and its last
/// word naming a credential is not a property of it (`token count:`), or it ends a JSON
/// string that way (`{"log":"password:\n",…}`). `rest` starts at the line's first non-space
/// byte. Returns the credential's class, where its name starts in `rest`, and how a JSON
/// string's closing quote is escaped (see [`Frame`]).
fn announced(names: &Names, rest: &[u8]) -> Option<(KeyClass, usize, Option<u8>)> {
    let t = rest.trim_ascii_end();
    if t.len() > 256 {
        return None;
    }
    let (body, json) = match t.strip_suffix(b":") {
        Some(body) => (body, None),
        None => {
            let (colon, close) = json_announcement(t)?;
            (&t[..colon], Some(close))
        }
    };
    if body.is_empty() || body.ends_with(b":") || body.contains(&b'=') {
        return None;
    }
    // Names before a placeholder had their value on this line, scrubbed: only names after the
    // last one may announce a value on the next line (and the placeholder's kind is no name).
    // The caller cuts the line after its last redacted span the same way, so the line and its
    // scrubbed form are judged on the same text.
    let from = redact::rfind_open(body).unwrap_or(0);
    let body = &body[from..];
    // Two words separated by one space, judged as one key (`api key`, `token count`).
    let pair = |(s1, e1): (usize, usize), (s2, e2): (usize, usize)| {
        (s2 == e1 + 1 && body[e1] == b' ').then(|| names.classify(&body[s1..e2]))
    };
    let mut words = Vec::new();
    let mut i = 0;
    while i < body.len() && words.len() < 48 {
        // A placeholder names a kind, not a key (`[REDACTED:password]`).
        if body[i..].starts_with(redact::OPEN) {
            i += memchr::memchr(b']', &body[i..]).map_or(body.len() - i, |e| e + 1);
            continue;
        }
        if !body[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let s = i;
        while i < body.len()
            && (body[i].is_ascii_alphanumeric() || matches!(body[i], b'_' | b'-' | b'.'))
        {
            i += 1;
        }
        // A dotted name is a logger, module or host (`botocore.auth`), not a credential's.
        let word = &body[s..i];
        if !word
            .trim_ascii_end()
            .strip_suffix(b".")
            .unwrap_or(word)
            .contains(&b'.')
        {
            words.push((s, i - usize::from(word.ends_with(b"."))));
        }
    }
    let mut found = None;
    for (j, &w) in words.iter().enumerate() {
        let class = match names.classify(&body[w.0..w.1]) {
            Verdict::Sensitive(c) => Some(c),
            _ => match j.checked_sub(1).and_then(|p| pair(words[p], w)) {
                Some(Verdict::Sensitive(c)) => Some(c),
                _ => None,
            },
        };
        let Some(class) = class else { continue };
        // `token count:`, `session name:`: the next word names a property of it.
        if matches!(
            words.get(j + 1).and_then(|&n| pair(w, n)),
            Some(Verdict::Benign(_))
        ) {
            continue;
        }
        found = Some((class, from + w.0, json));
    }
    found
}

/// A line that is one quoted string, a trailing comma allowed (an item of a string set).
fn string_item(rest: &[u8]) -> Option<(usize, usize)> {
    let rest = rest.trim_ascii_end();
    let v = rest.strip_suffix(b",").unwrap_or(rest);
    let q = *v.first()?;
    (matches!(q, b'"' | b'\'')
        && v.len() >= 2
        && v[v.len() - 1] == q
        && !v[1..v.len() - 1].contains(&q))
    .then_some((1, v.len() - 1))
}

/// Where the string value of a DynamoDB `S` or `B` member is on `rest` (a line from its first
/// non-space byte): `"S": "v"`, `S: 'v'`, a trailing comma allowed; the quotes excluded.
fn typed_member(rest: &[u8]) -> Option<(usize, usize)> {
    let rest = rest.trim_ascii_end();
    let rest = rest.strip_suffix(b",").unwrap_or(rest);
    let key_len = match rest {
        [b'"', b'S' | b'B', b'"', ..] | [b'\'', b'S' | b'B', b'\'', ..] => 3,
        [b'S' | b'B', ..] => 1,
        _ => return None,
    };
    let after = rest[key_len..].strip_prefix(b":")?;
    let lead = after.len() - after.trim_ascii_start().len();
    let v = &after[lead..];
    let q = *v.first()?;
    if !matches!(q, b'"' | b'\'') || v.len() < 2 || v[v.len() - 1] != q {
        return None;
    }
    let at = key_len + 1 + lead;
    Some((at + 1, at + v.len() - 1))
}

/// Whether `field` is one of `set` (any case).
fn one_of(field: &[u8], set: &[&[u8]]) -> bool {
    set.iter().any(|f| field.eq_ignore_ascii_case(f))
}

/// Most lines of a record an [`Shape::ErrorPath`] looks through for its value.
const RECORD_LINES: u8 = 16;

/// A record's field on a line of its own, from its first non-space byte: the field's name and
/// where its value starts (`path: 'password',`, `"instancePath": "/client_secret",`).
fn record_field(rest: &[u8]) -> Option<(&[u8], usize)> {
    let colon = memchr::memchr(b':', &rest[..rest.len().min(40)])?;
    let (s, e) = unquote(&rest[..colon]);
    let name = &rest[s..e];
    (!name.is_empty() && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_'))
        .then(|| (name, skip_spaces(rest, colon + 1)))
}

/// The field a record printed a field a line names, whose value a sibling `value:` line holds:
/// a validation error's location (`path: 'password',`, `path: [ 'credentials', 'password' ],`,
/// `instancePath: '/client_secret',`: the last segment of a location that is no URL path) or a
/// name field (`name: 'DB_PASSWORD',`, Joi's `key: 'password'`, `name: '/app/db/password'`).
fn record_location(rest: &[u8]) -> Option<&[u8]> {
    let (field, at) = record_field(rest)?;
    let pointer = if one_of(field, super::PATH_FIELDS) {
        field.eq_ignore_ascii_case(b"instancepath")
    } else if one_of(field, super::NAME_FIELDS) {
        true
    } else {
        return None;
    };
    let mut v = rest[at..].trim_ascii_end();
    v = v.strip_suffix(b",").unwrap_or(v);
    if let Some(items) = v.strip_prefix(b"[").and_then(|v| v.strip_suffix(b"]")) {
        v = items.trim_ascii();
        v = &v[v.iter().rposition(|&b| b == b',').map_or(0, |c| c + 1)..];
        v = v.trim_ascii();
    }
    let (s, e) = unquote(v);
    let (quoted, v) = (s > 0, &v[s..e]);
    // A JSON pointer (ajv's `/client_secret`) or a dotted path (`credentials.password`).
    let v = match v.strip_prefix(b"/") {
        Some(p) if pointer => p,
        Some(_) => return None,
        None => v,
    };
    if !quoted || v.is_empty() {
        return None;
    }
    let name = v.rsplit(|&b| b == b'/' || b == b'.').next()?;
    (!name.is_empty()
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')))
    .then_some(name)
}

/// The fields of the same object before the line at `line_start` in `text`, whose fields are
/// indented `ind` (util.inspect's layout): each line at that indentation, nearest first, with its
/// start in `text`. Looks back at most `max` lines, skips lines indented more (nested values),
/// and stops where the object opened (a line indented less) or at a blank line.
pub(crate) fn fields_before(
    text: &[u8],
    line_start: usize,
    ind: usize,
    max: u8,
) -> impl Iterator<Item = (usize, &[u8])> {
    let mut end = line_start;
    let mut left = max;
    std::iter::from_fn(move || loop {
        left = left.checked_sub(1)?;
        let nl = end.checked_sub(1)?;
        let start = memchr::memrchr(b'\n', &text[..nl]).map_or(0, |i| i + 1);
        let prev = &text[start..nl];
        let prev = prev.strip_suffix(b"\r").unwrap_or(prev);
        let i = indent(prev);
        if i < ind || i == prev.len() {
            left = 0;
            return None;
        }
        end = start;
        if i == ind {
            return Some((start, prev));
        }
    })
}

/// For a record's location line at `line_start` in `text`, indented `ind` (`path: 'password',`
/// after `value: '…',`: express-validator's and Joi's order), the value on an earlier line of the
/// same record: its range in `text`. Looks back at most [`RECORD_LINES`] lines, and stops
/// at another location.
pub(crate) fn value_before(
    text: &[u8],
    line_start: usize,
    ind: usize,
    class: KeyClass,
) -> Option<(usize, usize)> {
    fields_before(text, line_start, ind, RECORD_LINES)
        .find_map(|(start, prev)| {
            let (field, at) = record_field(&prev[ind..])?;
            if one_of(field, super::VALUE_FIELDS) {
                let found = record_value(prev, ind + at)
                    .filter(|&(s, e)| judge(&prev[s..e], class.values(), false, None).is_ok());
                return Some(found.map(|(s, e)| (start + s, start + e)));
            }
            (one_of(field, super::PATH_FIELDS) || one_of(field, super::NAME_FIELDS)).then_some(None)
        })
        .flatten()
}

/// A record field's quoted value starting at `at` on `line` (a trailing comma allowed): its
/// range without the quotes.
fn record_value(line: &[u8], at: usize) -> Option<(usize, usize)> {
    let v = line[at..].trim_ascii_end();
    let v = v.strip_suffix(b",").unwrap_or(v);
    let (s, e) = unquote(v);
    (s > 0 && s < e).then_some((at + s, at + e))
}

impl LineCarry {
    /// A record location this line announced (the carry is fresh): the indentation and class a
    /// value before it ([`value_before`]) is looked for with.
    pub fn fresh_location(&self) -> Option<(usize, KeyClass)> {
        (self.shape == Shape::ErrorPath && self.lines == 0).then_some((self.indent, self.class))
    }

    /// The rest of a quoted value under a sensitive key (of kind `kind`) that `line` opened with
    /// `quote` and did not close.
    pub fn open_string(line: &[u8], quote: u8, kind: u16) -> LineCarry {
        LineCarry {
            class: KeyClass {
                kind,
                ..KeyClass::NONE
            },
            shape: Shape::OpenString(quote),
            indent: boxed_indent(line).1,
            lines: 0,
        }
    }

    /// The carry `line` announces, if any; `redacted_to`: where the last span redacted on the
    /// line ends (0: none), as [`announced`] reads only what follows it.
    pub fn detect(names: &Names, line: &[u8], redacted_to: usize) -> Option<LineCarry> {
        if let Some(c) = Self::substitution(names, line) {
            return Some(c);
        }
        let ind = indent(line);
        if diagnose::frame_line(&line[ind..]) {
            return Some(LineCarry {
                class: KeyClass::NONE,
                shape: Shape::Frame,
                indent: ind,
                lines: 0,
            });
        }
        let sensitive = |name: &[u8]| match names.classify(name) {
            Verdict::Sensitive(c) => Some(c),
            _ => None,
        };
        if soft_break(line) && redacted_to + 1 >= line.trim_ascii_end().len() {
            if let Some(class) = sensitive(b"secret") {
                return Some(LineCarry {
                    class,
                    shape: Shape::SoftBreak,
                    indent: 0,
                    lines: 0,
                });
            }
        }
        if let Some(class) = expression_names(&line[ind..]).find_map(sensitive) {
            return Some(LineCarry {
                class,
                shape: Shape::ExpressionName,
                indent: ind,
                lines: 0,
            });
        }
        if let Some(name) = opened_object_key(&line[ind..]) {
            return sensitive(name).map(|class| LineCarry {
                class,
                shape: Shape::TypedMember,
                indent: ind,
                lines: 0,
            });
        }
        if let Some(Verdict::Sensitive(class)) =
            location_name(line[ind..].trim_ascii_end()).map(|n| names.classify(n))
        {
            return Some(LineCarry {
                class,
                shape: Shape::ErrorLocation,
                indent: ind,
                lines: 0,
            });
        }
        // A record printed a field a line is inside its braces: indented.
        if let Some(class) = (ind > 0)
            .then(|| record_location(&line[ind..]))
            .flatten()
            .and_then(sensitive)
        {
            return Some(LineCarry {
                class,
                shape: Shape::ErrorPath,
                indent: ind,
                lines: 0,
            });
        }
        // An element of an array printed one a line: it ends in `,` (a value follows).
        if let Some(class) = string_item(&line[ind..])
            .filter(|_| line.trim_ascii_end().ends_with(b","))
            .map(|(s, e)| &line[ind + s..ind + e])
            .map(|item| {
                item.strip_prefix(b"--")
                    .or_else(|| item.strip_prefix(b"-"))
                    .unwrap_or(item)
            })
            .filter(|name| {
                (1..=64).contains(&name.len())
                    && name
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            })
            .and_then(sensitive)
        {
            return Some(LineCarry {
                class,
                shape: Shape::ListItem,
                indent: ind,
                lines: 0,
            });
        }
        let (text_at, col) = boxed_indent(line);
        // A broken item under a name that is no credential's falls through to the shapes below.
        let broken = broken_item(unboxed_end(&line[text_at..])).and_then(|broken| {
            let (Break::Key(key) | Break::Split(key, ..) | Break::Open(key, ..)) = broken;
            sensitive(key).map(|class| (broken, class))
        });
        if let Some((broken, class)) = broken {
            let (shape, indent) = match broken {
                Break::Key(_) => (Shape::KeyEnd, col),
                Break::Split(_, q, open) => (Shape::Pieces(q), column(line, text_at + open)),
                // Scrubbed on this line already (its head judged a secret): the scanner's own
                // open-string carry follows it.
                Break::Open(_, _, open) if text_at + open < redacted_to => return None,
                Break::Open(_, q, _) => (Shape::OpenString(q), col),
            };
            return Some(LineCarry {
                class,
                shape,
                indent,
                lines: 0,
            });
        }
        let from = ind.max(redacted_to).min(line.len());
        if let Some((class, name_at, json)) = announced(names, &line[from..]) {
            return Some(LineCarry {
                class,
                shape: Shape::Announced(Frame::new(line, from + name_at, json)),
                indent: ind,
                lines: 0,
            });
        }
        let rest = line[ind..].strip_prefix(b"- ")?.trim_ascii_end();
        if rest.starts_with(b"mysql") || rest.starts_with(b"mariadb") {
            let class = KeyClass {
                kind: 0,
                password: true,
                code: false,
                cookie: false,
                auth: false,
            };
            let class = match names.classify(b"password") {
                Verdict::Sensitive(c) => c,
                _ => class,
            };
            return Some(LineCarry {
                class,
                shape: Shape::MysqlItems,
                indent: ind,
                lines: 0,
            });
        }
        if let Some(flag) = rest.strip_prefix(b"--").or_else(|| rest.strip_prefix(b"-")) {
            if !flag.is_empty()
                && flag
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            {
                return sensitive(flag).map(|class| LineCarry {
                    class,
                    shape: Shape::FlagItem,
                    indent: ind,
                    lines: 0,
                });
            }
            return None;
        }
        let name = rest.strip_prefix(b"name:")?.trim_ascii();
        let (s, e) = unquote(name);
        let name = &name[s..e];
        if name.is_empty() || !name.iter().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        sensitive(name).map(|class| LineCarry {
            class,
            shape: Shape::NameItem,
            indent: ind,
            lines: 0,
        })
    }

    /// `[timestamp ]++ … <credential name> …`: bash -x printing a command substitution.
    fn substitution(names: &Names, line: &[u8]) -> Option<LineCarry> {
        let at = xtrace_at(line, b"++ ")?;
        let text = &line[at..];
        let mut i = 0;
        while i < text.len() {
            if text[i].is_ascii_alphabetic() {
                let s = i;
                while i < text.len() && (text[i].is_ascii_alphanumeric() || text[i] == b'_') {
                    i += 1;
                }
                if let Verdict::Sensitive(class) = names.classify(&text[s..i]) {
                    return Some(LineCarry {
                        class,
                        shape: Shape::Substitution,
                        indent: 0,
                        lines: 0,
                    });
                }
            } else {
                i += 1;
            }
        }
        None
    }

    /// The values this carry finds on `line` (byte ranges, into `found`), and whether to keep
    /// waiting: [`apply`](Self::apply), and the several values one line of
    /// `ExpressionAttributeValues` can hold.
    pub fn apply_all(
        mut self,
        names: &Names,
        line: &[u8],
        found: &mut Vec<(usize, usize, KeyClass)>,
    ) -> Option<LineCarry> {
        let ind = indent(line);
        // Which of the values is the sensitive attribute's is not known (the expression that
        // pairs them may come later or not at all): only a single token that judges as a
        // credential counts (`Mozilla/5.0 (X11; …)`, `bob@example.com`, `active` do not).
        let judged = |(s, e): (usize, usize), found: &mut Vec<(usize, usize, KeyClass)>| {
            let v = &line[s..e];
            if !v.iter().any(u8::is_ascii_whitespace)
                && judge(v, self.class.values(), true, None).is_ok()
            {
                found.push((s, e, self.class));
            }
        };
        match self.shape {
            Shape::Frame => {
                // The frame's source line: its sensitive names wait for their annotations.
                let columns = diagnose::sensitive_names(names, line)?;
                self.shape = Shape::Annotations(columns);
                self.indent = ind;
                Some(self)
            }
            Shape::Annotations(columns) => {
                let (col, at) = diagnose::annotation(line)?;
                let value = columns.class_at(col).and_then(|class| {
                    let (s, e) = diagnose::value_range(line, at)?;
                    judge(&line[s..e], class.values(), false, None)
                        .is_ok()
                        .then_some((s, e, class))
                });
                found.extend(value);
                self.lines += 1;
                (self.lines < ANNOTATION_LINES).then_some(self)
            }
            Shape::ExpressionName => {
                if let Some(at) = substr::find(line, b"ExpressionAttributeValues") {
                    if opened_object_key(&line[ind..]) == Some(b"ExpressionAttributeValues") {
                        self.shape = Shape::ExpressionValues;
                        self.indent = ind;
                        self.lines = 0;
                        return Some(self);
                    }
                    // All on this line: `ExpressionAttributeValues: { ':rt': '…' },`
                    let mut at_values = Vec::new();
                    expression_values(&line[at..], &mut at_values);
                    for (s, e) in at_values {
                        judged((at + s, at + e), found);
                    }
                    return None;
                }
                self.lines += 1;
                (self.lines < EXPRESSION_LINES).then_some(self)
            }
            Shape::ExpressionValues => {
                if ind <= self.indent {
                    return None;
                }
                let mut at_values = Vec::new();
                match typed_member(&line[ind..]) {
                    Some((s, e)) => at_values.push((ind + s, ind + e)),
                    None => expression_values(line, &mut at_values),
                }
                for r in at_values {
                    judged(r, found);
                }
                self.lines += 1;
                (self.lines < EXPRESSION_LINES).then_some(self)
            }
            _ => {
                let (value, waiting) = self.apply(line);
                found.extend(value);
                waiting
            }
        }
    }

    /// The value this carry finds on `line` (byte range), and whether to keep waiting.
    pub fn apply(mut self, line: &[u8]) -> (Option<(usize, usize, KeyClass)>, Option<LineCarry>) {
        if self.shape == Shape::Substitution {
            // More `++` lines of the same substitution keep it; `+ VAR=value` ends it.
            if xtrace_at(line, b"++ ").is_some() {
                return (None, Some(self));
            }
            let found = xtrace_at(line, b"+ ").and_then(|at| {
                let n = line[at..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                (n > 0 && line.get(at + n) == Some(&b'=')).then_some(at + n + 1)
            });
            let value = found.and_then(|s| {
                let (qs, qe) = unquote(&line[s..]);
                let (s, e) = (s + qs, s + qe);
                (s < e && judge(&line[s..e], self.class.values(), false, None).is_ok())
                    .then_some((s, e, self.class))
            });
            return (value, None);
        }
        let ind = indent(line);
        if matches!(self.shape, Shape::TypedMember | Shape::TypedList) {
            if ind <= self.indent {
                return (None, None);
            }
            let rest = &line[ind..];
            let list = self.shape == Shape::TypedList;
            if !list && opens_typed_list(rest) {
                self.shape = Shape::TypedList;
                return (None, Some(self));
            }
            let at = typed_member(rest).or_else(|| list.then(|| string_item(rest)).flatten());
            let value = at
                .map(|(s, e)| (ind + s, ind + e))
                .filter(|&(s, e)| judge(&line[s..e], self.class.values(), false, None).is_ok())
                .map(|(s, e)| (s, e, self.class));
            self.lines += 1;
            return (
                value,
                (list && self.lines < TYPED_LIST_LINES).then_some(self),
            );
        }
        if self.shape == Shape::ErrorLocation {
            let value = error_input(line, 0)
                .filter(|&r| ind > self.indent && error_input_is_secret(line, r, self.class))
                .map(|(s, e)| (s, e, self.class));
            return (value, None);
        }
        if self.shape == Shape::ErrorPath {
            if ind < self.indent {
                return (None, None); // the record closed
            }
            let value = (ind == self.indent)
                .then(|| record_field(&line[ind..]))
                .flatten()
                .filter(|(f, _)| one_of(f, super::VALUE_FIELDS));
            if let Some((_, at)) = value {
                let value = record_value(line, ind + at)
                    .filter(|&(s, e)| judge(&line[s..e], self.class.values(), false, None).is_ok())
                    .map(|(s, e)| (s, e, self.class));
                return (value, None);
            }
            self.lines += 1;
            return (None, (self.lines < RECORD_LINES).then_some(self));
        }
        if self.shape == Shape::SoftBreak {
            let t = line.trim_ascii_end();
            let e = t
                .iter()
                .position(|b| b.is_ascii_whitespace() || matches!(b, b'\'' | b'"' | b'<' | b'>'))
                .unwrap_or(t.len());
            let on = e == t.len() && soft_break(line);
            let e = if on { e - 1 } else { e };
            self.lines += 1;
            let value = (e > 0).then_some((0, e, self.class));
            let waiting = on && value.is_some() && self.lines < OPEN_STRING_LINES;
            return (value, waiting.then_some(self));
        }
        if self.shape == Shape::KeyEnd {
            let (s, col) = boxed_indent(line);
            let rest = unboxed_end(&line[s..]);
            let Some(&quote) = rest.first().filter(|q| matches!(q, b'\'' | b'"')) else {
                return (None, None);
            };
            let (e, closed) = match memchr::memchr(quote, &rest[1..]) {
                Some(c) => (s + 1 + c, true),
                None => (s + rest.len(), false),
            };
            // A value its printer cut short (rich's `…`) is judged on what it shows, and
            // nothing more of it follows.
            let value = (s + 1 < e
                && judge(&line[s + 1..e], self.class.values(), false, None).is_ok())
            .then_some((s + 1, e, self.class));
            self.shape = Shape::OpenString(quote);
            self.indent = col;
            let waiting = !closed && !cut_short(&line[s + 1..e]) && value.is_some();
            return (value, waiting.then_some(self));
        }
        if let Shape::Pieces(quote) = self.shape {
            let (s, col) = boxed_indent(line);
            let rest = unboxed_end(&line[s..]);
            let close = (col == self.indent && rest.first() == Some(&quote))
                .then(|| memchr::memchr(quote, &rest[1..]))
                .flatten();
            let Some(c) = close else {
                return (None, None);
            };
            let (vs, ve) = (s + 1, s + 1 + c);
            let value = judge(&line[vs..ve], self.class.values(), false, None)
                .is_ok()
                .then_some((vs, ve, self.class));
            // More pieces follow one split at a space with nothing after its quote.
            self.lines += 1;
            let more = c + 2 == rest.len() && rest[c].is_ascii_whitespace();
            return (
                value,
                (more && self.lines < OPEN_STRING_LINES).then_some(self),
            );
        }
        if let Shape::OpenString(quote) = self.shape {
            let (s, col) = boxed_indent(line);
            let rest = &line[s..];
            // Printers indent a wrapped value's lines at least as deep as the line it started
            // on (stackprinter: a dict's items and their wraps at one column); a console that
            // folds at its width starts them at column 0, and rich's tree guides indent the
            // first line deeper: a lone token (no space up to the box's border) is a wrap
            // whatever its column.
            let lone = !unboxed_end(rest).iter().any(u8::is_ascii_whitespace);
            if (!lone && (col < self.indent || col == 0))
                || rest.is_empty()
                || rest.starts_with("└".as_bytes())
                || starts_item(rest)
            {
                return (None, None);
            }
            let (e, closed) = match memchr::memchr(quote, rest) {
                Some(q) => (s + q, true),
                None => (s + unboxed_end(rest).len(), false),
            };
            // Scrubbed already (here, on an earlier pass, or upstream): nothing more to take.
            if redact::find_open(&line[s..e]).is_some() {
                return (None, None);
            }
            let value = (e > s).then_some((s, e, self.class));
            self.lines += 1;
            let waiting = !closed && value.is_some() && self.lines < OPEN_STRING_LINES;
            return (value, waiting.then_some(self));
        }
        if let Shape::Announced(frame) = self.shape {
            let Some((s, v)) = frame.text_of(line) else {
                return (None, None);
            };
            if v.is_empty() {
                // A blank line between (Jenkins prints one).
                self.lines += 1;
                return (None, (self.lines < CARRY_LINES).then_some(self));
            }
            let credential = if self.class.password {
                judge(v, Values::Password, true, None).is_ok() && !v.iter().all(u8::is_ascii_digit)
            } else {
                judge(v, self.class.values(), true, None).is_ok() && super::looks_generated(v)
            };
            let value = (!v.iter().any(u8::is_ascii_whitespace) && credential).then_some((
                s,
                s + v.len(),
                self.class,
            ));
            return (value, None);
        }
        if self.shape == Shape::MysqlItems {
            if ind != self.indent || !line[ind..].starts_with(b"- ") {
                return (None, None);
            }
            let item = &line[ind + 2..];
            let value = item
                .strip_prefix(b"-p")
                .filter(|v| !v.is_empty() && !v.starts_with(b" "))
                .map(|v| (line.len() - v.len(), line.len(), self.class))
                .filter(|&(s, e, _)| judge(&line[s..e], Values::Password, false, None).is_ok());
            self.lines += 1;
            return (value, (self.lines < 16).then_some(self));
        }
        if self.shape == Shape::ListItem {
            // Judged as a machine credential whatever the name: a list of names (pino's
            // redact paths: `'password',` then `'token',`) has a word as its next element.
            let value = string_item(&line[ind..])
                .filter(|_| ind == self.indent)
                .map(|(s, e)| (ind + s, ind + e))
                .filter(|&(s, e)| judge(&line[s..e], Values::Credential, false, None).is_ok())
                .map(|(s, e)| (s, e, self.class));
            return (value, None);
        }
        let found = match self.shape {
            Shape::FlagItem if ind == self.indent => {
                line[ind..].strip_prefix(b"- ").map(|v| (ind + 2, v))
            }
            Shape::NameItem if ind > self.indent => {
                line[ind..].strip_prefix(b"value:").map(|v| (ind + 6, v))
            }
            _ => None,
        };
        if let Some((at, v)) = found {
            let lead = v.len() - v.trim_ascii_start().len();
            let v = v.trim_ascii();
            let (s, e) = unquote(v);
            let (s, e) = (at + lead + s, at + lead + e);
            let value = (s < e && judge(&line[s..e], self.class.values(), false, None).is_ok())
                .then_some((s, e, self.class));
            return (value, None);
        }
        self.lines += 1;
        let waiting =
            self.shape == Shape::NameItem && ind > self.indent && self.lines < CARRY_LINES;
        (None, waiting.then_some(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names::compile(&super::super::builtin_names().unwrap())
    }

    #[test]
    fn a_line_announcing_a_credential_then_the_credential_alone() {
        let value = |lines: &[&[u8]]| carried(lines);
        // Jenkins' first start (a blank line between), Elasticsearch 8's, a bare YAML key.
        for (lines, want) in [
            (
                &[
                    &b"Please use the following password to proceed to installation:"[..],
                    b"",
                    b"3f2b8c9d7e6a4b1c9d8e7f6a5b4c3d2e",
                ][..],
                &b"3f2b8c9d7e6a4b1c9d8e7f6a5b4c3d2e"[..],
            ),
            (
                &[
                    &b"\xe2\x84\xb9\xef\xb8\x8f  Password for the elastic user (reset with `bin/elasticsearch-reset-password -u elastic`):"[..],
                    b"  dXbZ4Q5m*JpvS_x2kDU=",
                ],
                b"dXbZ4Q5m*JpvS_x2kDU=",
            ),
            (&[&b"api key:"[..], b"  ak_8f3Kd92LmQ0xZ7wqAB"], b"ak_8f3Kd92LmQ0xZ7wqAB"),
            (&[&b"password:"[..], b"  hunter2hunter2"], b"hunter2hunter2"),
        ] {
            assert_eq!(value(lines), vec![String::from_utf8_lossy(want)], "{lines:?}");
        }
        // A property of the credential, a list of plain words or ids, a value two lines down.
        for lines in [
            &[&b"token count:"[..], b"  abcdef1234567890XYZ"][..],
            &[
                b"Rotating API keys for the following accounts:",
                b"  123456789012",
            ],
            &[b"Token validation failed for:", b"  user-42"],
            &[b"password:", b"  reset by admin at 10:32"],
            &[b"password:", b"", b"", b"hunter2hunter2"],
            &[b"password = x:", b"hunter2hunter2"],
            &[
                b"2026-11-24 07:07:46,805 botocore.auth [DEBUG] StringToSign:",
                b"AWS4-HMAC-SHA256",
            ],
        ] {
            assert!(value(lines).is_empty(), "{lines:?}");
        }
    }

    /// Jenkins' first start through Docker's json-file (and that inside a JSON string), CRI
    /// (the fraction of a second losing zeros) and syslog: the value line in the same frame.
    #[test]
    fn a_credential_announced_in_framed_lines_is_read_in_the_same_frame() {
        let run = |lines: &[&[u8]]| carried(lines);
        let announce = "Please use the following password to proceed to installation:";
        let secret = "3f2b8c9d7e6a4b1c9d8e7f6a5b4c3d2e";
        for (before, after) in [
            (
                r#"{"log":""#,
                r#"\n","stream":"stdout","time":"2026-12-03T05:00:00.5Z"}"#,
            ),
            (
                r#"{"log":""#,
                r#"\r\n","stream":"stdout","time":"2026-12-03T05:00:00.5Z"}"#,
            ),
            (r#"{"m":"{\"log\":\""#, r#"\\n\"}"}"#),
            ("2026-12-03T05:00:00.1Z stdout F ", ""),
            ("Dec  3 05:00:00 ci jenkins[712]: ", ""),
        ] {
            let frame = |text: &str, ts: &str| {
                format!("{before}{text}{after}").replace(":00.", &format!(":0{ts}."))
            };
            let lines = [frame(announce, "0"), frame("", "1"), frame(secret, "2")];
            let lines: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
            assert_eq!(run(&lines), vec![secret.to_string()], "{before}");
            // A JSON-escaped quote stays inside the value; the frame's own quote does not.
            if !after.is_empty() {
                let lines = [frame("password:", "0"), frame(r#"Hun\\\"ter2x"#, "1")];
                let lines: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
                let got = run(&lines);
                assert_eq!(got.len(), 1, "{before}");
                assert!(
                    got[0].starts_with("Hun") && !got[0].ends_with('\\'),
                    "{got:?}"
                );
            }
            // A plain word, or another frame: nothing.
            let lines = [frame(announce, "0"), frame("done", "1")];
            let lines: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
            assert!(run(&lines).is_empty(), "{before}");
        }
        // Words in common are no frame; a JSON announcement needs its value in the frame.
        for lines in [
            &[
                &b"Enter password:"[..],
                b"Enter 3f2b8c9d7e6a4b1c9d8e7f6a5b4c3d2e",
            ][..],
            &[
                br#"{"log":"password:\n","stream":"stdout"}"#,
                b"plain 3f2b8c9d7e6a4b1c9d8e7f6a5b4c3d2e",
            ],
            &[
                br#"{"log":"password:\n","stream":"stdout"}"#,
                b"3f2b8c9d7e6a4b1c9d8e7f6a5b4c3d2e",
            ],
        ] {
            assert!(run(lines).is_empty(), "{lines:?}");
        }
    }

    #[test]
    fn flag_then_item() {
        let c = LineCarry::detect(&names(), b"    - --api-key", 0).unwrap();
        let (v, _) = c.apply(b"    - IIC0XKB6GIbOTta0TRd4KrXk5lFY5ILu");
        assert_eq!(v.map(|(s, e, _)| (s, e)), Some((6, 38)));
        assert!(LineCarry::detect(&names(), b"    - --verbose", 0).is_none());
    }

    /// A name before a placeholder had its value on the line; the placeholder's kind is no
    /// name. Found by the idempotence property: scrubd's own output announced a value.
    #[test]
    fn names_before_a_placeholder_announce_nothing() {
        let n = names();
        assert!(LineCarry::detect(&n, b"passwordpassword [REDACTED:password]\"S\": ", 0).is_none());
        assert!(LineCarry::detect(&n, b"x [REDACTED:password]:", 0).is_none());
        assert!(LineCarry::detect(&n, b"password: [REDACTED:password] token:", 0).is_some());
        // The same cut on the raw line, after its last redacted span.
        assert!(LineCarry::detect(&n, b"password hunter2hunter2:", 0).is_some());
        assert!(LineCarry::detect(&n, b"password hunter2hunter2:", 8).is_none());
    }

    #[test]
    fn pretty_printed_typed_attribute_then_its_member() {
        let n = names();
        // Dynamoose's logger (JSON, 4 spaces) and util.inspect past 80 columns.
        for (open, member, value) in [
            (
                &b"        \"refreshToken\": {"[..],
                &b"            \"S\": \"725066d476f1d9d261474a9e297e214d5d6b7d4d20796920b73fe009528a14a5\""[..],
                &b"725066d476f1d9d261474a9e297e214d5d6b7d4d20796920b73fe009528a14a5"[..],
            ),
            (
                b"    resetToken: {",
                b"      S: '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0'",
                b"9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
            ),
            (
                b"  \"password\": {  ",
                b"    \"S\": \"$2b$12$Q9v1lq1P0n8yq6C7rV1m3eJf3kq0s5Zr8gWm2yYbT1u4xH6cN7dKa\",",
                b"$2b$12$Q9v1lq1P0n8yq6C7rV1m3eJf3kq0s5Zr8gWm2yYbT1u4xH6cN7dKa",
            ),
        ] {
            let c = LineCarry::detect(&n, open, 0).expect("announces");
            let (v, waiting) = c.apply(member);
            assert_eq!(v.map(|(s, e, _)| &member[s..e]), Some(value));
            assert!(waiting.is_none());
        }
        let c = LineCarry::detect(&n, b"    \"refreshToken\": {", 0).unwrap();
        // Not deeper, not a string member, another member, or a placeholder: nothing.
        for line in [
            &b"    \"S\": \"725066d476f1d9d261474a9e297e214d\""[..],
            b"        \"N\": \"1796081817370\"",
            b"        \"SS\": [",
            b"        \"Scope\": \"725066d476f1d9d261474a9e297e214d\"",
            b"        \"S\": \"[REDACTED:token]\"",
        ] {
            assert_eq!(c.apply(line).0, None, "{}", String::from_utf8_lossy(line));
        }
        // A list or set under the name: each string member, until the list's end.
        let c = LineCarry::detect(&n, b"    \"refreshTokens\": {", 0).unwrap();
        let mut found = Vec::new();
        let mut carry = Some(c);
        for line in [
            &b"        \"L\": ["[..],
            b"            {",
            b"                \"S\": \"4fbe217e85c1d2e3f4a5b6c7d8e9f0a1\"",
            b"            },",
            b"            {",
            b"                \"S\": \"1ebe1b4da1c2d3e4f5a6b7c8d9e0f1a2\"",
            b"            }",
            b"        ]",
            b"    },",
            b"    \"S\": \"99999999999999999999999999999999\"",
        ] {
            let Some(c) = carry.take() else { break };
            let (v, waiting) = c.apply(line);
            found.extend(v.map(|(s, e, _)| String::from_utf8_lossy(&line[s..e]).into_owned()));
            carry = waiting;
        }
        assert_eq!(
            found,
            [
                "4fbe217e85c1d2e3f4a5b6c7d8e9f0a1",
                "1ebe1b4da1c2d3e4f5a6b7c8d9e0f1a2"
            ]
        );
        assert!(carry.is_none(), "ends where the attribute ends");
        let c = LineCarry::detect(&n, b"  apiKeys: {", 0).unwrap();
        let (_, c) = c.apply(b"    SS: [");
        let line = b"      'ak_4fbe217e85c1d2e3f4a5b6c7d8e9f0a1',";
        let (v, _) = c.unwrap().apply(line);
        assert_eq!(
            v.map(|(s, e, _)| &line[s..e]),
            Some(&b"ak_4fbe217e85c1d2e3f4a5b6c7d8e9f0a1"[..])
        );
        // An update's names, then its values, the expression pairing them last (or first):
        // Dynamoose's pretty JSON, and util.inspect of a DocumentClient input (names on one
        // line or one a line, values one a line or all on one).
        let run = |lines: &[&[u8]]| -> (Vec<String>, bool) {
            let mut carry: Option<LineCarry> = None;
            let mut found = Vec::new();
            for &line in lines {
                carry =
                    match carry.take() {
                        Some(c) => {
                            let mut v = Vec::new();
                            let waiting = c.apply_all(&n, line, &mut v);
                            found.extend(v.iter().map(|&(s, e, _)| {
                                String::from_utf8_lossy(&line[s..e]).into_owned()
                            }));
                            waiting
                        }
                        None => LineCarry::detect(&n, line, 0),
                    };
            }
            (found, carry.is_none())
        };
        let token = "XYEPok_gHtp1T8MiPTca-RtFA3dLvq0wWVbqHITrsBY".to_string();
        assert_eq!(
            run(&[
                b"    \"ExpressionAttributeNames\": {",
                b"        \"#a0\": \"refreshToken\",",
                b"        \"#a1\": \"email\"",
                b"    },",
                b"    \"ExpressionAttributeValues\": {",
                b"        \":v0\": {",
                b"            \"S\": \"XYEPok_gHtp1T8MiPTca-RtFA3dLvq0wWVbqHITrsBY\"",
                b"        },",
                b"        \":v1\": {",
                b"            \"S\": \"bob@example.com\"",
                b"        }",
                b"    },",
                b"    \"UpdateExpression\": \"SET #a0 = :v0, #a1 = :v1\",",
            ]),
            (vec![token.clone()], true)
        );
        assert_eq!(
            run(&[
                b"    UpdateExpression: 'SET #rt = :rt, #u = :now',",
                b"    ExpressionAttributeNames: { '#rt': 'refreshToken', '#u': 'updatedAt' },",
                b"    ExpressionAttributeValues: {",
                b"      ':rt': 'XYEPok_gHtp1T8MiPTca-RtFA3dLvq0wWVbqHITrsBY',",
                b"      ':now': 1764547200,",
                b"      ':who': 'bob@example.com',",
                b"      ':ua': 'Mozilla/5.0 (X11; Linux x86_64)',",
                b"      ':typed': { S: 'Zq81KdPQm2Lr0aBcD9Zq81KdPQm2Lr0aBcD9' }",
                b"    }",
                b"  }",
            ]),
            (
                vec![token.clone(), "Zq81KdPQm2Lr0aBcD9Zq81KdPQm2Lr0aBcD9".into()],
                true
            )
        );
        assert_eq!(
            run(&[
                b"    ExpressionAttributeNames: {",
                b"      '#rt': 'refreshToken',",
                b"      '#status': 'status'",
                b"    },",
                b"    ExpressionAttributeValues: { ':rt': 'XYEPok_gHtp1T8MiPTca-RtFA3dLvq0wWVbqHITrsBY', ':s': 'active' }",
            ]),
            (vec![token], true)
        );
        // Names that say nothing sensitive announce nothing.
        assert!(LineCarry::detect(
            &n,
            b"    ExpressionAttributeNames: { '#u': 'updatedAt' },",
            0
        )
        .is_none());
        // Names that are not sensitive, and lines that do more than open an object.
        for line in [
            &b"        \"userId\": {"[..],
            b"        \"Item\": {",
            b"        \"refreshToken\": {\"S\": \"x\"},",
            b"        \"refreshToken\": [",
        ] {
            assert!(
                LineCarry::detect(&n, line, 0).is_none(),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn name_then_value() {
        let c = LineCarry::detect(&names(), b"        - name: PUSH_TOKEN", 0).unwrap();
        let line = b"          value: 7pftamFNmJ6S_eZAM0oUR_NBfNuXVg_Dz";
        let (v, _) = c.apply(line);
        assert_eq!(
            v.map(|(s, e, _)| &line[s..e]),
            Some(&b"7pftamFNmJ6S_eZAM0oUR_NBfNuXVg_Dz"[..])
        );
        let c = LineCarry::detect(&names(), b"        - name: AUTH_METHOD", 0);
        assert!(c.is_none());
    }

    /// The lines after `lines[0]` through its carry, and the values found on them.
    fn carried<L: AsRef<[u8]> + ?Sized>(lines: &[&L]) -> Vec<String> {
        carried_after(lines, 0)
    }

    /// [`carried`], `lines[0]` redacted up to `redacted_to`.
    fn carried_after<L: AsRef<[u8]> + ?Sized>(lines: &[&L], redacted_to: usize) -> Vec<String> {
        let n = names();
        let mut c = LineCarry::detect(&n, lines[0].as_ref(), redacted_to);
        let mut got = Vec::new();
        for l in &lines[1..] {
            let l = l.as_ref();
            let Some(carry) = c.take() else { break };
            let (v, next) = carry.apply(l);
            got.extend(v.map(|(s, e, _)| String::from_utf8_lossy(&l[s..e]).into_owned()));
            c = next;
        }
        got
    }

    #[test]
    fn a_value_running_into_a_soft_line_break() {
        // A quoted-printable mail wraps at 76 bytes with `=`; a value redacted up to the break
        // goes on at the start of the next lines, up to a quote or space.
        let n = names();
        let first = b"access_token =3D 'ya29.a03EFW3Z8bjprCXh-wM98rFLcsw3YgXRFph5st32Cbm0SmlGd5wM=";
        assert_eq!(first.len(), 76);
        let got = carried_after(
            &[
                &first[..],
                b"9ClltNmDrh6zM5YwW-q-NyW3ZncI4O3NbH0XwXC0x0-dAnoNy8in4cAmwBCtfRxU91A0rsG7ms6=",
                b"z8-tbq2OwvrmfPzLlQSvWbaFE' next",
                b"not carried",
            ],
            75,
        );
        assert_eq!(
            got,
            [
                "9ClltNmDrh6zM5YwW-q-NyW3ZncI4O3NbH0XwXC0x0-dAnoNy8in4cAmwBCtfRxU91A0rsG7ms6",
                "z8-tbq2OwvrmfPzLlQSvWbaFE"
            ]
        );
        // Not a soft break: a base64 value's padding (a bare `=` inside), a shorter line, or
        // a value that ended before the break.
        let padded =
            b"key: dGhpcyBpcyBhIHRlc3Q=dGhpcyBpcyBhIHRlc3QdGhpcyBpcyBhIHRlc3QdGhpcyBpcyBx=";
        assert_eq!(padded.len(), 76);
        assert!(LineCarry::detect(&n, padded, 75).is_none());
        assert!(LineCarry::detect(&n, b"token: ya29.a03EFW3Z8bjprCXh=", 28).is_none());
        assert!(LineCarry::detect(&n, first, 40).is_none());
    }

    #[test]
    fn an_item_broken_between_key_and_value() {
        // rich's pretty printer and locals box: the key ends its line, the value opens the
        // next, wrapped on by a console that folds at column 0 or inside the box.
        let got = carried(&[
            "        'refresh_token': ",
            "'rt_zK8mQ2pL7xR4vN9wT3bC6hD1fG5sA0eYzK8mQ2pL7xR4vN9wT3bC6hD1",
            "fG5sA0eY'",
            "    }",
        ]);
        assert_eq!(
            got,
            [
                "rt_zK8mQ2pL7xR4vN9wT3bC6hD1fG5sA0eYzK8mQ2pL7xR4vN9wT3bC6hD1",
                "fG5sA0eY"
            ]
        );
        let got = carried(&[
            "│ │           │   'refresh_token':                          │ │",
            "│ │           'rt_l5IW5ZtFh4uGb3sEnYJvnxzEp_flK429RR3'+73,  │ │",
        ]);
        assert_eq!(got, ["rt_l5IW5ZtFh4uGb3sEnYJvnxzEp_flK429RR3"]);
        // A repr's keyword argument.
        let got = carried(&["    Client(api_key=", "    'ak_9fKq2LmX7pQz4RwT8vYb3NcD',"]);
        assert_eq!(got, ["ak_9fKq2LmX7pQz4RwT8vYb3NcD"]);
        // Not a credential's name, not a value, a value that is words.
        assert!(carried(&[
            "        'request_id':",
            "        'rt_zK8mQ2pL7xR4vN9wT3bC6h',"
        ])
        .is_empty());
        assert!(carried(&["        'api_key':", "        None,"]).is_empty());
        assert!(carried(&["        'api_key':", "        'read from the vault',"]).is_empty());
        // A line ending in a colon that is no dict key: prose, a logger's prefix.
        assert!(carried(&["app.tokens:", "'rt_zK8mQ2pL7xR4vN9wT3bC6h'"]).is_empty());
        // A key that names no credential ends the line, the words before it announce one:
        // the announcement is still read.
        let got = carried(&[
            "Access token refreshed, 'cache':",
            "  ak_9fKq2LmX7pQz4RwT8vYb3NcD",
        ]);
        assert_eq!(got, ["ak_9fKq2LmX7pQz4RwT8vYb3NcD"]);
    }

    #[test]
    fn a_string_split_into_pieces_at_a_space() {
        // pprint splits a long string at its spaces into adjacent literals, one a line, each
        // at the first one's column.
        let got = carried(&[
            "{'headers': {'authorization': 'Bearer '",
            "                              'yJ7kq2Lx9PzR4mWv8Tn3Bc6Hd1Fg5Sa0Qe',",
            "             'cookie': 'a=b'}}",
        ]);
        assert_eq!(got, ["yJ7kq2Lx9PzR4mWv8Tn3Bc6Hd1Fg5Sa0Qe"]);
        let got = carried(&[
            " 'db_password': 'correct '",
            "                'horse '",
            "                'battery-staple'}",
        ]);
        assert_eq!(got, ["horse ", "battery-staple"]);
        // Another column is another item; a closed value with no space ends on its line.
        assert!(carried(&[
            "{'authorization': 'Bearer '",
            "  'yJ7kq2Lx9PzR4mWv8Tn3Bc6Hd1Fg5Sa0Qe',"
        ])
        .is_empty());
        assert!(carried(&[
            "{'authorization': 'Bearer'",
            "                  'yJ7kq2Lx9PzR4mWv8Tn3Bc6Hd1Fg5Sa0Qe',"
        ])
        .is_empty());
        // rich leaves the string open instead, its rest folded at column 0 or under the box's
        // tree guide.
        let got = carried(&[
            "│ │                 │   'Authorization': 'Bearer                             │ │",
            "│ │                 FxoY1fMb8znSXvkWTDP8o2eoh1fi7q',                         │ │",
            "│ │       }                                                                  │ │",
        ]);
        assert_eq!(got, ["FxoY1fMb8znSXvkWTDP8o2eoh1fi7q"]);
    }

    #[test]
    fn an_error_records_location_then_its_value() {
        // mongoose's ValidatorError, ajv's verbose error, zod's issue, express-validator's
        // record with the path first: the value line further down the same record.
        for (lines, want) in [
            (
                &["      path: 'password',", "      value: 'River75#',"][..],
                "River75#",
            ),
            (
                &[
                    "    instancePath: '/client_secret',",
                    "    schemaPath: '#/properties/client_secret/minLength',",
                    "    params: { limit: 40 },",
                    "    parentSchema: { type: 'string', minLength: 40 },",
                    "    data: 'fpoYcpVI5Ajg0BUsSepppADIb4-ur'",
                ],
                "fpoYcpVI5Ajg0BUsSepppADIb4-ur",
            ),
            (
                &[
                    "    path: [ 'credentials', 'client_secret' ],",
                    "    message: 'Too small: expected string to have >=40 characters',",
                    "    input: 'Marble6?Xk29fLq8Zp0vR7tBq'",
                ],
                "Marble6?Xk29fLq8Zp0vR7tBq",
            ),
            (
                &[
                    "    \"path\": \"password\",",
                    "    \"value\": \"Purple91.\"",
                ],
                "Purple91.",
            ),
        ] {
            assert_eq!(carried(lines), vec![want.to_string()], "{lines:?}");
        }
        // A field no name marks, a URL path (a request object's), a value of a nested object,
        // a value after the record closed, a message or a number where the value would be.
        for lines in [
            &["    path: 'username',", "    value: 'Purple91.'"][..],
            &["    path: '/account/password',", "    value: 'Purple91.'"],
            &[
                "    instancePath: '/password',",
                "    params: {",
                "      value: 'Purple91.'",
            ],
            &[
                "      path: 'password',",
                "    },",
                "    value: 'Purple91.'",
            ],
            &["      path: 'password',", "      value: '[REDACTED]',"],
            &["      path: 'password',", "      value: 12,"],
            &[
                "      path: [ 'password', 'length' ],",
                "      value: 'Purple91.',",
            ],
        ] {
            assert!(carried(lines).is_empty(), "{lines:?}");
        }
    }
}
