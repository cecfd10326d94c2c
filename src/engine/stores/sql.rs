//! SQL debug logs (`django.db.backends`, SQLAlchemy `echo`, psycopg, PostgreSQL's own log):
//! sensitive columns are named in the statement, their values sit elsewhere — as literals in
//! the position of the column (`INSERT INTO t (email, password) VALUES ('a', 'x')`), or as
//! bound parameters printed after the statement, on the same line (`args=(…)`,
//! `[parameters: (…)]`) or on the next (`[generated in 0.0002s] (…)`, `DETAIL:  parameters:
//! $1 = '…'`). This reads just enough SQL to map each placeholder and literal to its column, and
//! carries the sensitive positions to the line with the parameters ([`SqlCarry`]).
//!
//! `col = 'literal'` itself is the key/value scanner's (a quoted key, `=`, a quoted value).

use super::super::keyvalue::{lines, string_literal, KeyClass, KvScanner, KvScratch, KvSpan, Note};
use super::super::{escapes, substr};
use super::{name_class, path_class};

/// Columns that hold the secret of a credential table (`api_keys.key`, `sessions.token`).
const CREDENTIAL_COLUMNS: &[&[u8]] = &[
    b"key",
    b"value",
    b"hash",
    b"digest",
    b"token",
    b"code",
    b"secret",
    b"session_key",
    b"session_data",
    b"data",
    b"jti",
];

/// Tables that are credential stores beyond what the name table says.
const CREDENTIAL_TABLES: &[&[u8]] = &[
    b"authtoken_token",
    b"django_session",
    b"password_resets",
    b"otp_codes",
    b"magic_links",
];

/// Most lines a statement's parameters may follow it by.
const CARRY_LINES: u8 = 64;

/// Sensitive parameter positions of a statement whose parameters are printed on a later line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SqlCarry {
    /// (0-based position among the statement's placeholders, or `$N` number, class).
    sensitive: Vec<(usize, KeyClass)>,
    /// Sensitive named placeholders (`%(password)s`, `:token`).
    named: Vec<(Vec<u8>, KeyClass)>,
    /// Positional placeholders seen so far in the statement (it may span lines).
    count: usize,
    /// An INSERT's column list read before its `VALUES` line: each column's class.
    columns: Vec<Option<KeyClass>>,
    /// A parameter list opened on an earlier line and not closed yet (util.inspect's
    /// `parameters: [` with one item a line): (lines since the one that opened it, the column
    /// of its bracket on that line). [`Scrubber::scrub_block`] reads it whole when it closes.
    ///
    /// [`Scrubber::scrub_block`]: crate::engine::Scrubber::scrub_block
    list: Option<(u8, usize)>,
    lines: u8,
    active: bool,
}

impl SqlCarry {
    /// Whether the next line may hold parameters for a statement already read.
    pub fn active(&self) -> bool {
        self.active
    }

    pub(crate) fn clear(&mut self) {
        self.sensitive.clear();
        self.named.clear();
        self.count = 0;
        self.columns.clear();
        self.list = None;
        self.lines = 0;
        self.active = false;
    }

    /// The sensitive positions of the statement read last.
    pub(crate) fn sensitive(&self) -> &[(usize, KeyClass)] {
        &self.sensitive
    }

    /// Whether the line just scanned read a statement with sensitive placeholders whose
    /// parameters it did not print.
    pub(crate) fn fresh(&self) -> bool {
        self.active && self.lines == 0 && self.list.is_none() && !self.sensitive.is_empty()
    }

    /// A parameter list still open: (lines since it opened, its bracket's column there).
    pub(crate) fn open_list(&self) -> Option<(u8, usize)> {
        self.list
    }
}

/// What a statement says about its values.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// Sensitive placeholders: (position among positional ones, or `$N` - 1), class.
    pub(crate) sensitive: Vec<(usize, KeyClass)>,
    /// Sensitive named placeholders.
    pub(crate) named: Vec<(Vec<u8>, KeyClass)>,
    /// Literal values in sensitive columns: (start, end, class), relative to the text.
    pub(crate) literals: Vec<(usize, usize, KeyClass)>,
    /// Positional placeholders seen.
    pub(crate) count: usize,
    /// An INSERT's column classes, when the text ends before its `VALUES`.
    pub(crate) columns: Vec<Option<KeyClass>>,
}

/// Markers after which a line prints a statement's parameters, each with whether it ends with
/// the list's own opening bracket (peewee's `('SELECT …', [params])`, Sequelize's `…; [params]`):
/// the list is read from that bracket.
const PARAM_MARKERS: &[(&[u8], bool)] = &[
    (b"[generated in ", false),
    (b"[cached since ", false),
    (b"[raw sql]", false),
    (b"[no key ", false),
    (b"[insertmanyvalues", false),
    (b"[dialect ", false),
    (b"[parameters: ", false),
    (b"parameters: ", false),
    (b" -- PARAMETERS: ", false),
    (b"; args=", false),
    (b" args=", false),
    (b" params=", false),
    (b" parameters=", false),
    (b"bindings: ", false),
    (b"; [", true),
    (b"; {", true),
    (b"', [", true),
    (b"\", [", true),
    (b"', (", true),
    (b"\", (", true),
];

