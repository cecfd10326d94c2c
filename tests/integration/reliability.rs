//! Issue 16, "nothing lost, nothing leaked": restarts, file identity, odd names, paused writers
//! and config loops, tried as an operator would (real binary, real files, real signals,
//! restarts). Each test pins one failure mode of the issue; the README's daemon and evasion
//! sections say what holds.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::Command;
use std::time::{Duration, Instant};

use super::common::*;

/// Poll `f` until it holds or `timeout` passes; whether it held. For waits whose failure is
/// reported by the assertion that follows, with figures.
fn poll_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if f() {
            return true;
        }
        if start.elapsed() >= timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Wait until every `(tag, n)` is in the output, then until every input file is checkpointed at
/// its size (scrubd read and delivered all of it: duplicates would be out by then). Returns the
/// census; does not panic when the lines never come (the caller's assertion reports).
fn settle(
    d: &Scrubd,
    expect: &[(&str, usize)],
    files: &[&str],
) -> BTreeMap<(String, usize), usize> {
    poll_until(Duration::from_secs(8), || {
        let seen = census_with_malformed(&d.output_lines()).0;
        expect
            .iter()
            .all(|&(t, n)| (0..n).all(|i| seen.contains_key(&(t.to_string(), i))))
    });
    poll_until(Duration::from_secs(5), || {
        files
            .iter()
            .all(|f| checkpointed(d, f) == size(&d.path(&format!("logs/{f}"))))
    });
    census(&d.output_lines())
}

/// Assert each `(tag, n)` came out exactly once: `0..n` all there, none twice.
fn assert_exactly_once(seen: &BTreeMap<(String, usize), usize>, expect: &[(&str, usize)]) {
    let report: Vec<String> = expect
        .iter()
        .map(|&(t, n)| {
            let (lost, dup) = lost_and_duplicated(seen, t, n);
            format!("{t}: {lost} of {n} lost, {dup} duplicated")
        })
        .collect();
    let extra: Vec<&(String, usize)> = seen
        .keys()
        .filter(|(t, _)| !expect.iter().any(|(e, _)| e == t))
        .take(5)
        .collect();
    let ok = expect
        .iter()
        .all(|&(t, n)| lost_and_duplicated(seen, t, n) == (0, 0))
        && extra.is_empty();
    assert!(ok, "{}; unexpected lines: {extra:?}", report.join("; "));
}

// 7. One instance per state dir.

#[test]
fn second_instance_on_the_same_state_dir_is_refused_naming_the_holder() {
    let d = Scrubd::with_defaults();
    append(&d.path("logs/app.log"), &numbered("i", 0, 50));
    // A second config (its own metrics port) pointing at the same state and sink dirs.
    let second = d.path("second.toml");
    let text = std::fs::read_to_string(d.path("scrubd.toml"))
        .unwrap()
        .replace(&d.port.to_string(), &free_port().to_string());
    std::fs::write(&second, text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_scrubd"))
        .args(["run", "--config"])
        .arg(&second)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > Duration::from_secs(10) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    append(&d.path("logs/app.log"), &numbered("i", 50, 100));
    let seen = settle(&d, &[("i", 100)], &["app.log"]);
    let (_, dup) = lost_and_duplicated(&seen, "i", 100);
    assert!(
        status.is_some_and(|s| s.code() == Some(2)),
        "second instance: {status:?} after 10 s, {dup} lines written twice; stderr: {err}"
    );
    assert!(
        err.contains(&format!("pid {}", d.pid())),
        "the error names the holder: {err}"
    );
    assert_exactly_once(&seen, &[("i", 100)]);
}

// 8. Shutdown and start-up.

#[test]
fn sigterm_with_a_stuck_stdout_reader_exits_within_the_drain_timeout() {
    let mut d = Scrubd::unstarted(
        Opts {
            stdout_pipe: true,
            ..Opts::default()
        },
        |port, _| {
            format!(
                r#"
[state]
dir = "state"
[metrics]
listen = "127.0.0.1:{port}"
[shutdown]
drain_timeout = "2s"
[[sources]]
name = "app"
type = "file"
include = ["logs/*.log"]
start_at = "beginning"
sink = "console"
[[sinks]]
name = "console"
type = "stdout"
"#
            )
        },
    );
    let log = d.path("logs/app.log");
    let input = numbered("t", 0, 100_000);
    append(&log, &input);
    d.start();
    // Nobody reads scrubd's stdout: wait until the pipe is full (64 KiB on Linux).
    let mut stdout = d.take_stdout();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&stdout);
    wait_until(Duration::from_secs(20), "a full stdout pipe", || {
        let mut n: libc::c_int = 0;
        // SAFETY: FIONREAD into a valid int on our own pipe.
        unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) };
        n >= 65536
    });
    let t0 = Instant::now();
    d.signal(libc::SIGTERM);
    let status = d.wait_exit(Duration::from_secs(8));
    let took = t0.elapsed();
    assert!(
        status.is_some(),
        "still running {took:?} after SIGTERM (drain_timeout = 2s)"
    );
    let mut delivered = Vec::new();
    stdout.read_to_end(&mut delivered).unwrap();
    let lines_out = delivered.iter().filter(|&&b| b == b'\n').count();
    // Input offset just after the last line delivered.
    let delivered_to: u64 = input
        .split_inclusive('\n')
        .take(lines_out)
        .map(|l| l.len() as u64)
        .sum();
    let cp = checkpointed(&d, "app.log");
    let err = d.stderr();
    assert!(
        cp <= delivered_to,
        "checkpoint {cp} beyond the {delivered_to} bytes delivered ({lines_out} lines)"
    );
    assert!(
        err.contains("not delivered"),
        "the undelivered count is logged:\n{}",
        d.stderr_tail()
    );
    assert!(!err.contains(SECRET), "secret in scrubd's own log");
    eprintln!("stuck stdout: exit {status:?} {took:?} after SIGTERM, {lines_out} lines delivered, checkpoint {cp} <= {delivered_to}");
}

