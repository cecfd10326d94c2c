"""A minimal MongoDB wire-protocol server (OP_QUERY handshake + OP_MSG), just enough for
real pymongo to connect, run CRUD commands and emit its real command logs."""
import datetime
import socket
import struct
import threading

import bson

OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013


class FakeMongod:
    def __init__(self, host="127.0.0.1", port=0):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.store = {}
        self.conn_id = 0
        self.lock = threading.Lock()
        self.stopped = False

    def start(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self):
        self.stopped = True
        try:
            self.sock.close()
        except OSError:
            pass

    def _accept(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.conn_id += 1
                cid = self.conn_id
            threading.Thread(target=self._serve, args=(conn, cid), daemon=True).start()

    @staticmethod
    def _recv(conn, n):
        buf = b""
        while len(buf) < n:
            chunk = conn.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def _hello(self, cid):
        return {
            "helloOk": True, "ismaster": True, "isWritablePrimary": True,
            "maxBsonObjectSize": 16777216, "maxMessageSizeBytes": 48000000,
            "maxWriteBatchSize": 100000, "localTime": datetime.datetime.now(datetime.timezone.utc),
            "logicalSessionTimeoutMinutes": 30, "connectionId": cid,
            "minWireVersion": 0, "maxWireVersion": 21, "readOnly": False, "ok": 1.0,
        }

    def _matches(self, doc, flt):
        for k, v in (flt or {}).items():
            if isinstance(v, dict):
                continue
            if doc.get(k) != v:
                return False
        return True

    def _command(self, cmd, cid):
        name = next(iter(cmd))
        lname = name.lower()
        db = cmd.get("$db", "admin")
        if lname in ("hello", "ismaster"):
            return self._hello(cid)
        coll = cmd[name] if isinstance(cmd[name], str) else ""
        ns = "%s.%s" % (db, coll)
        docs = self.store.setdefault(ns, [])
        if lname == "insert":
            docs.extend(cmd.get("documents", []))
            return {"n": len(cmd.get("documents", [])), "ok": 1.0}
        if lname == "update":
            n = len(cmd.get("updates", []))
            return {"n": n, "nModified": n, "ok": 1.0}
        if lname == "delete":
            return {"n": len(cmd.get("deletes", [])), "ok": 1.0}
        if lname == "find":
            found = [d for d in docs if self._matches(d, cmd.get("filter"))]
            lim = cmd.get("limit") or 0
            if lim:
                found = found[:abs(lim)]
            return {"cursor": {"firstBatch": found, "id": 0, "ns": ns}, "ok": 1.0}
        if lname == "aggregate":
            return {"cursor": {"firstBatch": [{"_id": None, "n": len(docs)}], "id": 0, "ns": ns}, "ok": 1.0}
        if lname == "findandmodify":
            found = [d for d in docs if self._matches(d, cmd.get("query"))]
            return {"lastErrorObject": {"n": 1, "updatedExisting": bool(found)}, "value": found[0] if found else None, "ok": 1.0}
        if lname == "count":
            return {"n": len(docs), "ok": 1.0}
        if lname == "listindexes":
            return {"cursor": {"firstBatch": [{"v": 2, "key": {"_id": 1}, "name": "_id_"}], "id": 0, "ns": ns}, "ok": 1.0}
        if lname == "buildinfo":
            return {"version": "7.0.12", "versionArray": [7, 0, 12, 0], "ok": 1.0}
        return {"ok": 1.0}

    def _serve(self, conn, cid):
        try:
            while True:
                hdr = self._recv(conn, 16)
                length, req_id, _, opcode = struct.unpack("<iiii", hdr)
                body = self._recv(conn, length - 16)
                if opcode == OP_QUERY:
                    flags = struct.unpack("<i", body[:4])[0]
                    end = body.index(b"\x00", 4)
                    pos = end + 1 + 8
                    qlen = struct.unpack("<i", body[pos:pos + 4])[0]
                    query = bson.decode(body[pos:pos + qlen])
                    if "$query" in query:
                        query = query["$query"]
                    reply = bson.encode(self._command(query, cid))
                    payload = struct.pack("<iqii", 0, 0, 0, 1) + reply
                    conn.sendall(struct.pack("<iiii", 16 + len(payload), 0, req_id, OP_REPLY) + payload)
                elif opcode == OP_MSG:
                    flags = struct.unpack("<I", body[:4])[0]
                    pos, end = 4, len(body) - (4 if flags & 1 else 0)
                    cmd = None
                    seqs = {}
                    while pos < end:
                        kind = body[pos]
                        pos += 1
                        if kind == 0:
                            dlen = struct.unpack("<i", body[pos:pos + 4])[0]
                            cmd = bson.decode(body[pos:pos + dlen])
                            pos += dlen
                        else:
                            slen = struct.unpack("<i", body[pos:pos + 4])[0]
                            sec = body[pos + 4:pos + slen]
                            z = sec.index(b"\x00")
                            ident = sec[:z].decode()
                            seqs[ident] = list(bson.decode_all(sec[z + 1:]))
                            pos += slen
                    cmd.update(seqs)
                    reply = bson.encode(self._command(cmd, cid))
                    if flags & 2:  # moreToCome: no reply expected
                        continue
                    payload = struct.pack("<I", 0) + b"\x00" + reply
                    conn.sendall(struct.pack("<iiii", 16 + len(payload), 0, req_id, OP_MSG) + payload)
                else:
                    return
        except (EOFError, OSError):
            pass
        finally:
            conn.close()
