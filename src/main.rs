//! The scrubd command line: `filter`, `run`, `lambda`, `check`, `rules`, `explain`. Parsing and wiring only;
//! the work happens in the library.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;

use scrubd::engine::{coverage, examples, Hit, Mode, RuleSet, Scratch, Scrubber, StreamState};
use scrubd::filter;
use scrubd::logging::scrubbed;
use scrubd::rulefiles::{key_file_mode, load_rules as load_rule_files};

#[derive(Parser)]
#[command(
    name = "scrubd",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("SCRUBD_GIT_COMMIT"), ")"),
    about = "Redacts secrets from log streams, byte-exact elsewhere"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scrub stdin to stdout: one line out for every line in, secrets replaced.
    Filter(FilterArgs),
    /// Validate rule files (regexes, keyword coverage proofs, examples) and, with --config, a
    /// daemon config.
    Check(CheckArgs),
    /// Run the daemon: tail the config's sources through the engine into its sinks.
    Run(RunArgs),
    /// Run inside AWS Lambda (as `bootstrap` on provided.al2023): scrub CloudWatch Logs
    /// subscription events into SCRUBD_DESTINATION_LOG_GROUP and Firehose transformation
    /// records. Settings come from SCRUBD_* environment variables (see README).
    Lambda,
    /// List the rules in effect.
    Rules(RulesArgs),
    /// Show, for each line of stdin, which rule matched which byte range (values masked), and
    /// what each JWT says about its issuer's configuration.
    Explain(ExplainArgs),
}

#[derive(Args, Clone)]
struct ExplainArgs {
    #[command(flatten)]
    rules: RuleArgs,
    #[command(flatten)]
    jwt: JwtArgs,
}

/// How JWT findings are judged (see README, "JWT findings").
#[derive(Args, Clone)]
struct JwtArgs {
    /// A JWT whose lifetime (exp - iat, or exp - now) is above this is a long_lifetime finding.
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = scrubd::jwt_settings::parse_max_lifetime)]
    jwt_max_lifetime: std::time::Duration,
    /// An `iss` value that becomes an `issuer` label value (repeatable); other issuers are `other`.
    #[arg(long = "jwt-issuer", value_name = "ISS")]
    jwt_issuers: Vec<String>,
    /// A file of weak HMAC keys added to the built-in dictionary (repeatable; the shape of
    /// patterns/jwt-weak-keys.toml).
    #[arg(long = "jwt-weak-keys", value_name = "FILE")]
    jwt_weak_keys: Vec<PathBuf>,
}

impl JwtArgs {
    fn settings(&self) -> scrubd::jwt_settings::JwtSettings {
        scrubd::jwt_settings::JwtSettings {
            max_lifetime: self.jwt_max_lifetime,
            issuers: self.jwt_issuers.clone(),
            weak_keys_files: self.jwt_weak_keys.clone(),
        }
    }
}

#[derive(Args, Clone)]
struct RuleArgs {
    /// Extra directory of *.toml rule files (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Leave out the rule with this id (repeatable).
    #[arg(long = "disable", value_name = "RULE_ID")]
    disable: Vec<String>,
    /// Leave out the built-in rules (use only --rules directories).
    #[arg(long)]
    no_builtin: bool,
}

#[derive(Args)]
struct RulesArgs {
    #[command(flatten)]
    rules: RuleArgs,
    /// Print the prefilter's keywords instead, one per line (each once; searched ASCII
    /// case-insensitively).
    #[arg(long)]
    keywords: bool,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    rules: RuleArgs,
    /// Also validate this daemon config and the rules it names.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    /// The daemon config (TOML).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    /// `[REDACTED:<kind>]`
    Mask,
    /// `[REDACTED:<kind>:<12 hex>]`, keyed HMAC-SHA256 (needs --fingerprint-key-file)
    Hash,
}

