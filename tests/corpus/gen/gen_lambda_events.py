"""What AWS Lambda functions print into CloudWatch Logs when they log their events and their work.

The functions (lambda_events_fns.py) really run inside AWS's Lambda Runtime Interface Client for
Python (awslambdaric, the bootstrap of AWS's Python base images; one process per function, kept
warm between invocations like an execution environment). This generator plays the Lambda
service's side: it serves the Runtime API (`/2018-06-01/runtime/invocation/next`, `/response`,
`/error`) on 127.0.0.1, hands each event over with the real headers (`Lambda-Runtime-Aws-Request-Id`,
`-Deadline-Ms`, `-Invoked-Function-Arn`, `-Trace-Id`), and writes the platform's own lines into
the log stream around each invocation as AWS documents them: `INIT_START Runtime Version: …`,
`START RequestId: … Version: $LATEST`, `END RequestId: …`, `REPORT RequestId: …\tDuration: … ms\t
Billed Duration: … ms\tMemory Size: … MB\tMax Memory Used: … MB[\tInit Duration: … ms]` (measured:
the handler's wall time, the function process's peak RSS, spawn-to-first-poll) and, for the one
function with active tracing, `XRAY TraceId: …\tSegmentId: …\tSampled: true`. Everything between is
the function's own stdout: Powertools for AWS Lambda's Logger JSON, `print`, and the root logger
in the format awslambdaric installs (`[INFO]\t<time>Z\t<request id>\t<message>`), and awslambdaric's
`[ERROR] <type>: <message>` record + traceback for an unhandled exception.

The events come from real traffic where there is any:
  HTTP     requests/urllib send real requests (Bearer JWTs that moto's Cognito issued, HS256 tokens,
           Basic auth, session cookies, X-Api-Key, `?api_key=`/`?token=`/`?code=&state=`, JSON and
           form bodies with password/refresh_token/client_secret) to a local http.server that
           captures them byte for byte; each captured request is turned into the event API Gateway
           or an ALB would deliver — HTTP API payload 2.0 (lower-cased `headers`, `cookies` list,
           `rawQueryString`, decoded `queryStringParameters`, `requestContext.http`,
           `authorizer.jwt.claims` from the verified token), REST API payload 1.0 (`headers`,
           `multiValueHeaders`, `multiValueQueryStringParameters`, `body`, Cognito authorizer
           claims), ALB (query strings left URL-encoded, as ALB does; a multi-value target group),
           and Lambda authorizer events (TOKEN, HTTP API REQUEST 2.0), following AWS's documented
           formats; every event is parsed by Powertools' data classes in the handler. API Gateway
           base64-encodes a body whose content type is not text (HTTP API: anything but
           text/* and JSON; ALB likewise; REST API: the binaryMediaTypes); those bodies here carry
           no secrets (a base64 body is no representation label.py — or scrubd — reads).
  DynamoDB a real moto_server table with StreamSpecification NEW_AND_OLD_IMAGES; the orders-api
           function writes sessions into it, the app puts/updates/deletes sessions, refresh tokens,
           API key secrets, password hashes; the stream's records are read with
           dynamodbstreams GetRecords and batched into Lambda's `{"Records": […]}` event.
  SQS/SNS  real moto SQS/SNS/EventBridge: messages sent/published/put, received from the queues
  /Events  and wrapped as Lambda's SQS / SNS / EventBridge events.
  Cognito  trigger events (PreSignUp, CustomMessage, Define/Create/VerifyAuthChallenge,
           PreTokenGeneration, UserMigration, PostAuthentication) shaped per the Cognito developer
           guide around a real moto user pool, client and user; a passwordless custom-auth flow in
           which the functions' responses feed the next event (the one-time code the Create
           function makes).
  Rotation Secrets Manager's rotation event ({Step, SecretId, ClientRequestToken}) for the four
           steps, the function doing the template's real calls against moto (GetRandomPassword,
           PutSecretValue AWSPENDING, UpdateSecretVersionStage).
  Node.js  two functions logging with Powertools for AWS Lambda (TypeScript) Logger under a
           custom-runtime loop (lambda_events_node.js): a function URL and an SQS consumer.
Not captured: the runtime's INIT/START/END/REPORT lines come from the Lambda service, which
cannot run here; they are written by this generator in AWS's documented format (measured values).
Platform lines in the JSON log format (`platform.start`, …) are not produced: every function
uses the default text format. API Gateway / ALB / the event source mappings cannot run here
either: their events are built from the captured requests and the moto records as documented.
Only normalisation: awslambdaric's `[ERROR]` record joins its lines with \r (see main()).
Secrets are random per run (common.py); those a function makes (session ids, one-time codes)
come back through out/lambda_events.issued.jsonl.
"""
import base64
import hashlib
import http.server
import json
import math
import os
import queue
import random
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone

import common as c

NAME = "lambda_events"
S = c.Secrets(NAME)
RAW = c.raw_path(NAME)
ISSUED = os.path.join(c.OUT, NAME + ".issued.jsonl")
REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto_server's account (its ARNs carry it)
LOGFD = None  # the log stream: O_APPEND fd shared with the function processes
CLIENT_IPS = ["203.0.113.%d" % random.randint(2, 250), "198.51.100.%d" % random.randint(2, 250),
              "192.0.2.%d" % random.randint(2, 250)]
UA = {
    "web": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "ios": "Orders/4.12.0 (com.example.orders; build:4120; iOS 18.1.1) Alamofire/5.10.2",
    "android": "okhttp/4.12.0",
}


def emit(text):
    os.write(LOGFD, text.encode("utf-8"))


def section(title):
    emit("== %s\n" % title)


