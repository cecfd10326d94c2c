"""Mail clients' protocol debug output against real servers on 127.0.0.1. Each part starts with a
`== ...` line the generator writes itself (clean).

  smtplib    set_debuglevel(1) and (2) (`send: b'AUTH PLAIN …\\r\\n'`, `reply: b'334 UGFzc3dvcmQ6\\r\\n'`,
             `reply: retcode (334); Msg: …`, level 2 with a timestamp) against aiosmtpd's Controller
             with an authenticator (AUTH PLAIN and LOGIN, plus an `auth_XOAUTH2` handler method):
             login() (its own mechanism choice), auth('PLAIN') with and without the initial response,
             auth('LOGIN') (user name in the initial response, the password line after
             `334 UGFzc3dvcmQ6`), auth('XOAUTH2') with a bearer token, a failed login (535), sendmail()
             of a message whose body talks about passwords; aiosmtpd's own `mail.log` logger at DEBUG
             on the same stream (it masks `AUTH PLAIN ********`; `<< challenge: b'334 UGFzc3dvcmQA'`,
             `auth_PLAIN returned AuthResult(…, auth_data=...)`, `DATA readline:` lines).
  imaplib    debug = 4 / imaplib.Debug = 4 against Debian's dovecot-imapd (run as a child, `dovecot -F`
             with a minimal config, passwd-file passdb with {PLAIN} passwords): LOGIN (the password is
             always quoted by imaplib, `\\"` and `\\\\` escaped), AUTHENTICATE PLAIN, a failed LOGIN,
             CAPABILITY, SELECT, FETCH of a message that mentions passwords.
  poplib     set_debuglevel(2) against dovecot-pop3d (`*cmd* 'USER alice'`, `*cmd* 'PASS …'`, `*put*`,
             `*resp*`), APOP (with the timestamp banner dovecot sends when the apop mechanism is on),
             a failed PASS.
  dovecot    the server's own log with auth_verbose, auth_verbose_passwords=plain, auth_debug,
             auth_debug_passwords (what an admin turns on while debugging logins).
  apps       Flask-Mail with MAIL_DEBUG (it calls set_debuglevel(1) and login()) and the app logging
             its MAIL_* config; Django's smtp EmailBackend sending through aiosmtpd, the app logging
             its EMAIL_* settings as a dict, and Django's SafeExceptionReporterFilter's settings
             (`EMAIL_HOST_PASSWORD: '********************'`, clean).

smtplib and imaplib encode commands as ASCII, so SMTP/IMAP passwords are ASCII (quotes, backslashes,
spaces included); POP3 (UTF-8) also gets a password with é/ß.
"""
import base64
import contextlib
import logging
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time

import common as c

NAME = "mail_protocols"
S = c.Secrets(NAME)
RAW = c.raw_path(NAME)


def ascii_nasty(n=None):
    """nasty_password() without the non-ASCII letters (smtplib/imaplib encode commands as ASCII)."""
    while True:
        p = c.nasty_password(n)
        if p.isascii():
            return p


def section(f, title):
    f.flush()
    f.write("== %s\n" % title)
    f.flush()


def b64(s):
    return base64.b64encode(s.encode()).decode()


# ------------------------------------------------------------------ SMTP (aiosmtpd)

class Handler:
    def __init__(self, tokens):
        self.tokens = tokens  # user -> bearer token accepted by XOAUTH2

    async def handle_DATA(self, server, session, envelope):
        return "250 Message accepted for delivery"

    async def auth_XOAUTH2(self, server, args):
        from aiosmtpd.smtp import AuthResult
        if len(args) == 1:
            blob = await server.challenge_auth("", encode_to_b64=False)
            if blob is None:
                return AuthResult(success=False, handled=False)
        else:
            blob = base64.b64decode(args[1])
        parts = dict(p.split("=", 1) for p in blob.decode().split("\x01") if "=" in p)
        user, tok = parts.get("user"), parts.get("auth", "")[len("Bearer "):]
        return AuthResult(success=self.tokens.get(user) == tok, handled=False)


def authenticator(users):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            ok = users.get(auth_data.login.decode()) == auth_data.password.decode()
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)
    return check


@contextlib.contextmanager
def smtp_server(users, tokens):
    from aiosmtpd.controller import Controller
    port = c.free_port()
    ctl = Controller(Handler(tokens), hostname="127.0.0.1", port=port, authenticator=authenticator(users),
                     auth_require_tls=False, server_hostname="mx.example.test")
    ctl.start()
    try:
        yield port
    finally:
        ctl.stop()


