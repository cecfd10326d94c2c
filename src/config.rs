//! The daemon's TOML config: a raw serde model, then one validating step that checks names,
//! references, globs and the rule set, and reports `FILE:LINE:COL: message`.
//!
//! Sources and sinks are plugins: this module reads each `[[sources]]` / `[[sinks]]` table's
//! `name`, `type` and (sources) `sink`, and hands the rest of the table to the kind `type` names
//! ([`crate::source::parse`], [`crate::sink::parse`]), which owns its config type. Unknown keys
//! are rejected everywhere: each kind's struct has `deny_unknown_fields` (not an internally
//! tagged enum, where serde ignores it: serde-rs/serde#2123), and a test checks every kind.
//! Inside a table toml's `Spanned` cannot be used, so errors about a source or sink field are
//! located by finding the offending value inside that table's span.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

use crate::engine::rule::line_col;
use crate::sink::SinkSpec;
use crate::source::SourceSpec;
use crate::table::TableError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    state: RawState,
    #[serde(default)]
    metrics: Option<RawMetrics>,
    #[serde(default)]
    redact: RawRedact,
    #[serde(default)]
    sources: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    sinks: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    cloudwatch: Option<RawCloudWatch>,
    #[serde(default)]
    shutdown: Option<RawShutdown>,
    #[serde(default)]
    jwt: Option<RawJwt>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJwt {
    max_lifetime: Option<Spanned<String>>,
    #[serde(default)]
    issuers: Vec<Spanned<String>>,
    #[serde(default)]
    weak_keys_files: Vec<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShutdown {
    drain_timeout: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCloudWatch {
    max_requests_per_second: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    dir: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetrics {
    listen: Spanned<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRedact {
    #[serde(default)]
    mode: Option<Spanned<String>>,
    #[serde(default)]
    fingerprint_key_file: Option<PathBuf>,
    #[serde(default)]
    rules_dirs: Vec<PathBuf>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    max_line_bytes: Option<Spanned<usize>>,
}

/// A validated config.
#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    pub state_dir: PathBuf,
    pub metrics_listen: Option<SocketAddr>,
    pub redact: Redact,
    pub sources: Vec<Source>,
    pub sinks: Vec<Sink>,
    /// Read requests per second allowed to all CloudWatch sources together.
    pub cloudwatch_requests_per_second: f64,
    /// How long SIGTERM waits for in-flight lines to be delivered before giving up.
    pub drain_timeout: Duration,
    /// How JWT findings are judged (`[jwt]`).
    pub jwt: crate::jwt_settings::JwtSettings,
    /// Things worth saying that do not make the config invalid (`check` prints them, `run`
    /// logs them).
    pub warnings: Vec<String>,
}

/// Default of `[shutdown] drain_timeout`: well below systemd's `TimeoutStopSec=60s`, so scrubd
/// exits on its own (logging what it could not deliver) before systemd kills it.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// Default of `[cloudwatch] max_requests_per_second`: FilterLogEvents' quota is 5 per second
/// per account and region, shared with every other client of the account.
pub const DEFAULT_CLOUDWATCH_RPS: f64 = 3.0;

/// How lines are redacted.
#[derive(Debug, Clone)]
pub struct Redact {
    /// `None` for mask mode, the key file for hash mode.
    pub fingerprint_key_file: Option<PathBuf>,
    pub rules_dirs: Vec<PathBuf>,
    pub disable: Vec<String>,
    /// Where each `disable` id is written, `FILE:LINE:COL`.
    pub disable_at: Vec<String>,
    pub max_line_bytes: usize,
}

/// A validated source: its name, the sink it feeds, and its kind's own validated config.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    /// Where the name is written, `FILE:LINE:COL`, for errors about it.
    pub at: String,
    /// Index into [`Config::sinks`].
    pub sink: usize,
    pub(crate) spec: std::sync::Arc<dyn SourceSpec>,
}

/// A validated sink.
#[derive(Debug, Clone)]
pub struct Sink {
    pub name: String,
    /// Where the name is written, `FILE:LINE:COL`, for errors about it.
    pub at: String,
    pub(crate) spec: std::sync::Arc<dyn SinkSpec>,
}

/// A config error, already rendered as `FILE:LINE:COL: message` (or `FILE: message`).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

/// Default longest line scanned, as in `scrubd filter`.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

impl Config {
    /// Read, parse and validate the config at `path`. Rules are checked separately by the
    /// caller when it builds the engine (their errors name their own files).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("{}: cannot read config: {e}", path.display())))?;
        Self::parse(path, &text)
    }

    /// What a reload (SIGHUP) does not apply: the settings that differ between the running
    /// config and `new` other than the rules and redaction mode, named as in the file. They
    /// take effect at the next start; the reload says so rather than ignore them silently.
    pub fn restart_needed_for(&self, new: &Config) -> Vec<&'static str> {
        let shape = |c: &Config| {
            let sources: Vec<String> = c
                .sources
                .iter()
                .map(|s| format!("{} {} {:?}", s.name, s.sink, s.spec))
                .collect();
            let sinks: Vec<String> = c
                .sinks
                .iter()
                .map(|s| format!("{} {:?}", s.name, s.spec))
                .collect();
            (sources, sinks)
        };
        let (old_shape, new_shape) = (shape(self), shape(new));
        [
            (
                self.redact.max_line_bytes != new.redact.max_line_bytes,
                "redact.max_line_bytes",
            ),
            (self.state_dir != new.state_dir, "[state]"),
            (self.metrics_listen != new.metrics_listen, "[metrics]"),
            (self.drain_timeout != new.drain_timeout, "[shutdown]"),
            (
                self.cloudwatch_requests_per_second != new.cloudwatch_requests_per_second,
                "[cloudwatch]",
            ),
            (old_shape.0 != new_shape.0, "[[sources]]"),
            (old_shape.1 != new_shape.1, "[[sinks]]"),
        ]
        .into_iter()
        .filter_map(|(changed, what)| changed.then_some(what))
        .collect()
    }

    /// Refuse a source or sink name the engine takes for a secret. Names become metric label
    /// values, output directory names and log fields, so such a name would carry the secret
    /// out in clear (fail closed). The error says where the name is and which kind of secret
    /// it looks like, never the name itself.
    pub fn check_names(&self, scrubber: &crate::engine::Scrubber) -> Result<(), ConfigError> {
        let mut scratch = scrubber.scratch();
        let names = self
            .sources
            .iter()
            .map(|s| ("source", &s.name, &s.at))
            .chain(self.sinks.iter().map(|s| ("sink", &s.name, &s.at)));
        for (what, name, at) in names {
            if let std::borrow::Cow::Owned(shown) = scrubber.scrub_str(name, &mut scratch) {
                return Err(ConfigError(format!(
                    "{at}: this {what} name looks like a secret ({shown}); names become metric labels and directory names: choose another"
                )));
            }
        }
        Ok(())
    }

    /// `e`, from loading this config's rules, told at its place in the file when it is about
    /// one of its `[redact] disable` ids (the engine knows only the id).
    pub fn locate_rules_error(&self, e: crate::rulefiles::LoadError) -> anyhow::Error {
        use crate::{engine, rulefiles::LoadError};
        if let LoadError::Engine(engine::Error::UnknownDisable { shown, id }) = &e {
            if let Some(i) = self.redact.disable.iter().position(|d| *d == id.0) {
                return ConfigError(format!(
                    "{}: [redact] disable: no rule has the id {shown:?} (see `scrubd rules`)",
                    self.redact.disable_at[i]
                ))
                .into();
            }
        }
        e.into()
    }

    /// Parse and validate config `text`; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let place = |span: std::ops::Range<usize>| {
            let (line, col) = line_col(text, span.start);
            format!("{}:{line}:{col}", path.display())
        };
        let at = |span: std::ops::Range<usize>, msg: String| {
            ConfigError(format!("{}: {msg}", place(span)))
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| match e.span() {
            Some(span) => at(span, e.message().to_string()),
            None => ConfigError(format!("{}: {}", path.display(), e.message())),
        })?;

        // The position of `value` (quoted) inside the table at `span`, or the table itself.
        let within = |span: std::ops::Range<usize>, value: &str| -> std::ops::Range<usize> {
            let quoted = format!("\"{value}\"");
            match text.get(span.clone()).and_then(|t| t.find(&quoted)) {
                Some(i) => span.start + i..span.start + i + quoted.len(),
                None => span,
            }
        };
        // Relative paths are relative to the config file's directory.
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let table_err = |span: std::ops::Range<usize>, e: TableError| match e.value {
            Some(v) => at(within(span, &v), e.message),
            None => at(span, e.message),
        };
        let max_line_bytes = config_max_line(&raw);
        let cloudwatch_requests_per_second = match raw
            .cloudwatch
            .as_ref()
            .and_then(|c| c.max_requests_per_second.as_ref())
        {
            None => DEFAULT_CLOUDWATCH_RPS,
            Some(r)
                if r.get_ref().is_finite() && *r.get_ref() >= 0.01 && *r.get_ref() <= 1000.0 =>
            {
                *r.get_ref()
            }
            Some(r) => {
                return Err(at(
                    r.span(),
                    "max_requests_per_second must be between 0.01 and 1000".into(),
                ))
            }
        };
        let mut warnings = Vec::new();
        let mut sinks: Vec<Sink> = Vec::new();
        for s in &raw.sinks {
            let mut table = s.get_ref().clone();
            let (name, kind) = common(&mut table, "sink", crate::sink::KINDS)
                .map_err(|e| table_err(s.span(), e))?;
            check_name(&name).map_err(|m| at(within(s.span(), &name), m))?;
            if sinks.iter().any(|x| x.name == name) {
                return Err(at(
                    within(s.span(), &name),
                    format!("sink {name:?} is defined twice"),
                ));
            }
            let ctx = crate::sink::ParseCtx { base: &base };
            let spec = crate::sink::parse(&kind, table, &ctx)
                .expect("kind checked by common()")
                .map_err(|e| table_err(s.span(), e))?;
            if spec.single() && sinks.iter().any(|x| x.spec.single()) {
                return Err(at(s.span(), format!("at most one {kind} sink")));
            }
            sinks.push(Sink {
                at: place(within(s.span(), &name)),
                name,
                spec: spec.into(),
            });
        }

        let mut sources: Vec<Source> = Vec::new();
        for s in &raw.sources {
            let mut table = s.get_ref().clone();
            let (name, kind) = common(&mut table, "source", crate::source::KINDS)
                .map_err(|e| table_err(s.span(), e))?;
            let sink_name = match table.remove("sink") {
                Some(toml::Value::String(v)) => v,
                _ => {
                    return Err(at(
                        s.span(),
                        format!("source {name:?}: missing field `sink`"),
                    ))
                }
            };
            check_name(&name).map_err(|m| at(within(s.span(), &name), m))?;
            if sources.iter().any(|x| x.name == name) {
                return Err(at(
                    within(s.span(), &name),
                    format!("source {name:?} is defined twice"),
                ));
            }
            let sink =
                find_sink(&sinks, &sink_name).map_err(|m| at(within(s.span(), &sink_name), m))?;
            let mut ctx = crate::source::ParseCtx {
                name: &name,
                base: &base,
                max_line_bytes,
                cloudwatch_requests_per_second,
                warnings: &mut warnings,
            };
            let spec = crate::source::parse(&kind, table, &mut ctx)
                .expect("kind checked by common()")
                .map_err(|e| table_err(s.span(), e))?;
            sources.push(Source {
                at: place(within(s.span(), &name)),
                name,
                sink,
                spec: spec.into(),
            });
        }
        if sources.is_empty() {
            return Err(ConfigError(format!(
                "{}: no [[sources]]: nothing to do",
                path.display()
            )));
        }

        let fingerprint_key_file = match raw.redact.mode.as_ref().map(|m| (m.get_ref().as_str(), m.span())) {
            None | Some(("mask", _)) => None,
            Some(("hash", span)) => Some(raw.redact.fingerprint_key_file.as_ref().map(|k| base.join(k)).ok_or_else(|| {
                at(span, "mode = \"hash\" needs fingerprint_key_file (a secret key of at least 16 bytes)".into())
            })?),
            Some((other, span)) => return Err(at(span, format!("mode {other:?}: expected \"mask\" or \"hash\""))),
        };
        let metrics_listen = match &raw.metrics {
            None => None,
            Some(m) => Some(m.listen.get_ref().parse::<SocketAddr>().map_err(|e| {
                at(
                    m.listen.span(),
                    format!("listen {:?}: {e}", m.listen.get_ref()),
                )
            })?),
        };
        if let Some(m) = raw
            .redact
            .max_line_bytes
            .as_ref()
            .filter(|m| *m.get_ref() == 0)
        {
            return Err(at(
                m.span(),
                "redact.max_line_bytes must be at least 1".into(),
            ));
        }
        let drain_timeout = match raw.shutdown.as_ref().and_then(|s| s.drain_timeout.as_ref()) {
            None => DEFAULT_DRAIN_TIMEOUT,
            Some(t) => match humantime::parse_duration(t.get_ref()) {
                Ok(d) if d >= Duration::from_millis(100) && d <= Duration::from_secs(3600) => d,
                Ok(_) => return Err(at(t.span(), "drain_timeout must be between 100ms and 1h (keep it below systemd's TimeoutStopSec)".into())),
                Err(e) => return Err(at(t.span(), format!("drain_timeout {:?}: {e} (write e.g. \"20s\")", t.get_ref()))),
            },
        };
        let mut jwt = crate::jwt_settings::JwtSettings::default();
        if let Some(j) = &raw.jwt {
            if let Some(t) = &j.max_lifetime {
                jwt.max_lifetime = crate::jwt_settings::parse_max_lifetime(t.get_ref())
                    .map_err(|e| at(t.span(), format!("max_lifetime {e}")))?;
            }
            for iss in &j.issuers {
                if iss.get_ref().is_empty() || jwt.issuers.contains(iss.get_ref()) {
                    return Err(at(iss.span(), "issuer is empty or listed twice".into()));
                }
                jwt.issuers.push(iss.get_ref().clone());
            }
            if jwt.issuers.len() > 64 {
                return Err(at(
                    j.issuers[64].span(),
                    "at most 64 issuers (each one is a label value of every source)".into(),
                ));
            }
            jwt.weak_keys_files = j.weak_keys_files.iter().map(|f| base.join(f)).collect();
        }
        let state_dir = base.join(&raw.state.dir);
        check_sources(
            &raw,
            &sources,
            &sinks,
            &state_dir,
            &mut warnings,
            &table_err,
        )?;
        Ok(Config {
            path: path.to_path_buf(),
            state_dir,
            metrics_listen,
            redact: Redact {
                fingerprint_key_file,
                rules_dirs: raw.redact.rules_dirs.iter().map(|d| base.join(d)).collect(),
                disable: raw
                    .redact
                    .disable
                    .iter()
                    .map(|d| d.get_ref().clone())
                    .collect(),
                disable_at: raw.redact.disable.iter().map(|d| place(d.span())).collect(),
                max_line_bytes,
            },
            sources,
            sinks,
            cloudwatch_requests_per_second,
            drain_timeout,
            jwt,
            warnings,
        })
    }
}