/// Words that start a statement (upper-case, as most ORMs and servers print them).
const STATEMENTS: &[&[u8]] = &[b"SELECT ", b"INSERT INTO ", b"UPDATE ", b"DELETE FROM "];

/// The same in lower case, as knex and hand-written SQL print them. English uses these words
/// too (`the prefix update could have failed`), so a lower-case statement counts only with
/// its clause after one table name: `update <t> set`, `insert into <t> (`/`values`,
/// `delete from <t> where`, `select … from <t>`.
const LOWER_STATEMENTS: &[(&[u8], &[u8])] = &[
    (b"select ", b""),
    (b"insert into ", b"(values"),
    (b"update ", b"set"),
    (b"delete from ", b"where"),
];
/// Words that start a continuation line of a statement printed over several lines.
const CONTINUATIONS: &[&[u8]] = &[
    b"FROM ",
    b"WHERE ",
    b"AND ",
    b"OR ",
    b"SET ",
    b"VALUES ",
    b"JOIN ",
    b"LEFT ",
    b"INNER ",
    b"ORDER ",
    b"GROUP ",
    b"LIMIT ",
    b"RETURNING ",
    b"ON ",
    b"(",
    b")",
];

/// Scan one line, with the stream's carry (positions of a statement read on an earlier line).
pub(crate) fn scan(
    kv: &KvScanner,
    line: &[u8],
    carry: Option<&mut SqlCarry>,
    sc: &mut KvScratch,
    out: &mut Vec<KvSpan>,
) {
    let mut local = SqlCarry::default();
    let carry = carry.unwrap_or(&mut local);
    let stmt = STATEMENTS
        .iter()
        .filter_map(|s| find_word(line, s))
        .chain(lower_statement(line))
        .min();
    // A marker that closes a quoted statement (`', [`) is one only after a statement that this
    // quote opened (`('SELECT …', [`); in an inlined statement (`VALUES ('a', (SELECT …))`) it
    // is the statement's own text.
    let opened_by = stmt.and_then(|s| s.checked_sub(1)).map(|i| line[i]);
    let marker = PARAM_MARKERS
        .iter()
        .filter(|(m, _)| !matches!(m[0], b'\'' | b'"') || opened_by == Some(m[0]))
        .filter_map(|&(m, list)| {
            substr::find(line, m).map(|p| (p, p + m.len() - usize::from(list)))
        })
        .chain(
            (stmt.is_some() || carry.active)
                .then(|| list_after_placeholder(line, stmt.unwrap_or(0)))
                .flatten(),
        )
        .min();
    if carry.active {
        carry.lines += 1;
        if let Some((lines, col)) = carry.list {
            // Items of a list printed over lines: read when it closes (see `open_list`).
            if lines < CARRY_LINES && stmt.is_none() {
                carry.list = Some((lines + 1, col));
                return;
            }
            carry.clear();
        }
        match (stmt, marker) {
            (None, Some((m, after))) => {
                // The statement's last part may share the line (`VALUES (?, ?) -- PARAMETERS:`).
                if is_continuation(line) {
                    carry.extend(kv, line, &line[..m], out);
                }
                let sensitive = std::mem::take(&mut carry.sensitive);
                let named = std::mem::take(&mut carry.named);
                let open = apply_params(kv, line, after, (&sensitive, &named), sc, out);
                carry.clear();
                if let Some(open) = open {
                    carry.sensitive = sensitive;
                    carry.list = Some((0, open));
                    carry.active = true;
                }
                return;
            }
            (None, None) if is_continuation(line) && carry.lines < CARRY_LINES => {
                carry.extend(kv, line, line, out);
                return;
            }
            _ => carry.clear(),
        }
    }
    let Some(start) = stmt else {
        // A `DETAIL:  Key (token)=(…)` line of a constraint error.
        key_detail(kv, line, out);
        return;
    };
    let end = marker.map_or(line.len(), |(m, _)| if m > start { m } else { line.len() });
    let facts = analyze(kv, &line[start..end], 0);
    push_literals(line, start, &facts, out);
    match marker {
        Some((m, after)) if m > start => {
            let open = apply_params(kv, line, after, (&facts.sensitive, &facts.named), sc, out);
            if let Some(open) = open {
                carry.clear();
                carry.sensitive = facts.sensitive;
                carry.list = Some((0, open));
                carry.active = true;
            }
        }
        _ if !facts.sensitive.is_empty() || !facts.named.is_empty() => {
            carry.sensitive = facts.sensitive;
            carry.named = facts.named;
            carry.count = facts.count;
            carry.columns = facts.columns;
            carry.lines = 0;
            carry.active = true;
        }
        _ if facts.count > 0 || !facts.columns.is_empty() || !ends_statement(&line[start..end]) => {
            // Placeholders so far are not sensitive, but the statement may go on.
            carry.sensitive.clear();
            carry.count = facts.count;
            carry.columns = facts.columns;
            carry.lines = 0;
            carry.active = true;
        }
        _ => {}
    }
}

