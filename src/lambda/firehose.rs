//! Firehose data transformation: one answer per record, same ids, same order.
//!
//! - A record holding a gzipped CloudWatch Logs subscription payload: `DATA_MESSAGE` → `Ok`
//!   with the sanitized messages, each ending in `\n` (a message that already ends in `\n`
//!   keeps its one; AWS's blueprint would add a second, an empty line); with
//!   `SCRUBD_FIREHOSE_OUTPUT=cloudwatch` the JSON envelope instead, messages sanitized,
//!   gzipped again. `CONTROL_MESSAGE` → `Dropped`.
//! - Any other record is text: its lines scrubbed, `Ok`.
//! - A record that cannot be decoded (gzip that does not inflate, a gzipped payload that is not
//!   a subscription payload, an unknown message type) → `ProcessingFailed`: Firehose writes the
//!   *original* record to its error output (S3 `processing-failed/`), never to the destination.
//!
//! **The 6 MB response limit.** A synchronous Lambda response may not exceed 6 MB; Firehose
//! would count every record of a too-large answer as failed. Decompressed CloudWatch payloads
//! can be many times their input, so the answer is sized exactly as it is built: room is
//! always kept to answer every later record, and a record whose `Ok` data does not fit is
//! answered `ProcessingFailed` (reason `response_limit`, counted) and goes to the error output
//! like an undecodable one. Keep the processor's `BufferSizeInMBs` small (see deploy/aws/) so
//! this stays rare, or use `SCRUBD_FIREHOSE_OUTPUT=cloudwatch`, whose output is compressed.

use std::borrow::Cow;

use base64::Engine;
use serde::Deserialize;

use super::core::Core;
use super::decode::{self, DecodeError};
use super::settings::FirehoseOutput;

/// Largest response sent: Lambda's 6 MB synchronous response limit, as 6 × 2^20 bytes
/// (Lambda refuses 6,291,557 bytes and more).
pub const MAX_RESPONSE_BYTES: usize = 6 << 20;

/// A Firehose transformation record as received. `data` stays text until the record is
/// handled, so one bad record fails alone instead of the whole event.
#[derive(Debug, Deserialize)]
pub struct Record<'a> {
    #[serde(rename = "recordId", borrow)]
    pub record_id: Cow<'a, str>,
    #[serde(borrow)]
    pub data: Cow<'a, str>,
}

/// What one record became.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok(Vec<u8>),
    Dropped,
    Failed(&'static str),
}

