//! `scrubd lambda`: the same engine inside AWS Lambda, deployed as `bootstrap` on
//! `provided.al2023`. CloudWatch Logs subscription filters and Firehose push events to it;
//! Lambda scales it out, so it reaches the thousands of log groups that polling
//! FilterLogEvents cannot (its quota is per account and region).
//!
//! Two event shapes, told apart by their keys:
//! - `{"awslogs": {"data": …}}`, a subscription event: see [`subscription`];
//! - `{"invocationId", "deliveryStreamArn", "records": […]}`, a Firehose transformation: see
//!   [`firehose`].
//!
//! Settings come from environment variables ([`settings`]) and are validated at init, with the
//! rules and the hash key (from a file, SSM Parameter Store or Secrets Manager: [`key`]): a
//! bad one is reported to the Runtime API's `/init/error` and the process exits, so the
//! problem shows as an init failure with a clear message. Each
//! invocation ends with its counts as Embedded Metric Format lines on stdout ([`emf`]).
//!
//! Nothing from an event reaches a log line, an error or a metric dimension: the payload is
//! taken as raw JSON so that a malformed event yields an error with a position, not a quote,
//! and panics report where, not what.

pub mod core;
pub mod decode;
pub mod emf;
pub mod firehose;
pub mod key;
pub mod settings;
pub mod subscription;

use std::borrow::Cow;
use std::io::Write as _;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result};
use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};
use serde::Deserialize;
use serde_json::value::RawValue;

use self::core::Core;
use self::settings::{KeySource, Settings};
use crate::engine::{Mode, Scrubber};

/// Environment variables the Lambda runtime sets, which lambda_runtime needs.
const RUNTIME_VARS: &[&str] = &[
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
];

/// Run the Lambda runtime loop until the environment is shut down. Returns only on an init
/// failure (after reporting it) or a Runtime API failure.
pub fn run() -> Result<i32> {
    let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API") else {
        anyhow::bail!("scrubd lambda runs inside AWS Lambda: AWS_LAMBDA_RUNTIME_API is not set");
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let handler = match init().await {
            Ok(h) => Arc::new(h),
            Err(e) => {
                let message = crate::logging::scrubbed(&format!("{e:#}"));
                eprintln!("scrubd: init failed: {message}");
                report_init_error(&api, &message).await;
                return Ok(1);
            }
        };
        let service = service_fn(move |event: LambdaEvent<Box<RawValue>>| {
            let h = Arc::clone(&handler);
            async move { h.handle(event).await }
        });
        lambda_runtime::run(service)
            .await
            .map_err(|e| anyhow::anyhow!("Lambda runtime: {e}"))?;
        Ok(0)
    })
}

/// Everything an invocation needs, built once at init.
struct Handler {
    settings: Settings,
    function: String,
    /// Groups never read: the destination and the function's own log group.
    own_groups: Vec<String>,
    core: Mutex<Core>,
    memory: Mutex<subscription::Memory>,
    client: Option<aws_sdk_cloudwatchlogs::Client>,
}

