"""HTTP client libraries' debug output and error dumps, really run against http_clients_app.py
(a Flask API with an OAuth token endpoint on 127.0.0.1). Each part starts with a `== ...` line the
generator writes itself (clean).

Python (one process, root logger at DEBUG, `%(asctime)s %(levelname)s [%(name)s] %(message)s`,
print() output on the same stream):
  requests        http.client.HTTPConnection.debuglevel = 1 (`send: b'GET ... HTTP/1.1\\r\\nHost: ...
                  \\r\\nAuthorization: Bearer ...'`, `reply:`, `header:` lines on stdout) together with
                  urllib3's DEBUG lines (`"GET /v1/search?api_key=... HTTP/1.1" 200 104`): bearer tokens
                  (opaque, PyJWT HS256, ghp_, sk_live_), Basic auth, X-Api-Key / X-Auth-Token / Api-Key,
                  query strings, an OAuth password grant (form body with password and client_secret),
                  a JSON body with a token, the login's `Set-Cookie: session=...` and the Cookie sent back.
  requests (app)  what apps log around requests: resp.request.headers, resp.request.body (str and
                  bytes), resp.json() of token responses, resp.headers, the session's cookie jar,
                  raise_for_status() HTTPError (`401 Client Error: UNAUTHORIZED for url: ...?access_token=`)
                  via logger.error and logger.exception, repr(prepared.headers), a ConnectionError to a
                  closed port (`Max retries exceeded with url: /v1/...?api_key=...`).
  urllib.request  build_opener(HTTPHandler(debuglevel=1)): X-Auth-Token, ?key=, a client-credentials
                  form body; print(HTTPError) and its url logged.
  httpx           `httpx` and `httpcore` loggers at DEBUG (`HTTP Request: GET http://...?token=...`,
                  httpcore's trace lines), event hooks logging request.headers (httpx's Headers repr
                  shows `'authorization': '[secure]'`, not other headers) and dict(request.headers),
                  request.content, HTTPStatusError str (two lines).
  aiohttp         ClientSession(raise_for_status=True): ClientResponseError str, repr (RequestInfo
                  with the request's `<CIMultiDictProxy('Authorization': 'Bearer ...')>`),
                  logger.exception; a TraceConfig on_request_start hook logging its params.
  oauth           requests-oauthlib OAuth2Session with `requests_oauthlib` and `oauthlib` at DEBUG
                  (password grant, client credentials, refresh, a failed grant; it logs the request body,
                  the response content and the token dict), then authlib's requests OAuth2Session
                  (client_secret_basic) with the token logged by the app.
Node (gen_http_clients.js, stdout + stderr): axios, gaxios, got, @octokit/request, then native fetch
(undici) and http.request under NODE_DEBUG=fetch,http — see that file.

Planted secrets come from common.py (random per run); tokens the API issues are random too
(http_clients_app.py writes each to a file this generator reads back).
"""
import asyncio
import json
import logging
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import common as c

NAME = "http_clients"
S = c.Secrets(NAME)
RAW = c.raw_path(NAME)
ISSUED = os.path.join(c.OUT, NAME + ".issued.jsonl")
USERS = ["alice", "bob", "carol", "dave"]


def url_pw(n=None):
    """A password with the characters URL and form encoding change: % + / = (and & once in a while)."""
    while True:
        s = c.password(n, symbols=random.choice(["%+/=", "%+/=!_", "+/=&%"]))
        if "%" in s or "+" in s or "/" in s:
            return s


def b64_key(n=40):
    """An API key in standard base64 (+ and /, = padding)."""
    while True:
        s = c.rand(n, c.B64)
        if "+" in s or "/" in s:
            return s + "="


def jwt_token(kind="access"):
    import jwt
    now = int(time.time())
    claims = {"iss": "https://auth.example.com/", "sub": "auth0|%d" % random.randint(10**8, 10**9),
              "aud": "https://api.example.com", "iat": now, "exp": now + 3600, "scope": "read:items write:items",
              "jti": str(uuid.uuid4())}
    if kind == "id":
        claims.update(email="%s@example.com" % random.choice(USERS), email_verified=True)
    return jwt.encode(claims, c.rand(32), "HS256")


def bearer():
    return random.choice([c.opaque_token(), jwt_token(), c.api_key("github"), c.api_key("stripe"), c.opaque_token("ya29.")])


def traceparent():
    return "00-%s-%s-01" % (uuid.uuid4().hex, uuid.uuid4().hex[:16])