#[derive(Args)]
struct FilterArgs {
    #[command(flatten)]
    rules: RuleArgs,
    /// How secrets are replaced.
    #[arg(long, value_enum, default_value = "mask")]
    mode: ModeArg,
    /// Key for hash mode (at least 16 bytes; a trailing newline is ignored).
    #[arg(long, value_name = "FILE")]
    fingerprint_key_file: Option<PathBuf>,
    /// Longest line scanned; a longer line is replaced whole by
    /// `[REDACTED:line-too-long:bytes=N]` (its content is never emitted) and counted.
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    max_line_bytes: usize,
    /// Worker threads (default: the number of CPUs).
    #[arg(long)]
    threads: Option<usize>,
    /// Print per-kind counts to stderr at exit (never values).
    #[arg(long)]
    stats: bool,
    /// Dry run: pass input through unchanged and write findings (no values) as JSON lines to FILE.
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
    /// Serve Prometheus metrics (GET /metrics, /healthz) on ADDR while filtering (source `stdin`).
    #[arg(long, value_name = "ADDR")]
    metrics_listen: Option<std::net::SocketAddr>,
    #[command(flatten)]
    jwt: JwtArgs,
}

fn main() {
    harden_process();
    // Deployed to Lambda as `bootstrap`, which the runtime starts without arguments.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.len() == 1
        && std::path::Path::new(&args[0])
            .file_name()
            .is_some_and(|n| n == "bootstrap")
    {
        args.push("lambda".into());
    }
    let cli = Cli::parse_from(args);
    let result = match cli.command {
        Command::Filter(a) => cmd_filter(a),
        Command::Check(a) => cmd_check(a),
        Command::Run(a) => cmd_run(a),
        Command::Lambda => scrubd::run_lambda(),
        Command::Rules(a) => cmd_rules(a),
        Command::Explain(a) => cmd_explain(a),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) if is_broken_pipe(&e) => std::process::exit(141),
        Err(e) => {
            // An error may quote what scrubd met (a file's or output's name): scrubbed too.
            eprintln!("scrubd: error: {}", scrubbed(&format!("{e:#}")));
            std::process::exit(2);
        }
    }
}

/// Memory holds the secrets scrubd removes: no core dumps, and panics print where, not what.
fn harden_process() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit with a valid pointer to an initialised struct.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
    }
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("scrubd: internal error at {at} (message withheld: it may quote input)");
    }));
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn load_rules(a: &RuleArgs) -> Result<RuleSet> {
    Ok(load_rule_files(a.no_builtin, &a.rules, &a.disable, false)?)
}

fn cmd_filter(a: FilterArgs) -> Result<i32> {
    let policy = a.jwt.settings().policy().map_err(anyhow::Error::msg)?;
    let rules = load_rules(&a.rules)?.with_jwt_policy(policy);
    let mode = match (a.mode, &a.fingerprint_key_file) {
        (ModeArg::Mask, _) => Mode::Mask,
        (ModeArg::Hash, None) => bail!(
            "--mode hash needs --fingerprint-key-file FILE (a secret key of at least 16 bytes)"
        ),
        (ModeArg::Hash, Some(path)) => key_file_mode(path)?,
    };
    if a.max_line_bytes == 0 {
        bail!("--max-line-bytes must be at least 1");
    }
    let audit: Option<Box<dyn Write + Send>> = match &a.audit {
        None => None,
        Some(p) => Some(Box::new(io::BufWriter::new(
            std::fs::File::create(p)
                .with_context(|| format!("creating audit file {}", p.display()))?,
        ))),
    };
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let scrubber = Scrubber::new(Arc::new(rules), mode);
    let metrics = match a.metrics_listen {
        None => None,
        Some(addr) => Some(serve_filter_metrics(addr, scrubber.rules())?),
    };
    let input = raw_stdin();
    let watch = Arc::new(filter::Watch {
        input: std::os::fd::AsRawFd::as_raw_fd(&input),
        interrupt: filter::Interrupt::install()?,
    });
    let opts = filter::Options {
        max_line_bytes: a.max_line_bytes,
        threads,
        audit_only: a.audit.is_some(),
        metrics: metrics.clone(),
        watch: Some(Arc::clone(&watch)),
    };
    let ended = filter::run(&scrubber, input, raw_stdout(), audit, &opts)?;
    let stats = &ended.stats;
    if a.stats {
        let mut err = io::stderr().lock();
        writeln!(
            err,
            "scrubd: lines={} bytes={} lines_redacted={} redactions={} oversize_lines={}",
            stats.lines, stats.bytes, stats.lines_redacted, stats.redactions, stats.oversize_lines
        )?;
        for (kind, n) in &stats.by_kind {
            writeln!(err, "scrubd: kind={kind} redactions={n}")?;
        }
        for (alg, n) in &stats.jwt_by_alg {
            writeln!(err, "scrubd: jwt alg={alg} count={n}")?;
        }
        // Every finding, zero included: a fixed set, so scripts see a stable shape.
        for name in scrubd::engine::jwt::Finding::NAMES {
            let n = stats.jwt_findings.get(name).copied().unwrap_or(0);
            writeln!(err, "scrubd: jwt finding={name} count={n}")?;
        }
    }
    if ended.output_closed {
        // As a process killed by SIGPIPE would, but with the counts of what was written.
        if a.stats {
            eprintln!("scrubd: output closed by its reader; the rest of the input was not read");
        }
        return Ok(141);
    }
    // Ended by SIGINT or SIGTERM: everything read was written; the status says why it ended.
    Ok(watch.interrupt.signal().map_or(0, |sig| 128 + sig))
}

