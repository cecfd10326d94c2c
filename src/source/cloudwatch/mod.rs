//! CloudWatch Logs source: follows one log group, or every group under a prefix, and turns
//! its events into [`Batch`]es for the scrubber.
//!
//! **API.** FilterLogEvents over a whole group, as `aws logs tail --follow` does, not
//! GetLogEvents per stream: one request per poll covers every stream of the group (and new
//! streams as they appear, with no DescribeLogStreams), while GetLogEvents would cost one
//! request per stream per poll against a per-account quota. FilterLogEvents' quota is small
//! (5 requests/s per account and region), so every CloudWatch read of the process goes through
//! one [`RateLimiter`], and polling slows down while a group is idle.
//!
//! **Windows.** Each poll reads event times `[start, now]`, following `nextToken` through the
//! pages; see [`window`] for the overlap that catches events ingested late and the event-id
//! de-duplication that keeps them from being sent twice. The position (window start + ids
//! delivered in it) rides on every chunk and is checkpointed once the sink has it.
//!
//! **Failures.** Throttling, 5xx and connection errors are counted and retried with
//! exponential backoff and jitter, forever; the same page is asked again, so nothing is skipped.
//! A missing group is retried at the poll interval.
//!
//! **Events → lines.** An event's message becomes one or more lines (`\n` inside it splits
//! them) followed by a `\n`; a final `\n` of the message is taken off first and remembered, so
//! a CloudWatch sink can write the message back byte for byte. A line longer than
//! `max_line_bytes` is replaced by the same placeholder as in files, and counted.

pub mod window;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::Client;
use tokio_util::sync::CancellationToken;

use super::{BuildCtx, ParseCtx, Source, SourceIo, SourceSpec, TableError};
use crate::aws::{backoff, classify, Endpoint, Outcome, RateLimiter};
use crate::batch::{now_ms, Batch, Framer, GroupPosition, Position, Record, RecordKind};
use crate::metrics::{Emit, Event, Metrics};
pub use window::Window;

/// `[[sources]] type = "cloudwatch"`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCloudWatchSource {
    log_group: Option<String>,
    log_group_prefix: Option<String>,
    stream_prefix: Option<String>,
    start_at: Option<String>,
    poll_interval: Option<String>,
    overlap: Option<String>,
    group_rescan: Option<String>,
    region: Option<String>,
    endpoint_url: Option<String>,
    profile: Option<String>,
    role_arn: Option<String>,
    external_id: Option<String>,
}

/// Parse and validate a CloudWatch source's table.
pub(crate) fn parse(
    table: toml::Table,
    ctx: &mut ParseCtx<'_>,
) -> Result<Box<dyn SourceSpec>, TableError> {
    let c: RawCloudWatchSource = super::from_table(table)?;
    let name = ctx.name;
    let groups = match (&c.log_group, &c.log_group_prefix) {
        (Some(g), None) => {
            crate::aws::check_log_group(g).map_err(|m| TableError::at(g, m))?;
            GroupSelector::Name(g.clone())
        }
        (None, Some(p)) => GroupSelector::Prefix(p.clone()),
        _ => {
            return Err(TableError::at(
                name,
                format!("source {name:?}: set exactly one of log_group and log_group_prefix"),
            ))
        }
    };
    let duration =
        |v: &Option<String>, default: Duration, what: &str| -> Result<Duration, TableError> {
            match v {
                None => Ok(default),
                Some(text) => super::parse_duration(text, what),
            }
        };
    let poll_interval = duration(&c.poll_interval, Duration::from_secs(2), "poll_interval")?;
    if poll_interval < Duration::from_millis(100) {
        return Err(TableError::at(
            c.poll_interval.as_deref().unwrap_or(""),
            "poll_interval must be at least 100ms",
        ));
    }
    let overlap = duration(&c.overlap, Duration::from_secs(10), "overlap")?;
    let group_rescan = duration(&c.group_rescan, Duration::from_secs(60), "group_rescan")?
        .max(Duration::from_secs(1));
    let start_at = match c.start_at.as_deref() {
        None | Some("now") => StartFrom::Now,
        Some("beginning") => StartFrom::Beginning,
        Some(t) => StartFrom::Time(humantime::parse_rfc3339_weak(t).map_err(|e| {
            TableError::at(
                t,
                format!(
                    "start_at {t:?}: expected \"now\", \"beginning\" or an RFC 3339 time ({e})"
                ),
            )
        })?),
    };
    Ok(Box::new(CloudWatchSourceConfig {
        name: name.to_string(),
        groups,
        stream_prefix: c.stream_prefix.clone().filter(|p| !p.is_empty()),
        start_at,
        poll_interval,
        overlap,
        endpoint: Endpoint::new(
            c.region,
            c.endpoint_url,
            c.profile,
            c.role_arn,
            c.external_id,
        )?,
        max_line_bytes: ctx.max_line_bytes,
        group_rescan,
        requests_per_second: ctx.cloudwatch_requests_per_second,
    }))
}