def hexid(n):
    return secrets.token_hex(n // 2)


def trace_root():
    return "1-%08x-%s" % (int(time.time()), hexid(24))


def api_request_id():
    # API Gateway's requestId / extendedRequestId: 14 base64 characters and '='
    return base64.b64encode(secrets.token_bytes(10)).decode()[:14].replace("+", "A").replace("/", "B") + "="


# ------------------------------------------------------------------ the Lambda service's side

class Function:
    """One function: its Runtime API endpoint (a thread), its execution environment (an awslambdaric
    process, started on the first invoke), and the platform lines around each invocation."""

    def __init__(self, name, app, handler, memory=256, timeout=15, tracing=False, env=None, role_creds=None, node=False):
        self.name, self.app, self.handler, self.node = name, app, handler, node
        self.memory, self.timeout, self.tracing = memory, timeout, tracing
        self.env = env or {}
        self.creds = role_creds or (c.aws_temp_access_key_id(), c.aws_secret_access_key(), c.aws_session_token())
        self.arn = "arn:aws:lambda:%s:%s:function:%s" % (REGION, ACCOUNT, name)
        self.stream = "%s/[$LATEST]%s" % (datetime.now(timezone.utc).strftime("%Y/%m/%d"), hexid(32))
        self.inbox, self.outbox = queue.Queue(), queue.Queue()
        self.proc = None
        self.init_ms = None
        self.cur = None
        fn = self

        class API(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _reply(self, code, body=b"", headers=()):
                self.send_response(code)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self._reply(404)
                if fn.init_ms is None:
                    fn.init_ms = (time.perf_counter() - fn.spawned) * 1000
                rid, event, trace = fn.inbox.get()
                body = json.dumps(event).encode()
                emit("START RequestId: %s Version: $LATEST\n" % rid)
                fn.cur = (rid, time.perf_counter())
                self._reply(200, body, [
                    ("Content-Type", "application/json"),
                    ("Lambda-Runtime-Aws-Request-Id", rid),
                    ("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + fn.timeout * 1000)),
                    ("Lambda-Runtime-Invoked-Function-Arn", fn.arn),
                    ("Lambda-Runtime-Trace-Id", trace),
                ])

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(n) if n else b""
                t1 = time.perf_counter()
                parts = self.path.split("/")
                if self.path.endswith("/response") or self.path.endswith("/error"):
                    self._reply(202, b'{"status":"OK"}', [("Content-Type", "application/json")])
                    fn.outbox.put((parts[-1], data, (t1 - fn.cur[1]) * 1000))
                elif self.path.endswith("/init/error"):
                    self._reply(202, b'{"status":"OK"}', [("Content-Type", "application/json")])
                    fn.outbox.put(("init_error", data, 0.0))
                else:
                    self._reply(404)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), API)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _start(self):
        ak, sk, st = self.creds
        env = {
            "PATH": "/var/lang/bin:" + os.path.dirname(sys.executable) + ":/usr/local/bin:/usr/bin:/bin",
            "LANG": "en_US.UTF-8", "TZ": ":UTC", "LAMBDA_TASK_ROOT": "/var/task", "LAMBDA_RUNTIME_DIR": "/var/runtime",
            "_HANDLER": ("lambda_events_node." if self.node else "lambda_events_fns.") + self.handler,
            "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x" if self.node else "AWS_Lambda_python3.11",
            "AWS_LAMBDA_FUNCTION_NAME": self.name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory), "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/" + self.name, "AWS_LAMBDA_LOG_STREAM_NAME": self.stream,
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" % self.server.server_address[1],
            "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": ak, "AWS_SECRET_ACCESS_KEY": sk, "AWS_SESSION_TOKEN": st,
            "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000", "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "APP": self.app,
        }
        if self.app in ISSUING_APPS:
            env["LAMBDA_ISSUED"] = ISSUED  # where the function reports the secrets it makes
        env.update(self.env)
        if self.node:
            env["NODE_PATH"] = os.path.join(c.HERE, "node_modules")
            emit("INIT_START Runtime Version: nodejs:20.v%d\tRuntime Version ARN: arn:aws:lambda:%s::runtime:%s\n"
                 % (RUNTIME_V - 20, REGION, RUNTIME_HASH_NODE))
            cmd = ["node", "lambda_events_node.js", self.handler]
        else:
            emit("INIT_START Runtime Version: python:3.11.v%d\tRuntime Version ARN: arn:aws:lambda:%s::runtime:%s\n"
                 % (RUNTIME_V, REGION, RUNTIME_HASH))
            cmd = [sys.executable, "-m", "awslambdaric", "lambda_events_fns." + self.handler]
        self.spawned = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=c.HERE, env=env, stdout=LOGFD, stderr=subprocess.STDOUT)

    def invoke(self, event):
        cold = self.proc is None
        if cold:
            self._start()
        rid = str(uuid.uuid4())
        root = trace_root()
        seg = hexid(16)
        trace = "Root=%s;Parent=%s;Sampled=%d;Lineage=1:%s:0" % (root, seg, 1 if self.tracing else 0, hexid(8))
        self.inbox.put((rid, event, trace))
        kind, data, dur = self.outbox.get(timeout=60)
        if kind == "init_error":
            raise SystemExit("%s: init error %s" % (self.name, data))
        with open("/proc/%d/status" % self.proc.pid) as f:
            hwm = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
        emit("END RequestId: %s\n" % rid)
        rep = "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB" % (
            rid, dur, math.ceil(dur + (self.init_ms if cold else 0)), self.memory, math.ceil(hwm / 1024))
        if cold:
            rep += "\tInit Duration: %.2f ms" % self.init_ms
        emit(rep + "\n")
        if self.tracing:
            emit("XRAY TraceId: %s\tSegmentId: %s\tSampled: true\n" % (root, seg))
        return kind, json.loads(data) if data else None

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
        self.server.shutdown()


ISSUING_APPS = ("orders-api", "auth-triggers", "secrets-rotation")
RUNTIME_V = random.randint(60, 80)
RUNTIME_HASH = hashlib.sha256(os.urandom(16)).hexdigest()
RUNTIME_HASH_NODE = hashlib.sha256(os.urandom(16)).hexdigest()


# ------------------------------------------------------------------ capturing real HTTP requests

class Capture:
    """A local HTTP endpoint standing where API Gateway / the ALB listens: it records each request
    as received (method, raw target, header lines in order and case, body bytes)."""

    def __init__(self):
        self.got = queue.Queue()
        cap = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                cap.got.put(dict(method=self.command, target=self.path, protocol=self.request_version,
                                 headers=list(self.headers.items()), body=body))
                out = b'{"ok":true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.base = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self):
        return self.got.get(timeout=10)


def _split_target(target):
    path, _, query = target.partition("?")
    return path, query


def _is_text(ctype):
    ctype = (ctype or "").split(";")[0].strip().lower()
    return ctype.startswith("text/") or ctype in ("application/json", "application/javascript", "application/xml")


def _hdr(req, name):
    for k, v in req["headers"]:
        if k.lower() == name.lower():
            return v
    return None


def _now_fields():
    now = datetime.now(timezone.utc)
    return now.strftime("%d/%b/%Y:%H:%M:%S +0000"), int(now.timestamp() * 1000)


class HttpApi:
    """API Gateway HTTP API, Lambda proxy integration, payload format 2.0 (with a JWT authorizer on
    some routes: the token is verified, its claims passed as strings)."""

    def __init__(self, jwks):
        self.api_id = c.rand(10, c.LOW + c.DIG)
        self.domain = "%s.execute-api.%s.amazonaws.com" % (self.api_id, REGION)
        self.jwks = jwks

    def claims(self, token):
        import jwt
        key = self.jwks.get_signing_key_from_jwt(token).key
        cl = jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})
        return {k: (v if isinstance(v, str) else ("[%s]" % " ".join(map(str, v)) if isinstance(v, list) else json.dumps(v)))
                for k, v in cl.items()}

    def event(self, req, route_key, ip, path_params=None, jwt_auth=False, scopes=None):
        path, query = _split_target(req["target"])
        headers, cookies = {}, []
        for k, v in req["headers"]:
            lk = k.lower()
            if lk == "cookie":
                cookies += [p.strip() for p in v.split(";") if p.strip()]
                continue
            if lk == "host":
                v = self.domain
            headers[lk] = headers[lk] + "," + v if lk in headers else v
        headers.update({"x-amzn-trace-id": "Root=" + trace_root(), "x-forwarded-for": ip,
                        "x-forwarded-port": "443", "x-forwarded-proto": "https"})
        qsp = {}
        for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True):
            qsp[k] = qsp[k] + "," + v if k in qsp else v
        t, te = _now_fields()
        ctx = {"accountId": ACCOUNT, "apiId": self.api_id}
        if jwt_auth:
            tok = headers["authorization"].split(" ", 1)[1]
            ctx["authorizer"] = {"jwt": {"claims": self.claims(tok), "scopes": scopes}}
        ctx.update({"domainName": self.domain, "domainPrefix": self.api_id,
                    "http": {"method": req["method"], "path": path, "protocol": req["protocol"], "sourceIp": ip,
                             "userAgent": headers.get("user-agent", "")},
                    "requestId": api_request_id(), "routeKey": route_key, "stage": "$default", "time": t, "timeEpoch": te})
        ev = {"version": "2.0", "routeKey": route_key, "rawPath": path, "rawQueryString": query}
        if cookies:
            ev["cookies"] = cookies
        ev["headers"] = headers
        if qsp:
            ev["queryStringParameters"] = qsp
        ev["requestContext"] = ctx
        if req["body"]:
            text = _is_text(headers.get("content-type"))
            ev["body"] = req["body"].decode() if text else base64.b64encode(req["body"]).decode()
        if path_params:
            ev["pathParameters"] = path_params
        ev["isBase64Encoded"] = bool(req["body"]) and not _is_text(headers.get("content-type"))
        return ev