async fn init() -> Result<Handler> {
    for v in RUNTIME_VARS {
        if std::env::var_os(v).is_none() {
            anyhow::bail!("{v} is not set (the Lambda runtime sets it; scrubd lambda runs only inside Lambda or an emulator)");
        }
    }
    let settings = Settings::from_env(std::env::vars())?;
    let rules = crate::rulefiles::load_rules(false, &settings.rules_dirs, &settings.disable, false)
        .context("loading rules (SCRUBD_RULES_DIRS, SCRUBD_DISABLE)")?;
    let mode = match &settings.fingerprint_key {
        None => Mode::Mask,
        Some(KeySource::File(path)) => crate::rulefiles::key_file_mode(path)
            .map_err(|e| anyhow::anyhow!("SCRUBD_FINGERPRINT_KEY_FILE: {e}"))?,
        Some(source) => {
            let key = key::fetch(source)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", source.var()))?;
            Mode::hash(&key)
                .map_err(|e| anyhow::anyhow!("{}: {}: {e}", source.var(), source.describe()))?
        }
    };
    let client = match &settings.destination_group {
        Some(_) => Some(crate::aws::client(&crate::aws::Endpoint::default()).await),
        None => None,
    };
    let function = std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_default();
    let mut own_groups: Vec<String> = settings.destination_group.iter().cloned().collect();
    own_groups.push(
        std::env::var("AWS_LAMBDA_LOG_GROUP_NAME")
            .unwrap_or_else(|_| format!("/aws/lambda/{function}")),
    );
    let jwt = settings
        .jwt
        .policy()
        .map_err(|e| anyhow::anyhow!("SCRUBD_JWT_*: {e}"))?;
    let scrubber = Scrubber::new(Arc::new(rules.with_jwt_policy(jwt)), mode);
    crate::logging::use_scrubber(Arc::new(scrubber.clone()));
    let core = Core::new(scrubber, settings.max_line_bytes);
    tracing_init();
    Ok(Handler {
        settings,
        function,
        own_groups,
        core: Mutex::new(core),
        memory: Mutex::new(subscription::Memory::default()),
        client,
    })
}

fn tracing_init() {
    let mut filter =
        tracing_subscriber::EnvFilter::try_from_env("SCRUBD_LOG").unwrap_or_else(|_| "info".into());
    // lambda_runtime logs whole event payloads at TRACE: never let SCRUBD_LOG turn that on.
    for quiet in ["lambda_runtime=info", "lambda_runtime_api_client=info"] {
        filter = filter.add_directive(quiet.parse().expect("a valid directive"));
    }
    let _ = tracing_subscriber::fmt()
        .with_writer(crate::logging::Stderr)
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(false)
        .without_time() // Lambda stamps every log line
        .try_init();
}

/// The two event shapes, by their keys. Values stay raw until used.
#[derive(Deserialize)]
struct Incoming<'a> {
    #[serde(borrow)]
    awslogs: Option<AwsLogs<'a>>,
    #[serde(borrow)]
    records: Option<Vec<firehose::Record<'a>>>,
    #[serde(rename = "deliveryStreamArn", borrow)]
    delivery_stream_arn: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct AwsLogs<'a> {
    #[serde(borrow)]
    data: Cow<'a, str>,
}

fn diagnostic(error_type: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        error_type: error_type.to_string(),
        error_message: message.into(),
    }
}

/// Run `f`; a panic becomes an error that says nothing of the input (the panic hook already
/// printed where it happened).
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        diagnostic(
            "Scrubd.InternalError",
            "internal error (message withheld: it may quote input)",
        )
    })
}

impl Handler {
    async fn handle(&self, event: LambdaEvent<Box<RawValue>>) -> Result<Box<RawValue>, Diagnostic> {
        let (payload, context) = event.into_parts();
        let incoming: Incoming = serde_json::from_str(payload.get()).map_err(|e| {
            diagnostic(
                "Scrubd.UnrecognisedEvent",
                decode::json_error(&e).to_string(),
            )
        })?;
        let (shape, result) = match (incoming.awslogs, incoming.records) {
            (Some(logs), _) => ("subscription", self.subscription(&logs.data, context.deadline).await),
            (None, Some(records)) => {
                let stream = incoming.delivery_stream_arn.as_deref().unwrap_or("firehose").to_string();
                ("firehose", self.firehose(&records, &stream))
            }
            (None, None) => (
                "unknown",
                Err(diagnostic(
                    "Scrubd.UnrecognisedEvent",
                    "neither a CloudWatch Logs subscription event (awslogs) nor a Firehose transformation event (records)",
                )),
            ),
        };
        self.emit_metrics(shape);
        result
    }

