// @aws-sdk/client-dynamodb + lib-dynamodb against moto: middleware-stack request logging, errors printed, scan dumps
import { DynamoDBClient, CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, GetCommand, ScanCommand, UpdateCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { inspect } from 'util';
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { sets } = require('./common.js');
const endpoint = process.env.MOTO_URL || 'http://127.0.0.1:5124';
const T = 'integrations-' + Date.now();
for (const s of sets.slice(0, 6)) {
  const credentials = { accessKeyId: s.awsKeyId, secretAccessKey: s.awsSecret, ...(s.awsKeyId.startsWith('ASIA') ? { sessionToken: s.awsSession } : {}) };
  const raw = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
  raw.middlewareStack.addRelativeTo((next, ctx) => async (args) => {
    console.log('[ddb:%s] %s %s headers=%j body=%s', ctx.commandName, args.request.method, args.request.hostname, args.request.headers, args.request.body);
    const out = await next(args);
    console.log('[ddb:%s] <- %d', ctx.commandName, out.response.statusCode);
    return out;
  }, { relation: 'after', toMiddleware: 'awsAuthMiddleware', name: 'wireLogger' });
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  if (s.idx === 0) {
    await raw.send(new CreateTableCommand({ TableName: T, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] }));
    console.log('resolved credentials', await raw.config.credentials());
  }
  const item = { pk: 'tenant#' + s.idx, sk: 'integration#stripe', apiKey: s.stripe, webhookSecret: s.webhookSecret, oauth: { clientId: s.oauthClientId, clientSecret: s.oauthClientSecret, refreshToken: s.refreshToken }, mongoUri: s.mongoUri, createdBy: s.user };
  await doc.send(new PutCommand({ TableName: T, Item: item }));
  await doc.send(new PutCommand({ TableName: T, Item: { pk: 'user#' + s.user, sk: 'profile', password: s.password, sessionId: s.sessionId, apiToken: s.opaque } }));
  try { await doc.send(new PutCommand({ TableName: T, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })); }
  catch (e) { console.error('duplicate integration', e); }
  try { await doc.send(new UpdateCommand({ TableName: T, Key: { pk: 'tenant#' + s.idx, sk: 'integration#stripe' }, UpdateExpression: 'SET apiKey = :k, #bad = :t', ExpressionAttributeValues: { ':k': s.stripeTest, ':t': s.github } })); }
  catch (e) { console.error('rotate key failed: %s %s', e.name, e.message, { input: { key: s.stripeTest, token: s.github } }); }
  const got = await doc.send(new GetCommand({ TableName: T, Key: { pk: 'user#' + s.user, sk: 'profile' } }));
  console.log('loaded user', got.Item);
  try { await doc.send(new QueryCommand({ TableName: T, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'tenant#' + s.idx, ':unused': s.anthropic } })); }
  catch (e) { console.error(inspect(e, { depth: null })); }
}
const last = sets[5];
const c = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: last.awsKeyId, secretAccessKey: last.awsSecret } }));
const scan = await c.send(new ScanCommand({ TableName: T }));
console.dir(scan, { depth: null });
