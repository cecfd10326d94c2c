// ORM query loggers that print the bound values after or beside the SQL, on SQLite files in
// gen/out (no network), run by gen_orm_params.py (stdout+stderr appended to its raw log):
//   TypeORM 1.1 (better-sqlite3) with `logging: "all"`: the default advanced-console logger
//     (`query: INSERT … -- PARAMETERS: [...]`, `query failed:` + `error:`), then simple-console,
//     formatted-console (the SQL pretty-printed over lines, the parameters after the last) and the
//     debug logger (`typeorm:query:log`); the app logging `getQueryAndParameters()` and
//     `console.error(err)` of a QueryFailedError (util.inspect: `query`, `parameters`, driverError).
//   Sequelize 6 (sqlite3) with `logging: console.log, logQueryParameters: true`, with and without
//     `benchmark` (`Executing (default): INSERT … VALUES ($1,$2); "…", "…"`, `Executed … Elapsed
//     time: 1ms`), SELECTs with the values inlined, a UniqueConstraintError printed by the app.
//   knex 3 (better-sqlite3) with `debug: true` (util.inspect of `{ method, bindings: [...], sql }`),
//     the app's `knex.on('query')` logger, `.toString()` (values inlined) and `.toSQL()`, and the
//     error message knex builds with the values inlined (`insert into … - UNIQUE constraint failed`).
// Planted secrets go to $ORM_OUT/orm_params_js.secrets.json.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { ALNUM, URLSAFE, LOW, rand } = require('./common');

const OUT = process.env.ORM_OUT || path.join(__dirname, 'out');
const secrets = [];
const add = (s) => { if (!secrets.includes(s)) secrets.push(s); return s; };
const B64 = ALNUM + '+/';
const pick = (a) => a[crypto.randomInt(a.length)];
// password hashes: only the part after the algorithm/cost header is the secret
const bcrypt = () => '$2b$12$' + add(rand(53, ALNUM + './'));
const argon2 = () => '$argon2id$v=19$m=65536,t=3,p=4$' + add(rand(22, B64) + '$' + rand(43, B64));
const pbkdf2 = (pw) => {
  const salt = rand(22);
  const h = crypto.pbkdf2Sync(pw, salt, 1000, 32, 'sha256').toString('base64');
  add(`${salt}$${h}`);
  return `pbkdf2_sha256$870000$${salt}$${h}`;
};
const password = () => rand(12 + crypto.randomInt(8), ALNUM + '!#%^*-_.~@');
const nasty = () => {
  const hard = ['"', "'", '\\', '{', '}', '(', ')', '[', ']', '<', '>', '$', '#', '@', '&', '%', 'é', 'ß'];
  const body = rand(14 + crypto.randomInt(6)).split('');
  for (let i = 0; i < 4; i++) body.splice(1 + crypto.randomInt(body.length - 1), 0, pick(hard));
  return body.join('');
};
const WORDS = ['correct', 'horse', 'battery', 'staple', 'hunter', 'purple', 'monkey', 'dragon', 'sunshine', 'autumn', 'falcon'];
const human = () => pick(WORDS) + String(crypto.randomInt(10)) + pick('!#$%&') + rand(3, LOW + LOW + '1');
const opaque = (p = '') => p + rand(32 + crypto.randomInt(17), URLSAFE);
const refresh = () => pick(['1//0', 'rt_', 'def50200']) + rand(40 + crypto.randomInt(25), URLSAFE);
const apiKey = () => pick([() => 'sk_live_' + rand(24), () => 'ghp_' + rand(36), () => 'sk-proj-' + rand(48, URLSAFE),
  () => 'SG.' + rand(22, URLSAFE) + '.' + rand(43, URLSAFE), () => rand(32)])();
const NAMES = ['alice', 'bob', 'carol', 'dave'];
const dbFile = (n) => { const f = path.join(OUT, `orm_params_${n}.sqlite3`); fs.rmSync(f, { force: true }); return f; };

