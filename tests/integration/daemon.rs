//! `scrubd run` as operators run it: a real process tailing real files into a file sink, with
//! metrics scraped over HTTP, rotations, signals and kill -9.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::common::*;

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz";

/// Lines `from..to`: `line <n> token=<n>Zq81KdPQm2\n`.
fn numbered(from: usize, to: usize) -> String {
    super::common::numbered("line", from, to)
}

/// Count of each line number in the output; every number in `0..n` must appear.
fn check_numbered(lines: &[String], n: usize) -> BTreeMap<usize, usize> {
    let mut seen = BTreeMap::new();
    for l in lines {
        assert!(!l.contains("Zq81KdPQm2"), "unredacted line: {l}");
        if let Some(num) = l
            .strip_prefix("line ")
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
        {
            *seen.entry(num).or_insert(0) += 1;
        }
    }
    let missing: Vec<usize> = (0..n).filter(|i| !seen.contains_key(i)).take(10).collect();
    assert!(missing.is_empty(), "missing lines (first 10): {missing:?}");
    seen
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs promtool: scripts/test.sh runs it"
)]
fn scrubs_appended_lines_and_counts_them_in_metrics() {
    let d = Scrubd::with_defaults();
    let before = d.metrics();
    assert_eq!(sample(&before, "scrubd_lines_total{source=\"app\"}"), 0.0);
    assert_eq!(
        sample(
            &before,
            "scrubd_redactions_total{kind=\"jwt\",source=\"app\"}"
        ),
        0.0
    );
    append(
        &d.path("logs/app.log"),
        &format!("GET /health 200\nAuthorization: Bearer {JWT}\n{{\"password\": \"hunter2\"}}\n"),
    );
    wait_until(Duration::from_secs(20), "3 output lines", || {
        d.output_lines().len() == 3
    });
    let out = d.output_lines();
    assert_eq!(
        out,
        vec![
            "GET /health 200",
            "Authorization: Bearer [REDACTED:jwt]",
            "{\"password\": \"[REDACTED:password]\"}"
        ]
    );
    wait_until(Duration::from_secs(10), "metrics to count 3 lines", || {
        sample(&d.metrics(), "scrubd_lines_total{source=\"app\"}") == 3.0
    });
    let after = d.metrics();
    assert_eq!(
        sample(&after, "scrubd_lines_redacted_total{source=\"app\"}"),
        2.0
    );
    assert_eq!(
        sample(
            &after,
            "scrubd_redactions_total{kind=\"jwt\",source=\"app\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(
            &after,
            "scrubd_redactions_total{kind=\"password\",source=\"app\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(&after, "scrubd_jwt_total{alg=\"HS256\",source=\"app\"}"),
        1.0
    );
    assert!(!after.contains("hunter2") && !after.contains("eyJ"));
    assert!(
        !d.stderr().contains("hunter2"),
        "secret in scrubd's own log"
    );
    promtool_check_metrics(&after);
}

#[test]
fn rename_rotation_loses_and_repeats_nothing() {
    let d = Scrubd::with_defaults();
    let log = d.path("logs/app.log");
    append(&log, &numbered(0, 500));
    std::fs::rename(&log, d.path("logs/app.log.1")).unwrap();
    append(&d.path("logs/app.log.1"), &numbered(500, 600)); // the app still writes to the old handle
    append(&log, &numbered(600, 1000));
    wait_until(Duration::from_secs(30), "1000 lines", || {
        d.output_lines().len() >= 1000
    });
    std::thread::sleep(Duration::from_millis(500));
    let seen = check_numbered(&d.output_lines(), 1000);
    assert!(seen.values().all(|&c| c == 1), "duplicates after rotation");
}

#[test]
fn copytruncate_starts_again_from_zero() {
    let d = Scrubd::with_defaults();
    let log = d.path("logs/app.log");
    append(&log, &numbered(0, 100));
    wait_until(Duration::from_secs(20), "first 100", || {
        d.output_lines().len() == 100
    });
    // Named so that `logs/*.log*` does not match it (a matched copy is the next test).
    std::fs::copy(&log, d.path("logs/app.copy")).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&log)
        .unwrap();
    append(&log, &numbered(100, 150));
    wait_until(Duration::from_secs(20), "150 lines", || {
        d.output_lines().len() >= 150
    });
    check_numbered(&d.output_lines(), 150);
}

