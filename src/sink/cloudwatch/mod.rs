//! The CloudWatch Logs sink: scrubbed events go to one log group, each into a stream named
//! after its input stream (a CloudWatch source's stream, a file source's file name).
//!
//! `write` only queues events in memory (up to [`QUEUE_BYTES`]; beyond that it first tries to
//! send, and refuses the write if it cannot, which slows the pipeline down). `sync` sends every
//! queued event with PutLogEvents and succeeds only once all were accepted, so the pipeline
//! checkpoints only what CloudWatch has. An event leaves the queue when the batch holding it was
//! accepted: a later failure retries only what is still queued, never an accepted batch.
//! (A batch whose answer is lost — a timeout after the service stored it — is sent again: the
//! API has no idempotency key, so that duplicate cannot be ruled out.)
//!
//! Batches respect PutLogEvents' limits, measured on the scrubbed text as sent (placeholders
//! can be longer than the secrets they replace): at most [`MAX_BATCH_EVENTS`](batch::MAX_BATCH_EVENTS) events and
//! [`MAX_BATCH_BYTES`](batch::MAX_BATCH_BYTES) including [`EVENT_OVERHEAD`] per event, timestamps non-decreasing, and
//! at most 24 hours between the first and the last. An event longer than [`MAX_EVENT_BYTES`](batch::MAX_EVENT_BYTES) is
//! split into consecutive events of that size or less, at line ends where it has them, else at
//! UTF-8 character boundaries (counted in `scrubd_cloudwatch_events_split_total`). CloudWatch
//! takes UTF-8 only: invalid bytes become U+FFFD. It refuses empty messages: an empty line is
//! dropped and counted (`scrubd_dropped_lines_total{reason="empty_line"}`). Events it reports
//! as too old, too new or expired are counted
//! (`scrubd_cloudwatch_events_rejected_total`, and their lines as dropped with reason
//! `cloudwatch_rejected`), not retried.
//!
//! Lines from files get the time they are queued as timestamp, never earlier than the
//! previous line of the same stream (a clock stepping back does not reorder a stream).

pub mod api;
pub mod batch;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io;
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_cloudwatchlogs::Client;

use super::{BuildCtx, ParseCtx, Sink, SinkSpec, TableError};
use crate::aws::{CallError, Endpoint, Outcome};
use crate::batch::{now_ms, split, Record, RecordKind};
use crate::checkpoint::SinkMark;
use crate::metrics::{Emit, Event as Count, Metrics};

/// `[[sinks]] type = "cloudwatch"`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCloudWatchSink {
    log_group: String,
    #[serde(default)]
    create: bool,
    region: Option<String>,
    endpoint_url: Option<String>,
    profile: Option<String>,
    role_arn: Option<String>,
    external_id: Option<String>,
}

/// Parse a CloudWatch sink's table.
pub(crate) fn parse(
    table: toml::Table,
    _ctx: &ParseCtx<'_>,
) -> Result<Box<dyn SinkSpec>, TableError> {
    let raw: RawCloudWatchSink = super::from_table(table)?;
    crate::aws::check_log_group(&raw.log_group).map_err(|m| TableError::at(&raw.log_group, m))?;
    Ok(Box::new(CloudWatchSinkSpec {
        group: raw.log_group,
        create: raw.create,
        endpoint: Endpoint::new(
            raw.region,
            raw.endpoint_url,
            raw.profile,
            raw.role_arn,
            raw.external_id,
        )?,
    }))
}

/// A validated CloudWatch sink: events go to `group`, into streams named after the input's
/// stream (or file name).
#[derive(Debug)]
pub(crate) struct CloudWatchSinkSpec {
    pub group: String,
    pub create: bool,
    pub endpoint: Endpoint,
}

impl SinkSpec for CloudWatchSinkSpec {
    fn register(&self, name: &str, metrics: &Metrics) {
        metrics.register_cloudwatch(&[], &[name]);
    }

    fn build(&self, ctx: BuildCtx<'_>) -> Box<dyn Sink> {
        Box::new(CloudWatchSink::new(
            ctx.name,
            &self.group,
            self.create,
            self.endpoint.clone(),
            ctx.runtime,
            ctx.emit,
        ))
    }
}
use batch::{batch_len, split_message, Rejected};
pub use batch::{stream_name, EVENT_OVERHEAD};

/// Queued bytes above which `write` sends before accepting more.
pub const QUEUE_BYTES: usize = 8 << 20;

#[derive(Debug, Clone)]
struct Event {
    timestamp_ms: i64,
    message: String,
    source: Arc<str>,
    lines: u64,
}

pub struct CloudWatchSink {
    name: String,
    group: String,
    create: bool,
    endpoint: Endpoint,
    /// Built on first use, on the sink's thread; dropped by `reopen` (SIGHUP), so the next
    /// use builds it again from the credential chain (rotated keys, a new role session).
    client: Option<Client>,
    runtime: tokio::runtime::Handle,
    emit: Arc<dyn Emit>,
    /// Queued events per output stream, in order.
    queue: BTreeMap<String, VecDeque<Event>>,
    queued_bytes: usize,
    /// Last timestamp given to a line from a file, per stream.
    last_ts: HashMap<String, i64>,
}

impl CloudWatchSink {
    pub fn new(
        name: &str,
        group: &str,
        create: bool,
        endpoint: Endpoint,
        runtime: tokio::runtime::Handle,
        emit: Arc<dyn Emit>,
    ) -> Self {
        CloudWatchSink {
            name: name.to_string(),
            group: group.to_string(),
            create,
            endpoint,
            client: None,
            runtime,
            emit,
            queue: BTreeMap::new(),
            queued_bytes: 0,
            last_ts: HashMap::new(),
        }
    }

