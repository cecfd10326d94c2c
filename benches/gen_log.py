#!/usr/bin/env python3
"""Deterministic generator of a realistic mixed log stream for benchmarking scrubd.

About half the lines are JSON (pino / structlog-like application logs), the rest
plain text (nginx / werkzeug / morgan access lines, Django / Flask log lines,
botocore DEBUG lines, pymongo command dumps, CI lines).  Roughly 1 % of lines
("leaky" lines) carry a credential; clean lines are full of look-alikes that a
scrubber must leave alone (UUIDs, trace ids, 40-hex git SHAs, sha256 digests,
24-hex Mongo ObjectIds, timestamps, `token_count=5`, "tokenizer",
"password reset email sent", ...).

Output is byte-identical for the same --seed / --lines / --leak-rate.

Usage:
    gen_log.py [--lines N] [--seed S] [--leak-rate F] [--out FILE]
    gen_log.py --one-line-bytes 52428800 --out big.line   # one huge line, no newline

A summary (lines, bytes, leaky lines per family) goes to stderr unless --quiet.
"""

import argparse
import base64
import json
import random
import string
import sys
from collections import Counter

B64URL = string.ascii_letters + string.digits + "-_"
B64 = string.ascii_letters + string.digits + "+/"
ALNUM = string.ascii_letters + string.digits
UPPER_B32 = string.ascii_uppercase + "234567"
UPPER_ALNUM = string.ascii_uppercase + string.digits

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

USER_AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "curl/8.4.0",
    "python-requests/2.31.0",
    "axios/1.6.2",
    "Go-http-client/1.1",
    "kube-probe/1.28",
    "Prometheus/2.48.0",
    "ELB-HealthChecker/2.0",
]
HOSTS = ["shop.example.com", "api.example.com", "admin.example.com", "auth.example.internal"]
PATHS = [
    "/api/v1/orders", "/api/v1/users/me", "/api/v1/cart/items", "/api/v2/search",
    "/healthz", "/metrics", "/static/css/main.css", "/accounts/login/",
    "/accounts/password/reset/", "/admin/", "/graphql", "/api/v1/tokenizer/encode",
    "/favicon.ico", "/api/v1/sessions", "/webhooks/stripe",
]
METHODS = ["GET"] * 7 + ["POST"] * 2 + ["PUT", "DELETE", "PATCH"]
STATUSES = [200] * 12 + [201, 204, 301, 302, 304, 400, 401, 403, 404, 404, 500, 502]
LOGGERS = ["app.views", "app.cache", "app.tasks", "app.auth", "app.billing", "app.search", "celery.worker"]
EVENTS = [
    "cache miss", "cache hit", "task received", "task succeeded", "user logged in",
    "password reset email sent", "order created", "payment captured", "rate limit applied",
    "tokenizer warmup finished", "session refreshed", "feature flag evaluated",
]
COLLECTIONS = ["users", "orders", "sessions", "carts", "audit_log", "products"]
TABLES = ["sessions", "users", "idempotency_keys", "rate_limits"]
DJANGO_MSGS = [
    'Not Found: /wp-login.php',
    'Forbidden (CSRF token missing.): /accounts/login/',
    'Internal Server Error: /api/v1/orders/export',
    'password reset email sent',
    'Bad Request: /api/v1/cart/items',
]
FLASK_MSGS = [
    "password reset email sent to user_id={uuid}",
    "token_count=5 prompt_tokens=128 tokenizer=cl100k_base",
    "loaded tokenizer from cache in {ms}ms",
    "password_policy check ok for user_id={uuid}",
    "refreshing access for session {hex32}",
    "email verification sent, trace_id={hex32}",
]
USERS = ["alice", "bob", "carol", "dave", "erin", "svc-billing", "svc-reporting", "app"]


