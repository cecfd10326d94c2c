//! `scrubd lambda`'s settings: environment variables that mirror the daemon's `[redact]`
//! table, read and validated once at init. A bad value is an init error naming the variable
//! (reported to the Runtime API's `/init/error`), never a failure of every event.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Every variable `scrubd lambda` reads. Any other `SCRUBD_*` variable is refused, so a typo
/// (`SCRUBD_MODEE=hash`) cannot silently leave the default in force.
pub const VARIABLES: &[(&str, &str)] = &[
    ("SCRUBD_DESTINATION_LOG_GROUP", "log group that receives scrubbed subscription events (required for subscription events)"),
    ("SCRUBD_MODE", "mask (default) or hash"),
    ("SCRUBD_FINGERPRINT_KEY_FILE", "file holding the hash-mode key (at least 16 bytes), e.g. in a layer under /opt"),
    ("SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER", "SSM parameter (name or ARN; a SecureString, read with decryption) holding the hash-mode key"),
    ("SCRUBD_FINGERPRINT_KEY_SECRET", "Secrets Manager secret (name or ARN; SecretString or SecretBinary) holding the hash-mode key"),
    ("SCRUBD_RULES_DIRS", "extra rule directories, separated by ':' (e.g. /opt/scrubd/rules.d from a layer)"),
    ("SCRUBD_DISABLE", "rule ids to leave out, separated by ','"),
    ("SCRUBD_MAX_LINE_BYTES", "longest line scanned; longer lines are replaced whole (default 1048576)"),
    ("SCRUBD_FIREHOSE_OUTPUT", "lines (default: sanitized messages, one per line) or cloudwatch (the JSON envelope, gzipped)"),
    ("SCRUBD_METRICS_NAMESPACE", "CloudWatch namespace of the Embedded Metric Format lines (default scrubd)"),
    ("SCRUBD_LOG", "log filter for scrubd's own logs on stderr (default info)"),
    ("SCRUBD_JWT_MAX_LIFETIME", "JWT lifetime above which a token is a long_lifetime finding (default 24h)"),
    ("SCRUBD_JWT_ISSUERS", "JWT iss values that become Issuer dimension values, separated by ','"),
    ("SCRUBD_JWT_WEAK_KEYS_FILES", "weak HMAC key files added to the built-in dictionary, separated by ':'"),
];

/// What Firehose records holding CloudWatch Logs payloads become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirehoseOutput {
    /// The sanitized messages, each ending in `\n` (what AWS's CloudWatch Logs processor
    /// blueprint emits).
    Lines,
    /// The subscription JSON envelope with sanitized messages, gzipped again.
    CloudWatch,
}

/// Where hash mode's key comes from: exactly one source, read once at init.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `SCRUBD_FINGERPRINT_KEY_FILE`
    File(PathBuf),
    /// `SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER`: a parameter name or ARN.
    SsmParameter(String),
    /// `SCRUBD_FINGERPRINT_KEY_SECRET`: a secret name or ARN.
    Secret(String),
}

impl KeySource {
    /// The setting that names this source.
    pub fn var(&self) -> &'static str {
        match self {
            KeySource::File(_) => "SCRUBD_FINGERPRINT_KEY_FILE",
            KeySource::SsmParameter(_) => "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER",
            KeySource::Secret(_) => "SCRUBD_FINGERPRINT_KEY_SECRET",
        }
    }

    /// What the source is, for messages: its name, never its content.
    pub fn describe(&self) -> String {
        match self {
            KeySource::File(path) => format!("file {}", path.display()),
            KeySource::SsmParameter(name) => format!("SSM parameter {name:?}"),
            KeySource::Secret(id) => format!("Secrets Manager secret {id:?}"),
        }
    }
}

/// The key settings, in the order they are reported.
const KEY_VARS: [&str; 3] = [
    "SCRUBD_FINGERPRINT_KEY_FILE",
    "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER",
    "SCRUBD_FINGERPRINT_KEY_SECRET",
];

/// Validated settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub destination_group: Option<String>,
    /// Where hash mode's key comes from; `None` is mask mode.
    pub fingerprint_key: Option<KeySource>,
    pub rules_dirs: Vec<PathBuf>,
    pub disable: Vec<String>,
    pub max_line_bytes: usize,
    pub firehose_output: FirehoseOutput,
    pub namespace: String,
    pub jwt: crate::jwt_settings::JwtSettings,
}

/// A bad setting: the variable, and what is wrong with it (never a secret: key material is
/// read from a file, parameter or secret whose name, not content, is reported).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct SettingError {
    pub var: String,
    pub reason: String,
}

