"""Shared helpers for the scrubd corpus generators.

Every generator writes two files into gen/out/:
  NAME.raw.log        the captured log output, bytes as the stack printed them
  NAME.secrets.json   the list of secret values the generator planted
label.py then turns these into tests/corpus/NAME.log + NAME.labels.jsonl.
"""
import base64
import contextlib
import json
import os
import re
import secrets
import socket
import string

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
os.makedirs(OUT, exist_ok=True)

UP = string.ascii_uppercase
LOW = string.ascii_lowercase
DIG = string.digits
ALNUM = UP + LOW + DIG
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"

_HEXLIKE = re.compile(r"^[0-9a-fA-F-]+$")


def rand(n, alphabet=ALNUM):
    while True:
        s = "".join(secrets.choice(alphabet) for _ in range(n))
        # planted secrets must never look like hex digests / UUIDs / ObjectIds
        if not _HEXLIKE.match(s) and any(c.isdigit() for c in s) and any(c.isalpha() for c in s):
            return s


def aws_access_key_id():
    return "AKIA" + rand(16, UP + "234567")


def aws_temp_access_key_id():
    return "ASIA" + rand(16, UP + "234567")


def aws_secret_access_key():
    return rand(40, B64)


def aws_session_token():
    # shape of a real STS session token: IQoJb3JpZ2luX2Vj... (base64, several hundred chars)
    return "IQoJb3JpZ2luX2VjE" + rand(random_len(380, 520), B64) + "=="


def random_len(a, b):
    return a + secrets.randbelow(b - a + 1)


def password(n=None, symbols="!#$%^*-_.~@"):
    n = n or random_len(12, 20)
    while True:
        s = rand(n, ALNUM + symbols)
        if any(c in symbols for c in s) and any(c.isupper() for c in s):
            return s


def api_key(kind=None):
    kinds = ["stripe", "google", "github", "slack", "generic", "sendgrid", "openai"]
    kind = kind or secrets.choice(kinds)
    if kind == "stripe":
        return "sk_live_" + rand(24)
    if kind == "google":
        return "AIza" + rand(35, URLSAFE)
    if kind == "github":
        return "ghp_" + rand(36)
    if kind == "slack":
        return "xoxb-%d-%d-%s" % (10**11 + secrets.randbelow(9 * 10**11), 10**12 + secrets.randbelow(9 * 10**12), rand(24))
    if kind == "sendgrid":
        return "SG." + rand(22, URLSAFE) + "." + rand(43, URLSAFE)
    if kind == "openai":
        return "sk-proj-" + rand(48, URLSAFE)
    return rand(32)


def opaque_token(prefix=""):
    return prefix + rand(random_len(32, 48), URLSAFE)


def refresh_token():
    return secrets.choice(["1//0", "rt_", "def50200"]) + rand(random_len(40, 64), URLSAFE)


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def basic(user, pw):
    return base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


@contextlib.contextmanager
def moto_server(name):
    """A real moto_server (the venv's) on a free 127.0.0.1 port, its log in out/moto_server_NAME.stderr;
    yields its endpoint URL once it answers, stops it afterwards."""
    import subprocess
    import sys
    import time
    import urllib.request

    endpoint = "http://127.0.0.1:%d" % free_port()
    log = open(os.path.join(OUT, "moto_server_%s.stderr" % name), "w")
    server = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1",
         "-p", endpoint.rsplit(":", 1)[1]],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        server.wait()
        log.close()


class Secrets:
    def __init__(self, name):
        self.name = name
        self.values = []

    def add(self, v):
        assert isinstance(v, str) and len(v) >= 8, v
        if v not in self.values:
            self.values.append(v)
        return v

    def add_code(self, v):
        """A one-time code (`839201`, `4821`): shorter than any other secret, so label.py labels
        it with the characters around each delimited occurrence."""
        assert isinstance(v, str) and 4 <= len(v) < 8 and v.isalnum(), v
        if v not in self.values:
            self.values.append(v)
        return v

    def save(self):
        with open(os.path.join(OUT, self.name + ".secrets.json"), "w") as f:
            json.dump(self.values, f, indent=0)


def botocore_signatures(text):
    """The SigV4 signatures botocore computed and logged (in a query string or header's
    `Signature=`, and the DEBUG line `Signature:` followed by the hex on its own line): they
    are made inside botocore, so a generator can only take them from the captured log."""
    return re.findall(r"Signature=([0-9a-f]{64})", text) + re.findall(
        r"Signature:\n([0-9a-f]{64})(?![0-9a-f])", text)


def raw_path(name):
    return os.path.join(OUT, name + ".raw.log")


_WORDS = ["correct", "horse", "battery", "staple", "hunter", "purple", "monkey", "dragon", "sunshine",
          "autumn", "river", "castle", "tiger", "winter", "coffee", "orange", "falcon", "marble"]


def human_password():
    """A password a person picked: words, a number, maybe a symbol (hunter2!x, correct horse battery staple)."""
    style = secrets.randbelow(3)
    n = 2 + secrets.randbelow(3)
    words = [secrets.choice(_WORDS) for _ in range(n)]
    if style == 0:
        return " ".join(words) + " %d" % (10 + secrets.randbelow(90))
    if style == 1:
        return "".join(w.capitalize() for w in words) + secrets.choice("!?#$@") + str(secrets.randbelow(100))
    return words[0] + str(secrets.randbelow(10)) + secrets.choice("!#$%&") + "".join(secrets.choice(LOW) for _ in range(3))


def nasty_password(n=None):
    """A generated password holding characters every log syntax must escape or quote:
    quotes, backslash, {}()[]<>$#@&, and a non-ASCII letter."""
    hard = ['"', "'", "\\", "{", "}", "(", ")", "[", "]", "<", ">", "$", "#", "@", "&", "%", "é", "ß"]
    n = n or random_len(16, 24)
    body = list(rand(n - 4, ALNUM))
    picks = [secrets.choice(hard) for _ in range(4)]
    for ch in picks:
        body.insert(1 + secrets.randbelow(len(body) - 1), ch)
    return "".join(body)


def start_log(name, fmt, level=10, stream=None):
    """Root logger into NAME.raw.log (or `stream`) with `fmt` (a logging.Formatter or format string)."""
    import logging
    f = stream or open(raw_path(name), "w", newline="\n")
    h = logging.StreamHandler(f)
    h.setFormatter(fmt if isinstance(fmt, logging.Formatter) else logging.Formatter(fmt))
    root = logging.getLogger()
    root.addHandler(h)
    root.setLevel(level)
    return f
