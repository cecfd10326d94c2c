//! Issue 16, "nothing lost, nothing leaked": restarts, file identity, odd names, paused writers
//! and config loops, tried as an operator would (real binary, real files, real signals,
//! restarts). Each test pins one failure mode of the issue; the README's daemon and evasion
//! sections say what holds.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
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

fn end_daemon(prepare: impl FnOnce(&mut Scrubd)) -> Scrubd {
    Scrubd::new(
        Opts {
            start_at: "end",
            ..Opts::default()
        },
        prepare,
    )
}

/// `scrubd check --config <root>/scrubd.toml`.
fn check(d: &Scrubd) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scrubd"))
        .args(["check", "--config"])
        .arg(d.path("scrubd.toml"))
        .output()
        .unwrap()
}

// 1. start_at = "end" applies to the files present at the first start only.

#[test]
fn start_at_end_idle_file_keeps_the_lines_appended_while_stopped() {
    let log_lines = numbered("old", 0, 20);
    let mut d = end_daemon(|d| append(&d.path("logs/app.log"), &log_lines));
    d.stop(); // a run without a single new line
    let entries = std::fs::read_to_string(d.path("state/checkpoints.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|doc| doc["files"].as_array().map(|f| f.len()))
        .unwrap_or(0);
    append(&d.path("logs/app.log"), &numbered("new", 0, 50));
    d.start();
    let seen = settle(&d, &[("new", 50)], &["app.log"]);
    let (lost, dup) = lost_and_duplicated(&seen, "new", 50);
    assert_eq!(entries, 1, "an idle file found at start is checkpointed at once ({lost} of 50 lines appended while stopped lost, {dup} duplicated)");
    assert_exactly_once(&seen, &[("new", 50)]);
}

#[test]
fn start_at_end_file_created_while_stopped_is_read_from_its_beginning() {
    let mut d = end_daemon(|d| append(&d.path("logs/app.log"), &numbered("old", 0, 20)));
    append(&d.path("logs/app.log"), &numbered("a", 0, 10));
    settle(&d, &[("a", 10)], &["app.log"]);
    d.stop();
    append(&d.path("logs/other.log"), &numbered("c", 0, 40));
    d.start();
    let seen = settle(&d, &[("a", 10), ("c", 40)], &["app.log", "other.log"]);
    assert_exactly_once(&seen, &[("a", 10), ("c", 40)]);
}

#[test]
fn start_at_end_rotation_while_stopped_loses_neither_the_tail_nor_the_new_file() {
    let mut d = end_daemon(|d| append(&d.path("logs/app.log"), &numbered("old", 0, 20)));
    let log = d.path("logs/app.log");
    append(&log, &numbered("a", 0, 10));
    settle(&d, &[("a", 10)], &["app.log"]);
    d.stop();
    // logrotate (create) while scrubd is down: the tail goes to the renamed file, a new file
    // takes the name.
    let rotated = d.path("logs/app.log.1");
    std::fs::rename(&log, &rotated).unwrap();
    append(&rotated, &numbered("a", 10, 15));
    append(&log, &numbered("b", 0, 30));
    d.start();
    let seen = settle(&d, &[("a", 15), ("b", 30)], &["app.log", "app.log.1"]);
    assert_exactly_once(&seen, &[("a", 15), ("b", 30)]);
}

// 2. File identity never merges two live files.

fn files_sharing_a_first_line(start_at: &'static str) {
    const BANNER: &str = "=== service started (build 4711) ===\n";
    let names = ["one.log", "two.log", "three.log"];
    let tags = ["p", "q", "r"];
    let mut d = Scrubd::new(
        Opts {
            start_at,
            ..Opts::default()
        },
        |d| {
            for n in names {
                append(&d.path(&format!("logs/{n}")), BANNER);
            }
        },
    );
    for (n, t) in names.iter().zip(tags) {
        append(&d.path(&format!("logs/{n}")), &numbered(t, 0, 5));
    }
    let expect: Vec<(&str, usize)> = tags.iter().map(|&t| (t, 5)).collect();
    settle_banner(&d, &expect, &names);
    d.stop();
    for (n, t) in names.iter().zip(tags) {
        append(&d.path(&format!("logs/{n}")), &numbered(t, 5, 15));
    }
    d.start();
    let expect: Vec<(&str, usize)> = tags.iter().map(|&t| (t, 15)).collect();
    let seen = settle_banner(&d, &expect, &names);
    assert_exactly_once(&seen, &expect);
}

/// [`settle`] for outputs that also hold banner lines (not numbered lines).
fn settle_banner(
    d: &Scrubd,
    expect: &[(&str, usize)],
    files: &[&str],
) -> BTreeMap<(String, usize), usize> {
    let numbered_only = |d: &Scrubd| -> Vec<String> {
        d.output_lines()
            .into_iter()
            .filter(|l| !l.starts_with("===") && !l.starts_with('#'))
            .collect()
    };
    poll_until(Duration::from_secs(8), || {
        let seen = census_with_malformed(&numbered_only(d)).0;
        expect
            .iter()
            .all(|&(t, n)| (0..n).all(|i| seen.contains_key(&(t.to_string(), i))))
    });
    poll_until(Duration::from_secs(5), || {
        files
            .iter()
            .all(|f| checkpointed(d, f) == size(&d.path(&format!("logs/{f}"))))
    });
    census(&numbered_only(d))
}

#[test]
fn files_sharing_a_first_line_keep_their_own_checkpoints_start_at_end() {
    files_sharing_a_first_line("end");
}

#[test]
fn files_sharing_a_first_line_keep_their_own_checkpoints_start_at_beginning() {
    files_sharing_a_first_line("beginning");
}

#[test]
fn new_file_with_the_header_of_a_file_rotated_away_is_read_whole() {
    const HEADER: &str = "# app log v2, fields: level msg\n";
    let mut d = Scrubd::with_defaults();
    let log = d.path("logs/app.log");
    append(&log, HEADER);
    append(&log, &numbered("old", 0, 100));
    settle_banner(&d, &[("old", 100)], &["app.log"]);
    d.stop();
    // Rotated to a name the globs do not match; a new file with the same header takes its place.
    std::fs::create_dir(d.path("archive")).unwrap();
    std::fs::rename(&log, d.path("archive/app.log.0")).unwrap();
    append(&log, HEADER);
    append(&log, &numbered("new", 0, 150));
    d.start();
    let seen = settle_banner(&d, &[("old", 100), ("new", 150)], &["app.log"]);
    assert_exactly_once(&seen, &[("old", 100), ("new", 150)]);
}

// 3. File names that are not UTF-8.

#[test]
fn non_utf8_file_names_are_checkpointed_and_kept_apart() {
    let mut d = Scrubd::with_defaults();
    let logs = d.path("logs");
    append(&byte_name(&logs, b"bad\xff.log"), &numbered("x", 0, 5));
    append(&byte_name(&logs, b"bad\xfe.log"), &numbered("y", 0, 5));
    append(&d.path("logs/good.log"), &numbered("g", 0, 10));
    wait_until(Duration::from_secs(20), "20 lines", || {
        d.output_lines().len() >= 20
    });
    d.signal(libc::SIGTERM);
    let status = d
        .wait_exit(Duration::from_secs(20))
        .expect("scrubd still running 20 s after SIGTERM");
    assert!(
        status.success(),
        "SIGTERM: scrubd exited with {status}; stderr:\n{}",
        d.stderr_tail()
    );
    let outputs: BTreeMap<Vec<u8>, String> = d
        .outputs()
        .into_iter()
        .map(|(p, b)| {
            (
                std::os::unix::ffi::OsStrExt::as_bytes(p.as_os_str()).to_vec(),
                String::from_utf8_lossy(&b).into_owned(),
            )
        })
        .collect();
    let names: Vec<String> = outputs
        .keys()
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .collect();
    assert_eq!(outputs.len(), 3, "one output per input, got {names:?}");
    for (name, tag) in [(&b"bad\xff.log"[..], "x"), (&b"bad\xfe.log"[..], "y")] {
        let out = outputs.get(name).unwrap_or_else(|| {
            panic!(
                "no output named {:?} among {names:?}",
                String::from_utf8_lossy(name)
            )
        });
        assert!(
            out.lines().all(|l| l.starts_with(&format!("{tag} "))),
            "{:?} holds other lines: {out}",
            String::from_utf8_lossy(name)
        );
    }
    append(&d.path("logs/good.log"), &numbered("g", 10, 40));
    d.start();
    let seen = settle(&d, &[("x", 5), ("y", 5), ("g", 40)], &["good.log"]);
    assert_exactly_once(&seen, &[("x", 5), ("y", 5), ("g", 40)]);
}

/// Names a shell or a line-based state file trips over: a newline, a leading dash, quotes,
/// format directives, a backslash. Each file keeps its own output under its own name and its
/// own checkpoint across a restart.
#[test]
fn file_names_with_newlines_quotes_and_dashes_are_followed_and_kept_apart() {
    let names: [&[u8]; 5] = [
        b"two\nlines.log",
        b"-rf .log",
        b"q\"u'ote.log",
        b"%s%n{}.log",
        b"back\\slash.log",
    ];
    let tags = ["n", "d", "q", "f", "b"];
    let mut d = Scrubd::with_defaults();
    let logs = d.path("logs");
    for (name, tag) in names.iter().zip(tags) {
        append(&byte_name(&logs, name), &numbered(tag, 0, 5));
    }
    wait_until(Duration::from_secs(20), "25 lines", || {
        d.output_lines().len() >= 25
    });
    d.stop();
    for (name, tag) in names.iter().zip(tags) {
        append(&byte_name(&logs, name), &numbered(tag, 5, 10));
    }
    d.start();
    let expect: Vec<(&str, usize)> = tags.iter().map(|t| (*t, 10)).collect();
    wait_until(Duration::from_secs(20), "50 lines", || {
        d.output_lines().len() >= 50
    });
    std::thread::sleep(Duration::from_millis(600)); // a few more rescans: nothing read twice
    assert_exactly_once(&census(&d.output_lines()), &expect);
    let outputs: BTreeMap<Vec<u8>, Vec<u8>> = d
        .outputs()
        .into_iter()
        .map(|(p, b)| {
            (
                std::os::unix::ffi::OsStrExt::as_bytes(p.as_os_str()).to_vec(),
                b,
            )
        })
        .collect();
    for (name, tag) in names.iter().zip(tags) {
        let out = outputs.get(*name).unwrap_or_else(|| {
            panic!(
                "no output named {:?} among {:?}",
                String::from_utf8_lossy(name),
                outputs
                    .keys()
                    .map(|k| String::from_utf8_lossy(k))
                    .collect::<Vec<_>>()
            )
        });
        let out = String::from_utf8_lossy(out);
        assert!(
            out.lines().count() == 10 && out.lines().all(|l| l.starts_with(&format!("{tag} "))),
            "{:?} holds other lines: {out}",
            String::from_utf8_lossy(name)
        );
    }
}

// 4. Truncate-and-rewrite while stopped.

#[test]
fn file_truncated_and_rewritten_while_stopped_is_read_again() {
    const HEADER: &str = "# worker log\n";
    let mut d = Scrubd::with_defaults();
    let log = d.path("logs/app.log");
    append(&log, HEADER);
    append(&log, &numbered("old", 0, 50));
    settle_banner(&d, &[("old", 50)], &["app.log"]);
    d.stop();
    // Same inode, same first line, longer than before.
    std::fs::write(&log, format!("{HEADER}{}", numbered("new", 0, 80))).unwrap();
    d.start();
    let seen = settle_banner(&d, &[("old", 50), ("new", 80)], &["app.log"]);
    assert_exactly_once(&seen, &[("old", 50), ("new", 80)]);
}

// 5. A writer pausing mid-line never gets a secret scrubbed in pieces.

#[test]
fn writer_pausing_inside_a_secret_for_longer_than_partial_flush_leaks_nothing() {
    const FIRST: &str = "worker 7 started\n";
    let d = Scrubd::with_defaults(); // partial_flush_ms = 500
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    let pem_body = "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Ls5d8Fc1KxB9Qw4ZbJyQm7Tt0Rr1HnUuVw";
    // (file, text before the pause, text after it)
    let cases: Vec<(&str, String, String)> = vec![
        (
            "jwt.log",
            format!("GET /me token {}", &jwt[..60]),
            format!("{} 200\n", &jwt[60..]),
        ),
        (
            "password.log",
            "login user=bob password=Tr0ub4dorXzzq".into(),
            "Horse9battery ok\n".into(),
        ),
        (
            "bearer.log",
            "curl -H 'Authorization: Bearer sk_live_4eC39Hq".into(),
            "LyjWDarjtT1zdp7dc' https://api\n".into(),
        ),
        (
            "pem.log",
            format!(
                "-----BEGIN RSA PRIVATE KEY-----\n{pem_body}\n{}",
                &pem_body[..30]
            ),
            format!("{}\n-----END RSA PRIVATE KEY-----\n", &pem_body[30..]),
        ),
    ];
    for (f, before, _) in &cases {
        // A first line (so the file has its fingerprint and is read), then the cut one.
        append(&d.path(&format!("logs/{f}")), &format!("{FIRST}{before}"));
    }
    // The pause: three times partial_flush.
    std::thread::sleep(Duration::from_millis(1500));
    for (f, _, after) in &cases {
        append(&d.path(&format!("logs/{f}")), after);
    }
    let mut pieces = Vec::new();
    for (f, before, after) in &cases {
        let whole = format!("{FIRST}{before}{after}");
        let expected = filter(whole.as_bytes());
        assert!(
            !expected.contains(&after[..8]),
            "{f}: the whole line is redacted by the rules"
        );
        let out = d.path(&format!("out/app/{f}"));
        let lines = whole.matches('\n').count();
        poll_until(Duration::from_secs(8), || {
            std::fs::read(&out).is_ok_and(|b| b.iter().filter(|&&c| c == b'\n').count() >= lines)
        });
        let got = String::from_utf8_lossy(&std::fs::read(&out).unwrap_or_default()).into_owned();
        if got != expected {
            pieces.push(format!(
                "{f}: got {got:?}, the whole line scrubs to {expected:?}"
            ));
        }
    }
    assert!(
        pieces.is_empty(),
        "lines scrubbed in pieces:\n{}",
        pieces.join("\n")
    );
}

#[test]
fn a_line_its_writer_finishes_after_a_rotation_and_a_long_pause_is_scrubbed_whole() {
    late_finish(false);
}

#[test]
fn a_line_its_writer_finishes_after_a_rotation_a_pause_and_a_restart_is_scrubbed_whole() {
    late_finish(true);
}

fn late_finish(restart: bool) {
    // logrotate `create` while the app has written half a line (half a key); the app pauses
    // longer than partial_flush, then finishes the line through its old handle, now the
    // rotated file. Before: the half was glued to the new file's first line, and the key's
    // tail came out alone in the rotated file's output.
    let mut d = Scrubd::with_defaults(); // partial_flush_ms = 500, include logs/*.log*
    let log = d.path("logs/app.log");
    let rotated = d.path("logs/app.log.1");
    append(&log, "line 1 ok\nline 2 key AKIAQ3EGRJ");
    let out = d.path("out/app/app.log");
    assert!(poll_until(Duration::from_secs(8), || {
        std::fs::read_to_string(&out).is_ok_and(|s| s == "line 1 ok\n")
    }));
    std::fs::rename(&log, &rotated).unwrap();
    append(&log, "line 3 in new file\n");
    std::thread::sleep(Duration::from_millis(1500));
    if restart {
        d.stop();
        d.start();
    }
    append(&rotated, "7XPLMW4NZT used\n");
    let out1 = d.path("out/app/app.log.1");
    poll_until(Duration::from_secs(8), || {
        std::fs::read_to_string(&out1).is_ok_and(|s| s.ends_with('\n'))
    });
    let main = std::fs::read_to_string(&out).unwrap();
    let rot = std::fs::read_to_string(&out1).unwrap_or_default();
    assert_eq!(
        main,
        "line 1 ok\nline 2 key AKIAQ3EGRJ\nline 3 in new file\n"
    );
    assert_eq!(rot, "line 2 key [REDACTED:aws-access-key] used\n");
}

#[test]
fn lines_written_before_sigterm_to_a_file_rotated_away_unseen_are_delivered() {
    // Kubernetes-style: the followed path is a symlink whose target is rotated in a directory
    // no watch covers, and SIGTERM comes before the next poll saw it. The renamed file's name
    // is not matched by the globs, so only its open handle can still drain it.
    let mut d = Scrubd::new(
        Opts {
            include: vec!["logs/*.log"],
            ..Opts::default()
        },
        |d| {
            std::fs::create_dir_all(d.path("pods")).unwrap();
            std::fs::write(d.path("pods/0.log"), "").unwrap();
            std::os::unix::fs::symlink(d.path("pods/0.log"), d.path("logs/app.log")).unwrap();
        },
    );
    append(&d.path("pods/0.log"), "line 1\n");
    let out = d.path("out/app/app.log");
    assert!(poll_until(Duration::from_secs(8), || {
        std::fs::read_to_string(&out).is_ok_and(|s| s == "line 1\n")
    }));
    append(&d.path("pods/0.log"), &numbered("late", 0, 4));
    std::fs::rename(d.path("pods/0.log"), d.path("pods/0.log.20261202")).unwrap();
    std::fs::write(d.path("pods/0.log"), "").unwrap();
    d.stop();
    append(&d.path("pods/0.log"), "line 6\n");
    d.start();
    assert!(poll_until(Duration::from_secs(8), || {
        std::fs::read_to_string(&out).is_ok_and(|s| s.ends_with("line 6\n"))
    }));
    d.stop();
    let got = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines.len(), 6, "{got}");
    for (i, l) in lines[1..5].iter().enumerate() {
        assert!(l.starts_with(&format!("late {i} token=[REDACTED")), "{got}");
    }
    assert_eq!((lines[0], lines[5]), ("line 1", "line 6"));
}

/// `scrubd filter` of `input`: what the whole lines scrub to.
fn filter(input: &[u8]) -> String {
    let out = assert_cmd::Command::cargo_bin("scrubd")
        .unwrap()
        .arg("filter")
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

// 6. Loops and doubles.

#[test]
fn config_whose_globs_reach_the_sink_dir_or_the_state_dir_is_refused() {
    for (what, sink_dir, state_dir) in [
        ("sink", "logs/scrubbed", "state"),
        ("state", "out", "logs/state"),
    ] {
        let mut d = Scrubd::unstarted(
            Opts {
                include: vec!["logs/**"],
                out: sink_dir,
                state: state_dir,
                ..Opts::default()
            },
            |port, o| o.config(port),
        );
        append(&d.path("logs/app.log"), &numbered("l", 0, 10));
        let out = check(&d);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(1),
            "check accepted a {what} dir under the source's globs: {text}"
        );
        assert!(
            text.contains("logs/**")
                && text.contains(if what == "sink" { "scrubbed" } else { "state" }),
            "{text}"
        );
        d.spawn();
        let status = d.wait_exit(Duration::from_secs(10));
        let grown = std::fs::read_dir(d.path(sink_dir)).map_or(0, |e| e.count());
        assert!(
            status.is_some_and(|s| s.code() == Some(2)),
            "run with a {what} dir under the globs: {status:?}, {grown} entries in the sink dir"
        );
        assert!(d.stderr().contains("logs/**"), "{}", d.stderr_tail());
    }
}

#[test]
fn file_under_the_sink_dir_is_never_followed_even_through_a_symlink() {
    let d = Scrubd::new(Opts::default(), |d| {
        append(&d.path("logs/app.log"), &numbered("s", 0, 10));
        std::fs::create_dir_all(d.path("out/app")).unwrap();
        append(&d.path("out/app/app.log"), "");
        std::os::unix::fs::symlink("../out/app/app.log", d.path("logs/loop.log")).unwrap();
    });
    let seen = settle(&d, &[("s", 10)], &["app.log"]);
    let watched = d.metric("scrubd_files_watched{source=\"app\"}");
    let names: Vec<_> = d.outputs().into_iter().map(|(p, b)| (p, b.len())).collect();
    assert_eq!(watched, 1.0, "followed files; outputs {names:?}");
    assert_exactly_once(&seen, &[("s", 10)]);
    assert_eq!(names.len(), 1, "outputs: {names:?}");
}

#[test]
fn file_matched_by_two_sources_is_followed_once() {
    let d = Scrubd::with_config(|port| {
        format!(
            r#"
[state]
dir = "state"
[metrics]
listen = "127.0.0.1:{port}"
[[sources]]
name = "app"
type = "file"
include = ["logs/*.log"]
start_at = "beginning"
sink = "scrubbed"
rescan_interval = "200ms"
[[sources]]
name = "all"
type = "file"
include = ["logs/*"]
start_at = "beginning"
sink = "scrubbed"
rescan_interval = "200ms"
[[sinks]]
name = "scrubbed"
type = "file"
dir = "out"
"#
        )
    });
    append(&d.path("logs/app.log"), &numbered("a", 0, 20));
    append(&d.path("logs/other.txt"), &numbered("o", 0, 5));
    let lines = || -> Vec<String> {
        let mut v = Vec::new();
        for src in ["app", "all"] {
            for e in std::fs::read_dir(d.path(&format!("out/{src}")))
                .into_iter()
                .flatten()
                .flatten()
            {
                v.extend(
                    String::from_utf8_lossy(&std::fs::read(e.path()).unwrap())
                        .lines()
                        .map(String::from),
                );
            }
        }
        v
    };
    poll_until(Duration::from_secs(8), || {
        census_with_malformed(&lines()).0.len() >= 25
    });
    // Both sources have scanned and delivered what they follow (a first delivery is
    // checkpointed at once): a second copy of app.log's lines would be out by now.
    poll_until(Duration::from_secs(5), || {
        d.metric("scrubd_files_watched{source=\"all\"}") >= 1.0
            && checkpointed(&d, "app.log") == size(&d.path("logs/app.log"))
            && checkpointed(&d, "other.txt") == size(&d.path("logs/other.txt"))
    });
    let seen = census(&lines());
    assert_exactly_once(&seen, &[("a", 20), ("o", 5)]);
    let out = check(&d);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success()
            && text.contains("warning")
            && text.contains("\"app\"")
            && text.contains("\"all\""),
        "{text}"
    );
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
    let run_second = || {
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
        (status, err)
    };
    let (status, err) = run_second();
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

    // An admin empties the state dir under the running daemon (`rm -rf /var/lib/scrubd/*`):
    // it locks the dir again within a second, and a second instance is still refused.
    for e in std::fs::read_dir(d.path("state")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    std::thread::sleep(Duration::from_millis(2500));
    let (status, err) = run_second();
    assert!(
        status.is_some_and(|s| s.code() == Some(2)),
        "second instance after the state dir was emptied: {status:?}; stderr: {err}"
    );
    assert!(
        d.stderr().contains("locked it again"),
        "{}",
        d.stderr_tail()
    );
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

/// A sink that fails rather than blocks (a full disk: its output is `/dev/full`) at SIGTERM:
/// scrubd gives up after its retries, keeps the checkpoint where delivery stopped, logs how
/// many lines were not delivered and exits with status 2, as for a stuck sink. It exited 0
/// without a count: a stop with lines undelivered looked clean.
#[test]
fn sigterm_with_a_failing_sink_exits_2_and_counts_the_undelivered_lines() {
    let mut d = Scrubd::unstarted(Opts::default(), |port, o| o.config(port));
    std::fs::create_dir_all(d.path("out/app")).unwrap();
    std::os::unix::fs::symlink("/dev/full", d.path("out/app/app.log")).unwrap();
    append(&d.path("logs/app.log"), &numbered("t", 0, 1000));
    d.start();
    wait_until(Duration::from_secs(20), "a failed write", || {
        d.stderr().contains("No space left on device")
    });
    d.signal(libc::SIGTERM);
    let status = d.wait_exit(Duration::from_secs(40));
    let err = d.stderr();
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(2),
        "{}",
        d.stderr_tail()
    );
    assert!(
        err.contains("1000 lines read were not delivered"),
        "{}",
        d.stderr_tail()
    );
    assert_eq!(checkpointed(&d, "app.log"), 0, "nothing was delivered");
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
fn file_unreadable_at_start_keeps_its_checkpoint_is_logged_once_and_retried() {
    let mut d = Scrubd::new(
        Opts {
            uid: Some(65534),
            ..Opts::default()
        },
        |_| {},
    );
    let log = d.path("logs/app.log");
    append(&log, &numbered("u", 0, 20));
    settle(&d, &[("u", 20)], &["app.log"]);
    d.stop();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o000)).unwrap();
    append(&log, &numbered("u", 20, 30));
    d.start();
    wait_until(Duration::from_secs(10), "source errors counted", || {
        d.metric("scrubd_source_errors_total{source=\"app\"}") >= 3.0
    });
    let logged = d
        .stderr()
        .lines()
        .filter(|l| l.contains("app.log") && l.contains("ermission denied"))
        .count();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let seen = settle(&d, &[("u", 30)], &["app.log"]);
    let (lost, dup) = lost_and_duplicated(&seen, "u", 30);
    assert_eq!(
        logged,
        1,
        "log lines about the unreadable file ({lost} lost, {dup} duplicated once readable):\n{}",
        d.stderr_tail()
    );
    assert_exactly_once(&seen, &[("u", 30)]);
}

