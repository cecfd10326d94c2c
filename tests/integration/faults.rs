//! Fault injection against `scrubd run` as a whole program: kill -9 in a loop during writes and
//! rotations, a full output disk, an unwritable state dir, wall-clock jumps, thousands of files
//! at once and a low fd limit. Real processes, real files, real tmpfs mounts (the tests run as
//! root; a failed mount fails the test, it never skips), metrics scraped over HTTP.
//!
//! The long soak is `scripts/soak.sh` (see README, "Soak and fault scenarios").

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::common::*;

/// A small deterministic PRNG (xorshift), seeded from the clock and printed so a failing run
/// can be repeated with `SCRUBD_FAULT_SEED`.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("SCRUBD_FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("SCRUBD_FAULT_SEED={seed}");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Appends numbered lines to `logs/<tag>.log` in batches and rotates it (rename to
/// `<tag>.log.<k>` + create) every `rotate_every` batches.
fn spawn_rotating_writer(
    logs: PathBuf,
    tag: &'static str,
    batch: usize,
    rotate_every: usize,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<(usize, usize)> {
    std::thread::spawn(move || {
        let path = logs.join(format!("{tag}.log"));
        let open = || {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .unwrap()
        };
        let mut f = open();
        let (mut n, mut rotations) = (0, 0);
        let mut batches = 0;
        while !stop.load(std::sync::atomic::Ordering::SeqCst) {
            f.write_all(numbered(tag, n, n + batch).as_bytes()).unwrap();
            n += batch;
            batches += 1;
            if batches % rotate_every == 0 {
                rotations += 1;
                std::fs::rename(&path, logs.join(format!("{tag}.log.{rotations}"))).unwrap();
                f = open();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        (n, rotations)
    })
}

/// kill -9 `kills` times at random moments (`min_ms..max_ms` after each start) while two
/// writers write and rotate; restart each time. (The writers do not write to a renamed file:
/// that path is `kill9_after_a_straggler_write_*`.) Then: every line is in the output, and the
/// duplicates in the output equal the sum of `scrubd_duplicate_lines_total` over the restarts.
fn kill9_loop(kills: usize, min_ms: u64, max_ms: u64, rotate_every: usize) {
    let mut d = Scrubd::with_defaults();
    let mut rng = Rng::new();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = ["x", "y"]
        .into_iter()
        .map(|tag| {
            (
                tag,
                spawn_rotating_writer(d.path("logs"), tag, 20, rotate_every, stop.clone()),
            )
        })
        .collect();
    let mut counted = 0.0;
    let started = Instant::now();
    // Per restart: the outputs' lengths at the kill, what it counted, the checkpoints it
    // started from (to tell, when the total is off, which restart and which output miss).
    let mut restarts = Vec::new();
    for _ in 0..kills {
        std::thread::sleep(Duration::from_millis(min_ms + rng.below(max_ms - min_ms)));
        d.kill9();
        let at_kill: BTreeMap<PathBuf, usize> =
            d.outputs().into_iter().map(|(p, b)| (p, b.len())).collect();
        std::thread::sleep(Duration::from_millis(rng.below(300)));
        let checkpoints =
            std::fs::read_to_string(d.path("state/checkpoints.json")).unwrap_or_default();
        d.start();
        // Counted once, at start-up, before /healthz turns ready.
        let c = d.metric("scrubd_duplicate_lines_total{source=\"app\"}");
        counted += c;
        restarts.push((at_kill, c, checkpoints));
    }
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written: Vec<(&str, usize, usize)> = writers
        .into_iter()
        .map(|(t, w)| (t, w.join().unwrap()))
        .map(|(t, (n, r))| (t, n, r))
        .collect();
    let total: usize = written.iter().map(|w| w.1).sum();
    wait_until(Duration::from_secs(60), "every line delivered", || {
        let seen = census(&d.output_lines());
        written
            .iter()
            .all(|&(t, n, _)| (0..n).all(|i| seen.contains_key(&(t.to_string(), i))))
    });
    std::thread::sleep(Duration::from_millis(1500));
    let lines = d.output_lines();
    let seen = census(&lines);
    let dups: usize = written
        .iter()
        .map(|&(t, n, _)| assert_complete(&seen, t, n))
        .sum();
    eprintln!(
        "kill -9 x{kills} over {:.1} s: {total} lines written ({} rotations), {} out, {dups} duplicates, {counted} counted by scrubd_duplicate_lines_total",
        started.elapsed().as_secs_f64(),
        written.iter().map(|w| w.2).sum::<usize>(),
        lines.len()
    );
    assert_eq!(lines.len(), total + dups);
    report_resent_by_restart(&d.outputs(), &restarts);
    // The duplicate counter is counted at each start from the outputs beyond the checkpoints'
    // sink marks (see `resent_lines`). Debug builds under load used to undercount about one
    // run in seven (4,900 duplicates, 3,820 counted in one CI run), for two causes this
    // breakdown found: a new file's output written before it was on record (a kill before the
    // checkpoint that followed), and a rotation while scrubd started (the re-read file counted
    // by its path, by then a new file's). Both are fixed and unit-tested; within 2 % of the
    // truth.
    let off = (dups as f64 - counted).abs();
    assert!(
        off <= (dups as f64 * 0.02).max(50.0),
        "duplicates in the output {dups} vs. scrubd_duplicate_lines_total {counted}"
    );
    d.stop();
}

/// For each restart (outputs' lengths at its kill, what it counted, its checkpoints): the lines
/// it wrote, per output, that the outputs held before it, printed next to what it counted (with
/// its checkpoints when they differ).
fn report_resent_by_restart(
    end: &[(PathBuf, Vec<u8>)],
    restarts: &[(BTreeMap<PathBuf, usize>, f64, String)],
) {
    for (k, (at, counted, checkpoints)) in restarts.iter().enumerate() {
        let next = restarts.get(k + 1).map(|r| &r.0);
        let region = |p: &PathBuf, len: usize| {
            let from = at.get(p).copied().unwrap_or(0).min(len);
            let to = next.and_then(|n| n.get(p).copied()).unwrap_or(len).min(len);
            (from, to.max(from))
        };
        let before: std::collections::HashSet<&[u8]> = end
            .iter()
            .flat_map(|(p, b)| b[..region(p, b.len()).0].split(|&c| c == b'\n'))
            .collect();
        let per: Vec<(&PathBuf, usize, usize)> = end
            .iter()
            .map(|(p, b)| {
                let (from, to) = region(p, b.len());
                let n = b[from..to]
                    .split(|&c| c == b'\n')
                    .filter(|l| !l.is_empty() && before.contains(l))
                    .count();
                (p, n, from)
            })
            .filter(|&(_, n, _)| n > 0)
            .collect();
        let wrote: usize = per.iter().map(|p| p.1).sum();
        eprintln!("restart {k}: counted {counted}, wrote {wrote} lines the outputs held: {per:?}");
        if (wrote as f64 - counted).abs() > 0.5 {
            eprintln!("restart {k} started from these checkpoints:\n{checkpoints}");
        }
    }
}

#[test]
fn kill9_loop_during_writes_and_rotations_loses_nothing_and_counts_duplicates() {
    // Each restart lives long enough (>= 2 s) to checkpoint what it re-sent; faster kills hit
    // the over-count below.
    kill9_loop(6, 2000, 3500, 40);
}

/// Fill the file system holding `path` with `path` (ENOSPC), then free `leave` bytes of it.
fn fill(path: &Path, leave: u64) {
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![b'f'; 4096];
    loop {
        match f.write(&block) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => break,
            Err(e) => panic!("filling {}: {e}", path.display()),
        }
    }
    let len = f.metadata().unwrap().len();
    f.set_len(len.saturating_sub(leave)).unwrap();
}

/// A tmpfs output dir fills up while lines arrive; space returns (a filler deleted), fills up
/// again, returns (remounted bigger). Returns the output lines, with what `census_with_malformed`
/// makes of them.
fn sink_disk_full_scenario() -> (Vec<String>, Census, Vec<String>) {
    let mut d = Scrubd::new(Opts::default(), |d| d.mount_tmpfs("out", "1m"));
    let log = d.path("logs/app.log");
    let errors = |d: &Scrubd| d.metric("scrubd_sink_errors_total{sink=\"scrubbed\"}");
    // Phase 1: a filler leaves 16 KiB; 6000 lines (~180 KiB scrubbed) do not fit.
    fill(&d.path("out/filler"), 16 << 10);
    append(&log, &numbered("d", 0, 6000));
    wait_until(Duration::from_secs(30), "sink errors counted", || {
        errors(&d) >= 3.0
    });
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        d.alive(),
        "scrubd died on a full disk; stderr:\n{}",
        d.stderr_tail()
    );
    assert_eq!(http_get(d.port, "/healthz").map(|r| r.0), Some(200));
    let stuck = d.output_lines().len();
    assert!(stuck < 6000, "all {stuck} lines fit: the disk was not full");
    assert!(!d.stderr().contains(SECRET), "secret in scrubd's own log");
    std::fs::remove_file(d.path("out/filler")).unwrap();
    wait_until(
        Duration::from_secs(30),
        "6000 lines once space returns",
        || census_with_malformed(&d.output_lines()).0.len() >= 6000,
    );
    // Phase 2: full again, then the tmpfs is remounted bigger.
    fill(&d.path("out/filler"), 0);
    let before = errors(&d);
    append(&log, &numbered("d", 6000, 8000));
    wait_until(Duration::from_secs(30), "more sink errors", || {
        errors(&d) > before
    });
    d.remount("out", "size=4m");
    wait_until(Duration::from_secs(30), "8000 lines after remount", || {
        census_with_malformed(&d.output_lines()).0.len() >= 8000
    });
    std::thread::sleep(Duration::from_millis(500));
    let lines = d.output_lines();
    let (seen, malformed) = census_with_malformed(&lines);
    eprintln!(
        "disk full: {} sink errors; 8000 lines in, {} out: {} distinct, {} malformed",
        errors(&d),
        lines.len(),
        seen.len(),
        malformed.len()
    );
    assert_eq!(d.metric("scrubd_checkpoint_errors_total"), 0.0);
    d.stop();
    (lines, seen, malformed)
}

#[test]
fn sink_disk_full_backs_off_loses_nothing_and_delivers_once_space_returns() {
    let (_, seen, _) = sink_disk_full_scenario();
    assert_complete(&seen, "d", 8000);
}

#[test]
fn sink_disk_full_leaves_no_line_fragment_and_no_duplicate() {
    let (_, seen, malformed) = sink_disk_full_scenario();
    assert!(
        malformed.is_empty(),
        "fragments glued to lines in the output: {malformed:?}"
    );
    assert_eq!(
        assert_complete(&seen, "d", 8000),
        0,
        "duplicates after a full disk"
    );
}

#[test]
fn unwritable_state_dir_counts_checkpoint_errors_output_continues_checkpoints_resume() {
    let mut d = Scrubd::new(Opts::default(), |d| d.mount_tmpfs("state", "256k"));
    let log = d.path("logs/app.log");
    append(&log, &numbered("s", 0, 100));
    wait_until(Duration::from_secs(20), "first checkpoint", || {
        checkpointed(&d, "app.log") == size(&log)
    });

    // Read-only state dir (root ignores permission bits; a read-only mount it cannot).
    d.remount("state", "ro");
    let before = size(&log);
    append(&log, &numbered("s", 100, 300));
    wait_until(Duration::from_secs(20), "output continues", || {
        d.output_lines().len() >= 300
    });
    wait_until(Duration::from_secs(20), "checkpoint errors counted", || {
        d.metric("scrubd_checkpoint_errors_total") >= 1.0
    });
    assert!(
        d.alive(),
        "scrubd died on a read-only state dir; stderr:\n{}",
        d.stderr_tail()
    );
    assert_eq!(
        checkpointed(&d, "app.log"),
        before,
        "checkpoint moved on a read-only fs?"
    );
    d.remount("state", "rw");
    append(&log, &numbered("s", 300, 310));
    wait_until(
        Duration::from_secs(20),
        "checkpoints resume once writable",
        || checkpointed(&d, "app.log") == size(&log),
    );

    // Full state dir.
    fill(&d.path("state/filler"), 0);
    let errors = d.metric("scrubd_checkpoint_errors_total");
    let before = size(&log);
    append(&log, &numbered("s", 310, 500));
    wait_until(
        Duration::from_secs(20),
        "output continues on a full state dir",
        || d.output_lines().len() >= 500,
    );
    wait_until(Duration::from_secs(20), "more checkpoint errors", || {
        d.metric("scrubd_checkpoint_errors_total") > errors
    });
    assert_eq!(checkpointed(&d, "app.log"), before);
    std::fs::remove_file(d.path("state/filler")).unwrap();
    append(&log, &numbered("s", 500, 510));
    wait_until(
        Duration::from_secs(20),
        "checkpoints resume once space returns",
        || checkpointed(&d, "app.log") == size(&log),
    );

    // The checkpoints written after the faults are good ones: a kill -9 now loses nothing.
    d.kill9();
    append(&log, &numbered("s", 510, 600));
    d.start();
    wait_until(Duration::from_secs(20), "600 lines after restart", || {
        census(&d.output_lines()).len() >= 600
    });
    std::thread::sleep(Duration::from_millis(500));
    let seen = census(&d.output_lines());
    assert_complete(&seen, "s", 600);
    assert_eq!(d.metric("scrubd_sink_errors_total{sink=\"scrubbed\"}"), 0.0);
    d.stop();
}

#[test]
fn checkpoints_resume_when_the_state_dir_is_writable_again_without_new_lines() {
    let d = Scrubd::new(Opts::default(), |d| d.mount_tmpfs("state", "256k"));
    let log = d.path("logs/app.log");
    append(&log, &numbered("q", 0, 100));
    wait_until(Duration::from_secs(20), "first checkpoint", || {
        checkpointed(&d, "app.log") == size(&log)
    });
    d.remount("state", "ro");
    append(&log, &numbered("q", 100, 200));
    wait_until(Duration::from_secs(20), "checkpoint errors counted", || {
        d.metric("scrubd_checkpoint_errors_total") >= 1.0
    });
    wait_until(Duration::from_secs(20), "output", || {
        d.output_lines().len() >= 200
    });
    d.remount("state", "rw");
    // No new line: the pending checkpoint alone must be retried.
    wait_until(
        Duration::from_secs(10),
        "checkpoint retried once writable",
        || checkpointed(&d, "app.log") == size(&log),
    );
}

/// libfaketime's thread-safe build, as Debian's `faketime` package installs it.
fn libfaketime() -> PathBuf {
    let arch = std::env::consts::ARCH;
    let candidates = [
        format!("/usr/lib/{arch}-linux-gnu/faketime/libfaketimeMT.so.1"),
        "/usr/lib/faketime/libfaketimeMT.so.1".to_string(),
        "/usr/local/lib/faketime/libfaketimeMT.so.1".to_string(),
    ];
    candidates.iter().map(PathBuf::from).find(|p| p.exists()).unwrap_or_else(|| {
        panic!("libfaketime not found in {candidates:?}: apt-get install faketime (scripts/test.sh installs it)")
    })
}

/// `updated_unix_secs` of the checkpoint of `logs/<name>`: the daemon's wall clock at its last set.
fn checkpoint_clock(d: &Scrubd, name: &str) -> u64 {
    let text = std::fs::read_to_string(d.path(d.opts.state).join("checkpoints.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(&format!("logs/{name}")))
        })
        .and_then(|f| f["updated_unix_secs"].as_u64())
        .unwrap()
}

/// A daemon whose wall clock (CLOCK_REALTIME) follows the offset in `<root>/faketime.rc`
/// (libfaketime, re-read every second); its monotonic clock, which the kernel never moves
/// backwards, is left alone.
fn daemon_with_fake_wall_clock() -> Scrubd {
    Scrubd::new(Opts::default(), |d| {
        let rc = d.path("faketime.rc");
        std::fs::write(&rc, "+0\n").unwrap();
        d.opts.env = vec![
            ("LD_PRELOAD".into(), libfaketime().display().to_string()),
            ("FAKETIME_TIMESTAMP_FILE".into(), rc.display().to_string()),
            ("FAKETIME_CACHE_DURATION".into(), "1".into()),
            ("FAKETIME_DONT_FAKE_MONOTONIC".into(), "1".into()),
        ];
    })
}

/// Set the daemon's wall-clock offset and wait until libfaketime applies it (it caches the
/// file for FAKETIME_CACHE_DURATION = 1 s, counted in whole seconds).
fn jump_wall_clock(d: &Scrubd, offset: &str) {
    std::fs::write(d.path("faketime.rc"), format!("{offset}\n")).unwrap();
    std::thread::sleep(Duration::from_millis(2500));
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn wall_clock_jumps_back_and_forth_lose_nothing() {
    let mut d = daemon_with_fake_wall_clock();
    let log = d.path("logs/app.log");
    let day = 86_400;
    let mut n = 0;
    // (offset, check of the daemon's clock as recorded in its checkpoint)
    let jumps: [(&str, &dyn Fn(u64) -> bool); 3] = [
        ("-400d", &|t| t < unix_now() - 399 * day),
        ("+3650d", &|t| t > unix_now() + 3649 * day),
        ("+0", &|t| t.abs_diff(unix_now()) < 60),
    ];
    for (offset, clock_ok) in jumps {
        jump_wall_clock(&d, offset);
        append(&log, &numbered("t", n, n + 200));
        n += 200;
        wait_until(
            Duration::from_secs(20),
            &format!("lines and checkpoint at {offset}"),
            || d.output_lines().len() >= n && checkpointed(&d, "app.log") == size(&log),
        );
        let t = checkpoint_clock(&d, "app.log");
        assert!(
            clock_ok(t),
            "at {offset} the daemon's clock read {t} (real {}): is libfaketime in effect?",
            unix_now()
        );
        assert_eq!(
            http_get(d.port, "/healthz").map(|r| r.0),
            Some(200),
            "/healthz at {offset}"
        );
        if offset == "-400d" {
            // A crash and a restart with the clock a year behind the checkpoints' times.
            d.kill9();
            append(&log, &numbered("t", n, n + 200));
            n += 200;
            d.start();
            wait_until(Duration::from_secs(20), "lines after restart", || {
                census(&d.output_lines()).len() >= n
            });
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let seen = census(&d.output_lines());
    assert_eq!(assert_complete(&seen, "t", n), 0, "duplicates");
    d.stop();
}

#[test]
fn metrics_endpoint_survives_a_wall_clock_before_1970_or_after_9999() {
    let mut d = daemon_with_fake_wall_clock();
    // A forward jump past 9999 while running (a backward jump only freezes hyper's cached Date).
    jump_wall_clock(&d, "+3000000d");
    assert_eq!(
        http_get(d.port, "/healthz").map(|r| r.0),
        Some(200),
        "/healthz with the wall clock in year 10000+"
    );
    // A start with the wall clock before 1970.
    jump_wall_clock(&d, "-25000d");
    d.kill9();
    d.start(); // waits for /healthz
}

#[test]
fn three_thousand_files_at_once_are_all_read() {
    let d = Scrubd::with_defaults();
    let (files, per) = (3000, 3);
    let start = Instant::now();
    for f in 0..files {
        append(
            &d.path(&format!("logs/burst{f:04}.log")),
            &numbered("m", f * per, f * per + per),
        );
    }
    wait_until(Duration::from_secs(60), "lines of 3000 files", || {
        d.output_lines().len() >= files * per
    });
    let took = start.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let seen = census(&d.output_lines());
    assert_eq!(assert_complete(&seen, "m", files * per), 0, "duplicates");
    wait_until(Duration::from_secs(10), "files_watched", || {
        d.metric("scrubd_files_watched{source=\"app\"}") == files as f64
    });
    let fds = d.open_fds();
    eprintln!(
        "3000 files: all {} lines out in {:.1} s; {fds} open fds",
        files * per,
        took.as_secs_f64()
    );
    // Documented: one fd per followed file and one per output file, plus a few.
    assert!(fds <= 2 * files + 64, "{fds} open fds for {files} files");
    assert_eq!(d.metric("scrubd_source_errors_total{source=\"app\"}"), 0.0);
    assert_eq!(d.metric("scrubd_sink_errors_total{sink=\"scrubbed\"}"), 0.0);
}

/// 400 files appear under an fd limit of `soft`/`hard`; every line must come out.
fn files_beyond_fd_limit(soft: u64, hard: u64) {
    let d = Scrubd::new(
        Opts {
            nofile: Some((soft, hard)),
            ..Opts::default()
        },
        |_| {},
    );
    let (files, per) = (400, 3);
    let start = Instant::now();
    for f in 0..files {
        append(
            &d.path(&format!("logs/many{f:04}.log")),
            &numbered("l", f * per, f * per + per),
        );
    }
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_until(Duration::from_secs(30), "lines of 400 files", || {
            d.output_lines().len() >= files * per
        })
    }));
    let took = start.elapsed();
    let status = format!(
        "{} of {} lines out in {:.1} s, {} fds open, {} file handles closed",
        d.output_lines().len(),
        files * per,
        took.as_secs_f64(),
        d.open_fds(),
        d.metric("scrubd_file_handles_closed_total{source=\"app\"}")
    );
    eprintln!("fd limit {soft}/{hard}, 400 files: {status}");
    assert!(
        done.is_ok(),
        "fd limit {soft}/{hard}: stalled with {status}; stderr:\n{}",
        d.stderr_tail()
    );
    assert_eq!(
        assert_complete(&census(&d.output_lines()), "l", files * per),
        0
    );
    assert_eq!(
        http_get(d.port, "/healthz").map(|r| r.0),
        Some(200),
        "metrics endpoint"
    );
}

#[test]
fn low_soft_fd_limit_is_raised_to_the_hard_limit() {
    // systemd's default is soft 1024 / hard 524288: scale that down.
    files_beyond_fd_limit(256, 4096);
}

#[test]
fn more_files_than_the_hard_fd_limit_are_all_read() {
    files_beyond_fd_limit(256, 256);
}

#[test]
fn kill9_faster_than_checkpoints_counts_duplicates_exactly() {
    // No rotation: a new file's first delivery would be checkpointed at once and hide it.
    kill9_loop(12, 100, 700, 1_000_000);
}

#[test]
fn checkpoints_of_deleted_files_are_dropped() {
    // Was a known bug (issue 16): checkpoints of files that are gone were never dropped, so
    // checkpoints.json grew by one entry per rotated-and-deleted file (soak: 3 -> 145 entries
    // in 10 min). A finished file no longer at any path is now forgotten at the next rescan.
    // Logs on a tmpfs: its inode numbers are never reused, so no entry is replaced by accident.
    let d = Scrubd::new(Opts::default(), |d| d.mount_tmpfs("logs", "4m"));
    let log = d.path("logs/app.log");
    for i in 0..20 {
        append(&log, &numbered(&format!("g{i}"), 0, 5));
        wait_until(Duration::from_secs(20), "delivered", || {
            d.output_lines().len() >= 5 * (i + 1)
        });
        std::thread::sleep(Duration::from_millis(300));
        std::fs::remove_file(&log).unwrap();
    }
    append(&log, &numbered("last", 0, 5));
    wait_until(Duration::from_secs(20), "last file checkpointed", || {
        checkpointed(&d, "app.log") == size(&log)
    });
    std::thread::sleep(Duration::from_millis(1500));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path("state/checkpoints.json")).unwrap())
            .unwrap();
    let entries = doc["files"].as_array().unwrap().len();
    assert!(
        entries <= 2,
        "{entries} checkpoint entries for one live file after 20 deleted ones"
    );
}