fn err(var: &str, reason: impl Into<String>) -> SettingError {
    SettingError {
        var: var.to_string(),
        reason: reason.into(),
    }
}

impl Settings {
    /// Read the settings from `env` (name → value; pass `std::env::vars()`).
    pub fn from_env(
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, SettingError> {
        let env: BTreeMap<String, String> = env.into_iter().collect();
        for name in env.keys().filter(|k| k.starts_with("SCRUBD_")) {
            if !VARIABLES.iter().any(|(v, _)| v == name) {
                let known: Vec<&str> = VARIABLES.iter().map(|(v, _)| *v).collect();
                return Err(err(
                    name,
                    format!("unknown setting (known: {})", known.join(", ")),
                ));
            }
        }
        let get = |name: &str| env.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());

        let destination_group = get("SCRUBD_DESTINATION_LOG_GROUP").map(str::to_string);
        if let Some(g) = &destination_group {
            let legal = |c: char| c.is_ascii_alphanumeric() || "_-/.#".contains(c);
            if g.len() > 512 || !g.chars().all(legal) {
                return Err(err(
                    "SCRUBD_DESTINATION_LOG_GROUP",
                    "not a log group name (1-512 characters: letters, digits, '_', '-', '/', '.', '#')",
                ));
            }
        }
        let key_sources: Vec<&str> = KEY_VARS.into_iter().filter(|&v| get(v).is_some()).collect();
        let fingerprint_key = match get("SCRUBD_MODE").unwrap_or("mask") {
            "mask" => {
                if let Some(var) = key_sources.first() {
                    return Err(err(
                        var,
                        "set, but SCRUBD_MODE is mask (set SCRUBD_MODE=hash to use it)",
                    ));
                }
                None
            }
            "hash" => match key_sources[..] {
                [] => {
                    return Err(err(
                        "SCRUBD_MODE",
                        format!(
                            "hash needs a key of at least 16 bytes from one of {}",
                            KEY_VARS.join(", ")
                        ),
                    ))
                }
                [var] => Some(key_source(var, get(var).unwrap_or_default())?),
                [first, second, ..] => {
                    return Err(err(
                        second,
                        format!("set together with {first}: set exactly one key source"),
                    ))
                }
            },
            other => {
                return Err(err(
                    "SCRUBD_MODE",
                    format!("{other:?}: expected mask or hash"),
                ))
            }
        };
        let rules_dirs = get("SCRUBD_RULES_DIRS")
            .map(|v| {
                v.split(':')
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();
        let disable = get("SCRUBD_DISABLE")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let max_line_bytes = match get("SCRUBD_MAX_LINE_BYTES") {
            None => 1 << 20,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(err(
                        "SCRUBD_MAX_LINE_BYTES",
                        format!("{v:?}: expected a whole number of bytes, at least 1"),
                    ))
                }
            },
        };
        let firehose_output = match get("SCRUBD_FIREHOSE_OUTPUT").unwrap_or("lines") {
            "lines" => FirehoseOutput::Lines,
            "cloudwatch" => FirehoseOutput::CloudWatch,
            other => {
                return Err(err(
                    "SCRUBD_FIREHOSE_OUTPUT",
                    format!("{other:?}: expected lines or cloudwatch"),
                ))
            }
        };
        let namespace = get("SCRUBD_METRICS_NAMESPACE")
            .unwrap_or("scrubd")
            .to_string();
        if namespace.len() > 255
            || namespace.starts_with(':')
            || namespace.chars().any(|c| c.is_control())
        {
            return Err(err(
                "SCRUBD_METRICS_NAMESPACE",
                "not a CloudWatch namespace (1-255 printable characters)",
            ));
        }
        let mut jwt = crate::jwt_settings::JwtSettings::default();
        if let Some(v) = get("SCRUBD_JWT_MAX_LIFETIME") {
            jwt.max_lifetime = crate::jwt_settings::parse_max_lifetime(v)
                .map_err(|e| err("SCRUBD_JWT_MAX_LIFETIME", e))?;
        }
        for iss in get("SCRUBD_JWT_ISSUERS")
            .into_iter()
            .flat_map(|v| v.split(','))
        {
            let iss = iss.trim();
            if iss.is_empty() || jwt.issuers.iter().any(|i| i == iss) {
                return Err(err(
                    "SCRUBD_JWT_ISSUERS",
                    "an issuer is empty or listed twice",
                ));
            }
            jwt.issuers.push(iss.to_string());
        }
        jwt.weak_keys_files = get("SCRUBD_JWT_WEAK_KEYS_FILES")
            .map(|v| {
                v.split(':')
                    .filter(|f| !f.is_empty())
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Settings {
            destination_group,
            fingerprint_key,
            rules_dirs,
            disable,
            max_line_bytes,
            firehose_output,
            namespace,
            jwt,
        })
    }
}

/// The key source `var` names, its value checked for shape (the names AWS accepts).
fn key_source(var: &str, value: &str) -> Result<KeySource, SettingError> {
    let aws_name = |extra: &str, what: &str| {
        let legal = |c: char| c.is_ascii_alphanumeric() || extra.contains(c);
        if value.len() > 2048 || !value.chars().all(legal) {
            Err(err(
                var,
                format!("not {what} (up to 2048 characters: letters, digits and {extra:?})"),
            ))
        } else {
            Ok(value.to_string())
        }
    };
    Ok(match var {
        "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER" => {
            KeySource::SsmParameter(aws_name("_.-/:", "an SSM parameter name or ARN")?)
        }
        "SCRUBD_FINGERPRINT_KEY_SECRET" => KeySource::Secret(aws_name(
            "/_+=.@-:",
            "a Secrets Manager secret name or ARN",
        )?),
        _ => KeySource::File(PathBuf::from(value)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn jwt_settings_are_read() {
        let s = Settings::from_env(env(&[
            ("SCRUBD_JWT_MAX_LIFETIME", "2h"),
            ("SCRUBD_JWT_ISSUERS", "https://auth.example.com/, orders"),
            (
                "SCRUBD_JWT_WEAK_KEYS_FILES",
                "/opt/scrubd/a.toml:/opt/scrubd/b.toml",
            ),
        ]))
        .unwrap();
        assert_eq!(s.jwt.max_lifetime, std::time::Duration::from_secs(7200));
        assert_eq!(s.jwt.issuers, ["https://auth.example.com/", "orders"]);
        assert_eq!(s.jwt.weak_keys_files.len(), 2);
        let e = Settings::from_env(env(&[("SCRUBD_JWT_MAX_LIFETIME", "soon")])).unwrap_err();
        assert_eq!(e.var, "SCRUBD_JWT_MAX_LIFETIME");
        let e = Settings::from_env(env(&[("SCRUBD_JWT_ISSUERS", "a,a")])).unwrap_err();
        assert_eq!(e.var, "SCRUBD_JWT_ISSUERS");
    }

    #[test]
    fn defaults_need_nothing() {
        let s = Settings::from_env(env(&[("PATH", "/bin")])).unwrap();
        assert_eq!(s.destination_group, None);
        assert_eq!(s.fingerprint_key, None);
        assert_eq!(s.max_line_bytes, 1 << 20);
        assert_eq!(s.firehose_output, FirehoseOutput::Lines);
        assert_eq!(s.namespace, "scrubd");
    }

    #[test]
    fn every_setting_is_read() {
        let s = Settings::from_env(env(&[
            ("SCRUBD_DESTINATION_LOG_GROUP", "/scrubbed/all"),
            ("SCRUBD_MODE", "hash"),
            ("SCRUBD_FINGERPRINT_KEY_FILE", "/opt/scrubd/fp.key"),
            ("SCRUBD_RULES_DIRS", "/opt/a:/opt/b"),
            ("SCRUBD_DISABLE", "jwt, aws-access-key-id"),
            ("SCRUBD_MAX_LINE_BYTES", "4096"),
            ("SCRUBD_FIREHOSE_OUTPUT", "cloudwatch"),
        ]))
        .unwrap();
        assert_eq!(s.destination_group.as_deref(), Some("/scrubbed/all"));
        assert_eq!(
            s.fingerprint_key,
            Some(KeySource::File(PathBuf::from("/opt/scrubd/fp.key")))
        );
        assert_eq!(
            s.rules_dirs,
            vec![PathBuf::from("/opt/a"), PathBuf::from("/opt/b")]
        );
        assert_eq!(
            s.disable,
            vec!["jwt".to_string(), "aws-access-key-id".to_string()]
        );
        assert_eq!(s.max_line_bytes, 4096);
        assert_eq!(s.firehose_output, FirehoseOutput::CloudWatch);
    }

    #[test]
    fn the_key_comes_from_ssm_or_secrets_manager() {
        let s = Settings::from_env(env(&[
            ("SCRUBD_MODE", "hash"),
            (
                "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER",
                "arn:aws:ssm:eu-west-1:123456789012:parameter/scrubd/fingerprint-key",
            ),
        ]))
        .unwrap();
        assert_eq!(
            s.fingerprint_key,
            Some(KeySource::SsmParameter(
                "arn:aws:ssm:eu-west-1:123456789012:parameter/scrubd/fingerprint-key".into()
            ))
        );
        let s = Settings::from_env(env(&[
            ("SCRUBD_MODE", "hash"),
            ("SCRUBD_FINGERPRINT_KEY_SECRET", " prod/scrubd/key+v2 "),
        ]))
        .unwrap();
        assert_eq!(
            s.fingerprint_key,
            Some(KeySource::Secret("prod/scrubd/key+v2".into()))
        );
        assert_eq!(
            s.fingerprint_key.unwrap().var(),
            "SCRUBD_FINGERPRINT_KEY_SECRET"
        );
        // An empty value is unset, as for every setting.
        let s = Settings::from_env(env(&[
            ("SCRUBD_MODE", "hash"),
            ("SCRUBD_FINGERPRINT_KEY_FILE", ""),
            ("SCRUBD_FINGERPRINT_KEY_SECRET", "k"),
        ]))
        .unwrap();
        assert_eq!(s.fingerprint_key, Some(KeySource::Secret("k".into())));
    }

    #[test]
    fn two_key_sources_are_refused_by_name() {
        let e = Settings::from_env(env(&[
            ("SCRUBD_MODE", "hash"),
            ("SCRUBD_FINGERPRINT_KEY_FILE", "/k"),
            ("SCRUBD_FINGERPRINT_KEY_SECRET", "s"),
        ]))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "SCRUBD_FINGERPRINT_KEY_SECRET: set together with SCRUBD_FINGERPRINT_KEY_FILE: set exactly one key source"
        );
        let e = Settings::from_env(env(&[("SCRUBD_MODE", "hash")])).unwrap_err();
        assert!(
            e.reason.contains("SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER"),
            "{e}"
        );
    }

    #[test]
    fn bad_settings_name_the_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("SCRUBD_MODE", "hashh")], "SCRUBD_MODE"),
            (&[("SCRUBD_MODE", "hash")], "SCRUBD_MODE"),
            (
                &[("SCRUBD_FINGERPRINT_KEY_FILE", "/k")],
                "SCRUBD_FINGERPRINT_KEY_FILE",
            ),
            (&[("SCRUBD_MAX_LINE_BYTES", "0")], "SCRUBD_MAX_LINE_BYTES"),
            (&[("SCRUBD_MAX_LINE_BYTES", "1MB")], "SCRUBD_MAX_LINE_BYTES"),
            (
                &[("SCRUBD_FIREHOSE_OUTPUT", "json")],
                "SCRUBD_FIREHOSE_OUTPUT",
            ),
            (
                &[("SCRUBD_DESTINATION_LOG_GROUP", "bad group")],
                "SCRUBD_DESTINATION_LOG_GROUP",
            ),
            (&[("SCRUBD_MODEE", "hash")], "SCRUBD_MODEE"),
            (
                &[("SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER", "/scrubd/key")],
                "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER",
            ),
            (
                &[("SCRUBD_FINGERPRINT_KEY_SECRET", "scrubd-key")],
                "SCRUBD_FINGERPRINT_KEY_SECRET",
            ),
            (
                &[
                    ("SCRUBD_MODE", "hash"),
                    ("SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER", "/scrubd/key"),
                    ("SCRUBD_FINGERPRINT_KEY_SECRET", "scrubd-key"),
                ],
                "SCRUBD_FINGERPRINT_KEY_SECRET",
            ),
            (
                &[
                    ("SCRUBD_MODE", "hash"),
                    ("SCRUBD_FINGERPRINT_KEY_FILE", "/k"),
                    ("SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER", "/scrubd/key"),
                ],
                "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER",
            ),
            (
                &[
                    ("SCRUBD_MODE", "hash"),
                    ("SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER", "/scrubd/my key"),
                ],
                "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER",
            ),
            (
                &[
                    ("SCRUBD_MODE", "hash"),
                    ("SCRUBD_FINGERPRINT_KEY_SECRET", "scrubd key!"),
                ],
                "SCRUBD_FINGERPRINT_KEY_SECRET",
            ),
            (
                &[("SCRUBD_FINGERPRINT_KEY_SSM", "/k")],
                "SCRUBD_FINGERPRINT_KEY_SSM",
            ),
        ];
        for (pairs, var) in cases {
            let e = Settings::from_env(env(pairs)).unwrap_err();
            assert_eq!(e.var, *var, "{pairs:?}: {e}");
        }
    }
}