impl SqlCarry {
    /// Read `sql`, a continuation of the carried statement on `line`, into the carry.
    fn extend(&mut self, kv: &KvScanner, line: &[u8], sql: &[u8], out: &mut Vec<KvSpan>) {
        let facts = analyze_from(kv, sql, self.count, &self.columns);
        push_literals(line, 0, &facts, out);
        self.sensitive.extend(facts.sensitive);
        self.named.extend(facts.named);
        self.count = facts.count;
        if !facts.columns.is_empty() {
            self.columns = facts.columns;
        }
    }
}

/// The first lower-case statement of `line` (see [`LOWER_STATEMENTS`]).
fn lower_statement(line: &[u8]) -> Option<usize> {
    LOWER_STATEMENTS
        .iter()
        .filter_map(|&(word, clause)| {
            let at = find_word(line, word)?;
            let rest = &line[at + word.len()..];
            if clause.is_empty() {
                // `select <columns> from <table>`: a column list, then `from`.
                let from = substr::find(rest, b" from ")?;
                let cols = &rest[..from];
                let sql_like = cols == b"*"
                    || cols
                        .iter()
                        .any(|b| matches!(b, b'`' | b'"' | b',' | b'*' | b'.'));
                return sql_like.then_some(at);
            }
            let name_len = table_name_len(rest)?;
            let after = rest[name_len..].trim_ascii_start();
            let follows = if clause == b"(values" {
                after.starts_with(b"(") || after.starts_with(b"values")
            } else {
                after.starts_with(clause) && after.get(clause.len()) == Some(&b' ')
            };
            follows.then_some(at)
        })
        .min()
}

/// Length of a table name at the start of `s`: a word (`users`, `app.users`) or a quoted
/// identifier (`` `users` ``, `"users"`).
fn table_name_len(s: &[u8]) -> Option<usize> {
    let n = match s.first()? {
        &q @ (b'`' | b'"') => memchr::memchr(q, &s[1..])? + 2,
        _ => s
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
            .count(),
    };
    (n > 0).then_some(n)
}

/// `… values (?, ?) ["…",3]`, `… WHERE token = %s ('…',)`: the statement and its parameters
/// printed side by side (`console.log(sql, bindings)`, `print(sql, params)`, knex's `query`
/// event), a list opening after a space right after a placeholder (and the brackets it
/// closes). Returns (the space, the list's opening bracket).
fn list_after_placeholder(line: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while let Some(d) = memchr::memchr2(b'[', b'(', &line[i..]) {
        let open = i + d;
        i = open + 1;
        if open < 2 || line[open - 1] != b' ' {
            continue;
        }
        let mut j = open - 1;
        while j > 0 && line[j - 1] == b')' {
            j -= 1;
        }
        let before = &line[..j];
        let digits = before
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let placeholder = before.ends_with(b"?")
            || before.ends_with(b"%s")
            || (digits > 0 && before[..before.len() - digits].ends_with(b"$"));
        if placeholder {
            return Some((open - 1, open));
        }
    }
    None
}

fn push_literals(line: &[u8], base: usize, facts: &Facts, out: &mut Vec<KvSpan>) {
    for &(s, e, class) in &facts.literals {
        if super::super::keyvalue::judge(&line[base + s..base + e], class.values(), false, None)
            .is_ok()
        {
            out.push(KvSpan {
                start: base + s,
                end: base + e,
                kind: class.kind,
                key: (base + s, base + s),
                syntax: super::super::keyvalue::Syntax::Container,
                note: Note::Column,
            });
        }
    }
}

fn is_continuation(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    (t.len() < line.len() && !t.is_empty()) || CONTINUATIONS.iter().any(|c| t.starts_with(c))
}

fn ends_statement(sql: &[u8]) -> bool {
    let t = sql.trim_ascii_end();
    t.ends_with(b";")
        || t.ends_with(b")")
        || substr::find(t, b" LIMIT ").is_some()
        || !t.contains(&b' ')
}

/// Position of `word` in `line` at a word start.
fn find_word(line: &[u8], word: &[u8]) -> Option<usize> {
    substr::find_iter(line, word)
        .find(|&p| p == 0 || !line[p - 1].is_ascii_alphanumeric() && line[p - 1] != b'_')
}

