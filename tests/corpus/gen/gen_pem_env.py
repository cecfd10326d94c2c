"""PEM private keys logged (multi-line, JSON-escaped, truncated), public PEM look-alikes, env dumps."""
import datetime
import json
import logging
import os
import subprocess
import urllib.parse
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

import common as c

NAME = "pem_env"
S = c.Secrets(NAME)
logfile = open(c.raw_path(NAME), "w", newline="\n")
h = logging.StreamHandler(logfile)
h.setFormatter(logging.Formatter("%(asctime)s [%(levelname)s] %(name)s: %(message)s"))
root = logging.getLogger()
root.addHandler(h)
root.setLevel(logging.DEBUG)
log = logging.getLogger("app.keys")
cfg = logging.getLogger("app.config")


def plant_pem(pem):
    """Every base64 body line of a private key PEM is a secret."""
    for line in pem.splitlines():
        if line and not line.startswith("-----") and ":" not in line and len(line) >= 8:
            S.add(line)
    return pem


def priv(key, fmt):
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP256R1())
ed_key = ed25519.Ed25519PrivateKey.generate()
pkcs8 = plant_pem(priv(rsa_key, serialization.PrivateFormat.PKCS8))
trad = plant_pem(priv(rsa_key, serialization.PrivateFormat.TraditionalOpenSSL))
ecpem = plant_pem(priv(ec_key, serialization.PrivateFormat.TraditionalOpenSSL))
sshpem = plant_pem(priv(ed_key, serialization.PrivateFormat.OpenSSH))
pubpem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.internal.example.com")])
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(rsa_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(datetime.datetime(2024, 1, 1))
        .not_valid_after(datetime.datetime(2026, 1, 1)).sign(rsa_key, hashes.SHA256()))
certpem = cert.public_bytes(serialization.Encoding.PEM).decode()

log.info("starting key loader pid=%d build=%s", os.getpid(), uuid.uuid4().hex + uuid.uuid4().hex[:8])
log.debug("loaded key:\n%s", pkcs8)
log.info("key fingerprint sha256=%s", cert.fingerprint(hashes.SHA256()).hex())
log.debug("loaded TLS certificate:\n%s", certpem)
log.debug("public key for verification:\n%s", pubpem)
log.debug("loaded legacy key from /etc/app/legacy.pem:\n%s", trad)
log.debug("signing key (ES256):\n%s", ecpem)
log.debug("deploy key ~/.ssh/id_ed25519:\n%s", sshpem)
sa = {"type": "service_account", "project_id": "acme-prod-4821", "private_key_id": uuid.uuid4().hex + uuid.uuid4().hex[:8],
      "private_key": pkcs8, "client_email": "ci-deployer@acme-prod-4821.iam.gserviceaccount.com",
      "client_id": "10%d" % (10**18 + os.getpid()), "token_uri": "https://oauth2.googleapis.com/token"}
cfg.info("GOOGLE_APPLICATION_CREDENTIALS contents: %s", json.dumps(sa))
logfile.write(json.dumps({"level": "error", "msg": "vault secret payload", "data": {"tls.key": ecpem, "tls.crt": certpem}}) + "\n")
logfile.write(json.dumps({"level": "debug", "msg": "public key", "pem": pubpem, "kid": str(uuid.uuid4())}) + "\n")
logfile.flush()
# truncated: BEGIN with no END (log line length limit cut the record)
cut = pkcs8[:400]
last = cut.splitlines()[-1]
if len(last) >= 8:
    S.add(last)
log.error("failed to parse private key from env PRIVATE_KEY (%d bytes): %s", len(pkcs8), cut)
log.error("config value PRIVATE_KEY=%s...[truncated]", json.dumps(trad)[1:300])
tail = json.dumps(trad)[1:300].split("\\n")[-1]
if len(tail) >= 8:
    S.add(tail)
log.info("key rotation complete: rotated=2 next_rotation=%s", "2024-09-01T00:00:00Z")


def env_secrets():
    pw = {k: S.add(c.password()) for k in ("pg", "redis", "amqp", "mysql", "mongo")}
    q = {k: urllib.parse.quote(v, safe="") for k, v in pw.items()}
    return {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME": "web-7f9c6d8b5d-x2x7q",
        "HOME": "/root",
        "NODE_ENV": "production",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": S.add(c.aws_access_key_id()),
        "AWS_SECRET_ACCESS_KEY": S.add(c.aws_secret_access_key()),
        "AWS_SESSION_TOKEN": S.add(c.aws_session_token()),
        "DATABASE_URL": "postgres://orders_app:%s@orders-db.cluster-c9x2k.eu-west-1.rds.amazonaws.com:5432/orders" % q["pg"],
        "REDIS_URL": "redis://:%s@cache.internal:6379/0" % q["redis"],
        "AMQP_URL": "amqps://worker:%s@mq.internal:5671/orders" % q["amqp"],
        "MYSQL_URL": "mysql://reporting:%s@mysql-primary:3306/reports?charset=utf8mb4" % q["mysql"],
        "MONGO_URL": "mongodb://app:%s@mongo-0:27017/app?authSource=admin" % q["mongo"],
        "GITHUB_TOKEN": S.add(c.api_key("github")),
        "STRIPE_SECRET_KEY": S.add(c.api_key("stripe")),
        "NPM_TOKEN": S.add("npm_" + c.rand(36)),
        "JWT_SECRET": S.add(c.rand(48, c.URLSAFE)),
        "DB_PASSWORD": pw["pg"],
        "GIT_COMMIT": uuid.uuid4().hex + uuid.uuid4().hex[:8],
        "BUILD_ID": str(uuid.uuid4()),
        "IMAGE_DIGEST": "sha256:" + uuid.uuid4().hex + uuid.uuid4().hex,
        "MAX_TOKENS": "4096",
        "TOKENIZERS_PARALLELISM": "false",
        "PASSWORD_MIN_LENGTH": "12",
        "SESSION_COOKIE_NAME": "sessionid",
        "LOG_LEVEL": "debug",
        "REDIS_URL_DEV": "redis://localhost:6379/0",
        "DATABASE_URL_TEST": "postgres://localhost/orders_test",
    }


# a real `env` dump (as printed by an entrypoint running `env` before exec)
env = env_secrets()
logfile.write("+ env\n")
logfile.flush()
subprocess.run(["/usr/bin/env", "-i"] + ["%s=%s" % kv for kv in env.items()] + ["/usr/bin/env"], stdout=logfile, check=True)
logfile.write("+ exec gunicorn app.wsgi:application --bind 0.0.0.0:8000\n")
logfile.flush()
# python apps dumping their environment / settings
env2 = env_secrets()
cfg.debug("environment: %s", env2)
env3 = env_secrets()
logfile.write(json.dumps({"level": "debug", "msg": "effective config", "env": env3}) + "\n")
logfile.flush()
env4 = env_secrets()
for k, v in env4.items():
    cfg.info("config %s=%s", k, v)
logfile.flush()
S.save()
