//! The captured corpus (`tests/corpus/*.log`, labelled by `*.labels.jsonl`): every labelled
//! secret gone, every byte of it, every clean line byte-identical, on a line with secrets every redaction on one
//! of them, JSON lines still JSON, line count kept, a second scrub a no-op.

use crate::common::labels::in_clear;
use scrubd::engine::{Hit, Mode, RuleSet, Scrubber, StreamState};
use std::path::Path;
use std::sync::Arc;

const STACKS: &[&str] = &[
    "boto3_dynamodb",
    "pymongo",
    "django",
    "flask",
    "express",
    "jwt",
    "pem_env",
    // issue 10: syntaxes, escaping, containers, look-alikes
    "rails",
    "shell_ci",
    "xml",
    "yaml",
    "dynamodb_nested",
    "json_nested",
    "logger_prefixes",
    // issue 11: data stores, prose, URL paths
    "ddb_expressions",
    "ddb_keys",
    "awssdk_js_dynamodb",
    "boto3_aws_responses",
    "django_sql",
    "sqlalchemy",
    "postgres",
    "pymongo_errors",
    "mongoose",
    "access_paths",
    "prose",
    "electrodb",
    "dynamoose",
    "cognito",
    "ansi",
    "validation",
    "http_clients",
    "lambda_events",
    "tracebacks",
    "task_queues",
    "orm_params",
    "shell_logins",
    "mail_protocols",
    "keycloak_admin",
    "aws_query_cli",
    "kms",
    "dsn_passwords",
    // held-out runs (2026-12-06): stacks and shapes the rules were not written from
    "node_services",
    "python_services",
    "node_libs",
    "python_async",
    "web_extensions",
];

fn scrub(input: &[u8]) -> (Vec<u8>, Vec<Hit>) {
    let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
    let (mut out, mut hits) = (Vec::new(), Vec::new());
    s.scrub_block(
        input,
        &mut StreamState::default(),
        &mut s.scratch(),
        &mut out,
        &mut hits,
    );
    (out, hits)
}

fn split_lines(b: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = b.split_inclusive(|&c| c == b'\n').collect();
    if b.is_empty() {
        v.clear();
    }
    v
}