/// Redact the parameters printed after a marker: a tuple or list (by position, also a list of
/// tuples), or PostgreSQL's `$1 = '…', $2 = '…'`. Returns the column of a list's opening
/// bracket when the list goes on past the line.
#[allow(clippy::type_complexity)] // (positions, names) of the sensitive parameters, as stored
fn apply_params(
    kv: &KvScanner,
    line: &[u8],
    after: usize,
    (sensitive, named): (&[(usize, KeyClass)], &[(Vec<u8>, KeyClass)]),
    sc: &mut KvScratch,
    out: &mut Vec<KvSpan>,
) -> Option<usize> {
    // A bind object (`{"$token":…}`) names its values: read even with no sensitive column.
    if sensitive.is_empty() && named.is_empty() && line.get(after) != Some(&b'{') {
        return None;
    }
    if !named.is_empty() {
        // `{'password': '…'}`, `[{'key': '…'}, …]`: the named parameters as keys.
        let mut keys = Vec::new();
        for (name, class) in named {
            for at in substr::find_iter(&line[after..], name).map(|p| after + p) {
                let end = at + name.len();
                if at > 0
                    && matches!(line[at - 1], b'\'' | b'"')
                    && line.get(end) == Some(&line[at - 1])
                {
                    keys.push((at, end, *class, Note::Column));
                }
            }
        }
        keys.sort_unstable_by_key(|k| k.0);
        kv.scan_keys(line, &keys, sc, out);
    }
    let mut p = after;
    // `[generated in 0.0002s] (…)`: skip to the end of the bracket.
    if line[..after].ends_with(b"[generated in ")
        || line[..after].ends_with(b"[cached since ")
        || line[..after].ends_with(b"[no key ")
        || line[..after].ends_with(b"[dialect ")
        || line[..after].ends_with(b"[insertmanyvalues")
    {
        p = memchr::memchr(b']', &line[after..]).map_or(line.len(), |i| after + i + 1);
    }
    while p < line.len() && line[p] == b' ' {
        p += 1;
    }
    match line.get(p) {
        Some(b'(' | b'[') => {
            let classes = |i: usize| sensitive.iter().find(|(idx, _)| *idx == i).map(|(_, c)| *c);
            let before = out.len();
            let closed = kv.scan_items(line, p, &classes, sc, out);
            for sp in &mut out[before..] {
                sp.note = Note::Column;
            }
            return closed.is_none().then_some(p);
        }
        Some(&open @ (b'{' | b'$')) => {
            // `$1 = 'x', $2 = 'y'` (PostgreSQL), or Sequelize's `logQueryParameters` bind
            // object `…; {"$1":"…","$token":"…"}`, whose keys are quoted.
            let keys = dollar_keys(kv, line, p, sensitive, open == b'{');
            kv.scan_keys(line, &keys, sc, out);
        }
        _ => {}
    }
    None
}

/// The sensitive items of a parameter list printed over lines: `text[open]` is its opening
/// bracket and `text` ends where reading stops. The items are read from a copy with line
/// breaks as spaces (into `buf`); their ranges, in `text`, go to `out`. Returns whether the
/// list closed within `text`.
pub(crate) fn list_items(
    kv: &KvScanner,
    text: &[u8],
    open: usize,
    sensitive: &[(usize, KeyClass)],
    sc: &mut KvScratch,
    buf: &mut Vec<u8>,
    out: &mut Vec<KvSpan>,
) -> bool {
    buf.clear();
    buf.extend(
        text[open..]
            .iter()
            .map(|&b| if matches!(b, b'\n' | b'\r') { b' ' } else { b }),
    );
    let classes = |i: usize| sensitive.iter().find(|(idx, _)| *idx == i).map(|(_, c)| *c);
    let before = out.len();
    let closed = kv.scan_items(buf, 0, &classes, sc, out).is_some();
    for sp in &mut out[before..] {
        sp.start += open;
        sp.end += open;
        sp.key = (sp.key.0 + open, sp.key.1 + open);
        sp.note = Note::Column;
    }
    closed
}

/// knex's `debug: true` prints each query object with its `bindings` before its `sql`:
/// for the `sql: '…'` field at `line_start` in `text`, indented `ind`, the opening bracket
/// of the same object's `bindings: [` field on an earlier line (at most [`CARRY_LINES`]
/// back, stopping where the object opened: a line indented less).
pub(crate) fn bindings_before(text: &[u8], line_start: usize, ind: usize) -> Option<usize> {
    lines::fields_before(text, line_start, ind, CARRY_LINES).find_map(|(start, prev)| {
        prev[ind..]
            .starts_with(b"bindings: [")
            .then_some(start + ind + b"bindings: ".len())
    })
}

/// Whether `line` is a query object's `sql: '…'` field (util.inspect), and its indentation.
pub(crate) fn sql_field(line: &[u8]) -> Option<usize> {
    let i = line.iter().take_while(|&&b| b == b' ').count();
    let rest = &line[i..];
    (rest.starts_with(b"sql: ") && matches!(rest.get(5), Some(b'\'' | b'"' | b'`'))).then_some(i)
}

