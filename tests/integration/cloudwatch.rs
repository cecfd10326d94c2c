//! CloudWatch Logs source and sink against a real implementation of the API: moto's server,
//! installed by scripts/test.sh into `target/moto-venv` (or named by `SCRUBD_MOTO_SERVER`),
//! started on a free 127.0.0.1 port. If it is missing or does not start, these tests fail.
//!
//! Faults come from a small HTTP proxy in front of moto ([`Proxy`]): throttling and 5xx
//! answers, dropped connections, and a check of every PutLogEvents request against the API's
//! limits (moto does not enforce them; the real service does).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_cloudwatchlogs::Client;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};

use super::common::{append, free_port, sample, wait_until, Scrubd};

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz";

/// A moto server process on 127.0.0.1.
pub(crate) struct Moto {
    child: Option<Child>,
    pub(crate) port: u16,
}

fn moto_server_path() -> PathBuf {
    if let Some(p) = std::env::var_os("SCRUBD_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/moto-venv/bin/moto_server");
    assert!(
        p.exists(),
        "moto's server is not installed: run scripts/test.sh (it installs moto[server] into target/moto-venv), \
         or set SCRUBD_MOTO_SERVER to a moto_server executable"
    );
    p
}

impl Moto {
    pub(crate) fn start() -> Moto {
        let mut m = Moto {
            child: None,
            port: free_port(),
        };
        m.spawn();
        m
    }