class World:
    """The API's registered clients and users (the secrets it checks), shared with the app."""

    def __init__(self):
        self.clients = {"web-app": S.add("cs_" + c.rand(32, c.URLSAFE)),
                        "billing-svc": S.add(c.rand(40, c.URLSAFE)),
                        "reporting": S.add(url_pw(24)),
                        "ios": "", "cli": ""}  # public clients (no secret)
        self.users = {u: S.add(url_pw() if i % 2 == 0 else c.human_password()) for i, u in enumerate(USERS)}
        self.jwt_key = c.rand(48)  # the API's signing key: never printed


# ------------------------------------------------------------------ python parts

def section(f, title):
    f.write("== %s\n" % title)
    f.flush()


def requests_debuglevel(f, base, w):
    import http.client

    import requests
    section(f, "requests %s + http.client HTTPConnection.debuglevel=1 + urllib3 DEBUG" % requests.__version__)
    http.client.HTTPConnection.debuglevel = 1
    try:
        s = requests.Session()
        s.headers["traceparent"] = traceparent()
        tok = S.add(bearer())
        s.get(base + "/v1/items", headers={"Authorization": "Bearer " + tok, "X-Request-Id": str(uuid.uuid4())})
        key = S.add(b64_key())
        s.get(base + "/v1/search", params={"q": "shoes", "api_key": key, "page": 2})
        s.post(base + "/v1/events", json={"event": "login", "user": "alice", "token": S.add(c.opaque_token("tok_"))},
               headers={"X-Api-Key": S.add(c.api_key("generic"))})
        u, pw = "deploy-bot", S.add(url_pw())
        S.add(c.basic(u, pw))
        s.get(base + "/v1/reports/2024-11", auth=(u, pw))
        s.get(base + "/v1/admin/users", headers={"Api-Key": S.add(c.api_key("sendgrid"))})
        # OAuth password grant (confidential client in the body) and the login form's cookie
        s.post(base + "/oauth/token", data={"grant_type": "password", "username": "alice", "password": w.users["alice"],
                                            "client_id": "web-app", "client_secret": w.clients["web-app"],
                                            "scope": "openid email"})
        s.post(base + "/login", data={"username": "bob", "password": w.users["bob"]})
        # the session cookie goes back in `Cookie:` from here on
        s.get(base + "/v1/private", params={"access_token": S.add(c.opaque_token()), "expired": 1})
        s.get(base + "/v1/orders?page=2&per_page=50", headers={"If-None-Match": '"%s"' % uuid.uuid4().hex,
                                                                "Authorization": "Bearer ***"})
    finally:
        http.client.HTTPConnection.debuglevel = 0


