"""A WSGI app whose routes carry credentials in the path (email links), served by gen_access_paths.py
through the werkzeug dev server, gunicorn and nginx -> gunicorn."""
import sys

from flask import Flask, redirect

app = Flask(__name__)


@app.get("/reset/<uidb64>/<token>/")
def reset(uidb64, token):
    return redirect("/reset/%s/set-password/" % uidb64)


@app.get("/reset/<uidb64>/set-password/")
def set_password(uidb64):
    return "set a new password"


@app.get("/<any(verify, confirm, activate, magic, invite, login):kind>/<token>")
def link(kind, token):
    if token.startswith("x"):
        return "link expired", 410
    return redirect("/welcome" if kind != "login" else "/dashboard")


@app.get("/users/<int:uid>/")
def user(uid):
    return {"id": uid}


@app.get("/orders/<month>/")
def orders(month):
    return {"month": month, "orders": []}


@app.get("/static/<path:name>")
def static_file(name):
    return "/* %s */" % name, 200, {"Content-Type": "application/javascript"}


@app.get("/welcome")
@app.get("/dashboard")
@app.get("/healthz")
def plain():
    return "ok"


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
