//! JWT findings (issue 15): tokens minted by the real libraries of the stacks scrubd serves
//! (`tests/jwt/tokens.json`, made by `tests/jwt/gen/run.sh`), each with the findings it must
//! give. Every finding is counted exactly, on every channel that counts JWTs (the engine's
//! hits, `--stats`, `--audit`, `explain`, `/metrics` of `filter` and of the daemon), clean
//! tokens give none, malformed and oversized tokens are handled, and nothing of a token — claim
//! values, `kid`, an `iss` outside the allowlist, a key — reaches any output.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use scrubd::engine::jwt::{Finding, Policy, PolicyOptions};
use scrubd::engine::{Mode, RuleSet, Scrubber, StreamState};

use crate::common::{append, free_port, sample, wait_until, Opts, Scrubd};

struct Token {
    name: String,
    library: String,
    token: String,
    findings: Vec<String>,
    weak_key: Option<String>,
    issuer: String,
    secrets: Vec<String>,
}

struct Fixture {
    seen_at: i64,
    issuers: Vec<String>,
    tokens: Vec<Token>,
}

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/jwt/tokens.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    Fixture {
        seen_at: v["seen_at"].as_i64().unwrap(),
        issuers: strings(&v["issuers"]),
        tokens: v["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| Token {
                name: t["name"].as_str().unwrap().into(),
                library: t["library"].as_str().unwrap().into(),
                token: t["token"].as_str().unwrap().into(),
                findings: strings(&t["findings"]),
                weak_key: t["weak_key"].as_str().map(str::to_string),
                issuer: t["issuer"].as_str().unwrap().into(),
                secrets: strings(&t["secrets"]),
            })
            .collect(),
    }
}

/// Each token in three of the shapes logs give it.
fn lines(f: &Fixture) -> String {
    let mut s = String::new();
    for t in &f.tokens {
        s.push_str(&format!("Authorization: Bearer {}\n", t.token));
        s.push_str(&format!(
            "{{\"level\":\"info\",\"msg\":\"login\",\"token\":\"{}\"}}\n",
            t.token
        ));
        s.push_str(&format!(
            "GET /callback?id_token={}&state=ok 302\n",
            t.token
        ));
        s.push_str("GET /health 200\n");
    }
    s
}
const SHAPES: u64 = 3;

fn scrubber(f: &Fixture) -> Scrubber {
    let policy = Policy::new(&PolicyOptions {
        issuers: f.issuers.clone(),
        ..PolicyOptions::default()
    })
    .unwrap();
    Scrubber::new(
        Arc::new(
            RuleSet::builtin()
                .unwrap()
                .with_jwt_policy(Arc::new(policy)),
        ),
        Mode::Mask,
    )
}

/// Per (finding, issuer label): occurrences expected in [`lines`].
fn expected(f: &Fixture) -> BTreeMap<(String, String), u64> {
    let mut m = BTreeMap::new();
    for t in &f.tokens {
        for name in &t.findings {
            *m.entry((name.clone(), t.issuer.clone())).or_default() += SHAPES;
        }
    }
    m
}

fn by_finding(m: &BTreeMap<(String, String), u64>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for ((f, _), n) in m {
        *out.entry(f.clone()).or_default() += n;
    }
    out
}

/// The `alg` of a fixture token's header.
fn alg(token: &str) -> String {
    use base64::Engine as _;
    let header = token.split('.').next().unwrap();
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    v["alg"].as_str().unwrap().to_string()
}

fn assert_no_secret(what: &str, bytes: &[u8], f: &Fixture) {
    let text = String::from_utf8_lossy(bytes);
    for t in &f.tokens {
        for s in &t.secrets {
            assert!(
                !text.contains(s.as_str()),
                "{what}: a secret of token {} ({} bytes) leaked",
                t.name,
                s.len()
            );
        }
    }
    assert!(
        !text.contains("evil.example.net"),
        "{what}: an issuer outside the allowlist leaked"
    );
}

#[test]
fn fixture_covers_every_finding_every_library_and_clean_tokens() {
    let f = fixture();
    for name in Finding::NAMES {
        assert!(
            f.tokens
                .iter()
                .any(|t| t.findings.iter().any(|x| x == name)),
            "no token for {name}"
        );
    }
    for lib in [
        "PyJWT",
        "python-jose",
        "djangorestframework-simplejwt",
        "Flask-JWT-Extended",
        "jsonwebtoken",
    ] {
        assert!(
            f.tokens.iter().any(|t| t.library.starts_with(lib)),
            "no token from {lib}"
        );
    }
    assert!(f.tokens.iter().filter(|t| t.findings.is_empty()).count() >= 3);
    assert!(f
        .tokens
        .iter()
        .any(|t| t.name.contains("rs256") && t.findings.is_empty()));
    assert!(f
        .tokens
        .iter()
        .any(|t| t.name.contains("random-key") && t.findings.is_empty()));
}

