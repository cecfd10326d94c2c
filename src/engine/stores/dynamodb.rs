//! DynamoDB expressions: an `UpdateExpression`, `ConditionExpression`, `KeyConditionExpression`
//! or `FilterExpression` that binds a sensitive attribute to a placeholder (`SET refresh_token =
//! :rt`, `#t = :v` with `ExpressionAttributeNames {"#t": "api_key"}`) makes that placeholder's
//! entry in `ExpressionAttributeValues` a secret, wherever in the line it is printed (before or
//! after the expression, typed or plain, in a repr, a JSON body or one escaped inside a JSON
//! log). PartiQL statements (`Statement` + positional `Parameters`) go through the SQL reader.

use super::super::keyvalue::{KeyClass, KvScanner, KvScratch, KvSpan, Note};
use super::super::substr;
use super::{path_class, sql};

/// Keys whose string value is an expression.
const EXPRESSION_KEYS: &[&[u8]] = &[
    b"UpdateExpression",
    b"ConditionExpression",
    b"KeyConditionExpression",
    b"FilterExpression",
];

/// Most placeholders remembered per line.
const MAX_BINDINGS: usize = 64;

/// A placeholder (`:rt`), what it is bound to, where that is in the line, the expression's key.
type Binding = (Vec<u8>, Target, (usize, usize), (usize, usize));
/// An `ExpressionAttributeNames` entry: `#name`, the attribute, where the attribute is.
type AttributeName = (Vec<u8>, Vec<u8>, (usize, usize));

/// Scan `line`: find the expressions, bind placeholders to attributes, resolve `#names`, and
/// read the sensitive placeholders' values; then PartiQL statements and their parameters.
pub(crate) fn scan(kv: &KvScanner, line: &[u8], sc: &mut KvScratch, out: &mut Vec<KvSpan>) {
    let mut bindings: Vec<Binding> = Vec::new();
    for key in EXPRESSION_KEYS {
        for at in substr::find_iter(line, key) {
            if at > 0 && line[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let Some((cs, ce)) = kv.string_value(line, (at, at + key.len()), sc) else {
                continue;
            };
            let mut found = Vec::new();
            bind(&line[cs..ce], &mut found);
            for (p, t, (s, e)) in found {
                bindings.push((p, t, (cs + s, cs + e), (at, at + key.len())));
            }
        }
    }
    if !bindings.is_empty() {
        let names = attribute_names(kv, line, sc);
        let mut keys: Vec<(usize, usize, KeyClass, Note)> = Vec::new();
        for (placeholder, target, range, expr) in &bindings {
            let (class, name) = match target {
                Target::Path(p) => (path_class(kv, p), *range),
                Target::Name(n) => match names.iter().find(|(k, _, _)| k == n) {
                    Some((_, v, r)) => (path_class(kv, v), *r),
                    None => (None, *range),
                },
            };
            let Some(class) = class else { continue };

            // Every place the placeholder is a key: `':rt':`, `":rt":`, `\":rt\":`.
            for at in substr::find_iter(line, placeholder) {
                let end = at + placeholder.len();
                let quoted = at > 0
                    && matches!(line[at - 1], b'"' | b'\'')
                    && matches!(line.get(end), Some(b'"' | b'\'' | b'\\'));
                if quoted && !keys.iter().any(|k| k.0 == at) {
                    keys.push((
                        at,
                        end,
                        class,
                        Note::Bound {
                            placeholder: (at, end),
                            name,
                            expr: *expr,
                        },
                    ));
                }
            }
        }
        keys.sort_unstable_by_key(|k| k.0);
        kv.scan_keys(line, &keys, sc, out);
    }
    partiql(kv, line, sc, out);
}

/// What a placeholder is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// An attribute path written out (`refresh_token`, `credentials.api_key`).
    Path(Vec<u8>),
    /// An `#name` reference, resolved through `ExpressionAttributeNames`.
    Name(Vec<u8>),
}

