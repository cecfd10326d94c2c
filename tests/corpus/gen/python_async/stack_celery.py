"""Start a Celery worker (DEBUG) and send it tasks whose args/kwargs carry secrets."""
import os, subprocess, sys, time, shutil
from urllib.parse import quote_plus
sys.path.insert(0, "/tmp/holdout3-py")
from common import S
shutil.rmtree("/tmp/holdout3-py/celery-broker", ignore_errors=True)
from celery_tasks import charge, refresh_user_token, notify_slack, sync_user

w = subprocess.Popen([sys.executable, "-m", "celery", "-A", "celery_tasks", "worker", "-P", "solo", "-l", "DEBUG",
                      "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", "w1@holdout"],
                     cwd="/tmp/holdout3-py", stdout=sys.stdout, stderr=sys.stderr)
for i in range(3):
    charge.delay(f"cus_{i}", 1200 + i, S["stripe_key"], idempotency_key=f"idem-{i}-order-7731")
    charge.apply_async(args=[f"cus_neg{i}", -5], kwargs={"api_key": S["stripe_key"]})
    refresh_user_token.delay("alice", S["oauth_refresh_token"], client_secret=S["oauth_client_secret"])
    notify_slack.delay("#ops", "deploy finished", token=S["slack_bot"])
    sync_user.delay(f"mongodb://orders_app:{quote_plus(S['mongo_password'])}@db.internal:27017/orders",
                    {"email": "alice@example.com", "password": S["user_password"], "api_key": S["twilio_key"]})
time.sleep(12)
w.terminate()
w.wait(timeout=20)