#[test]
fn engine_reports_each_fixture_token_exactly() {
    let f = fixture();
    let s = scrubber(&f);
    let mut scratch = s.scratch();
    scratch.set_seen_at(Some(f.seen_at));
    let policy = s.rules().jwt();
    for t in &f.tokens {
        let (mut out, mut hits) = (Vec::new(), Vec::new());
        let line = format!("Authorization: Bearer {}\n", t.token);
        s.scrub_block(
            line.as_bytes(),
            &mut StreamState::default(),
            &mut scratch,
            &mut out,
            &mut hits,
        );
        assert_eq!(
            String::from_utf8_lossy(&out),
            "Authorization: Bearer [REDACTED:jwt]\n",
            "{}",
            t.name
        );
        assert_eq!(hits.len(), 1, "{}", t.name);
        let r = hits[0]
            .jwt
            .unwrap_or_else(|| panic!("{}: no JWT report", t.name));
        let got: Vec<&str> = r.findings.iter().map(Finding::name).collect();
        let mut want: Vec<&str> = t.findings.iter().map(String::as_str).collect();
        want.sort_by_key(|n| Finding::from_name(n).unwrap());
        assert_eq!(got, want, "{} ({})", t.name, t.library);
        assert_eq!(
            r.weak_key.map(|k| policy.weak_key_id(k)),
            t.weak_key.as_deref(),
            "{}",
            t.name
        );
        assert_eq!(policy.issuer_label(r.issuer), t.issuer, "{}", t.name);
    }
}

#[test]
fn every_occurrence_is_counted_and_each_token_verified_once() {
    let f = fixture();
    let s = scrubber(&f);
    let mut scratch = s.scratch();
    scratch.set_seen_at(Some(f.seen_at));
    let input = lines(&f);
    let (mut out, mut hits) = (Vec::new(), Vec::new());
    s.scrub_block(
        input.as_bytes(),
        &mut StreamState::default(),
        &mut scratch,
        &mut out,
        &mut hits,
    );
    let mut got: BTreeMap<(String, String), u64> = BTreeMap::new();
    for h in &hits {
        let r = h.jwt.expect("every hit of the fixture lines is a JWT");
        for x in r.findings.iter() {
            *got.entry((
                x.name().to_string(),
                s.rules().jwt().issuer_label(r.issuer).to_string(),
            ))
            .or_default() += 1;
        }
    }
    assert_eq!(hits.len() as u64, SHAPES * f.tokens.len() as u64);
    assert_eq!(got, expected(&f));
    let stats = scratch.jwt_cache().stats();
    assert_eq!(
        stats.misses,
        f.tokens.len() as u64,
        "one analysis per distinct token"
    );
    assert_eq!(stats.hits, (SHAPES - 1) * f.tokens.len() as u64);
    // Verified: the HS* tokens whose header and payload decode (a malformed one is not).
    let hs = f
        .tokens
        .iter()
        .filter(|t| alg(&t.token).starts_with("HS") && !t.findings.iter().any(|x| x == "malformed"))
        .count();
    assert_eq!(stats.verifications, hs as u64);
    assert_no_secret("scrubbed block", &out, &f);
}

