"""ANSI-coloured log output (ESC [ ... m around keys and values), as it ends up in files, journald,
`docker logs` and CloudWatch when colour is on.

Every part really runs the library; how colour got turned on is stated for each:

  structlog  structlog's built-in defaults (no configure()): its default ConsoleRenderer enables
             colours when sys.stdout.isatty(); run under a pty (os.openpty, 240x50), so they are on.
             Key/value events, a nested dict kwarg, a bound logger carrying `authorization`, and
             log.exception() whose default rich traceback shows the frame's locals.
  loguru     the default handler (sys.stderr, colorize=None: loguru's own isatty() check, under the
             pty) and logger.opt(colors=True) markup; then a sink added with colorize=True and a
             format printing `{extra}` (bind()/contextualize()), and logger.exception() with the
             default diagnose=True (values of variables under the traceback).
  rich       logging.basicConfig(handlers=[RichHandler()]) as rich's docs show it; rich's Console
             detects the pty (240 columns, so lines are not wrapped) and highlights the message
             with its ReprHighlighter (dict reprs, `key=value`, URLs, numbers inside tokens).
  werkzeug   Flask app.run() dev server under the pty. werkzeug does not look at the terminal: on
             POSIX `_log_add_style` is always True and log_request() colours the request line of
             every non-200 response (304 cyan, 3xx green, 404 yellow, 4xx bold red, 5xx bold
             magenta); 200 lines stay plain.
  django     `runserver --noreload` of a one-file project under the pty: django.server's
             ServerFormatter colours by status when django.core.management.color.supports_color()
             (sys.stdout.isatty()) says so.
  node       gen_ansi.js, forced colour without a terminal: console.log(util.inspect(obj, {colors:
             true, depth: null, breakLength: Infinity})); the debug module with DEBUG_COLORS=1
             (its documented switch; %o is util.inspect with colours); pino with pino-pretty as
             its destination stream ({colorize: true}).
  docker     NOT a Docker run (no daemon here: `docker info` says "Cannot connect to the Docker
             daemon"). Lines captured above, encoded as Docker's json-file driver stores them
             (moby daemon/logger/jsonfilelog/jsonlog: ffjsonWriteJSONBytesAsString escapes ESC as
             \\u001b, < > & as \\u003c \\u003e \\u0026, other control bytes as \\u00XX, \\n and \\r
             as such): the werkzeug and django output as from `docker run -t` (a tty: lines end
             \\r\\n, stream stdout), the debug output as stream stderr and pino-pretty's as stdout
             (no tty: \\n). `time` is the capture time plus a few ms per line (RFC3339Nano).
"""
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import common as c

NAME = "ansi"
COLS, ROWS = 240, 50


# ---------------------------------------------------------------- children (run under a pty)

def child_structlog():
    s = _planted()
    import structlog  # built-in defaults: colours because stdout is a tty

    log = structlog.get_logger("auth")
    for i, it in enumerate(s["structlog"]):
        log.info("login", user=it["user"], password=it["password"], api_key=it["api_key"], session_token=it["session"])
        log.info("login", user=it["user"], password="[REDACTED]", mfa=False, ip="10.0.%d.17" % i)
        log.debug("oauth exchange", params={"client_id": "web-app", "client_secret": it["client_secret"],
                                            "grant_type": "refresh_token", "refresh_token": it["refresh"]})
        log.debug("oauth exchange", params={"client_id": "web-app", "grant_type": "authorization_code", "scope": "openid email"})
        req = log.bind(request_id=str(uuid.uuid4()), authorization="Bearer " + it["bearer"])
        req.info("request started", method="GET", path="/api/me")
        req.warning("upstream slow", upstream="billing", elapsed_ms=812 + i)
        log.info("request finished", request_id=str(uuid.uuid4()), status=200, elapsed_ms=14 + i)
        log.info("usage", token_count=3, password_changed=True, auth_method="password", user_id=40 + i)
        log.warning("login failed", user="carol", reason="bad password", attempts=3 + i)
        log.info("api key rotated", key_id="key_%d" % (1000 + i), sha256=c.secrets.token_hex(32))

    x = s["structlog_exc"]
    _checkout(log, "cus_%d" % random.randint(1000, 9999), x["card_token"], x["stripe_key"])
    log.info("payment retried", customer_id=42, attempts=2, token_count=3)


