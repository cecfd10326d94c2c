//! `scrubd lambda` as AWS runs it: the real binary polls a Lambda Runtime API served by this
//! test on 127.0.0.1 ([`RuntimeApi`], following AWS's documented interface:
//! `GET /2018-06-01/runtime/invocation/next` with the `Lambda-Runtime-Aws-Request-Id` and
//! `Lambda-Runtime-Deadline-Ms` headers, `POST …/{id}/response`, `POST …/{id}/error`,
//! `POST /2018-06-01/runtime/init/error`), and writes subscription events into moto's
//! CloudWatch Logs (started as in `cloudwatch.rs`, optionally behind its fault proxy).
//!
//! Each test checks the two promises: every secret is gone from the output, and every other
//! byte of every message is kept (the oracle is `scrubd filter` on the same messages).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

use super::cloudwatch::{client, messages, read_group, rt, scrubbed, Moto, Proxy};

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// How the runtime answered one invocation.
#[derive(Debug, Clone)]
enum Answer {
    Response(String),
    /// (Lambda-Runtime-Function-Error-Type header, body)
    Error(String, String),
}

#[derive(Default)]
struct ApiState {
    /// Invocations not yet handed out: (request id, deadline ms, event).
    queue: VecDeque<(String, u64, String)>,
    answers: HashMap<String, Answer>,
    init_error: Option<(String, String)>,
    /// `GET …/next` calls received.
    polls: usize,
    next_id: usize,
}

/// The Lambda Runtime API, as much of it as a custom runtime uses.
struct RuntimeApi {
    port: u16,
    state: Arc<Mutex<ApiState>>,
}

