// Node side of gen_task_queues.py: an Express API (bunyan with its std serializers) that enqueues
// BullMQ jobs on the generator's redis-server, and a BullMQ Worker logging through winston
// (json, simple, prettyPrint, printf + splat, errors({stack})) and bunyan. Planted secrets come in
// TQ_NODE (JSON); tokens minted here are appended to TQ_ISSUED. Everything goes to stdout.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const express = require('express');
const bunyan = require('bunyan');
const winston = require('winston');
const { Queue, Worker } = require('bullmq');
const { rand, URLSAFE } = require('./common');

const P = JSON.parse(process.env.TQ_NODE);
const issue = (v) => { fs.appendFileSync(process.env.TQ_ISSUED, JSON.stringify(v) + '\n'); return v; };
const connection = { host: '127.0.0.1', port: P.redisPort, password: P.redisPassword, db: 4, maxRetriesPerRequest: null };
const { combine, timestamp, json, simple, prettyPrint, printf, splat, errors } = winston.format;
const stamp = () => timestamp({ format: 'YYYY-MM-DDTHH:mm:ss.SSSZ' });

const jsonLog = winston.createLogger({ level: 'debug', defaultMeta: { service: 'mailer-worker' },
  format: combine(stamp(), errors({ stack: true }), json()), transports: [new winston.transports.Console()] });
const simpleLog = winston.createLogger({ level: 'debug', format: simple(), transports: [new winston.transports.Console()] });
const prettyLog = winston.createLogger({ level: 'debug', format: combine(stamp(), prettyPrint()),
  transports: [new winston.transports.Console()] });
const printfLog = winston.createLogger({ level: 'debug',
  format: combine(splat(), stamp(), printf((i) => `${i.timestamp} [${i.level}] ${i.message}`)),
  transports: [new winston.transports.Console()] });
const apiLog = bunyan.createLogger({ name: 'api', serializers: bunyan.stdSerializers, streams: [{ stream: process.stdout }] });
const billingLog = bunyan.createLogger({ name: 'billing-worker', serializers: bunyan.stdSerializers,
  streams: [{ stream: process.stdout, level: 'debug' }] });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const uuid = () => crypto.randomUUID();

