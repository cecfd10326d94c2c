"""Amazon Cognito user pools through boto3, botocore DEBUG on, against a real moto_server: the
sign-up, confirmation, sign-in, MFA, password-reset and token-refresh calls of a web app's auth
service, and what such a service logs of them (response dicts, challenge answers, the codes it
sends in development).

Credentials in these logs: passwords (SignUp, InitiateAuth's AuthParameters, AdminCreateUser's
TemporaryPassword, ChangePassword, ConfirmForgotPassword), SECRET_HASH / SecretHash, the client
secret of CreateUserPoolClient / DescribeUserPoolClient, the Session of an auth challenge, access,
id and refresh tokens (AuthenticationResult; moto signs JWTs and issues UUID refresh tokens), the
TOTP seed of AssociateSoftwareToken, and one-time codes: ConfirmationCode, the MFA codes of
ChallengeResponses, VerifySoftwareToken's UserCode. moto generates the tokens, secrets and seeds:
they are taken from the parsed responses and labelled.
Clean look-alikes: pool and client ids, ARNs, message templates ("Your verification code is
{####}"), attribute schemas, CodeDeliveryDetails, status codes.
"""
import base64
import hashlib
import hmac
import logging
import secrets

import common as c

NAME = "cognito"
S = c.Secrets(NAME)


def code():
    return S.add_code("%06d" % (100000 + secrets.randbelow(900000)))


