//! Property test of the key/value scanner over the space it claims (README "What scrubd
//! guarantees"): a sensitive key spelled in any case style, in any assignment syntax, at JSON
//! escape depth 0–3, as a plain, typed (`{"S": …}`) or listed value, among other fields — the
//! value is replaced by one placeholder, every other byte comes back unchanged, JSON stays JSON
//! at every depth, and a second pass changes nothing.

use crate::engine::examples::scrub_text;
use crate::engine::{Mode, RuleSet, Scrubber};
use proptest::prelude::*;
use std::sync::{Arc, LazyLock};

static SCRUBBER: LazyLock<Scrubber> =
    LazyLock::new(|| Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask));

/// Stands for the value while the line is built; no syntax escapes it.
const MARK: &str = "VALUEMARK";

const KEYS: &[&[&str]] = &[
    &["api", "key"],
    &["client", "secret"],
    &["db", "password"],
    &["refresh", "token"],
    &["session", "token"],
    &["auth", "token"],
    &["private", "key"],
    &["access", "token"],
    &["secret"],
    &["password"],
    &["csrf", "token"],
    &["signing", "key"],
    &["stripe", "secret", "key"],
    &["partner", "api", "key"],
];

fn spell(words: &[&str], style: u8) -> String {
    let cap = |w: &str| w[..1].to_uppercase() + &w[1..];
    match style % 5 {
        0 => words.join("_"),
        1 => words.join("-"),
        2 => words.join("_").to_uppercase(),
        3 => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.to_string() } else { cap(w) })
            .collect(),
        _ => words.iter().map(|w| cap(w)).collect(),
    }
}

/// A generated credential: letters of both cases and digits, then any printable ASCII.
fn secret(quoted: bool) -> impl Strategy<Value = String> {
    let tail = if quoted {
        "[ -~]{6,24}"
    } else {
        "[A-Za-z0-9_.+/=!@#$%^*-]{6,24}"
    };
    // Documented policies, not holes: `***` and `...` inside a value read as another tool's
    // mask; a value shaped like an e-mail address is an address.
    ("[A-Z][a-z][0-9][A-Za-z0-9]{5}", tail)
        .prop_map(|(a, b)| a + &b)
        .prop_filter("masked or address", |s| {
            !s.contains("**") && !s.contains("..") && !s.contains('@')
        })
}

/// JSON string escaping without the quotes.
fn esc(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap();
    q[1..q.len() - 1].to_string()
}

#[derive(Debug, Clone, Copy)]
enum Syntax {
    Json,
    JsonTyped,
    JsonList,
    PyRepr,
    Ruby,
    Logfmt,
    LogfmtQuoted,
    Env,
    Header,
    Xml,
    XmlAttr,
    Yaml,
    Flag,
    FlagEquals,
}

const SYNTAXES: &[Syntax] = &[
    Syntax::Json,
    Syntax::JsonTyped,
    Syntax::JsonList,
    Syntax::PyRepr,
    Syntax::Ruby,
    Syntax::Logfmt,
    Syntax::LogfmtQuoted,
    Syntax::Env,
    Syntax::Header,
    Syntax::Xml,
    Syntax::XmlAttr,
    Syntax::Yaml,
    Syntax::Flag,
    Syntax::FlagEquals,
];

impl Syntax {
    fn json(self) -> bool {
        matches!(self, Syntax::Json | Syntax::JsonTyped | Syntax::JsonList)
    }

    fn quoted(self) -> bool {
        self.json() || matches!(self, Syntax::PyRepr | Syntax::Ruby | Syntax::LogfmtQuoted)
    }

