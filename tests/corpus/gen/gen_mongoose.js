// Express 5 + mongoose 9 with mongoose.set('debug', true) against fake_mongod_idx (MONGO_URL, started
// by gen_mongoose.py). Mongoose prints every collection call ("Mongoose: sessions.insertOne({ … })");
// the app logs duplicate-key MongoServerErrors (message, util.inspect of the error, JSON) the way
// Express error handlers do. stdout+stderr is the captured log; planted secrets go to
// out/mongoose.secrets.json.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const util = require('util');
const express = require('express');
const mongoose = require('mongoose');

const secrets = [];
const add = (s) => { if (!secrets.includes(s)) secrets.push(s); return s; };
const { LOW, DIG, ALNUM, URLSAFE, rand } = require('./common');
const between = (a, b) => a + crypto.randomInt(b - a + 1);

mongoose.set('debug', true);
const Session = mongoose.model('Session', new mongoose.Schema({
  token: { type: String, unique: true }, userId: Number, userAgent: String, expiresAt: Date,
}), 'sessions');
const RefreshToken = mongoose.model('RefreshToken', new mongoose.Schema({ _id: String, userId: Number, clientId: String }), 'refresh_tokens');
const ApiKey = mongoose.model('ApiKey', new mongoose.Schema({ key: { type: String, unique: true }, owner: String, label: String }), 'api_keys');
const User = mongoose.model('User', new mongoose.Schema({ email: { type: String, unique: true }, passwordHash: String, name: String }), 'users');
const Order = mongoose.model('Order', new mongoose.Schema({ reference: { type: String, unique: true }, userId: Number, totalCents: Number, status: String }), 'orders');
const Product = mongoose.model('Product', new mongoose.Schema({ sku: { type: String, unique: true }, name: String, tokenCount: Number }), 'products');
// No collection name given: mongoose's default, the model name lower-cased and pluralised
// ('passwordresets', 'devicetokens'), as most apps leave it.
const PasswordReset = mongoose.model('PasswordReset', new mongoose.Schema({ _id: String, userId: Number, expiresAt: Date }));
const DeviceToken = mongoose.model('DeviceToken', new mongoose.Schema({ _id: String, userId: Number, platform: String }));

const app = express();
app.use(express.json());
app.post('/sessions', async (req, res) => {
  res.status(201).json(await Session.create({ token: req.body.token, userId: req.body.userId, userAgent: 'okhttp/4.12.0', expiresAt: new Date(Date.UTC(2026, 11, 1)) }));
});
app.get('/sessions/:token', async (req, res) => res.json(await Session.findOne({ token: req.params.token }).lean()));
app.post('/refresh', async (req, res) => res.status(201).json(await RefreshToken.create({ _id: req.body.token, userId: req.body.userId, clientId: 'ios' })));
app.delete('/refresh/:token', async (req, res) => res.json(await RefreshToken.deleteOne({ _id: req.params.token })));
app.post('/password-resets', async (req, res) => res.status(201).json(await PasswordReset.create({ _id: req.body.token, userId: req.body.userId, expiresAt: new Date(Date.UTC(2026, 11, 1)) })));
app.get('/password-resets/:token', async (req, res) => res.json(await PasswordReset.findById(req.params.token).lean()));
app.post('/devices', async (req, res) => res.status(201).json(await DeviceToken.create({ _id: req.body.token, userId: req.body.userId, platform: 'ios' })));
app.post('/api-keys', async (req, res) => res.status(201).json(await ApiKey.create(req.body)));
app.get('/api-keys/check', async (req, res) => res.json({ ok: !!(await ApiKey.exists({ key: req.get('x-api-key') })) }));
app.post('/users', async (req, res) => res.status(201).json(await User.create(req.body)));
app.patch('/users/:email', async (req, res) => res.json(await User.updateOne({ email: req.params.email }, { $set: { passwordHash: req.body.passwordHash } })));
app.post('/orders', async (req, res) => res.status(201).json(await Order.create(req.body)));
app.get('/orders', async (req, res) => res.json(await Order.find({ status: 'new' }).sort({ _id: -1 }).limit(3).lean()));
app.post('/products', async (req, res) => res.status(201).json(await Product.create(req.body)));
app.get('/products/:sku', async (req, res) => res.json(await Product.findOne({ sku: req.params.sku }).lean()));
// Express error handler: what apps print for a duplicate key
app.use((err, req, res, next) => {
  console.error(`${new Date().toISOString()} ERROR ${req.method} ${req.path}: ${err.message}`);
  if (req.path.startsWith('/sessions') || req.path.startsWith('/orders')) console.error(err);
  else console.error(JSON.stringify({ level: 'error', msg: 'request failed', code: err.code, keyValue: err.keyValue, errorResponse: err.errorResponse }));
  res.status(409).json({ error: 'conflict' });
});

