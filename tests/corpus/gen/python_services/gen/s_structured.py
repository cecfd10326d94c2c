"""structlog / loguru diagnose / python-json-logger / SQLAlchemy echo / redis-py / celery / itsdangerous."""
import os, sys, logging, json
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, setup_logging, free_port, add_extra
S = secrets_lib.load()
setup_logging()
dead = free_port()
from urllib.parse import quote
QP = quote(S['db_pass'], safe='')
RP = quote(S['redis_pass'], safe='')
# --- python-json-logger
from pythonjsonlogger import json as jsonlogger
jl = logging.getLogger('svc.json'); jl.propagate = False
h = logging.StreamHandler(sys.stderr); h.setFormatter(jsonlogger.JsonFormatter('%(asctime)s %(levelname)s %(name)s %(message)s')); jl.addHandler(h)
def charge(card_token, api_key):
    raise RuntimeError(f'payment provider rejected key {api_key[:12]}...')
def do_charge():
  try:
    charge('tok_visa', S['sk_live'])
  except Exception:
    jl.exception('charge failed', extra={'api_key': S['sk_live'], 'headers': {'Authorization': 'Bearer ' + S['bearer']}, 'user': {'email': 'a@b.c', 'password': S['user_password']}})
do_charge()
jl.info('oauth token refreshed', extra={'refresh_token': S['refresh'], 'access_token': S['oauth_access'], 'expires_in': 3600})
jl.info('db configured', extra={'dsn': f"postgresql://{S['db_user']}:{S['db_pass']}@db.internal:5432/app"})
# --- structlog with dict tracebacks and locals
import structlog
structlog.configure(processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt='iso'), structlog.processors.dict_tracebacks, structlog.processors.JSONRenderer()], logger_factory=structlog.PrintLoggerFactory(sys.stderr))
sl = structlog.get_logger('svc')
def login(username, password, session_token):
    user = {'name': username, 'password_hash': S['password_hash']}
    raise PermissionError('bad password')
def api_login_handler(body):
    try:
        login(body['username'], body['password'], body.get('session_token'))
    except Exception:
        sl.exception('login failed', username=body['username'])
api_login_handler({'username': S['basic_user'], 'password': S['basic_pass'], 'session_token': S['session_token']})
sl.info('issued token', token=S['jwt'], refresh_token=S['refresh'])
# structlog ConsoleRenderer with rich-less plain tracebacks (locals shown)
structlog.configure(processors=[structlog.processors.add_log_level, structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)], logger_factory=structlog.PrintLoggerFactory(sys.stderr))
sl2 = structlog.get_logger('svc.console')
sl2.info('aws client', aws_access_key_id=S['aws_key'], aws_secret_access_key=S['aws_secret'])
def console_login(u, p, t):
    try:
        login(u, p, t)
    except Exception:
        sl2.exception('login failed (console)')
console_login(S['basic_user'], S['user_password'], S['session_token'])
# --- loguru diagnose=True
from loguru import logger as lg
lg.remove(); lg.add(sys.stderr, backtrace=True, diagnose=True, colorize=False, format='{time:YYYY-MM-DD HH:mm:ss.SSS} | {level} | {name}:{function}:{line} - {message} | {extra}')
def connect_redis(url, password):
    timeout = 0
    return 1 / timeout
def init_cache(cfg):
    redis_url = f"redis://:{quote(cfg['redis_pass'], safe='')}@127.0.0.1:{dead}/0"
    redis_password = cfg['redis_pass']
    try:
        connect_redis(redis_url, redis_password)
    except ZeroDivisionError:
        lg.exception('redis connect failed')
init_cache({'redis_pass': S['redis_pass'], 'db': 0})
lg.bind(api_key=S['api_key'], client_secret=S['client_secret']).info('calling partner API')
lg.opt(record=False).info('stripe key={}', S['sk_live'])
# --- SQLAlchemy echo with bound params
import sqlalchemy as sa
eng = sa.create_engine('sqlite://', echo=True)
logging.getLogger('sqlalchemy.engine.Engine').handlers.clear(); logging.getLogger('sqlalchemy.engine.Engine').propagate = True
with eng.begin() as c:
    c.execute(sa.text('create table users (id integer primary key, email text, password_hash text, api_key text, reset_token text)'))
    c.execute(sa.text('insert into users (email, password_hash, api_key, reset_token) values (:e, :p, :k, :t)'), {'e': 'a@b.c', 'p': S['password_hash'], 'k': S['api_key'], 't': S['refresh']})
    c.execute(sa.text('update users set password_hash = :p where email = :e'), [{'p': S['password_hash'], 'e': 'a@b.c'}, {'p': S['user_password'], 'e': 'x@y.z'}])
    c.execute(sa.text('select * from users where api_key = :k'), {'k': S['api_key']}).fetchall()
try:
    e2 = sa.create_engine(f"postgresql+psycopg2://{S['db_user']}:{QP}@127.0.0.1:{dead}/app")
except Exception as ex:
    logging.getLogger('app.db').error('engine create failed: %s', ex)
u = sa.engine.make_url(f"mysql://{S['db_user']}:{QP}@127.0.0.1:{dead}/app")
logging.getLogger('app.db').info('db url repr=%r str=%s', u, u.render_as_string(hide_password=False))
# --- redis-py
import redis
logging.getLogger('redis').setLevel(logging.DEBUG)
r = redis.Redis.from_url(f"redis://default:{RP}@127.0.0.1:{dead}/0", socket_connect_timeout=0.2)
logging.getLogger('app.cache').info('redis client %r', r)
try:
    r.set('session:' + S['session_token'], S['jwt'])
except Exception as ex:
    logging.getLogger('app.cache').exception('redis set failed: %s', ex)
logging.getLogger('app.cache').info('redis kwargs %s', r.connection_pool.connection_kwargs)
# --- celery
from celery import Celery
burl = f"redis://:{RP}@127.0.0.1:{dead}/1"
capp = Celery('tasks', broker=burl, backend=f"db+postgresql://{S['db_user']}:{QP}@127.0.0.1:{dead}/celery")
capp.conf.broker_connection_retry_on_startup = False; capp.conf.broker_connection_max_retries = 0
logging.getLogger('app.celery').info('celery broker=%s', capp.conf.broker_url)
with capp.connection_for_write() as conn:
    logging.getLogger('app.celery').info('broker connection: %s (as_uri=%s, include_password=%s)', conn, conn.as_uri(), conn.as_uri(include_password=True))
print(capp.conf.humanize(with_defaults=False, censored=False), file=sys.stderr)
print(capp.conf.humanize(with_defaults=False, censored=True), file=sys.stderr)
# --- itsdangerous / flask session cookie
from itsdangerous import URLSafeTimedSerializer
ser = URLSafeTimedSerializer(S['flask_secret'], salt='cookie-session')
tok = ser.dumps({'_user_id': '42', 'csrf_token': S['csrf']}); add_extra(tok)
logging.getLogger('app.session').debug('set-cookie session=%s; HttpOnly; Path=/', tok)
logging.getLogger('app.session').debug('reset link: https://example.com/reset?token=%s', tok)