#[test]
fn symlink_retargeted_a_b_a_emits_nothing_twice() {
    let d = Scrubd::new(Opts::default(), |d| {
        std::fs::create_dir(d.path("targets")).unwrap();
        append(&d.path("targets/a.log"), &numbered("a", 0, 10));
        append(&d.path("targets/b.log"), &numbered("b", 0, 5));
        std::os::unix::fs::symlink("../targets/a.log", d.path("logs/current.log")).unwrap();
    });
    let retarget = |to: &str| {
        let tmp = d.path("logs/current.tmp");
        std::os::unix::fs::symlink(to, &tmp).unwrap();
        std::fs::rename(&tmp, d.path("logs/current.log")).unwrap();
    };
    wait_until(Duration::from_secs(10), "a's lines", || {
        d.output_lines().len() >= 10
    });
    retarget("../targets/b.log");
    wait_until(Duration::from_secs(10), "b's lines", || {
        d.output_lines().len() >= 15
    });
    std::thread::sleep(Duration::from_millis(600)); // the link stays on b for a few rescans
    retarget("../targets/a.log");
    append(&d.path("targets/a.log"), &numbered("a", 10, 13));
    poll_until(Duration::from_secs(8), || {
        census_with_malformed(&d.output_lines())
            .0
            .contains_key(&("a".to_string(), 12))
    });
    poll_until(Duration::from_secs(5), || {
        checkpointed(&d, "current.log") == size(&d.path("targets/a.log"))
    });
    let seen = census(&d.output_lines());
    assert_exactly_once(&seen, &[("a", 13), ("b", 5)]);
}

