//! The read window of one log group: which event times the next FilterLogEvents covers, and
//! which events inside it were already delivered.
//!
//! Each poll reads `[start, end]` with `end` = now. Events are indexed by their own timestamp,
//! but arrive (are ingested) seconds later, so an event stamped just before `end` may only be
//! readable after the poll. The next window therefore starts `overlap` before the last `end`,
//! and events already delivered from the overlap are recognised by id and skipped. An event
//! ingested more than `overlap` after its timestamp is missed; `late` counts those that were
//! caught inside the overlap, so operators can see how close they run to the edge.

use std::collections::BTreeMap;

use crate::checkpoint::GroupPosition;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The next read starts at this event time (inclusive).
    start_ms: i64,
    /// Delivered events with timestamp >= `start_ms`: id → timestamp.
    seen: BTreeMap<String, i64>,
    overlap_ms: i64,
    /// End of the last completed read: events older than this that are new now came late.
    read_until_ms: i64,
}

impl Window {
    /// A window starting at `start_ms`.
    pub fn new(start_ms: i64, overlap_ms: i64) -> Self {
        Window {
            start_ms,
            seen: BTreeMap::new(),
            overlap_ms,
            read_until_ms: start_ms,
        }
    }

    /// The window a checkpoint left.
    pub fn resume(pos: &GroupPosition, overlap_ms: i64) -> Self {
        Window {
            start_ms: pos.start_ms,
            seen: pos.seen.clone(),
            overlap_ms,
            read_until_ms: pos.start_ms,
        }
    }

    pub fn start_ms(&self) -> i64 {
        self.start_ms
    }

    /// Event time up to which every event ingested in time has been read.
    pub fn read_until_ms(&self) -> i64 {
        self.read_until_ms
    }

    /// Whether the event is new; if so it is remembered as delivered. Returns
    /// `Some(late)` for a new event (`late`: stamped before the end of a completed read).
    pub fn admit(&mut self, id: &str, timestamp_ms: i64) -> Option<bool> {
        if timestamp_ms < self.start_ms || self.seen.contains_key(id) {
            // Before the window: the server was asked not to send it; if it does, it was
            // delivered by an earlier window.
            return None;
        }
        self.seen.insert(id.to_string(), timestamp_ms);
        Some(timestamp_ms < self.read_until_ms)
    }

    /// A read of `[start, end]` finished, every page of it: the next starts `overlap` before
    /// `end` (never before the current start), and ids older than that are forgotten.
    pub fn complete(&mut self, end_ms: i64) {
        self.read_until_ms = self.read_until_ms.max(end_ms);
        let next = (end_ms - self.overlap_ms).max(self.start_ms);
        if next > self.start_ms {
            self.start_ms = next;
            self.seen.retain(|_, ts| *ts >= next);
        }
    }

    /// No event exists before `ts` (the server said so): move the start up to it.
    pub fn skip_to(&mut self, ts: i64) {
        if ts > self.start_ms {
            self.start_ms = ts;
            self.read_until_ms = self.read_until_ms.max(ts);
            self.seen.retain(|_, t| *t >= ts);
        }
    }

    /// The checkpoint of this window.
    pub fn position(&self, source: &str, group: &str) -> GroupPosition {
        GroupPosition {
            source: source.to_string(),
            group: group.to_string(),
            start_ms: self.start_ms,
            seen: self.seen.clone(),
        }
    }

    /// How many delivered ids are remembered.
    #[cfg(test)]
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn overlap_rereads_skip_what_was_delivered() {
        let mut w = Window::new(1_000, 500);
        assert_eq!(w.admit("a", 1_100), Some(false));
        assert_eq!(w.admit("a", 1_100), None, "same id twice in one read");
        w.complete(2_000);
        assert_eq!(w.start_ms(), 1_500);
        assert_eq!(w.remembered(), 0, "a at 1100 is before the new start");
        assert_eq!(
            w.admit("b", 1_900),
            Some(true),
            "late: stamped inside the last read"
        );
        assert_eq!(w.admit("c", 2_100), Some(false));
        w.complete(3_000);
        assert_eq!(w.admit("c", 2_100), None, "c re-read from the overlap");
        assert_eq!(w.start_ms(), 2_500);
        assert_eq!(w.admit("b", 1_900), None, "before the window");
    }

    #[test]
    fn resuming_from_a_position_keeps_the_dedup_set() {
        let mut w = Window::new(0, 1_000);
        w.admit("x", 50);
        let pos = w.position("cw", "/g");
        let mut again = Window::resume(&pos, 1_000);
        assert_eq!(again.admit("x", 50), None);
        assert_eq!(again.admit("y", 60), Some(false));
    }

    #[test]
    fn the_start_never_moves_back() {
        let mut w = Window::new(10_000, 5_000);
        w.complete(12_000);
        assert_eq!(w.start_ms(), 10_000);
    }

    proptest! {
        /// Whatever the order in which events become visible (each at most `overlap` after
        /// its timestamp) and however the polls fall, every event is admitted exactly once.
        #[test]
        fn every_event_exactly_once_when_delay_is_within_overlap(
            events in proptest::collection::vec((0i64..10_000, 0i64..=1_000), 1..200),
            polls in proptest::collection::vec(1i64..1_500, 1..40),
        ) {
            let overlap = 1_000;
            let mut w = Window::new(0, overlap);
            let mut delivered = vec![0u32; events.len()];
            let mut now = 0;
            let mut step = polls.iter().cycle();
            while now < 12_000 {
                now += step.next().unwrap();
                // Visible: ingested (timestamp + delay) by now; the read covers [start, now].
                for (i, &(ts, delay)) in events.iter().enumerate() {
                    if ts + delay <= now && ts >= w.start_ms() && ts <= now && w.admit(&i.to_string(), ts).is_some() {
                        delivered[i] += 1;
                    }
                }
                w.complete(now);
            }
            prop_assert!(delivered.iter().all(|&n| n == 1), "{delivered:?}");
        }
    }
}
