"""pymongo/mongoengine/motor DEBUG logging + command monitoring against a refusing 127.0.0.1 port."""
import os, sys, logging, asyncio, urllib.parse
sys.path.insert(0, os.path.dirname(__file__))
from common import secrets_lib, setup_logging, free_port
S = secrets_lib.load()
setup_logging()
port = free_port()
user, pw = S['db_user'], S['mongo_pass']
uri = f"mongodb://{user}:{urllib.parse.quote_plus(pw)}@127.0.0.1:{port}/appdb?authSource=admin&serverSelectionTimeoutMS=300&connectTimeoutMS=200"
from pymongo import monitoring, MongoClient
class CL(monitoring.CommandListener):
    def started(self, e): logging.getLogger('app.mongo').debug('cmd started %s %s', e.command_name, e.command)
    def succeeded(self, e): logging.getLogger('app.mongo').debug('cmd ok %s', e.reply)
    def failed(self, e): logging.getLogger('app.mongo').debug('cmd failed %s', e.failure)
monitoring.register(CL())
log = logging.getLogger('app')
c = MongoClient(uri)
log.info('mongo client: %r', c)
try:
    c.appdb.users.insert_one({'email': 'a@b.c', 'password_hash': S['password_hash'], 'apiKey': S['api_key']})
except Exception as e:
    log.error('insert failed for uri=%s: %s', uri, e)
import mongoengine as me
class User(me.Document):
    email = me.StringField(); password_hash = me.StringField(); refreshToken = me.StringField()
me.connect(host=uri, alias='default')
try:
    User(email='x@y.z', password_hash=S['password_hash'], refreshToken=S['refresh']).save()
except Exception as e:
    log.exception('mongoengine save failed')
try:
    me.connect('appdb', host='127.0.0.1', port=port, username=user, password=pw, alias='second', serverSelectionTimeoutMS=300)
    me.get_connection('second').admin.command('ping')
except Exception as e:
    log.error('mongoengine connect(username=%s, password=%s) failed: %r', user, pw, e)
log.info('mongoengine connection settings: %s', me.connection._connection_settings.get('second'))
import motor.motor_asyncio as ma
async def m():
    mc = ma.AsyncIOMotorClient(uri.replace('appdb', 'motordb'))
    log.info('motor client %r', mc)
    try:
        await mc.motordb.sessions.insert_one({'session_token': S['session_token']})
    except Exception as e:
        log.exception('motor insert failed')
asyncio.run(m())
# pymongo srv / invalid URIs produce errors echoing the URI
from pymongo.errors import InvalidURI, ConfigurationError
for bad in [f"mongodb://{user}:{pw}@127.0.0.1:{port}/x", f"mongodb+srv://{user}:{urllib.parse.quote_plus(pw)}@127.0.0.1:{port}/x"]:
    try: MongoClient(bad, serverSelectionTimeoutMS=200)
    except Exception as e: log.error('bad mongo uri %s: %s', bad, e)
# --- against a minimal wire-protocol responder: pymongo structured command logging + CommandListener + mongoengine documents
import fake_mongod
fp = fake_mongod.start()
logging.getLogger('pymongo.topology').setLevel(logging.INFO); logging.getLogger('pymongo.serverSelection').setLevel(logging.INFO); logging.getLogger('pymongo.connection').setLevel(logging.INFO)
c2 = MongoClient(f'mongodb://127.0.0.1:{fp}/appdb?directConnection=true&serverSelectionTimeoutMS=2000')
c2.appdb.users.insert_one({'email': 'a@b.c', 'password_hash': S['password_hash'], 'apiKey': S['api_key'], 'refreshToken': S['refresh'], 'mfa': {'totpSecret': S['totp_seed'], 'recovery': [S['recovery1'], S['recovery2']]}})
c2.appdb.users.find_one({'apiKey': S['api_key']})
c2.appdb.sessions.update_one({'token': S['session_token']}, {'$set': {'jwt': S['jwt'], 'ip': '10.0.0.1'}})
me.disconnect('default'); me.connect(host=f'mongodb://127.0.0.1:{fp}/appdb?directConnection=true', alias='default')
User(email='x@y.z', password_hash=S['password_hash'], refreshToken=S['refresh']).save()
list(User.objects(refreshToken=S['plain_token']))
