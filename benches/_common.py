"""Helpers the Python benches and scripts/soak.py share: ports, waiting for an HTTP endpoint,
reading scrubd's /metrics, /proc figures, and the file -> file daemon config they all start.

Import from benches/ (`from _common import ...`); scripts/ adds benches/ to sys.path first.
"""
import socket
import sys
import time
import urllib.request


def free_port():
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_http(url, timeout=60):
    """Wait until `url` answers; exit with a message if it does not within `timeout` s."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.2)
    sys.exit(f"no answer from {url}")


def metrics(port):
    """Every sample of scrubd's /metrics as {series: value}; {} while it does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            k, _, v = line.rpartition(" ")
            out[k] = float(v)
    return out


def metric(port, series):
    """One sample of /metrics; exits if the series is missing."""
    value = metrics(port).get(series)
    if value is None:
        sys.exit(f"no series {series}")
    return value


def proc_status(pid, key):
    """A kB figure of /proc/PID/status (`VmRSS`, `VmHWM`), or -1."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def file_to_file_config(port, include, rescan_interval):
    """A daemon config: source `app` (file, from the beginning) -> sink `out` (files in `out`),
    state in `state`, metrics on 127.0.0.1:port; paths relative to the config's directory."""
    globs = ", ".join(f'"{g}"' for g in include)
    return f"""
[state]
dir = "state"
[metrics]
listen = "127.0.0.1:{port}"
[[sources]]
name = "app"
type = "file"
include = [{globs}]
start_at = "beginning"
sink = "out"
rescan_interval = "{rescan_interval}"
[[sinks]]
name = "out"
type = "file"
dir = "out"
"""
