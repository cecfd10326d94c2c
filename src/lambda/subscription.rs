//! CloudWatch Logs subscription events: decode, scrub every message, and write the sanitized
//! events with PutLogEvents into the destination group, in a stream named after the source
//! group and stream (`<group>/<stream>`, made legal), created on demand.
//!
//! **All or fail.** The invocation succeeds only once every event was accepted (or refused by
//! CloudWatch as too old, too new or expired: counted, not retried, as in the sink).
//! Throttling, 5xx and connection errors are retried with backoff until shortly before the
//! invocation's deadline; then, or on any other error, the invocation fails and Lambda
//! retries the event (twice by default, then the on-failure destination or dead-letter queue).
//!
//! **Retries and duplicates.** PutLogEvents has no idempotency key, and CloudWatch does not
//! deduplicate, so what can be avoided is limited to what this process knows:
//! - within one invocation an accepted batch is never sent again;
//! - the execution environment remembers, per event payload (SHA-256 of its `data`), how many
//!   of its sanitized events were accepted and the stream's multi-line state before it. A retry
//!   of the same event (Lambda's async retries, or a duplicate delivery) that reaches the same
//!   environment sends only the rest, scrubbed exactly as the first time;
//! - a retry that reaches another environment (or follows a timeout, which restarts the
//!   environment) sends the accepted part again: duplicates, never loss;
//! - a batch whose answer was lost (timeout after CloudWatch stored it) counts as failed and
//!   is sent again: a duplicate nothing can rule out.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_cloudwatchlogs::Client;
use sha2::{Digest, Sha256};

use super::core::Core;
use super::decode::{self, DecodeError};
use crate::aws::{backoff, CallError, Outcome};
use crate::engine::StreamState;
use crate::sink::cloudwatch::api::{self, Create};
use crate::sink::cloudwatch::batch::{batch_len, split_message, stream_name};

/// Payloads remembered per execution environment.
const REMEMBERED: usize = 4096;
/// Time kept back before the deadline to answer the Runtime API.
const DEADLINE_MARGIN: Duration = Duration::from_millis(1500);

/// A decoded subscription event, scrubbed, ready to send.
pub struct Prepared {
    pub key: [u8; 32],
    pub group: String,
    pub source_group: String,
    pub stream: String,
    /// (timestamp, sanitized message), in the payload's order, split to the event limit.
    pub events: Vec<(i64, String)>,
    /// Events already accepted by an earlier attempt at the same payload.
    pub done: usize,
    pub control: bool,
}

/// What an environment remembers of a payload it handled.
#[derive(Clone)]
struct Attempt {
    state_before: StreamState,
    accepted: usize,
}

/// Per-environment memory of payloads, bounded (oldest forgotten first).
#[derive(Default)]
pub struct Memory {
    map: HashMap<[u8; 32], Attempt>,
    order: VecDeque<[u8; 32]>,
}

impl Memory {
    fn get(&self, key: &[u8; 32]) -> Option<&Attempt> {
        self.map.get(key)
    }

