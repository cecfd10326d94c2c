"""Python warnings, faulthandler, pprint/repr of settings objects, %(args)s / %(message)r formats, config dumps."""
import sys, os, warnings, logging, logging.config, pprint, faulthandler, types, dataclasses, configparser, io, json
from common import S
logging.config.dictConfig({'version': 1,
    'formatters': {'a': {'format': '%(levelname)s:%(name)s:%(message)s args=%(args)s'},
                   'r': {'format': '%(asctime)s %(name)s %(message)r'}},
    'handlers': {'a': {'class': 'logging.StreamHandler', 'formatter': 'a', 'stream': 'ext://sys.stdout'},
                 'r': {'class': 'logging.StreamHandler', 'formatter': 'r', 'stream': 'ext://sys.stderr'}},
    'loggers': {'cfg': {'handlers': ['a'], 'level': 'DEBUG'}, 'raw': {'handlers': ['r'], 'level': 'DEBUG'}},
    'root': {'level': 'WARNING'}})
logging.captureWarnings(True)
cfg = logging.getLogger('cfg'); raw = logging.getLogger('raw')

@dataclasses.dataclass
class Settings:
    mongo_uri: str; database_url: str; redis_url: str; aws_access_key_id: str; aws_secret_access_key: str
    aws_session_token: str; slack_bot_token: str; github_token: str; google_api_key: str; sendgrid_api_key: str
    datadog_api_key: str; npm_token: str; jwt_secret: str; debug: bool = False

st = Settings(S['mongo_uri'], S['postgres_uri'], S['redis_uri'], S['aws_asia'], S['aws_secret'], S['aws_session_token'],
              S['slack_bot'], S['ghp'], S['google_api'], S['sendgrid'], S['dd_api_key'], S['npm_token'], S['jwt_hs_key'])
cfg.info('loaded settings %s', st)
print('settings =', pprint.pformat(dataclasses.asdict(st), width=100))
cfg.debug('db %s cache %s', S['postgres_uri'], S['redis_uri'])
cfg.debug('headers', {'Authorization': 'Bearer ' + S['jwt_hs256'], 'X-Api-Key': S['api_key_b64']})
cfg.info('s3 creds %s/%s', S['aws_akid'], S['aws_secret'])
raw.info('webhook payload %s', json.dumps({'token': S['slack_user'], 'text': 'deploy "prod" done', 'pw': S['pw_admin']}))
raw.warning("login failed user=%s password=%s", 'frank', S['pw_user'])
raw.debug('env AWS_SESSION_TOKEN=%s AWS_ACCESS_KEY_ID=%s', S['aws_session_token'], S['aws_asia'])
ns = types.SimpleNamespace(client_id='web', client_secret=S['oauth_client_secret'], refresh_token=S['oauth_refresh'])
cfg.info('oauth config %r', ns)
cp = configparser.ConfigParser(interpolation=None)
cp.read_string('[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n[twilio]\nauth_token = %s\n' % (S['aws_akid2'], S['aws_secret2'], S['twilio_token']))
buf = io.StringIO(); cp.write(buf); print(buf.getvalue())
cfg.info('config sections %s', {s: dict(cp[s]) for s in cp.sections()})
# warnings
warnings.warn('Unverified HTTPS request is being made to host vault.internal with token %s' % S['opaque_access'], RuntimeWarning)
warnings.warn("MONGO_URI %s uses deprecated option 'ssl_cert_reqs'" % S['mongo_srv_uri'], DeprecationWarning)
warnings.warn_explicit('api key %s passed in query string' % S['google_api'], UserWarning, 'client.py', 42)
# faulthandler dump with secrets in argv-like names (nothing secret printed by faulthandler itself)
faulthandler.dump_traceback(file=sys.stderr)
# exception w/ locals printed via traceback capture_locals
import traceback
def connect(dsn, password):
    raise ConnectionRefusedError('could not connect to server: %s' % dsn.replace(password, '***'))
try:
    connect(S['postgres_uri'], S['pw_db'])
except Exception as e:
    print(''.join(traceback.TracebackException.from_exception(e, capture_locals=True).format()), file=sys.stderr)
import stackprinter
try:
    token = S['github_pat']; hdrs = {'Authorization': 'token ' + token}
    raise PermissionError('GitHub API 401 Bad credentials')
except Exception as e:
    print(stackprinter.format(e, style='plaintext'), file=sys.stderr)
print('misc run done', file=sys.stderr)
