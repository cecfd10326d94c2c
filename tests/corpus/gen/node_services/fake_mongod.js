// Minimal MongoDB wire-protocol responder (OP_MSG + legacy OP_QUERY hello) so the official driver runs real
// command monitoring/logging paths. Auth (saslStart) is rejected with AuthenticationFailed.
const net = require('net'), { BSON, Long } = require('bson');
function hello() { return { helloOk: true, ismaster: true, isWritablePrimary: true, maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000, localTime: new Date(), logicalSessionTimeoutMinutes: 30, connectionId: 7, minWireVersion: 0, maxWireVersion: 25, readOnly: false, ok: 1 }; }
function reply(cmd) {
  const name = Object.keys(cmd)[0];
  const n = name.toLowerCase();
  if (n === 'hello' || n === 'ismaster') return hello();
  if (n === 'saslstart' || n === 'authenticate') return { ok: 0, errmsg: 'Authentication failed.', code: 18, codeName: 'AuthenticationFailed' };
  if (n === 'insert') return { n: (cmd.documents || []).length || 1, ok: 1 };
  if (n === 'update') return { n: 1, nModified: 1, ok: 1 };
  if (n === 'find') return { cursor: { firstBatch: global.__docs || [], id: Long.fromNumber(0), ns: cmd.$db + '.' + cmd.find }, ok: 1 };
  if (n === 'aggregate') return { cursor: { firstBatch: [], id: Long.fromNumber(0), ns: cmd.$db + '.' + cmd.aggregate }, ok: 1 };
  return { ok: 1 };
}
function msg(reqId, respTo, body) { const doc = BSON.serialize(body); const h = Buffer.alloc(21); h.writeInt32LE(21 + doc.length, 0); h.writeInt32LE(reqId, 4); h.writeInt32LE(respTo, 8); h.writeInt32LE(2013, 12); h.writeUInt32LE(0, 16); h.writeUInt8(0, 20); return Buffer.concat([h, doc]); }
function opReply(reqId, respTo, body) { const doc = BSON.serialize(body); const h = Buffer.alloc(36); h.writeInt32LE(36 + doc.length, 0); h.writeInt32LE(reqId, 4); h.writeInt32LE(respTo, 8); h.writeInt32LE(1, 12); h.writeInt32LE(8, 16); h.writeBigInt64LE(0n, 20); h.writeInt32LE(0, 28); h.writeInt32LE(1, 32); return Buffer.concat([h, doc]); }
module.exports = function start(docs) {
  global.__docs = docs; let rid = 1;
  const srv = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 16 && buf.length >= buf.readInt32LE(0)) {
        const len = buf.readInt32LE(0), reqId = buf.readInt32LE(4), op = buf.readInt32LE(12); const m = buf.subarray(0, len); buf = buf.subarray(len);
        try {
          if (op === 2013) { let off = 20; let cmd = null; while (off < len) { const kind = m.readUInt8(off); off++; const sz = m.readInt32LE(off); if (kind === 0) { cmd = BSON.deserialize(m.subarray(off, off + sz)); off += sz; } else { off += sz; } } if (cmd) sock.write(msg(rid++, reqId, reply(cmd))); }
          else if (op === 2004) { let off = 20; while (m[off] !== 0) off++; off += 9; const cmd = BSON.deserialize(m.subarray(off, off + m.readInt32LE(off))); sock.write(opReply(rid++, reqId, reply(cmd))); }
        } catch (e) { sock.destroy(); }
      }
    });
    sock.on('error', () => {});
  });
  return new Promise((ok) => srv.listen(0, '127.0.0.1', () => ok(srv)));
};
