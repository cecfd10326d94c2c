// Node HTTP clients for gen_http_clients.py (which plants the values in env SCRUBD_HTTPC, starts the
// API of http_clients_app.py at HTTPC_BASE and captures stdout + stderr). `node gen_http_clients.js main`:
//   axios            a request interceptor logging config.headers (util.inspect of AxiosHeaders), one
//                    console.error(err) of an AxiosError (ECONNREFUSED: config.headers, config.data,
//                    request._header `'Authorization: Bearer …\r\n' +`), a 401's data/headers/body,
//                    JSON.stringify(err.toJSON()) (config.headers and params), err.config.auth
//                    `{ username, password }`, the login response's set-cookie headers, a cookie sent,
//                    a token exchange's form body and token JSON, pino JSON of err.toJSON() and of the config
//   gaxios           GaxiosError through console.error, JSON and util.inspect of err.config (the form's
//                    password stays beside the redacted grant_type): its default errorRedactor replaces
//                    Authorization and `secret` headers, grant_type/client_secret in bodies and ?token=
//                    with `<<REDACTED> - See ...>.`; other headers, ?key= / ?access_token= and JSON bodies
//                    without those keys stay
//   got              HTTPError name/message (the URL with its query; username:password put into the
//                    URL by got), err.options.headers / .body / .username / .password, err.request.requestUrl
//                    (console.error(err) itself would be ~160 lines: err.options with the same headers)
//   @octokit/request RequestError: console.error(err) (request.headers.authorization is
//                    `token [REDACTED]`, client_secret= and access_token= in the URL replaced by
//                    `[REDACTED]`, the JSON body not), err.response.data
// `NODE_DEBUG=fetch,http node gen_http_clients.js fetch`: native fetch (undici) with its debug lines
// (`FETCH <pid>: sending request to GET http://…?api_key=…`), console.log of a Request, a Response's url;
// then a plain http.request, whose NODE_DEBUG=http lines print the options (headers, search, href) and
// Node's warning that NODE_DEBUG=http can expose sensitive data.
'use strict';
const util = require('util');

Error.stackTraceLimit = 3;
const s = JSON.parse(process.env.SCRUBD_HTTPC);
const base = process.env.HTTPC_BASE;
const ver = (p) => JSON.parse(require('fs').readFileSync(require('path').join(__dirname, 'node_modules', p, 'package.json'))).version;
const ts = () => new Date().toISOString();
const traceparent = () => `00-${require('crypto').randomBytes(16).toString('hex')}-${require('crypto').randomBytes(8).toString('hex')}-01`;

