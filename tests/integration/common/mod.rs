//! The one harness of the whole-program tests (after ripgrep's `tests/util.rs`): a real
//! `scrubd run` in a temp dir of its own, started, signalled, killed and restarted as an
//! operator would, with its metrics scraped over HTTP; tmpfs mounts made through it are
//! unmounted when it is dropped. Shared by `daemon`, `faults`, `reliability` and `cloudwatch`.

#![allow(dead_code)] // each test module uses a different part of it

pub mod labels;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A secret in every numbered line; it must never reach the output.
pub const SECRET: &str = "Zq81KdPQm2";

/// How the default config and the process are set up.
pub struct Opts {
    /// Output dir, relative to the root (may be a mount point made before start).
    pub out: &'static str,
    pub state: &'static str,
    /// Include globs of source `app`, relative to the root.
    pub include: Vec<&'static str>,
    pub start_at: &'static str,
    pub partial_flush_ms: u64,
    /// TOML appended to the default config (e.g. a `[shutdown]` table).
    pub extra: String,
    /// Extra environment (e.g. LD_PRELOAD of libfaketime).
    pub env: Vec<(String, String)>,
    /// RLIMIT_NOFILE (soft, hard) of the daemon.
    pub nofile: Option<(u64, u64)>,
    /// Run the daemon as this uid/gid (its root dir is handed over to it), as systemd's
    /// `DynamicUser=` does: file permissions then apply to it.
    pub uid: Option<u32>,
    /// Keep the daemon's stdout as a pipe (see [`Scrubd::take_stdout`]) instead of /dev/null.
    pub stdout_pipe: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            out: "out",
            state: "state",
            include: vec!["logs/*.log*"],
            start_at: "beginning",
            partial_flush_ms: 500,
            extra: String::new(),
            env: Vec::new(),
            nofile: None,
            uid: None,
            stdout_pipe: false,
        }
    }
}

impl Opts {
    /// The default config: source `app` (the include globs) → file sink `scrubbed` (`out`).
    pub fn config(&self, port: u16) -> String {
        let include: Vec<String> = self.include.iter().map(|g| format!("{g:?}")).collect();
        format!(
            r#"
[state]
dir = "{state}"

[metrics]
listen = "127.0.0.1:{port}"

[redact]
rules_dirs = ["rules"]

[[sources]]
name = "app"
type = "file"
include = [{include}]
start_at = "{start_at}"
sink = "scrubbed"
partial_flush = "{flush}ms"
rescan_interval = "200ms"

[[sinks]]
name = "scrubbed"
type = "file"
dir = "{out}"
{extra}
"#,
            state = self.state,
            include = include.join(", "),
            start_at = self.start_at,
            flush = self.partial_flush_ms,
            out = self.out,
            extra = self.extra,
        )
    }
}