async function typeormPart() {
  require('reflect-metadata');
  const { DataSource, EntitySchema } = require('typeorm');
  const col = (type, extra = {}) => ({ type, ...extra });
  const User = new EntitySchema({
    name: 'User', tableName: 'users', columns: {
      id: { type: 'integer', primary: true, generated: true }, email: col('varchar', { unique: true }),
      passwordHash: col('varchar'), isActive: col('boolean', { default: true }), loginCount: col('integer', { default: 0 }),
    },
  });
  const Session = new EntitySchema({
    name: 'Session', tableName: 'sessions', columns: {
      token: { type: 'varchar', primary: true }, userId: col('integer'), refreshToken: col('varchar', { nullable: true }),
      expiresAt: col('varchar'),
    },
  });
  const ApiKey = new EntitySchema({
    name: 'ApiKey', tableName: 'api_keys', columns: {
      id: { type: 'integer', primary: true, generated: true }, userId: col('integer'), key: col('varchar', { unique: true }),
      label: col('varchar'),
    },
  });
  const PasswordReset = new EntitySchema({
    name: 'PasswordReset', tableName: 'password_resets', columns: {
      id: { type: 'integer', primary: true, generated: true }, userId: col('integer'), resetToken: col('varchar'),
      used: col('boolean', { default: false }),
    },
  });
  const Order = new EntitySchema({
    name: 'Order', tableName: 'orders', columns: {
      id: { type: 'integer', primary: true, generated: true }, uuid: col('varchar'), reference: col('varchar'),
      status: col('varchar'), totalCents: col('integer'), tokenCount: col('integer', { default: 0 }),
    },
  });
  const entities = [User, Session, ApiKey, PasswordReset, Order];
  const file = dbFile('typeorm');
  const ds = new DataSource({ type: 'better-sqlite3', database: file, entities, synchronize: true, logging: 'all' });
  await ds.initialize();
  const users = ds.getRepository('User');
  const ids = [];
  for (const [i, name] of NAMES.entries()) {
    const pw = password();
    const u = await users.save({ email: `${name}@example.com`, passwordHash: [bcrypt, argon2, pbkdf2, bcrypt][i](pw) });
    ids.push(u.id);
    console.log(`created user ${name} id=${u.id}`);
  }
  const sessions = ds.getRepository('Session');
  const toks = [];
  for (const id of ids.slice(0, 3)) {
    const token = add(opaque());
    toks.push(token);
    await sessions.insert({ token, userId: id, refreshToken: add(refresh()), expiresAt: '2026-12-01T09:30:00Z' });
  }
  const s = await sessions.findOneBy({ token: toks[0] });
  console.log('session loaded for user', s.userId);
  await sessions.update({ token: toks[1] }, { refreshToken: add(refresh()) });
  const keys = ds.getRepository('ApiKey');
  await keys.insert(ids.map((userId, i) => ({ userId, key: add(apiKey()), label: `key-${i}` })));
  const k = add('sk_live_' + rand(24));
  await keys.insert({ userId: ids[1], key: k, label: 'billing' });
  const qb = keys.createQueryBuilder('k').select('k.userId').where('k.key = :key', { key: k });
  console.log('auth query', qb.getQueryAndParameters());
  await qb.getOne();
  await users.update({ id: ids[2] }, { passwordHash: pbkdf2(password()) });
  const rt = add(opaque());
  await ds.getRepository('PasswordReset').insert({ userId: ids[0], resetToken: rt });
  await ds.getRepository('PasswordReset').findOneBy({ resetToken: rt, used: false });
  await ds.getRepository('PasswordReset').update({ resetToken: rt }, { used: true });
  const raw = add(opaque());
  await ds.query('UPDATE sessions SET token = ? WHERE "userId" = ?', [raw, ids[2]]);
  try {
    await keys.insert({ userId: ids[3], key: k, label: 'dup' });
  } catch (e) {
    console.error('could not store api key:', e);
  }
  try {
    await sessions.insert({ token: toks[0], userId: ids[0], expiresAt: '2026-12-02T09:30:00Z' });
  } catch (e) {
    console.error(`session insert failed: ${e.message} query=${e.query} parameters=${JSON.stringify(e.parameters)}`);
  }
  // clean look-alikes
  const orders = ds.getRepository('Order');
  for (let i = 0; i < 3; i++) {
    await orders.insert({ uuid: crypto.randomUUID(), reference: `ORD-2024-11-${String(100 + i).padStart(5, '0')}`, status: 'new', totalCents: 1999 + i, tokenCount: 1200 + i });
  }
  await orders.find({ where: { status: 'new' }, order: { id: 'DESC' }, take: 2 });
  await orders.update({ reference: 'ORD-2024-11-00101' }, { status: 'shipped' });
  await users.increment({ email: 'bob@example.com' }, 'loginCount', 1);
  await users.count({ where: { isActive: true } });
  await ds.destroy();

  // the other console loggers, and the debug one
  for (const logger of ['simple-console', 'formatted-console', 'debug']) {
    if (logger === 'debug') require('debug').enable('typeorm:*');
    const ds2 = new DataSource({ type: 'better-sqlite3', database: file, entities, logging: ['query', 'error'], logger });
    await ds2.initialize();
    const t = add(opaque());
    await ds2.getRepository('Session').insert({ token: t, userId: ids[3], refreshToken: add(refresh()), expiresAt: '2026-12-03T09:30:00Z' });
    await ds2.getRepository('Session').findOne({ where: { token: t }, select: { userId: true, expiresAt: true } });
    await ds2.getRepository('User').update({ id: ids[3] }, { passwordHash: argon2() });
    try {
      await ds2.getRepository('ApiKey').insert({ userId: ids[0], key: k, label: 'dup' });
    } catch (e) {
      console.error(`api key insert failed: ${e.message}`);
    }
    await ds2.getRepository('Order').findOneBy({ reference: 'ORD-2024-11-00102', status: 'new' });
    await ds2.destroy();
    if (logger === 'debug') require('debug').disable();
  }
}

