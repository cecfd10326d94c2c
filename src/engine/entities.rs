//! Character references, read: where an HTML or XML escaper wrote `&quot;`, `&#x27;`, `&lt;` or
//! `&#10;` for a character, and which character.
//!
//! Role in the data flow: one of the two things [`super::plain`] looks past before the rules
//! read a keyword line. Logs carry escaped text wherever a value went through a template or an
//! XML serialiser first: Django's and Werkzeug's debug pages saved to files, Rails' `=&gt;`
//! hashes in rendered logs, SOAP and STS bodies (`&lt;SecretAccessKey&gt;…`), JSON in an HTML
//! attribute (`data-config="{&quot;token&quot;: …}"`). Escaped, a quote or a bracket is hidden
//! from every grammar, so the pair it delimits is too.
//!
//! A markup character the line also holds as itself may be data where it is escaped; such a
//! reference is read as written (see [`References`]).
//!
//! Recognised: the five XML names (`quot`, `apos`, `amp`, `lt`, `gt`, any case) and `nbsp`,
//! decimal and hexadecimal references to a Unicode scalar other than NUL, each with its `;`; and
//! each of those escaped again, any number of times (`&amp;quot;`, `&amp;amp;#39;`), read as the
//! character itself, as a backslash run is read at any depth.

use super::escapes;

/// Longest digit run of a numeric reference (`&#1114111;`, `&#x10FFFF;`).
const DIGITS_MAX: usize = 7;
/// The quotes a reference may stand for.
const QUOTES: [u8; 2] = [b'"', b'\''];
/// Longest escaped tag looked for (`&lt;` to its `&gt;`, attributes included).
const TAG_MAX: usize = 2048;

/// A character reference that stands for structure: where it starts, its length, the
/// character, and whether a reader should see that character escaped with a backslash.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reference {
    pub at: usize,
    pub len: usize,
    pub c: char,
    pub escaped: bool,
}

/// The character references of a line that stand for structure, in order.
///
/// A line can hold a markup character both as itself and escaped, and then the escaped one may
/// be data: `<password>a&lt;b</password>`, `value="p&quot;w"`. Decoding it would cut the value
/// short, so such a reference is read as written. Escaped markup (`&lt;password&gt;…`,
/// `{&quot;token&quot;: …}`, each also inside an HTML cell) is decoded. The tests:
/// - a quote reference is data inside an attribute value its quote delimits as itself (after
///   an odd number of them, with one still to come, the last after an `=`), unless that value
///   holds it inside an escaped tag (`title="&lt;b class=&quot;x&quot;&gt;"`). Inside a JSON or
///   repr string it is the next layer's quote (`{"body": "{&quot;token&quot;: …}"}`), and is
///   read as that string writes one: `\"`, so the string still ends where it ends;
/// - where the line holds `<` as itself, `&lt;` is structure only as an escaped tag's start: a
///   letter, `_`, `:`, `/`, `!` or `?` after it and an `&gt;` before the next `<` (an element's
///   text ends at a `<`, so a `<` decoded inside one would cut it);
/// - every other reference is structure (no reader stops a value at a `>`).
pub struct References<'a> {
    line: &'a [u8],
    at: usize,
    /// Raw `"` and `'` in the line, and before `counted` (counted at the first quote reference).
    quotes: Option<[(usize, usize); 2]>,
    counted: usize,
    /// Whether the line holds `<` (looked for at the first `&lt;`).
    raw_lt: Option<bool>,
    /// The last raw `"` and `'` before `counted`.
    last_quote: [Option<usize>; 2],
    /// Where the escaped tag open at `at` starts (its `&lt;`), if one is.
    tag_open: Option<usize>,
    /// The last look for an escaped tag's end: (quote, from, to, found), where `found` holds
    /// for a reference anywhere in `from..to`.
    tag_close: Option<(u8, usize, usize, bool)>,
}

impl<'a> References<'a> {
    pub fn new(line: &'a [u8]) -> Self {
        References {
            line,
            at: 0,
            quotes: None,
            counted: 0,
            raw_lt: None,
            last_quote: [None; 2],
            tag_open: None,
            tag_close: None,
        }
    }