/// Start the metrics endpoint for `filter` on a small runtime of its own; it lives as long as
/// the process.
fn serve_filter_metrics(
    addr: std::net::SocketAddr,
    rules: &RuleSet,
) -> Result<Arc<scrubd::Metrics>> {
    let kinds: Vec<&str> = rules.kinds().iter().map(String::as_str).collect();
    let metrics = Arc::new(scrubd::Metrics::new(
        &["stdin"],
        &["stdout"],
        &kinds,
        scrubd::engine::validate::JWT_ALGS,
    ));
    metrics.register_jwt_issuers(&["stdin"], rules.jwt().issuers().iter().map(String::as_str));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let ready = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let token = tokio_util::sync::CancellationToken::new();
    let (bound_tx, bound_rx) = std::sync::mpsc::channel();
    let m = Arc::clone(&metrics);
    std::thread::Builder::new()
        .name("metrics".into())
        .spawn(move || {
            runtime.block_on(async move {
                match scrubd::serve_metrics(addr, m, ready, token).await {
                    Ok((handle, _)) => {
                        let _ = bound_tx.send(Ok(()));
                        let _ = handle.await;
                    }
                    Err(e) => {
                        let _ = bound_tx.send(Err(e));
                    }
                }
            })
        })?;
    bound_rx
        .recv()?
        .with_context(|| format!("metrics listener on {addr}"))?;
    Ok(metrics)
}

/// stdin and stdout as unbuffered files: pieces are written whole, so a line-buffered stdout
/// would only add copies.
fn raw_stdin() -> std::fs::File {
    use std::os::fd::AsFd;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .expect("dup stdin")
        .into()
}

fn raw_stdout() -> std::fs::File {
    use std::os::fd::AsFd;
    io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .expect("dup stdout")
        .into()
}

fn cmd_run(a: RunArgs) -> Result<i32> {
    tracing_subscriber::fmt()
        .with_writer(scrubd::logging::Stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SCRUBD_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&io::stderr()))
        .init();
    scrubd::run_daemon(&a.config)?;
    Ok(0)
}

fn cmd_check(a: CheckArgs) -> Result<i32> {
    let mut a_rules = a.rules;
    let mut checked_config = None;
    if let Some(path) = &a.config {
        let config = match scrubd::Config::load(path) {
            Ok(c) => c,
            Err(e) => {
                // Config errors and warnings may quote a followed file's path: scrubbed.
                println!("{}", scrubbed(&e.to_string()));
                return Ok(1);
            }
        };
        if let Some(key) = &config.redact.fingerprint_key_file {
            if let Err(e) = key_file_mode(key) {
                println!("{}: {e}", path.display());
                return Ok(1);
            }
        }
        if let Err(e) = config.jwt.policy() {
            println!("{}: [jwt]: {e}", path.display());
            return Ok(1);
        }
        a_rules.rules.extend(config.redact.rules_dirs.clone());
        a_rules.disable.extend(config.redact.disable.clone());
        for w in &config.warnings {
            println!("{}: warning: {}", path.display(), scrubbed(w));
        }
        checked_config = Some(config);
    }
    let a = a_rules;
    // Proved below, rule by rule, with the other checks.
    let loaded = load_rule_files(a.no_builtin, &a.rules, &a.disable, true);
    let rules = match loaded {
        Ok(r) => r,
        Err(e) => {
            match &checked_config {
                Some(config) => println!("{:#}", config.locate_rules_error(e)),
                None => println!("{e:#}"),
            }
            return Ok(1);
        }
    };
    let scrubber = Scrubber::new(Arc::new(rules), Mode::Mask);
    if let Some(config) = checked_config {
        // Its names are judged by the rules it runs.
        if let Err(e) = config.check_names(&scrubber) {
            println!("{e}");
            return Ok(1);
        }
        println!(
            "{}: config ok ({} sources, {} sinks)",
            config.path.display(),
            config.sources.len(),
            config.sinks.len()
        );
    }
    let mut failed = 0;
    for (i, r) in scrubber.rules().rules().iter().enumerate() {
        let mut problems = examples::check_rule(&scrubber, i);
        if let Err(gap) = coverage::prove(r) {
            problems.push(gap.to_string());
        }
        for p in &problems {
            println!("{}:{}: {p}", r.origin, r.id);
        }
        failed += usize::from(!problems.is_empty());
    }
    let n = scrubber.rules().len();
    if failed > 0 {
        println!("{failed} of {n} rules failed");
        Ok(1)
    } else {
        println!("{n} rules ok");
        Ok(0)
    }
}

