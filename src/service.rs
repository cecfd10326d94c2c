//! systemd integration: `READY=1` once the daemon is up, a one-line `STATUS=`, and `WATCHDOG=1`
//! pings that come from the pipeline's liveness, not from a timer.
//!
//! Each blocking stage (scrub and sink threads) marks itself busy while it works on one item
//! ([`Liveness::busy`]). The watchdog pings only while no stage has been busy on one item for
//! longer than half the watchdog interval: a hung write (a dead NFS mount, a stuck disk) or a
//! runaway scrub stops the pings and systemd restarts scrubd. Waiting for work or backing off
//! between retries is not being busy: a sink that keeps failing is alive, and counted in
//! metrics instead. Outside systemd (no `NOTIFY_SOCKET`) every call here does nothing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Per-stage "busy since" clocks (milliseconds since start, 0 = idle).
pub struct Liveness {
    start: Instant,
    stages: Vec<(String, AtomicU64)>,
}

/// Marks a stage busy until dropped.
pub struct Busy<'a> {
    slot: &'a AtomicU64,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.slot.store(0, Ordering::Relaxed);
    }
}

impl Liveness {
    pub fn new(stage_names: Vec<String>) -> Arc<Self> {
        Arc::new(Liveness {
            start: Instant::now(),
            stages: stage_names
                .into_iter()
                .map(|n| (n, AtomicU64::new(0)))
                .collect(),
        })
    }

    /// Index of the stage called `name`.
    pub fn stage(&self, name: &str) -> usize {
        self.stages
            .iter()
            .position(|(n, _)| n == name)
            .expect("stage registered at start")
    }

    /// Mark stage `i` busy for the lifetime of the returned guard.
    pub fn busy(&self, i: usize) -> Busy<'_> {
        let now = self.start.elapsed().as_millis() as u64 + 1;
        self.stages[i].1.store(now, Ordering::Relaxed);
        Busy {
            slot: &self.stages[i].1,
        }
    }

    /// A stage busy on one item for longer than `limit`, if any.
    pub fn stuck(&self, limit: Duration) -> Option<(&str, Duration)> {
        let now = self.start.elapsed().as_millis() as u64 + 1;
        self.stages.iter().find_map(|(name, since)| {
            let since = since.load(Ordering::Relaxed);
            let busy = Duration::from_millis(now.saturating_sub(since));
            (since != 0 && busy > limit).then_some((name.as_str(), busy))
        })
    }
}

/// Tell systemd startup is complete.
pub fn ready(status: &str) {
    let _ = sd_notify::notify(&[
        sd_notify::NotifyState::Ready,
        sd_notify::NotifyState::Status(status),
    ]);
}

/// Update the one-line status `systemctl status` shows.
pub fn status(status: &str) {
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Status(status)]);
}

/// Tell systemd shutdown has begun.
pub fn stopping() {
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
}

/// The watchdog interval systemd asked for (`WatchdogSec=`), if any.
pub fn watchdog_interval() -> Option<Duration> {
    sd_notify::watchdog_enabled()
}

/// Ping the watchdog if no stage is stuck; returns the stuck stage otherwise.
pub fn watchdog_ping(live: &Liveness, interval: Duration) -> Result<(), String> {
    match live.stuck(interval / 2) {
        None => {
            let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
            Ok(())
        }
        Some((stage, busy)) => Err(format!(
            "{stage} busy on one item for {:.1}s",
            busy.as_secs_f64()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_stages_are_not_stuck() {
        let l = Liveness::new(vec!["a".into(), "b".into()]);
        assert_eq!(l.stuck(Duration::ZERO), None);
    }

    #[test]
    fn a_stage_busy_too_long_is_stuck_until_it_finishes() {
        let l = Liveness::new(vec!["scrub-app".into()]);
        let g = l.busy(l.stage("scrub-app"));
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(
            l.stuck(Duration::from_millis(10)).map(|(n, _)| n),
            Some("scrub-app")
        );
        assert_eq!(l.stuck(Duration::from_secs(10)), None);
        drop(g);
        assert_eq!(l.stuck(Duration::ZERO), None);
    }
}