/// The `$N` placeholders from `p` on that stand for sensitive columns, as keys for
/// [`KvScanner::scan_keys`]. In a bind object a key must sit in quotes, escaped as
/// deep as its opening one (`{\"$1\":…}` in a JSON string), and may also be a name
/// (`"$token"`), which says itself what it holds.
fn dollar_keys(
    kv: &KvScanner,
    line: &[u8],
    p: usize,
    sensitive: &[(usize, KeyClass)],
    bind_object: bool,
) -> Vec<(usize, usize, KeyClass, Note)> {
    let mut keys = Vec::new();
    let mut i = p;
    while let Some(d) = memchr::memchr(b'$', &line[i..]) {
        let at = i + d;
        let mut e = at + 1;
        while e < line.len() && line[e].is_ascii_digit() {
            e += 1;
        }
        let opening = (at > 0 && matches!(line[at - 1], b'"' | b'\'')).then(|| line[at - 1]);
        let closes = |e: usize| {
            let q = e + line[e..].iter().take_while(|&&b| b == b'\\').count();
            opening.is_some() && line.get(q) == opening.as_ref()
        };
        let in_place = !bind_object || closes(e);
        let number = std::str::from_utf8(&line[at + 1..e])
            .unwrap_or("")
            .parse::<usize>();
        if let (true, Ok(n)) = (in_place, number) {
            if let Some((_, c)) = sensitive.iter().find(|(idx, _)| *idx + 1 == n) {
                keys.push((at, e, *c, Note::Column));
            }
        } else if bind_object && opening.is_some() && e == at + 1 {
            while e < line.len() && (line[e].is_ascii_alphanumeric() || line[e] == b'_') {
                e += 1;
            }
            if closes(e) {
                if let Some(c) = column_class(kv, None, &line[at + 1..e]) {
                    keys.push((at, e, c, Note::Column));
                }
            }
        }
        i = e.max(at + 1);
    }
    keys
}

/// PostgreSQL's `DETAIL:  Key (key)=(ghp_…) already exists.`: the value of a sensitive or
/// credential column.
fn key_detail(kv: &KvScanner, line: &[u8], out: &mut Vec<KvSpan>) {
    let Some(k) = substr::find(line, b"Key (") else {
        return;
    };
    let cols_start = k + 5;
    let Some(ce) = substr::find(&line[cols_start..], b")=(").map(|i| cols_start + i) else {
        return;
    };
    let vals_start = ce + 3;
    let Some(ve) = memchr::memmem::rfind(&line[vals_start..], b")").map(|i| vals_start + i) else {
        return;
    };
    let cols: Vec<&[u8]> = line[cols_start..ce]
        .split(|&b| b == b',')
        .map(|c| c.trim_ascii())
        .collect();
    let mut vs = vals_start;
    for (i, v) in line[vals_start..ve].split(|&b| b == b',').enumerate() {
        let ve_i = vs + v.len();
        if let Some(col) = cols.get(i) {
            let class = column_class(kv, None, col);
            if let Some(c) = class {
                let (s, e) = (
                    vs + (v.len() - v.trim_ascii_start().len()),
                    ve_i - (v.len() - v.trim_ascii_end().len()),
                );
                if super::super::keyvalue::judge(&line[s..e], c.values(), false, None).is_ok() {
                    out.push(KvSpan {
                        start: s,
                        end: e,
                        kind: c.kind,
                        key: (cols_start, ce),
                        syntax: super::super::keyvalue::Syntax::Container,
                        note: Note::Column,
                    });
                }
            }
        }
        vs = ve_i + 1;
    }
}

/// Whether column `col` of `table` holds secrets.
fn column_class(kv: &KvScanner, table: Option<&[u8]>, col: &[u8]) -> Option<KeyClass> {
    let col = unquote(col);
    if let Some(c) = path_class(kv, col) {
        return Some(c);
    }
    let last = col.rsplit(|&b| b == b'.').next().unwrap_or(col);
    let last = unquote(last);
    if !CREDENTIAL_COLUMNS
        .iter()
        .any(|c| last.eq_ignore_ascii_case(c))
    {
        return None;
    }
    let table = table.or_else(|| col.rsplit_once_dot().map(|(t, _)| t))?;
    let table = unquote(table.rsplit(|&b| b == b'.').next().unwrap_or(table));
    let class = name_class(kv, table);
    if class.is_some() {
        return class;
    }
    if CREDENTIAL_TABLES
        .iter()
        .any(|t| table.eq_ignore_ascii_case(t))
    {
        return name_class(kv, b"token");
    }
    None
}

trait RsplitOnceDot {
    fn rsplit_once_dot(&self) -> Option<(&[u8], &[u8])>;
}
impl RsplitOnceDot for [u8] {
    fn rsplit_once_dot(&self) -> Option<(&[u8], &[u8])> {
        let i = memchr::memrchr(b'.', self)?;
        Some((&self[..i], &self[i + 1..]))
    }
}