class FunctionUrl(HttpApi):
    """A Lambda function URL (AuthType NONE): payload 2.0, route and stage $default."""

    def __init__(self):
        self.api_id = c.rand(32, c.LOW + c.DIG)
        self.domain = "%s.lambda-url.%s.on.aws" % (self.api_id, REGION)

    def event(self, req, ip):
        ev = HttpApi.event(self, req, "$default", ip)
        ev["requestContext"].update(accountId="anonymous", requestId=str(uuid.uuid4()))
        return ev


class RestApi:
    """API Gateway REST API (regional), Lambda proxy integration, payload format 1.0."""

    def __init__(self, binary_types=()):
        self.api_id = c.rand(10, c.LOW + c.DIG)
        self.domain = "%s.execute-api.%s.amazonaws.com" % (self.api_id, REGION)
        self.stage = "prod"
        self.binary = binary_types

    def event(self, req, resource, ip, path_params=None, authorizer=None):
        path, query = _split_target(req["target"])
        headers, mv = {}, {}
        for k, v in req["headers"]:
            if k.lower() == "host":
                v = self.domain
            headers[k] = v
            mv.setdefault(k, []).append(v)
        for k, v in (("X-Amzn-Trace-Id", "Root=" + trace_root()), ("X-Forwarded-For", ip),
                     ("X-Forwarded-Port", "443"), ("X-Forwarded-Proto", "https")):
            headers[k] = v
            mv[k] = [v]
        qsp, mvq = {}, {}
        for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True):
            qsp[k] = v
            mvq.setdefault(k, []).append(v)
        t, te = _now_fields()
        ctype = (_hdr(req, "content-type") or "").split(";")[0].strip()
        b64 = bool(req["body"]) and (ctype in self.binary or "*/*" in self.binary)
        body = None
        if req["body"]:
            body = base64.b64encode(req["body"]).decode() if b64 else req["body"].decode()
        rid = str(uuid.uuid4())
        ctx = {"resourceId": c.rand(6, c.LOW + c.DIG), "resourcePath": resource, "httpMethod": req["method"],
               "extendedRequestId": api_request_id(), "requestTime": t, "path": "/%s%s" % (self.stage, path),
               "accountId": ACCOUNT, "protocol": req["protocol"], "stage": self.stage, "domainPrefix": self.api_id,
               "requestTimeEpoch": te, "requestId": rid,
               "identity": {"cognitoIdentityPoolId": None, "accountId": None, "cognitoIdentityId": None, "caller": None,
                            "sourceIp": ip, "principalOrgId": None, "accessKey": None, "cognitoAuthenticationType": None,
                            "cognitoAuthenticationProvider": None, "userArn": None,
                            "userAgent": _hdr(req, "user-agent") or "", "user": None},
               "domainName": self.domain, "deploymentId": c.rand(6, c.LOW + c.DIG), "apiId": self.api_id}
        if authorizer is not None:
            ctx["authorizer"] = authorizer
        return {"resource": resource, "path": path, "httpMethod": req["method"], "headers": headers,
                "multiValueHeaders": mv, "queryStringParameters": qsp or None,
                "multiValueQueryStringParameters": mvq or None, "pathParameters": path_params,
                "stageVariables": None, "requestContext": ctx, "body": body, "isBase64Encoded": b64}


class Alb:
    """An Application Load Balancer's Lambda target group (query strings are passed as received,
    not URL-decoded; bodies that are not text are base64-encoded)."""

    def __init__(self, multi_value=False):
        self.name = "legacy-web-alb"
        self.host = "%s-%d.%s.elb.amazonaws.com" % (self.name, random.randint(10**8, 10**9), REGION)
        self.tg = "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s" % (
            REGION, ACCOUNT, "legacy-web-mv" if multi_value else "legacy-web", hexid(16))
        self.mv = multi_value

    def event(self, req, ip):
        path, query = _split_target(req["target"])
        hl = []
        for k, v in req["headers"]:
            lk = k.lower()
            hl.append((lk, self.host if lk == "host" else v))
        hl += [("x-amzn-trace-id", "Root=" + trace_root()), ("x-forwarded-for", ip),
               ("x-forwarded-port", "443"), ("x-forwarded-proto", "https")]
        ql = [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in query.split("&") if p]
        ctype = _hdr(req, "content-type")
        b64 = bool(req["body"]) and not _is_text(ctype)
        ev = {"requestContext": {"elb": {"targetGroupArn": self.tg}}, "httpMethod": req["method"], "path": path}
        if self.mv:
            mvq, mvh = {}, {}
            for k, v in ql:
                mvq.setdefault(k, []).append(v)
            for k, v in hl:
                mvh.setdefault(k, []).append(v)
            ev["multiValueQueryStringParameters"] = mvq
            ev["multiValueHeaders"] = mvh
        else:
            ev["queryStringParameters"] = dict(ql)
            ev["headers"] = dict(hl)
        ev["body"] = (base64.b64encode(req["body"]).decode() if b64 else req["body"].decode()) if req["body"] else ""
        ev["isBase64Encoded"] = b64
        return ev


# ------------------------------------------------------------------ helpers for planted values

def url_pw():
    """A password with characters form/URL encoding changes."""
    while True:
        s = c.password(symbols=random.choice(["%+/=!", "+/=&_", "%=#!"]))
        if any(ch in s for ch in "%+/=&"):
            return s


def hs256_token(key, sub, exp_in=3600):
    import jwt
    now = int(time.time())
    return jwt.encode({"iss": "https://auth.example.com/", "sub": sub, "aud": "https://api.example.com",
                       "iat": now - 10, "exp": now + exp_in, "scope": "reports:read",
                       "jti": str(uuid.uuid4())}, key, "HS256")


def read_issued():
    if os.path.exists(ISSUED):
        with open(ISSUED) as f:
            for line in f:
                d = json.loads(line)
                (S.add_code if d["code"] else S.add)(d["v"])


# ------------------------------------------------------------------ main

