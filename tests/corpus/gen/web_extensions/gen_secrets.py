"""Generate realistic-format secrets (seeded) -> secrets.json"""
import json, random, string, base64, hashlib, sys, time
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import serialization
R = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 4242)
UP = string.ascii_uppercase + string.digits
AN = string.ascii_letters + string.digits
def rs(n, al=AN): return ''.join(R.choice(al) for _ in range(n))
def b64(n): return base64.b64encode(bytes(R.getrandbits(8) for _ in range(n))).decode()
def b64u(n): return base64.urlsafe_b64encode(bytes(R.getrandbits(8) for _ in range(n))).decode().rstrip('=')
S = {}
S['aws_akid'] = 'AKIA' + rs(16, UP)
S['aws_secret'] = rs(40, AN + '+/')
S['aws_akid2'] = 'AKIA' + rs(16, UP)
S['aws_secret2'] = rs(40, AN + '+/')
S['aws_asia'] = 'ASIA' + rs(16, UP)
S['aws_session_token'] = 'IQoJb3JpZ2luX2VjE' + rs(300, AN + '+/') + '=='
hs_key = rs(48)
S['jwt_hs_key'] = hs_key
now = 1760000000
S['jwt_hs256'] = jwt.encode({'sub': 'u-' + rs(8), 'scope': 'orders:write', 'iat': now, 'exp': now + 86400*3650}, hs_key, algorithm='HS256')
pk = rsa.generate_private_key(public_exponent=65537, key_size=2048)
S['jwt_rs256'] = jwt.encode({'iss': 'https://idp.example-corp.io/', 'sub': 'svc-' + rs(6), 'aud': 'sts.amazonaws.com', 'iat': now, 'exp': now + 86400*3650}, pk, algorithm='RS256', headers={'kid': rs(12)})
S['ghp'] = 'ghp_' + rs(36)
S['github_pat'] = 'github_pat_' + rs(22) + '_' + rs(59)
S['slack_bot'] = 'xoxb-' + ''.join(R.choice(string.digits) for _ in range(12)) + '-' + ''.join(R.choice(string.digits) for _ in range(13)) + '-' + rs(24)
S['slack_user'] = 'xoxp-' + ''.join(R.choice(string.digits) for _ in range(12)) + '-' + ''.join(R.choice(string.digits) for _ in range(12)) + '-' + ''.join(R.choice(string.digits) for _ in range(13)) + '-' + rs(32, '0123456789abcdef')
S['slack_webhook'] = 'https://hooks.slack.com/services/T' + rs(8, UP) + '/B' + rs(10, UP) + '/' + rs(24)
S['stripe_sk'] = 'sk_live_51' + rs(97)
S['stripe_rk'] = 'rk_live_51' + rs(97)
S['google_api'] = 'AIza' + rs(35, AN + '-_')
S['oauth_access'] = 'ya29.a0' + rs(150, AN + '-_')
S['oauth_refresh'] = '1//0' + rs(100, AN + '-_')
S['oauth_client_secret'] = 'GOCSPX-' + rs(28, AN + '-_')
S['opaque_access'] = rs(30)
S['opaque_refresh'] = rs(30)
S['django_secret_key'] = rs(50, string.ascii_lowercase + string.digits + '!@#$%^&*(-_=+)')
S['flask_secret_key'] = ''.join(R.choice('0123456789abcdef') for _ in range(64))
S['jwt_ext_secret'] = b64(32)
S['pw_user'] = "Tr0ub'4dor\"&@/x" + rs(4)
S['pw_db'] = "p@ss:w/rd#%" + rs(6) + "\\9"
S['pw_mongo'] = "M0ng0@Pa$$:/" + rs(6) + "%"
S['pw_admin'] = "Adm!n'" + rs(5) + "\"#q"
S['pw_new'] = "N3w-P@ss/" + rs(6) + ":'%"
S['pw_oauth_user'] = "0auth#U$er" + rs(6) + "@"
from urllib.parse import quote
S['mongo_uri'] = 'mongodb://orders_rw:' + quote(S['pw_mongo'], safe='') + '@mongo-0.db.internal:27017,mongo-1.db.internal:27017/orders?replicaSet=rs0&authSource=admin'
S['mongo_srv_uri'] = 'mongodb+srv://analytics:' + rs(20) + '@cluster0.' + rs(5, string.ascii_lowercase+string.digits) + '.mongodb.net/prod?retryWrites=true'
S['postgres_uri'] = 'postgres://app_user:' + quote(S['pw_db'], safe='') + '@pg-primary.internal:5432/appdb?sslmode=require'
S['redis_uri'] = 'redis://:' + rs(32) + '@cache.internal:6379/0'
S['api_key_hex'] = ''.join(R.choice('0123456789abcdef') for _ in range(40))
S['api_key_b64'] = b64(33)
S['sendgrid'] = 'SG.' + rs(22, AN + '-_') + '.' + rs(43, AN + '-_')
S['twilio_token'] = ''.join(R.choice('0123456789abcdef') for _ in range(32))
S['oauth_app_client_secret'] = rs(64)
S['cognito_client_secret'] = None  # set by moto
S['kms_plaintext'] = 'card-vault-master:' + rs(24)
S['session_id'] = rs(32, string.ascii_lowercase + string.digits)
S['csrf_token'] = rs(64)
S['dd_api_key'] = ''.join(R.choice('0123456789abcdef') for _ in range(32))
S['npm_token'] = 'npm_' + rs(36)
S['basic_user'] = 'svc-reporting'
S['basic_pw'] = 'R3p0rt!ng:' + rs(8)
del S['cognito_client_secret']
json.dump(S, open('secrets.json', 'w'), indent=1)
print('generated', len(S), 'secrets', file=sys.stderr)
