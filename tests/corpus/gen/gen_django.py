"""Real Django runserver; requests made with urllib; captures django.server/django.request/app logs."""
import json
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

NAME = "django"
S = c.Secrets(NAME)
port = c.free_port()
base = "http://127.0.0.1:%d" % port

db_pw = S.add(c.password())
secret_key = S.add("django-insecure-" + c.rand(50, "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"))
env = {
    "PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin",
    "HOME": "/home/app",
    "LANG": "C.UTF-8",
    "PYTHONUNBUFFERED": "1",
    "PYTHONPATH": c.HERE,
    "DJANGO_SETTINGS_MODULE": "djproj.settings",
    "DJANGO_SECRET_KEY": secret_key,
    "DATABASE_URL": "postgres://webapp:%s@db.internal:5432/webapp" % urllib.parse.quote(db_pw, safe=""),
    "APP_ENV": "staging",
    "GIT_SHA": uuid.uuid4().hex + uuid.uuid4().hex[:8],
}
raw = open(c.raw_path(NAME), "wb")
proc = subprocess.Popen([sys.executable, "-m", "django", "runserver", "127.0.0.1:%d" % port, "--noreload"],
                        cwd=c.HERE, env=env, stdout=raw, stderr=subprocess.STDOUT)


def req(method, path, headers=None, data=None):
    h = {"User-Agent": random.choice(["Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
                                      "python-requests/2.32.3", "curl/8.5.0"])}
    h.update(headers or {})
    r = urllib.request.Request(base + path, method=method, headers=h, data=data)
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            resp.read()
    except urllib.error.HTTPError as e:
        e.read()
    time.sleep(0.01)


try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            break
        except Exception:
            time.sleep(0.2)
    random.seed()
    for i in range(180):
        k = i % 12
        if k == 0:
            tok, key = S.add(c.opaque_token()), S.add(c.api_key())
            req("GET", "/api/items?" + urllib.parse.urlencode({"token": tok, "api_key": key, "page": 1}))
        elif k == 1:
            req("GET", "/api/items?" + urllib.parse.urlencode({"page": i, "limit": 50, "sort": "-created_at", "trace_id": str(uuid.uuid4())}))
        elif k == 2:
            sid, csrf = S.add(c.rand(32, c.LOW + c.DIG)), S.add(c.rand(64))
            bearer = S.add(c.opaque_token())
            req("GET", "/api/me", {"Authorization": "Bearer " + bearer, "Cookie": "sessionid=%s; csrftoken=%s" % (sid, csrf),
                                   "X-Request-ID": str(uuid.uuid4())})
        elif k == 3:
            req("GET", "/api/me", {"X-Request-ID": str(uuid.uuid4()), "Accept": "application/json"})
        elif k == 4:
            pw, csrf = S.add(c.password()), S.add(c.rand(64))
            req("POST", "/accounts/login", {"Content-Type": "application/x-www-form-urlencoded", "Cookie": "csrftoken=" + csrf},
                urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": "alice%d" % i, "password": pw}).encode())
        elif k == 5:
            req("GET", "/accounts/password-reset?uid=%d" % i)
        elif k == 6:
            whsec = S.add("whsec_" + c.rand(32))
            body = json.dumps({"id": "evt_" + c.rand(24), "type": "customer.created", "data": {"object": {"id": "cus_" + c.rand(14)}}})
            req("POST", "/hooks/stripe", {"Content-Type": "application/json", "X-Webhook-Secret": whsec}, body.encode())
        elif k == 7:
            req("GET", "/healthz")
        elif k == 8:
            req("GET", random.choice(["/wp-login.php", "/.env", "/api/v2/items", "/favicon.ico"]))
        elif k == 9:
            code = S.add(c.rand(40, c.URLSAFE))
            req("GET", "/api/items?" + urllib.parse.urlencode({"code": code, "state": str(uuid.uuid4())}))
        elif k == 10:
            u, p = "svc-%d" % i, S.add(c.password())
            S.add(c.basic(u, p))
            req("GET", "/api/me", {"Authorization": "Basic " + c.basic(u, p)})
        else:
            if i % 24 == 11:
                req("GET", "/api/export")
            else:
                req("GET", "/api/items?" + urllib.parse.urlencode({"q": "token_count=5", "max_tokens": 4096}))
finally:
    proc.terminate()
    proc.wait(10)
    raw.close()
S.save()
