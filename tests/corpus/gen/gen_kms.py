"""AWS KMS envelope encryption through boto3 with botocore DEBUG on, against a real moto_server.

What a service that encrypts its own secrets (a field-level encryption helper, a DynamoDB item
encryptor, a secrets loader) prints: botocore's request params (`Encrypt` carries the secret in
`Plaintext`, base64 in the JSON body) and response bodies (`Decrypt` and `GenerateDataKey`
return the plaintext data key or secret beside `KeyId`), and the app logging the response dicts
(`Plaintext` as a bytes repr) and its own key handling. Secrets: the plaintexts and data keys.
Clean: key ids, aliases, ARNs, ciphertext blobs, `GenerateDataKeyWithoutPlaintext`, key
metadata, an app's `plaintext` content-type talk.
"""
import base64
import json
import logging

import common as c

NAME = "kms"
S = c.Secrets(NAME)

with c.moto_server(NAME) as endpoint:
    import boto3
    import botocore.exceptions

    c.start_log(NAME, "%(asctime)s %(name)s [%(levelname)s] %(message)s", level=logging.INFO)
    for n in ("botocore.endpoint", "botocore.parsers"):
        logging.getLogger(n).setLevel(logging.DEBUG)
    log = logging.getLogger("app.crypto")
    log.setLevel(logging.DEBUG)

    key_id, key_secret = S.add(c.aws_access_key_id()), S.add(c.aws_secret_access_key())
    kms = boto3.client("kms", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id=key_id, aws_secret_access_key=key_secret)

    key = kms.create_key(Description="app field encryption", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    kms.create_alias(AliasName="alias/app-fields", TargetKeyId=key["KeyId"])
    log.info("using kms key %s (%s)", key["Arn"], key["KeyId"])

    def b64(b):
        return base64.b64encode(b).decode()

    # Encrypt: the secret goes out in the request body, base64.
    for field, value in (("db_password", c.password()), ("stripe_key", c.api_key("stripe")),
                         ("totp_seed", c.rand(32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))):
        S.add(value)
        S.add(b64(value.encode()))
        r = kms.encrypt(KeyId="alias/app-fields", Plaintext=value.encode(),
                        EncryptionContext={"field": field, "tenant": "acme"})
        log.info("encrypted %s with %s: %d bytes", field, r["KeyId"], len(r["CiphertextBlob"]))
        blob = r["CiphertextBlob"]
        d = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"field": field, "tenant": "acme"})
        log.debug("decrypt response %s", {k: v for k, v in d.items() if k != "ResponseMetadata"})
        log.info("decrypted %s (%s, %s)", field, d["KeyId"], d.get("EncryptionAlgorithm", "SYMMETRIC_DEFAULT"))

    # Envelope encryption: a data key per record.
    for spec in ("AES_256", "AES_128"):
        r = kms.generate_data_key(KeyId=key["Arn"], KeySpec=spec)
        S.add(b64(r["Plaintext"]))
        S.add(repr(r["Plaintext"])[2:-1])
        log.debug("data key %s", {k: v for k, v in r.items() if k != "ResponseMetadata"})
        log.info("wrapped data key %s for record 42 under %s", b64(r["CiphertextBlob"])[:24] + "…", r["KeyId"])
    r = kms.generate_data_key(KeyId="alias/app-fields", NumberOfBytes=64)
    S.add(b64(r["Plaintext"]))
    log.info("data key for %s: %s", r["KeyId"], json.dumps({"KeyId": r["KeyId"], "Plaintext": b64(r["Plaintext"]),
                                                             "CiphertextBlob": b64(r["CiphertextBlob"])}))

    # Clean: no plaintext anywhere.
    r = kms.generate_data_key_without_plaintext(KeyId="alias/app-fields", KeySpec="AES_256")
    log.info("prepared wrapped key %s", {k: v for k, v in r.items() if k != "ResponseMetadata"})
    kms.describe_key(KeyId="alias/app-fields")
    kms.list_aliases()
    log.info("rendering mail body as plaintext (content_type=text/plain) for order 1042")
    try:
        kms.decrypt(CiphertextBlob=b"\x01\x02\x03not-a-real-blob")
    except botocore.exceptions.ClientError as e:
        log.warning("decrypt failed: %s", e)

raw = open(c.raw_path(NAME)).read()
for sig in c.botocore_signatures(raw):
    S.add(sig)
S.save()
