"""The Celery app of gen_task_queues.py: what a Django/Flask shop's background jobs look like
(password-reset mails, OAuth token refresh, API key rotation, presigned report URLs, webhooks).
Secrets arrive as task arguments; tokens the tasks mint are written to TQ_ISSUED (one JSON string a
line) so the generator can plant them too."""
import hashlib
import json
import logging
import os
import time
import uuid

from celery import Celery
from celery.utils.log import get_task_logger

import common as c

R = os.environ["TQ_REDIS"]  # redis://:<password>@127.0.0.1:<port>
# settings a project keeps in its Celery config (read from the environment, as settings.py does)
EXTRA = json.loads(os.environ.get("TQ_CELERY_SETTINGS", "{}"))

app = Celery("tasksapp", broker=R + "/0", backend=R + "/1")
app.conf.update(
    broker_connection_retry_on_startup=True,
    task_default_queue="default",
    task_routes={
        "tasksapp.send_password_reset": {"queue": "password_reset"},
        "tasksapp.refresh_oauth_token": {"queue": "token_refresh"},
    },
    result_expires=3600,
    task_send_sent_event=True,
    beat_schedule={
        "purge-password-resets": {"task": "tasksapp.purge_expired_password_resets", "schedule": 3600.0},
        "rotate-api-keys": {"task": "tasksapp.rotate_api_key", "schedule": 86400.0, "args": ("acct_nightly", None)},
    },
    **EXTRA,
)

logger = get_task_logger(__name__)          # worker_task_log_format: `tasksapp.x[<id>]: …`
mail_log = logging.getLogger("tasksapp.mail")  # a plain module logger: worker_log_format

CLOSED = int(os.environ.get("TQ_CLOSED_PORT", "9"))


def issue(v):
    with open(os.environ["TQ_ISSUED"], "a") as f:
        f.write(json.dumps(v) + "\n")
    return v


@app.task
def send_password_reset(user_id, **kwargs):
    mail_log.info("sending reset %s", kwargs)
    return {"status": "queued", "user_id": user_id, "message_id": "<%s@mail.example.com>" % uuid.uuid4()}


@app.task(bind=True, max_retries=1, default_retry_delay=1)
def refresh_oauth_token(self, provider, refresh_token, client_id="web"):
    if provider == "github":  # GitHub revoked this one: retried once, then it fails for good
        raise self.retry(exc=PermissionError("invalid_grant: refresh token %s was revoked" % refresh_token))
    logger.info("refreshing %s token for client %s (retries=%d)", provider, client_id, self.request.retries)
    return {"access_token": issue(c.opaque_token("ya29.")), "refresh_token": issue(c.refresh_token()),
            "expires_in": 3599, "token_type": "Bearer", "scope": "openid email profile"}


@app.task
def create_session(user_id, remember=False):
    tok = issue("sess_" + c.rand(40, c.URLSAFE))
    logger.info("session created for user %s (remember=%s)", user_id, remember)
    return tok


@app.task
def generate_report_url(report_id, temporary=False):
    import urllib.parse

    import boto3
    from botocore.config import Config
    if temporary:
        session = boto3.session.Session(aws_access_key_id=os.environ["TQ_TMP_KEY_ID"],
                                        aws_secret_access_key=os.environ["TQ_TMP_SECRET"],
                                        aws_session_token=os.environ["TQ_TMP_SESSION"], region_name="eu-west-1")
    else:
        session = boto3.session.Session(region_name="us-east-1")  # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    s3 = session.client("s3", config=Config(signature_version="s3v4"))
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "acme-reports",
                                                          "Key": "reports/2024-11/%s.pdf" % report_id}, ExpiresIn=900)
    issue(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["X-Amz-Signature"][0])
    logger.info("report %s ready", report_id)
    return url


@app.task
def verify_email_token(user_id, token):
    raise ValueError("invalid token %r for user %s" % (token, user_id))


@app.task(bind=True, max_retries=1, default_retry_delay=1)
def rotate_api_key(self, account_id, current_key):
    import requests
    if current_key is None:
        return {"account_id": account_id, "rotated": False, "reason": "no key on file"}
    try:
        requests.post("http://127.0.0.1:%d/v2/accounts/%s/keys/rotate" % (CLOSED, account_id),
                      params={"api_key": current_key}, timeout=1)
    except requests.ConnectionError as e:
        logger.warning("partner API unreachable (attempt %d of %d)", self.request.retries + 1, self.max_retries + 1)
        raise self.retry(exc=e)


@app.task(autoretry_for=(Exception,), retry_kwargs={"max_retries": 1, "countdown": 1})
def sync_tenant_db(tenant, db_url):
    import pymongo
    logger.info("syncing tenant %s from %s", tenant, db_url)
    client = pymongo.MongoClient(db_url, serverSelectionTimeoutMS=300, connectTimeoutMS=300)
    client.admin.command("ping")


@app.task
def rotate_iam_key(user_name, old_access_key_id):
    logger.info("deactivating access key %s of %s", old_access_key_id, user_name)
    return {"UserName": user_name, "AccessKeyId": issue(c.aws_access_key_id()),
            "SecretAccessKey": issue(c.aws_secret_access_key()), "Status": "Active"}


@app.task
def deliver_webhook(url, payload, headers):
    print("delivering", url, headers)  # stdout of a task: the worker logs each write as a WARNING
    print("payload=%s" % json.dumps(payload))
    logger.debug("webhook headers: %r", headers)
    return {"status": 204, "url": url, "elapsed_ms": 12}


@app.task
def provision_ldap_user(username, email, password):
    logger.info("provisioning %s <%s>", username, email)
    entry = {"cn": username, "mail": email, "userPassword": password}
    raise RuntimeError("ldap add failed (constraintViolation): %r" % (entry,))


# ---------------------------------------------------------------- clean look-alikes

@app.task
def send_digest(user_id, period="weekly"):
    logger.info("digest for user %s (%s): 3 items", user_id, period)
    return {"user_id": user_id, "sent": 3, "period": period}


@app.task
def resize_image(bucket, key, width=256):
    digest = hashlib.sha256(("%s/%s@%d" % (bucket, key, width)).encode()).hexdigest()
    return {"key": key.replace(".png", "_%d.png" % width), "sha256": digest,
            "etag": '"%s"' % hashlib.md5(digest.encode()).hexdigest()}


@app.task
def count_tokens(doc_id, model="gpt-4o-mini"):
    return {"doc_id": doc_id, "model": model, "token_count": 1834, "max_tokens": 4096, "tokenizer": "o200k_base"}


@app.task
def purge_expired_password_resets(older_than_hours=24):
    time.sleep(0.05)
    return "purged 12 expired password reset tokens older than %dh" % older_than_hours


@app.task
def revoke_tokens(user_id, reason="logout"):
    logger.info("revoked 3 refresh tokens for user %s (reason=%s)", user_id, reason)
    return {"user_id": user_id, "revoked": 3, "token_type": "refresh_token", "password_changed": False}


@app.task
def audit_secret_rotation(secret_arn):
    return {"arn": secret_arn, "rotated": True, "version_id": str(uuid.uuid4()), "stage": "AWSCURRENT"}
