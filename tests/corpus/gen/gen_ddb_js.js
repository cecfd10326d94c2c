// AWS SDK for JavaScript v3 (@aws-sdk/client-dynamodb + @aws-sdk/lib-dynamodb) against moto_server
// (endpoint in DDB_ENDPOINT, started by gen_ddb.py). The clients get a logger, so the SDK's logger
// middleware prints every command's input and output: console (util.inspect, default depth),
// pino (JSON), and the app's own util.inspect(params, {depth: null}) / JSON.stringify dumps.
// stdout is the captured log; planted secrets go to out/awssdk_js_dynamodb.secrets.json.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const util = require('util');
const pino = require('pino');
const ddbLib = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand, GetCommand, QueryCommand, UpdateCommand, ExecuteStatementCommand: DocExec } = require('@aws-sdk/lib-dynamodb');
const { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand, QueryCommand: RawQuery,
  ScanCommand, ExecuteStatementCommand, BatchExecuteStatementCommand, DeleteItemCommand } = ddbLib;

const secrets = [];
const add = (s) => { if (!secrets.includes(s)) secrets.push(s); return s; };
const { UP, LOW, DIG, ALNUM, URLSAFE, rand } = require('./common');
const between = (a, b) => a + crypto.randomInt(b - a + 1);
const refreshToken = () => ['1//0', 'rt_', 'def50200'][crypto.randomInt(3)] + rand(between(40, 64), URLSAFE);
const opaque = () => rand(between(32, 48), URLSAFE);
const apiKey = () => [() => 'sk_live_' + rand(24), () => 'ghp_' + rand(36), () => 'AIza' + rand(35, URLSAFE), () => rand(32)][crypto.randomInt(4)]();
const uuid = () => crypto.randomUUID();
const now = () => new Date().toISOString();

const endpoint = process.env.DDB_ENDPOINT;
const credentials = { accessKeyId: add('AKIA' + rand(16, UP + '234567')), secretAccessKey: add(rand(40, ALNUM + '+/')) };
const base = { endpoint, region: 'us-east-1', credentials };
const appLog = (...a) => console.log(new Date().toISOString(), '[app]', ...a);

async function run(client, cmd) {
  try {
    return await client.send(cmd);
  } catch (e) {
    appLog('dynamodb command failed:', e.name, e.message);
    return null;
  }
}

