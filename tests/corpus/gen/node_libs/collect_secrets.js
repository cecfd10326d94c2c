// Builds secrets.json: every generated secret + derived values the software prints (basic-auth base64, JWT signature
// segments, URL-encoded cookie, jose-issued tokens), with fragment "cores" (secret minus public vendor prefix).
const fs = require('fs');
const sets = require('./sets.json');
const NOT_SECRET = new Set(['idx', 'user', 'mongoUser', 'host', 'oauthClientId']);
const PREFIX = /^(sk_live_|rk_test_|github_pat_|ghp_|xoxb-|sk-proj-|sk-ant-api03-|SG\.|key-|npm_|glpat-|whsec_|ya29\.|1\/\/|4\/|IQoJb3JpZ2luX2VjE|AKIA|ASIA|SK|AIza)/;
const out = [];
const add = (kind, value, set, core) => out.push({ kind, value, set, core: core === undefined ? value.replace(PREFIX, '') : core });
for (const s of sets) {
  for (const [k, v] of Object.entries(s)) {
    if (NOT_SECRET.has(k) || typeof v !== 'string') continue;
    if (k === 'mongoUri') add(k, v, s.idx, null);                 // fragments covered by mongoPass
    else if (k === 'slackWebhook') add(k, v, s.idx, v.split('/').pop());
    else if (k === 'jwt' || k === 'expiredJwt') { add(k, v, s.idx, v.split('.')[2]); add(k + 'Signature', v.split('.')[2], s.idx); }
    else if (k === 'slack') add(k, v, s.idx, v.split('-').slice(1).join('-'));
    else add(k, v, s.idx);
  }
  add('basicAuthB64', Buffer.from(s.user + ':' + s.password).toString('base64'), s.idx);
  add('clientBasicAuthB64', Buffer.from(s.oauthClientId + ':' + s.oauthClientSecret).toString('base64'), s.idx);
  add('mongoBasicAuthB64', Buffer.from(s.mongoUser + ':' + s.mongoPass).toString('base64'), s.idx);
}
for (const f of fs.readdirSync('logs').filter((f) => f.startsWith('derived-'))) {
  for (const v of JSON.parse(fs.readFileSync('logs/' + f))) {
    add('derived:' + f.replace(/^derived-|\.json$/g, ''), v, null, v.split('.').length === 3 ? v.split('.').slice(1).join('.') : v);
  }
}
fs.writeFileSync('secrets.json', JSON.stringify(out, null, 1));
console.error('secrets.json:', out.length, 'values');