def _charge(customer, card_token, stripe_key):
    amount = 4200
    raise RuntimeError("card declined for %s" % customer)


def _checkout(log, customer, card_token, stripe_key):
    try:
        _charge(customer, card_token, stripe_key)
    except RuntimeError:
        log.exception("payment failed")


def child_loguru():
    s = _planted()
    from loguru import logger  # default handler: sys.stderr, colorize=None -> isatty() (the pty)

    for i, it in enumerate(s["loguru"]):
        logger.info("user {} logged in with password={}", it["user"], it["password"])
        logger.info("user {} logged in with password=[REDACTED]", it["user"])
        logger.opt(colors=True).info("refresh token <yellow>{}</yellow> issued for <cyan>{}</cyan>", it["refresh"], it["user"])
        logger.opt(colors=True).info("token_count=<yellow>{}</yellow> for <cyan>{}</cyan>", 3 + i, it["user"])
        logger.debug("calling billing with Authorization: Bearer {}", it["bearer"])
        logger.debug("calling billing, request_id={}", uuid.uuid4())
    logger.remove()
    logger.add(sys.stdout, colorize=True, level="DEBUG",
               format="<green>{time:YYYY-MM-DD HH:mm:ss.SSS}</green> <level>{level: <7}</level> "
                      "<magenta>{name}</magenta> {message} <dim>{extra}</dim>")
    for i, it in enumerate(s["loguru"]):
        logger.bind(api_key=it["api_key"], user_id=40 + i).info("charge created")
        logger.bind(user_id=40 + i, plan="pro", token_count=3).info("charge created")
        with logger.contextualize(authorization="Bearer " + it["bearer"], request_id=str(uuid.uuid4())):
            logger.info("GET /api/me 200")
        with logger.contextualize(authorization="[REDACTED]", request_id=str(uuid.uuid4())):
            logger.info("GET /api/me 200")

    stripe_key = s["loguru_exc"]
    _pay(logger, 42, stripe_key)


def _bill(customer, api_key):
    amount = 4200
    return amount / (customer - customer)


def _pay(logger, customer, api_key):
    try:
        _bill(customer, api_key)
    except ZeroDivisionError:
        logger.exception("charge failed")


def child_rich():
    s = _planted()
    import logging

    from rich.logging import RichHandler  # Console() detects the pty

    logging.basicConfig(level="NOTSET", format="%(message)s", datefmt="[%X]", handlers=[RichHandler()])
    log = logging.getLogger("api")
    for i, it in enumerate(s["rich"]):
        log.info("login payload %s", {"username": it["user"], "password": it["password"], "remember": True})
        log.info("login payload %s", {"username": it["user"], "password": "[REDACTED]", "remember": False})
        log.debug("headers %r", {"Authorization": "Bearer " + it["bearer"], "Cookie": "session=" + it["cookie"], "Accept": "application/json"})
        log.debug("headers %r", {"Accept": "application/json", "X-Request-Id": str(uuid.uuid4()), "If-None-Match": '"%s"' % c.secrets.token_hex(8)})
        log.info("using api_key=%s client_secret=%s", it["api_key"], it["client_secret"])
        log.info("token_count=%d max_tokens=%d auth_method=%s", 3 + i, 4096, "password")
        log.warning("connecting to postgresql://app:%s@db.internal:5432/app", it["db"])
        log.warning("connecting to postgresql://db.internal:5432/app (sslmode=require), pool_size=%d", 5 + i)