impl RuntimeApi {
    fn start(rt: &tokio::runtime::Runtime) -> RuntimeApi {
        let state: Arc<Mutex<ApiState>> = Arc::default();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let st = Arc::clone(&state);
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let st = Arc::clone(&st);
                tokio::spawn(async move {
                    let svc =
                        hyper::service::service_fn(move |req| api_handle(req, Arc::clone(&st)));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        RuntimeApi { port, state }
    }

    /// Queue an invocation of `event` with `timeout` to run; returns its request id.
    fn push(&self, event: &str, timeout: Duration) -> String {
        let mut s = self.state.lock().unwrap();
        s.next_id += 1;
        let id = format!("8476a536-e9f4-11e8-9739-{:012}", s.next_id);
        let deadline = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64
            + timeout.as_millis() as u64;
        s.queue.push_back((id.clone(), deadline, event.to_string()));
        id
    }

    fn wait(&self, id: &str) -> Answer {
        let start = Instant::now();
        loop {
            if let Some(a) = self.state.lock().unwrap().answers.get(id) {
                return a.clone();
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no answer to invocation {id}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Invoke with a 30 s timeout and wait for the answer.
    fn invoke(&self, event: &str) -> Answer {
        let id = self.push(event, Duration::from_secs(30));
        self.wait(&id)
    }
}

async fn api_handle(
    req: Request<Incoming>,
    st: Arc<Mutex<ApiState>>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let body = String::from_utf8(
        body.collect()
            .await
            .map_err(std::io::Error::other)?
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let path = parts.uri.path().to_string();
    let accepted = || {
        Response::builder()
            .status(202)
            .body(Full::new(Bytes::from_static(br#"{"status":"OK"}"#)))
            .unwrap()
    };
    if parts.method == hyper::Method::GET && path == "/2018-06-01/runtime/invocation/next" {
        st.lock().unwrap().polls += 1;
        loop {
            let next = st.lock().unwrap().queue.pop_front();
            if let Some((id, deadline, event)) = next {
                return Ok(Response::builder()
                    .status(200)
                    .header("Lambda-Runtime-Aws-Request-Id", id)
                    .header("Lambda-Runtime-Deadline-Ms", deadline.to_string())
                    .header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:scrubd")
                    .header("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1")
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from(event)))
                    .unwrap());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    if parts.method == hyper::Method::POST && path == "/2018-06-01/runtime/init/error" {
        let kind = header(&parts.headers, "Lambda-Runtime-Function-Error-Type");
        st.lock().unwrap().init_error = Some((kind, body));
        return Ok(accepted());
    }
    if let Some(rest) = path.strip_prefix("/2018-06-01/runtime/invocation/") {
        if parts.method == hyper::Method::POST {
            if let Some(id) = rest.strip_suffix("/response") {
                st.lock()
                    .unwrap()
                    .answers
                    .insert(id.to_string(), Answer::Response(body));
                return Ok(accepted());
            }
            if let Some(id) = rest.strip_suffix("/error") {
                let kind = header(&parts.headers, "Lambda-Runtime-Function-Error-Type");
                st.lock()
                    .unwrap()
                    .answers
                    .insert(id.to_string(), Answer::Error(kind, body));
                return Ok(accepted());
            }
        }
    }
    Ok(Response::builder()
        .status(404)
        .body(Full::new(Bytes::new()))
        .unwrap())
}

fn header(h: &hyper::HeaderMap, name: &str) -> String {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// A `scrubd lambda` process polling `api`, with stdout (EMF) and stderr kept in files.
struct Function {
    child: Child,
    dir: tempfile::TempDir,
}

impl Function {
    fn start(api: &RuntimeApi, endpoint: Option<&str>, settings: &[(&str, &str)]) -> Function {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("scrubd"));
        cmd.arg("lambda")
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{}", api.port))
            .env("AWS_LAMBDA_FUNCTION_NAME", "scrubd")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/scrubd")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.path().join("stdout")).unwrap())
            .stderr(std::fs::File::create(dir.path().join("stderr")).unwrap());
        if let Some(url) = endpoint {
            cmd.env("AWS_ENDPOINT_URL", url);
        }
        for (k, v) in settings {
            cmd.env(k, v);
        }
        Function {
            child: cmd.spawn().unwrap(),
            dir,
        }
    }

    fn file(&self, name: &str) -> String {
        let mut s = String::new();
        std::fs::File::open(self.dir.path().join(name))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Every EMF document written so far.
    fn emf(&self) -> Vec<serde_json::Value> {
        self.file("stdout")
            .lines()
            .map(|l| serde_json::from_str(l).expect("stdout holds only EMF JSON lines"))
            .collect()
    }

    /// The sum of metric `name` over the EMF documents whose dimensions are exactly `dims`.
    fn metric(&self, name: &str, dims: &[(&str, &str)]) -> u64 {
        self.emf()
            .iter()
            .filter(|d| {
                let names = &d["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0];
                names.as_array().unwrap().len() == dims.len() + 1
                    && dims.iter().all(|(k, v)| d[*k] == *v)
            })
            .filter_map(|d| d[name].as_u64())
            .sum()
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CloudWatch Logs subscription event (`{"awslogs": {"data": …}}`) for `messages`, stamped
/// `ts0`, `ts0 + 1`, ….
fn subscription_event(
    group: &str,
    stream: &str,
    kind: &str,
    ts0: i64,
    messages: &[String],
) -> String {
    serde_json::json!({"awslogs": {"data": B64.encode(gzip(subscription_payload(group, stream, kind, ts0, messages).as_bytes()))}}).to_string()
}

fn subscription_payload(
    group: &str,
    stream: &str,
    kind: &str,
    ts0: i64,
    messages: &[String],
) -> String {
    let events: Vec<serde_json::Value> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| serde_json::json!({"id": format!("{:056}", ts0 as usize + i), "timestamp": ts0 + i as i64, "message": m}))
        .collect();
    serde_json::json!({"messageType": kind, "owner": "123456789012", "logGroup": group, "logStream": stream,
        "subscriptionFilters": ["scrubd"], "logEvents": events})
    .to_string()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn assert_no_secret(text: &str) {
    assert!(
        !text.contains(JWT) && !text.contains("c2lnbmF0dXJl") && !text.contains("hunter2hunter2"),
        "secret left in {text:?}"
    );
}

/// AWS's sample subscription event (aws_lambda_events' fixture example-cloudwatch_logs-event.json,
/// also in the Lambda developer guide): two events of `testLogGroup`/`testLogStream`.
const AWS_SAMPLE_SUBSCRIPTION: &str = r#"{"awslogs":{"data":"H4sIAAAAAAAAAHWPwQqCQBCGX0Xm7EFtK+smZBEUgXoLCdMhFtKV3akI8d0bLYmibvPPN3wz00CJxmQnTO41whwWQRIctmEcB6sQbFC3CjW3XW8kxpOpP+OC22d1Wml1qZkQGtoMsScxaczKN3plG8zlaHIta5KqWsozoTYw3/djzwhpLwivWFGHGpAFe7DL68JlBUk+l7KSN7tCOEJ4M3/qOI49vMHj+zCKdlFqLaU2ZHV2a4Ct/an0/ivdX8oYc1UVX860fQDQiMdxRQEAAA=="}}"#;

/// AWS's sample Firehose transformation event (aws_lambda_events' fixture
/// example-firehose-event.json): two text records "Hello World".
const AWS_SAMPLE_FIREHOSE: &str = r#"{"invocationId":"invoked123","deliveryStreamArn":"aws:lambda:events","sourceKinesisStreamArn":"arn:aws:kinesis:us-east-1:123456789012:stream/test","region":"us-west-2","records":[{"data":"SGVsbG8gV29ybGQ=","recordId":"record1","approximateArrivalTimestamp":1507217624302,"kinesisRecordMetadata":{"shardId":"shardId-000000000000","partitionKey":"4d1ad2b9-24f8-4b9d-a088-76e9947c317a","approximateArrivalTimestamp":1507217624302,"sequenceNumber":"49546986683135544286507457936321625675700192471156785154","subsequenceNumber":123456}},{"data":"SGVsbG8gV29ybGQ=","recordId":"record2","approximateArrivalTimestamp":1507217624302,"kinesisRecordMetadata":{"shardId":"shardId-000000000001","partitionKey":"4d1ad2b9-24f8-4b9d-a088-76e9947c318a","approximateArrivalTimestamp":1507217624302,"sequenceNumber":"49546986683135544286507457936321625675700192471156785155","subsequenceNumber":123457}}]}"#;

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs moto: scripts/test.sh runs it"
)]
fn lambda_subscription_events_reach_the_destination_scrubbed_and_byte_exact() {
    let moto = Moto::start();
    let rt = rt();
    let c = client(&moto.url());
    rt.block_on(c.create_log_group().log_group_name("/scrubbed").send())
        .unwrap();
    let api = RuntimeApi::start(&rt);
    let f = Function::start(
        &api,
        Some(&moto.url()),
        &[
            ("SCRUBD_DESTINATION_LOG_GROUP", "/scrubbed"),
            ("SCRUBD_MAX_LINE_BYTES", "100000"),
        ],
    );

    // AWS's own sample event: its events are from 2015, older than CloudWatch accepts, so
    // PutLogEvents refuses them (counted, not retried: retrying cannot make them younger).
    let a = api.invoke(AWS_SAMPLE_SUBSCRIPTION);
    assert!(
        matches!(&a, Answer::Response(r) if r.contains(r#""events":2,"accepted":0,"rejected":2"#)),
        "{a:?}"
    );

    // Generated leaky events from two streams of one group, in several invocations, plus an
    // event longer than one CloudWatch event may be and a line over SCRUBD_MAX_LINE_BYTES.
    let ts0 = now_ms() - 60_000;
    let mut want: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, stream) in ["2026/11/24/[$LATEST]aaaa", "2026/11/24/[$LATEST]bbbb"]
        .iter()
        .enumerate()
    {
        for part in 0..3 {
            let mut msgs = messages(&format!("s{k}p{part}"), 40);
            if part == 1 {
                // Longer than one CloudWatch event (256 KiB): split at line ends on the way out.
                let long_line = "x".repeat(90_000);
                msgs.push(format!(
                    "{long_line}\n{long_line} password=hunter2hunter2\n{long_line}\n"
                ));
                // A line over SCRUBD_MAX_LINE_BYTES: replaced whole.
                msgs.push(format!(
                    "{}\nafter the long line token={JWT}",
                    "y".repeat(150_000)
                ));
            }
            let ts = ts0 + (part * 1000) as i64;
            let ev = subscription_event("/aws/lambda/orders", stream, "DATA_MESSAGE", ts, &msgs);
            let a = api.invoke(&ev);
            assert!(
                matches!(&a, Answer::Response(r) if r.contains(r#""rejected":0"#)),
                "{a:?}"
            );
            let mut expect = scrubbed(&msgs);
            for m in &mut expect {
                *m = m.replacen(
                    &"y".repeat(150_000),
                    "[REDACTED:line-too-long:bytes=150000]",
                    1,
                );
            }
            want.entry(format!("/aws/lambda/orders/{}", stream))
                .or_default()
                .extend(expect);
        }
    }
    // A control message is acknowledged and ignored.
    let ctl = subscription_event(
        "/aws/lambda/orders",
        "x",
        "CONTROL_MESSAGE",
        ts0,
        &["CWL CONTROL MESSAGE: Checking health of destination Lambda.".into()],
    );
    assert!(matches!(api.invoke(&ctl), Answer::Response(_)));
    // Events of the destination group itself are never read back.
    let own = subscription_event("/scrubbed", "loop", "DATA_MESSAGE", ts0, &["x".into()]);
    assert!(matches!(api.invoke(&own), Answer::Response(_)));

    let got = rt.block_on(read_group(&c, "/scrubbed"));
    assert_eq!(
        f.metric("EventsRejected", &[]),
        2,
        "AWS's sample events, too old"
    );
    for (stream, w) in &want {
        let g = &got[&stream.replace(':', "_")];
        // Messages longer than one event were split at line ends: join them back.
        let joined = g.concat();
        assert_eq!(
            joined,
            w.concat(),
            "stream {stream}: every byte outside secrets kept"
        );
        assert_no_secret(&joined);
    }
    assert_eq!(
        got.len(),
        2,
        "streams: {:?}",
        got.keys().collect::<Vec<_>>()
    );
    assert!(f.metric("EventsDelivered", &[]) >= 240);
    assert!(f.metric("Redactions", &[("Kind", "jwt")]) > 0);
    assert_eq!(f.metric("EventsSkipped", &[("Reason", "own_output")]), 1);
    assert!(f.metric("OversizeLines", &[]) >= 2);
    assert!(f.metric("Jwts", &[("Alg", "HS256")]) > 0);
    assert!(f.metric("EventsSplit", &[]) >= 2);
    assert_no_secret(&f.file("stdout"));
    assert_no_secret(&f.file("stderr"));
}

/// A Firehose transformation event of `records` (id, raw data).
fn firehose_event(records: &[(String, Vec<u8>)]) -> String {
    let recs: Vec<serde_json::Value> = records
        .iter()
        .map(|(id, d)| serde_json::json!({"recordId": id, "approximateArrivalTimestamp": 1507217624302u64, "data": B64.encode(d)}))
        .collect();
    serde_json::json!({"invocationId": "inv-1", "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/logs",
        "region": "us-east-1", "records": recs})
    .to_string()
}

/// (recordId, result, decoded data) of each answered record.
fn firehose_answer(a: &Answer) -> Vec<(String, String, Vec<u8>)> {
    let Answer::Response(body) = a else {
        panic!("invocation failed: {a:?}")
    };
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let data = r["data"]
                .as_str()
                .map(|d| B64.decode(d).unwrap())
                .unwrap_or_default();
            (
                r["recordId"].as_str().unwrap().to_string(),
                r["result"].as_str().unwrap().to_string(),
                data,
            )
        })
        .collect()
}

#[test]
fn lambda_firehose_records_of_every_kind_are_answered_in_order() {
    let rt = rt();
    let api = RuntimeApi::start(&rt);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fp.key"),
        "0123456789abcdef0123456789abcdef\n",
    )
    .unwrap();
    let lines = Function::start(&api, None, &[]);

    // AWS's sample event: text records pass through unchanged.
    let got = firehose_answer(&api.invoke(AWS_SAMPLE_FIREHOSE));
    assert_eq!(
        got,
        vec![
            ("record1".into(), "Ok".into(), b"Hello World".to_vec()),
            ("record2".into(), "Ok".into(), b"Hello World".to_vec())
        ]
    );

    let ts0 = now_ms();
    let cw_msgs = messages("fh", 20);
    let text = format!("plain line\r\nAuthorization: Bearer {JWT}\r\nlast line, no newline password=hunter2hunter2");
    let records = vec![
        (
            "r0".to_string(),
            gzip(subscription_payload("/app", "s1", "DATA_MESSAGE", ts0, &cw_msgs).as_bytes()),
        ),
        (
            "r1".to_string(),
            gzip(
                subscription_payload(
                    "/app",
                    "s1",
                    "CONTROL_MESSAGE",
                    ts0,
                    &["CWL CONTROL MESSAGE".into()],
                )
                .as_bytes(),
            ),
        ),
        ("r2".to_string(), text.clone().into_bytes()),
        (
            "r3".to_string(),
            b"\x1f\x8b\x08\x00 not really gzip".to_vec(),
        ),
        (
            "r4".to_string(),
            gzip(b"{\"not\": \"a subscription payload\"}"),
        ),
        ("r5".to_string(), Vec::new()),
    ];
    let event = firehose_event(&records);
    let got = firehose_answer(&api.invoke(&event));
    let ids: Vec<&str> = got.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        ids,
        ["r0", "r1", "r2", "r3", "r4", "r5"],
        "same ids, same order"
    );
    let results: Vec<&str> = got.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        results,
        [
            "Ok",
            "Dropped",
            "Ok",
            "ProcessingFailed",
            "ProcessingFailed",
            "Ok"
        ]
    );
    let want_lines: String = scrubbed(&cw_msgs)
        .iter()
        .map(|m| {
            if m.ends_with('\n') {
                m.clone()
            } else {
                format!("{m}\n")
            }
        })
        .collect();
    assert_eq!(
        String::from_utf8(got[0].2.clone()).unwrap(),
        want_lines,
        "sanitized messages, each ending in a newline"
    );
    let want_text = scrubbed(std::slice::from_ref(&text)).concat();
    assert!(want_text.contains("\r\n"));
    assert_eq!(
        String::from_utf8(got[2].2.clone()).unwrap(),
        want_text,
        "text scrubbed line by line, CRLF kept"
    );
    assert_no_secret(&String::from_utf8_lossy(&got[0].2));
    assert_no_secret(&String::from_utf8_lossy(&got[2].2));

    // An event of neither shape fails that invocation only; the next one is served.
    match api.invoke(r#"{"hello": "Bearer sk_live_notquoted"}"#) {
        Answer::Error(kind, body) => {
            assert!(
                body.contains("neither a CloudWatch Logs subscription event"),
                "{kind} {body}"
            );
            assert!(!body.contains("sk_live"), "{body}");
        }
        a => panic!("{a:?}"),
    }
    assert!(matches!(
        api.invoke(AWS_SAMPLE_FIREHOSE),
        Answer::Response(_)
    ));
    assert_eq!(lines.metric("RecordsFailed", &[("Reason", "gzip")]), 1);
    assert_eq!(
        lines.metric("RecordsFailed", &[("Reason", "not_cloudwatch")]),
        1
    );
    assert_eq!(lines.metric("RecordsDropped", &[]), 1);
    assert_no_secret(&lines.file("stdout"));
    assert_no_secret(&lines.file("stderr"));
    drop(lines);

    // SCRUBD_FIREHOSE_OUTPUT=cloudwatch keeps the envelope, gzipped; hash mode from a key file.
    let api = RuntimeApi::start(&rt);
    let key = dir.path().join("fp.key");
    let _envelope = Function::start(
        &api,
        None,
        &[
            ("SCRUBD_FIREHOSE_OUTPUT", "cloudwatch"),
            ("SCRUBD_MODE", "hash"),
            ("SCRUBD_FINGERPRINT_KEY_FILE", key.to_str().unwrap()),
        ],
    );
    let got = firehose_answer(&api.invoke(&event));
    let results: Vec<&str> = got.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        results,
        [
            "Ok",
            "Dropped",
            "Ok",
            "ProcessingFailed",
            "ProcessingFailed",
            "Ok"
        ]
    );
    let env: serde_json::Value = serde_json::from_slice(&gunzip(&got[0].2)).unwrap();
    let orig: serde_json::Value = serde_json::from_str(&subscription_payload(
        "/app",
        "s1",
        "DATA_MESSAGE",
        ts0,
        &cw_msgs,
    ))
    .unwrap();
    for k in [
        "messageType",
        "owner",
        "logGroup",
        "logStream",
        "subscriptionFilters",
    ] {
        assert_eq!(env[k], orig[k], "{k} kept");
    }
    let msgs: Vec<String> = env["logEvents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect();
    let ids_kept = env["logEvents"]
        .as_array()
        .unwrap()
        .iter()
        .zip(orig["logEvents"].as_array().unwrap())
        .all(|(a, b)| a["id"] == b["id"] && a["timestamp"] == b["timestamp"]);
    assert!(ids_kept, "event ids and timestamps kept");
    let masked: Vec<String> = msgs.iter().map(|m| strip_fingerprints(m)).collect();
    assert_eq!(
        masked,
        scrubbed(&cw_msgs),
        "hash placeholders are mask placeholders plus a fingerprint"
    );
    assert!(
        msgs.iter().any(|m| m.contains("[REDACTED:jwt:")),
        "hash mode: {msgs:?}"
    );
    assert_no_secret(&msgs.concat());
}

/// `[REDACTED:kind:0123456789ab]` → `[REDACTED:kind]`.
fn strip_fingerprints(s: &str) -> String {
    let re = regex::Regex::new(r"\[REDACTED:([a-z0-9_-]+):[0-9a-f]{12}\]").unwrap();
    re.replace_all(s, "[REDACTED:$1]").into_owned()
}

#[test]
fn lambda_firehose_response_stays_within_6_mb() {
    let rt = rt();
    let api = RuntimeApi::start(&rt);
    let f = Function::start(&api, None, &[]);
    // Subscription payloads that compress ~10:1: 2.2 MB of messages from ~200 KB of gzip each.
    let msgs: Vec<String> = (0..22_000)
        .map(|i| format!("{i:08} GET /orders/{} 200 token={JWT}", "a".repeat(20)))
        .collect();
    let scrubbed_len: usize = scrubbed(&msgs).iter().map(|m| m.len() + 1).sum();
    let record =
        gzip(subscription_payload("/big", "s", "DATA_MESSAGE", now_ms(), &msgs).as_bytes());
    assert!(record.len() < 400_000, "{}", record.len());
    // How many such records fit in 6 MiB once base64-encoded.
    let per = scrubbed_len.div_ceil(3) * 4 + 60;
    let fit = (6 << 20) / per;
    assert!(fit >= 2);
    let records: Vec<(String, Vec<u8>)> = (0..fit + 2)
        .map(|i| (format!("rec-{i}"), record.clone()))
        .collect();
    let id = api.push(&firehose_event(&records), Duration::from_secs(60));
    let a = api.wait(&id);
    let Answer::Response(body) = &a else {
        panic!("{a:?}")
    };
    assert!(body.len() <= 6 << 20, "response of {} bytes", body.len());
    assert!(
        body.len() > (6 << 20) - per - 1000,
        "the response is filled close to the limit: {}",
        body.len()
    );
    let got = firehose_answer(&a);
    assert_eq!(got.len(), fit + 2);
    for (i, (rid, result, data)) in got.iter().enumerate() {
        assert_eq!(rid, &format!("rec-{i}"));
        if i < fit {
            assert_eq!(result, "Ok");
            assert_eq!(data.len(), scrubbed_len);
            assert_no_secret(&String::from_utf8_lossy(data));
        } else {
            assert_eq!(
                result, "ProcessingFailed",
                "record {i} does not fit: it goes to the error output"
            );
        }
    }
    assert_eq!(
        f.metric("RecordsFailed", &[("Reason", "response_limit")]),
        2
    );
    // The same records one at a time all fit.
    let one = firehose_answer(&api.invoke(&firehose_event(&records[..1])));
    assert_eq!(one[0].1, "Ok");
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs moto: scripts/test.sh runs it"
)]
fn lambda_destination_failures_fail_the_invocation_and_the_retry_sends_only_the_rest() {
    let moto = Moto::start();
    let rt = rt();
    let proxy = Proxy::start(&rt, moto.port);
    let c = client(&moto.url());
    rt.block_on(c.create_log_group().log_group_name("/scrubbed").send())
        .unwrap();
    let api = RuntimeApi::start(&rt);
    let f = Function::start(
        &api,
        Some(&proxy.url()),
        &[("SCRUBD_DESTINATION_LOG_GROUP", "/scrubbed")],
    );
    let ts0 = now_ms() - 10_000;

    // Throttling and 5xx for a moment: retried within the invocation.
    proxy.faults.lock().unwrap().throttle = 2;
    proxy.faults.lock().unwrap().unavailable = 1;
    let m1 = messages("t", 50);
    assert!(matches!(
        api.invoke(&subscription_event("/app", "a", "DATA_MESSAGE", ts0, &m1)),
        Answer::Response(_)
    ));

    // Three batches (each message ~120 KB, 8 per MiB); the second PutLogEvents and all after it
    // fail until the deadline: the invocation fails, saying how far it got.
    let big: Vec<String> = (0..20)
        .map(|i| format!("{i} {} token={JWT}\n", "z".repeat(120_000)))
        .collect();
    let ev = subscription_event("/app", "b", "DATA_MESSAGE", ts0, &big);
    let failing = Arc::clone(&proxy.faults);
    // The stream is new: PutLogEvents (not found), CreateLogStream, PutLogEvents (the first
    // batch) go through; every PutLogEvents after those fails until the deadline.
    failing.lock().unwrap().put_budget = Some(2);
    let id = api.push(&ev, Duration::from_secs(6));
    match api.wait(&id) {
        Answer::Error(_, body) => {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["errorType"], "Scrubd.DeliveryFailed", "{body}");
            assert!(body.contains("of 20 events"), "{body}");
            assert_no_secret(&body);
        }
        a => panic!("{a:?}"),
    }
    let stored_before = rt
        .block_on(read_group(&c, "/scrubbed"))
        .get("/app/b")
        .map_or(0, Vec::len);
    assert_eq!(stored_before, 8, "the first batch was stored");

    // Lambda retries the same event: only what was not accepted is sent.
    failing.lock().unwrap().put_budget = None;
    assert!(matches!(api.invoke(&ev), Answer::Response(_)));
    let got = rt.block_on(read_group(&c, "/scrubbed"));
    assert_eq!(
        got["/app/b"],
        scrubbed(&big),
        "every event exactly once, in order, scrubbed"
    );
    assert_eq!(got["/app/a"], scrubbed(&m1));
    // And a duplicate delivery of an event already stored sends nothing.
    let puts = failing.lock().unwrap().puts.len();
    assert!(matches!(api.invoke(&ev), Answer::Response(_)));
    assert_eq!(failing.lock().unwrap().puts.len(), puts);
    assert_eq!(rt.block_on(read_group(&c, "/scrubbed"))["/app/b"].len(), 20);
    assert!(
        f.metric(
            "Requests",
            &[("Api", "PutLogEvents"), ("Outcome", "throttled")]
        ) >= 2
    );
    assert!(
        f.metric(
            "Requests",
            &[("Api", "PutLogEvents"), ("Outcome", "server_error")]
        ) >= 1
    );
    assert!(f.metric("EventsSkipped", &[("Reason", "already_accepted")]) >= 20);
    assert!(proxy.faults.lock().unwrap().violations.is_empty());
    assert_no_secret(&f.file("stderr"));
}

#[test]
fn lambda_bad_settings_fail_init_with_a_clear_message() {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("short.key"), "tooshort").unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[rule]]\nid = \"x\"\nkind = \"k\"\nregex = '(?P<secret>abc'\nkeywords = [\"abc\"]\n",
    )
    .unwrap();
    let short = dir.path().join("short.key");
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (vec![("SCRUBD_MODE", "hashh".into())], "SCRUBD_MODE"),
        (
            vec![("SCRUBD_MODE", "hash".into())],
            "SCRUBD_FINGERPRINT_KEY_FILE",
        ),
        (
            vec![
                ("SCRUBD_MODE", "hash".into()),
                ("SCRUBD_FINGERPRINT_KEY_FILE", short.display().to_string()),
            ],
            "at least 16",
        ),
        (
            vec![("SCRUBD_MAX_LINE_BYTES", "lots".into())],
            "SCRUBD_MAX_LINE_BYTES",
        ),
        (
            vec![("SCRUBD_DISABLE", "no-such-rule".into())],
            "no-such-rule",
        ),
        (
            vec![("SCRUBD_RULES_DIRS", dir.path().display().to_string())],
            "bad.toml",
        ),
        (vec![("SCRUBD_DESTINATION", "/x".into())], "unknown setting"),
    ];
    for (settings, expect) in cases {
        let api = RuntimeApi::start(&rt);
        let s: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut f = Function::start(&api, None, &s);
        let status = f.child.wait().unwrap();
        assert!(!status.success(), "{settings:?}: exits");
        let st = api.state.lock().unwrap();
        let (kind, body) = st
            .init_error
            .clone()
            .unwrap_or_else(|| panic!("{settings:?}: no init error; stderr: {}", f.file("stderr")));
        assert_eq!(kind, "Scrubd.InvalidSetting");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(
            v["errorMessage"].as_str().unwrap().contains(expect),
            "{settings:?}: {body}"
        );
        assert_eq!(st.polls, 0, "{settings:?}: no event is asked for");
        assert!(!f.path("stderr").as_os_str().is_empty());
    }
}

/// Hash mode's key as the key-source tests store it in moto (and in a file, for the oracle).
const FP_KEY: &str = "ssm-and-secrets-manager-key-0123456789";

/// `line` through `scrubd filter --mode hash --fingerprint-key-file key`.
fn hash_filtered(line: &str, key: &std::path::Path) -> String {
    let out = assert_cmd::Command::cargo_bin("scrubd")
        .unwrap()
        .args(["filter", "--mode", "hash", "--fingerprint-key-file"])
        .arg(key)
        .write_stdin(line.to_string())
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs moto: scripts/test.sh runs it"
)]
fn lambda_hash_key_from_ssm_or_secrets_manager_gives_the_key_files_placeholders() {
    use aws_sdk_secretsmanager::primitives::Blob;
    use aws_sdk_ssm::types::ParameterType;

    let moto = Moto::start();
    let rt = rt();
    let creds = aws_sdk_ssm::config::Credentials::new("testing", "testing", None, None, "test");
    let ssm = aws_sdk_ssm::Client::from_conf(
        aws_sdk_ssm::Config::builder()
            .behavior_version(aws_sdk_ssm::config::BehaviorVersion::latest())
            .credentials_provider(creds.clone())
            .region(aws_sdk_ssm::config::Region::new("us-east-1"))
            .endpoint_url(moto.url())
            .build(),
    );
    let sm = aws_sdk_secretsmanager::Client::from_conf(
        aws_sdk_secretsmanager::Config::builder()
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .credentials_provider(creds)
            .region(aws_sdk_secretsmanager::config::Region::new("us-east-1"))
            .endpoint_url(moto.url())
            .build(),
    );
    for (name, value) in [
        ("/scrubd/fingerprint-key", FP_KEY),
        ("/scrubd/short", "tooshort"),
    ] {
        rt.block_on(
            ssm.put_parameter()
                .name(name)
                .value(value)
                .r#type(ParameterType::SecureString)
                .send(),
        )
        .unwrap();
    }
    rt.block_on(
        sm.create_secret()
            .name("scrubd/fingerprint-key")
            .secret_string(FP_KEY)
            .send(),
    )
    .unwrap();
    rt.block_on(
        sm.create_secret()
            .name("scrubd/binary-key")
            .secret_binary(Blob::new(FP_KEY.as_bytes()))
            .send(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("fp.key");
    std::fs::write(&key_file, FP_KEY).unwrap();

    let line = format!("login user=alice password=hunter2hunter2 token {JWT}\n");
    let want = hash_filtered(&line, &key_file);
    assert!(!want.contains(JWT) && !want.contains("hunter2"), "{want}");
    let mut other_key = FP_KEY.to_string();
    other_key.push('!');
    std::fs::write(dir.path().join("other.key"), other_key).unwrap();
    assert_ne!(
        want,
        hash_filtered(&line, &dir.path().join("other.key")),
        "placeholders depend on the key"
    );

    let key_path = key_file.display().to_string();
    let sources = [
        ("SCRUBD_FINGERPRINT_KEY_FILE", key_path.as_str()),
        (
            "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER",
            "/scrubd/fingerprint-key",
        ),
        ("SCRUBD_FINGERPRINT_KEY_SECRET", "scrubd/fingerprint-key"),
        ("SCRUBD_FINGERPRINT_KEY_SECRET", "scrubd/binary-key"),
    ];
    for (var, value) in sources {
        let api = RuntimeApi::start(&rt);
        let f = Function::start(
            &api,
            Some(&moto.url()),
            &[("SCRUBD_MODE", "hash"), (var, value)],
        );
        let event = firehose_event(&[("r1".to_string(), line.as_bytes().to_vec())]);
        let got = firehose_answer(&api.invoke(&event));
        assert_eq!(got.len(), 1);
        assert_eq!(
            String::from_utf8_lossy(&got[0].2),
            want,
            "{var}={value}: the same placeholders as the key file"
        );
        for out in ["stdout", "stderr"] {
            assert!(!f.file(out).contains(FP_KEY), "{var}: key in {out}");
        }
    }

    // A missing parameter or secret, or a short key, fails the init, naming the setting and
    // what AWS answered, never the key.
    let cases = [
        (
            "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER",
            "/scrubd/missing",
            "ParameterNotFound",
        ),
        (
            "SCRUBD_FINGERPRINT_KEY_SECRET",
            "scrubd/missing",
            "ResourceNotFoundException",
        ),
        (
            "SCRUBD_FINGERPRINT_KEY_SSM_PARAMETER",
            "/scrubd/short",
            "at least 16",
        ),
    ];
    for (var, value, expect) in cases {
        let api = RuntimeApi::start(&rt);
        let mut f = Function::start(
            &api,
            Some(&moto.url()),
            &[("SCRUBD_MODE", "hash"), (var, value)],
        );
        let status = f.child.wait().unwrap();
        assert!(!status.success(), "{var}={value}: exits");
        let st = api.state.lock().unwrap();
        let (kind, body) = st.init_error.clone().unwrap_or_else(|| {
            panic!("{var}={value}: no init error; stderr: {}", f.file("stderr"))
        });
        assert_eq!(kind, "Scrubd.InvalidSetting");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let message = v["errorMessage"].as_str().unwrap();
        assert!(
            message.starts_with(var) && message.contains(value) && message.contains(expect),
            "{var}={value}: {message}"
        );
        assert!(!message.contains("tooshort"), "{message}");
        assert_eq!(st.polls, 0, "{var}={value}: no event is asked for");
        assert!(!f.file("stderr").contains(FP_KEY));
    }
}
