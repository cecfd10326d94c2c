//! JWT misconfiguration signals: what a leaked token says about the service that issued it.
//!
//! Every JWT the scrubber redacts is also evidence. Before it is replaced, [`Policy::analyze`]
//! decodes its header and payload (bounded in size) and derives a fixed set of [`Finding`]s:
//! unsigned (`alg: none`), no `exp`, a lifetime above a bound, expired when seen, an HMAC
//! signature that verifies under a key from a dictionary of framework defaults and
//! documentation examples, headers that let a client choose the verification key (`jwk`,
//! `jku`, `x5u`), a `kid` carrying path or SQL metacharacters, sensitive-named claims in a
//! readable payload, and parts that do not decode.
//!
//! What a [`Report`] holds is finding bits, the index of the weak key's dictionary entry and
//! the index of the token's `iss` in a configured allowlist: no text of the token ever leaves
//! this module, so nothing a caller prints or counts can reveal a claim, a key or a `kid`.
//!
//! Why a cache: the weak-key check runs one HMAC per dictionary entry, tens of microseconds per
//! token, and logs repeat the same access token on every request it makes. [`JwtCache`] (one
//! per worker, in the scrubber's scratch space) remembers the time-independent part of each
//! analysis under a keyed 64-bit hash of the token — never the token — in bounded memory. It
//! saves work, not counts: every occurrence gets its report. `expired` and a lifetime measured
//! from the time seen depend on when the line was read ([`JwtCache::set_seen_at`]), so they
//! are worked out per occurrence from the cached `exp` and `iat`.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, LazyLock};

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Sha256, Sha384, Sha512};

use super::keyvalue::names::{Names, Verdict};
use super::Error;

/// One misconfiguration signal. The names are metric label values and `--stats` keys: an
/// interface, change them only deliberately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Finding {
    /// `alg` is `none` (any case): the token is unsigned and anyone can forge one.
    AlgNone,
    /// The payload has no numeric `exp`: the token never expires.
    NoExp,
    /// `exp − iat` (or, without `iat`, `exp` − the time seen) is above the configured bound.
    LongLifetime,
    /// `exp` is at or before the time the line was read: an expired token is being presented.
    Expired,
    /// An HS256/HS384/HS512 signature verifies under a key of the weak-key dictionary.
    WeakHmacKey,
    /// The header embeds the verification key (`jwk`).
    EmbeddedJwk,
    /// The header points to a key set by URL (`jku`).
    JkuHeader,
    /// The header points to a certificate by URL (`x5u`).
    X5uHeader,
    /// The `kid` carries path traversal or SQL / shell metacharacters.
    KidInjection,
    /// The readable payload has claims named like secrets (`password`, `api_key`, …).
    UnencryptedSensitiveClaims,
    /// A part does not decode (base64url, JSON object), is over the size bound, or a claim
    /// has the wrong type: the token was not (fully) analysed.
    Malformed,
}

impl Finding {
    /// Every finding, in the order of their bits.
    pub const ALL: [Finding; 11] = [
        Finding::AlgNone,
        Finding::NoExp,
        Finding::LongLifetime,
        Finding::Expired,
        Finding::WeakHmacKey,
        Finding::EmbeddedJwk,
        Finding::JkuHeader,
        Finding::X5uHeader,
        Finding::KidInjection,
        Finding::UnencryptedSensitiveClaims,
        Finding::Malformed,
    ];

    /// The names of [`Finding::ALL`], in the same order.
    pub const NAMES: [&'static str; 11] = [
        "alg_none",
        "no_exp",
        "long_lifetime",
        "expired",
        "weak_hmac_key",
        "embedded_jwk",
        "jku_header",
        "x5u_header",
        "kid_injection",
        "unencrypted_sensitive_claims",
        "malformed",
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn from_name(name: &str) -> Option<Finding> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }
}

/// A set of [`Finding`]s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Findings(u16);

impl Findings {
    pub fn insert(&mut self, f: Finding) {
        self.0 |= 1 << f as u16;
    }

