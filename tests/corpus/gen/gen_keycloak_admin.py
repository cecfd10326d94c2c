"""Keycloak administration and OIDC clients' debug output: python-keycloak (KeycloakOpenID and
KeycloakAdmin) with requests/urllib3 DEBUG and `http.client.HTTPConnection.debuglevel = 1`, the
admin script's own log lines of the results, and `curl -v` against the token endpoint.

The server: Keycloak itself cannot be installed here (github.com and Maven Central unreachable);
npm `keycloak-mock` only intercepts Node's http module in-process through nock (no listening
server a Python client or curl could reach), so this generator runs a small HTTP server on
127.0.0.1 answering in Keycloak's documented JSON shapes (token endpoint for the password,
client_credentials and refresh_token grants incl. `scope=offline_access`, introspection, userinfo,
logout, certs, admin users / reset-password / clients / client-secret). It issues real RS256
access and id tokens and HS512 refresh/offline tokens (PyJWT), as Keycloak does.

Secrets: admin and users' passwords, temporary passwords, client secrets (given and generated),
access/refresh/id/offline tokens, the Basic credential curl sends for the client.
Clean: realm names, client ids (`admin-cli`, `account`), user/client UUIDs, `session_state` /
`sid` (a user-session UUID: an identifier, not usable alone, so clean like other UUIDs),
`"temporary": true`, `"type": "password"`, `grant_type=password`, `expires_in`, the realm's JWKS.
"""
import base64
import json
import os
import secrets as pysecrets
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import common as c

NAME = "keycloak_admin"