/// A quoted identifier's name: its quotes gone, escaped at any depth (`"c"`, `\"c\"`,
/// `\\\"c\\\"`, `` `c` ``, `[c]`).
fn unquote(s: &[u8]) -> &[u8] {
    let s = s.trim_ascii();
    let s = &s[escapes::after(s, 0)..];
    s.trim_ascii_start()
        .strip_prefix(b"\"")
        .or_else(|| s.strip_prefix(b"`"))
        .or_else(|| s.strip_prefix(b"["))
        .map_or(s, |x| {
            x.strip_suffix(b"\"")
                .map(|x| &x[..x.len() - escapes::before(x, x.len())])
                .or_else(|| x.strip_suffix(b"`"))
                .or_else(|| x.strip_suffix(b"]"))
                .unwrap_or(x)
        })
}

/// How many backslashes escape the quote `q` they run up to at `i`, if they do.
fn escaped_quote(sql: &[u8], i: usize, q: u8) -> Option<usize> {
    let k = escapes::after(sql, i);
    (sql.get(i + k) == Some(&q)).then_some(k)
}

/// One SQL token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A word or quoted identifier (start, end).
    Word(usize, usize),
    /// A string literal's content (start, end).
    Str(usize, usize),
    Number,
    /// A positional placeholder (`?`, `%s`), or a numbered one (`$3` → Some(2)).
    Param(Option<usize>),
    /// A named placeholder (`%(name)s`, `:name`, `@name`): the name's range.
    Named(usize, usize),
    Punct(u8),
}

fn tokens(sql: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < sql.len() && out.len() < 4096 {
        let b = sql[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'\'' => {
                let s = i + 1;
                let mut j = s;
                loop {
                    match sql.get(j) {
                        None => break,
                        Some(b'\\') => j += 2,
                        Some(b'\'') if sql.get(j + 1) == Some(&b'\'') => j += 2,
                        Some(b'\'') => break,
                        Some(_) => j += 1,
                    }
                }
                let e = j.min(sql.len());
                out.push(Tok::Str(s, e));
                i = e + 1;
            }
            b'"' | b'`' | b'[' => {
                let close = if b == b'[' { b']' } else { b };
                let s = i;
                let e = memchr::memchr(close, &sql[i + 1..]).map_or(sql.len(), |k| i + 1 + k + 1);
                out.push(Tok::Word(s, e));
                i = e;
            }
            b'\\' if escaped_quote(sql, i, b'\'').is_some() => {
                // `\'v\'`: a literal inside a string quoted with `'` (a bytes repr), escaped
                // as its enclosing string escapes it.
                let Some(lit) = string_literal(sql, i) else {
                    out.push(Tok::Str(i, sql.len()));
                    break;
                };
                out.push(Tok::Str(lit.s, lit.e));
                i = lit.after;
            }
            b'\\' if escaped_quote(sql, i, b'"').is_some() => {
                // `\"col\"` inside an escaped string, `\\\"col\\\"` one level deeper: up to
                // the quote escaped as often.
                let k = escaped_quote(sql, i, b'"').unwrap_or(1);
                let s = i;
                let mut e = sql.len();
                let mut from = i + k + 1;
                while let Some(p) = memchr::memchr(b'"', &sql[from..]) {
                    let q = from + p;
                    if sql[..q].iter().rev().take_while(|&&c| c == b'\\').count() == k {
                        e = q + 1;
                        break;
                    }
                    from = q + 1;
                }
                out.push(Tok::Word(s, e));
                i = e;
            }
            b'?' => {
                out.push(Tok::Param(None));
                i += 1;
            }
            b'%' if sql.get(i + 1) == Some(&b's') => {
                out.push(Tok::Param(None));
                i += 2;
            }
            b'%' if sql.get(i + 1) == Some(&b'(') => {
                let close = memchr::memchr(b')', &sql[i..]).map_or(sql.len(), |k| i + k);
                out.push(Tok::Named(i + 2, close));
                i = (close + 2).min(sql.len());
            }
            b'$' if sql.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let mut e = i + 1;
                while e < sql.len() && sql[e].is_ascii_digit() {
                    e += 1;
                }
                let n = std::str::from_utf8(&sql[i + 1..e])
                    .ok()
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(1);
                out.push(Tok::Param(Some(n.saturating_sub(1))));
                i = e;
                // `$1::VARCHAR`
                if sql[i..].starts_with(b"::") {
                    i += 2;
                    while i < sql.len() && (sql[i].is_ascii_alphanumeric() || sql[i] == b'_') {
                        i += 1;
                    }
                }
            }
            b':' if sql.get(i + 1) == Some(&b':') => {
                i += 2;
                while i < sql.len() && (sql[i].is_ascii_alphanumeric() || sql[i] == b'_') {
                    i += 1;
                }
            }
            b':' | b'@' if sql.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) => {
                let mut e = i + 1;
                while e < sql.len() && (sql[e].is_ascii_alphanumeric() || sql[e] == b'_') {
                    e += 1;
                }
                out.push(Tok::Named(i + 1, e));
                i = e;
            }
            b'0'..=b'9' => {
                while i < sql.len() && (sql[i].is_ascii_alphanumeric() || sql[i] == b'.') {
                    i += 1;
                }
                out.push(Tok::Number);
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let s = i;
                while i < sql.len()
                    && (sql[i].is_ascii_alphanumeric() || matches!(sql[i], b'_' | b'.' | b'$'))
                {
                    i += 1;
                }
                // `t."col"`, `"t".col`: one path
                while i < sql.len() && sql[i] == b'"' && sql[i - 1] == b'.' {
                    i = memchr::memchr(b'"', &sql[i + 1..]).map_or(sql.len(), |k| i + 1 + k + 1);
                }
                out.push(Tok::Word(s, i));
            }
            _ => {
                out.push(Tok::Punct(b));
                i += 1;
            }
        }
    }
    out
}

