import { startLocalPipeline } from './pipeline.js';

/** `npm start`: the whole pipeline on this machine, until Ctrl-C. */
const started = Date.now();
const pipeline = await startLocalPipeline({}, (line) => console.log(`[local] ${line}`));
const { urls, config } = pipeline;
console.log(`
After-sales pipeline running locally (started in ${((Date.now() - started) / 1000).toFixed(1)} s)

  API                 ${urls.api}
    webhooks          POST ${urls.api}/webhooks/order-platform   (secret: WEBHOOK_SECRET, dev default in local/config.ts)
    carrier pushes    POST ${urls.api}/webhooks/carriers/aftership (the carrier simulator pushes here; proactive detection ${config.proactiveDetection})
    operations        GET  ${urls.api}/ops/cases/{caseId}         (Authorization: Bearer ${config.opsToken === 'dev-ops-token' ? 'dev-ops-token' : '<OPS_TOKEN>'})
    executions        ${urls.api}/local/executions
  Email viewer        ${urls.emailViewer}
  SMS messages        ${urls.sms}   (JSON: ${urls.sms}messages)
  Carrier simulator   ${urls.carrier}
  Order platform sim  ${urls.orderPlatform}
  Operator alerts     ${urls.opsAlerts}   (also GET ${urls.api}/ops/alerts)
  Data                ${config.dataDir}/

Send example cases: npm run demo      Stop: Ctrl-C
`);

const shutdown = async () => {
  console.log('\n[local] stopping…');
  await pipeline.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