/// One file under two matched names (a hard link: `ln app.log app.log.keep`, rotation schemes
/// that link before they unlink): its lines come out once, not once per name, also across a
/// restart and after the name being read is removed and the writer goes on through the other.
#[test]
fn a_file_hard_linked_under_two_matched_names_is_read_once() {
    let mut d = Scrubd::new(Opts::default(), |d| {
        append(&d.path("logs/app.log"), &numbered("a", 0, 20));
        std::fs::hard_link(d.path("logs/app.log"), d.path("logs/app.log.keep")).unwrap();
    });
    wait_until(Duration::from_secs(10), "the first lines", || {
        d.output_lines().len() >= 20
    });
    append(&d.path("logs/app.log.keep"), &numbered("a", 20, 30));
    std::thread::sleep(Duration::from_millis(600)); // both names listed for a few rescans
    d.stop();
    append(&d.path("logs/app.log"), &numbered("a", 30, 40)); // written while scrubd is down
    d.start();
    std::fs::remove_file(d.path("logs/app.log")).unwrap();
    append(&d.path("logs/app.log.keep"), &numbered("a", 40, 60));
    settle(&d, &[("a", 60)], &["app.log.keep"]);
    std::thread::sleep(Duration::from_millis(600)); // a few more rescans: nothing read twice
    let seen = census(&d.output_lines());
    assert_exactly_once(&seen, &[("a", 60)]);
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs root (tmpfs mount): scripts/test.sh runs it"
)]
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