#[test]
fn copytruncate_copy_matched_by_the_globs_is_continued_not_read_again() {
    // logrotate's copytruncate with include covering the rotated name: the copy has the old
    // content; it must not be emitted a second time, and lines written after scrubd's last
    // read but before the truncation (only in the copy) must come out of the copy.
    let d = Scrubd::with_defaults();
    let log = d.path("logs/app.log");
    append(&log, &numbered(0, 100));
    wait_until(Duration::from_secs(20), "first 100", || {
        d.output_lines().len() == 100
    });
    // The copy holds lines 100..120 too: written after scrubd's last read, before the
    // truncation. (It is made under a name the globs do not match and renamed into place
    // once scrubd has seen the truncation; logrotate's order, copy then truncate, can also let
    // scrubd find the copy first, and then the copy is read again from its start: duplicates,
    // never loss.)
    let tmp = d.path("logs/copy.tmp");
    std::fs::copy(&log, &tmp).unwrap();
    append(&tmp, &numbered(100, 120));
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&log)
        .unwrap();
    append(&log, &numbered(120, 150));
    wait_until(Duration::from_secs(20), "130 lines", || {
        d.output_lines().len() >= 130
    });
    std::fs::rename(&tmp, d.path("logs/app.log.1")).unwrap();
    wait_until(Duration::from_secs(20), "150 lines", || {
        d.output_lines().len() >= 150
    });
    std::thread::sleep(Duration::from_millis(800)); // room for duplicates to show up
    let lines = d.output_lines();
    let counts = check_numbered(&lines, 150);
    assert!(
        counts.values().all(|&n| n == 1),
        "each line once: {:?}",
        counts.iter().filter(|(_, &n)| n != 1).collect::<Vec<_>>()
    );
}

#[test]
fn new_file_and_deleted_file_are_followed() {
    let d = Scrubd::with_defaults();
    append(&d.path("logs/a.log"), &numbered(0, 10));
    wait_until(Duration::from_secs(20), "a.log", || {
        d.output_lines().len() == 10
    });
    std::fs::remove_file(d.path("logs/a.log")).unwrap();
    append(&d.path("logs/b.log"), &numbered(10, 20));
    wait_until(Duration::from_secs(20), "b.log", || {
        d.output_lines().len() == 20
    });
    check_numbered(&d.output_lines(), 20);
}

#[test]
fn sigterm_drains_and_restart_resumes_without_duplicates() {
    let mut d = Scrubd::with_defaults();
    append(&d.path("logs/app.log"), &numbered(0, 2000));
    wait_until(Duration::from_secs(30), "2000 lines", || {
        d.output_lines().len() == 2000
    });
    d.stop();
    let state = std::fs::read_to_string(d.path("state/checkpoints.json")).unwrap();
    let size = std::fs::metadata(d.path("logs/app.log")).unwrap().len();
    assert!(
        state.contains(&format!("\"offset\": {size}"))
            || state.contains(&format!("\"offset\":{size}")),
        "{state}"
    );
    append(&d.path("logs/app.log"), &numbered(2000, 2100));
    d.start();
    wait_until(Duration::from_secs(30), "2100 lines", || {
        d.output_lines().len() >= 2100
    });
    std::thread::sleep(Duration::from_millis(500));
    let seen = check_numbered(&d.output_lines(), 2100);
    assert!(
        seen.values().all(|&c| c == 1),
        "duplicates after a clean restart"
    );
}