    /// The line with `MARK` where the value goes, and how the value is written there.
    fn line(self, key: &str, flag_key: &str, value: &str) -> (String, String) {
        match self {
            Syntax::Json => (
                format!(r#"{{"user": "bob", "{key}": "{MARK}", "n": 3}}"#),
                esc(value),
            ),
            Syntax::JsonTyped => (
                format!(r#"{{"Item": {{"id": {{"S": "u1"}}, "{key}": {{"S": "{MARK}"}}}}}}"#),
                esc(value),
            ),
            Syntax::JsonList => (
                format!(r#"{{"{key}": ["{MARK}"], "ok": true}}"#),
                esc(value),
            ),
            Syntax::PyRepr => (
                format!("{{'user': 'bob', '{key}': '{MARK}', 'n': 3}}"),
                value.replace('\\', "\\\\").replace('\'', "\\'"),
            ),
            Syntax::Ruby => (
                format!(r#"Parameters: {{"user"=>"bob", "{key}"=>"{MARK}"}}"#),
                value.replace('\\', "\\\\").replace('"', "\\\""),
            ),
            Syntax::Logfmt => (format!("level=info {key}={MARK} user=bob"), value.into()),
            Syntax::LogfmtQuoted => (
                format!(r#"level=info {key}="{MARK}" user=bob"#),
                value.replace('\\', "\\\\").replace('"', "\\\""),
            ),
            Syntax::Env => (
                format!("export {}={MARK}", key.to_uppercase().replace('-', "_")),
                value.into(),
            ),
            Syntax::Header => (format!("X-{flag_key}: {MARK}"), value.into()),
            Syntax::Xml => (
                format!("<req><user>bob</user><{key}>{MARK}</{key}></req>"),
                value.replace('&', "&amp;").replace('<', "&lt;"),
            ),
            Syntax::XmlAttr => (
                format!(r#"<cfg user="bob" {key}="{MARK}"/>"#),
                value
                    .replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('<', "&lt;"),
            ),
            Syntax::Yaml => (format!("  {key}: {MARK}"), value.into()),
            Syntax::Flag => (
                format!("app serve --{flag_key} {MARK} --port 80"),
                value.into(),
            ),
            Syntax::FlagEquals => (
                format!("app serve --{flag_key}={MARK} --port 80"),
                value.into(),
            ),
        }
    }
}

/// Wrap a JSON document as a string field of another, `depth` times.
fn nest(doc: &str, depth: usize) -> String {
    let mut d = doc.to_string();
    for i in 0..depth {
        d = format!(
            r#"{{"level": "debug", "msg{i}": {}}}"#,
            serde_json::to_string(&d).unwrap()
        );
    }
    d
}

/// Parse `text` as JSON and every string field that is itself a JSON object, `depth` levels.
fn json_at_every_depth(text: &str, depth: usize) -> Result<(), String> {
    let mut v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("{e}: {text}"))?;
    for i in (0..depth).rev() {
        let inner = v[format!("msg{i}")]
            .as_str()
            .ok_or("nested field lost")?
            .to_string();
        v = serde_json::from_str(&inner).map_err(|e| format!("depth {i}: {e}: {inner}"))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn sensitive_value_goes_and_nothing_else_changes(
        k in 0..KEYS.len(),
        style in 0u8..5,
        sx in 0..SYNTAXES.len(),
        depth in 0usize..4,
        quoted_secret in secret(true),
        bare_secret in secret(false),
    ) {
        let syntax = SYNTAXES[sx];
        let key = spell(KEYS[k], style);
        let flag_key = spell(KEYS[k], 1);
        let value = if syntax.quoted() { quoted_secret } else { bare_secret };
        let (template, written) = syntax.line(&key, &flag_key, &value);
        let depth = if syntax.json() { depth } else { 0 };
        let doc = nest(&template, depth);
        // The value as it appears at that depth: escaped once per enclosing string.
        let mut at_depth = written.clone();
        for _ in 0..depth {
            at_depth = esc(&at_depth);
        }
        let (prefix, suffix) = doc.split_once(MARK).unwrap();
        let text = format!("{prefix}{at_depth}{suffix}");

        let out = scrub_text(&SCRUBBER, &text);
        prop_assert!(out.starts_with(prefix) && out.ends_with(suffix),
            "bytes around the value changed:\n  in:  {text}\n  out: {out}");
        let middle = &out[prefix.len()..out.len() - suffix.len()];
        prop_assert!(middle.starts_with("[REDACTED:") && middle.ends_with(']') && !middle[1..].contains('['),
            "value not replaced by one placeholder:\n  in:  {text}\n  out: {out}");
        if syntax.json() {
            prop_assert!(json_at_every_depth(&out, depth).is_ok(), "{:?}", json_at_every_depth(&out, depth));
        }
        prop_assert_eq!(scrub_text(&SCRUBBER, &out), out.clone(), "not idempotent");
    }
}
