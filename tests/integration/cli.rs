//! The `scrubd` binary as users run it: filter (mask, hash, audit, stats), check, rules,
//! explain, and its errors — which must name the culprit and never quote a secret.

use assert_cmd::Command;
use std::path::Path;

const LEAKY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/leaky.log");
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz";

fn scrubd() -> Command {
    Command::cargo_bin("scrubd").unwrap()
}

fn labelled_secrets() -> Vec<String> {
    // The example log is cut from the labelled corpus; collect every secret the corpus knows.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.to_string_lossy().ends_with(".labels.jsonl") {
            for l in std::fs::read_to_string(&p).unwrap().lines() {
                all.extend(serde_json::from_str::<Vec<String>>(l).unwrap());
            }
        }
    }
    all
}

fn stdout_of(cmd: &mut Command, input: &[u8]) -> Vec<u8> {
    let out = cmd.write_stdin(input).output().unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn filter_example_log_leaks_nothing_and_keeps_line_count() {
    let input = std::fs::read(LEAKY).unwrap();
    let out = stdout_of(scrubd().arg("filter"), &input);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text.lines().count(),
        String::from_utf8_lossy(&input).lines().count()
    );
    let secrets: Vec<String> = labelled_secrets()
        .into_iter()
        .filter(|s| input.windows(s.len()).any(|w| w == s.as_bytes()))
        .collect();
    assert!(
        secrets.len() >= 20,
        "example log should carry many known secrets, has {}",
        secrets.len()
    );
    for s in &secrets {
        assert!(
            !text.contains(s.as_str()),
            "secret of {} bytes survived",
            s.len()
        );
    }
    assert!(text.contains("[REDACTED:jwt]") && text.contains("[REDACTED:password]"));
}

#[test]
fn filter_output_is_the_same_on_one_thread_and_many() {
    let input = std::fs::read(LEAKY).unwrap().repeat(2000);
    let one = stdout_of(scrubd().args(["filter", "--threads", "1"]), &input);
    let many = stdout_of(scrubd().args(["filter", "--threads", "4"]), &input);
    assert!(one == many);
    assert_eq!(
        one.iter().filter(|&&b| b == b'\n').count(),
        input.iter().filter(|&&b| b == b'\n').count()
    );
}

#[test]
fn stats_count_kinds_and_jwt_algs_without_values() {
    let input = format!("Authorization: Bearer {JWT}\n{{\"password\": \"hunter2\"}}\nclean\n");
    let out = scrubd()
        .args(["filter", "--stats"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("lines=3 "), "{err}");
    assert!(err.contains("lines_redacted=2 redactions=2"), "{err}");
    assert!(
        err.contains("kind=jwt redactions=1") && err.contains("kind=password redactions=1"),
        "{err}"
    );
    assert!(err.contains("jwt alg=HS256 count=1"), "{err}");
    assert!(!err.contains("hunter2") && !err.contains(JWT));
}

#[test]
fn filter_refuses_compressed_input_before_writing_anything() {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(b"login ok password=Sup3rS3cretPassw0rd user=bob\n")
        .unwrap();
    let out = scrubd()
        .arg("filter")
        .write_stdin(enc.finish().unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing of it is passed on");
    assert!(
        stderr.contains("gzip-compressed") && stderr.contains("zcat"),
        "{stderr}"
    );
}

#[test]
fn hash_mode_needs_a_key_file() {
    let out = scrubd()
        .args(["filter", "--mode", "hash"])
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fingerprint-key-file"));
}

#[test]
fn hash_mode_rejects_a_short_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    std::fs::write(&key, "short\n").unwrap();
    let out = scrubd()
        .args(["filter", "--mode", "hash", "--fingerprint-key-file"])
        .arg(&key)
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("at least 16") && err.contains(&*key.to_string_lossy()),
        "{err}"
    );
}

#[test]
fn hash_mode_correlates_equal_secrets_only() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
    let input = "password=hunter2hunter2\npassword=hunter2hunter2\npassword=other-secret-9\n";
    let out = stdout_of(
        scrubd()
            .args(["filter", "--mode", "hash", "--fingerprint-key-file"])
            .arg(&key),
        input.as_bytes(),
    );
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("password=[REDACTED:password:")
            && lines[0].len() == "password=[REDACTED:password:]".len() + 12,
        "{}",
        lines[0]
    );
    assert_eq!(lines[0], lines[1]);
    assert_ne!(lines[0], lines[2]);
}

