//! A shell `printf` whose format names a secret: `printf 'user=app\npassword=%s\n' '<pw>'`,
//! as `bash -x` traces a script writing a config file (my.cnf, an smbclient auth file, an
//! LDIF). The name sits in the format, the value is a later argument: the format's `N`th
//! conversion takes the `N`th argument after it. Part of the key/value rule: it runs only on
//! lines where that rule's keywords are, and only where `printf ` is.

use super::{judge, KeyVerdict, KvScanner, KvSpan, Note, Syntax};
use crate::engine::substr;

/// Most conversions of one format read (a format names a few fields).
const MAX_CONVERSIONS: usize = 16;

/// Push the arguments of every `printf` on `line` that its format puts under a sensitive name.
pub(super) fn scan(kv: &KvScanner, line: &[u8], out: &mut Vec<KvSpan>) {
    // A format with a conversion holds a `%`: one byte search rules out most lines.
    if memchr::memchr(b'%', line).is_none() {
        return;
    }
    for at in substr::find_iter(line, b"printf ") {
        if at > 0 && (line[at - 1].is_ascii_alphanumeric() || line[at - 1] == b'_') {
            continue; // `sprintf `, `my_printf `: another function
        }
        let mut p = skip_spaces(line, at + 7);
        if line[p..].starts_with(b"-v ") {
            // `printf -v var 'fmt' …`: the format after the variable's name.
            p = skip_spaces(line, p + 3);
            p = word_end(line, p).map_or(line.len(), |e| skip_spaces(line, e));
        }
        let Some(format_end) = word_end(line, p) else {
            continue;
        };
        let format = unquote(line, p, format_end);
        // The sensitive conversions: (index among the format's conversions, key, class).
        let mut wanted = [None; MAX_CONVERSIONS];
        let mut any = false;
        for (n, c) in conversions(line, format).take(MAX_CONVERSIONS).enumerate() {
            if let Some((key, class)) = named_before(kv, line, format.0, c) {
                wanted[n] = Some((key, class));
                any = true;
            }
        }
        if !any {
            continue;
        }
        let mut w = skip_spaces(line, format_end);
        for slot in wanted.iter() {
            if w >= line.len() || matches!(line[w], b'|' | b';' | b'&' | b'>' | b'<' | b')') {
                break;
            }
            let Some(e) = word_end(line, w) else {
                break;
            };
            if let Some((key, class)) = *slot {
                let (vs, ve) = unquote(line, w, e);
                let next = line.get(e).copied();
                if vs < ve && judge(&line[vs..ve], class.values(), false, next).is_ok() {
                    out.push(KvSpan {
                        start: vs,
                        end: ve,
                        kind: class.kind,
                        key,
                        syntax: Syntax::Container,
                        note: Note::None,
                    });
                }
            }
            w = skip_spaces(line, e);
        }
    }
}

fn skip_spaces(line: &[u8], mut p: usize) -> usize {
    while p < line.len() && line[p] == b' ' {
        p += 1;
    }
    p
}

/// The end of the shell word at `p`: runs of bare bytes, `'…'` and `"…"` (backslash escapes
/// inside), up to a space or an operator, or a quote that does not close: the end of a string
/// the command line sits in (`{"msg": "+ printf … '…'"}`, escaped as deep: `\"`).
fn word_end(line: &[u8], mut p: usize) -> Option<usize> {
    let start = p;
    while p < line.len() {
        match line[p] {
            b' ' | b'\t' | b'|' | b';' | b'&' | b'>' | b'<' | b')' => break,
            b'\'' => match memchr::memchr(b'\'', &line[p + 1..]) {
                Some(d) => p += 2 + d,
                None => break,
            },
            b'"' => {
                let mut i = p + 1;
                loop {
                    match line.get(i) {
                        Some(b'\\') => i += 2,
                        Some(b'"') => break,
                        Some(_) => i += 1,
                        None => return (p > start).then_some(p),
                    }
                }
                p = i + 1;
            }
            b'\\' if line.get(p + 1) == Some(&b'"') => break,
            b'\\' => p += 2,
            _ => p += 1,
        }
    }
    (p > start).then_some(p.min(line.len()))
}

/// A word's content: without its outer quotes when it opens and closes with the same one
/// (`'a'\''b'` → `a'\''b`, as the shell's trace writes a `'` inside a value).
fn unquote(line: &[u8], s: usize, e: usize) -> (usize, usize) {
    if e - s >= 2 && matches!(line[s], b'\'' | b'"') && line[e - 1] == line[s] {
        (s + 1, e - 1)
    } else {
        (s, e)
    }
}

/// Start of each conversion (`%s`, `%-10s`, `%b`, `%q`; not `%%`) in the format
/// `line[s..e]`.
fn conversions(line: &[u8], (s, e): (usize, usize)) -> impl Iterator<Item = usize> + '_ {
    let mut i = s;
    std::iter::from_fn(move || {
        while i < e {
            let at = i + memchr::memchr(b'%', &line[i..e])?;
            let mut j = at + 1;
            while j < e && matches!(line[j], b'-' | b'+' | b' ' | b'#' | b'.' | b'0'..=b'9') {
                j += 1;
            }
            i = j + 1;
            if j < e && line[j].is_ascii_alphabetic() {
                return Some(at);
            }
        }
        None
    })
}

/// The sensitive name right before the conversion at `c` (`password=%s`, `password = %s`,
/// `userPassword: %s`), not before the format's start `fs`.
fn named_before(
    kv: &KvScanner,
    line: &[u8],
    fs: usize,
    c: usize,
) -> Option<((usize, usize), super::KeyClass)> {
    let mut p = c;
    while p > fs && line[p - 1] == b' ' {
        p -= 1;
    }
    if p == fs || !matches!(line[p - 1], b'=' | b':') {
        return None;
    }
    p -= 1;
    while p > fs && line[p - 1] == b' ' {
        p -= 1;
    }
    let ke = p;
    while p > fs && (line[p - 1].is_ascii_alphanumeric() || matches!(line[p - 1], b'_' | b'-')) {
        p -= 1;
    }
    // `\npassword`: the escape's letter is not the key's.
    if p > fs && line[p - 1] == b'\\' && matches!(line[p], b'n' | b't' | b'r') {
        p += 1;
    }
    if p == ke {
        return None;
    }
    match kv.names().classify(&line[p..ke]) {
        KeyVerdict::Sensitive(class) => Some(((p, ke), class)),
        _ => None,
    }
}
