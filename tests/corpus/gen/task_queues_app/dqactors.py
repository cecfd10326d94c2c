"""The Dramatiq actors of gen_task_queues.py (`dramatiq dqactors`)."""
import logging
import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware

log = logging.getLogger("app.actors")


class AuditMiddleware(Middleware):
    """What teams add to see every processed message: the Message repr and its result."""

    def after_process_message(self, broker, message, *, result=None, exception=None):
        if exception is None:
            log.info("processed %r -> %r", message, result)
        else:
            log.warning("message %s failed (retries=%s): %s", message.message_id,
                        message.options.get("retries", 0), exception)


broker = RedisBroker(url=os.environ["TQ_REDIS"] + "/3")
broker.add_middleware(AuditMiddleware())
dramatiq.set_broker(broker)


@dramatiq.actor(max_retries=2, min_backoff=100, max_backoff=300)
def sync_crm(api_key, account_id, dsn=None):
    raise RuntimeError("crm rejected api key %s for account %s" % (api_key, account_id))


@dramatiq.actor(queue_name="password_reset")
def send_reset(email, token):
    log.info("reset link for %s: https://app.example.com/reset/%s", email, token)


@dramatiq.actor(max_retries=1, min_backoff=100, max_backoff=200)
def exchange_code(code, client_id, client_secret, redirect_uri):
    raise PermissionError("token endpoint returned 400 invalid_client for client_id=%s client_secret=%s"
                          % (client_id, client_secret))


@dramatiq.actor(queue_name="token_refresh")
def store_refresh_token(user_id, refresh_token):
    log.info("stored refresh token for user %s", user_id)
    return {"user_id": user_id, "stored": True}


# clean look-alikes
@dramatiq.actor
def recount_tokens(user_id):
    log.info("user %s: token_count=12 sessions=7", user_id)
    return 12


@dramatiq.actor(queue_name="password_reset")
def warm_cache(key):
    log.info("warmed %s", key)