#[test]
fn duplicate_counter_counts_a_copy_read_again() {
    let d = Scrubd::with_defaults();
    let log = d.path("logs/app.log");
    append(&log, &numbered("k", 0, 100));
    settle(&d, &[("k", 100)], &["app.log"]);
    // A copy of a followed file appears under a matched name (e.g. logrotate's copytruncate,
    // found before the truncation): its content comes out again, and that is counted.
    std::fs::copy(&log, d.path("logs/app.log.1")).unwrap();
    poll_until(Duration::from_secs(8), || d.output_lines().len() >= 200);
    poll_until(Duration::from_secs(5), || {
        checkpointed(&d, "app.log.1") == size(&log)
    });
    let seen = census(&d.output_lines());
    let dups = assert_complete(&seen, "k", 100);
    let series = "scrubd_duplicate_lines_total{source=\"app\"}";
    poll_until(Duration::from_secs(3), || d.metric(series) == dups as f64);
    assert_eq!(
        d.metric(series),
        dups as f64,
        "scrubd_duplicate_lines_total vs. {dups} lines written twice"
    );
}

/// The lines of one output file (below `<out>/app`), counted.
fn output_census(d: &Scrubd, name: &str) -> BTreeMap<(String, usize), usize> {
    let lines: Vec<String> = d
        .outputs()
        .into_iter()
        .filter(|(p, _)| p.as_os_str() == name)
        .flat_map(|(_, b)| {
            String::from_utf8_lossy(&b)
                .lines()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    census(&lines)
}

/// Four workers' logs open with the same three lines (a start-up banner): distinct files,
/// each line written once, none a duplicate. The counter counted 9 (3 lines × 3 later files).
#[test]
fn live_files_sharing_their_first_lines_are_not_counted_as_duplicates() {
    let d = Scrubd::with_defaults();
    let names = ["w1.log", "w2.log", "w3.log", "w4.log"];
    for n in names {
        append(&d.path(&format!("logs/{n}")), &numbered("banner", 0, 3));
    }
    settle(&d, &[("banner", 3)], &names);
    for (i, n) in names.iter().enumerate() {
        append(
            &d.path(&format!("logs/{n}")),
            &numbered(&format!("own{i}"), 0, 1),
        );
    }
    settle(&d, &[("own0", 1), ("own3", 1)], &names);
    for (i, n) in names.iter().enumerate() {
        let seen = output_census(&d, n);
        assert_exactly_once(&seen, &[("banner", 3), (&format!("own{i}"), 1)]);
    }
    let series = "scrubd_duplicate_lines_total{source=\"app\"}";
    assert_eq!(d.metric(series), 0.0, "no line was written twice");
}

/// A worker restarts and truncates its log (O_TRUNC) as a new worker starts `w5.log` with the
/// same banner: `w5.log` is not `w1.log`'s copytruncate copy (its name says so) and is read
/// whole. Before: continued where `w1.log` was, its 3 banner lines never written.
#[test]
fn new_file_starting_with_what_a_truncated_file_held_is_read_whole() {
    let d = Scrubd::with_defaults();
    let w1 = d.path("logs/w1.log");
    append(&w1, &numbered("banner", 0, 3));
    settle(&d, &[("banner", 3)], &["w1.log"]);
    std::fs::File::create(&w1).unwrap(); // O_TRUNC
    std::thread::sleep(Duration::from_millis(1500)); // scrubd sees the truncation first
    let w5 = d.path("logs/w5.log");
    append(&w5, &numbered("banner", 0, 3));
    append(&w5, &numbered("w5", 0, 1));
    append(&w1, &numbered("banner", 0, 3));
    append(&w1, &numbered("w1", 0, 1));
    settle(&d, &[("w5", 1), ("w1", 1)], &["w1.log", "w5.log"]);
    assert_exactly_once(&output_census(&d, "w5.log"), &[("banner", 3), ("w5", 1)]);
    let w1_out = output_census(&d, "w1.log");
    let twice: Vec<usize> = (0..3)
        .filter_map(|i| w1_out.get(&("banner".to_string(), i)).copied())
        .collect();
    assert_eq!(
        twice,
        vec![2, 2, 2],
        "w1.log's banner, before and after its restart"
    );
    let series = "scrubd_duplicate_lines_total{source=\"app\"}";
    assert_eq!(d.metric(series), 0.0, "no line was written twice");
}

/// The same while scrubd is stopped: `w1.log` (a 40-line config dump, delivered) truncated
/// and rewritten, and a new `w5.log` with the same dump and a line of its own. Before: 40 of
/// `w5.log`'s 41 lines lost (its checkpoint-less start taken for `w1.log`'s copy).
#[test]
fn new_file_starting_with_what_a_file_truncated_while_stopped_held_is_read_whole() {
    let mut d = Scrubd::with_defaults();
    let w1 = d.path("logs/w1.log");
    append(&w1, &numbered("dump", 0, 40));
    settle(&d, &[("dump", 40)], &["w1.log"]);
    d.stop();
    std::fs::write(&w1, numbered("w1", 0, 1)).unwrap();
    let w5 = d.path("logs/w5.log");
    append(&w5, &numbered("dump", 0, 40));
    append(&w5, &numbered("w5", 0, 1));
    d.start();
    settle(&d, &[("w1", 1), ("w5", 1)], &["w1.log", "w5.log"]);
    assert_exactly_once(&output_census(&d, "w5.log"), &[("dump", 40), ("w5", 1)]);
    assert_exactly_once(&output_census(&d, "w1.log"), &[("dump", 40), ("w1", 1)]);
}

/// An unclean stop (the checkpoint covers 100 of 600 lines written), then, while scrubd is
/// down, a copytruncate whose copy the globs do not follow and 50 new lines. The 500 lines
/// beyond the checkpoint are not read again (they are only in the copy): the restart must not
/// count them as duplicates. Before: 500 counted, 0 written twice. Now: at most the lines the
/// truncated file holds now (scrubd cannot tell whether it read them before the stop).
#[test]
fn an_unclean_stop_then_a_copytruncate_while_down_does_not_count_lines_never_written_again() {
    let mut d = Scrubd::with_defaults();
    let log = d.path("logs/a.log");
    append(&log, &numbered("a", 0, 100));
    settle(&d, &[("a", 100)], &["a.log"]);
    d.stop();
    // The state of a kill -9 after 500 more lines were written out and before a checkpoint
    // covered them: the checkpoints of the 100.
    let state = d.path("state/checkpoints.json");
    let at_100 = std::fs::read(&state).unwrap();
    d.start();
    append(&log, &numbered("a", 100, 600));
    settle(&d, &[("a", 600)], &["a.log"]);
    d.stop();
    std::fs::write(&state, at_100).unwrap();
    std::fs::create_dir(d.path("rotated")).unwrap();
    std::fs::copy(&log, d.path("rotated/a.log.1")).unwrap();
    std::fs::File::create(&log).unwrap();
    append(&log, &numbered("a", 600, 650));
    d.start();
    let seen = settle(&d, &[("a", 650)], &["a.log"]);
    assert_exactly_once(&seen, &[("a", 650)]);
    let series = "scrubd_duplicate_lines_total{source=\"app\"}";
    let counted = d.metric(series);
    assert!(
        counted <= 50.0,
        "{counted} duplicates counted; none written, at most the truncated file's 50 lines can be"
    );
}

#[test]
fn same_name_in_two_directories_goes_to_two_outputs() {
    let d = Scrubd::new(
        Opts {
            include: vec!["logs/*/app.log"],
            ..Opts::default()
        },
        |d| {
            for dir in ["d1", "d2"] {
                std::fs::create_dir(d.path(&format!("logs/{dir}"))).unwrap();
            }
        },
    );
    append(&d.path("logs/d1/app.log"), &numbered("p", 0, 10));
    append(&d.path("logs/d2/app.log"), &numbered("q", 0, 10));
    poll_until(Duration::from_secs(8), || d.output_lines().len() >= 20);
    let outputs: BTreeMap<String, String> = d
        .outputs()
        .into_iter()
        .map(|(p, b)| {
            (
                p.display().to_string(),
                String::from_utf8_lossy(&b).into_owned(),
            )
        })
        .collect();
    let names: Vec<&String> = outputs.keys().collect();
    assert_eq!(names, vec!["d1/app.log", "d2/app.log"], "outputs");
    for (name, tag) in [("d1/app.log", "p"), ("d2/app.log", "q")] {
        let seen = census(&outputs[name].lines().map(String::from).collect::<Vec<_>>());
        assert_exactly_once(&seen, &[(tag, 10)]);
    }
}

// 9. Compressed files among the followed ones.

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// logrotate's `compress` leaves `app.log.1.gz` next to `app.log`, and the default glob
/// `logs/*.log*` matches it. Its bytes hold every secret of yesterday's log in a form no rule
/// can see and `zcat` restores: scrubd must not forward them, and must say so once per file.
#[test]
fn compressed_files_matched_by_the_globs_are_skipped_counted_once_and_never_forwarded() {
    let d = Scrubd::with_defaults();
    let yesterday = numbered("y", 0, 3000);
    std::fs::write(d.path("logs/app.log.1.gz"), gzip(yesterday.as_bytes())).unwrap();
    append(&d.path("logs/app.log"), &numbered("t", 0, 50));
    let skipped = "scrubd_files_skipped_total{reason=\"compressed\",source=\"app\"}";
    poll_until(Duration::from_secs(8), || d.metric(skipped) >= 1.0);
    // The next rotation: the .gz moves on (the same file: not counted again), and a new
    // one takes its name.
    std::fs::rename(d.path("logs/app.log.1.gz"), d.path("logs/app.log.2.gz")).unwrap();
    std::fs::write(
        d.path("logs/app.log.1.gz"),
        gzip(numbered("x", 0, 500).as_bytes()),
    )
    .unwrap();
    append(&d.path("logs/app.log"), &numbered("t", 50, 100));
    let seen = settle(&d, &[("t", 100)], &["app.log"]);
    poll_until(Duration::from_secs(5), || d.metric(skipped) >= 2.0);
    std::thread::sleep(Duration::from_millis(600)); // a few more rescans: nothing counted twice
    assert_exactly_once(&seen, &[("t", 100)]);
    let warnings = assert_skipped_only(&d, skipped, 2, "compressed data");
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("app.log.1.gz") && w.contains("gzip")),
        "{warnings:#?}"
    );
}