(async () => {
  await mongoose.connect(process.env.MONGO_URL, { serverSelectionTimeoutMS: 5000, appName: 'web' });
  await Promise.all([Session, RefreshToken, ApiKey, User, Order, Product, PasswordReset, DeviceToken].map((m) => m.init()));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = 'http://127.0.0.1:' + server.address().port;
  const call = async (method, p, body, headers = {}) => {
    const r = await fetch(base + p, { method, headers: { 'content-type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
    await r.text();
  };
  for (let round = 0; round < 3; round++) {
    // round 0: mongoose's default (coloured even into a file); rounds 1-2: { color: false }
    if (round >= 1) mongoose.set('debug', { color: false });
    const toks = [];
    for (let i = 0; i < 4; i++) {
      const t = add(rand(32, LOW + DIG));
      toks.push(t);
      await call('POST', '/sessions', { token: t, userId: 40 + i });
    }
    await call('POST', '/sessions', { token: toks[1], userId: 41 });
    await call('GET', '/sessions/' + toks[2]);
    const rts = [];
    for (let i = 0; i < 3; i++) {
      const t = add(['1//0', 'rt_', 'def50200'][i] + rand(between(40, 64), URLSAFE));
      rts.push(t);
      await call('POST', '/refresh', { token: t, userId: 40 + i });
    }
    await call('POST', '/refresh', { token: rts[0], userId: 40 });
    await call('DELETE', '/refresh/' + rts[2]);
    const pr = add(rand(43, URLSAFE));
    await call('POST', '/password-resets', { token: pr, userId: 40 + round });
    await call('POST', '/password-resets', { token: pr, userId: 40 + round });
    await call('GET', '/password-resets/' + pr);
    await call('POST', '/devices', { token: add(rand(64, '0123456789abcdef'.toUpperCase() + LOW)), userId: 40 + round });
    const k = add('sk_live_' + rand(24));
    await call('POST', '/api-keys', { key: k, owner: 'acme', label: 'billing' });
    await call('POST', '/api-keys', { key: k, owner: 'acme', label: 'billing-copy' });
    await call('GET', '/api-keys/check', null, { 'x-api-key': k });
    const email = `user${round}@example.com`;
    await call('POST', '/users', { email, name: 'User ' + round, passwordHash: '$2b$12$' + add(rand(53, ALNUM + './')) });
    await call('PATCH', '/users/' + email, { passwordHash: '$2b$12$' + add(rand(53, ALNUM + './')) });
    await call('POST', '/users', { email, name: 'User again' });
    // clean look-alikes
    const refs = [0, 1, 2].map((i) => `ORD-2024-11-${String(500 + 10 * round + i).padStart(5, '0')}`);
    for (const [i, ref] of refs.entries()) await call('POST', '/orders', { reference: ref, userId: 40 + i, totalCents: 1999, status: 'new' });
    await call('POST', '/orders', { reference: refs[0], userId: 40, totalCents: 1999, status: 'new' });
    await call('GET', '/orders');
    for (let i = 0; i < 3; i++) await call('POST', '/products', { sku: `SKU-${100 * round + i}`, name: 'Widget ' + i, tokenCount: 5 });
    await call('POST', '/products', { sku: `SKU-${100 * round}`, name: 'Widget dup' });
    await call('GET', `/products/SKU-${100 * round + 1}`);
  }
  server.close();
  await mongoose.disconnect();
  fs.writeFileSync(path.join(__dirname, 'out', 'mongoose.secrets.json'), JSON.stringify(secrets));
})().catch((e) => { console.error(e); process.exit(1); });
