//! Secret hygiene: every command and failure path, fed the whole labelled corpus, must leave no
//! known secret anywhere scrubd writes — output, stderr, audit file, metrics, state files.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{free_port, http_get};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The corpus (all stacks, concatenated) and every labelled secret of 8 bytes or more.
fn corpus() -> (Vec<u8>, Vec<String>) {
    let dir = Path::new(ROOT).join("tests/corpus");
    let (mut input, mut secrets) = (Vec::new(), Vec::new());
    for stack in [
        "boto3_dynamodb",
        "pymongo",
        "django",
        "flask",
        "express",
        "jwt",
        "pem_env",
    ] {
        input.extend(std::fs::read(dir.join(format!("{stack}.log"))).unwrap());
        for l in std::fs::read_to_string(dir.join(format!("{stack}.labels.jsonl")))
            .unwrap()
            .lines()
        {
            secrets.extend(
                serde_json::from_str::<Vec<String>>(l)
                    .unwrap()
                    .into_iter()
                    .filter(|s| s.len() >= 8),
            );
        }
    }
    secrets.sort();
    secrets.dedup();
    assert!(
        secrets.len() > 300,
        "too few secrets to mean anything: {}",
        secrets.len()
    );
    (input, secrets)
}

fn assert_clean(what: &str, bytes: &[u8], secrets: &[String]) {
    let text = String::from_utf8_lossy(bytes);
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|s| text.contains(s.as_str()))
        .collect();
    assert!(
        leaked.is_empty(),
        "{what}: {} known secrets leaked, e.g. one of {} bytes",
        leaked.len(),
        leaked[0].len()
    );
}

/// The body of `GET path` on the local `port`.
fn get(port: u16, path: &str) -> Option<Vec<u8>> {
    http_get(port, path).map(|(_, body)| body.into_bytes())
}

#[test]
fn filter_stats_audit_and_metrics_hold_no_secret() {
    let (input, secrets) = corpus();
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_scrubd"))
        .args([
            "filter",
            "--stats",
            "--metrics-listen",
            &format!("127.0.0.1:{port}"),
            "--audit",
        ])
        .arg(&audit)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&input).unwrap();
    // Scrape while the stream is still open.
    let start = Instant::now();
    let metrics = loop {
        if let Some(m) = get(port, "/metrics")
            .filter(|m| String::from_utf8_lossy(m).contains("scrubd_redactions_total{kind=\"jwt\""))
        {
            break m;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no metrics");
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    // In audit mode stdout is the input itself; the audit file, stderr and metrics must be clean.
    assert_clean("audit file", &std::fs::read(&audit).unwrap(), &secrets);
    assert_clean("stderr (--stats)", &out.stderr, &secrets);
    assert_clean("metrics", &metrics, &secrets);

    let mut c = Command::new(env!("CARGO_BIN_EXE_scrubd"))
        .args(["filter", "--max-line-bytes", "300"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = c.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = c.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_clean(
        "filter output with a small line limit",
        &out.stdout,
        &secrets,
    );
}

#[test]
fn explain_and_hash_mode_hold_no_secret() {
    let (input, secrets) = corpus();
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_scrubd"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = c.stdin.take().unwrap();
        let data = input.clone();
        let w = std::thread::spawn(move || stdin.write_all(&data));
        let out = c.wait_with_output().unwrap();
        w.join().unwrap().unwrap();
        assert!(out.status.success());
        out
    };
    let out = run(&["explain"]);
    assert_clean("explain", &[out.stdout, out.stderr].concat(), &secrets);
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("fp.key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef").unwrap();
    let out = run(&[
        "filter",
        "--mode",
        "hash",
        "--fingerprint-key-file",
        key.to_str().unwrap(),
    ]);
    assert_clean("hash-mode output", &out.stdout, &secrets);
}

#[test]
fn daemon_logs_metrics_state_and_output_hold_no_secret_even_when_the_sink_fails() {
    let (input, secrets) = corpus();
    let root = tempfile::tempdir().unwrap();
    for d in ["logs", "state", "out"] {
        std::fs::create_dir_all(root.path().join(d)).unwrap();
    }
    let port = free_port();
    std::fs::write(
        root.path().join("scrubd.toml"),
        format!(
            "[state]\ndir = \"state\"\n[metrics]\nlisten = \"127.0.0.1:{port}\"\n[[sources]]\nname = \"app\"\ntype = \"file\"\n\
             include = [\"logs/*.log\"]\nstart_at = \"beginning\"\nsink = \"s\"\nrescan_interval = \"100ms\"\n\
             [[sinks]]\nname = \"s\"\ntype = \"file\"\ndir = \"out\"\n"
        ),
    )
    .unwrap();
    // The sink fails first (a file where its directory should be), then recovers.
    std::fs::write(root.path().join("out/app"), b"").unwrap();
    std::fs::write(root.path().join("logs/all.log"), &input).unwrap();
    let stderr_path = root.path().join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_scrubd"))
        .args(["run", "--config"])
        .arg(root.path().join("scrubd.toml"))
        .env("SCRUBD_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let failing = loop {
        if let Some(m) = get(port, "/metrics").filter(|m| {
            !String::from_utf8_lossy(m).contains("scrubd_sink_errors_total{sink=\"s\"} 0")
        }) {
            break m;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "sink never failed"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    std::fs::remove_file(root.path().join("out/app")).unwrap();
    let want = input.iter().filter(|&&b| b == b'\n').count();
    let out_file = root.path().join("out/app/all.log");
    let start = Instant::now();
    while std::fs::read(&out_file).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) < want {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "output incomplete"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let metrics = get(port, "/metrics").unwrap();
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    assert!(child.wait().unwrap().success());
    assert_clean(
        "daemon output",
        &std::fs::read(&out_file).unwrap(),
        &secrets,
    );
    assert_clean(
        "daemon stderr (debug level)",
        &std::fs::read(&stderr_path).unwrap(),
        &secrets,
    );
    assert_clean("metrics while failing", &failing, &secrets);
    assert_clean("metrics after", &metrics, &secrets);
    for e in std::fs::read_dir(root.path().join("state")).unwrap() {
        let p = e.unwrap().path();
        assert_clean(
            &p.display().to_string(),
            &std::fs::read(&p).unwrap(),
            &secrets,
        );
    }
}