    fn spawn(&mut self) {
        let child = Command::new(moto_server_path())
            .args(["-H", "127.0.0.1", "-p", &self.port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        self.child = Some(child);
        let port = self.port;
        wait_until(Duration::from_secs(60), "moto server answering", || {
            super::common::http_get(port, "/moto-api/").is_some()
        });
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.kill();
    }
}

pub(crate) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

pub(crate) fn client(url: &str) -> Client {
    let conf = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .build();
    Client::from_conf(conf)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Put `messages` into `group`/`stream` (created if needed), stamped `ts0`, `ts0 + 1`, ….
async fn put(c: &Client, group: &str, stream: &str, ts0: i64, messages: &[String]) {
    let _ = c.create_log_group().log_group_name(group).send().await;
    let _ = c
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await;
    for (k, batch) in messages.chunks(5_000).enumerate() {
        let events: Vec<InputLogEvent> = batch
            .iter()
            .enumerate()
            .map(|(i, m)| {
                InputLogEvent::builder()
                    .timestamp(ts0 + (k * 5_000 + i) as i64)
                    .message(m)
                    .build()
                    .unwrap()
            })
            .collect();
        c.put_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_log_events(Some(events))
            .send()
            .await
            .unwrap();
    }
}

/// Every event of `group`, per stream, in stream order.
pub(crate) async fn read_group(c: &Client, group: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = c.filter_log_events().log_group_name(group);
        if let Some(t) = &token {
            req = req.next_token(t);
        }
        let Ok(page) = req.send().await else {
            return out;
        };
        for e in page.events() {
            out.entry(e.log_stream_name().unwrap().to_string())
                .or_default()
                .push(e.message().unwrap().to_string());
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return out;
        }
    }
}

fn total(g: &BTreeMap<String, Vec<String>>) -> usize {
    g.values().map(Vec::len).sum()
}

/// What `scrubd filter` makes of `text`: the oracle for what the daemon must send.
pub(crate) fn filtered(text: &str) -> String {
    let out = assert_cmd::Command::cargo_bin("scrubd")
        .unwrap()
        .arg("filter")
        .write_stdin(text.to_string())
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Leaky and clean messages, some multi-line, some ending in a newline (as Lambda's do).
pub(crate) fn messages(tag: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i % 4 {
            0 => format!("{tag} {i} GET /orders Authorization: Bearer {JWT}\n"),
            1 => format!(
                "{tag} {i} ok path=/orders/{i} request_id=7c9e6679-7425-40de-944b-e07fc1f66afe"
            ),
            2 => format!("{tag} {i} Traceback:\n  token={JWT}\n  done\n"),
            _ => {
                format!("{tag} {i} {{\"refresh_token\": {{\"S\": \"{JWT}\"}}, \"user\": \"u{i}\"}}")
            }
        })
        .collect()
}

/// The scrubbed form of each message, as the sink must write it back: all messages through
/// one `scrubd filter` run, line by line, then put back together.
pub(crate) fn scrubbed(msgs: &[String]) -> Vec<String> {
    let mut text = String::new();
    let mut shape = Vec::new();
    for m in msgs {
        let (body, nl) = m
            .strip_suffix('\n')
            .map_or((m.as_str(), false), |b| (b, true));
        text.push_str(body);
        text.push('\n');
        shape.push((body.split('\n').count(), nl));
    }
    let out = filtered(&text);
    let mut lines = out.split_terminator('\n');
    shape
        .into_iter()
        .map(|(n, nl)| {
            let mut m = lines.by_ref().take(n).collect::<Vec<_>>().join("\n");
            if nl {
                m.push('\n');
            }
            m
        })
        .collect()
}

/// Lines scrubd counts for these messages (a final newline does not start a line).
fn line_count(msgs: &[String]) -> usize {
    msgs.iter()
        .map(|m| m.strip_suffix('\n').unwrap_or(m).split('\n').count())
        .sum()
}

fn cw_config(port: u16, source_url: &str, sink_url: &str, extra_source: &str) -> String {
    format!(
        r#"
[state]
dir = "state"

[metrics]
listen = "127.0.0.1:{port}"

[cloudwatch]
max_requests_per_second = 50

[[sources]]
name = "orders"
type = "cloudwatch"
log_group = "/aws/lambda/orders"
start_at = "beginning"
poll_interval = "200ms"
overlap = "3s"
endpoint_url = "{source_url}"
sink = "scrubbed"
{extra_source}

[[sinks]]
name = "scrubbed"
type = "cloudwatch"
log_group = "/scrubbed/orders"
create = true
endpoint_url = "{sink_url}"
"#
    )
}

fn assert_streams_equal(got: &BTreeMap<String, Vec<String>>, want: &BTreeMap<String, Vec<String>>) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "streams"
    );
    for (stream, w) in want {
        let g = &got[stream];
        assert_eq!(g.len(), w.len(), "stream {stream}: event count");
        for (i, (a, b)) in g.iter().zip(w).enumerate() {
            assert_eq!(a, b, "stream {stream}, event {i}");
        }
    }
    for m in got.values().flatten() {
        assert!(
            !m.contains(JWT) && !m.contains("c2lnbmF0dXJl"),
            "secret left in {m:?}"
        );
    }
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs moto: scripts/test.sh runs it"
)]
fn cloudwatch_group_to_group_exactly_once_across_pages_new_streams_and_restart() {
    let moto = Moto::start();
    let rt = rt();
    let c = client(&moto.url());
    let mut want: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let base = now_ms() - 120_000;
    // 12,000 events in three streams: more than one FilterLogEvents page (10,000).
    for s in [
        "2026/11/24/[$LATEST]a",
        "2026/11/24/[$LATEST]b",
        "2026/11/24/[$LATEST]c",
    ] {
        let m = messages(s, 4_000);
        rt.block_on(put(&c, "/aws/lambda/orders", s, base, &m));
        want.insert(s.to_string(), scrubbed(&m));
    }

    let mut d = Scrubd::with_config(|port| cw_config(port, &moto.url(), &moto.url(), ""));
    wait_until(
        Duration::from_secs(120),
        "12,000 events in the target group",
        || total(&rt.block_on(read_group(&c, "/scrubbed/orders"))) >= 12_000,
    );

    // A stream created after start, and more events in an old one.
    let late = messages("late", 50);
    rt.block_on(put(
        &c,
        "/aws/lambda/orders",
        "late-stream",
        now_ms(),
        &late,
    ));
    want.insert("late-stream".into(), scrubbed(&late));
    let more = messages("more", 50);
    rt.block_on(put(
        &c,
        "/aws/lambda/orders",
        "2026/11/24/[$LATEST]a",
        now_ms(),
        &more,
    ));
    want.get_mut("2026/11/24/[$LATEST]a")
        .unwrap()
        .extend(scrubbed(&more));
    wait_until(Duration::from_secs(60), "12,100 events", || {
        total(&rt.block_on(read_group(&c, "/scrubbed/orders"))) >= 12_100
    });

    // An event ingested late: stamped 2 s ago, after scrubd has read past that time (its lag
    // gauge, refreshed every 0.5 s, is under 1 s). The read overlap (3 s here) catches it,
    // once, and counts it. (Events put "now" above may count as late too.)
    wait_until(
        Duration::from_secs(30),
        "scrubd caught up to within 1 s",
        || {
            sample(
                &d.metrics(),
                r#"scrubd_cloudwatch_lag_seconds{source="orders"}"#,
            ) < 1.0
        },
    );
    let late_event = messages("late-ingested", 1);
    rt.block_on(put(
        &c,
        "/aws/lambda/orders",
        "2026/11/24/[$LATEST]c",
        now_ms() - 2_000,
        &late_event,
    ));
    want.get_mut("2026/11/24/[$LATEST]c")
        .unwrap()
        .extend(scrubbed(&late_event));
    wait_until(Duration::from_secs(30), "the late event", || {
        total(&rt.block_on(read_group(&c, "/scrubbed/orders"))) >= 12_101
    });
    wait_until(Duration::from_secs(5), "the late event counted", || {
        sample(
            &d.metrics(),
            r#"scrubd_cloudwatch_late_events_total{source="orders"}"#,
        ) >= 1.0
    });

    let m = d.metrics();
    assert!(
        sample(
            &m,
            r#"scrubd_cloudwatch_requests_total{api="FilterLogEvents",outcome="ok"}"#
        ) >= 2.0,
        "{m}"
    );
    assert!(
        sample(
            &m,
            r#"scrubd_cloudwatch_requests_total{api="PutLogEvents",outcome="ok"}"#
        ) >= 4.0,
        "{m}"
    );
    assert!(
        sample(&m, r#"scrubd_cloudwatch_lag_seconds{source="orders"}"#) < 30.0,
        "{m}"
    );
    assert!(
        sample(&m, r#"scrubd_redactions_total{kind="jwt",source="orders"}"#) >= 3_000.0,
        "{m}"
    );
    super::common::promtool_check_metrics(&m);
    assert!(
        !m.contains(JWT) && !d.stderr().contains("c2lnbmF0dXJl"),
        "no secret in metrics or scrubd's log"
    );

    // Restart mid-stream: events written while scrubd is down arrive once, nothing is re-sent.
    d.stop();
    let during = messages("during", 40);
    rt.block_on(put(
        &c,
        "/aws/lambda/orders",
        "2026/11/24/[$LATEST]b",
        now_ms(),
        &during,
    ));
    want.get_mut("2026/11/24/[$LATEST]b")
        .unwrap()
        .extend(scrubbed(&during));
    d.start();
    wait_until(Duration::from_secs(60), "12,141 events", || {
        total(&rt.block_on(read_group(&c, "/scrubbed/orders"))) >= 12_141
    });
    std::thread::sleep(Duration::from_secs(3)); // room for any duplicate to show up
    assert_streams_equal(&rt.block_on(read_group(&c, "/scrubbed/orders")), &want);
    let m = d.metrics();
    assert_eq!(
        sample(&m, r#"scrubd_lines_total{source="orders"}"#),
        line_count(&during) as f64,
        "after the restart only the new events are read, the overlap is recognised:\n{m}"
    );
    d.stop();
}

/// Shared state of the fault-injecting proxy.
#[derive(Default)]
pub(crate) struct Faults {
    /// Answer this many coming requests with ThrottlingException.
    pub(crate) throttle: u32,
    /// Answer this many coming requests with 503 ServiceUnavailableException.
    pub(crate) unavailable: u32,
    /// Drop connections without answering until then.
    pub(crate) down_until: Option<Instant>,
    /// Hold every answer this long, until the instant given.
    pub(crate) slow: Option<(Duration, Instant)>,
    /// Answer every n-th PutLogEvents with 503 (0: never).
    pub(crate) fail_every_nth_put: usize,
    /// Let this many more PutLogEvents through, then answer every further one with 503.
    pub(crate) put_budget: Option<usize>,
    /// Every PutLogEvents seen: (events, bytes counted as the API does).
    pub(crate) puts: Vec<(usize, usize)>,
    /// PutLogEvents requests that broke an API limit.
    pub(crate) violations: Vec<String>,
}

pub(crate) struct Proxy {
    port: u16,
    pub(crate) faults: Arc<Mutex<Faults>>,
}

impl Proxy {
    pub(crate) fn start(rt: &tokio::runtime::Runtime, upstream: u16) -> Proxy {
        let faults: Arc<Mutex<Faults>> = Arc::default();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let f = Arc::clone(&faults);
        rt.spawn(async move {
            let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
                hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (f, client) = (Arc::clone(&f), client.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        handle(req, upstream, Arc::clone(&f), client.clone())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Proxy { port, faults }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn aws_error(status: u16, code: &str) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amzn-ErrorType", code)
        .body(Full::new(Bytes::from(format!(
            r#"{{"__type":"{code}","message":"injected by the test proxy"}}"#
        ))))
        .unwrap()
}

async fn handle(
    req: Request<Incoming>,
    upstream: u16,
    faults: Arc<Mutex<Faults>>,
    client: hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        Full<Bytes>,
    >,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let slow = faults
        .lock()
        .unwrap()
        .slow
        .filter(|(_, until)| Instant::now() < *until);
    if let Some((delay, _)) = slow {
        tokio::time::sleep(delay).await;
    }
    {
        let mut f = faults.lock().unwrap();
        if f.down_until.is_some_and(|t| Instant::now() < t) {
            return Err(std::io::Error::other("down: dropping the connection"));
        }
        if f.throttle > 0 {
            f.throttle -= 1;
            return Ok(aws_error(400, "ThrottlingException"));
        }
        if f.unavailable > 0 {
            f.unavailable -= 1;
            return Ok(aws_error(503, "ServiceUnavailableException"));
        }
        if target.ends_with(".PutLogEvents") {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let events = v["logEvents"].as_array().unwrap();
            let bytes: usize = events
                .iter()
                .map(|e| e["message"].as_str().unwrap().len() + 26)
                .sum();
            let ts: Vec<i64> = events
                .iter()
                .map(|e| e["timestamp"].as_i64().unwrap())
                .collect();
            f.puts.push((events.len(), bytes));
            if f.fail_every_nth_put > 0 && f.puts.len() % f.fail_every_nth_put == 0 {
                return Ok(aws_error(503, "ServiceUnavailableException"));
            }
            match &mut f.put_budget {
                Some(0) => return Ok(aws_error(503, "ServiceUnavailableException")),
                Some(n) => *n -= 1,
                None => {}
            }
            let mut why = Vec::new();
            if events.is_empty() || events.len() > 10_000 {
                why.push(format!("{} events", events.len()));
            }
            if bytes > 1_048_576 {
                why.push(format!("{bytes} bytes"));
            }
            if events
                .iter()
                .any(|e| e["message"].as_str().unwrap().len() + 26 > 262_144)
            {
                why.push("an event over 256 KiB".into());
            }
            if events
                .iter()
                .any(|e| e["message"].as_str().unwrap().is_empty())
            {
                why.push("an empty message".into());
            }
            if ts.windows(2).any(|w| w[1] < w[0])
                || ts.last().unwrap_or(&0) - ts.first().unwrap_or(&0) >= 24 * 3600 * 1000
            {
                why.push("timestamps out of order or spanning 24 h".into());
            }
            if !why.is_empty() {
                f.violations.push(why.join(", "));
                return Ok(aws_error(400, "InvalidParameterException"));
            }
        }
    }
    let mut up = Request::builder()
        .method(parts.method)
        .uri(format!("http://127.0.0.1:{upstream}{}", parts.uri.path()));
    for (k, v) in &parts.headers {
        if k != "host" {
            up = up.header(k, v);
        }
    }
    let resp = client
        .request(up.body(Full::new(body)).unwrap())
        .await
        .map_err(std::io::Error::other)?;
    let (p, b) = resp.into_parts();
    let b = b.collect().await.map_err(std::io::Error::other)?.to_bytes();
    Ok(Response::from_parts(p, Full::new(b)))
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs moto: scripts/test.sh runs it"
)]
fn cloudwatch_throttling_5xx_slowness_and_an_outage_slow_scrubd_down_without_loss() {
    let moto = Moto::start();
    let rt = rt();
    let proxy = Proxy::start(&rt, moto.port);
    let c = client(&moto.url());
    let mut want = BTreeMap::new();
    for s in ["a", "b"] {
        let m = messages(s, 1_000);
        rt.block_on(put(&c, "/aws/lambda/orders", s, now_ms() - 60_000, &m));
        want.insert(s.to_string(), scrubbed(&m));
    }
    {
        let mut f = proxy.faults.lock().unwrap();
        f.throttle = 4;
        f.unavailable = 2;
    }
    let d = Scrubd::with_config(|port| cw_config(port, &proxy.url(), &proxy.url(), ""));
    wait_until(Duration::from_secs(90), "2,000 events", || {
        total(&rt.block_on(read_group(&c, "/scrubbed/orders"))) >= 2_000
    });

    // The API slow (every answer 1.5 s late) for 5 s, then gone while new events arrive: 4 s
    // here, longer with SCRUBD_CW_OUTAGE_SECS (e.g. 60 for the scenario of a minute).
    let outage: u64 = std::env::var("SCRUBD_CW_OUTAGE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    proxy.faults.lock().unwrap().slow = Some((
        Duration::from_millis(1_500),
        Instant::now() + Duration::from_secs(5),
    ));
    let m = messages("slow", 100);
    rt.block_on(put(&c, "/aws/lambda/orders", "b", now_ms(), &m));
    want.get_mut("b").unwrap().extend(scrubbed(&m));
    std::thread::sleep(Duration::from_secs(5));
    proxy.faults.lock().unwrap().down_until = Some(Instant::now() + Duration::from_secs(outage));
    let m = messages("outage", 300);
    rt.block_on(put(&c, "/aws/lambda/orders", "a", now_ms(), &m));
    want.get_mut("a").unwrap().extend(scrubbed(&m));
    wait_until(Duration::from_secs(90 + outage), "2,400 events", || {
        total(&rt.block_on(read_group(&c, "/scrubbed/orders"))) >= 2_400
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_streams_equal(&rt.block_on(read_group(&c, "/scrubbed/orders")), &want);

    let metrics = d.metrics();
    let req = |api: &str, outcome: &str| {
        sample(
            &metrics,
            &format!(r#"scrubd_cloudwatch_requests_total{{api="{api}",outcome="{outcome}"}}"#),
        )
    };
    let throttled = req("FilterLogEvents", "throttled") + req("PutLogEvents", "throttled");
    let unavailable = req("FilterLogEvents", "server_error") + req("PutLogEvents", "server_error");
    let network = req("FilterLogEvents", "network") + req("PutLogEvents", "network");
    assert_eq!(
        throttled, 4.0,
        "every injected throttle is counted:\n{metrics}"
    );
    assert_eq!(
        unavailable, 2.0,
        "every injected 503 is counted:\n{metrics}"
    );
    assert!(
        network >= 1.0,
        "the outage shows as network errors:\n{metrics}"
    );
    assert!(proxy.faults.lock().unwrap().violations.is_empty());
    let log = d.stderr();
    assert!(
        log.contains("FilterLogEvents: ThrottlingException (HTTP 400)"),
        "failures are logged by code:\n{log}"
    );
    assert!(
        !log.contains("c2lnbmF0dXJl") && !metrics.contains("c2lnbmF0dXJl"),
        "no secret in scrubd's log or metrics"
    );
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs moto: scripts/test.sh runs it"
)]
fn cloudwatch_sink_survives_the_server_being_killed_and_restarted() {
    let mut moto = Moto::start();
    let rt = rt();
    let c = client(&moto.url());
    let url = moto.url();
    let mut d = Scrubd::with_config(|port| file_to_cloudwatch(port, &url));
    let log = d.path("logs/app.log");
    let line = |i: usize| format!("line {i} Authorization: Bearer {JWT}\n");
    append(&log, &(0..500).map(line).collect::<String>());
    wait_until(Duration::from_secs(60), "500 lines", || {
        total(&rt.block_on(read_group(&c, "/scrubbed/files"))) >= 500
    });
    std::thread::sleep(Duration::from_millis(2_500)); // checkpointed

    moto.kill();
    append(&log, &(500..800).map(line).collect::<String>());
    std::thread::sleep(Duration::from_secs(3)); // sends fail meanwhile
    moto.spawn(); // same port, empty: scrubd must re-create group and stream
    wait_until(
        Duration::from_secs(60),
        "300 lines in the new server",
        || total(&rt.block_on(read_group(&c, "/scrubbed/files"))) >= 300,
    );
    std::thread::sleep(Duration::from_secs(2));
    let got = rt.block_on(read_group(&c, "/scrubbed/files"));
    let want: Vec<String> = (500..800)
        .map(|i| format!("line {i} Authorization: Bearer [REDACTED:jwt]"))
        .collect();
    assert_eq!(got.keys().collect::<Vec<_>>(), vec!["app.log"]);
    assert_eq!(
        got["app.log"], want,
        "the lines written while the server was down, once each, in order"
    );
    let m = d.metrics();
    assert!(
        sample(&m, r#"scrubd_sink_errors_total{sink="cw"}"#) >= 1.0,
        "{m}"
    );
    assert!(
        sample(
            &m,
            r#"scrubd_cloudwatch_requests_total{api="CreateLogStream",outcome="ok"}"#
        ) >= 2.0,
        "{m}"
    );
    d.stop();
}

fn file_to_cloudwatch(port: u16, url: &str) -> String {
    format!(
        r#"
[state]
dir = "state"

[metrics]
listen = "127.0.0.1:{port}"

[[sources]]
name = "app"
type = "file"
include = ["logs/*.log"]
start_at = "beginning"
sink = "cw"
rescan_interval = "200ms"

[[sinks]]
name = "cw"
type = "cloudwatch"
log_group = "/scrubbed/files"
create = true
endpoint_url = "{url}"
"#
    )
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs moto: scripts/test.sh runs it"
)]
fn cloudwatch_batches_respect_the_api_limits_after_redaction() {
    let moto = Moto::start();
    let rt = rt();
    let proxy = Proxy::start(&rt, moto.port);
    let c = client(&moto.url());
    let url = proxy.url();
    // Every third call fails: later batches of a flush are retried, accepted ones never again.
    proxy.faults.lock().unwrap().fail_every_nth_put = 3;
    let d = Scrubd::with_config(|port| file_to_cloudwatch(port, &url));
    // 25,000 short lines (> 10,000 events per call), eight 200 KB lines (> 1 MiB per call),
    // a 600 KB line (over the event limit), a line just under the limit that redaction makes
    // longer than it, and an empty line (CloudWatch refuses empty messages).
    let mut text: String = (0..25_000)
        .map(|i| format!("short {i} token={JWT}\n"))
        .collect();
    for i in 0..8 {
        text.push_str(&format!("{i}{}\n", "b".repeat(200_000)));
    }
    text.push_str(&format!("{}\n", "c".repeat(600_000)));
    let grows = "x password=hunter2xyzQ "; // the placeholder is 8 bytes longer than the secret
    text.push_str(&format!("{grows}{}\n", "d".repeat(262_118 - grows.len())));
    text.push('\n');
    text.push_str("last\n");
    append(&d.path("logs/app.log"), &text);
    let want_text = filtered(&text);
    let want_lines: Vec<&str> = want_text.lines().filter(|l| !l.is_empty()).collect();
    let want_bytes: usize = want_lines.iter().map(|l| l.len()).sum();
    wait_until(Duration::from_secs(120), "every byte in CloudWatch", || {
        rt.block_on(read_group(&c, "/scrubbed/files"))
            .values()
            .flatten()
            .map(String::len)
            .sum::<usize>()
            >= want_bytes
    });
    std::thread::sleep(Duration::from_secs(2));
    let got = rt.block_on(read_group(&c, "/scrubbed/files"));
    let events = &got["app.log"];
    assert_eq!(
        events.concat(),
        want_lines.concat(),
        "content, in order, split parts adjacent"
    );
    let m = d.metrics();
    let splits = sample(&m, r#"scrubd_cloudwatch_events_split_total{sink="cw"}"#);
    assert!(
        splits >= 3.0,
        "the 600 KB line makes 3 events, the grown one 2: {m}"
    );
    assert_eq!(
        events.len() as f64,
        want_lines.len() as f64 + splits,
        "one event per line plus one per split"
    );
    assert_eq!(
        sample(
            &m,
            r#"scrubd_dropped_lines_total{reason="empty_line",source="app"}"#
        ),
        1.0
    );
    let f = proxy.faults.lock().unwrap();
    assert!(
        f.violations.is_empty(),
        "requests over the limits: {:?}",
        f.violations
    );
    assert!(
        f.puts.iter().any(|&(n, _)| n == 10_000),
        "a full 10,000-event batch: {:?}",
        f.puts
    );
    assert!(
        f.puts.iter().any(|&(_, b)| b > 900_000),
        "a batch near 1 MiB: {:?}",
        f.puts
    );
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs moto: scripts/test.sh runs it"
)]
fn cloudwatch_groups_under_a_prefix_into_a_file_sink_including_a_group_created_later() {
    let moto = Moto::start();
    let rt = rt();
    let c = client(&moto.url());
    let url = moto.url();
    let api = messages("api", 30);
    let worker = messages("worker", 30);
    rt.block_on(put(&c, "/aws/ecs/api", "web/1", now_ms() - 5_000, &api));
    rt.block_on(put(
        &c,
        "/aws/ecs/worker",
        "web/1",
        now_ms() - 5_000,
        &worker,
    ));
    rt.block_on(put(
        &c,
        "/other/group",
        "web/1",
        now_ms() - 5_000,
        &messages("other", 5),
    ));
    let d = Scrubd::with_config(|port| {
        format!(
            r#"
[state]
dir = "state"

[metrics]
listen = "127.0.0.1:{port}"

[[sources]]
name = "ecs"
type = "cloudwatch"
log_group_prefix = "/aws/ecs/"
start_at = "beginning"
poll_interval = "200ms"
group_rescan = "1s"
endpoint_url = "{url}"
sink = "files"

[[sinks]]
name = "files"
type = "file"
dir = "out"
"#
        )
    });
    // Created after the first listing: found by a later one (group_rescan), read from its start.
    wait_until(Duration::from_secs(30), "the first groups read", || {
        d.path("out/ecs/_aws_ecs_api_web_1").exists()
    });
    let late = messages("late", 10);
    rt.block_on(put(&c, "/aws/ecs/late", "web/1", now_ms() - 1_000, &late));
    // One file per group and stream (the group's name is part of the stream name).
    let file = |name: &str| d.path(&format!("out/ecs/{name}"));
    let expect = |msgs: &[String]| -> String {
        scrubbed(msgs)
            .iter()
            .map(|m| format!("{}\n", m.strip_suffix('\n').unwrap_or(m)))
            .collect()
    };
    let want = [
        ("_aws_ecs_api_web_1", expect(&api)),
        ("_aws_ecs_worker_web_1", expect(&worker)),
        ("_aws_ecs_late_web_1", expect(&late)),
    ];
    wait_until(Duration::from_secs(60), "three groups in files", || {
        want.iter()
            .all(|(n, w)| std::fs::read_to_string(file(n)).is_ok_and(|t| t.len() >= w.len()))
    });
    std::thread::sleep(Duration::from_secs(1));
    for (n, w) in &want {
        assert_eq!(&std::fs::read_to_string(file(n)).unwrap(), w, "{n}");
    }
    let names: Vec<String> = std::fs::read_dir(d.path("out/ecs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        3,
        "the group outside the prefix is not read: {names:?}"
    );
}
