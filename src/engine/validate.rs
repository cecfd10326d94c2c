//! Validators: the second look a rule takes at a regex match before it becomes a finding.
//!
//! A regex says *where* a secret could be; a validator says whether the value really looks
//! like one. Key-based rules depend on this: `"token": null`, `page_token = next_token(c)` and
//! `"password": "[REDACTED:password]"` all match a key regex but hold no secret.

use super::redact;
use base64::Engine as _;

/// What a validator concluded about one match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Reject,
    /// A secret; for JWTs, the header's `alg` (normalised to a fixed set).
    Accept {
        alg: Option<&'static str>,
    },
}

/// The validators a rule can name in its `validator` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    None,
    /// The header decodes to a JSON object with an `alg`.
    Jwt,
    /// A human-chosen credential: anything but an obvious non-value or placeholder.
    Password,
    /// A machine credential: like `Password`, and at least 8 bytes, not a plain word.
    Token,
    /// Like `Token`, and not an id: some byte is neither a hex digit nor `-` (a Mongo
    /// ObjectId, a UUID or a digest in a path names a record; a generated token in base62
    /// or base64url has a letter past `f` in all but a vanishing share of draws).
    OpaqueToken,
    /// Base64 `user:password`.
    BasicAuth,
    /// `Password` under a password-like key (`pass`, `pwd`), `Token` under any other.
    Credential,
    /// Like `Credential`, but a password must not be a plain lowercase word either: for bare
    /// `key: value`, which is as often prose (`Password: incorrect`) as a dump.
    CredentialStrict,
    /// Base64 of text (a script, a config file) that holds a secret the rules find in it:
    /// `check` accepts base64 of text, and the scrubber scans the decoded text
    /// ([`decoded_text`]) before it takes the value.
    EncodedText,
}

impl Validator {
    pub const NAMES: &'static [&'static str] = &[
        "jwt",
        "opaque-token",
        "basic-auth",
        "credential",
        "credential-strict",
        "base64-text",
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "jwt" => Self::Jwt,
            "password" => Self::Password,
            "token" => Self::Token,
            "opaque-token" => Self::OpaqueToken,
            "basic-auth" => Self::BasicAuth,
            "credential" => Self::Credential,
            "credential-strict" => Self::CredentialStrict,
            "base64-text" => Self::EncodedText,
            _ => return None,
        })
    }

    /// Judge `value` (the `secret` group), with `key` (the `key` group, if any) and the byte
    /// that follows the value in the line (code such as `f(` is not a value).
    pub fn check(self, value: &[u8], key: Option<&[u8]>, next: Option<u8>) -> Verdict {
        let ok = match self {
            Self::None => true,
            Self::Jwt => {
                return jwt_alg(value)
                    .map_or(Verdict::Reject, |alg| Verdict::Accept { alg: Some(alg) })
            }
            Self::Password => credential(value, key, next),
            Self::Token => credential(value, key, next) && machine_like(value),
            Self::OpaqueToken => {
                credential(value, key, next)
                    && machine_like(value)
                    && !value.iter().all(|b| b.is_ascii_hexdigit() || *b == b'-')
            }
            Self::BasicAuth => basic_auth(value),
            Self::EncodedText => decoded_text(value).is_some(),
            Self::Credential | Self::CredentialStrict => {
                let password_key = key.is_some_and(|k| {
                    let k = k.to_ascii_lowercase();
                    memchr::memmem::find(&k, b"pass").is_some()
                        || memchr::memmem::find(&k, b"pwd").is_some()
                });
                credential(value, key, next)
                    && match (password_key, self) {
                        (true, Self::Credential) => true,
                        (true, _) => !is_wordy(value.trim_ascii()),
                        (false, _) => machine_like(value),
                    }
            }
        };
        if ok {
            Verdict::Accept { alg: None }
        } else {
            Verdict::Reject
        }
    }
}