def requests_app(f, base, w):
    import requests
    section(f, "requests: the app logs requests, responses and exceptions")
    log = logging.getLogger("app.http")
    s = requests.Session()
    # a token request and what the app logs of it
    r = s.post(base + "/oauth/token", data={"grant_type": "client_credentials", "client_id": "billing-svc",
                                            "client_secret": w.clients["billing-svc"], "scope": "billing:read"})
    log.debug("token request body: %s", r.request.body)
    log.info("token response %s: %s", r.status_code, r.json())
    at = r.json()["access_token"]
    r = s.post(base + "/oauth/token", data={"grant_type": "password", "username": "carol", "password": w.users["carol"],
                                            "client_id": "reporting", "client_secret": w.clients["reporting"]})
    log.debug("token request headers: %s", r.request.headers)
    log.debug("token request body: %s", r.request.body)
    log.debug("token response headers: %s", r.headers)
    log.info("token response %s: %s", r.status_code, r.text)
    rt = r.json()["refresh_token"]
    r = s.post(base + "/oauth/token", data={"grant_type": "refresh_token", "refresh_token": rt, "client_id": "ios"})
    log.info("refreshed: %s", json.dumps(r.json()))
    log.info("token refresh ok: grant_type=%s client_id=%s status=%d token_type=%s expires_in=%d",
             "refresh_token", "ios", r.status_code, r.json()["token_type"], r.json()["expires_in"])
    r = s.post(base + "/oauth/token", data={"grant_type": "password", "username": "dave",
                                            "password": S.add(c.human_password()), "client_id": "web-app",
                                            "client_secret": w.clients["web-app"]})
    log.warning("token request failed: %s %s body=%s", r.status_code, r.text.strip(), r.request.body)
    # API calls with the token
    r = s.get(base + "/v1/invoices", params={"status": "open"}, headers={"Authorization": "Bearer " + at,
                                                                         "traceparent": traceparent()})
    log.debug("GET %s -> %s headers=%s", r.request.url, r.status_code, r.request.headers)
    log.debug("response headers: %s", r.headers)
    r = s.post(base + "/v1/webhooks", json={"url": "https://hooks.example.com/in", "secret": S.add("whsec_" + c.rand(32))},
               headers={"Authorization": "Bearer " + at})
    log.debug("POST /v1/webhooks body=%s", r.request.body)
    # login cookie
    r = s.post(base + "/login", data={"username": "alice", "password": w.users["alice"]})
    log.debug("login response headers: %s", r.headers)
    log.debug("cookies now: %s", s.cookies)
    log.info("session cookie: %s", s.cookies.get_dict())
    # raise_for_status with credentials in the URL
    for params, hdrs in [({"access_token": S.add(c.opaque_token()), "expired": 1}, {}),
                         ({"api_key": S.add(c.api_key("google"))}, {"X-Request-Id": str(uuid.uuid4())}),
                         ({}, {"Authorization": "Bearer " + S.add(bearer())})]:
        path = random.choice(["/v1/private", "/v1/admin/export", "/v1/crash/report"]) if params else "/v1/admin/settings"
        try:
            r = s.get(base + path, params=params, headers=hdrs)
            r.raise_for_status()
        except requests.HTTPError as e:
            log.error("upstream call failed: %s", e)
            log.debug("failed request headers: %r", e.response.request.headers)
    try:
        r = s.get(base + "/v1/crash/sync", params={"token": S.add(c.opaque_token()), "since": "2024-11-01"})
        r.raise_for_status()
    except requests.HTTPError:
        log.exception("sync failed")
    # a prepared request logged before sending
    req = requests.Request("PUT", base + "/v1/profile", headers={"Authorization": "Bearer " + S.add(bearer()),
                                                                "X-Api-Key": S.add(b64_key(32))},
                           json={"display_name": "Alice", "password": S.add(url_pw())})
    p = s.prepare_request(req)
    log.debug("sending %s %s headers=%r body=%r", p.method, p.url, p.headers, p.body)
    s.send(p)
    # a dead upstream: the URL (with its query) is in the error
    dead = "http://127.0.0.1:%d" % c.free_port()
    try:
        requests.get(dead + "/v1/sync", params={"api_key": S.add(c.api_key("openai")), "full": 1}, timeout=2)
    except requests.ConnectionError as e:
        log.error("upstream unreachable: %s", e)
    log.info("retry budget left: %d, request_id=%s", 2, uuid.uuid4())


def urllib_part(f, base, w):
    section(f, "urllib.request HTTPHandler(debuglevel=1)")
    log = logging.getLogger("app.fetch")
    opener = urllib.request.build_opener(urllib.request.HTTPHandler(debuglevel=1))
    calls = [
        ("GET", "/v1/status", None, {"X-Auth-Token": S.add(c.rand(36, c.URLSAFE))}),
        ("GET", "/v1/private?" + urllib.parse.urlencode({"key": S.add(b64_key(32)), "expired": 1}), None, {}),
        ("POST", "/oauth/token", urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": "billing-svc",
                                                         "client_secret": w.clients["billing-svc"]}).encode(),
         {"Content-Type": "application/x-www-form-urlencoded"}),
    ]
    for method, path, data, headers in calls:
        rq = urllib.request.Request(base + path, data=data, method=method, headers=headers)
        try:
            with opener.open(rq, timeout=10) as resp:
                body = resp.read()
                if path == "/oauth/token":
                    log.info("token: %s", body.decode())
        except urllib.error.HTTPError as e:
            print(e)
            log.error("%s %s failed: %s", method, e.url, e)
            e.read()


def httpx_part(f, base, w):
    import httpx
    section(f, "httpx %s + httpcore DEBUG, event hooks" % httpx.__version__)
    log = logging.getLogger("app.client")

    def on_request(request):
        log.debug("-> %s %s headers=%r", request.method, request.url, request.headers)

    def on_response(response):
        req = response.request
        log.debug("<- %s %s %s", response.status_code, req.method, req.url)
        if response.status_code >= 400:
            log.warning("request headers were %s", dict(req.headers))

    with httpx.Client(base_url=base, event_hooks={"request": [on_request], "response": [on_response]}) as cl:
        r = cl.get("/v1/private", params={"token": S.add(c.opaque_token()), "expired": 1},
                   headers={"Authorization": "Bearer " + S.add(bearer()), "X-Api-Key": S.add(c.api_key("generic"))})
        try:
            r.raise_for_status()
        except httpx.HTTPStatusError as e:
            log.error("%s", e)
        u, pw = "metrics", S.add(url_pw())
        S.add(c.basic(u, pw))
        r = cl.get("/v1/admin/metrics", auth=(u, pw))
        try:
            r.raise_for_status()
        except httpx.HTTPStatusError as e:
            log.error("%s", e)
        r = cl.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": "web-app",
                                          "client_secret": w.clients["web-app"]})
        log.debug("token request content: %s", r.request.content)
        log.info("token: %s", r.json())
        r = cl.post("/v1/sessions", json={"refresh_token": S.add(c.refresh_token()), "device": "ios"},
                    cookies={"session": S.add(c.rand(32, c.URLSAFE))})
        log.debug("sent %s", r.request.content)