    fn enqueue(
        &mut self,
        stream: &str,
        source: &Arc<str>,
        timestamp_ms: i64,
        bytes: &[u8],
        lines: u64,
    ) {
        if bytes.is_empty() {
            self.emit.emit(Count::Dropped {
                source,
                reason: "empty_line",
                lines,
            });
            return;
        }
        let message = String::from_utf8_lossy(bytes).into_owned();
        let parts = split_message(message);
        if parts.len() > 1 {
            self.emit.emit(Count::CloudWatchSplit {
                sink: &self.name,
                extra: parts.len() as u64 - 1,
            });
        }
        let q = self.queue.entry(stream_name(stream)).or_default();
        for (i, message) in parts.into_iter().enumerate() {
            self.queued_bytes += message.len() + EVENT_OVERHEAD;
            // A split event's lines are counted once, on its first part.
            q.push_back(Event {
                timestamp_ms,
                message,
                source: Arc::clone(source),
                lines: if i == 0 { lines } else { 0 },
            });
        }
    }

    /// Send everything queued. On error, what was not accepted stays queued.
    fn flush(&mut self) -> io::Result<()> {
        let streams: Vec<String> = self.queue.keys().cloned().collect();
        for stream in streams {
            while let Some(q) = self.queue.get(&stream) {
                let n = batch_len(q.iter().map(|e| (e.timestamp_ms, e.message.len())));
                if n == 0 {
                    self.queue.remove(&stream);
                    break;
                }
                let batch: Vec<Event> = q.iter().take(n).cloned().collect();
                let rejected = self
                    .put(&stream, &batch)
                    .map_err(|e| io::Error::other(format!("sink {}: {e}", self.name)))?;
                let q = self.queue.get_mut(&stream).expect("stream queued");
                for (i, ev) in q.drain(..n).enumerate() {
                    self.queued_bytes -= ev.message.len() + EVENT_OVERHEAD;
                    if let Some(reason) = rejected.reason(i, n) {
                        self.emit.emit(Count::CloudWatchRejected {
                            sink: &self.name,
                            reason,
                        });
                        self.emit.emit(Count::Dropped {
                            source: &ev.source,
                            reason: "cloudwatch_rejected",
                            lines: ev.lines,
                        });
                    }
                }
                if rejected.any() {
                    tracing::warn!(sink = %self.name, stream = %stream, "CloudWatch rejected events (too old, too new or expired); counted, not retried");
                }
            }
        }
        Ok(())
    }

    /// One PutLogEvents call, creating the group and stream first if allowed and missing.
    fn put(&mut self, stream: &str, batch: &[Event]) -> Result<Rejected, CallError> {
        if self.client.is_none() {
            self.client = Some(self.runtime.block_on(crate::aws::client(&self.endpoint)));
        }
        let client = self.client.as_ref().expect("built above");
        let events: Vec<InputLogEvent> = batch
            .iter()
            .map(|e| {
                InputLogEvent::builder()
                    .timestamp(e.timestamp_ms)
                    .message(e.message.clone())
                    .build()
                    .expect("both fields set")
            })
            .collect();
        let create = if self.create {
            api::Create::GroupAndStream
        } else {
            api::Create::Nothing
        };
        let count = |api: &'static str, outcome: Outcome| self.count(api, outcome);
        self.runtime.block_on(api::put(
            client,
            &self.group,
            stream,
            &events,
            create,
            &count,
        ))
    }

    fn count(&self, api: &str, outcome: Outcome) {
        self.emit.emit(Count::CloudWatchRequest {
            api,
            outcome: outcome.label(),
        });
    }
}

impl Sink for CloudWatchSink {
    fn write(
        &mut self,
        source: &str,
        data: &[u8],
        records: &[Record],
    ) -> io::Result<Option<SinkMark>> {
        if self.queued_bytes >= QUEUE_BYTES {
            self.flush()?;
        }
        let source: Arc<str> = Arc::from(source);
        for (record, bytes) in split(data, records) {
            match record.kind {
                RecordKind::Lines => {
                    let now = now_ms();
                    let ts = self
                        .last_ts
                        .get(&*record.stream)
                        .map_or(now, |&last| now.max(last));
                    self.last_ts.insert(record.stream.to_string(), ts);
                    for line in bytes.split_inclusive(|&b| b == b'\n') {
                        let line = line.strip_suffix(b"\n").unwrap_or(line);
                        self.enqueue(&record.stream, &source, ts, line, 1);
                    }
                }
                RecordKind::Event {
                    timestamp_ms,
                    newline,
                } => {
                    let lines = memchr::memchr_iter(b'\n', bytes).count().max(1) as u64;
                    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
                    if newline {
                        let mut m = Vec::with_capacity(body.len() + 1);
                        m.extend_from_slice(body);
                        m.push(b'\n');
                        self.enqueue(&record.stream, &source, timestamp_ms, &m, lines);
                    } else {
                        self.enqueue(&record.stream, &source, timestamp_ms, body, lines);
                    }
                }
            }
        }
        Ok(None)
    }

    fn sync(&mut self) -> io::Result<()> {
        self.flush()
    }

    fn reopen(&mut self) -> io::Result<()> {
        self.client = None;
        Ok(())
    }
}
