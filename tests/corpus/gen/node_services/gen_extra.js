// Second probe batch: SigV4 artefacts (aws-sdk v2 S3 presigned URL with session token, v3 finalizeRequest middleware
// logging signed headers/body), util.inspect of Map/URLSearchParams/Headers/Request/rawHeaders, express-session
// MemoryStore dump, tokens in URL paths (koa-logger, fastify), JSON-in-msg, double-encoded redirect_uri, ioredis AUTH.
const S = require('./secrets');
const util = require('util'), http = require('http'), net = require('net');
(async () => {
  // aws-sdk v2 presigned URL
  const AWS = require('aws-sdk');
  const s3 = new AWS.S3({ region: 'us-east-1', accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret, sessionToken: S.awsSessionToken, signatureVersion: 'v4' });
  const url = s3.getSignedUrl('getObject', { Bucket: 'invoices', Key: 'u1/2026-12.pdf', Expires: 300 });
  console.log('presigned download url:', url);
  // v3 DynamoDB finalizeRequest middleware logging signed request
  const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
  const c = new DynamoDBClient({ region: 'us-east-1', endpoint: process.env.MOTO_URL, credentials: { accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret, sessionToken: S.awsSessionToken } });
  c.middlewareStack.add((next) => async (args) => { console.log('[ddb-debug] signed request', util.inspect({ headers: args.request.headers, body: args.request.body }, { depth: 3 })); return next(args); }, { step: 'finalizeRequest', priority: 'low', name: 'dbg' });
  c.middlewareStack.add((next) => async (args) => { console.log('[ddb-debug] build', JSON.stringify(args.request.headers)); return next(args); }, { step: 'build', name: 'dbg2' });
  try { await c.send(new PutItemCommand({ TableName: 'Tokens', Item: { pk: { S: 'T#1' }, apiKey: { S: S.dynApiKey }, refreshToken: { S: S.dynRefresh } } })); } catch (e) { console.error('ddb put failed', e.name, e.message); }
  c.destroy();
  // util.inspect of collection types
  const m = new Map([['apiKey', S.apiKey], ['refreshToken', S.refreshToken], ['password', S.userPassword]]);
  console.log('token cache', m);
  const usp = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: S.refreshToken, client_secret: S.userPassword });
  console.log('oauth form', usp, usp.toString());
  const h = new Headers({ authorization: 'Bearer ' + S.bearer, 'x-api-key': S.stripeKey, cookie: 'sid=' + S.sessionId });
  console.log('outgoing headers', h);
  console.log('request obj', new Request('http://127.0.0.1:39999/v1/me', { headers: { authorization: 'Bearer ' + S.jwt } }));
  // server printing rawHeaders and headersDistinct
  const srv = http.createServer((req, res) => { console.log('rawHeaders', req.rawHeaders); console.log('rawHeaders(compact)', util.inspect(req.rawHeaders, { breakLength: Infinity })); res.writeHead(200, { 'set-cookie': ['session=' + S.sessionToken + '; Path=/; HttpOnly', 'refresh=' + S.refreshToken + '; Path=/auth'] }); res.end('{}'); });
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  const base = 'http://127.0.0.1:' + srv.address().port;
  const axios = require('axios');
  const r = await axios.get(base + '/x', { headers: { 'X-Api-Key': S.apiKey, 'X-Auth-Token': S.bearer, 'X-CSRF-Token': S.csrf } });
  console.log('axios response headers', r.headers);
  console.log('axios set-cookie', JSON.stringify(r.headers['set-cookie']));
  srv.close();
  // express-session MemoryStore dump
  const express = require('express'), session = require('express-session');
  const store = new session.MemoryStore(); const app = express();
  app.use(session({ secret: S.sessionSecret, store, resave: false, saveUninitialized: true, genid: () => S.sessionId }));
  app.get('/', (req, res) => { req.session.oauth = { accessToken: S.bearer, refreshToken: S.refreshToken }; res.end('ok'); });
  const es = app.listen(0, '127.0.0.1'); await new Promise((ok) => es.on('listening', ok));
  await fetch('http://127.0.0.1:' + es.address().port + '/');
  console.log('memory store', store.sessions);
  console.log('memory store json', JSON.stringify(store.sessions));
  es.close();
  // koa-logger + fastify with tokens in URL path, double-encoded redirect
  const Koa = require('koa'), logger = require('koa-logger');
  const k = new Koa(); k.use(logger()); k.use((ctx) => { ctx.body = 'ok'; });
  const ks = k.listen(0, '127.0.0.1'); await new Promise((ok) => ks.on('listening', ok));
  const kb = 'http://127.0.0.1:' + ks.address().port;
  await fetch(kb + '/reset-password/' + S.inviteToken);
  await fetch(kb + '/api/v1/users/me/tokens/' + S.stripeKey + '/revoke');
  await fetch(kb + '/login?redirect_uri=' + encodeURIComponent('https://app.example.com/cb?access_token=' + S.bearer + '&state=x'));
  await fetch(kb + '/sso?next=' + encodeURIComponent(encodeURIComponent('https://app.example.com/cb?code=' + S.inviteToken)));
  ks.close();
  const Fastify = require('fastify');
  const f = Fastify({ logger: { level: 'info' } });
  f.get('/invite/:token', async (req) => { req.log.info(`headers ${JSON.stringify(req.headers)}`); req.log.info({ params: req.params }, 'invite lookup'); return {}; });
  await f.listen({ port: 0, host: '127.0.0.1' });
  await fetch('http://127.0.0.1:' + f.server.address().port + '/invite/' + S.inviteToken, { headers: { authorization: 'Bearer ' + S.bearer, 'x-api-key': S.apiKey } });
  await f.close();
  // ioredis auth via explicit AUTH command with DEBUG=ioredis:*
  const Redis = require('ioredis');
  const rs = net.createServer((s) => s.on('data', () => s.write('+OK\r\n'))); await new Promise((ok) => rs.listen(0, '127.0.0.1', ok));
  const red = new Redis({ host: '127.0.0.1', port: rs.address().port, lazyConnect: true, protocol: 2, enableReadyCheck: false, retryStrategy: () => null });
  red.on('error', () => {});
  try { await Promise.race([red.connect(), new Promise((_, j) => setTimeout(() => j(new Error('t')), 1500))]); await Promise.race([red.auth(S.redisPass), new Promise((_, j) => setTimeout(() => j(new Error('t')), 1500))]); await red.call('CONFIG', 'SET', 'requirepass', S.mongoSrvPass).catch(() => {}); } catch (e) { console.error('redis', e.message); }
  red.disconnect(); rs.close();
  process.exit(0);
})();
