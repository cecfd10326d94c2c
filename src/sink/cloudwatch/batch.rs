//! PutLogEvents' limits as pure functions, shared by the CloudWatch sink and the Lambda
//! entry (`scrubd lambda`): how many queued events fit in one call, how an over-long message
//! is split, what a legal stream name is, and what the answer's rejected-event indexes mean.
//!
//! Sizes are measured on the scrubbed text as sent: a placeholder can be longer than the
//! secret it replaced, so a batch cut before scrubbing could break a limit after it.

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

/// How many events from the front of a queue fit in one PutLogEvents call. `events` yields
/// each queued event's timestamp and message length, in queue order.
pub fn batch_len(events: impl IntoIterator<Item = (i64, usize)>) -> usize {
    let mut bytes = 0;
    let mut n = 0;
    let mut prev: Option<i64> = None;
    let mut first: Option<i64> = None;
    for (ts, len) in events {
        let size = len + EVENT_OVERHEAD;
        let first = *first.get_or_insert(ts);
        if n == MAX_BATCH_EVENTS
            || bytes + size > MAX_BATCH_BYTES
            || prev.is_some_and(|p| ts < p)
            || ts - first > MAX_BATCH_SPAN_MS
        {
            break;
        }
        bytes += size;
        n += 1;
        prev = Some(ts);
    }
    n
}

/// Split a message longer than [`MAX_EVENT_BYTES`] into parts no longer than that: after the
/// last `\n` that fits, else at the last character boundary that fits.
pub fn split_message(message: String) -> Vec<String> {
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
    let mut s: String = input
        .chars()
        .map(|c| if c == ':' || c == '*' { '_' } else { c })
        .collect();
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

/// What PutLogEvents said it did not store, by index into the batch.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub too_new_from: Option<usize>,
    pub too_old_to: Option<usize>,
    pub expired_to: Option<usize>,
}

impl Rejected {
    pub fn any(&self) -> bool {
        self.too_new_from.is_some() || self.too_old_to.is_some() || self.expired_to.is_some()
    }

    /// Why event `i` of `n` was rejected, if it was.
    pub fn reason(&self, i: usize, n: usize) -> Option<&'static str> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ev(ts: i64, len: usize) -> (i64, usize) {
        (ts, len)
    }

    #[test]
    fn batches_stop_at_each_limit() {
        let q: Vec<_> = (0..MAX_BATCH_EVENTS + 5).map(|i| ev(i as i64, 1)).collect();
        assert_eq!(batch_len(q), MAX_BATCH_EVENTS, "event count");
        let big = MAX_BATCH_BYTES / 4 - EVENT_OVERHEAD;
        let q: Vec<_> = (0..5).map(|i| ev(i, big)).collect();
        assert_eq!(batch_len(q), 4, "bytes, overhead included: 4 fit exactly");
        let q: Vec<_> = (0..5).map(|i| ev(i, big + 1)).collect();
        assert_eq!(batch_len(q), 3, "one byte more each: only 3 fit");
        let q = [ev(5, 1), ev(6, 1), ev(4, 1), ev(7, 1)];
        assert_eq!(batch_len(q), 2, "a step back in time starts a new batch");
        let q = [
            ev(0, 1),
            ev(MAX_BATCH_SPAN_MS, 1),
            ev(MAX_BATCH_SPAN_MS + 1, 1),
        ];
        assert_eq!(batch_len(q), 2, "24 h span");
        assert_eq!(batch_len([]), 0);
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
        assert_eq!(
            stream_name("2026/11/24/[$LATEST]ab"),
            "2026/11/24/[$LATEST]ab"
        );
        assert_eq!(stream_name("a:b*c"), "a_b_c");
        assert_eq!(stream_name(""), "_");
        assert_eq!(stream_name(&"ü".repeat(300)).len(), 512);
    }

    #[test]
    fn rejected_indexes_map_to_reasons() {
        let r = Rejected {
            too_new_from: Some(3),
            too_old_to: Some(0),
            expired_to: None,
        };
        let reasons: Vec<_> = (0..5).map(|i| r.reason(i, 5)).collect();
        assert_eq!(
            reasons,
            vec![
                Some("too_old"),
                None,
                None,
                Some("too_new"),
                Some("too_new")
            ]
        );
    }

    proptest! {
        /// Cutting a queue into batches never breaks a limit and never drops or reorders.
        #[test]
        fn batching_respects_the_limits(sizes in proptest::collection::vec((0i64..100_000_000, 0usize..300_000), 1..60)) {
            let mut q: Vec<(i64, String)> = sizes.iter().flat_map(|&(ts, len)| {
                split_message("y".repeat(len.max(1))).into_iter().map(move |m| (ts, m))
            }).collect();
            let all: Vec<String> = q.iter().map(|e| e.1.clone()).collect();
            let mut sent = Vec::new();
            while !q.is_empty() {
                let n = batch_len(q.iter().map(|(ts, m)| (*ts, m.len())));
                prop_assert!(n > 0);
                let batch: Vec<(i64, String)> = q.drain(..n).collect();
                prop_assert!(batch.len() <= MAX_BATCH_EVENTS);
                prop_assert!(batch.iter().map(|e| e.1.len() + EVENT_OVERHEAD).sum::<usize>() <= MAX_BATCH_BYTES);
                prop_assert!(batch.windows(2).all(|w| w[0].0 <= w[1].0));
                prop_assert!(batch.last().unwrap().0 - batch[0].0 <= MAX_BATCH_SPAN_MS);
                prop_assert!(batch.iter().all(|e| e.1.len() <= MAX_EVENT_BYTES));
                sent.extend(batch.into_iter().map(|e| e.1));
            }
            prop_assert_eq!(sent, all);
        }
    }
}