def main():
    global LOGFD
    import boto3
    import requests

    if os.path.exists(ISSUED):
        os.remove(ISSUED)
    LOGFD = os.open(RAW, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)

    with c.moto_server(NAME) as endpoint:
        kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="AKIAMOTOLOCALTESTING",
                  aws_secret_access_key="local-moto-not-a-secret")
        ddb = boto3.client("dynamodb", **kw)
        streams = boto3.client("dynamodbstreams", **kw)
        sqs = boto3.client("sqs", **kw)
        sns = boto3.client("sns", **kw)
        events = boto3.client("events", **kw)
        idp = boto3.client("cognito-idp", **kw)

        # ---- AWS resources (moto)
        table = ddb.create_table(TableName="auth", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                 AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                 BillingMode="PAY_PER_REQUEST",
                                 StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        stream_arn = table["TableDescription"]["LatestStreamArn"]
        pool = idp.create_user_pool(PoolName="orders-users", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool, ClientName="orders-web",
                                                ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
                                                                   "ALLOW_CUSTOM_AUTH"])["UserPoolClient"]["ClientId"]
        users = {}
        for u in ("alice", "bob", "erin"):
            pw = S.add(c.human_password() + "A1x")
            sub = idp.sign_up(ClientId=client_id, Username=u, Password=pw,
                              UserAttributes=[{"Name": "email", "Value": "%s@example.com" % u}])["UserSub"]
            idp.admin_confirm_sign_up(UserPoolId=pool, Username=u)
            auth = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": u, "PASSWORD": pw})["AuthenticationResult"]
            users[u] = dict(pw=pw, sub=sub, access=S.add(auth["AccessToken"]), id=S.add(auth["IdToken"]),
                            refresh=S.add(auth["RefreshToken"]))
        import jwt
        jwks = jwt.PyJWKClient("%s/%s/.well-known/jwks.json" % (endpoint, pool))

        env_common = {"AWS_ENDPOINT_URL": endpoint, "SESSIONS_TABLE": "auth"}
        authz_key = c.rand(48)  # the authorizer's HS256 key (an env var, never printed)
        fns = {
            "orders": Function("orders-api", "orders-api", "http_api_handler", memory=512, tracing=True,
                               env=dict(env_common, POWERTOOLS_LOG_LEVEL="DEBUG")),
            "accounts": Function("accounts-api", "accounts-api", "rest_api_handler", memory=256, env=env_common),
            "legacy": Function("legacy-web", "legacy-web", "alb_handler", memory=128, env=env_common),
            "tokauth": Function("api-token-authorizer", "api-authorizer", "token_authorizer", memory=128,
                                env=dict(env_common, JWT_VERIFY_KEY=authz_key)),
            "reqauth": Function("api-key-authorizer", "api-authorizer", "request_authorizer", memory=128,
                                env=dict(env_common, JWT_VERIFY_KEY=authz_key)),
            "stream": Function("sessions-stream", "sessions-stream", "ddb_stream_handler", memory=256, env=env_common),
            "sqs": Function("notifier-sqs", "notifier", "sqs_handler", memory=256, env=env_common),
            "sns": Function("notifier-sns", "notifier", "sns_handler", memory=256, env=env_common),
            "bus": Function("notifier-events", "notifier", "eventbridge_handler", memory=256, env=env_common),
            "cognito": Function("auth-triggers", "auth-triggers", "cognito_handler", memory=256,
                                env=dict(env_common, POWERTOOLS_LOG_LEVEL="DEBUG")),
            "checkout": Function("checkout-api", "checkout", "checkoutUrl", memory=512, node=True,
                                 env=dict(env_common, POWERTOOLS_LOG_LEVEL="DEBUG")),
            "billing": Function("billing-worker", "billing", "billingWorker", memory=256, node=True, env=env_common),
            "rotation": Function("secrets-rotation", "secrets-rotation", "rotation_handler", memory=128,
                                 env=dict(env_common, LOG_LEVEL="DEBUG")),
            "debug": Function("debug-env", "debug-env", "env_handler", memory=128,
                              env=dict(env_common, STRIPE_API_KEY=S.add(c.api_key("stripe")),
                                       DATABASE_URL="postgres://app:%s@orders-db.cluster-%s.%s.rds.amazonaws.com:5432/orders"
                                       % (S.add(c.password(20, symbols="-_.~")), c.rand(12, c.LOW + c.DIG), REGION),
                                       FEATURE_FLAGS="checkout_v2,fast_refunds", LOG_LEVEL="INFO")),
        }
        dbg = fns["debug"].creds
        for v in dbg:
            S.add(v)
        cap = Capture()
        base = cap.base
        sess = requests.Session()
        sess.trust_env = False

        try:
            http_api(fns["orders"], HttpApi(jwks), cap, sess, base, users)
            rest_api(fns["accounts"], RestApi(binary_types=("multipart/form-data", "image/png")), cap, sess, base, users)
            alb(fns["legacy"], cap, sess, base)
            authorizers(fns["tokauth"], fns["reqauth"], HttpApi(jwks), cap, sess, base, authz_key)
            dynamodb_streams(fns["stream"], ddb, streams, stream_arn)
            messaging(fns["sqs"], fns["sns"], fns["bus"], sqs, sns, events)
            cognito_triggers(fns["cognito"], pool, client_id, users)
            rotation(fns["rotation"], boto3.client("secretsmanager", **kw))
            node_functions(fns["checkout"], fns["billing"], FunctionUrl(), cap, sess, base, sqs)
            debug_env(fns["debug"])
        finally:
            for f in fns.values():
                f.stop()
            cap.server.shutdown()
    os.close(LOGFD)
    read_issued()
    S.save()
    # awslambdaric joins the lines of its [ERROR] record with \r (so that the platform keeps the
    # record one CloudWatch event when it reads stdout); CloudWatch shows them as lines
    with open(RAW, "rb") as f:
        raw = f.read()
    with open(RAW, "wb") as f:
        f.write(raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))


def send(cap, sess, method, url, **kw):
    sess.request(method, url, **kw)
    return cap.take()


def send_urllib(cap, url, data=None, headers=None, method=None):
    rq = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    with urllib.request.urlopen(rq, timeout=10) as r:
        r.read()
    return cap.take()


# ------------------------------------------------------------------ sections