/// Spawn with 1,000 files to scan, send `sig` as soon as scrubd handles it or after 50 ms,
/// whichever is first; the daemon after that.
fn early_signal(sig: i32) -> Scrubd {
    let mut d = Scrubd::unstarted(Opts::default(), |port, o| o.config(port));
    for f in 0..1000 {
        append(&d.path(&format!("logs/f{f:04}.log")), "x\n");
    }
    d.spawn();
    let t0 = Instant::now();
    let status = format!("/proc/{}/status", d.pid());
    let bit = 1u64 << (sig - 1);
    poll_until(Duration::from_millis(50), || {
        std::fs::read_to_string(&status)
            .ok()
            .and_then(|s| {
                s.lines().find_map(|l| {
                    l.strip_prefix("SigCgt:")
                        .map(|v| u64::from_str_radix(v.trim(), 16).unwrap_or(0))
                })
            })
            .is_some_and(|m| m & bit != 0)
    });
    d.signal(sig);
    eprintln!("signal {sig} sent {:?} after spawn", t0.elapsed());
    d
}

#[test]
fn sigterm_and_sighup_right_after_start_are_handled() {
    let mut d = early_signal(libc::SIGTERM);
    let status = d
        .wait_exit(Duration::from_secs(30))
        .expect("exit after SIGTERM");
    assert!(
        status.success(),
        "SIGTERM during start-up: {status}; stderr:\n{}",
        d.stderr_tail()
    );
    let mut d = early_signal(libc::SIGHUP);
    d.wait_ready();
    d.stop();
}

// Smaller cases.

#[test]
fn copytruncated_output_and_a_full_disk_leave_no_nul_run() {
    let d = Scrubd::new(Opts::default(), |d| d.mount_tmpfs("out", "1m"));
    let log = d.path("logs/app.log");
    append(&log, &numbered("c", 0, 2000));
    settle(&d, &[("c", 2000)], &["app.log"]);
    // logrotate copytruncate of scrubd's output, then the disk fills.
    let out = d.path("out/app/app.log");
    std::fs::copy(&out, d.path("copy.log")).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&out)
        .unwrap()
        .set_len(0)
        .unwrap();
    let filler = d.path("out/filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        while f.write(&[b'f'; 4096]).is_ok_and(|n| n > 0) {}
    }
    let errors = d.metric("scrubd_sink_errors_total{sink=\"scrubbed\"}");
    append(&log, &numbered("c", 2000, 4000));
    wait_until(Duration::from_secs(20), "sink errors", || {
        d.metric("scrubd_sink_errors_total{sink=\"scrubbed\"}") > errors
    });
    std::fs::remove_file(&filler).unwrap();
    poll_until(Duration::from_secs(10), || {
        checkpointed(&d, "app.log") == size(&log)
    });
    let bytes = std::fs::read(&out).unwrap();
    let nuls = bytes.iter().filter(|&&b| b == 0).count();
    let (seen, malformed) = census_with_malformed(&d.output_lines());
    assert_eq!(
        nuls, 0,
        "{nuls} NUL bytes in the output after copytruncate + ENOSPC"
    );
    assert!(malformed.is_empty(), "{} malformed lines", malformed.len());
    let (lost, dup) = lost_and_duplicated(&seen, "c", 4000);
    assert_eq!(
        (lost, dup),
        (2000, 0),
        "the output holds lines 2000..4000 once (the rest is in the copy)"
    );
}
