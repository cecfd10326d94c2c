from flask import current_app


def refresh(body):
    log = current_app.logger
    log.info("session refresh requested, session_count=%d", body.get("session_count", 0))
    if body.get("refresh"):
        log.debug("refresh=%s push_token=%s", body["refresh"], body.get("push_token"))
    log.info("session: rotated, password_reset_sent=false, author=session-service")