/// Check every source against the rest of the config (a file source's globs must not reach
/// what scrubd writes: its sink's output, its state files), collecting warnings.
fn check_sources(
    raw: &RawConfig,
    sources: &[Source],
    sinks: &[Sink],
    state_dir: &Path,
    warnings: &mut Vec<String>,
    table_err: &dyn Fn(std::ops::Range<usize>, TableError) -> ConfigError,
) -> Result<(), ConfigError> {
    let mut outputs: Vec<(PathBuf, String)> = Vec::new();
    for src in sources {
        let sink = &sinks[src.sink];
        if let Some(dir) = sink.spec.output_dir(&src.name) {
            let shown = dir.parent().map_or(dir.clone(), Path::to_path_buf);
            outputs.push((
                dir,
                format!("the output of sink {:?} ({})", sink.name, shown.display()),
            ));
        }
    }
    let state_files: Vec<PathBuf> = [
        crate::checkpoint::CHECKPOINT_FILE,
        crate::checkpoint::CHECKPOINT_TMP_FILE,
        crate::checkpoint::LOCK_FILE,
    ]
    .iter()
    .map(|f| crate::source::file::discovery::lexical(&state_dir.join(f)))
    .collect();
    let mut earlier: Vec<(&str, Vec<String>, Vec<String>)> = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let ctx = crate::source::CheckCtx {
            name: &src.name,
            outputs: &outputs,
            state_files: &state_files,
            earlier: &earlier,
        };
        let found = src
            .spec
            .check(&ctx)
            .map_err(|e| table_err(raw.sources[i].span(), e))?;
        warnings.extend(found);
        if let Some((include, exclude)) = src.spec.local_globs() {
            earlier.push((&src.name, include, exclude));
        }
    }
    Ok(())
}

