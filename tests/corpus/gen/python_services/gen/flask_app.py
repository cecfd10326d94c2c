import os, sys, logging, json
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, add_extra
from flask import Flask, request, jsonify, session, make_response
from flask_login import LoginManager, UserMixin, login_user, current_user, login_required
S = secrets_lib.load()
app = Flask(__name__)
app.secret_key = S['flask_secret']
app.config['REMEMBER_COOKIE_NAME'] = 'remember_token'
lm = LoginManager(app)
class U(UserMixin):
    def __init__(self, id): self.id = id
@lm.user_loader
def load(uid): return U(uid)
log = logging.getLogger('app.requests')
@app.before_request
def log_req():
    # common app pattern: log incoming headers at debug
    log.debug('incoming %s %s headers=%s', request.method, request.full_path, dict(request.headers))
@app.after_request
def cap(resp):
    for c in resp.headers.getlist('Set-Cookie'):
        add_extra(c.split(';')[0].split('=', 1)[1])
    return resp
@app.route('/oauth/token', methods=['POST'])
def token():
    log.debug('token request form=%s', request.form.to_dict())
    return jsonify(access_token=S['oauth_access'], refresh_token=S['refresh'], token_type='Bearer', expires_in=3600, scope=['read'])
@app.route('/login', methods=['POST'])
def login():
    login_user(U('42'), remember=True)
    session['csrf_token'] = S['csrf']
    session['api_key'] = S['api_key']
    return jsonify(ok=True, session_token=S['session_token'])
@app.route('/api/data', methods=['GET', 'POST'])
def data():
    return jsonify(items=[1, 2], user=getattr(current_user, 'id', None))
@app.route('/me')
@login_required
def me():
    return jsonify(id=current_user.id)
@app.route('/oauth/authorize')
def authorize():
    return jsonify(code=S['oauth_code'])
