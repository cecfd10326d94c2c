import logging
import sys
import uuid

from flask import Flask, jsonify, request, request_finished, session

app = Flask(__name__)
app.secret_key = sys.argv[2]
app.logger.setLevel(logging.DEBUG)
OAUTH = {"client_id": "1084723%d-k2j3h4g5f6d7s8a9.apps.googleusercontent.com" % 42,
         "client_secret": sys.argv[3], "redirect_uri": "http://127.0.0.1/cb"}


@app.before_request
def log_headers():
    if request.path.startswith("/static") or request.path == "/health":
        return
    if request.args.get("dump") == "repr":
        app.logger.debug("request headers: %r", request.headers)
    elif request.args.get("dump") == "str":
        app.logger.debug("request headers:\n%s", request.headers)
    else:
        app.logger.debug("request headers: %s", dict(request.headers))


def log_response(sender, response, **extra):
    # request_finished fires after the session cookie has been written
    if "Set-Cookie" in response.headers:
        sender.logger.debug("response %s headers: %r", response.status, response.headers)


request_finished.connect(log_response, app)


@app.route("/login", methods=["POST"])
def login():
    app.logger.info("login attempt: %s", request.form.to_dict())
    session["user_id"] = 42
    session["csrf_nonce"] = uuid.uuid4().hex
    return jsonify(ok=True)


@app.route("/cb")
def cb():
    app.logger.info("oauth callback args=%s", request.args.to_dict())
    app.logger.debug("exchanging code with config %s", OAUTH)
    return jsonify(ok=True)


@app.route("/api/profile")
def profile():
    app.logger.info("profile for user %s request_id=%s", session.get("user_id"), request.headers.get("X-Request-Id"))
    return jsonify(id=42, token=None, password_reset_pending=False)


@app.route("/api/search")
def search():
    app.logger.info("search q=%r page=%s token_count=%d", request.args.get("q"), request.args.get("page"), 5)
    return jsonify(results=[], next_token=None)


@app.route("/health")
def health():
    return "ok"


@app.route("/static/<path:p>")
def static_file(p):
    return "", 404


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=False)
