"""FakeMongod with unique indexes: duplicate keys are refused with mongod's own E11000 error shapes.

mongod 7.0 reports a duplicate key on insert as a write error inside an ok:1 reply
    {"n": 0, "writeErrors": [{"index": 0, "code": 11000, "errmsg": "E11000 duplicate key error
     collection: app.refresh_tokens index: _id_ dup key: { _id: \"…\" }", "keyPattern": {"_id": 1},
     "keyValue": {"_id": "…"}}], "ok": 1.0}
and on findAndModify (upsert) as a command error {"ok": 0.0, "errmsg": …, "code": 11000,
"codeName": "DuplicateKey", "keyPattern": …, "keyValue": …}. The errmsg renders the key the way
mongod does: `{ field: "string" }`, `{ _id: ObjectId('…') }`, numbers bare, compound keys comma-separated.
Also answers createIndexes / listIndexes / dropIndexes with what was created.
"""
import base64
import hashlib
import hmac
import os

import bson

from fake_mongod import FakeMongod


def _render(v):
    if isinstance(v, str):
        return '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')
    if isinstance(v, bson.ObjectId):
        return "ObjectId('%s')" % v
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    return str(v)


class FakeMongodIdx(FakeMongod):
    def __init__(self, *a, users=None, **kw):
        super().__init__(*a, **kw)
        self.indexes = {}  # ns -> [(name, keys(list), unique)]
        self.users = users or {}  # SCRAM-SHA-256 users: name -> password
        self.scram = {}

    def _sasl(self, cmd, cid):
        """SCRAM-SHA-256 (RFC 7677) server side, enough for pymongo's saslStart/saslContinue."""
        if "saslStart" in cmd:
            first = bytes(cmd["payload"]).decode()
            bare = first.split(",", 2)[2]
            attrs = dict(kv.split("=", 1) for kv in bare.split(","))
            salt, it = os.urandom(16), 15000
            nonce = attrs["r"] + base64.b64encode(os.urandom(24)).decode()
            server_first = "r=%s,s=%s,i=%d" % (nonce, base64.b64encode(salt).decode(), it)
            self.scram[cid] = (attrs["n"], bare, server_first, salt, it)
            return {"conversationId": 1, "done": False, "payload": bson.Binary(server_first.encode()), "ok": 1.0}
        user, bare, server_first, salt, it = self.scram.get(cid, (None,) * 5)
        payload = bytes(cmd.get("payload", b"")).decode()
        if not payload:
            return {"conversationId": 1, "done": True, "payload": bson.Binary(b""), "ok": 1.0}
        without_proof = payload.rsplit(",p=", 1)[0]
        salted = hashlib.pbkdf2_hmac("sha256", self.users.get(user, "").encode(), salt, it)
        server_key = hmac.new(salted, b"Server Key", "sha256").digest()
        auth_msg = ",".join([bare, server_first, without_proof]).encode()
        sig = base64.b64encode(hmac.new(server_key, auth_msg, "sha256").digest()).decode()
        return {"conversationId": 1, "done": True, "payload": bson.Binary(("v=" + sig).encode()), "ok": 1.0}

    def _idx(self, ns):
        return self.indexes.setdefault(ns, [("_id_", ["_id"], True)])

    def _dup(self, ns, docs, doc, skip=None):
        for name, keys, unique in self._idx(ns):
            if not unique or any(k not in doc for k in keys):
                continue
            kv = {k: doc[k] for k in keys}
            for other in docs:
                if other is skip:
                    continue
                if all(k in other and other[k] == kv[k] for k in keys):
                    errmsg = "E11000 duplicate key error collection: %s index: %s dup key: { %s }" % (
                        ns, name, ", ".join("%s: %s" % (k, _render(kv[k])) for k in keys))
                    return {"code": 11000, "errmsg": errmsg, "keyPattern": {k: 1 for k in keys}, "keyValue": kv}
        return None

    def _command(self, cmd, cid):
        name = next(iter(cmd))
        lname = name.lower()
        db = cmd.get("$db", "admin")
        coll = cmd[name] if isinstance(cmd[name], str) else ""
        ns = "%s.%s" % (db, coll)
        if lname in ("saslstart", "saslcontinue"):
            return self._sasl(cmd, cid)
        if lname in ("hello", "ismaster") and "saslSupportedMechs" in cmd:
            r = self._hello(cid)
            r["saslSupportedMechs"] = ["SCRAM-SHA-256"]
            return r
        if lname == "createindexes":
            for spec in cmd.get("indexes", []):
                self._idx(ns).append((spec["name"], list(spec["key"].keys()), bool(spec.get("unique"))))
            return {"numIndexesBefore": 1, "numIndexesAfter": len(self._idx(ns)), "createdCollectionAutomatically": False, "ok": 1.0}
        if lname == "listindexes":
            batch = [dict(v=2, key={k: 1 for k in keys}, name=n, **({"unique": True} if u and n != "_id_" else {}))
                     for n, keys, u in self._idx(ns)]
            return {"cursor": {"firstBatch": batch, "id": 0, "ns": ns}, "ok": 1.0}
        if lname == "insert":
            docs = self.store.setdefault(ns, [])
            errors, n = [], 0
            for i, d in enumerate(cmd.get("documents", [])):
                e = self._dup(ns, docs, d)
                if e:
                    errors.append(dict(index=i, **e))
                    if cmd.get("ordered", True):
                        break
                    continue
                docs.append(d)
                n += 1
            r = {"n": n}
            if errors:
                r["writeErrors"] = errors
            r["ok"] = 1.0
            return r
        if lname == "update":
            docs = self.store.setdefault(ns, [])
            errors, n = [], 0
            for i, u in enumerate(cmd.get("updates", [])):
                target = next((d for d in docs if self._matches(d, u.get("q"))), None)
                if target is None:
                    continue
                new = dict(target)
                new.update(u.get("u", {}).get("$set", {}))
                e = self._dup(ns, docs, new, skip=target)
                if e:
                    errors.append(dict(index=i, **e))
                    break
                target.update(u.get("u", {}).get("$set", {}))
                n += 1
            r = {"n": n, "nModified": n}
            if errors:
                r["writeErrors"] = errors
            r["ok"] = 1.0
            return r
        if lname == "findandmodify" and cmd.get("upsert"):
            docs = self.store.setdefault(ns, [])
            found = next((d for d in docs if self._matches(d, cmd.get("query"))), None)
            if found is None:
                new = dict(cmd.get("query") or {})
                new.update((cmd.get("update") or {}).get("$set", {}))
                e = self._dup(ns, docs, new)
                if e:
                    return dict(ok=0.0, errmsg=e["errmsg"], code=11000, codeName="DuplicateKey",
                                keyPattern=e["keyPattern"], keyValue=e["keyValue"])
                docs.append(new)
                return {"lastErrorObject": {"n": 1, "updatedExisting": False, "upserted": new.get("_id")}, "value": None, "ok": 1.0}
        return super()._command(cmd, cid)