const KEYWORDS: &[&[u8]] = &[
    b"SELECT",
    b"FROM",
    b"WHERE",
    b"AND",
    b"OR",
    b"NOT",
    b"INSERT",
    b"INTO",
    b"VALUES",
    b"UPDATE",
    b"SET",
    b"DELETE",
    b"JOIN",
    b"LEFT",
    b"RIGHT",
    b"INNER",
    b"OUTER",
    b"ON",
    b"AS",
    b"ORDER",
    b"BY",
    b"GROUP",
    b"LIMIT",
    b"OFFSET",
    b"RETURNING",
    b"IN",
    b"IS",
    b"NULL",
    b"LIKE",
    b"ILIKE",
    b"BETWEEN",
    b"HAVING",
    b"DISTINCT",
    b"CASE",
    b"WHEN",
    b"THEN",
    b"ELSE",
    b"END",
    b"WITH",
    b"EXISTS",
    b"UNION",
    b"ALL",
    b"ASC",
    b"DESC",
    b"TRUE",
    b"FALSE",
    b"CAST",
    b"COUNT",
    b"LOWER",
    b"UPPER",
    b"COALESCE",
    b"DEFAULT",
    b"CONFLICT",
    b"DO",
    b"NOTHING",
    b"REPLACE",
    b"UPSERT",
];

/// Map each placeholder and literal of `sql` to its column; collect the sensitive ones.
/// `first` is the number of positional placeholders already seen (a statement over lines).
pub(crate) fn analyze(kv: &KvScanner, sql: &[u8], first: usize) -> Facts {
    analyze_from(kv, sql, first, &[])
}

