"""Generate fresh random secrets -> secrets.json. Every run produces new values."""
import base64, hashlib, hmac, json, secrets, string, time, random

rnd = secrets.SystemRandom()
AN = string.ascii_letters + string.digits


def r(n, alphabet=AN):
    return "".join(rnd.choice(alphabet) for _ in range(n))


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def make_jwt(key, sub):
    hdr = b64u(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    now = int(time.time())
    pl = b64u(json.dumps({"sub": sub, "iat": now, "exp": now + 3600, "jti": r(22), "scope": "read write"},
                         separators=(",", ":")).encode())
    sig = b64u(hmac.new(key.encode(), f"{hdr}.{pl}".encode(), hashlib.sha256).digest())
    return f"{hdr}.{pl}.{sig}", sig


def pw():
    # passwords with punctuation (avoid whitespace); include chars that need URL-escaping
    punct = "!#$%&*+,-./:;<=>?@[]^_{|}~'\"\\"
    core = [rnd.choice(AN) for _ in range(rnd.randint(12, 18))] + [rnd.choice(punct) for _ in range(rnd.randint(3, 5))]
    rnd.shuffle(core)
    return r(1, string.ascii_letters) + "".join(core)


S = {}
S["jwt_signing_key"] = r(48)
S["jwt_user"], S["jwt_user_sig"] = make_jwt(S["jwt_signing_key"], "user-4412")
S["jwt_service"], S["jwt_service_sig"] = make_jwt(S["jwt_signing_key"], "svc-billing")
S["bearer_opaque"] = r(40, AN + "-._~")
S["stripe_key"] = "sk_live_" + r(24)
S["github_pat"] = "ghp_" + r(36)
S["slack_bot"] = "xoxb-" + r(11, string.digits) + "-" + r(13, string.digits) + "-" + r(24)
S["sendgrid_key"] = "SG." + r(22, AN + "-_") + "." + r(43, AN + "-_")
S["openai_key"] = "sk-proj-" + r(48, AN + "-_")
S["google_api_key"] = "AIza" + r(35, AN + "-_")
S["twilio_key"] = "SK" + r(32, "0123456789abcdef")
S["opaque_hex_key"] = r(40, "0123456789abcdef")
S["opaque_b64_key"] = base64.b64encode(secrets.token_bytes(30)).decode()
S["opaque_apikey_plain"] = r(32)
S["db_password"] = pw()
S["admin_password"] = pw()
S["mongo_password"] = pw()
S["user_password"] = pw()
S["session_cookie"] = b64u(secrets.token_bytes(32)) + "." + b64u(secrets.token_bytes(12))
S["csrf_token"] = r(64)
S["aws_access_key_id"] = "AKIA" + r(16, string.ascii_uppercase + "234567")
S["aws_secret_access_key"] = r(40, AN + "/+")
S["aws_session_token"] = "FwoGZXIvYXdzE" + r(200, AN + "/+") + "=="
S["oauth_client_secret"] = r(40, AN + "-_")
S["oauth_refresh_token"] = "1//" + r(60, AN + "-_")
S["oauth_access_token"] = "ya29." + r(80, AN + "-_")
S["oauth_code"] = "4/" + r(40, AN + "-_")
S["celery_token"] = r(32, "0123456789abcdef")
S["webhook_secret"] = "whsec_" + r(32)

# derived values the software prints
S["basic_auth_b64"] = base64.b64encode(f"svc-reporter:{S['user_password']}".encode()).decode()
S["oauth_client_basic_b64"] = base64.b64encode(f"my-client-id:{S['oauth_client_secret']}".encode()).decode()

meta = {
    "generated_at": time.time(),
    "non_secret_identifiers": {
        "mongo_user": "orders_app", "basic_user": "svc-reporter", "oauth_client_id": "my-client-id",
    },
    # for fragment checks: strings whose 16-char windows should never survive
    # (JWT header/payload prefixes are constant, so only signatures count as JWT cores)
    "fragment_exclude": ["jwt_user", "jwt_service"],
}
json.dump({"secrets": S, "meta": meta}, open("secrets.json", "w"), indent=1)
print("wrote", len(S), "secrets")
