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

/// Longest digit run of a numeric reference (`&#1114111;`, `&#x10FFFF;`).
const DIGITS_MAX: usize = 7;
/// The quotes a reference may stand for.
const QUOTES: [u8; 2] = [b'"', b'\''];
/// Longest escaped tag looked for (`&lt;` to its `&gt;`, attributes included).
const TAG_MAX: usize = 2048;

/// The character references of a line that stand for structure, in order: (start, length,
/// character).
///
/// A line can hold a markup character both as itself and escaped, and then the escaped one may
/// be data: `<password>a&lt;b</password>`, `value="p&quot;w"`. Decoding it would cut the value
/// short, so such a reference is read as written. Escaped markup (`&lt;password&gt;…`,
/// `{&quot;token&quot;: …}`, each also inside an HTML cell) is decoded. The tests:
/// - a quote reference is data inside a string its quote delimits as itself (after an odd
///   number of them, with one still to come);
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
}

impl<'a> References<'a> {
    pub fn new(line: &'a [u8]) -> Self {
        References {
            line,
            at: 0,
            quotes: None,
            counted: 0,
            raw_lt: None,
        }
    }

    /// Whether the reference to `c` at `p` (length `len`) stands for structure.
    fn is_structure(&mut self, p: usize, len: usize, c: char) -> bool {
        match c {
            '"' | '\'' => {
                let line = self.line;
                let quotes = self.quotes.get_or_insert_with(|| {
                    QUOTES.map(|q| (memchr::memchr_iter(q, line).count(), 0))
                });
                for (k, q) in QUOTES.into_iter().enumerate() {
                    quotes[k].1 += memchr::memchr_iter(q, &line[self.counted..p]).count();
                }
                self.counted = p;
                let (total, before) = quotes[usize::from(c == '\'')];
                before % 2 == 0 || before == total
            }
            '<' => {
                let rest = &self.line[p + len..];
                let line = self.line;
                !*self
                    .raw_lt
                    .get_or_insert_with(|| memchr::memchr(b'<', line).is_some())
                    || rest
                        .first()
                        .is_some_and(|b| b.is_ascii_alphabetic() || b"_:/!?".contains(b))
                        && closes_tag(&rest[..rest.len().min(TAG_MAX)])
            }
            _ => true,
        }
    }
}

/// Whether a reference to `>` (at any depth) ends `s` before a `<` does.
fn closes_tag(s: &[u8]) -> bool {
    let s = &s[..memchr::memchr(b'<', s).unwrap_or(s.len())];
    memchr::memchr_iter(b'&', s).any(|p| reference_at(&s[p..]).is_some_and(|r| r.1 == '>'))
}

impl Iterator for References<'_> {
    type Item = (usize, usize, char);

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(off) = memchr::memchr(b'&', &self.line[self.at..]) {
            let p = self.at + off;
            match reference_at(&self.line[p..]) {
                Some((len, c)) => {
                    self.at = p + len;
                    if self.is_structure(p, len, c) {
                        return Some((p, len, c));
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
                .map(|r| r.2)
                .collect::<String>()
        };
        assert_eq!(refs("<pw>a&lt;b1&amp;</pw> <pw>x&gt;y</pw>"), "&>");
        assert_eq!(refs(r#"<add value="p&quot;w&#39;"/>"#), "'");
        assert_eq!(refs(r#"{"html": "a&quot;b"} &quot;x&quot;"#), "\"\"");
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
        assert_eq!(References::new(line).next(), Some((7, 5, '&')));
    }
}