/// A rotated file gets more lines from its application after the rename (a "straggler"), which
/// the tailer of the rotated name writes to a new output (`out/app/app.log.1`); kill -9 before
/// the next checkpoint and restart. Returns (duplicates in the output, duplicates counted).
fn kill9_after_a_straggler_write_scenario() -> (usize, f64) {
    for attempt in 0..5 {
        let mut d = Scrubd::with_defaults();
        let log = d.path("logs/app.log");
        let rotated = d.path("logs/app.log.1");
        append(&log, &numbered("w", 0, 100));
        wait_until(Duration::from_secs(20), "first checkpoint", || {
            checkpointed(&d, "app.log") == size(&log)
        });
        // Keep the sink checkpointing every second, so the next write does not trigger one.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let ticker = {
            let (other, stop) = (d.path("logs/other.log"), stop.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    append(&other, &numbered("o", i, i + 1));
                    i += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                i
            })
        };
        std::fs::rename(&log, &rotated).unwrap();
        std::thread::sleep(Duration::from_millis(700)); // app.log's tailer finished it; app.log.1's took it over
        append(&rotated, &numbered("w", 100, 150)); // the application's last lines to its old handle
        let out = d.path("out/app/app.log.1");
        wait_until(Duration::from_secs(10), "straggler output", || {
            std::fs::metadata(&out).is_ok_and(|m| m.len() > 0)
        });
        d.kill9();
        // Only a checkpoint's position names the new output; the outputs recorded before
        // their first write (`outputs`) do not count as one.
        let state: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(d.path("state/checkpoints.json")).unwrap(),
        )
        .unwrap();
        let named = state["files"].as_array().into_iter().flatten().any(|f| {
            f["sink"]["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("out/app/app.log.1"))
        });
        if named {
            eprintln!("attempt {attempt}: a checkpoint came first; again");
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            ticker.join().unwrap();
            continue;
        }
        d.start();
        let counted = d.metric("scrubd_duplicate_lines_total{source=\"app\"}");
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let others = ticker.join().unwrap();
        wait_until(Duration::from_secs(20), "all lines", || {
            let seen = census_with_malformed(&d.output_lines()).0;
            (0..150).all(|i| seen.contains_key(&("w".to_string(), i)))
                && (0..others).all(|i| seen.contains_key(&("o".to_string(), i)))
        });
        std::thread::sleep(Duration::from_millis(1500));
        let seen = census(&d.output_lines());
        let dups = assert_complete(&seen, "w", 150) + assert_complete(&seen, "o", others);
        d.stop();
        return (dups, counted);
    }
    panic!("a checkpoint always came before the kill");
}

#[test]
fn kill9_after_a_straggler_write_counts_its_duplicates() {
    // Was a known bug: output beyond the last checkpoint was counted only in outputs some
    // checkpoint named, so a rotated file's straggler lines, written to a new output before
    // its first checkpoint, were re-sent uncounted (64 duplicates, 14 counted). Each output
    // is now recorded with its length before its first write since a checkpoint.
    // The scenario itself asserts that every line arrived (nothing lost).
    let (dups, counted) = kill9_after_a_straggler_write_scenario();
    eprintln!("straggler + kill -9: {dups} duplicates, {counted} counted");
    assert_eq!(
        dups as f64, counted,
        "duplicates in the output vs. scrubd_duplicate_lines_total"
    );
}
