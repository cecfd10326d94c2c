//! Rule files: the on-disk model (`patterns/*.toml`) and its compilation into [`Rule`]s.
//!
//! A rule file holds `[[rule]]` tables and, optionally, `[[key_kind]]` tables that name the
//! kind of a secret from the key it sits under (for rules with `kind_from_key = true`). Parsing
//! is strict: unknown keys are errors, every regex must compile and have a `secret` group, and
//! errors name the file and the rule at fault — never a line of log content.

use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;

use super::keyvalue::RawNames;
use super::validate::Validator;
use super::Error;

/// Upper bound on a compiled rule regex, so a user rule cannot balloon memory.
const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// Characters allowed in ids and kinds: they end up in placeholders and metric labels.
fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 48
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    key_kind: Vec<RawKeyKind>,
    #[serde(default)]
    rule: Vec<RawRule>,
    /// Additions to the key/value scanner's name table.
    #[serde(default)]
    names: Option<RawNames>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawKeyKind {
    contains: String,
    kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: toml::Spanned<String>,
    kind: String,
    description: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    regex: Option<String>,
    /// A rule whose matching is code, not a regex (`key-value`, …): see [`Scanner`].
    #[serde(default)]
    scanner: Option<String>,
    /// For the `context-keys` scanner: keys that hold a secret on lines with the keywords.
    #[serde(default)]
    context_keys: Vec<String>,
    #[serde(default)]
    validator: Option<String>,
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    kind_from_key: bool,
    #[serde(default)]
    values: Option<String>,
    #[serde(default)]
    block: Option<RawBlock>,
    #[serde(default)]
    window: Option<RawWindow>,
    #[serde(default)]
    examples: RawExamples,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    lead: usize,
    class: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawExamples {
    #[serde(default)]
    redact: Vec<String>,
    #[serde(default)]
    keep: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    #[serde(default)]
    end: Option<String>,
    body: String,
    max_lines: u32,
}

/// A multi-line continuation: after the rule matched a line without `end`, following lines
/// whose `body` regex matches are redacted (its `secret` group) until `end` or `max_lines`.
#[derive(Debug)]
pub struct Block {
    /// The line that closes the block; without one, only `body` and `max_lines` end it.
    pub end: Option<LazyRegex>,
    pub body: LazyRegex,
    pub max_lines: u32,
}

/// Where a match can start relative to the keywords the prefilter found, so the scrubber can
/// look only there: in every match, the bytes from the `lead`-th on up to the end of its first
/// keyword are all in `class`. Proved by [`super::coverage::prove_window`].
#[derive(Debug, Clone)]
pub struct Window {
    pub lead: usize,
    /// Byte set, indexed by byte.
    pub class: [bool; 256],
    /// The class as written in the rule file.
    pub class_src: String,
}

impl Window {
    /// The class as a regex matching one byte (`(?-u:[\x..])`), for building search automata.
    pub fn class_regex(&self) -> String {
        let mut s = String::from("(?-u:[");
        for b in 0..=255u8 {
            if self.class[b as usize] {
                s.push_str(&format!("\\x{b:02X}"));
            }
        }
        if s.ends_with('[') {
            return "(?-u:[^\\x00-\\xFF])".into(); // empty class: matches nothing
        }
        s.push_str("])");
        s
    }
}

/// Example lines shipped with a rule. In `redact` examples the secret is marked `«like this»`.
#[derive(Debug, Default, Clone)]
pub struct Examples {
    pub redact: Vec<String>,
    pub keep: Vec<String>,
}

/// A rule's `requires` literals, compiled once for the hot path.
#[derive(Debug)]
pub enum Requires {
    /// One Teddy pass for all of them: a rule may list a dozen tool names, on lines its
    /// 2-byte keywords hit often (`-p` in `kube-probe`), and a memmem pass each cost 2.7 % of
    /// the realistic mix's instructions.
    Teddy(aho_corasick::packed::Searcher),
    /// A memmem pass each, where the CPU has no Teddy.
    Each(Vec<memchr::memmem::Finder<'static>>),
}

impl Requires {
    fn new(literals: &[String]) -> Requires {
        Self::teddy(literals).unwrap_or_else(|| Self::each(literals))
    }

    fn teddy(literals: &[String]) -> Option<Requires> {
        aho_corasick::packed::Searcher::new(literals).map(Requires::Teddy)
    }

    fn each(literals: &[String]) -> Requires {
        Requires::Each(
            literals
                .iter()
                .map(|q| memchr::memmem::Finder::new(q.as_bytes()).into_owned())
                .collect(),
        )
    }

    /// Whether `line` holds one of the literals.
    pub fn found_in(&self, line: &[u8]) -> bool {
        match self {
            Requires::Teddy(s) => s.find(line).is_some(),
            Requires::Each(each) => each.iter().any(|f| f.find(line).is_some()),
        }
    }
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub kind: String,
    pub description: String,
    pub keywords: Vec<String>,
    /// A second, cheaper gate after the keywords: the rule runs only on lines that also hold
    /// one of these literals (exact bytes). Proved to cover the regex like the keywords.
    pub requires: Vec<String>,
    /// `requires`, compiled once for the hot path.
    pub requires_set: Option<Requires>,
    /// How the rule finds secrets: a regex, or a scanner in code.
    pub matcher: Matcher,
    pub validator: Validator,
    pub priority: i32,
    /// `(needle, kind)` pairs tried in order against the lower-cased key when set. For a
    /// scanner rule, the kinds its scanner reports, in the scanner's order.
    pub key_kinds: Vec<(String, String)>,
    /// For the `context-keys` scanner: the keys read as sensitive where the keywords occur,
    /// compiled once for the hot path.
    pub context_keys: Vec<memchr::memmem::Finder<'static>>,
    pub examples: Examples,
    /// Where the rule came from (`builtin:jwt.toml` or a path), for error messages.
    pub origin: String,
}

/// A rule's matching: data (a regex) where the shape is data, code where it is grammar.
#[derive(Debug)]
pub enum Matcher {
    Regex(Box<RegexMatcher>),
    Scanner(Scanner),
}

/// The scanners a rule can name in its `scanner` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanner {
    /// `key <op> value` in every syntax, keys judged as words (`engine::keyvalue`).
    KeyValue,
    /// The rule's `context_keys`, read like sensitive keys on lines holding its keywords.
    ContextKeys,
    /// DynamoDB expressions: placeholders bound to sensitive attributes (`engine::stores`).
    DynamoDbExpression,
    /// SQL statements: sensitive columns' literals and bound parameters (`engine::stores`).
    Sql,
}

impl Scanner {
    pub const NAMES: &'static [&'static str] =
        &["key-value", "context-keys", "dynamodb-expression", "sql"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "key-value" => Some(Scanner::KeyValue),
            "context-keys" => Some(Scanner::ContextKeys),
            "dynamodb-expression" => Some(Scanner::DynamoDbExpression),
            "sql" => Some(Scanner::Sql),
            _ => None,
        }
    }
}