/// A token-format match that is a documentation stand-in, not a credential:
/// `AKIAXXXXXXXXXXXXXXXX`, `sk_live_****************`, a PEM body of `\n...\n`. Either a run
/// of 8+ filler characters (`X`, `x`, `*`, `.`, `#`, `0`), or fewer than 4 letters and digits
/// once escape letters are set aside. A generated credential has neither.
pub fn is_elided(v: &[u8]) -> bool {
    let mut run = 0;
    let mut prev = 0u8;
    for &b in v {
        run = if b == prev { run + 1 } else { 1 };
        prev = b;
        if run >= 8 && matches!(b, b'X' | b'x' | b'*' | b'.' | b'#' | b'0') {
            return true;
        }
    }
    let mut alnum = 0;
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'\\' {
            i += 2;
            continue;
        }
        alnum += usize::from(v[i].is_ascii_alphanumeric());
        i += 1;
    }
    alnum < 4
}

/// The JWT `alg` values counted by name; anything else is `other`.
pub const JWT_ALGS: &[&str] = &[
    "none", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
    "PS256", "PS384", "PS512", "EdDSA", "other",
];

/// Decode a JWT's header and return its normalised `alg`, or `None` if it is not a JWT.
pub fn jwt_alg(token: &[u8]) -> Option<&'static str> {
    let header = token.split(|&b| b == b'.').next()?;
    if header.len() > 4096 {
        return None;
    }
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header.strip_suffix(b"=").unwrap_or(header))
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&decoded).ok()?;
    let alg = v.as_object()?.get("alg")?.as_str()?;
    Some(
        JWT_ALGS[..JWT_ALGS.len() - 1]
            .iter()
            .find(|a| a.eq_ignore_ascii_case(alg))
            .copied()
            .unwrap_or("other"),
    )
}

/// Values that sit under secret-sounding keys but are not secrets.
const NON_VALUES: &[&str] = &[
    "true",
    "false",
    "null",
    "none",
    "nil",
    "undefined",
    "yes",
    "no",
    "on",
    "off",
    "n/a",
    "na",
    "empty",
    "unset",
    "not set",
    "notset",
    "required",
    "optional",
    "string",
    "str",
    "bytes",
    "redacted",
    "masked",
    "hidden",
    "omitted",
    "filtered",
    "removed",
    "sensitive",
    "changeme!",
    "<nil>",
    "nan",
];

/// Keys that end like a credential but name pagination or shell state, not secrets.
const NON_SECRET_KEY_PREFIXES: &[&str] = &[
    "next",
    "page",
    "continuation",
    "pagination",
    "cursor",
    "sync",
    "resume",
    "start",
    "last",
];

fn credential(value: &[u8], key: Option<&[u8]>, next: Option<u8>) -> bool {
    let v = value.trim_ascii();
    if v.is_empty() || matches!(next, Some(b'(' | b'[' | b'{')) {
        return false;
    }
    if let Some(key) = key {
        let key = trim_key(key);
        if key == b"PWD" || key == b"OLDPWD" {
            return false;
        }
        let lower = key.to_ascii_lowercase();
        if NON_SECRET_KEY_PREFIXES.iter().any(|p| {
            lower.starts_with(p.as_bytes())
                && lower.len() > p.len()
                && lower[p.len()..].ends_with(b"token")
        }) {
            return false;
        }
    }
    if NON_VALUES
        .iter()
        .any(|n| v.eq_ignore_ascii_case(n.as_bytes()))
    {
        return false;
    }
    if is_placeholder(v) {
        return false;
    }
    if v.iter().all(u8::is_ascii_digit) && v.len() < 6 {
        return false;
    }
    // One character repeated (`********`, `xxxxxx`, `-----`) is a mask, not a value.
    if v.len() > 1 && v.iter().all(|&b| b == v[0]) && !v[0].is_ascii_alphanumeric()
        || v.iter().all(|&b| b == b'x' || b == b'X')
    {
        return false;
    }
    true
}

fn trim_key(key: &[u8]) -> &[u8] {
    let key = key.trim_ascii();
    let key = key.strip_prefix(b"\\").unwrap_or(key);
    key.trim_matches(|b| b == b'"' || b == b'\'' || b == b'\\')
}

trait TrimMatches {
    fn trim_matches(&self, f: impl Fn(u8) -> bool) -> &[u8];
}
impl TrimMatches for [u8] {
    fn trim_matches(&self, f: impl Fn(u8) -> bool) -> &[u8] {
        let start = self.iter().position(|&b| !f(b)).unwrap_or(self.len());
        let end = self.iter().rposition(|&b| !f(b)).map_or(start, |p| p + 1);
        &self[start..end]
    }
}

