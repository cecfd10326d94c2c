// Dynamoose 4 (the Mongoose-like DynamoDB ORM for Express apps) against a real moto_server
// (DDB_ENDPOINT), with dynamoose-logger's console provider on, as apps turn it on to debug:
// every request and response is logged as `aws:dynamodb:<op>:<request|response> - ` followed
// by the params as JSON.stringify(…, null, 4), so an attribute's name and its typed value
// (`"S": …`) sit on separate lines. The app's own console.log of a returned document uses
// util.inspect. Then the same tables through the AWS SDK v3 DocumentClient, the app logging
// each request's params with console.log before sending it, as tutorials do (util.inspect
// breaks them over lines: `ExpressionAttributeNames: { '#rt': 'refreshToken' }` lines before
// the `':rt': '…'` holding its value). stdout+stderr is the captured log; planted secrets go
// to out/dynamoose.secrets.json.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const dynamoose = require('dynamoose');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand, UpdateCommand, GetCommand } = require('@aws-sdk/lib-dynamodb');
const { ALNUM, URLSAFE, rand } = require('./common');

const secrets = [];
const add = (s) => { if (!secrets.includes(s)) secrets.push(s); return s; };
const bcrypt = () => add('$2b$12$' + rand(53, ALNUM + './'));

(async () => {
  const ddb = new dynamoose.aws.ddb.DynamoDB({
    endpoint: process.env.DDB_ENDPOINT, region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  dynamoose.aws.ddb.set(ddb);
  (await dynamoose.logger()).providers.set(console);
  const Session = dynamoose.model('Session', new dynamoose.Schema({
    sid: { type: String, hashKey: true }, userId: Number, refreshToken: String, expires: Number, userAgent: String,
  }));
  const ApiKey = dynamoose.model('ApiKey', new dynamoose.Schema({
    keyHash: { type: String, hashKey: true }, secret: String, owner: String, scopes: { type: Set, schema: [String] },
  }));
  const User = dynamoose.model('User', new dynamoose.Schema({
    email: { type: String, hashKey: true }, password: String, resetToken: String, plan: String,
    mfa: { type: Object, schema: { totpSecret: String, backupTokens: { type: Array, schema: [String] } } },
  }));
  // clean look-alikes: ids, digests, counts and statuses next to the word token
  const Order = dynamoose.model('Order', new dynamoose.Schema({
    orderId: { type: String, hashKey: true }, tokenCount: Number, status: String, sessionCount: Number,
  }));
  await new Promise((r) => setTimeout(r, 1500)); // tables created by Dynamoose's setup flow
  for (let round = 0; round < 3; round++) {
    const sid = add(rand(32, URLSAFE));
    await Session.create({ sid, userId: 40 + round, refreshToken: add(rand(64, URLSAFE)), expires: 1764547200 + round, userAgent: 'Mozilla/5.0' });
    const got = await Session.get(sid);
    console.log('session loaded', got);
    await Session.update({ sid }, { refreshToken: add(rand(43, URLSAFE)) });
    await ApiKey.create({
      keyHash: crypto.createHash('sha256').update(`k${round}`).digest('hex'),
      secret: add('sk_live_' + rand(32)), owner: `u-${40 + round}`, scopes: new Set(['read', 'write']),
    });
    const email = `user${round}@example.com`;
    await User.create({
      email, password: bcrypt(), resetToken: add(rand(40)), plan: 'pro',
      mfa: { totpSecret: add(rand(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')), backupTokens: [add(rand(12)), add(rand(12))] },
    });
    await User.update({ email }, { resetToken: add(rand(40)), plan: 'team' });
    const users = await User.query('email').eq(email).exec();
    console.log('user', users[0].email, 'has plan', users[0].plan);
    await Order.create({ orderId: crypto.randomUUID(), tokenCount: 1200 + round, status: 'paid', sessionCount: round });
    await Session.scan('userId').eq(40 + round).exec();
    try {
      await Session.create({ sid, userId: 1 }, { overwrite: false });
    } catch (e) {
      console.error('session create failed:', e.message);
    }
  }
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({
    endpoint: process.env.DDB_ENDPOINT, region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  }));
  for (let round = 0; round < 3; round++) {
    const sid = add(rand(32, URLSAFE));
    const put = { TableName: 'Session', Item: { sid, userId: 50 + round, refreshToken: add(rand(48, URLSAFE)), expires: 1764550800 + round } };
    console.log('creating session', put);
    await doc.send(new PutCommand(put));
    const update = {
      TableName: 'Session', Key: { sid },
      UpdateExpression: round % 2 ? 'SET #rt = :rt, #u = :now, #a = :ua' : 'SET #rt = :rt',
      ExpressionAttributeNames: round % 2 ? { '#rt': 'refreshToken', '#u': 'expires', '#a': 'userAgent' } : { '#rt': 'refreshToken' },
      ExpressionAttributeValues: round % 2
        ? { ':rt': add(rand(43, URLSAFE)), ':now': 1764554400 + round, ':ua': 'Mozilla/5.0 (X11; Linux x86_64)' }
        : { ':rt': add(rand(43, URLSAFE)) },
      ReturnValues: 'ALL_NEW',
    };
    console.log('rotating refresh token', update);
    const res = await doc.send(new UpdateCommand(update));
    console.log('rotated', res.Attributes);
    const get = await doc.send(new GetCommand({ TableName: 'User', Key: { email: `user${round}@example.com` } }));
    console.log('loaded user', get.Item.email, 'plan', get.Item.plan);
  }
  fs.writeFileSync(path.join(__dirname, 'out', 'dynamoose.secrets.json'), JSON.stringify(secrets));
})().catch((e) => { console.error(e); process.exit(1); });
