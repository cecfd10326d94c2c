//! The daemon's TOML config: a raw serde model, then one validating step that checks names,
//! references, globs and the rule set, and reports `FILE:LINE:COL: message`.
//!
//! Unknown keys are rejected everywhere. Sources and sinks are internally tagged enums
//! (`type = "file"`); serde ignores `deny_unknown_fields` on such an enum (serde-rs/serde#2123),
//! so it sits on each variant's struct instead, and a test checks every variant. Inside such a
//! variant toml's `Spanned` cannot be used (serde buffers the table), so errors about a source
//! or sink field are located by finding the offending value inside that table's span.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

use crate::aws::Endpoint;
use crate::engine::rule::line_col;
use crate::source::cloudwatch::{CloudWatchSourceConfig, GroupSelector, StartFrom};
use crate::source::file::StartAt;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    state: RawState,
    #[serde(default)]
    metrics: Option<RawMetrics>,
    #[serde(default)]
    redact: RawRedact,
    #[serde(default)]
    sources: Vec<Spanned<RawSource>>,
    #[serde(default)]
    sinks: Vec<Spanned<RawSink>>,
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
    disable: Vec<String>,
    #[serde(default)]
    max_line_bytes: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum RawSource {
    File(RawFileSource),
    Cloudwatch(RawCloudWatchSource),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCloudWatchSource {
    name: String,
    #[serde(default)]
    log_group: Option<String>,
    #[serde(default)]
    log_group_prefix: Option<String>,
    #[serde(default)]
    stream_prefix: Option<String>,
    #[serde(default)]
    start_at: Option<String>,
    #[serde(default)]
    poll_interval: Option<String>,
    #[serde(default)]
    overlap: Option<String>,
    #[serde(default)]
    group_rescan: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    endpoint_url: Option<String>,
    sink: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFileSource {
    name: String,
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    start_at: Option<StartAt>,
    sink: String,
    #[serde(default)]
    partial_flush_ms: Option<u64>,
    #[serde(default)]
    rescan_interval_ms: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum RawSink {
    File(RawFileSink),
    Stdout(RawStdoutSink),
    Cloudwatch(RawCloudWatchSink),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCloudWatchSink {
    name: String,
    log_group: String,
    #[serde(default)]
    create: bool,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    endpoint_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFileSink {
    name: String,
    dir: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStdoutSink {
    name: String,
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
    pub max_line_bytes: usize,
}

/// A validated source.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    /// Index into [`Config::sinks`].
    pub sink: usize,
    pub kind: SourceKind,
}

#[derive(Debug, Clone)]
pub enum SourceKind {
    File {
        include: Vec<String>,
        exclude: Vec<String>,
        start_at: StartAt,
        partial_flush: Duration,
        rescan_interval: Duration,
    },
    CloudWatch(CloudWatchSourceConfig),
}

/// A validated sink.
#[derive(Debug, Clone)]
pub struct Sink {
    pub name: String,
    pub kind: SinkKind,
}

#[derive(Debug, Clone)]
pub enum SinkKind {
    /// Input `/var/log/app/x.log` of source `app` goes to `<dir>/app/x.log`.
    File {
        dir: PathBuf,
    },
    Stdout,
    /// Events go to `group`, into streams named after the input's stream (or file name).
    CloudWatch {
        group: String,
        create: bool,
        endpoint: Endpoint,
    },
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

    /// Parse and validate config `text`; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let at = |span: std::ops::Range<usize>, msg: String| {
            let (line, col) = line_col(text, span.start);
            ConfigError(format!("{}:{line}:{col}: {msg}", path.display()))
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
        let resolve = |p: &str| -> String {
            if Path::new(p).is_absolute() {
                p.to_string()
            } else {
                base.join(p).to_string_lossy().into_owned()
            }
        };
        let mut sinks: Vec<Sink> = Vec::new();
        for s in &raw.sinks {
            let (name, kind) = match s.get_ref() {
                RawSink::File(f) => (
                    &f.name,
                    SinkKind::File {
                        dir: base.join(&f.dir),
                    },
                ),
                RawSink::Stdout(f) => (&f.name, SinkKind::Stdout),
                RawSink::Cloudwatch(c) => {
                    check_log_group(&c.log_group)
                        .map_err(|m| at(within(s.span(), &c.log_group), m))?;
                    let endpoint = Endpoint {
                        region: c.region.clone(),
                        endpoint_url: c.endpoint_url.clone(),
                    };
                    (
                        &c.name,
                        SinkKind::CloudWatch {
                            group: c.log_group.clone(),
                            create: c.create,
                            endpoint,
                        },
                    )
                }
            };
            check_name(name).map_err(|m| at(within(s.span(), name), m))?;
            if sinks.iter().any(|x| x.name == *name) {
                return Err(at(
                    within(s.span(), name),
                    format!("sink {name:?} is defined twice"),
                ));
            }
            sinks.push(Sink {
                name: name.clone(),
                kind,
            });
        }
        let stdout_sinks = sinks
            .iter()
            .filter(|s| matches!(s.kind, SinkKind::Stdout))
            .count();
        if stdout_sinks > 1 {
            return Err(ConfigError(format!(
                "{}: at most one stdout sink",
                path.display()
            )));
        }

        let mut sources: Vec<Source> = Vec::new();
        for s in &raw.sources {
            let f = match s.get_ref() {
                RawSource::File(f) => f,
                RawSource::Cloudwatch(c) => {
                    let source =
                        cloudwatch_source(c, config_max_line(&raw), &|v: &str, m: String| {
                            at(within(s.span(), v), m)
                        })?;
                    check_name(&c.name).map_err(|m| at(within(s.span(), &c.name), m))?;
                    if sources.iter().any(|x| x.name == c.name) {
                        return Err(at(
                            within(s.span(), &c.name),
                            format!("source {:?} is defined twice", c.name),
                        ));
                    }
                    let sink =
                        find_sink(&sinks, &c.sink).map_err(|m| at(within(s.span(), &c.sink), m))?;
                    sources.push(Source {
                        name: c.name.clone(),
                        sink,
                        kind: SourceKind::CloudWatch(source),
                    });
                    continue;
                }
            };
            check_name(&f.name).map_err(|m| at(within(s.span(), &f.name), m))?;
            if sources.iter().any(|x| x.name == f.name) {
                return Err(at(
                    within(s.span(), &f.name),
                    format!("source {:?} is defined twice", f.name),
                ));
            }
            let sink = find_sink(&sinks, &f.sink).map_err(|m| at(within(s.span(), &f.sink), m))?;
            if f.include.is_empty() {
                return Err(at(
                    s.span(),
                    format!("source {:?}: include must name at least one glob", f.name),
                ));
            }
            for g in f.include.iter().chain(&f.exclude) {
                globset::Glob::new(g)
                    .map_err(|e| at(within(s.span(), g), format!("bad glob: {e}")))?;
            }
            sources.push(Source {
                name: f.name.clone(),
                sink,
                kind: SourceKind::File {
                    include: f.include.iter().map(|g| resolve(g)).collect(),
                    exclude: f.exclude.clone(),
                    start_at: f.start_at.unwrap_or(StartAt::End),
                    partial_flush: Duration::from_millis(f.partial_flush_ms.unwrap_or(5_000)),
                    rescan_interval: Duration::from_millis(f.rescan_interval_ms.unwrap_or(1_000)),
                },
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
        let max_line_bytes = config_max_line(&raw);
        if max_line_bytes == 0 {
            return Err(ConfigError(format!(
                "{}: redact.max_line_bytes must be at least 1",
                path.display()
            )));
        }
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
        let mut warnings = Vec::new();
        check_own_files(
            &raw,
            &sources,
            &sinks,
            &state_dir,
            &mut warnings,
            &|span, m| at(span, m),
            &within,
        )?;
        Ok(Config {
            path: path.to_path_buf(),
            state_dir,
            metrics_listen,
            redact: Redact {
                fingerprint_key_file,
                rules_dirs: raw.redact.rules_dirs.iter().map(|d| base.join(d)).collect(),
                disable: raw.redact.disable,
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

/// Refuse file sources whose globs reach what scrubd writes (its own output: a loop that
/// grows without end; its state files), and warn about sources whose globs overlap (a file
/// matched by two sources is followed by the first of them only).
fn check_own_files(
    raw: &RawConfig,
    sources: &[Source],
    sinks: &[Sink],
    state_dir: &Path,
    warnings: &mut Vec<String>,
    at: &dyn Fn(std::ops::Range<usize>, String) -> ConfigError,
    within: &dyn Fn(std::ops::Range<usize>, &str) -> std::ops::Range<usize>,
) -> Result<(), ConfigError> {
    use crate::source::file::discovery::{overlap, reach_under, Discovery};
    // The raw table of each source (for error positions), in the same order as `sources`.
    let spans: Vec<std::ops::Range<usize>> = raw.sources.iter().map(|s| s.span()).collect();
    let mut outputs: Vec<(PathBuf, String)> = Vec::new();
    for src in sources {
        if let SinkKind::File { dir } = &sinks[src.sink].kind {
            outputs.push((
                dir.join(&src.name),
                format!(
                    "the output of sink {:?} ({})",
                    sinks[src.sink].name,
                    dir.display()
                ),
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
    let mut file_sources: Vec<(&str, &[String])> = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let SourceKind::File {
            include, exclude, ..
        } = &src.kind
        else {
            continue;
        };
        let raw_include: &[String] = match raw.sources[i].get_ref() {
            RawSource::File(f) => &f.include,
            RawSource::Cloudwatch(_) => &[],
        };
        let located = |k: usize, msg: String| {
            at(
                within(
                    spans[i].clone(),
                    raw_include.get(k).map_or("", |g| g.as_str()),
                ),
                msg,
            )
        };
        for (k, glob) in include.iter().enumerate() {
            let one = std::slice::from_ref(glob);
            for (dir, what) in &outputs {
                let found =
                    reach_under(one, exclude, dir).map_err(|e| located(k, e.to_string()))?;
                if let Some(example) = found {
                    return Err(located(
                        k,
                        format!(
                            "source {:?}: include {glob:?} matches files scrubd writes, {what} (e.g. {}): scrubd would read its own output; narrow the glob, exclude that directory or move the sink",
                            src.name,
                            example.display()
                        ),
                    ));
                }
            }
            let d = Discovery::new(one, exclude).map_err(|e| located(k, e.to_string()))?;
            if let Some(f) = state_files.iter().find(|f| d.is_match(f)) {
                return Err(located(
                    k,
                    format!(
                        "source {:?}: include {glob:?} matches the state dir's {} : scrubd would ship its own checkpoints; move the state dir out of the globs",
                        src.name,
                        f.display()
                    ),
                ));
            }
        }
        for (earlier, globs) in &file_sources {
            if let Ok(Some(example)) = overlap(globs, include) {
                warnings.push(format!(
                    "sources {earlier:?} and {:?} can both match a file (e.g. {}): such a file is followed by {earlier:?} only, the first in the config",
                    src.name,
                    example.display()
                ));
            }
        }
        file_sources.push((&src.name, include));
    }
    Ok(())
}

fn config_max_line(raw: &RawConfig) -> usize {
    raw.redact.max_line_bytes.unwrap_or(DEFAULT_MAX_LINE_BYTES)
}

fn find_sink(sinks: &[Sink], name: &str) -> Result<usize, String> {
    sinks.iter().position(|k| k.name == name).ok_or_else(|| {
        let known: Vec<&str> = sinks.iter().map(|k| k.name.as_str()).collect();
        format!("no sink named {name:?} (sinks: {})", known.join(", "))
    })
}

/// Validate a CloudWatch source table; `at(value, msg)` locates an error at `value`.
fn cloudwatch_source(
    c: &RawCloudWatchSource,
    max_line_bytes: usize,
    at: &dyn Fn(&str, String) -> ConfigError,
) -> Result<CloudWatchSourceConfig, ConfigError> {
    let groups = match (&c.log_group, &c.log_group_prefix) {
        (Some(g), None) => {
            check_log_group(g).map_err(|m| at(g, m))?;
            GroupSelector::Name(g.clone())
        }
        (None, Some(p)) => GroupSelector::Prefix(p.clone()),
        _ => {
            return Err(at(
                &c.name,
                format!(
                    "source {:?}: set exactly one of log_group and log_group_prefix",
                    c.name
                ),
            ))
        }
    };
    let duration =
        |v: &Option<String>, default: Duration, what: &str| -> Result<Duration, ConfigError> {
            match v {
                None => Ok(default),
                Some(text) => humantime::parse_duration(text).map_err(|e| {
                    at(
                        text,
                        format!("{what} {text:?}: {e} (write e.g. \"2s\" or \"500ms\")"),
                    )
                }),
            }
        };
    let poll_interval = duration(&c.poll_interval, Duration::from_secs(2), "poll_interval")?;
    if poll_interval < Duration::from_millis(100) {
        return Err(at(
            c.poll_interval.as_deref().unwrap_or(""),
            "poll_interval must be at least 100ms".into(),
        ));
    }
    let overlap = duration(&c.overlap, Duration::from_secs(10), "overlap")?;
    let group_rescan = duration(&c.group_rescan, Duration::from_secs(60), "group_rescan")?
        .max(Duration::from_secs(1));
    let start_at = match c.start_at.as_deref() {
        None | Some("now") => StartFrom::Now,
        Some("beginning") => StartFrom::Beginning,
        Some(t) => StartFrom::Time(humantime::parse_rfc3339_weak(t).map_err(|e| {
            at(
                t,
                format!(
                    "start_at {t:?}: expected \"now\", \"beginning\" or an RFC 3339 time ({e})"
                ),
            )
        })?),
    };
    Ok(CloudWatchSourceConfig {
        name: c.name.clone(),
        groups,
        stream_prefix: c.stream_prefix.clone().filter(|p| !p.is_empty()),
        start_at,
        poll_interval,
        overlap,
        endpoint: Endpoint {
            region: c.region.clone(),
            endpoint_url: c.endpoint_url.clone(),
        },
        max_line_bytes,
        group_rescan,
    })
}

/// CloudWatch's rule for log group names: 1-512 of [A-Za-z0-9_/.#-].
fn check_log_group(g: &str) -> Result<(), String> {
    let ok = !g.is_empty()
        && g.len() <= 512
        && g.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-/.#".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "log group {g:?}: CloudWatch allows 1-512 characters of [A-Za-z0-9_/.#-]"
        ))
    }
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

    #[test]
    fn good_config_parses() {
        let c = Config::parse(Path::new("scrubd.toml"), GOOD).unwrap();
        assert_eq!(c.sources.len(), 1);
        assert_eq!(c.sources[0].sink, 0);
        assert_eq!(c.metrics_listen, Some("127.0.0.1:9898".parse().unwrap()));
        assert!(matches!(
            &c.sources[0].kind,
            SourceKind::File {
                start_at: StartAt::Beginning,
                ..
            }
        ));
        assert!(matches!(c.sinks[1].kind, SinkKind::Stdout));
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
        let SourceKind::File { include, .. } = &c.sources[0].kind else {
            panic!("a file source")
        };
        assert_eq!(include, &vec!["/etc/scrubd/logs/*.log".to_string()]);
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
        let SourceKind::CloudWatch(s) = &c.sources[0].kind else {
            panic!("a CloudWatch source")
        };
        assert_eq!(s.groups, GroupSelector::Name("/aws/lambda/orders".into()));
        assert_eq!(s.poll_interval, Duration::from_millis(500));
        assert_eq!(s.overlap, Duration::from_secs(10));
        assert_eq!(s.endpoint.region.as_deref(), Some("eu-west-1"));
        assert!(matches!(s.start_at, StartFrom::Time(_)));
        assert!(
            matches!(&c.sinks[0].kind, SinkKind::CloudWatch { create: true, endpoint, .. } if endpoint.region.is_none())
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