fn cmd_rules(a: RulesArgs) -> Result<i32> {
    let rules = load_rules(&a.rules)?;
    let mut out = io::stdout().lock();
    if a.keywords {
        for k in rules.keywords() {
            writeln!(out, "{k}")?;
        }
        return Ok(0);
    }
    for r in rules.rules() {
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            r.id,
            r.kinds().join(","),
            r.origin,
            r.description
        )?;
    }
    Ok(0)
}

/// A JWT's findings for `explain`: names, the weak key's dictionary id, the issuer label.
fn explain_jwt(r: &scrubd::engine::jwt::Report, rules: &RuleSet) -> String {
    let names: Vec<&str> = r.findings.iter().map(|f| f.name()).collect();
    let mut s = format!(
        " jwt_findings={}",
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(",")
        }
    );
    if let Some(k) = r.weak_key {
        s.push_str(&format!(" weak_key={}", rules.jwt().weak_key_id(k)));
    }
    s.push_str(&format!(" issuer={}", rules.jwt().issuer_label(r.issuer)));
    s
}

fn cmd_explain(a: ExplainArgs) -> Result<i32> {
    let policy = a.jwt.settings().policy().map_err(anyhow::Error::msg)?;
    let rules = load_rules(&a.rules)?.with_jwt_policy(policy);
    let scrubber = Scrubber::new(Arc::new(rules), Mode::Mask);
    let mut scratch = scrubber.scratch();
    let mut state = StreamState::default();
    let mut out = io::stdout().lock();
    let mut input = io::stdin().lock();
    let mut no = 0u64;
    let (mut block, mut scrubbed, mut hits) = (Vec::new(), Vec::new(), Vec::new());
    // Blocks of whole lines scrubbed as the filter scrubs its batches, so what a line shows is
    // what the filter writes for it, context from other lines included (a value recalled from
    // a line above, an SQL statement's parameters listed below it, a block's body). The
    // findings and key decisions under it are the line's own.
    const BLOCK: usize = 256 << 10;
    let mut eof = false;
    while !eof {
        block.clear();
        while block.len() < BLOCK {
            if input.read_until(b'\n', &mut block)? == 0 {
                eof = true;
                break;
            }
        }
        scrubbed.clear();
        hits.clear();
        scrubber.scrub_block(&block, &mut state, &mut scratch, &mut scrubbed, &mut hits);
        // A line rewritten for a later one has its hits after that line's: in line order
        // (stable, so each line's stay in the filter's order), taken a line at a time.
        hits.sort_by_key(|h| h.line);
        let mut rest = &hits[..];
        let mut written = scrubbed.split_inclusive(|&b| b == b'\n');
        for (i, line) in block.split_inclusive(|&b| b == b'\n').enumerate() {
            let shown = written.next().unwrap_or_default();
            let n = rest.iter().take_while(|h| h.line == i).count();
            let (line_hits, later) = rest.split_at(n);
            rest = later;
            no += 1;
            explain_line(
                &scrubber,
                &mut scratch,
                line,
                shown,
                line_hits,
                no,
                &mut out,
            )?;
        }
    }
    Ok(0)
}