#[test]
fn kill9_during_writes_loses_nothing() {
    let mut d = Scrubd::with_defaults();
    let log = d.path("logs/app.log");
    let total = 20_000;
    let writer = {
        let log = log.clone();
        std::thread::spawn(move || {
            for k in 0..20 {
                append(&log, &numbered(k * 1000, (k + 1) * 1000));
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(400));
    d.kill9();
    std::thread::sleep(Duration::from_millis(200));
    d.start();
    writer.join().unwrap();
    wait_until(Duration::from_secs(60), "all lines after kill -9", || {
        d.output_lines().len() >= total
    });
    std::thread::sleep(Duration::from_millis(500));
    let seen = check_numbered(&d.output_lines(), total);
    let dups: usize = seen.values().map(|c| c - 1).sum();
    // Duplicates are bounded by the unacknowledged window (about one second of lines)
    // and counted exactly.
    eprintln!("kill -9: {dups} duplicate lines");
    assert!(dups < total, "{dups} duplicates");
    assert_eq!(
        sample(&d.metrics(), "scrubd_duplicate_lines_total{source=\"app\"}"),
        dups as f64
    );
}

#[test]
fn unwritable_sink_dir_is_retried_and_loses_nothing() {
    let d = Scrubd::with_defaults();
    // A regular file where the sink wants its directory: every write fails until it goes.
    std::fs::write(d.path("out/app"), b"").unwrap();
    append(&d.path("logs/app.log"), &numbered(0, 50));
    wait_until(Duration::from_secs(20), "sink errors counted", || {
        sample(&d.metrics(), "scrubd_sink_errors_total{sink=\"scrubbed\"}") >= 1.0
    });
    assert!(
        !d.stderr().contains("Zq81KdPQm2"),
        "secret in scrubd's own log"
    );
    std::fs::remove_file(d.path("out/app")).unwrap();
    wait_until(Duration::from_secs(30), "50 lines once writable", || {
        d.output_lines().len() >= 50
    });
    check_numbered(&d.output_lines(), 50);
}

#[test]
fn sighup_reloads_rules_and_keeps_positions() {
    let d = Scrubd::with_defaults();
    append(&d.path("logs/app.log"), "key acme_abcdef123456\n");
    wait_until(Duration::from_secs(20), "first line", || {
        d.output_lines().len() == 1
    });
    assert_eq!(d.output_lines()[0], "key acme_abcdef123456");
    std::fs::write(
        d.path("rules/acme.toml"),
        concat!(
            "[[rule]]\nid = \"acme\"\nkind = \"acme-key\"\ndescription = \"Acme keys\"\nkeywords = [\"acme_\"]\n",
            "regex = '''\\b(?P<secret>acme_[a-z0-9]{8,})'''\n",
            "examples.redact = ['key «acme_abcdef123»']\nexamples.keep = ['acme_short']\n",
        ),
    )
    .unwrap();
    d.signal(libc::SIGHUP);
    wait_until(Duration::from_secs(10), "reload logged", || {
        d.stderr().contains("rules reloaded")
    });
    // The new kind's series is there at 0 before its first redaction, so that `increase()`
    // sees that one too.
    let series = "scrubd_redactions_total{kind=\"acme-key\",source=\"app\"}";
    assert_eq!(sample(&d.metrics(), series), 0.0);
    append(&d.path("logs/app.log"), "key acme_abcdef123456\n");
    wait_until(Duration::from_secs(20), "second line", || {
        d.output_lines().len() == 2
    });
    assert_eq!(
        d.output_lines(),
        vec!["key acme_abcdef123456", "key [REDACTED:acme-key]"]
    );
    wait_until(Duration::from_secs(10), "the redaction counted", || {
        sample(&d.metrics(), series) == 1.0
    });
    // logrotate's create + postrotate: the output is moved away, SIGHUP reopens it.
    std::fs::rename(d.path("out/app/app.log"), d.path("rotated.log")).unwrap();
    d.signal(libc::SIGHUP);
    wait_until(Duration::from_secs(10), "second reload", || {
        d.stderr().matches("rules reloaded").count() == 2
    });
    append(&d.path("logs/app.log"), "after rotation\n");
    wait_until(Duration::from_secs(20), "a new output file", || {
        d.output_lines() == vec!["after rotation"]
    });
    assert_eq!(
        std::fs::read_to_string(d.path("rotated.log"))
            .unwrap()
            .lines()
            .count(),
        2
    );
    // A setting a reload does not apply is named, not ignored in silence; unchanged ones never.
    assert!(!d.stderr().contains("next start"), "{}", d.stderr());
    let cfg = std::fs::read_to_string(d.path("scrubd.toml")).unwrap();
    std::fs::write(
        d.path("scrubd.toml"),
        format!("{cfg}\n[shutdown]\ndrain_timeout = \"7s\"\n"),
    )
    .unwrap();
    d.signal(libc::SIGHUP);
    wait_until(Duration::from_secs(10), "the changed setting named", || {
        d.stderr().contains("settings=[shutdown]")
    });
    assert!(d.stderr().contains("take effect at the next start"));
}

#[test]
fn hundreds_of_files_appearing_at_once_are_all_followed() {
    let d = Scrubd::with_defaults();
    let files = 300;
    for f in 0..files {
        append(
            &d.path(&format!("logs/m{f:03}.log")),
            &numbered(f * 10, f * 10 + 10),
        );
    }
    wait_until(Duration::from_secs(60), "lines of 300 files", || {
        d.output_lines().len() >= files * 10
    });
    let seen = check_numbered(&d.output_lines(), files * 10);
    assert!(seen.values().all(|&c| c == 1));
    wait_until(Duration::from_secs(10), "files_watched gauge", || {
        sample(&d.metrics(), "scrubd_files_watched{source=\"app\"}") == files as f64
    });
}

#[test]
fn sustained_100k_lines_per_second_into_20_files_for_10_seconds() {
    let d = Scrubd::with_defaults();
    let (files, per_file, seconds) = (20, 50_000, 10);
    let writers: Vec<_> = (0..files)
        .map(|f| {
            let path = d.path(&format!("logs/f{f:02}.log"));
            std::thread::spawn(move || {
                let start = Instant::now();
                for k in 0..seconds {
                    let base = f * per_file + k * per_file / seconds;
                    append(&path, &numbered(base, base + per_file / seconds));
                    let next = Duration::from_secs(k as u64 + 1);
                    std::thread::sleep(next.saturating_sub(start.elapsed()));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let total = files * per_file;
    wait_until(Duration::from_secs(120), "1M lines scrubbed", || {
        sample(&d.metrics(), "scrubd_lines_total{source=\"app\"}") >= total as f64
    });
    wait_until(Duration::from_secs(60), "1M lines written", || {
        d.output_lines().len() >= total
    });
    let seen = check_numbered(&d.output_lines(), files * per_file);
    assert!(seen.values().all(|&c| c == 1));
    let m = d.metrics();
    assert_eq!(
        sample(&m, "scrubd_files_watched{source=\"app\"}"),
        files as f64
    );
    assert_eq!(
        sample(&m, "scrubd_lines_total{source=\"app\"}"),
        (files * per_file) as f64
    );
    let rss_kib: u64 = std::fs::read_to_string(format!("/proc/{}/status", d.pid()))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("VmHWM:")
                .map(|v| v.trim().trim_end_matches(" kB").parse().unwrap())
        })
        .unwrap();
    assert!(rss_kib < 128 * 1024, "peak RSS {rss_kib} KiB");
}
