"""Minimal MongoDB wire-protocol responder on 127.0.0.1 (OP_QUERY/OP_MSG), enough for pymongo hello/insert/find/update."""
import socket, struct, threading, bson, datetime
STORE = {}
def hello():
    return {'helloOk': True, 'ismaster': True, 'isWritablePrimary': True, 'maxWireVersion': 21, 'minWireVersion': 0, 'maxBsonObjectSize': 16777216,
            'maxMessageSizeBytes': 48000000, 'maxWriteBatchSize': 100000, 'localTime': datetime.datetime.utcnow(), 'logicalSessionTimeoutMinutes': 30, 'connectionId': 1, 'ok': 1.0}
def handle_cmd(doc, seqs):
    name = next(iter(doc))
    if name.lower() in ('hello', 'ismaster'): return hello()
    if name == 'insert':
        docs = seqs.get('documents', doc.get('documents', []))
        STORE.setdefault(doc['insert'], []).extend(docs); return {'n': len(docs), 'ok': 1.0}
    if name == 'find':
        return {'cursor': {'id': 0, 'ns': f"{doc.get('$db','db')}.{doc['find']}", 'firstBatch': STORE.get(doc['find'], [])[:1]}, 'ok': 1.0}
    if name == 'update':
        return {'n': 1, 'nModified': 1, 'ok': 1.0}
    return {'ok': 1.0}
def serve(conn):
    try:
        while True:
            hdr = conn.recv(16, socket.MSG_WAITALL)
            if len(hdr) < 16: return
            ln, rid, rto, op = struct.unpack('<iiii', hdr)
            body = conn.recv(ln - 16, socket.MSG_WAITALL)
            if op == 2004:
                flags = struct.unpack('<i', body[:4])[0]; i = body.index(b'\0', 4) + 1 + 8
                q = bson.decode(body[i:i + struct.unpack('<i', body[i:i+4])[0]])
                reply = bson.encode(handle_cmd(q, {}))
                payload = struct.pack('<iqii', 0, 0, 0, 1) + reply
                conn.sendall(struct.pack('<iiii', 16 + len(payload), 1, rid, 1) + payload)
            elif op == 2013:
                pos = 4; doc = None; seqs = {}
                while pos < len(body):
                    kind = body[pos]; pos += 1
                    if kind == 0:
                        sz = struct.unpack('<i', body[pos:pos+4])[0]; doc = bson.decode(body[pos:pos+sz]); pos += sz
                    elif kind == 1:
                        sz = struct.unpack('<i', body[pos:pos+4])[0]; end = pos + sz; j = body.index(b'\0', pos + 4)
                        ident = body[pos+4:j].decode(); k = j + 1; docs = []
                        while k < end:
                            dsz = struct.unpack('<i', body[k:k+4])[0]; docs.append(bson.decode(body[k:k+dsz])); k += dsz
                        seqs[ident] = docs; pos = end
                    else: break
                reply = bson.encode(handle_cmd(doc, seqs))
                payload = struct.pack('<I', 0) + b'\0' + reply
                conn.sendall(struct.pack('<iiii', 16 + len(payload), 1, rid, 2013) + payload)
            else: return
    except Exception:
        return
    finally:
        conn.close()
def start():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 0)); s.listen(16)
    def loop():
        while True:
            c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return s.getsockname()[1]