/// Take the fields every source or sink table has: `name` and `type` (one of `kinds`).
fn common(
    table: &mut toml::Table,
    what: &str,
    kinds: &[&str],
) -> Result<(String, String), TableError> {
    let name = match table.remove("name") {
        Some(toml::Value::String(n)) => n,
        Some(_) => return Err(TableError::table(format!("{what} name must be a string"))),
        None => return Err(TableError::table(format!("{what}: missing field `name`"))),
    };
    let kind = match table.remove("type") {
        Some(toml::Value::String(t)) => t,
        _ => {
            return Err(TableError::table(format!(
                "{what} {name:?}: missing field `type` (one of {})",
                kinds.join(", ")
            )))
        }
    };
    if !kinds.contains(&kind.as_str()) {
        return Err(TableError::at(
            &kind,
            format!(
                "unknown variant `{kind}`, expected one of {}",
                kinds
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok((name, kind))
}

fn config_max_line(raw: &RawConfig) -> usize {
    raw.redact
        .max_line_bytes
        .as_ref()
        .map_or(DEFAULT_MAX_LINE_BYTES, |m| *m.get_ref())
}

fn find_sink(sinks: &[Sink], name: &str) -> Result<usize, String> {
    sinks.iter().position(|k| k.name == name).ok_or_else(|| {
        let known: Vec<&str> = sinks.iter().map(|k| k.name.as_str()).collect();
        format!("no sink named {name:?} (sinks: {})", known.join(", "))
    })
}

/// Names become metric label values and directory names: keep them short and plain.
fn check_name(n: &str) -> Result<(), String> {
    let ok = !n.is_empty()
        && n.len() <= 64
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && !n.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "name {n:?}: use 1-64 characters of [A-Za-z0-9._-], not starting with '.'"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[state]
dir = "/var/lib/scrubd"

[metrics]
listen = "127.0.0.1:9898"

[redact]
mode = "mask"
rules_dirs = []
disable = []

[[sources]]
name = "app"
type = "file"
include = ["/var/log/app/*.log"]
exclude = ["*.gz"]
start_at = "beginning"
sink = "scrubbed"

[[sinks]]
name = "scrubbed"
type = "file"
dir = "/var/log/scrubbed"

[[sinks]]
name = "console"
type = "stdout"
"#;

    fn err(text: &str) -> String {
        Config::parse(Path::new("scrubd.toml"), text)
            .unwrap_err()
            .to_string()
    }

    /// A name is a metric label, a directory name and a log field: one that is a secret is
    /// refused where it is written, and the error does not repeat it.
    #[test]
    fn a_name_that_is_a_secret_is_refused_without_repeating_it() {
        let scrubber = crate::engine::Scrubber::new(
            std::sync::Arc::new(crate::engine::RuleSet::builtin().unwrap()),
            crate::engine::Mode::Mask,
        );
        let ok = Config::parse(Path::new("scrubd.toml"), GOOD).unwrap();
        assert!(ok.check_names(&scrubber).is_ok());
        let token = "ghp_R2d8kQ7mXw4LpZ9vT1sN6bJc3YhF0aUe5GiO";
        for (from, to, line) in [
            ("name = \"console\"", format!("name = \"{token}\""), 27),
            (
                "name = \"app\"",
                "name = \"AKIA2E0A8F3B244C9986\"".to_string(),
                14,
            ),
        ] {
            let text = GOOD.replace(from, &to);
            let c = Config::parse(Path::new("scrubd.toml"), &text).unwrap();
            let e = c.check_names(&scrubber).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("scrubd.toml:{line}:8: this ")),
                "{e}"
            );
            assert!(e.contains("[REDACTED:"), "{e}");
            assert!(!e.contains(token) && !e.contains("2E0A8F3B244C"), "{e}");
        }
    }

    #[test]
    fn good_config_parses() {
        let c = Config::parse(Path::new("scrubd.toml"), GOOD).unwrap();
        assert_eq!(c.sources.len(), 1);
        assert_eq!(c.sources[0].sink, 0);
        assert_eq!(c.metrics_listen, Some("127.0.0.1:9898".parse().unwrap()));
        let spec = format!("{:?}", c.sources[0].spec);
        assert!(spec.contains("start_at: Beginning"), "{spec}");
        assert!(c.sinks[1].spec.single());
    }

    #[test]
    fn unknown_top_level_key_is_rejected_with_position() {
        let e = err(&format!("{GOOD}\n[extra]\nx = 1\n"));
        assert!(
            e.starts_with("scrubd.toml:") && e.contains("unknown field `extra`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_key_in_each_source_and_sink_variant_is_rejected() {
        let e = err(&GOOD.replace(
            "start_at = \"beginning\"",
            "start_at = \"beginning\"\nstrat_at = 1",
        ));
        assert!(e.contains("unknown field `strat_at`"), "{e}");
        let e = err(&GOOD.replace(
            "dir = \"/var/log/scrubbed\"",
            "dir = \"/var/log/scrubbed\"\ndri = \"x\"",
        ));
        assert!(e.contains("unknown field `dri`"), "{e}");
        let e = err(&GOOD.replace("type = \"stdout\"", "type = \"stdout\"\ncolor = true"));
        assert!(e.contains("unknown field `color`"), "{e}");
        let e = err(&GOOD.replace("[redact]\n", "[redact]\nmod = 1\n"));
        assert!(e.contains("unknown field `mod`"), "{e}");
    }

    /// A reload applies rules and redaction mode; it names every other setting that changed,
    /// and nothing when only those or the file's layout changed.
    #[test]
    fn a_reload_names_the_settings_it_does_not_apply() {
        let parse = |t: &str| Config::parse(Path::new("scrubd.toml"), t).unwrap();
        let old = parse(GOOD);
        let same = parse(&format!(
            "# moved down a line\n{}",
            GOOD.replace("disable = []", "disable = [\"jwt\"]")
        ));
        assert!(old.restart_needed_for(&same).is_empty());
        let changed = parse(
            &GOOD
                .replace("[redact]\n", "[redact]\nmax_line_bytes = 4096\n")
                .replace("*.gz", "*.xz")
                .replace("127.0.0.1:9898", "127.0.0.1:9899"),
        );
        assert_eq!(
            old.restart_needed_for(&changed),
            ["redact.max_line_bytes", "[metrics]", "[[sources]]"]
        );
        let sink = parse(&GOOD.replace("/var/log/scrubbed\"", "/var/log/clean\""));
        assert_eq!(old.restart_needed_for(&sink), ["[[sinks]]"]);
    }

    /// Every error a key or table causes names its line (README: "every error names
    /// `FILE:LINE:COL`").
    #[test]
    fn value_errors_name_their_line() {
        let e = err(&GOOD.replace("[redact]\n", "[redact]\nmax_line_bytes = 0\n"));
        assert!(
            e.starts_with("scrubd.toml:9:18: redact.max_line_bytes must be at least 1"),
            "{e}"
        );
        let e = err(&format!(
            "{GOOD}\n[[sinks]]\nname = \"console2\"\ntype = \"stdout\"\n"
        ));
        assert!(
            e.starts_with("scrubd.toml:30:1: at most one stdout sink"),
            "{e}"
        );
    }

    /// An unknown `[redact] disable` id is told at its place in the file (the engine that
    /// finds it knows only the id), where `scrubd filter --disable` names the flag.
    #[test]
    fn an_unknown_disable_id_names_its_line() {
        let text = GOOD.replace("disable = []", "disable = [\"jwt\", \"nosuchrule\"]");
        let c = Config::parse(Path::new("scrubd.toml"), &text).unwrap();
        let e = crate::pipeline::build_scrubber(&c)
            .err()
            .unwrap()
            .to_string();
        assert_eq!(
            e,
            "scrubd.toml:11:19: [redact] disable: no rule has the id \"nosuchrule\" (see `scrubd rules`)"
        );
        // An id that is a secret is located but not repeated.
        let key = "AKIA2E0A8F3B244C9986";
        let c = Config::parse(
            Path::new("scrubd.toml"),
            &GOOD.replace("disable = []", &format!("disable = [\"{key}\"]")),
        )
        .unwrap();
        let e = format!("{:#}", crate::pipeline::build_scrubber(&c).err().unwrap());
        assert!(
            e.starts_with("scrubd.toml:11:12: [redact] disable: no rule has the id \"[REDACTED"),
            "{e}"
        );
        assert!(!e.contains(key), "{e}");
    }

    #[test]
    fn unknown_sink_reference_names_line_and_known_sinks() {
        let e = err(&GOOD.replace("sink = \"scrubbed\"", "sink = \"scrubed\""));
        assert!(
            e.starts_with("scrubd.toml:19:8: no sink named \"scrubed\" (sinks: scrubbed, console)"),
            "{e}"
        );
    }

    #[test]
    fn hash_mode_without_key_is_refused() {
        let e = err(&GOOD.replace("mode = \"mask\"", "mode = \"hash\""));
        assert!(e.contains("fingerprint_key_file"), "{e}");
    }

    #[test]
    fn bad_values_are_located() {
        assert!(err(&GOOD.replace("127.0.0.1:9898", "localhost"))
            .starts_with("scrubd.toml:6:10: listen"));
        assert!(
            err(&GOOD.replace("\"/var/log/app/*.log\"", "\"/var/log/app/[.log\""))
                .contains("bad glob")
        );
        assert!(err(&GOOD.replace("name = \"app\"", "name = \"a b\"")).contains("name \"a b\""));
        assert!(
            err(&GOOD.replace("type = \"file\"\ninclude", "type = \"fil\"\ninclude"))
                .contains("unknown variant `fil`")
        );
        assert!(err(&GOOD.replace("mode = \"mask\"", "mode = \"blur\""))
            .contains("expected \"mask\" or \"hash\""));
    }

    #[test]
    fn relative_paths_are_relative_to_the_config_file() {
        let text = GOOD
            .replace("/var/log/app/*.log", "logs/*.log")
            .replace("/var/lib/scrubd", "state");
        let c = Config::parse(Path::new("/etc/scrubd/scrubd.toml"), &text).unwrap();
        assert_eq!(c.state_dir, Path::new("/etc/scrubd/state"));
        let (include, _) = c.sources[0].spec.local_globs().expect("a file source");
        assert_eq!(include, vec!["/etc/scrubd/logs/*.log".to_string()]);
    }

    #[test]
    fn duplicate_names_are_refused() {
        let e = err(&GOOD.replace("name = \"console\"", "name = \"scrubbed\""));
        assert!(e.contains("sink \"scrubbed\" is defined twice"), "{e}");
    }

    const CLOUDWATCH: &str = r#"
[state]
dir = "/var/lib/scrubd"

[cloudwatch]
max_requests_per_second = 2.5

[[sources]]
name = "orders"
type = "cloudwatch"
log_group = "/aws/lambda/orders"
start_at = "2026-11-24T10:00:00Z"
poll_interval = "500ms"
region = "eu-west-1"
endpoint_url = "http://127.0.0.1:5000"
sink = "cw"

[[sinks]]
name = "cw"
type = "cloudwatch"
log_group = "/aws/lambda/orders/scrubbed"
create = true
"#;

    #[test]
    fn cloudwatch_source_and_sink_parse() {
        let c = Config::parse(Path::new("scrubd.toml"), CLOUDWATCH).unwrap();
        assert_eq!(c.cloudwatch_requests_per_second, 2.5);
        let spec = format!("{:?}", c.sources[0].spec);
        for want in [
            "groups: Name(\"/aws/lambda/orders\")",
            "poll_interval: 500ms",
            "overlap: 10s",
            "region: Some(\"eu-west-1\")",
            "start_at: Time(",
        ] {
            assert!(spec.contains(want), "{want}: {spec}");
        }
        let sink = format!("{:?}", c.sinks[0].spec);
        assert!(
            sink.contains("create: true") && sink.contains("region: None"),
            "{sink}"
        );
    }

    #[test]
    fn cloudwatch_mistakes_are_located() {
        let e = err(&CLOUDWATCH.replace("poll_interval = \"500ms\"", "poll_interval = \"often\""));
        assert!(
            e.starts_with("scrubd.toml:13:17: poll_interval \"often\""),
            "{e}"
        );
        let e = err(&CLOUDWATCH.replace("2026-11-24T10:00:00Z", "yesterday"));
        assert!(e.contains("start_at \"yesterday\": expected"), "{e}");
        let e = err(&CLOUDWATCH.replace(
            "log_group = \"/aws/lambda/orders\"\n",
            "log_group = \"/aws/lambda/orders\"\nlog_group_prefix = \"/aws\"\n",
        ));
        assert!(
            e.contains("exactly one of log_group and log_group_prefix"),
            "{e}"
        );
        let e = err(&CLOUDWATCH.replace("/aws/lambda/orders/scrubbed", "bad:name"));
        assert!(e.contains("log group \"bad:name\""), "{e}");
        let e = err(&CLOUDWATCH.replace("2.5", "0"));
        assert!(
            e.starts_with("scrubd.toml:6:27: max_requests_per_second"),
            "{e}"
        );
        let e = err(&CLOUDWATCH.replace("create = true", "create = true\ncreat = 1"));
        assert!(e.contains("unknown field `creat`"), "{e}");
        let e = err(&CLOUDWATCH.replace("poll_interval", "pol_interval"));
        assert!(e.contains("unknown field `pol_interval`"), "{e}");
    }

    #[test]
    fn globs_reaching_the_sink_output_or_the_state_files_are_refused() {
        let e = err(&GOOD.replace("/var/log/app/*.log", "/var/log/**"));
        assert!(e.starts_with("scrubd.toml:16:12: source \"app\": include \"/var/log/**\" matches files scrubd writes"), "{e}");
        assert!(e.contains("/var/log/scrubbed/app/"), "an example path: {e}");
        let e = err(&GOOD
            .replace("/var/lib/scrubd", "/var/log/app")
            .replace("/var/log/app/*.log", "/var/log/app/*"));
        assert!(
            e.contains("state dir") && e.contains("/var/log/app/"),
            "{e}"
        );
        // Excluded by a full-path glob: fine.
        let ok = GOOD
            .replace("/var/log/app/*.log", "/var/log/**/*.log")
            .replace(
                "exclude = [\"*.gz\"]",
                "exclude = [\"*.gz\", \"/var/log/scrubbed/**\"]",
            );
        Config::parse(Path::new("scrubd.toml"), &ok).unwrap();
    }

    #[test]
    fn overlapping_sources_are_a_warning() {
        let two = GOOD.replace(
            "[[sinks]]\nname = \"scrubbed\"",
            "[[sources]]\nname = \"all\"\ntype = \"file\"\ninclude = [\"/var/log/app/*\"]\nsink = \"scrubbed\"\n\n[[sinks]]\nname = \"scrubbed\"",
        );
        let c = Config::parse(Path::new("scrubd.toml"), &two).unwrap();
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert!(
            c.warnings[0].contains("\"app\" and \"all\"")
                && c.warnings[0].contains("followed by \"app\" only"),
            "{:?}",
            c.warnings
        );
        assert!(Config::parse(Path::new("scrubd.toml"), GOOD)
            .unwrap()
            .warnings
            .is_empty());
    }

    #[test]
    fn drain_timeout_defaults_below_systemds_stop_timeout() {
        assert!(DEFAULT_DRAIN_TIMEOUT < Duration::from_secs(60));
        assert_eq!(
            Config::parse(Path::new("scrubd.toml"), GOOD)
                .unwrap()
                .drain_timeout,
            DEFAULT_DRAIN_TIMEOUT
        );
        let c = Config::parse(
            Path::new("scrubd.toml"),
            &format!("{GOOD}\n[shutdown]\ndrain_timeout = \"2s\"\n"),
        )
        .unwrap();
        assert_eq!(c.drain_timeout, Duration::from_secs(2));
        let e = err(&format!("{GOOD}\n[shutdown]\ndrain_timeout = \"soon\"\n"));
        assert!(e.contains("drain_timeout \"soon\""), "{e}");
        let e = err(&format!("{GOOD}\n[shutdown]\ndrain_timeout = \"0s\"\n"));
        assert!(e.contains("between 100ms and 1h"), "{e}");
    }

    #[test]
    fn truncated_file_gives_a_parse_error_not_a_panic() {
        let cut = &GOOD[..GOOD.find("include").unwrap() + 12];
        assert!(err(cut).starts_with("scrubd.toml:"));
    }
}