impl SourceSpec for CloudWatchSourceConfig {
    fn register(&self, name: &str, metrics: &Metrics) {
        metrics.register_cloudwatch(&[name], &[]);
    }

    fn build(&self, ctx: BuildCtx<'_>) -> anyhow::Result<Box<dyn Source>> {
        let positions = ctx.store.get_groups(ctx.name);
        Ok(Box::new(CloudWatchSource::new(self.clone(), positions)))
    }
}

impl Source for CloudWatchSource {
    fn run(self: Box<Self>, io: SourceIo) {
        let runtime = io.runtime.clone();
        let limiter = crate::aws::shared_limiter(self.cfg.requests_per_second);
        runtime.block_on((*self).run_async(Arc::new(io), limiter));
    }
}

/// Which log groups a source reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupSelector {
    Name(String),
    /// Every group whose name starts with this; looked up again every `group_rescan`. Its
    /// streams are named `<group>/<stream>` downstream, so groups cannot collide.
    Prefix(String),
}

/// Where a group without checkpoint is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartFrom {
    Now,
    Beginning,
    Time(SystemTime),
}

/// Settings of one CloudWatch source.
#[derive(Debug, Clone)]
pub struct CloudWatchSourceConfig {
    pub name: String,
    pub groups: GroupSelector,
    pub stream_prefix: Option<String>,
    pub start_at: StartFrom,
    /// Pause between polls of a group that is caught up.
    pub poll_interval: Duration,
    /// How far each read reaches back before the end of the last one (late-event tolerance).
    pub overlap: Duration,
    pub endpoint: Endpoint,
    pub max_line_bytes: usize,
    /// How often groups under a prefix are listed again.
    pub group_rescan: Duration,
    /// Read requests per second allowed to all CloudWatch sources together (`[cloudwatch]`).
    pub requests_per_second: f64,
}

/// Most events in one chunk (a FilterLogEvents page holds up to 10,000).
const CHUNK_EVENTS: usize = 2_000;
/// Most bytes in one chunk.
const CHUNK_BYTES: usize = 4 << 20;
/// Idle polls slow down to at most this multiple of `poll_interval`.
const IDLE_SLOWDOWN: u32 = 8;
/// A read spans at most this much event time, so catching up from far back proceeds in
/// windows whose de-duplication sets stay small.
const MAX_SPAN_MS: i64 = 15 * 60 * 1000;
/// Longest wait between retries of a failed request (as the AWS SDKs' standard mode).
const MAX_BACKOFF: Duration = Duration::from_secs(20);
/// A caught-up group whose window moved but sent no event still checkpoints this often.
const IDLE_CHECKPOINT: Duration = Duration::from_secs(30);

/// Counters of a running source, shared with the metrics updater.
#[derive(Debug, Default)]
pub struct CloudWatchStats {
    /// Per group: the event time up to which it has been read completely.
    read_until: Mutex<BTreeMap<String, i64>>,
    pub groups: AtomicU64,
}

impl CloudWatchStats {
    /// Seconds between now and the oldest read-until time of the source's groups: how far
    /// behind live the source is (0 with no groups yet).
    pub fn lag_seconds(&self) -> f64 {
        let oldest = self
            .read_until
            .lock()
            .expect("stats lock")
            .values()
            .min()
            .copied();
        oldest.map_or(0.0, |t| ((now_ms() - t).max(0)) as f64 / 1000.0)
    }
}

/// One CloudWatch source: a task per log group.
pub struct CloudWatchSource {
    cfg: CloudWatchSourceConfig,
    positions: HashMap<String, GroupPosition>,
    stats: Arc<CloudWatchStats>,
}

