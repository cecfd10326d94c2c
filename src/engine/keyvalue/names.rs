//! Key names as words: is `login_password`, `X-Partner-Key` or `stripeSecretKey` the name of a
//! secret, and of which kind? The table is data (`patterns/names.toml`, user `[names]` tables);
//! this module splits a key into words and applies it. See the TOML file for the rules.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The name tables are looked up several times per key on every keyword line; SipHash's
/// DoS resistance buys nothing for a fixed table of short words and cost ~2 % of the filter.
type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<WordHasher>>;
type HashSet<K> = std::collections::HashSet<K, BuildHasherDefault<WordHasher>>;

/// FxHash (rustc's hasher): a multiply-rotate per 8 bytes.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().unwrap());
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        let mut tail = 0u64;
        for (i, &b) in chunks.remainder().iter().enumerate() {
            tail |= (b as u64) << (8 * i);
        }
        self.0 = (self.0.rotate_left(5) ^ tail).wrapping_mul(K);
    }

    fn write_usize(&mut self, n: usize) {
        self.write(&n.to_le_bytes());
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Longest key the scanner looks at; longer identifiers are not keys.
pub(crate) const MAX_KEY: usize = 96;
/// Most words a key is split into.
const MAX_WORDS: usize = 16;

/// The `[names]` table of a rule file, as written.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawNames {
    #[serde(default)]
    words: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    roots: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    suffixes: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    key_qualifiers: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    id_qualifiers: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    code_qualifiers: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    answer_qualifiers: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    compound_kinds: Vec<RawCompound>,
    #[serde(default)]
    benign_words: Vec<String>,
    #[serde(default)]
    benign_heads: Vec<String>,
    #[serde(default)]
    benign_modifiers: Vec<String>,
    #[serde(default)]
    benign_keys: Vec<String>,
    #[serde(default)]
    operator_keys: Vec<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawCompound {
    words: Vec<String>,
    kind: String,
}

impl RawNames {
    /// Every entry whose presence in a key makes it sensitive: each must contain a keyword of
    /// the key-value rule, or the prefilter could skip a line holding such a key.
    pub fn sensitive_entries(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for t in [&self.words, &self.roots, &self.suffixes] {
            v.extend(t.values().flatten().cloned());
        }
        // `<q> key` needs `key`; `<q> id` needs the qualifier itself.
        if self.key_qualifiers.values().any(|q| !q.is_empty()) {
            v.push("key".into());
        }
        v.extend(self.id_qualifiers.values().flatten().cloned());
        // `<q> code` needs `<q>code`, `<q>_code` or `<q> code` (the spellings a key can take; a
        // keyword of the qualifier alone would fire on every `backup` and `recovery` of a log).
        // `<q> code` in prose (`confirmation code for … is 839201`) needs `<q> code`.
        for q in self.code_qualifiers.values().flatten() {
            v.push(format!("{q}code"));
            v.push(format!("{q}_code"));
            v.push(format!("{q} code"));
        }
        // `<q> answer` likewise (`security answer`, `challengeAnswer`).
        for q in self.answer_qualifiers.values().flatten() {
            v.push(format!("{q}answer"));
            v.push(format!("{q}_answer"));
            v.push(format!("{q} answer"));
        }
        v
    }

    /// Entries must be lower-case words of `[a-z0-9]` (what [`split`] produces), kinds labels.
    pub fn validate(&self) -> Result<(), String> {
        let word = |w: &str| {
            !w.is_empty()
                && w.len() <= 32
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        };
        let kind = |k: &str| {
            !k.is_empty()
                && k.len() <= 48
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        };
        for (table, t) in [
            ("words", &self.words),
            ("roots", &self.roots),
            ("suffixes", &self.suffixes),
            ("key_qualifiers", &self.key_qualifiers),
            ("id_qualifiers", &self.id_qualifiers),
            ("code_qualifiers", &self.code_qualifiers),
            ("answer_qualifiers", &self.answer_qualifiers),
        ] {
            for (k, ws) in t {
                if !kind(k) {
                    return Err(format!(
                        "names.{table}: kind {k:?} must be [a-z0-9_-]{{1,48}}"
                    ));
                }
                if let Some(w) = ws.iter().find(|w| !word(w)) {
                    return Err(format!(
                        "names.{table}.{k}: {w:?} must be one lower-case word of [a-z0-9]"
                    ));
                }
            }
        }
        for c in &self.compound_kinds {
            if !kind(&c.kind) || c.words.len() != 2 || !c.words.iter().all(|w| word(w)) {
                return Err(format!(
                    "names.compound_kinds: {:?} needs two lower-case words and a [a-z0-9_-] kind",
                    c.words
                ));
            }
        }
        for (table, list) in [
            ("benign_words", &self.benign_words),
            ("benign_heads", &self.benign_heads),
            ("benign_modifiers", &self.benign_modifiers),
            ("operator_keys", &self.operator_keys),
        ] {
            if let Some(w) = list.iter().find(|w| !word(w)) {
                return Err(format!(
                    "names.{table}: {w:?} must be one lower-case word of [a-z0-9]"
                ));
            }
        }
        if let Some(k) = self
            .benign_keys
            .iter()
            .find(|k| k.split(' ').any(|w| !word(w)))
        {
            return Err(format!(
                "names.benign_keys: {k:?} must be lower-case words separated by single spaces"
            ));
        }
        Ok(())
    }

    /// Add `other`'s entries to these.
    pub fn extend(&mut self, other: &RawNames) {
        for (mine, theirs) in [
            (&mut self.words, &other.words),
            (&mut self.roots, &other.roots),
            (&mut self.suffixes, &other.suffixes),
            (&mut self.key_qualifiers, &other.key_qualifiers),
            (&mut self.id_qualifiers, &other.id_qualifiers),
            (&mut self.code_qualifiers, &other.code_qualifiers),
            (&mut self.answer_qualifiers, &other.answer_qualifiers),
        ] {
            for (k, v) in theirs {
                mine.entry(k.clone()).or_default().extend(v.iter().cloned());
            }
        }
        self.compound_kinds
            .extend(other.compound_kinds.iter().cloned());
        self.benign_words.extend(other.benign_words.iter().cloned());
        self.benign_heads.extend(other.benign_heads.iter().cloned());
        self.benign_modifiers
            .extend(other.benign_modifiers.iter().cloned());
        self.benign_keys.extend(other.benign_keys.iter().cloned());
        self.operator_keys
            .extend(other.operator_keys.iter().cloned());
    }
}

/// The compiled name table.
#[derive(Debug, Default)]
pub struct Names {
    /// Kind names; [`KeyClass::kind`] indexes this.
    kinds: Vec<String>,
    words: HashMap<Box<[u8]>, u16>,
    roots: Vec<(Box<[u8]>, u16)>,
    suffixes: Vec<(Box<[u8]>, u16)>,
    key_qualifiers: HashMap<Box<[u8]>, u16>,
    id_qualifiers: HashMap<Box<[u8]>, u16>,
    code_qualifiers: HashMap<Box<[u8]>, u16>,
    answer_qualifiers: HashMap<Box<[u8]>, u16>,
    compounds: Vec<([Box<[u8]>; 2], u16)>,
    benign_words: HashSet<Box<[u8]>>,
    benign_heads: HashSet<Box<[u8]>>,
    benign_modifiers: HashSet<Box<[u8]>>,
    benign_keys: Vec<Vec<Box<[u8]>>>,
    operator_keys: HashSet<Box<[u8]>>,
    kind_password: Option<u16>,
    kind_code: Option<u16>,
    /// Tells this table's cached verdicts from another's (see [`VERDICTS`]).
    id: u64,
}

thread_local! {
    /// Verdicts of the keys last judged on this thread, and the [`Names::id`] they were judged
    /// by. A log names the same few dozen keys on line after line, so most keys are judged
    /// once; judging one means splitting it into words and trying every root, suffix and
    /// benign phrase.
    static VERDICTS: std::cell::RefCell<(u64, VerdictCache)> =
        std::cell::RefCell::new((0, HashMap::default()));
}
/// Key bytes → verdict.
type VerdictCache = HashMap<Box<[u8]>, Verdict>;
/// Longer keys are judged every time (they are rare and would crowd the cache).
const CACHED_KEY_MAX: usize = 64;
/// The cache is emptied when it holds this many keys (a log whose keys never repeat).
const CACHED_KEYS: usize = 4096;
static NEXT_NAMES_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyClass {
    /// Index into [`Names::kinds`].
    pub kind: u16,
    /// A human-chosen secret (password family): any non-placeholder value counts.
    pub password: bool,
    /// A one-time code (`otp`, `verification_code`, `recovery_codes`): short values count
    /// when they look like a code (digits, or letters and digits), never plain words.
    pub code: bool,
    /// A cookie header: its value is a list of `name=value` pairs, judged one by one.
    pub cookie: bool,
    /// An authorization header: its value is `<scheme> <credentials>`.
    pub auth: bool,
}

impl KeyClass {
    /// No class: a carry that has not met its name yet.
    pub const NONE: KeyClass = KeyClass {
        kind: 0,
        password: false,
        code: false,
        cookie: false,
        auth: false,
    };
}

/// The kind whose values are judged as one-time codes ([`KeyClass::code`]).
pub const ONE_TIME_CODE: &str = "one-time-code";

/// How a value under a sensitive key is judged ([`super::judge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// A machine credential: 8+ bytes, not plain words, not a URL, path, date…
    Credential,
    /// A human-chosen secret: any real value.
    Password,
    /// A one-time code: 4+ digits, or a short code of letters and digits; else as a credential.
    Code,
}

