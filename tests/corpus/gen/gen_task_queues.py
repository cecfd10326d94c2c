"""Background-job workers of a Django/Flask/Express shop, really run against a real redis-server
(Debian's, `--requirepass`, on a free 127.0.0.1 port), with secrets in task arguments, results,
exceptions and logger metadata. Each process writes to its own file under out/task_queues/; the
raw log is those files concatenated, each part after a `== ...` line the generator writes (clean).

  celery INFO     `celery -A tasksapp worker -l INFO -c 2 -E` (prefork; gen/task_queues_app/tasksapp.py):
                  the banner (`redis://:**@…` masked), `Task x[id] received`, `succeeded in …: <result
                  repr>` (new OAuth tokens, a session token, presigned S3 URLs with X-Amz-Signature, a
                  new IAM key pair), `raised unexpected: ValueError("invalid token '…'")` + traceback,
                  `retry: Retry in 1s: …` (requests' ConnectionError with `?api_key=` in the URL, a
                  revoked refresh token, pymongo's ServerSelectionTimeoutError), the app's own loggers
                  (`sending reset {'email': …, 'token': …}`), a task's print() (redirected stdout, one
                  WARNING record per write), `kwargsrepr` set to `[Filtered]`, an ETA task restored at
                  shutdown. `celery events --dump` alongside (`task sent/received/succeeded/failed/
                  retried: name(id) args=(…) kwargs={…} … result=…`, tracebacks inside events,
                  heartbeats). Then the CLI: `celery inspect scheduled` (the ETA request with its
                  args/kwargs), `celery result <id>`, `celery purge`.
  celery DEBUG    the same app at `-l DEBUG -c 1`: bootsteps, `TaskPool: Apply <function
                  fast_trace_task …> (args:(…, {… 'argsrepr': "(…)", 'kwargsrepr': "{…}" …` (headers
                  cut by saferepr with `...`), redis-py's DEBUG lines.
  celery report   `celery -A tasksapp report`: settings with keys matching API|TOKEN|KEY|SECRET|PASS|
                  DATABASE masked as `********`, URLs in broker_url / *backend* masked, the others not.
  producer        the web app's side: results and tracebacks it logs after `.get()`.
  rq              `rq enqueue` (CLI), then `rq worker --burst` (INFO) and `--logging_level DEBUG`
                  (python-rq: `default: rqjobs.send_email('bob@…', token='…') (job-id)`, descriptions
                  whose long argument reprs RQ cuts at 75 characters + `...`, `Successfully completed
                  …`, `Job OK`, `result: {…}`, failure tracebacks, retries), the jobs' own logger,
                  structlog 26 in a job (KeyValueRenderer, JSONRenderer, LogfmtRenderer,
                  ConsoleRenderer(colors=False)), the producer logging results / `exc_string`, `rq info`.
  dramatiq        `dramatiq dqactors --processes 1 --threads 2 -v`: `Received message
                  sync_crm('sk_live_…', 42, dsn='postgresql://…') with id '…'`, `Received args=(…)
                  kwargs={…}`, `Failed to process message … with unhandled exception.` + traceback,
                  `Retrying message '…' in 193 milliseconds.`, `Retries exceeded`, an app middleware
                  logging `Message(queue_name=…, args=(…), kwargs={…}, …)` reprs.
  node            gen_task_queues.js: Express + bunyan (`req`/`err` serializers) enqueueing BullMQ jobs,
                  a BullMQ Worker logging through winston (json, simple, prettyPrint, printf + splat,
                  errors({stack})) and bunyan; failed jobs' `failedReason`/stack, `job.asJSON()` of
                  failed jobs (data as a JSON string inside JSON).
  redis-server    its own log (clean).

A secret that a tool cuts with `...` (RQ's descriptions, celery's saferepr) is labelled as its
visible head (8+ characters): planted as an extra value after the run (as gen_tracebacks.py does).
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid

import common as c

sys.dont_write_bytecode = True  # the generator imports the task modules too (producer side)

NAME = "task_queues"
S = c.Secrets(NAME)
HERE = c.HERE
APP = os.path.join(HERE, "task_queues_app")
WORK = os.path.join(c.OUT, NAME)
ISSUED = os.path.join(WORK, "issued.jsonl")
BIN = os.path.dirname(sys.executable)
USERS = ["alice", "bob", "carol", "dave", "erin"]


class Children:
    """Every process this generator starts, each in its own session; all stopped at the end."""

    def __init__(self):
        self.procs = []

    def start(self, name, argv, env, cwd=APP):
        out = open(os.path.join(WORK, name + ".log"), "wb")
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        p._tq_out = out
        self.procs.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM, timeout=20):
        """SIGTERM to the process (celery's warm shutdown, dramatiq's and redis' own), then
        SIGKILL to whatever is left of its process group (prefork children)."""
        if p.poll() is None:
            try:
                os.kill(p.pid, sig)
                p.wait(timeout)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if p.poll() is None:
            p.wait()
        if not p._tq_out.closed:
            p._tq_out.close()

    def stop_all(self):
        for p in reversed(self.procs):
            self.stop(p, timeout=10)


def wait_for(path, text, timeout=30):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if os.path.exists(path) and text in open(path, encoding="utf-8", errors="replace").read():
            return
        time.sleep(0.1)
    raise SystemExit("timed out waiting for %r in %s" % (text, path))


def run(name, argv, env, timeout=60):
    """A short CLI command, its stdout+stderr into WORK/name.log."""
    with open(os.path.join(WORK, name + ".log"), "wb") as out:
        subprocess.run(argv, cwd=APP, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)


def jwt_token():
    import jwt
    now = int(time.time())
    return jwt.encode({"iss": "https://auth.example.com/", "sub": str(uuid.uuid4()), "aud": "partner-api",
                       "iat": now, "exp": now + 900, "scope": "orders:write"}, c.rand(32), "HS256")


def url_pw():
    """A password as it goes into a URI: characters that need no percent-encoding."""
    return c.password(symbols="-_.~")


def plant():
    P = {}
    P["redis_pw"] = S.add(url_pw())
    P["aws_key_id"] = S.add(c.aws_access_key_id())
    P["aws_secret"] = S.add(c.aws_secret_access_key())
    P["tmp_key_id"] = S.add(c.aws_temp_access_key_id())
    P["tmp_secret"] = S.add(c.aws_secret_access_key())
    P["tmp_session"] = S.add(c.aws_session_token())
    # settings in the celery config (celery report masks some by key name)
    mongo_pw, db_pw, cache_pw, partner_pw = (S.add(url_pw()) for _ in range(4))
    P["celery_settings"] = {
        "mongo_uri": "mongodb://acme_app:%s@mongo-0.internal:27017/acme?authSource=admin" % mongo_pw,
        "database_url": "postgres://acme:%s@db.internal:5432/acme" % db_pw,
        "cache_url": "redis://:%s@cache.internal:6379/2" % cache_pw,
        "stripe_api_key": S.add(c.api_key("stripe")),
        "sendgrid_api_key": S.add(c.api_key("sendgrid")),
        "oauth_client_secret": S.add(c.rand(40, c.URLSAFE)),
        "partner_credentials": "svc-celery:%s" % partner_pw,
        "slack_auth_header": "Bearer " + S.add(c.api_key("slack")),
        "reports_bucket": "acme-reports",
        "secrets_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/celery-Xy12Ab",
    }
    return P


def base_env(P, redis_url):
    return {"PATH": BIN + ":/usr/local/bin:/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": APP + ":" + HERE,
            "TQ_REDIS": redis_url, "TQ_ISSUED": ISSUED, "TQ_CLOSED_PORT": str(c.free_port()),
            "TQ_CELERY_SETTINGS": json.dumps(P["celery_settings"]),
            "AWS_ACCESS_KEY_ID": P["aws_key_id"], "AWS_SECRET_ACCESS_KEY": P["aws_secret"],
            "TQ_TMP_KEY_ID": P["tmp_key_id"], "TQ_TMP_SECRET": P["tmp_secret"], "TQ_TMP_SESSION": P["tmp_session"],
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true"}


def producer_logger():
    import logging
    f = open(os.path.join(WORK, "producer.log"), "w", newline="\n")
    h = logging.StreamHandler(f)
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
    log = logging.getLogger("web.jobs")
    log.addHandler(h)
    log.setLevel(logging.INFO)
    log.propagate = False
    return log, f


# ------------------------------------------------------------------------------------ celery

def celery_info_run(ch, env, P, log):
    import tasksapp as t
    # `celery events --dump` (the "tcpdump for Celery events") watching a worker started with -E
    evdump = ch.start("celery_events", [BIN + "/celery", "-A", "tasksapp", "events", "--dump"], env)
    wait_for(os.path.join(WORK, "celery_events.log"), "evdump: starting capture")
    worker = ch.start("celery_info", [BIN + "/celery", "-A", "tasksapp", "worker", "-l", "INFO", "-c", "2", "-E",
                                      "-n", "worker1@jobs-1", "-Q", "default,password_reset,token_refresh"], env)
    wait_for(os.path.join(WORK, "celery_info.log"), "worker1@jobs-1 ready.")
    closed = env["TQ_CLOSED_PORT"]
    rs = []
    tok = S.add(c.opaque_token())
    rs.append(t.send_password_reset.delay(
        42, email="alice@example.com", token=tok, reset_url="https://app.example.com/reset/NDI/%s/" % tok))
    tok = S.add(c.opaque_token())
    rs.append(t.send_password_reset.apply_async(
        args=(43,), kwargs={"email": "carol@example.com", "token": tok},
        kwargsrepr="{'email': 'carol@example.com', 'token': '[Filtered]'}"))
    r_google = t.refresh_oauth_token.delay("google", S.add(c.refresh_token()), client_id="web")
    rs.append(r_google)
    rs.append(t.refresh_oauth_token.apply_async(("github", S.add(c.refresh_token())), {"client_id": "cli"}))
    r_sess = t.create_session.delay(42, remember=True)
    rs.append(r_sess)
    rs.append(t.generate_report_url.delay("rpt_2024_11_acme"))
    rs.append(t.generate_report_url.apply_async(("rpt_2024_q4",), {"temporary": True}))
    r_verify = t.verify_email_token.delay(44, S.add(c.opaque_token("evt_")))
    rs.append(r_verify)
    rs.append(t.rotate_api_key.delay("acct_42", S.add(c.api_key("stripe"))))
    rs.append(t.rotate_api_key.delay("acct_nightly", None))
    rs.append(t.sync_tenant_db.delay(
        "acme", "mongodb://acme_sync:%s@127.0.0.1:%s/acme?authSource=admin" % (S.add(url_pw()), closed)))
    rs.append(t.rotate_iam_key.delay("deploy-bot", P["aws_key_id"]))
    rs.append(t.deliver_webhook.delay(
        "https://hooks.partner.example/v1/events",
        {"event": "invoice.paid", "invoice_id": "in_1001", "signing_secret": S.add("whsec_" + c.rand(32))},
        {"Authorization": "Bearer " + S.add(jwt_token()), "Content-Type": "application/json",
         "X-Request-Id": str(uuid.uuid4())}))
    rs.append(t.provision_ldap_user.delay("dave", "dave@example.com", S.add(c.nasty_password())))
    # clean look-alikes
    rs.append(t.send_digest.delay(42))
    rs.append(t.resize_image.delay("acme-uploads", "avatars/42.png", width=128))
    rs.append(t.count_tokens.delay("doc_8812"))
    rs.append(t.purge_expired_password_resets.delay())
    rs.append(t.revoke_tokens.delay(42, reason="password_changed"))
    rs.append(t.audit_secret_rotation.delay("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/stripe-AbC12x"))
    for r, name, q in zip(rs, ("send_password_reset", "send_password_reset", "refresh_oauth_token", "refresh_oauth_token"),
                          ("password_reset", "password_reset", "token_refresh", "token_refresh")):
        log.info("enqueued tasksapp.%s[%s] on %s", name, r.id, q)
    eta = t.send_password_reset.apply_async(
        args=(45,), kwargs={"email": "erin@example.com", "token": S.add(c.opaque_token())}, countdown=600)
    log.info("scheduled tasksapp.send_password_reset[%s] eta=+600s", eta.id)
    for r in rs:
        r.get(timeout=60, propagate=False)
    log.info("google refresh result: %s", r_google.result)
    log.info("session for user 42: %s", r_sess.result)
    log.error("verify_email_token failed: %r", r_verify.result)
    log.error("%s", r_verify.traceback.rstrip("\n"))
    run("celery_inspect", [BIN + "/celery", "-A", "tasksapp", "inspect", "scheduled", "--timeout", "2"], env)
    run("celery_result", [BIN + "/celery", "-A", "tasksapp", "result", r_google.id], env)
    run("celery_result2", [BIN + "/celery", "-A", "tasksapp", "result", r_sess.id], env)
    ch.stop(worker)
    time.sleep(0.5)
    ch.stop(evdump, sig=signal.SIGINT)
    run("celery_purge", [BIN + "/celery", "-A", "tasksapp", "purge", "-f", "-Q", "default,password_reset,token_refresh"], env)


def celery_debug_run(ch, env, log):
    import tasksapp as t
    worker = ch.start("celery_debug", [BIN + "/celery", "-A", "tasksapp", "worker", "-l", "DEBUG", "-c", "1",
                                       "-n", "worker2@jobs-1", "-Q", "default,password_reset,token_refresh"], env)
    wait_for(os.path.join(WORK, "celery_debug.log"), "worker2@jobs-1 ready.")
    rs = []
    tok = S.add(c.opaque_token())
    rs.append(t.send_password_reset.apply_async(
        args=(46,), kwargs={"email": "bob@example.com", "token": tok},
        kwargsrepr="{'email': 'bob@example.com', 'token': '[Filtered]'}"))
    rs.append(t.send_password_reset.delay(47, email="erin@example.com", token=S.add(c.opaque_token())))
    rs.append(t.refresh_oauth_token.delay("google", S.add(c.refresh_token()), client_id="ios"))
    rs.append(t.verify_email_token.delay(48, S.add(c.opaque_token())))
    rs.append(t.deliver_webhook.delay(
        "https://hooks.partner.example/v1/events", {"event": "user.created", "user_id": 48},
        {"Authorization": "Bearer " + S.add(c.opaque_token()), "X-Api-Key": S.add(c.api_key("generic"))}))
    rs.append(t.count_tokens.delay("doc_9001", model="gpt-4o"))
    rs.append(t.revoke_tokens.delay(48))
    for r in rs:
        r.get(timeout=60, propagate=False)
    log.info("debug run: %d tasks done", len(rs))
    ch.stop(worker)


# ------------------------------------------------------------------------------------ rq

def rq_part(ch, env, P, log):
    import redis
    from rq import Queue, Retry
    from rq.job import Job
    url = env["TQ_REDIS"] + "/2"
    conn = redis.Redis.from_url(url)
    qs = {n: Queue(n, connection=conn) for n in ("password_reset", "billing", "default")}
    tok = S.add(c.opaque_token())
    run("rq_enqueue", [BIN + "/rq", "enqueue", "-u", url, "-q", "password_reset", "rqjobs.send_email",
                       "frank@example.com", "password_reset", "token=" + tok], env)
    jobs = {}
    tok = S.add(c.opaque_token())
    jobs["reset"] = qs["password_reset"].enqueue("rqjobs.send_email", "bob@example.com", "password_reset", token=tok,
                                                 reset_url="https://app.example.com/reset/Qk9C/%s/" % tok)
    jobs["reset_filtered"] = qs["password_reset"].enqueue(
        "rqjobs.send_email", "erin@example.com", "password_reset", token=S.add(c.opaque_token()),
        description="rqjobs.send_email(user=57, token=[Filtered])")
    jobs["charge"] = qs["billing"].enqueue("rqjobs.charge_card", "cus_Q1w2e3R4t5", 4999, api_key=S.add(c.api_key("stripe")))
    jobs["partner"] = qs["default"].enqueue(
        "rqjobs.call_partner", "https://partner.example.com/v1/orders",
        headers={"Authorization": "Bearer " + S.add(c.opaque_token()), "X-Api-Key": S.add(c.api_key("generic"))})
    # RQ cuts each argument's repr at 75 characters: the session token's head is all that shows
    jobs["upload"] = qs["default"].enqueue("rqjobs.upload_report", "acme-reports", "reports/2024-11/acme.pdf",
                                           aws_access_key_id=P["tmp_key_id"], aws_session_token=P["tmp_session"])
    jobs["contacts"] = qs["default"].enqueue("rqjobs.import_contacts", "google", S.add(c.refresh_token()),
                                             retry=Retry(max=1))
    jobs["backup"] = qs["default"].enqueue(
        "rqjobs.backup_db", "postgresql://backup:%s@db.internal:5432/app" % S.add(url_pw()))
    jobs["apikey"] = qs["billing"].enqueue("rqjobs.issue_api_key", "acct_42", ["charges:read", "charges:write"])
    jobs["audit"] = qs["default"].enqueue(
        "rqjobs.audit_login", "alice", S.add(c.opaque_token()),
        {"Authorization": "Bearer " + S.add(c.opaque_token()), "X-Request-Id": str(uuid.uuid4())},
        "postgresql://audit:%s@db.internal:5432/audit" % S.add(url_pw()))
    jobs["thumb"] = qs["default"].enqueue("rqjobs.generate_thumbnail", "uploads/2024/11/9f2c.png", size=128)
    jobs["recount"] = qs["default"].enqueue("rqjobs.recount_tokens", 42)
    jobs["expire"] = qs["password_reset"].enqueue("rqjobs.expire_password_resets", older_than_hours=48)
    w = ch.start("rq_info", [BIN + "/rq", "worker", "-u", url, "--burst", "-n", "rq-jobs-1",
                             "password_reset", "billing", "default"], env)
    w.wait(60)
    ch.stop(w)
    for k in ("charge", "apikey"):
        j = Job.fetch(jobs[k].id, connection=conn)
        log.info("rq job %s %s: %r", j.id, j.get_status(), j.return_value())
    j = Job.fetch(jobs["contacts"].id, connection=conn)
    log.error("rq job %s %s after %d retries:\n%s", j.id, j.get_status(), 1, j.latest_result().exc_string.rstrip("\n"))
    # DEBUG
    qs["billing"].enqueue("rqjobs.issue_api_key", "acct_77", ["charges:read"])
    qs["password_reset"].enqueue("rqjobs.send_email", "carol@example.com", "password_reset", token=S.add(c.opaque_token()))
    qs["default"].enqueue("rqjobs.recount_tokens", 77)
    w = ch.start("rq_debug", [BIN + "/rq", "worker", "-u", url, "--burst", "-n", "rq-jobs-2", "--logging_level", "DEBUG",
                              "password_reset", "billing", "default"], env)
    w.wait(60)
    ch.stop(w)
    run("rq_infocmd", [BIN + "/rq", "info", "-u", url, "password_reset", "billing", "default"], env)


# ------------------------------------------------------------------------------------ dramatiq

def dramatiq_part(ch, env, log):
    import redis

    import dqactors as d
    d.sync_crm.send(S.add(c.api_key("stripe")), 42, dsn="postgresql://crm:%s@crm-db.internal:5432/crm" % S.add(url_pw()))
    d.send_reset.send("bob@example.com", S.add(c.opaque_token()))
    d.exchange_code.send(S.add("4/0A" + c.rand(60, c.URLSAFE)), "web-app", S.add(c.rand(40, c.URLSAFE)),
                         "https://app.example.com/oauth/callback")
    d.store_refresh_token.send(42, S.add(c.refresh_token()))
    d.recount_tokens.send(42)
    d.warm_cache.send("password_reset:templates")
    p = ch.start("dramatiq", [BIN + "/dramatiq", "dqactors", "--processes", "1", "--threads", "2", "-v"], env)
    path = os.path.join(WORK, "dramatiq.log")
    wait_for(path, "Worker process is ready for action.")
    conn = redis.Redis.from_url(env["TQ_REDIS"] + "/3")
    quiet = 0
    t0 = time.time()
    while quiet < 5 and time.time() - t0 < 40:
        pending = sum(conn.hlen(k) for k in conn.keys("dramatiq:*.msgs") if b".XQ" not in k)
        quiet = quiet + 1 if pending == 0 else 0
        time.sleep(0.2)
    time.sleep(0.5)
    ch.stop(p)
    log.info("dramatiq: %d messages dead-lettered", conn.hlen("dramatiq:default.XQ.msgs"))


# ------------------------------------------------------------------------------------ node

def node_part(ch, env, P, port):
    nd = {"redisPassword": P["redis_pw"], "redisPort": port,
          "sessionToken": S.add(c.opaque_token()), "sid": S.add(c.rand(32, c.URLSAFE)),
          "stripeKey": S.add(c.api_key("stripe")), "refreshToken": S.add(c.refresh_token()),
          "webhookJwt": S.add(jwt_token()), "webhookKey": S.add(c.api_key("generic")),
          "githubToken": S.add(c.api_key("github")), "smtpPassword": S.add(c.password(20)),
          "adminToken": S.add(c.opaque_token())}
    e = dict(env, TQ_NODE=json.dumps(nd))
    p = ch.start("node", ["node", "gen_task_queues.js"], e, cwd=HERE)
    if p.wait(90) != 0:
        raise SystemExit("gen_task_queues.js failed: see %s" % os.path.join(WORK, "node.log"))
    ch.stop(p)


# ------------------------------------------------------------------------------------ pieces

def add_cut_heads(text):
    """A planted secret cut by its tool (RQ: `aws_session_token='IQoJb3JpZ2luX2VjE…x3ya1...)`): its
    visible head (8+ characters) before the `...` is planted too, so label.py labels it."""
    full = [s for s in S.values if len(s) >= 12]
    for line in text.split("\n"):
        if "..." not in line:
            continue
        for m in re.finditer(r"\.\.\.", line):
            head = line[:m.start()]
            for s in full:
                for r in {s, repr(s)[1:-1], repr(repr(s)[1:-1])[1:-1], json.dumps(s)[1:-1],
                          urllib.parse.quote(s, safe=""), urllib.parse.quote(s), urllib.parse.quote_plus(s)}:
                    k = max((k for k in range(8, len(r)) if head.endswith(r[:k])), default=0)
                    if k and s.startswith("eyJ"):
                        # a JWT's head (header, first claims) is the same in many tokens: not a
                        # visible secret; the generator keeps JWTs where nothing cuts them
                        raise SystemExit("a JWT is cut: %s" % line[:200])
                    if k and r[:k] not in S.values:
                        S.values.append(r[:k])


def main():
    os.makedirs(WORK, exist_ok=True)
    for f in os.listdir(WORK):
        os.remove(os.path.join(WORK, f))
    open(ISSUED, "w").close()
    P = plant()
    port = c.free_port()
    redis_url = "redis://:%s@127.0.0.1:%d" % (P["redis_pw"], port)
    env = base_env(P, redis_url)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("TQ_", "AWS_"))})
    sys.path[:0] = [APP]
    ch = Children()
    log, logf = producer_logger()
    try:
        rs = ch.start("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--requirepass", P["redis_pw"], "--daemonize", "no"],
                      env, cwd=WORK)
        wait_for(os.path.join(WORK, "redis.log"), "Ready to accept connections")
        celery_info_run(ch, env, P, log)
        celery_debug_run(ch, env, log)
        run("celery_report", [BIN + "/celery", "-A", "tasksapp", "report"], env)
        rq_part(ch, env, P, log)
        dramatiq_part(ch, env, log)
        node_part(ch, env, P, port)
        ch.stop(rs)
    finally:
        ch.stop_all()
        logf.close()
    parts = [
        ("celery %s worker -l INFO -E (prefork, concurrency 2)" % __import__("celery").__version__, "celery_info"),
        ("celery -A tasksapp events --dump (the worker above runs with -E)", "celery_events"),
        ("celery -A tasksapp inspect scheduled", "celery_inspect"),
        ("celery -A tasksapp result <google refresh task id>", "celery_result"),
        ("celery -A tasksapp result <create_session task id>", "celery_result2"),
        ("celery -A tasksapp purge -f", "celery_purge"),
        ("celery worker -l DEBUG (prefork, concurrency 1)", "celery_debug"),
        ("celery -A tasksapp report", "celery_report"),
        ("rq enqueue (CLI)", "rq_enqueue"),
        ("rq %s worker --burst" % __import__("rq").__version__, "rq_info"),
        ("rq worker --burst --logging_level DEBUG", "rq_debug"),
        ("rq info", "rq_infocmd"),
        ("dramatiq %s worker -v (redis broker)" % __import__("dramatiq").__version__, "dramatiq"),
        ("the web app (producer) logging job results", "producer"),
        ("node: express + bunyan, bullmq worker + winston / bunyan", "node"),
        ("redis-server log", "redis"),
    ]
    raw = b""
    for title, name in parts:
        body = open(os.path.join(WORK, name + ".log"), "rb").read()
        if body and not body.endswith(b"\n"):
            body += b"\n"
        raw += ("== %s\n" % title).encode() + body
    with open(c.raw_path(NAME), "wb") as f:
        f.write(raw)
    with open(ISSUED) as fh:
        for line in fh:
            S.add(json.loads(line))
    add_cut_heads(raw.decode("utf-8"))
    S.save()


if __name__ == "__main__":
    main()
