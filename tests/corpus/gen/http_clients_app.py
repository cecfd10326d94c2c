"""The HTTP API the clients of gen_http_clients.py talk to (`python http_clients_app.py PORT`):
a Flask app on werkzeug's threaded server, 127.0.0.1 only. Its own output is not part of the
corpus (gen_http_clients.py sends it to out/http_clients_server.log).

  POST /oauth/token     RFC 6749 token endpoint: grant_type password / client_credentials /
                        refresh_token / authorization_code, client auth by Basic or by
                        client_id + client_secret in the form body (also JSON); answers the
                        token JSON (access_token, refresh_token, id_token: a PyJWT HS256 token,
                        token_type "Bearer", expires_in) or 400/401 {"error": "invalid_grant" ...}.
  POST /login           form login, 200 with `Set-Cookie: session=...` (and a csrftoken cookie).
  /v1/<path>            any method: 200 JSON with an ETag, X-Request-Id and Content-MD5 when a
                        credential came (Authorization, X-Api-Key, X-Auth-Token, Api-Key, a
                        `session` cookie or ?api_key= / ?access_token= / ?token=) or the path is
                        public (/v1/items, /v1/search), else 401; ?expired=1 and /v1/revoked/... 401;
                        /v1/admin/... 403, /v1/crash... 500, /v1/rate... 429.
Every token it issues (random, fresh per request) is appended to the file named by
HTTPC_ISSUED, one JSON string a line, so the generator can record it as planted.
"""
import base64
import hashlib
import json
import os
import secrets
import sys
import threading
import time
import uuid

import jwt
from flask import Flask, jsonify, make_response, request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as c  # noqa: E402

app = Flask("api")
CLIENTS = json.loads(os.environ.get("HTTPC_CLIENTS", "{}"))   # client_id -> client_secret ("" = public)
USERS = json.loads(os.environ.get("HTTPC_USERS", "{}"))       # username -> password
JWT_KEY = os.environ.get("HTTPC_JWT_KEY", "k" * 32)
_lock = threading.Lock()
REFRESH = set()


def issued(v):
    with _lock:
        with open(os.environ["HTTPC_ISSUED"], "a") as f:
            f.write(json.dumps(v) + "\n")
    return v


def _client_auth(form):
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Basic "):
        try:
            cid, _, cs = base64.b64decode(auth[6:]).decode().partition(":")
        except Exception:
            return None
        # RFC 6749 2.3.1 form-encodes both before base64; many clients (authlib) do not
        from urllib.parse import unquote_plus
        cands = {(cid, cs), (unquote_plus(cid), unquote_plus(cs))}
    else:
        cands = {(form.get("client_id", ""), form.get("client_secret"))}
    for cid, cs in cands:
        if cid in CLIENTS and (not CLIENTS[cid] or CLIENTS[cid] == cs):
            return cid
    return None


def _token_response(cid, sub, scope, refresh=True, id_token=False):
    now = int(time.time())
    body = {"access_token": issued(c.opaque_token(random_prefix())), "token_type": "Bearer", "expires_in": 3600,
            "scope": scope or "read write"}
    if refresh:
        rt = issued(c.refresh_token())
        REFRESH.add(rt)
        body["refresh_token"] = rt
    if id_token:
        body["id_token"] = issued(jwt.encode({"iss": request.host_url.rstrip("/"), "sub": sub, "aud": cid, "iat": now,
                                              "exp": now + 3600, "email": "%s@example.com" % sub}, JWT_KEY, "HS256"))
    resp = jsonify(body)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Pragma"] = "no-cache"
    return resp


def random_prefix():
    return secrets.choice(["", "at_", "ya29.", "gho_"])


@app.post("/oauth/token")
def token():
    form = request.form if request.form else (request.get_json(silent=True) or {})
    cid = _client_auth(form)
    if cid is None:
        return jsonify(error="invalid_client", error_description="Client authentication failed"), 401
    gt = form.get("grant_type")
    if gt == "password":
        u = form.get("username")
        if USERS.get(u) != form.get("password"):
            return jsonify(error="invalid_grant", error_description="Invalid user credentials"), 400
        return _token_response(cid, u, form.get("scope"), id_token="openid" in (form.get("scope") or ""))
    if gt == "client_credentials":
        return _token_response(cid, cid, form.get("scope"), refresh=False)
    if gt == "refresh_token":
        if form.get("refresh_token") not in REFRESH:
            return jsonify(error="invalid_grant", error_description="Token is not active"), 400
        return _token_response(cid, "alice", form.get("scope"))
    if gt == "authorization_code":
        return _token_response(cid, "alice", "openid email", id_token=True)
    return jsonify(error="unsupported_grant_type"), 400


@app.post("/login")
def login():
    u, p = request.form.get("username"), request.form.get("password")
    if USERS.get(u) != p:
        return jsonify(error="invalid credentials"), 401
    resp = jsonify(ok=True, user=u)
    resp.set_cookie("session", issued(c.rand(32, c.URLSAFE) + "." + c.rand(27, c.URLSAFE)), httponly=True,
                    samesite="Lax", path="/")
    resp.set_cookie("csrftoken", issued(c.rand(32)), samesite="Lax")
    return resp


def _has_credential():
    h = request.headers
    if any(h.get(k) for k in ("Authorization", "X-Api-Key", "X-Auth-Token", "Api-Key")):
        return True
    if request.cookies.get("session"):
        return True
    return any(request.args.get(k) for k in ("api_key", "access_token", "token", "key"))


@app.route("/v1/<path:p>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def api(p):
    rid = str(uuid.uuid4())
    auth = request.headers.get("Authorization", "")
    if p.startswith("crash"):
        status, body = 500, {"error": "internal_error", "message": "upstream timed out", "request_id": rid}
    elif p.startswith("rate"):
        status, body = 429, {"error": "rate_limited", "retry_after": 30, "request_id": rid}
    elif (not _has_credential() and not p.startswith(("items", "search"))) or auth.endswith("expired") or request.args.get("expired") or "revoked" in p:
        status, body = 401, {"error": "unauthorized", "message": "invalid or expired credentials", "request_id": rid}
    elif p.startswith("admin"):
        status, body = 403, {"error": "forbidden", "message": "missing scope admin", "request_id": rid}
    else:
        status, body = 200, {"ok": True, "path": "/v1/" + p, "items": [{"id": 40 + i, "name": "item-%d" % i} for i in range(2)]}
    raw = json.dumps(body).encode()
    resp = make_response(raw, status)
    resp.headers["Content-Type"] = "application/json"
    resp.headers["X-Request-Id"] = rid
    if status == 200:
        resp.headers["ETag"] = '"%s"' % hashlib.sha1(raw).hexdigest()
        resp.headers["Content-MD5"] = base64.b64encode(hashlib.md5(raw).digest()).decode()
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
    if request.headers.get("traceparent"):
        resp.headers["traceparent"] = request.headers["traceparent"]
    return resp


@app.get("/healthz")
def healthz():
    return "ok"


if __name__ == "__main__":
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