def child_werkzeug():
    s = _planted()
    from flask import Flask, abort, redirect, request

    app = Flask("shop", static_folder=None)

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/oauth/callback")
    def cb():
        return redirect("/dashboard")

    @app.get("/api/items")
    def items():
        if request.args.get("token") or request.args.get("api_key"):
            abort(401)
        return {"items": []}

    @app.get("/download/<name>")
    def download(name):
        abort(404)

    @app.get("/export")
    def export():
        raise RuntimeError("export failed")

    @app.get("/static/<path:p>")
    def static_file(p):
        return "", 304

    @app.get("/reset")
    def reset():
        abort(400)

    import logging
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    app.logger.disabled = True  # the 500's traceback is not what this stack is about
    app.run(host="127.0.0.1", port=int(sys.argv[3]))


def child_django():
    s = _planted()
    import django
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.http import HttpResponse, HttpResponseNotModified, HttpResponseRedirect
    from django.urls import path

    def login(request):
        return HttpResponseRedirect("/dashboard/")

    def api(request):
        return HttpResponse("unauthorized", status=401)

    def static(request, p):
        return HttpResponseNotModified()

    def health(request):
        return HttpResponse("ok")

    sys.modules["__main__"].urlpatterns = [path("accounts/login/", login), path("api/orders/", api),
                                           path("static/<path:p>", static), path("healthz", health)]
    settings.configure(DEBUG=False, SECRET_KEY=s["django_secret_key"], ALLOWED_HOSTS=["127.0.0.1"],
                       ROOT_URLCONF="__main__", INSTALLED_APPS=[], MIDDLEWARE=[], DATABASES={}, USE_TZ=True)
    django.setup()
    execute_from_command_line(["manage.py", "runserver", "--noreload", "127.0.0.1:%s" % sys.argv[3]])


CHILDREN = {"structlog": child_structlog, "loguru": child_loguru, "rich": child_rich,
            "werkzeug": child_werkzeug, "django": child_django}


# ---------------------------------------------------------------- parent

def run_pty(args, env, driver=None):
    """Run args with stdin/stdout/stderr on a pty slave (COLS x ROWS); returns what it wrote."""
    import fcntl
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    p = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=c.HERE, start_new_session=True)
    os.close(slave)
    buf = bytearray()

    def reader():
        while True:
            try:
                d = os.read(master, 65536)
            except OSError:
                break
            if not d:
                break
            buf.extend(d)

    t = threading.Thread(target=reader)
    t.start()
    try:
        if driver:
            driver()
            time.sleep(0.3)
            p.terminate()
        p.wait(60)
    finally:
        if p.poll() is None:
            p.kill()
        t.join(10)
        os.close(master)
    return bytes(buf)


def wait_up(base):
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit("server did not come up: " + base)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(base, pathq, headers=None):
    r = urllib.request.Request(base + pathq, headers=dict({"User-Agent": "curl/8.5.0"}, **(headers or {})))
    try:
        _opener.open(r, timeout=10).read()
    except urllib.error.HTTPError as e:
        e.read()
    time.sleep(0.01)


def gojson_log(b):
    """moby's ffjsonWriteJSONBytesAsString (jsonfilelog), for the `log` field."""
    out = bytearray(b'"')
    i = 0
    s = b.decode("utf-8", "replace").encode("utf-8")
    while i < len(s):
        ch = s[i]
        if ch < 0x80:
            if ch >= 0x20 and ch not in b'\\"<>&':
                out.append(ch)
            elif ch in b'\\"':
                out += b"\\" + bytes([ch])
            elif ch == 0x0A:
                out += b"\\n"
            elif ch == 0x0D:
                out += b"\\r"
            else:
                out += b"\\u00%02x" % ch
            i += 1
            continue
        n = 2 if ch < 0xE0 else 3 if ch < 0xF0 else 4
        cp = s[i:i + n].decode("utf-8")
        out += (b"\\u202" + b"%x" % (ord(cp) & 0xF)) if cp in "\u2028\u2029" else s[i:i + n]
        i += n
    return bytes(out + b'"')


def docker_lines(chunk, stream, t0, tty=False):
    """chunk as the json-file driver stores it; tty: the container had a terminal (docker run -t), so
    its lines end in \\r\\n (what the pty capture holds)."""
    eol = b"\r\n" if tty else b"\n"
    lines = chunk.split(eol)
    if lines[-1] == b"":
        lines.pop()
    out = []
    ns = t0
    for line in lines:
        ns += random.randint(1_000_000, 9_000_000)
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 10**9)) + (".%09d" % (ns % 10**9)).rstrip("0") + "Z"
        out.append(b'{"log":' + gojson_log(line + eol) + b',"stream":"' + stream.encode() + b'","time":"' + ts.encode() + b'"}\n')
    return b"".join(out)