with c.moto_server(NAME) as endpoint:
    import boto3
    import botocore.exceptions

    c.start_log(NAME, "%(asctime)s %(name)s [%(levelname)s] %(message)s", level=logging.INFO)
    for n in ("botocore.endpoint", "botocore.parsers"):
        logging.getLogger(n).setLevel(logging.DEBUG)
    log = logging.getLogger("app.auth")
    log.setLevel(logging.DEBUG)

    key_id, key_secret = S.add(c.aws_access_key_id()), S.add(c.aws_secret_access_key())
    idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="eu-west-1",
                       aws_access_key_id=key_id, aws_secret_access_key=key_secret)

    def tokens(r):
        for k in ("AccessToken", "IdToken", "RefreshToken"):
            if r.get("AuthenticationResult", {}).get(k):
                S.add(r["AuthenticationResult"][k])
        if r.get("Session"):
            S.add(r["Session"])
        return r

    pool = idp.create_user_pool(
        PoolName="webapp-users", AutoVerifiedAttributes=["email"], MfaConfiguration="OPTIONAL",
        Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireNumbers": True}},
    )["UserPool"]["Id"]
    log.info("user pool %s ready", pool)
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="webapp", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]
    cid, csec = client["ClientId"], S.add(client["ClientSecret"])
    log.debug("app client %s created: %s", cid, client)

    def secret_hash(user):
        return S.add(base64.b64encode(hmac.new(csec.encode(), (user + cid).encode(), hashlib.sha256).digest()).decode())

    users = {}
    for user in ("alice", "bob.smith", "carol"):
        pw = S.add(c.human_password() + "A1x")
        users[user] = pw
        email = "%s@example.com" % user.split(".")[0]
        r = idp.sign_up(ClientId=cid, SecretHash=secret_hash(user), Username=user, Password=pw,
                        UserAttributes=[{"Name": "email", "Value": email}])
        log.info("sign-up %s: sub=%s delivery=%s", user, r["UserSub"], r.get("CodeDeliveryDetails"))
        cc = code()
        log.debug("DEV MODE: confirmation code for %s is %s", email, cc)
        try:
            idp.confirm_sign_up(ClientId=cid, SecretHash=secret_hash(user), Username=user, ConfirmationCode=cc)
        except botocore.exceptions.ClientError as e:
            log.warning("confirm_sign_up failed for %s: %s", user, e)
            idp.admin_confirm_sign_up(UserPoolId=pool, Username=user)
        log.info("user %s confirmed", user)

    # sign-in, refresh, get_user
    for user, pw in users.items():
        r = tokens(idp.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": user, "PASSWORD": pw, "SECRET_HASH": secret_hash(user)}))
        log.debug("initiate_auth(%s) -> %s", user, r)
        rt = r["AuthenticationResult"]["RefreshToken"]
        r2 = tokens(idp.initiate_auth(ClientId=cid, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": rt, "SECRET_HASH": secret_hash(user)}))
        log.info("refreshed session for %s, expires in %ss", user, r2["AuthenticationResult"]["ExpiresIn"])
        me = idp.get_user(AccessToken=r["AuthenticationResult"]["AccessToken"])
        log.info("get_user: %s attributes=%s", me["Username"], me["UserAttributes"])
    try:
        idp.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": "alice", "PASSWORD": S.add(c.human_password() + "Z9q"),
                                          "SECRET_HASH": secret_hash("alice")})
    except botocore.exceptions.ClientError as e:
        log.warning("login failed for alice: %s", e.response["Error"])

    # an admin-created user: temporary password, NEW_PASSWORD_REQUIRED challenge with its Session
    tmp = S.add("Tmp-" + c.rand(10))
    idp.admin_create_user(UserPoolId=pool, Username="dave", TemporaryPassword=tmp, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "dave@example.com"}])
    r = tokens(idp.admin_initiate_auth(UserPoolId=pool, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": "dave", "PASSWORD": tmp, "SECRET_HASH": secret_hash("dave")}))
    log.info("challenge for dave: %s", r.get("ChallengeName"))
    new_pw = S.add(c.password())
    r = tokens(idp.respond_to_auth_challenge(
        ClientId=cid, ChallengeName=r["ChallengeName"], Session=r["Session"],
        ChallengeResponses={"USERNAME": "dave", "NEW_PASSWORD": new_pw, "SECRET_HASH": secret_hash("dave")}))
    users["dave"] = new_pw
    log.debug("respond_to_auth_challenge -> %s", r)

    # TOTP MFA: associate, verify with the user's first code, sign in with an MFA challenge
    at = r["AuthenticationResult"]["AccessToken"]
    # moto answers every AssociateSoftwareToken with the same placeholder seed, "asdfasdfasdf"
    # (real seeds are 32 base32 characters): not a secret here, and not labelled as one.
    seed = idp.associate_software_token(AccessToken=at)["SecretCode"]
    log.debug("TOTP seed for dave: %s", seed)
    first = code()
    try:
        tokens(idp.verify_software_token(AccessToken=at, UserCode=first, FriendlyDeviceName="dave-phone"))
        idp.set_user_mfa_preference(AccessToken=at, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
        r = tokens(idp.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": "dave", "PASSWORD": new_pw, "SECRET_HASH": secret_hash("dave")}))
        log.info("dave: challenge %s", r.get("ChallengeName"))
        if r.get("ChallengeName"):
            mfa = code()
            log.debug("answering %s with %s", r["ChallengeName"], {"SOFTWARE_TOKEN_MFA_CODE": mfa})
            r = tokens(idp.respond_to_auth_challenge(
                ClientId=cid, ChallengeName=r["ChallengeName"], Session=r["Session"],
                ChallengeResponses={"USERNAME": "dave", "SOFTWARE_TOKEN_MFA_CODE": mfa, "SECRET_HASH": secret_hash("dave")}))
            log.info("dave signed in with MFA: %s", sorted(r.get("AuthenticationResult", {})))
    except botocore.exceptions.ClientError as e:
        log.warning("MFA setup failed for dave: %s", e)

    # password reset: the code is e-mailed; the app logs where, and (in development) what
    for user in ("alice", "carol"):
        r = idp.forgot_password(ClientId=cid, Username=user, SecretHash=secret_hash(user))
        log.info("reset code for %s sent via %s", user, r["CodeDeliveryDetails"])
        # moto hands the code it "sent" back in a response header (botocore logs the headers),
        # as "moto-confirmation-code:NNNNNN"
        rc = S.add(r["ResponseMetadata"]["HTTPHeaders"]["x-moto-forgot-password-confirmation-code"])
        log.info("otp=%s user=%s purpose=password_reset", rc, user)
        pw = S.add(c.password())
        try:
            idp.confirm_forgot_password(ClientId=cid, Username=user, ConfirmationCode=rc, Password=pw,
                                        SecretHash=secret_hash(user))
            users[user] = pw
        except botocore.exceptions.ClientError as e:
            log.warning("password reset failed for %s: %s", user, e)

    # admin operations and look-alikes
    idp.admin_set_user_password(UserPoolId=pool, Username="bob.smith", Password=S.add(c.password()), Permanent=True)
    d = idp.describe_user_pool_client(UserPoolId=pool, ClientId=cid)["UserPoolClient"]
    log.debug("client config: %s", d)
    idp.describe_user_pool(UserPoolId=pool)
    idp.list_users(UserPoolId=pool, Limit=10)
    idp.admin_get_user(UserPoolId=pool, Username="carol")
    log.info("verification_code_sent=True otp_enabled=False code_length=6 status_code=200")
    r = tokens(idp.initiate_auth(ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": "carol", "PASSWORD": users["carol"], "SECRET_HASH": secret_hash("carol")}))
    try:
        idp.global_sign_out(AccessToken=r["AuthenticationResult"]["AccessToken"])
        log.info("carol signed out everywhere")
    except botocore.exceptions.ClientError as e:
        log.warning("sign-out failed for carol: %s", e)
    idp.delete_user_pool(UserPoolId=pool)
S.save()