if len(sys.argv) > 1 and sys.argv[1] == "--client":
    # ---- the admin script / service, run as a child so its stdout (http.client) is captured ----
    import http.client
    import logging

    from keycloak import KeycloakAdmin, KeycloakOpenID, KeycloakOpenIDConnection

    url = sys.argv[2]
    P = json.loads(os.environ["KC_PLANTED"])
    http.client.HTTPConnection.debuglevel = 1
    logging.basicConfig(level=logging.DEBUG, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
    log = logging.getLogger("kc_admin_script")

    # 1. the admin connection (admin-cli, password grant in the master realm)
    conn = KeycloakOpenIDConnection(server_url=url, username="admin", password=P["admin_pw"],
                                    realm_name="shop", user_realm_name="master", client_id="admin-cli",
                                    verify=True)
    admin = KeycloakAdmin(connection=conn)
    log.info("connected as admin, token=%s", conn.token)

    # 2. users with credentials
    for u in P["users"]:
        payload = {"username": u["username"], "email": u["username"] + "@example.com", "enabled": True,
                   "firstName": u["username"].capitalize(), "emailVerified": True,
                   "credentials": [{"type": "password", "value": u["pw"], "temporary": u["temporary"]}]}
        log.debug("create_user payload=%s", payload)
        uid = admin.create_user(payload, exist_ok=False)
        log.info("created user %s id=%s", u["username"], uid)
        u["id"] = uid
    uid = admin.get_user_id(P["users"][0]["username"])
    log.info("user %s has id %s", P["users"][0]["username"], uid)
    admin.set_user_password(user_id=uid, password=P["reset_pw"], temporary=True)
    log.info("reset password of %s to %s (temporary=True)", P["users"][0]["username"], P["reset_pw"])

    # 3. clients and their secrets
    cid = admin.create_client({"clientId": "billing-api", "enabled": True, "publicClient": False,
                               "clientAuthenticatorType": "client-secret", "secret": P["billing_secret"],
                               "serviceAccountsEnabled": True, "redirectUris": ["https://billing.example.com/*"]})
    log.info("created client billing-api id=%s", cid)
    sec = admin.get_client_secrets(cid)
    log.info("client secret of billing-api: %s", sec)
    new = admin.generate_client_secrets(cid)
    log.info("rotated secret of billing-api: %s", new)
    print("BILLING_CLIENT_SECRET=%s" % new["value"], flush=True)
    print("BILLING_ID=%s" % cid, flush=True)

    # 4. the service's OIDC client: password grant, refresh, introspect, userinfo, logout
    oidc = KeycloakOpenID(server_url=url, realm_name="shop", client_id="billing-api",
                          client_secret_key=new["value"])
    u = P["users"][1]
    tok = oidc.token(u["username"], u["pw"])
    log.info("token response: %s", tok)
    log.debug("access_token=%s", tok["access_token"])
    tok2 = oidc.refresh_token(tok["refresh_token"])
    log.info("refreshed: expires_in=%s refresh_expires_in=%s session_state=%s",
             tok2["expires_in"], tok2["refresh_expires_in"], tok2.get("session_state"))
    info = oidc.introspect(tok2["access_token"])
    log.info("introspect: %s", json.dumps(info))
    ui = oidc.userinfo(tok2["access_token"])
    log.info("userinfo: %s", ui)
    off = oidc.token(u["username"], u["pw"], scope="openid offline_access")
    log.info("offline token for %s: %s", u["username"], off["refresh_token"])
    oidc.logout(tok2["refresh_token"])
    log.info("logged out session %s", tok2.get("session_state"))

    # 5. service account (client_credentials)
    svc = KeycloakOpenID(server_url=url, realm_name="shop", client_id="billing-api",
                         client_secret_key=new["value"])
    st = svc.token(grant_type="client_credentials")
    log.info("service account token: %s", st["access_token"])
    certs = oidc.certs()
    log.info("realm keys: %s", certs)

    # 6. a wrong password: Keycloak's 401 invalid_grant
    try:
        oidc.token(u["username"], P["wrong_pw"])
    except Exception as e:
        log.error("login failed for %s with password %s: %r", u["username"], P["wrong_pw"], e)
    sys.exit(0)


# ---------------------------------- the server (parent process) ----------------------------------
import jwt  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

S = c.Secrets(NAME)
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = c.rand(43, c.URLSAFE)
HMAC_KEY = os.urandom(64)
PUB = KEY.public_key().public_numbers()
USERS = {}    # id -> representation
CLIENTS = {"admin-cli": {"id": str(uuid.uuid4()), "clientId": "admin-cli", "publicClient": True},
           "account": {"id": str(uuid.uuid4()), "clientId": "account", "publicClient": True}}
LOCK = threading.Lock()


def b64u_int(n):
    return c.b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def issue(realm, sub, username, azp, scope, offline=False, with_refresh=True):
    now = int(time.time())
    iss = "http://%s/realms/%s" % (HOSTPORT, realm)
    sid = str(uuid.uuid4())
    at = jwt.encode({"exp": now + 300, "iat": now, "jti": "onrtro:" + str(uuid.uuid4()), "iss": iss,
                     "aud": "account", "sub": sub, "typ": "Bearer", "azp": azp, "sid": sid,
                     "acr": "1", "realm_access": {"roles": ["default-roles-" + realm, "offline_access"]},
                     "scope": scope, "email_verified": True, "preferred_username": username},
                    KEY, algorithm="RS256", headers={"kid": KID, "typ": "JWT"})
    S.add(at)
    out = {"access_token": at, "expires_in": 300, "refresh_expires_in": 0 if offline else 1800,
           "token_type": "Bearer", "not-before-policy": 0, "session_state": sid, "scope": scope}
    if with_refresh:
        rt = jwt.encode({"exp": None if offline else now + 1800, "iat": now, "jti": str(uuid.uuid4()),
                         "iss": iss, "aud": iss, "sub": sub, "typ": "Offline" if offline else "Refresh",
                         "azp": azp, "sid": sid, "scope": scope},
                        HMAC_KEY, algorithm="HS512", headers={"kid": str(uuid.uuid4()), "typ": "JWT"})
        S.add(rt)
        out["refresh_token"] = rt
    if "openid" in scope.split():
        it = jwt.encode({"exp": now + 300, "iat": now, "jti": str(uuid.uuid4()), "iss": iss, "aud": azp,
                         "sub": sub, "typ": "ID", "azp": azp, "sid": sid, "at_hash": c.rand(22, c.URLSAFE),
                         "preferred_username": username, "email": username + "@example.com"},
                        KEY, algorithm="RS256", headers={"kid": KID, "typ": "JWT"})
        S.add(it)
        out["id_token"] = it
    return out


class H(BaseHTTPRequestHandler):
    server_version = "Keycloak-standin"
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, obj=None, headers=()):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if obj is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def route(self, m):
        u = urlparse(self.path)
        p = u.path.strip("/").split("/")
        q = parse_qs(u.query)
        raw = self.body() if m in ("POST", "PUT") else b""
        with LOCK:
            if p[0] == "realms" and p[2:4] == ["protocol", "openid-connect"]:
                return self.oidc(p[1], p[4:], raw)
            if p[:2] == ["admin", "realms"]:
                return self.admin(m, p[2], p[3:], q, raw)
        self.reply(404, {"error": "HTTP 404 Not Found"})

    def client_auth(self, f):
        cid, csec = f.get("client_id"), f.get("client_secret")
        a = self.headers.get("Authorization", "")
        if a.startswith("Basic "):
            cid, csec = base64.b64decode(a[6:]).decode().split(":", 1)
        return cid, csec

    def oidc(self, realm, rest, raw):
        f = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if rest == ["certs"]:
            return self.reply(200, {"keys": [{"kid": KID, "kty": "RSA", "alg": "RS256", "use": "sig",
                                              "n": b64u_int(PUB.n), "e": b64u_int(PUB.e)}]})
        if rest == ["token"]:
            cid, csec = self.client_auth(f)
            cl = CLIENTS.get(cid)
            if cl is None or (not cl.get("publicClient") and cl.get("secret") != csec):
                return self.reply(401, {"error": "unauthorized_client",
                                        "error_description": "Invalid client or Invalid client credentials"})
            scope = f.get("scope", "openid profile email")
            gt = f.get("grant_type")
            if gt == "password":
                user = next((x for x in USERS.values() if x["username"] == f.get("username")), None)
                if f.get("username") == "admin" and realm == "master":
                    user = {"id": ADMIN_ID, "username": "admin", "pw": ADMIN_PW}
                if user is None or user["pw"] != f.get("password"):
                    return self.reply(401, {"error": "invalid_grant", "error_description": "Invalid user credentials"})
                return self.reply(200, issue(realm, user["id"], user["username"], cid, scope,
                                             offline="offline_access" in scope.split()))
            if gt == "refresh_token":
                claims = jwt.decode(f["refresh_token"], HMAC_KEY, algorithms=["HS512"], options={"verify_aud": False})
                return self.reply(200, issue(realm, claims["sub"], "user", cid, claims["scope"]))
            if gt == "client_credentials":
                return self.reply(200, issue(realm, str(uuid.uuid4()), "service-account-" + cid, cid,
                                             "profile email", with_refresh=False))
            return self.reply(400, {"error": "unsupported_grant_type"})
        if rest == ["token", "introspect"]:
            claims = jwt.decode(f["token"], KEY.public_key(), algorithms=["RS256"], options={"verify_aud": False})
            claims.update({"client_id": claims["azp"], "username": claims["preferred_username"],
                           "token_type": "Bearer", "active": True})
            return self.reply(200, claims)
        if rest == ["userinfo"]:
            tok = self.headers.get("Authorization", "")[7:]
            claims = jwt.decode(tok, KEY.public_key(), algorithms=["RS256"], options={"verify_aud": False})
            return self.reply(200, {"sub": claims["sub"], "email_verified": True,
                                    "preferred_username": claims["preferred_username"]})
        if rest == ["logout"]:
            return self.reply(204)
        self.reply(404, {"error": "HTTP 404 Not Found"})

    def admin(self, m, realm, rest, q, raw):
        if rest == ["users"] and m == "POST":
            rep = json.loads(raw)
            if any(x["username"] == rep["username"] for x in USERS.values()):
                return self.reply(409, {"errorMessage": "User exists with same username"})
            i = str(uuid.uuid4())
            pw = next((cr["value"] for cr in rep.get("credentials", []) if cr["type"] == "password"), None)
            USERS[i] = {"id": i, "username": rep["username"], "pw": pw, "email": rep.get("email"),
                        "createdTimestamp": int(time.time() * 1000), "enabled": True}
            return self.reply(201, None, [("Location", "http://%s/admin/realms/%s/users/%s" % (HOSTPORT, realm, i))])
        if rest == ["users"]:
            name = (q.get("username") or q.get("search") or [""])[0]
            return self.reply(200, [{k: v for k, v in x.items() if k != "pw"} | {"emailVerified": True,
                                     "totp": False, "requiredActions": [], "notBefore": 0}
                                    for x in USERS.values() if x["username"] == name])
        if len(rest) == 3 and rest[0] == "users" and rest[2] == "reset-password":
            cred = json.loads(raw)
            USERS[rest[1]]["pw"] = cred["value"]
            return self.reply(204)
        if rest == ["clients"] and m == "POST":
            rep = json.loads(raw)
            i = str(uuid.uuid4())
            CLIENTS[rep["clientId"]] = dict(rep, id=i)
            return self.reply(201, None, [("Location", "http://%s/admin/realms/%s/clients/%s" % (HOSTPORT, realm, i))])
        if len(rest) == 3 and rest[0] == "clients" and rest[2] == "client-secret":
            cl = next(x for x in CLIENTS.values() if x["id"] == rest[1])
            if m == "POST":
                cl["secret"] = S.add(c.rand(32))
            return self.reply(200, {"type": "secret", "value": cl["secret"]})
        self.reply(404, {"error": "HTTP 404 Not Found"})


