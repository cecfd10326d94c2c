from flask import current_app


def verify(header, partner_key):
    log = current_app.logger
    scheme, _, value = header.partition(" ")
    log.debug("token_type: %s, token_count=1, max_tokens=4096, tokenizer_name=cl100k_base", scheme)
    if partner_key:
        log.info("partner call with X-Partner-Key: %s", partner_key)
    if scheme == "Bearer" and value.startswith("expired."):
        log.warning("jwt expired (exp=1718000000) for token %s", value)
    else:
        log.info("token accepted, auth_method=%s, primary_key=user_id, sort_key=created_at", scheme.lower())
