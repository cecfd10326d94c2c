// HTTP clients against a local server: axios errors (console.log + util.inspect), got errors, node-fetch errors,
// native fetch with credentials in URL, undici diagnostics_channel, NODE_DEBUG=http,fetch set by run.sh
const S = require('./secrets');
const http = require('http'), util = require('util'), dc = require('diagnostics_channel');
const axios = require('axios'), nodeFetch = require('node-fetch');
dc.channel('undici:request:create').subscribe(({ request }) => { console.log('[undici] create', request.method, request.origin + request.path, 'headers:', util.inspect(request.headers)); });
dc.channel('undici:request:headers').subscribe(({ request, response }) => { console.log('[undici] response', response.statusCode, request.path); });
const srv = http.createServer((req, res) => {
  let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => {
    if (req.url.startsWith('/401')) { res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' }); return res.end(JSON.stringify({ error: 'invalid_token', error_description: 'The access token expired' })); }
    if (req.url.startsWith('/500')) { res.writeHead(500, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ message: 'internal', echo: b ? JSON.parse(b) : null })); }
    res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}');
  });
});
srv.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + srv.address().port;
  // axios 401 with bearer + api key header
  try { await axios.get(base + '/401/v1/customers', { headers: { Authorization: 'Bearer ' + S.bearer, 'X-Api-Key': S.stripeKey } }); } catch (e) { console.log(e); }
  // axios with basic auth (auth option) -> 500, logged via toJSON
  try { await axios.post(base + '/500/charges', { amount: 100, card_token: S.csrf, refresh_token: S.refreshToken }, { auth: { username: S.basicUser, password: S.basicPass } }); } catch (e) { console.error('axios failed:', JSON.stringify(e.toJSON())); console.error('config.auth', e.config.auth, 'request header:', e.request._header); }
  // axios connection refused with api key in params
  try { await axios.get('http://127.0.0.1:39999/v2/search', { params: { api_key: S.apiKey, q: 'x' } }); } catch (e) { console.error(util.inspect(e, { depth: 2 })); }
  // got (ESM) error
  const { default: got } = await import('got');
  try { await got.post(base + '/401/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: S.refreshToken, client_secret: S.userPassword }, headers: { authorization: 'Basic ' + S.basicB64 }, retry: { limit: 0 } }); } catch (e) { console.error(e); console.error('got options.headers', e.options.headers); }
  try { await got(`http://${S.basicUser}:${encodeURIComponent(S.basicPass)}@127.0.0.1:39999/private`, { retry: { limit: 0 } }); } catch (e) { console.error(e.name, e.message, e.code, e.options && e.options.url && e.options.url.href); }
  // node-fetch v2 errors
  try { await nodeFetch('http://127.0.0.1:39999/hooks?token=' + S.ghToken, { headers: { Authorization: 'token ' + S.ghToken } }); } catch (e) { console.error(e); }
  try { const r = await nodeFetch(base + '/401/me', { headers: { Authorization: 'Bearer ' + S.jwt } }); console.log('node-fetch status', r.status, r.url, await r.text()); } catch (e) { console.error(e); }
  // native fetch: credentials in URL, connection refused, slack webhook
  try { await fetch(`http://${S.basicUser}:${encodeURIComponent(S.basicPass)}@127.0.0.1:39999/x`); } catch (e) { console.error(e); }
  try { await fetch(S.slackHook.replace('https://hooks.slack.com', 'http://127.0.0.1:39999'), { method: 'POST', body: '{"text":"deploy"}' }); } catch (e) { console.error('slack notify failed', e, e.cause); }
  try { await fetch(base + '/500/sessions', { method: 'POST', headers: { Authorization: 'Bearer ' + S.bearer, 'content-type': 'application/json' }, body: JSON.stringify({ sessionToken: S.sessionToken }) }).then(async (r) => console.warn('POST /sessions', r.status, await r.text())); } catch (e) { console.error(e); }
  // plain http.request (NODE_DEBUG=http prints internals)
  await new Promise((ok) => { const rq = http.request(base + '/ok?apikey=' + S.apiKey, { headers: { Cookie: 'connect.sid=' + encodeURIComponent(S.sidSigned) } }, (r) => { r.resume(); r.on('end', ok); }); console.log('http.request header block:', JSON.stringify(rq.getHeaders())); rq.end(); });
  srv.close();
});