def http_api(fn, api, cap, sess, base, users):
    section("HTTP API payload 2.0 -> orders-api: Powertools Logger inject_lambda_context(log_event=True), JWT authorizer claims, DEBUG")
    ip = CLIENT_IPS[0]
    # 1. login (public route), JSON body with the password; the function makes a session + refresh token
    for u in ("alice", "bob"):
        req = send(cap, sess, "POST", base + "/auth/login", json={"username": u, "password": users[u]["pw"], "remember": True},
                   headers={"User-Agent": UA["web"], "Origin": "https://app.example.com", "Cookie": "_ga=GA1.1.%d.%d" % (
                       random.randint(10**8, 10**9), int(time.time()))})
        fn.invoke(api.event(req, "POST /auth/login", ip))
    # 2. token refresh, confidential client in the JSON body
    cs = S.add("cs_" + c.rand(40, c.URLSAFE))
    for u in ("alice", "bob"):
        req = send(cap, sess, "POST", base + "/auth/token",
                   json={"grant_type": "refresh_token", "refresh_token": users[u]["refresh"], "client_id": "orders-web",
                         "client_secret": cs}, headers={"User-Agent": UA["ios"]})
        fn.invoke(api.event(req, "POST /auth/token", CLIENT_IPS[1]))
    # 3. OAuth callback: ?code=&state= (+ the state cookie)
    for _ in range(2):
        code = S.add(c.rand(random.choice([20, 32, 43]), c.URLSAFE))
        state = c.rand(24, c.URLSAFE)
        req = send(cap, sess, "GET", base + "/auth/callback", params={"code": code, "state": state},
                   headers={"User-Agent": UA["web"], "Cookie": "oauth_state=%s; _ga=GA1.1.%d.%d" % (
                       state, random.randint(10**8, 10**9), int(time.time()))})
        fn.invoke(api.event(req, "GET /auth/callback", ip))
    # 4. authenticated routes: Bearer access token from Cognito (moto), session cookies
    for u in ("alice", "bob", "erin"):
        sid = S.add(c.rand(43, c.URLSAFE))
        req = send(cap, sess, "GET", base + "/me", headers={
            "Authorization": "Bearer " + users[u]["access"], "User-Agent": UA["web"],
            "Cookie": "sid=%s; theme=dark; consent=analytics:0" % sid})
        fn.invoke(api.event(req, "GET /me", ip, jwt_auth=True))
    for u in ("alice", "erin"):
        req = send(cap, sess, "POST", base + "/orders", json={"sku": "SKU-%d" % random.randint(1000, 9999), "qty": 2,
                                                            "ship_to": {"city": "Lyon", "zip": "69002"}},
                   headers={"Authorization": "Bearer " + users[u]["access"], "User-Agent": UA["android"],
                            "Idempotency-Key": str(uuid.uuid4())})
        fn.invoke(api.event(req, "POST /orders", CLIENT_IPS[2], jwt_auth=True, scopes=["orders/write"]))
    # 5. a form POST: HTTP APIs base64-encode a non-text body (clean form)
    req = send(cap, sess, "POST", base + "/newsletter", data={"email": "carol@example.com", "list": "weekly", "source": "footer"},
               headers={"User-Agent": UA["web"]})
    fn.invoke(api.event(req, "POST /newsletter", ip))
    # 6. search with an API key in the query string
    key = S.add(c.api_key("google"))
    req = send(cap, sess, "GET", base + "/search", params={"q": "running shoes", "api_key": key, "page": 2},
               headers={"User-Agent": UA["android"]})
    fn.invoke(api.event(req, "GET /search", CLIENT_IPS[1]))
    # no credential at all: only preference and analytics cookies
    req = send(cap, sess, "GET", base + "/search", params={"q": "rain jacket", "page": 1}, headers={
        "User-Agent": UA["web"], "Cookie": "theme=light; _ga=GA1.1.%d.%d; consent=analytics:1" % (
            random.randint(10**8, 10**9), int(time.time()))})
    fn.invoke(api.event(req, "GET /search", ip))
    # the key given twice (an SDK default plus the caller's): HTTP APIs join duplicates with commas
    req = send(cap, sess, "GET", base + "/search", params=[("q", "trail"), ("api_key", S.add(c.api_key("generic"))),
                                                         ("api_key", S.add(c.api_key("google")))],
               headers={"User-Agent": UA["android"], "Accept": "application/json"})
    fn.invoke(api.event(req, "GET /search", CLIENT_IPS[1]))
    # 7. logger.exception with the rejected config (a bot token, a signing secret) in the message
    req = send(cap, sess, "POST", base + "/integrations", json={"name": "slack", "config": {
        "bot_token": S.add(c.api_key("slack")), "signing_secret": S.add(c.rand(32, c.LOW + c.DIG)), "channel": "#orders"}},
               headers={"Authorization": "Bearer " + users["alice"]["access"], "User-Agent": UA["web"]})
    fn.invoke(api.event(req, "POST /integrations", ip, jwt_auth=True))


def rest_api(fn, api, cap, sess, base, users):
    section("REST API payload 1.0 -> accounts-api: Powertools Logger log_event=True, append_keys, logger.exception, an unhandled error")
    ip = CLIENT_IPS[1]
    # form login (REST API without binaryMediaTypes for forms: body as text)
    for u, pw in (("carol", url_pw()), ("dave", c.human_password())):
        S.add(pw)
        req = send(cap, sess, "POST", base + "/login", data={"username": u, "password": pw, "remember_me": "on"},
                   headers={"User-Agent": UA["web"], "Cookie": "session=%s; lang=en" % S.add(c.rand(32, c.URLSAFE))})
        fn.invoke(api.event(req, "/login", ip))
    # OAuth token endpoint: client_secret_basic, client_secret_post, PKCE code_verifier
    cid, csec = "billing-svc", S.add(c.rand(40, c.URLSAFE))
    S.add(c.basic(cid, csec))
    req = send(cap, sess, "POST", base + "/oauth/token", data={"grant_type": "client_credentials", "scope": "billing:read"},
               auth=(cid, csec), headers={"User-Agent": "python-requests/2.34.2"})
    fn.invoke(api.event(req, "/oauth/token", CLIENT_IPS[2]))
    req = send(cap, sess, "POST", base + "/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": S.add(c.refresh_token()), "client_id": "reporting",
        "client_secret": S.add(url_pw())}, headers={"User-Agent": UA["android"]})
    fn.invoke(api.event(req, "/oauth/token", ip))
    req = send(cap, sess, "POST", base + "/oauth/token", data={
        "grant_type": "authorization_code", "code": S.add(c.rand(32, c.URLSAFE)), "redirect_uri": "https://app.example.com/cb",
        "client_id": "orders-web", "code_verifier": S.add(c.rand(64, c.URLSAFE))}, headers={"User-Agent": UA["web"]})
    fn.invoke(api.event(req, "/oauth/token", ip))
    # account lookup: api_key in the query, X-Api-Key, a Cognito authorizer (id token claims)
    for u in ("alice", "bob"):
        import jwt
        claims = jwt.decode(users[u]["id"], options={"verify_signature": False})
        auth = {"claims": {k: str(v) for k, v in claims.items()}}
        aid = "acc_%d" % random.randint(10000, 99999)
        req = send(cap, sess, "GET", base + "/accounts/" + aid, params={"fields": "name,plan", "api_key": S.add(c.api_key("generic"))},
                   headers={"Authorization": users[u]["id"], "X-Api-Key": S.add(c.api_key("sendgrid")),
                            "User-Agent": UA["ios"], "X-Request-Id": str(uuid.uuid4())})
        fn.invoke(api.event(req, "/accounts/{account_id}", ip, path_params={"account_id": aid}, authorizer=auth))
    # a binary media type (multipart): base64 body, nothing secret in it
    req = send(cap, sess, "POST", base + "/avatar", files={"file": ("me.png", b"\x89PNG\r\n\x1a\n" + os.urandom(48), "image/png")},
               headers={"Authorization": "Bearer " + users["alice"]["access"], "User-Agent": UA["web"]})
    fn.invoke(api.event(req, "/avatar", ip, authorizer={"principalId": users["alice"]["sub"], "integrationLatency": 41}))
    # password change rejected: logger.exception with the body in the message
    for _ in range(2):
        req = send(cap, sess, "PUT", base + "/password", json={"current_password": S.add(c.password()),
                                                              "new_password": S.add(c.password(random.randint(9, 13)))},
                   headers={"Authorization": "Bearer " + users["bob"]["access"], "User-Agent": UA["ios"]})
        fn.invoke(api.event(req, "/password", ip, authorizer={"principalId": users["bob"]["sub"], "integrationLatency": 12}))
    # an unhandled exception whose message carries the request headers (urllib this time)
    req = send_urllib(cap, base + "/sync?since=2024-11-01", data=b'{"full": false}', method="POST", headers={
        "Content-Type": "application/json", "X-Api-Key": S.add(c.api_key("stripe")), "X-Client-Version": "2.8.1"})
    fn.invoke(api.event(req, "/sync", CLIENT_IPS[0]))