MSG = """From: alice@example.test
To: bob@example.test
Subject: Your password was changed

Hi Bob,

your password was changed on 2026-12-04. If this was not you, reset your password
at https://example.test/account/password and contact support.
"""


def smtp_part(f, users, tokens, smtp_port):
    for level in (1, 2):
        section(f, "smtplib set_debuglevel(%d): login() against aiosmtpd" % level)
        u = "alice@example.test"
        s = smtplib.SMTP("127.0.0.1", smtp_port, local_hostname="app01.example.test")
        s.set_debuglevel(level)
        s.ehlo()
        s.login(u, users[u])
        s.sendmail(u, ["bob@example.test"], MSG)
        s.quit()

        section(f, "smtplib set_debuglevel(%d): auth('PLAIN') with the initial response" % level)
        u = "bob@example.test"
        s = smtplib.SMTP("127.0.0.1", smtp_port, local_hostname="app01.example.test")
        s.set_debuglevel(level)
        s.ehlo()
        s.user, s.password = u, users[u]
        S.add(b64("\0%s\0%s" % (u, users[u])))
        s.auth("PLAIN", s.auth_plain)
        s.quit()

        section(f, "smtplib set_debuglevel(%d): auth('PLAIN', initial_response_ok=False)" % level)
        u = "carol@example.test"
        s = smtplib.SMTP("127.0.0.1", smtp_port, local_hostname="app01.example.test")
        s.set_debuglevel(level)
        s.ehlo()
        s.user, s.password = u, users[u]
        S.add(b64("\0%s\0%s" % (u, users[u])))
        s.auth("PLAIN", s.auth_plain, initial_response_ok=False)
        s.quit()

        for u in ("dave@example.test", "erin@example.test"):
            section(f, "smtplib set_debuglevel(%d): auth('LOGIN')" % level)
            s = smtplib.SMTP("127.0.0.1", smtp_port, local_hostname="app01.example.test")
            s.set_debuglevel(level)
            s.ehlo()
            s.user, s.password = u, users[u]
            S.add(b64(users[u]))  # the password line; the user name line is not a secret
            s.auth("LOGIN", s.auth_login)
            s.sendmail(u, ["alice@example.test"], MSG.replace("Bob", "Alice"))
            s.quit()

        section(f, "smtplib set_debuglevel(%d): auth('XOAUTH2') with a bearer token" % level)
        u = "frank@example.test"
        s = smtplib.SMTP("127.0.0.1", smtp_port, local_hostname="app01.example.test")
        s.set_debuglevel(level)
        s.ehlo()
        xo = "user=%s\x01auth=Bearer %s\x01\x01" % (u, tokens[u])
        S.add(b64(xo))
        s.auth("XOAUTH2", lambda challenge=None: xo)
        s.quit()

        section(f, "smtplib set_debuglevel(%d): a wrong password (535)" % level)
        u = "alice@example.test"
        wrong = S.add(c.password())
        S.add(b64("\0%s\0%s" % (u, wrong)))
        S.add(b64(wrong))  # smtplib falls back to AUTH LOGIN after PLAIN's 535
        s = smtplib.SMTP("127.0.0.1", smtp_port, local_hostname="app01.example.test")
        s.set_debuglevel(level)
        try:
            s.login(u, wrong)
        except smtplib.SMTPAuthenticationError as e:
            logging.getLogger("app.mail").error("SMTP login failed for %s: %s", u, e)
        s.quit()


# ------------------------------------------------------------------ dovecot (IMAP + POP3)

DOVECOT_CONF = """\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
debug_log_path = {d}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login apop
auth_verbose = yes
auth_verbose_passwords = plain
auth_debug = yes
auth_debug_passwords = yes
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={d}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0666
  }}
}}
"""


