//! The journald source against real journal files: `systemd-journal-remote` (systemd's own
//! writer) turns entries in the journal export format into a journal file, and scrubd follows
//! it through the real `journalctl`. Nothing here imitates journalctl's output.

use crate::common::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const JOURNAL_REMOTE: &str = "/lib/systemd/systemd-journal-remote";

/// One journal entry in the export format: `KEY=value` lines, or the binary form for values
/// holding a newline; realtime `t` microseconds after a fixed instant.
fn entry(t: u64, unit: &str, message: &[u8]) -> Vec<u8> {
    let mut e = format!(
        "__REALTIME_TIMESTAMP={}\n__MONOTONIC_TIMESTAMP={}\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_SYSTEMD_UNIT={unit}\n",
        1_700_000_000_000_000 + t,
        1_000 + t
    )
    .into_bytes();
    if message.contains(&b'\n') {
        e.extend_from_slice(b"MESSAGE\n");
        e.extend_from_slice(&(message.len() as u64).to_le_bytes());
        e.extend_from_slice(message);
        e.push(b'\n');
    } else {
        e.extend_from_slice(b"MESSAGE=");
        e.extend_from_slice(message);
        e.push(b'\n');
    }
    e.push(b'\n');
    e
}

/// Append `entries` (export format) to the journal file `file` with systemd-journal-remote.
fn write_journal(file: &Path, entries: &[u8]) {
    let mut child = Command::new(JOURNAL_REMOTE)
        .arg(format!("--output={}", file.display()))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run {JOURNAL_REMOTE} ({e}): install it with `apt-get install systemd-journal-remote`")
        });
    child.stdin.take().unwrap().write_all(entries).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "systemd-journal-remote failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const PASSWORD: &str = "hunter2-Correct-Horse";
const TOKEN: &str = "ghp_R8nVbq3XkLm2Pz7Tw9Yc4Hd6Jf1Gs5Ae0Ub";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8vN2kLmP";

#[test]
fn journal_entries_are_scrubbed_filtered_by_unit_and_resumed_from_their_cursor() {
    let mut d = Scrubd::unstarted(Opts::default(), |port, _| {
        format!(
            r#"
[state]
dir = "state"

[metrics]
listen = "127.0.0.1:{port}"

[[sources]]
name = "app"
type = "journald"
directory = "journal"
units = ["app.service"]
start_at = "beginning"
sink = "scrubbed"

[[sinks]]
name = "scrubbed"
type = "file"
dir = "out"
"#
        )
    });
    std::fs::create_dir_all(d.path("journal")).unwrap();
    let journal = d.path("journal/app.journal");
    let mut first = entry(
        1,
        "app.service",
        format!("login ok password={PASSWORD}").as_bytes(),
    );
    first.extend(entry(2, "db.service", b"vacuum done (another unit)"));
    // One entry of two lines: the second line carries the header's token.
    first.extend(entry(
        3,
        "app.service",
        format!("request failed\nAuthorization: token {TOKEN}").as_bytes(),
    ));
    write_journal(&journal, &first);

    d.start();
    wait_until(Duration::from_secs(20), "the first entries", || {
        d.output_lines().len() >= 3
    });
    // Followed while running: an entry appended to the journal file.
    write_journal(
        &journal,
        &entry(
            4,
            "app.service",
            format!("aws_secret_access_key={AWS_SECRET}").as_bytes(),
        ),
    );
    wait_until(Duration::from_secs(20), "the followed entry", || {
        d.output_lines().len() >= 4
    });
    std::thread::sleep(Duration::from_millis(1500)); // a checkpoint after the last batch
    d.stop();

    // Written while stopped: read after the restart, from the checkpointed cursor, once.
    write_journal(&journal, &entry(5, "app.service", b"after restart"));
    d.start();
    wait_until(
        Duration::from_secs(20),
        "the entry written while stopped",
        || d.output_lines().len() >= 5,
    );
    std::thread::sleep(Duration::from_millis(1500));
    let lines = d.output_lines();
    d.stop();

    let text = lines.join("\n");
    for secret in [PASSWORD, TOKEN, AWS_SECRET] {
        assert!(!text.contains(secret), "{secret} in the output:\n{text}");
    }
    assert_eq!(
        lines.len(),
        5,
        "one output line per journal line, once:\n{text}"
    );
    assert!(
        lines[0].starts_with("login ok password=[REDACTED"),
        "{text}"
    );
    assert_eq!(lines[1], "request failed", "{text}");
    assert!(
        lines[2].starts_with("Authorization: token [REDACTED"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("aws_secret_access_key=[REDACTED"),
        "{text}"
    );
    assert_eq!(lines[4], "after restart");
    assert!(!text.contains("another unit"), "units filter: {text}");

    // The checkpoint holds the cursor of the last entry delivered, as journalctl names it.
    let last = Command::new("journalctl")
        .arg("--file")
        .arg(&journal)
        .args(["-u", "app.service", "-n", "1", "-o", "json"])
        .output()
        .unwrap();
    let last: serde_json::Value = serde_json::from_slice(&last.stdout).unwrap();
    let cursors = d.checkpoints()["cursors"].clone();
    assert_eq!(cursors.as_array().map(Vec::len), Some(1), "{cursors}");
    assert_eq!(cursors[0]["cursor"], last["__CURSOR"], "{cursors}");
}