impl CloudWatchSource {
    pub fn new(cfg: CloudWatchSourceConfig, positions: Vec<GroupPosition>) -> Self {
        let positions = positions
            .into_iter()
            .map(|p| (p.group.clone(), p))
            .collect();
        CloudWatchSource {
            cfg,
            positions,
            stats: Arc::default(),
        }
    }

    /// Read until `io.cancel`; batches go out in order per group.
    async fn run_async(self, io: Arc<SourceIo>, limiter: Arc<RateLimiter>) {
        let cancel = io.cancel.clone();
        let emit = Arc::clone(&io.emit);
        // How far behind live the source is, refreshed while it runs.
        let lag = {
            let (stats, emit, name, cancel) = (
                Arc::clone(&self.stats),
                Arc::clone(&emit),
                Arc::clone(&io.name),
                cancel.clone(),
            );
            tokio::spawn(async move {
                while !cancel.is_cancelled() {
                    emit.emit(Event::CloudWatchLag {
                        source: &name,
                        seconds: stats.lag_seconds(),
                    });
                    tokio::select! {
                        _ = cancel.cancelled() => {}
                        _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    }
                }
            })
        };
        let client = crate::aws::client(&self.cfg.endpoint).await;
        let cfg = Arc::new(self.cfg);
        let mut tasks = tokio::task::JoinSet::new();
        let mut started: std::collections::HashSet<String> = Default::default();
        let mut positions = self.positions;
        let mut first_listing = true;
        loop {
            let groups = match &cfg.groups {
                GroupSelector::Name(g) => vec![g.clone()],
                GroupSelector::Prefix(p) => {
                    match list_groups(&client, p, &limiter, emit.as_ref(), &cancel).await {
                        Some(g) => g,
                        None => return, // cancelled
                    }
                }
            };
            for g in groups {
                if started.insert(g.clone()) {
                    let reader = GroupReader {
                        cfg: Arc::clone(&cfg),
                        client: client.clone(),
                        start: positions.remove(&g),
                        // A group found by a later listing was created after start: read it all.
                        start_at: if first_listing {
                            cfg.start_at
                        } else {
                            StartFrom::Beginning
                        },
                        group: g,
                        limiter: Arc::clone(&limiter),
                        stats: Arc::clone(&self.stats),
                        io: Arc::clone(&io),
                        cancel: cancel.clone(),
                    };
                    self.stats
                        .groups
                        .store(started.len() as u64, Ordering::Relaxed);
                    tasks.spawn(reader.run());
                }
            }
            if matches!(cfg.groups, GroupSelector::Name(_)) {
                break;
            }
            first_listing = false;
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep(cfg.group_rescan) => {}
            }
        }
        while tasks.join_next().await.is_some() {}
        lag.abort();
    }
}

/// Names of the groups under `prefix`, retried until it works or `cancel`.
async fn list_groups(
    client: &Client,
    prefix: &str,
    limiter: &RateLimiter,
    emit: &dyn Emit,
    cancel: &CancellationToken,
) -> Option<Vec<String>> {
    let mut attempt = 0;
    'retry: loop {
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return None,
                _ = limiter.acquire() => {}
            }
            let mut req = client.describe_log_groups().log_group_name_prefix(prefix);
            if let Some(t) = &token {
                req = req.next_token(t);
            }
            match req.send().await {
                Ok(out) => {
                    count(emit, limiter, "DescribeLogGroups", Outcome::Ok);
                    names.extend(
                        out.log_groups()
                            .iter()
                            .filter_map(|g| g.log_group_name().map(str::to_string)),
                    );
                    token = out.next_token().map(str::to_string);
                    if token.is_none() {
                        return Some(names);
                    }
                }
                Err(e) => {
                    let e = classify("DescribeLogGroups", &e);
                    count(emit, limiter, "DescribeLogGroups", e.outcome);
                    tracing::warn!(error = %e, "listing log groups failed; retrying");
                    let wait = backoff(attempt, Duration::from_millis(500), MAX_BACKOFF);
                    attempt += 1;
                    tokio::select! {
                        _ = cancel.cancelled() => return None,
                        _ = tokio::time::sleep(wait) => continue 'retry,
                    }
                }
            }
        }
    }
}