fn run(args: &[&str], input: &[u8], seen_at: i64) -> std::process::Output {
    let mut c = Command::new("faketime")
        .arg(format!("@{seen_at}"))
        .arg(env!("CARGO_BIN_EXE_scrubd"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("faketime (Debian's faketime package) runs scrubd at the fixture's time");
    let mut stdin = c.stdin.take().unwrap();
    let data = input.to_vec();
    let w = std::thread::spawn(move || stdin.write_all(&data));
    let out = c.wait_with_output().unwrap();
    w.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "scrubd {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs faketime: scripts/test.sh runs it"
)]
fn filter_stats_audit_and_explain_count_every_finding_and_reveal_nothing() {
    let f = fixture();
    let input = lines(&f);
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let iss = &f.issuers[0];
    let out = run(
        &[
            "filter",
            "--stats",
            "--jwt-issuer",
            iss,
            "--audit",
            audit.to_str().unwrap(),
        ],
        input.as_bytes(),
        f.seen_at,
    );
    // --stats: one line per finding of the fixed set, zero included.
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    let want = by_finding(&expected(&f));
    for name in Finding::NAMES {
        let n = want.get(name).copied().unwrap_or(0);
        assert!(
            stderr.contains(&format!("scrubd: jwt finding={name} count={n}\n")),
            "{name}={n}:\n{stderr}"
        );
    }
    assert_no_secret("stderr (--stats)", &out.stderr, &f);
    // --audit: each JWT record carries its token's findings, weak key id and issuer label.
    let records = std::fs::read_to_string(&audit).unwrap();
    let mut jwt_records = 0;
    for r in records.lines() {
        let v: serde_json::Value = serde_json::from_str(r).unwrap();
        if v["kind"] != "jwt" {
            continue;
        }
        jwt_records += 1;
        let t = &f.tokens[(v["line"].as_u64().unwrap() as usize - 1) / 4];
        let mut want: Vec<&str> = t.findings.iter().map(String::as_str).collect();
        want.sort_by_key(|n| Finding::from_name(n).unwrap());
        assert_eq!(v["jwt_findings"], serde_json::json!(want), "{}", t.name);
        assert_eq!(v["weak_key"].as_str(), t.weak_key.as_deref(), "{}", t.name);
        assert_eq!(v["issuer"], t.issuer.as_str(), "{}", t.name);
    }
    assert_eq!(jwt_records, SHAPES as usize * f.tokens.len());
    assert_no_secret("audit file", records.as_bytes(), &f);
    // The scrubbed stream itself.
    let out = run(&["filter"], input.as_bytes(), f.seen_at);
    assert_eq!(
        out.stdout.iter().filter(|&&b| b == b'\n').count(),
        input.lines().count()
    );
    assert_no_secret("filter output", &out.stdout, &f);
    // explain: the findings of every token, by name.
    let out = run(
        &["explain", "--jwt-issuer", iss],
        input.as_bytes(),
        f.seen_at,
    );
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    for t in &f.tokens {
        let mut want: Vec<&str> = t.findings.iter().map(String::as_str).collect();
        want.sort_by_key(|n| Finding::from_name(n).unwrap());
        let shown = if want.is_empty() {
            "none".to_string()
        } else {
            want.join(",")
        };
        assert!(
            text.contains(&format!(" jwt_findings={shown}")),
            "{}: {shown}",
            t.name
        );
        if let Some(k) = &t.weak_key {
            assert!(text.contains(&format!(" weak_key={k} ")), "{}", t.name);
        }
    }
    assert!(text.contains(&format!(" issuer={iss}")));
    assert_no_secret("explain", &[out.stdout, out.stderr].concat(), &f);
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs faketime and promtool: scripts/test.sh runs it"
)]
fn filter_metrics_count_findings_by_issuer() {
    let f = fixture();
    let input = lines(&f);
    let port = free_port();
    let mut child = Command::new("faketime")
        .arg(format!("@{}", f.seen_at))
        .arg(env!("CARGO_BIN_EXE_scrubd"))
        .args([
            "filter",
            "--jwt-issuer",
            &f.issuers[0],
            "--metrics-listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let lines = input.lines().count() as f64;
    let start = Instant::now();
    let metrics = loop {
        let m = crate::common::http_get(port, "/metrics")
            .map(|r| r.1)
            .unwrap_or_default();
        if sample_or_zero(&m, "scrubd_lines_total{source=\"stdin\"}") == lines {
            break m;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the metrics never counted {lines} lines:\n{m}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(stdin);
    assert!(child.wait_with_output().unwrap().status.success());
    let want = expected(&f);
    for finding in Finding::NAMES {
        for issuer in [f.issuers[0].as_str(), "other"] {
            let series = format!("scrubd_jwt_findings_total{{finding=\"{finding}\",issuer=\"{issuer}\",source=\"stdin\"}}");
            let n = want
                .get(&(finding.to_string(), issuer.to_string()))
                .copied()
                .unwrap_or(0);
            assert_eq!(sample(&metrics, &series), n as f64, "{series}");
        }
    }
    assert_no_secret("filter /metrics", metrics.as_bytes(), &f);
    crate::common::promtool_check_metrics(&metrics);
}

fn sample_or_zero(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.trim().parse().ok()))
        .unwrap_or(0.0)
}

#[test]
fn daemon_counts_findings_by_issuer_and_reveals_nothing() {
    let f = fixture();
    let opts = Opts {
        extra: format!(
            "\n[jwt]\nissuers = [{:?}]\nmax_lifetime = \"24h\"\n",
            f.issuers[0]
        ),
        ..Opts::default()
    };
    let d = Scrubd::new(opts, |_| {});
    let input = lines(&f);
    append(&d.path("logs/app.log"), &input);
    let n = input.lines().count();
    wait_until(Duration::from_secs(30), "every line out", || {
        d.output_lines().len() == n
    });
    wait_until(
        Duration::from_secs(10),
        "metrics to count every line",
        || d.metric("scrubd_lines_total{source=\"app\"}") == n as f64,
    );
    let metrics = d.metrics();
    // `expired` depends on the wall clock of the run (every fixture token has expired by now);
    // every other finding does not.
    let want = expected(&f);
    for finding in Finding::NAMES.iter().filter(|&&x| x != "expired") {
        for issuer in [f.issuers[0].as_str(), "other"] {
            let series = format!("scrubd_jwt_findings_total{{finding=\"{finding}\",issuer=\"{issuer}\",source=\"app\"}}");
            let n = want
                .get(&(finding.to_string(), issuer.to_string()))
                .copied()
                .unwrap_or(0);
            assert_eq!(sample(&metrics, &series), n as f64, "{series}");
        }
    }
    assert_no_secret("daemon /metrics", metrics.as_bytes(), &f);
    assert_no_secret("daemon stderr", d.stderr().as_bytes(), &f);
    assert_no_secret("daemon output", d.output_lines().join("\n").as_bytes(), &f);
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs faketime: scripts/test.sh runs it"
)]
fn malformed_and_oversized_jwts_never_crash_the_filter() {
    let header = "eyJhbGciOiJIUzI1NiJ9"; // {"alg":"HS256"}
    let big = "A".repeat(900 << 10);
    let mut input = String::new();
    for junk in [
        format!("{header}."),
        format!("{header}.."),
        format!("{header}.eyJ.eyJ"),
        format!("{header}.!!!!.sig"),
        format!("{header}.{big}.sig"),
        format!("{header}.e30.{big}"),
        format!("{header}.e30.sig.{big}.x"),
        format!("eyJhbGciOiJub25lIn0.{}.", "W".repeat(5000)),
    ] {
        input.push_str(&format!("token={junk} end\n"));
    }
    let out = run(&["filter", "--stats"], input.as_bytes(), 1_800_000_000);
    assert_eq!(
        out.stdout.iter().filter(|&&b| b == b'\n').count(),
        input.lines().count()
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("scrubd: jwt finding=malformed count="),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&big[..100]));
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs promtool: scripts/test.sh runs it"
)]
fn alert_rules_page_on_forgeable_tokens_and_ticket_long_lived_ones() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/prometheus");
    for args in [
        ["check", "rules", "scrubd-alerts.yml"],
        ["test", "rules", "scrubd-alerts.test.yml"],
    ] {
        let out = Command::new("promtool")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("promtool missing: scripts/test.sh installs it (apt-get install prometheus)");
        assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rules = std::fs::read_to_string(format!("{dir}/scrubd-alerts.yml")).unwrap();
    let tests = std::fs::read_to_string(format!("{dir}/scrubd-alerts.test.yml")).unwrap();
    let alerts: Vec<&str> = rules.split("- alert: ").skip(1).collect();
    for (finding, severity) in [
        ("alg_none", "critical"),
        ("weak_hmac_key", "critical"),
        ("embedded_jwk", "critical"),
        ("jku_header", "critical"),
        ("x5u_header", "critical"),
        ("no_exp", "warning"),
        ("long_lifetime", "warning"),
    ] {
        let alert = alerts
            .iter()
            .find(|a| {
                let expr = a
                    .lines()
                    .find(|l| l.trim_start().starts_with("expr:"))
                    .unwrap();
                expr.contains("scrubd_jwt_findings_total") && expr.contains(finding)
            })
            .unwrap_or_else(|| panic!("no alert on scrubd_jwt_findings_total for {finding}"));
        let name = alert.lines().next().unwrap().trim();
        assert!(
            alert.contains(&format!("severity: {severity}")),
            "{name} ({finding}) is not {severity}"
        );
        assert!(
            tests.contains(&format!("alertname: {name}\n")),
            "{name} has no promtool test"
        );
    }
}