/// Bind each `:placeholder` of `expr` to the attribute it is compared with or assigned to:
/// the nearest attribute in the same clause (`a = :v`, `:v = a`, `begins_with(a, :v)`,
/// `a BETWEEN :x AND :y`, `a IN (:x, :y)`, `if_not_exists(a, :v)`). Clauses end at `,` outside
/// parentheses and at the clause keywords.
fn bind(expr: &[u8], out: &mut Vec<(Vec<u8>, Target, (usize, usize))>) {
    let mut attr: Option<(Target, (usize, usize))> = None;
    let mut waiting: Vec<Vec<u8>> = Vec::new();
    let mut depth = 0usize;
    let mut between = false;
    let mut i = 0;
    while i < expr.len() && out.len() < MAX_BINDINGS {
        let b = expr[i];
        if b == b':' || b == b'#' || b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            i += 1;
            while i < expr.len()
                && (expr[i].is_ascii_alphanumeric()
                    || matches!(expr[i], b'_' | b'.' | b'[' | b']' | b'-'))
            {
                // `#name.sub` and `a.#b`: the path continues through `.`.
                i += 1;
            }
            let tok = &expr[start..i];
            let next = expr[i..].iter().find(|b| !b.is_ascii_whitespace()).copied();
            if tok[0] == b':' {
                if tok.len() > 1 {
                    match &attr {
                        Some((t, r)) => out.push((tok.to_vec(), t.clone(), *r)),
                        None => waiting.push(tok.to_vec()),
                    }
                }
                continue;
            }
            let upper = tok.to_ascii_uppercase();
            match upper.as_slice() {
                b"SET" | b"REMOVE" | b"ADD" | b"DELETE" | b"OR" | b"NOT" | b"WHERE" => {
                    attr = None;
                    waiting.clear();
                    between = false;
                }
                b"AND" if between => between = false,
                b"AND" => {
                    attr = None;
                    waiting.clear();
                }
                b"BETWEEN" => between = true,
                b"IN" => {}
                _ if next == Some(b'(') => {} // a function name
                _ => {
                    let target = if tok[0] == b'#' {
                        Target::Name(tok.to_vec())
                    } else {
                        Target::Path(tok.to_vec())
                    };
                    let r = (start, i);
                    for w in waiting.drain(..) {
                        out.push((w, target.clone(), r));
                    }
                    // Inside a function's arguments the first attribute is the bound one.
                    if attr.is_none() || depth == 0 {
                        attr = Some((target, r));
                    }
                }
            }
            continue;
        }
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                attr = None;
                waiting.clear();
            }
            _ => {}
        }
        i += 1;
    }
}

/// `"#t": "api_key"` pairs anywhere in the line (any quoting depth).
fn attribute_names(kv: &KvScanner, line: &[u8], sc: &mut KvScratch) -> Vec<AttributeName> {
    let mut names = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'#', &line[from..]) {
        let at = from + i;
        from = at + 1;
        if at == 0 || !matches!(line[at - 1], b'"' | b'\'') {
            continue;
        }
        let mut end = at + 1;
        while end < line.len() && (line[end].is_ascii_alphanumeric() || line[end] == b'_') {
            end += 1;
        }
        if end == at + 1 || names.len() >= MAX_BINDINGS {
            continue;
        }
        if let Some((cs, ce)) = kv.string_value(line, (at, end), sc) {
            names.push((line[at..end].to_vec(), line[cs..ce].to_vec(), (cs, ce)));
        }
    }
    names
}

/// PartiQL: a `Statement` whose `?` sit in sensitive columns makes the same positions of its
/// `Parameters` secret (literal values in the statement are the key/value scanner's).
fn partiql(kv: &KvScanner, line: &[u8], sc: &mut KvScratch, out: &mut Vec<KvSpan>) {
    for at in substr::find_iter(line, b"Statement") {
        if at > 0 && line[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let Some((cs, ce)) = kv.string_value(line, (at, at + 9), sc) else {
            continue;
        };
        let facts = sql::analyze(kv, &line[cs..ce], 0);
        if facts.sensitive.is_empty() {
            continue;
        }
        // Its parameter list: the next `Parameters` key after the statement, else before it.
        let params = substr::find(&line[ce..], b"Parameters")
            .map(|p| ce + p)
            .or_else(|| memchr::memmem::rfind(&line[..at], b"Parameters"));
        let Some(p) = params else { continue };
        let Some(open) = line[p..]
            .iter()
            .take(16)
            .position(|&b| b == b'[')
            .map(|o| p + o)
        else {
            continue;
        };
        let classes = |i: usize| {
            facts
                .sensitive
                .iter()
                .find(|(idx, _)| *idx == i)
                .map(|(_, c)| *c)
        };
        let before = out.len();
        kv.scan_items(line, open, &classes, sc, out);
        for sp in &mut out[before..] {
            sp.note = Note::Column;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(expr: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        bind(expr.as_bytes(), &mut out);
        out.into_iter()
            .map(|(p, t, _)| {
                let t = match t {
                    Target::Path(p) | Target::Name(p) => p,
                };
                (String::from_utf8(p).unwrap(), String::from_utf8(t).unwrap())
            })
            .collect()
    }

    #[test]
    fn binds_assignments_comparisons_and_functions() {
        assert_eq!(
            bound("SET refresh_token = :rt, updated_at = :now"),
            [("rt", "refresh_token"), ("now", "updated_at")]
                .map(|(a, b)| (format!(":{a}"), b.to_string()))
        );
        assert_eq!(bound("#t = :v"), [(":v".to_string(), "#t".to_string())]);
        assert_eq!(
            bound(":v = api_key"),
            [(":v".to_string(), "api_key".to_string())]
        );
        assert_eq!(
            bound("begins_with(sk, :p) AND pk = :pk"),
            [
                (":p".to_string(), "sk".to_string()),
                (":pk".to_string(), "pk".to_string())
            ]
        );
        assert_eq!(
            bound("SET created = if_not_exists(created, :now), token = :t"),
            [
                (":now".to_string(), "created".to_string()),
                (":t".to_string(), "token".to_string())
            ]
        );
        assert_eq!(
            bound("n BETWEEN :a AND :b"),
            [
                (":a".to_string(), "n".to_string()),
                (":b".to_string(), "n".to_string())
            ]
        );
        assert_eq!(
            bound("refresh_token = :old AND attribute_exists(pk)"),
            [(":old".to_string(), "refresh_token".to_string())]
        );
    }
}