def main():
    S = c.Secrets(NAME)
    users = ["alice", "bob", "carol", "dave", "erin", "frank"]

    def hard_pw():
        # ASCII password with characters JSON and Docker's json-file encoding escape: " \ < > &
        # (no single quote: util.inspect would then switch to "..." or `...` quoting)
        body = list(c.rand(c.random_len(12, 18)))
        for ch in [random.choice("<&")] + random.sample(['"', "\\", ">", "&"], 2):
            body.insert(1 + random.randrange(len(body) - 1), ch)
        return "".join(body)

    s = {
        "structlog": [dict(user=users[i], password=S.add(random.choice([c.password(), c.human_password()])),
                           api_key=S.add(c.api_key()), session=S.add(c.opaque_token()),
                           client_secret=S.add(c.rand(40, c.URLSAFE)), refresh=S.add(c.refresh_token()),
                           bearer=S.add(c.opaque_token("ya29."))) for i in range(4)],
        "structlog_exc": dict(card_token=S.add("tok_" + c.rand(24)), stripe_key=S.add(c.api_key("stripe"))),
        "loguru": [dict(user=users[i], password=S.add(random.choice([c.password(), c.human_password(), hard_pw()])),
                        refresh=S.add(c.refresh_token()), bearer=S.add(c.opaque_token()),
                        api_key=S.add(c.api_key())) for i in range(4)],
        "loguru_exc": S.add(c.api_key("stripe")),
        "rich": [dict(user=users[i], password=S.add(random.choice([c.password(), c.human_password()])),
                      bearer=S.add(c.opaque_token()), cookie=S.add(c.rand(32, c.URLSAFE)),
                      api_key=S.add(c.api_key()), client_secret=S.add(c.rand(36, c.URLSAFE)),
                      db=S.add(c.password(symbols="!*-_.~"))) for i in range(4)],
        "django_secret_key": "django-insecure-" + c.rand(50, c.LOW + c.DIG + "!@#$^*(-_=+)"),  # never printed
    }
    env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8",
           "TERM": "xterm-256color", "PYTHONUNBUFFERED": "1", "SCRUBD_ANSI": json.dumps(s)}
    me = os.path.abspath(__file__)
    parts = {}
    for mode in ("structlog", "loguru", "rich"):
        parts[mode] = run_pty([sys.executable, me, "--child", mode], env)

    # werkzeug dev server
    port = c.free_port()
    base = "http://127.0.0.1:%d" % port
    wz = [dict(code=S.add(c.rand(30, c.URLSAFE)), state=c.secrets.token_hex(8), token=S.add(c.opaque_token()),
               api_key=S.add(c.api_key(random.choice(["google", "generic", "openai"]))),
               reset=S.add(c.rand(c.random_len(20, 43), c.URLSAFE)))
          for _ in range(3)]

    def drive_wz():
        wait_up(base)
        for i, w in enumerate(wz):
            get(base, "/oauth/callback?code=%s&state=%s" % (w["code"], w["state"]))
            get(base, "/oauth/callback?error=access_denied&state=%s" % w["state"])
            get(base, "/api/items?token=%s&page=%d" % (w["token"], i + 1))
            get(base, "/api/items?page=%d&token_count=3&sort=-created_at" % (i + 2))
            get(base, "/download/report-%d.csv?api_key=%s" % (i, w["api_key"]))
            get(base, "/download/report-%d.csv?sha256=%s" % (i, c.secrets.token_hex(32)))
            get(base, "/export?format=csv&api_key=%s&token=%s" % (w["api_key"], w["token"]))
            get(base, "/export?format=csv&request_id=%s" % uuid.uuid4())
            get(base, "/static/app.%s.js" % c.secrets.token_hex(6), {"If-None-Match": '"%s"' % c.secrets.token_hex(8)})
            get(base, "/reset?token=%s" % w["reset"])
            get(base, "/reset?token=")
        get(base, "/healthz")

    t_wz = time.time_ns()
    parts["werkzeug"] = run_pty([sys.executable, me, "--child", "werkzeug", str(port)], env, drive_wz)

    # django runserver
    port = c.free_port()
    base = "http://127.0.0.1:%d" % port
    dj = [dict(token=S.add(c.opaque_token()), api_key=S.add(c.api_key(random.choice(["stripe", "sendgrid", "generic"]))),
               code=S.add(c.rand(30, c.URLSAFE))) for _ in range(3)]

    def drive_dj():
        wait_up(base)
        for i, d in enumerate(dj):
            get(base, "/accounts/login/?next=/orders/&token=%s" % d["token"])
            get(base, "/accounts/login/?next=/orders/%d/" % (40 + i))
            get(base, "/api/orders/?api_key=%s&page=%d" % (d["api_key"], i + 1))
            get(base, "/api/orders/?page=%d&token_count=3" % (i + 1))
            get(base, "/oauth/complete/?code=%s&state=%s" % (d["code"], c.secrets.token_hex(8)))
            get(base, "/users/%d/" % (40 + i))
            get(base, "/static/app.%s.css" % c.secrets.token_hex(6))

    t_dj = time.time_ns()
    parts["django"] = run_pty([sys.executable, me, "--child", "django", str(port)], env, drive_dj)

    # node: util.inspect, debug, pino-pretty (forced colour, no terminal)
    nd = {
        "inspect": [dict(bearer=S.add(c.opaque_token()), sid=S.add("s%3A" + c.rand(32, c.URLSAFE) + "." + c.rand(43, c.URLSAFE)),
                         password=S.add(random.choice([c.password(), c.human_password(), hard_pw()])),
                         api_key=S.add(c.api_key())) for _ in range(4)],
        "debug": [dict(token=S.add(c.opaque_token()), refresh=S.add(c.refresh_token()),
                       password=S.add(hard_pw() if i == 0 else random.choice([c.password(), hard_pw()])),
                       api_key=S.add(c.api_key()), session_id=S.add(str(uuid.uuid4()))) for i in range(3)],
        "pino": [dict(password=S.add(random.choice([c.password(), c.human_password(), hard_pw()])), api_key=S.add(c.api_key()),
                      bearer=S.add(c.opaque_token()), sid=S.add("s%3A" + c.rand(32, c.URLSAFE) + "." + c.rand(43, c.URLSAFE)))
                 for _ in range(2)],
    }
    nenv = {"PATH": os.path.dirname(sys.executable) + ":/usr/local/bin:/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8",
            "SCRUBD_ANSI": json.dumps(nd), "DEBUG": "app:*", "DEBUG_COLORS": "1"}
    t_node = time.time_ns()
    for mode in ("inspect", "debug", "pino"):
        r = subprocess.run([shutil.which("node"), "gen_ansi.js", mode], cwd=c.HERE, env=nenv, capture_output=True, timeout=60)
        assert r.returncode == 0, r.stderr.decode()
        parts[mode] = r.stdout if mode != "debug" else r.stderr

    docker = (docker_lines(parts["werkzeug"], "stdout", t_wz, tty=True)
              + docker_lines(parts["django"], "stdout", t_dj, tty=True)
              + docker_lines(parts["debug"], "stderr", t_node)
              + docker_lines(parts["pino"], "stdout", t_node + 40_000_000))

    with open(c.raw_path(NAME), "wb") as f:
        for mode in ("structlog", "loguru", "rich", "werkzeug", "django", "inspect", "debug", "pino"):
            f.write(parts[mode])
        f.write(docker)
    S.save()


def _child():
    # (loguru's backtrace shows the values of the names on each line of the stack: the children
    # read the planted values themselves, so the dict of all of them is on none of those lines)
    mode = sys.argv[2]
    CHILDREN[mode]()


def _planted():
    return json.loads(os.environ["SCRUBD_ANSI"])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child()
    else:
        main()
