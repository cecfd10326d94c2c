//! Redaction strategies: what replaces a secret in the output.
//!
//! Placeholders use only `[A-Za-z0-9:_.=-]` and square brackets (ARCHITECTURE invariant 3), so
//! they never break the JSON string, Python repr or URL they land in, and no rule matches them
//! again (invariant 4).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::Write as _;

use super::Error;

/// What every placeholder starts with. Readers that must not take a placeholder for data (a
/// key, a value, a frame, an escape sequence) look for it.
pub const OPEN: &[u8] = b"[REDACTED";

static OPEN_FWD: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(OPEN));
static OPEN_REV: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new(OPEN));

/// Where the first [`OPEN`] in `hay` starts. The searcher is built once: `memmem::find` builds
/// one per call, which costs more than searching a log line.
pub fn find_open(hay: &[u8]) -> Option<usize> {
    OPEN_FWD.find(hay)
}

/// Where the last [`OPEN`] in `hay` starts (a searcher built once, as [`find_open`]).
pub fn rfind_open(hay: &[u8]) -> Option<usize> {
    OPEN_REV.rfind(hay)
}

/// Whether `b` may stand between a placeholder's `[` and `]`: its kind, a fingerprint,
/// `line-too-long:bytes=N`.
pub fn is_placeholder_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b":_.=-".contains(&b)
}

/// The length of the whole placeholder (`[REDACTED…]`) at the start of `s`, if one is there.
pub fn placeholder_len(s: &[u8]) -> Option<usize> {
    let rest = s.strip_prefix(OPEN)?;
    let n = rest.iter().take_while(|&&b| is_placeholder_byte(b)).count();
    (rest.get(n) == Some(&b']')).then_some(OPEN.len() + n + 1)
}

/// How secrets are replaced.
#[derive(Clone)]
pub enum Mode {
    /// `[REDACTED:<kind>]`.
    Mask,
    /// `[REDACTED:<kind>:<12 hex>]`: HMAC-SHA256 of the secret under a key, so one secret
    /// correlates across lines and hosts without being revealed.
    Hash(Box<Hmac<Sha256>>),
}

impl std::fmt::Debug for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Mask => "Mask",
            Mode::Hash(_) => "Hash(<key>)",
        })
    }
}

/// Shortest fingerprint key accepted: shorter keys make fingerprints guessable offline.
pub const MIN_KEY_BYTES: usize = 16;

impl Mode {
    /// Hash mode keyed with `key` (at least [`MIN_KEY_BYTES`] bytes; a trailing newline, as a
    /// key file usually ends, is ignored). The error never quotes the key.
    pub fn hash(key: &[u8]) -> Result<Self, Error> {
        let key = key.strip_suffix(b"\n").unwrap_or(key);
        if key.len() < MIN_KEY_BYTES {
            return Err(Error::Key(format!(
                "fingerprint key is {} bytes; at least {MIN_KEY_BYTES} are required",
                key.len()
            )));
        }
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|e| Error::Key(e.to_string()))?;
        Ok(Mode::Hash(Box::new(mac)))
    }

    /// The 12-hex fingerprint of `secret` in hash mode, `None` in mask mode.
    pub fn fingerprint(&self, secret: &[u8]) -> Option<[u8; 12]> {
        match self {
            Mode::Mask => None,
            Mode::Hash(mac) => {
                let mut mac = (**mac).clone();
                mac.update(secret);
                let digest = mac.finalize().into_bytes();
                let mut hex = [0u8; 12];
                for (i, b) in digest[..6].iter().enumerate() {
                    hex[2 * i] = HEX[(b >> 4) as usize];
                    hex[2 * i + 1] = HEX[(b & 15) as usize];
                }
                Some(hex)
            }
        }
    }

    /// Append the placeholder for `secret` of `kind` to `out`.
    pub fn write_placeholder(&self, kind: &str, secret: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(OPEN);
        out.push(b':');
        out.extend_from_slice(kind.as_bytes());
        if let Some(fp) = self.fingerprint(secret) {
            out.push(b':');
            out.extend_from_slice(&fp);
        }
        out.push(b']');
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Write a placeholder for a whole dropped line (over the length limit) into `out`.
pub fn write_oversize(len: u64, out: &mut Vec<u8>) {
    let _ = write!(out, "[REDACTED:line-too-long:bytes={len}]");
}

/// Whether `line` is what [`write_oversize`] writes: a line whose content was never seen.
pub fn is_oversize(line: &[u8]) -> bool {
    line.strip_prefix(b"[REDACTED:line-too-long:bytes=")
        .and_then(|r| r.strip_suffix(b"]"))
        .is_some_and(|n| !n.is_empty() && n.iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the engine's readers take for a placeholder is exactly what the modes write.
    #[test]
    fn placeholders_written_are_placeholders_read() {
        let mut out = Vec::new();
        Mode::hash(b"0123456789abcdef").unwrap().write_placeholder(
            "aws-secret-key",
            b"x",
            &mut out,
        );
        let hashed = out.len();
        write_oversize(12, &mut out);
        assert_eq!(placeholder_len(&out), Some(hashed));
        assert_eq!(placeholder_len(&out[hashed..]), Some(out.len() - hashed));
        for bad in [
            &b"[REDACTED:jwt"[..],
            b"[REDACTED:a b]",
            b"[REDACT:jwt]",
            b"[REDACTED:\"]",
        ] {
            assert_eq!(placeholder_len(bad), None, "{bad:?}");
        }
        assert_eq!(placeholder_len(b"[REDACTED]\""), Some(10));
    }

    #[test]
    fn mask_placeholder() {
        let mut out = Vec::new();
        Mode::Mask.write_placeholder("jwt", b"eyJ", &mut out);
        assert_eq!(out, b"[REDACTED:jwt]");
    }

    #[test]
    fn hash_placeholder_is_stable_and_keyed() {
        let a = Mode::hash(b"0123456789abcdef").unwrap();
        let b = Mode::hash(b"fedcba9876543210").unwrap();
        let (mut x, mut y, mut z) = (Vec::new(), Vec::new(), Vec::new());
        a.write_placeholder("password", b"hunter2", &mut x);
        a.write_placeholder("password", b"hunter2", &mut y);
        b.write_placeholder("password", b"hunter2", &mut z);
        assert_eq!(x, y);
        assert_ne!(x, z);
        assert_eq!(x.len(), "[REDACTED:password:".len() + 12 + 1);
        assert!(x
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"[]:_.=-".contains(b)));
    }

    #[test]
    fn hash_refuses_short_key() {
        assert!(Mode::hash(b"short").is_err());
    }
}