/// A rule regex, compiled on first use. A rule set holds a few hundred regexes and compiling
/// them all was ~60 % of start-up (113 M of 181 M instructions) while a log stream needs few
/// of them. Its syntax and groups are checked when the rule is parsed; whether it compiles
/// within the size limit is checked when a user's rule file is parsed ([`parse`]), and for the
/// built-in rules by a test ([`parse_builtin`] leaves them to compile on first use).
#[derive(Debug)]
pub struct LazyRegex {
    pattern: String,
    compiled: std::sync::OnceLock<Regex>,
}

impl LazyRegex {
    /// Check `pattern`'s syntax (as [`compile_regex`] reads it) without compiling it; returns
    /// the regex and its capture groups' names by index (index 0, the whole match, unnamed).
    fn parse(pattern: &str) -> Result<(LazyRegex, Vec<Option<String>>), String> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .map_err(|e| e.to_string())?;
        let mut names = vec![None];
        capture_names(&hir, &mut names);
        let regex = LazyRegex {
            pattern: pattern.to_string(),
            compiled: std::sync::OnceLock::new(),
        };
        Ok((regex, names))
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Compile now (if not yet), reporting a failure.
    pub fn compile(&self) -> Result<&Regex, regex::Error> {
        if let Some(re) = self.compiled.get() {
            return Ok(re);
        }
        let re = compile_regex(&self.pattern)?;
        Ok(self.compiled.get_or_init(|| re))
    }

    /// The compiled regex. Its syntax was checked when the rule was parsed, and its size too
    /// for a user's file ([`parse`]); every built-in one compiles (a test), so this cannot fail.
    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            compile_regex(&self.pattern)
                .unwrap_or_else(|e| panic!("a rule regex checked at load failed to compile: {e}"))
        })
    }
}