#[test]
fn audit_passes_input_through_and_reports_without_values() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let input = format!("clean\ntoken: {JWT}\n");
    let out = stdout_of(
        scrubd().args(["filter", "--audit"]).arg(&audit),
        input.as_bytes(),
    );
    assert_eq!(out, input.as_bytes());
    let report = std::fs::read_to_string(&audit).unwrap();
    let rec: serde_json::Value = serde_json::from_str(report.lines().next().unwrap()).unwrap();
    assert_eq!(rec["line"], 2);
    assert_eq!(rec["kind"], "jwt");
    assert_eq!(rec["alg"], "HS256");
    assert_eq!(
        (rec["start"].as_u64(), rec["end"].as_u64()),
        (Some(7), Some(7 + JWT.len() as u64))
    );
    assert!(!report.contains("eyJ"));
}

#[test]
fn overlong_lines_follow_the_documented_policy() {
    let input = format!("ok\n{}\nok\n", "x".repeat(300));
    let out = scrubd()
        .args(["filter", "--max-line-bytes", "100", "--stats"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "ok\n[REDACTED:line-too-long:bytes=300]\nok\n"
    );
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("oversize_lines=1"));
}

#[test]
fn check_passes_on_builtin_rules() {
    let out = scrubd().arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8(out.stdout).unwrap().contains(" rules ok"));
}

fn rules_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("custom.toml"), text).unwrap();
    dir
}