    fn lock_core(&self) -> std::sync::MutexGuard<'_, Core> {
        self.core.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn firehose(
        &self,
        records: &[firehose::Record<'_>],
        stream: &str,
    ) -> Result<Box<RawValue>, Diagnostic> {
        let mut core = self.lock_core();
        let output = self.settings.firehose_output;
        let json = guarded(|| firehose::transform(&mut core, records, output, stream))?;
        RawValue::from_string(json)
            .map_err(|_| diagnostic("Scrubd.InternalError", "response is not JSON"))
    }

    async fn subscription(
        &self,
        data: &str,
        deadline_ms: u64,
    ) -> Result<Box<RawValue>, Diagnostic> {
        let (Some(group), Some(client)) = (&self.settings.destination_group, &self.client) else {
            return Err(diagnostic(
                "Scrubd.NoDestination",
                "a CloudWatch Logs subscription event arrived but SCRUBD_DESTINATION_LOG_GROUP is not set",
            ));
        };
        let own: Vec<&str> = self.own_groups.iter().map(String::as_str).collect();
        let prepared = {
            let mut core = self.lock_core();
            let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
            guarded(|| subscription::prepare(&mut core, &mut memory, data, group, &own))?
        };
        let p = prepared.map_err(|e| {
            diagnostic(
                "Scrubd.UndecodableEvent",
                format!("subscription event: {e}"),
            )
        })?;
        if p.control || p.events.is_empty() {
            return Ok(summary(p.events.len(), 0, 0));
        }
        let deadline = subscription::retry_deadline(deadline_ms);
        let (d, result) = subscription::deliver(client, &p, deadline, |at| {
            self.memory
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .accepted(&p.key, at);
        })
        .await;
        {
            let mut core = self.lock_core();
            core.counts.events_delivered += d.accepted as u64;
            core.counts.events_rejected += d.rejected as u64;
            for (api, outcome) in &d.requests {
                *core
                    .counts
                    .requests
                    .entry((api, outcome.label()))
                    .or_default() += 1;
            }
        }
        if d.rejected > 0 {
            tracing::warn!(group = %p.group, stream = %p.stream, events = d.rejected, "CloudWatch refused events (too old, too new or expired); counted, not retried");
        }
        match result {
            Ok(()) => Ok(summary(p.events.len(), d.accepted, d.rejected)),
            Err(e) => {
                let done = p.done + d.accepted + d.rejected;
                tracing::warn!(error = %e, group = %p.group, stream = %p.stream, done, total = p.events.len(), "delivery failed");
                Err(diagnostic(
                    "Scrubd.DeliveryFailed",
                    format!(
                        "{done} of {} events of {} stored in {}/{}, then {e}; the invocation fails so that Lambda retries the event",
                        p.events.len(),
                        p.source_group,
                        p.group,
                        p.stream
                    ),
                ))
            }
        }
    }

    fn emit_metrics(&self, shape: &str) {
        let counts = std::mem::take(&mut self.lock_core().counts);
        let ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let text = counts.emf(&self.settings.namespace, &self.function, shape, ts);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

fn summary(events: usize, accepted: usize, rejected: usize) -> Box<RawValue> {
    RawValue::from_string(format!(
        r#"{{"events":{events},"accepted":{accepted},"rejected":{rejected}}}"#
    ))
    .expect("valid JSON")
}

/// Tell the Runtime API that init failed (`POST /2018-06-01/runtime/init/error`), as its
/// documentation asks of a runtime that cannot start. Best effort: if even that fails, the
/// exit status and stderr still say why.
async fn report_init_error(api: &str, message: &str) {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    let body = serde_json::json!({"errorMessage": message, "errorType": "Scrubd.InvalidSetting", "stackTrace": []}).to_string();
    let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let req = hyper::Request::post(format!("http://{api}/2018-06-01/runtime/init/error"))
        .header(
            "Lambda-Runtime-Function-Error-Type",
            "Scrubd.InvalidSetting",
        )
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)));
    let Ok(req) = req else { return };
    match client.request(req).await {
        Ok(resp) => {
            let _ = resp.into_body().collect().await;
        }
        Err(e) => eprintln!("scrubd: could not report the init error to the Runtime API: {e}"),
    }
}