def alb(fn, cap, sess, base):
    section("ALB target group -> legacy-web: print(json.dumps(event)) + root logger (Lambda's text format)")
    lb = Alb()
    ip = CLIENT_IPS[2]
    # reset link: ALB passes the query string URL-encoded
    tok = S.add(c.rand(20, c.B64) + "+" + c.rand(12, c.B64) + "/" + c.rand(8))
    req = send(cap, sess, "GET", base + "/reset", params={"token": tok, "uid": "MTA0"}, headers={"User-Agent": UA["web"]})
    fn.invoke(lb.event(req, ip))
    # JSON login with a session cookie
    pw = S.add(c.nasty_password())
    req = send(cap, sess, "POST", base + "/api/login", json={"email": "dave@example.com", "password": pw},
               headers={"User-Agent": UA["web"], "Cookie": "PHPSESSID=%s" % S.add(c.rand(26, c.LOW + c.DIG))})
    fn.invoke(lb.event(req, ip))
    # a form: base64 body (clean)
    req = send(cap, sess, "POST", base + "/search", data={"q": "winter boots", "size": "42", "sort": "price"},
               headers={"User-Agent": UA["web"]})
    fn.invoke(lb.event(req, ip))
    # export with Basic auth and a key in the query
    u, p = "reports", S.add(url_pw())
    S.add(c.basic(u, p))
    req = send(cap, sess, "GET", base + "/export", params={"format": "csv", "key": S.add(c.rand(40, c.B64))},
               auth=(u, p), headers={"User-Agent": "curl/8.5.0"})
    fn.invoke(lb.event(req, CLIENT_IPS[0]))
    # the multi-value target group: two cookies, a bearer token
    lbm = Alb(multi_value=True)
    req = send(cap, sess, "GET", base + "/account?tab=billing&tab=invoices", headers={
        "User-Agent": UA["web"], "Authorization": "Bearer " + S.add(c.opaque_token("ya29.")),
        "Cookie": "sessionid=%s; csrftoken=%s" % (S.add(c.rand(32, c.LOW + c.DIG)), S.add(c.rand(32)))})
    fn.invoke(lbm.event(req, ip))
    # health checks
    for _ in range(2):
        req = send(cap, sess, "GET", base + "/healthz", headers={"User-Agent": "ELB-HealthChecker/2.0", "Accept-Encoding": "gzip"})
        fn.invoke(lb.event(req, "10.0.%d.%d" % (random.randint(0, 3), random.randint(2, 250))))


def authorizers(tok_fn, req_fn, api, cap, sess, base, key):
    section("Lambda authorizers: REST TOKEN authorizer print(event), HTTP API REQUEST authorizer (payload 2.0) root logger")
    rest_id = c.rand(10, c.LOW + c.DIG)
    for kind in ("ok", "expired", "forged", "ok"):
        if kind == "ok":
            t = hs256_token(key, "user-%d" % random.randint(100, 999))
        elif kind == "expired":
            t = hs256_token(key, "user-%d" % random.randint(100, 999), exp_in=-600)
        else:
            t = hs256_token(c.rand(48), "admin")
        S.add(t)
        ev = {"type": "TOKEN", "authorizationToken": "Bearer " + t,
              "methodArn": "arn:aws:execute-api:%s:%s:%s/prod/GET/reports/weekly" % (REGION, ACCOUNT, rest_id)}
        tok_fn.invoke(ev)
    for k in (S.add(c.api_key("generic")), S.add("revoked_" + c.rand(24)), S.add(c.api_key("openai"))):
        req = send(cap, sess, "GET", base + "/reports/daily", params={"date": "2024-11-30"},
                   headers={"X-Api-Key": k, "User-Agent": "Go-http-client/1.1"})
        ev = api.event(req, "GET /reports/daily", CLIENT_IPS[1])
        ev = {"version": "2.0", "type": "REQUEST",
              "routeArn": "arn:aws:execute-api:%s:%s:%s/$default/GET/reports/daily" % (REGION, ACCOUNT, api.api_id),
              "identitySource": [ev["headers"]["x-api-key"]], **{k2: v for k2, v in ev.items() if k2 != "version"}}
        ev.pop("isBase64Encoded", None)
        req_fn.invoke(ev)


def _stream_record(r, stream_arn):
    d = dict(r["dynamodb"])
    d["ApproximateCreationDateTime"] = int(d["ApproximateCreationDateTime"].timestamp())
    return {"eventID": r["eventID"], "eventName": r["eventName"], "eventVersion": r.get("eventVersion", "1.1"),
            "eventSource": "aws:dynamodb", "awsRegion": REGION, "dynamodb": d,
            "eventSourceARN": stream_arn}


def dynamodb_streams(fn, ddb, streams, stream_arn):
    from werkzeug.security import generate_password_hash
    section("DynamoDB Streams (moto_server, NEW_AND_OLD_IMAGES) -> sessions-stream: Powertools log_event=True, DynamoDBStreamEvent images")
    now = int(time.time())
    sid, rt = S.add(c.rand(43, c.URLSAFE)), S.add(c.refresh_token())
    ddb.put_item(TableName="auth", Item={"pk": {"S": "SESSION#" + sid}, "session_id": {"S": sid}, "refresh_token": {"S": rt},
                                         "user": {"S": "carol"}, "ip": {"S": CLIENT_IPS[0]}, "user_agent": {"S": UA["web"]},
                                         "created_at": {"N": str(now)}})
    rt2 = S.add(c.refresh_token())
    ddb.update_item(TableName="auth", Key={"pk": {"S": "SESSION#" + sid}},
                    UpdateExpression="SET refresh_token = :rt, rotated_at = :now",
                    ExpressionAttributeValues={":rt": {"S": rt2}, ":now": {"N": str(now + 5)}})
    secret = S.add(c.api_key("stripe"))
    ddb.put_item(TableName="auth", Item={
        "pk": {"S": "APIKEY#" + secret}, "key_id": {"S": "ak_%s" % c.rand(8, c.LOW + c.DIG)}, "tenant": {"S": "acme"},
        "label": {"S": "ci-deploy"}, "key_sha256": {"S": hashlib.sha256(secret.encode()).hexdigest()},
        "scopes": {"SS": ["orders:read", "orders:write"]}, "created_at": {"N": str(now)}})
    h = generate_password_hash(c.human_password() + "7!")
    S.add(h.split("$", 1)[1])
    ddb.put_item(TableName="auth", Item={"pk": {"S": "USER#dave"}, "email": {"S": "dave@example.com"},
                                         "password_hash": {"S": h}, "mfa": {"BOOL": False},
                                         "totp_secret": {"S": S.add(c.rand(32, c.UP + "234567"))}})
    ddb.put_item(TableName="auth", Item={"pk": {"S": "ORDER#2024-11-%d" % random.randint(10, 28)}, "total": {"N": "129.90"},
                                         "currency": {"S": "EUR"}, "token_count": {"N": "3"}})
    ddb.update_item(TableName="auth", Key={"pk": {"S": "USER#dave"}}, UpdateExpression="SET login_count = :one",
                    ExpressionAttributeValues={":one": {"N": "1"}})
    ddb.delete_item(TableName="auth", Key={"pk": {"S": "SESSION#" + sid}})
    recs = []
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        it = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        recs += streams.get_records(ShardIterator=it)["Records"]
    recs = [_stream_record(r, stream_arn) for r in recs]
    for i in range(0, len(recs), 3):
        fn.invoke({"Records": recs[i:i + 3]})