/// Capture group names of `hir`, by group index, into `names`.
fn capture_names(hir: &regex_syntax::hir::Hir, names: &mut Vec<Option<String>>) {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(c) => {
            let i = c.index as usize;
            if names.len() <= i {
                names.resize(i + 1, None);
            }
            names[i] = c.name.as_deref().map(str::to_string);
            capture_names(&c.sub, names);
        }
        HirKind::Repetition(r) => capture_names(&r.sub, names),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            for sub in subs {
                capture_names(sub, names);
            }
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
    }
}

/// A regex rule's parts.
#[derive(Debug)]
pub struct RegexMatcher {
    pub regex: LazyRegex,
    /// Indices of the `secret` / `secret_*` capture groups: one regex may spell several
    /// syntaxes as alternatives, each with its own group; the one that took part is the secret.
    pub secret_groups: Vec<usize>,
    /// Indices of the optional `key` / `key_*` groups (for validators and `kind_from_key`).
    pub key_groups: Vec<usize>,
    /// For lists: when set, the `secret` group of `regex` is a region and every match of
    /// `values` (its `secret*` group) inside it is a secret of its own.
    pub values: Option<(LazyRegex, Vec<usize>)>,
    pub block: Option<Block>,
    /// Where matches can start relative to keyword hits (proved), if declared.
    pub window: Option<Window>,
}

impl Rule {
    /// Compile every regex of the rule now, so a pattern over the size limit is reported
    /// when its file is parsed rather than met on a line.
    pub fn compile(&self) -> Result<(), String> {
        let Some(m) = self.regex() else {
            return Ok(());
        };
        let block = m.block.as_ref();
        let all = [Some(&m.regex), m.values.as_ref().map(|(v, _)| v)]
            .into_iter()
            .chain([block.and_then(|b| b.end.as_ref()), block.map(|b| &b.body)]);
        for (what, re) in ["regex", "values", "block.end", "block.body"]
            .iter()
            .zip(all)
        {
            if let Some(re) = re {
                re.compile().map_err(|e| format!("bad {what}: {e}"))?;
            }
        }
        Ok(())
    }

    /// The regex parts, for a regex rule.
    pub fn regex(&self) -> Option<&RegexMatcher> {
        match &self.matcher {
            Matcher::Regex(m) => Some(m),
            Matcher::Scanner(_) => None,
        }
    }

    pub fn scanner(&self) -> Option<Scanner> {
        match &self.matcher {
            Matcher::Scanner(s) => Some(*s),
            Matcher::Regex(_) => None,
        }
    }
}

impl Rule {
    /// Every kind this rule can report (for metrics pre-registration and listings).
    pub fn kinds(&self) -> Vec<&str> {
        let mut kinds = vec![self.kind.as_str()];
        for (_, k) in &self.key_kinds {
            if !kinds.contains(&k.as_str()) {
                kinds.push(k);
            }
        }
        kinds
    }
}

/// Compile a pattern the way every rule regex is compiled: bytes, no Unicode classes (so
/// non-UTF-8 input is matched byte-wise), bounded size.
pub fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// Parse and compile one rule file's text. `origin` names it in errors.
pub fn parse_file(origin: &str, text: &str) -> Result<Vec<Rule>, Error> {
    parse(origin, text).map(|(rules, _)| rules)
}

/// Parse one rule file: its rules, every regex compiled (so one over the size limit is refused
/// here, naming the file and rule), and its additions to the key/value name table.
pub fn parse(origin: &str, text: &str) -> Result<(Vec<Rule>, Option<RawNames>), Error> {
    parse_with(origin, text, true)
}

/// [`parse`] for a rule file compiled into the binary: its regexes compile when first needed
/// (a test compiles every one).
pub(crate) fn parse_builtin(
    origin: &str,
    text: &str,
) -> Result<(Vec<Rule>, Option<RawNames>), Error> {
    parse_with(origin, text, false)
}

