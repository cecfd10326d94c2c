// ElectroDB 3 (single-table DynamoDB for Node) building real requests with `.params()`, which
// apps log while debugging ("console.log(entity.get(...).params())"), as JSON and as
// util.inspect; no database is needed to build them. ElectroDB writes composite keys as
// `$service#attribute_value` (lower-cased by default, or as given with `casing: "none"`).
// stdout is the captured log; planted secrets go to out/electrodb.secrets.json.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const util = require('util');
const { Entity } = require('electrodb');

const secrets = [];
// Keys hold the value lower-cased (ElectroDB's default casing): both spellings are secrets.
const add = (s) => { for (const v of [s, s.toLowerCase()]) if (!secrets.includes(v)) secrets.push(v); return s; };
const { ALNUM, rand } = require('./common');
const table = 'app';
const svc = (casing) => ({ table, ...(casing ? {} : {}) });
function entities(service, casing) {
  const key = (f, composite) => ({ field: f, composite, ...(casing ? { casing } : {}) });
  return {
    Session: new Entity({
      model: { entity: 'session', version: '1', service },
      attributes: { sessionId: { type: 'string' }, userId: { type: 'string' }, expiresAt: { type: 'number' } },
      indexes: {
        primary: { pk: key('pk', ['sessionId']), sk: key('sk', []) },
        byUser: { index: 'gsi1', pk: key('gsi1pk', ['userId']), sk: key('gsi1sk', ['sessionId']) },
      },
    }, svc()),
    RefreshToken: new Entity({
      model: { entity: 'refreshToken', version: '1', service },
      attributes: { refreshToken: { type: 'string' }, clientId: { type: 'string' }, userId: { type: 'string' } },
      indexes: { primary: { pk: key('pk', ['userId']), sk: key('sk', ['clientId', 'refreshToken']) } },
    }, svc()),
    ApiKey: new Entity({
      model: { entity: 'apiKey', version: '1', service },
      attributes: { apiKey: { type: 'string' }, owner: { type: 'string' }, label: { type: 'string' } },
      indexes: { primary: { pk: key('pk', ['apiKey']), sk: key('sk', ['owner']) } },
    }, svc()),
    PasswordReset: new Entity({
      model: { entity: 'passwordReset', version: '1', service },
      attributes: { email: { type: 'string' }, resetToken: { type: 'string' }, expiresAt: { type: 'number' } },
      indexes: { primary: { pk: key('pk', ['email']), sk: key('sk', ['resetToken']) } },
    }, svc()),
    // clean look-alikes
    Order: new Entity({
      model: { entity: 'order', version: '1', service },
      attributes: { orderId: { type: 'string' }, userId: { type: 'string' }, tokenCount: { type: 'number' }, status: { type: 'string' } },
      indexes: { primary: { pk: key('pk', ['userId']), sk: key('sk', ['orderId']) } },
    }, svc()),
  };
}
const show = (p, i) => console.log(i % 2 ? JSON.stringify(p) : util.inspect(p, { depth: 5, breakLength: Infinity }));
let i = 0;
for (const [service, casing] of [['authapp', undefined], ['billing', 'none']]) {
  const e = entities(service, casing);
  for (let round = 0; round < 3; round++) {
    const user = `u-${40 + round}`;
    const sid = add(rand(32));
    show(e.Session.put({ sessionId: sid, userId: user, expiresAt: 1764547200 + round }).params(), i++);
    show(e.Session.get({ sessionId: sid }).params(), i++);
    show(e.Session.query.byUser({ userId: user }).params(), i++);
    show(e.Session.delete({ sessionId: sid }).params(), i++);
    const rt = add('rt_' + rand(40));
    show(e.RefreshToken.put({ userId: user, clientId: 'ios', refreshToken: rt }).params(), i++);
    show(e.RefreshToken.query.primary({ userId: user }).params(), i++);
    const k = add('ak_live_' + rand(24));
    show(e.ApiKey.get({ apiKey: k, owner: 'acme' }).params(), i++);
    show(e.ApiKey.put({ apiKey: k, owner: 'acme', label: 'billing' }).params(), i++);
    const reset = add(crypto.randomBytes(24).toString('hex'));
    show(e.PasswordReset.put({ email: `user${round}@example.com`, resetToken: reset, expiresAt: 1764547200 }).params(), i++);
    show(e.PasswordReset.get({ email: `user${round}@example.com`, resetToken: reset }).params(), i++);
    show(e.Order.put({ userId: user, orderId: `ORD-2026-${1000 + round}`, tokenCount: 5, status: 'new' }).params(), i++);
    show(e.Order.query.primary({ userId: user }).params(), i++);
  }
}
fs.mkdirSync(path.join(__dirname, 'out'), { recursive: true });
fs.writeFileSync(path.join(__dirname, 'out', 'electrodb.secrets.json'), JSON.stringify(secrets));
