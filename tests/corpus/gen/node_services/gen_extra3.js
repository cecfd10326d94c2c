// Fourth probe batch (generality of classes B/C): aws-sdk v2 logger with long attribute names (values wrap onto own line),
// console.log(process.argv) in a child started with secret CLI flags, child_process spawn ENOENT error (spawnargs array).
const S = require('./secrets');
const { spawn, execFileSync } = require('child_process');
(async () => {
  const AWS = require('aws-sdk');
  const v2 = new AWS.DynamoDB({ region: 'us-east-1', endpoint: process.env.MOTO_URL, accessKeyId: S.awsKeyId, secretAccessKey: S.awsSecret, logger: console });
  await v2.putItem({ TableName: 'Users', Item: { pk: { S: 'USER#long' }, googleOauthRefreshToken: { S: S.dynRefresh }, stripeSecretKeyForConnectedAccount: { S: S.stripeKey }, sessionTokenCurrent: { S: S.sessionToken }, ghPersonalAccessToken: { S: S.ghToken } } }).promise();
  await v2.getItem({ TableName: 'Users', Key: { pk: { S: 'USER#long' } } }).promise().then((r) => console.log('v2 getItem result', r));
  // child printing its argv
  const out = execFileSync(process.execPath, ['-e', 'console.log(process.argv)', '--', '--api-key', S.apiKey, '--db-password=' + S.mongoPass, '--token', S.bearer], { encoding: 'utf8' });
  process.stdout.write(out);
  // spawn ENOENT with credentials in args
  await new Promise((ok) => { const c = spawn('pg_dump_missing', ['--dbname=postgresql://backup:' + encodeURIComponent(S.mongoSrvPass) + '@db.internal:5432/app', '--no-owner'], { env: { PGPASSWORD: S.mongoSrvPass } }); c.on('error', (e) => { console.error('backup failed', e); ok(); }); });
  await new Promise((ok) => { const c = spawn('curl_missing', ['-H', 'Authorization: Bearer ' + S.bearer, '-u', S.basicUser + ':' + S.basicPass, 'https://api.example.com/v1/export']); c.on('error', (e) => { console.error(e); ok(); }); });
  process.exit(0);
})();