async function main() {
  const redisUrl = `redis://:${P.redisPassword}@127.0.0.1:${P.redisPort}/4`;
  billingLog.info({ redisUrl, queues: ['emails', 'billing', 'webhooks'] }, 'worker starting');
  const emails = new Queue('emails', { connection });
  const billing = new Queue('billing', { connection });
  const webhooks = new Queue('webhooks', { connection });
  let total = 0;

  // ---------------------------------------------------------------- the API enqueueing jobs
  const app = express();
  app.use(express.json());
  app.post('/api/password-reset', async (req, res) => {
    apiLog.info({ req }, 'password reset requested');
    const token = issue(rand(43, URLSAFE));
    const job = await emails.add('send-reset', { email: req.body.email, userId: 42, token,
      resetUrl: `https://app.example.com/reset?token=${token}` }, { removeOnComplete: false });
    total++;
    apiLog.info({ jobId: job.id, queue: 'emails', job: 'send-reset' }, 'enqueued');
    res.status(202).json({ queued: true, jobId: job.id });
  });
  app.post('/api/integrations/stripe', async (req, res) => {
    apiLog.info({ req, body: req.body }, 'stripe key submitted');
    const job = await billing.add('verify-stripe-key', { accountId: 'acct_42', apiKey: req.body.apiKey });
    total++;
    res.status(202).json({ jobId: job.id });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  await fetch(base + '/api/password-reset', { method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${P.sessionToken}`,
      cookie: `sid=${P.sid}; theme=dark`, 'x-request-id': uuid() },
    body: JSON.stringify({ email: 'bob@example.com' }) });
  await fetch(base + '/api/integrations/stripe', { method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-token': P.adminToken },
    body: JSON.stringify({ apiKey: P.stripeKey }) });

  // ---------------------------------------------------------------- jobs added by other code
  const add = async (q, name, data, opts) => { total++; return q.add(name, data, opts); };
  await add(emails, 'refresh-token', { userId: 42, provider: 'google', refreshToken: P.refreshToken },
    { attempts: 2, backoff: { type: 'fixed', delay: 100 } });
  await add(webhooks, 'deliver-webhook', { url: 'https://hooks.partner.example/v1/events', event: 'order.paid',
    headers: { Authorization: `Bearer ${P.webhookJwt}`, 'X-Api-Key': P.webhookKey, 'X-Request-Id': uuid() } },
  { attempts: 2, backoff: { type: 'fixed', delay: 100 } });
  await add(billing, 'issue-api-key', { accountId: 'acct_42', scopes: ['charges:read'] });
  await add(emails, 'send-invoice', { to: 'carol@example.com', smtp: { host: 'smtp.example.com', user: 'billing',
    pass: P.smtpPassword } });
  await add(webhooks, 'sync-github', { repo: 'acme/api', token: P.githubToken }, { attempts: 1 });
  // clean look-alikes
  await add(emails, 'thumbnail', { path: 'uploads/2024/11/9f2c.png', size: 256, sha256: crypto.createHash('sha256').update('x').digest('hex') });
  await add(emails, 'recount-tokens', { userId: 42, tokenCount: 12, maxTokens: 4096 });
  await add(emails, 'purge-password-resets', { olderThanHours: 24, passwordResetCount: 4 });
  await add(billing, 'rotate-secret', { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/stripe-AbC12x', token: null });

  // ---------------------------------------------------------------- the worker
  const processor = async (job) => {
    switch (job.name) {
      case 'send-reset':
        jsonLog.info('processing job', { jobId: job.id, name: job.name, data: job.data });
        return { delivered: true, messageId: `<${uuid()}@mail.example.com>` };
      case 'refresh-token':
        simpleLog.info(`refreshing token for user ${job.data.userId}`, { jobId: job.id, attempt: job.attemptsMade + 1, data: job.data });
        throw new Error(`invalid_grant: refresh token ${job.data.refreshToken} is expired or revoked`);
      case 'deliver-webhook':
        prettyLog.info({ message: 'delivering webhook', jobId: job.id, url: job.data.url, headers: job.data.headers });
        if (job.attemptsMade === 0) {
          throw new Error(`POST ${job.data.url} returned 401 (Authorization: ${job.data.headers.Authorization})`);
        }
        return { status: 204 };
      case 'issue-api-key': {
        const key = issue('sk_live_' + rand(24));
        billingLog.info({ job: { id: job.id, name: job.name, data: job.data } }, 'issuing key');
        return { keyId: 'key_' + rand(12), secret: key, scopes: job.data.scopes };
      }
      case 'verify-stripe-key':
        billingLog.debug({ data: job.data }, 'verifying stripe key');
        // Stripe's own error masks the key: the message is clean
        throw new Error(`Invalid API Key provided: sk_live_${'*'.repeat(20)}${job.data.apiKey.slice(-4)}`);
      case 'send-invoice':
        printfLog.info('job %s sending invoice with %o', job.id, job.data);
        return { accepted: [job.data.to] };
      case 'sync-github': {
        printfLog.debug('job %s data %j', job.id, job.data);
        const err = new Error('Bad credentials');
        err.status = 401;
        err.request = { method: 'GET', url: 'https://api.github.com/repos/acme/api', headers: { authorization: `token ${job.data.token}` } };
        throw err;
      }
      case 'thumbnail':
        jsonLog.info('processing job', { jobId: job.id, name: job.name, data: job.data });
        return { path: job.data.path.replace('.png', '_256.png'), bytes: 48213 };
      case 'recount-tokens':
        simpleLog.info(`recounted tokens for user ${job.data.userId}`, { tokenCount: 12, passwordChanged: false });
        return { tokenCount: 12 };
      case 'purge-password-resets':
        printfLog.info('job %s purged %d password reset tokens', job.id, 4);
        return { purged: 4 };
      case 'rotate-secret':
        billingLog.info({ secretArn: job.data.secretArn, versionId: uuid(), stage: 'AWSCURRENT' }, 'secret rotated');
        return { rotated: true };
      default:
        throw new Error('unknown job ' + job.name);
    }
  };
  let done = 0;
  const finals = [];
  const workers = ['emails', 'billing', 'webhooks'].map((name) => {
    const w = new Worker(name, processor, { connection, concurrency: 1 });
    w.on('completed', (job, rv) => {
      done++;
      printfLog.info('job %s (%s) completed after %d attempt(s): %j', job.id, job.name, job.attemptsMade, rv);
    });
    w.on('failed', (job, err) => {
      const final = job.attemptsMade >= (job.opts.attempts || 1);
      if (final) { done++; finals.push(job); }
      if (job.name === 'refresh-token') {
        simpleLog.error(`job ${job.id} failed: ${job.failedReason}`, { attemptsMade: job.attemptsMade, data: job.data });
        billingLog.error({ err, job: { id: job.id, name: job.name, attemptsMade: job.attemptsMade } }, 'job failed');
      } else if (job.name === 'deliver-webhook') {
        jsonLog.error(err);
        jsonLog.warn('will retry', { jobId: job.id, attemptsMade: job.attemptsMade, failedReason: job.failedReason });
      } else if (job.name === 'sync-github') {
        billingLog.error({ err, request: err.request }, `job ${job.id} failed`);
        console.error(err);
      } else {
        printfLog.error('job %s (%s) failed: %s', job.id, job.name, job.failedReason);
        jsonLog.error('job failed', { jobId: job.id, failedReason: job.failedReason, stack: err.stack });
      }
    });
    return w;
  });
  const t0 = Date.now();
  while (done < total && Date.now() - t0 < 40000) await sleep(100);
  await sleep(200);
  // an admin script dumping failed jobs: asJSON() keeps data, failedReason and stacktrace as JSON strings
  for (const q of [emails, billing, webhooks]) {
    for (const job of await q.getFailed()) {
      console.log(JSON.stringify(job.asJSON()));
    }
  }
  const counts = await emails.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
  jsonLog.info('emails queue drained', { counts });
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all([emails, billing, webhooks].map((q) => q.close()));
  server.close();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