def aiohttp_part(f, base, w):
    import aiohttp
    section(f, "aiohttp %s ClientSession" % aiohttp.__version__)
    log = logging.getLogger("app.aio")

    async def on_request_start(session, ctx, params):
        log.debug("request start: %s", params)

    async def main():
        tc = aiohttp.TraceConfig()
        tc.on_request_start.append(on_request_start)
        tok = S.add(bearer())
        async with aiohttp.ClientSession(headers={"Authorization": "Bearer " + tok}, raise_for_status=True) as s:
            url = base + "/v1/private?" + urllib.parse.urlencode({"access_token": S.add(c.opaque_token()), "expired": 1})
            try:
                async with s.get(url) as r:
                    await r.read()
            except aiohttp.ClientResponseError as e:
                log.error("str: %s", e)
                log.error("repr: %r", e)
        async with aiohttp.ClientSession(trace_configs=[tc], raise_for_status=True) as s:
            try:
                async with s.post(base + "/v1/admin/rotate", headers={"X-Api-Key": S.add(c.api_key("google"))},
                                  json={"new_secret": S.add(c.rand(40, c.B64))}) as r:
                    await r.read()
            except aiohttp.ClientResponseError as e:
                log.error("rotate failed: %r (request headers %s)", e, e.request_info.headers)
            try:
                u, pw = "svc-backup", S.add(url_pw())
                S.add(c.basic(u, pw))
                async with s.get(base + "/v1/crash/backup",
                                 headers={"Authorization": aiohttp.encode_basic_auth(u, pw)}) as r:
                    await r.read()
            except aiohttp.ClientResponseError:
                log.exception("backup failed")

    asyncio.run(main())


def oauth_part(f, base, w):
    import requests_oauthlib
    from oauthlib.oauth2 import BackendApplicationClient, LegacyApplicationClient
    from requests_oauthlib import OAuth2Session
    section(f, "requests-oauthlib %s / oauthlib DEBUG" % requests_oauthlib.__version__)
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # http:// on 127.0.0.1
    log = logging.getLogger("app.oauth")
    token_url = base + "/oauth/token"
    sess = OAuth2Session(client=LegacyApplicationClient(client_id="web-app"))
    tok = sess.fetch_token(token_url, username="alice", password=w.users["alice"], client_id="web-app",
                           client_secret=w.clients["web-app"], include_client_id=True)
    log.info("logged in, token expires_in=%s token_type=%s", tok["expires_in"], tok["token_type"])
    r = sess.get(base + "/v1/me")
    log.info("me: %s", r.status_code)
    sess.refresh_token(token_url, client_id="web-app", client_secret=w.clients["web-app"])
    S.add(c.basic("billing-svc", w.clients["billing-svc"]))  # it sends client credentials as Basic auth
    svc = OAuth2Session(client=BackendApplicationClient(client_id="billing-svc"))
    svc.fetch_token(token_url, client_id="billing-svc", client_secret=w.clients["billing-svc"])
    bad = OAuth2Session(client=LegacyApplicationClient(client_id="reporting"))
    try:
        bad.fetch_token(token_url, username="dave", password=S.add(url_pw()), client_id="reporting",
                        client_secret=w.clients["reporting"], include_client_id=True)
    except Exception as e:
        log.error("login failed: %r", e)

    import authlib
    from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
    section(f, "authlib %s requests OAuth2Session (client_secret_basic)" % authlib.__version__)
    S.add(c.basic("reporting", w.clients["reporting"]))
    a = AuthlibSession("reporting", w.clients["reporting"], scope="reports:read")
    t = a.fetch_token(token_url, grant_type="password", username="carol", password=w.users["carol"])
    log.info("authlib token: %s", t)
    r = a.get(base + "/v1/reports/weekly")
    log.debug("authlib request headers: %s", r.request.headers)
    t2 = a.refresh_token(token_url)
    log.info("authlib refreshed token: %s", dict(t2))


