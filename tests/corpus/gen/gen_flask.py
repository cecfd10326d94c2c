"""Real Flask app on the werkzeug dev server; requests with urllib; captures werkzeug + app logs."""
import http.cookiejar
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

NAME = "flask"
S = c.Secrets(NAME)
port = c.free_port()
base = "http://127.0.0.1:%d" % port
flask_secret = S.add(c.rand(48, c.URLSAFE))
client_secret = S.add("GOCSPX-" + c.rand(28, c.URLSAFE))
env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}
raw = open(c.raw_path(NAME), "wb")
proc = subprocess.Popen([sys.executable, "flask_app.py", str(port), flask_secret, client_secret],
                        cwd=c.HERE, env=env, stdout=raw, stderr=subprocess.STDOUT)


def req(method, path, headers=None, data=None):
    h = {"User-Agent": random.choice(["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
                                      "python-requests/2.32.3", "okhttp/4.12.0"])}
    h.update(headers or {})
    r = urllib.request.Request(base + path, method=method, headers=h, data=data)
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            resp.read()
            return resp.headers
    except urllib.error.HTTPError as e:
        e.read()
        return e.headers
    finally:
        time.sleep(0.01)


try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/health", timeout=1).read()
            break
        except Exception:
            time.sleep(0.2)
    cookies = []
    for i in range(160):
        k = i % 10
        dump = random.choice(["repr", "str", "dict", "dict"])
        if k == 0:
            code = S.add("4/0A" + c.rand(60, c.URLSAFE))
            req("GET", "/cb?" + urllib.parse.urlencode({"code": code, "state": c.rand(24, c.ALNUM) if False else str(uuid.uuid4()),
                                                        "scope": "email profile openid", "dump": dump}))
        elif k == 1:
            pw = S.add(c.password())
            hdrs = req("POST", "/login", {"Content-Type": "application/x-www-form-urlencoded"},
                       urllib.parse.urlencode({"username": "bob%d" % i, "password": pw, "remember": "1"}).encode())
            sc = hdrs.get("Set-Cookie", "")
            if sc.startswith("session="):
                cookies.append(S.add(sc.split(";")[0].split("=", 1)[1]))
        elif k == 2 and cookies:
            req("GET", "/api/profile?dump=" + dump, {"Cookie": "session=" + cookies[-1], "X-Request-Id": str(uuid.uuid4())})
        elif k == 3:
            tok = S.add(c.opaque_token())
            req("GET", "/api/profile?dump=" + dump, {"Authorization": "Bearer " + tok, "X-Request-Id": str(uuid.uuid4())})
        elif k == 4:
            u, p = "deploy-bot", S.add(c.password())
            S.add(c.basic(u, p))
            req("GET", "/api/profile?dump=" + dump, {"Authorization": "Basic " + c.basic(u, p)})
        elif k == 5:
            req("GET", "/api/search?" + urllib.parse.urlencode({"q": random.choice(["tokenizer", "password reset", "api key rotation"]), "page": i}))
        elif k == 6:
            req("GET", "/health")
        elif k == 7:
            req("GET", "/static/app.%s.js" % uuid.uuid4().hex[:12])
        elif k == 8:
            key = S.add(c.api_key())
            req("GET", "/api/search?" + urllib.parse.urlencode({"q": "x", "api_key": key}))
        else:
            req("GET", "/api/profile", {"X-Request-Id": str(uuid.uuid4()), "Accept": "application/json"})
finally:
    proc.terminate()
    proc.wait(10)
    raw.close()
S.save()