fn check_stack(name: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let input = std::fs::read(dir.join(format!("{name}.log"))).unwrap();
    let labels = std::fs::read_to_string(dir.join(format!("{name}.labels.jsonl"))).unwrap();
    let labels: Vec<Vec<String>> = labels
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (output, hits) = scrub(&input);
    // Idempotent: scrubd's own output, scrubbed again, finds nothing and changes nothing.
    let (again, again_hits) = scrub(&output);
    assert!(
        again_hits.is_empty() && again == output,
        "{name}: a second scrub changed the output ({} findings)",
        again_hits.len()
    );
    let (inl, outl) = (split_lines(&input), split_lines(&output));
    assert_eq!(
        inl.len(),
        labels.len(),
        "{name}: labels file out of step with the log"
    );
    assert_eq!(inl.len(), outl.len(), "{name}: line count changed");
    let mut accepted: Vec<String> = std::fs::read_to_string(dir.join("unlabelled_redactions.txt"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with(&format!("{name}:")))
        .map(String::from)
        .collect();
    // Lines known to leak, each with the shape scrubd does not read yet: a listed line must
    // still leak (a fix drops its entry), any other leak fails.
    let mut misses: Vec<usize> = std::fs::read_to_string(dir.join("known_misses.txt"))
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{name}:")))
        .map(|l| l.split(' ').next().unwrap().parse().unwrap())
        .collect();
    let mut problems = Vec::new();
    for (i, ((a, b), secrets)) in inl.iter().zip(&outl).zip(&labels).enumerate() {
        let n = i + 1;
        assert_eq!(
            a.ends_with(b"\n"),
            b.ends_with(b"\n"),
            "{name}:{n}: line ending changed"
        );
        if secrets.is_empty() {
            // A clean line may change only by redactions accepted by policy, each listed.
            let line_hits: Vec<&Hit> = hits.iter().filter(|h| h.line == i).collect();
            let entries: Vec<String> = line_hits
                .iter()
                .map(|h| {
                    let text = format!("{:?}", String::from_utf8_lossy(&a[h.start..h.end]));
                    let text = text.trim_matches('"');
                    format!("{name}:{n} {}", text.chars().take(16).collect::<String>())
                })
                .collect();
            if !entries.is_empty() && entries.iter().all(|e| accepted.contains(e)) {
                for e in &entries {
                    if let Some(at) = accepted.iter().position(|x| x == e) {
                        accepted.swap_remove(at);
                    }
                }
            } else if a != b {
                problems.push(format!(
                    "{name}:{n}: clean line changed:\n  in:  {}\n  out: {}",
                    String::from_utf8_lossy(a).trim_end(),
                    String::from_utf8_lossy(b).trim_end()
                ));
            }
            continue;
        }
        let line_hits: Vec<&Hit> = hits.iter().filter(|h| h.line == i).collect();
        let leaks = secrets.iter().any(|s| {
            memchr::memmem::find(b, s.as_bytes()).is_some() || in_clear(a, s, &line_hits) > 0
        });
        if let Some(at) = misses.iter().position(|&m| m == n) {
            misses.swap_remove(at);
            if !leaks {
                problems.push(format!(
                    "{name}:{n}: listed in known_misses.txt but scrubbed now (drop the entry)"
                ));
            }
            continue;
        }
        for s in secrets {
            if memchr::memmem::find(b, s.as_bytes()).is_some() {
                problems.push(format!(
                    "{name}:{n}: secret survives ({} bytes): {}",
                    s.len(),
                    String::from_utf8_lossy(b).trim_end()
                ));
            } else if let clear @ 1.. = in_clear(a, s, &line_hits) {
                problems.push(format!(
                    "{name}:{n}: {clear} of the secret's {} bytes stay in clear: {}",
                    s.len(),
                    String::from_utf8_lossy(b).trim_end()
                ));
            }
        }
        // Over-redaction: a redacted range that touches none of the labelled secrets (a column
        // name, a logger name, an id next to the secret) is a false positive, unless accepted
        // by policy in unlabelled_redactions.txt.
        for h in hits.iter().filter(|h| h.line == i) {
            let on_secret = secrets.iter().any(|s| {
                memchr::memmem::find_iter(a, s.as_bytes())
                    .any(|at| at < h.end && h.start < at + s.len())
            });
            if on_secret {
                continue;
            }
            let text = format!("{:?}", String::from_utf8_lossy(&a[h.start..h.end]));
            let text = text.trim_matches('"');
            let entry = format!("{name}:{n} {}", text.chars().take(16).collect::<String>());
            if let Some(at) = accepted.iter().position(|e| *e == entry) {
                accepted.swap_remove(at);
                continue;
            }
            problems.push(format!(
                "{name}:{n}: redacted {}..{} ({text}), on no labelled secret: {}",
                h.start,
                h.end,
                String::from_utf8_lossy(a).trim_end()
            ));
        }
        if serde_json::from_slice::<serde_json::Value>(a).is_ok() {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(b) {
                problems.push(format!(
                    "{name}:{n}: JSON broken ({e}): {}",
                    String::from_utf8_lossy(b).trim_end()
                ));
            }
        }
    }
    for n in misses {
        problems.push(format!(
            "{name}:{n}: listed in known_misses.txt, not a secret line"
        ));
    }
    for e in accepted {
        problems.push(format!(
            "{e}: listed in unlabelled_redactions.txt but not redacted (drop the entry)"
        ));
    }
    problems
}

macro_rules! corpus_test {
    ($($name:ident),*) => {$(
        #[test]
        fn $name() {
            let problems = check_stack(stringify!($name));
            assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
        }
    )*};
}

corpus_test!(
    boto3_dynamodb,
    pymongo,
    django,
    flask,
    express,
    jwt,
    pem_env,
    rails,
    shell_ci,
    xml,
    yaml,
    dynamodb_nested,
    json_nested,
    logger_prefixes,
    ddb_expressions,
    ddb_keys,
    awssdk_js_dynamodb,
    boto3_aws_responses,
    django_sql,
    sqlalchemy,
    postgres,
    pymongo_errors,
    mongoose,
    access_paths,
    prose,
    electrodb,
    dynamoose,
    cognito,
    ansi,
    validation,
    http_clients,
    lambda_events,
    tracebacks,
    task_queues,
    orm_params,
    shell_logins,
    mail_protocols,
    keycloak_admin,
    aws_query_cli,
    kms,
    dsn_passwords,
    node_services,
    python_services,
    node_libs,
    python_async,
    web_extensions
);

#[test]
fn corpus_lists_every_stack() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".log")
                .map(String::from)
        })
        .collect();
    found.sort();
    let mut want: Vec<String> = STACKS.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(found, want);
}

#[test]
fn corpus_has_real_leaks_and_clean_lines() {
    // A corpus without labels would make every test above pass vacuously.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let (mut leaky, mut clean) = (0, 0);
    for s in STACKS {
        for l in std::fs::read_to_string(dir.join(format!("{s}.labels.jsonl")))
            .unwrap()
            .lines()
        {
            if l == "[]" {
                clean += 1
            } else {
                leaky += 1
            }
        }
    }
    assert!(leaky >= 500 && clean >= 3000, "leaky={leaky} clean={clean}");
}

