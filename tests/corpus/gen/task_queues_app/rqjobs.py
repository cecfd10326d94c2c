"""The RQ jobs of gen_task_queues.py (enqueued by dotted name, run by `rq worker`)."""
import json
import logging
import os
import sys
import uuid

import common as c

log = logging.getLogger("app.jobs")
if not log.handlers:
    _h = logging.StreamHandler(sys.stderr)
    _h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_h)
    log.setLevel(logging.INFO)
    log.propagate = False


def issue(v):
    with open(os.environ["TQ_ISSUED"], "a") as f:
        f.write(json.dumps(v) + "\n")
    return v


def send_email(to, template, token=None, **ctx):
    log.info("rendering %s for %s ctx=%s", template, to, dict(ctx, token=token))
    print("email queued for", to)
    return {"status": "queued", "message_id": "<%s@mail.example.com>" % uuid.uuid4()}


def charge_card(customer_id, amount_cents, api_key):
    log.info("charging %s %d cents", customer_id, amount_cents)
    return {"charge_id": "ch_" + c.rand(24), "status": "succeeded", "amount": amount_cents, "currency": "usd"}


def call_partner(url, headers, body=None):
    log.info("POST %s", url)
    return {"status": 202, "request_id": str(uuid.uuid4())}


def import_contacts(provider, refresh_token):
    raise RuntimeError("%s rejected refresh token %s: invalid_grant" % (provider, refresh_token))


def backup_db(dsn, bucket="acme-backups"):
    log.info("pg_dump %s | gzip > s3://%s/app/2024-11-30.sql.gz", dsn, bucket)
    return "s3://%s/app/2024-11-30.sql.gz" % bucket


def issue_api_key(account_id, scopes):
    key = issue("sk_live_" + c.rand(24))
    log.info("issued key for %s: %s", account_id, key)
    return {"account_id": account_id, "key": key, "scopes": scopes}


def audit_login(user, token, headers, db_url):
    """structlog in a worker: the same bound context through four renderers."""
    import structlog
    pre = [structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso")]
    renderers = [structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "event"]),
                 structlog.processors.JSONRenderer(),
                 structlog.processors.LogfmtRenderer(key_order=["timestamp", "level", "event"]),
                 structlog.dev.ConsoleRenderer(colors=False)]
    for r in renderers:
        slog = structlog.wrap_logger(structlog.PrintLogger(sys.stdout), processors=pre + [r])
        slog = slog.bind(job="audit_login", user=user)
        slog.info("login audited", token=token, ip="203.0.113.7")
        slog.bind(headers=headers).warning("suspicious user agent", user_agent="curl/8.4.0")
        slog.info("db write", db_url=db_url, table="audit_log", rows=1)
        slog.info("tokens pruned", token_count=3, token_type="refresh_token", password_changed=False)
    sys.stdout.flush()
    return {"user": user, "audited": True}


# clean look-alikes
def generate_thumbnail(path, size=256):
    return {"path": path.replace(".png", "_%d.png" % size), "bytes": 48213}


def recount_tokens(user_id):
    log.info("user %s has 7 active sessions, 2 api keys, token_count=12", user_id)
    return {"user_id": user_id, "token_count": 12}


def expire_password_resets(older_than_hours=24):
    return "expired 4 password reset tokens older than %dh" % older_than_hours


def upload_report(bucket, key, aws_access_key_id=None, aws_session_token=None):
    log.info("uploading s3://%s/%s with temporary credentials", bucket, key)
    return {"bucket": bucket, "key": key, "etag": '"9b2cf535f27731c974343645a3985328"'}
