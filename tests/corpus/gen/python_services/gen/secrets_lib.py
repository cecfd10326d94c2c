import json, os, secrets, string, random, time, base64
import jwt
P = os.path.join(os.path.dirname(__file__), '..', 'secrets.json')
def _r(n, alpha=string.ascii_letters + string.digits):
    return ''.join(secrets.choice(alpha) for _ in range(n))
def generate():
    s = {}
    s['aws_key'] = 'AKIA' + _r(16, string.ascii_uppercase + string.digits)
    s['aws_secret'] = _r(40, string.ascii_letters + string.digits + '+/')
    s['jwt_key'] = _r(32)
    now = int(time.time())
    s['jwt'] = jwt.encode({'sub': 'user-' + _r(6), 'iat': now, 'exp': now + 3600, 'scope': 'read write'}, s['jwt_key'], algorithm='HS256')
    s['bearer'] = _r(40)
    s['refresh'] = 'rt_' + _r(44)
    s['sk_live'] = 'sk_live_' + _r(24)
    s['api_key'] = _r(32, string.hexdigits.lower()[:16])
    s['db_user'] = 'svc_' + _r(5).lower()
    s['db_pass'] = _r(8) + '@:/!' + _r(6) + '#%'
    s['mongo_pass'] = _r(10) + '$&' + _r(6)
    s['redis_pass'] = _r(18) + '!*'
    s['basic_user'] = 'alice_' + _r(4).lower()
    s['basic_pass'] = 'P@ss;' + _r(10) + "'w"
    s['session_cookie'] = _r(48)
    s['flask_secret'] = _r(40)
    s['client_secret'] = _r(36)
    s['password_hash'] = '$2b$12$' + _r(53, string.ascii_letters + string.digits + './')
    s['session_token'] = _r(64, string.hexdigits.lower()[:16])
    s['user_password'] = 'Tr0ub4dor&' + _r(8) + '?'
    s['csrf'] = _r(32)
    s['django_secret'] = _r(50, string.ascii_letters + string.digits + '!@#%^&*(-_=+)')
    s['oauth_code'] = _r(30)
    s['oauth_access'] = _r(30)
    s['passphrase'] = 'Zürich-' + _r(8) + '-Grüße€'
    s['plain_token'] = _r(28)
    s['webhook_secret'] = 'whsec_' + _r(32)
    s['totp_seed'] = _r(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')
    s['db_secret_pw'] = _r(12) + '"\\' + _r(6)
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives import serialization
    k = ec.generate_private_key(ec.SECP256R1())
    pem = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    s['pem_body'] = ''.join(pem.strip().splitlines()[1:-1])
    s['pem'] = pem
    words = ['orbit','maple','quiet','lantern','copper','velvet','harbor','sable','tundra','pixel','meadow','cobalt']
    s['diceware'] = '-'.join(secrets.choice(words) for _ in range(4)) + '-' + str(secrets.randbelow(90) + 10)
    s['invite_token'] = _r(22, string.ascii_lowercase + string.digits)
    s['tg_bot'] = str(secrets.randbelow(9 * 10**9) + 10**9) + ':AA' + _r(33, string.ascii_letters + string.digits + '_-')
    s['discord_wh'] = _r(68, string.ascii_letters + string.digits + '_-')
    s['recovery1'] = _r(5, string.ascii_lowercase + string.digits) + '-' + _r(5, string.ascii_lowercase + string.digits)
    s['recovery2'] = _r(5, string.ascii_lowercase + string.digits) + '-' + _r(5, string.ascii_lowercase + string.digits)
    s['proxy_pass'] = _r(14) + '%!'
    for i in range(8): s[f'hdr{i}'] = _r(32)
    s['old_key'] = _r(24); s['new_key'] = _r(24)
    json.dump(s, open(P, 'w'), indent=1)
    return s
def load():
    return json.load(open(P))
