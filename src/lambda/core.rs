//! The engine as the Lambda entry uses it: a CloudWatch message or a Firehose text record in,
//! the same bytes with secrets replaced out, counted. Multi-line state (an open PEM block) is
//! kept per source stream, across invocations while the execution environment lives.
//!
//! A message is framed exactly as the daemon's CloudWatch source frames it: a final `\n` is
//! taken off and put back, `\n` inside splits lines, a line over `max_line_bytes` is replaced
//! whole by `[REDACTED:line-too-long:bytes=N]` (the engine never sees it).

use std::collections::HashMap;

use super::emf::Counts;
use crate::engine::redact::write_oversize;
use crate::engine::{Hit, Scratch, Scrubber, StreamState};

/// Streams whose state is kept; beyond this, streams with no open block are forgotten (with
/// the values their last message could have recalled into the next).
const MAX_STREAMS: usize = 10_000;

pub struct Core {
    scrubber: Scrubber,
    scratch: Scratch,
    hits: Vec<Hit>,
    states: HashMap<String, StreamState>,
    max_line_bytes: usize,
    framed: Vec<u8>,
    scrubbed: Vec<u8>,
    pub counts: Counts,
}

impl Core {
    pub fn new(scrubber: Scrubber, max_line_bytes: usize) -> Core {
        Core {
            scratch: scrubber.scratch(),
            scrubber,
            hits: Vec::new(),
            states: HashMap::new(),
            max_line_bytes,
            framed: Vec::new(),
            scrubbed: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// `name` (a log group's or stream's) with any secret in it redacted, for naming outputs.
    pub fn name(&mut self, name: &str) -> String {
        self.scrubber
            .scrub_str(name, &mut self.scratch)
            .into_owned()
    }

    /// The state of `stream` (an open PEM block, or none).
    pub fn state(&self, stream: &str) -> StreamState {
        self.states.get(stream).cloned().unwrap_or_default()
    }

    /// Put `stream` back to `state` (to scrub a retried event exactly as the first time).
    pub fn set_state(&mut self, stream: &str, state: StreamState) {
        self.states.insert(stream.to_string(), state);
    }

    /// Scrub one CloudWatch message of `stream` and append it to `out`: same lines, same final
    /// newline (or none), secrets replaced.
    pub fn message(&mut self, stream: &str, message: &[u8], out: &mut Vec<u8>) {
        let (body, newline) = match message.strip_suffix(b"\n") {
            Some(b) => (b, true),
            None => (message, false),
        };
        self.framed.clear();
        let mut oversize = 0;
        for line in body.split(|&b| b == b'\n') {
            if line.len() > self.max_line_bytes {
                write_oversize(line.len() as u64, &mut self.framed);
                oversize += 1;
            } else {
                self.framed.extend_from_slice(line);
            }
            self.framed.push(b'\n');
        }
        self.scrub_framed(stream, message.len(), oversize);
        let s = &self.scrubbed[..self.scrubbed.len() - 1]; // the framing's last `\n`
        out.extend_from_slice(s);
        if newline {
            out.push(b'\n');
        }
    }

    /// Scrub text (a Firehose record that is not a CloudWatch payload) line by line, keeping
    /// every line ending (`\n`, `\r\n`, or none at the end), and append it to `out`.
    pub fn text(&mut self, stream: &str, text: &[u8], out: &mut Vec<u8>) {
        self.framed.clear();
        let mut oversize = 0;
        for line in text.split_inclusive(|&b| b == b'\n') {
            let content = line.strip_suffix(b"\n").unwrap_or(line);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if content.len() > self.max_line_bytes {
                write_oversize(content.len() as u64, &mut self.framed);
                self.framed.extend_from_slice(&line[content.len()..]);
                oversize += 1;
            } else {
                self.framed.extend_from_slice(line);
            }
        }
        self.scrub_framed(stream, text.len(), oversize);
        out.extend_from_slice(&self.scrubbed);
    }

    fn scrub_framed(&mut self, stream: &str, bytes: usize, oversize: u64) {
        if !self.states.contains_key(stream) {
            if self.states.len() >= MAX_STREAMS {
                self.states.retain(|_, s| s.in_block());
            }
            self.states
                .insert(stream.to_string(), StreamState::default());
        }
        let state = self.states.get_mut(stream).expect("inserted above");
        self.scrubbed.clear();
        self.hits.clear();
        self.scrubber.scrub_block(
            &self.framed,
            state,
            &mut self.scratch,
            &mut self.scrubbed,
            &mut self.hits,
        );
        let lines = memchr::memchr_iter(b'\n', &self.framed).count() as u64
            + u64::from(self.framed.last().is_some_and(|&b| b != b'\n'));
        self.counts.record_block(
            lines,
            bytes as u64,
            oversize,
            &self.hits,
            self.scrubber.rules(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Mode, RuleSet};
    use std::sync::Arc;

    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz";

    fn core(max: usize) -> Core {
        Core::new(
            Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask),
            max,
        )
    }

    /// Nearly every stream that logged a secret keeps recall values; the bound still holds.
    #[test]
    fn stream_states_stay_bounded_when_each_holds_recall_values() {
        let mut c = core(1 << 20);
        let mut out = Vec::new();
        for i in 0..MAX_STREAMS + 10 {
            c.message(&format!("s{i}"), b"password=Tr0ub4dor-and-3\n", &mut out);
        }
        let last = format!("s{}", MAX_STREAMS + 9);
        assert!(c.state(&last).recalls(), "the message leaves recall values");
        assert!(c.states.len() <= MAX_STREAMS, "{}", c.states.len());
    }

    #[test]
    fn message_keeps_its_final_newline_or_its_absence() {
        let mut c = core(1 << 20);
        let mut out = Vec::new();
        c.message(
            "s",
            format!("a\nAuthorization: Bearer {JWT}\n").as_bytes(),
            &mut out,
        );
        assert_eq!(out, b"a\nAuthorization: Bearer [REDACTED:jwt]\n");
        out.clear();
        c.message("s", b"no newline", &mut out);
        assert_eq!(out, b"no newline");
        assert_eq!(c.counts.lines, 3);
        assert_eq!(c.counts.lines_redacted, 1);
        assert_eq!(c.counts.jwt.get("HS256"), Some(&1));
    }

    #[test]
    fn jwt_findings_are_counted_by_finding_and_issuer() {
        use crate::engine::jwt::{Policy, PolicyOptions};
        use base64::Engine as _;
        let policy = Policy::new(&PolicyOptions {
            issuers: vec!["https://auth.example.com/".into()],
            ..PolicyOptions::default()
        })
        .unwrap();
        let rules = RuleSet::builtin()
            .unwrap()
            .with_jwt_policy(Arc::new(policy));
        let mut c = Core::new(Scrubber::new(Arc::new(rules), Mode::Mask), 1 << 20);
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let none = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(r#"{"sub":"42"}"#));
        let listed = format!(
            "{}.{}.",
            b64(r#"{"alg":"none"}"#),
            b64(r#"{"iss":"https://auth.example.com/"}"#)
        );
        let mut out = Vec::new();
        c.message(
            "s",
            format!("a={none}\nb={none} c={listed}\n").as_bytes(),
            &mut out,
        );
        assert_eq!(
            out,
            b"a=[REDACTED:jwt]\nb=[REDACTED:jwt] c=[REDACTED:jwt]\n"
        );
        let got: Vec<(&str, &str, u64)> = c
            .counts
            .jwt_findings
            .iter()
            .map(|((f, i), n)| (*f, i.as_str(), *n))
            .collect();
        assert_eq!(
            got,
            [
                ("alg_none", "https://auth.example.com/", 1),
                ("alg_none", "other", 2),
                ("no_exp", "https://auth.example.com/", 1),
                ("no_exp", "other", 2),
            ]
        );
        assert!(c.counts.jwt_issuers);
    }

    #[test]
    fn text_keeps_crlf_and_a_missing_last_newline() {
        let mut c = core(1 << 20);
        let mut out = Vec::new();
        c.text(
            "r",
            format!("x\r\ntoken={JWT}\r\nlast").as_bytes(),
            &mut out,
        );
        assert_eq!(out, b"x\r\ntoken=[REDACTED:jwt]\r\nlast");
    }

    #[test]
    fn overlong_lines_are_replaced_whole_and_counted() {
        let mut c = core(16);
        let mut out = Vec::new();
        c.message(
            "s",
            format!("short\n{}\nend\n", "x".repeat(40)).as_bytes(),
            &mut out,
        );
        assert_eq!(out, b"short\n[REDACTED:line-too-long:bytes=40]\nend\n");
        out.clear();
        c.text(
            "r",
            format!("{}\r\nok\n", "y".repeat(17)).as_bytes(),
            &mut out,
        );
        assert_eq!(out, b"[REDACTED:line-too-long:bytes=17]\r\nok\n");
        assert_eq!(c.counts.oversize_lines, 2);
    }

    #[test]
    fn a_pem_block_is_followed_across_messages_of_one_stream_only() {
        let mut c = core(1 << 20);
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        let mut out = Vec::new();
        c.message("a", b"-----BEGIN PRIVATE KEY-----\n", &mut out);
        let mut other = Vec::new();
        c.message("b", format!("{body}\n").as_bytes(), &mut other);
        assert_eq!(
            other,
            format!("{body}\n").as_bytes(),
            "stream b has no open block"
        );
        out.clear();
        c.message("a", format!("{body}\n").as_bytes(), &mut out);
        assert!(
            !String::from_utf8_lossy(&out).contains(body),
            "stream a continues its block"
        );
    }
}
