#!/usr/bin/env python3
"""Figures of scrubd's CloudWatch source and sink against moto's server (a real CloudWatch
Logs API implementation on 127.0.0.1; no account, no network).

  idle:   a group with no new events for --idle-seconds: FilterLogEvents requests per minute.
  steady: --rate events/s into --streams streams for --seconds: requests per minute, events
          in == events out, and the delay from an event's timestamp to its scrubbed copy being
          readable in the target group (p50/p99).
  burst:  --burst events put at once: seconds until all are in the target group.

The source polls at the default poll_interval (2s). Usage (moto from scripts/test.sh's venv):

  benches/cloudwatch_bench.py [--scrubd target/release/scrubd] [--moto target/moto-venv/bin/moto_server]
"""
import argparse, os, re, signal, subprocess, sys, tempfile, time

from _common import free_port, metric, wait_http

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scrubd", default="target/release/scrubd")
    ap.add_argument("--moto", default="target/moto-venv/bin/moto_server")
    ap.add_argument("--idle-seconds", type=int, default=60)
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--streams", type=int, default=4)
    ap.add_argument("--burst", type=int, default=20000)
    a = ap.parse_args()

    import boto3  # from moto's venv: run this script with target/moto-venv/bin/python

    mport, sport = free_port(), free_port()
    moto = subprocess.Popen([a.moto, "-H", "127.0.0.1", "-p", str(mport)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = tempfile.mkdtemp()
    scrubd = None
    try:
        wait_http(f"http://127.0.0.1:{mport}/moto-api/")
        url = f"http://127.0.0.1:{mport}"
        c = boto3.client("logs", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        src, dst = "/aws/lambda/bench", "/scrubbed/bench"
        c.create_log_group(logGroupName=src)
        streams = [f"2026/11/24/[$LATEST]{i:04x}" for i in range(a.streams)]
        for s in streams:
            c.create_log_stream(logGroupName=src, logStreamName=s)
        cfg = os.path.join(root, "scrubd.toml")
        with open(cfg, "w") as f:
            f.write(f"""
[state]
dir = "state"
[metrics]
listen = "127.0.0.1:{sport}"
[[sources]]
name = "bench"
type = "cloudwatch"
log_group = "{src}"
start_at = "now"
endpoint_url = "{url}"
sink = "cw"
[[sinks]]
name = "cw"
type = "cloudwatch"
log_group = "{dst}"
create = true
endpoint_url = "{url}"
""")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
        scrubd = subprocess.Popen([a.scrubd, "run", "--config", cfg], env=env, stderr=subprocess.DEVNULL)
        wait_http(f"http://127.0.0.1:{sport}/healthz")
        filt = 'scrubd_cloudwatch_requests_total{api="FilterLogEvents",outcome="ok"}'

        # idle
        time.sleep(10)  # past start-up
        r0 = metric(sport, filt)
        time.sleep(a.idle_seconds)
        idle_rpm = (metric(sport, filt) - r0) * 60 / a.idle_seconds

        def target_events():
            out, tok = {}, None
            while True:
                kw = {"logGroupName": dst}
                if tok:
                    kw["nextToken"] = tok
                try:
                    page = c.filter_log_events(**kw)
                except c.exceptions.ResourceNotFoundException:
                    return out
                for e in page["events"]:
                    out[e["message"]] = e["ingestionTime"]
                tok = page.get("nextToken")
                if not tok:
                    return out

        # steady
        r0 = metric(sport, filt)
        sent = {}
        t_end = time.time() + a.seconds
        n = 0
        while time.time() < t_end:
            tick = time.time()
            ts = int(tick * 1000)
            for k, s in enumerate(streams):
                evs = []
                for j in range(a.rate // a.streams):
                    msg = f"ev {n} Authorization: Bearer {JWT}"
                    evs.append({"timestamp": ts, "message": msg})
                    sent[f"ev {n} Authorization: Bearer [REDACTED:jwt]"] = ts
                    n += 1
                c.put_log_events(logGroupName=src, logStreamName=s, logEvents=evs)
            time.sleep(max(0, 1 - (time.time() - tick)))
        deadline = time.time() + 60
        got = target_events()
        while time.time() < deadline and not all(m in got for m in sent):
            time.sleep(1)
            got = target_events()
        steady_rpm = (metric(sport, filt) - r0) * 60 / a.seconds
        delays = sorted(got[m] - sent[m] for m in sent if m in got)
        missing = sum(1 for m in sent if m not in got)
        leaked = sum(1 for m in got if JWT in m)
        p = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))] / 1000 if delays else float("nan")

        # burst
        r0 = metric(sport, filt)
        t0 = time.time()
        ts = int(t0 * 1000)
        for k, s in enumerate(streams):
            per = a.burst // a.streams
            for off in range(0, per, 5000):
                c.put_log_events(logGroupName=src, logStreamName=s, logEvents=[
                    {"timestamp": ts, "message": f"burst {k} {i} token={JWT}"} for i in range(off, min(per, off + 5000))])
        want = a.burst + len(sent)
        while time.time() - t0 < 300 and len(target_events()) < want:
            time.sleep(1)
        burst_s = time.time() - t0
        burst_got = len(target_events()) - len(sent)
        burst_req = metric(sport, filt) - r0

        print("| scenario | figures |")
        print("|---|---|")
        print(f"| idle group, {a.idle_seconds} s | FilterLogEvents {idle_rpm:.1f}/min |")
        print(f"| {a.rate} events/s into {a.streams} streams, {a.seconds} s | FilterLogEvents {steady_rpm:.1f}/min; "
              f"in {len(sent)} / out {len(sent) - missing} / leaked {leaked}; event time → readable in target p50 {p(0.5):.2f} s, p99 {p(0.99):.2f} s |")
        print(f"| burst of {a.burst} events | all in the target after {burst_s:.1f} s ({burst_got} events, {burst_req:.0f} FilterLogEvents) |")
        if missing or leaked or burst_got != a.burst:
            sys.exit(1)
    finally:
        if scrubd:
            scrubd.send_signal(signal.SIGTERM)
            scrubd.wait()
        moto.kill()


if __name__ == "__main__":
    main()