ADMIN_ID = str(uuid.uuid4())
ADMIN_PW = S.add(c.password())
PORT = c.free_port()
HOSTPORT = "127.0.0.1:%d" % PORT
URL = "http://" + HOSTPORT
srv = ThreadingHTTPServer(("127.0.0.1", PORT), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()

planted = {"admin_pw": ADMIN_PW,
           "users": [{"username": "alice", "pw": S.add(c.human_password()), "temporary": False},
                     {"username": "bob", "pw": S.add(c.password()), "temporary": False},
                     {"username": "carol", "pw": S.add(c.password()), "temporary": True}],
           "reset_pw": S.add(c.password()), "billing_secret": S.add(c.rand(32)),
           "wrong_pw": S.add(c.password())}

raw = open(c.raw_path(NAME), "wb")
env = dict(os.environ, KC_PLANTED=json.dumps(planted), PYTHONUNBUFFERED="1")
out = subprocess.run([sys.executable, "-u", os.path.abspath(__file__), "--client", URL], env=env,
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
raw.write(out.stdout)
assert out.returncode == 0, out.stdout[-3000:]
billing = [ln for ln in out.stdout.decode().splitlines() if ln.startswith("BILLING_CLIENT_SECRET=")][0].split("=", 1)[1]
billing_id = [ln for ln in out.stdout.decode().splitlines() if ln.startswith("BILLING_ID=")][0].split("=", 1)[1]

# the Node admin service: @keycloak/keycloak-admin-client (KC_ADMIN_CLIENT: its lib/index.js when
# not installed in gen/node_modules)
planted.update(node_user={"username": "dave", "pw": S.add(c.password())}, node_reset_pw=S.add(c.password()),
               billing_id=billing_id)
env = dict(env, KC_PLANTED=json.dumps(planted), NODE_DEBUG="http")
r = subprocess.run(["node", os.path.join(c.HERE, "gen_keycloak_admin.js"), URL], env=env,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
raw.write(r.stdout)
assert r.returncode == 0, r.stdout[-3000:]
billing = [x["secret"] for x in CLIENTS.values() if x["clientId"] == "billing-api"][0]

# curl -v as an admin shell script runs it: the admin token, then the billing client's
# client_credentials with Basic auth, then a password grant with the secret in the form
tok_url = URL + "/realms/%s/protocol/openid-connect/token"
cmds = [
    ["curl", "-sS", "-v", "-X", "POST", tok_url % "master", "-H", "Content-Type: application/x-www-form-urlencoded",
     "-d", "username=admin", "-d", "password=" + ADMIN_PW, "-d", "grant_type=password", "-d", "client_id=admin-cli"],
    ["curl", "-sS", "-v", "-u", "billing-api:" + billing, "-d", "grant_type=client_credentials", tok_url % "shop"],
    ["curl", "-sS", "-v", tok_url % "shop", "--data-urlencode", "client_id=billing-api",
     "--data-urlencode", "client_secret=" + billing, "--data-urlencode", "grant_type=password",
     "--data-urlencode", "username=carol", "--data-urlencode", "password=" + planted["users"][2]["pw"],
     "--data-urlencode", "scope=openid"],
]
for cmd in cmds:
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    raw.write(r.stdout + b"\n")
raw.close()
S.add(c.basic("billing-api", billing))
# URLSearchParams (the Node client's form bodies) percent-encodes all but ALPHA / DIGIT / *-._
# (`~` as %7E, which Python's quote leaves): that representation is recorded as well
from urllib.parse import quote_plus  # noqa: E402
for v in [ADMIN_PW]:
    if quote_plus(v, safe="*-._") != quote_plus(v):
        S.add(quote_plus(v, safe="*-._"))
srv.shutdown()
S.save()
