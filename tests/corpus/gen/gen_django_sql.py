"""Issue 11, classes 3 and 7: Django SQL debug logs and credential-bearing URL paths.

Real `manage.py runserver` of gen/djsql (SQLite, django.db.backends at DEBUG, database sessions,
Django REST framework TokenAuthentication, console email backend), driven with urllib:
signup (INSERT auth_user with the pbkdf2_sha256 hash in args), login (django_session rows written
and read by session_key), DRF token obtain + Token-authenticated requests (authtoken_token.key),
the password-reset flow (email printed by the console backend, /reset/<uidb64>/<token>/ in the
django.server access log, UPDATE auth_user SET password), plus clean SQL on orders/products.
"""
import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import common as c

NAME = "django_sql"
S = c.Secrets(NAME)
port = c.free_port()
base = "http://127.0.0.1:%d" % port
db = os.path.join(c.OUT, "djsql.sqlite3")
if os.path.exists(db):
    os.remove(db)
env = {
    "PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8",
    "PYTHONUNBUFFERED": "1", "PYTHONPATH": c.HERE, "DJANGO_SETTINGS_MODULE": "djsql.settings", "DJSQL_DB": db,
    "DJANGO_SECRET_KEY": c.rand(50, "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"),
}
# schema (its DDL is logged too, into a side file: it is not part of the captured request traffic)
with open(os.path.join(c.OUT, "djsql.migrate.log"), "wb") as f:
    subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "--noinput"], cwd=c.HERE, env=env,
                   stdout=f, stderr=subprocess.STDOUT, check=True)
    subprocess.run([sys.executable, "-m", "django", "shell", "-c",
                    "from djsql.shop.models import Product\n"
                    "[Product.objects.create(sku='SKU-%04d' % i, name='Widget %d' % i, price_cents=499 * i) for i in range(1, 13)]"],
                   cwd=c.HERE, env=env, stdout=f, stderr=subprocess.STDOUT, check=True)

raw = open(c.raw_path(NAME), "wb")
proc = subprocess.Popen([sys.executable, "-m", "django", "runserver", "127.0.0.1:%d" % port, "--noreload"],
                        cwd=c.HERE, env=env, stdout=raw, stderr=subprocess.STDOUT)


class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def req(self, method, path, data=None, headers=None):
        h = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
        h.update(headers or {})
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        r = urllib.request.Request(base + path, method=method, data=data, headers=h)
        try:
            with self.op.open(r, timeout=30) as resp:
                body, hdrs = resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            body, hdrs = e.read(), e.headers
        for ck in self.jar:  # also the cookies set on redirects urllib followed
            if ck.name in ("sessionid", "csrftoken") and ck.value:
                S.add(ck.value)
        time.sleep(0.01)
        return body

    def csrf(self):
        return next((ck.value for ck in self.jar if ck.name == "csrftoken"), "")


def hashes():
    con = sqlite3.connect(db)
    for (h,) in con.execute("SELECT password FROM auth_user"):
        if h.startswith("pbkdf2_sha256$"):
            S.add(h.split("$", 2)[2])  # salt$hash; the algorithm and iteration count are not secret
    con.close()


try:
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/products/", timeout=1).read()
            break
        except Exception:
            time.sleep(0.2)
    anon = Browser()
    people = [("alice", "Correct-Horse-7!"), ("bob", "hunter2hunter2!"), ("carol", c.password()), ("dave", c.password()),
              ("erin", c.password())]
    for name, pw in people:
        S.add(pw)
        anon.req("POST", "/signup/", {"username": name, "email": "%s@example.com" % name, "password": pw})
    hashes()
    # clean traffic between the flows
    for i in range(4):
        anon.req("POST", "/orders/", {"user_id": 42 + i, "reference": "ORD-2024-11-%05d" % (318 + i), "total_cents": 1299 * (i + 1)})
    anon.req("GET", "/orders/")
    anon.req("GET", "/orders/2024-11/")
    anon.req("GET", "/users/42/")
    anon.req("GET", "/users/1/")
    anon.req("GET", "/products/")
    anon.req("GET", "/static/app.3f9a1c.js")

    # session login flow: django_session INSERT / SELECT / UPDATE / DELETE by session_key
    browsers = {}
    for name, pw in people[:4]:
        b = Browser()
        browsers[name] = b
        b.req("GET", "/login/")
        b.req("POST", "/login/", {"csrfmiddlewaretoken": b.csrf(), "username": name, "password": pw, "next": "/account/"},
              headers={"Referer": base + "/login/"})
        b.req("GET", "/account/")
        b.req("GET", "/api/me/")
        b.req("GET", "/orders/")
    b = Browser()
    b.req("GET", "/login/")
    b.req("POST", "/login/", {"csrfmiddlewaretoken": b.csrf(), "username": "erin", "password": "wrong-" + c.rand(6)},
          headers={"Referer": base + "/login/"})
    browsers["alice"].req("POST", "/logout/", {"csrfmiddlewaretoken": browsers["alice"].csrf()}, headers={"Referer": base + "/account/"})
    browsers["bob"].req("GET", "/account/")

    # DRF TokenAuthentication: authtoken_token.key in SQL
    for name, pw in people[1:4]:
        tok = json.loads(anon.req("POST", "/api/token/", {"username": name, "password": pw}))["token"]
        S.add(tok)
        for _ in range(2):
            anon.req("GET", "/api/me/", headers={"Authorization": "Token " + tok})
        anon.req("GET", "/users/%d/" % (people.index((name, pw)) + 1), headers={"Authorization": "Token " + tok})
    bad = S.add(os.urandom(20).hex())  # the shape DRF generates
    anon.req("GET", "/api/me/", headers={"Authorization": "Token " + bad})
    anon.req("GET", "/api/me/", headers={"Authorization": "Token"})

    # password reset: email on stdout, then the link visited (access log), then the new password set
    sys.stdout.flush()
    for name, pw in people[:2] + [people[4]]:
        rb = Browser()
        rb.req("GET", "/password_reset/")
        rb.req("POST", "/password_reset/", {"csrfmiddlewaretoken": rb.csrf(), "email": "%s@example.com" % name},
               headers={"Referer": base + "/password_reset/"})
        time.sleep(0.3)
        raw.flush()
        links = re.findall(r"http://127\.0\.0\.1:%d/reset/([A-Za-z0-9_-]+)/([0-9a-z]+-[0-9a-f]+)/" % port,
                           open(c.raw_path(NAME)).read())
        uid, token = links[-1]
        S.add(token)
        rb.req("GET", "/reset/%s/%s/" % (uid, token))  # -> 302 /reset/<uid>/set-password/ (token moved to the session)
        newpw = S.add(c.password())
        rb.req("POST", "/reset/%s/set-password/" % uid, {"csrfmiddlewaretoken": rb.csrf(), "new_password1": newpw, "new_password2": newpw},
               headers={"Referer": base + "/reset/%s/set-password/" % uid})
        rb.req("GET", "/reset/done/")
    # a stale and a forged link
    stale = S.add("c" + c.rand(5, c.LOW + c.DIG) + "-" + os.urandom(16).hex())
    anon.req("GET", "/reset/Mg/%s/" % stale)
    anon.req("GET", "/reset/MTA/%s/" % S.add("cm" + c.rand(4, c.LOW + c.DIG) + "-" + os.urandom(16).hex()))
    hashes()
    anon.req("GET", "/orders/2024-10/")
    anon.req("GET", "/users/3/")
finally:
    proc.terminate()
    proc.wait(10)
    raw.close()
S.save()
