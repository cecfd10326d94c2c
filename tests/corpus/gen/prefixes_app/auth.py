from flask import current_app


def check_login(body):
    log = current_app.logger
    email = body.get("email", "")
    if not body.get("password"):
        log.warning("login for %s rejected: password missing", email)
        return False
    log.info("login attempt for %s auth_method=password auth_provider=local", email)
    if body.get("debug"):
        # the kind of line someone leaves in while debugging a login form
        log.debug("login form: login_password=%s db_pass=%s", body["password"], body.get("db_pass"))
    if body.get("expired"):
        log.warning("jwt expired for %s, token_type: Bearer, re-login required", email)
        return False
    log.info("password reset email sent to %s", email) if body.get("reset") else None
    return True


def missing_header(path):
    current_app.logger.warning("Authorization header missing on %s", path)