async function axiosPart() {
  const axios = require('axios');
  const pino = require('pino');
  const logger = pino({ base: { service: 'billing' } });
  console.log(`== axios ${ver('axios')}`);
  const a = s.axios;
  const api = axios.create({ baseURL: base, timeout: 5000 });
  api.interceptors.request.use((config) => {
    console.log(`${ts()} [http] -> ${config.method.toUpperCase()} ${config.url}`, config.headers);
    return config;
  });
  await api.get('/v1/items', { headers: { Authorization: `Bearer ${a.interceptor}`, traceparent: traceparent() } });

  // the full util.inspect of an AxiosError (what console.error(err) prints) when the upstream is down
  // (a 401's is ~330 lines: the same plus response, whose request repeats _header)
  try {
    await axios.post(`http://127.0.0.1:${process.env.HTTPC_DEAD_PORT}/v1/sessions`, { user: 'alice', password: a.password, remember: true },
      { headers: { Authorization: `Bearer ${a.jwt}`, 'X-Request-Id': require('crypto').randomUUID() } });
  } catch (err) {
    console.error(err);
  }
  try {
    await axios.post(`${base}/v1/revoked/sessions`, { user: 'bob', password: a.password2 },
      { headers: { Authorization: `Bearer ${a.bearer}` } });
  } catch (err) {
    console.error(`${ts()} ${err.name}: ${err.message}`, err.response.data, err.config.headers, err.config.data);
  }
  // toJSON(): config with headers and params
  try {
    await axios.get(`${base}/v1/crash/export`, { params: { api_key: a.query, format: 'csv' },
      headers: { 'X-Api-Key': a.api_key } });
  } catch (err) {
    console.log(`${ts()} export failed ${JSON.stringify(err.toJSON())}`);
  }
  // err.config with basic auth
  try {
    await axios.get(`${base}/v1/admin/audit`, { auth: { username: 'svc-axios', password: a.basic_pw } });
  } catch (err) {
    console.log(`${ts()} audit failed: ${err.message}`, { url: err.config.url, auth: err.config.auth });
  }
  // login: set-cookie in the response headers; a cookie sent back
  const r = await axios.post(`${base}/login`, new URLSearchParams({ username: 'alice', password: s.users.alice }));
  console.log(`${ts()} login ok`, r.headers);
  try {
    await axios.get(`${base}/v1/revoked/me`, { headers: { Cookie: `session=${a.cookie}; theme=dark` } });
  } catch (err) {
    console.log(`${ts()} me failed: ${err.response.status}`, err.config.headers);
  }
  // a token exchange: the form body in config.data, the token in response.data
  const t = await axios.post(`${base}/oauth/token`, new URLSearchParams({ grant_type: 'client_credentials',
    client_id: 'billing-svc', client_secret: s.clients['billing-svc'] }));
  console.log(`${ts()} token exchange: request ${t.config.data} -> ${JSON.stringify(t.data)}`);
  console.log(`${ts()} token ok`, { token_type: t.data.token_type, expires_in: t.data.expires_in, scope: t.data.scope });
  // pino
  try {
    await axios.get(`${base}/v1/crash/charges`, { headers: { Authorization: `Bearer ${a.pino}` } });
  } catch (err) {
    logger.error({ err: err.toJSON() }, 'charge sync failed');
    logger.warn({ method: err.config.method, url: err.config.url, headers: err.config.headers, status: err.status }, 'upstream error');
  }
  try {
    await axios.get(`${base}/v1/rate/charges`, { headers: { Authorization: 'Bearer ***', 'X-Api-Key': '[REDACTED]' } });
  } catch (err) {
    logger.warn({ url: err.config.url, headers: err.config.headers, status: err.status }, 'rate limited');
  }
}

async function gaxiosPart() {
  const { request, GaxiosError } = require('gaxios');
  console.log(`== gaxios ${ver('gaxios')}`);
  const g = s.gaxios;
  try {
    await request({ url: `${base}/v1/revoked/files`, headers: { Authorization: `Bearer ${g.bearer}`, 'x-goog-api-key': g.api_key } });
  } catch (err) {
    console.error(err);
  }
  try {
    await request({ url: `${base}/v1/private?expired=1&access_token=${encodeURIComponent(g.query)}` });
  } catch (err) {
    console.log(`${ts()} ${JSON.stringify({ message: err.message, status: err.status, config: err.config })}`);
  }
  try {
    await request({ url: `${base}/v1/crash/tokens`, method: 'POST', data: { refresh_token: g.refresh, client_id: 'ios' },
      headers: { 'X-Auth-Token': g.x_token } });
  } catch (err) {
    console.log(`${ts()} gaxios error`, util.inspect({ message: err.message, config: err.config }, { depth: 4 }));
  }
  try {
    await request({ url: `${base}/oauth/token`, method: 'POST', data: new URLSearchParams({ grant_type: 'password',
      username: 'bob', password: g.password, client_id: 'web-app', client_secret: s.clients['web-app'] }) });
  } catch (err) {
    console.error(`${ts()} token request failed: ${err.message} ${JSON.stringify(err.response.data)}`);
    console.log(util.inspect(err.config, { depth: 3, breakLength: 120 }));
  }
}

