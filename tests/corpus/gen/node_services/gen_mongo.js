// official mongodb driver: monitorCommands + commandStarted/Succeeded logged via util.inspect / JSON.stringify,
// driver logging (MONGODB_LOG_ALL set by run.sh), URI parse / connection / auth errors.
const S = require('./secrets');
const util = require('util'); const { MongoClient, BSON } = require('mongodb'); const EJSON = BSON.EJSON;
const startFake = require('./fake_mongod');
(async () => {
  const srv = await startFake([{ _id: 'u1', email: 'alice@example.com', passwordHash: S.passwordHash, apiKey: S.apiKey, resetToken: S.sessionToken }]);
  const port = srv.address().port;
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/app?directConnection=true`, { monitorCommands: true, serverSelectionTimeoutMS: 2000 });
  client.on('commandStarted', (ev) => console.log('[mongo] commandStarted', util.inspect(ev, { depth: 5, breakLength: Infinity })));
  client.on('commandSucceeded', (ev) => console.log('[mongo] commandSucceeded', EJSON.stringify(ev)));
  client.on('commandFailed', (ev) => console.log('[mongo] commandFailed', util.inspect(ev, { depth: 3, breakLength: Infinity })));
  await client.connect();
  const users = client.db('app').collection('users');
  await users.insertOne({ email: 'alice@example.com', passwordHash: S.passwordHash, refreshToken: S.refreshToken, stripe: { secretKey: S.stripeKey } });
  await users.updateOne({ email: 'alice@example.com' }, { $set: { sessionToken: S.sessionToken, 'oauth.accessToken': S.bearer } });
  const u = await users.findOne({ apiKey: S.apiKey });
  console.log('found user', u);
  await client.close();
  // auth failure against fake server with credentials in URI
  const uri = `mongodb://${S.mongoUser}:${encodeURIComponent(S.mongoPass)}@127.0.0.1:${port}/app?authSource=admin&directConnection=true`;
  console.log('connecting to', uri);
  try { const c = new MongoClient(uri, { serverSelectionTimeoutMS: 1500 }); await c.connect(); } catch (e) { console.error('mongo auth error:', e); }
  // connection refused
  try { const c = new MongoClient(`mongodb://${S.mongoUser}:${encodeURIComponent(S.mongoPass)}@127.0.0.1:39998/app`, { serverSelectionTimeoutMS: 1000 }); await c.connect(); } catch (e) { console.error('MongoServerSelectionError for', e.message); console.error(util.inspect(e, { depth: 4 })); }
  // parse error: unescaped password
  try { new MongoClient(`mongodb+srv://${S.mongoUser}:${S.mongoSrvPass}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority`); } catch (e) { console.error(e); }
  try { const raw = `mongodb+srv://${S.mongoUser}:${encodeURIComponent(S.mongoSrvPass)}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority`; console.log('MONGO_URL=' + raw); const c = new MongoClient(raw, { serverSelectionTimeoutMS: 1000 }); await c.connect(); } catch (e) { console.error('mongo srv failed:', e.name, e.message); console.error(e); }
  srv.close();
})();