impl KeyClass {
    pub fn values(&self) -> Values {
        if self.password {
            Values::Password
        } else if self.code {
            Values::Code
        } else {
            Values::Credential
        }
    }
}

/// How a key was judged, for `scrubd explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Sensitive(KeyClass),
    /// It holds a sensitive word, but names something else.
    Benign(Benign),
    NotSensitive,
}

/// Why a key with a sensitive word is not a secret's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Benign {
    /// The whole key is in `benign_keys` (`account sid`).
    Key,
    /// A word after the sensitive one names a property (`token_count`).
    Head,
    /// The word before it makes it a counter or cursor (`max_tokens`, `next_token`).
    Modifier,
}

impl Benign {
    pub fn describe(self) -> &'static str {
        match self {
            Benign::Key => "benign key",
            Benign::Head => "names a property of a secret",
            Benign::Modifier => "a counter or cursor",
        }
    }
}

fn bytes(s: &str) -> Box<[u8]> {
    s.as_bytes().into()
}

impl Names {
    pub fn compile(raw: &RawNames) -> Names {
        let mut n = Names {
            id: NEXT_NAMES_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ..Names::default()
        };
        let intern = |kinds: &mut Vec<String>, k: &str| -> u16 {
            match kinds.iter().position(|x| x == k) {
                Some(i) => i as u16,
                None => {
                    kinds.push(k.to_string());
                    (kinds.len() - 1) as u16
                }
            }
        };
        for (kind, ws) in &raw.words {
            let id = intern(&mut n.kinds, kind);
            for w in ws {
                n.words.entry(bytes(w)).or_insert(id);
            }
        }
        for (table, out) in [(&raw.roots, &mut n.roots), (&raw.suffixes, &mut n.suffixes)] {
            for (kind, ws) in table {
                let id = intern(&mut n.kinds, kind);
                out.extend(ws.iter().map(|w| (bytes(w), id)));
            }
            // Longest first, so `passwd` decides before `pass`.
            out.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        for (table, out) in [
            (&raw.key_qualifiers, &mut n.key_qualifiers),
            (&raw.id_qualifiers, &mut n.id_qualifiers),
            (&raw.code_qualifiers, &mut n.code_qualifiers),
            (&raw.answer_qualifiers, &mut n.answer_qualifiers),
        ] {
            for (kind, ws) in table {
                let id = intern(&mut n.kinds, kind);
                for w in ws {
                    out.entry(bytes(w)).or_insert(id);
                }
            }
        }
        for c in &raw.compound_kinds {
            let id = intern(&mut n.kinds, &c.kind);
            n.compounds
                .push(([bytes(&c.words[0]), bytes(&c.words[1])], id));
        }
        n.benign_words = raw.benign_words.iter().map(|w| bytes(w)).collect();
        n.benign_heads = raw.benign_heads.iter().map(|w| bytes(w)).collect();
        n.benign_modifiers = raw.benign_modifiers.iter().map(|w| bytes(w)).collect();
        n.benign_keys = raw
            .benign_keys
            .iter()
            .map(|k| k.split(' ').map(bytes).collect())
            .collect();
        n.operator_keys = raw.operator_keys.iter().map(|w| bytes(w)).collect();
        let kind = |name: &str| n.kinds.iter().position(|k| k == name).map(|i| i as u16);
        n.kind_password = kind("password");
        n.kind_code = kind(ONE_TIME_CODE);
        n
    }

    /// `key` is, whole, one of `operator_keys`: a secret's name only in a pair or before `=`
    /// (`pw=…`, `"pw": …`), not as a bare `pw:` or in prose, where it is as often a command or
    /// a topic (`doveadm pw: Convert to v2 command`).
    pub fn needs_operator(&self, key: &[u8]) -> bool {
        let mut lower = [0u8; 16];
        let Some(lower) = lower.get_mut(..key.len()) else {
            return false;
        };
        lower.copy_from_slice(key);
        lower.make_ascii_lowercase();
        self.operator_keys.contains(&*lower)
    }

    pub fn kinds(&self) -> &[String] {
        &self.kinds
    }

    /// Judge `key` (raw bytes of the identifier). Any byte but a letter or digit separates
    /// words, so a phrase (`api key`, `Client Secret`) is judged like `api_key`.
    pub fn classify(&self, key: &[u8]) -> Verdict {
        if key.len() > CACHED_KEY_MAX {
            return self.judge(key);
        }
        let cached = VERDICTS.with(|c| {
            let mut c = c.borrow_mut();
            if c.0 != self.id {
                c.0 = self.id;
                c.1.clear();
            }
            c.1.get(key).copied()
        });
        if let Some(v) = cached {
            return v;
        }
        let v = self.judge(key);
        VERDICTS.with(|c| {
            let mut c = c.borrow_mut();
            if c.0 == self.id {
                if c.1.len() >= CACHED_KEYS {
                    c.1.clear();
                }
                c.1.insert(key.into(), v);
            }
        });
        v
    }

    /// [`classify`](Self::classify) without the cache.
    fn judge(&self, key: &[u8]) -> Verdict {
        let mut buf = Words::default();
        if !split(key, &mut buf) {
            return Verdict::NotSensitive;
        }
        let mut slots: [&[u8]; MAX_WORDS] = [&[]; MAX_WORDS];
        let words = buf.fill(&mut slots);
        // Which words are sensitive, and their kinds.
        let mut last: Option<(usize, u16)> = None;
        for (i, w) in words.iter().enumerate() {
            if let Some(kind) = self.word_kind(words, i, w) {
                last = Some((i, kind));
            }
        }
        let Some((at, mut kind)) = last else {
            return Verdict::NotSensitive;
        };
        for k in &self.benign_keys {
            if words
                .windows(k.len())
                .any(|win| win.iter().zip(k).all(|(a, b)| *a == &b[..]))
            {
                return Verdict::Benign(Benign::Key);
            }
        }
        if words[at + 1..]
            .iter()
            .any(|w| self.benign_heads.contains(*w))
            || self.glued_head(words[at])
        {
            return Verdict::Benign(Benign::Head);
        }
        if at > 0 && self.benign_modifiers.contains(words[at - 1]) {
            return Verdict::Benign(Benign::Modifier);
        }
        for ([a, b], k) in &self.compounds {
            let has = |x: &[u8]| words.contains(&x);
            if has(a) && has(b) {
                kind = *k;
                break;
            }
        }
        Verdict::Sensitive(KeyClass {
            kind,
            password: Some(kind) == self.kind_password,
            code: Some(kind) == self.kind_code,
            cookie: words[at] == b"cookie" || words[at] == b"cookies",
            auth: words[at] == b"authorization",
        })
    }

    /// Whether `w` is a sensitive word with a property's name glued after it
    /// (`tokenserver`, `passwordreset`, `secretstore`): a head of four letters or more.
    fn glued_head(&self, w: &[u8]) -> bool {
        (4..w.len().saturating_sub(2)).any(|k| {
            let (head, tail) = w.split_at(w.len() - k);
            self.benign_heads.contains(tail) && self.word_kind(&[head], 0, head).is_some()
        })
    }

    /// The kind of word `i` if it is sensitive on its own or in the light of its neighbour.
    fn word_kind(&self, words: &[&[u8]], i: usize, w: &[u8]) -> Option<u16> {
        if self.benign_words.contains(w) {
            return None;
        }
        if let Some(&k) = self.words.get(w) {
            return Some(k);
        }
        let prev = i.checked_sub(1).map(|p| words[p]);
        if w == b"key" || w == b"keys" {
            return prev.and_then(|p| self.key_qualifiers.get(p).copied());
        }
        if w == b"id" || w == b"ids" {
            return prev.and_then(|p| self.id_qualifiers.get(p).copied());
        }
        if w == b"code" || w == b"codes" {
            return prev.and_then(|p| self.code_qualifiers.get(p).copied());
        }
        for suffix in [&b"codes"[..], b"code"] {
            if let Some(&k) = w
                .strip_suffix(suffix)
                .and_then(|q| self.code_qualifiers.get(q))
            {
                return Some(k);
            }
        }
        if w == b"answer" || w == b"answers" {
            return prev.and_then(|p| self.answer_qualifiers.get(p).copied());
        }
        for suffix in [&b"answers"[..], b"answer"] {
            if let Some(&k) = w
                .strip_suffix(suffix)
                .and_then(|q| self.answer_qualifiers.get(q))
            {
                return Some(k);
            }
        }
        for (root, k) in &self.roots {
            // Words are short: a plain window compare beats building a memmem searcher per call.
            if root.is_empty() || w.windows(root.len()).any(|x| x == &root[..]) {
                return Some(*k);
            }
        }
        for (suffix, k) in &self.suffixes {
            if w.len() > suffix.len() && w.len() <= suffix.len() + 8 && w.ends_with(suffix) {
                return Some(*k);
            }
        }
        for suffix in [&b"keys"[..], b"key"] {
            if let Some(q) = w.strip_suffix(suffix) {
                if let Some(&k) = self.key_qualifiers.get(q) {
                    return Some(k);
                }
                // Glued after more words (`PARTNERAPIKEY`, `stripesecretkey`): a qualifier of
                // three letters or more ending the glued part.
                for j in 1..q.len().saturating_sub(2) {
                    if let Some(&k) = self.key_qualifiers.get(&q[j..]) {
                        return Some(k);
                    }
                }
            }
        }
        None
    }
}

/// A key split into lower-case words, in a fixed buffer (no allocation per key).
pub(crate) struct Words {
    lower: [u8; MAX_KEY],
    bounds: [(u8, u8); MAX_WORDS],
    n: usize,
}

impl Default for Words {
    fn default() -> Self {
        Words {
            lower: [0; MAX_KEY],
            bounds: [(0, 0); MAX_WORDS],
            n: 0,
        }
    }
}

impl Words {
    /// The words, in `slots`.
    pub(crate) fn fill<'a>(&'a self, slots: &'a mut [&'a [u8]; MAX_WORDS]) -> &'a [&'a [u8]] {
        for (slot, &(s, e)) in slots.iter_mut().zip(&self.bounds[..self.n]) {
            *slot = &self.lower[s as usize..e as usize];
        }
        &slots[..self.n]
    }
}

