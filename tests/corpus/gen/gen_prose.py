"""Issue 11, class 6: secrets in prose log messages, and ordinary prose that must stay.

Real Flask app (prose_app.py) on the werkzeug dev server; its app.logger (Flask's default handler
and format) writes sentences such as "could not verify token …", "rejected unknown client secret … for
client …", "login failed for bob with password …", "using api key … for merchant …", next to
"token expired for user 42", "password too short", "secret rotation scheduled", "session started for
alice", "Authorization header missing", "jwt expired". Credentials travel in JSON bodies, so the
werkzeug access lines are clean.
"""
import json
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.request

import common as c

NAME = "prose"
S = c.Secrets(NAME)
port = c.free_port()
base = "http://127.0.0.1:%d" % port
env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}
raw = open(c.raw_path(NAME), "wb")
proc = subprocess.Popen([sys.executable, "prose_app.py", str(port)], cwd=c.HERE, env=env, stdout=raw, stderr=subprocess.STDOUT)

# passwords people type (human-like), and generated ones
HUMAN = ["hunter2!", "Summer2024!", "letmein123", "P@ssw0rd1", "dragon#77x", "Tr0ub4dor&3", "iloveyou2", "qwerty!23",
         "Welcome1!", "correcthorse9", "Baseball#22", "monkey-2010", "s3cr3tpass", "Passw0rd!", "sunshine88!"]
NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]


def post(path, body):
    r = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                               headers={"Content-Type": "application/json", "User-Agent": "python-requests/2.32.3"})
    try:
        urllib.request.urlopen(r, timeout=10).read()
    except urllib.error.HTTPError as e:
        e.read()
    time.sleep(0.005)


try:
    for _ in range(100):
        try:
            post("/setup", {})
            break
        except Exception:
            time.sleep(0.2)
    good = [c.rand(40, c.URLSAFE) for _ in range(3)]
    clients = {"web-app": c.rand(40, c.URLSAFE), "ios": c.rand(32)}
    users = {n: c.password() for n in NAMES}
    post("/setup", {"tokens": good, "clients": clients, "users": users})
    human = HUMAN[:]
    random.shuffle(human)
    for i in range(150):
        k = i % 15
        if k == 0:
            post("/api/verify", {"token": S.add(random.choice(["9fQ", "eyJ", "tok_", ""]) + c.rand(c.random_len(24, 40), c.URLSAFE))})
        elif k == 1:
            post("/api/verify", {"token": random.choice(good), "user": random.randint(1, 500)})
        elif k == 2:
            post("/oauth/token", {"client_id": random.choice(["web-app", "ios"]), "client_secret": S.add(random.choice(["Zx-", "", "cs_"]) + c.rand(c.random_len(28, 40), c.URLSAFE))})
        elif k == 3:
            post("/oauth/token", {"client_id": random.choice(["web-app", "ios", "partner-42"]), "client_secret": "n/a"} if i % 2 else
                 {"client_id": "web-app", "client_secret": clients["web-app"]})
        elif k == 4:
            pw = human.pop() if human else c.password()
            post("/login", {"username": random.choice(NAMES), "password": S.add(pw)})
        elif k == 5:
            n = random.choice(NAMES)
            post("/login", {"username": n, "password": users[n]})
        elif k == 6:
            post("/login", {"username": random.choice(NAMES), "password": "abc"})
        elif k == 7:
            post("/charge", {"api_key": S.add(c.api_key(random.choice(["stripe", "openai", "sendgrid", "generic"]))), "merchant": "acct_%d" % random.randint(100, 999)})
        elif k == 8:
            post("/charge", {"merchant": "acct_%d" % random.randint(100, 999)})
        elif k == 9:
            post("/api/verify", {"token": "expired", "user": random.randint(1, 500)})
        elif k == 10:
            post("/refresh", {"refresh_token": S.add(c.refresh_token()), "revoke": True, "user": random.randint(1, 500)})
        elif k == 11:
            post("/refresh", {"user": random.randint(1, 500)})
        elif k == 12:
            post("/password-reset", {"token": S.add(c.rand(c.random_len(20, 43), c.URLSAFE))} if i % 2 else
                 {"email": random.choice(NAMES) + "@example.com"})
        elif k == 13:
            post("/admin/rotate", {"client_id": random.choice(["web-app", "ios"])})
        else:
            post("/login", {"username": random.choice(NAMES), "password": "whatever1", "attempts": 6})
finally:
    proc.terminate()
    proc.wait(10)
    raw.close()
S.save()