/// [`analyze`] of a statement's later line, with the classes of an INSERT's column list read
/// on an earlier one (`INSERT INTO "t"("token", …)` above `VALUES (?, …)`).
fn analyze_from(kv: &KvScanner, sql: &[u8], first: usize, columns: &[Option<KeyClass>]) -> Facts {
    let toks = tokens(sql);
    let mut facts = Facts {
        count: first,
        ..Default::default()
    };
    let word = |t: &Tok| match *t {
        Tok::Word(s, e) => Some(&sql[s..e]),
        _ => None,
    };
    let is_kw = |w: &[u8]| KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k));
    let mut table: Option<&[u8]> = None;
    let mut col: Option<&[u8]> = None;
    // INSERT: the column list and where we are in VALUES.
    let mut insert_cols: Vec<Option<KeyClass>> = columns.to_vec();
    let mut in_cols = false;
    // In the column list, only the first word of each comma-separated item names a column
    // (`referencepasswd=[REDACTED:password]` stays one item whatever it holds).
    let mut col_item_named = false;
    let mut in_values = false;
    let mut depth = 0usize;
    let mut item = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        match t {
            Tok::Word(..) => {
                let w = word(&t).unwrap_or_default();
                if w.eq_ignore_ascii_case(b"INTO")
                    || w.eq_ignore_ascii_case(b"UPDATE")
                    || w.eq_ignore_ascii_case(b"FROM")
                    || w.eq_ignore_ascii_case(b"JOIN")
                {
                    if let Some(n) = toks.get(i + 1).and_then(word) {
                        table = Some(n);
                    }
                    col = None;
                } else if w.eq_ignore_ascii_case(b"VALUES") {
                    in_values = true;
                    in_cols = false;
                } else if w.eq_ignore_ascii_case(b"SET")
                    || w.eq_ignore_ascii_case(b"WHERE")
                    || w.eq_ignore_ascii_case(b"AND")
                    || w.eq_ignore_ascii_case(b"OR")
                {
                    col = None;
                } else if is_kw(w) {
                } else if matches!(toks.get(i + 1), Some(Tok::Punct(b'('))) && !in_cols {
                    // a function name
                } else if in_cols {
                    if !col_item_named {
                        insert_cols.push(column_class(kv, table, w));
                        col_item_named = true;
                    }
                } else {
                    col = Some(w);
                }
            }
            Tok::Punct(b'(') => {
                depth += 1;
                if in_values && depth == 1 {
                    item = 0;
                }
                if !in_values
                    && insert_cols.is_empty()
                    && table.is_some()
                    && i > 0
                    && matches!(toks[i - 1], Tok::Word(..))
                    && word(&toks[i - 1]) == table
                {
                    in_cols = true;
                    col_item_named = false;
                }
            }
            Tok::Punct(b')') => {
                depth = depth.saturating_sub(1);
                in_cols = false;
            }
            Tok::Punct(b',') => {
                if in_cols {
                    col_item_named = false;
                }
                if in_values && depth == 1 {
                    item += 1;
                } else if depth == 0 {
                    col = None;
                }
            }
            Tok::Named(s, e) => {
                let target = if in_values && depth >= 1 {
                    insert_cols.get(item).copied().flatten()
                } else {
                    col.and_then(|c| column_class(kv, table, c))
                };
                if let Some(c) = target {
                    facts.named.push((sql[s..e].to_vec(), c));
                }
            }
            Tok::Param(_) | Tok::Str(..) | Tok::Number => {
                // `select ? as "password"` (knex's multi-row insert): the alias names it.
                let alias = match (toks.get(i + 1), toks.get(i + 2).and_then(word)) {
                    (Some(a), Some(name))
                        if word(a).is_some_and(|a| a.eq_ignore_ascii_case(b"AS")) =>
                    {
                        Some(name)
                    }
                    _ => None,
                };
                let target = if in_values && depth >= 1 {
                    insert_cols.get(item).copied().flatten()
                } else {
                    alias.or(col).and_then(|c| column_class(kv, table, c))
                };
                let class = target;
                match t {
                    Tok::Param(n) => {
                        let pos = n.unwrap_or(facts.count);
                        if n.is_none() {
                            facts.count += 1;
                        }
                        if let Some(c) = class {
                            facts.sensitive.push((pos, c));
                        }
                    }
                    Tok::Str(s, e) => {
                        if let Some(c) = class {
                            facts.literals.push((s, e, c));
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        i += 1;
    }
    if !in_values {
        facts.columns = insert_cols;
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::keyvalue::{builtin_names, Names};

    fn kv() -> KvScanner {
        KvScanner::new(Names::compile(&builtin_names().unwrap()))
    }

    fn positions(sql: &str) -> Vec<usize> {
        analyze(&kv(), sql.as_bytes(), 0)
            .sensitive
            .iter()
            .map(|(p, _)| *p)
            .collect()
    }

    #[test]
    fn placeholders_map_to_columns() {
        assert_eq!(
            positions("INSERT INTO users (email, password_hash, is_active) VALUES (?, ?, ?)"),
            [1]
        );
        assert_eq!(
            positions("UPDATE users SET session_token = $1::VARCHAR WHERE id = $2"),
            [0]
        );
        assert_eq!(
            positions("SELECT * FROM sessions WHERE sessions.token = ?"),
            [0]
        );
        assert_eq!(
            positions("INSERT INTO api_keys (user_id, \"key\", label) VALUES (?, ?, ?)"),
            [1]
        );
        assert_eq!(
            positions("UPDATE orders SET total = %s WHERE id = %s"),
            Vec::<usize>::new()
        );
        assert_eq!(
            positions(r#"UPDATE "users" SET "session_token" = ? WHERE "user_id" = ?"#),
            [0]
        );
        // Quoted identifiers escaped at any depth (a statement inside a JSON string, or
        // inside one nested in another).
        for q in [r#"\""#, r#"\\\""#, r#"\\\\\\\""#] {
            let sql = format!(
                "INSERT INTO {q}django_session{q} ({q}session_key{q}, {q}expire_date{q}, \
                 {q}session_data{q}) VALUES (%s, %s, %s)"
            );
            assert_eq!(positions(&sql), [0, 2], "{sql}");
        }
    }

    #[test]
    fn literals_in_sensitive_insert_columns() {
        let sql = r#"INSERT INTO "authtoken_token" ("key", "user_id", "created") VALUES ('75e88226c79b', 1, '2026-11-29')"#;
        let f = analyze(&kv(), sql.as_bytes(), 0);
        assert_eq!(
            f.literals
                .iter()
                .map(|&(s, e, _)| &sql[s..e])
                .collect::<Vec<_>>(),
            ["75e88226c79b"]
        );
    }

    /// A statement inside a string quoted with `'` (a bytes repr of a request body) escapes
    /// its literals' quotes: each ends at its own escaped quote, not at the end of the body.
    #[test]
    fn literals_escaped_as_their_enclosing_string() {
        let sql = r#"UPDATE \"users\" SET \"session_token\" = \'Zk3pQ9xLm2Wd8rT5\' WHERE \"user_id\" = \'db1f0448\'"#;
        let f = analyze(&kv(), sql.as_bytes(), 0);
        assert_eq!(
            f.literals
                .iter()
                .map(|&(s, e, _)| &sql[s..e])
                .collect::<Vec<_>>(),
            ["Zk3pQ9xLm2Wd8rT5"]
        );
    }
}
