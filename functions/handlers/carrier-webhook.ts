import { carrierWebhookConfig, readConfig } from '../config/functions.js';
import { carrierPushApp } from '../http/carrier-push-app.js';
import type { IntakeMessage } from '../schemas/messages.js';
import { carrierRouting, carrierTrackingConfig, carrierWebhookKeys, PREVIOUS_CARRIER_WEBHOOK_SECRET_MS, trackingSettings, trackingStores } from '../tracking-wiring.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { lazyQueue } from '../wiring/lazy-queue.js';
import { caseStore } from '../wiring/stores.js';

const config = readConfig(carrierWebhookConfig);
const cases = caseStore(config);
const { shipments } = trackingStores(config);
// Only a return's arrival or a proactive case sends to the intake: the SQS client is made at the first one.
const intake = lazyQueue<IntakeMessage>(config.INTAKE_QUEUE_URL, 'INTAKE_QUEUE_URL')();
const alerts = opsAlerts(config);
// Each case is decided under its own market's policy and calendar (order.market; the default market without one).
const deploymentMarkets = markets(config);
const { proactiveEnabled, pollIntervalSeconds } = trackingSettings(deploymentMarkets, config);
const routing = carrierRouting(carrierTrackingConfig(config));

/** POST /webhooks/carriers/{provider}: a tracking provider's push (functions/http/carrier-push-app.ts, docs/carrier-tracking.md "Push"). */
const app = carrierPushApp({
  shipments,
  cases,
  intake,
  alerts,
  markets: deploymentMarkets,
  proactiveEnabled,
  pollIntervalSeconds,
  carrierCodes: routing.codesFor,
  webhookKeys: (provider) => carrierWebhookKeys(config, provider),
  previousSecretMs: PREVIOUS_CARRIER_WEBHOOK_SECRET_MS,
  logger,
});

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(app);