    /// Whether the reference to `c` at `p` (length `len`) stands for structure, and if so
    /// whether it is read escaped.
    fn reading(&mut self, p: usize, len: usize, c: char) -> Option<bool> {
        match c {
            '"' | '\'' => {
                let line = self.line;
                let quotes = self.quotes.get_or_insert_with(|| {
                    QUOTES.map(|q| (memchr::memchr_iter(q, line).count(), 0))
                });
                for (k, q) in QUOTES.into_iter().enumerate() {
                    let new = &line[self.counted..p];
                    quotes[k].1 += memchr::memchr_iter(q, new).count();
                    if let Some(i) = memchr::memrchr(q, new) {
                        self.last_quote[k] = Some(self.counted + i);
                    }
                }
                self.counted = p;
                let k = usize::from(c == '\'');
                let (total, before) = quotes[k];
                if before % 2 == 0 || before == total {
                    Some(false)
                } else if !self.in_attribute(k) {
                    Some(true)
                } else {
                    self.in_escaped_tag(p + len, QUOTES[k]).then_some(false)
                }
            }
            '<' => {
                let rest = &self.line[p + len..];
                let line = self.line;
                (!*self
                    .raw_lt
                    .get_or_insert_with(|| memchr::memchr(b'<', line).is_some())
                    || rest.first().is_some_and(|&b| tag_start(b))
                        && closes_tag(&rest[..rest.len().min(TAG_MAX)]))
                .then_some(false)
            }
            _ => Some(false),
        }
    }

    /// Whether the string the last raw quote of kind `k` opened is an attribute's value
    /// (`value="…"`, `value=\"…\"`): only an escaper writing that quote escapes it as a
    /// reference. A JSON or repr string escapes its own quote with a backslash, so a reference
    /// inside one is the next layer's (`{"body": "{&quot;token&quot;: …}"}`).
    fn in_attribute(&self, k: usize) -> bool {
        let Some(open) = self.last_quote[k] else {
            return false;
        };
        let before = &self.line[..open];
        let before = before.trim_ascii_end();
        let n = escapes::before(before, before.len());
        before[..before.len() - n].trim_ascii_end().last() == Some(&b'=')
    }

    /// Whether a quote reference ending at `end`, inside a string delimited by `q`, sits in an
    /// escaped tag that string holds: an `&lt;` opened it after the string's quote, and an
    /// `&gt;` ends it before the string does. Each byte is looked at once per quote kind.
    fn in_escaped_tag(&mut self, end: usize, q: u8) -> bool {
        let k = usize::from(q == b'\'');
        let opened = self
            .tag_open
            .is_some_and(|o| self.last_quote[k].map_or(true, |l| l < o));
        if !opened {
            return false;
        }
        if let Some((cq, from, to, found)) = self.tag_close {
            if cq == q && from <= end && end <= to {
                return found;
            }
        }
        let rest = &self.line[end..];
        let stop = memchr::memchr2(q, b'<', rest)
            .unwrap_or(rest.len())
            .min(TAG_MAX);
        let gt = memchr::memchr_iter(b'&', &rest[..stop])
            .find(|&i| reference_at(&rest[i..stop]).is_some_and(|r| r.1 == '>'));
        self.tag_close = Some((q, end, end + gt.unwrap_or(stop), gt.is_some()));
        gt.is_some()
    }
}

/// Whether `b` may follow a tag's `<`: a name's first character, `/`, `!` or `?`.
fn tag_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b"_:/!?".contains(&b)
}

/// Whether a reference to `>` (at any depth) ends `s` before a `<` does.
fn closes_tag(s: &[u8]) -> bool {
    let s = &s[..memchr::memchr(b'<', s).unwrap_or(s.len())];
    memchr::memchr_iter(b'&', s).any(|p| reference_at(&s[p..]).is_some_and(|r| r.1 == '>'))
}

impl Iterator for References<'_> {
    type Item = Reference;

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(off) = memchr::memchr(b'&', &self.line[self.at..]) {
            let p = self.at + off;
            match reference_at(&self.line[p..]) {
                Some((len, c)) => {
                    self.at = p + len;
                    let reading = self.reading(p, len, c);
                    match c {
                        '<' if self.line.get(p + len).is_some_and(|&b| tag_start(b)) => {
                            self.tag_open = Some(p);
                        }
                        '>' => self.tag_open = None,
                        _ => {}
                    }
                    if let Some(escaped) = reading {
                        return Some(Reference {
                            at: p,
                            len,
                            c,
                            escaped,
                        });
                    }
                }
                None => self.at = p + 1,
            }
        }
        self.at = self.line.len();
        None
    }
}

/// Length and character of the reference `s` starts with (at its `&`), or `None`.
fn reference_at(s: &[u8]) -> Option<(usize, char)> {
    let mut at = 1;
    // `&amp;` followed by a reference's body is that reference escaped once more.
    while s.len() > at + 4
        && s[at..at + 4].eq_ignore_ascii_case(b"amp;")
        && body(&s[at + 4..]).is_some()
    {
        at += 4;
    }
    let (len, c) = body(&s[at..])?;
    Some((at + len, c))
}

