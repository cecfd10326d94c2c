"""pymongo 4 against a tiny fake MongoDB wire server (OP_QUERY/OP_MSG), with pymongo's standardized DEBUG
logging + a CommandListener, auth failure, unreachable replica set URI, plus mongomock app code."""
import sys, socket, struct, threading, logging, json, time, datetime
from common import S, derive
import bson
from bson import BSON

STORE = []
def reply_for(doc):
    cmd = next(iter(doc)).lower()
    if cmd in ('hello', 'ismaster', 'isMaster'.lower()):
        return {'helloOk': True, 'ismaster': True, 'isWritablePrimary': True, 'maxWireVersion': 21, 'minWireVersion': 0,
                'maxBsonObjectSize': 16777216, 'maxMessageSizeBytes': 48000000, 'maxWriteBatchSize': 100000,
                'localTime': datetime.datetime.utcnow(), 'logicalSessionTimeoutMinutes': 30, 'connectionId': 7, 'ok': 1.0}
    if cmd in ('saslstart', 'saslcontinue', 'authenticate'):
        return {'ok': 0.0, 'errmsg': 'Authentication failed.', 'code': 18, 'codeName': 'AuthenticationFailed'}
    if cmd == 'insert':
        STORE.extend(doc.get('documents', [])); return {'n': len(doc.get('documents', [])), 'ok': 1.0}
    if cmd == 'find':
        return {'cursor': {'id': bson.int64.Int64(0), 'ns': doc.get('$db', 'x') + '.' + doc['find'], 'firstBatch': STORE[-3:]}, 'ok': 1.0}
    if cmd == 'update':
        return {'n': 1, 'nModified': 1, 'ok': 1.0}
    if cmd == 'createuser':
        return {'ok': 1.0}
    if cmd == 'ping' or cmd == 'endsessions':
        return {'ok': 1.0}
    return {'ok': 0.0, 'errmsg': 'no such command: ' + cmd, 'code': 59}