    fn set(&mut self, key: [u8; 32], a: Attempt) {
        if self.map.insert(key, a).is_none() {
            self.order.push_back(key);
            if self.order.len() > REMEMBERED {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }

    /// Record that `accepted` events of `key`'s payload are now stored.
    pub fn accepted(&mut self, key: &[u8; 32], accepted: usize) {
        if let Some(a) = self.map.get_mut(key) {
            a.accepted = a.accepted.max(accepted);
        }
    }
}

/// Decode `data` (base64 + gzip JSON) and scrub its messages. `own` lists the groups whose
/// events are skipped (the destination and the function's own log group: reading them would
/// feed scrubd its own output).
pub fn prepare(
    core: &mut Core,
    memory: &mut Memory,
    data: &str,
    destination: &str,
    own: &[&str],
) -> Result<Prepared, DecodeError> {
    let key: [u8; 32] = Sha256::digest(data.as_bytes()).into();
    let payload = decode::log_data(&decode::gunzip(&decode::base64(data)?)?)?;
    let group = destination.to_string();
    let source_stream = format!("{}/{}", payload.log_group, payload.log_stream);
    let mut p = Prepared {
        key,
        group,
        source_group: core.name(&payload.log_group),
        // A stream named after a secret must not name the output after it.
        stream: stream_name(&core.name(&source_stream)),
        events: Vec::new(),
        done: 0,
        control: false,
    };
    match payload.message_type.as_str() {
        "CONTROL_MESSAGE" => {
            p.control = true;
            return Ok(p);
        }
        "DATA_MESSAGE" => {}
        _ => return Err(DecodeError::Json("unknown messageType".into())),
    }
    core.counts.events_in += payload.log_events.len() as u64;
    if own.contains(&payload.log_group.as_str()) {
        *core.counts.events_skipped.entry("own_output").or_default() +=
            payload.log_events.len() as u64;
        return Ok(p);
    }
    match memory.get(&key).cloned() {
        Some(a) => {
            core.set_state(&source_stream, a.state_before);
            p.done = a.accepted;
        }
        None => memory.set(
            key,
            Attempt {
                state_before: core.state(&source_stream),
                accepted: 0,
            },
        ),
    }
    let mut buf = Vec::new();
    for e in &payload.log_events {
        buf.clear();
        core.message(&source_stream, e.message.as_bytes(), &mut buf);
        if buf.is_empty() {
            *core.counts.events_skipped.entry("empty").or_default() += 1;
            continue;
        }
        let parts = split_message(String::from_utf8_lossy(&buf).into_owned());
        core.counts.events_split += parts.len() as u64 - 1;
        p.events.extend(parts.into_iter().map(|m| (e.timestamp, m)));
    }
    if p.done > 0 {
        *core
            .counts
            .events_skipped
            .entry("already_accepted")
            .or_default() += p.done.min(p.events.len()) as u64;
    }
    Ok(p)
}

/// What a delivery achieved.
#[derive(Debug, Default)]
pub struct Delivered {
    pub accepted: usize,
    pub rejected: usize,
    pub requests: Vec<(&'static str, Outcome)>,
}

/// Send `p.events[p.done..]` in batches within PutLogEvents' limits, in order, retrying what
/// can be retried until `deadline`. `progress` is told the number of events accepted so far
/// after every accepted batch. Returns the error that stopped it, with what was accepted.
pub async fn deliver(
    client: &Client,
    p: &Prepared,
    deadline: Instant,
    mut progress: impl FnMut(usize),
) -> (Delivered, Result<(), CallError>) {
    let mut d = Delivered::default();
    let counted = std::sync::Mutex::new(Vec::new());
    let count = |api: &'static str, o: Outcome| counted.lock().expect("count lock").push((api, o));
    let mut at = p.done.min(p.events.len());
    let mut attempt = 0u32;
    let result = loop {
        if at == p.events.len() {
            break Ok(());
        }
        let n = batch_len(p.events[at..].iter().map(|(ts, m)| (*ts, m.len())));
        let batch: Vec<InputLogEvent> = p.events[at..at + n]
            .iter()
            .map(|(ts, m)| {
                InputLogEvent::builder()
                    .timestamp(*ts)
                    .message(m.clone())
                    .build()
                    .expect("both fields set")
            })
            .collect();
        let left = deadline.saturating_duration_since(Instant::now());
        let sent = match tokio::time::timeout(
            left.min(crate::aws::CALL_TIMEOUT),
            api::put(client, &p.group, &p.stream, &batch, Create::Stream, &count),
        )
        .await
        {
            Ok(r) => r,
            Err(_) => Err(CallError {
                outcome: Outcome::Network,
                code: None,
                summary: "PutLogEvents: timed out".into(),
            }),
        };
        match sent {
            Ok(rejected) => {
                let refused = (0..n).filter(|&i| rejected.reason(i, n).is_some()).count();
                d.rejected += refused;
                d.accepted += n - refused;
                at += n;
                attempt = 0;
                progress(at);
            }
            Err(e) if e.outcome.retryable() => {
                let wait = backoff(attempt, Duration::from_millis(100), Duration::from_secs(5));
                attempt += 1;
                if Instant::now() + wait >= deadline {
                    break Err(e);
                }
                tracing::warn!(error = %e, attempt, "PutLogEvents failed; retrying");
                tokio::time::sleep(wait).await;
            }
            Err(e) => break Err(e),
        }
    };
    d.requests = counted.into_inner().expect("count lock");
    (d, result)
}

/// The deadline to stop retrying: the invocation's, less a margin to answer.
pub fn retry_deadline(deadline_ms: u64) -> Instant {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let left =
        Duration::from_millis(deadline_ms.saturating_sub(now_ms)).saturating_sub(DEADLINE_MARGIN);
    Instant::now() + left
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Mode, RuleSet, Scrubber};
    use base64::Engine;
    use std::sync::Arc;

    fn core() -> Core {
        Core::new(
            Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask),
            1 << 20,
        )
    }

    fn payload(group: &str, kind: &str, messages: &[&str]) -> String {
        let events: Vec<serde_json::Value> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| serde_json::json!({"id": i.to_string(), "timestamp": 1000 + i as i64, "message": m}))
            .collect();
        let json = serde_json::json!({"owner": "123456789012", "logGroup": group, "logStream": "s:1",
            "subscriptionFilters": ["f"], "messageType": kind, "logEvents": events});
        base64::engine::general_purpose::STANDARD.encode(decode::gzip(json.to_string().as_bytes()))
    }

