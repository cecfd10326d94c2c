//! Counting: the one [`Emit`] interface every stage reports through (sources, the scrub
//! stage, sinks, the checkpoint writer, `filter`), and [`Metrics`], its Prometheus
//! implementation, with the HTTP endpoint (`/metrics`, `/healthz`). After Vector's internal
//! events: a stage says what happened ([`Event`]); how that is counted lives here, apart from
//! the logic, so every path counts the same way and none can forget a counter.
//!
//! Metric and label names are an interface operators script alerts against: change them only
//! deliberately. Label values come only from the config (source and sink names, allowlisted JWT
//! issuers), rule kinds, JWT `alg` names, JWT finding names and [`DROP_REASONS`] — never from
//! log content — and every combination is registered at 0 up front so alerts see each series
//! before its first increment.

use crate::engine::jwt::{Finding, OTHER_ISSUER};
use crate::engine::{Hit, RuleSet};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use prometheus::{
    Encoder, GaugeVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Values of the `reason` label of `scrubd_dropped_lines_total`. A new drop policy adds its
/// reason here so the series exists from start-up.
pub const DROP_REASONS: &[&str] = &["line_too_long", "empty_line", "cloudwatch_rejected"];
/// Values of the `reason` label of `scrubd_files_skipped_total`.
pub const SKIP_REASONS: &[&str] = &["compressed", "pseudo", "special"];
/// Values of the `reason` label of `scrubd_cloudwatch_events_rejected_total`.
pub const REJECT_REASONS: &[&str] = &["too_old", "too_new", "expired"];

/// Something a stage reports. Label values come from the config (source and sink names),
/// rule kinds, JWT algs and fixed lists, never from log content.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A block of `source` went through the scrubber: its lines and bytes as read, the lines
    /// replaced for being too long, and what the engine found.
    Scrubbed {
        source: &'a str,
        lines: u64,
        bytes: u64,
        oversize: u64,
        hits: &'a [Hit],
        rules: &'a RuleSet,
    },
    /// A read from `source` failed (it is retried).
    SourceError { source: &'a str },
    /// `source` follows this many files now.
    FilesWatched { source: &'a str, files: u64 },
    /// Lines `source` emits a second time.
    DuplicateLines { source: &'a str, lines: u64 },
    /// File `source` closed this many handles of idle files to stay within its open-files
    /// budget (they are reopened when the files change).
    FileHandlesClosed { source: &'a str, handles: u64 },
    /// File `source` found this many files it will not read (`reason` is one of
    /// [`SKIP_REASONS`]; e.g. compressed data matched by its globs).
    FilesSkipped {
        source: &'a str,
        reason: &'static str,
        files: u64,
    },
    /// Lines of `source` a documented policy dropped (`reason` is one of [`DROP_REASONS`]).
    Dropped {
        source: &'a str,
        reason: &'static str,
        lines: u64,
    },
    /// A write or sync of `sink` failed (it is retried).
    SinkError { sink: &'a str },
    /// Writing the checkpoints failed (retried at the next flush).
    CheckpointError,
    /// One CloudWatch Logs API call ended so.
    CloudWatchRequest { api: &'a str, outcome: &'static str },
    /// How far behind live a CloudWatch source is.
    CloudWatchLag { source: &'a str, seconds: f64 },
    /// An event caught thanks to the read overlap.
    CloudWatchLateCaught { source: &'a str },
    /// PutLogEvents did not store an event (`reason` is one of [`REJECT_REASONS`]).
    CloudWatchRejected { sink: &'a str, reason: &'static str },
    /// Extra events made by splitting an over-long event.
    CloudWatchSplit { sink: &'a str, extra: u64 },
}

/// Where stages report what happened.
pub trait Emit: Send + Sync {
    fn emit(&self, event: Event<'_>);
}

/// What a scrubbed block's hits add to a set of counters. [`tally`] is the one walk over the
/// hits for every place that counts them (`/metrics`, `filter --stats`, the Lambda's EMF), so
/// no path counts them differently.
pub trait Tally {
    fn line_redacted(&mut self);
    fn redaction(&mut self, kind: &str);
    fn jwt(&mut self, alg: &'static str);
    fn jwt_finding(&mut self, finding: &'static str, issuer: &str);
}

/// Count `hits` into `t`: a line with hits once, every hit once (a hit is one placeholder
/// written: a PEM key's body lines are one `private-key` redaction each, as `--audit` and
/// `explain` list them), every JWT's alg and findings.
pub fn tally(hits: &[Hit], rules: &RuleSet, t: &mut impl Tally) {
    let mut last_line = None;
    for h in hits {
        if last_line != Some(h.line) {
            t.line_redacted();
            last_line = Some(h.line);
        }
        t.redaction(rules.kind_name(h.kind));
        if let Some(alg) = h.alg {
            t.jwt(alg);
        }
        if let Some(r) = &h.jwt {
            let issuer = rules.jwt().issuer_label(r.issuer);
            for f in r.findings.iter() {
                t.jwt_finding(f.name(), issuer);
            }
        }
    }
}

/// One source's series.
struct SourceTally<'a> {
    metrics: &'a Metrics,
    source: &'a str,
}

impl Tally for SourceTally<'_> {
    fn line_redacted(&mut self) {
        self.metrics
            .lines_redacted
            .with_label_values(&[self.source])
            .inc();
    }
    fn redaction(&mut self, kind: &str) {
        self.metrics
            .redactions
            .with_label_values(&[self.source, kind])
            .inc();
    }
    fn jwt(&mut self, alg: &'static str) {
        self.metrics
            .jwt
            .with_label_values(&[self.source, alg])
            .inc();
    }
    fn jwt_finding(&mut self, finding: &'static str, issuer: &str) {
        self.metrics
            .jwt_findings
            .with_label_values(&[self.source, finding, issuer])
            .inc();
    }
}

/// Reports nothing (tests that do not count).
#[cfg(test)]
#[derive(Debug, Default)]
pub struct Discard;

#[cfg(test)]
impl Emit for Discard {
    fn emit(&self, _: Event<'_>) {}
}

impl Emit for Metrics {
    fn emit(&self, event: Event<'_>) {
        match event {
            Event::Scrubbed {
                source,
                lines,
                bytes,
                oversize,
                hits,
                rules,
            } => self.record_block(source, lines, bytes, oversize, hits, rules),
            Event::SourceError { source } => self.source_errors.with_label_values(&[source]).inc(),
            Event::FilesWatched { source, files } => self
                .files_watched
                .with_label_values(&[source])
                .set(files as i64),
            Event::DuplicateLines { source, lines } => self
                .duplicate_lines
                .with_label_values(&[source])
                .inc_by(lines),
            Event::FileHandlesClosed { source, handles } => self
                .file_handles_closed
                .with_label_values(&[source])
                .inc_by(handles),
            Event::FilesSkipped {
                source,
                reason,
                files,
            } => self
                .files_skipped
                .with_label_values(&[source, reason])
                .inc_by(files),
            Event::Dropped {
                source,
                reason,
                lines,
            } => self
                .dropped_lines
                .with_label_values(&[source, reason])
                .inc_by(lines),
            Event::SinkError { sink } => self.sink_errors.with_label_values(&[sink]).inc(),
            Event::CheckpointError => self.checkpoint_errors.inc(),
            Event::CloudWatchRequest { api, outcome } => self
                .cloudwatch_requests
                .with_label_values(&[api, outcome])
                .inc(),
            Event::CloudWatchLag { source, seconds } => self
                .cloudwatch_lag
                .with_label_values(&[source])
                .set(seconds),
            Event::CloudWatchLateCaught { source } => self
                .cloudwatch_late_events
                .with_label_values(&[source])
                .inc(),
            Event::CloudWatchRejected { sink, reason } => self
                .cloudwatch_events_rejected
                .with_label_values(&[sink, reason])
                .inc(),
            Event::CloudWatchSplit { sink, extra } => self
                .cloudwatch_events_split
                .with_label_values(&[sink])
                .inc_by(extra),
        }
    }
}

/// What went through one source so far, read back from the counters (`filter --stats`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Totals {
    pub lines: u64,
    pub bytes: u64,
    pub lines_redacted: u64,
    pub redactions: u64,
    pub oversize_lines: u64,
    /// Redactions per kind name (kinds with none left out).
    pub by_kind: std::collections::BTreeMap<String, u64>,
    /// JWTs per header alg (algs with none left out).
    pub jwt_by_alg: std::collections::BTreeMap<String, u64>,
    /// JWT misconfiguration findings per finding name, all issuers together (every
    /// occurrence, like `jwt_by_alg`; findings with none left out).
    pub jwt_findings: std::collections::BTreeMap<&'static str, u64>,
}

/// Every scrubd metric, in a registry of its own (not the process-global default).
pub struct Metrics {
    registry: Registry,
    /// Lines read, per source.
    pub lines: IntCounterVec,
    /// Bytes read, per source.
    pub bytes: IntCounterVec,
    /// Lines with at least one redaction, per source.
    pub lines_redacted: IntCounterVec,
    /// Redacted spans, per source and rule kind.
    pub redactions: IntCounterVec,
    /// Redacted JWTs, per source and header `alg`.
    pub jwt: IntCounterVec,
    /// JWT misconfiguration findings, per source, finding and allowlisted issuer (`other`).
    pub jwt_findings: IntCounterVec,
    /// Lines not passed through as read because a documented policy said so, per source and reason.
    pub dropped_lines: IntCounterVec,
    /// Read errors, per source.
    pub source_errors: IntCounterVec,
    /// Write errors, per sink.
    pub sink_errors: IntCounterVec,
    /// Files currently tailed, per source.
    pub files_watched: IntGaugeVec,
    /// Handles of idle followed files closed to stay within the open-files budget, per file
    /// source.
    pub file_handles_closed: IntCounterVec,
    /// Files a file source matched but does not read, per source and reason.
    pub files_skipped: IntCounterVec,
    /// Constant 1, labelled with the build's version.
    pub build_info: IntGaugeVec,
    /// Failed checkpoint flushes.
    pub checkpoint_errors: IntCounter,
    /// Lines emitted again after a restart (those after the last checkpoint), per source.
    pub duplicate_lines: IntCounterVec,
    /// CloudWatch Logs API calls, per API and outcome (every attempt, retries included).
    pub cloudwatch_requests: IntCounterVec,
    /// Per CloudWatch source: seconds between now and the event time up to which every group
    /// of the source has been read completely.
    pub cloudwatch_lag: GaugeVec,
    /// Per CloudWatch source: events caught only thanks to the read overlap (ingested after a
    /// read that covered their timestamp).
    pub cloudwatch_late_events: IntCounterVec,
    /// Per CloudWatch sink: events PutLogEvents reported as not stored, by reason.
    pub cloudwatch_events_rejected: IntCounterVec,
    /// Per CloudWatch sink: extra events made by splitting events over the size limit.
    pub cloudwatch_events_split: IntCounterVec,
}

impl Metrics {
    /// Build the registry with every family and every label combination at 0.
    pub fn new(sources: &[&str], sinks: &[&str], kinds: &[&str], jwt_algs: &[&str]) -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let c =
                IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric definition");
            registry
                .register(Box::new(c.clone()))
                .expect("metric registered once");
            c
        };
        let gauge = |name: &str, help: &str, labels: &[&str]| {
            let g =
                IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric definition");
            registry
                .register(Box::new(g.clone()))
                .expect("metric registered once");
            g
        };
        let m = Metrics {
            lines: counter("scrubd_lines_total", "Lines read from the source.", &["source"]),
            bytes: counter("scrubd_bytes_total", "Bytes read from the source, line endings included.", &["source"]),
            lines_redacted: counter(
                "scrubd_lines_redacted_total",
                "Lines in which at least one secret was redacted.",
                &["source"],
            ),
            redactions: counter(
                "scrubd_redactions_total",
                "Secrets redacted, by the kind of the rule that found them.",
                &["source", "kind"],
            ),
            jwt: counter("scrubd_jwt_total", "JWTs redacted, by the alg of their header.", &["source", "alg"]),
            jwt_findings: counter(
                "scrubd_jwt_findings_total",
                "Misconfiguration findings of redacted JWTs, by finding and by issuer (allowlisted iss values, else other).",
                &["source", "finding", "issuer"],
            ),
            dropped_lines: counter(
                "scrubd_dropped_lines_total",
                "Lines not passed through as read because a documented policy replaced or dropped them.",
                &["source", "reason"],
            ),
            source_errors: counter("scrubd_source_errors_total", "Errors reading from the source.", &["source"]),
            sink_errors: counter("scrubd_sink_errors_total", "Errors writing to the sink.", &["sink"]),
            files_watched: gauge("scrubd_files_watched", "Files currently tailed by the source.", &["source"]),
            file_handles_closed: counter(
                "scrubd_file_handles_closed_total",
                "Handles of idle followed files the file source closed to stay within its open-files budget (reopened when the file changes).",
                &["source"],
            ),
            files_skipped: counter(
                "scrubd_files_skipped_total",
                "Files the file source matched but does not read, by reason (compressed: their bytes cannot be scanned).",
                &["source", "reason"],
            ),
            build_info: gauge("scrubd_build_info", "Always 1; the version label names the running build.", &["version"]),
            checkpoint_errors: {
                let c = IntCounter::new("scrubd_checkpoint_errors_total", "Failed attempts to persist checkpoints.")
                    .expect("valid metric definition");
                registry.register(Box::new(c.clone())).expect("metric registered once");
                c
            },
            duplicate_lines: counter(
                "scrubd_duplicate_lines_total",
                "Lines emitted again after a restart: read after the last checkpoint before a crash.",
                &["source"],
            ),
            cloudwatch_requests: counter(
                "scrubd_cloudwatch_requests_total",
                "CloudWatch Logs API calls, every attempt, by API and outcome.",
                &["api", "outcome"],
            ),
            cloudwatch_lag: {
                let g = GaugeVec::new(
                    Opts::new(
                        "scrubd_cloudwatch_lag_seconds",
                        "Seconds between now and the event time up to which the CloudWatch source has read every group.",
                    ),
                    &["source"],
                )
                .expect("valid metric definition");
                registry.register(Box::new(g.clone())).expect("metric registered once");
                g
            },
            cloudwatch_late_events: counter(
                "scrubd_cloudwatch_late_events_total",
                "Events ingested after a read had covered their timestamp, caught by the read overlap.",
                &["source"],
            ),
            cloudwatch_events_rejected: counter(
                "scrubd_cloudwatch_events_rejected_total",
                "Events PutLogEvents reported as not stored (too old, too new, expired).",
                &["sink", "reason"],
            ),
            cloudwatch_events_split: counter(
                "scrubd_cloudwatch_events_split_total",
                "Extra events made by splitting events longer than the CloudWatch event limit.",
                &["sink"],
            ),
            registry,
        };
        m.build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
        for &source in sources {
            for family in [
                &m.lines,
                &m.bytes,
                &m.lines_redacted,
                &m.source_errors,
                &m.duplicate_lines,
            ] {
                family.with_label_values(&[source]);
            }
            m.files_watched.with_label_values(&[source]);
            for &alg in jwt_algs {
                m.jwt.with_label_values(&[source, alg]);
            }
            for finding in Finding::NAMES {
                m.jwt_findings
                    .with_label_values(&[source, finding, OTHER_ISSUER]);
            }
            for &reason in DROP_REASONS {
                m.dropped_lines.with_label_values(&[source, reason]);
            }
        }
        for &sink in sinks {
            m.sink_errors.with_label_values(&[sink]);
        }
        m.register_kinds(sources, kinds);
        m
    }

    /// Register the redaction series of rule kinds `kinds` at 0 (at start, and for the kinds a
    /// SIGHUP's rules add: a series that appears only at its first redaction hides that
    /// redaction from `increase()`). Series already there keep their counts.
    pub fn register_kinds(&self, sources: &[&str], kinds: &[&str]) {
        for &source in sources {
            for &kind in kinds {
                self.redactions.with_label_values(&[source, kind]);
            }
        }
    }

    /// Register the file source series of `source` at 0.
    pub fn register_file_source(&self, source: &str) {
        self.file_handles_closed.with_label_values(&[source]);
        for &reason in SKIP_REASONS {
            self.files_skipped.with_label_values(&[source, reason]);
        }
    }

    /// Register the CloudWatch series of these sources and sinks at 0 (every API × outcome).
    pub fn register_cloudwatch(&self, sources: &[&str], sinks: &[&str]) {
        for api in crate::aws::APIS {
            for outcome in crate::aws::OUTCOMES {
                self.cloudwatch_requests.with_label_values(&[api, outcome]);
            }
        }
        for &s in sources {
            self.cloudwatch_lag.with_label_values(&[s]);
            self.cloudwatch_late_events.with_label_values(&[s]);
        }
        for &s in sinks {
            self.cloudwatch_events_split.with_label_values(&[s]);
            for r in REJECT_REASONS {
                self.cloudwatch_events_rejected.with_label_values(&[s, r]);
            }
        }
    }

    /// Register the JWT finding series of these allowlisted issuers at 0 (the `other` issuer's
    /// are registered by [`Metrics::new`]).
    pub fn register_jwt_issuers<'a>(
        &self,
        sources: &[&str],
        issuers: impl IntoIterator<Item = &'a str>,
    ) {
        for issuer in issuers {
            for &source in sources {
                for finding in Finding::NAMES {
                    self.jwt_findings
                        .with_label_values(&[source, finding, issuer]);
                }
            }
        }
    }

    /// The registry, e.g. to add a component's own collector.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Count one scrubbed block of `source`: its lines and bytes, the lines replaced for being
    /// too long, and its hits (lines redacted, redactions per kind, JWTs per alg, JWT findings per
    /// finding and issuer, through [`tally`]). The one place both `filter` and `run` count, so
    /// neither path can forget a counter.
    fn record_block(
        &self,
        source: &str,
        lines: u64,
        bytes: u64,
        oversize: u64,
        hits: &[Hit],
        rules: &RuleSet,
    ) {
        self.lines.with_label_values(&[source]).inc_by(lines);
        self.bytes.with_label_values(&[source]).inc_by(bytes);
        if oversize > 0 {
            self.dropped_lines
                .with_label_values(&[source, "line_too_long"])
                .inc_by(oversize);
        }
        tally(
            hits,
            rules,
            &mut SourceTally {
                metrics: self,
                source,
            },
        );
    }

    /// The totals of `source` so far, over the rule kinds `kinds` and the JWT algs `algs`.
    pub fn totals(
        &self,
        source: &str,
        kinds: &[String],
        algs: &[&str],
        issuers: &[String],
    ) -> Totals {
        let mut t = Totals {
            lines: self.lines.with_label_values(&[source]).get(),
            bytes: self.bytes.with_label_values(&[source]).get(),
            lines_redacted: self.lines_redacted.with_label_values(&[source]).get(),
            oversize_lines: self
                .dropped_lines
                .with_label_values(&[source, "line_too_long"])
                .get(),
            ..Totals::default()
        };
        for k in kinds {
            let n = self.redactions.with_label_values(&[source, k]).get();
            if n > 0 {
                t.redactions += n;
                t.by_kind.insert(k.clone(), n);
            }
        }
        for a in algs {
            let n = self.jwt.with_label_values(&[source, a]).get();
            if n > 0 {
                t.jwt_by_alg.insert(a.to_string(), n);
            }
        }
        for finding in Finding::NAMES {
            let n: u64 = std::iter::once(OTHER_ISSUER)
                .chain(issuers.iter().map(String::as_str))
                .map(|issuer| {
                    self.jwt_findings
                        .with_label_values(&[source, finding, issuer])
                        .get()
                })
                .sum();
            if n > 0 {
                t.jwt_findings.insert(finding, n);
            }
        }
        t
    }

    /// The current values in Prometheus' text exposition format.
    pub fn encode(&self) -> Result<Vec<u8>, prometheus::Error> {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        Ok(out)
    }
}

/// Serve `GET /metrics` and `GET /healthz` (200 `ok` once `ready` is set, 503 before) on
/// `addr` until `shutdown` is cancelled. Returns the serving task and the bound address (bind
/// port 0 to let the OS pick).
///
/// The responder is our own, a few lines of HTTP/1.1 (one request per connection, answered with
/// `Connection: close`), because hyper's server renders a `Date` header from the wall clock on
/// every request, even with the header turned off, and panics for a clock before 1970 or after
/// 9999 (hyperium/headers#230): a host whose clock jumps would lose its metrics endpoint and
/// its health check. Nothing here reads the wall clock.
pub async fn serve(
    addr: SocketAddr,
    metrics: Arc<Metrics>,
    ready: Arc<AtomicBool>,
    shutdown: CancellationToken,
) -> io::Result<(JoinHandle<()>, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let mut failing = false;
        loop {
            let stream = tokio::select! {
                _ = shutdown.cancelled() => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        if std::mem::take(&mut failing) {
                            tracing::info!("metrics endpoint: accepting again");
                        }
                        stream
                    }
                    Err(e) => {
                        // e.g. EMFILE: back off instead of spinning (the connection waits in
                        // the backlog); the next accept may succeed. Logged once per episode.
                        if !std::mem::replace(&mut failing, true) {
                            tracing::warn!(error = %e, "metrics endpoint: accept failed; retrying every 100 ms (logged once until it succeeds)");
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
            };
            let (metrics, ready) = (metrics.clone(), ready.clone());
            tokio::spawn(async move {
                let answered =
                    tokio::time::timeout(CONNECTION_TIMEOUT, answer(stream, &metrics, &ready))
                        .await;
                match answered {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, "metrics endpoint: connection ended with an error")
                    }
                    Err(_) => tracing::debug!("metrics endpoint: connection timed out"),
                }
            });
        }
    });
    Ok((task, local))
}

/// How long one connection may take to send its request and read the answer.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest request head read; a longer one is answered 431.
const MAX_HEAD: usize = 8 * 1024;

/// Read one request head from `stream` and write the answer.
async fn answer(mut stream: TcpStream, metrics: &Metrics, ready: &AtomicBool) -> io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let complete = loop {
        if head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n") {
            break true;
        }
        if head.len() > MAX_HEAD {
            break false;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            if head.is_empty() {
                return Ok(()); // connected and closed: a port probe
            }
            break false;
        }
        head.extend_from_slice(&chunk[..n]);
    };
    let response = if complete {
        respond(&head, metrics, ready)
    } else if head.len() > MAX_HEAD {
        Response::text(
            431,
            "Request Header Fields Too Large",
            "request head too large\n",
        )
    } else {
        Response::text(400, "Bad Request", "incomplete request\n")
    };
    stream.write_all(&response.to_bytes()).await?;
    stream.shutdown().await
}

/// One answer: status, content type and body.
struct Response {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    /// A HEAD request: the headers of the GET answer without its body.
    head_only: bool,
}

impl Response {
    fn text(status: u16, reason: &'static str, body: &'static str) -> Self {
        Response {
            status,
            reason,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
            head_only: false,
        }
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            self.status,
            self.reason,
            self.content_type,
            self.body.len()
        )
        .into_bytes();
        if !self.head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

/// The answer to the request whose head is `head` (request line first).
fn respond(head: &[u8], metrics: &Metrics, ready: &AtomicBool) -> Response {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Response::text(400, "Bad Request", "bad request line\n");
    };
    if !version.starts_with(b"HTTP/1.") {
        return Response::text(505, "HTTP Version Not Supported", "HTTP/1.x only\n");
    }
    let head_only = method == b"HEAD";
    if method != b"GET" && !head_only {
        return Response::text(404, "Not Found", "not found\n");
    }
    let path = target.split(|&b| b == b'?').next().unwrap_or_default();
    let mut response = match path {
        b"/metrics" => match metrics.encode() {
            Ok(body) => Response {
                status: 200,
                reason: "OK",
                content_type: prometheus::TEXT_FORMAT,
                body,
                head_only: false,
            },
            Err(e) => {
                tracing::error!(error = %e, "metrics endpoint: encoding failed");
                Response::text(500, "Internal Server Error", "encoding failed\n")
            }
        },
        b"/healthz" if ready.load(Ordering::Acquire) => Response::text(200, "OK", "ok\n"),
        b"/healthz" => Response::text(503, "Service Unavailable", "not ready\n"),
        _ => Response::text(404, "Not Found", "not found\n"),
    };
    response.head_only = head_only;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Metrics {
        Metrics::new(
            &["app", "web"],
            &["out"],
            &["jwt", "aws_access_key"],
            &["HS256", "other"],
        )
    }

    /// One HTTP/1.1 request on a fresh connection; returns (status, headers+body text).
    async fn get(addr: SocketAddr, method: &str, path: &str) -> (u16, String) {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.unwrap();
        let text = String::from_utf8(buf).unwrap();
        let status = text.split(' ').nth(1).unwrap().parse().unwrap();
        (status, text)
    }

    async fn start(
        m: Metrics,
    ) -> (
        SocketAddr,
        Arc<AtomicBool>,
        CancellationToken,
        JoinHandle<()>,
    ) {
        let ready = Arc::new(AtomicBool::new(false));
        let token = CancellationToken::new();
        let (task, addr) = serve(
            "127.0.0.1:0".parse().unwrap(),
            Arc::new(m),
            ready.clone(),
            token.clone(),
        )
        .await
        .unwrap();
        (addr, ready, token, task)
    }

    /// `/metrics` (and so `--stats`) and the Lambda's EMF count the same hits the same way: one
    /// redaction per placeholder written, also for each body line of a PEM key.
    #[test]
    fn prometheus_and_emf_count_each_placeholder_once() {
        use crate::engine::{Mode, Scrubber, StreamState};
        let rules = std::sync::Arc::new(RuleSet::builtin().unwrap());
        let scrubber = Scrubber::new(rules.clone(), Mode::Mask);
        let block = b"-----BEGIN PRIVATE KEY-----\n\
            MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n\
            MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n\
            -----END PRIVATE KEY-----\n\
            password=Hunter2isNotSafe99x token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl\n";
        let (mut out, mut hits) = (Vec::new(), Vec::new());
        scrubber.scrub_block(
            block,
            &mut StreamState::default(),
            &mut scrubber.scratch(),
            &mut out,
            &mut hits,
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("[REDACTED:private-key]").count(), 2, "{text}");
        let placeholders = text.matches("[REDACTED:").count() as u64;

        let kinds = rules.kinds().to_vec();
        let kind_refs: Vec<&str> = kinds.iter().map(String::as_str).collect();
        let m = Metrics::new(&["app"], &[], &kind_refs, &["HS256"]);
        m.emit(Event::Scrubbed {
            source: "app",
            lines: 5,
            bytes: block.len() as u64,
            oversize: 0,
            hits: &hits,
            rules: &rules,
        });
        let totals = m.totals("app", &kinds, &["HS256"], &[]);
        let mut emf = crate::lambda::emf::Counts::default();
        emf.record_block(5, block.len() as u64, 0, &hits, &rules);

        assert_eq!(totals.redactions, placeholders);
        assert_eq!(totals.by_kind["private-key"], 2);
        assert_eq!(emf.redactions.values().sum::<u64>(), placeholders);
        assert_eq!(
            emf.redactions
                .iter()
                .map(|(k, n)| (k.clone(), *n))
                .collect::<Vec<_>>(),
            totals.by_kind.into_iter().collect::<Vec<_>>()
        );
        assert_eq!(emf.lines_redacted, totals.lines_redacted);
        assert_eq!(totals.lines_redacted, 3);
    }

    #[test]
    fn every_family_and_label_combination_starts_at_zero() {
        let text = String::from_utf8(sample().encode().unwrap()).unwrap();
        for family in [
            "scrubd_lines_total",
            "scrubd_bytes_total",
            "scrubd_lines_redacted_total",
            "scrubd_redactions_total",
            "scrubd_jwt_total",
            "scrubd_jwt_findings_total",
            "scrubd_dropped_lines_total",
            "scrubd_source_errors_total",
            "scrubd_sink_errors_total",
            "scrubd_files_watched",
            "scrubd_build_info",
            "scrubd_checkpoint_errors_total",
            "scrubd_duplicate_lines_total",
        ] {
            assert!(
                text.contains(&format!("# HELP {family} ")),
                "{family} missing:\n{text}"
            );
        }
        for series in [
            r#"scrubd_lines_total{source="web"} 0"#,
            r#"scrubd_redactions_total{kind="aws_access_key",source="app"} 0"#,
            r#"scrubd_jwt_total{alg="other",source="web"} 0"#,
            r#"scrubd_jwt_findings_total{finding="alg_none",issuer="other",source="app"} 0"#,
            r#"scrubd_jwt_findings_total{finding="malformed",issuer="other",source="web"} 0"#,
            r#"scrubd_dropped_lines_total{reason="line_too_long",source="app"} 0"#,
            r#"scrubd_sink_errors_total{sink="out"} 0"#,
            r#"scrubd_files_watched{source="app"} 0"#,
            "scrubd_checkpoint_errors_total 0",
        ] {
            assert!(text.contains(series), "{series} missing:\n{text}");
        }
        let build = format!(
            r#"scrubd_build_info{{version="{}"}} 1"#,
            env!("CARGO_PKG_VERSION")
        );
        assert!(text.contains(&build), "{text}");
    }

    #[tokio::test]
    async fn scrape_over_http_returns_the_exposition() {
        let m = sample();
        m.lines.with_label_values(&["app"]).inc_by(3);
        let (addr, _ready, token, task) = start(m).await;
        let (status, resp) = get(addr, "GET", "/metrics").await;
        assert_eq!(status, 200, "{resp}");
        assert!(
            resp.to_ascii_lowercase()
                .contains("content-type: text/plain; version=0.0.4"),
            "{resp}"
        );
        assert!(
            resp.contains(r#"scrubd_lines_total{source="app"} 3"#),
            "{resp}"
        );
        assert!(
            resp.contains(r#"scrubd_jwt_total{alg="HS256",source="app"} 0"#),
            "{resp}"
        );
        token.cancel();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn healthz_is_503_until_ready_then_200() {
        let (addr, ready, token, _task) = start(sample()).await;
        assert_eq!(get(addr, "GET", "/healthz").await.0, 503);
        ready.store(true, Ordering::Release);
        let (status, resp) = get(addr, "GET", "/healthz").await;
        assert_eq!(status, 200);
        assert!(resp.ends_with("ok\n"), "{resp}");
        token.cancel();
    }

    #[tokio::test]
    async fn unknown_path_or_method_is_404() {
        let (addr, _ready, token, _task) = start(sample()).await;
        assert_eq!(get(addr, "GET", "/").await.0, 404);
        assert_eq!(get(addr, "GET", "/metricsx").await.0, 404);
        assert_eq!(get(addr, "POST", "/metrics").await.0, 404);
        token.cancel();
    }

    /// The raw answer to `request` sent as is on a fresh connection (then half-closed).
    async fn raw(addr: SocketAddr, request: &[u8]) -> String {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(request).await.unwrap();
        s.shutdown().await.unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[tokio::test]
    async fn head_query_strings_and_malformed_requests() {
        let (addr, ready, token, _task) = start(sample()).await;
        ready.store(true, Ordering::Release);
        let head = raw(addr, b"HEAD /healthz HTTP/1.1\r\n\r\n").await;
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(
            head.contains("content-length: 3\r\n") && head.ends_with("\r\n\r\n"),
            "{head}"
        );
        let query = raw(addr, b"GET /metrics?x=1 HTTP/1.0\r\nAccept: */*\r\n\r\n").await;
        assert!(query.starts_with("HTTP/1.1 200 OK\r\n") && query.contains("scrubd_lines_total"));
        for (request, status) in [
            (&b"GET /metrics\r\n\r\n"[..], "400"),
            (b"GET /metrics HTTP/2\r\n\r\n", "505"),
            (b"GET /metrics HTTP/1.1\r\nHost: x", "400"),
        ] {
            let answer = raw(addr, request).await;
            assert!(
                answer.starts_with(&format!("HTTP/1.1 {status} ")),
                "{answer}"
            );
        }
        let mut big = b"GET /metrics HTTP/1.1\r\n".to_vec();
        big.resize(MAX_HEAD + 100, b'a');
        assert!(raw(addr, &big).await.starts_with("HTTP/1.1 431 "));
        // A probe that connects and closes is no error and leaves the listener serving.
        drop(tokio::net::TcpStream::connect(addr).await.unwrap());
        assert_eq!(get(addr, "GET", "/healthz").await.0, 200);
        token.cancel();
    }

    #[tokio::test]
    async fn cancellation_stops_the_listener() {
        let (_addr, _ready, token, task) = start(sample()).await;
        token.cancel();
        // The task owns the listener: once it has ended, the port is closed. (Connecting to
        // check would race with other tests that may be handed the same port.)
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
    }

    /// Needs Prometheus' promtool: with `--features external-tests` (scripts/test.sh installs
    /// it), not in the Rust-only tier of plain `cargo test`.
    #[cfg(feature = "external-tests")]
    #[test]
    fn exposition_passes_promtool_check_metrics() {
        use std::io::Write as _;
        use std::process::{Command, Stdio};
        let child = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::NotFound => panic!(
                "promtool not found: this test needs Prometheus' promtool; run `apt-get install -y prometheus`"
            ),
            Err(e) => panic!("cannot run promtool: {e}"),
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(&sample().encode().unwrap())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "promtool check metrics failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
