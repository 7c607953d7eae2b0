import { LocalConfigError } from './config-error.js';
import { DEV_OPS_TOKEN } from './config.js';
import { DEFAULT_OPS_USERS } from './operators.js';
import { startLocalPipeline } from './pipeline.js';

/** `npm start`: the whole pipeline on this machine, until Ctrl-C. */
const started = Date.now();
const pipeline = await startLocalPipeline({}, (line) => console.log(`[local] ${line}`)).catch((error: unknown) => {
  if (!(error instanceof LocalConfigError)) throw error;
  console.error(`[local] cannot start: ${error.message}`);
  process.exit(1);
});
const { urls, config, operators } = pipeline;
// Development tokens are printed so they can be used at once; a token of your own (OPS_USERS, OPS_TOKEN) is not echoed.
const devTokens = new Set([DEV_OPS_TOKEN, ...DEFAULT_OPS_USERS.map((user) => user.token)]);
const operatorLines = operators.map((op) => `    ${op.name.padEnd(18)}${op.role.padEnd(12)}Authorization: Bearer ${devTokens.has(op.token) ? op.token : '<yours>'}`).join('\n');
console.log(`
After-sales pipeline running locally (started in ${((Date.now() - started) / 1000).toFixed(1)} s)

  API                 ${urls.api}
    webhooks          POST ${urls.api}/webhooks/order-platform   (secret: WEBHOOK_SECRET, dev default in local/config.ts)
    carrier pushes    POST ${urls.api}/webhooks/carriers/${config.carrierProvider} (the carrier simulator pushes here; proactive detection ${config.proactiveDetection})
    console           ${urls.api}/console   (sign in with an operator's token, below)
    operations        GET  ${urls.api}/ops/cases/{caseId}         (Authorization: Bearer <an operator's token, below>)
    executions        ${urls.api}/local/executions
  Email viewer        ${urls.emailViewer}
  SMS messages        ${urls.sms}   (JSON: ${urls.sms}messages)
  Carrier simulator   ${urls.carrier}   (speaks ${config.carrierProvider}'s API: CARRIER_PROVIDER=aftership|17track|kuaidi100)
  Order platform sim  ${urls.orderPlatform}
  Operator alerts     ${urls.opsAlerts}   (also GET ${urls.api}/ops/alerts)
  Emulators           DynamoDB :${config.ports.dynamodb}  SQS :${config.ports.sqs}  Step Functions :${config.ports.stepFunctions}  SES API :${config.ports.sesApi}
                      (every port is PORT+1…+9, or its own LOCAL_*_PORT: README, "Local runtime")
  Data                ${config.dataDir}/   (cases, queues, SMS and email survive a restart; delete it to start afresh)
  Logs                ${config.logLevel} and above (POWERTOOLS_LOG_LEVEL=INFO to follow every step; [local] lines are the runtime's)

  Operators (OPS_USERS="name:role:token,…" and OPS_TOKEN; what each role may do: docs/operations.md)
${operatorLines}

Send example cases: npm run demo      Stop: Ctrl-C
`);

const shutdown = async () => {
  console.log('\n[local] stopping…');
  await pipeline.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