fn parse_with(
    origin: &str,
    text: &str,
    compile: bool,
) -> Result<(Vec<Rule>, Option<RawNames>), Error> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(origin, text, &e))?;
    if let Some(n) = &raw.names {
        n.validate().map_err(|reason| Error::RuleFile {
            origin: origin.to_string(),
            reason,
        })?;
    }
    for kk in &raw.key_kind {
        if !is_label(&kk.kind) || kk.contains.is_empty() {
            return Err(Error::RuleFile {
                origin: origin.to_string(),
                reason: format!(
                    "key_kind {:?}: kind must be [a-z0-9_-]{{1,48}} and contains non-empty",
                    kk.kind
                ),
            });
        }
    }
    for (i, r) in raw.rule.iter().enumerate() {
        if let Some(first) = raw.rule[..i]
            .iter()
            .find(|x| x.id.get_ref() == r.id.get_ref())
        {
            let at = |id: &toml::Spanned<String>| {
                let (line, col) = line_col(text, id.span().start);
                format!("{origin}:{line}:{col}")
            };
            return Err(Error::DuplicateId {
                id: r.id.get_ref().clone(),
                first: at(&first.id),
                second: at(&r.id),
            });
        }
    }
    let rules = raw
        .rule
        .into_iter()
        .map(|r| compile_rule(origin, r, &raw.key_kind))
        .collect::<Result<Vec<_>, _>>()?;
    for r in rules.iter().filter(|_| compile) {
        r.compile().map_err(|reason| Error::Rule {
            origin: origin.to_string(),
            rule: r.id.clone(),
            reason,
        })?;
    }
    Ok((rules, raw.names))
}

/// A TOML error at `origin:LINE:COL` (the toml crate gives a byte span), as config errors are.
fn toml_error(origin: &str, text: &str, e: &toml::de::Error) -> Error {
    let origin = match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{origin}:{line}:{col}")
        }
        None => origin.to_string(),
    };
    Error::RuleFile {
        origin,
        reason: e.message().to_string(),
    }
}

/// 1-based line and column of byte offset `at` in `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = at
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