@contextlib.contextmanager
def dovecot(users):
    d = tempfile.mkdtemp(prefix="dovecot-")
    os.chmod(d, 0o755)
    for sub in ("run", "state", "home"):
        os.makedirs(os.path.join(d, sub))
    os.chmod(os.path.join(d, "home"), 0o1777)
    with open(os.path.join(d, "passwd"), "w", encoding="utf-8") as pf:
        for u, pw in users.items():
            pf.write("%s:{PLAIN}%s::::::\n" % (u, pw))
    imap, pop3 = c.free_port(), c.free_port()
    conf = os.path.join(d, "dovecot.conf")
    with open(conf, "w") as cf:
        cf.write(DOVECOT_CONF.format(d=d, imap=imap, pop3=pop3))
    # one message in alice's INBOX (maildir), written as the mail user
    new = os.path.join(d, "home", "alice", "Maildir", "new")
    os.makedirs(new)
    for sub in ("cur", "tmp"):
        os.makedirs(os.path.join(d, "home", "alice", "Maildir", sub))
    with open(os.path.join(new, "1733350000.M1P1.mx"), "w") as mf:
        mf.write(MSG.replace("\n", "\r\n"))
    subprocess.run(["chown", "-R", "65534:65534", os.path.join(d, "home", "alice")], check=True)
    proc = subprocess.Popen(["dovecot", "-F", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import socket
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", pop3), timeout=1).close()
            socket.create_connection(("127.0.0.1", imap), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield imap, pop3, os.path.join(d, "dovecot.log")
    finally:
        proc.terminate()
        proc.wait()
        time.sleep(0.2)
        shutil.rmtree(d, ignore_errors=True)


def imap_part(f, users, imap_port):
    import imaplib
    log = logging.getLogger("app.mail")
    section(f, "imaplib debug=4: LOGIN, SELECT, FETCH")
    u = "alice"
    M = imaplib.IMAP4("127.0.0.1", imap_port)
    M.debug = 4
    M.login(u, users[u])
    M.select("INBOX")
    M.fetch("1", "(BODY[TEXT])")
    M.logout()

    imaplib.Debug = 4
    try:
        for u in ("bob", "carol", "dave"):
            section(f, "imaplib.Debug=4: LOGIN %s" % u)
            M = imaplib.IMAP4("127.0.0.1", imap_port)
            M.login(u, users[u])
            M.select("INBOX", readonly=True)
            M.logout()

        section(f, "imaplib.Debug=4: AUTHENTICATE PLAIN")
        u = "erin"
        S.add(b64("\0%s\0%s" % (u, users[u])))
        M = imaplib.IMAP4("127.0.0.1", imap_port)
        M.authenticate("PLAIN", lambda _: ("\0%s\0%s" % (u, users[u])).encode())
        M.logout()

        section(f, "imaplib.Debug=4: a wrong password")
        wrong = S.add(c.human_password())
        M = imaplib.IMAP4("127.0.0.1", imap_port)
        try:
            M.login("alice", wrong)
        except imaplib.IMAP4.error as e:
            log.error("IMAP login failed for alice: %s", e)
        M.logout()
    finally:
        imaplib.Debug = 0


def pop_part(f, users, pop_port):
    import poplib
    log = logging.getLogger("app.mail")
    for u in ("alice", "bob", "carol", "gina", "dave"):
        section(f, "poplib set_debuglevel(2): USER/PASS %s" % u)
        P = poplib.POP3("127.0.0.1", pop_port)
        P.set_debuglevel(2)
        P.getwelcome()
        P.user(u)
        P.pass_(users[u])
        P.stat()
        P.list()
        P.quit()

    section(f, "poplib set_debuglevel(2): APOP")
    P = poplib.POP3("127.0.0.1", pop_port)
    P.set_debuglevel(2)
    P.apop("erin", users["erin"])
    P.stat()
    P.quit()

    section(f, "poplib set_debuglevel(2): a wrong password")
    wrong = S.add(c.password())
    P = poplib.POP3("127.0.0.1", pop_port)
    P.set_debuglevel(2)
    P.user("alice")
    try:
        P.pass_(wrong)
    except poplib.error_proto as e:
        log.error("POP3 login failed for alice: %s", e)
    P.quit()


# ------------------------------------------------------------------ apps

def flask_mail_part(f, smtp_port, users):
    from flask import Flask
    from flask_mail import Mail, Message
    section(f, "Flask-Mail MAIL_DEBUG=True, the app logging its MAIL_* config")
    app = Flask("notifier")
    u = "alice@example.test"
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_USERNAME=u, MAIL_PASSWORD=users[u], MAIL_DEFAULT_SENDER="noreply@example.test",
                      MAIL_DEBUG=True)
    mail = Mail(app)
    app.logger.setLevel(logging.INFO)
    app.logger.info("mail config: %s", {k: v for k, v in app.config.items() if k.startswith("MAIL_")})
    with app.app_context():
        mail.send(Message("Password reset", recipients=["bob@example.test"],
                          body="Someone asked to reset your password. Ignore this if it was not you."))
    app.logger.info("mail state: server=%s port=%s username=%s password=%s", mail.server, mail.port,
                    mail.username, mail.password)


def django_part(f, smtp_port, users):
    import django
    from django.conf import settings
    section(f, "Django smtp EmailBackend, the app logging its EMAIL_* settings")
    u = "bob@example.test"
    settings.configure(DEBUG=True, SECRET_KEY=c.rand(50), EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                       EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp_port, EMAIL_HOST_USER=u,
                       EMAIL_HOST_PASSWORD=users[u], EMAIL_USE_TLS=False, DEFAULT_FROM_EMAIL="noreply@example.test")
    django.setup()
    S.add(settings.SECRET_KEY)
    from django.core.mail import get_connection, send_mail
    from django.views.debug import SafeExceptionReporterFilter
    log = logging.getLogger("app.settings")
    log.info("email settings: %r", {k: getattr(settings, k) for k in dir(settings) if k.startswith("EMAIL_")})
    conn = get_connection()
    log.info("email backend: host=%s port=%s username=%s password=%s", conn.host, conn.port, conn.username,
             conn.password)
    send_mail("Welcome", "Your account is ready. Choose a password at https://example.test/welcome.",
              "noreply@example.test", ["carol@example.test"], connection=conn)
    safe = SafeExceptionReporterFilter().get_safe_settings()
    log.info("safe settings: %r", {k: v for k, v in safe.items() if k.startswith("EMAIL_") or k == "SECRET_KEY"})


# ------------------------------------------------------------------ main

def main():
    f = open(RAW, "w", newline="\n")
    sys.stdout = sys.stderr = f  # smtplib/imaplib write to stderr, poplib to stdout
    c.start_log(NAME, "%(asctime)s %(levelname)s [%(name)s] %(message)s", stream=f)
    logging.getLogger("mail.log").setLevel(logging.DEBUG)
    logging.getLogger("asyncio").setLevel(logging.WARNING)

    smtp_users = {
        "alice@example.test": S.add(c.password()),
        "bob@example.test": S.add(c.human_password()),
        "carol@example.test": S.add(ascii_nasty()),
        "dave@example.test": S.add(c.human_password()),
        "erin@example.test": S.add(ascii_nasty()),
    }
    tokens = {"frank@example.test": S.add(c.opaque_token("ya29."))}
    imap_users = {
        "alice": S.add(c.password()),
        "bob": S.add(c.human_password()),
        "carol": S.add(ascii_nasty()),
        "dave": S.add(ascii_nasty()),
        "erin": S.add(c.password()),
        "gina": S.add(c.nasty_password()),  # é/ß: POP3 only (UTF-8)
    }
    # human passwords with a space are the interesting case for LOGIN/PASS
    while " " not in imap_users["bob"]:
        imap_users["bob"] = c.human_password()
    S.add(imap_users["bob"])
    while " " not in smtp_users["dave@example.test"]:
        smtp_users["dave@example.test"] = c.human_password()
    S.add(smtp_users["dave@example.test"])
    S.values = [v for v in S.values if v in smtp_users.values() or v in imap_users.values()
                or v in tokens.values()]

    for u, pw in smtp_users.items():
        S.add(b64("\0%s\0%s" % (u, pw)))  # AUTH PLAIN (login(), Flask-Mail, Django pick PLAIN)
    with smtp_server(smtp_users, tokens) as smtp_port:
        smtp_part(f, smtp_users, tokens, smtp_port)
        flask_mail_part(f, smtp_port, smtp_users)
        django_part(f, smtp_port, smtp_users)
    with dovecot(imap_users) as (imap_port, pop_port, dlog):
        imap_part(f, imap_users, imap_port)
        pop_part(f, imap_users, pop_port)
        time.sleep(0.5)
        section(f, "dovecot 2.3 log (auth_verbose_passwords=plain, auth_debug_passwords=yes)")
        text = open(dlog, encoding="utf-8", errors="replace").read()
        f.write(text)
        # dovecot turns LOGIN/USER+PASS into a PLAIN request to its auth process and prints the
        # base64 response (auth_debug_passwords, `resp=…` or a `CONT` line): label each that holds
        # a planted password (not APOP's: challenge, user and MD5 digest); `Credentials: <hex>` is
        # the stored password in hex (APOP lookups); `auth_token=<40 hex>` is the token dovecot's
        # DOVECOT-TOKEN mechanism accepts in place of the user's password
        import re
        for blob in set(re.findall(r"(?:resp=|CONT\t\d+\t)([A-Za-z0-9+/]+=*)", text)):
            dec = base64.b64decode(blob).decode("utf-8", "replace")
            if any(pw in dec for pw in S.values):
                S.add(blob)
        for hx in set(re.findall(r"Credentials: ([0-9a-f]+)", text)):
            if bytes.fromhex(hx).decode("utf-8", "replace") in S.values:
                S.add(hx)
        for tok in set(re.findall(r"auth_token=([0-9a-f]{40})", text)):
            S.add(tok)
    f.flush()
    S.save()


if __name__ == "__main__":
    main()
