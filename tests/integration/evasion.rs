//! Evasion and safety: secrets at read-buffer boundaries, escaped and encoded values, hostile
//! user rules and inputs. What is guaranteed is listed in README "What scrubd guarantees".

use assert_cmd::Command;
use std::time::{Duration, Instant};

fn filter(args: &[&str], input: &[u8]) -> Vec<u8> {
    let out = Command::cargo_bin("scrubd")
        .unwrap()
        .arg("filter")
        .args(args)
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn secret_straddling_the_read_block_boundary_is_redacted() {
    // 256 KiB read blocks: put a token across byte 262144 (and 2x, 3x) for both thread modes.
    let token = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    let mut input = Vec::new();
    for boundary in [262_144usize, 524_288, 786_432] {
        while input.len() < boundary - 20 {
            input.extend_from_slice(b"GET /health 200 ok\n");
        }
        input.extend_from_slice(format!("key={token} done\n").as_bytes());
    }
    for threads in ["1", "2"] {
        let out = String::from_utf8(filter(&["--threads", threads], &input)).unwrap();
        assert!(
            !out.contains(token),
            "token survived a block boundary with {threads} thread(s)"
        );
        assert_eq!(out.matches("[REDACTED:api-key]").count(), 3);
    }
}

#[test]
fn json_escaped_and_url_encoded_values_are_redacted_whole() {
    let out = String::from_utf8(filter(&[], br#"{"password": "a\/b\u002ec\"d", "n": 1}"#)).unwrap();
    assert_eq!(out, r#"{"password": "[REDACTED:password]", "n": 1}"#);
    let out = String::from_utf8(filter(
        &[],
        b"GET /cb?access_token=ya29%2EA0ARrdaM8Tq%2Fx%3D&x=1 HTTP/1.1\n",
    ))
    .unwrap();
    assert_eq!(out, "GET /cb?access_token=[REDACTED:token]&x=1 HTTP/1.1\n");
}

#[test]
fn catastrophic_backtracking_shapes_run_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evil.toml"),
        concat!(
            "[[rule]]\nid = \"evil\"\nkind = \"x\"\ndescription = \"nested quantifiers\"\nkeywords = [\"a\"]\n",
            "regex = '''(?P<secret>(a+)+(b|c+)*\\$)'''\n",
            "examples.redact = ['«aab$»']\nexamples.keep = ['aaaa']\n",
        ),
    )
    .unwrap();
    let line = format!("{}\n", "a".repeat(500_000)).repeat(4);
    let start = Instant::now();
    let out = filter(
        &["--no-builtin", "--rules", dir.path().to_str().unwrap()],
        line.as_bytes(),
    );
    assert_eq!(out.len(), line.len());
    // A backtracking engine would not finish this in our lifetime; the regex crate is linear.
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn oversized_user_regex_is_refused_with_the_rule_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("huge.toml"),
        "[[rule]]\nid = \"huge\"\nkind = \"x\"\ndescription = \"d\"\nkeywords = [\"k\"]\nregex = '''k(?P<secret>\\w{1000}){1000}'''\n",
    )
    .unwrap();
    let out = Command::cargo_bin("scrubd")
        .unwrap()
        .args(["check", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("huge.toml:huge: bad regex") && text.contains("size limit"),
        "{text}"
    );
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs GNU time (/usr/bin/time): scripts/test.sh runs it"
)]
fn a_100_mib_line_without_newline_keeps_memory_bounded() {
    // Peak RSS of the filter on one 100 MiB line, measured by GNU time around the process.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(100 << 20).unwrap(); // 100 MiB of NUL bytes, no newline
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_scrubd"))
        .args(["filter", "--stats"])
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .expect("/usr/bin/time missing: scripts/test.sh installs it (apt-get install time)");
    assert!(out.status.success());
    assert_eq!(out.stdout, b"[REDACTED:line-too-long:bytes=104857600]");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let rss_kib: u64 = stderr.lines().last().unwrap().trim().parse().unwrap();
    assert!(
        rss_kib < 64 * 1024,
        "peak RSS {rss_kib} KiB for a 100 MiB line"
    );
    assert!(stderr.contains("oversize_lines=1"), "{stderr}");
}

#[test]
fn a_user_rule_whose_keywords_miss_a_spelling_is_refused_not_silently_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("gap.toml"),
        concat!(
            "[[rule]]\nid = \"gap\"\nkind = \"api-key\"\ndescription = \"d\"\nkeywords = [\"api_key\"]\n",
            "regex = '''(?i)api_?key=(?P<secret>\\w{8,})'''\n",
        ),
    )
    .unwrap();
    let out = Command::cargo_bin("scrubd")
        .unwrap()
        .args(["filter", "--rules"])
        .arg(dir.path())
        .write_stdin("apikey=abcdefgh123\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("gap.toml:gap:") && err.contains("contains none of its keywords"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing may be emitted unscanned");
}