/// Only `app.log` has an output, `files` files are counted in `skipped`, and scrubd warned
/// once per skipped file (lines holding `warning`); returns those warnings.
fn assert_skipped_only(d: &Scrubd, skipped: &str, files: usize, warning: &str) -> Vec<String> {
    let names: Vec<String> = d
        .outputs()
        .into_iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert_eq!(names, vec!["app.log"], "outputs");
    assert_eq!(d.metric(skipped), files as f64, "files counted as skipped");
    let warnings: Vec<String> = d
        .stderr()
        .lines()
        .filter(|l| l.contains(warning))
        .map(String::from)
        .collect();
    assert_eq!(warnings.len(), files, "one warning per file: {warnings:#?}");
    warnings
}

/// A symlink in a followed directory to a procfs file (`/proc/loadavg`): its size is 0 while
/// each read makes a line, so read as a log it looked truncated at every poll and was read
/// again without end (hundreds of thousands of lines a second). It is skipped, counted once
/// and named once; the files beside it are read as before.
#[test]
fn a_file_of_a_pseudo_file_system_is_skipped_and_counted_once() {
    let d = Scrubd::with_defaults();
    std::os::unix::fs::symlink("/proc/loadavg", d.path("logs/loadavg.log")).unwrap();
    append(&d.path("logs/app.log"), &numbered("t", 0, 50));
    let skipped = "scrubd_files_skipped_total{reason=\"pseudo\",source=\"app\"}";
    poll_until(Duration::from_secs(8), || d.metric(skipped) >= 1.0);
    let seen = settle(&d, &[("t", 50)], &["app.log"]);
    std::thread::sleep(Duration::from_millis(600)); // a few more rescans: nothing counted twice
    assert_exactly_once(&seen, &[("t", 50)]);
    assert_skipped_only(&d, skipped, 1, "pseudo file system");
}

