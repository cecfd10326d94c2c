from flask import current_app


def rotate(arn, secrets):
    log = current_app.logger
    log.info("secret rotation scheduled for %s", arn)
    log.info("fetched parameter arn:aws:ssm:us-east-1:123456789012:parameter/app/api_key_name (version 7)")
    log.debug("new values: clientSecret=%s stripeSecretKey=%s", secrets["clientSecret"], secrets["stripeSecretKey"])
    log.info("rotation done: [FILTERED] values written, old value ******** retired, <redacted> in audit log")