(async () => {
  const consoleClient = new DynamoDBClient({ ...base, logger: console });
  const pinoClient = new DynamoDBClient({ ...base, logger: pino({ level: 'info', base: { service: 'accounts-api' } }) });
  const plainClient = new DynamoDBClient(base);
  for (const [t, k] of [['users', 'user_id'], ['sessions', 'session_token']]) {
    await run(plainClient, new CreateTableCommand({ TableName: t, BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: k, KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: k, AttributeType: 'S' }] }));
  }
  await run(plainClient, new CreateTableCommand({ TableName: 'app', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }] }));
  const uids = Array.from({ length: 6 }, uuid);

  // typed client: the whole sequence through pino (JSON lines), a short one through console
  for (const [client, full] of [[pinoClient, true], [consoleClient, false]]) {
    for (const [i, uid] of uids.entries()) {
      if (!full && i > 1) break;
      await run(client, new PutItemCommand({ TableName: 'users', Item: { user_id: { S: uid }, email: { S: `user${i}@example.com` },
        tier: { S: i % 2 ? 'pro' : 'free' }, login_count: { N: String(i) } } }));
    }
    for (const uid of uids.slice(0, full ? 3 : 1)) {
      const params = { TableName: 'users', Key: { user_id: { S: uid } }, UpdateExpression: 'SET refresh_token = :rt, updated_at = :now',
        ExpressionAttributeValues: { ':rt': { S: add(refreshToken()) }, ':now': { S: now() } } };
      appLog('UpdateItem', util.inspect(params, { depth: null, breakLength: Infinity }));
      await run(client, new UpdateItemCommand(params));
    }
    for (const uid of uids.slice(3, 5)) {
      await run(client, new UpdateItemCommand({ TableName: 'users', Key: { user_id: { S: uid } },
        ExpressionAttributeValues: { ':v': { S: add(apiKey()) }, ':now': { S: now() } },
        ExpressionAttributeNames: { '#t': 'api_key', '#u': 'updated_at' }, UpdateExpression: 'SET #t = :v, #u = :now', ReturnValues: 'ALL_NEW' }));
    }
    await run(client, new UpdateItemCommand({ TableName: 'users', Key: { user_id: { S: uids[0] } },
      UpdateExpression: 'SET refresh_token = :new', ConditionExpression: 'refresh_token = :old',
      ExpressionAttributeValues: { ':old': { S: add(refreshToken()) }, ':new': { S: add(refreshToken()) } } }));
    await run(client, new RawQuery({ TableName: 'sessions', KeyConditionExpression: 'session_token = :t',
      ExpressionAttributeValues: { ':t': { S: add(rand(43, URLSAFE)) } } }));
    await run(client, new ScanCommand({ TableName: 'users', FilterExpression: '#k = :key',
      ExpressionAttributeNames: { '#k': 'api_key' }, ExpressionAttributeValues: { ':key': { S: add(apiKey()) } } }));
    // clean look-alikes
    for (const uid of uids.slice(0, full ? 6 : 2)) {
      await run(client, new UpdateItemCommand({ TableName: 'users', Key: { user_id: { S: uid } },
        UpdateExpression: 'SET updated_at = :now, login_count = login_count + :one',
        ExpressionAttributeValues: { ':now': { S: now() }, ':one': { N: '1' } } }));
    }
    await run(client, new UpdateItemCommand({ TableName: 'users', Key: { user_id: { S: uids[1] } },
      UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'suspended' } } }));
    await run(client, new ScanCommand({ TableName: 'users', FilterExpression: 'tier = :p', ExpressionAttributeValues: { ':p': { S: 'pro' } } }));
    await run(client, new GetItemCommand({ TableName: 'users', Key: { user_id: { S: uids[2] } }, ProjectionExpression: 'email, tier' }));
    // PartiQL
    const st = add(opaque());
    await run(client, new ExecuteStatementCommand({ Statement: `UPDATE "users" SET "session_token" = '${st}' WHERE "user_id" = '${uids[1]}'` }));
    await run(client, new ExecuteStatementCommand({ Statement: 'UPDATE "users" SET "api_key" = ? WHERE "user_id" = ?',
      Parameters: [{ S: add(apiKey()) }, { S: uids[2] }] }));
    await run(client, new BatchExecuteStatementCommand({ Statements: [
      { Statement: `UPDATE "users" SET "refresh_token" = '${add(refreshToken())}' WHERE "user_id" = '${uids[3]}'` },
      { Statement: 'UPDATE "users" SET "tier" = ? WHERE "user_id" = ?', Parameters: [{ S: 'pro' }, { S: uids[4] }] }] }));
    await run(client, new ExecuteStatementCommand({ Statement: `SELECT "email" FROM "users" WHERE "user_id" = '${uids[5]}'` }));
    if (!full) continue;
    // single-table keys, typed
    for (const [n, name] of [[42, 'bob'], [43, 'alice']]) {
      const sid = add(rand(32, LOW + DIG));
      await run(client, new PutItemCommand({ TableName: 'app', Item: { PK: { S: `SESSION#${sid}` }, SK: { S: `USER#${n}` },
        GSI1PK: { S: `USER#${n}` }, expires_at: { N: String(Math.floor(Date.now() / 1000) + 3600) } }, ConditionExpression: 'attribute_not_exists(PK)' }));
      await run(client, new GetItemCommand({ TableName: 'app', Key: { PK: { S: `SESSION#${sid}` }, SK: { S: `USER#${n}` } } }));
      // the same session id again: ConditionalCheckFailedException carrying the old item
      await run(client, new PutItemCommand({ TableName: 'app', Item: { PK: { S: `SESSION#${sid}` }, SK: { S: `USER#${n}` } },
        ConditionExpression: 'attribute_not_exists(PK)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      await run(client, new PutItemCommand({ TableName: 'app', Item: { PK: { S: `USER#${n}` }, SK: { S: `PROFILE#${name}` }, email: { S: `${name}@example.com` } } }));
      await run(client, new PutItemCommand({ TableName: 'app', Item: { PK: { S: `USER#${n}` }, SK: { S: `ORDER#2024-11-0${n % 9}#${uuid().slice(0, 8)}` }, total: { N: '19.99' } } }));
      await run(client, new RawQuery({ TableName: 'app', KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': { S: `USER#${n}` }, ':sk': { S: 'ORDER#2024-' } } }));
    }
    const key = add(apiKey());
    await run(client, new PutItemCommand({ TableName: 'app', Item: { PK: { S: `APIKEY#${key}` }, SK: { S: 'USER#42' }, name: { S: 'deploy' } } }));
    await run(client, new DeleteItemCommand({ TableName: 'app', Key: { PK: { S: `APIKEY#${key}` }, SK: { S: 'USER#42' } } }));
  }

  // DynamoDBDocumentClient (plain values), console logger and pino logger
  for (const [inner, people] of [[consoleClient, [[44, 'carol']]], [pinoClient, [[45, 'dave'], [46, 'erin'], [47, 'frank']]]]) {
    const doc = DynamoDBDocumentClient.from(inner);
    for (const [n, name] of people) {
      const tok = add(opaque());
      const rf = add(refreshToken());
      const reset = add(rand(between(24, 40), URLSAFE));
      const item = { PK: `USER#${n}`, SK: `TOKEN#${tok}`, GSI1PK: `TOKEN#${tok}`, scope: 'read write', created_at: now() };
      appLog('put item', JSON.stringify(item));
      await run(doc, new PutCommand({ TableName: 'app', Item: item }));
      await run(doc, new PutCommand({ TableName: 'app', Item: { PK: `USER#${n}`, SK: `REFRESH#${rf}`, device: 'android' } }));
      await run(doc, new PutCommand({ TableName: 'app', Item: { PK: `RESET#${reset}`, SK: `USER#${n}`, ttl: Math.floor(Date.now() / 1000) + 3600 } }));
      await run(doc, new GetCommand({ TableName: 'app', Key: { PK: `RESET#${reset}`, SK: `USER#${n}` } }));
      await run(doc, new QueryCommand({ TableName: 'app', KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': `USER#${n}`, ':p': 'REFRESH#' } }));
      await run(doc, new PutCommand({ TableName: 'app', Item: { PK: `USER#${n}`, SK: `PROFILE#${name}`, email: `${name}@example.com` } }));
      await run(doc, new GetCommand({ TableName: 'app', Key: { PK: `USER#${n}`, SK: `PROFILE#${name}` } }));
      await run(doc, new UpdateCommand({ TableName: 'app', Key: { PK: `USER#${n}`, SK: `PROFILE#${name}` },
        UpdateExpression: 'SET password_hash = :h, updated_at = :now',
        ExpressionAttributeValues: { ':h': 'pbkdf2_sha256$870000$' + add(rand(22) + '$' + rand(43, ALNUM + '+/') + '='), ':now': now() } }));
      await run(doc, new UpdateCommand({ TableName: 'app', Key: { PK: `USER#${n}`, SK: `PROFILE#${name}` },
        UpdateExpression: 'SET last_login = :now, login_count = if_not_exists(login_count, :zero) + :one',
        ExpressionAttributeValues: { ':now': now(), ':zero': 0, ':one': 1 } }));
      await run(doc, new PutCommand({ TableName: 'app', Item: { PK: `USER#${n}`, SK: `TOKEN#${tok}` },
        ConditionExpression: 'attribute_not_exists(SK)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    }
    await run(doc, new DocExec({ Statement: 'SELECT * FROM "app" WHERE "PK" = ?', Parameters: [`SESSION#${add(rand(32, LOW + DIG))}`] }));
    await run(doc, new DocExec({ Statement: 'SELECT * FROM "app" WHERE "PK" = ?', Parameters: ['USER#44'] }));
  }
  fs.writeFileSync(path.join(__dirname, 'out', 'awssdk_js_dynamodb.secrets.json'), JSON.stringify(secrets));
})().catch((e) => { console.error(e); process.exit(1); });
