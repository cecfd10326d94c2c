"""Celery app using the filesystem broker (no external services)."""
import os
from celery import Celery
from celery.utils.log import get_task_logger

BROKER_DIR = "/tmp/holdout3-py/celery-broker"
for d in ("out", "processed"):
    os.makedirs(os.path.join(BROKER_DIR, d), exist_ok=True)
app = Celery("billing", broker="filesystem://")
app.conf.update(broker_transport_options={"data_folder_in": f"{BROKER_DIR}/out", "data_folder_out": f"{BROKER_DIR}/out",
                                          "data_folder_processed": f"{BROKER_DIR}/processed"},
                task_serializer="json", result_backend=None, worker_hijack_root_logger=True,
                broker_connection_retry_on_startup=True)
log = get_task_logger(__name__)


@app.task(name="billing.charge")
def charge(customer_id, amount, api_key, idempotency_key=None):
    log.info("charging %s amount=%s", customer_id, amount)
    if amount < 0:
        raise ValueError(f"Stripe rejected request with key {api_key}: amount must be positive")
    return {"charge": f"ch_{customer_id}", "key_used": api_key[:12] + "...", "idem": idempotency_key}


@app.task(name="auth.refresh_user_token", bind=True, max_retries=2, default_retry_delay=0.2)
def refresh_user_token(self, user, refresh_token, client_secret):
    if self.request.retries < 1:
        raise self.retry(exc=ConnectionError(f"token endpoint timeout while refreshing {refresh_token}"))
    return {"access_token": "ya29.rotated", "user": user}


@app.task(name="notify.slack")
def notify_slack(channel, text, token):
    return f"posted to {channel} with token={token}"


@app.task(name="db.sync_user")
def sync_user(mongo_uri, user_doc):
    raise RuntimeError(f"could not connect to {mongo_uri}")
