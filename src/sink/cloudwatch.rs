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
//! can be longer than the secrets they replace): at most [`MAX_BATCH_EVENTS`] events and
//! [`MAX_BATCH_BYTES`] including [`EVENT_OVERHEAD`] per event, timestamps non-decreasing, and
//! at most 24 hours between the first and the last. An event longer than [`MAX_EVENT_BYTES`] is
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

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io;
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_cloudwatchlogs::Client;

use super::{split, Record, RecordKind, Sink};
use crate::aws::{classify, CallError, Outcome};
use crate::checkpoint::SinkMark;
use crate::metrics::Metrics;
use crate::source::cloudwatch::now_ms;

/// Bytes PutLogEvents counts for each event on top of its message.
pub const EVENT_OVERHEAD: usize = 26;
/// Most bytes in one PutLogEvents call: messages plus [`EVENT_OVERHEAD`] each.
pub const MAX_BATCH_BYTES: usize = 1_048_576;
/// Most events in one PutLogEvents call.
pub const MAX_BATCH_EVENTS: usize = 10_000;
/// Longest message sent as one event: the historical 256 KiB event limit less the overhead
/// (CloudWatch has since raised its limit to 1 MiB; the lower one works everywhere).
pub const MAX_EVENT_BYTES: usize = 262_144 - EVENT_OVERHEAD;
/// Longest time between the first and last event of a batch.
pub const MAX_BATCH_SPAN_MS: i64 = 24 * 3600 * 1000 - 1;
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
    client: Client,
    runtime: tokio::runtime::Handle,
    metrics: Arc<Metrics>,
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
        client: Client,
        runtime: tokio::runtime::Handle,
        metrics: Arc<Metrics>,
    ) -> Self {
        CloudWatchSink {
            name: name.to_string(),
            group: group.to_string(),
            create,
            client,
            runtime,
            metrics,
            queue: BTreeMap::new(),
            queued_bytes: 0,
            last_ts: HashMap::new(),
        }
    }

    fn enqueue(&mut self, stream: &str, source: &Arc<str>, timestamp_ms: i64, bytes: &[u8], lines: u64) {
        if bytes.is_empty() {
            self.metrics.dropped_lines.with_label_values(&[source, "empty_line"]).inc_by(lines);
            return;
        }
        let message = String::from_utf8_lossy(bytes).into_owned();
        let parts = split_message(message);
        if parts.len() > 1 {
            self.metrics.cloudwatch_events_split.with_label_values(&[&self.name]).inc_by(parts.len() as u64 - 1);
        }
        let q = self.queue.entry(stream_name(stream)).or_default();
        for (i, message) in parts.into_iter().enumerate() {
            self.queued_bytes += message.len() + EVENT_OVERHEAD;
            // A split event's lines are counted once, on its first part.
            q.push_back(Event { timestamp_ms, message, source: Arc::clone(source), lines: if i == 0 { lines } else { 0 } });
        }
    }

    /// Send everything queued. On error, what was not accepted stays queued.
    fn flush(&mut self) -> io::Result<()> {
        let streams: Vec<String> = self.queue.keys().cloned().collect();
        for stream in streams {
            loop {
                let Some(q) = self.queue.get(&stream) else { break };
                let n = batch_len(q);
                if n == 0 {
                    self.queue.remove(&stream);
                    break;
                }
                let batch: Vec<Event> = q.iter().take(n).cloned().collect();
                let rejected = self.put(&stream, &batch).map_err(|e| io::Error::other(format!("sink {}: {e}", self.name)))?;
                let q = self.queue.get_mut(&stream).expect("stream queued");
                for (i, ev) in q.drain(..n).enumerate() {
                    self.queued_bytes -= ev.message.len() + EVENT_OVERHEAD;
                    if let Some(reason) = rejected.reason(i, n) {
                        self.metrics.cloudwatch_events_rejected.with_label_values(&[&self.name, reason]).inc();
                        self.metrics.dropped_lines.with_label_values(&[&ev.source, "cloudwatch_rejected"]).inc_by(ev.lines);
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
    fn put(&self, stream: &str, batch: &[Event]) -> Result<Rejected, CallError> {
        let events: Vec<InputLogEvent> = batch
            .iter()
            .map(|e| InputLogEvent::builder().timestamp(e.timestamp_ms).message(e.message.clone()).build().expect("both fields set"))
            .collect();
        let mut created = false;
        loop {
            let sent = self.runtime.block_on(
                self.client
                    .put_log_events()
                    .log_group_name(&self.group)
                    .log_stream_name(stream)
                    .set_log_events(Some(events.clone()))
                    .send(),
            );
            match sent {
                Ok(out) => {
                    self.count("PutLogEvents", Outcome::Ok);
                    let r = out.rejected_log_events_info();
                    return Ok(Rejected {
                        too_new_from: r.and_then(|r| r.too_new_log_event_start_index()).map(|i| i.max(0) as usize),
                        too_old_to: r.and_then(|r| r.too_old_log_event_end_index()).map(|i| i.max(0) as usize),
                        expired_to: r.and_then(|r| r.expired_log_event_end_index()).map(|i| i.max(0) as usize),
                    });
                }
                Err(e) => {
                    let e = classify("PutLogEvents", &e);
                    self.count("PutLogEvents", e.outcome);
                    if e.outcome == Outcome::NotFound && self.create && !created {
                        self.create_stream(stream)?;
                        created = true;
                        continue;
                    }
                    return Err(e);
                }
            }
        }
    }

    fn create_stream(&self, stream: &str) -> Result<(), CallError> {
        let exists = |e: &CallError| e.code.as_deref() == Some("ResourceAlreadyExistsException");
        let group = self.runtime.block_on(self.client.create_log_group().log_group_name(&self.group).send());
        match group {
            Ok(_) => {
                self.count("CreateLogGroup", Outcome::Ok);
                tracing::info!(sink = %self.name, group = %self.group, "created log group");
            }
            Err(e) => {
                let e = classify("CreateLogGroup", &e);
                self.count("CreateLogGroup", e.outcome);
                if !exists(&e) {
                    return Err(e);
                }
            }
        }
        let created =
            self.runtime.block_on(self.client.create_log_stream().log_group_name(&self.group).log_stream_name(stream).send());
        match created {
            Ok(_) => {
                self.count("CreateLogStream", Outcome::Ok);
                Ok(())
            }
            Err(e) => {
                let e = classify("CreateLogStream", &e);
                self.count("CreateLogStream", e.outcome);
                if exists(&e) {
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }

    fn count(&self, api: &str, outcome: Outcome) {
        self.metrics.cloudwatch_requests.with_label_values(&[api, outcome.label()]).inc();
    }
}

impl Sink for CloudWatchSink {
    fn write(&mut self, source: &str, data: &[u8], records: &[Record]) -> io::Result<Option<SinkMark>> {
        if self.queued_bytes >= QUEUE_BYTES {
            self.flush()?;
        }
        let source: Arc<str> = Arc::from(source);
        for (record, bytes) in split(data, records) {
            match record.kind {
                RecordKind::Lines => {
                    let now = now_ms();
                    let ts = self.last_ts.get(&*record.stream).map_or(now, |&last| now.max(last));
                    self.last_ts.insert(record.stream.to_string(), ts);
                    for line in bytes.split_inclusive(|&b| b == b'\n') {
                        let line = line.strip_suffix(b"\n").unwrap_or(line);
                        self.enqueue(&record.stream, &source, ts, line, 1);
                    }
                }
                RecordKind::Event { timestamp_ms, newline } => {
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
        Ok(())
    }
}

/// What PutLogEvents said it did not store, by index into the batch.
#[derive(Debug, Default)]
struct Rejected {
    too_new_from: Option<usize>,
    too_old_to: Option<usize>,
    expired_to: Option<usize>,
}

impl Rejected {
    fn any(&self) -> bool {
        self.too_new_from.is_some() || self.too_old_to.is_some() || self.expired_to.is_some()
    }

    /// Why event `i` of `n` was rejected, if it was.
    fn reason(&self, i: usize, n: usize) -> Option<&'static str> {
        if self.expired_to.is_some_and(|e| i <= e) {
            Some("expired")
        } else if self.too_old_to.is_some_and(|e| i <= e) {
            Some("too_old")
        } else if self.too_new_from.is_some_and(|s| i >= s && s < n) {
            Some("too_new")
        } else {
            None
        }
    }
}

/// How many events from the front of `q` fit in one PutLogEvents call.
fn batch_len(q: &VecDeque<Event>) -> usize {
    let mut bytes = 0;
    let mut n = 0;
    let mut prev: Option<i64> = None;
    let first = q.front().map(|e| e.timestamp_ms);
    for e in q {
        let size = e.message.len() + EVENT_OVERHEAD;
        if n == MAX_BATCH_EVENTS
            || bytes + size > MAX_BATCH_BYTES
            || prev.is_some_and(|p| e.timestamp_ms < p)
            || first.is_some_and(|f| e.timestamp_ms - f > MAX_BATCH_SPAN_MS)
        {
            break;
        }
        bytes += size;
        n += 1;
        prev = Some(e.timestamp_ms);
    }
    n
}

/// Split a message longer than [`MAX_EVENT_BYTES`] into parts no longer than that: after the
/// last `\n` that fits, else at the last character boundary that fits.
fn split_message(message: String) -> Vec<String> {
    if message.len() <= MAX_EVENT_BYTES {
        return vec![message];
    }
    let mut parts = Vec::new();
    let mut rest = message.as_str();
    while rest.len() > MAX_EVENT_BYTES {
        let mut cut = MAX_EVENT_BYTES;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(nl) = rest[..cut].rfind('\n') {
            cut = nl + 1;
        }
        parts.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    if !rest.is_empty() {
        parts.push(rest.to_string());
    }
    parts
}

/// A CloudWatch-legal stream name for an input stream: `:` and `*` become `_`, at most 512
/// bytes, never empty.
pub fn stream_name(input: &str) -> String {
    let mut s: String = input.chars().map(|c| if c == ':' || c == '*' { '_' } else { c }).collect();
    if s.len() > 512 {
        let mut cut = 512;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    if s.is_empty() {
        s.push('_');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ev(ts: i64, len: usize) -> Event {
        Event { timestamp_ms: ts, message: "x".repeat(len), source: Arc::from("s"), lines: 1 }
    }

    #[test]
    fn batches_stop_at_each_limit() {
        let q: VecDeque<Event> = (0..MAX_BATCH_EVENTS + 5).map(|i| ev(i as i64, 1)).collect();
        assert_eq!(batch_len(&q), MAX_BATCH_EVENTS, "event count");
        let big = MAX_BATCH_BYTES / 4 - EVENT_OVERHEAD;
        let q: VecDeque<Event> = (0..5).map(|i| ev(i, big)).collect();
        assert_eq!(batch_len(&q), 4, "bytes, overhead included: 4 fit exactly");
        let q: VecDeque<Event> = (0..5).map(|i| ev(i, big + 1)).collect();
        assert_eq!(batch_len(&q), 3, "one byte more each: only 3 fit");
        let q: VecDeque<Event> = [ev(5, 1), ev(6, 1), ev(4, 1), ev(7, 1)].into();
        assert_eq!(batch_len(&q), 2, "a step back in time starts a new batch");
        let q: VecDeque<Event> = [ev(0, 1), ev(MAX_BATCH_SPAN_MS, 1), ev(MAX_BATCH_SPAN_MS + 1, 1)].into();
        assert_eq!(batch_len(&q), 2, "24 h span");
    }

    #[test]
    fn long_messages_split_at_line_ends_then_char_boundaries() {
        let line = "a".repeat(MAX_EVENT_BYTES - 10);
        let parts = split_message(format!("{line}\n{line}"));
        assert_eq!(parts, vec![format!("{line}\n"), line.clone()]);
        let wide = "é".repeat(MAX_EVENT_BYTES); // 2 bytes each, no newline
        let parts = split_message(wide.clone());
        assert!(parts.iter().all(|p| p.len() <= MAX_EVENT_BYTES));
        assert_eq!(parts.concat(), wide);
    }

    #[test]
    fn stream_names_are_made_legal() {
        assert_eq!(stream_name("2026/11/24/[$LATEST]ab"), "2026/11/24/[$LATEST]ab");
        assert_eq!(stream_name("a:b*c"), "a_b_c");
        assert_eq!(stream_name(""), "_");
        assert_eq!(stream_name(&"ü".repeat(300)).len(), 512);
    }

    #[test]
    fn rejected_indexes_map_to_reasons() {
        let r = Rejected { too_new_from: Some(3), too_old_to: Some(0), expired_to: None };
        let reasons: Vec<_> = (0..5).map(|i| r.reason(i, 5)).collect();
        assert_eq!(reasons, vec![Some("too_old"), None, None, Some("too_new"), Some("too_new")]);
    }

    proptest! {
        /// Cutting a queue into batches never breaks a limit and never drops or reorders.
        #[test]
        fn batching_respects_the_limits(sizes in proptest::collection::vec((0i64..100_000_000, 0usize..300_000), 1..60)) {
            let mut q: VecDeque<Event> = sizes.iter().flat_map(|&(ts, len)| {
                split_message("y".repeat(len.max(1))).into_iter().map(move |m| Event { timestamp_ms: ts, message: m, source: Arc::from("s"), lines: 1 })
            }).collect();
            let all: Vec<String> = q.iter().map(|e| e.message.clone()).collect();
            let mut sent = Vec::new();
            while !q.is_empty() {
                let n = batch_len(&q);
                prop_assert!(n > 0);
                let batch: Vec<Event> = q.drain(..n).collect();
                prop_assert!(batch.len() <= MAX_BATCH_EVENTS);
                prop_assert!(batch.iter().map(|e| e.message.len() + EVENT_OVERHEAD).sum::<usize>() <= MAX_BATCH_BYTES);
                prop_assert!(batch.windows(2).all(|w| w[0].timestamp_ms <= w[1].timestamp_ms));
                prop_assert!(batch.last().unwrap().timestamp_ms - batch[0].timestamp_ms <= MAX_BATCH_SPAN_MS);
                prop_assert!(batch.iter().all(|e| e.message.len() <= MAX_EVENT_BYTES));
                sent.extend(batch.into_iter().map(|e| e.message));
            }
            prop_assert_eq!(sent, all);
        }
    }
}