async function sequelizePart() {
  const { Sequelize, DataTypes } = require('sequelize');
  const file = dbFile('sequelize');
  for (const benchmark of [false, true]) {
    const sq = new Sequelize({ dialect: 'sqlite', storage: file, logging: console.log, logQueryParameters: true, benchmark });
    const User = sq.define('User', { email: { type: DataTypes.STRING, unique: true }, passwordHash: DataTypes.STRING, loginCount: { type: DataTypes.INTEGER, defaultValue: 0 } });
    const Legacy = sq.define('LegacyAccount', { username: { type: DataTypes.STRING, unique: true }, password: DataTypes.STRING, status: DataTypes.STRING });
    const Session = sq.define('Session', { token: { type: DataTypes.STRING, primaryKey: true }, userId: DataTypes.INTEGER, refreshToken: DataTypes.STRING });
    const ApiKey = sq.define('ApiKey', { key: { type: DataTypes.STRING, unique: true }, userId: DataTypes.INTEGER, label: DataTypes.STRING });
    const Reset = sq.define('PasswordReset', { resetToken: DataTypes.STRING, userId: DataTypes.INTEGER, used: { type: DataTypes.BOOLEAN, defaultValue: false } });
    const Product = sq.define('Product', { sku: DataTypes.STRING, name: DataTypes.STRING, tokenCount: DataTypes.INTEGER, status: DataTypes.STRING });
    await sq.sync({ force: true });
    const users = [];
    for (const [i, name] of NAMES.entries()) {
      users.push(await User.create({ email: `${name}@example.com`, passwordHash: [pbkdf2, bcrypt, argon2, bcrypt][i](password()) }));
    }
    // a legacy table that keeps passwords in clear, and its login query (the value inlined)
    const legacy = [add(nasty()), add(human()), add(nasty())];
    await Legacy.bulkCreate(legacy.map((password, i) => ({ username: ['erin', 'frank', 'grace'][i], password, status: 'active' })));
    await Legacy.findOne({ where: { username: 'erin', password: legacy[0] } });
    await Legacy.update({ password: add(nasty()) }, { where: { username: 'grace' } });
    const token = add(opaque());
    await Session.create({ token, userId: users[0].id, refreshToken: add(refresh()) });
    await Session.findByPk(token);
    await Session.findOne({ where: { token } });
    await Session.update({ refreshToken: add(refresh()) }, { where: { token } });
    await ApiKey.bulkCreate(users.map((u, i) => ({ key: add(apiKey()), userId: u.id, label: `key-${i}` })));
    const k = add('sk_live_' + rand(24));
    await ApiKey.create({ key: k, userId: users[1].id, label: 'billing' });
    await ApiKey.findOne({ where: { key: k }, attributes: ['userId'] });
    const rt = add(opaque());
    await Reset.create({ resetToken: rt, userId: users[2].id });
    await Reset.findOne({ where: { resetToken: rt, used: false } });
    await User.update({ passwordHash: pbkdf2(password()) }, { where: { id: users[2].id } });
    await Reset.update({ used: true }, { where: { resetToken: rt } });
    await sq.query('SELECT "userId" FROM "Sessions" WHERE "token" = ?', { replacements: [token] });
    await sq.query('SELECT "userId" FROM "Sessions" WHERE "token" = $token', { bind: { token } });
    await Session.destroy({ where: { token } });
    try {
      await ApiKey.create({ key: k, userId: users[3].id, label: 'dup' });
    } catch (e) {
      console.error('could not store api key:', e.name, e.errors.map((x) => `${x.path}=${x.value}`).join(', '));
      if (!benchmark) console.error(e);
    }
    // clean look-alikes
    await Product.bulkCreate([0, 1, 2].map((i) => ({ sku: `SKU-${1000 + i}`, name: `Widget ${i}`, tokenCount: 5 + i, status: 'active' })));
    await Product.findAll({ where: { status: 'active', tokenCount: 6 }, limit: 2 });
    await User.increment('loginCount', { where: { email: 'bob@example.com' } });
    await User.count({ where: { email: 'carol@example.com' } });
    await sq.close();
  }
}

