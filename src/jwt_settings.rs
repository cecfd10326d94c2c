//! The JWT settings every entry point takes — `filter`'s flags, the daemon's `[jwt]` table,
//! the Lambda entry's `SCRUBD_JWT_*` variables — and the [`Policy`] they build. The weak-key
//! files are read here; the engine is handed their texts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::engine::jwt::{Policy, PolicyOptions, DEFAULT_MAX_LIFETIME_SECS};

/// How JWT findings are judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtSettings {
    /// Above this, `exp − iat` (or `exp` − the time seen) is a `long_lifetime` finding.
    pub max_lifetime: Duration,
    /// `iss` values that become `issuer` label values; every other token is `other`.
    pub issuers: Vec<String>,
    /// Weak-key files added to the built-in dictionary (same shape as
    /// `patterns/jwt-weak-keys.toml`).
    pub weak_keys_files: Vec<PathBuf>,
}

impl Default for JwtSettings {
    fn default() -> Self {
        JwtSettings {
            max_lifetime: Duration::from_secs(DEFAULT_MAX_LIFETIME_SECS as u64),
            issuers: Vec::new(),
            weak_keys_files: Vec::new(),
        }
    }
}

impl JwtSettings {
    /// Read the weak-key files and build the policy. Errors name the file (and the entry),
    /// never a key.
    pub fn policy(&self) -> Result<Arc<Policy>, String> {
        let mut files = Vec::new();
        for p in &self.weak_keys_files {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("JWT weak-key file {}: {e}", p.display()))?;
            files.push((p.display().to_string(), text));
        }
        Policy::new(&PolicyOptions {
            max_lifetime_secs: self.max_lifetime.as_secs() as i64,
            issuers: self.issuers.clone(),
            weak_key_files: files,
            ..PolicyOptions::default()
        })
        .map(Arc::new)
        .map_err(|e| e.to_string())
    }
}

/// A `long_lifetime` bound as written in settings (`"24h"`, `"90m"`, `"7d"`): at least a
/// second, at most ten years.
pub fn parse_max_lifetime(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s.trim()) {
        Ok(d) if d >= Duration::from_secs(1) && d <= Duration::from_secs(10 * 366 * 86400) => Ok(d),
        Ok(_) => Err(format!("{s:?}: must be between 1s and 10 years")),
        Err(e) => Err(format!("{s:?}: {e} (write e.g. \"24h\")")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_parse_within_bounds() {
        assert_eq!(parse_max_lifetime("24h"), Ok(Duration::from_secs(86400)));
        assert_eq!(
            parse_max_lifetime(" 7d "),
            Ok(Duration::from_secs(7 * 86400))
        );
        assert!(parse_max_lifetime("0s").is_err());
        assert!(parse_max_lifetime("forever").is_err());
    }

    #[test]
    fn unreadable_weak_key_file_is_named() {
        let s = JwtSettings {
            weak_keys_files: vec!["/nonexistent/keys.toml".into()],
            ..JwtSettings::default()
        };
        let e = s.policy().unwrap_err();
        assert!(e.contains("/nonexistent/keys.toml"), "{e}");
    }
}