    #[test]
    fn messages_are_scrubbed_and_the_stream_named_after_group_and_stream() {
        let (mut c, mut m) = (core(), Memory::default());
        let data = payload(
            "/app",
            "DATA_MESSAGE",
            &["ok\n", "password=hunter2hunter2 x"],
        );
        let p = prepare(&mut c, &mut m, &data, "/scrubbed", &[]).unwrap();
        assert_eq!(p.stream, "/app/s_1");
        assert_eq!(
            p.events,
            vec![
                (1000, "ok\n".to_string()),
                (1001, "password=[REDACTED:password] x".to_string())
            ]
        );
    }

    #[test]
    fn a_group_named_after_a_secret_names_no_output_after_it() {
        let (mut c, mut m) = (core(), Memory::default());
        let data = payload("/app/AKIAQ3EGRJ7XPLMW4NZT", "DATA_MESSAGE", &["ok"]);
        let p = prepare(&mut c, &mut m, &data, "/scrubbed", &[]).unwrap();
        assert_eq!(p.stream, "/app/[REDACTED_aws-access-key]/s_1"); // `:` is not allowed
        assert_eq!(p.source_group, "/app/[REDACTED:aws-access-key]");
    }

    #[test]
    fn control_messages_and_own_output_are_not_sent() {
        let (mut c, mut m) = (core(), Memory::default());
        let p = prepare(
            &mut c,
            &mut m,
            &payload(
                "/app",
                "CONTROL_MESSAGE",
                &["CWL CONTROL MESSAGE: Checking health of destination"],
            ),
            "/s",
            &[],
        )
        .unwrap();
        assert!(p.control && p.events.is_empty());
        let p = prepare(
            &mut c,
            &mut m,
            &payload("/s", "DATA_MESSAGE", &["x"]),
            "/s",
            &["/s"],
        )
        .unwrap();
        assert!(p.events.is_empty());
        assert_eq!(c.counts.events_skipped.get("own_output"), Some(&1));
    }

    #[test]
    fn a_retried_payload_resumes_after_what_was_accepted_with_the_same_state() {
        let (mut c, mut m) = (core(), Memory::default());
        let data = payload(
            "/app",
            "DATA_MESSAGE",
            &[
                "-----BEGIN PRIVATE KEY-----",
                "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
                "z",
            ],
        );
        let first = prepare(&mut c, &mut m, &data, "/s", &[]).unwrap();
        m.accepted(&first.key, 2);
        let again = prepare(&mut c, &mut m, &data, "/s", &[]).unwrap();
        assert_eq!(again.done, 2);
        assert_eq!(
            again.events, first.events,
            "scrubbed exactly as the first time"
        );
        assert!(decode::base64("!").is_err());
    }
}