/// Logs nest: a JSON logger, a CloudWatch envelope or a Docker json-file puts a whole line
/// inside a JSON string, and one more level nests that. Every secret line of every stack that
/// scrubd redacts on its own (no neighbour lines to carry a name from) is written as a JSON
/// string, and as a JSON string inside a JSON string, and scrubbed on its own: each labelled secret, escaped as the
/// wrapping escapes it, must be gone. This is the escape-depth class as a whole; a reader that
/// knows only bare quotes, `\"` or `\n` fails it.
#[test]
fn corpus_secret_lines_inside_json_strings() {
    // `{"msg": "…"}`, and `{"msg": "{\"msg\": \"…\"}"}` (each layer's quotes shown).
    secret_lines_wrapped(
        |line, depth| {
            let mut line = line.to_string();
            for _ in 0..depth {
                line = format!("{{\"msg\": \"{}\"}}", json_escaped(&line, 1));
            }
            line
        },
        json_escaped,
    );
}

/// The same for markup: each line HTML-escaped as Python's `html.escape`, Jinja and Django
/// write it, in a table cell (`<td>…</td>`, where the cell's own `<` and `>` stand for
/// themselves), and escaped twice after a `<pre>` (a page that shows an escaped page).
#[test]
fn corpus_secret_lines_in_escaped_markup() {
    secret_lines_wrapped(
        |line, depth| match depth {
            1 => format!("<td>{}</td>", html_escaped(line, 1)),
            _ => format!("<pre>{}", html_escaped(line, depth)),
        },
        html_escaped,
    );
}

/// And escaped markup sent as JSON: a page, or a page showing an escaped page, as a JSON
/// string (`{"body": "&lt;input value=&quot;…&quot;&gt;"}`), where the string's own quotes
/// are bare and the markup's are references.
#[test]
fn corpus_secret_lines_in_escaped_markup_inside_json_strings() {
    let escape = |text: &str, depth| json_escaped(&html_escaped(text, depth), 1);
    secret_lines_wrapped(
        |line, depth| format!("{{\"body\": \"{}\"}}", escape(line, depth)),
        escape,
    );
}

fn json_escaped(text: &str, depth: usize) -> String {
    let mut t = text.to_string();
    for _ in 0..depth {
        t = serde_json::to_string(&t).unwrap();
        t = t[1..t.len() - 1].to_string();
    }
    t
}

fn html_escaped(text: &str, depth: usize) -> String {
    let mut t = text.to_string();
    for _ in 0..depth {
        t = t
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;");
    }
    t
}

/// Every corpus line that scrubd redacts on its own (no neighbour lines to carry a name from)
/// is written by `wrap` at depths 1 and 2 and scrubbed on its own: each labelled secret, as
/// `escape` writes it at that depth, must be gone, and a wrapping that is JSON must still be
/// JSON (a placeholder may not take a string's escaped quote or half an escape).
fn secret_lines_wrapped(
    wrap: impl Fn(&str, usize) -> String,
    escape: impl Fn(&str, usize) -> String,
) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let s = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
    let mut scratch = s.scratch();
    let mut alone = |line: &str| -> Vec<u8> {
        let (mut out, mut hits) = (Vec::new(), Vec::new());
        let input = format!("{line}\n");
        let mut state = StreamState::default();
        s.scrub_block(
            input.as_bytes(),
            &mut state,
            &mut scratch,
            &mut out,
            &mut hits,
        );
        out
    };
    let (mut problems, mut tested) = (Vec::new(), 0);
    for name in STACKS {
        let input = std::fs::read(dir.join(format!("{name}.log"))).unwrap();
        let labels = std::fs::read_to_string(dir.join(format!("{name}.labels.jsonl"))).unwrap();
        for (i, (line, l)) in split_lines(&input)
            .into_iter()
            .zip(labels.lines())
            .enumerate()
        {
            let secrets: Vec<String> = serde_json::from_str(l).unwrap();
            let Ok(text) = std::str::from_utf8(line) else {
                continue;
            };
            let text = text.trim_end_matches('\n');
            let bare = alone(text);
            if secrets.is_empty()
                || secrets
                    .iter()
                    .any(|x| memchr::memmem::find(&bare, x.as_bytes()).is_some())
            {
                continue;
            }
            tested += 1;
            for depth in 1..=2 {
                let wrapped = wrap(text, depth);
                let out = alone(&wrapped);
                if serde_json::from_str::<serde_json::Value>(&wrapped).is_ok()
                    && serde_json::from_slice::<serde_json::Value>(&out).is_err()
                {
                    problems.push(format!(
                        "{name}:{} at depth {depth}: JSON no longer parses: {}",
                        i + 1,
                        String::from_utf8_lossy(&out).trim_end()
                    ));
                }
                if secrets
                    .iter()
                    .any(|x| memchr::memmem::find(&out, escape(x, depth).as_bytes()).is_some())
                {
                    problems.push(format!(
                        "{name}:{} at depth {depth}: a secret survives: {}",
                        i + 1,
                        String::from_utf8_lossy(&out).trim_end()
                    ));
                }
            }
        }
    }
    assert!(tested > 1000, "only {tested} lines tested");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
