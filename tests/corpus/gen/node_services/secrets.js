// Generates random secrets once per run into secrets.json; generators require('./secrets').
const fs = require('fs'), crypto = require('crypto'), path = require('path');
const F = path.join(__dirname, 'secrets.json');
function rnd(n, alpha) { const b = crypto.randomBytes(n); let s = ''; for (let i = 0; i < n; i++) s += alpha[b[i] % alpha.length]; return s; }
const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const PUN = '!#$%^&*()-_=+[]{};:,.?~';
function pw(n) { // password with punctuation, guaranteed mixed
  let s = rnd(n - 4, AN + PUN); return rnd(2, AN) + s.slice(0, 3) + rnd(1, PUN) + s.slice(3) + rnd(1, PUN);
}
function gen() {
  const S = {};
  S.jwtSecret = rnd(40, AN);
  S.bearer = rnd(40, AN);
  S.awsKeyId = 'AKIA' + rnd(16, UP);
  S.awsSecret = rnd(40, AN + '/+');
  S.sessionSecret = 'ss-' + rnd(32, AN);
  S.sessionId = rnd(32, AN + '-_');
  S.stripeKey = 'sk_live_' + rnd(24, AN);
  S.apiKey = 'ak_' + rnd(32, AN);
  S.refreshToken = 'rt_' + rnd(48, AN + '-_');
  S.userPassword = pw(18);
  S.mongoUser = 'svc_' + rnd(6, 'abcdefghijklmnopqrstuvwxyz');
  S.mongoPass = pw(20);
  S.mongoSrvPass = pw(16);
  S.redisPass = pw(22);
  S.basicUser = 'api_' + rnd(5, 'abcdefghijklmnopqrstuvwxyz');
  S.basicPass = pw(16);
  S.passwordHash = '$2b$12$' + rnd(53, AN + './');
  S.sessionToken = rnd(64, '0123456789abcdef');
  S.dynApiKey = 'ak_live_' + rnd(32, AN);
  S.dynRefresh = 'rt_' + rnd(48, AN);
  S.ghToken = 'ghp_' + rnd(36, AN);
  S.awsSessionToken = 'IQoJb3JpZ2luX2VjE' + rnd(280, AN + '/+') + '==';
  S.inviteToken = rnd(43, AN + '-_');
  S.csrf = rnd(36, AN + '-_');
  S.slackPath = 'T' + rnd(8, UP) + '/B' + rnd(8, UP) + '/' + rnd(24, AN);
  S.slackHook = 'https://hooks.slack.com/services/' + S.slackPath;
  // derived values (computed by the libraries themselves)
  const jwt = require('jsonwebtoken');
  S.jwt = jwt.sign({ sub: 'user-4711', email: 'alice@example.com', scope: 'read write' }, S.jwtSecret, { expiresIn: '1h' });
  S.jwtRefresh = jwt.sign({ sub: 'user-4711', typ: 'refresh' }, S.jwtSecret, { expiresIn: '30d' });
  S.jwtBad = jwt.sign({ sub: 'user-4711', typ: 'refresh' }, 'not-the-server-key', { expiresIn: '30d' });
  S.sidSigned = 's:' + require('cookie-signature').sign(S.sessionId, S.sessionSecret);
  S.basicB64 = Buffer.from(S.basicUser + ':' + S.basicPass).toString('base64');
  S.mongoBasic = Buffer.from(S.mongoUser + ':' + S.mongoPass).toString('base64');
  return S;
}
if (require.main === module) { fs.writeFileSync(F, JSON.stringify(gen(), null, 1)); console.error('wrote ' + F); }
module.exports = fs.existsSync(F) ? JSON.parse(fs.readFileSync(F)) : null;
