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
//! The scrubber keeps a [`LineCarry`] in the stream state for at most a couple of lines.

use super::names::{Names, Verdict};
use super::{judge, KeyClass};

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
    /// `++ jq -r .refresh_token` (bash -x of a command substitution): the `+ VAR=value` that
    /// follows assigns its output.
    Substitution,
    /// `- mysqladmin`: a command's arguments as list items; `-p<password>` among them.
    MysqlItems,
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

impl LineCarry {
    /// The carry `line` announces, if any.
    pub fn detect(names: &Names, line: &[u8]) -> Option<LineCarry> {
        if let Some(c) = Self::substitution(names, line) {
            return Some(c);
        }
        let ind = indent(line);
        let rest = line[ind..].strip_prefix(b"- ")?.trim_ascii_end();
        let sensitive = |name: &[u8]| match names.classify(name) {
            Verdict::Sensitive(c) => Some(c),
            _ => None,
        };
        if rest.starts_with(b"mysql") || rest.starts_with(b"mariadb") {
            let class = KeyClass {
                kind: 0,
                password: true,
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
                (s < e && judge(&line[s..e], self.class.password, false, None).is_ok())
                    .then_some((s, e, self.class))
            });
            return (value, None);
        }
        let ind = indent(line);
        if self.shape == Shape::MysqlItems {
            if ind != self.indent || !line[ind..].starts_with(b"- ") {
                return (None, None);
            }
            let item = &line[ind + 2..];
            let value = item
                .strip_prefix(b"-p")
                .filter(|v| !v.is_empty() && !v.starts_with(b" "))
                .map(|v| (line.len() - v.len(), line.len(), self.class))
                .filter(|&(s, e, _)| judge(&line[s..e], true, false, None).is_ok());
            self.lines += 1;
            return (value, (self.lines < 16).then_some(self));
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
            let value = (s < e && judge(&line[s..e], self.class.password, false, None).is_ok())
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
    fn flag_then_item() {
        let c = LineCarry::detect(&names(), b"    - --api-key").unwrap();
        let (v, _) = c.apply(b"    - IIC0XKB6GIbOTta0TRd4KrXk5lFY5ILu");
        assert_eq!(v.map(|(s, e, _)| (s, e)), Some((6, 38)));
        assert!(LineCarry::detect(&names(), b"    - --verbose").is_none());
    }

    #[test]
    fn name_then_value() {
        let c = LineCarry::detect(&names(), b"        - name: PUSH_TOKEN").unwrap();
        let line = b"          value: 7pftamFNmJ6S_eZAM0oUR_NBfNuXVg_Dz";
        let (v, _) = c.apply(line);
        assert_eq!(
            v.map(|(s, e, _)| &line[s..e]),
            Some(&b"7pftamFNmJ6S_eZAM0oUR_NBfNuXVg_Dz"[..])
        );
        let c = LineCarry::detect(&names(), b"        - name: AUTH_METHOD");
        assert!(c.is_none());
    }
}
