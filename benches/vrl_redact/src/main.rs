//! vrl-redact: Vector's VRL `redact` function as a line filter, the VRL baseline of
//! `scripts/bench.sh` (issue 12, item 5).
//!
//! Reads stdin line by line, makes each line an event `{"message": <line>}`, runs the compiled
//! VRL program
//!
//! ```text
//! .message = redact(.message, filters: [r'<jwt>', r'<bearer>', r'<url-query>', r'<key-value>'])
//! ```
//!
//! (compiled for events whose `message` is bytes) on it with VRL's own `Runtime`, as
//! Vector's `remap` transform does (one runtime, cleared after every event), and writes the resulting message and a newline to stdout through a
//! buffered writer. One thread. Matches become `[REDACTED]` (redact's default redactor).
//!
//! The four regexes (see `FILTERS`):
//! - jwt, bearer, url-query: the `jwt`, `bearer` and `url-access-token` families of
//!   `benches/baseline_filter.py` (prefix and secret joined into one regex, since `redact`
//!   replaces the whole match), i.e. the same regexes the rg, sed and Python rows use;
//! - key-value: `baseline_filter.py` has no general key-value family (its `password` family
//!   is JSON only), and scrubd's `key-value` rule (`patterns/keyvalue.toml`) is a scanner, not
//!   a regex. So this is a regex written for this bench after that rule: a value after a key
//!   that ends in one of the rule's key words (password, pass, passwd, pwd, secret, token,
//!   api/access key, credential(s), cookie, session id, sessid, csrf, xsrf, jwt, otp,
//!   sig/signature), ASCII case-insensitive, the key optionally quoted, `:` or `=`, then a
//!   value of at least 6 bytes up to a quote, blank, `,`, `;`, `&` or `}` (the minimum keeps
//!   `"has_password": true` and `token: 5` out: on the realistic mix this family matches
//!   ~0.5 % of the lines; a first draft without it, and with a bare `auth` key, matched 9 %). It is what a Vector user would write, not
//!   scrubd's scanner: it finds fewer syntaxes (no nested escaping, containers, DynamoDB
//!   typed values). `'` is written `\x27` because the filters are VRL raw strings (`r'…'`).
//!
//! `vrl-redact --emit-patterns` prints the four regexes, one per line, for `rg -c -f`, so a
//! run can check that the lines this filter changes are the lines rg finds.
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufWriter, Write};

use vrl::compiler::runtime::Runtime;
use vrl::compiler::state::{ExternalEnv, RuntimeState};
use vrl::compiler::{CompileConfig, TargetValue, TimeZone};
use vrl::value::kind::{Collection, Field};
use vrl::value::{KeyString, Kind, ObjectMap, Secrets, Value};

/// (family, regex in Rust `regex` syntax; no `'` so that it fits a VRL raw string).
const FILTERS: [(&str, &str); 4] = [
    (
        "jwt",
        r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}",
    ),
    ("bearer", r"[Bb]earer +[A-Za-z0-9._~+/=-]{16,}"),
    (
        "url-query",
        r#"[?&](access_token|id_token|refresh_token|api_key)=[^&" ]+"#,
    ),
    (
        "key-value",
        r#"(?i)(?:pass(?:word|wd)?|pwd|secret|token|(?:api|access)[_-]?key|credentials?|cookie|session[_-]?id|sessid|csrf|xsrf|jwt|otp|sig(?:nature)?)["\x27]?\s*[:=]\s*["\x27]?[^\s"\x27,;&}]{6,}"#,
    ),
];

fn program_source() -> String {
    let filters: Vec<String> = FILTERS.iter().map(|(_, re)| format!("r'{re}'")).collect();
    format!(
        ".message = redact(.message, filters: [{}])",
        filters.join(", ")
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => {}
        ["--emit-patterns"] => {
            for (_, re) in FILTERS {
                println!("{re}");
            }
            return;
        }
        ["--print-program"] => {
            println!("{}", program_source());
            return;
        }
        _ => {
            eprintln!("usage: vrl-redact < in > out | vrl-redact --emit-patterns | vrl-redact --print-program");
            std::process::exit(2);
        }
    }
    if let Err(e) = run() {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return;
        }
        eprintln!("vrl-redact: {e}");
        std::process::exit(1);
    }
}

fn run() -> io::Result<()> {
    let source = program_source();
    let fns = vrl::stdlib::all();
    // The event's type, as Vector tells the compiler for a source's log events: an object
    // whose `message` is bytes. (With an unknown type, `redact(.message, …)` would be a
    // fallible call and the assignment would not compile without `string!(…)`.)
    let mut fields = BTreeMap::new();
    fields.insert(Field::from("message"), Kind::bytes());
    let external = ExternalEnv::new_with_kind(
        Kind::object(Collection::from(fields)),
        Kind::object(Collection::empty()),
    );
    let compiled = match vrl::compiler::compile_with_external(
        &source,
        &fns,
        &external,
        CompileConfig::default(),
    ) {
        Ok(c) => c,
        Err(diagnostics) => {
            eprintln!("vrl-redact: the VRL program does not compile: {source}");
            for d in diagnostics.iter() {
                eprintln!("  {}", d.message);
            }
            std::process::exit(1);
        }
    };
    let program = compiled.program;
    let timezone = TimeZone::default();
    let mut runtime = Runtime::new(RuntimeState::default());
    let message = KeyString::from("message");

    let stdin = io::stdin();
    let mut input = stdin.lock();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(256 << 10, stdout.lock());
    let mut line = Vec::with_capacity(4096);
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        let mut event = ObjectMap::new();
        event.insert(message.clone(), Value::from(line.as_slice()));
        let mut target = TargetValue {
            value: Value::Object(event),
            metadata: Value::Object(ObjectMap::new()),
            secrets: Secrets::default(),
        };
        if let Err(e) = runtime.resolve(&mut target, &program, &timezone) {
            eprintln!("vrl-redact: the program failed on a line: {e}");
            std::process::exit(1);
        }
        runtime.clear();
        match &target.value {
            Value::Object(map) => match map.get(&message) {
                Some(Value::Bytes(b)) => out.write_all(b)?,
                Some(Value::String(s)) => out.write_all(s.as_bytes())?,
                other => {
                    eprintln!("vrl-redact: .message is not a string after the program: {other:?}");
                    std::process::exit(1);
                }
            },
            other => {
                eprintln!("vrl-redact: the event is not an object after the program: {other:?}");
                std::process::exit(1);
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush()
}