def python_parts(base, w):
    f = open(RAW, "w", newline="\n")
    h = logging.StreamHandler(f)
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
    root = logging.getLogger()
    root.addHandler(h)
    root.setLevel(logging.DEBUG)
    logging.getLogger("asyncio").setLevel(logging.INFO)
    old = sys.stdout
    sys.stdout = f  # http.client's debuglevel output and print()
    try:
        requests_debuglevel(f, base, w)
        requests_app(f, base, w)
        urllib_part(f, base, w)
        httpx_part(f, base, w)
        aiohttp_part(f, base, w)
        oauth_part(f, base, w)
    finally:
        sys.stdout = old
        root.removeHandler(h)
        f.close()


# ------------------------------------------------------------------ node

def node_secrets():
    return {
        "axios": dict(bearer=S.add(c.opaque_token()), jwt=S.add(jwt_token()), api_key=S.add(c.api_key("stripe")),
                      password=S.add(url_pw()), password2=S.add(c.human_password()), basic_pw=S.add(url_pw()), cookie=S.add(c.rand(32, c.URLSAFE)),
                      interceptor=S.add(c.api_key("github")), pino=S.add(c.opaque_token("ya29.")),
                      query=S.add(c.rand(40, c.URLSAFE))),
        "gaxios": dict(bearer=S.add(c.opaque_token("ya29.")), api_key=S.add(c.api_key("google")), password=S.add(url_pw()),
                       refresh=S.add(c.refresh_token()), query=S.add(c.opaque_token()), x_token=S.add(b64_key(32))),
        "got": dict(bearer=S.add(c.api_key("github")), api_key=S.add(c.rand(40)),
                    password=S.add(c.password(symbols="%+/=&")),  # (JS encodeURIComponent keeps ! as is)
                    query=S.add(c.opaque_token())),
        "fetch": dict(bearer=S.add(c.opaque_token()), query=S.add(c.rand(32, c.URLSAFE)), api_key=S.add(c.api_key("openai")),
                      cookie=S.add(c.rand(32, c.URLSAFE))),
        "http": dict(bearer=S.add(jwt_token()), query=S.add(c.opaque_token())),
        "octokit": dict(token=S.add("ghp_" + c.rand(36)), client_secret=S.add(c.rand(40, c.LOW + c.DIG)),
                        code=S.add(c.rand(20)), access_token=S.add("gho_" + c.rand(36))),
    }


def node_part(base, w):
    nd = node_secrets()
    for u in ("alice", "bob"):
        nd.setdefault("users", {})[u] = w.users[u]
    nd["clients"] = {k: w.clients[k] for k in ("web-app", "billing-svc")}
    for name in ("axios", "got"):
        S.add(c.basic("svc-" + name, nd[name].get("basic_pw") or nd[name]["password"]))
    env = {"PATH": os.path.dirname(sys.executable) + ":/usr/local/bin:/usr/bin:/bin", "HOME": "/home/app",
           "LANG": "C.UTF-8", "SCRUBD_HTTPC": json.dumps(nd), "HTTPC_BASE": base, "HTTPC_DEAD_PORT": str(c.free_port())}
    with open(RAW, "ab") as out:
        subprocess.run(["node", "gen_http_clients.js", "main"], cwd=c.HERE, env=env, stdout=out,
                       stderr=subprocess.STDOUT, check=True, timeout=120)
        subprocess.run(["node", "gen_http_clients.js", "fetch"], cwd=c.HERE, env=dict(env, NODE_DEBUG="fetch,http"),
                       stdout=out, stderr=subprocess.STDOUT, check=True, timeout=120)


def main():
    random.seed()
    w = World()
    if os.path.exists(ISSUED):
        os.remove(ISSUED)
    port = c.free_port()
    base = "http://127.0.0.1:%d" % port
    env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8",
           "PYTHONUNBUFFERED": "1", "HTTPC_ISSUED": ISSUED, "HTTPC_CLIENTS": json.dumps(w.clients),
           "HTTPC_USERS": json.dumps(w.users), "HTTPC_JWT_KEY": w.jwt_key}
    slog = open(os.path.join(c.OUT, NAME + "_server.log"), "wb")
    proc = subprocess.Popen([sys.executable, "http_clients_app.py", str(port)], cwd=c.HERE, env=env,
                            stdout=slog, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("api did not come up")
        python_parts(base, w)
        node_part(base, w)
    finally:
        proc.terminate()
        proc.wait(10)
        slog.close()
    with open(ISSUED) as fh:
        for line in fh:
            S.add(json.loads(line))
    S.save()


if __name__ == "__main__":
    main()
