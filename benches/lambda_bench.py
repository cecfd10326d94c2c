#!/usr/bin/env python3
"""Throughput and cold start of `scrubd lambda`, with Lambda's CPU share simulated.

A small Lambda Runtime API (the documented /2018-06-01/runtime/... endpoints) on 127.0.0.1
hands a release scrubd Firehose transformation events whose records are gzipped CloudWatch
Logs subscription payloads of gen_log.py's realistic log lines (~1 % leaky), and times each
invocation from the moment the event is handed out to the moment the answer arrives.

Lambda gives a function CPU in proportion to its memory: 1,769 MB is one vCPU. The memory
settings are simulated by running scrubd (its init included) in a cgroup-v1 CPU controller
group with cpu.cfs_quota_us = cfs_period_us * memory / 1769 (100 ms periods), so at 128 MB
scrubd gets 7.2 ms of CPU per 100 ms. Needs root and a writable /sys/fs/cgroup/cpu.

Usage:
    benches/lambda_bench.py [--scrubd target/release/scrubd] [--memory 128,512,1024]
                            [--invocations 6] [--events 4000] [--cold-starts 10]
"""

import argparse, base64, gzip, http.server, json, os, queue, statistics, subprocess, sys, tempfile, threading, time

CGROUP = "/sys/fs/cgroup/cpu"
VCPU_MB = 1769
PERIOD_US = 100_000


class Api:
    """The Runtime API: a queue of events, the answers, and when each was handed out."""

    def __init__(self):
        self.events = queue.Queue()
        self.answers = {}
        self.sent_at = {}
        self.first_poll = None
        self.cv = threading.Condition()
        api = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    self.send_error(404)
                    return
                with api.cv:
                    if api.first_poll is None:
                        api.first_poll = time.monotonic()
                    api.cv.notify_all()
                rid, body = api.events.get()
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", rid)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 900_000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:scrubd")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                api.sent_at[rid] = time.monotonic()
                self.wfile.write(body)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(n)
                now = time.monotonic()
                parts = self.path.split("/")
                with api.cv:
                    if self.path.endswith("/response") or self.path.endswith("/error"):
                        api.answers[parts[-2]] = (now, parts[-1], body)
                    else:
                        api.answers["init"] = (now, "init-error", body)
                    api.cv.notify_all()
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a killed function's dropped connection

        self.server = Server(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def invoke(self, rid, body, timeout=600):
        self.events.put((rid, body))
        with self.cv:
            self.cv.wait_for(lambda: rid in self.answers, timeout)
        at, kind, answer = self.answers[rid]
        if kind != "response":
            sys.exit(f"invocation {rid} failed: {answer[:300]!r}")
        return at - self.sent_at[rid], answer


def firehose_event(lines, per_record):
    records = []
    for i in range(0, len(lines), per_record):
        chunk = lines[i : i + per_record]
        payload = {
            "messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "/bench/app",
            "logStream": "s", "subscriptionFilters": ["scrubd"],
            "logEvents": [{"id": str(i + k), "timestamp": 1_700_000_000_000 + i + k, "message": m} for k, m in enumerate(chunk)],
        }
        data = gzip.compress(json.dumps(payload).encode(), 6)
        records.append({"recordId": f"r{i}", "approximateArrivalTimestamp": 1_700_000_000_000, "data": base64.b64encode(data).decode()})
    return json.dumps({"invocationId": "bench", "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/b", "records": records}).encode()


def start(scrubd, api, memory, cg):
    env = {
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api.port}", "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory), "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    # Deployed as `bootstrap`, scrubd runs `lambda` without being told.
    args = [] if os.path.basename(scrubd) == "bootstrap" else ["lambda"]
    # Enter the cgroup before exec, so init runs under the same CPU share.
    cmd = ["sh", "-c", f'echo $$ > {cg}/cgroup.procs && exec "$0" "$@"', scrubd, *args] if cg else [scrubd, *args]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_cgroup(memory):
    path = f"{CGROUP}/scrubd-bench-{memory}"
    os.makedirs(path, exist_ok=True)
    with open(f"{path}/cpu.cfs_period_us", "w") as f:
        f.write(str(PERIOD_US))
    with open(f"{path}/cpu.cfs_quota_us", "w") as f:
        f.write(str(max(1000, PERIOD_US * memory // VCPU_MB)))
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scrubd", default="target/release/scrubd")
    ap.add_argument("--memory", default="128,512,1024")
    ap.add_argument("--invocations", type=int, default=6)
    ap.add_argument("--events", type=int, default=4000, help="log events per invocation")
    ap.add_argument("--per-record", type=int, default=500, help="log events per Firehose record")
    ap.add_argument("--cold-starts", type=int, default=10)
    ap.add_argument("--no-cgroup", action="store_true", help="unthrottled (the whole machine)")
    a = ap.parse_args()

    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_log.py")
    n = a.events * (a.invocations + 1)
    text = subprocess.run([sys.executable, gen, "--lines", str(n), "--seed", "7", "--quiet"], check=True, capture_output=True).stdout
    lines = text.decode().split("\n")[:n]
    events = [firehose_event(lines[i * a.events : (i + 1) * a.events], a.per_record) for i in range(a.invocations + 1)]
    raw_mb = sum(len(l) for l in lines[: a.events]) / 1e6

    try:
        load = open("/proc/loadavg").read().split()[0]
    except OSError:
        load = "?"
    print(f"# scrubd lambda: {a.events} events (~{raw_mb:.2f} MB of messages) per Firehose invocation, "
          f"records of {a.per_record} events; load average {load} at start\n")
    print("| memory (CPU share) | events/s per invocation | MB/s per invocation | invocation (median) | init (median of cold starts) | first invocation after init |")
    print("|---|---|---|---|---|---|")
    for memory in [int(m) for m in a.memory.split(",")]:
        cg = None if a.no_cgroup else make_cgroup(memory)
        share = "unthrottled" if cg is None else f"{min(memory, VCPU_MB) / VCPU_MB:.1%} of a vCPU"
        # Warm: one function, many invocations (the first is a warm-up).
        api = Api()
        p = start(a.scrubd, api, memory, cg)
        times = []
        for i, ev in enumerate(events):
            dt, answer = api.invoke(f"w{i}", ev)
            if i == 0:
                resp = json.loads(answer)
                assert all(r["result"] == "Ok" for r in resp["records"]), "every record Ok"
            else:
                times.append(dt)
        p.kill(); p.wait()
        # Cold starts: a new process each time, timed to its first poll, then one invocation.
        inits, firsts = [], []
        for k in range(a.cold_starts):
            api = Api()
            t0 = time.monotonic()
            p = start(a.scrubd, api, memory, cg)
            with api.cv:
                api.cv.wait_for(lambda: api.first_poll is not None, 60)
            inits.append(api.first_poll - t0)
            dt, _ = api.invoke(f"c{k}", events[1])
            firsts.append(dt)
            p.kill(); p.wait()
        med = statistics.median(times)
        print(f"| {memory} MB ({share}) | {a.events / med:,.0f} | {raw_mb / med:.2f} | {med * 1000:,.0f} ms "
              f"| {statistics.median(inits) * 1000:,.0f} ms | {statistics.median(firsts) * 1000:,.0f} ms |")
        if cg:
            try:
                os.rmdir(cg)
            except OSError:
                pass


if __name__ == "__main__":
    main()