/// Transform every record and build the response JSON (`{"records":[…]}`), at most
/// [`MAX_RESPONSE_BYTES`] long.
pub fn transform(
    core: &mut Core,
    records: &[Record<'_>],
    output: FirehoseOutput,
    text_stream: &str,
) -> String {
    let ids: Vec<String> = records
        .iter()
        .map(|r| serde_json::to_string(&r.record_id).expect("a string serialises"))
        .collect();
    // Room to answer record i and every record after it as failed: the floor we never eat into.
    let mut reserve: Vec<usize> = ids
        .iter()
        .map(|id| entry_len(id, "ProcessingFailed", None) + 1)
        .collect();
    reserve.push(0);
    for i in (0..records.len()).rev() {
        reserve[i] += reserve[i + 1];
    }
    let mut out = String::with_capacity(1024);
    out.push_str(r#"{"records":["#);
    let closing = 2; // "]}"
    for (i, r) in records.iter().enumerate() {
        let outcome = record(core, r, output, text_stream);
        if i > 0 {
            out.push(',');
        }
        let fits = |result: &str, data: Option<usize>| {
            out.len() + entry_len(&ids[i], result, data) + reserve[i + 1] + closing
                <= MAX_RESPONSE_BYTES
        };
        match outcome {
            Outcome::Ok(data) if fits("Ok", Some(data.len())) => {
                core.counts.records_ok += 1;
                push_entry(&mut out, &ids[i], "Ok", Some(&data));
            }
            Outcome::Ok(_) => {
                *core
                    .counts
                    .records_failed
                    .entry("response_limit")
                    .or_default() += 1;
                push_entry(&mut out, &ids[i], "ProcessingFailed", None);
            }
            Outcome::Dropped => {
                core.counts.records_dropped += 1;
                push_entry(&mut out, &ids[i], "Dropped", None);
            }
            Outcome::Failed(reason) => {
                *core.counts.records_failed.entry(reason).or_default() += 1;
                push_entry(&mut out, &ids[i], "ProcessingFailed", None);
            }
        }
    }
    out.push_str("]}");
    debug_assert!(out.len() <= MAX_RESPONSE_BYTES);
    out
}

/// Length of `{"recordId":<id>,"result":"<result>"[,"data":"<base64>"]}`.
fn entry_len(id_json: &str, result: &str, data: Option<usize>) -> usize {
    let base = r#"{"recordId":,"result":""}"#.len() + id_json.len() + result.len();
    base + data.map_or(0, |n| r#","data":"""#.len() + n.div_ceil(3) * 4)
}

fn push_entry(out: &mut String, id_json: &str, result: &str, data: Option<&[u8]>) {
    out.push_str(r#"{"recordId":"#);
    out.push_str(id_json);
    out.push_str(r#","result":""#);
    out.push_str(result);
    out.push('"');
    if let Some(d) = data {
        out.push_str(r#","data":""#);
        base64::engine::general_purpose::STANDARD.encode_string(d, out);
        out.push('"');
    }
    out.push('}');
}

/// Transform one record.
fn record(core: &mut Core, r: &Record<'_>, output: FirehoseOutput, text_stream: &str) -> Outcome {
    let data = match decode::base64(&r.data) {
        Ok(d) => d,
        Err(e) => return Outcome::Failed(e.reason()),
    };
    if !decode::is_gzip(&data) {
        let mut out = Vec::with_capacity(data.len() + data.len() / 8);
        core.text(text_stream, &data, &mut out);
        return Outcome::Ok(out);
    }
    match cloudwatch_record(core, &data, output) {
        Ok(o) => o,
        Err(e) => Outcome::Failed(e.reason()),
    }
}

fn cloudwatch_record(
    core: &mut Core,
    gz: &[u8],
    output: FirehoseOutput,
) -> Result<Outcome, DecodeError> {
    let mut payload = decode::log_data(&decode::gunzip(gz)?)?;
    match payload.message_type.as_str() {
        "CONTROL_MESSAGE" => return Ok(Outcome::Dropped),
        "DATA_MESSAGE" => {}
        _ => return Err(DecodeError::Json("unknown messageType".into())),
    }
    let stream = format!("{}/{}", payload.log_group, payload.log_stream);
    core.counts.events_in += payload.log_events.len() as u64;
    match output {
        FirehoseOutput::Lines => {
            let mut out =
                Vec::with_capacity(payload.log_events.iter().map(|e| e.message.len() + 1).sum());
            for e in &payload.log_events {
                core.message(&stream, e.message.as_bytes(), &mut out);
                if !out.ends_with(b"\n") {
                    out.push(b'\n');
                }
            }
            Ok(Outcome::Ok(out))
        }
        FirehoseOutput::CloudWatch => {
            let mut buf = Vec::new();
            for e in &mut payload.log_events {
                buf.clear();
                core.message(&stream, e.message.as_bytes(), &mut buf);
                e.message = String::from_utf8_lossy(&buf).into_owned();
            }
            let json = serde_json::to_vec(&payload).expect("LogData serialises");
            Ok(Outcome::Ok(decode::gzip(&json)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Mode, RuleSet, Scrubber};
    use std::sync::Arc;

    fn core() -> Core {
        Core::new(
            Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask),
            1 << 20,
        )
    }

    fn rec(id: &str, data: &[u8]) -> Record<'static> {
        Record {
            record_id: Cow::Owned(id.to_string()),
            data: Cow::Owned(base64::engine::general_purpose::STANDARD.encode(data)),
        }
    }

    #[test]
    fn the_cloudwatch_envelope_keeps_fields_it_does_not_know() {
        // Account-level subscription policies add `policyLevel`; events may carry more too.
        let json = r#"{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"/g","logStream":"s","subscriptionFilters":["f"],"policyLevel":"ACCOUNT_LEVEL_POLICY","logEvents":[{"id":"1","timestamp":5,"message":"token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz","extractedFields":{"a":"b"}}]}"#;
        let mut c = core();
        let out = transform(
            &mut c,
            &[rec("r", &decode::gzip(json.as_bytes()))],
            FirehoseOutput::CloudWatch,
            "t",
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let data = base64::engine::general_purpose::STANDARD
            .decode(v["records"][0]["data"].as_str().unwrap())
            .unwrap();
        let env: serde_json::Value =
            serde_json::from_slice(&decode::gunzip(&data).unwrap()).unwrap();
        assert_eq!(env["policyLevel"], "ACCOUNT_LEVEL_POLICY");
        assert_eq!(env["logEvents"][0]["extractedFields"]["a"], "b");
        assert_eq!(env["logEvents"][0]["message"], "token=[REDACTED:jwt]");
    }

    #[test]
    fn entry_lengths_are_exact() {
        for (result, data) in [
            ("Ok", Some(&b"abcd"[..])),
            ("Dropped", None),
            ("ProcessingFailed", None),
            ("Ok", Some(&b""[..])),
        ] {
            let mut s = String::new();
            let id =
                serde_json::to_string("49546986683135544286507457936321625675700192471156785154")
                    .unwrap();
            push_entry(&mut s, &id, result, data);
            assert_eq!(s.len(), entry_len(&id, result, data.map(<[u8]>::len)));
        }
    }

    #[test]
    fn records_that_do_not_fit_fail_and_every_record_is_answered_in_order() {
        let mut c = core();
        // Each decompresses to ~2.5 MB: two fit in 6 MB (base64 grows them by 4/3), three do not.
        let line = format!("{}\n", "a".repeat(99));
        let big = line.repeat(19_000);
        let records: Vec<Record> = (0..4)
            .map(|i| rec(&format!("r{i}"), big.as_bytes()))
            .collect();
        let resp = transform(&mut c, &records, FirehoseOutput::Lines, "text");
        assert!(resp.len() <= MAX_RESPONSE_BYTES, "{}", resp.len());
        let v: serde_json::Value = serde_json::from_str(&resp).unwrap();
        let results: Vec<(&str, &str)> = v["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["recordId"].as_str().unwrap(),
                    r["result"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            results,
            vec![
                ("r0", "Ok"),
                ("r1", "Ok"),
                ("r2", "ProcessingFailed"),
                ("r3", "ProcessingFailed")
            ]
        );
        assert_eq!(c.counts.records_failed.get("response_limit"), Some(&2));
    }
}