/// A FIFO and a socket in a followed directory whose names the glob matches (a named pipe an
/// app writes its log into, a syslog socket named `*.log`): discovery passed over them in
/// silence. Each is skipped, named once in a warning with its kind and counted once; the
/// files beside them are read as before.
#[test]
fn a_fifo_or_socket_a_glob_matches_is_skipped_named_and_counted_once() {
    let d = Scrubd::with_defaults();
    let fifo = d.path("logs/pipe.log");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {fifo:?}");
    let _socket = std::os::unix::net::UnixListener::bind(d.path("logs/syslog.log")).unwrap();
    append(&d.path("logs/app.log"), &numbered("t", 0, 50));
    let skipped = "scrubd_files_skipped_total{reason=\"special\",source=\"app\"}";
    poll_until(Duration::from_secs(8), || d.metric(skipped) >= 2.0);
    let seen = settle(&d, &[("t", 50)], &["app.log"]);
    std::thread::sleep(Duration::from_millis(600)); // a few more rescans: nothing counted twice
    assert_exactly_once(&seen, &[("t", 50)]);
    let warnings = assert_skipped_only(&d, skipped, 2, "no regular file");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("pipe.log") && w.contains("FIFO"))
            && warnings
                .iter()
                .any(|w| w.contains("syslog.log") && w.contains("socket")),
        "{warnings:#?}"
    );
}