async function gotPart() {
  const { default: got, HTTPError } = await import('got');
  console.log(`== got ${ver('got')}`);
  const o = s.got;
  try {
    await got(`${base}/v1/revoked/repos`, { headers: { authorization: `token ${o.bearer}` }, retry: { limit: 0 } });
  } catch (err) {
    console.error(`${ts()} ${err.name}: ${err.message}`);
    console.log(`${ts()} request headers:`, err.options.headers);
  }
  try {
    await got.post(`${base}/v1/crash/upload`, { searchParams: { api_key: o.api_key, v: 2 },
      json: { user: 'alice', password: o.password }, retry: { limit: 0 } });
  } catch (err) {
    console.log(`${ts()} ${err.name}: ${err.message} url=${err.options.url} body=${err.options.body}`);
  }
  try {
    await got(`${base}/v1/admin/keys`, { username: 'svc-got', password: o.password, retry: { limit: 0 } });
  } catch (err) {
    console.log(`${ts()} ${err.message}`, { username: err.options.username, password: err.options.password,
      url: err.options.url.href });
  }
  try {
    await got(`${base}/v1/private?expired=1&access_token=${o.query}`, { retry: { limit: 0 } });
  } catch (err) {
    console.log(`${ts()} ${err.message} (${err.code}) for ${err.request.requestUrl}`);
  }
}

async function octokitPart() {
  const { request } = await import('@octokit/request');
  console.log(`== @octokit/request ${ver('@octokit/request')}`);
  const k = s.octokit;
  try {
    await request('GET /v1/revoked/user/repos', { baseUrl: base, headers: { authorization: `token ${k.token}` }, per_page: 5 });
  } catch (err) {
    console.error(err);
  }
  try {
    await request('POST /v1/crash/login/oauth/access_token', { baseUrl: base, client_id: 'Iv1.8a61f9b3a7aba766',
      client_secret: k.client_secret, code: k.code });
  } catch (err) {
    console.error(err);
  }
  try {
    await request('GET /v1/private', { baseUrl: base, access_token: k.access_token, expired: 1 });
  } catch (err) {
    console.log(`${ts()} ${err.name} ${err.status}: ${err.request.method} ${err.request.url}`);
    console.log(`${ts()} ${JSON.stringify({ status: err.status, request: err.request, data: err.response.data })}`);
  }
}

async function fetchPart() {
  console.log(`== native fetch (undici, Node ${process.versions.node}) with NODE_DEBUG=fetch`);
  const f = s.fetch;
  let r = await fetch(`${base}/v1/search?q=boots&api_key=${encodeURIComponent(f.api_key)}`);
  console.log(`${ts()} search ${r.status}`);
  await r.text();
  r = await fetch(`${base}/v1/private?expired=1&token=${f.query}`, { headers: { Authorization: `Bearer ${f.bearer}` } });
  console.log(`${ts()} private ${r.status} ${r.statusText} ${r.url}`);
  await r.text();
  const rq = new Request(`${base}/v1/revoked/cart`, { method: 'POST', headers: { cookie: `session=${f.cookie}`,
    'content-type': 'application/json', traceparent: traceparent() }, body: JSON.stringify({ sku: 'A-100', qty: 2 }) });
  console.log(`${ts()} sending`, rq);
  r = await fetch(rq);
  console.log(`${ts()} cart ${r.status} ${r.statusText}`, r.headers);
  await r.text();
}

function nodeHttpPart() {
  // the http module's own debug output: createConnection prints the request options (headers, search)
  console.log(`== node http.request with NODE_DEBUG=http`);
  const http = require('http');
  const h = s.http;
  return new Promise((resolve) => {
    const req = http.request(`${base}/v1/revoked/orders?access_token=${h.query}`, { method: 'POST',
      headers: { Authorization: `Bearer ${h.bearer}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => { console.log(`${ts()} orders ${res.statusCode}`); resolve(); });
    });
    req.end(JSON.stringify({ sku: 'A-100', qty: 1 }));
  });
}

(async () => {
  if (process.argv[2] === 'fetch') {
    await fetchPart();
    await nodeHttpPart();
    return;
  }
  await axiosPart();
  await gaxiosPart();
  await gotPart();
  await octokitPart();
})().catch((e) => { console.error('generator failed', e); process.exit(1); });