/// scrubd's own placeholders and the usual template / masking forms (the key/value scanner's
/// list: other tools' placeholders, bind parameters, `$VAR` references too).
pub fn is_placeholder(v: &[u8]) -> bool {
    if super::keyvalue::is_placeholder(v) {
        return true;
    }
    v.starts_with(redact::OPEN)
        || v.starts_with(b"${")
        || v.starts_with(b"{{")
        || v.starts_with(b"%(")
        || v.starts_with(b"$(")
        || (v.starts_with(b"<") && v.ends_with(b">"))
        || (v.starts_with(b"{") && v.ends_with(b"}") && !v.contains(&b'"'))
        || v.starts_with(b"***")
}

/// A machine credential is at least 8 bytes and not a lowercase word or phrase
/// (`expired`, `invalid_token`, `not provided`).
fn machine_like(value: &[u8]) -> bool {
    let v = value.trim_ascii();
    if v.len() < 8 {
        return false;
    }
    !is_wordy(v) && !is_file_name(v)
}

/// `lib20_auth_var_expand_crypt.so`, `app-main.min.js`: lower-case words (digits allowed)
/// joined by `_`/`-`/`.`, ending in a file extension: a file's name, not a credential.
fn is_file_name(v: &[u8]) -> bool {
    const EXTS: &[&[u8]] = &[
        b"so", b"js", b"mjs", b"css", b"html", b"htm", b"png", b"jpg", b"jpeg", b"gif", b"svg",
        b"ico", b"json", b"xml", b"txt", b"log", b"py", b"rb", b"php", b"map", b"woff", b"woff2",
        b"conf", b"cfg", b"ini", b"yaml", b"yml", b"gz", b"zip", b"pdf", b"dll", b"jar",
    ];
    let Some(dot) = v.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let (stem, ext) = (&v[..dot], &v[dot + 1..]);
    EXTS.contains(&ext)
        && stem.iter().any(|&b| matches!(b, b'_' | b'-' | b'.'))
        && stem.split(|&b| matches!(b, b'_' | b'-' | b'.')).all(|w| {
            let letters = w.iter().take_while(|b| b.is_ascii_lowercase()).count();
            letters >= 2 && w[letters..].iter().all(u8::is_ascii_digit) && w.len() - letters <= 4
        })
}

fn is_wordy(v: &[u8]) -> bool {
    v.iter()
        .all(|&b| b.is_ascii_alphabetic() || matches!(b, b' ' | b'_' | b'-'))
        && v.iter().skip(1).all(|&b| !b.is_ascii_uppercase())
}

fn basic_auth(value: &[u8]) -> bool {
    let v = value.trim_ascii();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(v)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(v.trim_ascii_end()));
    match decoded {
        Ok(d) => d.contains(&b':') && d.iter().all(|&b| b >= 0x20 || b == b'\t') && d.len() >= 2,
        Err(_) => false,
    }
}

