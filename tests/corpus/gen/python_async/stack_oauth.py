"""requests-oauthlib / oauthlib / Authlib DEBUG doing token exchanges against a local OAuth server;
tenacity retry logs; python-json-logger formatting of extras and exceptions."""
import json, logging, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
import requests
from requests_oauthlib import OAuth2Session
from oauthlib.oauth2 import BackendApplicationClient
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
import tenacity
from pythonjsonlogger.json import JsonFormatter
from common import S, setup_logging, free_port

setup_logging()
log = logging.getLogger("app.oauth")
srvlog = logging.getLogger("app.tokenserver")
CALLS = {"flaky": 0}


class H(BaseHTTPRequestHandler):
    def log_message(self, fmt, *a):  # http.server access log -> logging
        srvlog.info("%s - %s", self.address_string(), fmt % a)

    def _json(self, code, obj, extra=None):
        b = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        srvlog.debug("token endpoint auth=%s body=%s", self.headers.get("Authorization"), body)
        f = parse_qs(body)
        if self.path.startswith("/bad"):
            return self._json(400, {"error": "invalid_client",
                                    "error_description": f"client_secret {f.get('client_secret', ['?'])[0]} not recognised"})
        if self.path.startswith("/flaky"):
            CALLS["flaky"] += 1
            if CALLS["flaky"] % 3:
                return self._json(503, {"error": "temporarily_unavailable"})
        self._json(200, {"access_token": S["oauth_access_token"], "refresh_token": S["oauth_refresh_token"],
                         "token_type": "Bearer", "expires_in": 3599, "scope": "read write",
                         "id_token": S["jwt_service"]})

    def do_GET(self):
        srvlog.debug("api call auth=%s", self.headers.get("Authorization"))
        self._json(200, {"ok": True, "user": "user-4412"})


def main():
    port = free_port()
    httpd = ThreadingHTTPServer(("127.0.0.1", port), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    import os
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

    # requests-oauthlib: authorization code exchange, refresh, client credentials
    for i in range(3):
        sess = OAuth2Session("my-client-id", redirect_uri="https://app.example.com/cb", scope=["read", "write"],
                             state=f"st{i}")
        url, state = sess.authorization_url(base + "/authorize")
        log.info("redirecting user to %s", url)
        tok = sess.fetch_token(base + "/token", code=S["oauth_code"], client_secret=S["oauth_client_secret"],
                               include_client_id=True)
        log.debug("got token %s", tok)
        sess.get(base + "/api/me")
        sess.refresh_token(base + "/token", refresh_token=S["oauth_refresh_token"],
                           client_id="my-client-id", client_secret=S["oauth_client_secret"])
    cc = OAuth2Session(client=BackendApplicationClient(client_id="my-client-id"))
    cc.fetch_token(base + "/token", client_id="my-client-id", client_secret=S["oauth_client_secret"])
    try:
        OAuth2Session("my-client-id").fetch_token(base + "/bad/token", code=S["oauth_code"],
                                                  client_secret=S["oauth_client_secret"], include_client_id=True)
    except Exception as e:
        log.error("token exchange failed: %r", e)

    # Authlib
    logging.getLogger("authlib").setLevel(logging.DEBUG)
    for method in ("client_secret_basic", "client_secret_post"):
        a = AuthlibSession("my-client-id", S["oauth_client_secret"], token_endpoint_auth_method=method)
        t = a.fetch_token(base + "/token", grant_type="client_credentials")
        log.debug("authlib token=%s", dict(t))
        a.get(base + "/api/me")
        t2 = a.refresh_token(base + "/token", refresh_token=S["oauth_refresh_token"])
        log.debug("authlib refreshed=%r", t2)
    try:
        AuthlibSession("my-client-id", S["oauth_client_secret"], token_endpoint_auth_method="client_secret_post")\
            .fetch_token(base + "/bad/token", grant_type="client_credentials")
    except Exception as e:
        log.exception("authlib fetch failed")

    # tenacity retry around a flaky token endpoint, and around an API with key in query string
    tlog = logging.getLogger("app.retry")

    @tenacity.retry(stop=tenacity.stop_after_attempt(4), wait=tenacity.wait_fixed(0.05),
                    before=tenacity.before_log(tlog, logging.DEBUG),
                    before_sleep=tenacity.before_sleep_log(tlog, logging.WARNING, exc_info=False),
                    after=tenacity.after_log(tlog, logging.INFO))
    def flaky_token(secret):
        r = requests.post(base + "/flaky/token", data={"grant_type": "client_credentials",
                                                        "client_id": "my-client-id", "client_secret": secret})
        r.raise_for_status()
        return r.json()

    for _ in range(3):
        flaky_token(S["oauth_client_secret"])

    @tenacity.retry(stop=tenacity.stop_after_attempt(3), wait=tenacity.wait_fixed(0.05),
                    before_sleep=tenacity.before_sleep_log(tlog, logging.WARNING, exc_info=True))
    def call_vendor(key):
        requests.get(f"http://127.0.0.1:1/v1/charges?api_key={key}", timeout=1)

    for k in ("stripe_key", "google_api_key"):
        try:
            call_vendor(S[k])
        except tenacity.RetryError as e:
            tlog.error("gave up: %r", e)
            tlog.error("last exception: %s", e.last_attempt.exception())

    # python-json-logger: structured app logs with extras and an exception
    jh = logging.StreamHandler(sys.stderr)
    jh.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    jl = logging.getLogger("app.json")
    jl.propagate = False
    jl.addHandler(jh)
    jl.setLevel(logging.DEBUG)
    for i in range(4):
        jl.info("user login", extra={"user": "alice", "password": S["user_password"], "ip": "10.0.0.5",
                                     "session": S["session_cookie"]})
        jl.debug("outbound call", extra={"headers": {"Authorization": f"Bearer {S['bearer_opaque']}",
                                                     "X-Api-Key": S["opaque_apikey_plain"]},
                                         "url": f"https://api.vendor.example/v2?key={S['opaque_hex_key']}"})
        jl.info("config loaded", extra={"config": {"DATABASE_URL": f"mongodb://orders_app:{S['db_password']}@db.internal/orders",
                                                   "AWS_SECRET_ACCESS_KEY": S["aws_secret_access_key"],
                                                   "SLACK_TOKEN": S["slack_bot"], "JWT_SECRET": S["jwt_signing_key"]}})
        try:
            raise PermissionError(f"token {S['jwt_user']} rejected: signature mismatch")
        except PermissionError:
            jl.exception("auth failure", extra={"b64key": S["opaque_b64_key"]})
    httpd.shutdown()


main()