    pub fn contains(self, f: Finding) -> bool {
        self.0 & (1 << f as u16) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The findings in the set, in the order of [`Finding::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Finding> {
        Finding::ALL.into_iter().filter(move |&f| self.contains(f))
    }
}

impl FromIterator<Finding> for Findings {
    fn from_iter<I: IntoIterator<Item = Finding>>(iter: I) -> Self {
        let mut s = Findings::default();
        for f in iter {
            s.insert(f);
        }
        s
    }
}

/// What one JWT occurrence says, without any of its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Report {
    pub findings: Findings,
    /// The weak-key dictionary entry the HMAC signature verified under; name it with
    /// [`Policy::weak_key_id`].
    pub weak_key: Option<u16>,
    /// The token's `iss` as an index into [`Policy::issuers`]; `None` when it is not in the
    /// allowlist (or absent): label it with [`Policy::issuer_label`].
    pub issuer: Option<u16>,
}

/// The label of tokens whose `iss` is not in the allowlist.
pub const OTHER_ISSUER: &str = "other";

/// Default bound of `long_lifetime`: 24 hours.
pub const DEFAULT_MAX_LIFETIME_SECS: i64 = 24 * 3600;

/// Default number of tokens whose analysis a worker remembers.
pub const DEFAULT_CACHE_ENTRIES: usize = 4096;

/// Headers longer than this (encoded) are not decoded (the `jwt` validator's bound too).
const MAX_HEADER: usize = 4096;
/// Payloads longer than this (encoded) are not decoded nor verified: `malformed`.
const MAX_PAYLOAD: usize = 16 << 10;
/// Claims deeper than this, or beyond this many keys, are not looked at for sensitive names.
const MAX_CLAIM_DEPTH: usize = 4;
const MAX_CLAIM_KEYS: usize = 512;

/// Claims whose names sound like secrets but are protocol fields, not secrets: the OIDC
/// session id and hash claims, Supabase's `session_id`, Cognito's `token_use`,
/// Flask-JWT-Extended's double-submit `csrf` value (sent to the browser in a cookie by design).
const PROTOCOL_CLAIMS: &[&str] = &[
    "sid",
    "session_id",
    "at_hash",
    "c_hash",
    "s_hash",
    "token_use",
    "csrf",
    "session_state",
];

/// The built-in weak-key dictionary.
pub const BUILTIN_WEAK_KEYS: &str = include_str!("../../patterns/jwt-weak-keys.toml");

/// How JWTs are judged: the `long_lifetime` bound, the issuer allowlist, the weak-key
/// dictionary. Built once and shared by every worker.
pub struct Policy {
    max_lifetime_secs: i64,
    issuers: Vec<String>,
    keys: Vec<WeakKey>,
    cache_entries: usize,
}

/// A dictionary key, with its HMAC states prepared (the key schedule is done once).
struct WeakKey {
    id: String,
    hs256: Hmac<Sha256>,
    hs384: Hmac<Sha384>,
    hs512: Hmac<Sha512>,
}

// By hand: a derived Debug would print the keys' HMAC states.
impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("max_lifetime_secs", &self.max_lifetime_secs)
            .field("issuers", &self.issuers.len())
            .field("weak_keys", &self.keys.len())
            .field("cache_entries", &self.cache_entries)
            .finish()
    }
}

static BUILTIN: LazyLock<Arc<Policy>> = LazyLock::new(|| {
    Arc::new(
        Policy::new(&PolicyOptions::default())
            .expect("built-in weak-key dictionary parses (tested)"),
    )
});

/// What a [`Policy`] is built from. The caller reads the files (the engine does no I/O).
#[derive(Debug, Clone)]
pub struct PolicyOptions {
    /// Bound of `long_lifetime`, in seconds.
    pub max_lifetime_secs: i64,
    /// `iss` values that become `issuer` label values; anything else is `other`.
    pub issuers: Vec<String>,
    /// Extra weak-key files: `(origin, text)`, `origin` naming the file in errors.
    pub weak_key_files: Vec<(String, String)>,
    /// Leave out the built-in dictionary (tests).
    pub no_builtin_keys: bool,
    /// Tokens whose analysis each worker remembers.
    pub cache_entries: usize,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            max_lifetime_secs: DEFAULT_MAX_LIFETIME_SECS,
            issuers: Vec::new(),
            weak_key_files: Vec::new(),
            no_builtin_keys: false,
            cache_entries: DEFAULT_CACHE_ENTRIES,
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyFile {
    #[serde(default)]
    key: Vec<RawKey>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    id: String,
    secret: Option<String>,
    secret_hex: Option<String>,
    #[allow(dead_code)] // documentation for readers of the file
    source: Option<String>,
}

impl Policy {
    /// The default policy: built-in dictionary, 24 h bound, no issuer allowlist.
    pub fn builtin() -> Arc<Policy> {
        Arc::clone(&BUILTIN)
    }

    /// Build a policy. Errors name the file and the entry id, never a key.
    pub fn new(opts: &PolicyOptions) -> Result<Policy, Error> {
        if opts.max_lifetime_secs <= 0 {
            return Err(Error::RuleFile {
                origin: "jwt".into(),
                reason: "max_lifetime must be positive".into(),
            });
        }
        for (i, iss) in opts.issuers.iter().enumerate() {
            if iss.is_empty() || opts.issuers[..i].contains(iss) {
                return Err(Error::RuleFile {
                    origin: "jwt".into(),
                    reason: format!("issuer {iss:?} is empty or listed twice"),
                });
            }
        }
        if opts.issuers.len() > 64 {
            return Err(Error::RuleFile {
                origin: "jwt".into(),
                reason: "at most 64 issuers (each one is a label value of every source)".into(),
            });
        }
        let builtin = [(
            "builtin:jwt-weak-keys.toml".to_string(),
            BUILTIN_WEAK_KEYS.to_string(),
        )];
        let files = builtin
            .iter()
            .filter(|_| !opts.no_builtin_keys)
            .chain(&opts.weak_key_files);
        let mut keys: Vec<WeakKey> = Vec::new();
        for (origin, text) in files {
            let bad = |reason: String| Error::RuleFile {
                origin: origin.clone(),
                reason,
            };
            // toml's message quotes the offending line, which may hold a key: say where only.
            let raw: RawKeyFile = toml::from_str(text).map_err(|e| {
                bad(match e.span() {
                    Some(s) => format!(
                        "not a weak-key file (line {})",
                        text[..s.start].matches('\n').count() + 1
                    ),
                    None => "not a weak-key file".into(),
                })
            })?;
            for (n, k) in raw.key.into_iter().enumerate() {
                // Entries are named by position until their id is known not to spell the key
                // (reports name a key by its id: such an id would reveal it).
                let entry = format!("[[key]] number {}", n + 1);
                let secret = match (&k.secret, &k.secret_hex) {
                    (Some(s), None) => s.as_bytes().to_vec(),
                    (None, Some(h)) => decode_hex(h)
                        .ok_or_else(|| bad(format!("{entry}: secret_hex is not hex")))?,
                    _ => {
                        return Err(bad(format!(
                            "{entry}: give exactly one of secret, secret_hex"
                        )))
                    }
                };
                let lower = k.id.to_ascii_lowercase();
                let spelled = lower.as_bytes() == secret.to_ascii_lowercase()
                    || (secret.len() >= 8
                        && lower.contains(&String::from_utf8_lossy(&secret).to_ascii_lowercase()));
                if spelled {
                    return Err(bad(format!(
                        "{entry}: its id spells its key; name the entry after where the key comes from"
                    )));
                }
                let id_ok = !k.id.is_empty()
                    && k.id.len() <= 64
                    && k.id.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-".contains(&b)
                    });
                if !id_ok {
                    return Err(bad(format!(
                        "weak key id {:?}: use 1 to 64 of [a-z0-9_-]",
                        k.id
                    )));
                }
                if keys.iter().any(|w| w.id == k.id) {
                    return Err(bad(format!("weak key id {:?} defined twice", k.id)));
                }
                keys.push(WeakKey {
                    hs256: Hmac::new_from_slice(&secret).expect("HMAC takes any key length"),
                    hs384: Hmac::new_from_slice(&secret).expect("HMAC takes any key length"),
                    hs512: Hmac::new_from_slice(&secret).expect("HMAC takes any key length"),
                    id: k.id,
                });
            }
        }
        if keys.len() > u16::MAX as usize {
            return Err(Error::RuleFile {
                origin: "jwt".into(),
                reason: "more than 65535 weak keys".into(),
            });
        }
        Ok(Policy {
            max_lifetime_secs: opts.max_lifetime_secs,
            issuers: opts.issuers.clone(),
            keys,
            cache_entries: opts.cache_entries.max(2),
        })
    }

    pub fn max_lifetime_secs(&self) -> i64 {
        self.max_lifetime_secs
    }

    /// The issuer allowlist.
    pub fn issuers(&self) -> &[String] {
        &self.issuers
    }

    /// The `issuer` label of a report: an allowlisted `iss`, or [`OTHER_ISSUER`].
    pub fn issuer_label(&self, issuer: Option<u16>) -> &str {
        issuer
            .and_then(|i| self.issuers.get(i as usize))
            .map_or(OTHER_ISSUER, String::as_str)
    }

    /// Every `issuer` label value: the allowlist and [`OTHER_ISSUER`].
    pub fn issuer_labels(&self) -> impl Iterator<Item = &str> {
        self.issuers
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(OTHER_ISSUER))
    }

    /// The id of weak-key dictionary entry `i`.
    pub fn weak_key_id(&self, i: u16) -> &str {
        self.keys.get(i as usize).map_or("?", |k| k.id.as_str())
    }

    /// Number of weak keys in the dictionary.
    pub fn weak_keys(&self) -> usize {
        self.keys.len()
    }

    /// A fresh per-worker cache sized by this policy.
    pub fn cache(&self) -> JwtCache {
        JwtCache::new(self.cache_entries)
    }

    /// Analyse one JWT occurrence (`token`: the bytes the `jwt` rule matched; `alg`: the
    /// validator's normalised header `alg`). `names` judges claim names. Cheap when the same
    /// token was analysed recently by this cache.
    pub fn analyze(&self, token: &[u8], alg: &str, names: &Names, cache: &mut JwtCache) -> Report {
        let hash = cache.hasher.hash_one(token);
        let fixed = match cache.get(hash) {
            Some(f) => f,
            None => {
                let f = self.analyze_fixed(token, alg, names, cache);
                cache.put(hash, f);
                f
            }
        };
        let seen = cache.seen_at.unwrap_or_else(wall_clock);
        let mut findings = fixed.findings;
        if let Some(exp) = fixed.exp {
            if seen >= exp {
                findings.insert(Finding::Expired);
            }
            let lifetime = match fixed.iat {
                Some(iat) => exp.saturating_sub(iat),
                None => exp.saturating_sub(seen),
            };
            if lifetime > self.max_lifetime_secs {
                findings.insert(Finding::LongLifetime);
            }
        }
        Report {
            findings,
            weak_key: fixed.weak_key,
            issuer: fixed.issuer,
        }
    }

    /// Everything about `token` that does not depend on when it was seen.
    fn analyze_fixed(&self, token: &[u8], alg: &str, names: &Names, cache: &mut JwtCache) -> Fixed {
        let mut fx = Fixed::default();
        let f = &mut fx.findings;
        if alg == "none" {
            f.insert(Finding::AlgNone);
        }
        let parts: Vec<&[u8]> = token.split(|&b| b == b'.').collect();
        if parts.len() != 3 && parts.len() != 5 {
            f.insert(Finding::Malformed);
            return fx;
        }
        let header = match decode_object(parts[0], MAX_HEADER) {
            Some(h) => h,
            None => {
                f.insert(Finding::Malformed);
                return fx;
            }
        };
        if header.contains_key("jwk") {
            f.insert(Finding::EmbeddedJwk);
        }
        if header.contains_key("jku") {
            f.insert(Finding::JkuHeader);
        }
        if header.contains_key("x5u") {
            f.insert(Finding::X5uHeader);
        }
        match header.get("kid") {
            None => {}
            Some(Value::String(kid)) if kid_injection(kid) => f.insert(Finding::KidInjection),
            Some(Value::String(_)) => {}
            Some(_) => f.insert(Finding::Malformed),
        }
        if parts.len() == 5 {
            // JWE: the payload is encrypted; only the header says anything.
            return fx;
        }
        let Some(claims) = decode_object(parts[1], MAX_PAYLOAD) else {
            f.insert(Finding::Malformed);
            return fx;
        };
        match claims.get("exp") {
            None | Some(Value::Null) => f.insert(Finding::NoExp),
            Some(v) => match numeric_date(v) {
                Some(exp) => fx.exp = Some(exp),
                None => {
                    f.insert(Finding::NoExp);
                    f.insert(Finding::Malformed);
                }
            },
        }
        match claims.get("iat") {
            None | Some(Value::Null) => {}
            Some(v) => match numeric_date(v) {
                Some(iat) => fx.iat = Some(iat),
                None => f.insert(Finding::Malformed),
            },
        }
        if let Some(Value::String(iss)) = claims.get("iss") {
            fx.issuer = self.issuers.iter().position(|i| i == iss).map(|i| i as u16);
        }
        let mut budget = MAX_CLAIM_KEYS;
        if sensitive_claims(&Value::Object(claims), names, 0, &mut budget) {
            f.insert(Finding::UnencryptedSensitiveClaims);
        }
        if let Some(bits) = match alg {
            "HS256" => Some(256),
            "HS384" => Some(384),
            "HS512" => Some(512),
            _ => None,
        } {
            cache.stats.verifications += 1;
            match decode(parts[2], 64 * 2) {
                Some(sig) if sig.len() * 8 == bits => {
                    let signed = &token[..parts[0].len() + 1 + parts[1].len()];
                    fx.weak_key = self.weak_key(bits, signed, &sig);
                    if fx.weak_key.is_some() {
                        f.insert(Finding::WeakHmacKey);
                    }
                }
                // Wrong length or not base64url: no HMAC signature of that alg.
                _ => f.insert(Finding::Malformed),
            }
        }
        fx
    }

    /// The first dictionary key under which `sig` is the HMAC of `signed`.
    fn weak_key(&self, bits: usize, signed: &[u8], sig: &[u8]) -> Option<u16> {
        fn verify<M: Mac + Clone>(prepared: &M, signed: &[u8], sig: &[u8]) -> bool {
            let mut m = prepared.clone();
            m.update(signed);
            m.verify_slice(sig).is_ok()
        }
        self.keys
            .iter()
            .position(|k| match bits {
                256 => verify(&k.hs256, signed, sig),
                384 => verify(&k.hs384, signed, sig),
                _ => verify(&k.hs512, signed, sig),
            })
            .map(|i| i as u16)
    }
}

/// The cached, time-independent part of an analysis.
#[derive(Debug, Clone, Copy, Default)]
struct Fixed {
    findings: Findings,
    exp: Option<i64>,
    iat: Option<i64>,
    weak_key: Option<u16>,
    issuer: Option<u16>,
}

/// What a worker's cache did, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Occurrences answered from the cache.
    pub hits: u64,
    /// Occurrences analysed (decoded, and verified if HS*).
    pub misses: u64,
    /// Analyses that ran the weak-key check.
    pub verifications: u64,
}

/// Per-worker memory of recent analyses, bounded: two generations of at most half the
/// capacity each; when the young one fills, the old one is dropped and the young one ages.
/// A token used again is promoted, so tokens in steady use stay. Keys are keyed 64-bit
/// hashes of the tokens (random key per cache), never token bytes.
pub struct JwtCache {
    hasher: RandomState,
    young: HashMap<u64, Fixed>,
    old: HashMap<u64, Fixed>,
    half: usize,
    seen_at: Option<i64>,
    stats: CacheStats,
}

impl JwtCache {
    pub fn new(entries: usize) -> JwtCache {
        let half = (entries / 2).max(1);
        JwtCache {
            hasher: RandomState::new(),
            young: HashMap::new(),
            old: HashMap::new(),
            half,
            seen_at: None,
            stats: CacheStats::default(),
        }
    }

    /// When the lines being scrubbed were read or logged (Unix seconds), for `expired` and
    /// lifetimes without `iat`; `None` (the default): the wall clock at analysis.
    pub fn set_seen_at(&mut self, unix_secs: Option<i64>) {
        self.seen_at = unix_secs;
    }

    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Tokens remembered now (at most the capacity).
    pub fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&mut self, hash: u64) -> Option<Fixed> {
        if let Some(f) = self.young.get(&hash) {
            self.stats.hits += 1;
            return Some(*f);
        }
        let f = self.old.remove(&hash)?;
        self.stats.hits += 1;
        self.insert_young(hash, f);
        Some(f)
    }

    fn put(&mut self, hash: u64, f: Fixed) {
        self.stats.misses += 1;
        self.insert_young(hash, f);
    }

    fn insert_young(&mut self, hash: u64, f: Fixed) {
        if self.young.len() >= self.half {
            std::mem::swap(&mut self.young, &mut self.old);
            self.young.clear();
        }
        self.young.insert(hash, f);
    }
}

impl std::fmt::Debug for JwtCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtCache")
            .field("len", &self.len())
            .field("stats", &self.stats)
            .finish()
    }
}

fn wall_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// base64url, padding optional, non-canonical trailing bits tolerated.
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

fn decode(part: &[u8], max: usize) -> Option<Vec<u8>> {
    if part.len() > max.div_ceil(3) * 4 {
        return None;
    }
    B64.decode(part).ok()
}

/// A base64url part that decodes to a JSON object.
fn decode_object(part: &[u8], max_encoded: usize) -> Option<serde_json::Map<String, Value>> {
    if part.is_empty() || part.len() > max_encoded {
        return None;
    }
    match serde_json::from_slice(&B64.decode(part).ok()?).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// A NumericDate (seconds, maybe fractional), saturated to i64.
fn numeric_date(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        _ => None,
    }
}

/// A `kid` that would do harm if a verifier used it as a file path or in a query: path
/// traversal, an absolute path into system directories, or SQL / shell metacharacters.
/// Key ids in the wild (UUIDs, thumbprints in base64 or base64url — `+`, `/`, `=` included —,
/// hex, `key-2024-01`, Key Vault URLs) pass.
fn kid_injection(kid: &str) -> bool {
    const SYSTEM_DIRS: &[&str] = &[
        "/dev/", "/etc/", "/proc/", "/sys/", "/tmp/", "/var/", "/usr/", "/home/", "/root/",
        "/opt/", "/bin/", "/app/",
    ];
    kid.contains("..")
        || kid.contains("--")
        || kid.contains("/*")
        || kid.contains("$(")
        || kid.contains("%00")
        || kid.contains("%2e")
        || kid.contains("%2E")
        || kid.contains("%2f")
        || kid.contains("%2F")
        || kid.starts_with('~')
        || SYSTEM_DIRS.iter().any(|d| kid.starts_with(d))
        || kid
            .bytes()
            .any(|b| b.is_ascii_control() || b.is_ascii_whitespace() || b"\\'\";|`<>".contains(&b))
}

/// Whether `v` (the claims, at `depth`) has a key the name table calls sensitive, holding a
/// value (not null, empty or `false`). Protocol claims are exempt.
fn sensitive_claims(v: &Value, names: &Names, depth: usize, budget: &mut usize) -> bool {
    if depth > MAX_CLAIM_DEPTH {
        return false;
    }
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                if *budget == 0 {
                    return false;
                }
                *budget -= 1;
                let holds = !matches!(val, Value::Null | Value::Bool(false))
                    && !matches!(val, Value::String(s) if s.is_empty());
                if holds
                    && !PROTOCOL_CLAIMS.contains(&k.as_str())
                    && matches!(names.classify(k.as_bytes()), Verdict::Sensitive(_))
                {
                    return true;
                }
                if sensitive_claims(val, names, depth + 1, budget) {
                    return true;
                }
            }
            false
        }
        Value::Array(items) => items
            .iter()
            .any(|i| sensitive_claims(i, names, depth + 1, budget)),
        _ => false,
    }
}

fn decode_hex(h: &str) -> Option<Vec<u8>> {
    let h = h.as_bytes();
    if h.len() % 2 != 0 {
        return None;
    }
    h.chunks(2)
        .map(|p| {
            let d = |c: u8| (c as char).to_digit(16);
            Some((d(p[0])? * 16 + d(p[1])?) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests;
