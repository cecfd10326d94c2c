"""Flask service: Flask-Login, Flask-Session(cachelib), Flask-JWT-Extended, Flask-WTF CSRF, Flask-Caching,
error handler printing tracebacks with locals (traceback capture_locals, better_exceptions, stackprinter).
Run modes: `test` (test client), `waitress` (real server + requests), module import for hypercorn."""
import os, sys, json, logging, logging.config, traceback, base64, pprint, threading, time
from common import S, derive
from flask import Flask, request, session, jsonify, g, abort
from flask_login import LoginManager, UserMixin, login_user, login_required, current_user
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token, jwt_required, get_jwt_identity, get_jwt
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect, CSRFError
from wtforms import StringField, PasswordField
from flask_caching import Cache
from flask_session import Session
from cachelib.file import FileSystemCache

logging.config.dictConfig({
    'version': 1, 'disable_existing_loggers': False,
    'formatters': {'default': {'format': '[%(asctime)s] %(levelname)s in %(module)s: %(message)s'},
                   'args': {'format': '%(name)s %(levelname)s msg=%(msg)r args=%(args)r'}},
    'handlers': {'wsgi': {'class': 'logging.StreamHandler', 'stream': 'ext://sys.stderr', 'formatter': 'default'},
                 'argsh': {'class': 'logging.StreamHandler', 'stream': 'ext://sys.stdout', 'formatter': 'args'}},
    'root': {'level': 'INFO', 'handlers': ['wsgi']},
    'loggers': {'payments': {'level': 'DEBUG', 'handlers': ['argsh'], 'propagate': False},
                'flask_wtf.csrf': {'level': 'DEBUG'}, 'waitress': {'level': 'DEBUG'}},
})

app = Flask('orders_api')
app.config.update(
    SECRET_KEY=S['flask_secret_key'],
    JWT_SECRET_KEY=S['jwt_ext_secret'],
    JWT_TOKEN_LOCATION=['headers', 'cookies', 'query_string'],
    JWT_COOKIE_CSRF_PROTECT=False,
    SESSION_TYPE='cachelib',
    SESSION_CACHELIB=FileSystemCache('./work/flask_sessions', threshold=500),
    CACHE_TYPE='SimpleCache',
    MONGO_URI=S['mongo_srv_uri'],
    SQLALCHEMY_DATABASE_URI=S['postgres_uri'],
    AWS_ACCESS_KEY_ID=S['aws_akid2'], AWS_SECRET_ACCESS_KEY=S['aws_secret2'],
    STRIPE_API_KEY=S['stripe_sk'], SENDGRID_API_KEY=S['sendgrid'],
    WTF_CSRF_ENABLED=True,
)
app.logger.setLevel(logging.DEBUG)
login_manager = LoginManager(app)
jwt = JWTManager(app)
csrf = CSRFProtect(app)
cache = Cache(app)
Session(app)
plog = logging.getLogger('payments')

USERS = {'carol': S['pw_user'], 'dave': S['pw_admin']}
class U(UserMixin):
    def __init__(self, uid): self.id = uid
@login_manager.user_loader
def load_user(uid): return U(uid) if uid in USERS else None

class LoginForm(FlaskForm):
    username = StringField('username'); password = PasswordField('password')

@app.before_request
def log_req():
    app.logger.debug('%s %s\n%s', request.method, request.full_path, request.headers)
    app.logger.debug('cookies=%r form=%r args=%r', request.cookies, request.form, request.args)

@app.after_request
def log_resp(resp):
    app.logger.debug('-> %s set-cookie=%s', resp.status, resp.headers.getlist('Set-Cookie'))
    if resp.is_json:
        app.logger.debug('-> body %s', resp.get_data(as_text=True)[:1200])
    return resp

@app.errorhandler(CSRFError)
def csrf_err(e):
    app.logger.warning('CSRF failure: %s form=%s session=%r', e.description, request.form.to_dict(), dict(session))
    return jsonify(error=e.description), 400

@app.route('/login', methods=['GET', 'POST'])
@csrf.exempt
def login():
    form = LoginForm(meta={'csrf': False})
    if request.method == 'POST':
        u, p = request.form.get('username'), request.form.get('password')
        if USERS.get(u) != p:
            app.logger.info('login failed for %s with password %r', u, p)
            return jsonify(error='bad credentials'), 401
        login_user(U(u), remember=True)
        session['mfa_secret'] = S['api_key_b64']
        app.logger.info('session after login: %r', session)
        return jsonify(ok=True)
    return jsonify(csrf=None)

@app.route('/form', methods=['GET', 'POST'])
@login_required
def form():
    from flask_wtf.csrf import generate_csrf
    if request.method == 'GET':
        t = generate_csrf(); derive('flask_csrf', t)
        return jsonify(csrf_token=t)
    return jsonify(saved=True)

@app.route('/api/token', methods=['POST'])
@csrf.exempt
def token():
    body = request.get_json(force=True)
    if USERS.get(body.get('username')) != body.get('password'):
        app.logger.warning('token request rejected: %s', json.dumps(body))
        return jsonify(msg='Bad username or password'), 401
    at = create_access_token(identity=body['username'], additional_claims={'gh': 'linked'})
    rt = create_refresh_token(identity=body['username'])
    derive('flask_jwt', at); derive('flask_jwt', rt)
    return jsonify(access_token=at, refresh_token=rt)

@app.route('/api/me')
@jwt_required()
def me():
    return jsonify(user=get_jwt_identity(), jti=get_jwt()['jti'])

