"""Issue 11, class 7: credential-bearing URL paths in access logs.

The same kind of traffic (email links /reset/<uidb64>/<token>/, /verify/, /confirm/, /activate/,
/magic/, /invite/, /login/ + token, and clean /users/42/, /static/app.3f9a1c.js, /orders/2024-11/)
sent to four real servers, each with fresh tokens; their logs are concatenated in this order:
werkzeug dev server (paths_app.py), gunicorn 27 (--access-logfile -, default format), nginx 1.22
(Debian's nginx-light, `combined` access_log, proxying to gunicorn; then its error log), and Express
+ morgan('combined') (gen_paths_morgan.js). Clicks come from mail clients and browsers, with referers.
"""
import base64
import hashlib
import hmac
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import common as c

NAME = "access_paths"
S = c.Secrets(NAME)
UAS = ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
       "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
       "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17726; Pro)", "GoogleImageProxy", "curl/8.5.0"]
REFS = [None, None, "https://mail.google.com/", "https://outlook.live.com/"]


def jwt_hs256(payload):
    b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
    h = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    p = b(json.dumps(payload).encode())
    sig = b(hmac.new(os.urandom(32), (h + "." + p).encode(), hashlib.sha256).digest())
    return h + "." + p + "." + sig


def plan(n=48):
    """[path, user agent, referer]; about 60 % carry a token."""
    out = []
    for i in range(n):
        k = i % 12
        ua, ref = random.choice(UAS), random.choice(REFS)
        if k == 0:
            uid = base64.urlsafe_b64encode(str(random.randint(2, 9000)).encode()).rstrip(b"=").decode()
            tok = S.add("c" + c.rand(5, c.LOW + c.DIG) + "-" + os.urandom(16).hex())
            out.append(["/reset/%s/%s/" % (uid, tok), ua, ref])
        elif k == 1:
            out.append(["/verify/" + S.add(c.rand(43, c.URLSAFE)), ua, ref])
        elif k == 2:
            out.append(["/users/%d/" % random.choice([42, 7, 1234]), ua, None])
        elif k == 3:
            out.append(["/confirm/" + S.add(c.rand(40)), ua, ref])
        elif k == 4:
            out.append(["/activate/" + S.add(c.rand(32, c.URLSAFE)), ua, ref])
        elif k == 5:
            out.append([random.choice(["/static/app.3f9a1c.js", "/static/vendor.8c2e4b1f.css", "/static/js/main.0a1b2c3d.chunk.js"]), ua,
                        "https://shop.example/"])
        elif k == 6:
            out.append(["/magic/" + S.add(jwt_hs256({"sub": str(random.randint(1, 999)), "purpose": "login",
                                                     "exp": int(time.time()) + 900})), ua, ref])
        elif k == 7:
            out.append(["/orders/%s/" % random.choice(["2024-11", "2024-10", "2023-12"]), ua, None])
        elif k == 8:
            out.append(["/invite/" + S.add(c.rand(22)), ua, ref])
        elif k == 9:
            out.append(["/login/" + S.add(c.rand(36, c.URLSAFE)), ua, ref])
        elif k == 10:
            out.append(["/healthz", "kube-probe/1.30", None])
        else:
            # an expired link (the app answers 410) and a verify route without its token
            out.append(["/verify/x" + S.add(c.rand(30, c.URLSAFE)), ua, ref] if i % 24 == 11 else ["/verify/", ua, None])
    return out


def drive(base, paths):
    for p, ua, ref in paths:
        h = {"User-Agent": ua}
        if ref:
            h["Referer"] = ref
        try:
            urllib.request.urlopen(urllib.request.Request(base + p, headers=h), timeout=10).read()
        except urllib.error.HTTPError as e:
            e.read()
        time.sleep(0.005)


def wait(url):
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)


def main():
    env = {"PATH": os.path.dirname(sys.executable) + ":/usr/sbin:/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8",
           "PYTHONUNBUFFERED": "1"}
    tmp = tempfile.mkdtemp(prefix="scrubd-paths-")
    os.chmod(tmp, 0o777)
    parts = []
    # 1. werkzeug dev server
    port = c.free_port()
    f = os.path.join(tmp, "werkzeug.log")
    p = subprocess.Popen([sys.executable, "paths_app.py", str(port)], cwd=c.HERE, env=env, stdout=open(f, "wb"), stderr=subprocess.STDOUT)
    wait("http://127.0.0.1:%d/healthz" % port)
    drive("http://127.0.0.1:%d" % port, plan())
    p.terminate()
    p.wait(10)
    parts.append(f)
    # 2. gunicorn, then 3. nginx in front of it
    gport, nport = c.free_port(), c.free_port()
    g = os.path.join(tmp, "gunicorn.log")
    gp = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-b", "127.0.0.1:%d" % gport, "-w", "1",
                           "--access-logfile", "-", "--error-logfile", "-", "paths_app:app"],
                          cwd=c.HERE, env=env, stdout=open(g, "wb"), stderr=subprocess.STDOUT)
    wait("http://127.0.0.1:%d/healthz" % gport)
    drive("http://127.0.0.1:%d" % gport, plan())
    conf = os.path.join(tmp, "nginx.conf")
    open(conf, "w").write("""daemon off;
worker_processes 1;
pid %(t)s/nginx.pid;
error_log %(t)s/nginx-error.log notice;
events { worker_connections 64; }
http {
    access_log %(t)s/nginx-access.log combined;
    client_body_temp_path %(t)s/body; proxy_temp_path %(t)s/proxy; fastcgi_temp_path %(t)s/fcgi;
    uwsgi_temp_path %(t)s/uwsgi; scgi_temp_path %(t)s/scgi;
    server {
        listen 127.0.0.1:%(n)d;
        server_name shop.example;
        location / {
            proxy_pass http://127.0.0.1:%(g)d;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }
    }
}
""" % {"t": tmp, "n": nport, "g": gport})
    ngx = subprocess.Popen(["/usr/sbin/nginx", "-c", conf, "-p", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait("http://127.0.0.1:%d/healthz" % nport)
    drive("http://127.0.0.1:%d" % nport, plan())
    ngx.terminate()
    ngx.wait(10)
    gp.terminate()
    gp.wait(10)
    parts += [g, os.path.join(tmp, "nginx-access.log"), os.path.join(tmp, "nginx-error.log")]
    # 4. Express + morgan
    m = os.path.join(tmp, "morgan.log")
    subprocess.run(["node", "gen_paths_morgan.js", json.dumps(plan())], cwd=c.HERE, stdout=open(m, "wb"), stderr=subprocess.STDOUT,
                   check=True, timeout=120)
    parts.append(m)
    with open(c.raw_path(NAME), "wb") as out:
        for part in parts:
            out.write(open(part, "rb").read())
    shutil.rmtree(tmp, ignore_errors=True)
    S.save()


main()
