// DynamoDB against moto_server (MOTO_URL): @aws-sdk/client-dynamodb v3 with logger: console, lib-dynamodb DocumentClient,
// aws-sdk v2 with logger: console (prints params), ConditionalCheckFailed errors with Item, credential-config inspect.
const S = require('./secrets');
const util = require('util');
const { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand, QueryCommand } = require('@aws-sdk/lib-dynamodb');
const endpoint = process.env.MOTO_URL;
const credentials = { accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret };
(async () => {
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials, logger: console });
  await client.send(new CreateTableCommand({ TableName: 'Users', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
  await client.send(new PutItemCommand({ TableName: 'Users', Item: { pk: { S: 'USER#4711' }, email: { S: 'alice@example.com' }, passwordHash: { S: S.passwordHash }, apiKey: { S: S.dynApiKey }, refreshToken: { S: S.dynRefresh } } }));
  await client.send(new GetItemCommand({ TableName: 'Users', Key: { pk: { S: 'USER#4711' } } }));
  try { await client.send(new PutItemCommand({ TableName: 'Users', Item: { pk: { S: 'USER#4711' }, sessionToken: { S: S.sessionToken } }, ConditionExpression: 'attribute_not_exists(pk)' })); } catch (e) { console.error('conditional put failed', e); }
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint, credentials, logger: { debug: console.debug, info: console.info, warn: console.warn, error: console.error } }));
  await doc.send(new PutCommand({ TableName: 'Users', Item: { pk: 'SESSION#' + S.sessionId, sessionToken: S.sessionToken, user: { id: 'u1', oauth: { accessToken: S.bearer, refreshToken: S.refreshToken } } } }));
  await doc.send(new QueryCommand({ TableName: 'Users', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'SESSION#' + S.sessionId } }));
  try { await doc.send(new PutCommand({ TableName: 'Missing', Item: { pk: 'k', apiKey: S.dynApiKey } })); } catch (e) { console.error(util.inspect(e, { depth: 4 })); }
  // v3 client with pino as logger (JSON lines, full depth)
  const pino = require('pino')({ level: 'debug' });
  const pc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint, credentials, logger: pino }));
  await pc.send(new PutCommand({ TableName: 'Users', Item: { pk: 'USER#77', passwordHash: S.passwordHash, apiKey: S.dynApiKey, refreshToken: S.dynRefresh, sessionToken: S.sessionToken } }));
  await pc.send(new QueryCommand({ TableName: 'Users', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'USER#77' } }));
  const resolved = await client.config.credentials();
  console.log('aws credentials resolved', resolved);
  // aws-sdk v2
  const AWS = require('aws-sdk');
  AWS.config.update({ region: 'us-east-1', accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret, logger: console });
  const v2 = new AWS.DynamoDB({ endpoint });
  await v2.putItem({ TableName: 'Users', Item: { pk: { S: 'USER#9' }, apiKey: { S: S.dynApiKey }, passwordHash: { S: S.passwordHash } } }).promise();
  await v2.updateItem({ TableName: 'Users', Key: { pk: { S: 'USER#9' } }, UpdateExpression: 'SET refreshToken = :r', ExpressionAttributeValues: { ':r': { S: S.dynRefresh } } }).promise();
  const dc2 = new AWS.DynamoDB.DocumentClient({ endpoint });
  await dc2.put({ TableName: 'Users', Item: { pk: 'API#1', apiKey: S.stripeKey, webhookSecret: S.slackHook } }).promise();
  try { await dc2.get({ TableName: 'Nope', Key: { pk: S.sessionToken } }).promise(); } catch (e) { console.error('v2 get failed', e); }
  console.log('AWS.config.credentials', AWS.config.credentials);
  client.destroy();
})();
