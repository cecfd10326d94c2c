//! How many followed files the file sources may hold open at once.
//!
//! A tailer keeps its file open so a renamed file can be drained, but the process has one
//! open-files limit for everything: followed files, the file sink's outputs, sockets, the
//! state dir, inotify, journalctl's pipes. The file sources of a process share one
//! [`Handles`] budget, about half of what the limit leaves after a fixed reserve
//! ([`budget_for`]); the file sink keeps its own cap (an eighth of the limit). Beyond the
//! budget a source closes the handles of its least recently active tailers that are idle at
//! EOF ([`super::FileTailer::park`]) before it opens another file, and reopens them when their
//! path changes. If an open still fails with EMFILE/ENFILE (another part of the process, or
//! the system, took the descriptors) the budget is lowered to what was open then.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Descriptors left to everything but the followed files and the file sink's outputs.
const RESERVED: u64 = 64;
/// The budget never goes below this, however low the limit.
const MIN_BUDGET: usize = 4;
/// The budget when the limit cannot be read.
const UNKNOWN_LIMIT_BUDGET: usize = 512;

/// Followed files the file sources may hold open under an open-files limit of `limit`
/// (0: unknown): half of what is left after [`RESERVED`] descriptors, so the file sink's
/// cap (an eighth of the limit) and the reserve fit beside it.
pub fn budget_for(limit: u64) -> usize {
    if limit == 0 {
        return UNKNOWN_LIMIT_BUDGET;
    }
    usize::try_from(limit.saturating_sub(RESERVED) / 2)
        .unwrap_or(usize::MAX)
        .max(MIN_BUDGET)
}

/// The budget shared by the file sources of a process, and how much of it is in use.
#[derive(Debug)]
pub struct Handles {
    budget: AtomicUsize,
    open: AtomicUsize,
    /// Handles a source could not find room for; other sources close as many idle ones.
    wanted: AtomicUsize,
}

impl Handles {
    /// A budget of `budget` handles, none in use.
    pub fn with_budget(budget: usize) -> Arc<Self> {
        Arc::new(Handles {
            budget: AtomicUsize::new(budget.max(1)),
            open: AtomicUsize::new(0),
            wanted: AtomicUsize::new(0),
        })
    }

    /// The process's budget, from its open-files limit (after it was raised).
    pub fn process() -> Arc<Self> {
        static PROCESS: OnceLock<Arc<Handles>> = OnceLock::new();
        Arc::clone(
            PROCESS.get_or_init(|| Handles::with_budget(budget_for(super::raise_fd_limit()))),
        )
    }

    pub fn budget(&self) -> usize {
        self.budget.load(Ordering::Relaxed)
    }

    pub fn in_use(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Whether another handle may be opened now.
    pub fn has_room(&self) -> bool {
        self.in_use() < self.budget()
    }

    /// A handle was opened.
    pub fn opened(&self) {
        self.open.fetch_add(1, Ordering::Relaxed);
    }

    /// `n` handles were closed.
    pub fn closed(&self, n: usize) {
        let _ = self
            .open
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                Some(o.saturating_sub(n))
            });
    }

    /// An open failed for lack of descriptors with `open` handles in use: the budget becomes
    /// a little below that (never below [`MIN_BUDGET`]). Returns the new budget.
    pub fn exhausted_at(&self, open: usize) -> usize {
        let to = open.saturating_sub(open / 8 + 1).max(MIN_BUDGET);
        self.budget.fetch_min(to, Ordering::Relaxed).min(to)
    }

    /// Ask other sources to close idle handles: `now` instead of the `before` asked last time.
    pub fn ask(&self, before: usize, now: usize) {
        let _ = self
            .wanted
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |w| {
                Some(w.saturating_sub(before) + now)
            });
    }

    /// Handles some source asked for (and no longer asks for).
    pub fn take_wanted(&self) -> usize {
        self.wanted.swap(0, Ordering::Relaxed)
    }
}

/// The keys of `candidates`, least recently active first: the order idle handles are closed in.
pub fn least_recent<K>(candidates: impl IntoIterator<Item = (K, Instant)>) -> Vec<K> {
    let mut c: Vec<(K, Instant)> = candidates.into_iter().collect();
    c.sort_by_key(|(_, at)| *at);
    c.into_iter().map(|(k, _)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn budget_leaves_room_for_the_sink_cap_and_the_reserve() {
        assert_eq!(budget_for(256), 96);
        // The file sink's cap is an eighth of the limit, plus a quarter of that waiting for
        // their sync: both and the reserve fit.
        for limit in [128, 256, 1024, 4096, 524_288] {
            let total = budget_for(limit) as u64 + limit / 8 + limit / 32 + 1 + RESERVED;
            assert!(total <= limit, "limit {limit}: {total}");
        }
        assert_eq!(budget_for(10), MIN_BUDGET);
        assert_eq!(budget_for(0), UNKNOWN_LIMIT_BUDGET);
        assert!(budget_for(u64::MAX) > 1 << 20);
    }

    #[test]
    fn exhaustion_lowers_the_budget_below_what_was_open_and_never_raises_it() {
        let h = Handles::with_budget(96);
        assert_eq!(h.exhausted_at(80), 69);
        assert_eq!(h.budget(), 69);
        assert_eq!(h.exhausted_at(90), 69, "never raised");
        assert_eq!(h.exhausted_at(2), MIN_BUDGET);
    }

    #[test]
    fn room_counts_open_handles() {
        let h = Handles::with_budget(2);
        assert!(h.has_room());
        h.opened();
        h.opened();
        assert!(!h.has_room());
        h.closed(1);
        assert!(h.has_room());
        h.closed(5);
        assert_eq!(h.in_use(), 0, "never below 0");
    }

    #[test]
    fn least_recent_is_oldest_first() {
        let t = Instant::now();
        let order = least_recent([
            ("b", t + Duration::from_secs(2)),
            ("a", t),
            ("c", t + Duration::from_secs(5)),
        ]);
        assert_eq!(order, ["a", "b", "c"]);
    }

    #[test]
    fn wanted_is_taken_once() {
        let h = Handles::with_budget(4);
        h.ask(0, 3);
        h.ask(3, 1);
        h.ask(0, 2);
        assert_eq!(h.take_wanted(), 3);
        assert_eq!(h.take_wanted(), 0);
        h.ask(1, 0);
        assert_eq!(h.take_wanted(), 0, "never below 0");
    }
}