def _sqs_event(msgs, queue_arn):
    out = []
    for m in msgs:
        attrs = m.get("Attributes", {})
        rec = {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
               "attributes": {"ApproximateReceiveCount": attrs.get("ApproximateReceiveCount", "1"),
                              "SentTimestamp": attrs.get("SentTimestamp"), "SenderId": attrs.get("SenderId"),
                              "ApproximateFirstReceiveTimestamp": attrs.get("ApproximateFirstReceiveTimestamp")},
               "messageAttributes": {k: {"stringValue": v.get("StringValue"), "stringListValues": [], "binaryListValues": [],
                                         "dataType": v["DataType"]} for k, v in m.get("MessageAttributes", {}).items()},
               "md5OfBody": m["MD5OfBody"], "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": REGION}
        if m.get("MD5OfMessageAttributes"):
            rec["md5OfMessageAttributes"] = m["MD5OfMessageAttributes"]
        out.append(rec)
    return {"Records": out}


def messaging(fn_sqs, fn_sns, fn_bus, sqs, sns, events):
    section("SQS / SNS / EventBridge (moto_server) -> notifier-*: print(\"Received event: \" + json.dumps(event, indent=2)), root logger, Powertools")

    def mkq(name):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def recv(url, n):
        got = []
        while len(got) < n:
            r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                    MessageAttributeNames=["All"], WaitTimeSeconds=1)
            got += r.get("Messages", [])
        return got

    jobs_url, jobs_arn = mkq("email-jobs")
    sqs.send_message(QueueUrl=jobs_url, MessageBody=json.dumps({
        "template": "password_reset", "to": "bob@example.com",
        "reset_url": "https://app.example.com/reset?token=" + S.add(c.rand(40, c.URLSAFE))}),
        MessageAttributes={"trace_id": {"DataType": "String", "StringValue": str(uuid.uuid4())}})
    sqs.send_message(QueueUrl=jobs_url, MessageBody=json.dumps({
        "job": "calendar_sync", "user_id": 42, "access_token": S.add(c.opaque_token("ya29.")),
        "refresh_token": S.add(c.refresh_token()), "token_type": "Bearer", "expires_in": 3599}),
        MessageAttributes={"tenant": {"DataType": "String", "StringValue": "acme"}})
    fn_sqs.invoke(_sqs_event(recv(jobs_url, 2), jobs_arn))
    sqs.send_message(QueueUrl=jobs_url, MessageBody=json.dumps({"template": "order_shipped", "to": "erin@example.com",
                                                                "order_id": str(uuid.uuid4()), "carrier": "DHL"}))
    fn_sqs.invoke(_sqs_event(recv(jobs_url, 1), jobs_arn))

    # SNS fan-out to a queue (the queue's body is SNS's JSON envelope) and the same message as an SNS event
    topic = sns.create_topic(Name="user-events")["TopicArn"]
    fan_url, fan_arn = mkq("user-events-audit")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=fan_arn)
    sns.publish(TopicArn=topic, Subject="api_key.created", Message=json.dumps({
        "event": "api_key.created", "tenant": "acme", "key_id": "ak_%s" % c.rand(8, c.LOW + c.DIG),
        "key": S.add(c.api_key("stripe")), "created_by": "alice"}),
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": "api_key.created"}})
    sns.publish(TopicArn=topic, Subject="user.invited", Message=json.dumps({
        "event": "user.invited", "email": "frank@example.com",
        "invite_link": "https://app.example.com/invite/" + S.add(c.rand(32, c.URLSAFE))}))
    sns.publish(TopicArn=topic, Subject="user.deleted", Message=json.dumps({
        "event": "user.deleted", "user_id": "u-%d" % random.randint(100, 999), "reason": "requested", "token_count": 0}))
    msgs = recv(fan_url, 3)
    fn_sqs.invoke(_sqs_event(msgs, fan_arn))
    recs = []
    for m in msgs:
        env = json.loads(m["Body"])
        recs.append({"EventSource": "aws:sns", "EventVersion": "1.0",
                     "EventSubscriptionArn": "%s:%s" % (topic, uuid.uuid4()),
                     "Sns": {"Type": env["Type"], "MessageId": env["MessageId"], "TopicArn": env["TopicArn"],
                             "Subject": env.get("Subject"), "Message": env["Message"], "Timestamp": env["Timestamp"],
                             "SignatureVersion": env["SignatureVersion"], "Signature": env["Signature"],
                             "SigningCertUrl": env["SigningCertURL"], "UnsubscribeUrl": env["UnsubscribeURL"],
                             "MessageAttributes": env.get("MessageAttributes", {})}})
    for r in recs:
        fn_sns.invoke({"Records": [r]})

    # EventBridge: a rule routes the app's events to a queue; each is the event a Lambda target gets
    bus_url, bus_arn = mkq("auth-events")
    events.put_rule(Name="auth-events", EventPattern=json.dumps({"source": ["app.auth", "app.orders"]}))
    events.put_targets(Rule="auth-events", Targets=[{"Id": "q", "Arn": bus_arn}])
    events.put_events(Entries=[
        {"Source": "app.auth", "DetailType": "PasswordResetRequested", "Detail": json.dumps({
            "user_id": "u-%d" % random.randint(100, 999), "email": "bob@example.com",
            "reset_token": S.add(c.rand(32, c.URLSAFE)), "expires_in": 900})},
        {"Source": "app.auth", "DetailType": "MfaEnrolled", "Detail": json.dumps({
            "user_id": "u-%d" % random.randint(100, 999), "method": "totp", "recovery_codes": [
                S.add(c.rand(5, c.LOW + c.DIG) + "-" + c.rand(5, c.LOW + c.DIG)) for _ in range(3)]})},
        {"Source": "app.orders", "DetailType": "OrderPlaced", "Detail": json.dumps({
            "order_id": str(uuid.uuid4()), "total": 129.9, "currency": "EUR", "token_count": 3})},
    ])
    for m in recv(bus_url, 3):
        e = json.loads(m["Body"])
        # moto leaves out the event's "account"; EventBridge delivers it (documented event structure)
        e = {"version": e["version"], "id": e["id"], "detail-type": e["detail-type"], "source": e["source"],
             "account": e.get("account", ACCOUNT), "time": e["time"], "region": e["region"],
             "resources": e["resources"], "detail": e["detail"]}
        fn_bus.invoke(e)


def cognito_triggers(fn, pool, client_id, users):
    section("Cognito user pool triggers -> auth-triggers: Powertools log_event=True (custom auth challenge with one-time codes)")

    def ev(trigger, user, request, response):
        return {"version": "1", "region": REGION, "userPoolId": pool, "userName": user,
                "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
                "triggerSource": trigger, "request": request, "response": response}

    def attrs(u, status="CONFIRMED"):
        return {"sub": users[u]["sub"] if u in users else str(uuid.uuid4()), "email_verified": "true",
                "cognito:user_status": status, "email": "%s@example.com" % u}

    fn.invoke(ev("PreSignUp_SignUp", "frank", {
        "userAttributes": {"email": "frank@example.com", "name": "Frank"},
        "validationData": None, "clientMetadata": {"invite_token": S.add(c.rand(32, c.URLSAFE)), "plan": "pro"}},
        {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}))
    for trig, u, up in (("CustomMessage_SignUp", "frank", None), ("CustomMessage_ForgotPassword", "alice", None),
                        ("CustomMessage_AdminCreateUser", "grace", "{username}")):
        fn.invoke(ev(trig, u, {"userAttributes": attrs(u, "UNCONFIRMED" if trig.endswith("SignUp") else "CONFIRMED"),
                               "codeParameter": "{####}", "linkParameter": "{##Click Here##}", "usernameParameter": up},
                     {"smsMessage": None, "emailMessage": None, "emailSubject": None}))
    # passwordless sign-in (CUSTOM_AUTH): the Create function makes the code, Verify checks the answer
    u = "erin"
    session = []
    fn.invoke(ev("DefineAuthChallenge_Authentication", u, {"userAttributes": attrs(u), "session": list(session), "userNotFound": False},
                 {"challengeName": None, "issueTokens": None, "failAuthentication": None}))
    _, out = fn.invoke(ev("CreateAuthChallenge_Authentication", u, {
        "userAttributes": attrs(u), "challengeName": "CUSTOM_CHALLENGE", "session": list(session), "userNotFound": False},
        {"publicChallengeParameters": None, "privateChallengeParameters": None, "challengeMetadata": None}))
    priv, meta = out["response"]["privateChallengeParameters"], out["response"]["challengeMetadata"]
    real = priv["secretLoginCode"]
    while True:
        typo = "%06d" % (100000 + secrets.randbelow(900000))
        if typo != real:
            break
    S.add_code(typo)  # what the user typed: a wrong code, but a code
    for answer in (typo, real):
        _, out = fn.invoke(ev("VerifyAuthChallengeResponse_Authentication", u, {
            "userAttributes": attrs(u), "privateChallengeParameters": priv, "challengeAnswer": answer, "userNotFound": False},
            {"answerCorrect": None}))
        session.append({"challengeName": "CUSTOM_CHALLENGE", "challengeResult": out["response"]["answerCorrect"],
                        "challengeMetadata": meta})
        fn.invoke(ev("DefineAuthChallenge_Authentication", u, {"userAttributes": attrs(u), "session": list(session),
                                                               "userNotFound": False},
                     {"challengeName": None, "issueTokens": None, "failAuthentication": None}))
        if not out["response"]["answerCorrect"]:
            _, out2 = fn.invoke(ev("CreateAuthChallenge_Authentication", u, {
                "userAttributes": attrs(u), "challengeName": "CUSTOM_CHALLENGE", "session": list(session), "userNotFound": False},
                {"publicChallengeParameters": None, "privateChallengeParameters": None, "challengeMetadata": None}))
            priv = out2["response"]["privateChallengeParameters"]
    fn.invoke(ev("TokenGeneration_Authentication", u, {
        "userAttributes": attrs(u), "groupConfiguration": {"groupsToOverride": ["customers"], "iamRolesToOverride": [],
                                                          "preferredRole": None}, "clientMetadata": {}},
        {"claimsOverrideDetails": None}))
    # a user pool migrating users from a legacy store: Cognito hands the typed password to the trigger
    for who in ("ivan", "judy"):
        fn.invoke(ev("UserMigration_Authentication", who, {"password": S.add(c.human_password() if who == "ivan" else url_pw()),
                                                           "validationData": None, "clientMetadata": None},
                     {"userAttributes": None, "finalUserStatus": None, "messageAction": None, "desiredDeliveryMediums": None,
                      "forceAliasCreation": None, "enableSMSMFA": None}))
    fn.invoke(ev("UserMigration_ForgotPassword", "mallory", {"validationData": None, "clientMetadata": None},
                 {"userAttributes": None, "messageAction": None, "desiredDeliveryMediums": None, "forceAliasCreation": None,
                  "enableSMSMFA": None}))
    fn.invoke(ev("PostAuthentication_Authentication", u, {"userAttributes": attrs(u), "newDeviceUsed": False,
                                                          "clientMetadata": {}}, {}))


def node_functions(fn_url, fn_sqs, url, cap, sess, base, sqs):
    section("Node.js 20 + Powertools for AWS Lambda (TypeScript) Logger: a function URL (payload 2.0) and an SQS consumer")
    ip = CLIENT_IPS[1]
    for _ in range(2):
        bot = S.add("%d:AA%s" % (random.randint(10**9, 8 * 10**9), c.rand(33, c.URLSAFE)))
        req = send(cap, sess, "POST", base + "/webhooks/telegram", params={"token": bot},
                   json={"update_id": random.randint(10**8, 10**9), "message": {"message_id": random.randint(1, 999),
                                                                              "chat": {"id": random.randint(10**8, 10**9), "type": "private"},
                                                                              "text": "/status"}},
                   headers={"X-Telegram-Bot-Api-Secret-Token": S.add(c.rand(32, c.URLSAFE)), "User-Agent": ""})
        fn_url.invoke(url.event(req, "91.108.6.%d" % random.randint(2, 250)))
    for _ in range(2):
        pi = "pi_" + c.rand(24)
        req = send(cap, sess, "POST", base + "/checkout", json={
            "amount": random.randint(500, 9999), "currency": "eur", "payment_intent": pi,
            "payment_intent_client_secret": S.add(pi + "_secret_" + c.rand(25)), "partner_key": S.add(c.rand(32, c.LOW + c.DIG))},
            headers={"User-Agent": UA["web"], "Origin": "https://shop.example.com"})
        fn_url.invoke(url.event(req, ip))
    # An invite code is not a credential (patterns/names.toml, code_qualifiers): unlabelled.
    req = send(cap, sess, "POST", base + "/signup", json={"email": "heidi@example.com", "password": S.add(c.human_password()),
                                                         "invite_code": c.rand(12, c.UP + c.DIG)},
               headers={"User-Agent": UA["ios"], "Cookie": "session=%s; locale=fr" % S.add(c.rand(40, c.URLSAFE))})
    fn_url.invoke(url.event(req, ip))
    req = send(cap, sess, "GET", base + "/status", headers={"User-Agent": "UptimeRobot/2.0"})
    fn_url.invoke(url.event(req, CLIENT_IPS[2]))
    qurl = sqs.create_queue(QueueName="billing-jobs")["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=qurl, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for body in ({"job": "charge", "customer": "cus_" + c.rand(14), "amount": 4999,
                  "stripe_key": S.add("rk_live_" + c.rand(40))},
                 {"job": "refund", "charge": "ch_" + c.rand(24), "amount": 1200, "reason": "requested_by_customer"}):
        sqs.send_message(QueueUrl=qurl, MessageBody=json.dumps(body))
        msgs = []
        while not msgs:
            msgs = sqs.receive_message(QueueUrl=qurl, AttributeNames=["All"], WaitTimeSeconds=1).get("Messages", [])
        fn_sqs.invoke(_sqs_event(msgs, qarn))


def rotation(fn, sm):
    section("Secrets Manager rotation (moto_server) -> secrets-rotation: print(event), the rotation template's steps, a DEBUG line")
    db_pw = S.add(c.password(20, symbols="-_.~!"))
    arn = sm.create_secret(Name="prod/orders/postgres", SecretString=json.dumps({
        "engine": "postgres", "host": "orders-db.cluster-%s.%s.rds.amazonaws.com" % (c.rand(12, c.LOW + c.DIG), REGION),
        "port": 5432, "username": "orders_app", "password": db_pw, "dbname": "orders"}))["ARN"]
    token = str(uuid.uuid4())  # ClientRequestToken: the version id (a UUID, not a credential)
    for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
        # (current docs add a "RotationToken" for assumed-role / cross-account rotation; not used here)
        fn.invoke({"Step": step, "SecretId": arn, "ClientRequestToken": token})


def debug_env(fn):
    section("debug-env: the Lambda docs' print(os.environ) example (execution role credentials, app env)")
    fn.invoke({"action": "ping", "source": "aws.events"})


if __name__ == "__main__":
    random.seed()
    main()