async function knexPart() {
  const file = dbFile('knex');
  const knex = require('knex')({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true, debug: true });
  await knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email').unique(); t.string('password_hash'); t.integer('login_count').defaultTo(0); });
  await knex.schema.createTable('accounts', (t) => { t.increments('id'); t.string('username'); t.string('password'); t.string('status'); });
  await knex.schema.createTable('sessions', (t) => { t.string('token').primary(); t.integer('user_id'); t.string('refresh_token'); });
  await knex.schema.createTable('api_keys', (t) => { t.increments('id'); t.integer('user_id'); t.string('key').unique(); t.string('label'); });
  await knex.schema.createTable('password_resets', (t) => { t.increments('id'); t.integer('user_id'); t.string('reset_token'); t.boolean('used').defaultTo(false); });
  await knex.schema.createTable('orders', (t) => { t.increments('id'); t.uuid('uuid'); t.string('reference'); t.string('status'); t.integer('total_cents'); t.integer('token_count'); });
  const ids = [];
  for (const [i, name] of NAMES.entries()) {
    const [id] = await knex('users').insert({ email: `${name}@example.com`, password_hash: [argon2, pbkdf2, bcrypt, argon2][i](password()) });
    ids.push(id);
  }
  const erinPw = add(nasty());
  await knex('accounts').insert([{ username: 'erin', password: erinPw, status: 'active' }, { username: 'frank', password: add(human()), status: 'active' }]);
  const token = add(opaque());
  await knex('sessions').insert({ token, user_id: ids[0], refresh_token: add(refresh()) });
  await knex('sessions').where({ token }).first('user_id');
  await knex('sessions').where('token', token).update({ refresh_token: add(refresh()) });
  await knex('api_keys').insert(ids.map((user_id, i) => ({ user_id, key: add(apiKey()), label: `key-${i}` })));
  // an app query logger on the client's 'query' event, as apps add one
  const onQuery = (q) => console.log('[db]', q.sql, JSON.stringify(q.bindings));
  knex.on('query', onQuery);
  const k = add('sk_live_' + rand(24));
  await knex('api_keys').insert({ user_id: ids[1], key: k, label: 'billing' });
  const q = knex('api_keys').select('user_id').where({ key: k });
  console.log('auth query: ' + q.toString());
  console.log('auth query', q.toSQL().toNative());
  await q;
  const rt = add(opaque());
  await knex('password_resets').insert({ user_id: ids[2], reset_token: rt });
  await knex('password_resets').where({ reset_token: rt, used: false }).first();
  await knex('users').where({ id: ids[2] }).update({ password_hash: bcrypt() });
  knex.off('query', onQuery);
  const raw = add(opaque());
  await knex.raw('update sessions set token = ? where user_id = ?', [raw, ids[0]]);
  console.log('inlined: ' + knex('accounts').where({ username: 'erin', password: erinPw }).toString());
  try {
    await knex('api_keys').insert({ user_id: ids[3], key: k, label: 'dup' });
  } catch (e) {
    console.error('could not store api key: ' + e.message);
    console.error(e);
  }
  // clean look-alikes
  await knex('orders').insert([0, 1, 2].map((i) => ({ uuid: crypto.randomUUID(), reference: `ORD-2024-11-${String(200 + i).padStart(5, '0')}`, status: 'new', total_cents: 2999 + i, token_count: 40 + i })));
  await knex('orders').where({ status: 'new' }).orderBy('id', 'desc').limit(2).select('id', 'reference');
  await knex('orders').where({ reference: 'ORD-2024-11-00201' }).update({ status: 'shipped' });
  await knex('users').where({ email: 'bob@example.com' }).increment('login_count', 1);
  console.log('orders query: ' + knex('orders').where('token_count', '>', 40).toString());
  await knex.destroy();
}

(async () => {
  console.log('== typeorm');
  await typeormPart();
  console.log('== sequelize');
  await sequelizePart();
  console.log('== knex');
  await knexPart();
  fs.writeFileSync(path.join(OUT, 'orm_params_js.secrets.json'), JSON.stringify(secrets));
})().catch((e) => { console.error(e); process.exit(1); });