/// One scrubd daemon in a temp dir holding `logs/`, `out/`, `state/`, `rules/` and
/// `scrubd.toml`; its stderr goes to `scrubd.stderr`.
pub struct Scrubd {
    pub child: Option<Child>,
    pub root: tempfile::TempDir,
    pub port: u16,
    pub opts: Opts,
    mounts: Vec<PathBuf>,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Scrubd {
    /// The default daemon, started.
    pub fn with_defaults() -> Scrubd {
        Self::new(Opts::default(), |_| {})
    }

    /// Set up the dirs and the default config; `prepare` runs before the first start (e.g. to
    /// mount, or to create files that must exist at the first start).
    pub fn new(opts: Opts, prepare: impl FnOnce(&mut Scrubd)) -> Scrubd {
        let mut d = Self::unstarted(opts, |port, o| o.config(port));
        prepare(&mut d);
        d.start();
        d
    }

    /// A daemon running the config `config(metrics_port)`, started.
    pub fn with_config(config: impl FnOnce(u16) -> String) -> Scrubd {
        let mut d = Self::unstarted(Opts::default(), |port, _| config(port));
        d.start();
        d
    }

    /// Dirs and config written, nothing started.
    pub fn unstarted(opts: Opts, config: impl FnOnce(u16, &Opts) -> String) -> Scrubd {
        let root = tempfile::tempdir().unwrap();
        for d in ["logs", opts.out, opts.state, "rules"] {
            std::fs::create_dir_all(root.path().join(d)).unwrap();
        }
        let port = free_port();
        std::fs::write(root.path().join("scrubd.toml"), config(port, &opts)).unwrap();
        Scrubd {
            child: None,
            root,
            port,
            opts,
            mounts: Vec::new(),
        }
    }

    pub fn path(&self, p: &str) -> PathBuf {
        self.root.path().join(p)
    }

    pub fn pid(&self) -> i32 {
        self.child.as_ref().expect("running").id() as i32
    }

    /// The `scrubd run` command of this daemon (not spawned).
    pub fn command(&self) -> Command {
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path("scrubd.stderr"))
            .unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_scrubd"));
        cmd.args(["run", "--config"])
            .arg(self.path("scrubd.toml"))
            .envs(self.opts.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(if self.opts.stdout_pipe {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stderr(stderr)
            // For CloudWatch tests (a local server, no account); harmless elsewhere.
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", self.path("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.path("no-aws-credentials"),
            );
        let (nofile, uid) = (self.opts.nofile, self.opts.uid);
        if let Some(uid) = uid {
            chown_tree(self.root.path(), uid);
        }
        // SAFETY: setrlimit, setgroups, setgid and setuid are async-signal-safe; nothing else
        // runs between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                if let Some((soft, hard)) = nofile {
                    let lim = libc::rlimit {
                        rlim_cur: soft,
                        rlim_max: hard,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                if let Some(uid) = uid {
                    if libc::setgroups(0, std::ptr::null()) != 0
                        || libc::setgid(uid) != 0
                        || libc::setuid(uid) != 0
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        cmd
    }

    /// Spawn without waiting for readiness.
    pub fn spawn(&mut self) {
        self.child = Some(self.command().spawn().unwrap());
    }

    /// Start and wait until `/healthz` answers 200 (fails at once if scrubd exits instead).
    pub fn start(&mut self) {
        self.spawn();
        self.wait_ready();
    }

    pub fn wait_ready(&mut self) {
        wait_until(Duration::from_secs(30), "daemon ready", || {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!(
                    "scrubd exited at start with {status}; stderr:\n{}",
                    self.stderr_tail()
                );
            }
            http_get(self.port, "/healthz").is_some_and(|(code, _)| code == 200)
        });
    }

    /// The daemon's stdout, when [`Opts::stdout_pipe`] is set.
    pub fn take_stdout(&mut self) -> std::process::ChildStdout {
        self.child
            .as_mut()
            .unwrap()
            .stdout
            .take()
            .expect("stdout_pipe")
    }

    /// Mount a tmpfs of `size` (e.g. "1m") on `<root>/<dir>`. Fails the test if it cannot.
    pub fn mount_tmpfs(&mut self, dir: &str, size: &str) {
        let p = self.path(dir);
        std::fs::create_dir_all(&p).unwrap();
        run_ok(
            Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
                .arg(&p),
        );
        self.mounts.push(p);
    }

    /// `mount -o remount,<opts>` of a tmpfs made by [`mount_tmpfs`], retried while busy.
    pub fn remount(&self, dir: &str, opts: &str) {
        let p = self.path(dir);
        let start = Instant::now();
        loop {
            let out = Command::new("mount")
                .args(["-o", &format!("remount,{opts}")])
                .arg(&p)
                .output()
                .unwrap();
            if out.status.success() {
                return;
            }
            // A flush may hold a file open for writing for a moment (EBUSY on remount,ro).
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "remount {opts} {}: {}",
                p.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn alive(&mut self) -> bool {
        self.child.as_mut().unwrap().try_wait().unwrap().is_none()
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: signalling our own child.
        unsafe {
            libc::kill(self.pid(), sig);
        }
    }

    /// SIGTERM and wait for a clean exit.
    pub fn stop(&mut self) {
        self.signal(libc::SIGTERM);
        let status = self.child.take().unwrap().wait().unwrap();
        assert!(
            status.success(),
            "scrubd exited with {status}; stderr:\n{}",
            self.stderr_tail()
        );
    }

    /// Wait up to `timeout` for the process to exit; its status, or `None` if still running.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.as_mut().unwrap().try_wait().unwrap() {
                self.child = None;
                return Some(s);
            }
            if start.elapsed() >= timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn kill9(&mut self) {
        let mut c = self.child.take().unwrap();
        c.kill().unwrap();
        c.wait().unwrap();
    }

    /// Everything scrubd logged so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.path("scrubd.stderr")).unwrap_or_default()
    }

    /// The last 40 lines of [`stderr`](Self::stderr), for failure messages.
    pub fn stderr_tail(&self) -> String {
        let s = self.stderr();
        let tail: Vec<&str> = s.lines().rev().take(40).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    pub fn metrics(&self) -> String {
        http_get(self.port, "/metrics").expect("metrics endpoint").1
    }

    pub fn metric(&self, series: &str) -> f64 {
        sample(&self.metrics(), series)
    }

    /// Every output line of source `app`, from every output file (in subdirectories too), in
    /// path order.
    pub fn output_lines(&self) -> Vec<String> {
        self.outputs()
            .into_iter()
            .flat_map(|(_, bytes)| {
                String::from_utf8_lossy(&bytes)
                    .lines()
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Every output file of source `app`: its path below `<out>/app` and its bytes.
    pub fn outputs(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let base = self.path(self.opts.out).join("app");
        let mut files = Vec::new();
        walk(&base, &mut files);
        files.sort();
        files
            .into_iter()
            .filter_map(|p| {
                Some((
                    p.strip_prefix(&base).unwrap().to_path_buf(),
                    std::fs::read(&p).ok()?,
                ))
            })
            .collect()
    }

    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid())).map_or(0, |d| d.count())
    }

    /// The parsed `checkpoints.json`.
    pub fn checkpoints(&self) -> serde_json::Value {
        let text =
            std::fs::read_to_string(self.path(self.opts.state).join("checkpoints.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

impl Drop for Scrubd {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        for m in self.mounts.iter().rev() {
            let _ = Command::new("umount").arg("-l").arg(m).status();
        }
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&p, files);
        } else {
            files.push(p);
        }
    }
}

fn chown_tree(p: &Path, uid: u32) {
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: lchown with a valid NUL-terminated path.
    unsafe {
        libc::lchown(c.as_ptr(), uid, uid);
    }
    if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
        for e in std::fs::read_dir(p).unwrap().flatten() {
            chown_tree(&e.path(), uid);
        }
    }
}

pub fn run_ok(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}): {}{} — these tests need root and tmpfs mounts; they fail rather than skip",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn wait_until(timeout: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let code = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((code, body))
}

/// The value of one series (`name{labels}`) in a Prometheus exposition.
pub fn sample(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| {
            l.strip_prefix(series)
                .and_then(|rest| rest.trim().parse().ok())
        })
        .unwrap_or_else(|| panic!("no sample {series} in:\n{metrics}"))
}

/// Prometheus' own parser and linter accept the exposition.
pub fn promtool_check_metrics(exposition: &str) {
    let mut promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool missing: scripts/test.sh installs it (apt-get install prometheus)");
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(exposition.as_bytes())
        .unwrap();
    let out = promtool.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// `<dir>/<name>` for a file name given as raw bytes (may be invalid UTF-8).
pub fn byte_name(dir: &Path, name: &[u8]) -> PathBuf {
    dir.join(OsStr::from_bytes(name))
}

/// Lines `from..to` of stream `tag`: `<tag> <n> token=<n>Zq81KdPQm2\n`.
pub fn numbered(tag: &str, from: usize, to: usize) -> String {
    (from..to)
        .map(|i| format!("{tag} {i} token={i:08}{SECRET}\n"))
        .collect()
}

/// How often each numbered line (tag, n) occurs.
pub type Census = BTreeMap<(String, usize), usize>;

/// How often each (tag, n) occurs in `lines`. Panics on an unredacted secret or a line that is
/// not exactly one numbered line (e.g. a fragment glued to another line).
pub fn census(lines: &[String]) -> BTreeMap<(String, usize), usize> {
    let (seen, malformed) = census_with_malformed(lines);
    assert!(
        malformed.is_empty(),
        "malformed output lines (first 5): {:?}",
        &malformed[..malformed.len().min(5)]
    );
    seen
}

/// [`census`] that returns malformed lines instead of panicking on them (never on a secret).
pub fn census_with_malformed(lines: &[String]) -> (BTreeMap<(String, usize), usize>, Vec<String>) {
    let mut seen = BTreeMap::new();
    let mut malformed = Vec::new();
    for l in lines {
        assert!(!l.contains(SECRET), "unredacted line: {l}");
        let mut parts = l.split(' ');
        match (
            parts.next(),
            parts.next().and_then(|n| n.parse::<usize>().ok()),
            parts.next(),
            parts.next(),
        ) {
            (Some(tag), Some(n), Some("token=[REDACTED:token]"), None) => {
                *seen.entry((tag.to_string(), n)).or_insert(0) += 1
            }
            _ => malformed.push(l.clone()),
        }
    }
    (seen, malformed)
}

/// Every line `0..n` of `tag` is in `seen`; returns the duplicates of `tag`.
pub fn assert_complete(seen: &BTreeMap<(String, usize), usize>, tag: &str, n: usize) -> usize {
    let missing: Vec<usize> = (0..n)
        .filter(|&i| !seen.contains_key(&(tag.to_string(), i)))
        .collect();
    assert!(
        missing.is_empty(),
        "{tag}: {} of {n} lines missing (first 10: {:?})",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    (0..n).map(|i| seen[&(tag.to_string(), i)] - 1).sum()
}

/// Lines of `tag` in `seen` beyond `0..n` or more than once: (lost, duplicated) counts of `0..n`.
pub fn lost_and_duplicated(
    seen: &BTreeMap<(String, usize), usize>,
    tag: &str,
    n: usize,
) -> (usize, usize) {
    let lost = (0..n)
        .filter(|&i| !seen.contains_key(&(tag.to_string(), i)))
        .count();
    let dup = (0..n)
        .filter_map(|i| seen.get(&(tag.to_string(), i)))
        .map(|c| c - 1)
        .sum();
    (lost, dup)
}

/// The checkpointed offset of `logs/<name>` in `<state>/checkpoints.json` (0 if none).
pub fn checkpointed(d: &Scrubd, name: &str) -> u64 {
    let Ok(text) = std::fs::read_to_string(d.path(d.opts.state).join("checkpoints.json")) else {
        return 0;
    };
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(&format!("logs/{name}")))
        })
        .map(|f| f["offset"].as_u64().unwrap())
        .max()
        .unwrap_or(0)
}

pub fn size(p: &Path) -> u64 {
    std::fs::metadata(p).unwrap().len()
}
