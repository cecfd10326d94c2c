"""A Flask app that logs what happens in sentences, with the bad habits real code has (the value it
could not verify, the password that failed). Served by the werkzeug dev server from gen_prose.py."""
import logging
import sys

from flask import Flask, request

app = Flask(__name__)
app.logger.setLevel(logging.DEBUG)
GOOD_TOKENS, CLIENTS, USERS = set(), {"web-app": None, "ios": None}, {}


@app.post("/api/verify")
def verify():
    tok = (request.json or {}).get("token")
    if not tok:
        app.logger.warning("Authorization header missing")
        return {"error": "unauthorized"}, 401
    if tok == "expired":
        app.logger.info("token expired for user %d", request.json.get("user", 42))
        app.logger.info("jwt expired")
        return {"error": "expired"}, 401
    if tok in GOOD_TOKENS:
        app.logger.info("token verified for user %d", request.json.get("user", 42))
        return {"ok": True}
    app.logger.warning("could not verify token %s", tok)
    return {"error": "invalid token"}, 401


@app.post("/oauth/token")
def token():
    b = request.json
    if b["client_id"] not in CLIENTS:
        app.logger.warning("rejected unknown client %s", b["client_id"])
        return {"error": "invalid_client"}, 401
    if b.get("client_secret") != CLIENTS[b["client_id"]]:
        app.logger.warning("rejected unknown client secret %s for client %s", b.get("client_secret"), b["client_id"])
        return {"error": "invalid_client"}, 401
    app.logger.info("issued access token for client %s", b["client_id"])
    return {"ok": True}


@app.post("/login")
def login():
    b = request.json
    u, pw = b["username"], b.get("password", "")
    if len(pw) < 8:
        app.logger.info("password too short")
        return {"error": "password"}, 400
    if b.get("attempts", 0) > 5:
        app.logger.warning("login failed for %s: too many attempts", u)
        return {"error": "locked"}, 429
    if USERS.get(u) == pw:
        app.logger.info("session started for %s", u)
        return {"ok": True}
    app.logger.warning("login failed for %s with password %s", u, pw)
    return {"error": "invalid credentials"}, 401


@app.post("/charge")
def charge():
    b = request.json
    if b.get("api_key"):
        app.logger.info("using api key %s for merchant %s", b["api_key"], b["merchant"])
    else:
        app.logger.info("using api key from environment variable STRIPE_API_KEY")
    return {"ok": True}


@app.post("/refresh")
def refresh():
    b = request.json
    if b.get("revoke"):
        app.logger.debug("refresh token %s revoked for user %d", b["refresh_token"], b["user"])
    else:
        app.logger.info("token refresh succeeded for user %d", b["user"])
    return {"ok": True}


@app.post("/password-reset")
def reset():
    b = request.json
    if b.get("token"):
        app.logger.error("password reset token %s already used", b["token"])
        return {"error": "used"}, 410
    app.logger.info("password reset email sent to %s", b["email"])
    return {"ok": True}


@app.post("/admin/rotate")
def rotate():
    app.logger.info("secret rotation scheduled")
    app.logger.info("client secret rotated for client %s", request.json["client_id"])
    return {"ok": True}


@app.post("/setup")
def setup():
    b = request.json
    GOOD_TOKENS.update(b.get("tokens", []))
    CLIENTS.update(b.get("clients", {}))
    USERS.update(b.get("users", {}))
    return {"ok": True}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