#[test]
fn check_names_file_and_rule_of_a_bad_regex() {
    let dir = rules_dir("[[rule]]\nid = \"broken\"\nkind = \"x\"\ndescription = \"d\"\nkeywords = [\"k\"]\nregex = '''k(?P<secret>['''\n");
    let out = scrubd()
        .args(["check", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("custom.toml:broken: bad regex"), "{text}");
}

#[test]
fn check_reports_line_and_column_of_a_toml_error_and_unknown_keys() {
    let dir = rules_dir("[[rule]]\nid = \"x\"\nkind = \"x\"\ndescription = \"d\"\nregex = '''(?P<secret>x)'''\nkeywordz = [\"x\"]\n");
    let out = scrubd()
        .args(["check", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("custom.toml:6:1: unknown field `keywordz`"),
        "{text}"
    );
}

/// A byte that is not UTF-8 is told at its line and column, as a TOML error is.
#[test]
fn check_reports_line_and_column_of_a_rule_file_that_is_not_utf8() {
    let dir = rules_dir("[[rule]]\nid = \"x\"\ndescription = \"caf\u{e9}");
    let file = dir.path().join("custom.toml");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend(b"\xff\"\n");
    std::fs::write(&file, bytes).unwrap();
    let out = scrubd()
        .args(["check", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("custom.toml:3:20: not UTF-8 (rule files are UTF-8 TOML)"),
        "{text}"
    );
}

#[test]
fn check_reports_failing_examples_and_keyword_gaps() {
    let dir = rules_dir(concat!(
        "[[rule]]\nid = \"acme\"\nkind = \"api-key\"\ndescription = \"d\"\nkeywords = [\"acme_\"]\n",
        "regex = '''(?i)\\bacme[_-](?P<secret>[a-z0-9]{8,})'''\n",
        "examples.redact = ['key «acme_abcdef123»']\nexamples.keep = ['acme_abcdefgh999']\n",
    ));
    let out = scrubd()
        .args(["check", "--no-builtin", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("custom.toml:acme: redact example: rule found"),
        "{text}"
    );
    assert!(
        text.contains("custom.toml:acme: keep example: rule matched"),
        "{text}"
    );
    assert!(
        text.to_lowercase()
            .contains("custom.toml:acme: regex can match \"acme-"),
        "{text}"
    );
}

/// A `keep` example that another rule takes for a secret is shown as that rule leaves it:
/// `check` says what changed it and does not print the secret again.
#[test]
fn check_shows_a_keep_example_another_rule_changes_as_scrubbed() {
    let key = "AKIAQ3EGRPXYZ7KLMN4A";
    let dir = rules_dir(&format!(
        "[[rule]]\nid = \"acme\"\nkind = \"api-key\"\ndescription = \"d\"\nkeywords = [\"acme_\"]\n\
         regex = '''(?P<secret>acme_[a-z]{{30}})'''\n\
         examples.redact = ['k=«acme_abcdefghijklmnopqrstuvwxyzabcd»']\n\
         examples.keep = ['key id {key} in acme_ notes']\n"
    ));
    let out = scrubd()
        .args(["check", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "custom.toml:acme: keep example is changed by another rule: \"key id [REDACTED:aws-access-key] in acme_ notes\""
        ),
        "{text}"
    );
    assert!(!text.contains(key), "{text}");
}

#[test]
fn custom_rules_dir_adds_rules_and_disable_removes_them() {
    let dir = rules_dir(concat!(
        "[[rule]]\nid = \"acme\"\nkind = \"api-key\"\ndescription = \"Acme keys\"\nkeywords = [\"acme_\"]\n",
        "regex = '''\\b(?P<secret>acme_[a-z0-9]{8,})'''\n",
        "examples.redact = ['key «acme_abcdef123»']\nexamples.keep = ['acme_short']\n",
    ));
    let out = stdout_of(
        scrubd().args(["filter", "--rules"]).arg(dir.path()),
        b"key acme_abcdef123\n",
    );
    assert_eq!(out, b"key [REDACTED:api-key]\n");
    let out = stdout_of(
        scrubd()
            .args(["filter", "--disable", "acme", "--rules"])
            .arg(dir.path()),
        b"key acme_abcdef123\n",
    );
    assert_eq!(out, b"key acme_abcdef123\n");
    let listed = stdout_of(scrubd().args(["rules", "--rules"]).arg(dir.path()), b"");
    assert!(String::from_utf8(listed)
        .unwrap()
        .lines()
        .any(|l| l.starts_with("acme\tapi-key\t")));
}

#[test]
fn unknown_disable_is_refused() {
    let out = scrubd()
        .args(["filter", "--disable", "no-such-rule"])
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rule"));
}

#[test]
fn explain_shows_rules_and_ranges_but_no_values() {
    let input = format!("clean\nAuthorization: Bearer {JWT}\n");
    let out = String::from_utf8(stdout_of(scrubd().arg("explain"), input.as_bytes())).unwrap();
    assert!(
        out.contains("line 2: Authorization: Bearer [REDACTED:jwt]"),
        "{out}"
    );
    assert!(
        out.contains("rule=jwt kind=jwt")
            && out.contains("alg=HS256")
            && out.contains("rule=bearer"),
        "{out}"
    );
    assert!(!out.contains("eyJ") && !out.contains("line 1"), "{out}");
}

/// `explain` shows each line as the filter writes it, context from other lines included: a
/// value redacted under its name and printed again bare on the next line (recall), which a
/// line-at-a-time explain used to show as untouched.
#[test]
fn explain_shows_what_the_filter_writes() {
    let input = "+ export DB_PASSWORD='Xk9fQ2mZ7pL4vR8s'\n+ echo Xk9fQ2mZ7pL4vR8s\ndone\n";
    let filtered = String::from_utf8(stdout_of(scrubd().arg("filter"), input.as_bytes())).unwrap();
    assert_eq!(
        filtered.lines().nth(1),
        Some("+ echo [REDACTED:password]"),
        "{filtered}"
    );
    let out = String::from_utf8(stdout_of(scrubd().arg("explain"), input.as_bytes())).unwrap();
    for (n, line) in filtered.lines().enumerate().take(2) {
        assert!(out.contains(&format!("line {}: {line}\n", n + 1)), "{out}");
    }
    assert!(
        out.contains("7..23 rule=key-value kind=password (from the lines around it)"),
        "{out}"
    );
    assert!(!out.contains("Xk9f") && !out.contains("line 3"), "{out}");
}

#[test]
fn core_dumps_are_disabled() {
    // scrubd's memory holds the secrets it removes; check it lowers its own core limit.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -c unlimited 2>/dev/null; sleep 3 | {} filter & pid=$!; sleep 0.5; grep 'Max core file size' /proc/$pid/limits; kill $pid",
            env!("CARGO_BIN_EXE_scrubd")
        ))
        .stdin(std::process::Stdio::piped())
        .output()
        .unwrap();
    let limits = String::from_utf8(out.stdout).unwrap();
    assert!(
        limits.split_whitespace().filter(|w| *w == "0").count() >= 2,
        "{limits}"
    );
}

#[test]
fn filter_serves_live_metrics_while_the_stream_is_open() {
    use std::io::{Read, Write};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scrubd"))
        .args(["filter", "--metrics-listen", &format!("127.0.0.1:{port}")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "Authorization: Bearer {JWT}\nclean line").unwrap();
    stdin.flush().unwrap();
    let scrape = || -> Option<String> {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        write!(
            s,
            "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut body = String::new();
        s.read_to_string(&mut body).ok()?;
        Some(body)
    };
    let start = std::time::Instant::now();
    let body = loop {
        if let Some(b) = scrape().filter(|b| b.contains("scrubd_lines_total{source=\"stdin\"} 2")) {
            break b;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "metrics never showed 2 lines: {:?}",
            scrape()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(
        body.contains("scrubd_redactions_total{kind=\"jwt\",source=\"stdin\"} 1"),
        "{body}"
    );
    assert!(
        body.contains("scrubd_jwt_total{alg=\"HS256\",source=\"stdin\"} 1"),
        "{body}"
    );
    assert!(!body.contains("eyJ"));
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Authorization: Bearer [REDACTED:jwt]\nclean line\n"
    );
}

/// `app | scrubd filter | shipper` stopped by SIGTERM or Ctrl-C: what scrubd read is written
/// (scrubbed, the partial last line as a line of its own) and counted before it exits with
/// `128 + signal`; and complete lines do not wait behind a line the writer has not finished.
#[test]
fn filter_writes_what_it_read_when_signalled_and_hands_on_lines_before_a_partial_one() {
    use std::io::{Read, Write};
    for (sig, threads) in [(libc::SIGTERM, "1"), (libc::SIGINT, "2")] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scrubd"))
            .args(["filter", "--stats", "--threads", threads])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        write!(stdin, "a password=hunter2hunter2\nb ok\nc token={JWT}").unwrap();
        stdin.flush().unwrap();
        // The two whole lines come out while the third is unfinished.
        let mut stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut got = Vec::new();
        while got.iter().filter(|&&b| b == b'\n').count() < 2 {
            match rx.recv_timeout(std::time::Duration::from_secs(10)) {
                Ok(chunk) => got.extend_from_slice(&chunk),
                Err(_) => panic!("the whole lines did not come out in 10 s: {got:?}"),
            }
        }
        assert_eq!(got, b"a password=[REDACTED:password]\nb ok\n");
        unsafe { libc::kill(child.id() as i32, sig) };
        reader.join().unwrap();
        got.extend(rx.try_iter().flatten());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            "a password=[REDACTED:password]\nb ok\nc token=[REDACTED:jwt]",
            "signal {sig}"
        );
        assert_eq!(out.status.code(), Some(128 + sig));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("scrubd: lines=3 ") && err.contains("redactions=2 "),
            "{err}"
        );
        drop(stdin);
    }
}

/// A line over `--max-line-bytes` inside a private key (a collector joined two body lines, or
/// something else got in between) is replaced whole, and the key's body lines after it are
/// still redacted, each counted as the redaction it is.
#[test]
fn a_line_too_long_inside_a_private_key_leaves_the_block_open() {
    let body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";
    let long = body.repeat(3);
    let input = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{long}\n{body}\n{body}\n-----END RSA PRIVATE KEY-----\nok\n"
    );
    let out = scrubd()
        .args(["filter", "--max-line-bytes", "100", "--stats"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "-----BEGIN RSA PRIVATE KEY-----\n[REDACTED:line-too-long:bytes=192]\n\
         [REDACTED:private-key]\n[REDACTED:private-key]\n-----END RSA PRIVATE KEY-----\nok\n"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("kind=private-key redactions=2\n"), "{err}");
    assert!(err.contains(" oversize_lines=1\n"), "{err}");
}

/// The corpus and the scanner cases, file after file, each ending in a line break.
fn corpus_and_scanner_cases() -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut input = Vec::new();
    for dir in ["tests/corpus", "tests/scanners"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
            .collect();
        files.sort();
        for f in files {
            input.extend(std::fs::read(f).unwrap());
            if !input.ends_with(b"\n") {
                input.push(b'\n');
            }
        }
    }
    input
}

/// Where reads cut standard input changes nothing: the corpus and scanner cases written to a
/// pipe in 3,001-byte pieces (pieces end mid-line and inside records printed over lines, an
/// echo lands just past a cut) come out as they do from a file read in 256 KiB blocks, on one
/// thread and on two.
#[test]
fn filter_output_does_not_depend_on_how_stdin_arrives() {
    use std::io::Write;
    let input = corpus_and_scanner_cases();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("input.log");
    std::fs::write(&file, &input).unwrap();
    let bin = env!("CARGO_BIN_EXE_scrubd");
    let from_file = std::process::Command::new(bin)
        .arg("filter")
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert!(from_file.status.success());
    assert_ne!(from_file.stdout, input, "nothing redacted");
    for threads in ["1", "2"] {
        let mut child = std::process::Command::new(bin)
            .args(["filter", "--threads", threads])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn({
            let input = input.clone();
            move || {
                // A pause after each piece, so that reads end where the pieces do.
                for piece in input.chunks(3001) {
                    stdin.write_all(piece).unwrap();
                    stdin.flush().unwrap();
                    std::thread::sleep(std::time::Duration::from_micros(300));
                }
            }
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert!(out.status.success());
        assert!(
            out.stdout == from_file.stdout,
            "--threads {threads}: output over a pipe differs from the file's"
        );
    }
}

/// Every count tells the same story. Over the corpus and the scanner cases, `--stats` counts
/// per kind exactly the placeholders `filter` wrote (less those the input already held), and
/// `--audit` lists one finding per placeholder. A path that forgets to count, or that counts a
/// multi-line secret once while it writes a placeholder per line (a PEM key did), fails here.
#[test]
fn stats_and_audit_count_every_placeholder_written() {
    use std::collections::BTreeMap;
    fn placeholders(text: &[u8]) -> BTreeMap<String, u64> {
        let mut by_kind = BTreeMap::new();
        for piece in String::from_utf8_lossy(text).split("[REDACTED:").skip(1) {
            let kind: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            *by_kind.entry(kind).or_insert(0) += 1;
        }
        by_kind
    }
    let input = corpus_and_scanner_cases();
    let out = scrubd()
        .args(["filter", "--stats"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut written = placeholders(&out.stdout);
    for (kind, n) in placeholders(&input) {
        *written.get_mut(&kind).unwrap() -= n;
    }
    written.retain(|_, n| *n > 0);
    let stats: BTreeMap<String, u64> = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("scrubd: kind="))
        .map(|l| {
            let (kind, n) = l.split_once(" redactions=").unwrap();
            (kind.to_string(), n.parse().unwrap())
        })
        .collect();
    assert!(written.contains_key("private-key"), "{written:?}");
    assert_eq!(stats, written, "--stats against placeholders written");

    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    scrubd()
        .args(["filter", "--audit"])
        .arg(&audit)
        .write_stdin(input)
        .assert()
        .success();
    let mut listed = BTreeMap::new();
    for l in std::fs::read_to_string(&audit).unwrap().lines() {
        let r: serde_json::Value = serde_json::from_str(l).unwrap();
        *listed
            .entry(r["kind"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    assert_eq!(listed, written, "--audit against placeholders written");
}

/// `scrubd filter --stats | head -1`: the reader closes the output early. scrubd stops (exit
/// 141, as SIGPIPE would) but still prints the counts of what it wrote, and says why it ended.
/// The batch the pipe cut off part way counts the lines the pipe took whole: never fewer lines
/// than the reader read, never the ones it did not take.
#[test]
fn filter_prints_stats_of_what_it_wrote_when_the_output_is_closed_early() {
    use std::io::{BufRead, Write};
    for threads in ["1", "2"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scrubd"))
            .args(["filter", "--stats", "--threads", threads])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            for i in 0..400_000 {
                if writeln!(stdin, "{i} login password=hunter2hunter2").is_err() {
                    return i;
                }
            }
            400_000
        });
        // A megabyte: several whole batches were written before the reader goes away.
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (mut read, mut lines_read) = (0, 0);
        let mut line = String::new();
        while read < 1 << 20 {
            line.clear();
            read += stdout.read_line(&mut line).unwrap();
            lines_read += 1;
            assert!(
                line.ends_with(" login password=[REDACTED:password]\n"),
                "{line}"
            );
        }
        drop(stdout);
        let sent = writer.join().unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(141), "{err}");
        assert!(sent < 400_000, "scrubd read its whole input: {err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("output closed by its reader"), "{err}");
        let field = |name: &str| -> u64 {
            let at = err
                .find(&format!(" {name}="))
                .unwrap_or_else(|| panic!("{err}"));
            let rest = &err[at + name.len() + 2..];
            rest[..rest.find(' ').unwrap()].parse().unwrap()
        };
        let lines = field("lines");
        assert!(
            lines >= lines_read && lines < sent as u64,
            "{lines} counted, {lines_read} read, {sent} sent: {err}"
        );
        // What the pipe's buffer can hold beyond what was read (64 KiB on Linux, 1 MiB at
        // most), in lines of at least 37 bytes.
        assert!(
            lines - lines_read <= (1 << 20) / 37,
            "{lines} counted, {lines_read} read: {err}"
        );
        // Every line holds one password: the counts are of the same lines.
        assert_eq!(field("redactions"), lines, "{err}");
        assert_eq!(field("lines_redacted"), lines, "{err}");
    }
}
