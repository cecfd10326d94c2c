// Generates random secrets (N sets) -> sets.json. Derived variants are added by collect_secrets.js.
const crypto = require('crypto');
const jwt = require('jsonwebtoken');
const N = parseInt(process.env.NSETS || '8', 10);
const rb = (n) => crypto.randomBytes(n);
const pick = (alpha, n) => Array.from(rb(n), (b) => alpha[b % alpha.length]).join('');
const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', a = 'abcdefghijklmnopqrstuvwxyz', D = '0123456789';
const AN = A + a + D, HEX = '0123456789abcdef', B64 = AN + '+/';
const PUNCT = '!#$%&*@:/?+=^~;,.-_"\\\'()[]{}<>';
function password() {
  // realistic-ish human password with punctuation, always >= 14 chars
  const words = ['Correct', 'Horse', 'Battery', 'Staple', 'Mango', 'Tiger', 'Orbit', 'Velvet', 'Quartz', 'Falcon'];
  const w = words[rb(1)[0] % words.length] + words[rb(1)[0] % words.length];
  return w + pick(PUNCT, 2) + pick(D, 3) + pick(PUNCT, 1) + pick(AN, 4);
}
const users = ['alice', 'bob.smith', 'svc_ingest', 'carol', 'dave-ops', 'erin', 'frank', 'grace_h', 'heidi', 'ivan'];
const hosts = ['mongo-0.db.internal', 'cluster0.ab12c.mongodb.net', '10.2.3.4', 'mongo.prod.example.com'];
const sets = [];
for (let i = 0; i < N; i++) {
  const jwtKey = rb(32).toString('base64');
  const user = users[i % users.length];
  const token = jwt.sign({ sub: 'user-' + (1000 + i), name: user, scope: 'read write', tenant: 't' + i }, jwtKey, { expiresIn: '1h' });
  const expiredJwt = jwt.sign({ sub: 'user-' + (1000 + i), exp: Math.floor(Date.now() / 1000) - 3600 }, jwtKey);
  const mongoUser = users[(i + 3) % users.length];
  // every 4th mongo password is forced to contain an apostrophe (left unescaped by encodeURIComponent)
  const mongoPass = i % 4 === 0 ? password().replace(/^(.{8})/, "$1'") : password();
  const host = hosts[i % hosts.length];
  const s = {
    idx: i,
    user,                                   // not secret
    mongoUser,                              // not secret
    host,                                   // not secret
    password: password(),
    mongoPass,
    mongoUri: `mongodb${i % 2 ? '+srv' : ''}://${mongoUser}:${encodeURIComponent(mongoPass)}@${host}${i % 2 ? '' : ':27017'}/app?retryWrites=true&w=majority`,
    jwtKey,
    jwt: token,
    expiredJwt,
    bearer: rb(30).toString('base64url'),
    opaque: pick(HEX, 40),
    opaque2: rb(24).toString('base64'),
    stripe: 'sk_live_' + pick(AN, 24),
    stripeTest: 'rk_test_' + pick(AN, 32),
    github: 'ghp_' + pick(AN, 36),
    githubPat: 'github_pat_' + pick(AN, 22) + '_' + pick(AN, 59),
    slack: `xoxb-${pick(D, 12)}-${pick(D, 13)}-${pick(AN, 24)}`,
    slackWebhook: `https://hooks.slack.com/services/T${pick(A + D, 8)}/B${pick(A + D, 10)}/${pick(AN, 24)}`,
    openai: 'sk-proj-' + pick(AN + '-_', 48),
    anthropic: 'sk-ant-api03-' + pick(AN + '-_', 93) + 'AA',
    sendgrid: 'SG.' + pick(AN + '-_', 22) + '.' + pick(AN + '-_', 43),
    twilio: 'SK' + pick(HEX, 32),
    google: 'AIza' + pick(AN + '-_', 35),
    mailgun: 'key-' + pick(HEX, 32),
    npm: 'npm_' + pick(AN, 36),
    gitlab: 'glpat-' + pick(AN + '-_', 20),
    datadog: pick(HEX, 32),
    awsKeyId: (i % 2 ? 'ASIA' : 'AKIA') + pick(A + '234567', 16),
    awsSecret: pick(B64, 40),
    awsSession: 'IQoJb3JpZ2luX2VjE' + pick(B64, 300),
    cookieSecret: pick(AN, 32),
    sessionId: rb(24).toString('base64url'),
    oauthClientId: 'client-' + (100 + i),           // not secret
    oauthClientSecret: pick(AN + '-_~.', 40),
    refreshToken: '1//' + pick(AN + '-_', 80),
    accessToken: 'ya29.' + pick(AN + '-_', 120),
    authCode: '4/' + pick(AN + '-_', 60),
    webhookSecret: 'whsec_' + pick(AN, 32),
  };
  s.sessionCookie = 's:' + s.sessionId + '.' + crypto.createHmac('sha256', s.cookieSecret).update(s.sessionId).digest('base64').replace(/=+$/, '');
  sets.push(s);
}
require('fs').writeFileSync(__dirname + '/sets.json', JSON.stringify(sets, null, 1));
console.error('wrote', sets.length, 'secret sets');
