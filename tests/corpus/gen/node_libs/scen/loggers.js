// bunyan (std serializers: req/res/err), log4js, consola, signale, loglevel: app-style logging of requests, config, errors
const http = require('http');
const bunyan = require('bunyan');
const log4js = require('log4js');
const { createConsola } = require('consola');
const { Signale } = require('signale');
const loglevel = require('loglevel');
const { sets } = require('./common');

const blog = bunyan.createLogger({ name: 'orders-api', level: 'debug', serializers: bunyan.stdSerializers });
log4js.configure({ appenders: { out: { type: 'stdout', layout: { type: 'pattern', pattern: '%d %p %c %m' } }, file: { type: 'file', filename: __dirname + '/../logs/log4js-file.log' } }, categories: { default: { appenders: ['out', 'file'], level: 'trace' } } });
const l4 = log4js.getLogger('db');
const consola = createConsola({ level: 5, fancy: false, formatOptions: { colors: false, date: false, compact: false } });
const signale = new Signale({ stream: process.stdout, config: { displayTimestamp: false } });
loglevel.setLevel('trace');

class UpstreamError extends Error { constructor(msg, extra) { super(msg); this.name = 'UpstreamError'; Object.assign(this, extra); } }

const srv = http.createServer((req, res) => {
  const rlog = blog.child({ req_id: Math.random().toString(16).slice(2, 10) });
  rlog.info({ req }, 'request start');
  let body = ''; req.on('data', (c) => (body += c)); req.on('end', () => {
    if (req.url.startsWith('/fail')) {
      const err = new UpstreamError('payment provider rejected request', { statusCode: 502, requestBody: body });
      rlog.error({ err, req }, 'handler failed');
      res.statusCode = 502; res.end('bad gateway'); rlog.warn({ res }, 'request end');
      return;
    }
    res.end('ok'); rlog.info({ res }, 'request end');
  });
});
srv.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + srv.address().port;
  for (const s of sets) {
    await fetch(base + '/orders?access_token=' + s.bearer, { headers: { authorization: 'Bearer ' + s.jwt, cookie: 'sid=' + encodeURIComponent(s.sessionCookie) + '; theme=dark' } });
    await fetch(base + '/fail', { method: 'POST', headers: { 'x-api-key': s.stripe, 'content-type': 'application/json' }, body: JSON.stringify({ card: '4242', customer: 'cus_' + s.idx, api_key: s.stripe }) });
    await fetch(base + '/webhooks/github', { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from(s.user + ':' + s.password).toString('base64'), 'x-hub-signature-256': 'sha256=' + s.opaque } , body: 'x'});

    // log4js: db connection logging
    l4.info('connecting to mongo at %s', s.mongoUri);
    l4.debug('aws credentials loaded', { accessKeyId: s.awsKeyId, secretAccessKey: s.awsSecret, region: 'eu-west-1' });
    l4.error(new UpstreamError(`MongoServerSelectionError: connect ECONNREFUSED for ${s.mongoUri}`));
    l4.trace('GitLab token %s used for mirror sync of %s', s.gitlab, 'group/project');

    // consola: config dump + error
    consola.info('Loaded config', { env: 'production', mongo: { uri: s.mongoUri, password: s.mongoPass }, slack: { token: s.slack, webhook: s.slackWebhook }, anthropicKey: s.anthropic });
    consola.debug(`openai key=${s.openai}`);
    if (s.idx % 2 === 0) consola.error(new UpstreamError('SendGrid 401 with key ' + s.sendgrid));
    consola.warn('retrying with refresh_token', s.refreshToken);

    // signale
    signale.success('OAuth login ok', { user: s.user, access_token: s.accessToken });
    signale.pending(`Publishing with NPM_TOKEN=${s.npm}`);
    signale.error(new Error(`github push failed: https://x-access-token:${s.github}@github.com/acme/app.git`));
    signale.note('AWS_SESSION_TOKEN=' + s.awsSession);

    // loglevel
    loglevel.debug('[twilio] client init', s.twilio, 'authToken=' + s.datadog);
    loglevel.warn('cookie secret is', JSON.stringify(s.cookieSecret), 'webhookSecret', s.webhookSecret);
    loglevel.info('password reset for', s.user, { newPassword: s.password });
  }
  srv.close(); log4js.shutdown(() => {});
});