fn count(emit: &dyn Emit, limiter: &RateLimiter, api: &str, outcome: Outcome) {
    emit.emit(Event::CloudWatchRequest {
        api,
        outcome: outcome.label(),
    });
    limiter.record(outcome);
}

/// Reads one group.
struct GroupReader {
    cfg: Arc<CloudWatchSourceConfig>,
    client: Client,
    group: String,
    start: Option<GroupPosition>,
    /// Where to start without a checkpoint.
    start_at: StartFrom,
    limiter: Arc<RateLimiter>,
    stats: Arc<CloudWatchStats>,
    io: Arc<SourceIo>,
    cancel: CancellationToken,
}

impl GroupReader {
    async fn run(self) {
        let overlap_ms = self.cfg.overlap.as_millis() as i64;
        let mut window = match &self.start {
            Some(pos) => Window::resume(pos, overlap_ms),
            None => Window::new(
                match self.start_at {
                    StartFrom::Now => now_ms(),
                    StartFrom::Beginning => 0,
                    StartFrom::Time(t) => t
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| d.as_millis() as i64),
                },
                overlap_ms,
            ),
        };
        let mut chunk = ChunkBuilder::new(self.cfg.max_line_bytes);
        if matches!(self.cfg.groups, GroupSelector::Prefix(_)) {
            chunk.stream_prefix = format!("{}/", self.group);
        }
        let mut idle_polls: u32 = 0;
        let mut last_sent = tokio::time::Instant::now();
        // A group without checkpoint gets one after its first read, events or not, so a
        // restart soon after does not start again at a later "now".
        let mut first = self.start.is_none();
        let mut sent_start = window.start_ms();
        let mut probe = true;
        while !self.cancel.is_cancelled() {
            if probe && window.start_ms() < now_ms() - MAX_SPAN_MS {
                // Far behind (a start from the beginning, a long stop): skip the empty time
                // before the first event instead of walking it span by span.
                match self.first_event_after(window.start_ms()).await {
                    None => return,
                    Some(Some(ts)) => window.skip_to(ts),
                    Some(None) => window.skip_to(now_ms() - overlap_ms),
                }
            }
            let start = window.start_ms();
            let end = now_ms().min(start.saturating_add(MAX_SPAN_MS));
            if end < start {
                // Starting at a time still in the future.
                self.pause(self.cfg.poll_interval).await;
                continue;
            }
            let Some(new_events) = self.read_window(&mut window, start, end, &mut chunk).await
            else {
                return; // cancelled mid-read: nothing of the partial read was checkpointed
            };
            probe = new_events == 0;
            window.complete(end);
            self.stats
                .read_until
                .lock()
                .expect("stats lock")
                .insert(self.group.clone(), window.read_until_ms());
            let moved = window.start_ms() != sent_start;
            if !chunk.is_empty() || first || (moved && last_sent.elapsed() >= IDLE_CHECKPOINT) {
                if !self.send(&mut chunk, &window).await {
                    return;
                }
                first = false;
                last_sent = tokio::time::Instant::now();
                sent_start = window.start_ms();
            }
            let caught_up = end >= now_ms() - self.cfg.poll_interval.as_millis() as i64;
            if !caught_up {
                continue; // far behind: read the next span at once (the limiter paces us)
            }
            idle_polls = if new_events > 0 {
                0
            } else {
                idle_polls.saturating_add(1)
            };
            // After every 5 empty polls the pause doubles, up to IDLE_SLOWDOWN × poll_interval.
            let factor = (1u32 << (idle_polls / 5).min(5)).min(IDLE_SLOWDOWN);
            self.pause(self.cfg.poll_interval * factor).await;
        }
    }

    async fn pause(&self, d: Duration) {
        tokio::select! {
            _ = self.cancel.cancelled() => {}
            _ = tokio::time::sleep(d) => {}
        }
    }

    /// Read `[start, end]` through all its pages into `chunk`, sending full chunks on the way.
    /// Returns the number of new events, or `None` once cancelled.
    async fn read_window(
        &self,
        window: &mut Window,
        start: i64,
        end: i64,
        chunk: &mut ChunkBuilder,
    ) -> Option<usize> {
        let mut token: Option<String> = None;
        let mut attempt = 0;
        let mut new_events = 0;
        loop {
            tokio::select! {
                _ = self.cancel.cancelled() => return None,
                _ = self.limiter.acquire() => {}
            }
            let mut req = self
                .client
                .filter_log_events()
                .log_group_name(&self.group)
                .start_time(start)
                .end_time(end);
            if let Some(p) = &self.cfg.stream_prefix {
                req = req.log_stream_name_prefix(p);
            }
            if let Some(t) = &token {
                req = req.next_token(t);
            }
            match req.send().await {
                Ok(out) => {
                    count(
                        self.io.emit.as_ref(),
                        &self.limiter,
                        "FilterLogEvents",
                        Outcome::Ok,
                    );
                    attempt = 0;
                    for ev in out.events() {
                        let (Some(id), Some(ts), Some(stream)) =
                            (ev.event_id(), ev.timestamp(), ev.log_stream_name())
                        else {
                            continue;
                        };
                        if self
                            .cfg
                            .stream_prefix
                            .as_deref()
                            .is_some_and(|p| !stream.starts_with(p))
                        {
                            continue; // the server ignored the prefix (some implementations do)
                        }
                        match window.admit(id, ts) {
                            None => continue,
                            Some(late) => {
                                if late {
                                    self.io.emit.emit(Event::CloudWatchLateCaught {
                                        source: &self.io.name,
                                    });
                                }
                            }
                        }
                        new_events += 1;
                        chunk.push(stream, ts, ev.message().unwrap_or(""));
                        if chunk.is_full() && !self.send(chunk, window).await {
                            return None;
                        }
                    }
                    match out.next_token() {
                        Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
                        _ => return Some(new_events),
                    }
                }
                Err(e) => {
                    let e = classify("FilterLogEvents", &e);
                    count(
                        self.io.emit.as_ref(),
                        &self.limiter,
                        "FilterLogEvents",
                        e.outcome,
                    );
                    self.io.emit.emit(Event::SourceError {
                        source: &self.io.name,
                    });
                    if e.outcome == Outcome::NotFound {
                        tracing::warn!(group = %self.group, error = %e, "log group not found; retrying at the poll interval");
                        self.pause(self.cfg.poll_interval).await;
                        continue;
                    }
                    let wait = backoff(attempt, Duration::from_millis(200), MAX_BACKOFF);
                    attempt += 1;
                    tracing::warn!(group = %self.group, error = %e, retry_in_ms = wait.as_millis() as u64, "FilterLogEvents failed");
                    self.pause(wait).await;
                }
            }
        }
    }

    /// The timestamp of the earliest event at or after `from`, `Some(None)` if there is none,
    /// `None` once cancelled. Asks for one interleaved (time-ordered) event.
    async fn first_event_after(&self, from: i64) -> Option<Option<i64>> {
        let mut attempt = 0;
        loop {
            tokio::select! {
                _ = self.cancel.cancelled() => return None,
                _ = self.limiter.acquire() => {}
            }
            // `interleaved` is deprecated because the service always interleaves now; other
            // implementations (moto) still need it to sort across streams.
            #[allow(deprecated)]
            let mut req = self
                .client
                .filter_log_events()
                .log_group_name(&self.group)
                .start_time(from)
                .limit(1)
                .interleaved(true);
            if let Some(p) = &self.cfg.stream_prefix {
                req = req.log_stream_name_prefix(p);
            }
            match req.send().await {
                Ok(out) => {
                    count(
                        self.io.emit.as_ref(),
                        &self.limiter,
                        "FilterLogEvents",
                        Outcome::Ok,
                    );
                    return Some(out.events().first().and_then(|e| e.timestamp()));
                }
                Err(e) => {
                    let e = classify("FilterLogEvents", &e);
                    count(
                        self.io.emit.as_ref(),
                        &self.limiter,
                        "FilterLogEvents",
                        e.outcome,
                    );
                    self.io.emit.emit(Event::SourceError {
                        source: &self.io.name,
                    });
                    let wait = if e.outcome == Outcome::NotFound {
                        self.cfg.poll_interval
                    } else {
                        attempt += 1;
                        backoff(attempt - 1, Duration::from_millis(200), MAX_BACKOFF)
                    };
                    tracing::warn!(group = %self.group, error = %e, retry_in_ms = wait.as_millis() as u64, "FilterLogEvents failed");
                    self.pause(wait).await;
                }
            }
        }
    }

    /// Send what `chunk` holds with the window's position; false once the pipeline is gone.
    async fn send(&self, chunk: &mut ChunkBuilder, window: &Window) -> bool {
        let c = chunk.take(window.position(&self.cfg.name, &self.group));
        self.io.send(c).await
    }
}