fn compile_rule(origin: &str, r: RawRule, key_kinds: &[RawKeyKind]) -> Result<Rule, Error> {
    let fail = |reason: String| Error::Rule {
        origin: origin.to_string(),
        rule: r.id.get_ref().clone(),
        reason,
    };
    if !is_label(r.id.get_ref()) {
        return Err(fail("id must be 1-48 characters of [a-z0-9_-]".into()));
    }
    if !is_label(&r.kind) {
        return Err(fail(format!(
            "kind {:?} must be 1-48 characters of [a-z0-9_-]",
            r.kind
        )));
    }
    if r.keywords.iter().chain(&r.requires).any(|k| k.is_empty()) {
        return Err(fail(
            "keywords and requires must not be empty strings".into(),
        ));
    }
    let validator = match &r.validator {
        None => Validator::None,
        Some(v) => Validator::from_name(v).ok_or_else(|| {
            fail(format!(
                "unknown validator {v:?} (known: {})",
                Validator::NAMES.join(", ")
            ))
        })?,
    };
    if !r.context_keys.is_empty() && r.scanner.is_none() {
        return Err(fail(
            "context_keys is only allowed with scanner = \"context-keys\"".into(),
        ));
    }
    let (regex_src, scanner) = match (&r.regex, &r.scanner) {
        (Some(re), None) => (re.clone(), None),
        (None, Some(name)) => {
            let s = Scanner::from_name(name).ok_or_else(|| {
                fail(format!(
                    "unknown scanner {name:?} (known: {})",
                    Scanner::NAMES.join(", ")
                ))
            })?;
            if r.keywords.is_empty() {
                return Err(fail(
                    "a scanner rule needs keywords (its entry points)".into(),
                ));
            }
            if r.values.is_some()
                || r.block.is_some()
                || r.window.is_some()
                || r.kind_from_key
                || !r.requires.is_empty()
            {
                return Err(fail(
                    "values, block, window, requires and kind_from_key are for regex rules".into(),
                ));
            }
            if (s == Scanner::ContextKeys) == r.context_keys.is_empty() {
                return Err(fail("context_keys is required by, and only allowed with, scanner = \"context-keys\"".into()));
            }
            if r.context_keys.iter().any(|k| {
                k.is_empty()
                    || k.len() > 64
                    || !k
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            }) {
                return Err(fail(
                    "context_keys entries must be 1-64 characters of [A-Za-z0-9_-]".into(),
                ));
            }
            (String::new(), Some(s))
        }
        (Some(_), Some(_)) => {
            return Err(fail(
                "a rule has either `regex` or `scanner`, not both".into(),
            ))
        }
        (None, None) => return Err(fail("a rule needs `regex` (or `scanner`)".into())),
    };
    if let Some(s) = scanner {
        for ex in &r.examples.redact {
            if unmark(ex).is_none() {
                return Err(fail(format!(
                    "examples.redact entry has no well-formed «secret» marks: {:?}",
                    truncate(ex)
                )));
            }
        }
        return Ok(Rule {
            id: r.id.into_inner(),
            kind: r.kind,
            description: r.description,
            keywords: r.keywords,
            requires_set: None,
            requires: Vec::new(),
            matcher: Matcher::Scanner(s),
            validator,
            priority: r.priority,
            key_kinds: Vec::new(),
            context_keys: r
                .context_keys
                .iter()
                .map(|k| memchr::memmem::Finder::new(k.as_bytes()).into_owned())
                .collect(),
            examples: Examples {
                redact: r.examples.redact,
                keep: r.examples.keep,
            },
            origin: origin.to_string(),
        });
    }
    let (regex, names) =
        LazyRegex::parse(&regex_src).map_err(|e| fail(format!("bad regex: {e}")))?;
    let secret_groups = named_groups(&names, "secret");
    if secret_groups.is_empty() {
        return Err(fail("regex has no named group `secret`".into()));
    }
    let key_groups = named_groups(&names, "key");
    let values = match &r.values {
        None => None,
        Some(v) => {
            let (re, names) =
                LazyRegex::parse(v).map_err(|e| fail(format!("bad values regex: {e}")))?;
            let groups = named_groups(&names, "secret");
            if groups.is_empty() {
                return Err(fail("values regex has no named group `secret`".into()));
            }
            Some((re, groups))
        }
    };
    if r.kind_from_key && key_groups.is_empty() {
        return Err(fail(
            "kind_from_key needs a named group `key` in the regex".into(),
        ));
    }
    let key_kinds = if r.kind_from_key {
        key_kinds
            .iter()
            .map(|k| (k.contains.to_ascii_lowercase(), k.kind.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let block = match r.block {
        None => None,
        Some(b) => {
            let end = match &b.end {
                None => None,
                Some(end) => Some(
                    LazyRegex::parse(end)
                        .map_err(|e| fail(format!("bad block.end regex: {e}")))?
                        .0,
                ),
            };
            let (body, body_names) = LazyRegex::parse(&b.body)
                .map_err(|e| fail(format!("bad block.body regex: {e}")))?;
            if !body_names.iter().any(|n| n.as_deref() == Some("secret")) {
                return Err(fail("block.body regex has no named group `secret`".into()));
            }
            if b.max_lines == 0 || b.max_lines > 10_000 {
                return Err(fail("block.max_lines must be in 1..=10000".into()));
            }
            Some(Block {
                end,
                body,
                max_lines: b.max_lines,
            })
        }
    };
    let window = match &r.window {
        None => None,
        Some(w) => {
            if r.keywords.is_empty() {
                return Err(fail("window needs keywords".into()));
            }
            let one = compile_regex(&format!("^(?:{})$", w.class))
                .map_err(|e| fail(format!("bad window.class: {e}")))?;
            let mut class = [false; 256];
            for b in 0..=255u8 {
                class[b as usize] = one.is_match(&[b]);
            }
            if w.lead > 64 {
                return Err(fail("window.lead must be at most 64".into()));
            }
            Some(Window {
                lead: w.lead,
                class,
                class_src: w.class.clone(),
            })
        }
    };
    for ex in &r.examples.redact {
        if unmark(ex).is_none() {
            return Err(fail(format!(
                "examples.redact entry has no well-formed «secret» marks: {:?}",
                truncate(ex)
            )));
        }
    }
    let requires_set = match &r.requires[..] {
        [] => None,
        requires => Some(Requires::new(requires)),
    };
    Ok(Rule {
        id: r.id.into_inner(),
        kind: r.kind,
        description: r.description,
        keywords: r.keywords,
        requires_set,
        requires: r.requires,
        matcher: Matcher::Regex(Box::new(RegexMatcher {
            regex,
            secret_groups,
            key_groups,
            values,
            block,
            window,
        })),
        validator,
        priority: r.priority,
        key_kinds,
        context_keys: Vec::new(),
        examples: Examples {
            redact: r.examples.redact,
            keep: r.examples.keep,
        },
        origin: origin.to_string(),
    })
}

/// Indices of the groups named `base` or `base_*`: one regex may spell several syntaxes as
/// alternatives, each with its own group.
fn named_groups(names: &[Option<String>], base: &str) -> Vec<usize> {
    let prefix = format!("{base}_");
    names
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            n.as_deref()
                .is_some_and(|n| n == base || n.starts_with(&prefix))
        })
        .map(|(i, _)| i)
        .collect()
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

/// The rule files compiled into the binary, as `(file name, text)`.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("jwt.toml", include_str!("../../patterns/jwt.toml")),
    (
        "http-auth.toml",
        include_str!("../../patterns/http-auth.toml"),
    ),
    ("cookies.toml", include_str!("../../patterns/cookies.toml")),
    (
        "url-params.toml",
        include_str!("../../patterns/url-params.toml"),
    ),
    ("aws.toml", include_str!("../../patterns/aws.toml")),
    (
        "uri-credentials.toml",
        include_str!("../../patterns/uri-credentials.toml"),
    ),
    (
        "private-keys.toml",
        include_str!("../../patterns/private-keys.toml"),
    ),
    (
        "keyvalue.toml",
        include_str!("../../patterns/keyvalue.toml"),
    ),
    (
        "token-formats.toml",
        include_str!("../../patterns/token-formats.toml"),
    ),
    ("names.toml", include_str!("../../patterns/names.toml")),
    ("stores.toml", include_str!("../../patterns/stores.toml")),
    ("cli.toml", include_str!("../../patterns/cli.toml")),
    (
        "mail-protocols.toml",
        include_str!("../../patterns/mail-protocols.toml"),
    ),
];

/// Strip `«`/`»` marks from an example, returning the text and the marked byte ranges.
/// `None` if the marks are unbalanced, nested or absent.
pub fn unmark(marked: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let mut text = String::with_capacity(marked.len());
    let mut ranges = Vec::new();
    let mut open = None;
    for c in marked.chars() {
        match c {
            '«' if open.is_none() => open = Some(text.len()),
            '»' => {
                let s = open.take()?;
                if s == text.len() {
                    return None;
                }
                ranges.push((s, text.len()));
            }
            '«' => return None,
            c => text.push(c),
        }
    }
    (open.is_none() && !ranges.is_empty()).then_some((text, ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ways of finding `requires` give the same answer: Teddy where the CPU has it, a
    /// memmem pass each elsewhere.
    #[test]
    fn requires_found_alike_by_teddy_and_by_each_literal() {
        let literals: Vec<String> = ["ldap", "zip", "7z", "az", "docker", "--password-stdin"]
            .map(String::from)
            .to_vec();
        let each = Requires::each(&literals);
        let teddy = Requires::teddy(&literals);
        let lines: [&[u8]; 9] = [
            b"",
            b"7",
            b"az",
            b"kube-probe/1.28 -p",
            b"ldapsearch -x -w pw",
            b"unzip -P s3cret a.zip",
            b"docker login -u u --password-stdin",
            b"AZ LOGIN -p x",
            b"echo pw | podman login -u u -p x registry",
        ];
        for line in lines {
            let want = literals
                .iter()
                .any(|l| memchr::memmem::find(line, l.as_bytes()).is_some());
            assert_eq!(
                each.found_in(line),
                want,
                "{:?}",
                line.escape_ascii().to_string()
            );
            if let Some(t) = &teddy {
                assert_eq!(
                    t.found_in(line),
                    want,
                    "{:?}",
                    line.escape_ascii().to_string()
                );
            }
        }
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("ssse3") {
            assert!(teddy.is_some(), "Teddy is built where the CPU has SSSE3");
        }
    }

    /// Two rules of one file with the same id: the error names both places.
    #[test]
    fn a_duplicate_id_in_one_file_names_both_lines() {
        let rule = "[[rule]]\nid = \"d1\"\nkind = \"x\"\ndescription = \"d\"\n\
                    keywords = [\"k\"]\nregex = '''k(?P<secret>\\w{9})'''\n";
        let err = parse_file("user.toml", &format!("{rule}\n{rule}"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "rule id \"d1\" defined twice: in user.toml:2:6 and in user.toml:9:6"
        );
    }

    /// A user's rule file is compiled when parsed: a regex over the size limit is an error
    /// naming the file and rule, never a panic when a line first needs it.
    #[test]
    fn oversized_regex_is_refused_when_parsed_and_builtins_compile_lazily() {
        let text = "[[rule]]\nid = \"huge\"\nkind = \"x\"\ndescription = \"d\"\n\
                    keywords = [\"k\"]\nregex = '''k(?P<secret>\\w{1000}){1000}'''\n";
        let err = parse_file("user.toml", text).unwrap_err().to_string();
        assert!(
            err.starts_with("user.toml:huge: bad regex") && err.contains("size limit"),
            "{err}"
        );
        let (rules, _) = parse_builtin("builtin:test", text).unwrap();
        let Matcher::Regex(m) = &rules[0].matcher else {
            panic!("a regex rule")
        };
        assert!(m.regex.compiled.get().is_none());
    }
}
