//! scrubd under systemd: the unit passes `systemd-analyze verify` and scores ≤ 2.0 in
//! `systemd-analyze security`; the daemon speaks sd_notify (READY, STATUS, WATCHDOG) on a real
//! notify socket, and withholds watchdog pings while a stage is stuck.

use std::io::Write;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The unit with ExecStart pointing at the binary under test (verify checks it exists).
fn unit_copy(dir: &Path) -> std::path::PathBuf {
    let unit = std::fs::read_to_string(Path::new(ROOT).join("systemd/scrubd.service")).unwrap();
    let path = dir.join("scrubd.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/scrubd", env!("CARGO_BIN_EXE_scrubd")),
    )
    .unwrap();
    path
}

fn systemd_analyze(args: &[&str]) -> std::process::Output {
    Command::new("systemd-analyze")
        .args(args)
        .output()
        .expect("systemd-analyze missing: scripts/test.sh installs it (apt-get install systemd)")
}

#[test]
fn unit_passes_systemd_analyze_verify() {
    let dir = tempfile::tempdir().unwrap();
    let unit = unit_copy(dir.path());
    let out = systemd_analyze(&["verify", unit.to_str().unwrap()]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && !text.contains("scrubd.service:"),
        "{text}"
    );
}

#[test]
fn unit_exposure_score_is_at_most_2() {
    let dir = tempfile::tempdir().unwrap();
    let unit = unit_copy(dir.path());
    let out = systemd_analyze(&["security", "--offline=true", unit.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    let score: f64 = text
        .lines()
        .find_map(|l| {
            l.split("Overall exposure level for scrubd.service: ")
                .nth(1)
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no score in:\n{text}"));
    assert!(score <= 2.0, "exposure {score}:\n{text}");
    // The settings the brief names explicitly are really there.
    let unit = std::fs::read_to_string(unit).unwrap();
    for line in [
        "Type=notify",
        "LimitCORE=0",
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "CapabilityBoundingSet=\n",
        "NoNewPrivileges=yes",
        "SystemCallFilter=@system-service",
        "MemoryMax=",
        "WatchdogSec=",
        "ExecReload=/bin/kill -HUP $MAINPID",
    ] {
        assert!(unit.contains(line), "unit lacks {line:?}");
    }
}

#[test]
fn packaged_config_is_valid() {
    let out = Command::new(env!("CARGO_BIN_EXE_scrubd"))
        .args(["check", "--config"])
        .arg(Path::new(ROOT).join("systemd/scrubd.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn version_names_the_commit() {
    let out = Command::new(env!("CARGO_BIN_EXE_scrubd"))
        .arg("--version")
        .output()
        .unwrap();
    let v = String::from_utf8(out.stdout).unwrap();
    assert!(
        v.starts_with(&format!("scrubd {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
}

/// A child process killed if the test fails before stopping it.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Messages arriving on a notify socket.
struct Notify {
    sock: UnixDatagram,
    seen: Vec<(Instant, String)>,
}

impl Notify {
    fn recv_for(&mut self, d: Duration) {
        let end = Instant::now() + d;
        let mut buf = [0u8; 4096];
        while Instant::now() < end {
            self.sock
                .set_read_timeout(Some(
                    end.saturating_duration_since(Instant::now())
                        .max(Duration::from_millis(1)),
                ))
                .unwrap();
            if let Ok(n) = self.sock.recv(&mut buf) {
                self.seen.push((
                    Instant::now(),
                    String::from_utf8_lossy(&buf[..n]).into_owned(),
                ));
            }
        }
    }

    /// Take what is queued in the socket (timestamps of queued messages would be wrong).
    fn drain(&mut self) {
        self.sock.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 4096];
        while let Ok(n) = self.sock.recv(&mut buf) {
            self.seen.push((
                Instant::now(),
                String::from_utf8_lossy(&buf[..n]).into_owned(),
            ));
        }
        self.sock.set_nonblocking(false).unwrap();
    }

    fn wait_for(&mut self, what: &str, timeout: Duration) -> Instant {
        let end = Instant::now() + timeout;
        loop {
            if let Some((t, _)) = self.seen.iter().find(|(_, m)| m.contains(what)) {
                return *t;
            }
            assert!(Instant::now() < end, "no {what:?} in {:?}", self.seen);
            self.recv_for(Duration::from_millis(100));
        }
    }

    fn pings_since(&self, t: Instant) -> usize {
        self.seen
            .iter()
            .filter(|(at, m)| *at >= t && m.contains("WATCHDOG=1"))
            .count()
    }
}

#[test]
fn sd_notify_ready_status_and_watchdog_that_stops_when_a_sink_hangs() {
    let root = tempfile::tempdir().unwrap();
    for d in ["logs", "out/app", "state"] {
        std::fs::create_dir_all(root.path().join(d)).unwrap();
    }
    // The sink's output is a FIFO with no reader yet: opening it for writing blocks, so the
    // sink stage hangs on its first write — what a dead mount looks like.
    let fifo = root.path().join("out/app/app.log");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    std::fs::write(
        root.path().join("scrubd.toml"),
        "[state]\ndir = \"state\"\n[[sources]]\nname = \"app\"\ntype = \"file\"\ninclude = [\"logs/*.log\"]\n\
         start_at = \"beginning\"\nsink = \"s\"\nrescan_interval = \"100ms\"\n[[sinks]]\nname = \"s\"\ntype = \"file\"\ndir = \"out\"\n",
    )
    .unwrap();
    let sock_path = root.path().join("notify.sock");
    let mut notify = Notify {
        sock: UnixDatagram::bind(&sock_path).unwrap(),
        seen: Vec::new(),
    };
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_scrubd"))
            .args(["run", "--config"])
            .arg(root.path().join("scrubd.toml"))
            .env("NOTIFY_SOCKET", &sock_path)
            .env("WATCHDOG_USEC", "1000000")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    notify.wait_for("READY=1", Duration::from_secs(20));
    notify.wait_for("STATUS=", Duration::from_secs(10));
    let t = Instant::now();
    notify.recv_for(Duration::from_millis(1500));
    assert!(
        notify.pings_since(t) >= 3,
        "watchdog pings while healthy: {:?}",
        notify.seen
    );

    // A line arrives; the sink hangs opening its output; the pings must stop.
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.path().join("logs/app.log"))
        .unwrap();
    f.write_all(b"hello\n").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    notify.drain();
    let t = Instant::now();
    notify.recv_for(Duration::from_millis(1500));
    assert_eq!(
        notify.pings_since(t),
        0,
        "pinged while the sink was stuck: {:?}",
        notify.seen
    );

    // The mount "comes back": a reader appears, the write completes, the pings resume.
    let reader = std::thread::spawn(move || std::fs::read(fifo).unwrap());
    let t = Instant::now();
    notify.recv_for(Duration::from_millis(1500));
    assert!(
        notify.pings_since(t) >= 2,
        "pings did not resume: {:?}",
        notify.seen
    );

    // SIGTERM: STOPPING=1, clean exit.
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.0.id() as i32, libc::SIGTERM);
    }
    assert!(child.0.wait().unwrap().success());
    notify.wait_for("STOPPING=1", Duration::from_secs(5));
    assert_eq!(reader.join().unwrap(), b"hello\n");
}