/// `explain`'s report on line `no`: what the filter wrote for it (`shown`), each rule's
/// finding, each key's verdict, and the filter's hits on it (`line_hits`) that the line's own
/// findings do not explain.
fn explain_line(
    scrubber: &Scrubber,
    scratch: &mut Scratch,
    line: &[u8],
    shown: &[u8],
    line_hits: &[Hit],
    no: u64,
    out: &mut impl Write,
) -> Result<()> {
    let content = line.strip_suffix(b"\n").unwrap_or(line);
    let content = content.strip_suffix(b"\r").unwrap_or(content);
    let shown = shown.strip_suffix(b"\n").unwrap_or(shown);
    let shown = shown.strip_suffix(b"\r").unwrap_or(shown);
    let findings = scrubber.findings(content, None, scratch);
    let decisions = scrubber.key_decisions(content, scratch);
    if line_hits.is_empty() && findings.is_empty() && decisions.is_empty() {
        return Ok(());
    }
    writeln!(out, "line {no}: {}", String::from_utf8_lossy(shown))?;
    let rules = scrubber.rules();
    for f in &findings {
        let alg = f.alg.map(|a| format!(" alg={a}")).unwrap_or_default();
        let jwt = f.jwt.map(|r| explain_jwt(&r, rules)).unwrap_or_default();
        let key = f
            .key
            .map(|(s, e)| format!(" key={:?}", String::from_utf8_lossy(&content[s..e])))
            .unwrap_or_default();
        let text = |(s, e): (usize, usize)| String::from_utf8_lossy(&content[s..e]).into_owned();
        let key = match f.note {
            scrubd::engine::keyvalue::Note::Bound {
                placeholder,
                name,
                expr,
            } => {
                format!(
                    " (`{}` bound to `{}` in {})",
                    text(placeholder),
                    text(name),
                    text(expr)
                )
            }
            scrubd::engine::keyvalue::Note::Column => {
                format!("{key} (in a sensitive column of an SQL statement)")
            }
            scrubd::engine::keyvalue::Note::Context => {
                format!("{key} (a key that holds a secret in this store's context)")
            }
            scrubd::engine::keyvalue::Note::None => key,
        };
        writeln!(
            out,
            "  {}..{} rule={} kind={} ({} bytes){key}{alg}{jwt}",
            f.start,
            f.end,
            rules.rules()[f.rule as usize].id,
            rules.kind_name(f.kind),
            f.end - f.start
        )?;
    }
    // What the key/value scanner made of each sensitive-looking key (values masked).
    for d in &decisions {
        let key = String::from_utf8_lossy(&content[d.key.0..d.key.1]);
        let verdict = match d.verdict {
            scrubd::engine::keyvalue::KeyVerdict::Sensitive(c) => {
                format!("sensitive ({})", scrubber.rules().kv_kind_name(c.kind))
            }
            scrubd::engine::keyvalue::KeyVerdict::Benign(b) => {
                format!("not a secret's name: {}", b.describe())
            }
            scrubd::engine::keyvalue::KeyVerdict::NotSensitive => "not sensitive".to_string(),
        };
        let syntax = d
            .syntax
            .map(|s| format!(", {}", s.name()))
            .unwrap_or_default();
        let value = match (d.value, d.kept) {
            (Some((s, e)), None) => format!(": value {s}..{e} ({} bytes) redacted", e - s),
            (Some((s, e)), Some(k)) => {
                format!(": value {s}..{e} ({} bytes) kept, {}", e - s, k.describe())
            }
            (None, Some(k)) => format!(": kept, {}", k.describe()),
            (None, None) => String::new(),
        };
        writeln!(out, "  key {key:?} {verdict}{syntax}{value}")?;
    }
    // Hits the line's own findings do not explain: they come of the lines around it (a
    // block's body, a value carried or recalled from a line above, a statement's
    // parameters listed below).
    for h in line_hits {
        if findings
            .iter()
            .any(|f| f.start == h.start && f.end == h.end)
        {
            continue;
        }
        writeln!(
            out,
            "  {}..{} rule={} kind={} (from the lines around it)",
            h.start,
            h.end,
            rules.rules()[h.rule as usize].id,
            rules.kind_name(h.kind)
        )?;
    }
    Ok(())
}
