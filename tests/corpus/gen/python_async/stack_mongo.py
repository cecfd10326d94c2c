"""motor (async MongoDB driver) against a tiny fake wire-protocol server, with pymongo DEBUG logging
and a command-monitoring listener; plus URI parsing/connection error paths."""
import asyncio, logging, struct, sys, json
from urllib.parse import quote_plus
import bson
from bson import SON
from pymongo import monitoring
import motor.motor_asyncio as ma
from common import S, setup_logging, free_port

setup_logging()
log = logging.getLogger("app.db")
for n in ("pymongo.command", "pymongo.connection", "pymongo.serverSelection", "pymongo.topology"):
    logging.getLogger(n).setLevel(logging.DEBUG)


class CmdLogger(monitoring.CommandListener):
    def started(self, e):
        log.debug("mongo cmd started %s db=%s cmd=%s", e.command_name, e.database_name, e.command)

    def succeeded(self, e):
        log.debug("mongo cmd ok %s %.1fms reply=%s", e.command_name, e.duration_micros / 1000, e.reply)

    def failed(self, e):
        log.warning("mongo cmd failed %s failure=%s", e.command_name, e.failure)


HELLO = {"ismaster": True, "isWritablePrimary": True, "helloOk": True, "maxWireVersion": 21, "minWireVersion": 0,
         "maxBsonObjectSize": 16777216, "maxMessageSizeBytes": 48000000, "maxWriteBatchSize": 100000,
         "localTime": None, "logicalSessionTimeoutMinutes": 30, "connectionId": 1, "ok": 1.0}


def reply_for(cmd, state):
    name = next(iter(cmd)).lower() if cmd else ""
    if name in ("hello", "ismaster"):
        import datetime
        return dict(HELLO, localTime=datetime.datetime.utcnow())
    if name == "saslstart" or name == "authenticate":
        return {"ok": 0.0, "errmsg": "Authentication failed.", "code": 18, "codeName": "AuthenticationFailed"}
    if name == "insert":
        state.setdefault(cmd["insert"], []).extend(cmd.get("documents", []))
        return {"n": len(cmd.get("documents", [])), "ok": 1.0}
    if name == "find":
        docs = state.get(cmd["find"], [])[:5]
        return {"cursor": {"id": 0, "ns": f"{cmd.get('$db')}.{cmd['find']}", "firstBatch": docs}, "ok": 1.0}
    if name == "update":
        return {"ok": 0.0, "errmsg": f"Document failed validation: {cmd.get('updates')}", "code": 121,
                "codeName": "DocumentValidationFailure"}
    return {"ok": 1.0}


async def handle(reader, writer, state):
    try:
        while True:
            hdr = await reader.readexactly(16)
            length, rid, _, op = struct.unpack("<iiii", hdr)
            body = await reader.readexactly(length - 16)
            if op == 2004:  # OP_QUERY
                flags = struct.unpack("<i", body[:4])[0]
                end = body.index(b"\x00", 4)
                q = body[end + 1 + 8:]
                cmd = bson.decode(q[:struct.unpack("<i", q[:4])[0]], codec_options=bson.CodecOptions(document_class=SON))
                rep = bson.encode(reply_for(cmd, state))
                payload = struct.pack("<iqii", 0, 0, 0, 1) + rep
                writer.write(struct.pack("<iiii", 16 + len(payload), rid + 1000, rid, 1) + payload)
            elif op == 2013:  # OP_MSG
                pos = 4
                cmd = None
                while pos < len(body):
                    kind = body[pos]; pos += 1
                    if kind == 0:
                        n = struct.unpack("<i", body[pos:pos + 4])[0]
                        cmd = bson.decode(body[pos:pos + n], codec_options=bson.CodecOptions(document_class=SON)); pos += n
                    else:
                        n = struct.unpack("<i", body[pos:pos + 4])[0]
                        sec = body[pos + 4:pos + n]; pos += n
                        ident, rest = sec.split(b"\x00", 1)
                        docs = []
                        while rest:
                            m = struct.unpack("<i", rest[:4])[0]
                            docs.append(bson.decode(rest[:m])); rest = rest[m:]
                        cmd[ident.decode()] = docs
                rep = bson.encode(reply_for(cmd, state))
                payload = struct.pack("<I", 0) + b"\x00" + rep
                writer.write(struct.pack("<iiii", 16 + len(payload), rid + 1000, rid, 2013) + payload)
            else:
                break
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionResetError):
        pass
    finally:
        writer.close()


async def main():
    state = {}
    port = free_port()
    srv = await asyncio.start_server(lambda r, w: handle(r, w, state), "127.0.0.1", port)
    listener = CmdLogger()

    # 1) no-auth client: inserts/finds with secrets in documents
    uri = f"mongodb://127.0.0.1:{port}/orders?directConnection=true&appname=orders-api&socketTimeoutMS=3000"
    c = ma.AsyncIOMotorClient(uri, event_listeners=[listener], serverSelectionTimeoutMS=2000)
    db = c.orders
    await db.users.insert_one({"email": "alice@example.com", "password": S["user_password"],
                               "api_key": S["openai_key"], "reset_token": S["csrf_token"]})
    await db.tokens.insert_many([{"kind": "refresh", "value": S["oauth_refresh_token"]},
                                 {"kind": "access", "value": S["oauth_access_token"]},
                                 {"kind": "github", "value": S["github_pat"]}])
    async for d in db.tokens.find({"kind": "refresh"}):
        log.debug("token doc %s", d)
    await db.users.find_one({"api_key": S["openai_key"]})
    try:
        await db.users.update_one({"email": "alice@example.com"}, {"$set": {"password": S["admin_password"]}})
    except Exception as e:
        log.error("update failed: %s", e)
        log.debug("details: %r", e.details)
    c.close()

    # 2) credentialed URI -> SCRAM fails against fake server
    mp = quote_plus(S["mongo_password"])
    auth_uri = f"mongodb://orders_app:{mp}@127.0.0.1:{port}/orders?authSource=admin&directConnection=true"
    log.info("connecting to %s", auth_uri)
    c2 = ma.AsyncIOMotorClient(auth_uri, event_listeners=[listener], serverSelectionTimeoutMS=2000)
    try:
        await c2.orders.command("ping")
    except Exception as e:
        log.exception("mongo auth failed: %s", e)
    log.debug("client=%r", c2)
    c2.close()

    # 3) unreachable host with credentials
    bad_uri = f"mongodb://orders_app:{mp}@127.0.0.1:1/orders?authSource=admin&serverSelectionTimeoutMS=1500"
    c3 = ma.AsyncIOMotorClient(bad_uri)
    try:
        await c3.admin.command("ping")
    except Exception as e:
        log.error("server selection failed: %s", e)
    c3.close()

    # 4) invalid URI (unescaped password) -> pymongo InvalidURI
    for raw in (f"mongodb://orders_app:{S['mongo_password']}@db.internal:27017/orders",
                f"mongodb+srv://orders_app:{mp}@cluster0.invalid/orders",
                f"mongodb://orders_app:{mp}@db.internal:notaport/orders"):
        try:
            ma.AsyncIOMotorClient(raw, connect=False)
        except Exception as e:
            log.error("bad mongo uri %r: %r", raw, e)
    srv.close()


asyncio.run(main())