/// A followed file named after a secret (an upload named after the key it holds, a session
/// dump named `…password=…`): the name leaves scrubd only scrubbed, as an output's name and
/// in scrubd's log. Two names differing only in the secret share one output; no line is lost.
#[test]
fn a_secret_in_a_followed_files_name_reaches_no_output_name_and_no_log_line() {
    let keys = ["AKIAQ3EGRJ7XPLMW4NZT", "AKIAZ7XPLMQ3EGRJ4WTN"];
    let d = Scrubd::with_defaults();
    for (i, k) in keys.iter().enumerate() {
        append(
            &d.path(&format!("logs/upload-{k}.log")),
            &numbered(["u", "v"][i], 0, 20),
        );
    }
    let zipped = "logs/sess-password=Xk9fQ2mZ7pL4vR8s.log.gz";
    std::fs::write(d.path(zipped), gzip(numbered("z", 0, 3000).as_bytes())).unwrap();
    let seen = settle(
        &d,
        &[("u", 20), ("v", 20)],
        &[
            &format!("upload-{}.log", keys[0]),
            &format!("upload-{}.log", keys[1]),
        ],
    );
    let skipped = "scrubd_files_skipped_total{reason=\"compressed\",source=\"app\"}";
    poll_until(Duration::from_secs(5), || d.metric(skipped) >= 1.0);
    assert_exactly_once(&seen, &[("u", 20), ("v", 20)]);
    let names: Vec<String> = d
        .outputs()
        .into_iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        vec!["upload-[REDACTED:aws-access-key].log"],
        "outputs"
    );
    let stderr = d.stderr();
    assert!(
        stderr.contains("sess-password=[REDACTED:password]"),
        "{stderr}"
    );
    for secret in keys.iter().chain(&["Xk9fQ2mZ7pL4vR8s"]) {
        assert!(!stderr.contains(secret), "{secret} in the log:\n{stderr}");
    }
}