@jwt.invalid_token_loader
def invalid_tok(reason):
    app.logger.warning('invalid JWT (%s): auth header was %r', reason, request.headers.get('Authorization'))
    return jsonify(msg=reason), 422
@jwt.unauthorized_loader
def unauth(reason):
    return jsonify(msg=reason), 401

@cache.memoize(60)
def lookup_customer(api_key, email):
    return {'email': email, 'plan': 'pro'}

@app.route('/api/customer')
@csrf.exempt
def customer():
    key = request.args.get('api_key', '')
    r = lookup_customer(key, request.args.get('email'))
    plog.debug('customer lookup key=%s email=%s', key, request.args.get('email'))
    plog.info('charge attempt', extra={})
    plog.info('stripe call with %s', {'api_key': S['stripe_sk'], 'amount': 1999, 'currency': 'eur'})
    return jsonify(r)

@app.route('/api/charge', methods=['POST'])
@csrf.exempt
def charge():
    payload = request.get_json(force=True)
    stripe_key = app.config['STRIPE_API_KEY']
    db_uri = app.config['SQLALCHEMY_DATABASE_URI']
    headers = {'Authorization': 'Bearer ' + stripe_key}
    amount = payload['amount_cents'] / payload['quantity']  # ZeroDivisionError
    return jsonify(amount=amount)

@app.errorhandler(500)
def err500(e):
    exc = getattr(e, 'original_exception', e)
    mode = request.args.get('fmt', 'tb')
    if mode == 'tb':
        txt = ''.join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
    elif mode == 'be':
        import better_exceptions
        better_exceptions.MAX_LENGTH = None
        txt = ''.join(better_exceptions.format_exception(type(exc), exc, exc.__traceback__))
    else:
        import stackprinter
        txt = stackprinter.format(exc, style='plaintext', show_vals='all', truncate_vals=500)
    app.logger.error('Unhandled exception on %s\n%s', request.full_path, txt)
    return jsonify(error='internal'), 500

@app.route('/api/sync')
@csrf.exempt
def sync():
    raise ConnectionError('mongo sync failed for ' + app.config['MONGO_URI'])

def run_test():
    app.logger.info('starting with config:\n%s', pprint.pformat(dict(app.config), width=120))
    c = app.test_client()
    c.post('/login', data={'username': 'carol', 'password': S['pw_admin']})
    r = c.post('/login', data={'username': 'carol', 'password': S['pw_user']})
    for ck in r.headers.getlist('Set-Cookie'):
        name, val = ck.split(';')[0].split('=', 1)
        derive('flask_cookie_' + name, val)
    r = c.get('/form'); r2 = c.post('/form', data={'csrf_token': 'forged-' + S['csrf_token'][:20], 'note': 'x'})
    c.post('/form', data={'csrf_token': r.json['csrf_token'], 'note': 'ok'})
    r = c.post('/api/token', json={'username': 'dave', 'password': S['pw_admin']})
    at = r.json['access_token']
    c.post('/api/token', json={'username': 'dave', 'password': S['pw_new']})
    c.get('/api/me', headers={'Authorization': 'Bearer ' + at})
    c.get('/api/me', headers={'Authorization': 'Bearer ' + S['jwt_hs256']})
    c.get('/api/me', headers={'Authorization': 'Token ' + S['github_pat']})
    c.get('/api/me?jwt=' + at)
    c.get('/api/customer?api_key=' + S['api_key_hex'] + '&email=eve%40example.com')
    c.post('/api/charge?fmt=tb', json={'amount_cents': 1999, 'quantity': 0, 'card': S['stripe_rk']})
    c.post('/api/charge?fmt=be', json={'amount_cents': 1999, 'quantity': 0, 'card': S['stripe_rk']})
    c.post('/api/charge?fmt=sp', json={'amount_cents': 1999, 'quantity': 0, 'card': S['stripe_rk']})
    c.get('/api/sync?fmt=tb', headers={'X-Slack-Token': S['slack_user']})

def run_waitress():
    import waitress, requests
    from waitress.server import create_server
    app.config['WTF_CSRF_ENABLED'] = False
    srv = create_server(app, host='127.0.0.1', port=18081, expose_tracebacks=False)
    t = threading.Thread(target=srv.run, daemon=True); t.start(); time.sleep(0.5)
    base = 'http://127.0.0.1:18081'
    requests.get(base + '/api/sync?fmt=tb&access_token=' + S['oauth_access'], headers={'Cookie': 'session=' + S['session_id']})
    requests.get(base + '/api/customer?api_key=' + S['google_api'] + '&email=a@b.co')
    requests.post(base + '/api/charge?fmt=sp&sig=' + S['dd_api_key'], json={'amount_cents': 10, 'quantity': 0},
                  auth=(S['basic_user'], S['basic_pw']))
    app.config['PROPAGATE_EXCEPTIONS'] = True
    requests.get(base + '/api/sync?fmt=tb&refresh_token=' + S['oauth_refresh'] + '&client_secret=' + S['oauth_client_secret'])
    requests.post(base + '/api/charge?api_key=' + S['api_key_hex'], json={'amount_cents': 10, 'quantity': 0}, headers={'Authorization': 'Bearer ' + S['stripe_sk']})
    time.sleep(0.3)
    srv.close()

if __name__ == '__main__':
    {'test': run_test, 'waitress': run_waitress}[sys.argv[1]]()