/// Split `key` into lower-case words at non-alphanumerics, lower→upper (`apiKey`), acronym
/// ends (`APIKey` → `api key`) and letter/digit boundaries (`token2`). False when it is too
/// long or has too many words to be a key.
pub(crate) fn split(key: &[u8], out: &mut Words) -> bool {
    if key.len() > MAX_KEY {
        return false;
    }
    out.n = 0;
    let mut start: Option<usize> = None;
    let class = |b: u8| -> u8 {
        if b.is_ascii_lowercase() {
            1
        } else if b.is_ascii_uppercase() {
            2
        } else if b.is_ascii_digit() {
            3
        } else {
            0
        }
    };
    for i in 0..=key.len() {
        let c = key.get(i).map_or(0, |&b| class(b));
        let boundary = match start {
            None => false,
            Some(_) if c == 0 => true,
            Some(_) => {
                let p = class(key[i - 1]);
                let next = key.get(i + 1).map_or(0, |&b| class(b));
                (p == 1 && c == 2) || (p == 3) != (c == 3) || (p == 2 && c == 2 && next == 1)
            }
        };
        if boundary {
            if out.n == MAX_WORDS {
                return false;
            }
            out.bounds[out.n] = (start.unwrap() as u8, i as u8);
            out.n += 1;
            start = None;
        }
        if c != 0 {
            out.lower[i] = key[i].to_ascii_lowercase();
            if start.is_none() {
                start = Some(i);
            }
        }
    }
    out.n > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn builtin() -> Names {
        let raw = super::super::builtin_names().unwrap();
        Names::compile(&raw)
    }

    fn words(k: &str) -> Vec<String> {
        let mut w = Words::default();
        assert!(split(k.as_bytes(), &mut w));
        let mut slots: [&[u8]; MAX_WORDS] = [&[]; MAX_WORDS];
        w.fill(&mut slots)
            .iter()
            .map(|x| String::from_utf8_lossy(x).into_owned())
            .collect()
    }

    #[test]
    fn split_snake_camel_kebab_dotted_acronyms_digits() {
        assert_eq!(words("login_password"), ["login", "password"]);
        assert_eq!(words("stripeSecretKey"), ["stripe", "secret", "key"]);
        assert_eq!(words("X-Partner-Key"), ["x", "partner", "key"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("HTTP_AUTHORIZATION"), ["http", "authorization"]);
        assert_eq!(words("token2"), ["token", "2"]);
        assert_eq!(
            words("spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
        assert_eq!(words("nextPageToken"), ["next", "page", "token"]);
        assert_eq!(
            words("X-Hub-Signature-256"),
            ["x", "hub", "signature", "256"]
        );
    }

    fn kind(n: &Names, k: &str) -> Option<String> {
        match n.classify(k.as_bytes()) {
            Verdict::Sensitive(c) => Some(n.kinds()[c.kind as usize].clone()),
            _ => None,
        }
    }

    #[test]
    fn sensitive_keys_of_the_issue() {
        let n = builtin();
        for k in [
            "login_password",
            "db_pass",
            "stripeSecretKey",
            "X-Partner-Key",
            "CSRF_COOKIE",
            "device_secret",
            "push_token",
            "refresh",
            "todo_secret_do_not_commit",
            "token2",
            "csrfmiddlewaretoken",
            "apikey",
            "x-api-key",
            "AWS_SECRET_ACCESS_KEY",
            "aws_session_token",
            "sessionid",
            "session_id",
            "connect.sid",
            "PHPSESSID",
            "jsessionid",
            "Authorization",
            "Proxy-Authorization",
            "X-Amz-Security-Token",
            "client_secret",
            "mypassword",
            "userpwd",
            "private_key",
            "PRIVATE_KEY",
            "passphrase",
            "otp",
            "credentials",
            "creds",
            "sig",
            "X-Hub-Signature-256",
            "SecretString",
            "SessionToken",
            "SecretAccessKey",
            "password_hash",
            "password_confirmation",
            "new_password",
            "auth",
            "secret_key_base",
            "authenticity_token",
            "id_token",
            "session_key",
            "laravel_session",
        ] {
            assert!(kind(&n, k).is_some(), "{k} should be sensitive");
        }
    }

    #[test]
    fn answers_that_prove_who_someone_is() {
        let n = builtin();
        for k in [
            "security_answer",
            "securityAnswer",
            "SecretAnswer",
            "challengeAnswer",
            "recovery_answers",
            "security answer",
        ] {
            assert_eq!(kind(&n, k).as_deref(), Some("password"), "{k}");
        }
        for k in [
            "answer",
            "correct_answer",
            "answers",
            "challenge",
            "security_answer_count",
            "challenge_name",
            "answerCorrect",
        ] {
            assert_eq!(kind(&n, k), None, "{k}");
        }
    }

    #[test]
    fn one_time_codes_but_not_other_codes() {
        let n = builtin();
        for k in [
            "recoveryCodes",
            "recovery_codes",
            "backup_code",
            "MFA_BACKUP_CODES",
            "2fa_recovery_codes",
            "backupcodes",
            "RecoveryCode",
            "ConfirmationCode",
            "verification_code",
            "verifyCode",
            "SMS_MFA_CODE",
            "SOFTWARE_TOKEN_MFA_CODE",
            "otp",
            "totp_code",
            "password_reset_code",
            "login_code",
            "device_code",
            "pinCode",
        ] {
            assert_eq!(kind(&n, k).as_deref(), Some("one-time-code"), "{k}");
        }
        for k in [
            "status_code",
            "error_code",
            "country_code",
            "backup",
            "backup_id",
            "recovery_mode",
            "recovery_code_used",
            "backup_code_count",
            "code",
            "zipcode",
            "invite_code",
            "verification_code_sent",
            "otp_enabled",
            "confirmation",
            "verification_status",
            "sms_message",
            "access_log",
        ] {
            assert!(kind(&n, k).is_none(), "{k} should not be sensitive");
        }
    }

    #[test]
    fn benign_keys_of_the_issue() {
        let n = builtin();
        for k in [
            "tokenizer_name",
            "max_tokens",
            "auth_provider",
            "token_count",
            "token_type",
            "tokenizer",
            "key_id",
            "primary_key",
            "sort_key",
            "partition_key",
            "session_count",
            "password_reset_sent",
            "auth_method",
            "author",
            "next_token",
            "NextToken",
            "nextPageToken",
            "ContinuationToken",
            "RoleSessionName",
            "account_sid",
            "AccountSid",
            "authSource",
            "authMechanism",
            "access_key_id",
            "KMSMasterKeyId",
            "public_key",
            "KeySchema",
            "ExclusiveStartKey",
            "secretsmanager",
            "SecretId",
            "secret_arn",
            "token_endpoint",
            "prompt_tokens",
            "total_tokens",
            "api_key_name",
            "passenger",
            "bypass",
            "monkey",
            "keyboard",
            "inside",
            "password_changed_at",
            "signature_version",
            "ClientRequestToken",
        ] {
            assert!(kind(&n, k).is_none(), "{k} should not be sensitive");
        }
    }

    #[test]
    fn kinds_follow_the_last_sensitive_word_and_compounds() {
        let n = builtin();
        assert_eq!(kind(&n, "db_password").as_deref(), Some("password"));
        assert_eq!(kind(&n, "refresh_token").as_deref(), Some("token"));
        assert_eq!(kind(&n, "x-api-key").as_deref(), Some("api-key"));
        assert_eq!(
            kind(&n, "AWS_SECRET_ACCESS_KEY").as_deref(),
            Some("aws-secret-key")
        );
        assert_eq!(
            kind(&n, "aws_session_token").as_deref(),
            Some("aws-session-token")
        );
        assert_eq!(kind(&n, "private_key").as_deref(), Some("private-key"));
        assert_eq!(kind(&n, "sessionid").as_deref(), Some("session-cookie"));
        assert_eq!(kind(&n, "Authorization").as_deref(), Some("authorization"));
    }
}