// 10. scrubd's own outputs rotated or deleted behind its back.

/// logrotate's `create` on the scrubbed output without a `postrotate` SIGHUP, then a cleanup
/// job deleting the outputs: lines written afterwards must land in a file at the output's
/// path, not in a renamed or deleted one (which a shipper never reads, though they are
/// checkpointed).
#[test]
fn outputs_rotated_or_deleted_without_sighup_keep_every_later_line() {
    let d = Scrubd::with_defaults();
    append(&d.path("logs/app.log"), &numbered("a", 0, 100));
    settle(&d, &[("a", 100)], &["app.log"]);
    std::fs::rename(d.path("out/app/app.log"), d.path("out/app/app.log.1")).unwrap();
    append(&d.path("logs/app.log"), &numbered("b", 0, 100));
    let seen = settle(&d, &[("a", 100), ("b", 100)], &["app.log"]);
    assert_exactly_once(&seen, &[("a", 100), ("b", 100)]);
    let current = String::from_utf8(std::fs::read(d.path("out/app/app.log")).unwrap()).unwrap();
    assert_eq!(
        current.lines().filter(|l| l.starts_with("b ")).count(),
        100,
        "lines after the rotation are in the file at the output's path"
    );
    for f in ["app.log", "app.log.1"] {
        std::fs::remove_file(d.path(&format!("out/app/{f}"))).unwrap();
    }
    append(&d.path("logs/app.log"), &numbered("c", 0, 100));
    let seen = settle(&d, &[("c", 100)], &["app.log"]);
    assert_exactly_once(&seen, &[("c", 100)]);
}

// 11. Writers still writing to a file rotated or deleted under them.

/// logrotate's `create` without the rotated name in the globs, and `rm` of a live log: the
/// application goes on writing through its open handle until it reopens (its `postrotate`
/// comes late). scrubd follows the old file until it stopped growing for `partial_flush`,
/// then the new one. Before, it switched at once and every later line was lost (19 of 30 in
/// an outside test), with no counter.
#[test]
fn lines_written_to_a_renamed_or_deleted_file_before_its_writer_reopens_are_read() {
    use std::io::Write;
    let d = Scrubd::new(
        Opts {
            include: vec!["logs/*.log"],
            ..Opts::default()
        },
        |_| {},
    );
    let (a, c) = (d.path("logs/a.log"), d.path("logs/c.log"));
    append(&a, &numbered("a", 0, 10));
    append(&c, &numbered("c", 0, 5));
    settle(&d, &[("a", 10), ("c", 5)], &["a.log", "c.log"]);
    let mut old_a = std::fs::OpenOptions::new().append(true).open(&a).unwrap();
    let mut old_c = std::fs::OpenOptions::new().append(true).open(&c).unwrap();
    std::fs::rename(&a, d.path("logs/a.log.1")).unwrap();
    std::fs::remove_file(&c).unwrap();
    append(&a, &numbered("b", 0, 5));
    // Half the flush interval between writes, for three of them.
    for i in 0..12 {
        old_a
            .write_all(numbered("a", 10 + i, 11 + i).as_bytes())
            .unwrap();
        old_c
            .write_all(numbered("c", 5 + i, 6 + i).as_bytes())
            .unwrap();
        std::thread::sleep(Duration::from_millis(250));
    }
    drop((old_a, old_c));
    append(&a, &numbered("b", 5, 10));
    let seen = settle(&d, &[("a", 22), ("b", 10), ("c", 17)], &["a.log"]);
    assert_exactly_once(&seen, &[("a", 22), ("b", 10), ("c", 17)]);
}