/// Accumulates events as lines.
struct ChunkBuilder {
    framer: Framer,
    data: Vec<u8>,
    records: Vec<Record>,
    oversize: u32,
    streams: HashMap<String, Arc<str>>,
    /// Put before each stream name (the group's name, for sources reading several groups).
    stream_prefix: String,
}

impl ChunkBuilder {
    fn new(max_line_bytes: usize) -> Self {
        ChunkBuilder {
            framer: Framer::new(max_line_bytes),
            data: Vec::new(),
            records: Vec::new(),
            oversize: 0,
            streams: HashMap::new(),
            stream_prefix: String::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    fn is_full(&self) -> bool {
        self.records.len() >= CHUNK_EVENTS || self.data.len() >= CHUNK_BYTES
    }

    fn push(&mut self, stream: &str, timestamp_ms: i64, message: &str) {
        let before = self.data.len();
        let (body, newline) = match message.strip_suffix('\n') {
            Some(b) => (b, true),
            None => (message, false),
        };
        self.framer
            .frame_message(body.as_bytes(), &mut self.data, &mut self.oversize);
        let stream = match self.streams.get(stream) {
            Some(s) => Arc::clone(s),
            None => {
                let s: Arc<str> = Arc::from(format!("{}{stream}", self.stream_prefix));
                self.streams.insert(stream.to_string(), Arc::clone(&s));
                s
            }
        };
        self.records.push(Record {
            stream,
            len: self.data.len() - before,
            kind: RecordKind::Event {
                timestamp_ms,
                newline,
            },
        });
    }

    fn take(&mut self, end: GroupPosition) -> Batch {
        if self.streams.len() > 10_000 {
            self.streams.clear();
        }
        Batch {
            data: std::mem::take(&mut self.data),
            records: std::mem::take(&mut self.records),
            oversize_lines: std::mem::take(&mut self.oversize),
            ack: Position::Group(end),
            state_key: None,
        }
    }
}

/// Frame `messages` as this source does (tests of the one line rule across sources).
#[cfg(test)]
pub(crate) fn frame_events(max_line_bytes: usize, messages: &[&str]) -> Vec<u8> {
    let mut b = ChunkBuilder::new(max_line_bytes);
    for m in messages {
        b.push("s", 0, m);
    }
    b.data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_become_lines_and_remember_their_final_newline() {
        let mut b = ChunkBuilder::new(16);
        b.push("s1", 5, "one\n");
        b.push("s2", 6, "two\nlines");
        b.push("s1", 7, &format!("{}\nshort\n", "x".repeat(17)));
        let c = b.take(GroupPosition {
            source: "cw".into(),
            group: "g".into(),
            start_ms: 0,
            seen: Default::default(),
        });
        assert_eq!(
            String::from_utf8(c.data).unwrap(),
            "one\ntwo\nlines\n[REDACTED:line-too-long:bytes=17]\nshort\n"
        );
        let kinds: Vec<_> = c
            .records
            .iter()
            .map(|r| (&*r.stream, r.len, r.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (
                    "s1",
                    4,
                    RecordKind::Event {
                        timestamp_ms: 5,
                        newline: true
                    }
                ),
                (
                    "s2",
                    10,
                    RecordKind::Event {
                        timestamp_ms: 6,
                        newline: false
                    }
                ),
                (
                    "s1",
                    40,
                    RecordKind::Event {
                        timestamp_ms: 7,
                        newline: true
                    }
                ),
            ]
        );
        assert_eq!(c.oversize_lines, 1);
    }

    #[test]
    fn an_empty_message_is_one_empty_line() {
        let mut b = ChunkBuilder::new(16);
        b.push("s", 1, "");
        let c = b.take(GroupPosition {
            source: "cw".into(),
            group: "g".into(),
            start_ms: 0,
            seen: Default::default(),
        });
        assert_eq!(c.data, b"\n");
    }
}