def recvn(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: raise EOFError
        b += c
    return b

def handle(conn):
    try:
        while True:
            hdr = recvn(conn, 16)
            ln, rid, rto, op = struct.unpack('<iiii', hdr)
            body = recvn(conn, ln - 16)
            if op == 2004:  # OP_QUERY
                p = 4; end = body.index(b'\0', p); p = end + 1 + 8
                dl = struct.unpack('<i', body[p:p+4])[0]; doc = BSON(body[p:p+dl]).decode()
                out = BSON.encode(reply_for(doc))
                payload = struct.pack('<iqii', 8, 0, 0, 1) + out
                conn.sendall(struct.pack('<iiii', 16 + len(payload), rid + 1000, rid, 1) + payload)
            elif op == 2013:  # OP_MSG
                p = 4; doc = None; seqs = {}
                while p < len(body):
                    kind = body[p]; p += 1
                    if kind == 0:
                        dl = struct.unpack('<i', body[p:p+4])[0]; doc = BSON(body[p:p+dl]).decode(); p += dl
                    else:
                        sz = struct.unpack('<i', body[p:p+4])[0]; e = p + sz; q = p + 4
                        nend = body.index(b'\0', q); ident = body[q:nend].decode(); q = nend + 1; docs = []
                        while q < e:
                            dl = struct.unpack('<i', body[q:q+4])[0]; docs.append(BSON(body[q:q+dl]).decode()); q += dl
                        seqs[ident] = docs; p = e
                doc.update(seqs)
                out = BSON.encode(reply_for(doc))
                payload = struct.pack('<I', 0) + b'\0' + out
                conn.sendall(struct.pack('<iiii', 16 + len(payload), rid + 1000, rid, 2013) + payload)
            else:
                return
    except (EOFError, ConnectionError, OSError):
        pass
    finally:
        conn.close()

def serve(port):
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); ls.bind(('127.0.0.1', port)); ls.listen(16)
    def loop():
        while True:
            c, _ = ls.accept(); threading.Thread(target=handle, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()

logging.basicConfig(level=logging.INFO, stream=sys.stdout, format='%(asctime)s %(levelname)-7s %(name)s: %(message)s')
log = logging.getLogger('orders.repo')
from pymongo import MongoClient, monitoring, errors

class CmdLogger(monitoring.CommandListener):
    def started(self, e): log.debug('mongo cmd started %s %s', e.command_name, e.command)
    def succeeded(self, e): log.debug('mongo cmd ok %s %sus reply=%s', e.command_name, e.duration_micros, e.reply)
    def failed(self, e): log.warning('mongo cmd failed %s %s', e.command_name, e.failure)

def main():
    port = 27999; serve(port); log.setLevel(logging.DEBUG)
    logging.getLogger('pymongo.command').setLevel(logging.DEBUG)
    logging.getLogger('pymongo.connection').setLevel(logging.DEBUG)
    logging.getLogger('pymongo.serverSelection').setLevel(logging.DEBUG)
    log.info('MONGO_URI=%s', S['mongo_uri'])
    c = MongoClient('mongodb://127.0.0.1:%d/orders?appname=orders-api&directConnection=true' % port, event_listeners=[CmdLogger()], serverSelectionTimeoutMS=3000)
    db = c.orders
    db.tokens.insert_one({'user': 'alice', 'access_token': S['oauth_access'], 'refresh_token': S['oauth_refresh'], 'gh': S['github_pat']})
    db.integrations.insert_many([{'name': 'slack', 'webhook': S['slack_webhook'], 'bot_token': S['slack_bot']},
                                 {'name': 'stripe', 'secret': S['stripe_sk']}, {'name': 'google', 'key': S['google_api']}])
    list(db.tokens.find({'access_token': S['oauth_access']}))
    db.users.update_one({'email': 'alice@example-corp.io'}, {'$set': {'password': S['pw_user'], 'api_key': S['api_key_b64']}})
    c.admin.command('createUser', 'reporting', pwd=S['pw_db'], roles=['read'])
    try:
        db.command('aggregate', 'tokens', pipeline=[{'$match': {'npm': S['npm_token']}}], cursor={})
    except errors.OperationFailure as e:
        log.error('aggregate failed: %s', e)
    c.close()
    logging.getLogger('pymongo.command').setLevel(logging.INFO)
    # auth failure with credentials in URI (escaped password)
    from urllib.parse import quote_plus
    uri = 'mongodb://orders_rw:%s@127.0.0.1:%d/orders?authSource=admin&directConnection=true' % (quote_plus(S['pw_mongo']), port)
    log.info('connecting with %s', uri)
    try:
        MongoClient(uri, serverSelectionTimeoutMS=2000).orders.command('ping')
    except errors.PyMongoError as e:
        log.error('mongo auth failed for uri %s: %s', uri, e)
    # unescaped password in URI
    bad = 'mongodb://orders_rw:%s@127.0.0.1:%d/orders' % (S['pw_mongo'], port)
    try:
        MongoClient(bad)
    except Exception as e:
        log.error('invalid MONGO_URI %r: %s: %s', bad, type(e).__name__, e)
    # unreachable replica set
    try:
        MongoClient(S['mongo_uri'], serverSelectionTimeoutMS=800, connectTimeoutMS=300).orders.command('ping')
    except errors.PyMongoError as e:
        log.error('cannot reach %s: %s', S['mongo_uri'], str(e)[:400])
    try:
        MongoClient(S['mongo_srv_uri'], serverSelectionTimeoutMS=500)
    except Exception as e:
        log.error('srv uri %s failed: %r', S['mongo_srv_uri'], e)
    # mongomock app code
    import mongomock
    mc = mongomock.MongoClient(S['mongo_uri'])
    keys = mc.orders.api_keys
    keys.insert_one({'key': S['api_key_hex'], 'owner': 'svc-reporting', 'twilio': S['twilio_token']})
    for k in (S['api_key_hex'], S['api_key_b64']):
        found = keys.find_one({'key': k}, {'_id': 0})
        log.info('api key lookup %s -> %s', {'key': k}, found)
    log.info('mongomock client: %r', mc)
    print('mongo run done', file=sys.stderr)

main()