class Gen:
    def __init__(self, seed, leak_rate):
        self.r = random.Random(seed)
        self.leak_rate = leak_rate
        self.t_ms = 1732431600000  # 2024-11-24T07:00:00Z
        self.leaks = Counter()
        r = self.r
        self.clean = [
            # (weight, fn) -- JSON ~50 %, plain ~50 %
            (14, self.j_pino_http), (10, self.j_structlog), (7, self.j_app_event),
            (5, self.j_deploy), (5, self.j_mongo_doc), (3, self.j_tokenizer),
            (5, self.j_dynamo_clean), (1, self.j_error_stack),
            (12, self.p_nginx), (5, self.p_werkzeug), (6, self.p_morgan),
            (5, self.p_django), (5, self.p_flask), (8, self.p_botocore),
            (5, self.p_pymongo), (4, self.p_ci),
        ]
        self.leaky = [
            ("jwt", self.l_jwt), ("bearer", self.l_bearer), ("basic", self.l_basic),
            ("aws-sigv4", self.l_sigv4), ("aws-access-key-id", self.l_akia),
            ("aws-secret-access-key", self.l_aws_secret), ("password", self.l_password),
            ("dynamodb-refresh-token", self.l_dynamo_token), ("mongodb-uri", self.l_mongo_uri),
            ("url-access-token", self.l_url_token), ("cookie", self.l_cookie),
        ]
        self._clean_fns = [fn for _, fn in self.clean]
        self._clean_w = []
        acc = 0
        for w, _ in self.clean:
            acc += w
            self._clean_w.append(acc)
        del r

    # ---------- primitives ----------
    def hexs(self, n):
        return "%0*x" % (n, self.r.getrandbits(4 * n))

    def uuid(self):
        h = self.hexs(32)
        return "%s-%s-4%s-%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3] + h[17:20], h[20:])

    def chars(self, alphabet, n):
        return "".join(self.r.choices(alphabet, k=n))

    def ip(self):
        r = self.r
        return "10.%d.%d.%d" % (r.randrange(256), r.randrange(256), r.randrange(1, 255))

    def tick(self):
        self.t_ms += self.r.randrange(0, 4)
        return self.t_ms

    def iso(self, ms=None):
        ms = self.t_ms if ms is None else ms
        s, milli = divmod(ms - 1732406400000, 1000)  # relative to 2024-11-24T00:00:00Z
        m, sec = divmod(s, 60)
        h, mi = divmod(m, 60)
        d, hr = divmod(h, 24)
        day = 24 + d  # good enough for a benchmark: stays within a few days of Nov 24
        return "2024-11-%02dT%02d:%02d:%02d.%03dZ" % (day, hr, mi, sec, milli), (day, hr, mi, sec, milli)

    def py_ts(self):
        _, (day, hr, mi, sec, milli) = self.iso()
        return "2024-11-%02d %02d:%02d:%02d,%03d" % (day, hr, mi, sec, milli)

    def clf_ts(self):
        _, (day, hr, mi, sec, _) = self.iso()
        return "%02d/Nov/2024:%02d:%02d:%02d +0000" % (day, hr, mi, sec)

    def path(self):
        r = self.r
        p = r.choice(PATHS)
        x = r.random()
        if x < 0.25:
            p += "/" + self.uuid()
        elif x < 0.35:
            p += "/" + self.hexs(24)
        if r.random() < 0.3:
            p += "?page=%d&per_page=%d" % (r.randrange(1, 50), r.choice((20, 50, 100)))
        return p

    def jwt(self):
        r = self.r
        hdr = {"alg": r.choice(["HS256", "RS256"]), "typ": "JWT"}
        if hdr["alg"] == "RS256":
            hdr["kid"] = self.hexs(16)
        pl = {"sub": self.uuid(), "iat": self.t_ms // 1000, "exp": self.t_ms // 1000 + 3600,
              "scope": r.choice(["read", "read write", "openid profile email"])}
        enc = lambda o: base64.urlsafe_b64encode(json.dumps(o, separators=(",", ":")).encode()).rstrip(b"=").decode()
        sig_len = 43 if hdr["alg"] == "HS256" else 342
        return "%s.%s.%s" % (enc(hdr), enc(pl), self.chars(B64URL, sig_len))

    def akia(self):
        return self.r.choice(("AKIA", "ASIA")) + self.chars(UPPER_B32, 16)

    # ---------- clean JSON ----------
    def j_pino_http(self):
        r = self.r
        t = self.tick()
        if r.random() < 0.5:
            hdrs = '"x-request-id":"%s"' % self.uuid()
        else:
            hdrs = '"user-agent":"%s"' % r.choice(USER_AGENTS)
        return ('{"level":30,"time":%d,"pid":%d,"hostname":"api-%s","reqId":"req-%s",'
                '"req":{"method":"%s","url":"%s","remoteAddress":"%s",'
                '"headers":{"host":"%s",%s}},'
                '"res":{"statusCode":%d},"responseTime":%.3f,"msg":"request completed"}') % (
            t, r.randrange(1, 40000), self.hexs(6), self.chars(ALNUM, 6), r.choice(METHODS), self.path(),
            self.ip(), r.choice(HOSTS), hdrs, r.choice(STATUSES), r.random() * 300)

    def j_structlog(self):
        r = self.r
        self.tick()
        return ('{"event":"%s","level":"%s","logger":"%s","timestamp":"%s","trace_id":"%s",'
                '"span_id":"%s","user_id":"%s","token_count":%d,"duration_ms":%.2f}') % (
            r.choice(EVENTS), r.choice(("info", "info", "info", "debug", "warning")), r.choice(LOGGERS),
            self.iso()[0], self.hexs(32), self.hexs(16), self.uuid(), r.randrange(0, 9000), r.random() * 80)

    def j_app_event(self):
        r = self.r
        t = self.tick()
        msg = r.choice(("password reset email sent", "password changed", "login succeeded",
                        "tokenizer cache refreshed", "session token rotated"))
        return ('{"level":"info","time":%d,"msg":"%s","req":{"method":"POST","path":"/accounts/password/reset/",'
                '"ip":"%s","user_agent":"%s"},"user_id":"%s","has_password":true,"password_reset_sent":true}') % (
            t, msg, self.ip(), r.choice(USER_AGENTS), self.uuid())

    def j_deploy(self):
        r = self.r
        self.tick()
        return ('{"level":"info","time":"%s","msg":"image pushed","image":"registry.example.com/%s",'
                '"tag":"v1.%d.%d","digest":"sha256:%s","git_sha":"%s","build_id":"%s"}') % (
            self.iso()[0], r.choice(("api", "worker", "web", "scheduler")), r.randrange(40), r.randrange(20),
            self.hexs(64), self.hexs(40), self.uuid())

    def j_mongo_doc(self):
        r = self.r
        t = self.tick()
        return ('{"level":"debug","time":%d,"msg":"loaded document","collection":"%s",'
                '"_id":{"$oid":"%s"},"owner":{"$oid":"%s"},"fields":["email","has_password","last_login",'
                '"password_changed_at"],"version":%d}') % (
            t, r.choice(COLLECTIONS), self.hexs(24), self.hexs(24), r.randrange(1, 30))

    def j_tokenizer(self):
        r = self.r
        t = self.tick()
        return ('{"level":"info","time":%d,"msg":"tokenizer loaded","model":"%s","vocab_size":%d,'
                '"token_count":%d,"max_tokens":%d,"elapsed_ms":%d,"cache_key":"%s"}') % (
            t, r.choice(("bert-base-uncased", "gpt2", "cl100k_base", "t5-small")), r.choice((30522, 50257, 100277)),
            r.randrange(1, 4096), r.choice((512, 2048, 8192)), r.randrange(1, 900), self.hexs(64))

    def j_dynamo_clean(self):
        r = self.r
        t = self.tick()
        return ('{"level":"debug","time":%d,"msg":"GetItem ok","table":"%s","item":{"pk":{"S":"SESSION#%s"},'
                '"sk":{"S":"META"},"expires_at":{"N":"%d"},"token_type":{"S":"refresh"},"token_count":{"N":"%d"}},'
                '"consumed_capacity":%.1f}') % (
            t, r.choice(TABLES), self.uuid(), t // 1000 + 86400, r.randrange(1, 9), r.choice((0.5, 1.0, 2.0)))

    def j_error_stack(self):
        # The occasional long line (1-3 KiB).
        r = self.r
        t = self.tick()
        frames = "\\n".join(
            "    at %s (/srv/app/node_modules/%s/lib/%s.js:%d:%d)" % (
                r.choice(("Socket.emit", "processTicksAndRejections", "Layer.handle", "next", "Timeout._onTimeout")),
                r.choice(("express", "undici", "mongodb", "ioredis")), r.choice(("index", "router", "client", "pool")),
                r.randrange(1, 900), r.randrange(1, 80))
            for _ in range(r.randrange(12, 35)))
        return ('{"level":50,"time":%d,"msg":"upstream request failed","err":{"type":"TimeoutError",'
                '"message":"request to http://inventory.svc:8080/api/v1/stock timed out","stack":"TimeoutError: timed out\\n%s"},'
                '"trace_id":"%s"}') % (t, frames, self.hexs(32))

    # ---------- clean plain text ----------
    def p_nginx(self):
        r = self.r
        self.tick()
        return ('%s - - [%s] "%s %s HTTP/1.1" %d %d "https://%s/" "%s" rt=%.3f uct="0.000" request_id=%s') % (
            self.ip(), self.clf_ts(), r.choice(METHODS), self.path(), r.choice(STATUSES), r.randrange(0, 90000),
            r.choice(HOSTS), r.choice(USER_AGENTS), r.random(), self.hexs(32))

    def p_werkzeug(self):
        r = self.r
        self.tick()
        _, (day, hr, mi, sec, _) = self.iso()
        return '%s INFO werkzeug: 127.0.0.1 - - [%02d/Nov/2024 %02d:%02d:%02d] "%s %s HTTP/1.1" %d -' % (
            self.py_ts(), day, hr, mi, sec, r.choice(METHODS), self.path(), r.choice(STATUSES))

    def p_morgan(self):
        r = self.r
        self.tick()
        _, (day, hr, mi, sec, _) = self.iso()
        return '::ffff:%s - - [%s, %02d Nov 2024 %02d:%02d:%02d GMT] "%s %s HTTP/1.1" %d %d "-" "%s"' % (
            self.ip(), DAYS[(day + 3) % 7], day, hr, mi, sec, r.choice(METHODS), self.path(),
            r.choice(STATUSES), r.randrange(0, 20000), r.choice(USER_AGENTS))

    def p_django(self):
        r = self.r
        self.tick()
        x = r.random()
        if x < 0.4:
            _, (day, hr, mi, sec, _) = self.iso()
            return '[%02d/Nov/2024 %02d:%02d:%02d] "%s %s HTTP/1.1" %d %d' % (
                day, hr, mi, sec, r.choice(METHODS), self.path(), r.choice(STATUSES), r.randrange(0, 9000))
        return "%s %s django.request: %s (request_id=%s user=%d)" % (
            self.py_ts(), r.choice(("WARNING", "INFO", "ERROR")), r.choice(DJANGO_MSGS), self.uuid(),
            r.randrange(1, 99999))

    def p_flask(self):
        r = self.r
        self.tick()
        msg = r.choice(FLASK_MSGS).format(uuid=self.uuid(), ms=r.randrange(2, 400), hex32=self.hexs(32))
        return "[%s] %s in %s: %s" % (self.py_ts(), r.choice(("INFO", "INFO", "DEBUG", "WARNING")),
                                      r.choice(("auth", "app", "views", "billing")), msg)

    def p_botocore(self):
        r = self.r
        self.tick()
        ts = self.py_ts()
        x = r.random()
        if x < 0.15:
            op = r.choice(("GetItem", "PutItem", "Query", "UpdateItem"))
            return ("%s botocore.endpoint [DEBUG] Making request for OperationModel(name=%s) with params: "
                    "{'url_path': '/', 'query_string': '', 'method': 'POST', 'headers': {'X-Amz-Target': "
                    "'DynamoDB_20120810.%s', 'Content-Type': 'application/x-amz-json-1.0', 'User-Agent': "
                    "'Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#5.15.0 md/arch#x86_64 lang/python#3.11.7'}, "
                    "'body': b'{\"TableName\": \"%s\", \"Key\": {\"pk\": {\"S\": \"SESSION#%s\"}}}', "
                    "'url': 'https://dynamodb.us-east-1.amazonaws.com/'}") % (
                ts, op, op, r.choice(TABLES), self.uuid())
        if x < 0.5:
            return "%s botocore.hooks [DEBUG] Event before-parameter-build.dynamodb.%s: calling handler <function generate_idempotent_uuid at 0x7f%s>" % (
                ts, r.choice(("GetItem", "PutItem", "Query")), self.hexs(10))
        if x < 0.65:
            return "%s botocore.parsers [DEBUG] Response headers: {'Server': 'Server', 'Date': 'Sun, 24 Nov 2024 07:00:01 GMT', 'x-amzn-RequestId': '%s', 'x-amz-crc32': '%d'}" % (
                ts, self.chars(UPPER_ALNUM, 52), r.randrange(10 ** 9, 4 * 10 ** 9))
        if x < 0.8:
            return "%s botocore.auth [DEBUG] CanonicalRequest hash: %s (SignedHeaders=content-type;host;x-amz-date;x-amz-target)" % (
                ts, self.hexs(64))
        if x < 0.9:
            return "%s botocore.credentials [INFO] Found credentials in environment variables." % ts
        return "%s botocore.retryhandler [DEBUG] No retry needed. request_id=%s attempt=%d" % (
            ts, self.uuid(), r.randrange(1, 4))

    def p_pymongo(self):
        r = self.r
        self.tick()
        coll = r.choice(COLLECTIONS)
        return ('%s DEBUG pymongo.command {"clientId": {"$oid": "%s"}, "message": "Command started", '
                '"command": "{\\"find\\": \\"%s\\", \\"filter\\": {\\"_id\\": {\\"$oid\\": \\"%s\\"}}, '
                '\\"lsid\\": {\\"id\\": {\\"$binary\\": {\\"base64\\": \\"%s==\\"}}}}", '
                '"commandName": "find", "requestId": %d, "serverHost": "mongo-%d.mongo"}') % (
            self.py_ts(), self.hexs(24), coll, self.hexs(24), self.chars(B64, 22), r.randrange(1, 10 ** 9),
            r.randrange(3))

    def p_ci(self):
        r = self.r
        self.tick()
        return "%s ci[info] checkout %s (refs/heads/%s) cache=sha256:%s job=%s" % (
            self.iso()[0], self.hexs(40), r.choice(("main", "release/1.4", "feat/tokenizer")), self.hexs(64), self.uuid())

    # ---------- leaky ----------
    def l_jwt(self):
        r = self.r
        t = self.tick()
        if r.random() < 0.5:
            return '{"level":"debug","time":%d,"msg":"verifying token","token":"%s","trace_id":"%s"}' % (
                t, self.jwt(), self.hexs(32))
        return "[%s] DEBUG in auth: decoded jwt %s for user_id=%s" % (self.py_ts(), self.jwt(), self.uuid())

    def l_bearer(self):
        r = self.r
        t = self.tick()
        tok = self.jwt() if r.random() < 0.4 else self.chars(ALNUM + "-._~", r.randrange(32, 65))
        if r.random() < 0.6:
            return ('{"level":30,"time":%d,"msg":"incoming request","req":{"method":"GET","url":"%s",'
                    '"headers":{"host":"%s","authorization":"Bearer %s","user-agent":"%s"}}}') % (
                t, self.path(), r.choice(HOSTS), tok, r.choice(USER_AGENTS))
        return "%s DEBUG urllib3.connectionpool: send: GET %s HTTP/1.1 Host: %s Authorization: Bearer %s Accept: */*" % (
            self.py_ts(), self.path(), r.choice(HOSTS), tok)

    def l_basic(self):
        r = self.r
        t = self.tick()
        cred = base64.b64encode(("%s:%s" % (r.choice(USERS), self.chars(ALNUM, r.randrange(8, 24)))).encode()).decode()
        if r.random() < 0.5:
            return ('{"level":30,"time":%d,"msg":"incoming request","req":{"method":"POST","url":"/internal/metrics",'
                    '"headers":{"authorization":"Basic %s"}}}') % (t, cred)
        return "%s DEBUG http.client: header: Authorization: Basic %s" % (self.py_ts(), cred)

    def l_sigv4(self):
        r = self.r
        self.tick()
        op = r.choice(("GetItem", "PutItem", "Query"))
        return ("%s botocore.endpoint [DEBUG] Sending http request: <AWSPreparedRequest stream_output=False, method=POST, "
                "url=https://dynamodb.us-east-1.amazonaws.com/, headers={'X-Amz-Target': b'DynamoDB_20120810.%s', "
                "'Content-Type': b'application/x-amz-json-1.0', 'X-Amz-Date': b'20241124T070001Z', "
                "'Authorization': b'AWS4-HMAC-SHA256 Credential=%s/20241124/us-east-1/dynamodb/aws4_request, "
                "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=%s', 'Content-Length': '%d'}>") % (
            self.py_ts(), op, self.akia(), self.hexs(64), r.randrange(40, 400))

    def l_akia(self):
        r = self.r
        self.tick()
        if r.random() < 0.5:
            return '{"event":"assumed role","level":"info","timestamp":"%s","role":"arn:aws:iam::%012d:role/app","access_key_id":"%s","trace_id":"%s"}' % (
                self.iso()[0], r.randrange(10 ** 12), self.akia(), self.hexs(32))
        return "%s botocore.credentials [DEBUG] Using access key %s from shared credentials file" % (self.py_ts(), self.akia())

    def l_aws_secret(self):
        r = self.r
        self.tick()
        return "%s WARNING app.settings: loaded env AWS_REGION=us-east-1 aws_access_key_id=%s aws_secret_access_key=%s" % (
            self.py_ts(), self.akia(), self.chars(ALNUM + "+/", 40))

    def l_password(self):
        r = self.r
        t = self.tick()
        return ('{"level":"warn","time":%d,"msg":"login failed","req":{"method":"POST","path":"/api/v1/login",'
                '"body":{"username":"%s","password": "%s"}},"trace_id":"%s"}') % (
            t, r.choice(USERS), self.chars(ALNUM + "!#$%^*", r.randrange(8, 20)), self.hexs(32))

    def l_dynamo_token(self):
        r = self.r
        t = self.tick()
        return ('{"level":"debug","time":%d,"msg":"GetItem ok","table":"sessions","item":{"pk":{"S":"SESSION#%s"},'
                '"refresh_token": {"S": "%s"},"expires_at":{"N":"%d"}}}') % (
            t, self.uuid(), self.chars(ALNUM + "-_", r.randrange(40, 90)), t // 1000 + 86400)

    def l_mongo_uri(self):
        r = self.r
        self.tick()
        return "%s INFO pymongo.topology: connecting to mongodb://%s:%s@mongo-0.mongo:27017,mongo-1.mongo:27017/app?replicaSet=rs0&authSource=admin" % (
            self.py_ts(), r.choice(USERS), self.chars(ALNUM, r.randrange(10, 28)))

    def l_url_token(self):
        r = self.r
        self.tick()
        return '%s - - [%s] "GET /oauth/callback?state=%s&access_token=%s&expires_in=3600 HTTP/1.1" 302 0 "-" "%s"' % (
            self.ip(), self.clf_ts(), self.hexs(16), self.chars(ALNUM + "-_.", r.randrange(30, 80)), r.choice(USER_AGENTS))

    def l_cookie(self):
        r = self.r
        self.tick()
        return "%s DEBUG django.request: headers Cookie: _ga=GA1.2.%d.%d; sessionid=%s; django_language=en" % (
            self.py_ts(), r.randrange(10 ** 9), r.randrange(10 ** 9), self.chars(string.ascii_lowercase + string.digits, 32))

    # ---------- driver ----------
    def line(self):
        r = self.r
        if r.random() < self.leak_rate:
            kind, fn = self.leaky[r.randrange(len(self.leaky))]
            self.leaks[kind] += 1
            return fn()
        return r.choices(self._clean_fns, cum_weights=self._clean_w)[0]()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=1_000_000, help="number of lines (default 1000000)")
    ap.add_argument("--seed", type=int, default=42, help="RNG seed (default 42)")
    ap.add_argument("--leak-rate", type=float, default=0.01, help="fraction of leaky lines (default 0.01)")
    ap.add_argument("--one-line-bytes", type=int, default=0,
                    help="instead of N lines, write ONE line of exactly this many bytes with no newline")
    ap.add_argument("--out", help="output file (default stdout)")
    ap.add_argument("--quiet", action="store_true", help="no summary on stderr")
    a = ap.parse_args()

    g = Gen(a.seed, a.leak_rate)
    out = open(a.out, "wb") if a.out else sys.stdout.buffer
    total = 0
    n = 0
    try:
        if a.one_line_bytes:
            # Join generated records with a space into a single line, truncated to size.
            remaining = a.one_line_bytes
            buf = []
            while remaining > 0:
                chunk = (g.line() + " ").encode()
                if len(chunk) > remaining:
                    chunk = chunk[:remaining]
                buf.append(chunk)
                remaining -= len(chunk)
                if len(buf) >= 4096:
                    out.write(b"".join(buf))
                    buf.clear()
            out.write(b"".join(buf))
            total, n = a.one_line_bytes, 0
        else:
            buf = []
            for _ in range(a.lines):
                buf.append(g.line())
                if len(buf) >= 8192:
                    s = ("\n".join(buf) + "\n").encode()
                    total += len(s)
                    out.write(s)
                    buf.clear()
            if buf:
                s = ("\n".join(buf) + "\n").encode()
                total += len(s)
                out.write(s)
            n = a.lines
    finally:
        out.flush()
        if a.out:
            out.close()
    if not a.quiet:
        leaky = sum(g.leaks.values())
        fam = " ".join("%s=%d" % kv for kv in sorted(g.leaks.items()))
        print("gen_log: lines=%d bytes=%d leaky_lines=%d (%s)" % (n, total, leaky, fam), file=sys.stderr)


if __name__ == "__main__":
    main()