/// The text `value` is base64 of (standard alphabet, padded or not; at most 256 KiB): UTF-8
/// with no control character but line breaks and tabs. `None` for anything else (an image, a
/// gzip, a hash's bytes).
pub fn decoded_text(value: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine;
    let v = value.trim_ascii();
    if v.len() > 256 << 10 {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(v)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(v))
        .ok()?;
    let text = std::str::from_utf8(&decoded).ok()?;
    let printable = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    (decoded.len() >= 8 && printable).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_not_tokens() {
        let check = |v: &[u8]| Validator::Token.check(v, None, None) != Verdict::Reject;
        assert!(!check(b"lib20_auth_var_expand_crypt.so"));
        assert!(!check(b"app-main.min.js"));
        assert!(check(b"Zq81KdPQm2Lr0aBcXyQm2.js"));
        assert!(check(b"cdhkx2-6a0b5f3c9d8e7f1a2b3c4d5e6f7a8b9c"));
    }

    #[test]
    fn jwt_alg_none_and_known() {
        // {"alg":"none","typ":"JWT"}
        assert_eq!(
            jwt_alg(b"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIn0."),
            Some("none")
        );
        // {"alg":"HS256","typ":"JWT"}
        assert_eq!(
            jwt_alg(b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig"),
            Some("HS256")
        );
        // {"alg":"XYZ"}
        assert_eq!(jwt_alg(b"eyJhbGciOiJYWVoifQ.e30.x"), Some("other"));
    }

    #[test]
    fn jwt_rejects_non_json_header() {
        assert_eq!(jwt_alg(b"eyJub3QganNvbg.e30.x"), None);
        assert_eq!(jwt_alg(b"eyJ!!!.e30.x"), None);
    }

    #[test]
    fn credential_rejects_non_values() {
        for v in [
            "null",
            "None",
            "",
            "  ",
            "[REDACTED:password]",
            "${DB_PASSWORD}",
            "<password>",
            "********",
            "xxxx",
            "42",
        ] {
            assert!(!credential(v.as_bytes(), None, None), "{v}");
        }
        assert!(credential(b"hunter2", None, None));
        assert!(!credential(b"next_token", None, Some(b'(')));
    }

    #[test]
    fn credential_rejects_pagination_and_shell_keys() {
        assert!(!credential(b"AbCdEf123456", Some(b"next_token"), None));
        assert!(!credential(b"/srv/app", Some(b"PWD"), None));
        assert!(credential(b"AbCdEf123456", Some(b"refresh_token"), None));
    }

    #[test]
    fn token_needs_machine_shape() {
        assert_eq!(
            Validator::Token.check(b"expired", None, None),
            Verdict::Reject
        );
        assert_eq!(
            Validator::Token.check(b"invalid_token", None, None),
            Verdict::Reject
        );
        assert!(matches!(
            Validator::Token.check(b"a8Fk2LmQ9x", None, None),
            Verdict::Accept { .. }
        ));
    }

    #[test]
    fn opaque_token_is_no_hex_id() {
        for id in [
            &b"688c7015aab97e494f2d4796"[..],
            b"9ba14c35-0ab5-407f-86b6-020a67a55936",
            b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            assert!(matches!(
                Validator::Token.check(id, None, None),
                Verdict::Accept { .. }
            ));
            assert_eq!(
                Validator::OpaqueToken.check(id, None, None),
                Verdict::Reject
            );
        }
        assert!(matches!(
            Validator::OpaqueToken.check(b"xk3fq9w1bjgp8ctmrd5yzo4hne", None, None),
            Verdict::Accept { .. }
        ));
    }

    #[test]
    fn decoded_text_is_text_only() {
        // `#!/bin/sh\necho ok\n`, unpadded too.
        assert_eq!(
            decoded_text(b"IyEvYmluL3NoCmVjaG8gb2sK").as_deref(),
            Some(&b"#!/bin/sh\necho ok\n"[..])
        );
        assert!(decoded_text(b"IyEvYmluL3NoCmVjaG8gb2sKCg").is_some());
        // Bytes that are not text (a gzip header, NULs), and what is not base64.
        assert!(decoded_text(b"H4sIAAAAAAAAA+3BAQ0AAADCoPdPbQ8HFAAAAAAAAAAA").is_none());
        assert!(decoded_text(b"AAAAAAAAAAAAAAAA").is_none());
        assert!(decoded_text(b"not base64 at all!").is_none());
    }

    #[test]
    fn basic_auth_needs_colon() {
        assert!(basic_auth(b"dXNlcjpwYXNz")); // user:pass
        assert!(!basic_auth(b"authentication"));
    }
}

#[cfg(test)]
mod elided_tests {
    use super::is_elided;

    #[test]
    fn stand_ins_are_elided_credentials_are_not() {
        for v in [
            "AKIAXXXXXXXXXXXXXXXX",
            "sk_live_****************",
            "\\n...\\n",
            "...",
        ] {
            assert!(is_elided(v.as_bytes()), "{v}");
        }
        for v in [
            "AKIAIOSFODNN7EXAMPLE",
            "\\nMIIEvQIBADANBgkqhkiG9w0B\\n",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        ] {
            assert!(!is_elided(v.as_bytes()), "{v}");
        }
    }
}
