// Node.js Lambda functions of gen_lambda_events.py, logging with Powertools for AWS Lambda
// (TypeScript) Logger 2.36.0. `node lambda_events_node.js <handler>` is the function's
// execution environment: the loop at the bottom is a custom runtime's bootstrap as AWS's
// custom-runtime tutorial writes it (GET /2018-06-01/runtime/invocation/next, call the handler
// with a context built from the Lambda-Runtime-* headers, POST …/response or …/error) against the
// Runtime API gen_lambda_events.py serves. The managed Node.js runtime would prefix console.*
// lines; Powertools writes through its own Console (process.stdout/stderr), so its JSON lines are
// what the managed runtime prints too — and these functions print nothing else.
'use strict';
const { Logger } = require('@aws-lambda-powertools/logger');

const SERVICE = { checkoutUrl: 'checkout-api', billingWorker: 'billing-worker' };
const handlerName = process.argv[2];
const logger = new Logger({ serviceName: SERVICE[handlerName] });

const handlers = {
  // a Lambda function URL (payload 2.0)
  async checkoutUrl(event, context) {
    logger.addContext(context);
    logger.logEventIfEnabled(event, true);
    const path = event.rawPath;
    logger.appendKeys({ path, method: event.requestContext.http.method });
    const body = event.body ? JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body) : null;
    if (path === '/webhooks/telegram') {
      const secret = event.headers['x-telegram-bot-api-secret-token'];
      logger.info('telegram update', { update_id: body.update_id, query: event.queryStringParameters, secret_header: secret });
    } else if (path === '/checkout') {
      logger.info('confirming payment', { body });
      try {
        throw new Error(`partner API returned 401 for https://api.partner.example.com/v2/charges?api_key=${body.partner_key}&amount=${body.amount}`);
      } catch (err) {
        logger.error('charge failed', err);
      }
    } else if (path === '/signup') {
      logger.info('signup', { body });
      logger.debug('headers', { headers: event.headers });
    } else {
      logger.warn('unknown path', { path });
    }
    logger.removeKeys(['path', 'method']);
    return { statusCode: 200, body: '{}' };
  },

  // an SQS consumer
  async billingWorker(event, context) {
    logger.addContext(context);
    logger.logEventIfEnabled(event, true);
    for (const record of event.Records) {
      const msg = JSON.parse(record.body);
      logger.info('billing job', { messageId: record.messageId, job: msg });
    }
    return { batchItemFailures: [] };
  },
};

async function main() {
  const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
  const handler = handlers[handlerName];
  for (;;) {
    const next = await fetch(`${api}/invocation/next`);
    const rid = next.headers.get('lambda-runtime-aws-request-id');
    const deadline = Number(next.headers.get('lambda-runtime-deadline-ms'));
    process.env._X_AMZN_TRACE_ID = next.headers.get('lambda-runtime-trace-id') || '';
    const event = await next.json();
    const context = {
      awsRequestId: rid,
      invokedFunctionArn: next.headers.get('lambda-runtime-invoked-function-arn'),
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    try {
      const res = await handler(event, context);
      await fetch(`${api}/invocation/${rid}/response`, { method: 'POST', body: JSON.stringify(res ?? null) });
    } catch (err) {
      await fetch(`${api}/invocation/${rid}/error`, {
        method: 'POST',
        headers: { 'Lambda-Runtime-Function-Error-Type': 'Runtime.UnhandledPromiseRejection' },
        body: JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: String(err.stack).split('\n') }),
      });
    }
  }
}

main();