/// Length and character of a reference's body (what follows its `&`, through the `;`).
fn body(s: &[u8]) -> Option<(usize, char)> {
    let end = memchr::memchr(b';', &s[..s.len().min(DIGITS_MAX + 3)])?;
    let name = &s[..end];
    let c = if let Some(num) = name.strip_prefix(b"#") {
        let (digits, radix) = match num.first() {
            Some(b'x' | b'X') => (&num[1..], 16),
            _ => (num, 10),
        };
        if digits.is_empty()
            || digits.len() > DIGITS_MAX
            || !digits.iter().all(|b| b.is_ascii_hexdigit())
        {
            return None;
        }
        let n = u32::from_str_radix(std::str::from_utf8(digits).ok()?, radix).ok()?;
        char::from_u32(n).filter(|&c| c != '\0')?
    } else {
        match name.to_ascii_lowercase().as_slice() {
            b"quot" => '"',
            b"apos" => '\'',
            b"amp" => '&',
            b"lt" => '<',
            b"gt" => '>',
            b"nbsp" => ' ',
            _ => return None,
        }
    };
    Some((end + 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Option<(usize, char)> {
        reference_at(s.as_bytes())
    }

    #[test]
    fn reads_names_numbers_and_every_depth() {
        for (s, len, c) in [
            ("&quot;x", 6, '"'),
            ("&QUOT;", 6, '"'),
            ("&#x27;", 6, '\''),
            ("&#39;", 5, '\''),
            ("&#X2F;", 6, '/'),
            ("&lt;a", 4, '<'),
            ("&amp;b", 5, '&'),
            ("&#233;", 6, 'é'),
            ("&#x1F600;", 9, '😀'),
            ("&nbsp;", 6, ' '),
            ("&amp;quot;", 10, '"'),
            ("&amp;amp;#39;", 13, '\''),
            ("&amp;amp;", 9, '&'),
        ] {
            assert_eq!(read(s), Some((len, c)), "{s}");
        }
    }

    #[test]
    fn a_character_the_line_holds_as_itself_is_data_where_escaped() {
        let refs = |line: &str| {
            References::new(line.as_bytes())
                .map(|r| {
                    if r.escaped {
                        format!("\\{}", r.c)
                    } else {
                        r.c.to_string()
                    }
                })
                .collect::<String>()
        };
        assert_eq!(refs("<pw>a&lt;b1&amp;</pw> <pw>x&gt;y</pw>"), "&>");
        assert_eq!(refs(r#"<add value="p&quot;w&#39;"/>"#), "'");
        assert_eq!(refs(r#"{"html": "a&quot;b"} &quot;x&quot;"#), "\\\"\"\"");
        assert_eq!(refs(r#"<a v="p&quot;w"> a= 'b&#39;'"#), "");
        assert_eq!(refs("&lt;pw&gt;&quot;x&#x27;&lt;/pw&gt;"), "<>\"'<>");
        assert_eq!(
            refs("<td>&lt;pw a=&quot;1&quot;&gt;x&lt;/pw&gt;</td>"),
            "<\"\"><>"
        );
        assert_eq!(refs("<td>{&quot;token&quot;: &amp;quot;x}</td>"), "\"\"\"");
        assert_eq!(
            refs("<td>{&quot;pw&quot;=&gt;1, &lt;__main__.C&gt;, 2&lt;3}</td>"),
            "\"\"><>"
        );
        assert_eq!(refs("<pre>&amp;lt;pw&amp;#62;x&amp;lt;/pw&amp;gt;"), "<><>");
        // A string of escaped markup: the quotes inside its tags are the tags' own.
        assert_eq!(
            refs(r#"{"b": "&lt;i v=&quot;x&quot;&gt; &quot;t&quot; &lt;a&gt;"}"#),
            r#"<\"\">\"\"<>"#
        );
        assert_eq!(
            refs("x='&lt;i v=&#39;x&#39;&gt;' y=\"&lt;i &quot;\""),
            "<''><"
        );
    }

    #[test]
    fn leaves_look_alikes() {
        for s in [
            "&",
            "&quot",
            "&;",
            "&#;",
            "&#x;",
            "&#0;",
            "&#xD800;",
            "&#12345678;",
            "&#x11FFFF;",
            "&copy;",
            "&token=x",
            "&#12a;",
            "&amp",
        ] {
            assert_eq!(read(s), None, "{s}");
        }
        assert_eq!(read("&amp;token=x"), Some((5, '&')));
        let line = b"a=1&b=2&amp;c=3";
        let amp = References::new(line).next().unwrap();
        assert_eq!((amp.at, amp.len, amp.c, amp.escaped), (7, 5, '&', false));
    }
}
